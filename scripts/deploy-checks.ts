/**
 * What `npm run deploy` checks before it deploys (scripts/deploy.ts): a
 * deployment is production unless the user says `--dev`. Production needs the
 * network's own genesis (GENESIS_PRODUCER_KEYS, GENESIS_ADMIN_KEY: none of the
 * public dev keys), a PRODUCER_SECRET set as a Worker secret, DEV not "true",
 * a Worker name of its own (the default "iost-edge" is everyone's), PEERS that
 * are the other nodes' https URLs (never this node's own), a whole-number
 * BLOCK_INTERVAL_MS, and the `global_fetch_strictly_public` compatibility flag
 * (without it two nodes of one Cloudflare account cannot fetch each other).
 * With `--dev` the same findings are warnings. `deployChecks` is pure, so
 * test/node runs it as is; `peerChecks` asks each peer (online, before a real
 * deploy) whether it runs this network's chain, with the fetch it is given.
 */
import { PUBLIC_DEV_KEYS } from "../src/genesis/dev-keys";

export const DEFAULT_NAME = "iost-edge";

/** Lets a Worker's global fetch reach other Workers of the same account (docs/DEPLOY.md "Names and URLs"). */
export const STRICTLY_PUBLIC = "global_fetch_strictly_public";

export interface DeployTarget {
  /** The Worker name wrangler would deploy (wrangler.toml `name`, or `--name`). */
  name: string;
  /** The vars it would deploy: wrangler.toml [vars] with the user's `--var` overrides. */
  vars: Record<string, unknown>;
  /** Whether PRODUCER_SECRET is set as a secret; undefined: not known (a dry run without --producer-secret-set). */
  producerSecret: boolean | undefined;
  /** `--dev`: a dev deployment, public keys and dev endpoints on purpose. */
  dev: boolean;
  /** wrangler.toml `compatibility_flags`. */
  flags: readonly string[];
}

export interface DeployFindings {
  /** Refuse to deploy. */
  errors: string[];
  warnings: string[];
}

const list = (v: unknown): string[] =>
  (typeof v === "string" ? v : "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

/** PEERS as the node reads it (durable-objects/config.ts parsePeers): trailing slashes dropped. */
export const peersOf = (vars: Record<string, unknown>): string[] => list(vars.PEERS).map((p) => p.replace(/\/+$/, ""));

export function deployChecks(t: DeployTarget): DeployFindings {
  const problems: string[] = [];
  const genesis: [string, string][] = [
    ["GENESIS_PRODUCER_KEYS", "the network's genesis producers' block public keys, comma-separated"],
    ["GENESIS_ADMIN_KEY", "the public key owning admin's 21e9 IOST"],
  ];
  for (const [name, what] of genesis) {
    const keys = list(t.vars[name]);
    if (keys.length === 0) problems.push(`${name} is not set: set it to ${what} (wrangler.toml [vars] or --var ${name}:<keys>)`);
    for (const k of keys.filter((k) => PUBLIC_DEV_KEYS.has(k)))
      problems.push(`${name} names ${k}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`);
  }
  if (t.producerSecret === false)
    problems.push("PRODUCER_SECRET is not set: `npx wrangler secret put PRODUCER_SECRET` (the base58 secret of this node's producer key)");
  if (t.producerSecret === undefined) {
    problems.push("PRODUCER_SECRET unknown offline: pass --producer-secret-set once `npx wrangler secret put PRODUCER_SECRET` is done");
  }
  if (t.vars.DEV === "true") problems.push('DEV is "true": /dev/mine, /dev/revert and unsigned /execTx would be open to anyone');
  if (t.name === DEFAULT_NAME) problems.push(`the Worker name is the default "${DEFAULT_NAME}": give the deployment its own (wrangler.toml name or --name)`);
  if (!/^[1-9][0-9]*$/.test(String(t.vars.BLOCK_INTERVAL_MS ?? "")))
    problems.push(`BLOCK_INTERVAL_MS is ${JSON.stringify(t.vars.BLOCK_INTERVAL_MS)}: a whole number of milliseconds, the same on every node (IOST's is 500)`);
  problems.push(...peerProblems(t));
  if (!t.dev) return { errors: problems, warnings: [] };
  return { errors: [], warnings: problems.map((p) => `DEV DEPLOYMENT (--dev): ${p}`) };
}

function peerProblems(t: DeployTarget): string[] {
  const problems: string[] = [];
  const peers = peersOf(t.vars);
  const seen = new Set<string>();
  for (const peer of peers) {
    let url: URL;
    try {
      url = new URL(peer);
    } catch {
      problems.push(`PEERS names "${peer}", not a URL: give each peer's base URL, e.g. https://<name>.<account>.workers.dev`);
      continue;
    }
    if (url.protocol !== "https:") problems.push(`PEERS names ${peer}: a peer is reached over https (blocks and endorsements cross the Internet)`);
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "") problems.push(`PEERS names ${peer}: a base URL, without a path or query`);
    if (seen.has(url.host)) problems.push(`PEERS names ${url.host} twice`);
    seen.add(url.host);
    // <name>.<account subdomain>.workers.dev: the first label is the Worker's name.
    const labels = url.hostname.split(".");
    if (url.hostname.endsWith(".workers.dev") && labels.length === 4 && labels[0] === t.name)
      problems.push(
        `PEERS names ${peer}, this deployment's own URL (Worker "${t.name}"): a node must not list itself, and two nodes given one name are one Worker, the second deploy replacing the first; give each node its own name`,
      );
  }
  if (peers.length > 0 && !t.flags.includes(STRICTLY_PUBLIC))
    problems.push(
      `compatibility_flags lacks "${STRICTLY_PUBLIC}": without it a Worker's fetch to another Worker of the same Cloudflare account (the other nodes on your workers.dev subdomain) fails with error 1042, and the nodes never exchange blocks`,
    );
  return problems;
}

/** A peer's answers to the questions `peerChecks` asks. */
interface PeerView {
  chainId: string;
  boot: string;
  intervalNs: string;
  shards: string;
  /** Shard groups; "1" from a node older than groups. */
  groups: string;
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Asks every peer (GET /getChainInfo, /getBlockByNumber/0/false, /getShardInfo,
 * POST /getContractStorage base.iost blockIntervalNs) whether it runs the chain
 * this deployment would join: the same chain id, block interval, shard count and
 * shard groups as these vars, and one boot block (height 0, which commits to the whole
 * genesis) on all of them. A peer that does not answer is an error, or only a
 * warning with `newNetwork` (its nodes are deployed one after another).
 */
export async function peerChecks(vars: Record<string, unknown>, fetch: Fetch, options: { newNetwork: boolean; timeoutMs?: number }): Promise<DeployFindings> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const boots = new Map<string, string[]>();
  const want = {
    chainId: String(vars.CHAIN_ID ?? ""),
    intervalNs: `${String(vars.BLOCK_INTERVAL_MS ?? "")}000000`,
    shards: String(vars.SHARD_COUNT ?? ""),
    groups: String(vars.SHARD_GROUPS ?? "1").trim(),
  };
  for (const peer of peersOf(vars)) {
    let view: PeerView;
    try {
      view = await askPeer(peer, fetch, options.timeoutMs ?? 10_000);
    } catch (err) {
      const what = `peer ${peer} did not answer (${(err as Error).message})`;
      if (options.newNetwork) warnings.push(`${what}: fine while the network's nodes are deployed one by one (--new-network)`);
      else errors.push(`${what}: deploy that node first, fix its URL, or pass --new-network while starting a network`);
      continue;
    }
    if (view.chainId !== want.chainId) errors.push(`peer ${peer} runs chain id ${view.chainId}, this deployment CHAIN_ID ${want.chainId}`);
    if (view.intervalNs !== want.intervalNs)
      errors.push(`peer ${peer}'s chain has a block interval of ${view.intervalNs} ns, this deployment BLOCK_INTERVAL_MS ${String(vars.BLOCK_INTERVAL_MS)}`);
    if (view.shards !== want.shards) errors.push(`peer ${peer} has ${view.shards} shards, this deployment SHARD_COUNT ${want.shards}`);
    if (view.groups !== want.groups) errors.push(`peer ${peer}'s chain has ${view.groups} shard groups, this deployment SHARD_GROUPS ${want.groups}`);
    boots.set(view.boot, [...(boots.get(view.boot) ?? []), peer]);
  }
  if (boots.size > 1)
    errors.push(
      `the peers run different chains (boot blocks ${[...boots].map(([hash, peers]) => `${hash} at ${peers.join(", ")}`).join("; ")}): every node of a network must have the same GENESIS_* values`,
    );
  return { errors, warnings };
}

async function askPeer(peer: string, fetch: Fetch, timeoutMs: number): Promise<PeerView> {
  const get = async (path: string, init?: RequestInit): Promise<Record<string, unknown>> => {
    const res = await fetch(`${peer}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    const json: unknown = JSON.parse(text);
    if (typeof json !== "object" || json === null) throw new Error(`${path}: not a JSON object`);
    return json as Record<string, unknown>;
  };
  const info = await get("/getChainInfo");
  const boot = (await get("/getBlockByNumber/0/false")).block as Record<string, unknown> | undefined;
  const shards = await get("/getShardInfo");
  const body = JSON.stringify({ id: "base.iost", key: "blockIntervalNs", field: "", by_longest_chain: false });
  const interval = await get("/getContractStorage", { method: "POST", body, headers: { "content-type": "application/json" } });
  return {
    chainId: String(info.chain_id),
    boot: String(boot?.hash),
    intervalNs: String(interval.data),
    shards: String(shards.shard_count),
    groups: String(shards.groups ?? 1),
  };
}

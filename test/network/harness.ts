/**
 * Test harness for networks of real nodes (issue #7): start N nodes, each its
 * own workerd with its own store, linked through cuttable proxies; read their
 * chains; wait for conditions; compare nodes.
 *
 *   const net = await startNetwork({ nodes: 4, persistRoot: tmp });
 *   net.partition([0, 1], [2, 3]);  ...  net.healAll();
 *   await waitFor("all past 50", async () => (await allInfo(net.nodes)).every((c) => c.lib >= 50), 60_000);
 *   expect(await finalChainDiff(net.nodes)).toEqual([]);
 *
 * `timing: productionTiming()` runs the network as Cloudflare would (issue 14
 * item 6): 100–250 ms one way on every link, and each coordinator's alarm
 * late by up to 250 ms and now and then delivered twice (ALARM_JITTER_MS).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoordinatorStatus, ShardStatus } from "../../durable-objects/api";
import { afterAll, beforeAll } from "vitest";
import { connect, expectSuccess, type Client } from "../e2e/helpers/sdk";
import { startNetwork as launch, type NetNode, type Network, type NetworkOptions } from "../../scripts/network";

export type { NetNode, Network } from "../../scripts/network";
export { startLinkProxy, type LinkProxy } from "../../scripts/link-proxy";

/** Link delays and alarm jitter of a network run under production timing. */
export interface Timing {
  /** One-way delay of every link, ms. */
  linkMs: { min: number; max: number };
  /** ALARM_JITTER_MS of every node. */
  alarmJitterMs: number;
  /** Seeds every link's and node's draws: the same seed, the same timings. */
  seed: number;
}

/** The seed of timing runs under CI (TIMING_SEED overrides). */
export const CI_TIMING_SEED = 1014;

/**
 * Cloudflare's timing: links between regions take 100–250 ms one way, alarms
 * arrive tens to hundreds of ms late and at least once. Seeded by TIMING_SEED,
 * else CI's fixed seed or a fresh one; printed, so any run can be replayed.
 */
export function productionTiming(): Timing {
  const seed = Number(process.env.TIMING_SEED ?? (process.env.CI ? CI_TIMING_SEED : Date.now() % 2 ** 31));
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`TIMING_SEED wants a whole number, got ${process.env.TIMING_SEED}`);
  console.log(`production timing: links 100–250 ms, alarms up to 250 ms late, seed ${seed} (replay: TIMING_SEED=${seed})`);
  return { linkMs: { min: 100, max: 250 }, alarmJitterMs: 250, seed };
}

export interface HarnessOptions {
  nodes: number;
  /** Stores under <persistRoot>/node-<i>; default a fresh temp dir, removed by stop(). */
  persistRoot?: string;
  /** PEERS through link proxies (default true): needed for cut/heal/partition. */
  proxied?: boolean;
  /** Extra vars for every node (e.g. { SHARD_COUNT: "1", BLOCK_PRODUCTION: "manual" }). */
  vars?: Record<string, string>;
  nodeVars?: NetworkOptions["nodeVars"];
  /** Link delays and alarm jitter (proxied only); default none: loopback speed, punctual alarms. */
  timing?: Timing;
}

export async function startNetwork(options: HarnessOptions): Promise<Network> {
  const temp = options.persistRoot === undefined ? mkdtempSync(join(tmpdir(), "iost-edge-net-")) : undefined;
  const { timing, ...rest } = options;
  const timed: Partial<NetworkOptions> = timing
    ? {
        linkDelay: { minMs: timing.linkMs.min, maxMs: timing.linkMs.max, seed: timing.seed },
        nodeVars: (i) => ({ ALARM_JITTER_MS: String(timing.alarmJitterMs), ALARM_JITTER_SEED: String(timing.seed + i), ...options.nodeVars?.(i) }),
      }
    : {};
  try {
    const net = await launch({ ...rest, ...timed, persistRoot: options.persistRoot ?? temp });
    if (!temp) return net;
    return {
      ...net,
      async stop() {
        await net.stop();
        rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (temp) rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The file's network: started before its tests, with an SDK client on node 0's edge, and stopped after them. `set`
 * gives both to the file's own variables once started.
 */
export function useNetwork(options: HarnessOptions, set: (net: Network, client: Client) => void, startMs = 200_000): void {
  let net: Network | undefined;
  beforeAll(async () => {
    net = await startNetwork(options);
    set(net, await connect(net.nodes[0].url));
  }, startMs);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);
}

/** /getChainInfo with numbers parsed. */
export interface ChainInfo {
  chainId: number;
  head: number;
  headHash: string;
  lib: number;
  libHash: string;
  witnesses: string[];
  raw: Record<string, unknown>;
}

type Target = string | { url: string };
const urlOf = (t: Target) => (typeof t === "string" ? t : t.url);

async function getJson(url: string, timeoutMs = 10_000): Promise<{ status: number; body: any }> {
  // Fresh answers: a head read shared for HEAD_MEMO_MS (workers/lib/cache.ts) could name an older head
  // than the state read after it, and the state checks compare nodes at one head.
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { "cache-control": "no-cache" } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, body };
}

export async function chainInfo(node: Target): Promise<ChainInfo> {
  const { status, body } = await getJson(`${urlOf(node)}/getChainInfo`);
  if (status !== 200) throw new Error(`${urlOf(node)}/getChainInfo: HTTP ${status} ${JSON.stringify(body)}`);
  return {
    chainId: Number(body.chain_id),
    head: Number(body.head_block),
    headHash: String(body.head_block_hash),
    lib: Number(body.lib_block),
    libHash: String(body.lib_block_hash),
    witnesses: (body.witness_list ?? []) as string[],
    raw: body,
  };
}

/** Chain info of every node, in order. */
export function allInfo(nodes: readonly Target[]): Promise<ChainInfo[]> {
  return Promise.all(nodes.map(chainInfo));
}

/** Hash of block `number` on a node, or null if it has none there. */
export async function blockHash(node: Target, number: number): Promise<string | null> {
  const { status, body } = await getJson(`${urlOf(node)}/getBlockByNumber/${number}/false`);
  if (status !== 200) return null;
  return String(body.block.hash);
}

/**
 * Polls `check` until it returns something other than undefined/false/null;
 * returns it. On timeout throws with `label` and the last value or error seen.
 */
export async function waitFor<T>(
  label: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as T;
      last = `last value ${String(v)}`;
    } catch (err) {
      last = `last error ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label} (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until every node's LIB reaches the highest head now; returns that head. Transfers (transferUntil) keep
 * blocks coming meanwhile: on demand, producers rest once their last block with txs is final, and the empty
 * blocks they made for that may stay above LIB until the heartbeat (on a loaded machine a wait for LIB at the
 * head's parent timed out after 120 s; more than one such empty block is the likely cause, not confirmed).
 */
export async function allFinal(client: Client, nodes: readonly Target[], label: string, timeoutMs: number): Promise<number> {
  const head = Math.max(...(await allInfo(nodes)).map((i) => i.head));
  await transferUntil(client, label, `final past ${head}`, async () => (await allInfo(nodes)).every((i) => i.lib >= head), timeoutMs);
  return head;
}

/**
 * Transfers 1 iost from admin to each of `to` in turn (foundation), one at a time, until `done` gives a value, and
 * returns it: under on-demand production blocks come with txs only.
 */
export function transferUntil<T>(
  client: Client,
  label: string,
  memo: string,
  done: () => Promise<T | null | false>,
  timeoutMs: number,
  to: readonly string[] = ["foundation"],
): Promise<T> {
  let k = 0;
  return waitFor(
    label,
    async () => {
      const got = await done();
      if (got) return got;
      const receiver = to[k % to.length];
      await expectSuccess(client, client.iost.transfer("iost", "admin", receiver, "1", `${memo}-${k++}`));
      return null;
    },
    timeoutMs,
    250,
  );
}

/**
 * Safety check: differences between nodes' finalized chains, [] when none.
 * For each pair, the blocks at min(LIB a, LIB b) must be equal (a block hash
 * covers its parent, so that settles everything below); the last `depth`
 * blocks at or below the lowest LIB are also compared one by one, so a
 * mismatch is reported where it starts.
 */
export async function finalChainDiff(nodes: readonly Target[], depth = 10): Promise<string[]> {
  const infos = await allInfo(nodes);
  const diffs: string[] = [];
  for (let a = 0; a < nodes.length; a++)
    for (let b = a + 1; b < nodes.length; b++) {
      const n = Math.min(infos[a].lib, infos[b].lib);
      const [ha, hb] = await Promise.all([blockHash(nodes[a], n), blockHash(nodes[b], n)]);
      if (ha === null || ha !== hb) diffs.push(`block ${n}: node ${a} ${ha} vs node ${b} ${hb}`);
    }
  const low = Math.min(...infos.map((i) => i.lib));
  for (let n = Math.max(0, low - depth + 1); n <= low; n++) {
    const hashes = await Promise.all(nodes.map((node) => blockHash(node, n)));
    if (new Set(hashes).size !== 1 || hashes[0] === null) diffs.push(`block ${n}: ${hashes.map((h, i) => `node ${i} ${h}`).join(", ")}`);
  }
  return diffs;
}

/** An account's balance of `token` as the node's head state has it (string, IOST's decimal form). */
export async function balance(node: Target, account: string, token = "iost"): Promise<string> {
  const { status, body } = await getJson(`${urlOf(node)}/getTokenBalance/${account}/${token}/true`);
  if (status !== 200) throw new Error(`${urlOf(node)}/getTokenBalance/${account}: HTTP ${status} ${JSON.stringify(body)}`);
  return String(body.balance);
}

/**
 * Accounts whose balances differ between nodes, [] when all agree (each line
 * lists every node's value). Compare once heads agree: head states of nodes at
 * different heights differ legitimately.
 */
export async function balanceDiff(nodes: readonly Target[], accounts: readonly string[], token = "iost"): Promise<string[]> {
  const diffs: string[] = [];
  for (const account of [...accounts].sort()) {
    const values = await Promise.all(nodes.map((n) => balance(n, account, token).catch((e: Error) => `error: ${e.message}`)));
    if (new Set(values).size !== 1) diffs.push(`${account}: ${values.map((v, i) => `node ${i} ${v}`).join(", ")}`);
  }
  return diffs;
}

/**
 * balanceDiff asked until the nodes agree, at most `ms`: [] once they do, else the last disagreement. A node reading a
 * shard it does not apply answers at a final block, the others at their heads, so a block above LIB (issue.iost's issue
 * to foundation) shows on those first: the nodes must agree at some moment, not at every one (asked once more after
 * they agreed, a new issue block made them differ again in CI).
 */
export async function balancesAgree(nodes: readonly Target[], accounts: readonly string[], ms = 60_000, token = "iost"): Promise<string[]> {
  let last: string[] = [];
  await waitFor("every node reads the same balances", async () => (last = await balanceDiff(nodes, accounts, token)).length === 0, ms, 500).catch(() => {});
  return last;
}

/** A plain HTTP GET, for tests that talk to a node or proxy directly. */
export { getJson };

/** The shard-groups files' chain: four shards in two groups, a block per 500 ms, no heartbeat. */
export const GROUPS_VARS = { SHARD_COUNT: "4", SHARD_GROUPS: "2", HEARTBEAT_MS: "0", BLOCK_INTERVAL_MS: "500" };

/** /dev/status coordinator.rotation: the last rotation plan with what rotation synced and handed over. */
export type RotationView = NonNullable<CoordinatorStatus["rotation"]>;

/** `node`'s /dev/status: its rotation plan (null with one group, or before its first), its shard objects, and the whole body. */
export async function rotationStatus(node: Target): Promise<{ plan: RotationView | null; shards: ShardStatus[]; body: any }> {
  const { body } = await getJson(`${urlOf(node)}/dev/status`);
  return { plan: body.coordinator.rotation ?? null, shards: body.shards, body };
}

/** Ids of the Shard objects in a node's store (workerd's local layout: one `<id>.sqlite` per object, beside its metadata.sqlite). */
export function shardObjects(node: NetNode): string[] {
  const root = join(node.persist, "v3", "do");
  const dir = readdirSync(root).find((d) => d.endsWith("-Shard"));
  return dir === undefined ? [] : readdirSync(join(root, dir)).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
}

// ---- fault-test helpers (test/network/fault-fixture.ts) ----

/** The node's iost supply (getTokenInfo current_supply) at its head. */
export async function iostSupply(node: Target): Promise<string> {
  const { status, body } = await getJson(`${urlOf(node)}/getTokenInfo/iost/true`);
  if (status !== 200) throw new Error(`${urlOf(node)}/getTokenInfo/iost: HTTP ${status} ${JSON.stringify(body)}`);
  return String(body.current_supply);
}

/** What one node's head state says: balances of the accounts asked (in order), then the iost supply. */
export interface HeadState {
  head: number;
  headHash: string;
  values: string[];
}

/**
 * Reads balances of `accounts` and the iost supply on every node at a moment
 * all of them have the same head (same hash before and after the reads), so
 * any difference between the rows is a real disagreement. Retries until such
 * a moment comes; throws after `timeoutMs`.
 */
export async function headStates(nodes: readonly Target[], accounts: readonly string[], timeoutMs = 30_000): Promise<HeadState[]> {
  return waitFor(
    "all nodes at one head for a state read",
    async () => {
      const before = await allInfo(nodes);
      if (new Set(before.map((i) => i.headHash)).size !== 1) return undefined;
      const values = await Promise.all(nodes.map((n) => Promise.all([...accounts.map((a) => balance(n, a)), iostSupply(n)])));
      const after = await allInfo(nodes);
      if (after.some((i) => i.headHash !== before[0].headHash)) return undefined;
      return values.map((v) => ({ head: before[0].head, headHash: before[0].headHash, values: v }));
    },
    timeoutMs,
    100,
  );
}

/**
 * Watches every running node's LIB in the background and records each
 * (height → hash) it reports. A finalized block must never change: any node
 * reporting a different hash at a recorded height, or a LIB lower than its
 * last one (a wiped node excepted: `forget`), is a violation.
 */
export class FinalityWatch {
  /** height → hash of every LIB seen on any node. */
  readonly finals = new Map<number, string>();
  readonly violations: string[] = [];
  private readonly last = new Map<number, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  constructor(private readonly nodes: readonly NetNode[]) {}

  start(everyMs = 300): void {
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await waitFor("watch poll done", () => !this.polling, 10_000, 20);
  }

  /** Node `i` lost its store: its LIB starts over from genesis (its hashes are still checked). */
  forget(i: number): void {
    this.last.delete(i);
  }

  observe(i: number, info: ChainInfo): void {
    const seen = this.finals.get(info.lib);
    if (seen === undefined) this.finals.set(info.lib, info.libHash);
    else if (seen !== info.libHash) this.violations.push(`node ${i}: LIB ${info.lib} is ${info.libHash}, earlier final ${seen}`);
    const prev = this.last.get(i);
    if (prev !== undefined && info.lib < prev) this.violations.push(`node ${i}: LIB went back from ${prev} to ${info.lib}`);
    this.last.set(i, Math.max(prev ?? 0, info.lib));
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all(
        this.nodes.map(async (node, i) => {
          if (!node.running) return;
          const info = await chainInfo(node).catch(() => null); // stopping or starting: skip
          if (info && node.running) this.observe(i, info);
        }),
      );
    } finally {
      this.polling = false;
    }
  }

  /** Highest recorded final height ≤ `max`, with its hash. */
  highest(max = Infinity): [number, string] | undefined {
    let best: [number, string] | undefined;
    for (const [h, hash] of this.finals) if (h <= max && (!best || h > best[0])) best = [h, hash];
    return best;
  }
}

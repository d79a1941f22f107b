/** scripts/deploy-checks.ts: a deployment is production unless `--dev` says otherwise; peers are asked over real HTTP. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployChecks, peerChecks, STRICTLY_PUBLIC, type DeployTarget } from "../../scripts/deploy-checks";
import { DEV_ADMIN_PUBKEY, DEV_PRODUCERS } from "../../src/genesis/dev-keys";

const OWN = ["4yG5QbfkcKGzNKC7d6bmgqNDXxrAwnFDvqGjaN3CAd3A", "7bc9ZzvM7PR1bPLJ1hSDnEEHX7pVvC1MqBbP5M6nGwbj"];
const proper: DeployTarget = {
  name: "mynet-node1",
  vars: { DEV: "false", GENESIS_PRODUCER_KEYS: OWN[0], GENESIS_ADMIN_KEY: OWN[1], BLOCK_INTERVAL_MS: "500", PEERS: "https://mynet-node2.acme.workers.dev/" },
  producerSecret: true,
  dev: false,
  flags: ["nodejs_compat", STRICTLY_PUBLIC],
};
const withVars = (vars: Record<string, unknown>): DeployTarget => ({ ...proper, vars: { ...proper.vars, ...vars } });

describe("deploy checks", () => {
  it("a proper production config passes", () => {
    expect(deployChecks(proper)).toEqual({ errors: [], warnings: [] });
  });

  it("refuses the public dev keys", () => {
    const { errors } = deployChecks({
      ...proper,
      vars: { ...proper.vars, GENESIS_PRODUCER_KEYS: `${OWN[0]},${DEV_PRODUCERS[0].pubkey}`, GENESIS_ADMIN_KEY: DEV_ADMIN_PUBKEY },
    });
    expect(errors).toEqual([
      `GENESIS_PRODUCER_KEYS names ${DEV_PRODUCERS[0].pubkey}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`,
      `GENESIS_ADMIN_KEY names ${DEV_ADMIN_PUBKEY}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`,
    ]);
  });

  it("refuses a missing genesis, a missing or unknown PRODUCER_SECRET, DEV on", () => {
    const { errors } = deployChecks({ ...proper, vars: { DEV: "true", GENESIS_PRODUCER_KEYS: " , ", BLOCK_INTERVAL_MS: "500" }, producerSecret: false });
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^GENESIS_PRODUCER_KEYS is not set/);
    expect(errors[1]).toMatch(/^GENESIS_ADMIN_KEY is not set/);
    expect(errors[2]).toMatch(/^PRODUCER_SECRET is not set: `npx wrangler secret put PRODUCER_SECRET`/);
    expect(errors[3]).toMatch(/^DEV is "true"/);
    expect(deployChecks({ ...proper, producerSecret: undefined }).errors).toEqual([
      "PRODUCER_SECRET unknown offline: pass --producer-secret-set once `npx wrangler secret put PRODUCER_SECRET` is done",
    ]);
  });

  it("refuses the default name", () => {
    expect(deployChecks({ ...proper, name: "iost-edge" }).errors).toEqual([
      'the Worker name is the default "iost-edge": give the deployment its own (wrangler.toml name or --name)',
    ]);
  });

  it("--dev accepts everything above, each as a loud warning", () => {
    const devTarget: DeployTarget = { name: "iost-edge", vars: { DEV: "true", BLOCK_INTERVAL_MS: "500" }, producerSecret: undefined, dev: true, flags: [] };
    const { errors, warnings } = deployChecks(devTarget);
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(5);
    for (const w of warnings) expect(w).toMatch(/^DEV DEPLOYMENT \(--dev\): /);
  });

  it("refuses a missing or fractional BLOCK_INTERVAL_MS", () => {
    for (const v of [undefined, "", "0", "0.5", "500ms", "-1"])
      expect(deployChecks(withVars({ BLOCK_INTERVAL_MS: v })).errors).toEqual([
        `BLOCK_INTERVAL_MS is ${JSON.stringify(v)}: a whole number of milliseconds, the same on every node (IOST's is 500)`,
      ]);
  });

  it("refuses PEERS that are not https base URLs, or name one peer twice", () => {
    const peers = ["not a url", "http://mynet-node2.acme.workers.dev", "https://mynet-node3.acme.workers.dev/p2p", "https://b.example/", "https://b.example"];
    expect(deployChecks(withVars({ PEERS: peers.join(",") })).errors).toEqual([
      'PEERS names "not a url", not a URL: give each peer\'s base URL, e.g. https://<name>.<account>.workers.dev',
      "PEERS names http://mynet-node2.acme.workers.dev: a peer is reached over https (blocks and endorsements cross the Internet)",
      "PEERS names https://mynet-node3.acme.workers.dev/p2p: a base URL, without a path or query",
      "PEERS names b.example twice",
    ]);
  });

  it("refuses PEERS naming this deployment itself: two nodes given one name", () => {
    const { errors } = deployChecks(withVars({ PEERS: "https://mynet-node2.acme.workers.dev,https://mynet-node1.acme.workers.dev" }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^PEERS names https:\/\/mynet-node1\.acme\.workers\.dev, this deployment's own URL \(Worker "mynet-node1"\)/);
    expect(errors[0]).toMatch(/give each node its own name$/);
  });

  it("refuses peers without global_fetch_strictly_public, explaining error 1042; a lone node needs no flag", () => {
    const { errors } = deployChecks({ ...proper, flags: ["nodejs_compat"] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^compatibility_flags lacks "global_fetch_strictly_public": .* same Cloudflare account .* error 1042/);
    expect(deployChecks({ ...withVars({ PEERS: "" }), flags: [] }).errors).toEqual([]);
  });
});

/** A stand-in peer answering the four reads peerChecks makes, as a node would. */
function peerServer(chain: { chainId: number; boot: string; intervalMs: number; shards: number; groups?: number }): Promise<Server> {
  const server = createServer((req, res) => {
    const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
    if (req.url === "/getChainInfo") return json({ chain_id: chain.chainId, head_block: "7" });
    if (req.url === "/getBlockByNumber/0/false") return json({ status: "IRREVERSIBLE", block: { hash: chain.boot, number: "0" } });
    // A node from before shard groups names none.
    if (req.url === "/getShardInfo")
      return json(chain.groups === undefined ? { shard_count: chain.shards } : { shard_count: chain.shards, groups: chain.groups });
    if (req.url === "/getContractStorage" && req.method === "POST") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const { id, key } = JSON.parse(body) as { id: string; key: string };
        json({ data: id === "base.iost" && key === "blockIntervalNs" ? String(BigInt(chain.intervalMs) * 1_000_000n) : "" });
      });
      return;
    }
    res.writeHead(404).end("{}");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("peer checks (online, before a real deploy)", () => {
  const net = { chainId: 1020, boot: "BootHashA", intervalMs: 500, shards: 4 };
  const servers: Server[] = [];
  const urls: string[] = [];
  let dead = "";
  beforeAll(async () => {
    for (const chain of [net, { ...net, groups: 1 }, { ...net, boot: "BootHashB", intervalMs: 1000, shards: 2, groups: 2 }, { ...net, chainId: 1024 }]) {
      const s = await peerServer(chain);
      servers.push(s);
      urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    }
    const gone = await peerServer(net);
    dead = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((r) => gone.close(r));
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
  const vars = (peers: string[]) => ({ CHAIN_ID: "1020", BLOCK_INTERVAL_MS: "500", SHARD_COUNT: "4", PEERS: peers.join(",") });

  it("peers running this network's chain pass", async () => {
    expect(await peerChecks(vars([urls[0], `${urls[1]}/`]), fetch, { newNetwork: false })).toEqual({ errors: [], warnings: [] });
  });

  it("a peer of another chain: its chain id, block interval, shard count, shard groups and boot block are named", async () => {
    const { errors } = await peerChecks(vars([urls[0], urls[2], urls[3]]), fetch, { newNetwork: false });
    expect(errors).toEqual([
      `peer ${urls[2]}'s chain has a block interval of 1000000000 ns, this deployment BLOCK_INTERVAL_MS 500`,
      `peer ${urls[2]} has 2 shards, this deployment SHARD_COUNT 4`,
      `peer ${urls[2]}'s chain has 2 shard groups, this deployment SHARD_GROUPS 1`,
      `peer ${urls[3]} runs chain id 1024, this deployment CHAIN_ID 1020`,
      `the peers run different chains (boot blocks BootHashA at ${urls[0]}, ${urls[3]}; BootHashB at ${urls[2]}): every node of a network must have the same GENESIS_* values`,
    ]);
  });

  it("a peer that does not answer refuses the deploy; --new-network makes it a warning", async () => {
    const strict = await peerChecks(vars([urls[0], dead]), fetch, { newNetwork: false });
    expect(strict.warnings).toEqual([]);
    expect(strict.errors).toHaveLength(1);
    expect(strict.errors[0]).toMatch(new RegExp(`^peer ${dead} did not answer \\(.+\\): deploy that node first, fix its URL, or pass --new-network`));
    const starting = await peerChecks(vars([urls[0], dead]), fetch, { newNetwork: true });
    expect(starting.errors).toEqual([]);
    expect(starting.warnings[0]).toMatch(/did not answer .*--new-network\)$/);
  });
});

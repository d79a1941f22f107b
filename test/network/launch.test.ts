/**
 * The network launcher and its fault controls (issue #7): a link proxy against
 * a tiny HTTP server, then four real nodes (each its own workerd and store)
 * started together through the harness, restarted, wiped, and their links cut,
 * under production conditions (on-demand production, link delays, late alarms:
 * harness `productionTiming`); a step that needs blocks sends txs for them.
 */
import { createServer, type Server } from "node:http";
import { existsSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { delayDraw } from "../../scripts/link-proxy";
import { connect, post, signTx, txJson, type Client } from "../e2e/helpers/sdk";
import {
  allInfo,
  balance,
  balanceDiff,
  blockHash,
  chainInfo,
  finalChainDiff,
  getJson,
  productionTiming,
  startLinkProxy,
  startNetwork,
  waitFor,
  type Network,
} from "./harness";

describe("link proxy", () => {
  let server: Server;
  let target = "";
  const hold: Array<() => void> = [];

  beforeAll(async () => {
    // Echoes method, path and body; /slow answers only when released.
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const answer = () => {
          res.writeHead(req.url === "/teapot" ? 418 : 200, { "content-type": "application/json", "x-echo": "yes" });
          res.end(JSON.stringify({ method: req.method, path: req.url, body }));
        };
        if (req.url === "/slow") hold.push(answer);
        else answer();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hold.splice(0).forEach((f) => f());
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("forwards, refuses while cut, forwards again when healed", async () => {
    const proxy = await startLinkProxy({ target, name: "0->1" });
    try {
      const res = await fetch(`${proxy.url}/sendTx?x=1`, { method: "POST", body: "hello" });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-echo")).toBe("yes");
      expect(await res.json()).toEqual({ method: "POST", path: "/sendTx?x=1", body: "hello" });
      expect((await fetch(`${proxy.url}/teapot`)).status).toBe(418);
      expect(proxy.forwarded).toBe(2);

      proxy.cut();
      expect(proxy.isCut).toBe(true);
      const refused = await getJson(`${proxy.url}/getChainInfo`);
      expect(refused.status).toBe(503);
      expect(refused.body.message).toBe("link 0->1 is cut");
      expect(proxy.forwarded).toBe(2);

      proxy.heal();
      const again = await getJson(`${proxy.url}/again`);
      expect(again.status).toBe(200);
      expect(again.body.path).toBe("/again");
      expect(proxy.forwarded).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it("cutting aborts a request in flight; a dead target is a 502", async () => {
    const proxy = await startLinkProxy({ target });
    try {
      const pending = fetch(`${proxy.url}/slow`)
        .then((r) => r.text())
        .then(
          () => "answered",
          () => "aborted",
        );
      await waitFor("request held", () => hold.length === 1, 5_000, 20);
      proxy.cut();
      expect(await pending).toBe("aborted");
      hold.splice(0).forEach((f) => f());
    } finally {
      await proxy.close();
    }
    const dead = await startLinkProxy({ target: "http://127.0.0.1:1" });
    try {
      const r = await getJson(`${dead.url}/getChainInfo`);
      expect(r.status).toBe(502);
    } finally {
      await dead.close();
    }
  });
  it("a slow link delays each request and each response by a drawn one-way delay; a cut meanwhile aborts", async () => {
    const fixed = await startLinkProxy({ target, name: "0->1", delay: { minMs: 120, maxMs: 120, seed: 1 } });
    try {
      const t0 = performance.now();
      const res = await fetch(`${fixed.url}/x`, { method: "POST", body: "hi" });
      expect(await res.json()).toEqual({ method: "POST", path: "/x", body: "hi" });
      // There and back: two one-way delays (timers may fire a hair early against performance.now).
      expect(performance.now() - t0).toBeGreaterThanOrEqual(238);
      expect(fixed.delays).toEqual([120, 120]);
      // Cut while the request crosses the link: it never reaches the target.
      const pending = fetch(`${fixed.url}/slow`).then(
        () => "answered",
        () => "aborted",
      );
      await new Promise((r) => setTimeout(r, 30));
      fixed.cut();
      expect(await pending).toBe("aborted");
      await new Promise((r) => setTimeout(r, 150));
      expect(hold).toHaveLength(0);
    } finally {
      await fixed.close();
    }
    // A range: each delay drawn from the link's seed, the same on a replay.
    const ranged = await startLinkProxy({ target, delay: { minMs: 100, maxMs: 250, seed: 9 } });
    try {
      for (let i = 0; i < 3; i++) expect((await getJson(`${ranged.url}/r${i}`)).status).toBe(200);
      const draw = delayDraw({ minMs: 100, maxMs: 250, seed: 9 });
      expect(ranged.delays).toEqual(Array.from({ length: 6 }, draw));
      expect(ranged.delays.every((d) => d >= 100 && d <= 250)).toBe(true);
    } finally {
      await ranged.close();
    }
  });
});

describe("comparing nodes", () => {
  // Two stand-in chains over HTTP (only the three RPCs the helpers read), so a
  // divergence can be staged exactly: they differ from block 4 on.
  const servers: Server[] = [];
  const serve = async (hashes: string[], balances: Record<string, string>) => {
    const server = createServer((req, res) => {
      const url = req.url ?? "";
      let m: RegExpExecArray | null;
      let body: unknown = { code: 2, message: "not found" };
      let status = 404;
      if (url === "/getChainInfo") {
        [status, body] = [
          200,
          {
            chain_id: 1020,
            head_block: String(hashes.length - 1),
            head_block_hash: hashes.at(-1),
            lib_block: "5",
            lib_block_hash: hashes[5],
            witness_list: [],
          },
        ];
      } else if ((m = /^\/getBlockByNumber\/(\d+)\/false$/.exec(url)) && hashes[Number(m[1])]) {
        [status, body] = [200, { status: "IRREVERSIBLE", block: { hash: hashes[Number(m[1])], number: m[1] } }];
      } else if ((m = /^\/getTokenBalance\/(\w+)\/iost\/true$/.exec(url)) && balances[m[1]] !== undefined) {
        [status, body] = [200, { balance: balances[m[1]] }];
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it("finalChainDiff and balanceDiff find where nodes disagree", async () => {
    const common = ["g", "b1", "b2", "b3"];
    const a = await serve([...common, "a4", "a5", "a6"], { admin: "10", bob: "1" });
    const b = await serve([...common, "b4", "b5"], { admin: "10", bob: "2" });
    expect(await finalChainDiff([a, a])).toEqual([]);
    expect(await finalChainDiff([a, b], 3)).toEqual(["block 5: node 0 a5 vs node 1 b5", "block 4: node 0 a4, node 1 b4", "block 5: node 0 a5, node 1 b5"]);
    expect(await balanceDiff([a, b], ["bob", "admin"])).toEqual(["bob: node 0 1, node 1 2"]);
    expect((await balanceDiff([a, b], ["nobody"]))[0]).toMatch(/^nobody: node 0 error: .*HTTP 404/);
  });
});

describe("four-node network", () => {
  let net: Network | undefined;
  let client: Client;
  let memo = 0;

  beforeAll(async () => {
    net = await startNetwork({ nodes: 4, timing: productionTiming() });
    client = await connect(net.nodes[0].url);
  }, 150_000);

  /** Sends transfers through node 0 until `node`'s head reaches `height`: on demand, blocks come with txs. */
  async function blocksUpTo(node: Network["nodes"][number], height: number) {
    return waitFor(
      `node ${node.index} past block ${height}`,
      async () => {
        const info = await chainInfo(node);
        if (info.head >= height) return info;
        const tx = client.iost.transfer("iost", "admin", "producer000", "0.01", `launch ${++memo}`);
        signTx(client, tx, client.admin);
        const r = await post(net!.nodes[0].url, "/sendTx", txJson(tx));
        if (r.status !== 200) throw new Error(`sendTx: HTTP ${r.status} ${r.text}`);
        return undefined;
      },
      60_000,
      500,
    );
  }
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  it("every node runs chain 1020 with the four dev producers in its genesis", async () => {
    const n = net!;
    expect(n.nodes.map((x) => x.pubkey)).toEqual(DEV_PRODUCERS.map((p) => p.pubkey));
    expect(new Set(n.nodes.map((x) => x.url)).size).toBe(4);
    const infos = await allInfo(n.nodes);
    const producers = DEV_PRODUCERS.map((p) => p.pubkey).sort();
    for (const info of infos) {
      expect(info.chainId).toBe(1020);
      // Today witness_list is the genesis producers (sorted); once rotation
      // lands it is the schedule, so compare as a set.
      expect([...info.witnesses].sort()).toEqual(producers);
    }
    // producer003 only exists in a four-producer genesis.
    for (const node of n.nodes) expect((await getJson(`${node.url}/getAccount/producer003/true`)).status).toBe(200);
    // Same config, same genesis block: the nodes can share one chain.
    const genesis = await Promise.all(n.nodes.map((x) => blockHash(x, 0)));
    expect(genesis[0]).toBeTruthy();
    expect(new Set(genesis).size).toBe(1);
    // Each node's PEERS are its three outgoing link proxies, which reach the other nodes.
    for (const node of n.nodes) {
      expect(node.peers).toEqual(n.nodes.filter((o) => o !== node).map((o) => n.link(node.index, o.index).url));
    }
    // The compare helpers read real nodes' answers.
    expect(await finalChainDiff([n.nodes[0], n.nodes[0]])).toEqual([]);
    expect(await balance(n.nodes[0], "admin")).toMatch(/^\d+(\.\d+)?$/);
    const via = await getJson(`${n.link(0, 1).url}/getChainInfo`);
    expect(via.status).toBe(200);
    expect(via.body.chain_id).toBe(1020);
  });

  it("cut and heal act on one direction of one link", async () => {
    const n = net!;
    n.cut(0, 1);
    expect((await getJson(`${n.link(0, 1).url}/getChainInfo`)).status).toBe(503);
    expect((await getJson(`${n.link(1, 0).url}/getChainInfo`)).status).toBe(200);
    n.heal(0, 1);
    expect((await getJson(`${n.link(0, 1).url}/getChainInfo`)).status).toBe(200);

    n.partition([0, 1], [2, 3]);
    for (const [a, b] of [
      [0, 2],
      [2, 0],
      [1, 3],
      [3, 1],
      [0, 3],
      [2, 1],
    ])
      expect(n.link(a, b).isCut).toBe(true);
    for (const [a, b] of [
      [0, 1],
      [1, 0],
      [2, 3],
      [3, 2],
    ])
      expect(n.link(a, b).isCut).toBe(false);
    n.healAll();
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b) expect(n.link(a, b).isCut).toBe(false);
    expect(() => n.cut(0, 0)).toThrow(/no link 0->0/);
  });

  it("a stopped node comes back on the same port with its chain", async () => {
    const node = net!.nodes[3];
    const before = await blocksUpTo(node, 3);
    await node.stop();
    expect(node.running).toBe(false);
    await expect(fetch(`${node.url}/getChainInfo`)).rejects.toThrow();
    // Its peers' link to it fails (the node is down), the others keep answering.
    expect((await getJson(`${net!.link(0, 3).url}/getChainInfo`)).status).toBe(502);
    expect((await chainInfo(net!.nodes[0])).chainId).toBe(1020);

    await node.start();
    expect(node.running).toBe(true);
    const after = await chainInfo(node);
    expect(after.head).toBeGreaterThanOrEqual(before.head);
    expect(await blockHash(node, before.head)).toBe(before.headHash);
    expect((await getJson(`${net!.link(0, 3).url}/getChainInfo`)).status).toBe(200);
  });

  it("a wiped node loses its store, starts from genesis and syncs the chain back", async () => {
    const node = net!.nodes[2];
    const before = await blocksUpTo(node, 8);
    const genesis = await blockHash(node, 0);
    const marker = join(node.persist, "marker");
    writeFileSync(marker, "old store");
    await node.wipe();
    expect(existsSync(marker)).toBe(false);
    // The same genesis, then the chain it lost comes back from its peers (block
    // sync): its old final block, same hash.
    expect(await blockHash(node, 0)).toBe(genesis);
    await waitFor(`wiped node 2 back at block ${before.lib}`, async () => (await blockHash(node, before.lib)) === before.libHash, 60_000);
    expect((await chainInfo(node)).head).toBeGreaterThanOrEqual(before.lib);
  });
});

/**
 * The edge's /p2p and /subscribe guards (issue 12 item 7), in Node with the
 * coordinator replaced by a recording fake: what a peer's garbage, oversized,
 * badly signed, unlisted or early blocks and endorsements cost is a refusal at
 * the edge, never a coordinator call; duplicates are dropped without a
 * signature check; every source has a quota. And gossip (durable-objects/
 * peers.ts `Gossip`): each item reaches each peer once.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CoordinatorApi, P2pGate } from "../../durable-objects/api";
import { postEndorsements } from "../../durable-objects/coordinator/finality";
import { MAX_PEER_ANSWER_BYTES } from "../../durable-objects/config";
import { fetchBlocks, Gossip, peerStatus, pushBlock } from "../../durable-objects/coordinator/peers";
import type { PeerBlock } from "../../src/block/wire";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { signEndorsement } from "../../src/consensus/endorse";
import { ed25519PublicKey, ed25519SecretKey } from "../../src/crypto/ed25519";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { createApp } from "../../workers/app";
import type { Env } from "../../workers/env";
import { MAX_P2P_BODY_BYTES } from "../../workers/rpc/p2p";
import { MAX_SUBSCRIBE_CALLS, MAX_SUBSCRIBE_EVENTS } from "../../workers/rpc/subscribe";
import { forged } from "../workers/forge";

const app = createApp();
const producer = DEV_PRODUCERS[0];
const secret = base58Decode(producer.secret);
const PARENT = { number: 9, hash: base58Encode(new Uint8Array(32).fill(3)) };
let sources = 0;

function fakeNode(gate: Partial<P2pGate> = {}, eventsPerPoll = 0) {
  const calls: { method: string; args: unknown[] }[] = [];
  const coord = {
    p2pGate: async (): Promise<P2pGate> => ({ keys: [producer.pubkey], chainId: 1020, nodeId: "me", head: 10, final: 8, aheadMs: 500, shardCount: 1, ...gate }),
    receiveBlock: async (...args: unknown[]) => (calls.push({ method: "receiveBlock", args }), { result: "orphan" }),
    receiveEndorsement: async (...args: unknown[]) => (calls.push({ method: "receiveEndorsement", args }), { result: "counted", final: 8 }),
    p2pStatus: async () => ({ chain_id: 1020, head: 10, head_hash: "H", head_time: "1", lib: 8, lib_hash: "L" }),
    chainInfo: async () => ({ chain_id: 1020, head_block: "10" }),
    eventsSince: async (after: number[]) => {
      const batches = await Promise.all(after.map((a) => shard.eventsSince(a)));
      return { heights: batches.map((b) => b.height), events: batches.flatMap((b) => b.events) };
    },
  };
  const event = { topic: "CONTRACT_EVENT", contract: "Cabc", data: "x", time: "1" };
  const shard = {
    eventsSince: async (after: number) => (
      calls.push({ method: "eventsSince", args: [after] }), { height: after + 1, events: Array(eventsPerPoll).fill(event) }
    ),
  };
  const env = {
    SHARD: { getByName: () => shard },
    COORDINATOR: { getByName: () => coord as unknown as CoordinatorApi },
    CHAIN_ID: "1020",
    SHARD_COUNT: "1",
    SUBSCRIBE_MAX_SECONDS: "1",
  } as unknown as Env;
  // Each node its own source, so the quotas of one test do not spill into another.
  const ip = `10.0.0.${++sources}`;
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await app.request(path, { ...init, headers: { "CF-Connecting-IP": ip, ...(init.headers as Record<string, string>) } }, env);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers });
  return { calls, send, post, ip, env };
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const block = (time = nowNs() - 1_000_000_000n, key = secret): PeerBlock => forged(PARENT, time, key, [producer.pubkey]);

describe("POST /p2p/block at the edge", () => {
  it("garbage, oversized, malformed, unlisted, badly signed and early blocks are refused there; a good one goes on once", async () => {
    const n = fakeNode();
    const good = block();
    const stranger = ed25519SecretKey(new Uint8Array(32).fill(5));
    const cases: [unknown, RegExp][] = [
      ["{not json", /^invalid request body/],
      [{ block: {}, chunks: [] }, /^invalid peer block: block: missing field number/],
      [{ ...good, block: { ...good.block, txCount: 7 } }, /^invalid peer block: block\.txCount/],
      [block(undefined, stranger), /witness \S+ is not in the current, pending or irreversible witness list/],
      [{ ...good, block: { ...good.block, sign: block(nowNs() - 2_000_000_000n).block.sign } }, /bad witness signature/],
      [{ ...good, block: { ...good.block, hash: PARENT.hash } }, /is not the hash of its header/],
      [block(nowNs() + 10_000_000_000n), /ms ahead of this node's clock \(at most 500 ms\): not yet/],
    ];
    for (const [body, reason] of cases) {
      const r = await n.post("/p2p/block", body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: expect.any(Number), message: expect.stringMatching(reason) });
    }
    const huge = await n.post("/p2p/block", JSON.stringify({ pad: "x".repeat(MAX_P2P_BODY_BYTES + 1) }));
    expect(huge.body.message).toMatch(/request body too large/);
    expect(n.calls).toEqual([]);

    const r = await n.post("/p2p/block", good, { "X-Node-Id": "peer-1", "X-Gossip-To": "me,peer-2" });
    expect(r.body).toEqual({ result: "orphan" });
    expect(n.calls).toHaveLength(1);
    expect(n.calls[0].args[2]).toEqual({ node: "peer-1", to: ["me", "peer-2"] });
  });
});

describe("POST /p2p/endorse at the edge", () => {
  const endorse = (height: number, key = secret, producerKey = producer.pubkey) =>
    signEndorsement(
      1020,
      {
        height,
        hash: PARENT.hash,
        parent: base58Encode(new Uint8Array(32).fill(4)),
        justify: { height: height - 2, hash: base58Encode(new Uint8Array(32).fill(6)) },
        producer: producerKey,
      },
      key,
    );

  it("unlisted producers, heights out of the window and bad signatures never reach the coordinator", async () => {
    const n = fakeNode();
    const stranger = ed25519SecretKey(new Uint8Array(32).fill(5));
    const forgedSig = { ...endorse(9), sig: endorse(10).sig };
    const cases: [unknown, RegExp][] = [
      [{ nope: 1 }, /./],
      [endorse(9, stranger, base58Encode(ed25519PublicKey(stranger))), /is not in the current, pending or irreversible witness list/],
      [endorse(8), /not above the final height 8/],
      [endorse(75), /too far above the head 10/],
      [forgedSig, /invalid endorsement signature/],
    ];
    for (const [body, reason] of cases)
      expect((await n.post("/p2p/endorse", body)).body).toEqual({ code: expect.any(Number), message: expect.stringMatching(reason) });
    expect(n.calls).toEqual([]);
  });

  it("a flood of one endorsement costs one coordinator call; the copies are refused as duplicates", async () => {
    const n = fakeNode();
    const e = endorse(9);
    expect((await n.post("/p2p/endorse", e, { "X-Node-Id": "peer-1" })).body).toEqual({ result: "counted", final: 8 });
    const batch = await n.post("/p2p/endorse", { endorsements: Array(64).fill(e) });
    expect(batch.body.results).toEqual(Array(64).fill({ error: expect.stringMatching(/^duplicate endorsement/) }));
    for (let i = 0; i < 50; i++) expect((await n.post("/p2p/endorse", e)).body.message).toMatch(/^duplicate endorsement/);
    expect(n.calls.map((c) => c.method)).toEqual(["receiveEndorsement"]);
    expect(n.calls[0].args[1]).toEqual({ node: "peer-1", to: [] });
  });
});

describe("quotas", () => {
  it("/p2p/*: a source gets 600 requests per 10 s, then IOST's error; other sources are not affected", async () => {
    const n = fakeNode();
    for (let i = 0; i < 600; i++) expect((await n.send("/p2p/status")).status).toBe(200);
    const over = await n.send("/p2p/status");
    expect(over).toEqual({ status: 400, body: { code: expect.any(Number), message: `too many /p2p requests from ${n.ip}: at most 600 per 10 s` } });
    expect((await n.post("/p2p/block", block())).body.message).toMatch(/^too many \/p2p requests/);
    expect((await fakeNode().send("/p2p/status")).status).toBe(200);
  });

  it("/subscribe: 30 new streams per source per minute", async () => {
    const n = fakeNode();
    const open = () => app.request("/subscribe", { method: "POST", body: '{"topics":["CONTRACT_EVENT"]}', headers: { "CF-Connecting-IP": n.ip } }, n.env);
    for (let i = 0; i < 30; i++) {
      const res = await open();
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
    const over = await open();
    expect(await over.json()).toEqual({ code: expect.any(Number), message: `too many /subscribe requests from ${n.ip}: at most 30 per 60 s` });
  });
});

describe("/subscribe bounds", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Opens a stream on `n` (lifetime one day) and reads it to its end with the clock run fast; its lines. */
  async function drain(n: ReturnType<typeof fakeNode>): Promise<string[]> {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    const env = { ...n.env, SUBSCRIBE_MAX_SECONDS: "86400" } as Env;
    const res = await app.request("/subscribe", { method: "POST", body: '{"topics":["CONTRACT_EVENT"]}', headers: { "CF-Connecting-IP": n.ip } }, env);
    const reader = res.body!.getReader();
    let text = "";
    for (let ticks = 0; ticks < 5_000; ticks++) {
      const next = reader.read();
      let done = false;
      for (;;) {
        const r = await Promise.race([next, vi.advanceTimersByTimeAsync(500).then(() => null)]);
        if (r === null) continue;
        done = r.done;
        if (r.value) text += new TextDecoder().decode(r.value);
        break;
      }
      if (done) break;
    }
    return text.split("\n").filter((l) => l !== "");
  }

  it("a stream ends after MAX_SUBSCRIBE_CALLS polls (a Worker request's subrequests are limited)", async () => {
    const n = fakeNode();
    await drain(n);
    const polls = n.calls.filter((c) => c.method === "eventsSince").length;
    expect(polls).toBeGreaterThan(MAX_SUBSCRIBE_CALLS - 10);
    expect(polls).toBeLessThanOrEqual(MAX_SUBSCRIBE_CALLS);
  });

  it("a stream ends after MAX_SUBSCRIBE_EVENTS events", async () => {
    const n = fakeNode({}, 4_000);
    const lines = await drain(n);
    expect(lines).toHaveLength(MAX_SUBSCRIBE_EVENTS);
    expect(n.calls.filter((c) => c.method === "eventsSince").length).toBe(MAX_SUBSCRIBE_EVENTS / 4_000);
  });
});

describe("gossip", () => {
  const url = (id: string) => `http://${id}`;
  /** Nodes `ids`, each peered with `links[id]`, knowing each peer's node id (as from /p2p/status). */
  function mesh(links: Record<string, string[]>, cut = new Set<string>()) {
    const nodes = new Map(Object.keys(links).map((id) => [id, new Gossip()]));
    for (const [id, peers] of Object.entries(links)) for (const p of peers) nodes.get(id)!.learn(url(p), p);
    /** Floods `item` from `origin`; every delivery, as [from, to]. */
    return (item: string, origin: string) => {
      const deliveries: [string, string][] = [];
      const queue: { from: string; at: string; to: string[] }[] = [];
      const send = (id: string) => {
        const { targets, to } = nodes.get(id)!.take(item, links[id].map(url));
        for (const t of targets) queue.push({ from: id, at: t.slice(7), to });
      };
      send(origin);
      while (queue.length > 0) {
        const { from, at, to } = queue.shift()!;
        nodes.get(from)!.reached(url(at), !cut.has(`${from}>${at}`));
        if (cut.has(`${from}>${at}`)) continue;
        deliveries.push([from, at]);
        nodes.get(at)!.heard(item, from, to);
        send(at);
      }
      return deliveries;
    };
  }

  it("a full mesh: the producer's push is all; nobody relays, nobody gets an item twice", () => {
    const ids = ["a", "b", "c", "d"];
    const flood = mesh(Object.fromEntries(ids.map((id) => [id, ids.filter((x) => x !== id)])));
    expect(flood("block-1", "a")).toEqual([
      ["a", "b"],
      ["a", "c"],
      ["a", "d"],
    ]);
  });

  it("a cut link a>b in a full mesh: once a's push to b failed, the others relay a's items to b", () => {
    const ids = ["a", "b", "c", "d"];
    const flood = mesh(Object.fromEntries(ids.map((id) => [id, ids.filter((x) => x !== id)])), new Set(["a>b"]));
    expect(flood("block-1", "a")).toEqual([
      ["a", "c"],
      ["a", "d"],
    ]); // lost to b: its pull fetches blocks
    const second = flood("block-2", "a");
    expect(second.slice(0, 2)).toEqual([
      ["a", "c"],
      ["a", "d"],
    ]);
    expect(second.filter(([, to]) => to === "b").length).toBeGreaterThanOrEqual(1);
    expect(second.filter(([, to]) => to === "a")).toEqual([]);
  });

  it("a line a–b–c–d: each hop once, never back to the sender", () => {
    const flood = mesh({ a: ["b"], b: ["a", "c"], c: ["b", "d"], d: ["c"] });
    expect(flood("e-1", "a")).toEqual([
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
    ]);
    expect(flood("e-2", "d")).toEqual([
      ["d", "c"],
      ["c", "b"],
      ["b", "a"],
    ]);
  });

  it("a peer that missed a block stays missed until a block push reaches it: answered endorsements clear nothing", async () => {
    // A real peer over HTTP: a cut link (503), then healed. The cut-off node rested through the cut, so it
    // never asks; only the head pushed again brings it our blocks (timing.test.ts "a node cut off").
    let status = 503;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume();
      res.writeHead(status, { "content-type": "application/json" }).end(status === 503 ? '{"code":2,"message":"link is cut"}' : '{"result":"orphan"}');
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const peer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const g = new Gossip();
      await pushBlock(g, [peer], block(), "me", []);
      expect(g.missed([peer])).toEqual([peer]);
      status = 200; // healed: the endorsements of that block get through before the head goes again
      await postEndorsements([peer], 1020, "me", [], {}, g);
      expect(g.missed([peer])).toEqual([peer]);
      status = 503; // and endorsements that fail mark it missed too
      await postEndorsements([peer], 1020, "me", [], {}, g);
      expect(g.missed([peer])).toEqual([peer]);
      status = 200;
      await pushBlock(g, [peer], block(), "me", []);
      expect(g.missed([peer])).toEqual([]);
      expect(paths).toEqual(["/p2p/block", "/p2p/endorse", "/p2p/endorse", "/p2p/block"]);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it("a peer's answer above MAX_PEER_ANSWER_BYTES is dropped unread, streamed without a length or not", async () => {
    // Blocks of the honest size would be taken: a body one byte above the cap is not, however it is framed.
    const pad = "x".repeat(1024 * 1024);
    const chunks = Math.ceil(MAX_PEER_ANSWER_BYTES / pad.length);
    let declared = false;
    const server = createServer((req, res) => {
      req.resume();
      const status = { chain_id: 1020, head: 10, head_hash: "H", head_time: "1", lib: 8, lib_hash: "L" };
      if (req.url === "/p2p/status") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(status));
      const head = '{"blocks":["';
      const size = head.length + chunks * pad.length + 2;
      res.writeHead(200, { "content-type": "application/json", ...(declared ? { "content-length": String(size) } : {}) });
      res.write(head);
      for (let i = 0; i < chunks; i++) res.write(pad);
      res.end('"]');
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const peer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await peerStatus(peer)).toMatchObject({ chain_id: 1020, head: 10 });
      const refused = { error: `${peer}/p2p/blocks?from=1&count=50: its answer is above ${MAX_PEER_ANSWER_BYTES} bytes` };
      expect(await fetchBlocks(peer, 1, 50)).toEqual(refused);
      declared = true;
      expect(await fetchBlocks(peer, 1, 50)).toEqual(refused);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it("each item to each peer at most once, however often it is offered", () => {
    const g = new Gossip();
    expect(g.take("x", ["http://p", "http://q"]).targets).toEqual(["http://p", "http://q"]);
    expect(g.take("x", ["http://p", "http://q", "http://r"]).targets).toEqual(["http://r"]);
    g.heardFrom("y", "http://p");
    expect(g.take("y", ["http://p", "http://q"]).targets).toEqual(["http://q"]);
  });
});

/**
 * Chunks built by their group (durable-objects/coordinator/group-chunks.ts): a builder drafts only
 * the scheduled producer's next block on its own head, of a shard in its groups, and sends it with
 * every sender's receipts proof; a block producer takes each other shard's chunk from the first peer
 * whose draft passes the check by its witness and then applies on its own object, pushes its head to
 * a peer that lacks it, puts the shard's placeholder when a peer answers `empty` (only where the
 * rule allows one) or none passes, and builds the chunk itself when no placeholder is allowed. One group: no peer is asked. Stand-in shards and peers; the real objects are in
 * test/workers/draft-chunk.test.ts, the network in test/network/group-chunks.test.ts.
 */
import { describe, expect, test } from "vitest";
import type { Answer, Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import { askOrder, buildChunks, draftFor, type DraftHost, type GroupChunkCounts, type GroupChunksHost } from "../../durable-objects/coordinator/group-chunks";
import { base64Encode } from "../../src/codec/base64";
import { orderAt, peersFor, type HeaderPart } from "../../durable-objects/coordinator/witness-check";
import { receiptsRoot } from "../../durable-objects/core";
import { hex } from "../../durable-objects/values";
import { MAX_CARRY } from "../../src/sharding/placeholder";
import { NodeFault } from "../../durable-objects/core";
import type { StoredBlock } from "../../src/block/index";
import type { SentProof } from "../../src/sharding/receipt-proof";
import type { Witness } from "../../src/state/witness";

const MS = 1_000_000n;
const SCHEDULE = { blockIntervalNs: 500n * MS, blocksPerSlot: 1 };
const LIST = ["Ka", "Kb", "Kc", "Kd"];
/** Slot 40 (time 20 s) is Ka's (40 mod 4 = 0). */
const HEAD = { number: 7, hash: "H7", witness: "Kd", time: String(19_600n * MS) } as StoredBlock;
const CTX: ChunkContext = { height: 8, time: String(20_000n * MS), parentHash: "H7", witness: "Ka", parentWitness: "Kd", parentTime: HEAD.time };
const NOW = 20_000n * MS;

const WITNESS = { shape: "", hashes: "", entries: [] } as unknown as Witness;
const FORGED = { shape: "forged", hashes: "", entries: [] } as unknown as Witness;
/** Shard `from`'s stand-in proof of what its chunk of `height` sent shard `to`. */
const proofOf = (from: number, height: number, to: number) => ({ proof: `${from}/${height}->${to}` }) as unknown as SentProof;
const chunkOf = (shard: number, height: number, root = "R"): Chunk => ({ shard, height, time: CTX.time, stateRoot: root }) as unknown as Chunk;

function builder(over: Partial<DraftHost> = {}): DraftHost & { drafts: number } {
  const h = {
    drafts: 0,
    schedule: SCHEDULE,
    shardCount: 4,
    aheadNs: 1_000n * MS,
    head: () => HEAD,
    listFor: () => LIST,
    tip: (b: StoredBlock) => ({ time: BigInt(b.time), witness: b.witness, inSlot: 1 }),
    shardsAt: async () => [1, 3],
    incoming: async () => null,
    shard: (j: number) => ({
      draftChunk: async (ctx: ChunkContext) => {
        h.drafts++;
        return { chunk: chunkOf(1, ctx.height), txs: [], witness: WITNESS };
      },
      sentProofsOf: async (from: number, height: number, to: number[]): Promise<Answer<SentProof[][]>> =>
        Array.from({ length: height - from + 1 }, (_, k) => to.map((t) => proofOf(j, from + k, t))),
    }),
    ...over,
  };
  return h;
}

describe("draftFor: what a builder drafts", () => {
  test("the scheduled producer's next block on our head, of a shard in our groups, with every sender's receipts proof", async () => {
    const h = builder();
    const incoming = [0, 1, 2, 3].map((j) => proofOf(j, 7, 1));
    expect(await draftFor(h, 1, CTX, NOW)).toEqual({ chunk: chunkOf(1, 8), txs: [], witness: WITNESS, incoming });
    expect(h.drafts).toBe(1);
  });

  test("a sender's proof it cannot make fails the draft", async () => {
    const h = builder();
    const shard = h.shard;
    h.shard = (j) => ({ ...shard(j), sentProofsOf: async () => (j === 2 ? { error: "no chunk 7" } : [[proofOf(j, 7, 1)]]) });
    expect(await draftFor(h, 1, CTX, NOW)).toEqual({ error: "shard 2's receipts to shard 1: no chunk 7" });
  });

  test("a builder whose objects apply shards 1 and 3 only: the others' receipts come from peers, proven, given to the draft and their proofs handed on; none proven, no draft", async () => {
    const h = builder();
    const shard = h.shard;
    const asked: string[] = [];
    const given: unknown[] = [];
    h.shard = (j) => ({
      draftChunk: async (ctx: ChunkContext, g?: unknown) => {
        given.push(g);
        return shard(j).draftChunk(ctx);
      },
      sentProofsOf: async (from, height, to, maxBytes) => {
        asked.push(`${j}`);
        return shard(j).sentProofsOf(from, height, to, maxBytes);
      },
    });
    h.incoming = async (height, takers, proofs) => {
      for (const j of [0, 2]) proofs!.set(j, new Map([[height - 1, [{ ...proofOf(j, height - 1, takers[0]), peer: true } as unknown as SentProof]]]));
      return new Map([[takers[0], [new Map([[7, []]]), null, new Map([[7, []]]), null]]]);
    };
    const d = await draftFor(h, 1, CTX, NOW);
    expect("incoming" in d && d.incoming).toEqual([0, 1, 2, 3].map((j) => (j % 2 === 0 ? { ...proofOf(j, 7, 1), peer: true } : proofOf(j, 7, 1))));
    expect(asked).toEqual(["1", "3"]);
    expect(given).toEqual([[new Map([[7, []]]), null, new Map([[7, []]]), null]]);
    h.incoming = async () => ({ error: "receipts of shard 0's chunk 7: no peers" });
    expect(await draftFor(h, 1, CTX, NOW)).toEqual({ error: "receipts of shard 0's chunk 7: no peers" });
  });

  test("after placeholders, every carried height's proofs, height by height, one call per sender; a sender cut at its byte cap fails the draft", async () => {
    const h = builder();
    const shard = h.shard;
    const calls: string[] = [];
    h.shard = (j) => ({
      draftChunk: async (ctx: ChunkContext) => ({ chunk: { ...chunkOf(1, ctx.height), receiptsFrom: 5 }, txs: [], witness: WITNESS }),
      sentProofsOf: async (from, height, to, maxBytes) => {
        calls.push(`${j}: ${from}..${height}`);
        return shard(j).sentProofsOf(from, height, to, maxBytes);
      },
    });
    const d = await draftFor(h, 1, CTX, NOW);
    expect("incoming" in d && d.incoming).toEqual([5, 6, 7].flatMap((n) => [0, 1, 2, 3].map((j) => proofOf(j, n, 1))));
    expect(calls).toEqual([0, 1, 2, 3].map((j) => `${j}: 5..7`));
    h.shard = (j) => ({
      ...shard(j),
      draftChunk: async () => ({ chunk: { ...chunkOf(1, 8), receiptsFrom: 5 }, txs: [], witness: WITNESS }),
      sentProofsOf: async () => (j === 3 ? [[proofOf(3, 5, 1)]] : [5, 6, 7].map((n) => [proofOf(j, n, 1)])),
    });
    expect(await draftFor(h, 1, CTX, NOW)).toEqual({ error: "shard 3's receipts to shard 1 of 3 heights are above the answer's byte cap" });
  });

  test.each([
    ["another parent", builder(), { ...CTX, parentHash: "X7" }, /block 8 on X7 does not extend this node's head 7 H7/],
    ["another height", builder(), { ...CTX, height: 9 }, /does not extend this node's head 7/],
    ["a parent's witness that is not our head's", builder(), { ...CTX, parentWitness: "Kb" }, /its parent's witness and time are not those of block 7/],
    ["a witness not owning the slot", builder(), { ...CTX, witness: "Kb" }, /witness Kb does not own slot 40 \(its owner is Ka\)/],
    ["a time not after the parent", builder(), { ...CTX, time: HEAD.time }, /is not after its parent's/],
    ["a malformed time", builder(), { ...CTX, time: "soon" }, /invalid time "soon"/],
    ["a shard outside our groups", builder({ shardsAt: async () => [0, 2] }), CTX, /shard 1 is not in this node's groups at block 8/],
    ["groups not known", builder({ shardsAt: async () => null }), CTX, /shard 1 is not in this node's groups/],
  ])("refuses %s, drafting nothing", async (_, h, ctx, why) => {
    const r = await draftFor(h, 1, ctx as ChunkContext, NOW);
    expect("error" in r && r.error).toMatch(why);
    expect(h.drafts).toBe(0);
  });

  test("refuses a block further ahead of its clock than a peer block may be", async () => {
    const h = builder();
    const r = await draftFor(h, 1, CTX, NOW - 2_000n * MS);
    expect("error" in r && r.error).toMatch(/ahead of this node's clock/);
    expect(h.drafts).toBe(0);
  });
});

/** A stand-in shard `i`: builds `built`, applies a draft only when its root is "R" (its own re-execution's). */
function shard(i: number, log: string[], work = false): ShardInternal {
  return {
    poolSize: async () => (work ? 1 : 0),
    buildChunk: async (ctx: ChunkContext) => {
      log.push(`build ${i}`);
      return chunkOf(i, ctx.height, "built");
    },
    applyChunk: async (ctx: ChunkContext, txs: Uint8Array[], expected: Chunk): Promise<Answer<Chunk>> => {
      if (expected.placeholder) {
        log.push(`placeholder ${i}`);
        return expected;
      }
      log.push(`apply ${i} ${txs.length}`);
      const root = (expected as unknown as { stateRoot: string }).stateRoot;
      return root === "R" ? chunkOf(i, ctx.height) : { error: `chunk ${i}/${ctx.height}: stateRoot differs: re-executed "R", announced "${root}"` };
    },
  } as unknown as ShardInternal;
}

/** Our header of block 7: each shard's state root "P", a chunk built (no receipts carried). */
const PARENT: HeaderPart[] = [0, 1, 2, 3].map(() => ({ state_root: "P" }));

/** A producer of shards 0 and 2 (of 4) with peers answering by `answer`. */
function producer(answer: (peer: string, shard: number) => Answer<unknown>, groups = 2, working: number[] = []) {
  const log: string[] = [];
  const counts: GroupChunkCounts = { asked: 0, taken: 0, empty: 0, placeholders: 0, built: 0, last: null, refused: 0, lastRefused: null };
  const h: GroupChunksHost = {
    groups,
    applies: () => null,
    incoming: async () => null,
    keep: (i, _chunk, txs) => {
      log.push(`keep ${i} ${txs.length}`);
    },
    peers: () => ["p1", "p2"],
    keysOf: () => [],
    groupsAt: async () => null,
    shardsAt: async () => [0, 2],
    shards: () => [0, 1, 2, 3].map((i) => shard(i, log, working.includes(i))),
    header: (n) => {
      log.push(`header ${n}`);
      return PARENT;
    },
    check: async (i, _ctx, d) => {
      log.push(`check ${i} ${d.incoming.length}`);
      return d.witness.shape === "forged" ? `chunk ${i}/8 refused: the witness does not make the state root` : null;
    },
    pushHead: async (peer) => {
      log.push(`push ${peer}`);
    },
    builders: new Map(),
    waitMs: 500,
    now: () => 0,
    source: async (peer, s) => {
      log.push(`ask ${peer} ${s}`);
      return answer(peer, s);
    },
    counts,
  };
  return { h, log, counts };
}

const good = (s: number) => ({
  shard: s,
  height: 8,
  chunk: chunkOf(s, 8),
  txs: [base64Encode(new Uint8Array([1, 2]))],
  witness: WITNESS,
  incoming: [0, 1, 2, 3].map((j) => proofOf(j, 7, s)),
});

describe("buildChunks: a block's chunks of shards outside our groups", () => {
  test("the peers stating a key of the shard's group are asked first: no ask refused as outside the group; without the groups known, the others refuse first", async () => {
    // Group 0 (shards 0, 2) is Ka's and ours, group 1 (shards 1, 3) Kc's: p3 states Kc; p1 and p2, Kb and Kd, are of group 0.
    const keys: Record<string, string[]> = { p1: ["Kb"], p2: ["Kd"], p3: ["Kc"] };
    const answer = (peer: string, s: number) => (peer === "p3" ? good(s) : { error: `${peer}: shard ${s} is not in this node's groups at block 8` });
    const run = async (members: string[][] | null) => {
      const p = producer(answer);
      p.h.peers = () => ["p1", "p2", "p3"];
      p.h.keysOf = (peer) => keys[peer] ?? [];
      p.h.groupsAt = async () => members;
      const chunks = await buildChunks(p.h, CTX, true);
      expect(chunks.map((c) => (c as unknown as { stateRoot: string }).stateRoot)).toEqual(["built", "R", "built", "R"]);
      return { ...p.counts, asks: p.log.filter((l) => l.startsWith("ask")) };
    };
    const known = await run([["Ka", "Kb", "Kd"], ["Kc"]]);
    expect(known).toMatchObject({ asked: 2, taken: 2, refused: 0, asks: ["ask p3 1", "ask p3 3"] });
    const unknown = await run(null);
    console.log(`asks of 2 chunks: ${known.asked} with the groups known, ${unknown.asked} without (${unknown.asked - unknown.taken} refused)`);
    expect(unknown).toMatchObject({ asked: 6, taken: 2 });
    expect(unknown.asks.slice(0, 2).sort()).toEqual(["ask p1 1", "ask p1 3"]);
  });

  test("askOrder: the group's peers first, the one taken last first among its kind, the rest as given", () => {
    const keys: Record<string, string[]> = { a: ["K0"], b: ["K1"], c: ["K1", "K9"], d: [] };
    const members = [["K0"], ["K1"]];
    const of = (p: string) => keys[p] ?? [];
    expect(askOrder(["a", "b", "c", "d"], 3, members, of, undefined)).toEqual(["b", "c", "a", "d"]);
    expect(askOrder(["a", "b", "c", "d"], 3, members, of, "c")).toEqual(["c", "b", "a", "d"]);
    // Taken last but now outside the group (a new epoch): first of the others.
    expect(askOrder(["a", "b", "c", "d"], 3, members, of, "d")).toEqual(["b", "c", "d", "a"]);
    expect(askOrder(["a", "b", "c", "d"], 2, members, of, undefined)).toEqual(["a", "b", "c", "d"]);
    expect(askOrder(["a", "b", "c", "d"], 3, null, of, "c")).toEqual(["c", "a", "b", "d"]);
  });

  test("orderAt: the block's producer first, then the shard's group, then the rest", () => {
    const keys: Record<string, string[]> = { a: ["K0"], b: ["K1"], c: ["K1", "K9"], d: ["K2"] };
    const members = [["K0"], ["K1", "K2"]];
    const of = (p: string) => keys[p] ?? [];
    expect(orderAt(["a", "b", "c", "d"], 3, members, of, "K9")).toEqual(["c", "b", "d", "a"]);
    expect(orderAt(["a", "b", "c", "d"], 2, members, of, "K2")).toEqual(["d", "a", "b", "c"]);
    expect(orderAt(["a", "b", "c", "d"], 2, null, of, undefined)).toEqual(["a", "b", "c", "d"]);
    expect(peersFor((i) => [String(i)], 5)).toEqual(["5"]);
    expect(peersFor(["x"], 5)).toEqual(["x"]);
  });

  test("taken from the first peer whose draft passes by its witness, then applied on our object; ours built here", async () => {
    const { h, log, counts } = producer((_, s) => good(s));
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks.map((c) => c.shard)).toEqual([0, 1, 2, 3]);
    expect(log.filter((l) => !l.startsWith("ask")).sort()).toEqual(["apply 1 1", "apply 3 1", "build 0", "build 2", "check 1 4", "check 3 4"]);
    expect(log.indexOf("check 1 4")).toBeLessThan(log.indexOf("apply 1 1"));
    expect(counts).toEqual({ asked: 2, taken: 2, empty: 0, placeholders: 0, built: 0, last: null, refused: 0, lastRefused: null });
  });

  test("without our object of a shard (its objects apply 0 and 2): a draft passing by its witness is kept with the block, unapplied; a retried job asks again", async () => {
    const { h, log, counts } = producer((_, s) => good(s));
    h.applies = () => [0, 2];
    // The receipts shards 1 and 3 sent ours come from peers, proven, asked once for both.
    const asked: string[] = [];
    h.incoming = async (height, takers) => {
      asked.push(`${height}: ${takers.join(",")}`);
      return new Map(takers.map((t) => [t, [null, new Map(), null, new Map()]]));
    };
    const chunks = await buildChunks(h, CTX, true);
    expect(asked).toEqual(["8: 0,2"]);
    expect(chunks.map((c) => (c as unknown as { stateRoot: string }).stateRoot)).toEqual(["built", "R", "built", "R"]);
    expect(log.filter((l) => !l.startsWith("ask")).sort()).toEqual(["build 0", "build 2", "check 1 4", "check 3 4", "keep 1 1", "keep 3 1"]);
    expect(counts).toMatchObject({ asked: 2, taken: 2, built: 0 });
    // A retried job: our objects answer their chunks again, the others are asked again (no object of ours kept them).
    const retry = producer((_, s) => good(s));
    retry.h.applies = () => [0, 2];
    await buildChunks(retry.h, CTX, false);
    expect(retry.log.filter((l) => !l.startsWith("check")).sort()).toEqual(["ask p1 1", "ask p1 3", "build 0", "build 2", "keep 1 1", "keep 3 1"]);
  });

  test("our shards' receipts from the senders our objects do not apply not proven by any peer: no chunk built, the block not made", async () => {
    const { h, log } = producer((_, s) => good(s));
    h.applies = () => [0, 2];
    h.incoming = async () => ({ error: "receipts of shard 1's chunk 7: p1: down; p2: down" });
    await expect(buildChunks(h, CTX, true)).rejects.toThrow("block 8: the receipts our shards take in: receipts of shard 1's chunk 7: p1: down; p2: down");
    expect(log.filter((l) => l.startsWith("build"))).toEqual([]);
  });

  test("without our object of a shard: its placeholder kept unapplied, even on an empty answer while it has txs nowhere here; past MAX_CARRY the block is not made", async () => {
    const { h, log, counts } = producer((_, s) => (s === 1 ? { shard: 1, height: 8, empty: true } : { error: "down" }), 2, [1, 3]);
    h.applies = () => [0, 2];
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks[1]).toMatchObject({ shard: 1, placeholder: true, stateRoot: "P" });
    expect(chunks[3]).toMatchObject({ shard: 3, placeholder: true, stateRoot: "P" });
    expect(log.filter((l) => /^(apply|build|placeholder|keep)/.test(l)).sort()).toEqual(["build 0", "build 2", "keep 1 0", "keep 3 0"]);
    expect(counts).toMatchObject({ empty: 1, placeholders: 2, built: 0 });

    const stalled = producer(() => ({ error: "down" }));
    stalled.h.applies = () => [0, 2];
    stalled.h.header = () => PARENT.map((p) => ({ ...p, placeholder: true as const, receipts_from: 8 - MAX_CARRY }));
    await expect(buildChunks(stalled.h, CTX, true)).rejects.toThrow(
      /^block 8: no chunk of shard [13], which this node does not hold \(block 8: no peer's chunk/,
    );
    expect(stalled.log.filter((l) => /^(build [13]|keep)/.test(l))).toEqual([]);
  });

  test("a peer's empty answer (its chunk would run nothing) gets the shard its placeholder, no other peer asked, the peer not put first", async () => {
    const { h, log, counts } = producer((_, s) => (s === 1 ? { shard: 1, height: 8, empty: true } : good(s)));
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks[1]).toMatchObject({ shard: 1, height: 8, txHashes: [], stateRoot: "P", placeholder: true, receiptsFrom: 7 });
    expect(log.filter((l) => !l.startsWith("apply")).sort()).toEqual(["ask p1 1", "ask p1 3", "build 0", "build 2", "check 3 4", "header 7", "placeholder 1"]);
    expect(counts).toEqual({ asked: 2, taken: 1, empty: 1, placeholders: 1, built: 0, last: null, refused: 0, lastRefused: null });
    expect(h.builders.get(1)).toBeUndefined();
  });

  test("a peer's empty answer while our pool of the shard has a tx (only ours: its forward to the group lost): built here, no placeholder", async () => {
    const { h, log, counts } = producer((_, s) => (s === 1 ? { shard: 1, height: 8, empty: true } : good(s)), 2, [1]);
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks[1]).toMatchObject({ shard: 1, height: 8 });
    expect(chunks[1].placeholder).toBeUndefined();
    expect(log.filter((l) => !l.startsWith("apply")).sort()).toEqual(["ask p1 1", "ask p1 3", "build 0", "build 1", "build 2", "check 3 4"]);
    expect(counts).toMatchObject({ asked: 2, taken: 1, empty: 1, placeholders: 0, built: 1 });
    expect(counts.last).toBe("block 8: shard 1 built here: its builder answered empty, our pool of it has txs");
  });

  test("an empty answer where the rule allows no placeholder (receipts carried MAX_CARRY heights) is refused: the next peer's draft taken; none drafting, built here", async () => {
    const full = PARENT.map((p) => ({ ...p, placeholder: true as const, receipts_from: 8 - MAX_CARRY }));
    const liar = producer((peer, s) => (peer === "p1" ? { shard: s, height: 8, empty: true } : good(s)));
    liar.h.header = () => full;
    const chunks = await buildChunks(liar.h, CTX, true);
    expect(chunks.map((c) => (c as unknown as { stateRoot: string }).stateRoot)).toEqual(["built", "R", "built", "R"]);
    expect(liar.counts).toMatchObject({ asked: 4, taken: 2, empty: 0, placeholders: 0, built: 0, refused: 2 });
    expect(liar.counts.lastRefused).toMatch(/^block 8: p1 answered empty for shard \d, where no placeholder is allowed$/);
    expect([...liar.h.builders].sort()).toEqual([
      [1, "p2"],
      [3, "p2"],
    ]);
    const all = producer((_, s) => ({ shard: s, height: 8, empty: true }));
    all.h.header = () => full;
    await buildChunks(all.h, CTX, true);
    expect(all.log.filter((l) => l.startsWith("build")).sort()).toEqual(["build 0", "build 1", "build 2", "build 3"]);
    expect(all.counts).toMatchObject({ asked: 4, empty: 0, placeholders: 0, built: 2, refused: 4 });
    expect(all.counts.last).toMatch(/^block 8: shard \d built here: no placeholder/);
    expect(all.counts.lastRefused).toMatch(/^block 8: p2 answered empty for shard \d, where no placeholder is allowed$/);
  });

  test("no peer answering in time gets the shard a placeholder after our header of the parent", async () => {
    const { h, log, counts } = producer((_, s) => (s === 1 ? { error: "down" } : good(s)));
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks[1]).toEqual({
      shard: 1,
      height: 8,
      time: CTX.time,
      txHashes: [],
      receiptHashes: [],
      gasUsage: "0",
      stateRoot: "P",
      receiptsRoot: hex(receiptsRoot([])),
      placeholder: true,
      receiptsFrom: 7,
    });
    expect(log.filter((l) => !l.startsWith("apply")).sort()).toEqual([
      "ask p1 1",
      "ask p1 3",
      "ask p2 1",
      "build 0",
      "build 2",
      "check 3 4",
      "header 7",
      "placeholder 1",
    ]);
    expect(counts).toMatchObject({ asked: 3, taken: 1, empty: 0, placeholders: 1, built: 0 });
    expect(counts.last).toMatch(/no peer's chunk of shard 1 passed: p1: down; p2: down/);
  });

  test("an empty answer for another chunk is junk: the next peer is asked", async () => {
    const { h, counts } = producer((peer, s) => (peer === "p1" ? { shard: s, height: 9, empty: true } : good(s)));
    await buildChunks(h, CTX, true);
    expect(counts).toMatchObject({ asked: 4, taken: 2, empty: 0, built: 0 });
  });

  test("a forged or junk draft is passed over for the next peer; none passing, a placeholder, with the reasons", async () => {
    const forged = (s: number) => ({ ...good(s), chunk: chunkOf(s, 8, "forged") });
    const { h, counts } = producer((peer, s) => (peer === "p1" ? forged(s) : s === 1 ? good(s) : { shard: s, height: 9 }));
    const chunks = await buildChunks(h, CTX, true);
    expect((chunks[1] as unknown as { stateRoot: string }).stateRoot).toBe("R");
    expect(chunks[3]).toMatchObject({ stateRoot: "P", placeholder: true });
    expect(counts).toMatchObject({ asked: 4, taken: 1, placeholders: 1, built: 0 });
    expect(counts.last).toMatch(/block 8: no peer's chunk of shard 3 passed: p1: .*stateRoot differs.*; p2: not the chunk 3\/8/);
  });

  test("a draft whose witness does not pass is passed over unapplied, even one our object would apply", async () => {
    const { h, log, counts } = producer((peer, s) => (peer === "p1" ? { ...good(s), witness: FORGED } : good(s)));
    const chunks = await buildChunks(h, CTX, true);
    expect(chunks.map((c) => (c as unknown as { stateRoot: string }).stateRoot)).toEqual(["built", "R", "built", "R"]);
    expect(log.filter((l) => l.startsWith("apply")).sort()).toEqual(["apply 1 1", "apply 3 1"]);
    expect(log.filter((l) => l.startsWith("check")).length).toBe(4);
    expect(counts).toMatchObject({ asked: 4, taken: 2, built: 0, refused: 2 });
    expect(counts.lastRefused).toMatch(/^block 8: p1's chunk of shard \d: chunk \d\/8 refused: the witness does not make the state root$/);
    expect([...h.builders].sort()).toEqual([
      [1, "p2"],
      [3, "p2"],
    ]);
  });

  test("a draft without its receipts proofs, or whose check throws, is passed over; our VM failing stops the block", async () => {
    const { h, counts } = producer((_, s) => {
      const { incoming: _dropped, ...rest } = good(s);
      return rest;
    });
    await buildChunks(h, CTX, true);
    expect(counts).toMatchObject({ taken: 0, placeholders: 2, built: 0 });
    expect(counts.last).toMatch(/p1: its incoming receipts' proofs are missing; p2: its incoming/);
    const thrown = producer((_, s) => good(s));
    thrown.h.check = async () => {
      throw new Error("not a proof");
    };
    await buildChunks(thrown.h, CTX, true);
    expect(thrown.counts).toMatchObject({ taken: 0, placeholders: 2 });
    expect(thrown.counts.last).toMatch(/p1: not a proof; p2: not a proof/);
    const faulty = producer((_, s) => good(s));
    faulty.h.check = async () => {
      throw new NodeFault("out of memory");
    };
    await expect(buildChunks(faulty.h, CTX, true)).rejects.toThrow(/out of memory/);
  });

  test("the peer whose draft of a shard was taken last is asked first for it", async () => {
    const { h, log } = producer((peer, s) => (peer === "p2" || s === 1 ? good(s) : { error: `${peer}: shard ${s} is not in this node's groups at block 8` }));
    await buildChunks(h, CTX, true);
    expect([...h.builders]).toEqual([
      [1, "p1"],
      [3, "p2"],
    ]);
    log.length = 0;
    await buildChunks(h, CTX, true);
    expect(log.filter((l) => l.startsWith("ask")).sort()).toEqual(["ask p1 1", "ask p2 3"]);
  });

  test("a peer without our head is sent it, then asked again", async () => {
    let pushed = false;
    const { h, log, counts } = producer((peer, s) =>
      pushed || peer !== "p1" ? good(s) : { error: `${peer}: block 8 on H7 does not extend this node's head 6 H6` },
    );
    h.pushHead = async (peer) => {
      log.push(`push ${peer}`);
      pushed = true;
    };
    await buildChunks(h, { ...CTX }, true);
    expect(log.filter((l) => l.startsWith("push"))).toContain("push p1");
    expect(counts).toMatchObject({ taken: 2, built: 0 });
  });

  test("peers are not asked past the wait: the chunks no peer gave by then get placeholders", async () => {
    const { h, log, counts } = producer((_, s) => good(s));
    let clock = 0;
    h.now = () => clock;
    h.source = async (peer, s, _ctx, timeoutMs) => {
      log.push(`ask ${peer} ${s} within ${timeoutMs}`);
      await Promise.resolve();
      clock += 600; // the first peer answers junk after the whole wait
      return { error: "slow" };
    };
    await buildChunks(h, CTX, true);
    expect(log.filter((l) => l.startsWith("ask")).sort()).toEqual(["ask p1 1 within 500", "ask p1 3 within 500"]);
    expect(counts).toMatchObject({ asked: 2, taken: 0, placeholders: 2, built: 0 });
    expect(counts.last).toMatch(/p1: slow; no answer within 500 ms/);
  });

  test("a placeholder after a run carrying receipts MAX_CARRY heights is not the rule's: built here; one carrying fewer passes the cursor on", async () => {
    for (const [from, placed] of [
      [8 - MAX_CARRY, false],
      [8 - MAX_CARRY + 1, true],
    ] as const) {
      const { h, log, counts } = producer(() => ({ error: "down" }));
      h.header = () => PARENT.map((p) => ({ ...p, placeholder: true, receipts_from: from }));
      const chunks = await buildChunks(h, CTX, true);
      if (placed) {
        expect(chunks[1]).toMatchObject({ placeholder: true, receiptsFrom: from });
        expect(counts).toMatchObject({ placeholders: 2, built: 0 });
      } else {
        expect(log.filter((l) => l.startsWith("build")).sort()).toEqual(["build 0", "build 1", "build 2", "build 3"]);
        expect(counts).toMatchObject({ placeholders: 0, built: 2 });
        expect(counts.last).toMatch(/block 8: shard \d built here: no placeholder/);
      }
    }
  });

  test("one group, or a retried job: every chunk built here, no peer asked", async () => {
    for (const [groups, ask] of [
      [1, true],
      [2, false],
    ] as const) {
      const { h, log, counts } = producer((_, s) => good(s), groups);
      await buildChunks(h, CTX, ask);
      expect(log.sort()).toEqual(["build 0", "build 1", "build 2", "build 3"]); // no header read
      expect(counts.asked).toBe(0);
    }
  });
});

/**
 * Checks by witness on the coordinator's side (durable-objects/coordinator/witness-check.ts, issue
 * #18 item 3): a node's GET /p2p/witness serves a chunk's state witness and its incoming receipts'
 * proofs; a checker that does not hold the shard runs the chunk from a peer's answer, taking the
 * previous root and the senders' receipts roots from its own header of the parent block. A peer
 * that forges the witness or a receipt proof, or answers junk, is refused and the next peer
 * asked; a chunk whose announced post-state root is wrong, or that repeats a tx its shard ran in
 * the last 90 s (the replay window), passes with no peer's witness.
 */
import { runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { MAX_WITNESS_BYTES, WITNESS_RETRIES, WITNESS_RETRY_MS } from "../../durable-objects/config";
import {
  type AdoptedParts,
  checkByWitness,
  checkUnheld,
  type ChunkToCheck,
  type ChunkWitness,
  ownRecentChunks,
  ReplayWindows,
  windowFrom,
  type WitnessSource,
} from "../../durable-objects/coordinator/witness-check";
import { cappedText } from "../../src/net/peer-json";
import { shardStub } from "../../durable-objects/env";
import type { StoredBlock } from "../../src/block/block";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { ADMIN_KEY, makeTx } from "../workers/txs";

const N = 4;
const ADMIN = shardOf("admin", N);
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== ADMIN)!;

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** What a holder of shard `s` of chain `c` answers to GET /p2p/witness (workers/rpc/p2p.ts), from its shard objects. */
async function served(c: Chain, s: number, h: number): Promise<ChunkWitness> {
  const witness = await shardAt(c, s).witnessOf(h);
  if ("error" in witness) throw new Error(witness.error);
  const incoming = await Promise.all(
    Array.from({ length: h === 1 ? 0 : N }, async (_, j) => {
      const p = await shardAt(c, j).sentProofOf(h - 1, s);
      if ("error" in p) throw new Error(p.error);
      return p;
    }),
  );
  return { shard: s, height: h, witness, incoming };
}

interface Adopted {
  b: StoredBlock;
  parent: StoredBlock;
  parts: AdoptedParts;
}

/** Block `n` of chain `c` as a checker that adopted it holds it: the header, its chunks and txs, the parent's header. */
async function adoptedAt(c: Chain, n: number): Promise<Adopted> {
  const [b, parent] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  const chunks = await Promise.all(Array.from({ length: N }, async (_, i) => (await shardAt(c, i).chunkAt(n))!));
  const txs = await Promise.all(Array.from({ length: N }, (_, i) => shardAt(c, i).chunkTxs(n)));
  return { b: b!, parent: parent!, parts: { chunks, txs } };
}

/** Shard `shard`'s chunk of `k` as the checker sees it. */
function toCheck(k: Adopted, shard: number): ChunkToCheck {
  const { b, parent } = k;
  return {
    chainId: 1020,
    shardCount: N,
    shard,
    ctx: { height: b.number, time: b.time, parentHash: b.parentHash, witness: b.witness, parentWitness: parent.witness, parentTime: parent.time },
    chunk: k.parts.chunks[shard],
    txs: k.parts.txs[shard],
    parentInfo: parent.info,
  };
}

/** Submits `txs` to admin's shard and makes one block: its height. */
async function blockWith(c: Chain, txs: ReturnType<typeof makeTx>[]): Promise<number> {
  for (const t of txs) expect(await shardAt(c, ADMIN).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
  await tick(c);
  return (await c.coord.status()).head;
}

describe("checks by witness before endorsing", () => {
  test("GET /p2p/witness: the witness and one receipts proof per shard; refused out of range", async () => {
    let ok: { status: number; body: Record<string, unknown> } | null = null;
    let head = 0;
    // Blocks come on their own on this node, and a shard serves witnesses from LIB (the head here) only.
    for (let tries = 0; tries < 20 && ok === null; tries++) {
      head = Number((await get("/getChainInfo")).body.head_block);
      if (head < 1) {
        await post("/dev/mine", { blocks: 1 });
        continue;
      }
      const r = await get(`/p2p/witness?shard=1&height=${head}`);
      if (r.status === 200) ok = r;
    }
    expect(ok).not.toBeNull();
    expect(ok!.body).toMatchObject({ shard: 1, height: head, witness: { shape: expect.any(String), entries: expect.any(Array) } });
    expect(ok!.body.incoming).toHaveLength(head === 1 ? 0 : N);
    expect((await get(`/p2p/witness?shard=${N}&height=${head}`)).status).toBe(400);
    expect((await get(`/p2p/witness?shard=1&height=${head + 1000}`)).body.message).toMatch(/no state witness of height/);
    expect((await get("/p2p/witness?shard=1&height=0")).body.message).toMatch(/^invalid height/);
    // A peer on another block at the height (another chunk: another id) refuses rather than serve its own.
    expect((await get(`/p2p/witness?shard=1&height=${head}&chunk=${"f".repeat(64)}`)).body.message).toMatch(/its chunk of height \d+ is another .*: a fork/);
    expect((await get(`/p2p/witness?shard=1&height=${head}&chunk=no-chunk`)).body.message).toMatch(/^invalid chunk/);
  });

  test("a forged witness, a forged receipt proof or junk from a peer is refused and the next peer asked; a wrong post-state root passes with none", async () => {
    const c = newChain("witness-served");
    await c.coord.chainInfo();
    // A cross-shard transfer: the next block credits `remote` on its shard from a receipt.
    await blockWith(c, [makeTx({ to: remote, amount: "2" })]);
    const head = await blockWith(c, []);
    const k = await adoptedAt(c, head);
    const R = shardOf(remote, N);
    const honest = await served(c, R, head);
    const credit = honest.incoming.findIndex((p) => p.receipts.length > 0);
    expect(credit, "shard R took a receipt in").toBe(ADMIN);

    const forgedValue = clone(honest);
    const at = forgedValue.witness.entries.findIndex(([, v]) => v !== null);
    forgedValue.witness.entries[at][1] = `${forgedValue.witness.entries[at][1]}0`;
    const forgedReceipt = clone(honest);
    const r0 = forgedReceipt.incoming[credit].receipts[0] as unknown as Record<string, unknown>;
    r0.id = `${String(r0.id)}0`;
    const answers: Record<string, unknown> = {
      "http://forged-value": forgedValue,
      "http://forged-receipt": forgedReceipt,
      "http://junk": { ...clone(honest), incoming: [null, 1, "x", {}] },
      "http://null": null,
      "http://other-chunk": { ...clone(honest), height: head - 1 },
      "http://down": { error: "http://down: connection refused" },
      "http://honest": honest,
    };
    const asked: string[] = [];
    const source: WitnessSource = async (peer, shard, height) => {
      asked.push(`${peer} ${shard}/${height}`);
      return clone(answers[peer]);
    };
    const checker = newChain("witness-checker").coordStub;
    const run = (c: ChunkToCheck, peers: string[]) => runInDurableObject(checker, () => checkByWitness(c, peers, source));
    const liars = Object.keys(answers).filter((p) => p !== "http://honest");

    // Each liar is refused with its reason; the honest peer, asked last, passes the chunk.
    expect(await run(toCheck(k, R), [...liars, "http://honest"])).toEqual({ peer: "http://honest" });
    expect(asked).toEqual([...liars, "http://honest"].map((p) => `${p} ${R}/${head}`));
    const refused = await run(toCheck(k, R), liars);
    expect(refused).toEqual({ error: expect.stringMatching(new RegExp(`^chunk ${R}/${head} not checked by witness: `)), refused: true });
    const why = (refused as { error: string }).error;
    expect(why).toMatch(/http:\/\/forged-value: chunk \d\/\d+ refused: .*root/);
    expect(why).toMatch(/http:\/\/forged-receipt: chunk \d\/\d+ refused: .*receipt/);
    expect(why).toMatch(/http:\/\/junk: /);
    expect(why).toMatch(/http:\/\/null: not a chunk witness/);
    expect(why).toMatch(new RegExp(`http://other-chunk: a witness of chunk ${R}/${head - 1}, not ${R}/${head}`));
    expect(why).toMatch(/http:\/\/down: http:\/\/down: connection refused/);

    // A chunk announcing a wrong post-state root: even the honest witness cannot make it pass.
    const wrong = toCheck(k, R);
    wrong.chunk = { ...wrong.chunk, stateRoot: "00".repeat(32) };
    expect(await run(wrong, ["http://honest"])).toEqual({
      error: expect.stringMatching(/http:\/\/honest: chunk \d\/\d+ refused: .*stateRoot differs/),
      refused: true,
    });
    // The previous root is our own header's: against another one (here the block's own roots) the witness does not hold.
    const otherParent = { ...k, parent: { ...k.parent, info: k.b.info } };
    expect(await run(toCheck(otherParent, R), ["http://honest"])).toMatchObject({ error: expect.stringContaining("http://honest: chunk") });

    // checkUnheld asks only for the shards not held, and passes a block whose chunks all pass.
    const holders = await Promise.all([0, 1, 2, 3].map((s) => served(c, s, head)));
    const byShard: WitnessSource = async (peer, shard, height) => {
      asked.push(`${peer} ${shard}/${height}`);
      return peer === "http://forged-value" ? forgedValue : clone(holders[shard]);
    };
    const unheldBy = (held: number[], peers: string[]) =>
      runInDurableObject(checker, () =>
        checkUnheld(k.b, k.parent, k.parts, held, { chainId: 1020, shardCount: N, peers, source: byShard, windows: new ReplayWindows() }),
      );
    asked.length = 0;
    const held = [R];
    expect(await unheldBy(held, ["http://honest"])).toEqual({ windowed: 0 }); // new windows: none covers the block
    expect(asked.sort()).toEqual(
      [0, 1, 2, 3]
        .filter((s) => s !== R)
        .map((s) => `http://honest ${s}/${head}`)
        .sort(),
    );
    expect(await unheldBy([0, 1, 2, 3], ["http://honest"])).toEqual({ windowed: 0 });
    expect(await unheldBy(held, ["http://forged-value"])).toEqual({ error: expect.stringMatching(/not checked by witness/), refused: true });
  });

  test("a chunk with a tx creating nothing parked behind its publisher's pledge in flight, a signUp after it, passes by witness (executor/reads.ts PoolOrder over the chunk's txs)", async () => {
    const c = newChain("witness-behind");
    await c.coord.chainInfo();
    const first = makeTx({ actions: [{ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", remote, "1"]) }] });
    const held = makeTx({ actions: [{ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", remote, "2"]) }], time: first.tx.time + 1n });
    const name = Array.from({ length: 64 }, (_, i) => `witbehind${i}`).find((n) => shardOf(n, N) !== ADMIN)!;
    const create = makeTx({
      actions: [
        { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([name, ADMIN_KEY, ADMIN_KEY]) },
        { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", name, "50"]) },
      ],
      time: first.tx.time + 2n,
    });
    const head = await blockWith(c, [first, held, create]);
    const k = await adoptedAt(c, head);
    expect(k.parts.chunks[ADMIN].txHashes).toEqual(expect.arrayContaining([first.hash, held.hash, create.hash]));
    const honest = await served(c, ADMIN, head);
    const checker = newChain("witness-behind-checker").coordStub;
    const source: WitnessSource = async () => clone(honest);
    expect(await runInDurableObject(checker, () => checkByWitness(toCheck(k, ADMIN), ["http://honest"], source))).toEqual({ peer: "http://honest" });

    // A holder a block behind (its shard's own answer for a height above its head) is asked again, WITNESS_RETRY_MS apart, until it has the block.
    const early = await shardAt(c, ADMIN).witnessOf(head + 1);
    expect(early).toEqual({ error: expect.stringMatching(new RegExp(`no state witness of height ${head + 1}: .* up to the head ${head}$`)) });
    const check = (peers: string[], from: WitnessSource, pauses: number[] = []) =>
      runInDurableObject(checker, () => checkByWitness(toCheck(k, ADMIN), peers, from, async (ms) => void pauses.push(ms)));
    let tries = 0;
    const pauses: number[] = [];
    expect(await check(["http://holder"], async () => (++tries < 3 ? clone(early) : clone(honest)), pauses)).toEqual({ peer: "http://holder" });
    expect(pauses).toEqual([WITNESS_RETRY_MS, WITNESS_RETRY_MS]);
    // One that stays behind, beside a peer on another block (asked once), leaves the chunk unserved: no endorsement, and no refusal.
    const asked: string[] = [];
    const fork = { error: "shard-0: its chunk of height 9 is another (id aa, not bb): a fork" };
    const stuck: WitnessSource = async (peer) => {
      asked.push(peer);
      return peer === "http://fork" ? fork : peer === "http://forged" ? { ...clone(honest), witness: { ...honest.witness, hashes: "" } } : clone(early);
    };
    const unserved = await check(["http://fork", "http://holder"], stuck);
    expect(unserved).toEqual({
      error: expect.stringMatching(/^chunk \d\/\d+ not checked by witness: http:\/\/fork: .*a fork; http:\/\/holder: .*no state witness/),
      refused: false,
    });
    expect(asked).toEqual(["http://fork", ...Array<string>(1 + WITNESS_RETRIES).fill("http://holder")]);
    // A witness served that does not pass makes it a refusal.
    expect(await check(["http://holder", "http://forged"], stuck)).toEqual({
      error: expect.stringMatching(/http:\/\/forged: chunk \d\/\d+ refused: /),
      refused: true,
    });
    // A peer syncing the chain runs the same chunks (chunk-build.ts, given txs) to the same chunks.
    const peer = newChain("witness-behind-peer");
    for (let n = 1; n <= head; n++) {
      const { b, parent, parts } = await adoptedAt(c, n);
      const ctx = { height: n, time: b.time, parentHash: b.parentHash, witness: b.witness, parentWitness: parent.witness, parentTime: parent.time };
      for (let i = 0; i < N; i++) expect(await shardAt(peer, i).applyChunk(ctx, parts.txs[i], parts.chunks[i])).toEqual(parts.chunks[i]);
    }
  });

  test("a chunk repeating a tx its shard ran in the last 90 s is refused from the replay window; every main chunk feeds it", async () => {
    const c = newChain("witness-replay");
    await c.coord.chainInfo();
    const t = makeTx({ amount: "3", memo: "replayed" });
    await blockWith(c, [makeTx({ amount: "1", memo: "before" })]);
    const head = await blockWith(c, [t]);
    const k = await adoptedAt(c, head);
    const honest = await served(c, ADMIN, head);
    const source: WitnessSource = async () => clone(honest);
    const others = [0, 1, 2, 3].filter((s) => s !== ADMIN);
    const checker = newChain("replay-checker").coordStub;
    const check = (windows: ReplayWindows) =>
      runInDurableObject(checker, () =>
        checkUnheld(k.b, k.parent, k.parts, others, { chainId: 1020, shardCount: N, peers: ["http://honest"], source, windows }),
      );
    // Windows fed from block 1 on (so they cover every check) with admin's shard's real chunks before the head.
    const before = await Promise.all(Array.from({ length: head - 1 }, (_, i) => adoptedAt(c, i + 1)));
    const fed = (extra: Uint8Array[]) => {
      const w = new ReplayWindows();
      for (const x of before) w.note(ADMIN, x.b.number, BigInt(x.b.time), [...x.parts.txs[ADMIN], ...(x.b.number === head - 1 ? extra : [])]);
      return w;
    };
    // A window that saw the same tx run in the chunk before: the chunk is refused.
    expect(await check(fed([t.bytes]))).toEqual({
      error: expect.stringMatching(new RegExp(`chunk ${ADMIN}/${head} refused: tx ${t.hash}: tx exists in chain`)),
      refused: true,
    });
    // A window that saw the chunks before without it: the chunk passes, and the window now holds its tx.
    const clean = fed([]);
    expect(await check(clean)).toEqual({ windowed: 1 });
    expect(clean.at(ADMIN, head + 1, BigInt(k.b.time) + 1n)?.executed(t.hash, t.tx)).toMatch(/tx exists in chain/);
    // A window started now does not cover the chunk (it may have missed the 90 s before): checked without it.
    expect(await check(new ReplayWindows())).toEqual({ windowed: 0 });
  });

  test("a window filled from the chunks a node keeps covers the next check at once and refuses the txs they ran", async () => {
    // From the last block 90 s older than the head (blocks 30 s apart here), else the lowest kept.
    const every30 = (n: number) => String(BigInt(n) * 30_000_000_000n);
    expect(windowFrom(10, every30)).toBe(7);
    expect(windowFrom(10, (n) => (n === 8 ? null : every30(n)))).toBe(9);
    expect(windowFrom(2, every30)).toBe(1);

    const c = newChain("window-fill");
    await c.coord.chainInfo();
    const t = makeTx({ amount: "2", memo: "filled" });
    const head = await blockWith(c, [t]);
    await tick(c);
    const top = (await c.coord.status()).head;
    const times = await Promise.all(Array.from({ length: top + 1 }, async (_, n) => (await c.coord.storedBlock(n))?.time ?? null));
    const from = windowFrom(top, (n) => times[n]);
    expect(from).toBe(1); // a short chain: every block is within 90 s
    const got = await ownRecentChunks(new Map([[ADMIN, shardAt(c, ADMIN)]]), from, top);
    expect(got.get(ADMIN)!.map((x) => x.height)).toEqual(Array.from({ length: top }, (_, i) => i + 1));
    expect(got.get(ADMIN)![head - 1].txs.some((x) => x.length === t.bytes.length && x.every((b, i) => b === t.bytes[i]))).toBe(true);
    const next = BigInt(times[top]!) + 1n;
    const filled = new ReplayWindows();
    expect(filled.continues(ADMIN, top + 1)).toBe(false);
    filled.fill(ADMIN, got.get(ADMIN)!);
    expect(filled.continues(ADMIN, top + 1)).toBe(true);
    expect(filled.at(ADMIN, top + 1, next)?.executed(t.hash, t.tx)).toMatch(/tx exists in chain/);
    // Unfilled (a restart), the window does not cover the check; a shard whose chunks are not all kept gets none.
    expect(new ReplayWindows().at(ADMIN, top + 1, next)).toBeUndefined();
    expect((await ownRecentChunks(new Map([[ADMIN, { chunkRange: async () => [] }]]), from, top)).size).toBe(0);
  });

  test("a witness body above the cap is not read", async () => {
    expect(await cappedText(new Response("x".repeat(100)), 100)).toBe("x".repeat(100));
    expect(await cappedText(new Response("x".repeat(101)), 100)).toBeNull();
    // Without a Content-Length: counted as it streams.
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 5; i++) ctl.enqueue(new Uint8Array(30));
        ctl.close();
      },
    });
    expect(await cappedText(new Response(stream), 100)).toBeNull();
    expect(MAX_WITNESS_BYTES).toBe(4 * 1024 * 1024);
  });
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await SELF.fetch(`http://node${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await SELF.fetch(`http://node${path}`, { method: "POST", body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

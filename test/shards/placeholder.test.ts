/**
 * The placeholder chunk (src/sharding/placeholder.ts, docs/ARCHITECTURE.md "Chunks built by their
 * group") on a four-shard chain: a payee's shard gets placeholders for two blocks while a transfer's
 * credit is sent to it; the blocks carry them (their headers say so), the shard's state root stays,
 * and its next real chunk takes the carried credit, the receipts of both heights in order. A node
 * without the shard checks the placeholders from its header of the block before alone (no witness)
 * and the chunk after from its witness and every carried height's receipt proofs; forged
 * placeholders (another root, a tx, receipts not carried) and a chunk after them that drops the
 * carried receipts are refused, and refused placeholders write nothing. A peer holding a placeholder
 * serves no witness for another block's chunk at that height that kept the root too (asked by chunk id).
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import { receiptsRoot } from "../../durable-objects/core";
import { shardStub } from "../../durable-objects/env";
import { type CheckOptions, type ChunkCase, checkChunk } from "../../durable-objects/shard/witness";
import { type ChunkToCheck, checkByWitness, type WitnessSource } from "../../durable-objects/coordinator/witness-check";
import { hex } from "../../durable-objects/values";
import { MAX_CARRY, placeholderChunk, receiptHeights } from "../../src/sharding/placeholder";
import type { SentProof } from "../../src/sharding/receipt-proof";
import { shardOf } from "../../src/sharding/placement";
import type { Witness } from "../../src/state/witness";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { placeholdersOn } from "./placeholders";
import { makeTx, nowNs } from "../workers/txs";

const N = 4;
const EMPTY_ROOT = hex(receiptsRoot([]));
const NO_WITNESS = { shape: "", hashes: "", entries: [] } as unknown as Witness;

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);

type Part = { state_root: string; out_receipts_root?: string; placeholder?: true; receipts_from?: number };
const partsOf = async (c: Chain, n: number): Promise<Part[]> => (JSON.parse((await c.coord.storedBlock(n))!.info) as { chunks: Part[] }).chunks;

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

/** The context of the block after the head, as a peer's producer would ask it. */
async function nextCtx(c: Chain): Promise<ChunkContext> {
  const head = (await c.coord.status()).head;
  const b = (await c.coord.storedBlock(head))!;
  const t = (nowNs() > BigInt(b.time) ? nowNs() : BigInt(b.time) + 1_000_000n).toString();
  return { height: head + 1, time: t, parentHash: b.hash, witness: b.witness, parentWitness: b.witness, parentTime: b.time };
}

describe("the placeholder chunk", () => {
  test("no tx, the root kept, its receipts carried to the next real chunk; checked from the header alone; forged ones refused", async () => {
    const c = newChain("placeholder");
    const other = newChain("placeholder-checker");
    await tick(c, 2);
    const placeholders = await placeholdersOn(c, EMPTY_ROOT);
    const home = shardOf("admin", N);
    const payee = ["producer000", "wit01", "wit02", "wit03", "wit04", "wit05"].find((n) => ![0, home].includes(shardOf(n, N)))!;
    const S = shardOf(payee, N);
    const s = shardAt(c, S);
    const balance = async () => ((await s.read("getTokenBalance", payee, "iost")) as { balance: number }).balance;
    const before = await balance();

    const t = makeTx({ to: payee, amount: "7", memo: "carried" });
    expect(await shardAt(c, home).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c);
    const sent = (await c.coord.status()).head; // the transfer's block: its credit is sent to S
    expect((await shardAt(c, home).chunkAt(sent))!.txHashes).toContain(t.hash);
    const rootBefore = (await s.chunkAt(sent))!.stateRoot;

    placeholders.add(S);
    await tick(c, 2);
    placeholders.delete(S);
    const [p1, p2] = [sent + 1, sent + 2];
    for (const n of [p1, p2]) {
      const chunk = (await s.chunkAt(n))!;
      expect(chunk).toMatchObject({ placeholder: true, receiptsFrom: sent, txHashes: [], stateRoot: rootBefore, receiptsRoot: EMPTY_ROOT });
      expect((await partsOf(c, n))[S]).toMatchObject({ placeholder: true, receipts_from: sent, state_root: rootBefore });
    }
    expect(await balance()).toBe(before); // the credit waits
    // Carried, it is work for the next block (an on-demand chain would idle with it otherwise); the payer's shard has none.
    expect(await s.hasWork()).toBe(true);
    expect(await shardAt(c, home).hasWork()).toBe(false);

    await tick(c);
    const real = (await s.chunkAt(sent + 3))!;
    expect(real.placeholder).toBeUndefined();
    expect(real.receiptsFrom).toBe(sent);
    expect((await partsOf(c, sent + 3))[S].receipts_from).toBe(sent);
    expect(real.stateRoot).not.toBe(rootBefore);
    expect(await balance()).toBe(before + 7);
    await tick(c, 2);
    expect(await shardAt(c, home).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await s.hasWork()).toBe(false); // the credit taken, its settle applied: nothing carried any more

    // A node without S's state: each chunk checked against its header of the block before.
    const check = async (n: number, input: Partial<ChunkCase>, witness: Witness, o: Partial<CheckOptions> = {}) => {
      const parts = await partsOf(c, n - 1);
      const { placeholder, receipts_from } = parts[S];
      const opts: CheckOptions = {
        chainId: 1020,
        place: { index: S, count: N },
        sentRoots: parts.map((x) => x.out_receipts_root ?? ""),
        parent: { ...(placeholder ? { placeholder } : {}), ...(receipts_from === undefined ? {} : { receiptsFrom: receipts_from }) },
        rootsAt: () => null,
        ...o,
      };
      const k: ChunkCase = { ctx: await ctxOf(c, n), txs: [], incoming: [], chunk: (await s.chunkAt(n))!, ...input };
      return runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${S}`), () => checkChunk(parts[S].state_root, k, witness, opts));
    };
    const passed = { stateRoot: rootBefore, receiptHashes: [], outgoing: [], txs: [] };
    expect(await check(p1, {}, NO_WITNESS)).toEqual(passed);
    expect(await check(p2, {}, NO_WITNESS)).toEqual(passed);
    const refused = async (n: number, chunk: Partial<Chunk>, why: RegExp, input: Partial<ChunkCase> = {}) =>
      expect(await check(n, { chunk: { ...(await s.chunkAt(n))!, ...chunk }, ...input }, NO_WITNESS)).toEqual({ error: expect.stringMatching(why) });
    await refused(p1, { stateRoot: "ab".repeat(32) }, /stateRoot .* the rule makes/);
    await refused(p1, { receiptsFrom: p1 }, /receiptsFrom .* the rule makes/); // the receipts of `sent` taken by nobody
    await refused(p2, { receiptsFrom: p1 }, /receiptsFrom .* the rule makes/); // the carried ones dropped
    await refused(p1, { txHashes: [t.hash], receiptHashes: [t.hash] }, /carries no tx/, { txs: [t.bytes] });
    await refused(p1, { gasUsage: "1" }, /gasUsage/);
    // The real chunk after them: its witness and the proofs of every carried height's receipts, in order.
    const n = sent + 3;
    const witness = await s.witnessOf(n);
    if ("error" in witness) throw new Error(witness.error);
    const proofs = async (heights: number[]) => {
      const out: SentProof[] = [];
      for (const h of heights)
        for (let j = 0; j < N; j++) {
          const p = await shardAt(c, j).sentProofOf(h, S);
          if ("error" in p) throw new Error(p.error);
          out.push(p);
        }
      return out;
    };
    const rootsAt = async (h: number) => (await partsOf(c, h)).map((x) => x.out_receipts_root ?? "");
    const earlier = new Map([
      [sent, await rootsAt(sent)],
      [p1, await rootsAt(p1)],
    ]);
    const all = { txs: await s.chunkTxs(n), incoming: await proofs([sent, p1, p2]) };
    expect(await check(n, all, witness, { rootsAt: (h) => earlier.get(h) ?? null })).toMatchObject({ stateRoot: real.stateRoot });
    // The carried receipts left out: the count of proofs is the carried heights' and the credit is in the first.
    expect(await check(n, { ...all, incoming: await proofs([p2]) }, witness, { rootsAt: (h) => earlier.get(h) ?? null })).toEqual({
      error: expect.stringMatching(/receipts proven from 4 chunks, not 12/),
    });
    // Announced as taking the last height's receipts only, against a header that carried them: refused before it runs.
    expect(await check(n, { ...all, chunk: { ...real, receiptsFrom: undefined } }, witness, { rootsAt: (h) => earlier.get(h) ?? null })).toEqual({
      error: expect.stringMatching(/takes receipts from height .* leaves them from/),
    });

    // As a producer checks a peer block's chunks (witness-check.ts): a placeholder asks no peer; the chunk after asks for the carried heights' proofs.
    const asked: number[] = [];
    const source: WitnessSource = async (_peer, shard, height, _root, from) => {
      asked.push(from);
      return { shard, height, witness, incoming: await proofs(receiptHeights(from, height)) };
    };
    const byWitness = async (h: number, chunk: Chunk) => {
      const c2: ChunkToCheck = {
        chainId: 1020,
        shardCount: N,
        shard: S,
        ctx: await ctxOf(c, h),
        chunk,
        txs: await s.chunkTxs(h),
        parentInfo: (await c.coord.storedBlock(h - 1))!.info,
        rootsAt: (x) => earlier.get(x) ?? null,
      };
      return runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${S}`), () => checkByWitness(c2, ["http://peer"], source));
    };
    expect(await byWitness(p2, (await s.chunkAt(p2))!)).toEqual({ peer: "" });
    expect(await byWitness(p2, { ...(await s.chunkAt(p2))!, receiptsFrom: p1 })).toEqual({ error: expect.stringMatching(/receiptsFrom/), refused: true });
    expect(asked).toEqual([]);
    expect(await byWitness(n, real)).toEqual({ peer: "http://peer" });
    expect(asked).toEqual([sent]);

    // A forged placeholder applied to the shard: refused, and not a row written.
    const head = (await s.status()).head;
    await tick(c);
    const next = await ctxOf(c, head + 1);
    const checker = shardAt(other, S);
    expect((await checker.status()).head).toBe(0);
    const wrote = async (f: () => Promise<unknown>) => {
      const a = await checker.meter();
      const r = await f();
      return { r, rows: (await checker.meter()).rowsWritten - a.rowsWritten };
    };
    const genesis = (await checker.chunkAt(0))!;
    const ctx1 = { ...next, height: 1 };
    const forged = { ...placeholderChunk(genesis, S, ctx1.time, EMPTY_ROOT)!, stateRoot: "cd".repeat(32) };
    expect(await wrote(() => checker.applyChunk(ctx1, [], forged))).toEqual({ r: { error: expect.stringMatching(/stateRoot/) }, rows: 0 });
    const good = placeholderChunk(genesis, S, ctx1.time, EMPTY_ROOT)!;
    const applied = await wrote(() => checker.applyChunk(ctx1, [], good));
    expect(applied.r).toEqual(good);
    console.log(`a placeholder applied: ${applied.rows} rows written`);
    expect((await checker.status()).stateRoot).toBe(genesis.stateRoot);
  });

  test("a peer whose chunk of a height is a placeholder does not serve its witness for a chunk of another block there that changes no state either", async () => {
    // Holding-sync's CI run: chunks 1/107 and 3/107, idle shards, refused by every peer's witness for key x-reads.
    const c = newChain("placeholder-same-root");
    const other = newChain("placeholder-same-root-checker");
    await tick(c, 2);
    const home = shardOf("admin", N);
    // An idle shard: not producer000's either, which takes the `index` receipt of its first reward at height 3.
    const S = [1, 2, 3].find((i) => i !== home && i !== shardOf("producer000", N))!;
    const s = shardAt(c, S);
    const h = (await c.coord.status()).head;
    const ctx = await nextCtx(c);
    // An idle shard's real chunk (built, as a producer holding it does, or drafted at MAX_CARRY): nothing written, the root kept.
    const real = await s.buildChunk(ctx);
    expect(real.placeholder).toBeUndefined();
    expect(real.stateRoot).toBe((await s.chunkAt(h))!.stateRoot);
    // This peer took another block at that height instead, which has a placeholder for the shard: the same root.
    expect(await s.revertTo(h)).toEqual({ head: h });
    const placeholder = placeholderChunk((await s.chunkAt(h))!, S, ctx.time, EMPTY_ROOT)!;
    expect(await s.applyChunk(ctx, [], placeholder)).toEqual(placeholder);
    expect(placeholder.stateRoot).toBe(real.stateRoot);

    const incoming: SentProof[] = [];
    for (let j = 0; j < N; j++) {
      const p = await shardAt(c, j).sentProofOf(h, S);
      if ("error" in p) throw new Error(p.error);
      incoming.push(p);
    }
    // What /p2p/witness answers from this peer's shard object (workers/rpc/p2p.ts); a stub of the checker's context.
    const source: WitnessSource = async (_peer, shard, height, chunk) => {
      const w = await shardAt(c, S).witnessOf(height, chunk);
      return "error" in w ? w : { shard, height, witness: w, incoming };
    };
    const k: ChunkToCheck = { chainId: 1020, shardCount: N, shard: S, ctx, chunk: real, txs: [], parentInfo: (await c.coord.storedBlock(h))!.info };
    const check = () => runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${S}`), () => checkByWitness(k, ["http://peer"], source));
    // It serves no witness for that chunk: its own is of another one. Before, the placeholder's (the lock keys alone) was served,
    // and the real chunk refused for the first key its run reads that a placeholder does not: x-reads.
    expect(await check()).toEqual({
      error: expect.stringMatching(/: its chunk of height \d+ is another \(id [0-9a-f]{64}, not [0-9a-f]{64}\): a fork$/),
      refused: false,
    });
    // Back on the real chunk's block, the same peer's witness passes it.
    expect(await s.revertTo(h)).toEqual({ head: h });
    expect(await s.buildChunk(ctx)).toEqual(real);
    expect(await check()).toEqual({ peer: "http://peer" });
  });

  test("a run of placeholders stops below MAX_CARRY heights: at it, the rule allows none and an idle shard's builder drafts the chunk instead of answering empty", async () => {
    const c = newChain("placeholder-carry");
    await tick(c, 2);
    const placeholders = await placeholdersOn(c, EMPTY_ROOT);
    // A shard nothing is sent to (foundation's takes the block rewards' receipts every block).
    const drafts = await Promise.all([1, 2, 3].map(async (i) => [i, await shardAt(c, i).draftChunk(await nextCtx(c))] as const));
    const T = drafts.find(([, d]) => "empty" in d)![0];
    const s = shardAt(c, T);
    const start = (await c.coord.status()).head;
    placeholders.add(T);
    await tick(c, MAX_CARRY - 2);
    expect(await s.draftChunk(await nextCtx(c))).toEqual({ empty: true });
    await tick(c);
    placeholders.delete(T);
    const head = (await c.coord.status()).head;
    const last = (await s.chunkAt(head))!;
    expect(last).toMatchObject({ height: start + MAX_CARRY - 1, placeholder: true, receiptsFrom: start });
    const ctx = await nextCtx(c);
    expect(placeholderChunk(last, T, ctx.time, EMPTY_ROOT)).toBeNull();
    const d = await s.draftChunk(ctx);
    expect("chunk" in d && d.chunk).toMatchObject({ txHashes: [], receiptsFrom: start, stateRoot: last.stateRoot });
    await tick(c);
    expect((await s.chunkAt(head + 1))!.placeholder).toBeUndefined();
  });
});

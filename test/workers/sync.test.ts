/**
 * Issue #7, the shard's part of syncing: chain B's shard re-executes chain A's
 * chunks (applyChunk), refuses tampered ones without changing anything, and
 * undoes chunks above LIB (revertTo) so they can be applied or built again.
 */
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext } from "../../durable-objects/api";
import { keyPairFromSecret } from "../../src/crypto/keys";
import { decodeTx, FULL, txBytes, txId } from "../../src/tx/bytes";
import { ED25519 } from "../../src/tx/types";
import { newChain, tick } from "./helpers";
import { makeTx, withExtraSig } from "./txs";

type Chain = ReturnType<typeof newChain>;

/** The context block `n` of `c` was built under, as a peer derives it from the block and its parent. */
async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

/** Block `n` of `a` as a peer sends it: context, tx bytes, the chunk. */
async function peerChunk(a: Chain, n: number): Promise<{ ctx: ChunkContext; txs: Uint8Array[]; chunk: Chunk }> {
  const [ctx, txs, chunk] = await Promise.all([ctxOf(a, n), a.shard.chunkTxs(n), a.shard.chunkAt(n)]);
  return { ctx, txs, chunk: chunk! };
}

/** Chain A with transfers in blocks 1 and 2 and an empty block 3. */
async function producedChain(label: string) {
  const a = newChain(label);
  const first = [makeTx({ amount: "1" }), makeTx({ amount: "2" }), makeTx({ amount: "3", to: "foundation" })];
  for (const t of first) expect(await a.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
  await tick(a);
  const second = [makeTx({ amount: "4" }), makeTx({ amount: "5", memo: "x" })];
  for (const t of second) expect(await a.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
  await tick(a, 2);
  return { a, first, second };
}

async function applyAll(from: Chain, to: Chain, heights: number[]): Promise<void> {
  for (const n of heights) {
    const { ctx, txs, chunk } = await peerChunk(from, n);
    expect(await to.shard.applyChunk(ctx, txs, chunk)).toEqual(chunk);
  }
}

describe("applying a peer's chunks", () => {
  test("B re-executes A's chunks: same chunks, roots, tx receipts and balances; included txs leave B's pool", async () => {
    const { a, first, second } = await producedChain("sync-a");
    const b = newChain("sync-b");
    // B's own pool holds one of A's txs, and a copy of another with an extra publisher
    // signature (another id, same replay key): both leave the pool when A's block includes theirs.
    expect(await b.shard.submitTx(second[0].bytes, second[0].hash)).toEqual({ hash: second[0].hash });
    const twin = withExtraSig(second[1].bytes);
    expect(await b.shard.submitTx(twin.bytes, twin.hash)).toEqual({ hash: twin.hash });
    await applyAll(a, b, [1, 2, 3]);
    const [sa, sb] = [await a.shard.status(), await b.shard.status()];
    expect(sb).toMatchObject({ head: 3, pool: 0, stateRoot: sa.stateRoot });
    for (const n of [1, 2, 3]) {
      expect(await b.shard.chunkAt(n)).toEqual(await a.shard.chunkAt(n));
      expect(await b.shard.getChunkTxs(n)).toEqual(await a.shard.getChunkTxs(n));
      expect(await b.shard.chunkTxs(n)).toEqual(await a.shard.chunkTxs(n));
    }
    expect(await b.shard.getTx(twin.hash)).toEqual({
      error: `tx dropped: tx exists in chain: ${second[1].hash} has the same content and publisher signature`,
    });
    await b.shard.finalize(3);
    for (const t of [...first, ...second]) expect(await b.shard.getTxReceipt(t.hash)).toEqual(await a.shard.getTxReceipt(t.hash));
    for (const who of ["admin", "producer000", "foundation"]) {
      expect(await b.shard.read("getTokenBalance", who, "iost")).toEqual(await a.shard.read("getTokenBalance", who, "iost"));
    }
    // Applying a stored chunk again is a no-op answer; a different chunk at a stored height is refused.
    const again = await peerChunk(a, 3);
    expect(await b.shard.applyChunk(again.ctx, again.txs, again.chunk)).toEqual(again.chunk);
    const other = await peerChunk(a, 2);
    expect(await b.shard.applyChunk({ ...other.ctx, height: 3 }, other.txs, { ...other.chunk, height: 3 })).toMatchObject({
      error: expect.stringMatching(/different chunk .*revert first/),
    });
  });

  test("tampered chunks are refused with a reason and change nothing", async () => {
    const { a, first } = await producedChain("tamper-a");
    const b = newChain("tamper-b");
    const before = await b.shard.status();
    const { ctx, txs, chunk } = await peerChunk(a, 1);
    expect(txs.length).toBe(first.length + 1); // the base tx, then the transfers

    const swapped = [txs[0], txs[2], txs[1], ...txs.slice(3)];
    const badSig = (() => {
      const tx = decodeTx(txs[1]);
      const sig = { ...tx.publisherSigs[0], sig: tx.publisherSigs[0].sig.slice() };
      sig.sig[0] ^= 1;
      return [txs[0], txBytes({ ...tx, publisherSigs: [sig] }, FULL), ...txs.slice(2)];
    })();
    const cases: [string, Uint8Array[], Chunk, RegExp][] = [
      ["changed order", swapped, chunk, /txHashes differs/],
      ["broken signature", badSig, chunk, /VerifyError publisher error/],
      ["wrong state root", txs, { ...chunk, stateRoot: "00".repeat(32) }, /stateRoot differs/],
      ["wrong receipt hash", txs, { ...chunk, receiptHashes: [...chunk.receiptHashes].reverse() }, /receiptHashes differs/],
      ["missing base tx", txs.slice(1), chunk, /not the base tx/],
      ["no txs at all", [], chunk, /no base tx/],
      ["base tx of another block", [(await a.shard.chunkTxs(2))[0], ...txs.slice(1)], chunk, /not the base tx/],
      ["a tx twice", [...txs, txs[1]], chunk, /appears twice/],
    ];
    for (const [name, given, expected, reason] of cases) {
      const r = await b.shard.applyChunk(ctx, given, expected);
      expect(r, name).toMatchObject({ error: expect.stringMatching(reason) });
      expect(await b.shard.status(), name).toEqual(before);
      expect(await b.shard.chunkAt(1), name).toBeNull();
    }
    // A tx stamped after the block, or stale at its time, signed correctly, cannot be in it.
    const late = makeTx({ time: BigInt(ctx.time) + 5_000_000_000n });
    expect(await b.shard.applyChunk(ctx, [txs[0], late.bytes], chunk)).toMatchObject({ error: expect.stringMatching(/is after block time/) });
    const stale = makeTx({ time: BigInt(ctx.time) - 100_000_000_000n, expiration: BigInt(ctx.time) + 10_000_000_000n });
    expect(await b.shard.applyChunk(ctx, [txs[0], stale.bytes], chunk)).toMatchObject({ error: expect.stringMatching(/more than 90 s before block time/) });
    const expired = makeTx({ time: BigInt(ctx.time) - 10_000_000_000n, expiration: BigInt(ctx.time) });
    expect(await b.shard.applyChunk(ctx, [txs[0], expired.bytes], chunk)).toMatchObject({ error: expect.stringMatching(/tx expired: expiration/) });
    // Not the next height.
    const two0 = await peerChunk(a, 2);
    expect(await b.shard.applyChunk(two0.ctx, two0.txs, two0.chunk)).toMatchObject({ error: expect.stringMatching(/cannot build height 2, head is 0/) });
    // A tx signed by a key admin does not hold: verified fine, refused by execution.
    const stranger = keyPairFromSecret(ED25519, new Uint8Array(32).fill(9));
    const forged = makeTx({ secretKey: stranger.secretKey, time: BigInt(ctx.time) - 1_000_000_000n });
    expect(await b.shard.applyChunk(ctx, [txs[0], forged.bytes], chunk)).toEqual({
      error: `shard-0 height 1: tx ${forged.hash} cannot be in a block: unauthorized publisher: admin`,
    });
    expect(await b.shard.status()).toEqual(before);

    // The real chunk still applies; then a block replaying one of its txs is refused.
    await applyAll(a, b, [1]);
    const two = await peerChunk(a, 2);
    const replay = await b.shard.applyChunk(two.ctx, [two.txs[0], txs[1]], two.chunk);
    expect(replay).toMatchObject({ error: expect.stringMatching(/tx exists in chain/) });
    // A copy with an extra publisher signature has another id but the same replay key.
    const copy = withExtraSig(txs[1]).bytes;
    expect(txId(decodeTx(copy))).not.toBe(txId(decodeTx(txs[1])));
    expect(await b.shard.applyChunk(two.ctx, [two.txs[0], copy], two.chunk)).toMatchObject({
      error: expect.stringMatching(/same content and publisher signature/),
    });
    expect((await b.shard.status()).head).toBe(1);
  });
});

describe("reverting chunks above LIB", () => {
  test("revertTo(h) undoes state and chunks, pools the txs again; re-applying gives the same roots", async () => {
    const { a, first, second } = await producedChain("revert-a");
    const b = newChain("revert-b");
    await applyAll(a, b, [1, 2, 3]);
    const rootAt1 = (await a.shard.chunkAt(1))!.stateRoot;
    await b.shard.finalize(1);
    expect(await b.shard.revertTo(0)).toEqual({ error: "cannot revert to 0: below the irreversible block 1" });
    expect((await b.shard.status()).head).toBe(3);

    expect(await b.shard.revertTo(1)).toEqual({ head: 1 });
    expect(await b.shard.status()).toMatchObject({ head: 1, lib: 1, pool: second.length, stateRoot: rootAt1 });
    expect(await b.shard.chunkAt(2)).toBeNull();
    expect(await b.shard.chunkTxs(2)).toEqual([]);
    for (const t of second) expect(await b.shard.getTx(t.hash)).toMatchObject({ status: "PENDING" });
    for (const t of first) expect(await b.shard.getTx(t.hash)).toMatchObject({ status: "IRREVERSIBLE" });
    expect(await b.shard.read("getTokenBalance", "admin", "iost")).toEqual(await balanceAfter(a, 1));

    await applyAll(a, b, [2, 3]);
    expect(await b.shard.status()).toMatchObject({ head: 3, pool: 0, stateRoot: (await a.shard.status()).stateRoot });
    // Reverting to the head itself changes nothing.
    expect(await b.shard.revertTo(3)).toEqual({ head: 3 });
  });

  test("reverted txs are executed again by the next buildChunk", async () => {
    const { a, second } = await producedChain("rebuild-a");
    const b = newChain("rebuild-b");
    await applyAll(a, b, [1, 2]);
    expect(await b.shard.revertTo(1)).toEqual({ head: 1 });
    const ctx = await ctxOf(a, 2);
    const built = await b.shard.buildChunk(ctx);
    expect(built.txHashes.slice(1).sort()).toEqual(second.map((t) => t.hash).sort());
    // Same inputs, same pool order: the rebuilt chunk is A's chunk.
    expect(built).toEqual(await a.shard.chunkAt(2));
    expect(await b.shard.poolSize()).toBe(0);
  });
});

/** admin's balance on a chain replayed to height `n` (a fresh chain C applying A's chunks). */
async function balanceAfter(a: Chain, n: number) {
  const c = newChain("balance");
  await applyAll(
    a,
    c,
    Array.from({ length: n }, (_, i) => i + 1),
  );
  return c.shard.read("getTokenBalance", "admin", "iost");
}

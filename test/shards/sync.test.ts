/**
 * Issue #7 with four shards: chain B's shards re-execute chain A's chunks
 * height by height, cross-shard receipts included, and a revert across the
 * heights of a credit and its settlement leaves B consistent.
 */
import { describe, expect, test } from "vitest";
import type { ChunkContext } from "../../durable-objects/api";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const GENESIS = ["admin", "foundation", "producer000", "deadaddr"];
const remote = GENESIS.find((a) => shardOf(a, N) !== shardOf("admin", N))!;

function chain(label: string) {
  const c = newChain(label);
  const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  const shards = () => Array.from({ length: N }, (_, i) => shardAt(i));
  return Object.assign(c, { shardAt, shards });
}
type Chain = ReturnType<typeof chain>;

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

/** Every shard of `to` applies block `n` of `from`, in shard order (a height needs only the peers' previous one). */
async function applyBlock(from: Chain, to: Chain, n: number): Promise<void> {
  const ctx = await ctxOf(from, n);
  for (let i = 0; i < N; i++) {
    const [txs, chunk] = await Promise.all([from.shardAt(i).chunkTxs(n), from.shardAt(i).chunkAt(n)]);
    expect(await to.shardAt(i).applyChunk(ctx, txs, chunk!), `shard ${i} height ${n}`).toEqual(chunk);
  }
}

const roots = async (c: Chain) => Promise.all(c.shards().map(async (s) => (await s.status()).stateRoot));

describe("four shards: syncing a peer's blocks", () => {
  test("a cross-shard transfer replays to the same roots and settled receipt; a revert across credit and settlement re-applies cleanly", async () => {
    const a = chain("xsync-a");
    await a.coord.chainInfo();
    const t = makeTx({ to: remote, amount: "3" });
    const home = shardOf("admin", N);
    expect(await a.shardAt(home).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(a, 3); // debit at 1, credit at 2, settlement at 3
    expect(await a.shardAt(home).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });

    const b = chain("xsync-b");
    for (const n of [1, 2, 3]) await applyBlock(a, b, n);
    expect(await roots(b)).toEqual(await roots(a));
    // With block 3's hash, as the coordinator names LIB: storage reads, and a receipt its settle made, are as of it.
    const named = (await a.coord.storedBlock(3))!.hash;
    await Promise.all(b.shards().map((s) => s.finalize(3, named)));
    expect(await b.shardAt(home).getTxReceipt(t.hash)).toEqual(await a.shardAt(home).getTxReceipt(t.hash));
    expect(await b.shardAt(shardOf(remote, N)).read("getTokenBalance", remote, "iost")).toEqual(
      await a.shardAt(shardOf(remote, N)).read("getTokenBalance", remote, "iost"),
    );

    // A node that synced to 3 without finalizing reverts to 1: the credit (2) and
    // the settlement (3) are undone, the debit stays; re-applying restores all.
    const c = chain("xsync-c");
    for (const n of [1, 2, 3]) await applyBlock(a, c, n);
    const rootsAt1 = await Promise.all(a.shards().map(async (s) => (await s.chunkAt(1))!.stateRoot));
    for (const s of c.shards()) expect(await s.revertTo(1)).toEqual({ head: 1 });
    expect(await roots(c)).toEqual(rootsAt1);
    expect(await c.shardAt(home).getTx(t.hash)).toMatchObject({ status: "PACKED" });
    await c.shardAt(home).finalize(1);
    expect(await c.shardAt(home).getTxReceipt(t.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    for (const n of [2, 3]) await applyBlock(a, c, n);
    expect(await roots(c)).toEqual(await roots(a));
    await Promise.all(c.shards().map((s) => s.finalize(3, named)));
    expect(await c.shardAt(home).getTxReceipt(t.hash)).toEqual(await a.shardAt(home).getTxReceipt(t.hash));
    expect(await c.shardAt(home).revertTo(2)).toEqual({ error: "cannot revert to 2: below the irreversible block 3" });
  });

  test("a chunk announced with another shard's roots is refused and B's shard is unchanged", async () => {
    const a = chain("xbad-a");
    await a.coord.chainInfo();
    const t = makeTx({ to: remote, amount: "2" });
    const home = shardOf("admin", N);
    await a.shardAt(home).submitTx(t.bytes, t.hash);
    await tick(a, 2);
    const b = chain("xbad-b");
    await applyBlock(a, b, 1);
    const target = shardOf(remote, N);
    const chunk = (await a.shardAt(target).chunkAt(2))!;
    const before = await b.shardAt(target).status();
    // The announced chunk of another shard at the same height: its roots are not what this shard computes.
    const other = (await a.shardAt((target + 1) % N).chunkAt(2))!;
    const r = await b.shardAt(target).applyChunk(await ctxOf(a, 2), await a.shardAt(target).chunkTxs(2), { ...other, shard: target });
    expect(r).toMatchObject({ error: expect.stringMatching(/differs/) });
    expect(await b.shardAt(target).status()).toEqual(before);
    expect(await b.shardAt(target).applyChunk(await ctxOf(a, 2), await a.shardAt(target).chunkTxs(2), chunk)).toEqual(chunk);
  });
});

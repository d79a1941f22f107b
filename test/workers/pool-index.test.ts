/**
 * The pool's index in memory (durable-objects/shard/pool-index.ts): a chunk's pick and expiry
 * and admission's per-account totals come from it, not from scanning `mempool`, and it never
 * differs from the table: a peer's chunk that took pool txs and was refused (rolled back) leaves
 * them to the next build, and admission's rows read do not grow with the pool.
 */
import { describe, expect, test } from "vitest";
import type { ChunkContext } from "../../durable-objects/api";
import { newChain, tick } from "./helpers";
import { makeTx, nowNs, userTxs } from "./txs";

describe("pool index", () => {
  test("a refused peer chunk that took pool txs gives them back: the next build runs them", async () => {
    const a = newChain("pool-a");
    const b = newChain("pool-b");
    const txs = [makeTx({ amount: "1" }), makeTx({ amount: "2" })];
    for (const t of txs) {
      expect(await a.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      expect(await b.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    }
    await tick(a);
    const [blk, parent] = await Promise.all([a.coord.storedBlock(1), a.coord.storedBlock(0)]);
    const ctx: ChunkContext = {
      height: 1,
      time: blk!.time,
      parentHash: blk!.parentHash,
      witness: blk!.witness,
      parentWitness: parent!.witness,
      parentTime: parent!.time,
    };
    const chunk = (await a.shard.chunkAt(1))!;
    // B runs both txs (taking them from its pool), then refuses the chunk on its root: all rolled back.
    const refused = await b.shard.applyChunk(ctx, await a.shard.chunkTxs(1), { ...chunk, stateRoot: "00".repeat(32) });
    expect(refused).toMatchObject({ error: expect.stringMatching(/stateRoot differs/) });
    expect(await b.shard.poolSize()).toBe(2);
    const own = await b.shard.buildChunk({ ...ctx, time: (BigInt(ctx.time) + 1n).toString() });
    expect(new Set(own.txHashes.slice(1))).toEqual(new Set(txs.map((t) => t.hash)));
    expect(await b.shard.poolSize()).toBe(0);
  });

  test("admission reads a few rows whatever the pool holds; the pick takes the pool in order", async () => {
    const c = newChain("pool-rows");
    await c.shard.status();
    const admit = async (i: number) => {
      const t = makeTx({ amount: "1", memo: `p${i}`, time: nowNs() - 1_000_000_000n });
      const before = (await c.shard.meter()).rowsRead;
      expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      return (await c.shard.meter()).rowsRead - before;
    };
    const first = await admit(0);
    for (let i = 1; i < 150; i++) await admit(i);
    const last = await admit(150);
    // Before the index, each admission counted the publisher's pending txs with a scan: 150 rows more here.
    expect(last).toBeLessThanOrEqual(first + 2);
    await tick(c);
    expect(await c.shard.poolSize()).toBe(0);
    expect(userTxs(await c.shard.getChunkTxs(1))).toHaveLength(151);
  });
});

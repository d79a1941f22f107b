/**
 * A shard's draft of another producer's chunk (Shard.draftChunk, POST /p2p/chunk with shard groups;
 * durable-objects/coordinator/group-chunks.ts): executed on the head from the pool as buildChunk
 * would, then rolled back, so the shard stores nothing, keeps its txs pooled and drafts the same
 * chunk again; the block producer's object takes the draft only when it re-executes to it.
 */
import { describe, expect, test } from "vitest";
import type { ChunkContext } from "../../durable-objects/api";
import { transferChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

describe("Shard.draftChunk", () => {
  test("a draft stores nothing and keeps the pool; the producer's object applies it, a forged one it refuses", async () => {
    const { c, chunks } = await transferChain("draft", 1);
    const t = makeTx({ amount: "7", memo: "drafted" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    const before = await c.shard.status();
    const ctx: ChunkContext = {
      height: 2,
      time: (nowNs() + 1_000_000n).toString(),
      parentHash: "",
      witness: "w",
      parentWitness: "w",
      parentTime: chunks[1].time,
    };

    const metered = await c.shard.meter();
    const d = await c.shard.draftChunk(ctx);
    if ("error" in d) throw new Error(d.error);
    if ("empty" in d) throw new Error("shard 0 drafted nothing: its base tx runs in every chunk");
    const m = await c.shard.meter();
    console.log(
      `a draft of ${d.chunk.txHashes.length} txs: ${m.rowsWritten - metered.rowsWritten} rows written (rolled back), ${m.rowsRead - metered.rowsRead} read`,
    );
    expect(d.chunk.txHashes).toContain(t.hash);
    expect(d.txs).toHaveLength(d.chunk.txHashes.length);
    const after = await c.shard.status();
    expect([after.head, after.pool, after.stateRoot]).toEqual([before.head, before.pool, before.stateRoot]);
    expect(await c.shard.chunkAt(2)).toBeNull();
    // Nothing of the first draft stayed: the second is the same chunk.
    expect(await c.shard.draftChunk(ctx)).toEqual(d);

    const forged = { ...d.chunk, stateRoot: `${d.chunk.stateRoot}0` };
    expect(await c.shard.applyChunk(ctx, d.txs, forged)).toEqual({ error: expect.stringMatching(/stateRoot differs/) });
    expect(await c.shard.chunkAt(2)).toBeNull();
    expect(await c.shard.applyChunk(ctx, d.txs, d.chunk)).toEqual(d.chunk);
    expect((await c.shard.status()).pool).toBe(before.pool - 1);
    expect(await c.shard.draftChunk(ctx)).toEqual({ error: "shard-0: height 2 is built already" });
  });
});

/**
 * Objects without the ARCHIVE binding (the env they see has none, as a deployment without
 * [[r2_buckets]]): bookkeeping is still pruned below LIB, and every block, chunk, tx body and
 * receipt stays in SQLite and is served from there.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { newChain, nodeEnv } from "../workers/helpers";
import { makeTx } from "../workers/txs";
import { measure } from "./measure";

type Chain = ReturnType<typeof newChain>;

const count = (stub: DurableObjectStub, query: string, ...args: unknown[]) =>
  runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>(query, ...args).one().n);

/** The chain's objects from now on see an env without ARCHIVE. */
async function withoutR2(c: Chain): Promise<void> {
  for (const stub of [c.coordStub, c.shardRaw] as DurableObjectStub[]) {
    await runInDurableObject(stub, (inst) => {
      const o = inst as unknown as { env: Record<string, unknown> };
      o.env = { ...o.env, ARCHIVE: undefined };
    });
  }
}

describe("objects without R2", () => {
  test("keep blocks, chunks and tx bodies in SQLite and serve them; events and receipts sent are still pruned", async () => {
    const c = newChain("no-r2");
    await withoutR2(c);
    const t = makeTx({ amount: "2" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await c.coord.mine(3);
    const reads = () =>
      Promise.all([c.shard.getTx(t.hash), c.shard.getTxReceipt(t.hash), c.coord.getBlockByNumber(1), c.shard.getChunkTxs(1), c.coord.peerBlocks(1, 3)]);
    const before = await reads();
    expect(before[0]).toMatchObject({ status: "IRREVERSIBLE", block_number: "1" });
    await c.coord.mine(30);
    expect(await count(c.coordStub, "SELECT COUNT(*) AS n FROM blocks")).toBe(34);
    expect(await count(c.coordStub, "SELECT COUNT(*) AS n FROM archived_blocks")).toBe(0);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks")).toBe(34);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM tx_index WHERE length(bytes) = 0")).toBe(0);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks WHERE height <= 24 AND events IS NOT NULL")).toBe(0);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks WHERE height > 24 AND events IS NOT NULL")).toBeGreaterThan(0);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks WHERE height <= 24 AND (undo IS NOT NULL OR writes IS NOT NULL)")).toBe(0);
    expect((await nodeEnv.ARCHIVE!.list({ prefix: `${c.id}:` })).objects).toEqual([]);
    expect(await reads()).toEqual(before);
  });

  test("storage per block and per tx without R2 (the figures before archiving, docs/COST.md)", async () => {
    const m = await measure("no-r2", withoutR2);
    // Every block keeps its header and chunk: hundreds of bytes on each object.
    expect(m.block[0]).toBeGreaterThan(300);
    expect(m.block[1]).toBeGreaterThan(300);
  }, 180_000);
});

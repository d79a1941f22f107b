import { describe, expect, test } from "vitest";
import { newChain, poolDirectly, tick } from "./helpers";
import { makeTx, nowNs, userTxs } from "./txs";

describe("what one chunk takes from the pool", () => {
  test("at most BLOCK_MAX_TXS_PER_PUBLISHER (10) txs of one publisher; the rest wait for the next block", async () => {
    const c = newChain("per-publisher");
    const t = nowNs();
    const txs = Array.from({ length: 12 }, (_, i) => makeTx({ time: t + BigInt(i), memo: `m${i}` }));
    for (const { bytes, hash } of txs) expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    await tick(c);
    expect(userTxs(await c.shard.getChunkTxs(1)).length).toBe(10);
    expect(await c.shard.poolSize()).toBe(2);
    await tick(c);
    expect(userTxs(await c.shard.getChunkTxs(2)).length).toBe(2);
    expect(await c.shard.poolSize()).toBe(0);
  });

  test("the block gas cap counts gas used, not gas limits: txs asking 2,000,000 gas each share a block", async () => {
    const c = newChain("gas-cap");
    const t = nowNs();
    // Five limits of 2,000,000 gas exceed the 8,000,000-gas cap; their use (~8,000 each) does not.
    const txs = Array.from({ length: 5 }, (_, i) => makeTx({ time: t + BigInt(i), memo: `g${i}`, gasLimit: 200_000_000n }));
    for (const { bytes, hash } of txs) expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    await tick(c);
    const chunk = userTxs(await c.shard.getChunkTxs(1));
    expect(chunk.map((tx) => (tx as { hash: string }).hash).sort()).toEqual(txs.map((tx) => tx.hash).sort());
  });

  test("the pick reads the whole pool: 2,100 pending txs of one publisher ahead of it do not hide a transfer", async () => {
    const c = newChain("window");
    const t = nowNs() - 1_000_000_000n;
    // Pooled directly (admission refuses them now): producer000's, not signed by its key, so each
    // block drops its first ten. Before, the pick read the first 2,000 by pool order only.
    const flood = Array.from({ length: 2100 }, (_, i) => makeTx({ publisher: "producer000", to: "admin", time: t + BigInt(i) }));
    await poolDirectly(c.shardRaw, flood);
    const user = makeTx({ memo: "funded" });
    expect(await c.shard.submitTx(user.bytes, user.hash)).toEqual({ hash: user.hash });
    await tick(c);
    expect(userTxs(await c.shard.getChunkTxs(1)).map((x) => (x as { hash: string }).hash)).toEqual([user.hash]);
    expect(await c.shard.getTxReceipt(user.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.poolSize()).toBe(2090); // ten dropped with their reason
    expect(await c.shard.getTx(flood[0].hash)).toMatchObject({ error: expect.stringContaining("tx dropped: unauthorized publisher") });
  });
});

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { NodeConfig } from "../../durable-objects/env";
import { newChain, poolDirectly, tick } from "./helpers";
import { fundedSignUp, makeTx, nowNs, userTxs } from "./txs";

type Chain = ReturnType<typeof newChain>;

/** A smaller chunk (until the shard restarts), so a test fills one with a few dozen txs. */
async function chunkOf(c: Chain, blockMaxTxs: number): Promise<void> {
  await runInDurableObject(c.shardRaw, (obj) => {
    const o = obj as unknown as { config: NodeConfig };
    o.config = { ...o.config, blockMaxTxs };
  });
}

const hashes = (txs: unknown[]) => userTxs(txs).map((tx) => (tx as { hash: string }).hash);

describe("what one chunk takes from the pool", () => {
  // Before issue 17 a chunk took at most 10 txs of one publisher (go-iost's share of its 50-tx
  // block), 1 % of a chunk here: a busy sender could not use the chain's capacity.
  test("one publisher fills a whole chunk; the rest waits for the next block", async () => {
    const c = newChain("one-sender");
    await chunkOf(c, 50);
    const t = nowNs();
    const txs = Array.from({ length: 60 }, (_, i) => makeTx({ time: t + BigInt(i), gasLimit: 2_000_000n }));
    for (const { bytes, hash } of txs) expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    await tick(c);
    // Shard 0's chunk holds the base tx and 49 of them, in pool order (oldest first).
    expect(hashes(await c.shard.getChunkTxs(1))).toEqual(txs.slice(0, 49).map((x) => x.hash));
    expect(await c.shard.poolSize()).toBe(11);
    await tick(c);
    expect(hashes(await c.shard.getChunkTxs(2))).toEqual(txs.slice(49).map((x) => x.hash));
    expect(await c.shard.poolSize()).toBe(0);
  });

  test("a flooding publisher holds at most two chunks of the pool, and a higher gas ratio runs before its txs", async () => {
    const c = newChain("flood-ratio");
    await chunkOf(c, 50); // one account may hold 100 pending txs
    const setup = fundedSignUp("alice", "1000");
    expect(await c.shard.submitTx(setup.bytes, setup.hash)).toEqual({ hash: setup.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(setup.hash)).toMatchObject({ status_code: "SUCCESS" });

    // admin floods at gas ratio 1, every tx older than alice's (older runs first at one ratio).
    const t = nowNs() - 1_000_000_000n;
    const flood = Array.from({ length: 101 }, (_, i) => makeTx({ time: t + BigInt(i), gasLimit: 2_000_000n }));
    for (const { bytes, hash } of flood.slice(0, 100)) expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    expect(await c.shard.submitTx(flood[100].bytes, flood[100].hash)).toEqual({
      error: "txpool is full: admin has 100 pending txs, the most one account may have (100)",
    });
    // alice's transfer has the same data length as admin's (names of 5 letters), a newer time and gas ratio 2.
    const alice = makeTx({ publisher: "alice", gasRatio: 200n, gasLimit: 2_000_000n });
    expect(await c.shard.submitTx(alice.bytes, alice.hash)).toEqual({ hash: alice.hash });
    await tick(c);
    const chunk = hashes(await c.shard.getChunkTxs(2));
    expect(chunk).toEqual([alice.hash, ...flood.slice(0, 48).map((x) => x.hash)]); // and the base tx
    expect(await c.shard.getTxReceipt(alice.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.poolSize()).toBe(52);
    // Each block frees room: the refused tx is admitted now.
    expect(await c.shard.submitTx(flood[100].bytes, flood[100].hash)).toEqual({ hash: flood[100].hash });
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
    // Pooled directly (admission refuses them now): producer000's, not signed by its key, so the
    // block drops them all. Before, the pick read the first 2,000 by pool order only.
    const flood = Array.from({ length: 2100 }, (_, i) => makeTx({ publisher: "producer000", to: "admin", time: t + BigInt(i) }));
    await poolDirectly(c.shardRaw, flood);
    const user = makeTx({ memo: "funded" });
    expect(await c.shard.submitTx(user.bytes, user.hash)).toEqual({ hash: user.hash });
    await tick(c);
    expect(userTxs(await c.shard.getChunkTxs(1)).map((x) => (x as { hash: string }).hash)).toEqual([user.hash]);
    expect(await c.shard.getTxReceipt(user.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.poolSize()).toBe(0); // every one dropped with its reason
    expect(await c.shard.getTx(flood[2099].hash)).toMatchObject({ error: expect.stringContaining("tx dropped: unauthorized publisher") });
  });
});

/**
 * Replay keys and the records of txs that left the pool are pruned (shard.ts `pruneKeys`,
 * docs/COST.md "What each table keeps"), in the "workerd-archive" project: 4 heights kept below
 * LIB, 8 per segment, one producer (LIB = head). The clock is moved forward in this isolate (the
 * objects' too) so that blocks lie minutes apart without waiting for them.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, test } from "vitest";
import { newChain } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const realNow = Date.now;
/** Moves this isolate's clock `ms` forward. */
const advance = (ms: number) => {
  const before = Date.now;
  Date.now = () => before() + ms;
};
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

afterEach(() => {
  Date.now = realNow;
});

describe("replay keys are pruned once their txs are stale", () => {
  test("a pruned segment's keys and expired/dropped records go once its last block is 90 s older than LIB; executed txs stay refused and found", async () => {
    const c = newChain("keys");
    const shard = c.shard as unknown as { submitTx(b: Uint8Array, h: string): Promise<unknown> };
    const rows = (query: string, ...args: unknown[]) =>
      runInDurableObject(c.shardRaw, (_i, state) => state.storage.sql.exec<{ n: number }>(query, ...args).one().n);
    await c.coord.mine(1);
    const now = Date.now();
    const kept = makeTx({ memo: "executed", time: ns(now) });
    const gone = makeTx({ memo: "expires", time: ns(now), expiration: ns(now + 2_000) });
    expect(await shard.submitTx(kept.bytes, kept.hash)).toEqual({ hash: kept.hash });
    expect(await shard.submitTx(gone.bytes, gone.hash)).toEqual({ hash: gone.hash });
    advance(5_000);
    await c.coord.mine(1); // height 2: `kept` runs, `gone` expired in the pool
    expect(await c.shard.getTx(gone.hash)).toEqual({ error: expect.stringContaining("tx expired") });
    expect(await rows("SELECT COUNT(*) AS n FROM tx_index WHERE hash = ? AND height = 2", gone.hash)).toBe(1);
    expect(await rows("SELECT COUNT(*) AS n FROM tx_keys WHERE hash = ?", kept.hash)).toBe(1);

    await c.coord.mine(30); // segments 1–8, 9–16, 17–24 pruned, but their blocks are seconds old: a replay could still run
    expect(await rows("SELECT COUNT(*) AS n FROM chunks WHERE height BETWEEN 1 AND 24 AND events IS NOT NULL")).toBe(0);
    expect(await rows("SELECT COUNT(*) AS n FROM tx_keys WHERE hash = ?", kept.hash)).toBe(1);
    expect(await rows("SELECT COUNT(*) AS n FROM tx_index WHERE hash = ?", gone.hash)).toBe(1);

    // mine() gives blocks slot times that can run ahead of the clock (30 heights: 15 s), so move it well past 90 s.
    advance(120_000);
    await c.coord.mine(1); // LIB now more than 90 s after every block of those segments
    expect(await rows("SELECT COUNT(*) AS n FROM tx_keys WHERE hash = ?", kept.hash)).toBe(0);
    expect(await rows("SELECT COUNT(*) AS n FROM tx_index WHERE hash = ?", gone.hash)).toBe(0);
    // The executed tx: still found, its replay still refused.
    expect(await c.shard.getTx(kept.hash)).toMatchObject({ status: "IRREVERSIBLE", block_number: "2" });
    expect(await shard.submitTx(kept.bytes, kept.hash)).toEqual({ error: "tx exists in chain" });
  });
});

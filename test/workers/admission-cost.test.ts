/**
 * What one pool admission costs the shard (issue 17, BENCHMARKS.md "Intake"): rows read by its
 * checks stay the same however many txs the publisher already has pending (admission used to
 * count them with a scan of the whole pool, each time), and the count it keeps in memory instead
 * follows the pool: what a block takes out no longer counts against the publisher's gas.
 */
import { describe, expect, test } from "vitest";
import { newChain, tick } from "./helpers";
import { fundedSignUp, makeTx } from "./txs";

describe("pool admission", () => {
  test("rows read per admission do not grow with the publisher's pending txs", async () => {
    const c = newChain("admission-rows");
    const readsOf = async (txs: ReturnType<typeof makeTx>[]): Promise<number> => {
      const before = (await c.shard.meter()).rowsRead;
      for (const t of txs) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      return ((await c.shard.meter()).rowsRead - before) / txs.length;
    };
    const batch = (from: number) => Array.from({ length: 40 }, (_, i) => makeTx({ gasLimit: 2_000_000n, memo: `a${from + i}` }));
    const first = await readsOf(batch(0));
    await readsOf(batch(40));
    await readsOf(batch(80));
    const late = await readsOf(batch(120)); // 120 of the same publisher's txs pending before each
    expect(await c.shard.poolSize()).toBe(160);
    // A scan of the pool per admission read about 140 rows each here, and more as the pool grew.
    expect(late).toBeLessThanOrEqual(first + 1);
    expect(late).toBeLessThan(40);
  });

  test("a publisher's pending gas limits count until a block takes its txs, and then no more", async () => {
    const c = newChain("admission-pending");
    const setup = fundedSignUp("pender", "100");
    expect(await c.shard.submitTx(setup.bytes, setup.hash)).toEqual({ hash: setup.hash });
    await tick(c);
    const send = (memo: string) => {
      const t = makeTx({ publisher: "pender", to: "admin", amount: "0.01", memo });
      return c.shard.submitTx(t.bytes, t.hash);
    };
    const first = [await send("p0"), await send("p1"), await send("p2"), await send("p3")];
    const admitted = first.filter((a) => !("error" in a)).length;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(3);
    expect(first.at(-1)).toMatchObject({
      error: expect.stringMatching(/^gas not enough: user pender has [\d.]+ < [\d.]+ \(the gas limits of its \d pending txs included\)$/),
    });
    await tick(c);
    expect(await c.shard.poolSize()).toBe(0);
    // The block took them: the next one is measured against the publisher's gas alone again.
    expect(await send("q0")).not.toHaveProperty("error");
  });
});

/**
 * Dev conveniences on the Durable Objects, one shard: BLOCK_PRODUCTION
 * "manual" with mine(), and snapshot()/revert() restoring every table.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { HeadView } from "../../durable-objects/api";
import type { Coordinator } from "../../durable-objects/coordinator/coordinator";
import { dumpTables, newChain, setProduction, tick } from "./helpers";
import { makeTx } from "./txs";

type Chain = ReturnType<typeof newChain>;

const balance = async (c: Chain, name: string) => ((await c.shard.read("getTokenBalance", name, "iost")) as { balance: number }).balance;

/** Everything a revert must bring back: every row of both objects and the shard's cached view. */
async function nodeState(c: Chain) {
  const { work: _w, ...shard } = await c.shard.status();
  const { work: _c, ...coord } = await c.coord.status();
  // When its alarm and last tick ran are the clock's, not state: a revert keeps neither.
  const { alarm: _a, tickEnded: _e, tickSince: _s, ...sync } = coord.sync!;
  return {
    coordTables: await dumpTables(c.coordStub),
    shardTables: await dumpTables(c.shardRaw),
    shard,
    coord: { ...coord, sync },
    info: await c.coord.chainInfo(),
  };
}

describe('BLOCK_PRODUCTION "manual" and mine()', () => {
  test("the alarm and wake() produce nothing; a tx waits in the pool until mine(n)", async () => {
    const c = newChain("manual");
    await c.coord.chainInfo();
    await setProduction(c, "manual");
    await runInDurableObject(c.coordStub, (_inst, state) => state.storage.setAlarm(Date.now() + 3_600_000));
    expect(await runDurableObjectAlarm(c.coordStub)).toBe(true); // an alarm armed before the switch ends…
    expect(await runDurableObjectAlarm(c.coordStub)).toBe(false); // …without re-arming
    await c.coord.wake();
    expect(await runInDurableObject(c.coordStub, (_inst, state) => state.storage.getAlarm())).toBeNull();

    const t = makeTx({ amount: "2" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    expect((await c.coord.status()).head).toBe(0);
    expect(await c.shard.getTx(t.hash)).toMatchObject({ status: "PENDING" });

    const mined = await c.coord.mine(3);
    const b3 = (await c.coord.storedBlock(3))!;
    expect(mined).toEqual({ head_block: "3", head_block_hash: b3.hash });
    expect((await c.coord.storedBlock(1))!.txCount).toBe(2); // the base tx and the transfer
    expect(await c.shard.getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.status()).toMatchObject({ head: 3, lib: 3, pool: 0 });
    expect(await c.coord.mine(1)).toMatchObject({ head_block: "4" }); // empty pools: mined anyway
  });

  test("mine() refuses a count outside 1..100 and produces nothing", async () => {
    const c = newChain("mine-bad");
    await c.coord.chainInfo();
    for (const n of [0, -1, 101, 1.5, Number.NaN]) {
      expect(await c.coord.mine(n)).toEqual({ error: `invalid blocks ${String(n)}: an integer from 1 to 100` });
    }
    expect((await c.coord.status()).head).toBe(0);
  });
});

describe("snapshot() and revert()", () => {
  test("txs and blocks after a snapshot are undone: every table, head, LIB, pool and balances as before", async () => {
    const c = newChain("revert");
    await tick(c);
    const pending = makeTx({ amount: "5", memo: "waits in the pool" });
    await c.shard.submitTx(pending.bytes, pending.hash);
    const before = await nodeState(c);
    const [admin0, producer0] = [await balance(c, "admin"), await balance(c, "producer000")];

    const { id } = (await c.coord.snapshot()) as { id: string };
    expect(id).toBe("1");
    expect(await nodeState(c)).toEqual(before); // taking it changes nothing

    await tick(c, 2);
    const later = makeTx({ amount: "7" });
    await c.shard.submitTx(later.bytes, later.hash);
    await tick(c);
    const other = makeTx({ amount: "9", memo: "pending after" });
    await c.shard.submitTx(other.bytes, other.hash);
    expect(await balance(c, "producer000")).toBe(producer0 + 12);
    expect((await c.coord.status()).head).toBe(4);

    const reverted = await c.coord.revert(id);
    expect(reverted).toEqual({ head_block: "1", head_block_hash: (await c.coord.storedBlock(1))!.hash });
    expect(await nodeState(c)).toEqual(before);
    expect([await balance(c, "admin"), await balance(c, "producer000")]).toEqual([admin0, producer0]);
    expect(await c.shard.getTx(later.hash)).toEqual({ error: "tx not found" });
    expect(await c.shard.getTx(pending.hash)).toMatchObject({ status: "PENDING" });
    expect(await c.coord.getBlockByNumber(2)).toEqual({ error: "block not found" });

    // The chain goes on from the restored head, with the restored pool.
    await tick(c);
    expect(await c.shard.getTxReceipt(pending.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect((await c.coord.storedBlock(2))!.parentHash).toBe((reverted as HeadView).head_block_hash);
  });

  test("a revert consumes its snapshot and later ones; unknown ids change nothing", async () => {
    const c = newChain("consume");
    await tick(c);
    const s1 = ((await c.coord.snapshot()) as { id: string }).id;
    await tick(c);
    const s2 = ((await c.coord.snapshot()) as { id: string }).id;
    await tick(c);
    expect([s1, s2]).toEqual(["1", "2"]);
    const state = await nodeState(c);
    for (const bad of ["3", "0", "x", "-1", "1.0", ""]) {
      const error = (await c.coord.revert(bad)) as { error: string };
      expect(error.error).toMatch(bad === "3" ? /^snapshot 3 not found/ : /^invalid snapshot id/);
    }
    expect(await nodeState(c)).toEqual(state);

    expect(await c.coord.revert(s1)).toMatchObject({ head_block: "1" });
    for (const gone of [s1, s2]) expect(await c.coord.revert(gone)).toEqual({ error: `snapshot ${gone} not found (never taken, or consumed by a revert)` });
    // Ids keep growing across a revert: "3" never names the state "1" or "2" named.
    expect(await c.coord.snapshot()).toEqual({ id: "3" });
  });

  test("a snapshot waits for the block in production: it never sees half a block", async () => {
    const c = newChain("pause");
    await c.coord.chainInfo();
    const [produced, snap] = await runInDurableObject(c.coordStub, (obj) => {
      const inst = obj as unknown as Coordinator;
      return Promise.all([inst.produce(), inst.snapshot()]);
    });
    expect(produced).toBe(true);
    await tick(c);
    expect(await c.coord.revert((snap as { id: string }).id)).toMatchObject({ head_block: "1" });
    expect(await c.shard.status()).toMatchObject({ head: 1, lib: 1 });
    expect((await c.coord.status()).producing).toBeNull();
  });
});

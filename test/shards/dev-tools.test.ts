/**
 * snapshot()/revert() across four shards: every object's tables come back,
 * including cross-shard receipts in flight, and the chain goes on from there;
 * "on-tx" production keeps going until those receipts have landed.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Coordinator } from "../../durable-objects/coordinator/coordinator";
import { shardStub } from "../../durable-objects/env";
import type { Shard } from "../../durable-objects/shard/shard";
import { shardOf } from "../../src/sharding/placement";
import { dumpTables, newChain, nodeEnv, setProduction, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== shardOf("admin", N))!;

describe("snapshot and revert on four shards", () => {
  test("a revert restores every shard, receipts in flight included; the credit then lands once", async () => {
    const c = newChain("snap4");
    const shardAt = (i: number) => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const raw = (i: number) => nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`) as unknown as DurableObjectStub<Shard>;
    const iost = async (name: string) => ((await shardAt(shardOf(name, N)).read("getTokenBalance", name, "iost")) as { balance: number }).balance;
    const everything = async () => ({
      coord: await dumpTables(c.coordStub),
      shards: await Promise.all(Array.from({ length: N }, (_, i) => dumpTables(raw(i)))),
      status: await Promise.all(Array.from({ length: N }, async (_, i) => ({ ...(await shardAt(i).status()), work: null }))),
      info: await c.coord.chainInfo(),
    });

    await c.coord.chainInfo();
    const [a0, r0] = [await iost("admin"), await iost(remote)];
    const credit = makeTx({ to: remote, amount: "3" });
    await shardAt(shardOf("admin", N)).submitTx(credit.bytes, credit.hash);
    await tick(c); // debited; the credit waits in admin's shard's receipts_out
    const waiting = makeTx({ to: remote, amount: "4", memo: "pending" });
    await shardAt(shardOf("admin", N)).submitTx(waiting.bytes, waiting.hash);
    const before = await everything();

    const { id } = (await c.coord.snapshot()) as { id: string };
    await tick(c, 3);
    const more = makeTx({ to: remote, amount: "50", memo: "after" });
    await shardAt(shardOf("admin", N)).submitTx(more.bytes, more.hash);
    await tick(c, 2);
    expect(await iost(remote)).toBe(r0 + 57);

    expect(await c.coord.revert(id)).toMatchObject({ head_block: "1" });
    expect(await everything()).toEqual(before);
    expect([await iost("admin"), await iost(remote)]).toEqual([a0 - 3, r0]);
    expect(await shardAt(shardOf("admin", N)).getTx(more.hash)).toEqual({ error: "tx not found" });

    await tick(c, 3);
    expect(await iost(remote)).toBe(r0 + 7);
    for (const t of [credit, waiting]) {
      expect(await shardAt(shardOf("admin", N)).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    }
  });
});

describe('"on-tx" on four shards', () => {
  test("blocks continue while cross-shard receipts are in flight, then the chain idles", async () => {
    const c = newChain("ontx4");
    const admin = shardStub(nodeEnv, `${c.id}:shard-${shardOf("admin", N)}`);
    await c.coord.chainInfo();
    await setProduction(c, "on-tx");
    const produce = () => runInDurableObject(c.coordStub, (obj) => (obj as unknown as Coordinator).produce());
    expect(await produce()).toBe(false);
    const t = makeTx({ to: remote, amount: "2" });
    await admin.submitTx(t.bytes, t.hash);
    // debit, credit on the remote shard, settlement back home; then nothing to do
    expect([await produce(), await produce(), await produce(), await produce()]).toEqual([true, true, true, false]);
    expect(await admin.getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
  });
});

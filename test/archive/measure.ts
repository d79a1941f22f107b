/**
 * Storage measurements shared by archive.test.ts and no-r2.test.ts (figures in docs/COST.md
 * "Storage"): `ctx.storage.sql.databaseSize` of a chain's coordinator and shard around empty
 * blocks and around transfers.
 */
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { newChain } from "../workers/helpers";
import { makeTx } from "../workers/txs";

type Chain = ReturnType<typeof newChain>;

export const size = (stub: DurableObjectStub) => runInDurableObject(stub, (_i, state) => state.storage.sql.databaseSize);

async function sizes(c: Chain): Promise<[number, number]> {
  return [await size(c.coordStub), await size(c.shardRaw)];
}

/** Bytes per empty block and per transfer on the coordinator and on the shard, after a 100-block warm-up. */
export async function measure(label: string, setup?: (c: Chain) => Promise<void>): Promise<{ block: [number, number]; tx: [number, number] }> {
  const c = newChain(label);
  await setup?.(c);
  await c.coord.mine(100);
  const a = await sizes(c);
  await c.coord.mine(100);
  const b = await sizes(c);
  const block: [number, number] = [(b[0] - a[0]) / 100, (b[1] - a[1]) / 100];
  // 100 transfers, 10 a block (one publisher, whose gas allows about 30 pending), over 100 blocks again.
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      const t = makeTx({ amount: "1", memo: `m${i}-${j}` });
      expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    }
    await c.coord.mine(1);
  }
  expect(await c.shard.poolSize()).toBe(0);
  await c.coord.mine(90);
  const d = await sizes(c);
  const tx: [number, number] = [(d[0] - b[0] - 100 * block[0]) / 100, (d[1] - b[1] - 100 * block[1]) / 100];
  console.log(`${label}: bytes per empty block coordinator ${block[0]}, shard ${block[1]}; per transfer coordinator ${tx[0]}, shard ${tx[1]}`);
  return { block, tx };
}

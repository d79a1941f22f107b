/**
 * The cost meter with four shards (durable-objects/meter.ts): a shard's chunk build reads the
 * receipts every shard sent it, itself included, and that read of its own is not a request; a
 * cross-shard transfer bills rows on the sender's shard, none beyond its chunk row on the receiver's.
 */
import { describe, expect, test } from "vitest";
import type { MeterView, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;

function chain(label: string) {
  const c = newChain(label);
  const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  const meters = () => Promise.all(Array.from({ length: N }, (_, i) => shardAt(i).meter()));
  return Object.assign(c, { shardAt, meters });
}

const written = (a: MeterView, b: MeterView) => b.rowsWritten - a.rowsWritten;

describe("cost meter, four shards", () => {
  test("an empty block is five requests on each shard: its chunk, its finalize, three peers' receipt reads", async () => {
    const c = chain("cost-shards");
    await tick(c, 2);
    const before = await c.meters();
    await tick(c);
    const after = await c.meters();
    for (let i = 0; i < N; i++) expect(after[i].requests - before[i].requests).toBe(5);
  });

  test("a cross-shard transfer bills rows on the sender's shard; on the receiver's its credit rides in the chunk row, to LIB and past it", async () => {
    const c = chain("cost-cross");
    await tick(c);
    const to = ["producer000", "foundation", "deadaddr"].find((a) => shardOf(a, N) !== shardOf("admin", N))!;
    const from = shardOf("admin", N);
    const home = shardOf(to, N);
    const { hash, bytes } = makeTx({ to, amount: "1" });
    expect(await c.shardAt(from).submitTx(bytes, hash)).toEqual({ hash });
    await tick(c); // runs on admin's shard, sends the credit
    const mid = await c.meters();
    expect(mid[from].spans.chunk.loaded).toMatchObject({ calls: 1, txs: 1 });
    await tick(c); // the credit lands on the receiver's shard
    const after = await c.meters();
    const bystander = [0, 1, 2, 3].find((i) => i !== from && i !== home)!;
    // The credit's balance and its id (applied once: shard/applied.ts) ride in the chunk row an empty block writes too: no row
    // more. A table of applied ids wrote two rows where it landed and more at its prune at LIB (3 more over these blocks).
    expect(written(mid[home], after[home])).toBe(written(mid[bystander], after[bystander]));
    await tick(c, 8); // LIB past the credit's height
    const later = await c.meters();
    expect(written(mid[home], later[home])).toBe(written(mid[bystander], later[bystander]));
    expect(written(mid[from], later[from])).toBeGreaterThan(written(mid[bystander], later[bystander]));
  });
});

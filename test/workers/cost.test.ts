/**
 * The cost meter (docs/COST.md "Method", durable-objects/meter.ts, workers/lib/usage.ts): its counters are
 * the runtime's own — a transfer's block bills rows on the shard that ran it, on the coordinator and on
 * the validator that signed; an object nobody calls bills nothing; the edge counts the object calls of a
 * route exactly. (Four shards: test/shards/cost.test.ts.)
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { MeterView } from "../../durable-objects/api";
import { newChain, tick } from "./helpers";
import { makeTx } from "./txs";

type Chain = ReturnType<typeof newChain>;

async function meters(c: Chain): Promise<{ coord: MeterView; validator: MeterView; shard: MeterView }> {
  const [[coord, validator], shard] = await Promise.all([c.coord.meters(), c.shard.meter()]);
  return { coord, validator, shard };
}

const delta = (a: MeterView, b: MeterView) => ({
  requests: b.requests - a.requests,
  rowsRead: b.rowsRead - a.rowsRead,
  rowsWritten: b.rowsWritten - a.rowsWritten,
});

describe("cost meter", () => {
  test("a transfer's block bills rows written on the shard that ran it, the coordinator and the signing validator", async () => {
    const c = newChain("cost-transfer");
    await tick(c); // genesis and a first block: what the chain costs only once is behind us
    const before = await meters(c);
    const { hash, bytes } = makeTx({ amount: "1" });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    await tick(c);
    const after = await meters(c);

    const chunk = after.shard.spans.chunk;
    expect(chunk.loaded).toMatchObject({ calls: 1, txs: 1 });
    expect(chunk.loaded.rowsWritten).toBeGreaterThan(0);
    expect(chunk.loaded.rowsRead).toBeGreaterThan(0);
    // The tx's rows (pool, index, receipt, balances) on top of an empty chunk's.
    expect(chunk.loaded.rowsWritten).toBeGreaterThan(chunk.empty.rowsWritten / chunk.empty.calls);
    expect(delta(before.shard, after.shard).rowsWritten).toBeGreaterThanOrEqual(chunk.loaded.rowsWritten);

    const block = after.coord.spans.block;
    expect(block.loaded).toMatchObject({ calls: 1, txs: 1 });
    expect(block.loaded.rowsWritten).toBeGreaterThan(0);
    expect(delta(before.coord, after.coord).rowsWritten).toBeGreaterThan(0);
    expect(delta(before.validator, after.validator).rowsWritten).toBeGreaterThan(0); // the signature it keeps
    for (const m of [after.coord, after.validator, after.shard]) expect(m.bytes).toBeGreaterThan(0);
  });

  test("an object nobody calls bills nothing; one call is one request", async () => {
    const c = newChain("cost-idle");
    await tick(c, 2);
    const a = await meters(c);
    await new Promise((r) => setTimeout(r, 300));
    const b = await meters(c);
    // Reading the meters is not counted, and nothing else happened.
    expect(delta(a.shard, b.shard)).toEqual({ requests: 0, rowsRead: 0, rowsWritten: 0 });
    for (const k of ["coord", "validator", "shard"] as const) expect(b[k].activeMs).toBe(a[k].activeMs);
    expect(delta(a.coord, b.coord)).toEqual({ requests: 0, rowsRead: 0, rowsWritten: 0 });
    expect(delta(a.validator, b.validator)).toEqual({ requests: 0, rowsRead: 0, rowsWritten: 0 });

    await c.shard.poolSize(); // served from memory
    const d = await meters(c);
    expect(delta(b.shard, d.shard)).toEqual({ requests: 1, rowsRead: 0, rowsWritten: 0 });

    // An empty block on one shard: the coordinator asks it for its chunk, then finalizes it.
    await tick(c);
    const e = await meters(c);
    expect(delta(d.shard, e.shard).requests).toBe(2);
    expect(e.shard.spans.chunk.empty.calls - d.shard.spans.chunk.empty.calls).toBe(1);
    expect(e.shard.spans.finalize.empty.calls - d.shard.spans.finalize.empty.calls).toBe(1);
  });

  test("the edge counts a route's object calls exactly", async () => {
    const routes = async () => {
      const res = await SELF.fetch("http://node/dev/status");
      expect(res.status).toBe(200);
      return ((await res.json()) as { cost: { edge: { routes: Record<string, { requests: number; objectCalls: number }> } } }).cost.edge.routes;
    };
    const before = (await routes())["/dev/supply"] ?? { requests: 0, objectCalls: 0 };
    for (let i = 0; i < 3; i++) expect((await SELF.fetch("http://node/dev/supply")).status).toBe(200);
    const after = await routes();
    // One shard: /dev/supply asks it once per request.
    expect(after["/dev/supply"]).toEqual({ requests: before.requests + 3, objectCalls: before.objectCalls + 3, peerFetches: 0 });
    // /dev/status itself: chain info, status and meters of the coordinator, status and meter of the shard.
    expect(after["/dev/status"].objectCalls).toBe(5 * after["/dev/status"].requests);
    const cost = (await (await SELF.fetch("http://node/dev/cost")).json()) as { objects: { object: string }[] };
    // One producer key held: the coordinator, its validator, the shard.
    expect(cost.objects.map((o) => o.object.replace(/:.*/, ":"))).toEqual(["coordinator", "validator:", "shard-0"]);
  });
});

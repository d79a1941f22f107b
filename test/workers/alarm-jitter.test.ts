/**
 * The coordinator under Cloudflare's alarm timing (issue 14 item 6,
 * durable-objects/coordinator/jitter.ts): an alarm delivered late runs its
 * handler late, and an alarm delivered twice (overlapping the first run or
 * just after it) makes no second block in a slot and builds each height once.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { newChain, stopAlarms, until } from "./helpers";
import { makeTx } from "./txs";

type Chain = ReturnType<typeof newChain>;
const SLOT_MS = 500n; // the dev chain's: one block per 0.5 s slot

/** Runs the coordinator's real alarm handler once, its deliveries set to `deliveries` (ms late each). */
async function deliver(c: Chain, deliveries: number[]): Promise<number> {
  await runInDurableObject(c.coordStub, async (inst, state) => {
    const o = inst as unknown as { intervalMs: number; jitter: () => number[] };
    o.intervalMs = 3_600_000; // the alarm it re-arms never fires on its own during the test
    o.jitter = () => deliveries;
    await state.storage.setAlarm(Date.now() + 3_600_000);
  });
  const started = Date.now();
  if (!(await runDurableObjectAlarm(c.coordStub))) throw new Error("no alarm ran");
  return Date.now() - started;
}

describe("alarm jitter", () => {
  test("a late delivery runs the handler late", async () => {
    const c = newChain("jitter-late");
    await c.coord.chainInfo();
    const took = await deliver(c, [150]);
    expect(took).toBeGreaterThanOrEqual(150);
    expect((await c.coord.status()).head).toBe(1);
  });

  test("double deliveries: one block per slot at most, each height built and signed once, a tx included once", async () => {
    const c = newChain("jitter-twice");
    await c.coord.chainInfo();
    const t = makeTx({ amount: "3", memo: "twice" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    // Overlapping (both at once), the second while the first may still build, and the second after it.
    const patterns = [
      [0, 0],
      [0, 5],
      [0, 40],
      [0, 120],
      [10, 10],
      [0, 200],
    ];
    for (const p of patterns) {
      await deliver(c, p);
      await new Promise((r) => setTimeout(r, 520)); // the next slot
    }
    // An object reset by another file's abortAllDurableObjects() forgets the stretched interval and
    // ticks on its own: stop it and let a production under way end before reading.
    await stopAlarms(c);
    const status = await until(
      () => c.coord.status(),
      (s) => s.producing === null,
    );
    expect(status.producing).toBeNull();
    expect(status.head).toBeGreaterThanOrEqual(patterns.length - 1);
    const blocks = await Promise.all(Array.from({ length: status.head }, (_, i) => c.coord.storedBlock(i + 1)));
    const slots = blocks.map((b) => BigInt(b!.time) / (SLOT_MS * 1_000_000n));
    for (let i = 1; i < slots.length; i++) expect(slots[i], `block ${i + 1}'s slot after block ${i}'s`).toBeGreaterThan(slots[i - 1]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.parentHash).toBe(blocks[i - 1]!.hash);
    // The shard built each height once, on the coordinator's chain: same head, same block hashes.
    expect(await c.shard.status()).toMatchObject({ head: status.head });
    expect(await c.shard.getTx(t.hash)).toMatchObject({ status: "IRREVERSIBLE" });
    const chunks = await Promise.all(blocks.map((b) => c.shard.getChunkTxs(b!.number)));
    const hashes = chunks.flat().map((tx) => (tx as { hash: string }).hash);
    expect(hashes.filter((h) => h === t.hash)).toHaveLength(1);
  });
});

/** Shared helpers of the Durable Object integration tests. */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { CoordinatorApi } from "../../durable-objects/api";
import { shardStub, type NodeEnv, type ShardInternal } from "../../durable-objects/env";
import type { Coordinator } from "../../durable-objects/coordinator";
import type { Shard } from "../../durable-objects/shard";
import type { StoredBlock } from "../../src/block/block";

export const nodeEnv = env as unknown as NodeEnv;

let chains = 0;

type CoordinatorView = CoordinatorApi & {
  status(): Promise<{ head: number; lib: number; producing: string | null; witness: string | null }>;
  storedBlock(n: number): Promise<StoredBlock | null>;
};

/**
 * A fresh chain per test: `<id>:coordinator` drives `<id>:shard-<i>`. Stubs are
 * fetched on every access, so they stay usable after abortAllDurableObjects()
 * (which breaks existing stubs and restarts objects over the same storage).
 */
export function newChain(label: string) {
  const id = `${label}-${++chains}-${Date.now()}`;
  const coordName = `${id}:coordinator`;
  return {
    id,
    get coordStub() {
      return nodeEnv.COORDINATOR.getByName(coordName) as unknown as DurableObjectStub<Coordinator>;
    },
    get coord() {
      return nodeEnv.COORDINATOR.getByName(coordName) as unknown as CoordinatorView;
    },
    get shardRaw() {
      return nodeEnv.SHARD.getByName(`${id}:shard-0`) as unknown as DurableObjectStub<Shard>;
    },
    get shard(): ShardInternal {
      return shardStub(nodeEnv, `${id}:shard-0`);
    },
  };
}

type Chain = ReturnType<typeof newChain>;

/**
 * One block through the real alarm handler, deterministically: the instance's
 * interval is stretched to an hour (so the alarm it re-arms never fires on its
 * own during the test), an alarm is set, and runDurableObjectAlarm runs it now.
 */
export async function tick(c: Chain, blocks = 1): Promise<void> {
  for (let i = 0; i < blocks; i++) {
    await runInDurableObject(c.coordStub, async (inst, state) => {
      (inst as unknown as { config: { blockIntervalMs: number } }).config.blockIntervalMs = 3_600_000;
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    if (!(await runDurableObjectAlarm(c.coordStub))) throw new Error("no alarm ran");
  }
}

/** Stop a chain's alarm (a test that let real alarms run cleans up with this). */
export async function stopAlarms(c: Chain): Promise<void> {
  await runInDurableObject(c.coordStub, (_inst, state) => state.storage.deleteAlarm());
}

export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

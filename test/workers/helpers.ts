/** Shared helpers of the Durable Object integration tests. */
import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { Chunk, CoordinatorApi } from "../../durable-objects/api";
import type { ShardInternal } from "../../durable-objects/api";
import type { ProductionMode } from "../../durable-objects/config";
import { shardStub, type NodeEnv } from "../../durable-objects/env";
import type { Coordinator } from "../../durable-objects/coordinator/coordinator";
import { newRotationState, rotate, type RotationHost, type RotationState } from "../../durable-objects/coordinator/rotation";
import type { Shard } from "../../durable-objects/shard/shard";
import type { StoredBlock } from "../../src/block/block";
import { padNs, poolOrder } from "../../src/pool/index";
import { makeTx, nowNs, type SignedTx } from "./txs";

export const nodeEnv = env as unknown as NodeEnv;

let chains = 0;

type CoordinatorView = CoordinatorApi & {
  status(): Promise<{ head: number; lib: number; producing: string | null; witness: string | null; validators?: string[] }>;
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
 * A new chain whose shard builds heights 1 to `heights` by hand (no coordinator), one transfer to
 * producer000 each (amount h): the chunks, genesis's at 0, for tests of a shard's past states.
 */
export async function transferChain(label: string, heights: number): Promise<{ c: Chain; chunks: Chunk[] }> {
  const c = newChain(label);
  const times: bigint[] = [0n];
  const chunks: Chunk[] = [(await c.shard.chunkAt(0))!];
  for (let h = 1; h <= heights; h++) {
    // The tx first: a chunk time taken before it could fall below the tx's own time on a clock that moved, leaving it pooled.
    const t = makeTx({ amount: String(h), memo: `h${h}` });
    times[h] = nowNs() > times[h - 1] ? nowNs() : times[h - 1] + 1_000_000n;
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    chunks[h] = await c.shard.buildChunk({
      height: h,
      time: times[h].toString(),
      parentHash: "",
      witness: "w",
      parentWitness: "w",
      parentTime: times[h - 1].toString(),
    });
  }
  return { c, chunks };
}

/**
 * One block through the real alarm handler, deterministically: the instance's
 * interval is stretched to an hour (so the alarm it re-arms never fires on its
 * own during the test), and the handler runs now, as runDurableObjectAlarm runs it.
 * When it is not one of the node's slots yet (one block per slot, or a head mined
 * into the future), the alarm re-arms itself for that slot: the test holds that
 * alarm back, waits for the slot itself and runs it again.
 */
export async function tick(c: Chain, blocks = 1): Promise<void> {
  const stretch = (inst: unknown) => {
    (inst as { intervalMs: number }).intervalMs = 3_600_000;
  };
  /** Stretches the interval and holds the alarm back. */
  const hold = () =>
    runInDurableObject(c.coordStub, async (inst, state) => {
      stretch(inst);
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
  /**
   * Runs the alarm handler and holds the alarm it re-armed in the same call, so the handler's next slot
   * cannot come first: held by a second request, a loaded machine's answer took longer than a 100 ms
   * slot and the alarm made a block of its own within the tick. Answers when that alarm was set for.
   */
  const runHeld = () =>
    runInDurableObject(c.coordStub, async (inst, state) => {
      stretch(inst);
      await state.storage.deleteAlarm();
      await (inst as unknown as { alarm(): Promise<void> }).alarm();
      const wake = await state.storage.getAlarm();
      await state.storage.setAlarm(Date.now() + 3_600_000);
      return wake;
    });
  for (let i = 0; i < blocks; i++) {
    // Held before the first call: an instance new since an eviction arms its alarm for now on its first
    // request (coordinator.ts `arm`), which on a slow machine made a block of its own within this tick.
    await hold();
    const before = (await c.coord.status()).head;
    for (let tries = 0; ; tries++) {
      const at = await runHeld();
      if ((await c.coord.status()).head > before) break;
      if (tries >= 40) throw new Error(`tick: no block after ${tries} tries`);
      await new Promise((r) => setTimeout(r, Math.min(Math.max(0, (at ?? 0) - Date.now()), 10_000) + 5));
    }
  }
}

/**
 * Ticks until every tx of `hashes` has its final receipt on `home` (its shard), at most `max` blocks: how many a
 * tx crossing shards takes depends on its route (an account created off shard 0 buys its RAM on the market's shard).
 */
export async function tickUntilFinal(
  c: Chain,
  home: () => { getTxReceipt(hash: string): Promise<unknown> },
  hashes: readonly string[],
  max = 30,
): Promise<void> {
  for (let i = 0; i < max; i++) {
    await tick(c);
    const receipts = await Promise.all(hashes.map((h) => home().getTxReceipt(h)));
    if (receipts.every((r) => typeof r === "object" && r !== null && "status_code" in r)) return;
  }
}

/** Switches the coordinator instance's BLOCK_PRODUCTION (until the object restarts). */
export async function setProduction(c: Chain, mode: ProductionMode): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as { config: { production: ProductionMode } }).config.production = mode;
  });
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

/**
 * Every data table of a Durable Object (not snapshot copies or system tables),
 * rows sorted, blobs as hex: equal dumps mean equal stored state.
 */
export async function dumpTables(stub: DurableObjectStub<Coordinator> | DurableObjectStub<Shard>): Promise<Record<string, string[]>> {
  return runInDurableObject(stub as DurableObjectStub<Shard>, (_inst, state) => {
    const sql = state.storage.sql;
    const names = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND NOT (name GLOB 'snap_*' OR name GLOB 'sqlite_*' OR name GLOB '_*')")
      .toArray()
      .map((r) => r.name);
    const hex = (v: unknown) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v), (b) => b.toString(16).padStart(2, "0")).join("") : v);
    const dump: Record<string, string[]> = {};
    for (const name of names.sort()) {
      dump[name] = sql
        .exec(`SELECT * FROM "${name}"`)
        .toArray()
        .map((row) => JSON.stringify(Object.entries(row).map(([k, v]) => [k, hex(v)])))
        .sort();
    }
    return dump;
  });
}

/**
 * Puts txs straight into a shard's pool, past admission (which refuses them now): what a pool
 * could hold from before its publisher's key or gas changed.
 */
export async function poolDirectly(shard: DurableObjectStub<Shard>, txs: readonly SignedTx[]): Promise<void> {
  await runInDurableObject(shard, (obj, state) => {
    for (const { tx, hash, bytes } of txs) {
      state.storage.sql.exec(
        "INSERT INTO mempool (hash, bytes, publisher, time, expiration, gas_limit, ord, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        hash,
        bytes,
        tx.publisher,
        padNs(tx.time),
        padNs(tx.expiration),
        Number(tx.gasLimit),
        poolOrder(tx, hash),
      );
    }
    (obj as unknown as { poolCount: number }).poolCount += txs.length;
    (obj as unknown as { pool: { forget(): void } }).pool.forget(); // its index in memory reads the table again
  });
}

/** Sets the coordinator instance's heartbeat (ms; the chain's genesis `heartbeatNs`) until the object restarts: a test-sized one. */
export async function setHeartbeat(c: Chain, ms: number): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    const o = inst as unknown as { consensus: { heartbeatNs: bigint } };
    o.consensus = { ...o.consensus, heartbeatNs: BigInt(ms) * 1_000_000n };
  });
}

/** When the coordinator's alarm fires next (ms), or null. */
export async function alarmAt(c: Chain): Promise<number | null> {
  return runInDurableObject(c.coordStub, (_inst, state) => state.storage.getAlarm());
}

/**
 * What an idle chain must leave alone: the head, the alarm, every data row and
 * the database size of the coordinator and the shard (and the Validators' sizes).
 */
export async function footprint(c: Chain, validators: DurableObjectStub[] = []) {
  const size = (stub: DurableObjectStub) => runInDurableObject(stub as DurableObjectStub<Shard>, (_inst, state) => state.storage.sql.databaseSize);
  return {
    head: (await c.coord.status()).head,
    alarm: await alarmAt(c),
    coordinator: await dumpTables(c.coordStub),
    shard: await dumpTables(c.shardRaw),
    sizes: await Promise.all([c.coordStub, c.shardRaw, ...validators].map(size)),
  };
}

/** `rotate` run in the chain's coordinator with its own chain view and stored applied shards, as its tick runs it, but the given groups and keys. */
export async function rotateIn(
  c: { coordStub: DurableObjectStub<Coordinator> },
  host: Pick<RotationHost, "groups" | "keys">,
  state: RotationState = newRotationState(),
): Promise<RotationState> {
  return runInDurableObject(c.coordStub, async (inst) => {
    const coord = inst as unknown as { rotationHost(): RotationHost };
    await rotate({ ...coord.rotationHost(), ...host }, state);
    return state;
  });
}

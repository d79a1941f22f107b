/**
 * The cost meter of one Durable Object (docs/COST.md "Method"): what Cloudflare bills it for,
 * read from the runtime's own counters — rows read and written (every `sql.exec`
 * cursor's `rowsRead`/`rowsWritten`, KV-style `get`/`put`/`delete` and `setAlarm`
 * as the pricing page bills them), requests (each RPC method call and alarm is
 * one), stored bytes (`sql.databaseSize`) and the wall time some request was
 * running (what duration bills; an object idle between requests may hibernate).
 *
 * `meterObject(this)` gives the object a `ctx` whose storage counts; the object
 * uses `this.ctx` from then on (its constructor too), so every
 * statement — raw `sql.exec`, drizzle's durable-sqlite driver, the migrator —
 * goes through one counting `exec` that returns the runtime's cursor unchanged.
 * `countEntries` wraps a class's RPC methods: each call is a request, so the
 * objects never call their own RPC methods (their own uses go through private
 * ones; test/shards/cost.test.ts counts a block's requests exactly).
 *
 * Counters live in memory only (writing them would itself bill rows): they
 * restart at zero with the object. Spans attribute usage to work: a block's
 * production, a chunk build, a finalize; other calls that interleave with a
 * span's awaits are counted in it too.
 */
import type { MeterView, SpanTally, Usage } from "./api";

const zero = (): Usage => ({ requests: 0, rowsRead: 0, rowsWritten: 0, activeMs: 0 });
const zeroSpan = (): SpanTally => ({ calls: 0, txs: 0, rowsRead: 0, rowsWritten: 0 });

export class Meter {
  readonly total: Usage = zero();
  readonly spans: Record<string, { empty: SpanTally; loaded: SpanTally }> = {};
  /** The last cursor: a caller may still be reading it, so its counters are taken again later. */
  private open: SqlStorageCursor<Record<string, SqlStorageValue>> | null = null;
  private seen = { read: 0, written: 0 };
  /** Entries running now, and since when one has been: duration is billed once for overlapping requests. */
  private busy = 0;
  private since = 0;

  constructor(private readonly sql: SqlStorage) {}

  /** `sql.exec` that counts what the statement reads and writes. */
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T> {
    this.settle();
    const cursor = this.sql.exec<T>(query, ...bindings);
    this.open = cursor;
    this.seen = { read: 0, written: 0 };
    return cursor;
  }

  /** Adds what the open cursor read and wrote since it was last looked at. */
  private settle(): void {
    const c = this.open;
    if (c === null) return;
    this.total.rowsRead += c.rowsRead - this.seen.read;
    this.total.rowsWritten += c.rowsWritten - this.seen.written;
    this.seen = { read: c.rowsRead, written: c.rowsWritten };
  }

  rows(read: number, written: number): void {
    this.total.rowsRead += read;
    this.total.rowsWritten += written;
  }

  /** A request came in; `leave` when it is done. */
  enter(): void {
    this.total.requests++;
    if (this.busy++ === 0) this.since = performance.now();
  }

  leave(): void {
    if (--this.busy === 0) this.total.activeMs += performance.now() - this.since;
  }

  usage(): Usage {
    this.settle();
    return { ...this.total };
  }

  /** Runs `run` and books the rows it read and wrote under `kind`, as empty work or as work on `txs(result)` txs. */
  async span<T>(kind: string, run: () => Promise<T>, txs: (result: T) => number | null): Promise<T> {
    const before = this.usage();
    const result = await run();
    const n = txs(result);
    if (n === null) return result;
    const after = this.usage();
    const s = (this.spans[kind] ??= { empty: zeroSpan(), loaded: zeroSpan() });
    const t = n > 0 ? s.loaded : s.empty;
    t.calls++;
    t.txs += n;
    t.rowsRead += after.rowsRead - before.rowsRead;
    t.rowsWritten += after.rowsWritten - before.rowsWritten;
    return result;
  }

  view(object: string): MeterView {
    const spans: MeterView["spans"] = {};
    for (const kind of Object.keys(this.spans).sort()) spans[kind] = { empty: { ...this.spans[kind].empty }, loaded: { ...this.spans[kind].loaded } };
    return { object, ...this.usage(), bytes: this.sql.databaseSize, spans };
  }
}

const meters = new WeakMap<object, Meter>();

/** Storage methods billed as rows (the pricing page's footnotes): keys read, keys written, one row per alarm set. */
function countedStorage(storage: DurableObjectStorage, sql: SqlStorage, meter: Meter): DurableObjectStorage {
  const keys = (k: unknown): number => (Array.isArray(k) ? k.length : typeof k === "object" && k !== null ? Object.keys(k).length : 1);
  const own: Record<string, unknown> = {
    sql,
    get: (k: unknown, ...rest: unknown[]) => (meter.rows(keys(k), 0), (storage.get as (...a: unknown[]) => unknown)(k, ...rest)),
    put: (k: unknown, ...rest: unknown[]) => (meter.rows(0, keys(k)), (storage.put as (...a: unknown[]) => unknown)(k, ...rest)),
    delete: (k: unknown, ...rest: unknown[]) => (meter.rows(0, keys(k)), (storage.delete as (...a: unknown[]) => unknown)(k, ...rest)),
    setAlarm: (...a: Parameters<DurableObjectStorage["setAlarm"]>) => (meter.rows(0, 1), storage.setAlarm(...a)),
  };
  return new Proxy(storage, {
    get(target, prop) {
      if (typeof prop === "string" && Object.hasOwn(own, prop)) return own[prop];
      const v = Reflect.get(target, prop, target);
      // Native methods check their receiver: call them on the real storage.
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Gives `object` (a Durable Object, from a field initializer) a `ctx` whose storage counts, and
 * returns its meter. The runtime's own `ctx` is left as it was (the base class accepts no other).
 */
export function meterObject(object: object): Meter {
  const ctx = (object as { ctx: DurableObjectState }).ctx;
  const meter = new Meter(ctx.storage.sql);
  const sql = new Proxy(ctx.storage.sql, {
    get(target, prop) {
      if (prop === "exec") return meter.exec.bind(meter);
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const storage = countedStorage(ctx.storage, sql, meter);
  const wrapped = new Proxy(ctx, {
    get(target, prop) {
      if (prop === "storage") return storage;
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  Object.defineProperty(object, "ctx", { value: wrapped });
  meters.set(object, meter);
  return meter;
}

/**
 * `names` as given, if they cover every method of the RPC surface `T` but the meter's own: a
 * method added to `T` and not listed for `countEntries` does not compile. Others (`alarm`) may follow.
 */
export function allOf<T>() {
  type Missing<N extends readonly string[]> = Exclude<keyof T, N[number] | "meter" | "meters">;
  return <const N extends readonly string[]>(names: N & ([Missing<N>] extends [never] ? unknown : { missing: Missing<N> })): N => names;
}

/** Counts a request, and the time it runs, at each of `names` (RPC methods, `alarm`). */
export function countEntries<C extends { prototype: object }>(cls: C, names: readonly string[]): void {
  const proto = cls.prototype as Record<string, unknown>;
  for (const name of names) {
    const method = proto[name];
    if (typeof method !== "function") throw new Error(`countEntries: ${name} is not a method`);
    proto[name] = async function (this: object, ...args: unknown[]) {
      const meter = meters.get(this);
      meter?.enter();
      try {
        return await method.apply(this, args);
      } finally {
        meter?.leave();
      }
    };
  }
}

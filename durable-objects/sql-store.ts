/**
 * The shard's state `Store` (src/state/store.ts): `state_kv` brought up to a checkpoint height,
 * and over it, in memory, the writes of the heights stored above it (docs/ARCHITECTURE.md
 * "Storage"). Each height's writes are durable in its chunk row (the block log, `chunks.writes`),
 * so a chunk costs one row instead of one per key it writes; every CHECKPOINT_BLOCKS heights the
 * overlay goes into `state_kv` in one transaction, each key once however often it changed. A
 * restart replays the log rows above the checkpoint (`replay`).
 *
 * Reads and writes of `state_kv` are raw `sql.exec` (the hot path: every state read of every tx;
 * drizzle's query building costs ~40 µs per call, docs/ARCHITECTURE.md "Platform notes").
 */
import { compareUtf8 } from "../src/codec/encoder";
import type { Store } from "../src/state/store";
import { PagedNodes, StateTree } from "../src/state/tree";
import { buildWitness, type Witness } from "../src/state/witness";

/** Heights between checkpoints: the most log rows a restart replays, and what the overlay holds. */
export const CHECKPOINT_BLOCKS = 64;

/** UTF-16 units (keys and values) a table's read cache holds before it starts over: at most ~4 MB each. */
export const KNOWN_CHARS = 2_000_000;

/** A height's state writes as its log holds them: key → value, null = deleted. */
export type Writes = Map<string, string | null>;

/** The first `limit` entries of `rows` with `over`'s writes on top (null: deleted), in byte order. */
export function overlaidRange(rows: Iterable<[string, string]>, over: Iterable<readonly [string, string | null]>, limit: number): [string, string][] {
  const all = new Map<string, string | null>(rows);
  for (const [k, v] of over) all.set(k, v);
  const out: [string, string][] = [];
  for (const k of [...all.keys()].sort(compareUtf8)) {
    const v = all.get(k);
    if (v !== null && v !== undefined) out.push([k, v]);
  }
  return out.slice(0, limit);
}

/** A key-value table brought up to the checkpoint, the writes above it in memory (both the state and its tree's pages). */
class Overlaid implements Store {
  /** Writes of the transaction running now (a chunk's commit, genesis): kept or dropped with it. */
  protected readonly pending: Writes = new Map();
  /** Writes of the stored heights above the checkpoint, the newest value of each key. */
  protected readonly overlay: Writes = new Map();
  /**
   * The table's committed rows (null: none) by key, as read or flushed since the last `forget`:
   * most of a tx's reads are keys no recent height wrote (auth, token and gas records), and each
   * was a statement and a row read. Memory only; a miss reads the table as before.
   */
  private readonly known: Writes = new Map();
  private knownChars = 0;

  constructor(
    protected readonly sql: SqlStorage,
    private readonly table: string,
  ) {}

  get(key: string): string | undefined {
    if (this.pending.has(key)) return this.pending.get(key) ?? undefined;
    if (this.overlay.has(key)) return this.overlay.get(key) ?? undefined;
    const hit = this.known.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const rows = this.sql.exec<{ value: string }>(`SELECT value FROM ${this.table} WHERE key = ?`, key).toArray();
    const value = rows.length === 0 ? null : rows[0].value;
    this.learn(key, value);
    return value ?? undefined;
  }

  /** `key` holds `value` in the table (null: no row) as committed now. */
  private learn(key: string, value: string | null): void {
    const was = this.known.get(key);
    if (was !== undefined) this.knownChars -= key.length + (was?.length ?? 0);
    const chars = key.length + (value?.length ?? 0);
    if (this.knownChars + chars > KNOWN_CHARS) {
      this.known.clear();
      this.knownChars = 0;
    }
    this.known.set(key, value);
    this.knownChars += chars;
  }

  /** The table was written behind the store's back (a revert's undo, a dev seed): read it again. */
  forget(): void {
    this.known.clear();
    this.knownChars = 0;
  }

  /** Nothing above the table is known any more (a start, a restore): overlay, pending writes and cache gone. */
  reset(): void {
    this.overlay.clear();
    this.pending.clear();
    this.forget();
  }

  put(key: string, value: string): void {
    this.pending.set(key, value);
  }

  del(key: string): void {
    this.pending.set(key, null);
  }

  /** The transaction that made the pending writes committed: they join the overlay. */
  keep(): void {
    for (const [k, v] of this.pending) this.overlay.set(k, v);
    this.pending.clear();
  }

  /** It rolled back (or the writes were flushed): they are gone. */
  drop(): void {
    this.pending.clear();
  }

  /**
   * Writes the overlay and the pending writes into the table, inside the caller's transaction
   * (which also moves the checkpoint); `flushed` once it committed. Rolled back, nothing changed.
   */
  flush(): void {
    for (const [k, v] of [...this.overlay, ...this.pending]) {
      if (v === null) this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, k);
      else this.sql.exec(`INSERT INTO ${this.table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v);
    }
  }

  flushed(): void {
    for (const [k, v] of [...this.overlay, ...this.pending]) this.learn(k, v);
    this.overlay.clear();
    this.pending.clear();
  }
}

/**
 * The state (`state_kv`) and its authenticated tree (`state_nodes`, src/state/tree.ts): both kept,
 * dropped, flushed at checkpoints and replayed together, so the tree's pages cost rows only at a
 * checkpoint, each page once however many heights changed it.
 */
export class SqlStore extends Overlaid {
  private readonly nodes: Overlaid;
  private readonly tree: StateTree;
  /** Keys read while a chunk runs (`watchReads`): its state witness's keys, with the ones it wrote. */
  private reads: Set<string> | null = null;
  private onRead: ((key: string, value: string | undefined) => void) | null = null;

  constructor(sql: SqlStorage) {
    super(sql, "state_kv");
    this.nodes = new Overlaid(sql, "state_nodes");
    this.tree = new StateTree(new PagedNodes(this.nodes));
  }

  override get(key: string): string | undefined {
    if (this.reads === null || this.reads.has(key)) return super.get(key);
    this.reads.add(key);
    const value = super.get(key);
    this.onRead?.(key, value);
    return value;
  }

  /**
   * Every key read from now until `unwatchReads`, in the set returned (what execution read, absent keys too);
   * `onRead` told each the first time, with its value.
   */
  watchReads(onRead?: (key: string, value: string | undefined) => void): Set<string> {
    this.reads = new Set();
    this.onRead = onRead ?? null;
    return this.reads;
  }

  /** `keys` were read by a run undone that nothing read after (a tx a chunk left out): no longer among the reads watched. */
  unread(keys: Iterable<string>): void {
    for (const k of keys) this.reads?.delete(k);
  }

  unwatchReads(): void {
    this.reads = null;
    this.onRead = null;
  }

  /** The pending writes (a chunk's, genesis's) into the tree, with them: the new state root. */
  seal(): Uint8Array {
    return this.tree.update(this.pending);
  }

  /**
   * `key`'s value and proof (src/state/proof.ts) in the committed state with `undone` (undoneAbove
   * in chunk-sync.ts) taken back: an earlier height's state, in a scratch copy of the pages it
   * touches, nothing written.
   */
  proveAt(key: string, undone: Writes): { value: string | null; proof: ReturnType<StateTree["prove"]> } {
    return this.proveAllAt([key], undone)[0];
  }

  /** proveAt for several keys over one scratch copy (the undone values applied once). */
  proveAllAt(keys: readonly string[], undone: Writes): { value: string | null; proof: ReturnType<StateTree["prove"]> }[] {
    const then = this.treeBefore(undone);
    return keys.map((key) => ({ value: undone.has(key) ? (undone.get(key) ?? null) : (this.get(key) ?? null), proof: then.prove(key) }));
  }

  /**
   * The state witness (src/state/witness.ts) of `keys` in the committed state with `undone` taken
   * back (undoneAbove in chunk-sync.ts: a height's state before it), built in a scratch copy of the
   * pages as proveAt does; `deleted`: the keys the chunk deletes.
   */
  witnessAt(keys: Iterable<string>, undone: Writes, deleted: ReadonlySet<string>): Witness {
    const then = this.treeBefore(undone);
    const entries = [...keys].map((k) => [k, undone.has(k) ? (undone.get(k) ?? null) : (super.get(k) ?? null)] as const);
    return buildWitness(then, entries, deleted);
  }

  /** The tree with `undone` taken back, in a scratch copy of the pages it touches: nothing written. */
  private treeBefore(undone: Writes): StateTree {
    const scratch: Writes = new Map();
    const pages: Store = {
      get: (k) => (scratch.has(k) ? (scratch.get(k) ?? undefined) : this.nodes.get(k)),
      put: (k, v) => scratch.set(k, v),
      del: (k) => scratch.set(k, null),
    };
    const then = new StateTree(new PagedNodes(pages));
    then.update(undone);
    return then;
  }

  override keep(): void {
    super.keep();
    this.nodes.keep();
  }

  override drop(): void {
    super.drop();
    this.nodes.drop();
  }

  override flush(): void {
    super.flush();
    this.nodes.flush();
  }

  override flushed(): void {
    super.flushed();
    this.nodes.flushed();
  }

  override forget(): void {
    super.forget();
    this.nodes.forget();
  }

  /** The overlay again from the log rows above the checkpoint (`writes` JSON, oldest first): after a restart or a restore. */
  replay(logs: Iterable<string>): void {
    this.reset();
    this.nodes.reset();
    for (const log of logs) for (const [k, v] of JSON.parse(log) as [string, string | null][]) this.overlay.set(k, v);
    // The tree is a function of the key/value set: the overlay's final values give its pages.
    this.tree.update(this.overlay);
    this.nodes.keep();
  }

  /**
   * After a revert wrote `undone` (key → value now, null = absent) into `state_kv` (the overlay was
   * flushed first): the same into the tree's pages, straight into `state_nodes`, inside the
   * revert's transaction.
   */
  revertTree(undone: Writes): void {
    const direct: Store = {
      get: (k) => this.nodes.get(k),
      put: (k, v) => this.sql.exec("INSERT INTO state_nodes (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, v),
      del: (k) => this.sql.exec("DELETE FROM state_nodes WHERE key = ?", k),
    };
    new StateTree(new PagedNodes(direct)).update(undone);
  }

  /** A store from before the tree: builds it from the whole of `state_kv` (once, at start, in the caller's transaction). */
  buildTree(): void {
    const all = this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM state_kv").toArray();
    this.tree.update(all.map((r) => [r.key, r.value] as const));
    this.nodes.flush();
  }

  /**
   * Keys in [start, end) in byte order (SQLite's BINARY collation is UTF-8 byte order), at most
   * `limit`, with the overlay on top. Reads at most `limit` + (keys the overlay deleted there) rows.
   */
  range(start: string, end: string, limit: number): [string, string][] {
    const inRange = (k: string) => compareUtf8(k, start) >= 0 && compareUtf8(k, end) < 0;
    const over = new Map<string, string | null>();
    for (const [k, v] of [...this.overlay, ...this.pending]) if (inRange(k)) over.set(k, v);
    let gone = 0;
    for (const v of over.values()) if (v === null) gone++;
    const rows = this.sql
      .exec<{ key: string; value: string }>("SELECT key, value FROM state_kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?", start, end, limit + gone)
      .toArray();
    return overlaidRange(
      rows.map((r) => [r.key, r.value] as [string, string]),
      over,
      limit,
    );
  }

  /** The overlay's entries (dev scans of `state_kv` apply them on top). */
  overlaid(): ReadonlyMap<string, string | null> {
    return this.overlay;
  }
}

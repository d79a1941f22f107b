import type { Store } from "./store.js";
import { compareKeys } from "./memory-store.js";

/** One pending change: a value, or null for a deletion. */
export type Write = readonly [key: string, value: string | null];
/** Writes in canonical key order (see compareKeys), each key once. */
export type WriteSet = readonly Write[];

/**
 * A state over a Store: reads see uncommitted writes; nested checkpoints can
 * be rolled back (a failed tx) or released into their parent; the pending
 * writes come out as an ordered write set that the caller commits.
 */
export class State {
  /** Every write since the last commit, as reads see it: one lookup per read, however many checkpoints are open. */
  private cur = new Map<string, string | null>();
  /** One log per open checkpoint: what `cur` held for each key before its first write there (undefined: nothing). */
  private readonly undo: Map<string, string | null | undefined>[] = [];

  constructor(readonly store: Store) {}

  get(key: string): string | undefined {
    // `cur` holds a string or null (deleted), never undefined.
    const v = this.cur.get(key);
    return v === undefined ? this.store.get(key) : (v ?? undefined);
  }

  /**
   * What this state wrote to `key` since its last commit (null: deleted), undefined when nothing: while this stays the
   * same, so does `get(key)` (a rollback puts back what it was).
   */
  written(key: string): string | null | undefined {
    return this.cur.get(key);
  }

  /** The value `key` had before the innermost checkpoint (what rolling it back would leave). */
  prior(key: string): string | undefined {
    const log = this.undo[this.undo.length - 1];
    if (log === undefined) return this.store.get(key);
    if (!log.has(key)) return this.get(key);
    const v = log.get(key);
    return v === undefined ? this.store.get(key) : (v ?? undefined);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  put(key: string, value: string): void {
    this.write(key, value);
  }

  /**
   * Whether the field index `indexKey` here follows the write just made of one of its map's fields, `valueKey`: on one
   * shard always (a shard's run may leave it to the shard the field lands on: executor/guard.ts).
   */
  indexesHere(_valueKey: string, _indexKey: string): boolean {
    return true;
  }

  del(key: string): void {
    this.write(key, null);
  }

  private write(key: string, value: string | null): void {
    const log = this.undo[this.undo.length - 1];
    if (log !== undefined && !log.has(key)) log.set(key, this.cur.get(key));
    this.cur.set(key, value);
  }

  /** Number of open checkpoints. */
  get depth(): number {
    return this.undo.length;
  }

  checkpoint(): void {
    this.undo.push(new Map());
  }

  /** Discard every write since the innermost checkpoint and close it. */
  rollback(): void {
    const log = this.undo.pop();
    if (log === undefined) throw new Error("rollback without checkpoint");
    for (const [k, v] of log) {
      if (v === undefined) this.cur.delete(k);
      else this.cur.set(k, v);
    }
  }

  /** Keep the writes since the innermost checkpoint (merge them into the parent) and close it. */
  release(): void {
    const log = this.undo.pop();
    if (log === undefined) throw new Error("release without checkpoint");
    const parent = this.undo[this.undo.length - 1];
    if (parent !== undefined) for (const [k, v] of log) if (!parent.has(k)) parent.set(k, v);
  }

  /** The writes since the innermost checkpoint (one tx's, while its checkpoint is open), in the order first written. */
  latest(): ReadonlyMap<string, string | null> {
    const log = this.undo[this.undo.length - 1];
    if (log === undefined) return this.cur;
    const m = new Map<string, string | null>();
    for (const k of log.keys()) m.set(k, this.cur.get(k)!);
    return m;
  }

  /**
   * Pending writes (all layers merged) in canonical key order. A write equal to
   * what the store already holds is still reported: the set records what was
   * written, which is what nodes must agree on.
   */
  writes(): WriteSet {
    const keys = [...this.cur.keys()].sort(compareKeys);
    return keys.map((k) => [k, this.cur.get(k)!] as const);
  }

  /** Apply all pending writes to the store and return them. Only with no open checkpoint. */
  commit(): WriteSet {
    if (this.undo.length !== 0) throw new Error("commit with open checkpoints");
    const ws = this.writes();
    for (const [k, v] of ws) {
      if (v === null) this.store.del(k);
      else this.store.put(k, v);
    }
    this.cur = new Map();
    return ws;
  }

  /** Forget all pending writes (open checkpoints included). */
  discard(): void {
    this.undo.length = 0;
    this.cur = new Map();
  }
}

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
  /** layers[0] holds the writes since the last commit; one more layer per open checkpoint. */
  private readonly layers: Map<string, string | null>[] = [new Map()];

  constructor(readonly store: Store) {}

  get(key: string): string | undefined {
    return this.readFrom(this.layers.length - 1, key);
  }

  /** The value `key` had before the innermost checkpoint (what rolling it back would leave). */
  prior(key: string): string | undefined {
    return this.readFrom(this.layers.length - 2, key);
  }

  /** `key` as layers `top` down to 0, then the store, hold it. */
  private readFrom(top: number, key: string): string | undefined {
    for (let i = top; i >= 0; i--) {
      const layer = this.layers[i];
      if (layer.has(key)) {
        const v = layer.get(key)!;
        return v === null ? undefined : v;
      }
    }
    return this.store.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  put(key: string, value: string): void {
    this.layers[this.layers.length - 1].set(key, value);
  }

  del(key: string): void {
    this.layers[this.layers.length - 1].set(key, null);
  }

  /** Number of open checkpoints. */
  get depth(): number {
    return this.layers.length - 1;
  }

  checkpoint(): void {
    this.layers.push(new Map());
  }

  /** Discard every write since the innermost checkpoint and close it. */
  rollback(): void {
    if (this.layers.length < 2) throw new Error("rollback without checkpoint");
    this.layers.pop();
  }

  /** Keep the writes since the innermost checkpoint (merge them into the parent) and close it. */
  release(): void {
    if (this.layers.length < 2) throw new Error("release without checkpoint");
    const top = this.layers.pop()!;
    const parent = this.layers[this.layers.length - 1];
    for (const [k, v] of top) parent.set(k, v);
  }

  /** The writes since the innermost checkpoint (one tx's, while its checkpoint is open). */
  latest(): ReadonlyMap<string, string | null> {
    return this.layers[this.layers.length - 1];
  }

  /**
   * Pending writes (all layers merged) in canonical key order. A write equal to
   * what the store already holds is still reported: the set records what was
   * written, which is what nodes must agree on.
   */
  writes(): WriteSet {
    const merged = new Map<string, string | null>();
    for (const layer of this.layers) for (const [k, v] of layer) merged.set(k, v);
    const keys = [...merged.keys()].sort(compareKeys);
    return keys.map((k) => [k, merged.get(k)!] as const);
  }

  /** Apply all pending writes to the store and return them. Only with no open checkpoint. */
  commit(): WriteSet {
    if (this.layers.length !== 1) throw new Error("commit with open checkpoints");
    const ws = this.writes();
    for (const [k, v] of ws) {
      if (v === null) this.store.del(k);
      else this.store.put(k, v);
    }
    this.layers[0] = new Map();
    return ws;
  }

  /** Forget all pending writes (open checkpoints included). */
  discard(): void {
    this.layers.length = 0;
    this.layers.push(new Map());
  }
}

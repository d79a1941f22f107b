/**
 * Which cross-shard receipts this shard applied above LIB (docs/SHARDING.md "Chunk pipeline and
 * exactly-once": each is applied once). Each chunk row keeps the ids it applied (`chunks.applied`,
 * written with the row: no row more), and this index, read from the rows above LIB when an instance
 * first needs it, answers the check. A table of ids cost every receipt two rows written where it
 * landed and two more at its prune at LIB (a text key with a rowid), and a row read to check it
 * (docs/COST.md "Rows written").
 *
 * Only heights above LIB are checked: receipts reach a height from the heights before it, and
 * heights at or below LIB are never built again.
 */
import { logText } from "./block-log";

export class AppliedReceipts {
  /** Id → height applied at, above LIB; null until read from the chunk rows. */
  private byId: Map<string, number> | null = null;
  /**
   * The head the index was read or kept up to. A head moved by anything but a committed build (a revert, a
   * placeholder, a sync, a drop, a dev restore) no longer matches it, and the index is read again.
   */
  private at = -1;
  /** What the chunk being built applied, until its transaction commits (`commit`) or rolls back. */
  private staged: { height: number; ids: readonly string[] } | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly lib: () => number,
    private readonly head: () => number,
  ) {}

  /** Whether a chunk committed above LIB applied `id`. */
  has(id: string): boolean {
    return this.index().has(id);
  }

  /** The ids the chunk of `height` applies, kept until it commits; a later build of any height replaces them. */
  stage(height: number, ids: readonly string[]): void {
    this.staged = { height, ids };
  }

  /** The chunk of `height` committed: the ids staged for it join the index. */
  commit(height: number): void {
    const s = this.staged;
    this.staged = null;
    if (this.byId === null || this.at !== height - 1 || s?.height !== height) {
      this.byId = null;
      return;
    }
    for (const id of s.ids) this.byId.set(id, height);
    this.at = height;
  }

  /** LIB rose to `lib`: those heights are never checked again. */
  finalized(lib: number): void {
    if (this.byId === null) return;
    for (const [id, h] of this.byId) if (h <= lib) this.byId.delete(id);
  }

  /** The chunk rows were replaced at the same head (a dev restore): read again when next needed. */
  reset(): void {
    this.byId = null;
  }

  private index(): Map<string, number> {
    const head = this.head();
    if (this.byId !== null && this.at === head) return this.byId;
    const rows = this.sql
      .exec<{ height: number; applied: string }>("SELECT height, applied FROM chunks WHERE height > ? AND applied IS NOT NULL ORDER BY height", this.lib())
      .toArray();
    const byId = new Map<string, number>();
    for (const r of rows) for (const id of JSON.parse(logText(this.sql, r.height, "applied", r.applied) ?? "[]") as string[]) byId.set(id, r.height);
    this.byId = byId;
    this.at = head;
    return byId;
  }
}

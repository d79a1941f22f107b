/**
 * The replay check of a node that does not hold a shard (docs/STATE.md "Replay without the shard",
 * issue #18). A shard refuses a tx that already ran (its hash, or its replay key: the same content
 * and publisher signature) from its tx index, which is not in its state, so a state witness cannot
 * answer it. IOST's expiry makes it local: a tx is in a block at time T only if T - tx.time ≤ 90 s
 * and tx.time ≤ T, so a tx that ran before at T1 has T - 90 s ≤ tx.time ≤ T1: only the chunks of
 * the last 90 s of block time can hold it. A checker keeps their txs (it checked them, or fetched
 * them and checked them against the chunks' tx roots), per shard, in memory, and answers from them.
 */
import { replayKey, txId } from "../tx/bytes.js";
import type { Tx } from "../tx/types.js";
import { MAX_TX_LIFE_NS } from "./index.js";

interface Held {
  time: bigint;
  hashes: string[];
  keys: string[];
}

/** The txs one shard ran in the chunks of the last 90 s of block time. */
export class ReplayWindow {
  private readonly chunks = new Map<number, Held>();
  private readonly byHash = new Set<string>();
  private readonly byKey = new Map<string, string>();
  /** Every chunk at this block time or later is held (from genesis: all). */
  private floor: bigint | null;
  private last: number;

  /**
   * A window whose next chunk is that of `height`; `time` the block time from which it holds every
   * chunk: from genesis (`height` 1) it holds all, else it covers a check 90 s after `time`.
   */
  constructor(height: number, time: bigint) {
    this.last = height - 1;
    this.floor = height <= 1 ? null : time;
  }

  /** The height of the last chunk noted. */
  get height(): number {
    return this.last;
  }

  /** Whether a check of the chunk of `height` at block time `time` can use the window. */
  covers(height: number, time: bigint): boolean {
    return height === this.last + 1 && (this.floor === null || this.floor <= time - MAX_TX_LIFE_NS);
  }

  /** The txs (base tx excluded) of the shard's chunk of the next height, run at block time `time`. Drops what can no longer repeat. */
  note(height: number, time: bigint, txs: readonly Tx[]): void {
    if (height !== this.last + 1) throw new RangeError(`replay window: chunk ${height} noted after ${this.last}`);
    const held: Held = { time, hashes: [], keys: [] };
    for (const tx of txs) {
      const hash = txId(tx);
      const key = replayKey(tx);
      held.hashes.push(hash);
      held.keys.push(key);
      this.byHash.add(hash);
      this.byKey.set(key, hash);
    }
    this.chunks.set(height, held);
    this.last = height;
    const cut = time - MAX_TX_LIFE_NS;
    for (const [h, c] of this.chunks) {
      if (c.time >= cut) break;
      this.drop(h, c);
    }
    if (this.floor !== null && this.floor < cut) this.floor = cut;
  }

  /** Forgets the chunks above `height` (a fork left them). */
  revertTo(height: number): void {
    for (; this.last > height; this.last--) {
      const c = this.chunks.get(this.last);
      if (c !== undefined) this.drop(this.last, c);
    }
  }

  /** Why the tx cannot run again, or null: chunk-sync.ts `replayError`'s answer, from the window. */
  executed(hash: string, tx: Tx): string | null {
    if (this.byHash.has(hash)) return `tx ${hash}: tx exists in chain`;
    const twin = this.byKey.get(replayKey(tx));
    if (twin !== undefined && twin !== hash) return `tx ${hash}: tx exists in chain: ${twin} has the same content and publisher signature`;
    return null;
  }

  private drop(height: number, c: Held): void {
    this.chunks.delete(height);
    for (const h of c.hashes) this.byHash.delete(h);
    for (const k of c.keys) this.byKey.delete(k);
  }
}

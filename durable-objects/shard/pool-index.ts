/**
 * The pool's order, deadlines and per-publisher totals in memory (docs/ARCHITECTURE.md
 * "Production"): a chunk's pick, its expiry and admission's per-account limit read them here
 * instead of scanning the whole `mempool` table each time (about 3 rows read per pooled tx and
 * chunk, and a scan per admission). The table stays the truth: the index is loaded from it with
 * one scan on first use, follows every committed insert and delete, and is dropped (read again)
 * whenever the table may have changed behind it: a rolled-back chunk, a revert, a restore.
 */
import { inPoolOrder, MAX_TX_LIFE_NS } from "../../src/pool/index";

interface Pending {
  ord: string;
  time: bigint;
  expiration: bigint;
  publisher: string;
  gasLimit: number;
}

/** A publisher's pending txs: how many, and their gas limits' sum. */
export interface Held {
  n: number;
  g: number;
}

type Row = { hash: string; publisher: string; time: string; expiration: string; gas_limit: number; ord: string };

export class PoolIndex {
  private txs: Map<string, Pending> | null = null;
  private readonly held = new Map<string, Held>();

  constructor(private readonly sql: SqlStorage) {}

  private all(): Map<string, Pending> {
    if (this.txs === null) {
      this.txs = new Map();
      for (const r of this.sql.exec<Row>("SELECT hash, publisher, time, expiration, gas_limit, ord FROM mempool")) {
        this.put(r.hash, { ord: r.ord, time: BigInt(r.time), expiration: BigInt(r.expiration), publisher: r.publisher, gasLimit: r.gas_limit });
      }
    }
    return this.txs;
  }

  private put(hash: string, p: Pending): void {
    this.txs!.set(hash, p);
    const h = this.held.get(p.publisher) ?? { n: 0, g: 0 };
    this.held.set(p.publisher, { n: h.n + 1, g: h.g + p.gasLimit });
  }

  /** A row was inserted and committed. */
  add(hash: string, p: Pending): void {
    if (this.all().has(hash)) return;
    this.put(hash, p);
  }

  /** A row was deleted (in the chunk transaction running now: `forget` if it rolls back). */
  remove(hash: string): void {
    const p = this.all().get(hash);
    if (p === undefined) return;
    this.txs!.delete(hash);
    const h = this.held.get(p.publisher)!;
    if (h.n === 1) this.held.delete(p.publisher);
    else this.held.set(p.publisher, { n: h.n - 1, g: h.g - p.gasLimit });
  }

  /** The table may differ from the index (a rollback, a revert, a restore): the next use reads it again. */
  forget(): void {
    this.txs = null;
    this.held.clear();
  }

  /** Txs in the pool: after a committed chunk, from memory (the table's count read every row). */
  size(): number {
    return this.all().size;
  }

  /** `publisher`'s pending txs (admission's per-account limit). */
  of(publisher: string): Held {
    this.all();
    return this.held.get(publisher) ?? { n: 0, g: 0 };
  }

  /**
   * The txs a block at `time` may take, in pool order (src/pool/index.ts poolOrder; `ord` is ASCII, so `<` is SQLite's
   * order), each with its pool key, which the executor would otherwise make again with several shards (TxContext.ord).
   */
  pick(time: bigint): { hash: string; ord: string }[] {
    const out: [string, { hash: string; ord: string }][] = [];
    for (const [hash, p] of this.all()) if (p.time <= time) out.push([p.ord, { hash, ord: p.ord }]);
    return inPoolOrder(out);
  }

  /** The txs no block at `blockTime` may take any more (expired, or older than MAX_TX_LIFE_NS), in hash order. */
  expired(blockTime: bigint): string[] {
    const out: string[] = [];
    for (const [hash, p] of this.all()) if (p.expiration <= blockTime || p.time < blockTime - MAX_TX_LIFE_NS) out.push(hash);
    return out.sort();
  }
}

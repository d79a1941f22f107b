/**
 * The pool's txs as admission decoded them (docs/ARCHITECTURE.md "Production"): a chunk build
 * takes a tx, its full bytes and their length from here instead of reading its pool row and
 * decoding it again, and the executor does not encode it again for its Net gas.
 *
 * Memory only, and only a shortcut: keyed by the tx id (the sha3 of the full bytes), an entry is
 * exactly what decoding the stored row gives, so a missing entry (a restart, a full cache, a
 * rolled-back chunk) costs a read and a decode, never a different result. Bounded by the bytes
 * it holds, since a Durable Object has 128 MB and the contract VM takes most of it.
 */
import type { Tx } from "../../src/tx/types";

export interface Decoded {
  tx: Tx;
  bytes: Uint8Array;
  /** Length of the tx's full bytes as the executor encodes them (txBytes FULL), what Net gas is charged on. */
  size: number;
}

/** Bytes of txs held at most: about 7,000 transfers, two full chunks. */
export const DECODED_BYTES = 2_000_000;

export class DecodedPool {
  private readonly held = new Map<string, Decoded>();
  private bytes = 0;

  /** Keeps `d` unless the cache is full (then the chunk build reads and decodes that tx). */
  put(hash: string, d: Decoded): void {
    if (this.held.has(hash) || this.bytes + d.bytes.length > DECODED_BYTES) return;
    this.held.set(hash, d);
    this.bytes += d.bytes.length;
  }

  get(hash: string): Decoded | undefined {
    return this.held.get(hash);
  }

  /** The tx left the pool (executed, dropped, expired). */
  drop(hash: string): void {
    const d = this.held.get(hash);
    if (d === undefined) return;
    this.held.delete(hash);
    this.bytes -= d.bytes.length;
  }

  /** The pool was replaced (a snapshot restored). */
  clear(): void {
    this.held.clear();
    this.bytes = 0;
  }
}

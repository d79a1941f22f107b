/**
 * Atomic cross-shard txs (docs/SHARDING.md "Atomic txs"): the home part of a
 * tx that forwarded actions is committed with an undo record of every key it
 * wrote, and those keys stay locked until the forwarded part's settle comes
 * home. A later tx or incoming receipt that reads or writes a locked key waits
 * (guard.ts flags it, the chunk builder leaves the tx in the pool, applyIncoming
 * defers the receipt), so nothing ever sees or builds on a home part that may
 * still be undone. The settle either unlocks (the part succeeded) or restores
 * the undo values (it failed: IOST's failing receipt, only the gas kept). The
 * home part's credits to other shards are held here too and sent by a
 * successful settle: a failed tx sends none.
 *
 * Everything lives in state rows (committed with the chunk), so a shard
 * Durable Object evicted between blocks resumes with its locks, undo records
 * and deferred receipts: `x-locks` (one row per shard: every in-flight tx's
 * entry) and `x-deferred` (incoming receipts waiting for a lock). Neither is a
 * contract's key, so no contract can read them.
 */
import { basicKey } from "../state/storage.js";
import type { State } from "../state/state.js";
import type { CrossReceipt } from "../sharding/receipts.js";

/** The lock table's row. */
export const LOCKS = "x-locks";
/** Incoming receipts that touched a locked key, applied first in the next chunk. */
export const DEFERRED = "x-deferred";

/** One in-flight tx: the value before it of each key it wrote (null: absent), keys locked without undo, credits held. */
export interface LockEntry {
  undo: [key: string, raw: string | null][];
  /** The publisher's gas: a failed tx is charged its gas as on one shard, so it is not undone (but stays locked until the refund). */
  keep: string[];
  held: CrossReceipt[];
}

export type LockTable = Record<string, LockEntry>;

export function readLocks(raw: string | undefined): LockTable {
  return raw === undefined ? {} : (JSON.parse(raw) as LockTable);
}

function writeLocks(state: State, table: LockTable): void {
  if (Object.keys(table).length === 0) state.del(LOCKS);
  else state.put(LOCKS, JSON.stringify(table));
}

/** Whether `key` is the publisher's gas (gas.iost `<pub>g?`), which a failed tx still pays. */
function isGasKey(key: string, publisher: string): boolean {
  const prefix = basicKey("gas.iost", publisher + "g");
  return key.startsWith(prefix) && key.length === prefix.length + 1;
}

/**
 * Locks what the tx `hash` wrote in the innermost checkpoint of `state` (its
 * own, still open) and holds `credits` until its settle. Costs one row write
 * per chunk (the table), whatever the number of txs.
 */
export function lockTx(state: State, hash: string, publisher: string, credits: CrossReceipt[]): void {
  const entry: LockEntry = { undo: [], keep: [], held: credits };
  for (const key of [...state.latest().keys()].sort()) {
    if (key === LOCKS || key === DEFERRED) continue;
    if (isGasKey(key, publisher)) entry.keep.push(key);
    else entry.undo.push([key, state.prior(key) ?? null]);
  }
  const table = readLocks(state.get(LOCKS));
  table[hash] = entry;
  writeLocks(state, table);
}

/**
 * The settle of tx `hash`'s forwarded part: unlocks, and on failure restores
 * every key its home part wrote. Returns the credits it held (to send when it
 * succeeded) and whether it was locked at all.
 */
export function unlockTx(state: State, hash: string, ok: boolean): { held: CrossReceipt[]; locked: boolean } {
  const table = readLocks(state.get(LOCKS));
  const entry = table[hash];
  if (!entry) return { held: [], locked: false };
  delete table[hash];
  writeLocks(state, table);
  if (!ok) for (const [key, raw] of entry.undo) raw === null ? state.del(key) : state.put(key, raw);
  return { held: ok ? entry.held : [], locked: true };
}

/** Key → the tx holding it. */
export function lockOwners(table: LockTable): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [hash, e] of Object.entries(table)) {
    for (const [key] of e.undo) owners.set(key, hash);
    for (const key of e.keep) owners.set(key, hash);
  }
  return owners;
}

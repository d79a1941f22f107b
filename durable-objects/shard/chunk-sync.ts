/**
 * The shard's side of syncing with peers (issue #7): checking the txs of a
 * peer's chunk before re-executing them, comparing the re-executed chunk with
 * the one the peer announced, and undoing chunks above LIB for a reorg.
 * Functions over the shard's SqlStorage so shard.ts keeps only the wiring; the
 * SQL ones run inside the caller's `transactionSync`.
 */
import { isBaseTxOf, type BaseBlock } from "../../src/consensus/base-tx";
import { base58Encode } from "../../src/codec/base58";
import { sha3 } from "../../src/crypto/sha3";
import { checkBadTx, checkTxSelf, decodeTx, replayKey, txEncoding, verifyTxSignatures } from "../../src/tx/index";
import type { Tx } from "../../src/tx/types";
import type { Chunk } from "../api";
import { logAt } from "./block-log";
import { expiryReason, padNs, poolOrder } from "../../src/pool/index";
import { blob, bytesOf, errorText, hex } from "../values";

/** A peer's chunk cannot be this chain's: thrown inside the chunk's transaction so nothing of it stays. */
export class ChunkRefused extends Error {
  override name = "ChunkRefused";
}

/** A tx of a peer's chunk, decoded and checked. */
export interface GivenTx {
  tx: Tx;
  hash: string;
  bytes: Uint8Array;
  /** Its replay key (src/tx replayKey), made of the encoding its id was: the replay checks and the pool read it. */
  key: string;
  /** Shard 0's base tx: rebuilt by every node, not a user tx (no pool, no signatures). */
  base: boolean;
}

/**
 * Decodes and checks a peer chunk's txs as the edge checks a /sendTx (CheckBadTx,
 * VerifySelf, signatures), with the time window taken against the block time as
 * chunk building does (a tx stamped after the block, or expired at it, cannot be
 * in it). With `base`, the first tx must be exactly the base tx of that block.
 * Stateful checks (replay, execution) come when the chunk runs.
 */
export async function checkGivenTxs(
  txs: readonly Uint8Array[],
  o: { chainId: number; blockTime: bigint; base: BaseBlock | null },
): Promise<{ txs: GivenTx[] } | { error: string }> {
  const out: GivenTx[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < txs.length; i++) {
    let tx: Tx;
    try {
      tx = decodeTx(txs[i]);
    } catch (err) {
      return { error: `tx ${i}: invalid tx bytes: ${errorText(err)}` };
    }
    // Encoded once: the id, VerifySelf's size, the signatures' hashes and the replay key are all of it.
    const encoding = txEncoding(tx);
    const hash = base58Encode(sha3(encoding.full));
    const base = o.base !== null && i === 0;
    if (base) {
      if (!isBaseTxOf(tx, o.base!)) return { error: `tx 0 (${hash}) is not the base tx of block ${o.base!.number}` };
    } else {
      if (tx.publisher === "base.iost") return { error: `tx ${i} (${hash}): a base tx out of place` };
      try {
        checkBadTx(tx);
        checkTxSelf(tx, o.chainId, encoding);
        await verifyTxSignatures(tx, encoding);
      } catch (err) {
        return { error: `tx ${i} (${hash}): VerifyError ${errorText(err)}` };
      }
      if (tx.time > o.blockTime) return { error: `tx ${i} (${hash}): tx time ${tx.time} is after block time ${o.blockTime}` };
      const expired = expiryReason(tx.time, tx.expiration, o.blockTime);
      if (expired !== null) return { error: `tx ${i} (${hash}): ${expired.replace("tx expired in the pool", "tx expired")}` };
    }
    const key = replayKey(tx, encoding.publish);
    if (seen.has(hash) || seen.has(key)) return { error: `tx ${i} (${hash}) appears twice in the chunk` };
    seen.add(hash).add(key);
    out.push({ tx, hash, bytes: txs[i], key, base });
  }
  if (o.base !== null && out.length === 0) return { error: `chunk of block ${o.base.number} has no base tx` };
  return { txs: out };
}

/**
 * Why a given tx cannot run on this chain now (it already did, or a twin with
 * the same replay key did), or null. A pending copy or twin in the local pool
 * is no obstacle: `takeFromPool` removes it.
 */
export function replayError(sql: SqlStorage, g: GivenTx): string | null {
  if (g.base) return null;
  if (sql.exec("SELECT 1 FROM tx_index WHERE hash = ? AND status = 'executed'", g.hash).toArray().length > 0) {
    return `tx ${g.hash}: tx exists in chain`;
  }
  const twin = sql.exec<{ hash: string }>("SELECT hash FROM tx_keys WHERE key = ?", g.key).toArray();
  if (twin.length > 0 && twin[0].hash !== g.hash && sql.exec("SELECT 1 FROM mempool WHERE hash = ?", twin[0].hash).toArray().length === 0) {
    return `tx ${g.hash}: tx exists in chain: ${twin[0].hash} has the same content and publisher signature`;
  }
  return null;
}

/**
 * A given tx was executed: it leaves the local pool, and its replay key now
 * names it. A local twin (same content, other signature bytes) can never run
 * any more: it leaves too, recorded as dropped.
 */
export function takeFromPool(sql: SqlStorage, g: GivenTx, pool: { remove(hash: string): void }): void {
  if (g.base) return;
  const key = g.key;
  const twin = sql.exec<{ hash: string }>("SELECT hash FROM tx_keys WHERE key = ?", key).toArray();
  if (twin.length > 0 && twin[0].hash !== g.hash) {
    const row = sql.exec<{ bytes: SqlStorageValue }>("SELECT bytes FROM mempool WHERE hash = ?", twin[0].hash).toArray();
    if (row.length > 0) {
      sql.exec(
        `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio) VALUES (?, 'dropped', NULL, NULL, ?, NULL, ?, ?)
         ON CONFLICT(hash) DO UPDATE SET status = excluded.status, message = excluded.message`,
        twin[0].hash,
        row[0].bytes,
        `tx exists in chain: ${g.hash} has the same content and publisher signature`,
        Number(g.tx.gasRatio),
      );
      sql.exec("DELETE FROM mempool WHERE hash = ?", twin[0].hash);
      pool.remove(twin[0].hash);
    }
  }
  sql.exec("DELETE FROM mempool WHERE hash = ?", g.hash);
  pool.remove(g.hash);
  sql.exec("INSERT INTO tx_keys (key, hash) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET hash = excluded.hash", key, g.hash);
}

/** The Chunk fields in a fixed order (absent optional fields left out): equal text = the same chunk. */
function canonical(c: Chunk): Record<string, unknown> {
  return {
    shard: c.shard,
    height: c.height,
    time: c.time,
    txHashes: c.txHashes,
    receiptHashes: c.receiptHashes,
    gasUsage: c.gasUsage,
    stateRoot: c.stateRoot,
    receiptsRoot: c.receiptsRoot,
    witnesses: c.witnesses,
    placeholder: c.placeholder,
    receiptsFrom: c.receiptsFrom,
  };
}

/**
 * A chunk's id (hex): the sha3 of its fields in `canonical` order. What a chunk's witness is asked by (GET /p2p/witness):
 * its post-state root does not name it, since a chunk that changes no state (a placeholder, an idle shard's chunk) has
 * its parent's, and so has another block's chunk at that height which ran something else and read other keys.
 */
export function chunkId(c: Chunk): string {
  return hex(sha3(new TextEncoder().encode(JSON.stringify(canonical(c)))));
}

/** Why the chunk re-executed here differs from the one the peer announced, or null. */
export function chunkDifference(ours: Chunk, expected: Chunk): string | null {
  const a = canonical(ours);
  const b = canonical(expected);
  for (const field of Object.keys(a)) {
    const x = JSON.stringify(a[field]);
    const y = JSON.stringify(b[field]);
    if (x !== y) return `chunk ${expected.shard}/${expected.height}: ${field} differs: re-executed ${x ?? "none"}, announced ${y ?? "none"}`;
  }
  return null;
}

/**
 * Undo-record key of a tx's index row (its receipt and outstanding credits),
 * which a settle receipt changes at a later height than the tx ran. State keys
 * start with a letter and '-' (src/state/storage.ts, `c-`), so '#' cannot clash.
 */
const SETTLE_PREFIX = "#settle-";

/** A height's undo data as it is gathered: key → value before the height (null = absent); stored as one undo_log row. */
export type Undo = Map<string, string | null>;

/**
 * Before a settlement changes the index row of tx `hash`: keeps the row's
 * previous receipt and count in the height's undo data (the first change per
 * height wins, as for state keys), so a revert puts them back.
 */
export function recordSettleUndo(sql: SqlStorage, undo: Undo, hash: string): void {
  const rows = sql.exec<SettleRow>("SELECT receipt, hashed, pending, visible, settled_at FROM tx_index WHERE hash = ?", hash).toArray();
  if (rows.length === 0 || undo.has(SETTLE_PREFIX + hash)) return;
  const { receipt, hashed, pending, visible, settled_at } = rows[0];
  // The nullable columns only while set: the undo data of a tx's first settle stays as it was before them.
  undo.set(
    SETTLE_PREFIX + hash,
    JSON.stringify({
      receipt,
      ...(hashed === null ? {} : { hashed }),
      pending,
      ...(visible === null ? {} : { visible }),
      ...(settled_at === null ? {} : { settled_at }),
    }),
  );
}

/**
 * A tx_index row's fields a settlement or a release changes; `hashed` absent in undo data = NULL (the receipt is as
 * executed), `visible` absent = NULL (no release of its carried writes), `settled_at` absent = NULL (no settle).
 */
type SettleRow = { receipt: string | null; hashed: string | null; pending: number; visible: number | null; settled_at: number | null };

/**
 * The state as it was at height `target` (≥ the oldest height with undo data), as changes to the
 * head state: each key the heights above changed, with its value at `target` (null = absent).
 * Reads one chunk row per height above `target`.
 */
export function undoneAbove(sql: SqlStorage, target: number, head: number): Map<string, string | null> {
  const undone = new Map<string, string | null>();
  for (let h = head; h > target; h--) {
    const log = logAt(sql, h, "undo");
    // Newest height first: the oldest one's value, set last, is the key's value at `target`.
    for (const [key, prev] of log === null ? [] : (JSON.parse(log) as [string, string | null][])) if (!key.startsWith(SETTLE_PREFIX)) undone.set(key, prev);
  }
  return undone;
}

export interface Reverted {
  head: number;
  headTime: bigint;
  /** hex */
  root: string;
  /** Every state key the revert changed, with its value now (null = absent): for the state's tree. */
  undone: Map<string, string | null>;
}

/**
 * Undoes every chunk above `target`, newest first (inside the caller's
 * transaction): each key of `state_kv` back to its value before the height
 * (the log's undo data, null = absent), the height's chunk row (with its log:
 * the receipts it sent) and applied receipts gone. `prepare` runs once the revert is
 * allowed, before anything changes: the shard brings `state_kv` up to the head. Its executed txs, except the base tx, return to the pool in
 * pool order with their replay keys kept (the next chunk may run them again);
 * settlements of earlier txs made above `target` are undone, and the receipts
 * that carried them count as unapplied, so a rebuilt height applies them again.
 * `receivedAt` only fills the pool's bookkeeping column.
 */
export function revertChunks(
  sql: SqlStorage,
  target: number,
  lib: number,
  head: number,
  receivedAt: number,
  prepare: () => void,
): Reverted | { error: string } {
  if (!Number.isInteger(target) || target < 0) return { error: `invalid height ${target}` };
  if (target < lib) return { error: `cannot revert to ${target}: below the irreversible block ${lib}` };
  const at = sql.exec<{ time: string; state_root: string }>("SELECT time, state_root FROM chunks WHERE height = ?", target).toArray();
  if (at.length === 0) return { error: `cannot revert to ${target}: no chunk at that height (head ${head})` };
  prepare();
  const undone = new Map<string, string | null>();
  for (let h = head; h > target; h--) {
    const log = logAt(sql, h, "undo");
    const undo = log === null ? [] : (JSON.parse(log) as [string, string | null][]);
    for (const [key, prev] of undo) {
      if (key.startsWith(SETTLE_PREFIX)) {
        const was = JSON.parse(prev!) as SettleRow;
        sql.exec(
          "UPDATE tx_index SET receipt = ?, hashed = ?, pending = ?, visible = ?, settled_at = ? WHERE hash = ?",
          was.receipt,
          was.hashed ?? null,
          was.pending,
          was.visible ?? null,
          was.settled_at ?? null,
          key.slice(SETTLE_PREFIX.length),
        );
      } else {
        // Newest height first: the oldest one's value, set last, is the key's value at `target`.
        undone.set(key, prev);
        if (prev === null) sql.exec("DELETE FROM state_kv WHERE key = ?", key);
        else sql.exec("INSERT INTO state_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, prev);
      }
    }
    const txs = sql
      .exec<{ hash: string; bytes: SqlStorageValue }>("SELECT hash, bytes FROM tx_index WHERE height = ? AND status = 'executed' ORDER BY idx", h)
      .toArray();
    for (const row of txs) {
      const bytes = bytesOf(row.bytes);
      const tx = decodeTx(bytes);
      sql.exec("DELETE FROM tx_index WHERE hash = ?", row.hash);
      if (tx.publisher === "base.iost") continue; // rebuilt by every block, never pooled
      sql.exec(
        `INSERT INTO mempool (hash, bytes, publisher, time, expiration, gas_limit, ord, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(hash) DO NOTHING`,
        row.hash,
        blob(bytes),
        tx.publisher,
        padNs(tx.time),
        padNs(tx.expiration),
        Number(tx.gasLimit),
        poolOrder(tx, row.hash),
        receivedAt,
      );
      sql.exec("INSERT INTO tx_keys (key, hash) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET hash = excluded.hash", replayKey(tx), row.hash);
    }
    for (const table of ["chunks", "log_parts"]) sql.exec(`DELETE FROM ${table} WHERE height = ?`, h);
  }
  return { head: target, headTime: BigInt(at[0].time), root: at[0].state_root, undone };
}

/** Full bytes of the txs of the chunk of `height`, in chunk order (shard 0's first is the base tx). */
export function chunkTxBytes(sql: SqlStorage, height: number): Uint8Array[] {
  return sql
    .exec<{ bytes: SqlStorageValue }>("SELECT bytes FROM tx_index WHERE height = ? AND status = 'executed' ORDER BY idx", height)
    .toArray()
    .map((r) => bytesOf(r.bytes).slice());
}

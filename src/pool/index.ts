/**
 * Mempool rules shared by admission and chunk building (go-iost
 * core/txpool/tx_pool.go, core/txpool/type.go, core/tx/tx.go IsExpired). Pure
 * functions; the SQLite side is in durable-objects/shard/shard.ts.
 */
import { base58Decode } from "../codec/base58.js";
import type { Tx } from "../tx/types.js";

/** go-iost core/txpool/type.go: at most 10,000 pending txs. */
export const MAX_POOL_TXS = 10_000;

/**
 * Most pending txs of one publisher in a shard's pool: two full chunks (2,000 at
 * BLOCK_MAX_TXS 1,000), never more than the pool. go-iost has no per-account pool
 * limit, and its per-block one (10 txs of a sender in a 50-tx block, verifier/executor.go
 * baseGen) is a fifth of its block; a chunk here holds 1,000, so a sender limited to 10
 * could use 1 % of it. This bound instead lets one busy sender keep every chunk full
 * while the next one's txs arrive, and keeps four fifths of the pool for the others:
 * what a sender may pend is bounded by its gas (the gas limits of its pending txs
 * together, src/executor/index.ts pendingGasError) and by this; which pending tx runs
 * first is the pool order (poolOrder: gas ratio, then age), as in IOST.
 */
export function poolLimitPerAccount(blockMaxTxs: number): number {
  return Math.min(MAX_POOL_TXS, 2 * blockMaxTxs);
}
/** go-iost common/config.go MaxBlockGasLimit, internal units (8,000,000 gas at ratio 1). */
export const MAX_BLOCK_GAS = 800_000_000n;
/** go-iost core/tx MaxExpiration: a tx older than 90 s is expired whatever its expiration says. */
export const MAX_TX_LIFE_NS = 90_000_000_000n;

/** Int64 ns as 20-digit text: string order = numeric order for non-negative values. */
export function padNs(ns: bigint): string {
  if (ns < 0n) return "0".repeat(20);
  return ns.toString().padStart(20, "0");
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Sort key for go-iost compareTx: simple single-action token.iost txs first,
 * shorter action data first among them; then higher gas ratio; then older
 * time; then smaller hash bytes.
 */
export function poolOrder(tx: Tx, hash: string): string {
  const simple = tx.actions.length === 1 && tx.actions[0].contract === "token.iost";
  const dataLen = simple ? new TextEncoder().encode(tx.actions[0].data).length : 0;
  const ratio = 1_000_000n - tx.gasRatio; // higher ratio sorts first
  return [
    simple ? "0" : "1",
    String(Math.min(dataLen, 99_999_999)).padStart(8, "0"),
    (ratio < 0n ? 0n : ratio).toString().padStart(7, "0"),
    padNs(tx.time),
    hex(base58Decode(hash)),
  ].join("|");
}

/**
 * Whether `ord`, sent by another shard, has the shape of a poolOrder key of tx `hash` (its hash, and with `time` and
 * `gasRatio` given, its time and ratio): what it cannot check (plain transfer or not, its data length) moves only
 * where that tx's own parts stand among the names of its block.
 */
export function isPoolKey(ord: unknown, hash: string, time?: bigint, gasRatio?: bigint): boolean {
  if (typeof ord !== "string") return false;
  const m = /^([01])\|([0-9]{8})\|([0-9]{7})\|([0-9]{20})\|([0-9a-f]*)$/.exec(ord);
  if (m === null || (m[1] === "1" && m[2] !== "00000000")) return false;
  let own: string;
  try {
    own = hex(base58Decode(hash));
  } catch {
    return false;
  }
  if (m[5] !== own) return false;
  if (time !== undefined && m[4] !== padNs(time)) return false;
  if (gasRatio === undefined) return true;
  const ratio = 1_000_000n - gasRatio;
  return m[3] === (ratio < 0n ? 0n : ratio).toString().padStart(7, "0");
}

/** `entries` ([poolOrder key, item]) in pool order: a chunk's order of its txs, the Shard's and the simulator's. */
export function inPoolOrder<T>(entries: [string, T][]): T[] {
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}

/** Why a tx cannot be in a block at `blockTime` any more, or null if it is still live (go-iost core/tx/tx.go IsExpired). */
export function expiryReason(time: bigint, expiration: bigint, blockTime: bigint): string | null {
  if (expiration <= blockTime) return `tx expired in the pool: expiration ${expiration} <= block time ${blockTime}`;
  if (blockTime - time > MAX_TX_LIFE_NS) return `tx expired in the pool: tx time ${time} is more than 90 s before block time ${blockTime}`;
  return null;
}

/**
 * A shard's chunk execution (docs/ARCHITECTURE.md "Production", docs/SHARDING.md): one height on
 * top of the head, for both buildChunk (txs picked from the pool) and applyChunk
 * (a peer's txs): pool expiry, the base tx, the incoming cross-shard receipts,
 * tx selection and execution, and the chunk row with its log (block-log.ts: state writes,
 * undo data, events).
 * Functions over a `ChunkHost` (what the shard lends them) so shard.ts keeps
 * only the wiring; the SQL ones run inside the caller's `transactionSync`.
 */
import type { AppliedReceipts } from "./applied";
import { base58Encode } from "../../src/codec/base58";
import { sha3 } from "../../src/crypto/sha3";
import { ShardState } from "../../src/executor/guard";
import { compareKeys } from "../../src/state/memory-store";
import { State } from "../../src/state/state";
import type { Store } from "../../src/state/store";
import type { Tx, TxReceipt } from "../../src/tx/types";
import { captureLogs } from "../../src/vm/console";
import type { Chunk, ChunkContext, GivenReceipts, Json } from "../api";
import { ChunkRefused, recordSettleUndo, replayError, takeFromPool, type GivenTx, type Undo } from "./chunk-sync";
import * as core from "../core";
import type { NodeConfig } from "../env";
import { expiryReason, MAX_BLOCK_GAS } from "../../src/pool/index";
import type { SqlStore } from "../sql-store";
import { logAt, packKeys, storeChunk } from "./block-log";
import { DEFERRED, LOCKS } from "../../src/executor/locks";
import { PoolOrder } from "../../src/executor/reads";
import type { Decoded as Cached, DecodedPool } from "./decoded";
import type { PoolIndex } from "./pool-index";
import { blob, bytesOf, errorText, hex } from "../values";
import { receiptHeights } from "../../src/sharding/placeholder";

type Row = Record<string, SqlStorageValue>;

interface ChunkEvent {
  topic: string;
  contract: string;
  data: string;
}

/** What the shard lends chunk execution. */
export interface ChunkHost {
  readonly sql: SqlStorage;
  readonly kv: SqlStore;
  /** The pool's txs as admission decoded them: a shortcut, the pool rows stay the truth. */
  readonly decoded: DecodedPool;
  /** The pool's order and deadlines (pool-index.ts): every delete from `mempool` here goes to it too. */
  readonly pool: PoolIndex;
  readonly config: NodeConfig;
  readonly place: core.ShardPlace;
  /** Cached head height (the shard re-reads it after every chunk transaction). */
  head(): number;
  /** The first height whose receipts the chunk of `head() + 1` takes in (src/sharding/placeholder.ts), cached with the head. */
  receiptsFrom(): number;
  /** The receipts applied above LIB; a chunk stages its own until its transaction commits. */
  readonly applied: AppliedReceipts;
  /** Shard `i` of this chain (this object for its own index), asked for the receipts it sent. */
  shard(i: number): { outgoingOver(from: number, height: number, to: number): Promise<core.CrossReceipt[][]> };
}

/** Shard 0: the chunk's `witnesses`, vote_producer.iost's pending list in the committed state (none if empty). */
export function witnessesNow(kv: Store, shardIndex: number): { witnesses?: string[] } {
  if (shardIndex !== 0) return {};
  const state = new State(kv);
  try {
    const list = core.pendingWitnesses(state);
    return list.length > 0 ? { witnesses: [...list] } : {};
  } finally {
    state.discard();
  }
}

/** Why a chunk of `ctx` cannot be executed on the head now, or null. */
export function contextError(h: ChunkHost, ctx: ChunkContext): string | null {
  const shard = h.place.index;
  if (ctx.height !== h.head() + 1) return `shard-${shard}: cannot build height ${ctx.height}, head is ${h.head()}`;
  if (!/^[0-9]{1,20}$/.test(ctx.time) || !/^[0-9]{1,20}$/.test(ctx.parentTime ?? "")) {
    return `shard-${shard}: invalid chunk context times ${JSON.stringify(ctx.time)}, ${JSON.stringify(ctx.parentTime)}`;
  }
  return null;
}

export function blockOf(ctx: ChunkContext): { blockTime: bigint; block: core.BlockInfo; parent: core.ParentInfo } {
  const blockTime = BigInt(ctx.time);
  return {
    blockTime,
    parent: { witness: ctx.parentWitness, time: BigInt(ctx.parentTime) },
    block: { number: BigInt(ctx.height), time: blockTime, parentHash: ctx.parentHash, witness: ctx.witness },
  };
}

/** The receipts a chunk takes in, and the first height they come from (the head's cursor when they were read). */
export interface Incoming {
  from: number;
  receipts: core.CrossReceipt[];
}

/**
 * The chunk inputs that come from other shards: every receipt the chunks of `from` (the head's
 * cursor: `height - 1` unless placeholders carried receipts on, src/sharding/placeholder.ts) to
 * `height - 1` sent to this shard, height by height in source shard order. They are stored there
 * before block `height - 1` exists, so this read is the same on every retry of `height` (a rebuilt
 * chunk sees the same inputs). One call per source shard over the heights; a source in `given`
 * is not asked: a node without its object got its receipts of every carried height from peers.
 */
export async function incomingFor(h: ChunkHost, height: number, given?: GivenReceipts): Promise<Incoming> {
  const from = h.receiptsFrom();
  if (h.config.shardCount === 1 || height <= 1) return { from, receipts: [] };
  const heights = receiptHeights(from, height);
  const senders = Array.from({ length: h.config.shardCount }, (_, i) => i);
  const bySender = await Promise.all(
    senders.map(async (i) => {
      const proven = given?.[i] ?? null;
      if (proven === null) return h.shard(i).outgoingOver(heights[0], height - 1, h.place.index);
      return heights.map((n) => {
        const run = proven.get(n);
        if (run === undefined) throw new Error(`shard-${h.place.index}: the receipts shard ${i} sent at height ${n} are not given`);
        return run;
      });
    }),
  );
  return { from, receipts: heights.flatMap((_, k) => senders.flatMap((i) => bySender[i][k])) };
}

/** Receipts the chunk of `height` sent to shard `to`, in emission order. */
export function sentTo(sql: SqlStorage, height: number, to: number): core.CrossReceipt[] {
  const sent = logAt(sql, height, "sent");
  return sent === null ? [] : (JSON.parse(sent) as core.CrossReceipt[]).filter((r) => r.toShard === to);
}

/**
 * Byte cap on every value a tx's results write (its tx_index row, each event,
 * each cross-shard receipt, each state value), well below SQLite's 2 MB per
 * value, so no write of a chunk can fail on size. It is a rule of execution,
 * the same on every node: the producer drops a tx over it, a peer's chunk that
 * holds one is refused.
 */
export const ROW_BYTES = 1_000_000;

const utf8 = new TextEncoder();

/** UTF-8 size over ROW_BYTES (a UTF-16 length over it already is: UTF-8 never takes fewer units). */
function overCap(s: string): boolean {
  return s.length > ROW_BYTES || (s.length * 3 > ROW_BYTES && utf8.encode(s).length > ROW_BYTES);
}

/** Which result of a tx is over ROW_BYTES, or null. `written`: the state writes of the tx alone. */
export function oversize(
  bytes: SqlStorageValue,
  receiptJson: string,
  run: { outgoing: core.CrossReceipt[]; events?: ChunkEvent[] },
  written: ReadonlyMap<string, string | null>,
): string | null {
  const over = (what: string) => `tx results too large: ${what} is over the ${ROW_BYTES}-byte cap of a stored row`;
  if (bytesOf(bytes).length + receiptJson.length > ROW_BYTES && bytesOf(bytes).length + utf8.encode(receiptJson).length > ROW_BYTES) return over("its receipt");
  if ((run.events ?? []).some((e) => overCap(e.data))) return over("an event");
  if (run.outgoing.some((r) => overCap(JSON.stringify(r)))) return over("a cross-shard receipt");
  for (const [key, value] of written) if (value !== null && overCap(key + value)) return over(`the value of state key ${key.slice(0, 80)}`);
  return null;
}

function recordLeft(h: ChunkHost, hash: string, status: "expired" | "dropped", bytes: SqlStorageValue, gasRatio: number, message: string): void {
  const { sql } = h;
  sql.exec(
    `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio) VALUES (?, ?, NULL, NULL, ?, NULL, ?, ?)
     ON CONFLICT(hash) DO UPDATE SET status = excluded.status, message = excluded.message`,
    hash,
    status,
    bytes,
    message,
    gasRatio,
  );
  sql.exec("DELETE FROM mempool WHERE hash = ?", hash);
  h.pool.remove(hash);
  h.decoded.drop(hash);
  // Never executed: the same content may come again (e.g. after its publisher's key is fixed).
  sql.exec("DELETE FROM tx_keys WHERE hash = ?", hash);
}

/** Pool txs that leave it with a status, each with why: a pick's `left`, found by a run rolled back (a draft). */
export function dropFromPool(h: ChunkHost, left: ReadonlyMap<string, string>): void {
  for (const [hash, why] of left) {
    const row = h.sql.exec<Row>("SELECT bytes FROM mempool WHERE hash = ?", hash).toArray()[0];
    if (row !== undefined) recordLeft(h, hash, "dropped", row.bytes, Number(core.decodeTx(bytesOf(row.bytes)).gasRatio), why);
  }
}

/** A tx that can no longer enter any block at `blockTime` leaves the pool with a status. */
function expirePool(h: ChunkHost, blockTime: bigint): void {
  for (const hash of h.pool.expired(blockTime)) {
    const row = h.sql.exec<Row>("SELECT bytes, time, expiration FROM mempool WHERE hash = ?", hash).one();
    const reason = expiryReason(BigInt(row.time as string), BigInt(row.expiration as string), blockTime) ?? "tx expired in the pool";
    const tx = core.decodeTx(bytesOf(row.bytes));
    recordLeft(h, hash, "expired", row.bytes, Number(tx.gasRatio), reason);
  }
}

/**
 * A settle receipt came back for one of this shard's txs: one receipt fewer
 * outstanding; its result joins the tx's shown receipt (docs/SHARDING.md
 * "Receipt JSON"). The first settle keeps the receipt as executed in `hashed`:
 * the chunk's receiptHashes took that one, and raw blocks must rebuild them.
 */
function settle(sql: SqlStorage, s: core.Settlement, b: Built): void {
  // Receipt NULL: a tx of a snapshot sync's replay window (state-sync.ts), run before this store began: no receipt here to join
  // the result to (a settle writes no state of its own: the refund is the receipt's). Before, it was parsed as null and threw.
  const rows = sql.exec<Row>("SELECT receipt FROM tx_index WHERE hash = ? AND status = 'executed' AND receipt IS NOT NULL", s.txHash).toArray();
  // A credit sent by an action receipt is refunded on the shard that ran it, not at the tx's home: nothing to track here.
  if (rows.length === 0) return;
  recordSettleUndo(sql, b.undo, s.txHash); // a revert below this height restores the row
  const combined = core.settledPart(JSON.parse(rows[0].receipt as string) as Json, s);
  sql.exec(
    "UPDATE tx_index SET pending = pending + ?, hashed = COALESCE(hashed, receipt), receipt = ?, settled_at = ? WHERE hash = ?",
    core.pendingChange(s),
    JSON.stringify(combined),
    b.height,
    s.txHash,
  );
  b.events.push(...core.eventsAtSettle(combined, s));
}

/**
 * A tx of this shard sending other shards what a read there shows, with no settle to come back (a release's writes of
 * a co-signer's or a callee's records, a contract's register, which shard 0's directory the edge asks, RAM freed to its
 * payer, a destroy's burn of the supply), has it landed by the next height's chunks there: its receipt waits for that
 * height to be final (tx_index `visible`, shard-views.ts), or a read right after it would find those records as they were.
 */
function awaitLandings(sql: SqlStorage, b: Built): void {
  const lands = (r: core.CrossReceipt) =>
    (r.kind === "release" && (r.writes !== undefined || r.restore !== undefined)) ||
    (r.kind === "register" && r.account.startsWith("Contract")) ||
    r.kind === "free" ||
    r.kind === "burn";
  const txs = new Set(b.outgoing.filter(lands).map((r) => r.txHash));
  for (const hash of [...txs].sort()) {
    recordSettleUndo(sql, b.undo, hash);
    sql.exec("UPDATE tx_index SET visible = MAX(COALESCE(visible, 0), ?) WHERE hash = ? AND status = 'executed'", b.height + 1, hash);
  }
}

/** What one height's chunk gathers as it runs: its txs (in order), their receipts' hashes, events, cross-shard receipts and gas. */
interface Built {
  readonly height: number;
  readonly txHashes: string[];
  readonly receiptHashes: string[];
  readonly events: ChunkEvent[];
  readonly outgoing: core.CrossReceipt[];
  /** The ids of the cross-shard receipts it applied (applied.ts). */
  applied: readonly string[];
  /** The height's undo data, filled as it runs: settlements first, then the state writes. */
  readonly undo: Undo;
  /** The height's state writes as its log keeps them (JSON), once committed. */
  writes: string | null;
  gas: bigint;
  readonly bound: PickBound;
}

/**
 * What a kept tx adds to a draft answer beyond its base64: two quotes and a comma, and its tx and
 * receipt hashes in the chunk's JSON.
 */
const TX_BYTES = 100;

/**
 * What a state witness entry adds beyond its key and value, about: its JSON and its share of the
 * multiproof (tags and base64 hashes). Only the pick's estimate: the shard measures the witness made.
 */
const ENTRY_BYTES = 120;

/** The bytes tx `bytes` takes in a JSON array of base64 strings: its base64, two quotes and a comma. */
export function txJsonBytes(bytes: number): number {
  return 4 * Math.ceil(bytes / 3) + 3;
}

/**
 * A pool pick's bounds (shard.ts `build`, `draftChunk`): at most `maxTxs` txs, the base tx counted;
 * with `cap`, about `cap` bytes of answer at most, counted as the chunk runs (`bytes`: its kept txs
 * and the state witness's entries, each key at its first read with its value before the chunk).
 * A tx that would take it past `cap` waits in the pool, as one past the gas cap does; one past
 * `cap` on its own can be in no chunk: it leaves the pool with why (`left`, this run's).
 */
export class PickBound {
  bytes = 0;
  /** The kept txs' part of `bytes`: their base64 strings in a JSON array. */
  txsJsonBytes = 0;
  /** The keys first read since `mark`, and `bytes` then. */
  fresh: string[] = [];
  marked = 0;

  readonly left = new Map<string, string>();

  constructor(
    readonly maxTxs: number,
    readonly cap: number | null = null,
  ) {}

  read(key: string, value: string | undefined): void {
    this.bytes += key.length + (value?.length ?? 0) + ENTRY_BYTES;
    this.fresh.push(key);
  }

  mark(): void {
    this.fresh = [];
    this.marked = this.bytes;
  }

  took(txBytes: number): void {
    const json = txJsonBytes(txBytes);
    this.txsJsonBytes += json;
    this.bytes += json + TX_BYTES;
  }
}

/**
 * One height's execution, for both paths: `given` null picks txs from the pool
 * (dropping what fails, stopping at the limits: `bound.maxTxs` and the block's); `given` runs exactly those txs
 * (a peer's chunk, checked by checkGivenTxs) and throws ChunkRefused for any tx
 * that cannot be in this chain's block, rolling the transaction back.
 */
export function executeChunk(
  h: ChunkHost,
  height: number,
  blockTime: bigint,
  block: core.BlockInfo,
  parent: core.ParentInfo,
  incoming: Incoming,
  given: GivenTx[] | null,
  bound = new PickBound(h.config.blockMaxTxs),
): Chunk {
  const { place } = h;
  // A revert may have moved the head while the caller awaited its peers.
  if (height !== h.head() + 1 || incoming.from !== h.receiptsFrom())
    throw new Error(`shard-${place.index}: cannot build height ${height}, head is ${h.head()}`);
  expirePool(h, blockTime);
  const state = new ShardState(h.kv, place);
  const b: Built = { height, txHashes: [], receiptHashes: [], events: [], outgoing: [], applied: [], undo: new Map(), writes: null, gas: 0n, bound };
  bound.bytes = 0;
  bound.txsJsonBytes = 0;
  bound.left.clear();
  // The keys the height reads, for its state witness (shard.ts witnessOf): recorded at the store, below every reader.
  const reads = h.kv.watchReads(bound.cap === null ? undefined : (key, value) => bound.read(key, value));
  try {
    if (place.index === 0 && height >= 1) runBaseTx(h, b, state, block, parent);
    takeIncoming(h, b, state, block, incoming.receipts);
    runTxs(h, b, state, blockTime, block, given);
    const root = commitWrites(h, state, b);
    return finishChunk(h, b, blockTime, root, reads, incoming.from);
  } finally {
    h.kv.unwatchReads();
  }
}

/** A tx that made it into the chunk: its place, receipt, cross-shard receipts and events. */
function record(
  sql: SqlStorage,
  b: Built,
  hash: string,
  bytes: SqlStorageValue,
  gasRatio: bigint,
  run: { receipt: TxReceipt; outgoing: core.CrossReceipt[]; events?: ChunkEvent[]; waits?: number },
  receiptJson = JSON.stringify(core.receiptToJson(run.receipt)),
): void {
  const idx = b.txHashes.length;
  const receiptHash = base58Encode(sha3(core.receiptBytes(run.receipt)));
  // The row first: if it cannot be written, nothing of the tx is in the chunk.
  sql.exec(
    `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio, pending) VALUES (?, 'executed', ?, ?, ?, ?, '', ?, ?)
     ON CONFLICT(hash) DO UPDATE SET status = 'executed', height = excluded.height, idx = excluded.idx,
       receipt = excluded.receipt, message = '', pending = excluded.pending`,
    hash,
    b.height,
    idx,
    bytes,
    receiptJson,
    Number(gasRatio),
    run.outgoing.filter(core.awaitsSettle).length + (run.waits ?? 0),
  );
  b.txHashes.push(hash);
  b.bound.took(bytesOf(bytes).length);
  b.receiptHashes.push(receiptHash);
  b.gas += run.receipt.gasUsage;
  b.outgoing.push(...run.outgoing);
  // A tx with a forwarded part posts its events when that part settles (settle above).
  if (!core.postsAtSettle(run.outgoing)) b.events.push(...core.postedEvents(run.receipt.receipts, run.events ?? []));
}

/**
 * Shard 0 (the consensus shard): the base tx opens every block after genesis, as tx 0
 * (rewards, produced/missed counts, elections: src/consensus/base-tx.ts).
 */
function runBaseTx(h: ChunkHost, b: Built, state: ShardState, block: core.BlockInfo, parent: core.ParentInfo): void {
  const run = captureLogs(h.config.dev, () => core.executeBase(h.config.chainId, h.place, state, block, parent));
  for (const l of run.logs) console.log(`[${l.contract} base ${b.height}] ${l.level}: ${l.text}`);
  const base = run.value;
  record(h.sql, b, base.hash, blob(base.bytes), base.tx.gasRatio, base);
}

/** Cross-shard receipts: they are inputs of this height (docs/SHARDING.md). */
function takeIncoming(h: ChunkHost, b: Built, state: ShardState, block: core.BlockInfo, incoming: core.CrossReceipt[]): void {
  const inc = core.applyIncoming(h.config.chainId, h.place, state, block, incoming, (id) => h.applied.has(id));
  b.applied = inc.applied;
  h.applied.stage(b.height, inc.applied);
  for (const settled of inc.settled) settle(h.sql, settled, b);
  b.outgoing.push(...inc.outgoing);
}

/** `ord`: its pool key, from the pool index (a peer's given txs: made by the executor). */
type Candidate = { hash: string; ord?: string; bytes?: SqlStorageValue; given?: GivenTx };

/**
 * The txs to run: the given ones, or the whole pool in pool order (go-iost
 * verifier/executor.go limits, less its 10 txs per sender: src/pool/index.ts
 * poolLimitPerAccount says why). The pick takes the whole pool (its index in memory), so no fixed
 * window a spammer fills can hide a tx; a higher gas ratio runs first, whoever sent more.
 */
function candidatesOf(h: ChunkHost, blockTime: bigint, given: GivenTx[] | null): Candidate[] {
  if (given !== null) return given.filter((g) => !g.base).map((g) => ({ hash: g.hash, bytes: blob(g.bytes), given: g }));
  return h.pool.pick(blockTime);
}

type Decoded = { hash: string; tx: Tx; bytes: SqlStorageValue; held?: Cached };

/** A candidate's tx: given, admission's decoded one, else its pool row decoded again (after a restart, or a full cache). */
function decodeCandidate(h: ChunkHost, { hash, bytes, given }: Candidate): Decoded {
  const held = given === undefined ? h.decoded.get(hash) : undefined;
  const raw = bytes ?? (held !== undefined ? blob(held.bytes) : h.sql.exec<Row>("SELECT bytes FROM mempool WHERE hash = ?", hash).one().bytes);
  return { hash, tx: given?.tx ?? held?.tx ?? core.decodeTx(bytesOf(raw)), bytes: raw, held };
}

/** Pick and execute, or run the given txs; what fails leaves the pool (or refuses the peer's chunk). */
function runTxs(h: ChunkHost, b: Built, state: ShardState, blockTime: bigint, block: core.BlockInfo, given: GivenTx[] | null): void {
  const { sql, config, place } = h;
  const maxTxs = Math.min(config.blockMaxTxs, b.bound.maxTxs);
  const candidates = candidatesOf(h, blockTime, given);
  if (given !== null && given.some((g) => g.base) !== b.txHashes.length > 0) throw new ChunkRefused("base tx mismatch");
  const decoded: (Decoded | undefined)[] = [];
  const txAt = (i: number): Decoded | undefined => (i < candidates.length ? (decoded[i] ??= decodeCandidate(h, candidates[i])) : undefined);
  // Each publisher's order (reads.ts PoolOrder): its txs after one held on its gas stay in the pool, in order.
  const order = new PoolOrder(txAt);
  let full = false;
  for (const [i, row] of candidates.entries()) {
    const hash = row.hash;
    const g = row.given;
    const bound = b.bound;
    if (g === undefined) {
      if (b.txHashes.length >= maxTxs) break;
    } else {
      const replay = replayError(sql, g);
      if (replay !== null) throw new ChunkRefused(replay);
    }
    const { tx, bytes, held } = txAt(i)!;
    decoded[i] = undefined;
    if (order.holds(tx.publisher)) continue;
    // Past the gas cap, only the txs parking up to a creating tx (PoolOrder awaits).
    if (full && !order.awaits(i, tx.publisher)) continue;
    // A peer's chunk: the creating tx is among its txs (its producer took it: `awaits`).
    const later = () => order.createsLater(tx.publisher, i, g === undefined ? maxTxs - b.txHashes.length : Number.POSITIVE_INFINITY);
    const depth = state.depth;
    /**
     * Nothing of the tx kept. In a bounded pick, what it alone read leaves the witness too: every read reaches the
     * store (no value is cached above it), so a later tx reading one of those keys records it again.
     */
    const undo = () => {
      while (state.depth > depth) state.rollback();
      if (bound.cap === null) return;
      h.kv.unread(bound.fresh);
      bound.bytes = bound.marked;
    };
    /** The tx leaves, nothing of it kept: out of a peer's chunk (refused), or out of the pool with `why`. */
    const leave = (why: string) => {
      undo();
      if (g !== undefined) throw new ChunkRefused(`tx ${hash} cannot be in a block: ${why}`);
      recordLeft(h, hash, "dropped", bytes, Number(tx.gasRatio), why);
    };
    bound.mark();
    state.watch();
    state.checkpoint();
    let result: core.ExecResult;
    try {
      // Contract console lines: dev log only, never part of the chunk (src/vm/console.ts).
      const run = captureLogs(config.dev, () => core.executeTx(config.chainId, place, state, tx, hash, block, { size: held?.size, ord: row.ord }, later));
      for (const l of run.logs) console.log(`[${l.contract} ${hash}] ${l.level}: ${l.text}`);
      result = run.value;
    } catch (err) {
      if (err instanceof core.NodeFault) {
        // This node failed (the VM's memory guard tripped, on what this tx or the txs before it
        // grew). A peer's chunk is retried later on a fresh VM. Our own pick evicts the tx
        // uncharged rather than giving it a receipt: a fault depends on this node's VM, so
        // another node re-executing the block could run the tx fine, and a receipt made of a
        // fault would split the chain. Evicted, it cannot wedge production; its sender can
        // send it again. The chunk ends here: the VM is gone until the next build reloads it.
        undo();
        if (g !== undefined) throw err;
        recordLeft(h, hash, "dropped", bytes, Number(tx.gasRatio), `node fault: ${err.message}: the tx was evicted, not charged`);
        break;
      }
      // A bug in the core must not wedge the chain on one tx: drop it with the reason.
      result = { dropped: `internal error: ${errorText(err)}` };
    }
    if (state.conflict !== null) {
      // It touched what an in-flight cross-shard tx may still undo: it waits in the pool (src/executor/locks.ts).
      undo();
      if (g !== undefined) throw new ChunkRefused(`tx ${hash} cannot be in this block: it touches ${state.conflict}, locked by a cross-shard tx in flight`);
      order.met(state.conflict, tx.publisher);
      continue;
    }
    if ("dropped" in result) {
      leave(result.dropped);
      continue;
    }
    const receipt: TxReceipt = result.receipt;
    // The block gas cap counts gas used, not gas limits (an SDK tx asks for 2,000,000
    // by default, which would cap a block at four txs): the tx that crosses it is
    // undone and waits for the next block.
    if (b.gas + receipt.gasUsage > MAX_BLOCK_GAS) {
      if (g !== undefined) throw new ChunkRefused(`tx ${hash} takes the chunk's gas past the block limit ${MAX_BLOCK_GAS}`);
      undo();
      if (!order.awaits(i)) break;
      full = true;
      continue;
    }
    if (g === undefined && bound.cap !== null) {
      const after = bound.bytes + txJsonBytes(bytesOf(bytes).length) + TX_BYTES;
      const own = after - bound.marked;
      if (own > bound.cap) {
        const why = `tx results too large: its state witness and bytes take about ${own} bytes, over the ${bound.cap}-byte cap of a chunk's answer`;
        bound.left.set(hash, why);
        leave(why);
        continue;
      }
      if (after > bound.cap) {
        // Past the cap it waits in the pool, as past the gas cap.
        undo();
        if (!order.awaits(i)) break;
        full = true;
        continue;
      }
    }
    const receiptJson = JSON.stringify(core.receiptToJson(receipt));
    const big = oversize(bytes, receiptJson, result, state.latest());
    if (big !== null) {
      leave(big);
      continue;
    }
    try {
      // Any other failure to store the tx's row drops the tx alone, not the chunk. One statement, so
      // it is all or nothing without a savepoint (two statements a tx less); the chunk's lists
      // change only once it stored, and what follows cannot fail on the tx's results.
      record(sql, b, hash, bytes, tx.gasRatio, result, receiptJson);
    } catch (err) {
      leave(`tx results cannot be stored: ${errorText(err)}`);
      continue;
    }
    if (g !== undefined) takeFromPool(sql, g, h.pool);
    else sql.exec("DELETE FROM mempool WHERE hash = ?", hash);
    h.pool.remove(hash);
    h.decoded.drop(hash);
    while (state.depth > depth) state.release();
  }
}

/** Key order (code units) for a log's entries. */
const byKey = ([x]: [string, unknown], [y]: [string, unknown]): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The height's undo data (previous value of every written key, with the settlements' entries)
 * and its writes, for its log row; the writes go to the store's pending set and, in the same
 * transaction, into the state's tree (sql-store.ts `seal`). Returns the new state root.
 */
function commitWrites(h: ChunkHost, state: ShardState, b: Built): Uint8Array {
  const writes = state.writes();
  for (const [key] of writes) if (!b.undo.has(key)) b.undo.set(key, h.kv.get(key) ?? null);
  if (writes.length > 0) b.writes = JSON.stringify(writes); // in canonical key order
  state.commit();
  return h.kv.seal();
}

/**
 * The keys read and not written (those are the undo data's), packed as the log keeps them, or null.
 * The lock keys every chunk of several shards reads are left out: the witness always has them
 * (witness.ts `ALWAYS`), so an idle shard's chunk row holds no key more.
 */
function readOnly(reads: ReadonlySet<string>, undo: Undo): string | null {
  const keys = [...reads].filter((k) => !undo.has(k) && k !== LOCKS && k !== DEFERRED).sort(compareKeys);
  return keys.length > 0 ? packKeys(keys) : null;
}

/** The chunk, stored with its log (block-log.ts); the highest chunk row is the head. `reads`: the keys it read, `witnesses` included. */
function finishChunk(h: ChunkHost, b: Built, blockTime: bigint, root: Uint8Array, reads: ReadonlySet<string>, from: number): Chunk {
  const { sql, config, place } = h;
  const { height } = b;
  awaitLandings(sql, b);
  const chunk: Chunk = {
    shard: place.index,
    height,
    time: blockTime.toString(),
    txHashes: b.txHashes,
    receiptHashes: b.receiptHashes,
    gasUsage: b.gas.toString(),
    stateRoot: hex(root),
    ...(config.shardCount > 1 ? { receiptsRoot: hex(core.receiptsRoot(b.outgoing)) } : {}),
    ...witnessesNow(h.kv, place.index),
    ...(from < height - 1 ? { receiptsFrom: from } : {}),
  };
  storeChunk(sql, chunk, {
    writes: b.writes,
    undo: b.undo.size > 0 ? JSON.stringify([...b.undo].sort(byKey)) : null,
    events: b.events.length > 0 ? JSON.stringify(b.events.map((e) => ({ topic: e.topic, contract: e.contract, data: e.data }))) : null,
    sent: b.outgoing.length > 0 ? JSON.stringify(b.outgoing) : null, // in emission order
    reads: readOnly(reads, b.undo),
    applied: b.applied.length > 0 ? JSON.stringify(b.applied) : null,
  });
  return chunk;
}

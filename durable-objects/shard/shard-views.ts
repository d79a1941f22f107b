/**
 * A shard's read side: tx and receipt views (/getTxByHash,
 * /getTxReceiptByTxHash, a block's txs, gas ratios, /subscribe events), dry
 * runs (/execTx) and reads of the head state. Functions over a `ViewHost`
 * (what the shard lends them); none of them writes.
 */
import { and, asc, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { ShardState } from "../../src/executor/guard";
import { State } from "../../src/state/state";
import type { Tx } from "../../src/tx/types";
import type { Answer, Chunk, ChunkBody, Json } from "../api";
import { base64Encode } from "../../src/codec/base64";
import type { Segment, TxRow } from "../archive";
import * as core from "../core";
import type { NodeConfig } from "../env";
import * as schema from "../schema";
import { overlaidRange, type SqlStore } from "../sql-store";
import { compareUtf8 } from "../../src/codec/encoder";
import type { Store } from "../../src/state/store";
import { logAt, logText } from "./block-log";
import { bytesOf, errorText, plain, unhex } from "../values";

type Row = Record<string, SqlStorageValue>;

/** What the shard lends its views. */
export interface ViewHost {
  readonly sql: SqlStorage;
  readonly db: DrizzleSqliteDODatabase<typeof schema>;
  readonly kv: SqlStore;
  readonly config: NodeConfig;
  readonly place: core.ShardPlace;
  head(): number;
  lib(): number;
  headTime(): bigint;
  /** The highest block at or below the head whose hash this shard knows (shard.ts `label`); hash "" if none. */
  label(): { number: number; hash: string };
  /** `pastState(at)`, read once per head (getBatchContractStorage's pairs and repeated reads share it). */
  past(at: number): { store: RangeStore; time: bigint };
  /** The R2 segment holding `height` if its chunk was archived (durable-objects/archive.ts), else null. */
  segment(height: number): Promise<Segment | null>;
  /** Block context for running txs on top of the head. */
  nextBlock(): core.BlockInfo;
}

function txJson(bytes: SqlStorageValue | Uint8Array, hash: string, receipt: string | null): { [k: string]: Json } {
  const view = core.txToJson(core.decodeTx(bytesOf(bytes)), hash);
  view.tx_receipt = receipt === null ? null : (JSON.parse(receipt) as Json);
  return view;
}

/** The executed txs of `height` in a segment, in chunk order. */
export function segmentTxs(s: Segment, height: number): TxRow[] {
  return (s.txs ?? []).filter((t) => t.height === height);
}

/**
 * Bytes and receipt of an executed tx: from its tx_index row, or from its segment once archived
 * (the row keeps an empty blob). Null if the segment cannot be read.
 */
async function body(h: ViewHost, hash: string, height: number, row: Row): Promise<{ bytes: Uint8Array; receipt: string } | null> {
  const bytes = bytesOf(row.bytes);
  if (bytes.length > 0) return { bytes, receipt: row.receipt as string };
  const s = await h.segment(height);
  const t = s === null ? undefined : segmentTxs(s, height).find((x) => x.hash === hash);
  return t === undefined ? null : { bytes: unhex(t.bytes), receipt: t.receipt };
}

const ARCHIVE_UNREADABLE = "tx body is archived and the archive cannot be read";

/**
 * Whether an executed tx's receipt is final everywhere: every receipt it sent settled, and every write its releases
 * carried to other shards landed in a final chunk (tx_index `visible`).
 */
const settled = (h: ViewHost, row: Row) => (row.pending as number) === 0 && (row.visible === null || (row.visible as number) <= h.lib());

/**
 * Whether this shard's storage reads, which answer as of the block they name (`labelled`), show the tx's last settle
 * (tx_index `settled_at`): its block named here, a fraction of a block after its chunk was built.
 */
const shown = (h: ViewHost, row: Row) => settled(h, row) && (row.settled_at === null || (row.settled_at as number) <= h.label().number);

export async function getTx(h: ViewHost, hash: string): Promise<Answer<Json>> {
  const pending = h.sql.exec<Row>("SELECT bytes FROM mempool WHERE hash = ?", hash).toArray();
  if (pending.length > 0) return { status: "PENDING", transaction: txJson(pending[0].bytes, hash, null), block_number: "-1" };
  const rows = h.sql.exec<Row>("SELECT status, height, bytes, receipt, message, pending, visible, settled_at FROM tx_index WHERE hash = ?", hash).toArray();
  if (rows.length === 0) return { error: "tx not found" };
  const row = rows[0];
  if (row.status !== "executed") return { error: `tx ${row.status}: ${row.message as string}` };
  const height = row.height as number;
  // Its receipt changes until every cross-shard receipt has settled: final (and kept by the edge) only then.
  const final = height <= h.lib() && shown(h, row);
  const b = await body(h, hash, height, row);
  if (b === null) return { error: ARCHIVE_UNREADABLE };
  return {
    status: final ? "IRREVERSIBLE" : "PACKED",
    transaction: txJson(b.bytes, hash, b.receipt),
    block_number: final ? String(height) : "-1",
  };
}

export async function getTxReceipt(h: ViewHost, hash: string): Promise<Answer<Json>> {
  const rows = h.sql.exec<Row>("SELECT status, height, bytes, receipt, message, pending, visible, settled_at FROM tx_index WHERE hash = ?", hash).toArray();
  if (rows.length === 0) {
    const pending = h.sql.exec("SELECT 1 FROM mempool WHERE hash = ?", hash).toArray().length > 0;
    return { error: `failed to Get the receipt hash: ${pending ? "tx is pending" : "tx not found"}` };
  }
  const row = rows[0];
  if (row.status !== "executed") return { error: `failed to Get the receipt hash: tx ${row.status}: ${row.message as string}` };
  if ((row.height as number) > h.lib()) return { error: "failed to Get the receipt hash: tx is not irreversible yet" };
  if (!shown(h, row)) return { error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" };
  const b = await body(h, hash, row.height as number, row);
  if (b === null) return { error: `failed to Get the receipt hash: ${ARCHIVE_UNREADABLE}` };
  return JSON.parse(b.receipt) as Json;
}

/**
 * The txs of the chunk at `height` and whether their receipts are settled: a cross-shard tx's
 * receipt is rewritten by its settles, so a view listing it is not final before (ShardApi.getChunk).
 * `hashed`: each receipt as the chunk hashed it, which never changes (raw blocks).
 */
export async function getChunk(h: ViewHost, height: number, hashed = false): Promise<{ txs: Json[]; settled: boolean }> {
  const s = await h.segment(height);
  // A segment is written only once its heights have settled (Shard.prune).
  if (s !== null) return { txs: segmentTxs(s, height).map((t) => txJson(unhex(t.bytes), t.hash, hashed ? (t.hashed ?? t.receipt) : t.receipt)), settled: true };
  const rows = h.db
    .select({
      hash: schema.txIndex.hash,
      bytes: schema.txIndex.bytes,
      receipt: schema.txIndex.receipt,
      hashed: schema.txIndex.hashed,
      pending: schema.txIndex.pending,
    })
    .from(schema.txIndex)
    .where(and(eq(schema.txIndex.height, height), eq(schema.txIndex.status, "executed")))
    .orderBy(asc(schema.txIndex.idx))
    .all();
  return { txs: rows.map((r) => txJson(r.bytes, r.hash, hashed ? (r.hashed ?? r.receipt) : r.receipt)), settled: hashed || rows.every((r) => r.pending === 0) };
}

export async function getChunkTxs(h: ViewHost, height: number, hashed = false): Promise<Json[]> {
  return (await getChunk(h, height, hashed)).txs;
}

/**
 * ShardApi.chunkBody: the chunk of `at.height`, or of the block holding executed tx `at.hash` with that
 * tx only, its txs' receipts as executed (`hashed` once a settle rewrote `receipt`). Rows read: the
 * tx's index row (by hash), the chunk's, and its txs' (or the archived segment's).
 */
export async function chunkBody(
  h: ViewHost,
  at: { height: number } | { hash: string },
  chunkOf: (height: number) => Promise<Chunk | null>,
): Promise<Answer<ChunkBody>> {
  const only = "hash" in at ? at.hash : null;
  let height = "height" in at ? at.height : -1;
  if (only !== null) {
    const found = h.sql.exec<Row>("SELECT height FROM tx_index WHERE hash = ? AND status = 'executed'", only).toArray();
    if (found.length === 0) return { error: "tx not found" };
    height = found[0].height as number;
  }
  const chunk = await chunkOf(height);
  if (chunk === null) return { error: `shard-${h.place.index}: no chunk of height ${height} here` };
  const s = await h.segment(height);
  // A segment is written once its heights settled: its `hashed` is absent where no settle rewrote the receipt.
  const rows =
    s !== null
      ? segmentTxs(s, height).map((t) => ({
          hash: t.hash,
          bytes: unhex(t.bytes),
          receipt: t.hashed ?? t.receipt,
          joined: t.hashed !== undefined,
          shown: t.hashed === undefined ? null : t.receipt,
          inFlight: false,
        }))
      : h.sql
          .exec<Row>("SELECT hash, bytes, receipt, hashed, pending, visible FROM tx_index WHERE height = ? AND status = 'executed' ORDER BY idx", height)
          .toArray()
          .map((r) => ({
            hash: r.hash as string,
            bytes: bytesOf(r.bytes),
            receipt: (r.hashed ?? r.receipt) as string | null,
            joined: r.hashed !== null || (r.pending as number) > 0,
            shown: r.hashed === null ? null : (r.receipt as string),
            inFlight: !settled(h, r),
          }));
  const txs = [];
  const inFlight: string[] = [];
  for (const r of rows) {
    if (only !== null && r.hash !== only) continue;
    // A snapshot sync's replay window records its txs without a receipt (state-sync.ts): nothing to prove them with.
    if (r.receipt === null) return { error: `shard-${h.place.index}: no receipt of tx ${r.hash} here (synced from a snapshot above it)` };
    // The combined receipt as shown: what the asker's own fold of the proven settles must give (src/sharding/joined.ts).
    const shown = r.shown === null ? {} : { shown: JSON.parse(r.shown) as Json };
    txs.push({ index: chunk.txHashes.indexOf(r.hash), tx: base64Encode(r.bytes), receipt: JSON.parse(r.receipt) as Json, joined: r.joined, ...shown });
    if (r.inFlight) inFlight.push(r.hash);
  }
  // What the chunk sent, which its header's receipts root commits to: the asker sees which txs await settles (src/sharding/joined.ts).
  const sent = logAt(h.sql, height, "sent");
  return {
    shard: chunk.shard,
    height,
    tx_hashes: chunk.txHashes,
    receipt_hashes: chunk.receiptHashes,
    txs,
    ...(sent === null ? {} : { sent: JSON.parse(sent) as core.CrossReceipt[] }),
    ...(inFlight.length > 0 ? { in_flight: inFlight } : {}),
  };
}

/** Whether a tx view has an action on `contract` ("" any) named `actionName` ("" any): go-iost GetBlockTxsByContract's filter. */
export function hasAction(tx: Json, contract: string, actionName: string): boolean {
  const actions = ((tx as { [k: string]: Json }).actions ?? []) as { [k: string]: Json }[];
  return actions.some((a) => (contract === "" || a.contract === contract) && (actionName === "" || a.action_name === actionName));
}

/** Gas ratios (×100) of the txs in the chunk of `height`, for /getGasRatio. */
export function chunkGasRatios(h: ViewHost, height: number): number[] {
  return h.sql
    .exec<{ gas_ratio: number }>("SELECT gas_ratio FROM tx_index WHERE height = ? AND status = 'executed'", height)
    .toArray()
    .map((r) => r.gas_ratio);
}

export function eventsSince(h: ViewHost, afterHeight: number): { height: number; events: { topic: string; data: string; time: string; contract: string }[] } {
  const upTo = Math.min(h.head(), afterHeight + 100);
  const rows = h.sql
    .exec<{ height: number; time: string; events: string | null }>(
      "SELECT height, time, events FROM chunks WHERE height > ? AND height <= ? AND events IS NOT NULL ORDER BY height",
      afterHeight,
      upTo,
    )
    .toArray();
  const events = rows.flatMap((r) =>
    (JSON.parse(logText(h.sql, r.height, "events", r.events)!) as { topic: string; contract: string; data: string }[]).map((e) => ({
      topic: e.topic,
      data: e.data,
      time: r.time,
      contract: e.contract,
    })),
  );
  return { height: Math.max(upTo, afterHeight), events };
}

export async function execTx(h: ViewHost, fullBytes: Uint8Array, hash: string, fetched: [string, string | null][]): Promise<Answer<Json>> {
  let tx: Tx;
  try {
    tx = core.decodeTx(fullBytes);
  } catch (err) {
    return { error: `invalid tx bytes: ${errorText(err)}` };
  }
  await core.loadVm();
  if (h.place.count > 1) {
    try {
      const r = core.dryRunAcross(h.config.chainId, h.place, h.kv, new Map(fetched), tx, hash, h.nextBlock());
      if ("missed" in r) return { missed: [...r.missed] };
      if ("dropped" in r.result) return { error: r.result.dropped };
      return plain(core.receiptToJson(r.result.receipt));
    } catch (err) {
      return { error: errorText(err) };
    }
  }
  const state = new ShardState(h.kv, h.place);
  try {
    const result = core.dryRun(h.config.chainId, h.place, state, tx, hash, h.nextBlock());
    if ("dropped" in result) return { error: result.dropped };
    return plain(core.receiptToJson(result.receipt));
  } catch (err) {
    return { error: errorText(err) };
  } finally {
    state.discard(); // a dry run never writes
  }
}

/** A read-only view of the head state (== LIB state with one producer). */
export function view<T>(h: ViewHost, read: (state: State, time: bigint) => T): T {
  return viewOn(h.kv, h.headTime(), read);
}

/** A store that can also list a key range (SqlStore's, for /listContractStorage). */
export type RangeStore = Store & { range(start: string, end: string, limit: number): [string, string][] };

/**
 * The head state with some keys as they were before (`prev`: key → value then, null = absent):
 * the state a lower block left. Read-only.
 */
class Undone implements RangeStore {
  constructor(
    private readonly kv: SqlStore,
    private readonly prev: ReadonlyMap<string, string | null>,
  ) {}

  get(key: string): string | undefined {
    return this.prev.has(key) ? (this.prev.get(key) ?? undefined) : this.kv.get(key);
  }

  put(): void {
    throw new Error("a past state is read-only");
  }

  del(): void {
    throw new Error("a past state is read-only");
  }

  range(start: string, end: string, limit: number): [string, string][] {
    const over = [...this.prev].filter(([k]) => compareUtf8(k, start) >= 0 && compareUtf8(k, end) < 0);
    // Each undone key can drop or add at most one entry of the first `limit`.
    return overlaidRange(this.kv.range(start, end, limit + over.length), over, limit);
  }
}

/**
 * A storage read as of the block it is labelled with (go-iost labels a storage read with the block
 * whose state it reads, rpc/api_service.go getContractStorage): the highest block whose hash this
 * shard knows (`label`). Usually the head chunk's; while its block's hash has not reached this shard
 * (the coordinator names it with LIB's rise), the head chunk's writes, and any above the label, are
 * read undone from their undo logs: one chunk row each, nothing written.
 */
export function labelled<T extends object>(h: ViewHost, read: (store: RangeStore, time: bigint) => T): T & { block_hash: string; block_number: string } {
  const at = h.label();
  const { store, time } = at.number < h.head() ? h.past(at.number) : { store: h.kv, time: h.headTime() };
  return { ...read(store, time), block_hash: at.hash, block_number: String(at.number) };
}

/** The state block `at` (below the head) left, and its time: the shard keeps it until its next chunk, revert or restart. */
export function pastState(h: ViewHost, at: number): { store: RangeStore; time: bigint } {
  const prev = new Map<string, string | null>();
  // Newest first: a key changed by several chunks ends with its value before the lowest of them.
  for (let n = h.head(); n > at; n--) for (const [k, v] of JSON.parse(logAt(h.sql, n, "undo") ?? "[]") as [string, string | null][]) prev.set(k, v);
  const time = BigInt(h.sql.exec<{ time: string }>("SELECT time FROM chunks WHERE height = ?", at).one().time);
  return { store: new Undone(h.kv, prev), time };
}

/** `read` on `store` as a state at `time`; nothing is written. */
export function viewOn<T>(store: Store, time: bigint, read: (state: State, time: bigint) => T): T {
  const state = new State(store);
  try {
    return plain(read(state, time));
  } finally {
    state.discard();
  }
}

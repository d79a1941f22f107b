/**
 * Snapshot sync of a shard (issue #18 item 4; docs/VALIDATOR.md "Joining or rotating onto a shard",
 * docs/STATE.md "Snapshot sync"): instead of re-executing every chunk from genesis, a shard that
 * has nothing (a wiped store, a shard newly served) copies a peer's state at a final block H and
 * then applies the chunks above H the normal way.
 *
 * Serving (`statePage`): the state at final height H (LIB, or at most MAX_PROOF_DEPTH below it, as
 * /getProofs: the head's state with the undo data of the heights above H taken back), in key order
 * from a key on, bounded in rows and bytes.
 *
 * Importing (`importState`), from one peer at a time:
 * 1. `begin`: every table of the shard emptied and the `state_sync` mark set, in one transaction.
 *    From then on until the end the shard answers no read and builds no chunk (shard.ts `syncing`).
 * 2. Pages: each checked (its block and root are the target's, keys strictly after the last one
 *    taken, every value a string) and written to `state_kv` with the mark's `after`, in one
 *    transaction: a restart resumes from the last page taken.
 * 3. The replay window: the txs of this shard's chunks of the heights whose time is within
 *    MAX_TX_LIFE_NS of H's (GET /p2p/blocks), each chunk checked against the tx root of this node's
 *    own header, recorded in `tx_index` and `tx_keys` as executed. A tx run at or below H can only
 *    run again in a block at most MAX_TX_LIFE_NS after its own time, which is at most its block's:
 *    so these are every tx a later block could replay, and replayError refuses them as on a node
 *    that ran them. Older txs' records are not needed (a pruned node drops them too, shard.ts
 *    `pruneKeys`).
 * 4. The tree built from `state_kv` (batches of TREE_BATCH keys) and its root compared with the
 *    state root of this shard's chunk in this node's own header of H: refused (everything taken from
 *    that peer dropped, the next peer tried) unless equal; a peer's forged value, missing, extra or
 *    reordered key gives another root. Equal: H's chunk row (its fields checked against the header),
 *    checkpoint and LIB = H, the mark cleared, in one transaction.
 *
 * What is not copied, and why: the pool (a new pool; txs pending on the old store are lost with it);
 * the ids of the receipts the chunks applied (only heights above LIB are checked, and H is LIB); the chunks below H and their
 * receipts (this node serves history from H on: /p2p/blocks and tx lookups below H answer from R2
 * archives if any, else not found).
 */
import { merkleRoot } from "../../src/block/merkle";
import { base58Decode } from "../../src/codec/base58";
import { base64Decode } from "../../src/codec/base64";
import { compareUtf8 } from "../../src/codec/encoder";
import { PagedNodes, StateTree } from "../../src/state/tree";
import type { Store } from "../../src/state/store";
import type { Chunk, StatePage, StateSyncTarget, StateSyncDone } from "../api";
import * as core from "../core";
import { segmentOf } from "../archive";
import { MAX_PEER_ANSWER_BYTES, MAX_STATE_ROWS as PAGE_ROWS } from "../config";
import { cappedText } from "../../src/net/peer-json";
import { overlaidRange, type SqlStore } from "../sql-store";
import { logAt, storeChunk } from "./block-log";
import { undoneAbove } from "./chunk-sync";
import { blob, errorText, hex } from "../values";

/** A page stops once its keys and values pass this many UTF-8 bytes (one row always goes: a value is at most ROW_BYTES). */
export const PAGE_BYTES = 512 * 1024;
/** Keys hashed into the tree per pass at the end of an import: bounds the pages held in memory. */
const TREE_BATCH = 10_000;
const FETCH_TIMEOUT_MS = 15_000;
/** shard_meta key of the lowest height whose chunk this shard holds after an import: a segment with heights below it is not archived to R2 (it would replace the whole one there). */
export const HISTORY_FROM = "history_from";
/**
 * shard_meta key of the window heights below HISTORY_FROM whose chunk sent no receipt (our header's word), a JSON list: their
 * empty receipts proofs are still served (/p2p/sent, /p2p/witness), which a chunk above takes in (MAX_CARRY ≤ the window).
 */
export const SENT_NONE = "sent_none";
/** shard_meta key of an import in progress. */
export const SYNC_META = "state_sync";

const utf8 = new TextEncoder();

/** The state at `height` (≤ head, its undo data kept) from the key after `after` on: at most `limit` rows and about PAGE_BYTES. */
export function statePage(
  sql: SqlStorage,
  kv: SqlStore,
  height: number,
  head: number,
  after: string,
  limit: number,
): { rows: [string, string][]; next: string | null; sent?: unknown[] } {
  const over = new Map<string, string | null>();
  // The undone values override the overlay: they are the state at `height`.
  for (const [k, v] of [...kv.overlaid(), ...undoneAbove(sql, height, head)]) if (compareUtf8(k, after) > 0) over.set(k, v);
  let gone = 0;
  for (const v of over.values()) if (v === null) gone++;
  // limit + 1 to know whether anything follows; `gone` more, as the overlay may delete that many of them.
  const stored = sql
    .exec<{ key: string; value: string }>("SELECT key, value FROM state_kv WHERE key > ? ORDER BY key LIMIT ?", after, limit + 1 + gone)
    .toArray()
    .map((r) => [r.key, r.value] as [string, string]);
  const all = overlaidRange(stored, over, limit + 1);
  const rows: [string, string][] = [];
  let bytes = 0;
  for (const row of all.slice(0, limit)) {
    bytes += utf8.encode(row[0]).length + utf8.encode(row[1]).length;
    if (rows.length > 0 && bytes > PAGE_BYTES) break;
    rows.push(row);
  }
  if (rows.length < all.length) return { rows, next: rows[rows.length - 1][0] };
  const sent = logAt(sql, height, "sent");
  return { rows, next: null, sent: sent === null ? [] : (JSON.parse(sent) as unknown[]) };
}

/** Where an import stands (shard_meta `state_sync`, JSON). */
export interface SyncMark {
  height: number;
  root: string;
  /** Index in the peer list of the peer being copied. */
  peer: number;
  /** The last key taken ("" none yet). */
  after: string;
  rows: number;
  pages: number;
  /** The last page's `sent`, JSON, once every page came. */
  sent?: string;
}

/** What the shard lends an import. */
export interface ImportHost {
  readonly sql: SqlStorage;
  readonly kv: SqlStore;
  readonly shard: number;
  readonly peers: readonly string[];
  /** Heights per archive segment (archive.ts): the segments below H's count as archived (R2 holds them, if anyone archived them). */
  readonly seg: number;
  transaction<T>(run: () => T): T;
  /** Shard 0's chunk field read from the committed state (chunk-build.ts `witnessesNow`). */
  witnesses(): { witnesses?: string[] };
}

/** Tables a shard keeps (all but the snapshots, dev only): emptied by `begin`. */
const TABLES = ["state_kv", "state_nodes", "chunks", "log_parts", "tx_index", "tx_keys", "mempool"];

export function readMark(sql: SqlStorage): SyncMark | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM shard_meta WHERE key = ?", SYNC_META).toArray()[0];
  return row === undefined ? null : (JSON.parse(row.value) as SyncMark);
}

function writeMark(sql: SqlStorage, mark: SyncMark): void {
  sql.exec("INSERT INTO shard_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", SYNC_META, JSON.stringify(mark));
}

/** Everything gone but the object's name and genesis marker (genesis must not run again over the import), and `mark` set. */
function begin(h: ImportHost, mark: SyncMark): void {
  h.transaction(() => {
    for (const t of TABLES) h.sql.exec(`DELETE FROM ${t}`);
    h.sql.exec("DELETE FROM shard_meta WHERE key NOT IN ('name', 'genesis')");
    writeMark(h.sql, mark);
  });
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  // A page is about PAGE_BYTES and a range MAX_RANGE_BYTES, each with one more row or block: a stranger's longer body is not read.
  const text = await cappedText(res, MAX_PEER_ANSWER_BYTES);
  if (text === null) throw new Error(`its answer is above ${MAX_PEER_ANSWER_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) {
    const m = (json as { message?: unknown } | null)?.message;
    throw new Error(typeof m === "string" ? m : `HTTP ${res.status}`);
  }
  return json;
}

/** A page's fault, or null: it must be of the target's block and root, keys strictly increasing after `after`. */
export function pageError(p: StatePage, shard: number, mark: SyncMark): string | null {
  if (typeof p !== "object" || p === null || !Array.isArray(p.rows)) return "not a state page";
  if (p.shard !== shard || p.height !== mark.height) return `a page of shard ${p.shard} at block ${p.height}, not shard ${shard} at ${mark.height}`;
  if (p.state_root !== mark.root) return `it claims root ${String(p.state_root)}, not ${mark.root} of our header`;
  if (p.rows.length > PAGE_ROWS) return `more than ${PAGE_ROWS} rows`;
  if (p.next !== null && (typeof p.next !== "string" || p.rows.length === 0)) return "a page that is not the last is empty";
  let last = mark.after;
  for (const r of p.rows) {
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "string" || typeof r[1] !== "string" || r[1] === "") return "a row that is not [key, value]";
    if (compareUtf8(r[0], last) <= 0) return `key ${JSON.stringify(r[0].slice(0, 80))} is not after ${JSON.stringify(last.slice(0, 80))}`;
    last = r[0];
  }
  if (p.next !== null && p.next !== last) return "its next key is not its last row";
  return null;
}

/** The root of `state_kv` as a tree, built straight into `state_nodes` (empty before), TREE_BATCH keys per pass. */
function buildTree(sql: SqlStorage): Uint8Array {
  const direct: Store = {
    get: (k) => sql.exec<{ value: string }>("SELECT value FROM state_nodes WHERE key = ?", k).toArray()[0]?.value,
    put: (k, v) => sql.exec("INSERT INTO state_nodes (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, v),
    del: (k) => sql.exec("DELETE FROM state_nodes WHERE key = ?", k),
  };
  const tree = new StateTree(new PagedNodes(direct));
  let root = tree.update([]);
  let after: string | null = null;
  for (;;) {
    const batch = sql
      .exec<{ key: string; value: string }>(
        after === null ? "SELECT key, value FROM state_kv ORDER BY key LIMIT ?" : "SELECT key, value FROM state_kv WHERE key > ? ORDER BY key LIMIT ?",
        ...(after === null ? [TREE_BATCH] : [after, TREE_BATCH]),
      )
      .toArray();
    if (batch.length === 0) return root;
    root = tree.update(batch.map((r) => [r.key, r.value] as const));
    after = batch[batch.length - 1].key;
  }
}

/** This shard's chunks and txs of the target's window heights from `peer`, each checked against our header's tx root. */
async function fetchWindow(h: ImportHost, peer: string, t: StateSyncTarget): Promise<{ chunk: Chunk; txs: Uint8Array[] }[]> {
  const out: { chunk: Chunk; txs: Uint8Array[] }[] = [];
  const want = new Map(t.window.map((w) => [w.height, w.txRoot]));
  let from = t.window[0].height;
  while (from <= t.height) {
    const body = (await getJson(`${peer}/p2p/blocks?from=${from}&count=${Math.min(50, t.height - from + 1)}&shard=${h.shard}`)) as { blocks?: unknown };
    const blocks = Array.isArray(body?.blocks) ? (body.blocks as { chunks?: { chunk?: Chunk; txs?: unknown }[] }[]) : [];
    if (blocks.length === 0) throw new Error(`/p2p/blocks from ${from} answered no block`);
    for (const b of blocks) {
      const c = b?.chunks?.[h.shard];
      if (c?.chunk?.height !== from || !Array.isArray(c.txs) || !c.txs.every((x) => typeof x === "string"))
        throw new Error(`block ${from}: no chunk of shard ${h.shard}`);
      const txs = (c.txs as string[]).map((x) => base64Decode(x));
      const ids = txs.map((bytes) => core.txKeyOf(core.decodeTx(bytes)).hash);
      if (hex(merkleRoot(ids.map(base58Decode))) !== want.get(from)) throw new Error(`block ${from}: its txs are not those of our header's tx root`);
      if (JSON.stringify(ids) !== JSON.stringify(c.chunk.txHashes)) throw new Error(`block ${from}: the chunk's tx hashes are not its txs'`);
      out.push({ chunk: c.chunk, txs });
      if (++from > t.height) break;
    }
  }
  return out;
}

/** Why H's chunk from the peer is not the one our header names, or null. */
function chunkError(c: Chunk, shard: number, t: StateSyncTarget): string | null {
  if (c.shard !== shard || c.height !== t.height || c.time !== t.time)
    return `its chunk of block ${t.height} is of shard ${c.shard}, height ${c.height}, time ${c.time}`;
  if (c.stateRoot !== t.stateRoot) return "its chunk's state root is not our header's";
  if (hex(merkleRoot(c.receiptHashes.map(base58Decode))) !== t.receiptRoot) return "its chunk's receipt hashes are not our header's receipt root";
  if ((c.receiptsRoot ?? null) !== (t.outReceiptsRoot ?? null)) return "its chunk's sent-receipts root is not our header's";
  if (c.placeholder !== t.placeholder || c.receiptsFrom !== t.receiptsFrom) return "its chunk's receipts cursor is not our header's";
  return null;
}

/** Copies the state at `t` from one peer after another until one's checks out; the answer names it, or every peer's fault. */
export async function importState(h: ImportHost, t: StateSyncTarget): Promise<StateSyncDone | { error: string }> {
  let mark = readMark(h.sql);
  if (mark === null || mark.height !== t.height || mark.root !== t.stateRoot) {
    mark = { height: t.height, root: t.stateRoot, peer: 0, after: "", rows: 0, pages: 0 };
    begin(h, mark);
  }
  const faults: string[] = [];
  for (let tried = 0; tried < h.peers.length; tried++) {
    const peer = h.peers[mark.peer % h.peers.length];
    try {
      let next: string | null = mark.after;
      // A resumed import whose pages all came (a restart during the window or the tree) goes straight on.
      while (next !== null && !(mark.pages > 0 && next === "")) {
        const p = (await getJson(
          `${peer}/p2p/state?shard=${h.shard}&height=${t.height}&after=${encodeURIComponent(mark.after)}&limit=${PAGE_ROWS}`,
        )) as StatePage;
        const bad = pageError(p, h.shard, mark);
        if (bad !== null) throw new Error(`bad state page after ${JSON.stringify(mark.after.slice(0, 80))}: ${bad}`);
        if (p.next === null && !Array.isArray(p.sent)) throw new Error("its last page has no sent receipts");
        const m: SyncMark = {
          ...mark,
          after: p.next ?? "",
          rows: mark.rows + p.rows.length,
          pages: mark.pages + 1,
          ...(p.next === null ? { sent: JSON.stringify(p.sent) } : {}),
        };
        h.transaction(() => {
          for (const [k, v] of p.rows) h.sql.exec("INSERT INTO state_kv (key, value) VALUES (?, ?)", k, v);
          writeMark(h.sql, m);
        });
        mark = m;
        next = p.next;
      }
      const window = await fetchWindow(h, peer, t);
      const top = window[window.length - 1].chunk;
      const wrong = chunkError(top, h.shard, t);
      if (wrong !== null) throw new Error(wrong);
      const sent = JSON.parse(mark.sent ?? "[]") as core.CrossReceipt[];
      if (t.outReceiptsRoot !== undefined ? hex(core.receiptsRoot(sent)) !== t.outReceiptsRoot : sent.length > 0) {
        throw new Error("the receipts its chunk sent are not those of our header's sent-receipts root");
      }
      const done = mark;
      const root = h.transaction(() => {
        const r = hex(buildTree(h.sql));
        if (r !== t.stateRoot) throw new Error(`the state it served has root ${r}, not ${t.stateRoot} of our header of block ${t.height}`);
        h.sql.exec("DELETE FROM tx_index");
        h.sql.exec("DELETE FROM tx_keys");
        for (const { chunk, txs } of window) {
          txs.forEach((bytes, idx) => {
            const tx = core.decodeTx(bytes);
            if (tx.publisher === "base.iost") return;
            h.sql.exec(
              "INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio) VALUES (?, 'executed', ?, ?, ?, NULL, '', ?)",
              chunk.txHashes[idx],
              chunk.height,
              idx,
              blob(bytes),
              Number(tx.gasRatio),
            );
            h.sql.exec(
              "INSERT INTO tx_keys (key, hash) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET hash = excluded.hash",
              core.replayKey(tx),
              chunk.txHashes[idx],
            );
          });
        }
        const chunk: Chunk = {
          shard: h.shard,
          height: t.height,
          time: t.time,
          txHashes: top.txHashes,
          receiptHashes: top.receiptHashes,
          gasUsage: top.gasUsage,
          stateRoot: t.stateRoot,
          ...(t.outReceiptsRoot === undefined ? {} : { receiptsRoot: t.outReceiptsRoot }),
          ...h.witnesses(),
          ...(t.placeholder === true ? { placeholder: true } : {}),
          ...(t.receiptsFrom === undefined ? {} : { receiptsFrom: t.receiptsFrom }),
        };
        storeChunk(h.sql, chunk, { writes: null, undo: null, events: null, sent: sent.length > 0 ? JSON.stringify(sent) : null });
        const meta = (k: string, v: string) =>
          h.sql.exec("INSERT INTO shard_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, v);
        meta("checkpoint", String(t.height));
        meta("lib", `${t.height} ${t.hash}`);
        meta("archived", JSON.stringify({ next: segmentOf(t.height, h.seg), seg: h.seg }));
        meta(HISTORY_FROM, String(t.height));
        meta(SENT_NONE, JSON.stringify(t.window.flatMap((w) => (w.sentNone === true && w.height < t.height ? [w.height] : []))));
        h.sql.exec("DELETE FROM shard_meta WHERE key = ?", SYNC_META);
        return r;
      });
      return { peer, height: t.height, root, rows: done.rows, pages: done.pages, window: window.length };
    } catch (err) {
      faults.push(`${peer}: ${errorText(err)}`);
      console.warn(`shard-${h.shard}: state sync from ${peer} failed: ${errorText(err)}`);
      // Nothing of that peer's is trusted any more: the next one starts over.
      mark = { height: t.height, root: t.stateRoot, peer: mark.peer + 1, after: "", rows: 0, pages: 0 };
      begin(h, mark);
    }
  }
  return { error: `shard-${h.shard}: no peer gave a state at block ${t.height} with our root ${t.stateRoot}: ${faults.join("; ")}` };
}

/**
 * The coordinator's side of a network of nodes (issue #7, docs/ARCHITECTURE.md "Apply of a peer block"):
 * adopting peers' blocks, keeping side branches, choosing between forks and
 * reorganizing above LIB, pulling missing ranges from peers, serving ours.
 * Functions over a `SyncHost` (what the coordinator lends them) so
 * coordinator.ts keeps only the wiring.
 *
 * A block from a peer is adopted only after its header passes
 * peerBlockError (hash, parent, schedule under the parent's witness list,
 * signature) and every shard re-executed its chunk to the same roots
 * (applyChunk). A rejected block is logged with its reason and never adopted.
 * Blocks whose parent is unknown wait in the side table until it arrives,
 * once their header hash and their witness's signature check out and the
 * witness is a producer of a list we know (so only producers can fill it).
 * The side table is bounded in count and bytes (orphans farthest from our
 * head go first) and pruned at LIB. A block whose time is ahead of our clock
 * by more than `aheadNs` is refused for now, never remembered as bad.
 *
 * Witness lists (docs/FINALITY.md "Side blocks and witness lists"): the list
 * a side block hands its children comes from data this node checked, never
 * from the sender: the parent's list, because only an election block changes
 * it. A side branch past an election block (or one that claims a change) is
 * kept and may win by IOST's rule, but counts for no certificate until a
 * reorg executes it (and its chunks' witnesses must then match).
 *
 * Fork choice (docs/FINALITY.md item 1, src/consensus/peer-block.ts
 * `preferredTip`): the branch whose highest certified block (by the
 * endorsement tracker) is higher wins; between equal ones go-iost's blockcache
 * rule (`preferred`: longest chain, then earlier head, then smaller hash).
 * Side blocks are tracked too, so peers' endorsements can certify them; when
 * one certifies a side block, `reconsider` moves to its best branch. Reorgs
 * only above LIB, so the node never leaves the final block. The old
 * branch is kept as side blocks, so if the new one fails to apply halfway the
 * node goes back to it.
 *
 * Side blocks live in their own table `side_blocks` (created here, outside the
 * drizzle migrations, as it is private to this module): hash, height, parent
 * hash and the PeerBlock JSON.
 */
import type { StoredBlock } from "../../src/block/block";
import { parsePeerBlock, peerBlockJson, type ParsedPeerBlock, type PeerBlock, type WireBlock, type WireChunk } from "../../src/block/wire";
import type { TrackedBlock } from "../../src/consensus/endorse";
import { aheadError, peerBlockError, preferred, preferredTip, signedHeaderError, type ForkTip, type ParentView } from "../../src/consensus/peer-block";
import { slotOf, type Schedule } from "../../src/consensus/schedule";
import type { Answer, Chunk, ChunkContext, GivenReceipts, Origin, PeerStatus, ShardInternal } from "../api";
import { MAX_RANGE, MAX_RANGE_BYTES } from "../config";
import { base64Decode, base64Encode } from "../../src/codec/base64";
import { fetchBlocks, fetchEndorsements, peerStatus, pushBlock, type Gossip } from "./peers";
import { errorText } from "../values";

/** The shard calls sync needs (ShardInternal additions of issue #7). */
export interface SyncShard extends ShardInternal {
  applyChunk(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk, given?: GivenReceipts): Promise<Answer<Chunk>>;
  revertTo(height: number): Promise<Answer<{ head: number }>>;
  chunkTxs(height: number): Promise<Uint8Array[]>;
  chunkAt(height: number): Promise<Chunk | null>;
}

/** A block record as the coordinator stores it (the witnesses list may be kept elsewhere: `witnessesAfter`). */
export type HostBlock = StoredBlock & { witnesses?: string[]; inSlot?: number };

/** What the coordinator lends the sync functions. */
export interface SyncHost {
  /** For logs. */
  readonly label: string;
  /** This node's own producer keys (base58), sorted: its /p2p/status states them. */
  readonly ownKeys: readonly string[];
  readonly chainId: number;
  readonly shardCount: number;
  /** The shards whose objects this node has (NodeConfig `holds`); null: every shard. */
  readonly holds: readonly number[] | null;
  /**
   * The shards whose objects apply each block's chunk, ascending (null: every shard): `holds` on a
   * node holding part of the shards, the shards its rotation plan keeps on a producer of several
   * groups (rotation.ts). The others' chunks are checked by witness.
   */
  applies(): readonly number[] | null;
  /** A producer's main block `n`'s chunks of the shards its objects do not apply, txs base64, as adopted or made (from R2 once archived); null if none kept. */
  keptChunks(n: number): Promise<readonly KeptChunk[] | null>;
  readonly peers: readonly string[];
  readonly schedule: Schedule;
  /** vote_producer.iost/stat runs in the blocks at multiples of this (0: never): the only heights where the list changes. */
  readonly voteInterval: number;
  /** How far (ns) a peer's block may be ahead of our clock. */
  readonly aheadNs: bigint;
  readonly sql: SqlStorage;
  /** Who has which block (durable-objects/coordinator/peers.ts). */
  readonly gossip: Gossip;
  /** This node's id in gossip headers (X-Node-Id). */
  readonly nodeId: string;
  /** Producer keys of the lists that schedule our head's child, our head and the block after LIB. */
  producerKeys(): ReadonlySet<string>;
  shards(): SyncShard[];
  /**
   * When not every shard is applied: why block `b`'s chunks of the others do not pass a check by
   * witness (witness-check.ts `checkUnheld`), or null; and the receipts the others' chunks sent the
   * applied shards `takers` (whose chunks of `height` are not placeholders) over every height those
   * chunks take in, proven (holding.ts `provenIncoming`).
   */
  checkUnheld(b: WireBlock, parent: HostBlock, p: ParsedPeerBlock): Promise<string | null>;
  incoming(height: number, parentInfo: string, takers: readonly number[]): Promise<Answer<Map<number, GivenReceipts>>>;
  /**
   * When the objects apply part of the shards (`applies`): when peer `s` is final too far above our
   * head to follow it block by block, leaps to a final block (leap.ts). Whether to pull blocks now:
   * not while the held shards are behind our head (a failed leap: the next tick syncs them first),
   * nor, on a node holding part of the shards, right after a leap (the peers' statuses are old by
   * then: the next round asks again, and leaps again if still too far). A producer pulls at once,
   * so that it makes no block on the final block it leapt to while its peers are past it.
   */
  leapIfFar(peer: string, s: PeerStatus): Promise<boolean>;
  /** Main-chain block of a height. */
  mainBlock(n: number): HostBlock | null;
  head(): HostBlock;
  lib(): number;
  /** The list that schedules the child of main block `b`. */
  witnessesAfter(b: HostBlock): string[];
  /** Main-chain block `n` from R2 once archived (durable-objects/archive.ts), with its witness list; else null. */
  archivedBlock(n: number): Promise<HostBlock | null>;
  /**
   * Store `b` (its chunks already applied by every shard) as the new head,
   * exactly as a produced block, recompute LIB and finalize the shards;
   * `txs`: each chunk's tx bytes, for the checks by witness before endorsing.
   */
  adopt(b: WireBlock, chunks: readonly Chunk[], txs: readonly Uint8Array[][]): Promise<void>;
  /**
   * Store `b` as the new head without its chunks applied (leap.ts: the held shards are synced at a
   * final block after), recompute LIB and track it for finality; no shard is called.
   */
  storeHeader(b: WireBlock): Promise<void>;
  /** Drop the main blocks above `n` (the shards already reverted to it); head = n. Never below LIB. */
  truncate(n: number): void;
  /** Cancels a production in progress (its chunks may be built on the shards); true if there was one. */
  dropProduction(): boolean;
  /** Runs `run` after every production, revert and receive queued before it. */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  /** Keeps a background task (peer pushes, pulls) alive and logs its failure. */
  background(task: Promise<unknown>): void;
  /** The endorsement tracker's height of the highest certified block `hash` descends from; -1 when not known to extend the final block. */
  certifiedHeight(hash: string): number;
  /** Whether the endorsement tracker holds block `hash`. */
  tracked(hash: string): boolean;
  /** Side blocks (lowest first, each with the list that scheduled it) into the endorsement tracker; LIB rises if that finalized something. */
  trackSide(path: TrackedBlock[]): Promise<void>;
  /** Peer `from`'s signed endorsements (unchecked), counted as if pushed; LIB rises if that finalized something. */
  takeEndorsements(list: readonly unknown[], from: string): Promise<void>;
  /** takeEndorsements from inside the exclusive turn (leap.ts). */
  countEndorsements(list: readonly unknown[], from: string): Promise<void>;
}

export interface Rejection {
  number: number;
  hash: string;
  from: string;
  reason: string;
}

/** Per-instance sync state the coordinator holds. */
export interface SyncState {
  /** The last 100 rejected blocks, newest last (/dev/status). */
  rejections: Rejection[];
  syncing: Promise<void> | null;
  /** When (Date.now, ms) peers were last asked for their status: gossip pacing, never consensus. */
  lastPoll: number;
  /** Highest head a peer of this chain reported at the last poll (-1: none). */
  bestPeerHead: number;
  /** A status round over the peers has completed since this instance started. */
  polled: boolean;
  /** A pull from a peer more than one block ahead is under way: no production meanwhile. */
  behind: boolean;
  /** A peer of our chain has answered a status round since this instance started. */
  heard: boolean;
  /** Peers that did not answer the last status round. */
  unheard: string[];
  /** Peers of our chain whose head the last status round found below ours: they get our head again (`repushHead`). */
  lagging: string[];
  /** When (Date.now, ms) the status round under way began; null: none (/dev/status: a round that never ends silences the node). */
  roundSince: number | null;
  /** The last status answers (/dev/status): when they were in, and each peer's head (null: no answer of our chain). */
  lastRound: { at: number; heads: Record<string, number | null> } | null;
}

export function newSyncState(): SyncState {
  return {
    rejections: [],
    syncing: null,
    lastPoll: -Infinity,
    bestPeerHead: -1,
    behind: false,
    polled: false,
    heard: false,
    unheard: [],
    lagging: [],
    roundSince: null,
    lastRound: null,
  };
}

const MAX_REJECTIONS = 100;
/** The side table's bounds: blocks, and bytes of their JSON (a full block is at most 8 MiB). */
export const MAX_SIDE_BLOCKS = 256;
export const MAX_SIDE_BYTES = 32 * 1024 * 1024;
/** Blocks further ahead of our head than this wait for a pull, not in the side table. */
const MAX_ORPHAN_AHEAD = 2 * MAX_RANGE;
/** How often peers' /p2p/status is asked (ms). */
export const PEER_POLL_MS = 2_000;
/** Most ranges one pull from one peer fetches. */
const MAX_PULL_ROUNDS = 200;

// ---- side table (schema.ts sideBlocks) ----------------------------------------

/** A checked side block (not an orphan) by hash. */
function sideBlock(sql: SqlStorage, hash: string, orphan = 0): ParsedPeerBlock | null {
  const rows = sql.exec<{ json: string }>("SELECT json FROM side_blocks WHERE hash = ? AND orphan = ?", hash, orphan).toArray();
  if (rows.length === 0) return null;
  const p = parsePeerBlock(JSON.parse(rows[0].json));
  if ("error" in p) throw new Error(`side block ${hash}: ${p.error}`);
  return p;
}

function putSide(sql: SqlStorage, p: ParsedPeerBlock, orphan = false, json = JSON.stringify(peerBlockJson(p))): void {
  sql.exec(
    "INSERT INTO side_blocks (hash, number, parent_hash, orphan, json) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET orphan = MIN(orphan, excluded.orphan)",
    p.block.hash,
    p.block.number,
    p.block.parentHash,
    orphan ? 1 : 0,
    json,
  );
}

/**
 * A checked peer block into the side table, within its bounds: first what LIB
 * made useless, then orphans before checked blocks, each farthest from our
 * head first.
 */
function storeSide(host: SyncHost, p: ParsedPeerBlock, orphan = false): void {
  const sql = host.sql;
  const json = JSON.stringify(peerBlockJson(p));
  pruneSide(sql, host.lib());
  const head = host.head().number;
  for (;;) {
    const { n, bytes } = sql.exec<{ n: number; bytes: number }>("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(json)), 0) AS bytes FROM side_blocks").one();
    if (n < MAX_SIDE_BLOCKS && bytes + json.length <= MAX_SIDE_BYTES) break;
    const victim = sql.exec<{ hash: string }>("SELECT hash FROM side_blocks ORDER BY orphan DESC, ABS(number - ?) DESC, hash LIMIT 1", head).toArray()[0];
    if (!victim) break;
    dropSide(sql, victim.hash);
  }
  putSide(sql, p, orphan, json);
}

function dropSide(sql: SqlStorage, hash: string): void {
  sql.exec("DELETE FROM side_blocks WHERE hash = ?", hash);
}

/** Orphans waiting for `parent`. */
function orphansOf(sql: SqlStorage, parent: string): string[] {
  return sql
    .exec<{ hash: string }>("SELECT hash FROM side_blocks WHERE parent_hash = ? AND orphan = 1 ORDER BY hash", parent)
    .toArray()
    .map((r) => r.hash);
}

/** Side blocks at or below LIB can never be adopted any more. */
export function pruneSide(sql: SqlStorage, lib: number): void {
  sql.exec("DELETE FROM side_blocks WHERE number <= ?", lib);
}

export function sideCount(sql: SqlStorage): number {
  return Number(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM side_blocks").one().n);
}

// ---- lookups -----------------------------------------------------------------

function mainByHash(host: SyncHost, number: number, hash: string): HostBlock | null {
  const b = host.mainBlock(number);
  return b !== null && b.hash === hash ? b : null;
}

/**
 * A block we hold (main chain or side) by height and hash: `witnesses` is the
 * list that schedules its child as this node knows it (`childList`; null when
 * it cannot know yet), `claimed` the list the block itself names.
 */
interface Known {
  block: HostBlock;
  witnesses: string[] | null;
  claimed: string[];
  main: boolean;
}

function known(host: SyncHost, number: number, hash: string): Known | null {
  const m = mainByHash(host, number, hash);
  if (m) {
    const w = host.witnessesAfter(m);
    return { block: m, witnesses: w, claimed: w, main: true };
  }
  const s = sideBlock(host.sql, hash);
  return s ? { block: s.block, witnesses: childList(host, s.block), claimed: s.block.witnesses, main: false } : null;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * The list that schedules the children of side block `b`, never taken on the
 * sender's word (its `witnesses` are not in the signed header, and even a
 * signed list could be a byzantine producer's fake): the parent's list, since
 * the pending list changes only in the base tx of an election block
 * (base.iost calls vote_producer.iost/stat at multiples of voteInterval).
 * Null when `b` is an election block or claims a change, as nobody executed
 * it here: its branch counts for no certificate until a reorg executes it.
 */
function childList(host: SyncHost, b: WireBlock): string[] | null {
  if (host.voteInterval > 0 && b.number % host.voteInterval === 0) return null;
  const parent = known(host, b.number - 1, b.parentHash);
  return parent?.witnesses && sameList(parent.witnesses, b.witnesses) ? parent.witnesses : null;
}

/** Blocks its witness made in a row in its slot, itself included (Tip.inSlot), walking back over held blocks. */
function inSlotOf(host: SyncHost, b: HostBlock): number {
  if (b.inSlot !== undefined) return b.inSlot;
  let count = 1;
  let cur = b;
  while (count <= host.schedule.blocksPerSlot && cur.number > 1) {
    const parent = known(host, cur.number - 1, cur.parentHash)?.block;
    if (!parent || parent.witness !== b.witness || slotOf(BigInt(parent.time), host.schedule) !== slotOf(BigInt(b.time), host.schedule)) break;
    count++;
    cur = parent;
  }
  return count;
}

function parentView(host: SyncHost, parent: HostBlock, witnesses: string[]): ParentView {
  return {
    number: parent.number,
    hash: parent.hash,
    witnesses,
    time: BigInt(parent.time),
    witness: parent.witness,
    inSlot: parent.number === 0 ? 0 : inSlotOf(host, parent),
  };
}

/** Our main-chain block `n` in wire form (chunks and tx bytes from the shards), or null (also on a node holding part of the shards). */
export async function peerBlockAt(host: SyncHost, n: number): Promise<ParsedPeerBlock | null> {
  if (n < 1 || host.holds !== null) return null; // a node holding part of the shards has no txs of the others' chunks
  const b = host.mainBlock(n) ?? (await host.archivedBlock(n));
  if (!b) return null;
  const parts = await chunkRanges(host, n, 1, 0);
  if (parts.some((p) => p.length === 0)) return null;
  const block: WireBlock = { ...wireFields(b), witnesses: host.witnessesAfter(b) };
  return { block, chunks: parts.map(([p]) => ({ chunk: p.chunk as WireChunk, txs: p.txs })) };
}

/**
 * Every shard's chunks of main blocks `from` … (at most `count`, `maxBytes` as chunkRange), a chunk
 * and its txs in one request per shard (read together, so nothing, a drop or a revert, comes between
 * them). When the objects apply part of the shards, a shard's chunks kept with the blocks first
 * (those of a shard not applied then, or dropped since: rotation.ts), then its object's from the
 * first height not kept (a shard synced has its chunks from its sync block on).
 */
async function chunkRanges(host: SyncHost, from: number, count: number, maxBytes: number): Promise<{ chunk: Chunk; txs: Uint8Array[] }[][]> {
  const applies = host.applies();
  // A block's kept chunks are one row (or one archived record) for all its shards: read once for the range, not once a shard.
  const byHeight = new Map<number, Promise<readonly KeptChunk[] | null>>();
  const keptAt = (n: number) => byHeight.get(n) ?? byHeight.set(n, host.keptChunks(n)).get(n)!;
  return Promise.all(
    host.shards().map(async (s, i) => {
      if (applies === null) return s.chunkRange(from, count, maxBytes);
      const kept = await keptRange(async (n) => keptOf(await keptAt(n), i), from, count);
      if (kept.length === count || !applies.includes(i)) return kept;
      return [...kept, ...(await s.chunkRange(from + kept.length, count - kept.length, maxBytes))];
    }),
  );
}

/** An entry of `blocks.kept`: a chunk a producer keeps with its block (its objects do not apply the shard), txs base64. */
export type KeptChunk = { chunk: Chunk; txs: string[] };

/** Shard `shard`'s chunk among a block's `kept`, as kept (txs base64); null if none. */
const keptFor = (kept: readonly KeptChunk[] | null, shard: number): KeptChunk | null => kept?.find((k) => k.chunk.shard === shard) ?? null;

/** Shard `shard`'s chunk among a block's `kept`, its txs decoded; null if none. */
export function keptOf(kept: readonly KeptChunk[] | null, shard: number): { chunk: Chunk; txs: Uint8Array[] } | null {
  const c = keptFor(kept, shard);
  return c === null ? null : { chunk: c.chunk, txs: c.txs.map((t) => base64Decode(t)) };
}

/**
 * A shard's kept chunks (`kept(n)`) of main blocks `from` … (at most `count`), up to the first not kept.
 * One height after another: archived ones come from the coordinator's cached segments, one R2 read each.
 */
export async function keptRange<T>(kept: (n: number) => Promise<T | null>, from: number, count: number): Promise<T[]> {
  const out: T[] = [];
  for (let n = from; n < from + count; n++) {
    const c = await kept(n);
    if (c === null) break;
    out.push(c);
  }
  return out;
}

/** The stored record's fields that travel (the header, its signature and totals). */
function wireFields(b: HostBlock): StoredBlock {
  return {
    number: b.number,
    hash: b.hash,
    version: b.version,
    parentHash: b.parentHash,
    txMerkleHash: b.txMerkleHash,
    txReceiptMerkleHash: b.txReceiptMerkleHash,
    info: b.info,
    witness: b.witness,
    time: b.time,
    gasUsage: b.gasUsage,
    txCount: b.txCount,
    sign: b.sign,
  };
}

/**
 * GET /p2p/blocks: up to `count` (≤ MAX_RANGE) main-chain blocks from `from`, in JSON form, at most
 * MAX_RANGE_BYTES (but one block). One chunkRange call per shard for the whole range, so a request
 * costs `shardCount` subrequests whatever its length (a block at a time cost two per shard per block).
 */
export async function peerBlocksFrom(host: SyncHost, from: number, count: number): Promise<PeerBlock[]> {
  if (host.holds !== null) return []; // it has no chunk of the shards it does not hold
  const head = host.head().number;
  const first = Math.max(0, from);
  const n = Math.min(head, first + Math.min(MAX_RANGE, count) - 1) - first + 1;
  if (n <= 0) return [];
  const ranges = await chunkRanges(host, first, n, MAX_RANGE_BYTES);
  const out: PeerBlock[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const b = host.mainBlock(first + i) ?? (await host.archivedBlock(first + i));
    if (!b || ranges.some((r) => r[i] === undefined)) break;
    const json = peerBlockJson({ block: { ...wireFields(b), witnesses: host.witnessesAfter(b) }, chunks: ranges.map((r) => r[i]) });
    bytes += JSON.stringify(json).length;
    if (out.length > 0 && bytes > MAX_RANGE_BYTES) break;
    out.push(json);
  }
  return out;
}

/** GET /p2p/blocks?shard=S (CoordinatorApi `shardChunks`): shard `shard`'s chunks of main blocks `from` …, the others null. */
export async function shardChunksFrom(
  host: SyncHost,
  from: number,
  count: number,
  shard: number,
): Promise<{ chunks: ({ chunk: Chunk; txs: string[] } | null)[] }[]> {
  if (host.holds !== null && !host.holds.includes(shard)) return [];
  const first = Math.max(0, from);
  const n = Math.min(host.head().number, first + Math.min(MAX_RANGE, count) - 1) - first + 1;
  if (n <= 0) return [];
  const applies = host.applies();
  const s = host.shards()[shard];
  // Kept chunks travel as kept (txs base64); the shard's own are encoded.
  const kept = applies === null ? [] : await keptRange(async (k) => keptFor(await host.keptChunks(k), shard), first, n);
  const own =
    kept.length === n || (applies !== null && !applies.includes(shard)) ? [] : await s.chunkRange(first + kept.length, n - kept.length, MAX_RANGE_BYTES);
  return [...kept, ...own.map((c) => ({ chunk: c.chunk, txs: c.txs.map((t) => base64Encode(t)) }))].map((c) => ({
    chunks: Array.from({ length: host.shardCount }, (_, i) => (i === shard ? c : null)),
  }));
}

export function p2pStatus(host: SyncHost): PeerStatus {
  const head = host.head();
  const lib = host.mainBlock(host.lib()) ?? head;
  const keys = host.ownKeys.length > 0 ? { keys: [...host.ownKeys] } : {};
  return { chain_id: host.chainId, head: head.number, head_hash: head.hash, head_time: head.time, lib: lib.number, lib_hash: lib.hash, ...keys };
}

// ---- fork choice ---------------------------------------------------------------

function tipOf(host: SyncHost, b: Pick<StoredBlock, "number" | "time" | "hash">): ForkTip {
  return { number: b.number, time: b.time, hash: b.hash, certified: certifiedOf(host, b.hash) };
}

/** The certificate a tip stands on: that of its nearest tracked ancestor (a branch past an unexecuted list change is not tracked). */
function certifiedOf(host: SyncHost, hash: string): number {
  let h = hash;
  while (!host.tracked(h)) {
    const s = sideBlock(host.sql, h);
    if (!s) break;
    h = s.block.parentHash;
  }
  return host.certifiedHeight(h);
}

/** Whether block `b` (held by us) beats our head: higher certificate, then IOST's rule. */
function beatsHead(host: SyncHost, b: Pick<StoredBlock, "number" | "time" | "hash">): boolean {
  return preferredTip(tipOf(host, b), tipOf(host, host.head()));
}

/**
 * Whether a peer's head is worth pulling: a head we hold as a side block is
 * judged with its certificate; an unknown one by IOST's rule alone (a peer's
 * status carries no certificate; placeOne decides once its blocks are here).
 */
function peerTipWins(host: SyncHost, tip: Pick<StoredBlock, "number" | "time" | "hash">): boolean {
  if (sideBlock(host.sql, tip.hash)) return beatsHead(host, tip);
  return preferred(tip, host.head());
}

/**
 * Side block `p` (and its side ancestors the tracker misses) as the tracker
 * takes them, lowest first: each with the list that scheduled it, which is
 * its parent's `witnesses`.
 */
function sidePath(host: SyncHost, p: ParsedPeerBlock, list: string[]): TrackedBlock[] {
  const path: TrackedBlock[] = [{ height: p.block.number, hash: p.block.hash, parent: p.block.parentHash, witnesses: list }];
  for (let cur = p.block; !host.tracked(cur.parentHash); ) {
    const s = sideBlock(host.sql, cur.parentHash);
    if (!s) break; // a main block (the tracker adds it itself) or unknown
    const parent = known(host, s.block.number - 1, s.block.parentHash);
    if (!parent?.witnesses) break;
    path.push({ height: s.block.number, hash: s.block.hash, parent: s.block.parentHash, witnesses: parent.witnesses });
    cur = s.block;
  }
  return path.reverse();
}

/** Side blocks descending from side block `hash` (itself included) with no side child: its branches' tips. */
function sideLeaves(sql: SqlStorage, hash: string): string[] {
  const out: string[] = [];
  const queue = [hash];
  while (queue.length > 0) {
    const h = queue.shift()!;
    const kids = sql.exec<{ hash: string }>("SELECT hash FROM side_blocks WHERE parent_hash = ? AND orphan = 0 ORDER BY hash", h).toArray();
    if (kids.length === 0) out.push(h);
    for (const k of kids) queue.push(k.hash);
  }
  return out;
}

/**
 * After a peer's endorsement was counted (inside the exclusive turn): if it
 * made side block `hash` certified, the best branch tip descending from it
 * becomes the head when it now beats ours (docs/FINALITY.md "Why it is live":
 * validators locked on that certificate endorse nothing on a branch without
 * it). reorgTo never goes at or below LIB. Never throws: the endorsement is
 * already counted.
 */
export async function reconsider(host: SyncHost, st: SyncState, hash: string): Promise<ReceiveResult | null> {
  try {
    const s = sideBlock(host.sql, hash);
    if (!s || host.certifiedHeight(hash) !== s.block.number) return null;
    let best: ParsedPeerBlock | null = null;
    for (const h of sideLeaves(host.sql, hash)) {
      const leaf = sideBlock(host.sql, h)!;
      if (best === null || preferredTip(tipOf(host, leaf.block), tipOf(host, best.block))) best = leaf;
    }
    if (best === null || !beatsHead(host, best.block)) return null;
    console.log(`${host.label}: block ${s.block.number} ${hash} is certified: its branch tip ${best.block.number} ${best.block.hash} beats our head`);
    const r = await reorgTo(host, st, best, "fork choice");
    return r === true ? { result: "reorg" } : r === false ? { result: "side" } : r;
  } catch (err) {
    console.error(`${host.label}: fork choice after the certificate of ${hash} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { error: errorText(err) };
  }
}

// ---- applying ------------------------------------------------------------------

/**
 * Every shard applies its chunk of `p` on top of `parent` (our head) in
 * parallel; on any error the shards that applied go back to the parent.
 * The block is stored only when every shard agreed. A node whose objects apply
 * part of the shards (`applies`: one holding part of them, a producer of several
 * groups) applies theirs only, with the receipts the others sent them from
 * peers, proven, once the others' chunks passed a check by witness.
 */
/** What a shard runs block `b`'s chunk with: the block's number, time, parent and witness, and its parent's witness and time. */
export function chunkContext(
  b: { number: number; time: string; parentHash: string; witness: string },
  parent: { witness: string; time: string },
): ChunkContext {
  return { height: b.number, time: b.time, parentHash: b.parentHash, witness: b.witness, parentWitness: parent.witness, parentTime: parent.time };
}

async function extend(host: SyncHost, p: ParsedPeerBlock, parent: HostBlock): Promise<string | null> {
  const b = p.block;
  const ctx = chunkContext(b, parent);
  const shards = host.shards();
  const held = host.applies() ?? shards.map((_, i) => i);
  let given: Map<number, GivenReceipts> | undefined;
  if (held.length < shards.length) {
    const takers = held.filter((i) => p.chunks[i].chunk.placeholder !== true);
    const [unheld, incoming] = await Promise.all([host.checkUnheld(b, parent, p), host.incoming(b.number, parent.info, takers)]);
    if (unheld !== null) return unheld;
    if ("error" in incoming) return incoming.error;
    given = incoming;
  }
  const answers = await Promise.all(
    held.map((i) => shards[i].applyChunk(ctx, p.chunks[i].txs, p.chunks[i].chunk as Chunk, given?.get(i)).catch((err: unknown) => ({ error: errorText(err) }))),
  );
  const failed = answers.map((a, k) => ("error" in a ? `shard ${held[k]}: ${a.error}` : null)).filter((x) => x !== null);
  if (failed.length > 0) {
    const undone = await Promise.all(held.filter((_, k) => !("error" in answers[k])).map((i) => shards[i].revertTo(parent.number)));
    const stuck = undone.find((a) => "error" in a);
    if (stuck) throw new Error(`chain-sync: cannot undo a refused block ${b.number} on a shard: ${(stuck as { error: string }).error}`);
    return failed.join("; ");
  }
  const chunks = p.chunks.map((c, i) => (held.includes(i) ? (answers[held.indexOf(i)] as Chunk) : (c.chunk as Chunk)));
  const txs = p.chunks.map((c) => c.txs);
  await host.adopt(b, chunks, txs);
  return null;
}

/** Every shard back to main block `n`, and the coordinator's chain too. */
export async function revertAll(host: SyncHost, n: number): Promise<void> {
  if (n < host.lib()) throw new Error(`chain-sync: refusing to revert to ${n}, below LIB ${host.lib()}`);
  const shards = host.shards();
  const answers = await Promise.all((host.applies() ?? shards.map((_, i) => i)).map((i) => shards[i].revertTo(n)));
  const bad = answers.find((a) => "error" in a);
  if (bad) throw new Error(`chain-sync: shard revert to ${n} failed: ${(bad as { error: string }).error}`);
  host.truncate(n);
}

export function reject(host: SyncHost, st: SyncState, b: { number: number; hash: string }, from: string, reason: string): { error: string } {
  console.warn(`${host.label}: rejected block ${b.number} ${b.hash} from ${from}: ${reason}`);
  st.rejections.push({ number: b.number, hash: b.hash, from, reason });
  if (st.rejections.length > MAX_REJECTIONS) st.rejections.splice(0, st.rejections.length - MAX_REJECTIONS);
  return { error: `rejected block ${b.number} ${b.hash}: ${reason}` };
}

export type ReceiveResult = { result: "known" | "adopted" | "side" | "reorg" | "orphan" } | { error: string };

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/**
 * POST /p2p/block: a block from a peer (the parsed request body; the edge
 * already checked its shape, time and signature, checked here again). Parses
 * it, then takes the coordinator's exclusive turn to place it.
 */
export async function receiveBlock(host: SyncHost, st: SyncState, json: unknown, from: string, origin: Origin = {}): Promise<ReceiveResult> {
  const p = parsePeerBlock(json, host.shardCount);
  if ("error" in p) {
    const b = json as { block?: { number?: unknown; hash?: unknown } } | null;
    const number = typeof b?.block?.number === "number" ? b.block.number : -1;
    const hash = typeof b?.block?.hash === "string" ? b.block.hash.slice(0, 64) : "?";
    console.warn(`${host.label}: rejected block ${number} ${hash} from ${from}: ${p.error}`);
    st.rejections.push({ number, hash, from, reason: p.error });
    if (st.rejections.length > MAX_REJECTIONS) st.rejections.shift();
    return { error: p.error };
  }
  host.gossip.heard(p.block.hash, origin.node, origin.to);
  const r = await host.exclusive(() => place(host, st, p, from));
  if ("result" in r && r.result === "orphan") host.background(syncFromPeers(host, st));
  return r;
}

/** Places a parsed block (inside the exclusive turn), then any waiting children it unblocks. */
async function place(host: SyncHost, st: SyncState, p: ParsedPeerBlock, from: string): Promise<ReceiveResult> {
  const r = await placeOne(host, st, p, from);
  if ("result" in r && (r.result === "adopted" || r.result === "side" || r.result === "reorg")) {
    // Blocks that arrived before this one, their parent: now placeable.
    const queue = [p.block.hash];
    while (queue.length > 0) {
      for (const h of orphansOf(host.sql, queue.shift()!)) {
        const child = sideBlock(host.sql, h, 1)!;
        dropSide(host.sql, h);
        const cr = await placeOne(host, st, child, from);
        if ("result" in cr && cr.result !== "known" && cr.result !== "orphan") queue.push(h);
      }
    }
  }
  return r;
}

async function placeOne(host: SyncHost, st: SyncState, p: ParsedPeerBlock, from: string): Promise<ReceiveResult> {
  const b = p.block;
  if (mainByHash(host, b.number, b.hash) || sideBlock(host.sql, b.hash)) return { result: "known" };
  // No memory of rejected hashes: the hash covers neither the signature nor the tx bytes, so a
  // tampered copy of a good block has the good block's hash. Each copy is judged on its own.
  const lib = host.lib();
  if (b.number <= lib) return reject(host, st, b, from, `conflicts with irreversible block ${lib}`);
  const early = aheadError(b, nowNs(), host.aheadNs);
  if (early !== null) return reject(host, st, b, from, early);
  const head = host.head();
  const parent = known(host, b.number - 1, b.parentHash);
  if (!parent) {
    if (b.number > head.number + MAX_ORPHAN_AHEAD) return { result: "orphan" }; // a pull fetches it in order
    // No schedule to check it against yet: at least a producer we know signed this very header.
    if (!host.producerKeys().has(b.witness))
      return reject(host, st, b, from, `witness ${b.witness} is not in the current, pending or irreversible witness list`);
    const bad = await signedHeaderError(b);
    if (bad !== null) return reject(host, st, b, from, bad);
    storeSide(host, p, true);
    return { result: "orphan" };
  }
  // A parent past an unexecuted list change: its claimed list schedules this block for now; executing the parent in a reorg checks that list.
  const err = await childFault(host, p, parent.block, parent.witnesses ?? parent.claimed);
  if (err !== null) return reject(host, st, b, from, err);

  if (parent.main && parent.block.hash === head.hash) {
    if (host.dropProduction()) await revertAll(host, head.number); // our own half-built block at this height gives way
    const failed = await extend(host, p, head);
    if (failed !== null) return reject(host, st, b, from, failed);
    pruneSide(host.sql, host.lib());
    relay(host, p);
    return { result: "adopted" };
  }
  storeSide(host, p);
  if (parent.witnesses) await host.trackSide(sidePath(host, p, parent.witnesses));
  if (!beatsHead(host, b)) return { result: "side" };
  const r = await reorgTo(host, st, p, from);
  return r === true ? { result: "reorg" } : r === false ? { result: "side" } : r;
}

/**
 * Why peer block `p` is not a child of `parent` scheduled by `list` (its header's hash, link, slot
 * and signature: peerBlockError; the list it hands on: shard 0's, else `list`), or null.
 */
export async function childFault(host: SyncHost, p: ParsedPeerBlock, parent: HostBlock, list: string[]): Promise<string | null> {
  const b = p.block;
  const err = await peerBlockError(b, parentView(host, parent, list), host.schedule);
  if (err !== null) return err;
  const w0 = p.chunks[0].chunk.witnesses;
  const named = w0 !== undefined && w0.length > 0 ? w0 : list;
  return named.join(",") === b.witnesses.join(",") ? null : `block ${b.number}: witnesses list is not the one its chunks and parent give`;
}

/**
 * Switches to the branch ending in side block `tip` if it forks at or above
 * LIB: the shards revert to the fork point and apply the branch in order; on a
 * failure the branch's bad block is rejected and the old branch comes back.
 * True when the branch is now the main chain, false when it cannot be
 * followed yet (a gap), the rejection when it never can.
 */
async function reorgTo(host: SyncHost, st: SyncState, tip: ParsedPeerBlock, from: string): Promise<boolean | { error: string }> {
  const branch: ParsedPeerBlock[] = [tip];
  const lib = host.lib();
  for (;;) {
    const first = branch[0].block;
    if (mainByHash(host, first.number - 1, first.parentHash)) break;
    // Its parent is not ours at a final height (side blocks there are pruned): a fork below LIB.
    if (first.number - 1 <= lib) return reject(host, st, tip.block, from, `its branch leaves ours at or below the irreversible block ${lib}`);
    const s = sideBlock(host.sql, first.parentHash);
    if (!s) return false; // a gap: the rest comes with a pull
    branch.unshift(s);
  }
  const fork = branch[0].block.number - 1;
  if (fork < lib) return reject(host, st, tip.block, from, `its branch forks at ${fork}, below the irreversible block ${lib}`);
  const head = host.head();
  const old: ParsedPeerBlock[] = [];
  // A node holding part of the shards has no txs of the others' chunks to rebuild its old branch
  // with: if the new one fails, it stays at the fork point and its peers' blocks bring it on.
  for (let n = fork + 1; host.holds === null && n <= head.number; n++) {
    const o = await peerBlockAt(host, n);
    if (!o) throw new Error(`chain-sync: main block ${n} has no chunks to keep`);
    old.push(o);
  }
  host.dropProduction();
  for (const o of old) putSide(host.sql, o);
  console.log(`${host.label}: reorg from ${head.number} ${head.hash} to ${tip.block.number} ${tip.block.hash} (fork point ${fork})`);
  await revertAll(host, fork);
  for (const p of branch) {
    const failed = await extend(host, p, host.head());
    if (failed !== null) {
      const rejected = reject(host, st, p.block, from, failed);
      dropSide(host.sql, p.block.hash); // its descendants stay unreachable until LIB prunes them
      await revertAll(host, fork);
      for (const o of old) {
        const again = await extend(host, o, host.head());
        if (again !== null) throw new Error(`chain-sync: cannot restore block ${o.block.number} after a failed reorg: ${again}`);
        dropSide(host.sql, o.block.hash);
      }
      return rejected;
    }
  }
  for (const p of branch) dropSide(host.sql, p.block.hash);
  pruneSide(host.sql, host.lib());
  relay(host, tip);
  return true;
}

// ---- pulling -----------------------------------------------------------------------

/**
 * Asks every peer for its status and pulls from those whose head is preferred
 * to ours (`peerTipWins`), best first. One at a time per instance.
 */
export function syncFromPeers(host: SyncHost, st: SyncState): Promise<void> {
  st.syncing ??= (async () => {
    st.roundSince = Date.now();
    const statuses = await Promise.all(host.peers.map(async (peer) => ({ peer, s: await peerStatus(peer) })));
    const ours = (s: PeerStatus | null): s is PeerStatus => s !== null && s.chain_id === host.chainId;
    const good = statuses.filter((x): x is { peer: string; s: PeerStatus } => ours(x.s));
    st.lastRound = { at: Date.now(), heads: Object.fromEntries(statuses.map((x) => [x.peer, ours(x.s) ? x.s.head : null])) };
    for (const { peer, s } of good) host.gossip.learn(peer, s.node_id, s.keys);
    st.bestPeerHead = good.reduce((m, x) => Math.max(m, x.s.head), -1);
    st.heard ||= good.length > 0;
    st.unheard = statuses.filter((x) => !ours(x.s)).map((x) => x.peer);
    const top = good.reduce<{ peer: string; s: PeerStatus } | null>((m, x) => (m === null || x.s.lib > m.s.lib ? x : m), null);
    if (host.applies() !== null && top !== null && !(await host.leapIfFar(top.peer, top.s))) return;
    const peerTip = (s: PeerStatus) => ({ number: s.head, time: s.head_time, hash: s.head_hash });
    good.sort((a, b) => (preferred(peerTip(a.s), peerTip(b.s)) ? -1 : preferred(peerTip(b.s), peerTip(a.s)) ? 1 : 0));
    for (const { peer, s } of good) {
      if (!peerTipWins(host, peerTip(s))) continue;
      st.behind = s.head > host.head().number + 1;
      await pullFrom(host, st, peer, peerTip(s));
    }
    st.lagging = good.filter((x) => x.s.head < host.head().number).map((x) => x.peer);
    // The endorsements that made a peer's LIB final went to us while we were away (a cut link, a
    // restart) and are not pushed again, and a resting network makes no block whose endorsements
    // would carry finality on: ask the peer with the highest LIB for them.
    if (top !== null && top.s.lib > host.lib()) await pullEndorsements(host, top.peer, Math.max(host.lib() + 1, top.s.lib));
  })().finally(() => {
    // Caught up, or that peer's chain cannot be followed (its blocks were rejected): it must not silence us.
    st.behind = false;
    st.polled = true;
    st.syncing = null;
    st.roundSince = null;
  });
  return st.syncing;
}

/** Counts `peer`'s endorsements of heights from `from` on (GET /p2p/endorsements): those that finalize its LIB and above. */
async function pullEndorsements(host: SyncHost, peer: string, from: number): Promise<void> {
  const r = await fetchEndorsements(peer, from);
  if ("error" in r) {
    console.warn(`${host.label}: endorsements from ${peer} failed: ${r.error}`);
    return;
  }
  if (r.endorsements.length > 0) await host.takeEndorsements(r.endorsements, peer);
}

/** Fetches `peer`'s main chain above our head (stepping back to a common block on a fork) until we hold a head as good as `tip`. */
async function pullFrom(host: SyncHost, st: SyncState, peer: string, tip: { number: number; time: string; hash: string }): Promise<void> {
  // From our head's height on, or the peer's head when that is not higher (an equal-height fork).
  let from = Math.min(host.head().number + 1, tip.number);
  for (let round = 0; round < MAX_PULL_ROUNDS && peerTipWins(host, tip); round++) {
    const r = await fetchBlocks(peer, from, MAX_RANGE);
    if ("error" in r) {
      console.warn(`${host.label}: pull from ${peer} failed: ${r.error}`);
      return;
    }
    if (r.blocks.length === 0) return;
    const parsed = r.blocks.map((j) => parsePeerBlock(j, host.shardCount));
    const first = parsed[0];
    if ("error" in first) {
      reject(host, st, { number: from, hash: "?" }, peer, first.error);
      return;
    }
    if (!known(host, first.block.number - 1, first.block.parentHash)) {
      // Its branch leaves ours further back: step back towards LIB.
      const lib = host.lib();
      if (from <= lib + 1) return;
      from = Math.max(lib + 1, from - MAX_RANGE);
      continue;
    }
    for (const p of parsed) {
      if ("error" in p) {
        reject(host, st, { number: -1, hash: "?" }, peer, p.error);
        return;
      }
      host.gossip.heardFrom(p.block.hash, peer);
      const res = await host.exclusive(() => place(host, st, p, peer));
      if ("error" in res) return;
    }
    from = (parsed[parsed.length - 1] as ParsedPeerBlock).block.number + 1;
  }
}

/**
 * Called on every alarm tick: every PEER_POLL_MS, asks the peers in the
 * background. Whether this node may produce now: see `caughtUp`.
 */
export function peerTick(host: SyncHost, st: SyncState): boolean {
  if (host.peers.length === 0) return true;
  const now = Date.now();
  if (now - st.lastPoll >= PEER_POLL_MS && st.syncing === null) {
    st.lastPoll = now;
    host.background(syncFromPeers(host, st));
  }
  return caughtUp(host, st);
}

/**
 * Whether this node knows the network's chain well enough to sign on it: it has
 * asked its peers once since it started, and is not pulling from a peer more
 * than one block ahead. Before that, a block it made would only be a fork it
 * then loses; worse, after a wiped store its Validators have forgotten what they
 * signed, and only heights above the network's head are surely new to them.
 */
export function caughtUp(host: SyncHost, st: SyncState): boolean {
  return host.peers.length === 0 || (st.polled && !st.behind);
}

/**
 * Whether this node may make a block nothing needs (the heartbeat): only once a peer of its chain
 * answered since it started and none reported a head above ours. A fresh node cut off from its
 * peers would otherwise make its own block 1, a fork it must leave later; a node that knows it is
 * behind would make one that loses.
 */
export function mayBeat(host: SyncHost, st: SyncState): boolean {
  return host.peers.length === 0 || (st.heard && st.bestPeerHead <= host.head().number);
}

/** Peers not heard from: they missed a push and no block push reached them since, or they did not answer the last status round. */
export function unheard(host: SyncHost, st: SyncState): string[] {
  const missed = new Set([...host.gossip.missed(host.peers), ...st.unheard]);
  return host.peers.filter((p) => missed.has(p));
}

/** Block `p` (ours or adopted) to each peer that does not have it yet, in the background. */
function relay(host: SyncHost, p: ParsedPeerBlock): void {
  const { targets, to } = host.gossip.take(p.block.hash, host.peers);
  if (targets.length > 0) host.background(pushBlock(host.gossip, targets, peerBlockJson(p), host.nodeId, to));
}

/**
 * Our head once more to the peers that missed a push (a cut link, a stopped node) and those the last
 * status round found behind, waiting for the answers: a peer that missed blocks meets an orphan and
 * pulls the range. Resting producers push nothing else, so without this a peer that was away while
 * the others finished a tx and rested would learn of it only at the next heartbeat. The status round
 * covers what gossip forgets: a restart of this object (an eviction while it rests) loses which pushes
 * failed. Whether any peer is still missed.
 */
export async function repushHead(host: SyncHost, st: SyncState): Promise<boolean> {
  const targets = new Set([...host.gossip.missed(host.peers), ...st.lagging]);
  if (targets.size === 0) return false;
  const p = await peerBlockAt(host, host.head().number);
  if (p)
    await pushBlock(
      host.gossip,
      host.peers.filter((x) => targets.has(x)),
      peerBlockJson(p),
      host.nodeId,
      [],
    );
  return host.gossip.missed(host.peers).length > 0;
}

/** Our head to `peer`, awaited (a peer asked to build on it may not have it yet: group-chunks.ts). */
export async function pushHeadTo(host: SyncHost, peer: string): Promise<void> {
  const p = await peerBlockAt(host, host.head().number);
  if (p) await pushBlock(host.gossip, [peer], peerBlockJson(p), host.nodeId, []);
}

/**
 * Our own new block, to every peer: read from the shards now (production awaits it inside its turn,
 * so a later turn, a shard's resync or drop, cannot take its chunks before it is read), sent in the
 * background (best effort).
 */
export async function pushOwn(host: SyncHost, n: number): Promise<void> {
  if (host.peers.length === 0) return;
  const p = await peerBlockAt(host, n);
  if (p) relay(host, p);
}

/**
 * Shard Durable Object (docs/ARCHITECTURE.md "The Durable Objects"): one per shard, named `shard-<i>`.
 * Holds the shard's state (a `Store` on SQLite: `state_kv` up to a checkpoint,
 * the block log above it, sql-store.ts), its mempool, the chunk it built for
 * every height with its log (state writes, undo data, events: block-log.ts),
 * the receipts and a tx index.
 *
 * Durability: every change is one SQLite transaction (`transactionSync`):
 * admitting a tx, building a chunk (execution + receipts + index + the chunk
 * row with its log + pool removal), a checkpoint, finalizing. A crash leaves
 * either all of it or none; a retried call finds the stored result (buildChunk
 * is idempotent by height, admission dedups by hash). The in-memory state
 * overlay changes only once its transaction committed.
 *
 * This class is the RPC surface and owns the transactions; the execution of a
 * chunk lives in chunk-build.ts, the views and state reads in shard-views.ts.
 *
 * Sync (issue #7): applyChunk re-executes a peer's chunk through the same
 * executeChunk as buildChunk; revertTo undoes chunks above LIB from their undo
 * data (the checks and the revert live in chunk-sync.ts).
 *
 * Reads: with one producer LIB = head (the coordinator finalizes every block it
 * stores), so `longest = true` and `false` read the same state, the head state.
 */
import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../drizzle/migrations";
import { parseFreezeList } from "../../src/contracts/freeze";
import { State } from "../../src/state/state";
import { DEFERRED } from "../../src/executor/locks";
import { readyParts } from "../../src/executor/reads";
import { basicKey, decodeValue, mapKey } from "../../src/state/storage";
import { getContract } from "../../src/query/index";
import { namesBlock, reads, type ReadArgs, type ReadName } from "../../src/query/reads";
import { listStorage, type Scan } from "../../src/query/list";
import { remoteContractShard } from "../../src/sharding/directory";
import { MAX_READ_KEYS } from "../../src/sharding/reads";
import { type CursorOf, MAX_CARRY, placeholderChunk, placeholderError, receiptsFromAfter } from "../../src/sharding/placeholder";
import type { Tx } from "../../src/tx/types";
import type {
  Admitted,
  Answer,
  BenchRows,
  Chunk,
  ChunkBody,
  ChunkContext,
  Draft,
  IostHeld,
  Json,
  MeterView,
  SeedResult,
  ShardInternal,
  ShardStatus,
  GivenReceipts,
  StateProof,
  StateProofs,
  StatePage,
  StateSyncDone,
  StateSyncTarget,
  Submitted,
} from "../api";
import { due, isArchived, markOf, rangeOf, type Mark, type Segment, SegmentReader, segmentOf } from "../archive";
import * as core from "../core";
import { blockOf, contextError, executeChunk, incomingFor, sentTo, witnessesNow, type ChunkHost, dropFromPool, PickBound } from "./chunk-build";
import { checkGivenTxs, chunkDifference, chunkId, ChunkRefused, chunkTxBytes, revertChunks, undoneAbove } from "./chunk-sync";
import { nodeConfig, peerShardName, shardIndexFromName, shardStub, type NodeConfig, type NodeEnv } from "../env";
import { MAX_POOL_TXS, MAX_TX_LIFE_NS, padNs, poolLimitPerAccount, poolOrder } from "../../src/pool/index";
import * as schema from "../schema";
import * as views from "./shard-views";
import {
  MAX_ADMIT_BATCH,
  MAX_HAND_BYTES,
  MAX_BENCH_ROWS,
  MAX_CONTRACT_RANGE,
  MAX_DRAFT_BYTES,
  MAX_LIST,
  MAX_PROOF_DEPTH,
  MAX_RANGE,
  MAX_READS,
  MAX_STATE_ROWS,
  SETTLE_SCAN,
} from "../config";
import { dropSnapshotsFrom, hasSnapshot, restoreSnapshot, takeSnapshot } from "../snapshots";
import { allOf, countEntries, meterObject } from "../meter";
import { CHECKPOINT_BLOCKS, SqlStore } from "../sql-store";
import { logText, storeChunk } from "./block-log";
import { chunkWitness, noWitnessText, sentProofsAt } from "./witness";
import type { Witness } from "../../src/state/witness";
import { sentProof, type SentProof } from "../../src/sharding/receipt-proof";
import { SETTLE } from "../../src/sharding/receipts";
import { type Decoded, DecodedPool } from "./decoded";
import { PoolIndex } from "./pool-index";
import { AppliedReceipts } from "./applied";
import { HISTORY_FROM, importState, readMark, SENT_NONE, statePage, type SyncMark } from "./state-sync";
import { rowsRate, seedAccounts } from "./bench";
import { blob, bytesOf, errorText, hex, unhex } from "../values";

type Row = Record<string, SqlStorageValue>;
/** `reads` as TypeScript can index it by a generic name (a mapped type keeps name and arguments together). */
type ReadTable = { [K in ReadName]: (s: State, time: bigint, ...a: ReadArgs<K>) => unknown };

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** Storage key (outside the tables) of a dropped shard's name (`drop`). */
const DROPPED = "dropped";
/** A store of at most this many bytes may be a dropped one: measured 8,192 (two pages) for the marker alone, 4,096 new. */
const DROPPED_MAX_BYTES = 8192;
/** shard_meta key of the pruned segments whose replay keys are not stale yet (pruneKeys). */
const KEYS_DUE = "keys_due";
type KeysDue = { from: number; to: number; time: string };

const utf8 = new TextEncoder();

/** A chunk built over its bound's cap (its witness measured): rolled back, and run again with bound `next`, fewer txs. */
class Oversize extends Error {
  override name = "Oversize";
  constructor(readonly next: PickBound) {
    super(`a chunk over ${next.cap} bytes: run again with at most ${next.maxTxs} txs`);
  }
}

export class Shard extends DurableObject<NodeEnv> implements ShardInternal {
  private readonly sql: SqlStorage;
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private readonly kv: SqlStore;
  private readonly config: NodeConfig;
  private shardIndex = 0;
  /** This object's name (`shard-<i>`, `<chain>:shard-<i>`): its peers are named after it. */
  private name = "shard-0";
  /** Cached from storage (rebuilt in the constructor after a restart). */
  private head = 0;
  private lib = 0;
  private libHash = "";
  /** The block the coordinator last named as its head (memory only; `label` falls back on the chunk context's parent or LIB). */
  private headBlock: { number: number; hash: string } | null = null;
  /** The block the last chunk built or applied here was built on (its context's parent): its hash is known here. */
  private parent: { number: number; hash: string } | null = null;
  /** The state a storage read answers while the head's block is unnamed (shard-views.ts `pastState`); dropped with every new head. */
  private past: { at: number; store: views.RangeStore; time: bigint } | null = null;
  /** `state_kv` holds the state of this height; the log rows above it are the store's overlay. */
  private checkpoint = 0;
  private headTime = 0n;
  /** The head chunk's part of the receipts cursor (src/sharding/placeholder.ts), read with the head. */
  private cursor: CursorOf = { height: 0 };
  private root: Uint8Array = new Uint8Array(0);
  private poolCount = 0;
  /** Segments pruned (and archived to R2 when bound) so far: archive.ts. */
  private mark: Mark = { next: 0, seg: 1 };
  private segments: SegmentReader | null = null;
  /** The cross-shard receipts applied above LIB (applied.ts). */
  private readonly applied: AppliedReceipts;
  private pruning = false;
  private readonly work = { chunks: 0, txs: 0, ms: 0 };
  /** The pool's txs as admission decoded them (decoded.ts). */
  private readonly decoded = new DecodedPool();
  /** The pool's order, deadlines and publishers' totals (pool-index.ts). */
  private readonly pool: PoolIndex;
  private readonly cost = meterObject(this);
  /** An import in progress (state-sync.ts): the store is partial, so nothing is read from it or built on it. */
  private syncing: SyncMark | null = null;
  /** Its store deleted by `drop` (rotation): nothing to read or build on until a sync brings a state. */
  private dropped = false;
  /** A `syncState` is running (its pages are being fetched): not to be dropped or started again meanwhile. */
  private importing = false;
  /** After a snapshot sync (state-sync.ts): the lowest height whose chunk is held, and the heights below it whose chunk sent nothing (0, none: every chunk held). */
  private history: { from: number; none: ReadonlySet<number> } = { from: 0, none: new Set() };

  constructor(ctx: DurableObjectState, env: NodeEnv) {
    super(ctx, env);
    ctx = this.ctx; // the counting storage (meter.ts), for every statement below
    this.sql = ctx.storage.sql;
    this.db = drizzle(ctx.storage, { schema });
    this.kv = new SqlStore(this.sql);
    this.pool = new PoolIndex(this.sql);
    this.applied = new AppliedReceipts(
      this.sql,
      () => this.lib,
      () => this.head,
    );
    this.config = nodeConfig(env);
    void ctx.blockConcurrencyWhile(async () => {
      // Dropped (its store deleted but this marker): no tables, no genesis, until a sync brings a state.
      // Only a new store or a dropped one is this small (a shard's has a page per table): the others never pay the read.
      const dropped = ctx.storage.sql.databaseSize <= DROPPED_MAX_BYTES ? await ctx.storage.get<string>(DROPPED) : undefined;
      if (dropped !== undefined) {
        this.dropped = true;
        this.name = dropped;
        this.shardIndex = shardIndexFromName(this.name);
        this.segments = new SegmentReader(env.ARCHIVE, this.name);
        return;
      }
      await Promise.all([migrate(this.db, migrations), core.loadVm()]);
      // Persisted on the first named access (ctx.id.name is absent in some wake-ups).
      const known = this.meta("name");
      if (known === undefined && ctx.id.name !== undefined) this.setMeta("name", ctx.id.name);
      this.name = known ?? ctx.id.name ?? "shard-0";
      this.shardIndex = shardIndexFromName(this.name);
      this.segments = new SegmentReader(env.ARCHIVE, this.name);
      this.syncing = readMark(this.sql);
      if (this.syncing !== null) return; // the coordinator resumes it (syncState)
      this.ensureGenesis();
      this.ensureTree();
      this.load();
      this.replay();
    });
  }

  private get place(): core.ShardPlace {
    return { index: this.shardIndex, count: this.config.shardCount };
  }

  /** What chunk-build.ts and shard-views.ts need of this object. */
  private host(): ChunkHost & views.ViewHost {
    const unready = this.unready();
    if (unready !== null) throw new Error(unready);
    return {
      sql: this.sql,
      db: this.db,
      kv: this.kv,
      decoded: this.decoded,
      pool: this.pool,
      config: this.config,
      place: this.place,
      head: () => this.head,
      receiptsFrom: () => receiptsFromAfter(this.cursor),
      applied: this.applied,
      lib: () => this.lib,
      segment: (height) => this.segmentAt(height),
      headTime: () => this.headTime,
      label: () => this.label(),
      past: (at) => this.pastAt(at),
      nextBlock: () => this.nextBlock(),
      // Its own receipts without an RPC: a call on itself would be counted as a request (meter.ts).
      shard: (i) =>
        i === this.shardIndex ? { outgoingOver: async (from, h, to) => this.outgoing(from, h, to) } : shardStub(this.env, peerShardName(this.name, i)),
    };
  }

  private droppedError(): string {
    return `shard-${this.shardIndex} holds nothing on this node (dropped: this node left its group)`;
  }

  /** Why nothing can be read, built, applied or reverted here now (a sync under way, or dropped: its tables partial or gone), or null. */
  private unready(): string | null {
    return this.syncing !== null ? this.syncError() : this.dropped ? this.droppedError() : null;
  }

  private syncError(): string {
    return `shard-${this.shardIndex} is syncing its state from peers (block ${this.syncing!.height}): try again later`;
  }

  private pastAt(at: number): { store: views.RangeStore; time: bigint } {
    if (this.past?.at !== at) this.past = { at, ...views.pastState(this.host(), at) };
    return this.past;
  }

  /**
   * The highest block at or below the head chunk whose hash this shard knows: the head's once the
   * coordinator named it (finalize), else the parent of the last chunk made here, or LIB. Storage
   * reads answer as of it (shard-views.ts `labelled`); none known (a fresh store): the head, hash "".
   */
  private label(): { number: number; hash: string } {
    let best = { number: this.head, hash: "" };
    const lib = this.libHash === "" ? null : { number: this.lib, hash: this.libHash };
    for (const b of [lib, this.parent, this.headBlock]) if (b !== null && b.number <= this.head && (best.hash === "" || b.number > best.number)) best = b;
    return best;
  }

  // ---- storage helpers ---------------------------------------------------

  private meta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM shard_meta WHERE key = ?", key).toArray();
    return rows.length === 0 ? undefined : rows[0].value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO shard_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  private load(): void {
    // The head is the highest chunk row: no head row to write per chunk.
    const top = this.sql
      .exec<{ height: number; time: string; state_root: string; placeholder: number | null; receipts_from: number | null }>(
        "SELECT height, time, state_root, json_extract(json, '$.placeholder') AS placeholder, json_extract(json, '$.receiptsFrom') AS receipts_from FROM chunks ORDER BY height DESC LIMIT 1",
      )
      .one();
    this.head = top.height;
    this.cursor = top.placeholder ? { height: top.height, placeholder: true, receiptsFrom: top.receipts_from ?? undefined } : { height: top.height };
    this.headBlock = null;
    this.past = null;
    if (this.parent !== null && this.parent.number > this.head) this.parent = null; // reverted away
    this.headTime = BigInt(top.time);
    this.root = unhex(top.state_root);
    // "<lib> <hash>" in one row (before: the hash in a row of its own).
    const [lib, hash] = (this.meta("lib") ?? "0").split(" ");
    this.lib = Number(lib);
    this.libHash = hash ?? this.meta("lib_hash") ?? "";
    const checkpoint = this.meta("checkpoint");
    if (checkpoint === undefined) this.setMeta("checkpoint", String(this.head)); // once: a store from before the log had it all in state_kv
    this.checkpoint = Number(checkpoint ?? this.head);
    this.poolCount = this.pool.size();
    this.mark = markOf(this.meta("archived"), this.config.archive.seg);
    this.history = { from: Number(this.meta(HISTORY_FROM) ?? 0), none: new Set(JSON.parse(this.meta(SENT_NONE) ?? "[]") as number[]) };
  }

  /**
   * Genesis state, once: applied and recorded as the chunk of height 0 in one
   * transaction, so a crash in the middle re-applies it from scratch.
   */
  private ensureGenesis(): void {
    if (this.meta("genesis") !== undefined) return;
    this.ctx.storage.transactionSync(() => {
      const genesis = core.genesisInfo(this.config.genesis);
      core.applyGenesis(this.kv, this.config.genesis, this.place);
      const root = this.kv.seal();
      this.kv.flush(); // straight into state_kv: genesis is the first checkpoint
      const chunk: Chunk = {
        shard: this.shardIndex,
        height: 0,
        time: genesis.time.toString(),
        txHashes: [],
        receiptHashes: [],
        gasUsage: "0",
        stateRoot: hex(root),
        ...witnessesNow(this.kv, this.shardIndex),
      };
      storeChunk(this.sql, chunk);
      this.setMeta("checkpoint", "0");
      this.setMeta("lib", "0");
      this.setMeta("genesis", "done");
    });
    this.kv.flushed();
  }

  /**
   * A store from before the authenticated state (migration 0008) has state but no tree: built once
   * from `state_kv` (the checkpoint's state; the overlay replays onto it). Its later chunks carry
   * the tree's root.
   */
  private ensureTree(): void {
    if (this.sql.exec("SELECT 1 FROM state_nodes LIMIT 1").toArray().length > 0) return;
    if (this.sql.exec("SELECT 1 FROM state_kv LIMIT 1").toArray().length === 0) return;
    this.ctx.storage.transactionSync(() => this.kv.buildTree());
    this.kv.flushed();
  }

  /** The store's overlay from the log rows above the checkpoint (after a start or a restore). */
  private replay(): void {
    const rows = this.sql
      .exec<{ height: number; writes: string | null }>(
        "SELECT height, writes FROM chunks WHERE height > ? AND writes IS NOT NULL ORDER BY height",
        this.checkpoint,
      )
      .toArray();
    this.kv.replay(rows.map((r) => logText(this.sql, r.height, "writes", r.writes)!));
  }

  /**
   * Every CHECKPOINT_BLOCKS heights (and before anything that needs `state_kv` whole), the overlay
   * into `state_kv` in one transaction: each key it holds once, however many heights wrote it.
   */
  private checkpointNow(): void {
    if (this.checkpoint === this.head) return;
    this.ctx.storage.transactionSync(() => {
      this.kv.flush();
      this.setMeta("checkpoint", String(this.head));
    });
    this.kv.flushed();
    this.checkpoint = this.head;
  }

  private storedChunk(height: number): Chunk | null {
    const row = this.db.select({ json: schema.chunks.json }).from(schema.chunks).where(eq(schema.chunks.height, height)).get();
    return row ? (JSON.parse(row.json) as Chunk) : null;
  }

  /** Block context for running txs on top of the head (dry runs, gas checks). */
  private nextBlock(): core.BlockInfo {
    const now = nowNs();
    const time = now > this.headTime ? now : this.headTime + 1_000_000n;
    return { number: BigInt(this.head + 1), time, parentHash: "", witness: "" };
  }

  // ---- mempool -----------------------------------------------------------

  async submitTx(fullBytes: Uint8Array, hash: string): Promise<Answer<{ hash: string }>> {
    const batch = await this.submitBatch([{ bytes: fullBytes, hash }]);
    return "error" in batch ? batch : batch.answers[0];
  }

  async submitTxs(txs: Submitted[]): Promise<Answer<Admitted>> {
    if (!Array.isArray(txs) || txs.length < 1 || txs.length > MAX_ADMIT_BATCH) {
      return { error: `invalid batch: from 1 to ${MAX_ADMIT_BATCH} txs` };
    }
    return this.submitBatch(txs);
  }

  /**
   * Admits `txs` in order in one SQLite transaction: each is checked against the pool and the
   * chain as the ones before it left them (a twin later in the batch is a duplicate, a publisher's
   * count and gas include its earlier txs), and each gets its own answer. Its writes are one
   * call's, so the output gate sends no answer before every accepted row is durable.
   */
  private async submitBatch(txs: Submitted[]): Promise<Answer<Admitted>> {
    // Before any check, so no other call interleaves between the checks and the inserts; a
    // contract publisher's auth check in admissionError may run its contract.
    await core.loadVm();
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    const wasEmpty = this.poolCount === 0;
    const added: { hash: string; held: Decoded }[] = [];
    let answers: Answer<{ hash: string }>[];
    try {
      answers = this.ctx.storage.transactionSync(() =>
        txs.map((t) => {
          const a = this.admit(t);
          if ("held" in a) {
            added.push({ hash: t.hash, held: a.held });
            return { hash: t.hash };
          }
          return a;
        }),
      );
    } catch (err) {
      // Rolled back: none of the batch is pooled.
      this.pool.forget();
      this.poolCount -= added.length;
      const error = errorText(err);
      return { answers: txs.map(() => ({ error })), first: false };
    }
    for (const a of added) this.decoded.put(a.hash, a.held);
    return { answers, first: wasEmpty && this.poolCount > 0 };
  }

  /** One tx's admission inside submitBatch's transaction: its refusal, or what the pool holds of it. */
  private admit(t: Submitted): { error: string } | { held: Decoded } {
    if (typeof t !== "object" || t === null || !(t.bytes instanceof Uint8Array) || typeof t.hash !== "string") {
      return { error: "invalid tx: bytes and hash expected" };
    }
    const { bytes: fullBytes, hash } = t;
    let tx: Tx;
    try {
      tx = core.decodeTx(fullBytes);
    } catch (err) {
      return { error: `invalid tx bytes: ${errorText(err)}` };
    }
    let key = t.key;
    let size = fullBytes.length;
    // Without the edge's key (api.ts Submitted), the id and key are computed here and the id checked.
    if (typeof key !== "string") {
      const own = core.txKeyOf(tx);
      if (own.hash !== hash) return { error: "tx hash does not match its bytes" };
      key = core.replayKey(tx);
      size = own.size;
    }
    // The duplicate checks in one call into SQLite (they were three or four).
    const seen = this.sql
      .exec<{ pooled: number; chain: number; twin: string | null; twinPooled: number }>(
        `SELECT EXISTS (SELECT 1 FROM mempool WHERE hash = ?) AS pooled,
          EXISTS (SELECT 1 FROM tx_index WHERE hash = ? AND status = 'executed') AS chain,
          k.hash AS twin, EXISTS (SELECT 1 FROM mempool WHERE hash = k.hash) AS twinPooled
        FROM (SELECT 1) LEFT JOIN tx_keys k ON k.key = ?`,
        hash,
        hash,
        key,
      )
      .one();
    if (seen.pooled) return { error: "tx exists in pending" };
    if (seen.chain) return { error: "tx exists in chain" };
    if (seen.twin !== null) {
      return { error: `tx exists in ${seen.twinPooled ? "pending" : "chain"}: ${seen.twin} has the same content and publisher signature` };
    }
    const now = nowNs();
    try {
      core.checkTxTime(tx, now);
    } catch (err) {
      return { error: errorText(err) };
    }
    if (this.poolCount >= MAX_POOL_TXS) return { error: "txpool is full" };
    // The block's own drop checks against the committed state, so no tx the next block would drop
    // uncharged (or could not charge with its pending siblings) holds a pool slot (issue 12 item 3).
    const pending = this.pool.of(tx.publisher);
    const most = poolLimitPerAccount(this.config.blockMaxTxs);
    if (pending.n >= most) return { error: `txpool is full: ${tx.publisher} has ${pending.n} pending txs, the most one account may have (${most})` };
    // Made once: the pool keeps it, and with several shards the drop checks' tx context holds it too (TxContext.ord).
    const ord = poolOrder(tx, hash);
    let refused: string | null;
    try {
      refused = core.admissionError(this.config.chainId, this.place, new State(this.kv), tx, { hash, size, ord }, this.nextBlock(), {
        count: pending.n,
        gasLimits: BigInt(pending.g),
      });
    } catch (err) {
      refused = errorText(err);
    }
    if (refused !== null) return { error: refused };
    this.sql.exec(
      "INSERT INTO mempool (hash, bytes, publisher, time, expiration, gas_limit, ord, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      hash,
      blob(fullBytes),
      tx.publisher,
      padNs(tx.time),
      padNs(tx.expiration),
      Number(tx.gasLimit),
      ord,
      Date.now(),
    );
    this.sql.exec("INSERT INTO tx_keys (key, hash) VALUES (?, ?)", key, hash);
    // As the row holds them (padNs: a time below zero is stored as zero). Before the commit, so the
    // batch's next txs count it; a rollback drops the index (submitBatch).
    this.pool.add(hash, {
      ord,
      time: BigInt(padNs(tx.time)),
      expiration: BigInt(padNs(tx.expiration)),
      publisher: tx.publisher,
      gasLimit: Number(tx.gasLimit),
    });
    this.poolCount++;
    return { held: { tx, bytes: fullBytes, size } };
  }

  async poolSize(): Promise<number> {
    return this.poolCount;
  }

  /**
   * A page of the pool's txs not expired, by hash after `after` ("" from the first): at most
   * MAX_ADMIT_BATCH of them and MAX_HAND_BYTES (one at least), their ids and full bytes, and the hash to go on
   * after (null: the last page). Rotation hands them to the peers before it drops the shard
   * (coordinator/rotation.ts `leave`); nothing is written.
   */
  async pooled(after: string): Promise<Answer<{ txs: { hash: string; bytes: Uint8Array }[]; next: string | null }>> {
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    const rows = this.sql
      .exec<{ hash: string; bytes: ArrayBuffer }>(
        "SELECT hash, bytes FROM mempool WHERE hash > ? AND expiration > ? ORDER BY hash LIMIT ?",
        after,
        padNs(nowNs()),
        MAX_ADMIT_BATCH + 1,
      )
      .toArray();
    const txs: { hash: string; bytes: Uint8Array }[] = [];
    let size = 0;
    for (const r of rows.slice(0, MAX_ADMIT_BATCH)) {
      if (txs.length > 0 && size + r.bytes.byteLength > MAX_HAND_BYTES) break;
      txs.push({ hash: r.hash, bytes: new Uint8Array(r.bytes) });
      size += r.bytes.byteLength;
    }
    return { txs, next: txs.length < rows.length ? rows[txs.length - 1].hash : null };
  }

  /**
   * Whether the next block has anything to do here: pending txs, cross-shard
   * receipts the head chunk sent, which only the next block applies (an "on-tx"
   * chain must not idle with a credit or a settlement in flight), or, the head
   * chunk a placeholder, receipts sent here since its cursor, which only this
   * shard's next real chunk takes (asked of the other shards only then).
   */
  async hasWork(): Promise<boolean> {
    if (this.unready() !== null) return false;
    if (this.poolCount > 0 || this.sql.exec("SELECT 1 FROM chunks WHERE height = ? AND sent IS NOT NULL", this.head).toArray().length > 0) return true;
    if (this.cursor.placeholder !== true) return false;
    const from = receiptsFromAfter(this.cursor);
    const others = Array.from({ length: this.config.shardCount }, (_, i) => i).filter((i) => i !== this.shardIndex);
    // A sender this node's objects do not apply (dropped by rotation) cannot say: only a hint is lost, its receipts wait for the next block.
    const sent = await Promise.all(
      others.map((i) =>
        this.host()
          .shard(i)
          .outgoingOver(from, this.head, this.shardIndex)
          .catch((): core.CrossReceipt[][] => []),
      ),
    );
    return sent.some((byHeight) => byHeight.some((run) => run.length > 0));
  }

  // ---- chunks ------------------------------------------------------------

  /**
   * Executes the chunk of `ctx.height` on top of the head, or returns the one
   * stored for that height. Everything it changes is one SQLite transaction.
   */
  async buildChunk(ctx: ChunkContext, given?: GivenReceipts): Promise<Chunk> {
    return this.cost.span(
      "chunk",
      () => this.build(ctx, given),
      (c) => this.userTxs(c),
    );
  }

  /** Chunk `chunk` of block `ctx`, its SQLite transaction committed (at `started`): the store keeps it, the work counts it. */
  private committed(chunk: Chunk, ctx: ChunkContext, started: number): Chunk {
    this.kv.keep();
    this.applied.commit(chunk.height);
    this.parent = { number: ctx.height - 1, hash: ctx.parentHash };
    this.work.chunks++;
    this.work.txs += chunk.txHashes.length;
    this.work.ms += performance.now() - started;
    return chunk;
  }

  private async build(ctx: ChunkContext, given?: GivenReceipts): Promise<Chunk> {
    const unready = this.unready();
    if (unready !== null) throw new Error(unready);
    const stored = this.storedChunk(ctx.height);
    if (stored) return stored;
    const problem = contextError(this.host(), ctx);
    if (problem !== null) throw new Error(problem);
    const { blockTime, block, parent } = blockOf(ctx);
    const [incoming] = await Promise.all([incomingFor(this.host(), ctx.height, given), core.loadVm()]);
    // A retried call may have built this height while this one waited for its peers.
    const built = this.storedChunk(ctx.height);
    if (built) return built;
    const started = performance.now();
    // With groups, producers outside the shard's group check the chunk by its witness, which must fit an answer (every producer holds shard 0).
    const bounded = (this.config.genesis.groups ?? 1) > 1 && this.shardIndex !== 0;
    for (let bound = new PickBound(this.config.blockMaxTxs, bounded ? MAX_DRAFT_BYTES : null); ; ) {
      let done = false;
      try {
        const chunk = this.ctx.storage.transactionSync(() => {
          const c = executeChunk(this.host(), ctx.height, blockTime, block, parent, incoming, null, bound);
          const fewer = bounded ? this.boundAfter(c, bound, chunkWitness(this.sql, this.kv, ctx.height, ctx.height)) : null;
          if (fewer !== null) throw new Oversize(fewer);
          return c;
        });
        done = true;
        return this.committed(chunk, ctx, started);
      } catch (err) {
        if (!(err instanceof Oversize)) throw err;
        bound = err.next;
      } finally {
        if (!done) this.pool.forget(); // rolled back: the index took the chunk's deletes
        this.kv.drop();
        this.load(); // the transaction may have rolled back: re-read the cached values
        if (this.head - this.checkpoint >= CHECKPOINT_BLOCKS) this.checkpointNow();
      }
    }
  }

  /**
   * Null when chunk `c`, just run with `bound` (inside its transaction), fits MAX_DRAFT_BYTES with its
   * txs and state witness `w`, or has no pool tx to leave out; else the bound to run it again with:
   * fewer pool txs, as many fewer as its bytes are over, at least one. What it leaves stays pooled
   * for the next chunk, as a full chunk's rest does; the chunk itself holds the cut, so whoever
   * re-executes it (from its txs or its witness) needs no rule for it.
   */
  private boundAfter(c: Chunk, bound: PickBound, w: Witness): PickBound | null {
    const bytes = utf8.encode(JSON.stringify(c)).length + bound.txsJsonBytes + utf8.encode(JSON.stringify(w)).length;
    const base = this.shardIndex === 0 ? 1 : 0;
    const taken = c.txHashes.length;
    if (bytes <= MAX_DRAFT_BYTES || taken <= base) return null;
    return new PickBound(Math.max(base, Math.min(taken - 1, Math.floor((taken * MAX_DRAFT_BYTES) / bytes))), bound.cap);
  }

  /**
   * Shard groups (docs/ARCHITECTURE.md "Shard groups"): the chunk of `ctx.height` another producer's
   * block asks of this shard's group, executed on the head as buildChunk does but in a transaction
   * rolled back, so nothing is stored and the pool keeps its txs; this node takes the chunk like
   * any peer's once the block comes. With its txs' full bytes, in chunk order; within MAX_DRAFT_BYTES with
   * its witness (`boundAfter`), a tx past it on its own left out and dropped from the pool (`dropLeft`). A chunk that would
   * run nothing (no base tx, no pooled tx, no receipt in, nothing deferred or parked due: `dueAt`) is answered `empty` without a transaction:
   * a rolled-back one is billed all the same, and an idle chain must write nothing.
   */
  async draftChunk(ctx: ChunkContext, given?: GivenReceipts): Promise<Answer<Draft>> {
    const problem = this.storedChunk(ctx.height) !== null ? `shard-${this.shardIndex}: height ${ctx.height} is built already` : contextError(this.host(), ctx);
    if (problem !== null) return { error: problem };
    const { blockTime, block, parent } = blockOf(ctx);
    if (blockTime <= this.headTime) return { error: `shard-${this.shardIndex}: block time ${blockTime} is not after the head's ${this.headTime}` };
    const [incoming] = await Promise.all([incomingFor(this.host(), ctx.height, given), core.loadVm()]);
    // `empty` gets the shard a placeholder, which the rule allows only below MAX_CARRY heights of carried receipts: at it, a chunk is drafted.
    const idle = this.shardIndex !== 0 && ctx.height - incoming.from < MAX_CARRY && this.poolCount === 0 && incoming.receipts.length === 0;
    if (idle && !this.dueAt(ctx.height)) return { empty: true };
    for (let bound = new PickBound(this.config.blockMaxTxs, MAX_DRAFT_BYTES); ; ) {
      let drafted: Draft | null = null;
      let fewer: PickBound | null = null;
      try {
        this.ctx.storage.transactionSync(() => {
          const chunk = executeChunk(this.host(), ctx.height, blockTime, block, parent, incoming, null, bound);
          // Inside the transaction the store's pending writes are the draft's: its witness is that of a stored head.
          const witness = chunkWitness(this.sql, this.kv, ctx.height, ctx.height);
          fewer = this.boundAfter(chunk, bound, witness);
          if (fewer === null) drafted = { chunk, txs: chunkTxBytes(this.sql, ctx.height), witness };
          throw new ChunkRefused("drafted"); // rolls the chunk back
        });
      } catch (err) {
        if (!(err instanceof ChunkRefused)) return { error: `shard-${this.shardIndex} height ${ctx.height}: ${errorText(err)}` };
      } finally {
        this.pool.forget(); // the index took the chunk's deletes
        this.kv.drop();
        this.load();
      }
      if (fewer === null) {
        // A tx over the cap on its own can be in no chunk: it leaves the pool with why, so no draft runs it again.
        if (drafted !== null && bound.left.size > 0) this.dropLeft(bound.left);
        return drafted ?? { error: `shard-${this.shardIndex} height ${ctx.height}: no chunk drafted` };
      }
      bound = fewer;
    }
  }

  /** Pool txs that leave it with why (`left`, each one a draft found over the cap on its own), in a transaction of their own. */
  private dropLeft(left: ReadonlyMap<string, string>): void {
    let done = false;
    try {
      this.ctx.storage.transactionSync(() => dropFromPool(this.host(), left));
      done = true;
    } finally {
      if (!done) this.pool.forget();
      this.load();
    }
  }

  /**
   * Whether the state has something to run at `height` with no tx and no receipt in: receipts
   * waiting for a lock (`x-deferred`) or parked parts due. Two rows read.
   */
  private dueAt(height: number): boolean {
    if (this.kv.get(DEFERRED) !== undefined) return true;
    const state = new State(this.kv);
    try {
      return readyParts(state, height).length > 0;
    } finally {
      state.discard();
    }
  }

  /**
   * A peer's chunk (issue #7): the same execution as buildChunk over exactly
   * `txs` instead of a pool pick, in one transaction that is rolled back unless
   * every tx checks out and runs, and the chunk comes out equal to `expected`.
   * The stored chunk is the one computed here, so this node later serves the
   * producer's chunk (same JSON).
   */
  async applyChunk(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk, given?: GivenReceipts): Promise<Answer<Chunk>> {
    return this.cost.span(
      "chunk",
      () => this.apply(ctx, txs, expected, given),
      (c) => ("error" in c ? null : this.userTxs(c)),
    );
  }

  /** A chunk's txs but shard 0's base tx, for the meter. */
  private userTxs(c: Chunk): number {
    return c.txHashes.length - (this.shardIndex === 0 && c.height > 0 ? 1 : 0);
  }

  private async apply(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk, given?: GivenReceipts): Promise<Answer<Chunk>> {
    const same = (stored: Chunk): Answer<Chunk> => {
      const diff = chunkDifference(stored, expected);
      return diff === null ? stored : { error: `shard-${this.shardIndex}: a different chunk is stored at height ${ctx.height} (${diff}): revert first` };
    };
    if (typeof expected !== "object" || expected === null || !Array.isArray(txs)) return { error: `shard-${this.shardIndex}: malformed chunk` };
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    const stored = this.storedChunk(ctx.height);
    if (stored) return same(stored);
    const problem = contextError(this.host(), ctx);
    if (problem !== null) return { error: problem };
    const { blockTime, block, parent } = blockOf(ctx);
    if (blockTime <= this.headTime) return { error: `shard-${this.shardIndex}: block time ${blockTime} is not after the head's ${this.headTime}` };
    if (expected.placeholder !== undefined) return this.applyPlaceholder(ctx, txs, expected);
    const base =
      this.shardIndex === 0
        ? { chainId: this.config.chainId, number: block.number, time: blockTime, parentWitness: parent.witness, parentTime: parent.time }
        : null;
    const checked = await checkGivenTxs(txs, { chainId: this.config.chainId, blockTime, base });
    if ("error" in checked) return { error: `shard-${this.shardIndex} height ${ctx.height}: ${checked.error}` };
    const [incoming] = await Promise.all([incomingFor(this.host(), ctx.height, given), core.loadVm()]);
    const built = this.storedChunk(ctx.height);
    if (built) return same(built);
    const started = performance.now();
    let done = false;
    try {
      const chunk = this.ctx.storage.transactionSync(() => {
        const ours = executeChunk(this.host(), ctx.height, blockTime, block, parent, incoming, checked.txs);
        const diff = chunkDifference(ours, expected);
        if (diff !== null) throw new ChunkRefused(diff);
        return ours;
      });
      done = true;
      return this.committed(chunk, ctx, started);
    } catch (err) {
      if (err instanceof ChunkRefused) return { error: `shard-${this.shardIndex} height ${ctx.height}: ${err.message}` };
      throw err;
    } finally {
      if (!done) this.pool.forget(); // rolled back: the index took the chunk's deletes
      this.kv.drop();
      this.load();
      if (this.head - this.checkpoint >= CHECKPOINT_BLOCKS) this.checkpointNow();
    }
  }

  /**
   * A placeholder (src/sharding/placeholder.ts): nothing runs, so nothing but its chunk row is
   * written (its txs none, its state root the head's, its receipts cursor carried on), once it is
   * the one the rule makes after our head.
   */
  private applyPlaceholder(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk): Answer<Chunk> {
    const head = { ...this.cursor, stateRoot: hex(this.root) };
    const emptyRoot = hex(core.receiptsRoot([]));
    const bad = txs.length > 0 ? "a placeholder carries no tx" : placeholderError(expected, head, ctx.time, emptyRoot);
    const chunk = bad === null ? placeholderChunk(head, this.shardIndex, ctx.time, emptyRoot) : null;
    if (chunk === null || expected.shard !== this.shardIndex)
      return { error: `shard-${this.shardIndex} height ${ctx.height}: ${bad ?? "not this shard's placeholder"}` };
    try {
      this.ctx.storage.transactionSync(() => storeChunk(this.sql, chunk));
      this.parent = { number: ctx.height - 1, hash: ctx.parentHash };
      return chunk;
    } finally {
      this.load();
    }
  }

  /**
   * Undoes every chunk above `height` for a reorg (chunk-sync.ts revertChunks),
   * in one transaction; refused below LIB.
   */
  async revertTo(height: number): Promise<Answer<{ head: number }>> {
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    let flushed = false;
    try {
      // The undo data applies to state_kv, so it first takes the overlay: a checkpoint at the head.
      const r = this.ctx.storage.transactionSync(() => {
        const reverted = revertChunks(this.sql, height, this.lib, this.head, Date.now(), () => {
          this.kv.flush();
          flushed = true;
        });
        if (!("error" in reverted)) {
          this.kv.revertTree(reverted.undone);
          this.setMeta("checkpoint", String(reverted.head));
        }
        return reverted;
      });
      if (flushed) this.kv.flushed();
      return "error" in r ? r : { head: r.head };
    } finally {
      this.kv.forget(); // the undo wrote state_kv and state_nodes straight
      this.pool.forget(); // and put the chunks' txs back in the pool
      this.load();
    }
  }

  // Syncing or dropped, the shard holds no chunk to serve (its tables are partial or gone).
  async chunkTxs(height: number): Promise<Uint8Array[]> {
    return this.unready() === null ? this.txBytesAt(height) : [];
  }

  async chunkAt(height: number): Promise<Chunk | null> {
    return this.unready() === null ? this.chunkOf(height) : null;
  }

  // The RPC methods' bodies, for this object's own use: a call on itself would count as a request (meter.ts).
  private async txBytesAt(height: number): Promise<Uint8Array[]> {
    const s = await this.segmentAt(height);
    return s === null ? chunkTxBytes(this.sql, height) : views.segmentTxs(s, height).map((t) => unhex(t.bytes));
  }

  private async chunkOf(height: number): Promise<Chunk | null> {
    const stored = this.storedChunk(height);
    if (stored !== null) return stored;
    const s = await this.segmentAt(height);
    return s === null ? null : (JSON.parse(s.chunks![height - rangeOf(s.k, s.seg).from]) as Chunk);
  }

  /** One call for a range of /p2p/blocks (ShardInternal.chunkRange), wherever the chunks are kept. */
  async chunkRange(from: number, count: number, maxBytes: number): Promise<{ chunk: Chunk; txs: Uint8Array[] }[]> {
    const out: { chunk: Chunk; txs: Uint8Array[] }[] = [];
    if (this.unready() !== null) return out;
    let bytes = 0;
    for (let n = from; n < from + Math.min(count, MAX_RANGE); n++) {
      const chunk = await this.chunkOf(n);
      if (chunk === null) break;
      const txs = await this.txBytesAt(n);
      bytes += txs.reduce((sum, t) => sum + t.length, 0);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push({ chunk, txs });
    }
    return out;
  }

  /** Receipts the chunks of `from` … `height` sent to shard `to`, by height, each in emission order. Rows read: one per height. */
  async outgoingOver(from: number, height: number, to: number): Promise<core.CrossReceipt[][]> {
    return this.outgoing(from, height, to);
  }

  private outgoing(from: number, height: number, to: number): core.CrossReceipt[][] {
    if (height > this.head) throw new Error(`shard-${this.shardIndex}: chunk ${height} not built yet (head ${this.head})`);
    return Array.from({ length: Math.max(0, height - from + 1) }, (_, k) => sentTo(this.sql, from + k, to));
  }

  async finalize(lib: number, libHash?: string, head?: { number: number; hash: string }): Promise<void> {
    if (head) this.headBlock = head;
    return this.cost.span(
      "finalize",
      () => this.finalizeTo(lib, libHash),
      () => 0,
    );
  }

  private async finalizeTo(lib: number, libHash?: string): Promise<void> {
    if (this.unready() !== null) return; // an import sets LIB to its block
    const target = Math.min(lib, this.head);
    if (target < this.lib || (target === this.lib && (libHash === undefined || target !== lib))) return;
    const hash = libHash !== undefined && target === lib ? libHash : this.libHash;
    this.ctx.storage.transactionSync(() => {
      this.setMeta("lib", hash === "" ? String(target) : `${target} ${hash}`);
    });
    this.lib = target;
    this.libHash = hash;
    this.applied.finalized(target);
    // LIB is stored: a failed prune (R2 down) only waits for the next rise.
    await this.prune().catch((err: unknown) => console.error(`shard-${this.shardIndex}: pruning below LIB failed: ${errorText(err)}`));
  }

  /**
   * One segment of heights (archive.ts) once all of it is the retention window below LIB: its
   * chunk rows' logs (writes, undo data, events, sent receipts) are dropped (nothing reads them
   * below LIB and the checkpoint), and
   * with an R2 bucket its chunks and the bodies and receipts of its txs move to R2, leaving each
   * tx's slim tx_index row (hash, place, status: the replay check and the lookup). Range deletes
   * on the height keys once every `seg` heights, never a scan; a crash before the transaction
   * leaves the rows, and the next LIB rise writes the same segment again.
   */
  private async prune(): Promise<void> {
    this.pruneKeys();
    const d = due(this.mark, this.lib, this.config.archive.retain);
    if (d === null || this.pruning) return;
    this.pruning = true;
    try {
      // A segment cut by a snapshot sync (state-sync.ts) would replace the whole one in R2: its rows just go.
      const toR2 = this.env.ARCHIVE !== undefined && d.from >= Number(this.meta(HISTORY_FROM) ?? 0);
      // Settled long ago (retain ≥ 4); a pending credit would still rewrite its receipt.
      if (this.sql.exec("SELECT 1 FROM tx_index WHERE height BETWEEN ? AND ? AND pending > 0 LIMIT 1", d.from, d.to).toArray().length > 0) return;
      if (toR2) await this.segments!.put(this.segmentFrom(d.k, d.from, d.to));
      // The log rows about to go (or lose their writes) must be below the checkpoint.
      if (this.checkpoint < d.to) this.checkpointNow();
      const keys = [
        ...this.keysDue(),
        { from: d.from, to: d.to, time: this.sql.exec<{ time: string }>("SELECT time FROM chunks WHERE height = ?", d.to).one().time },
      ];
      this.ctx.storage.transactionSync(() => {
        this.setMeta(KEYS_DUE, JSON.stringify(keys));
        this.sql.exec("DELETE FROM log_parts WHERE height BETWEEN ? AND ?", d.from, d.to);
        if (toR2) {
          this.sql.exec("DELETE FROM chunks WHERE height BETWEEN ? AND ?", d.from, d.to);
          // Rewritten rather than updated in place: a new rowid packs the slim rows at the table's end,
          // so the pages of the old ones empty out and are reused, instead of keeping their holes.
          this.sql.exec(
            `REPLACE INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio, pending)
             SELECT hash, status, height, idx, X'', NULL, message, gas_ratio, pending FROM tx_index WHERE height BETWEEN ? AND ? AND status = 'executed'`,
            d.from,
            d.to,
          );
        } else {
          // The chunks stay; their logs (undo data, events, sent receipts, writes below the checkpoint) are no longer read.
          this.sql.exec(
            `UPDATE chunks SET writes = NULL, undo = NULL, events = NULL, sent = NULL, reads = NULL, applied = NULL
             WHERE height BETWEEN ? AND ? AND (writes IS NOT NULL OR undo IS NOT NULL OR events IS NOT NULL OR sent IS NOT NULL OR reads IS NOT NULL OR applied IS NOT NULL)`,
            d.from,
            d.to,
          );
        }
        this.setMeta("archived", JSON.stringify({ next: d.k + 1, seg: this.mark.seg }));
      });
      this.mark = { next: d.k + 1, seg: this.mark.seg };
    } finally {
      this.pruning = false;
    }
  }

  /** Pruned segments whose txs' replay keys wait until they are stale (pruneKeys), oldest first, with their last block's time. */
  private keysDue(): KeysDue[] {
    const v = this.meta(KEYS_DUE);
    return v === undefined ? [] : (JSON.parse(v) as KeysDue[]);
  }

  /**
   * A block takes a tx at most MAX_TX_LIFE_NS after the tx's time, which is at most its own block's
   * time, and every block still to come is later than LIB. So once a pruned segment's last block is
   * that much older than LIB, none of its txs can run again: their replay keys (`tx_keys`) and the
   * records of the txs that left the pool there (expired, dropped) go, by range on the height key.
   * The slim rows of executed txs stay (the lookup by hash, "tx exists in chain").
   */
  private pruneKeys(): void {
    const list = this.keysDue();
    if (list.length === 0) return;
    const lib = this.sql.exec<{ time: string }>("SELECT time FROM chunks WHERE height = ?", this.lib).toArray()[0];
    if (lib === undefined) return;
    const n = list.filter((s) => BigInt(s.time) + MAX_TX_LIFE_NS < BigInt(lib.time)).length;
    if (n === 0) return;
    const [from, to] = [list[0].from, list[n - 1].to];
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM tx_keys WHERE hash IN (SELECT hash FROM tx_index WHERE height BETWEEN ? AND ?)", from, to);
      this.sql.exec("DELETE FROM tx_index WHERE height BETWEEN ? AND ? AND status <> 'executed'", from, to);
      this.setMeta(KEYS_DUE, JSON.stringify(list.slice(n)));
    });
  }

  /** Segment `k` (heights from…to) as stored in SQLite now. */
  private segmentFrom(k: number, from: number, to: number): Segment {
    const chunks = this.sql
      .exec<{ json: string }>("SELECT json FROM chunks WHERE height BETWEEN ? AND ? ORDER BY height", from, to)
      .toArray()
      .map((r) => r.json);
    if (chunks.length !== to - from + 1) throw new Error(`shard-${this.shardIndex}: chunks ${from}…${to} are not all stored, cannot archive them`);
    const txs = this.sql
      .exec<Row>(
        "SELECT hash, height, idx, bytes, receipt, hashed, gas_ratio FROM tx_index WHERE height BETWEEN ? AND ? AND status = 'executed' ORDER BY height, idx",
        from,
        to,
      )
      .toArray()
      .map((r) => ({
        hash: r.hash as string,
        height: r.height as number,
        idx: r.idx as number,
        bytes: hex(bytesOf(r.bytes)),
        receipt: r.receipt as string,
        ...(r.hashed === null ? {} : { hashed: r.hashed as string }),
        gasRatio: r.gas_ratio as number,
      }));
    return { format: "iost-edge/segment", version: 1, owner: this.name, seg: this.mark.seg, k, from, to, chunks, txs };
  }

  /** The R2 segment holding `height` if its chunk left SQLite (a node without R2 prunes but keeps chunks), else null. */
  private async segmentAt(height: number): Promise<Segment | null> {
    if (!isArchived(this.mark, height) || this.sql.exec("SELECT 1 FROM chunks WHERE height = ?", height).toArray().length > 0) return null;
    return this.segments!.get(segmentOf(height, this.mark.seg));
  }

  // ---- tx views (shard-views.ts) ------------------------------------------

  async getTx(hash: string): Promise<Answer<Json>> {
    return views.getTx(this.host(), hash);
  }

  async getTxReceipt(hash: string): Promise<Answer<Json>> {
    return views.getTxReceipt(this.host(), hash);
  }

  async getChunkTxs(height: number, hashed?: boolean): Promise<Json[]> {
    return views.getChunkTxs(this.host(), height, hashed);
  }

  async getChunk(height: number): Promise<{ txs: Json[]; settled: boolean }> {
    return views.getChunk(this.host(), height);
  }

  async chunkBody(at: { height: number } | { hash: string }): Promise<Answer<ChunkBody>> {
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    return views.chunkBody(this.host(), at, (n) => this.chunkOf(n));
  }

  /** /getBlockTxsByContract's share of this shard: one call for the whole range (go-iost's 100 blocks), built on getChunkTxs. */
  async txsByContract(from: number, to: number, contract: string, actionName: string): Promise<{ height: number; txs: Json[]; settled: boolean }[]> {
    const out: { height: number; txs: Json[]; settled: boolean }[] = [];
    for (let n = from; n <= Math.min(to, from + MAX_CONTRACT_RANGE, this.head); n++) {
      const chunk = await views.getChunk(this.host(), n);
      const txs = chunk.txs.filter((tx) => views.hasAction(tx, contract, actionName));
      if (txs.length > 0) out.push({ height: n, txs, settled: chunk.settled });
    }
    return out;
  }

  /** Gas ratios (×100) of the txs in the chunk of `height`, for /getGasRatio. */
  async chunkGasRatios(height: number): Promise<number[]> {
    return views.chunkGasRatios(this.host(), height);
  }

  async eventsSince(afterHeight: number): Promise<{ height: number; events: { topic: string; data: string; time: string; contract: string }[] }> {
    return views.eventsSince(this.host(), afterHeight);
  }

  // ---- dry run and state queries (shard-views.ts) -------------------------

  async execTx(fullBytes: Uint8Array, hash: string, fetched: [string, string | null][] = []): Promise<Answer<Json>> {
    return views.execTx(this.host(), fullBytes, hash, fetched);
  }

  async stateValues(keys: string[]): Promise<Answer<[string, string | null][]>> {
    if (!Array.isArray(keys) || keys.length > MAX_READ_KEYS || !keys.every((k) => typeof k === "string"))
      return { error: `keys: at most ${MAX_READ_KEYS} strings` };
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    return keys.map((k) => [k, this.kv.get(k) ?? null]);
  }

  /** A state read (src/query/reads.ts) on the head state (== LIB state with one producer, see the header comment). */
  async read<K extends ReadName>(name: K, ...args: ReadArgs<K>): Promise<Answer<Json>> {
    return this.answer(name, ...args);
  }

  /** read()'s body, for readAll (a call on itself would count as a request). */
  private answer<K extends ReadName>(name: K, ...args: ReadArgs<K>): Answer<Json> {
    // Only the edge calls this, typed; an untyped caller's name could still reach Object.prototype.
    if (!Object.hasOwn(reads, name)) return { error: `unknown read ${JSON.stringify(name)}` };
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    const read = (reads as ReadTable)[name];
    // Storage reads answer as of the block they name (shard-views.ts `labelled`); the others read the head.
    if (namesBlock.has(name))
      return views.labelled(this.host(), (store, time) => views.viewOn(store, time, (s, t) => read(s, t, ...args) as Answer<Json>) as object);
    return views.view(this.host(), (s, t) => read(s, t, ...args) as Answer<Json>);
  }

  /** Several reads of one kind in one call (/getBatchContractStorage), each answered as `read` answers it. */
  async readAll<K extends ReadName>(name: K, argsList: ReadArgs<K>[]): Promise<Answer<Json>[]> {
    const out: Answer<Json>[] = [];
    for (const args of argsList.slice(0, MAX_READS)) out.push(this.answer(name, ...args));
    return out;
  }

  async listStorage(id: string, type: "KV" | "MAP", prefix: string, from: string, to: string, limit: number) {
    return views.labelled(this.host(), (store) => {
      const scan: Scan = (start, end, n) => store.range(start, end, n);
      return { datas: listStorage(scan, id, type === "MAP" ? "MAP" : "KV", prefix, from, to, Math.max(0, Math.min(MAX_LIST, limit))) };
    });
  }

  /**
   * At LIB, not the head: the head's tree with the undo data of the heights above LIB taken back
   * (a row read per height above LIB, usually a few), so the root is final.
   */
  async proof(id: string, key: string, field: string): Promise<StateProof> {
    const unready = this.unready();
    if (unready !== null) throw new Error(unready);
    const raw = field === "" ? basicKey(id, key) : mapKey(id, key, field);
    const { value, proof } = this.kv.proveAt(raw, undoneAbove(this.sql, this.lib, this.head));
    const root = this.sql.exec<{ state_root: string }>("SELECT state_root FROM chunks WHERE height = ?", this.lib).one().state_root;
    return { key: raw, value, proof, state_root: root, shard: this.shardIndex, block_number: String(this.lib), block_hash: this.libHash };
  }

  /**
   * At a final height, LIB or up to MAX_PROOF_DEPTH below it, so that a reader whose LIB is behind
   * ours still gets a root it knows; the undo data of every height above it is read (one chunk row
   * per height) and applied once for all keys.
   */
  async proofs(keys: string[], height = this.lib): Promise<Answer<StateProofs>> {
    if (!Number.isInteger(height) || height < 0) return { error: `invalid height ${height}` };
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    if (height > this.lib) return { error: `block ${height} is not final on this node (LIB ${this.lib})` };
    if (height < this.lib - MAX_PROOF_DEPTH || isArchived(this.mark, height)) return { error: `block ${height} is too far below LIB ${this.lib} to prove` };
    const row = this.sql.exec<{ state_root: string }>("SELECT state_root FROM chunks WHERE height = ?", height).toArray()[0];
    if (row === undefined) return { error: `no chunk at height ${height}` };
    const proved = this.kv.proveAllAt(keys, undoneAbove(this.sql, height, this.head));
    return { shard: this.shardIndex, block_number: String(height), state_root: row.state_root, proofs: proved.map((p, i) => ({ key: keys[i], ...p })) };
  }

  /**
   * The state witness of the chunk of `height` (witness.ts), from MAX_PROOF_DEPTH below LIB up to
   * the head: a check before finality needs the heights above LIB, a node holding part of the shards
   * that fell behind those below (as /getProofs, which rewinds the same undo data, until it is archived).
   */
  async witnessOf(height: number, chunk?: string): Promise<Answer<Witness>> {
    // Dropped or syncing, its head and LIB say nothing of the chain: its own reason, which the asker passes over for another peer.
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    // A chunk at or below a snapshot sync's block was not run here: no undo data to rewind to its parent's state.
    const low = Math.max(1, this.lib - MAX_PROOF_DEPTH, this.history.from + 1);
    if (!Number.isSafeInteger(height) || height < low || height > this.head || isArchived(this.mark, height)) {
      return { error: noWitnessText(this.shardIndex, height, low, this.lib, this.head) };
    }
    // Below LIB every node has one chunk of a height, above it a fork may give this node another than the asker's: one of
    // the same post-state root too when neither changed the state (a placeholder there, an idle shard's chunk here), whose witness is not that chunk's.
    const ours =
      chunk === undefined
        ? chunk
        : chunkId(JSON.parse(this.sql.exec<{ json: string }>("SELECT json FROM chunks WHERE height = ?", height).one().json) as Chunk);
    if (ours !== chunk) return { error: `shard-${this.shardIndex}: its chunk of height ${height} is another (id ${ours}, not ${chunk}): a fork` };
    return chunkWitness(this.sql, this.kv, height, this.head);
  }

  /**
   * What the chunk of `height` sent to shard `to`, with its proof against the chunk's receipts root
   * (witness.ts sentProofsAt), for a node that checks `to`'s next chunk without this shard. Rows read: one.
   */
  async sentProofOf(height: number, to: number): Promise<Answer<SentProof>> {
    const p = this.sentProofsAt(height, [to]);
    return "error" in p ? p : p[0];
  }

  /** `sentProofOf` for each shard of `to`, the chunk's row read once. */
  private sentProofsAt(height: number, to: readonly number[]): Answer<SentProof[]> {
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    // LIB's own chunk is still to check (before it is final elsewhere): the receipts it took in are LIB - 1's;
    // deeper ones for a node holding part of the shards that fell behind, as witnessOf.
    // Below a snapshot sync's block no chunk is held: what sent nothing there is known from our header (state-sync.ts SENT_NONE), the rest is not.
    if (Number.isSafeInteger(height) && height >= 1 && height < this.history.from) {
      if (this.history.none.has(height)) return to.map((t) => sentProof([], t));
      return {
        error: `shard-${this.shardIndex}: no receipts proof of height ${height}: its chunks start at ${this.history.from}, where its state was synced from a peer`,
      };
    }
    const low = Math.max(1, this.lib - 1 - MAX_PROOF_DEPTH);
    if (!Number.isSafeInteger(height) || height < low || height > this.head || !to.every(Number.isSafeInteger) || isArchived(this.mark, height)) {
      return { error: `shard-${this.shardIndex}: no receipts proof of height ${height}: served from ${low} (LIB ${this.lib}) up to the head ${this.head}` };
    }
    return sentProofsAt(this.sql, height, to);
  }

  /** ShardApi.settleRuns: one chunk row read per height looked at. */
  async settleRuns(height: number, to: number, ids: string[]): Promise<Answer<{ height: number; proof: SentProof }[]>> {
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    if (!Number.isSafeInteger(height) || !Number.isSafeInteger(to) || !Array.isArray(ids)) return { error: `shard-${this.shardIndex}: invalid settles asked` };
    const due = new Set(ids.map((id) => id + SETTLE));
    const out: { height: number; proof: SentProof }[] = [];
    const last = Math.min(this.head, height + SETTLE_SCAN);
    for (let n = Math.max(height + 1, this.history.from); n <= last && due.size > 0 && !isArchived(this.mark, n); n++) {
      const [proof] = sentProofsAt(this.sql, n, [to]);
      const found = proof.receipts.filter((r) => due.delete(r.id));
      if (found.length > 0) out.push({ height: n, proof });
    }
    return out;
  }

  /**
   * GET /p2p/sent: what the chunks of `from` … `height` sent to each shard of `to`, proven as
   * `sentProofOf`, by height (each in `to` order), as many heights from `from` as fit in `maxBytes`
   * of JSON (at least one: a first height over it is refused). Rows read: one per height answered.
   */
  async sentProofsOf(from: number, height: number, to: number[], maxBytes: number): Promise<Answer<SentProof[][]>> {
    if (!Number.isSafeInteger(from) || from > height || !Array.isArray(to))
      return { error: `shard-${this.shardIndex}: invalid receipts range ${from} to ${height}` };
    const out: SentProof[][] = [];
    let bytes = 0;
    for (let n = from; n <= height; n++) {
      const runs = this.sentProofsAt(n, to);
      if ("error" in runs) return runs;
      bytes += new TextEncoder().encode(JSON.stringify(runs)).byteLength + 1;
      if (bytes > maxBytes) {
        if (out.length > 0) break;
        return { error: `shard-${this.shardIndex}: the receipts of chunk ${n} are above the cap of ${maxBytes} bytes` };
      }
      out.push(runs);
    }
    return out;
  }

  // ---- snapshot sync (state-sync.ts) ----------------------------------------

  /** A page of the state at a final height, bounded as `proofs` (the undo data of the heights above it is read once per page). */
  async statePage(height: number, after: string, limit: number): Promise<Answer<StatePage>> {
    if (!Number.isInteger(height) || height < 0) return { error: `invalid height ${height}` };
    if (typeof after !== "string" || !Number.isInteger(limit) || limit < 1 || limit > MAX_STATE_ROWS)
      return { error: `invalid limit ${limit}: 1 to ${MAX_STATE_ROWS}` };
    const unready = this.unready();
    if (unready !== null) return { error: unready };
    if (height > this.lib) return { error: `block ${height} is not final on this node (LIB ${this.lib})` };
    if (height < this.lib - MAX_PROOF_DEPTH || isArchived(this.mark, height))
      return { error: `block ${height} is too far below LIB ${this.lib} to serve its state` };
    const row = this.sql.exec<{ state_root: string }>("SELECT state_root FROM chunks WHERE height = ?", height).toArray()[0];
    if (row === undefined) return { error: `no chunk at height ${height}` };
    return { shard: this.shardIndex, height, state_root: row.state_root, ...statePage(this.sql, this.kv, height, this.head, after, limit) };
  }

  /** The coordinator's snapshot sync of this shard (ShardInternal.syncState). */
  async syncState(target: StateSyncTarget): Promise<Answer<StateSyncDone>> {
    if (this.importing) return { error: `shard-${this.shardIndex} is importing a state already` };
    if (this.syncing === null && this.head > 0) return { error: `shard-${this.shardIndex} holds a chain (head ${this.head}): nothing to sync` };
    if (this.config.peers.length === 0) return { error: `shard-${this.shardIndex}: no peers to sync from` };
    if (this.dropped) {
      // The tables again, empty; marked past genesis so a restart never applies genesis over the import.
      await Promise.all([migrate(this.db, migrations), core.loadVm()]);
      await this.ctx.storage.delete(DROPPED);
      this.setMeta("name", this.name);
      this.setMeta("genesis", "done");
      this.dropped = false;
    }
    this.syncing = readMark(this.sql) ?? { height: target.height, root: target.stateRoot, peer: 0, after: "", rows: 0, pages: 0 };
    this.kv.flushed();
    this.kv.forget(); // the import writes state_kv, state_nodes and the pool straight (pool-index.ts, sql-store.ts)
    this.pool.forget();
    this.decoded.clear();
    this.poolCount = 0;
    this.parent = null;
    this.work.chunks = this.work.txs = this.work.ms = 0;
    this.importing = true;
    const r = await importState(
      {
        sql: this.sql,
        kv: this.kv,
        shard: this.shardIndex,
        peers: this.config.peers,
        seg: this.config.archive.seg,
        transaction: (run) => this.ctx.storage.transactionSync(run),
        witnesses: () => witnessesNow(this.kv, this.shardIndex),
      },
      target,
    ).finally(() => {
      this.importing = false;
    });
    this.syncing = readMark(this.sql);
    this.kv.forget();
    this.pool.forget();
    if ("error" in r) return r;
    this.applied.reset(); // the chunk rows are the imported chain's, whatever the head's height
    this.load();
    this.replay();
    return r;
  }

  async drop(): Promise<Answer<{ dropped: true; tables: number }>> {
    if (this.importing) return { error: `shard-${this.shardIndex} is importing a state: drop it after` };
    // Before the tables go: a call interleaving with the deletion is refused, never meets a missing table.
    this.dropped = true;
    await this.ctx.storage.deleteAll();
    // One row, so that an object started again (any call wakes one) does not make genesis's rows anew.
    await this.ctx.storage.put(DROPPED, this.name);
    this.syncing = null;
    this.kv.forget();
    this.pool.forget();
    this.decoded.clear();
    this.applied.reset(); // a later sync may bring the head back to the very height it read its rows at
    this.poolCount = 0;
    this.head = this.lib = this.checkpoint = 0;
    this.libHash = "";
    this.headBlock = this.parent = this.past = null;
    this.root = new Uint8Array(0);
    this.history = { from: 0, none: new Set() };
    const tables = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
      .one().n;
    return { dropped: true, tables };
  }

  /** The shard a contract lives on, as this shard knows it: here, another (its directory), or null. */
  async contractShard(id: string): Promise<number | null> {
    return views.view(this.host(), (s) => (getContract(s, id) !== null ? this.place.index : remoteContractShard(s, this.place, id)));
  }

  // ---- dev snapshots (the coordinator calls these with production paused) ----

  async snapshot(id: number): Promise<void> {
    this.ctx.storage.transactionSync(() => takeSnapshot(this.sql, id));
  }

  async hasSnapshot(id: number): Promise<boolean> {
    return hasSnapshot(this.sql, id);
  }

  /** Back to snapshot `id` (state, pool, chunks, tx index, receipts, head/LIB); false if it is not held here. */
  async revert(id: number): Promise<boolean> {
    const done = this.ctx.storage.transactionSync(() => restoreSnapshot(this.sql, id));
    this.decoded.clear();
    this.pool.forget();
    this.parent = null; // named by a chunk context the restored chain may not share
    this.applied.reset(); // its head may be the same height as before
    this.load(); // head, LIB, root and pool size are cached
    this.replay();
    return done;
  }

  /** After every object reverted: snapshot `id` and later ones are consumed. */
  async dropSnapshots(id: number): Promise<void> {
    this.ctx.storage.transactionSync(() => dropSnapshotsFrom(this.sql, id));
  }

  // ---- for tests and operators ------------------------------------------

  /** Head height, LIB, pool size and state root: a cheap health view. */
  async status(): Promise<ShardStatus> {
    const s = this.syncing;
    return {
      shard: this.shardIndex,
      head: this.head,
      lib: this.lib,
      pool: this.poolCount,
      stateRoot: hex(this.root),
      work: { ...this.work },
      ...(s === null ? {} : { syncing: { height: s.height, rows: s.rows, pages: s.pages } }),
      ...(this.dropped ? { dropped: true } : {}),
    };
  }

  async meter(): Promise<MeterView> {
    return this.cost.view(this.name);
  }

  /**
   * Every `iost` balance and frozen balance held on this shard at its head (smallest units), and the
   * token's supply record if this shard keeps it: the conservation check of the adversarial suite
   * (/dev/supply; the in-memory chain's SimChain.totalIost). A full scan, so dev only.
   */
  async iostHeld(): Promise<IostHeld> {
    let held = 0n;
    let supply: string | null = null;
    const wanted = (key: string) => (key.startsWith("m-token.iost-T") && key.endsWith("-iost")) || key === "m-token.iost-TIiost-supply";
    const values = new Map<string, string | null>();
    const rows = this.sql.exec<{ key: string; value: string }>(
      "SELECT key, value FROM state_kv WHERE key LIKE 'm-token.iost-T%-iost' OR key = 'm-token.iost-TIiost-supply'",
    );
    for (const { key, value } of rows) values.set(key, value);
    for (const [key, value] of this.kv.overlaid()) if (wanted(key)) values.set(key, value);
    for (const [key, value] of values) {
      if (value === null) continue;
      const v = decodeValue(value)?.value;
      if (key === "m-token.iost-TIiost-supply" && v?.t === "i") supply = v.v.toString();
      else if (key.startsWith("m-token.iost-TB") && v?.t === "i") held += v.v;
      else if (key.startsWith("m-token.iost-TF") && v?.t === "j") for (const f of parseFreezeList(v.v)) held += f.Amount;
    }
    return { shard: this.shardIndex, head: this.head, held: held.toString(), supply };
  }

  // ---- dev measuring aids (shard/bench.ts) --------------------------------

  async benchRows(n: number): Promise<Answer<BenchRows>> {
    if (!this.config.dev) return { error: 'dev only (DEV is not "true")' };
    if (!Number.isInteger(n) || n < 1 || n > MAX_BENCH_ROWS) return { error: `invalid n ${n}: an integer from 1 to ${MAX_BENCH_ROWS}` };
    return rowsRate(this.sql, (run) => this.ctx.storage.transactionSync(run), n);
  }

  async seedAccounts(template: string, from: number, count: number): Promise<Answer<SeedResult>> {
    if (!this.config.dev) return { error: 'dev only (DEV is not "true")' };
    try {
      return seedAccounts(this.sql, this.kv, (run) => this.ctx.storage.transactionSync(run), this.place, hex(this.root), template, from, count);
    } finally {
      this.kv.forget(); // rows written straight into state_kv
    }
  }
}

countEntries(
  Shard,
  allOf<ShardInternal>()([
    "submitTx",
    "submitTxs",
    "poolSize",
    "pooled",
    "hasWork",
    "buildChunk",
    "draftChunk",
    "applyChunk",
    "revertTo",
    "chunkTxs",
    "chunkAt",
    "chunkRange",
    "statePage",
    "syncState",
    "drop",
    "outgoingOver",
    "finalize",
    "getTx",
    "getTxReceipt",
    "getChunkTxs",
    "getChunk",
    "chunkBody",
    "chunkGasRatios",
    "eventsSince",
    "execTx",
    "stateValues",
    "read",
    "readAll",
    "txsByContract",
    "listStorage",
    "proof",
    "proofs",
    "witnessOf",
    "sentProofOf",
    "sentProofsOf",
    "settleRuns",
    "contractShard",
    "snapshot",
    "hasSnapshot",
    "revert",
    "dropSnapshots",
    "status",
    "iostHeld",
    "benchRows",
    "seedAccounts",
  ] as const),
);

/**
 * Shard Durable Object (ARCHITECTURE §2–§3): one per shard, named `shard-<i>`.
 * Holds the shard's state (a `Store` on SQLite), its mempool, the chunk it
 * built for every height with the receipts, a tx index, per-height undo
 * records above LIB and the events for /subscribe.
 *
 * Durability: every change is one SQLite transaction (`transactionSync`):
 * admitting a tx, building a chunk (execution + receipts + index + undo + state
 * root + events + pool removal), finalizing. A crash leaves either all of it
 * or none; a retried call finds the stored result (buildChunk is idempotent by
 * height, admission dedups by hash).
 *
 * Sync (issue #7): applyChunk re-executes a peer's chunk through the same
 * executeChunk as buildChunk; revertTo undoes chunks above LIB from the undo
 * records (the checks and the revert live in chunk-sync.ts).
 *
 * Reads: with one producer LIB = head (the coordinator finalizes every block it
 * stores), so `longest = true` and `false` read the same state, the head state.
 */
import { DurableObject } from "cloudflare:workers";
import { asc, eq, gt, and, lte } from "drizzle-orm";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../drizzle/migrations";
import { base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import { stateRoot } from "../src/state/root";
import { ShardState } from "../src/sharding/guard";
import { State } from "../src/state/state";
import { captureLogs } from "../src/vm/console";
import type { Tx, TxReceipt } from "../src/tx/types";
import type { Answer, Chunk, ChunkContext, Json, ShardStatus } from "./api";
import * as core from "./core";
import { checkGivenTxs, chunkDifference, ChunkRefused, chunkTxBytes, recordSettleUndo, replayError, revertChunks, takeFromPool, type GivenTx } from "./chunk-sync";
import * as pob from "../src/query/pob";
import { nodeConfig, peerShardName, shardIndexFromName, shardStub, type NodeConfig, type NodeEnv, type ShardInternal } from "./env";
import {
  expiryReason,
  MAX_BLOCK_GAS,
  MAX_POOL_TXS,
  MAX_TX_LIFE_NS,
  padNs,
  poolOrder,
} from "./mempool";
import * as schema from "./schema";
import { dropSnapshotsFrom, hasSnapshot, restoreSnapshot, takeSnapshot } from "./snapshots";
import { SqlStore } from "./sql-store";

type Row = Record<string, SqlStorageValue>;

interface ChunkEvent {
  topic: string;
  contract: string;
  data: string;
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string): Uint8Array => new Uint8Array((s.match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** A Uint8Array as the ArrayBuffer SQLite binds as a BLOB (exactly its bytes). */
function blob(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

function bytesOf(value: SqlStorageValue | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error("expected a blob");
}

/** A JSON-shaped copy with plain prototypes (DO RPC cannot clone null-prototype objects). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
  private headTime = 0n;
  private root: Uint8Array = new Uint8Array(0);
  private poolCount = 0;
  private readonly work = { chunks: 0, txs: 0, ms: 0 };

  constructor(ctx: DurableObjectState, env: NodeEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.db = drizzle(ctx.storage, { schema });
    this.kv = new SqlStore(this.sql);
    this.config = nodeConfig(env);
    void ctx.blockConcurrencyWhile(async () => {
      await Promise.all([migrate(this.db, migrations), core.loadVm()]);
      // Persisted on the first named access (ctx.id.name is absent in some wake-ups).
      const known = this.meta("name");
      if (known === undefined && ctx.id.name !== undefined) this.setMeta("name", ctx.id.name);
      this.name = known ?? ctx.id.name ?? "shard-0";
      this.shardIndex = shardIndexFromName(this.name);
      this.ensureGenesis();
      this.load();
    });
  }

  private get place(): core.ShardPlace {
    return { index: this.shardIndex, count: this.config.shardCount };
  }

  // ---- storage helpers ---------------------------------------------------

  private meta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM shard_meta WHERE key = ?", key).toArray();
    return rows.length === 0 ? undefined : rows[0].value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(
      "INSERT INTO shard_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  private load(): void {
    this.head = Number(this.meta("head") ?? "0");
    this.lib = Number(this.meta("lib") ?? "0");
    this.headTime = BigInt(this.meta("head_time") ?? "0");
    this.root = unhex(this.meta("root") ?? "");
    this.poolCount = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM mempool").one().n;
  }

  /**
   * Genesis state, once: applied and recorded as the chunk of height 0 in one
   * transaction, so a crash in the middle re-applies it from scratch.
   */
  private ensureGenesis(): void {
    if (this.meta("genesis") !== undefined) return;
    this.ctx.storage.transactionSync(() => {
      const genesis = core.genesisInfo(this.config.genesis);
      const root = core.applyGenesis(this.kv, this.config.genesis, this.place);
      const chunk: Chunk = {
        shard: this.shardIndex,
        height: 0,
        time: genesis.time.toString(),
        txHashes: [],
        receiptHashes: [],
        gasUsage: "0",
        stateRoot: hex(root),
        ...this.witnessesNow(),
      };
      this.storeChunk(chunk);
      this.setMeta("root", hex(root));
      this.setMeta("head", "0");
      this.setMeta("head_time", genesis.time.toString());
      this.setMeta("lib", "0");
      this.setMeta("genesis", "done");
    });
  }

  /** Shard 0: the chunk's `witnesses`, vote_producer.iost's pending list in the committed state (none if empty). */
  private witnessesNow(): { witnesses?: string[] } {
    if (this.shardIndex !== 0) return {};
    const state = new State(this.kv);
    try {
      const list = core.pendingWitnesses(state);
      return list.length > 0 ? { witnesses: [...list] } : {};
    } finally {
      state.discard();
    }
  }

  private storeChunk(chunk: Chunk): void {
    this.sql.exec(
      "INSERT INTO chunks (height, time, state_root, json) VALUES (?, ?, ?, ?)",
      chunk.height,
      chunk.time,
      chunk.stateRoot,
      JSON.stringify(chunk),
    );
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
    let tx: Tx;
    try {
      tx = core.decodeTx(fullBytes);
    } catch (err) {
      return { error: `invalid tx bytes: ${errorText(err)}` };
    }
    if (core.txHashOf(tx) !== hash) return { error: "tx hash does not match its bytes" };
    if (this.sql.exec("SELECT 1 FROM mempool WHERE hash = ?", hash).toArray().length > 0) return { error: "tx exists in pending" };
    if (this.sql.exec("SELECT 1 FROM tx_index WHERE hash = ? AND status = 'executed'", hash).toArray().length > 0) {
      return { error: "tx exists in chain" };
    }
    const key = core.replayKey(tx);
    const twin = this.sql.exec<Row>("SELECT hash FROM tx_keys WHERE key = ?", key).toArray();
    if (twin.length > 0) {
      const pending = this.sql.exec("SELECT 1 FROM mempool WHERE hash = ?", twin[0].hash).toArray().length > 0;
      return { error: `tx exists in ${pending ? "pending" : "chain"}: ${twin[0].hash as string} has the same content and publisher signature` };
    }
    const now = nowNs();
    try {
      core.checkTxTime(tx, now);
    } catch (err) {
      return { error: errorText(err) };
    }
    if (this.poolCount >= MAX_POOL_TXS) return { error: "txpool is full" };
    try {
      core.checkPublisherGas(new State(this.kv), tx, this.nextBlock());
    } catch (err) {
      return { error: errorText(err) };
    }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO mempool (hash, bytes, publisher, time, expiration, gas_limit, ord, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        hash,
        blob(fullBytes),
        tx.publisher,
        padNs(tx.time),
        padNs(tx.expiration),
        Number(tx.gasLimit),
        poolOrder(tx, hash),
        Date.now(),
      );
      this.sql.exec("INSERT INTO tx_keys (key, hash) VALUES (?, ?)", key, hash);
    });
    this.poolCount++;
    return { hash };
  }

  async poolSize(): Promise<number> {
    return this.poolCount;
  }

  /**
   * Whether the next block has anything to do here: pending txs, or cross-shard
   * receipts the head chunk sent, which only the next block applies (an "on-tx"
   * chain must not idle with a credit or a settlement in flight).
   */
  async hasWork(): Promise<boolean> {
    return this.poolCount > 0 || this.sql.exec("SELECT 1 FROM receipts_out WHERE height = ? LIMIT 1", this.head).toArray().length > 0;
  }

  // ---- chunks ------------------------------------------------------------

  /**
   * Executes the chunk of `ctx.height` on top of the head, or returns the one
   * stored for that height. Everything it changes is one SQLite transaction.
   */
  async buildChunk(ctx: ChunkContext): Promise<Chunk> {
    const stored = this.storedChunk(ctx.height);
    if (stored) return stored;
    const problem = this.contextError(ctx);
    if (problem !== null) throw new Error(problem);
    const { blockTime, block, parent } = this.blockOf(ctx);
    const [incoming] = await Promise.all([this.incomingFor(ctx.height), core.loadVm()]);
    // A retried call may have built this height while this one waited for its peers.
    const built = this.storedChunk(ctx.height);
    if (built) return built;
    const started = performance.now();
    try {
      const chunk = this.ctx.storage.transactionSync(() => this.executeChunk(ctx.height, blockTime, block, parent, incoming, null));
      this.work.chunks++;
      this.work.txs += chunk.txHashes.length;
      this.work.ms += performance.now() - started;
      return chunk;
    } finally {
      this.load(); // the transaction may have rolled back: re-read the cached values
    }
  }

  /** Why a chunk of `ctx` cannot be executed on the head now, or null. */
  private contextError(ctx: ChunkContext): string | null {
    if (ctx.height !== this.head + 1) return `shard-${this.shardIndex}: cannot build height ${ctx.height}, head is ${this.head}`;
    if (!/^[0-9]{1,20}$/.test(ctx.time) || !/^[0-9]{1,20}$/.test(ctx.parentTime ?? "")) {
      return `shard-${this.shardIndex}: invalid chunk context times ${JSON.stringify(ctx.time)}, ${JSON.stringify(ctx.parentTime)}`;
    }
    return null;
  }

  private blockOf(ctx: ChunkContext): { blockTime: bigint; block: core.BlockInfo; parent: core.ParentInfo } {
    const blockTime = BigInt(ctx.time);
    return {
      blockTime,
      parent: { witness: ctx.parentWitness, time: BigInt(ctx.parentTime) },
      block: { number: BigInt(ctx.height), time: blockTime, parentHash: ctx.parentHash, witness: ctx.witness },
    };
  }

  /**
   * A peer's chunk (issue #7): the same execution as buildChunk over exactly
   * `txs` instead of a pool pick, in one transaction that is rolled back unless
   * every tx checks out and runs, and the chunk comes out equal to `expected`.
   * The stored chunk is the one computed here, so this node later serves the
   * producer's chunk (same JSON).
   */
  async applyChunk(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk): Promise<Answer<Chunk>> {
    const same = (stored: Chunk): Answer<Chunk> => {
      const diff = chunkDifference(stored, expected);
      return diff === null ? stored : { error: `shard-${this.shardIndex}: a different chunk is stored at height ${ctx.height} (${diff}): revert first` };
    };
    if (typeof expected !== "object" || expected === null || !Array.isArray(txs)) return { error: `shard-${this.shardIndex}: malformed chunk` };
    const stored = this.storedChunk(ctx.height);
    if (stored) return same(stored);
    const problem = this.contextError(ctx);
    if (problem !== null) return { error: problem };
    const { blockTime, block, parent } = this.blockOf(ctx);
    if (blockTime <= this.headTime) return { error: `shard-${this.shardIndex}: block time ${blockTime} is not after the head's ${this.headTime}` };
    const base = this.shardIndex === 0 ? { chainId: this.config.chainId, number: block.number, time: blockTime, parentWitness: parent.witness, parentTime: parent.time } : null;
    const checked = await checkGivenTxs(txs, { chainId: this.config.chainId, blockTime, base });
    if ("error" in checked) return { error: `shard-${this.shardIndex} height ${ctx.height}: ${checked.error}` };
    const [incoming] = await Promise.all([this.incomingFor(ctx.height), core.loadVm()]);
    const built = this.storedChunk(ctx.height);
    if (built) return same(built);
    const started = performance.now();
    try {
      const chunk = this.ctx.storage.transactionSync(() => {
        const ours = this.executeChunk(ctx.height, blockTime, block, parent, incoming, checked.txs);
        const diff = chunkDifference(ours, expected);
        if (diff !== null) throw new ChunkRefused(diff);
        return ours;
      });
      this.work.chunks++;
      this.work.txs += chunk.txHashes.length;
      this.work.ms += performance.now() - started;
      return chunk;
    } catch (err) {
      if (err instanceof ChunkRefused) return { error: `shard-${this.shardIndex} height ${ctx.height}: ${err.message}` };
      throw err;
    } finally {
      this.load();
    }
  }

  /**
   * Undoes every chunk above `height` for a reorg (chunk-sync.ts revertChunks),
   * in one transaction; refused below LIB.
   */
  async revertTo(height: number): Promise<Answer<{ head: number }>> {
    try {
      const r = this.ctx.storage.transactionSync(() => revertChunks(this.sql, height, this.lib, this.head, Date.now()));
      return "error" in r ? r : { head: r.head };
    } finally {
      this.load();
    }
  }

  async chunkTxs(height: number): Promise<Uint8Array[]> {
    return chunkTxBytes(this.sql, height);
  }

  async chunkAt(height: number): Promise<Chunk | null> {
    return this.storedChunk(height);
  }

  /**
   * The chunk inputs that come from other shards: every receipt the chunks of
   * `height - 1` sent to this shard, in source shard order. They are stored
   * there before block `height - 1` exists, so this read is the same on every
   * retry of `height` (a rebuilt chunk sees the same inputs).
   */
  private async incomingFor(height: number): Promise<core.CrossReceipt[]> {
    if (this.config.shardCount === 1 || height <= 1) return [];
    const batches = await Promise.all(
      Array.from({ length: this.config.shardCount }, (_, i) =>
        i === this.shardIndex ? this.outgoingFor(height - 1, i) : shardStub(this.env, peerShardName(this.name, i)).outgoingFor(height - 1, this.shardIndex),
      ),
    );
    return batches.flat();
  }

  /** Receipts the chunk of `height` sent to shard `to`, in emission order. */
  async outgoingFor(height: number, to: number): Promise<core.CrossReceipt[]> {
    if (height > this.head) throw new Error(`shard-${this.shardIndex}: chunk ${height} not built yet (head ${this.head})`);
    return this.sql
      .exec<{ json: string }>("SELECT json FROM receipts_out WHERE height = ? AND to_shard = ? ORDER BY seq", height, to)
      .toArray()
      .map((r) => JSON.parse(r.json) as core.CrossReceipt);
  }

  private recordLeft(hash: string, status: "expired" | "dropped", bytes: SqlStorageValue, gasRatio: number, message: string): void {
    this.sql.exec(
      `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio) VALUES (?, ?, NULL, NULL, ?, NULL, ?, ?)
       ON CONFLICT(hash) DO UPDATE SET status = excluded.status, message = excluded.message`,
      hash,
      status,
      bytes,
      message,
      gasRatio,
    );
    this.sql.exec("DELETE FROM mempool WHERE hash = ?", hash);
    // Never executed: the same content may come again (e.g. after its publisher's key is fixed).
    this.sql.exec("DELETE FROM tx_keys WHERE hash = ?", hash);
  }

  /**
   * One height's execution, for both paths: `given` null picks txs from the pool
   * (dropping what fails, stopping at the limits); `given` runs exactly those txs
   * (a peer's chunk, checked by checkGivenTxs) and throws ChunkRefused for any tx
   * that cannot be in this chain's block, rolling the transaction back.
   */
  private executeChunk(height: number, blockTime: bigint, block: core.BlockInfo, parent: core.ParentInfo, incoming: core.CrossReceipt[], given: GivenTx[] | null): Chunk {
    // A revert may have moved the head while the caller awaited its peers.
    if (height !== this.head + 1) throw new Error(`shard-${this.shardIndex}: cannot build height ${height}, head is ${this.head}`);
    // 1. Expire: a tx that can no longer enter any block leaves with a status.
    const expired = this.sql
      .exec<Row>(
        "SELECT hash, bytes, time, expiration FROM mempool WHERE expiration <= ? OR time < ?",
        padNs(blockTime),
        padNs(blockTime - MAX_TX_LIFE_NS),
      )
      .toArray();
    for (const row of expired) {
      const reason = expiryReason(BigInt(row.time as string), BigInt(row.expiration as string), blockTime) ?? "tx expired in the pool";
      const tx = core.decodeTx(bytesOf(row.bytes));
      this.recordLeft(row.hash as string, "expired", row.bytes, Number(tx.gasRatio), reason);
    }

    const state = new ShardState(this.kv, this.place);
    const txHashes: string[] = [];
    const receiptHashes: string[] = [];
    const events: ChunkEvent[] = [];
    const outgoing: core.CrossReceipt[] = [];
    let gas = 0n;

    // 2. Shard 0 (the consensus shard): the base tx opens every block after genesis, as tx 0
    // (rewards, produced/missed counts, elections: src/consensus/base-tx.ts).
    if (this.shardIndex === 0 && height >= 1) {
      const run = captureLogs(this.config.dev, () => core.executeBase(this.config.chainId, this.place, state, block, parent));
      for (const l of run.logs) console.log(`[${l.contract} base ${height}] ${l.level}: ${l.text}`);
      const base = run.value;
      txHashes.push(base.hash);
      receiptHashes.push(base58Encode(sha3(core.receiptBytes(base.receipt))));
      gas += base.receipt.gasUsage;
      outgoing.push(...base.outgoing);
      this.sql.exec(
        `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio, pending) VALUES (?, 'executed', ?, 0, ?, ?, '', ?, ?)`,
        base.hash,
        height,
        blob(base.bytes),
        JSON.stringify(core.receiptToJson(base.receipt)),
        Number(base.tx.gasRatio),
        base.outgoing.filter(core.awaitsSettle).length,
      );
      for (const r of base.receipt.receipts) events.push({ topic: "CONTRACT_RECEIPT", contract: r.funcName.split("/")[0], data: r.content });
      for (const e of base.events) events.push(e);
    }

    // 3. Cross-shard receipts: they are inputs of this height (docs/SHARDING.md).
    const inc = core.applyIncoming(this.config.chainId, this.place, state, block, incoming, (id) => this.sql.exec("SELECT 1 FROM receipts_applied WHERE id = ?", id).toArray().length > 0);
    for (const id of inc.applied) this.sql.exec("INSERT INTO receipts_applied (id, height) VALUES (?, ?)", id, height);
    for (const settled of inc.settled) this.settle(settled, height);
    outgoing.push(...inc.outgoing);

    // 4. Pick and execute in pool order (§3.4 limits), or run the given txs.
    const candidates: { hash: string; publisher: string; bytes: SqlStorageValue; given?: GivenTx }[] =
      given === null
        ? this.sql
            .exec<Row>("SELECT hash, bytes, publisher FROM mempool WHERE time <= ? ORDER BY ord LIMIT 2000", padNs(blockTime))
            .toArray()
            .map((r) => ({ hash: r.hash as string, publisher: r.publisher as string, bytes: r.bytes }))
        : given.filter((g) => !g.base).map((g) => ({ hash: g.hash, publisher: g.tx.publisher, bytes: blob(g.bytes), given: g }));
    if (given !== null && given.some((g) => g.base) !== txHashes.length > 0) throw new ChunkRefused("base tx mismatch");
    const perPublisher = new Map<string, number>();
    for (const row of candidates) {
      const hash = row.hash;
      const g = row.given;
      if (g === undefined) {
        // Producer policy, not validity: a peer's block is not held to this node's limits.
        if (txHashes.length >= this.config.blockMaxTxs) break;
        if ((perPublisher.get(row.publisher) ?? 0) >= this.config.blockMaxTxsPerPublisher) continue;
        perPublisher.set(row.publisher, (perPublisher.get(row.publisher) ?? 0) + 1);
      } else {
        const replay = replayError(this.sql, g);
        if (replay !== null) throw new ChunkRefused(replay);
      }
      const tx = g?.tx ?? core.decodeTx(bytesOf(row.bytes));

      const depth = state.depth;
      state.checkpoint();
      let result: core.ExecResult;
      try {
        // Contract console lines: dev log only, never part of the chunk (src/vm/console.ts).
        const run = captureLogs(this.config.dev, () => core.executeTx(this.config.chainId, this.place, state, tx, hash, block));
        for (const l of run.logs) console.log(`[${l.contract} ${hash}] ${l.level}: ${l.text}`);
        result = run.value;
      } catch (err) {
        // This node failed (the VM's memory guard tripped): abandon the whole chunk so
        // the coordinator retries the height on a fresh VM; the tx itself is not at fault.
        if (err instanceof core.NodeFault) throw err;
        // A bug in the core must not wedge the chain on one tx: drop it with the reason.
        result = { dropped: `internal error: ${errorText(err)}` };
        while (state.depth > depth + 1) state.rollback();
      }
      if ("dropped" in result) {
        if (g !== undefined) throw new ChunkRefused(`tx ${hash} cannot be in a block: ${result.dropped}`);
        while (state.depth > depth) state.rollback();
        this.recordLeft(hash, "dropped", row.bytes, Number(tx.gasRatio), result.dropped);
        continue;
      }
      const receipt: TxReceipt = result.receipt;
      // The block gas cap counts gas used, not gas limits (an SDK tx asks for 2,000,000
      // by default, which would cap a block at four txs): the tx that crosses it is
      // undone and waits for the next block.
      if (gas + receipt.gasUsage > MAX_BLOCK_GAS) {
        if (g !== undefined) throw new ChunkRefused(`tx ${hash} takes the chunk's gas past the block limit ${MAX_BLOCK_GAS}`);
        while (state.depth > depth) state.rollback();
        break;
      }
      while (state.depth > depth) state.release();
      const idx = txHashes.length;
      txHashes.push(hash);
      receiptHashes.push(base58Encode(sha3(core.receiptBytes(receipt))));
      gas += receipt.gasUsage;
      outgoing.push(...result.outgoing);
      this.sql.exec(
        `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio, pending) VALUES (?, 'executed', ?, ?, ?, ?, '', ?, ?)
         ON CONFLICT(hash) DO UPDATE SET status = 'executed', height = excluded.height, idx = excluded.idx,
           receipt = excluded.receipt, message = '', pending = excluded.pending`,
        hash,
        height,
        idx,
        row.bytes,
        JSON.stringify(core.receiptToJson(receipt)),
        Number(tx.gasRatio),
        result.outgoing.filter(core.awaitsSettle).length,
      );
      if (g !== undefined) takeFromPool(this.sql, g);
      else this.sql.exec("DELETE FROM mempool WHERE hash = ?", hash);
      for (const r of receipt.receipts) {
        events.push({ topic: "CONTRACT_RECEIPT", contract: r.funcName.split("/")[0], data: r.content });
      }
      for (const e of result.events ?? []) events.push(e);
    }

    outgoing.forEach((r, seq) => {
      this.sql.exec("INSERT INTO receipts_out (height, seq, to_shard, json) VALUES (?, ?, ?, ?)", height, seq, r.toShard, JSON.stringify(r));
    });

    // 5. Undo records (previous value of every written key), then the writes.
    const writes = state.writes();
    for (const [key] of writes) {
      const prev = this.kv.get(key);
      this.sql.exec("INSERT OR IGNORE INTO undo (height, key, prev) VALUES (?, ?, ?)", height, key, prev ?? null);
    }
    state.commit();
    const root = stateRoot(this.root, writes);

    // 6. Events, chunk, head.
    events.forEach((e, seq) => {
      this.sql.exec(
        "INSERT INTO events (height, seq, topic, contract, data, time) VALUES (?, ?, ?, ?, ?, ?)",
        height,
        seq,
        e.topic,
        e.contract,
        e.data,
        blockTime.toString(),
      );
    });
    const chunk: Chunk = {
      shard: this.shardIndex,
      height,
      time: blockTime.toString(),
      txHashes,
      receiptHashes,
      gasUsage: gas.toString(),
      stateRoot: hex(root),
      ...(this.config.shardCount > 1 ? { receiptsRoot: hex(core.receiptsRoot(outgoing)) } : {}),
      ...this.witnessesNow(),
    };
    this.storeChunk(chunk);
    this.setMeta("head", String(height));
    this.setMeta("head_time", blockTime.toString());
    this.setMeta("root", hex(root));
    return chunk;
  }

  /**
   * A settle receipt came back for one of this shard's txs: one receipt fewer
   * outstanding; its result joins the tx's shown receipt (docs/SHARDING.md
   * "Receipt JSON").
   */
  private settle(s: core.Settlement, height: number): void {
    const rows = this.sql.exec<Row>("SELECT receipt FROM tx_index WHERE hash = ? AND status = 'executed'", s.txHash).toArray();
    // Credits sent by an action receipt settle on the shard that ran it, not at the tx's home: nothing to track here.
    if (rows.length === 0) return;
    recordSettleUndo(this.sql, height, s.txHash); // a revert below `height` restores the row
    const receipt = JSON.stringify(core.settledPart(JSON.parse(rows[0].receipt as string) as Json, s));
    this.sql.exec("UPDATE tx_index SET pending = pending - 1, receipt = ? WHERE hash = ?", receipt, s.txHash);
  }

  async finalize(lib: number, libHash?: string): Promise<void> {
    const target = Math.min(lib, this.head);
    if (target < this.lib || (target === this.lib && (libHash === undefined || target !== lib))) return;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM undo WHERE height <= ?", target);
      // Receipts reach a height only from the one before, and heights ≤ LIB are never rebuilt.
      this.sql.exec("DELETE FROM receipts_applied WHERE height <= ?", target);
      this.setMeta("lib", String(target));
      if (libHash !== undefined && target === lib) this.setMeta("lib_hash", libHash);
    });
    this.lib = target;
  }

  // ---- tx views ----------------------------------------------------------

  private txJson(bytes: SqlStorageValue | Uint8Array, hash: string, receipt: string | null): { [k: string]: Json } {
    const view = core.txToJson(core.decodeTx(bytesOf(bytes)), hash);
    view.tx_receipt = receipt === null ? null : (JSON.parse(receipt) as Json);
    return view;
  }

  async getTx(hash: string): Promise<Answer<Json>> {
    const pending = this.sql.exec<Row>("SELECT bytes FROM mempool WHERE hash = ?", hash).toArray();
    if (pending.length > 0) return { status: "PENDING", transaction: this.txJson(pending[0].bytes, hash, null), block_number: "-1" };
    const rows = this.sql.exec<Row>("SELECT status, height, bytes, receipt, message FROM tx_index WHERE hash = ?", hash).toArray();
    if (rows.length === 0) return { error: "tx not found" };
    const row = rows[0];
    if (row.status !== "executed") return { error: `tx ${row.status}: ${row.message as string}` };
    const height = row.height as number;
    const final = height <= this.lib;
    return {
      status: final ? "IRREVERSIBLE" : "PACKED",
      transaction: this.txJson(row.bytes, hash, row.receipt as string),
      block_number: final ? String(height) : "-1",
    };
  }

  async getTxReceipt(hash: string): Promise<Answer<Json>> {
    const rows = this.sql.exec<Row>("SELECT status, height, receipt, message, pending FROM tx_index WHERE hash = ?", hash).toArray();
    if (rows.length === 0) {
      const pending = this.sql.exec("SELECT 1 FROM mempool WHERE hash = ?", hash).toArray().length > 0;
      return { error: `failed to Get the receipt hash: ${pending ? "tx is pending" : "tx not found"}` };
    }
    const row = rows[0];
    if (row.status !== "executed") return { error: `failed to Get the receipt hash: tx ${row.status}: ${row.message as string}` };
    if ((row.height as number) > this.lib) return { error: "failed to Get the receipt hash: tx is not irreversible yet" };
    if ((row.pending as number) > 0) return { error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" };
    return JSON.parse(row.receipt as string) as Json;
  }

  async getChunkTxs(height: number): Promise<Json[]> {
    const rows = this.db
      .select({ hash: schema.txIndex.hash, bytes: schema.txIndex.bytes, receipt: schema.txIndex.receipt })
      .from(schema.txIndex)
      .where(and(eq(schema.txIndex.height, height), eq(schema.txIndex.status, "executed")))
      .orderBy(asc(schema.txIndex.idx))
      .all();
    return rows.map((r) => this.txJson(r.bytes, r.hash, r.receipt));
  }

  /** Gas ratios (×100) of the txs in the chunk of `height`, for /getGasRatio. */
  async chunkGasRatios(height: number): Promise<number[]> {
    return this.sql
      .exec<{ gas_ratio: number }>("SELECT gas_ratio FROM tx_index WHERE height = ? AND status = 'executed'", height)
      .toArray()
      .map((r) => r.gas_ratio);
  }

  async eventsSince(afterHeight: number): Promise<{ height: number; events: { topic: string; data: string; time: string; contract: string }[] }> {
    const upTo = Math.min(this.head, afterHeight + 100);
    const rows = this.db
      .select()
      .from(schema.events)
      .where(and(gt(schema.events.height, afterHeight), lte(schema.events.height, upTo)))
      .orderBy(asc(schema.events.height), asc(schema.events.seq))
      .all();
    return {
      height: Math.max(upTo, afterHeight),
      events: rows.map((e) => ({ topic: e.topic, data: e.data, time: e.time, contract: e.contract })),
    };
  }

  // ---- dry run and state queries ----------------------------------------

  async execTx(fullBytes: Uint8Array, hash: string): Promise<Answer<Json>> {
    let tx: Tx;
    try {
      tx = core.decodeTx(fullBytes);
    } catch (err) {
      return { error: `invalid tx bytes: ${errorText(err)}` };
    }
    await core.loadVm();
    const state = new ShardState(this.kv, this.place);
    try {
      const result = core.dryRun(this.config.chainId, this.place, state, tx, hash, this.nextBlock());
      if ("dropped" in result) return { error: result.dropped };
      return plain(core.receiptToJson(result.receipt));
    } catch (err) {
      return { error: errorText(err) };
    } finally {
      state.discard(); // a dry run never writes
    }
  }

  /** A read-only view of the head state (== LIB state with one producer). */
  private view<T>(read: (state: State, time: bigint) => T): T {
    const state = new State(this.kv);
    try {
      return plain(read(state, this.headTime));
    } finally {
      state.discard();
    }
  }

  // `longest` is accepted and ignored: one producer, LIB = head (see the header comment).
  async getAccount(name: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s, t) => core.queries.getAccount(s, name, t));
  }
  async getTokenBalance(account: string, token: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s, t) => core.queries.getTokenBalance(s, account, token, t));
  }
  async getTokenInfo(symbol: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s) => core.queries.getTokenInfo(s, symbol));
  }
  async getRAMInfo(): Promise<Answer<Json>> {
    return this.view((s) => core.queries.getRAMInfo(s));
  }
  async contractShard(id: string): Promise<number | null> {
    return this.view((s) => core.queries.contractShard(s, this.place, id));
  }
  async getContract(id: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s) => core.queries.getContract(s, id));
  }
  /** The block a state read reflects: {block_hash, block_number} of LIB (= head with one producer). */
  private readBlock(): { block_hash: string; block_number: string } {
    return { block_hash: this.meta("lib_hash") ?? "", block_number: String(this.lib) };
  }
  async getContractStorage(id: string, key: string, field: string, _longest: boolean): Promise<Answer<Json>> {
    return { ...(this.view((s) => core.queries.getContractStorage(s, id, key, field)) as { [k: string]: Json }), ...this.readBlock() };
  }
  async getContractStorageFields(id: string, key: string, _longest: boolean): Promise<Answer<Json>> {
    return { ...(this.view((s) => core.queries.getContractStorageFields(s, id, key)) as { [k: string]: Json }), ...this.readBlock() };
  }

  // Proof of Believability reads: vote_producer.iost and vote.iost keep their state on shard 0 (the
  // consensus shard, docs/SHARDING.md); the edge asks shard 0. IOST's texts where it errors.
  async getProducerVoteInfo(account: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s) => (pob.getProducerVoteInfo(s, account) as Json | null) ?? { error: "can't get producer vote info" });
  }
  async getVoteInfos(account: string, _longest: boolean): Promise<Json> {
    return this.view((s) => pob.getVoteInfos(s, account) as unknown as Json);
  }
  async getVoterBonus(account: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s) => pob.getVoterBonus(s, account) as unknown as Json);
  }
  async getCandidateBonus(account: string, _longest: boolean): Promise<Answer<Json>> {
    return this.view((s) => pob.getCandidateBonus(s, account) as unknown as Json);
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
    this.load(); // head, LIB, root and pool size are cached
    return done;
  }

  /** After every object reverted: snapshot `id` and later ones are consumed. */
  async dropSnapshots(id: number): Promise<void> {
    this.ctx.storage.transactionSync(() => dropSnapshotsFrom(this.sql, id));
  }

  // ---- for tests and operators ------------------------------------------

  /** Head height, LIB, pool size and state root: a cheap health view. */
  async status(): Promise<ShardStatus> {
    return { shard: this.shardIndex, head: this.head, lib: this.lib, pool: this.poolCount, stateRoot: hex(this.root), work: { ...this.work } };
  }
}

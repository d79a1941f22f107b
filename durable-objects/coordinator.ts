/**
 * Coordinator Durable Object (ARCHITECTURE §2–§3): one per node, named
 * `coordinator`. Produces a block every BLOCK_INTERVAL_MS from an alarm: asks
 * every shard for its chunk of the next height, assembles and signs the header,
 * stores it, advances head and LIB, and tells the shards what is final. Its
 * work per block is O(shards): it handles chunk summaries, never txs.
 *
 * At-least-once alarms and evictions: before asking any shard, it persists
 * "producing height h at time t". A re-fired alarm, or a fresh instance after a
 * crash, finds that record and resumes the same (h, t); shards return the chunk
 * they stored for h, so no height is ever built twice or with two times. The
 * block, the new head and LIB, and the removal of the record are one SQLite
 * transaction. (The SQL write is durable before the shard calls leave: the
 * output gate holds outgoing messages until pending writes are committed.)
 *
 * Dev conveniences (README "Dev conveniences"): BLOCK_PRODUCTION picks when
 * the alarm produces (env.ts `productionMode`); mine(), snapshot() and
 * revert() back /dev/mine, /dev/snapshot and /dev/revert. Productions,
 * snapshots and reverts run one at a time (`exclusive`), so a snapshot or a
 * revert never interleaves with a block build on any shard.
 *
 * Differences from go-iost, on purpose: one producer per node for now (LIB =
 * head: a block is final as soon as it is stored, which is what go-iost does
 * with a single witness); no base tx in blocks (see src/block/block.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../drizzle/migrations";
import { assembleHeader, blockHash, blockToJson, signatureOf, storedBlock, type StoredBlock } from "../src/block/index";
import { base58Decode, base58Encode } from "../src/codec/base58";
import { ed25519PublicKey, ed25519Sign } from "../src/crypto/ed25519";
import { ED25519 } from "../src/tx/types";
import type { Answer, Chunk, CoordinatorApi, CoordinatorStatus, HeadView, Json } from "./api";
import * as core from "./core";
import { nodeConfig, shardName, shardStub, COORDINATOR_NAME, type NodeConfig, type NodeEnv, type ShardInternal } from "./env";
import * as schema from "./schema";
import { dropSnapshotsFrom, hasSnapshot, parseSnapshotId, restoreSnapshot, takeSnapshot } from "./snapshots";

interface Producer {
  secret: Uint8Array;
  pubkey: Uint8Array;
  /** base58 pubkey: the header's witness. */
  witness: string;
}

interface Producing {
  height: number;
  /** ns */
  time: string;
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
const ONE_MS_NS = 1_000_000n;
/** Most blocks one /dev/mine call produces: each is a round trip to every shard. */
const MAX_MINE_BLOCKS = 100;
const SNAPSHOT_NEXT = "snapshot_next";
const DEV_ONLY = { error: "dev only: DEV is not \"true\"" };

export class Coordinator extends DurableObject<NodeEnv> implements CoordinatorApi {
  private readonly sql: SqlStorage;
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private readonly config: NodeConfig;
  private readonly producer: Producer | null;
  private name = COORDINATOR_NAME;
  /** The production in progress in this instance (alarm() and tests share it). */
  private inflight: Promise<boolean> | null = null;
  /** Tail of the queue of exclusive operations (productions, snapshots, reverts). */
  private lock: Promise<unknown> = Promise.resolve();
  private genesisInflight: Promise<void> | null = null;
  /**
   * Blocks produced by this instance, the wall time of each production and the
   * part spent outside the shards' chunk builds (header, signature, storage):
   * the coordinator's own work, which must grow with shards, not txs. Bench only.
   */
  private readonly work = { blocks: 0, ms: 0, ownMs: 0 };

  constructor(ctx: DurableObjectState, env: NodeEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.db = drizzle(ctx.storage, { schema });
    this.config = nodeConfig(env);
    this.producer = Coordinator.loadProducer(this.config.producerSecret);
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
      // An instance woken by its alarm has no ctx.id.name: remember the name
      // from the first named access, it decides which shards this chain uses.
      const known = this.meta("name");
      if (known === undefined && ctx.id.name !== undefined) this.setMeta("name", ctx.id.name);
      this.name = known ?? ctx.id.name ?? COORDINATOR_NAME;
    });
  }

  private static loadProducer(secret: string | null): Producer | null {
    if (secret === null) return null;
    try {
      const bytes = base58Decode(secret);
      const pubkey = ed25519PublicKey(bytes);
      return { secret: bytes, pubkey, witness: base58Encode(pubkey) };
    } catch (err) {
      console.error(`coordinator: PRODUCER_SECRET is not a valid ed25519 secret (${String(err)}); not producing`);
      return null;
    }
  }

  // ---- storage helpers ---------------------------------------------------

  private meta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM coordinator_meta WHERE key = ?", key).toArray();
    return rows.length === 0 ? undefined : rows[0].value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(
      "INSERT INTO coordinator_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  private block(number: number): StoredBlock | null {
    const rows = this.sql.exec<{ json: string }>("SELECT json FROM blocks WHERE number = ?", number).toArray();
    return rows.length === 0 ? null : (JSON.parse(rows[0].json) as StoredBlock);
  }

  private headBlock(): StoredBlock {
    const head = this.block(Number(this.meta("head") ?? "0"));
    if (!head) throw new Error("coordinator: no head block (genesis not created)");
    return head;
  }

  private libNumber(): number {
    return Number(this.meta("lib") ?? "0");
  }

  private shards(): ShardInternal[] {
    return Array.from({ length: this.config.shardCount }, (_, i) => shardStub(this.env, shardName(this.name, i)));
  }

  // ---- genesis -----------------------------------------------------------

  /** Block 0 from the genesis config and the shards' genesis chunks; once. */
  private ensureGenesis(): Promise<void> {
    if (this.block(0)) return Promise.resolve();
    this.genesisInflight ??= this.createGenesis().finally(() => {
      this.genesisInflight = null;
    });
    return this.genesisInflight;
  }

  private async createGenesis(): Promise<void> {
    const genesis = core.genesisInfo(this.config.chainId);
    const chunks = await Promise.all(
      this.shards().map((s) => s.buildChunk({ height: 0, time: genesis.time.toString(), parentHash: "", witness: "0" })),
    );
    const header = assembleHeader({ version: 0, number: 0, parentHash: "", witness: "0", time: genesis.time, chunks: byShard(chunks) });
    const block = storedBlock(header, chunks, null);
    this.ctx.storage.transactionSync(() => {
      if (this.block(0)) return;
      this.sql.exec("INSERT INTO blocks (number, hash, json) VALUES (?, ?, ?)", 0, block.hash, JSON.stringify(block));
      this.setMeta("head", "0");
      this.setMeta("lib", "0");
    });
    await this.finalizeShards(0, block.hash);
  }

  // ---- production ----------------------------------------------------------

  /**
   * Runs `run` after every exclusive operation queued before it. The shard
   * calls inside one await, so without this queue a revert could land between
   * a production's chunk builds and its block.
   */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.lock.then(run);
    this.lock = result.catch(() => undefined);
    return result;
  }

  /**
   * Produce the next block (or finish the one a previous attempt started).
   * Returns false when nothing was produced: no producer key, or mode "on-tx"
   * (unless `force`, as /dev/mine) while no shard has work (Shard.hasWork).
   */
  produce(force = false): Promise<boolean> {
    this.inflight ??= this.exclusive(() => this.produceOnce(force)).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async produceOnce(force: boolean): Promise<boolean> {
    await this.ensureGenesis();
    const producer = this.producer;
    if (!producer) return false;
    const head = this.headBlock();
    const height = head.number + 1;

    let job = this.meta("producing") === undefined ? null : (JSON.parse(this.meta("producing")!) as Producing);
    if (!job || job.height !== height) {
      if (!force && this.config.production === "on-tx" && !(await this.hasWork())) return false;
      const now = nowNs();
      const min = BigInt(head.time) + ONE_MS_NS;
      job = { height, time: (now > min ? now : min).toString() };
      this.setMeta("producing", JSON.stringify(job)); // durable before any shard hears of it
    }

    const ctx = { height, time: job.time, parentHash: head.hash, witness: producer.witness };
    const started = performance.now();
    const chunks = byShard(await Promise.all(this.shards().map((s) => s.buildChunk(ctx))));
    const chunksDone = performance.now();
    for (const c of chunks) {
      if (c.height !== height || c.time !== job.time) {
        throw new Error(`coordinator: shard ${c.shard} answered chunk ${c.height}@${c.time} for ${height}@${job.time}`);
      }
    }
    const header = assembleHeader({ version: 1, number: height, parentHash: head.hash, witness: producer.witness, time: BigInt(job.time), chunks });
    const sig = ed25519Sign(producer.secret, blockHash(header));
    const block = storedBlock(header, chunks, signatureOf(ED25519, sig, producer.pubkey));

    this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT INTO blocks (number, hash, json) VALUES (?, ?, ?)", height, block.hash, JSON.stringify(block));
      this.setMeta("head", String(height));
      this.setMeta("lib", String(height)); // one producer: final once stored (iost-protocol.md §9.2 with 1 witness)
      this.sql.exec("DELETE FROM coordinator_meta WHERE key = 'producing'");
    });
    const stored = performance.now();
    await this.finalizeShards(height, block.hash);
    this.work.blocks++;
    this.work.ms += performance.now() - started;
    this.work.ownMs += stored - chunksDone;
    return true;
  }

  private async finalizeShards(lib: number, libHash: string): Promise<void> {
    await Promise.all(this.shards().map((s) => s.finalize(lib, libHash)));
  }

  private async hasWork(): Promise<boolean> {
    return (await Promise.all(this.shards().map((s) => s.hasWork()))).some(Boolean);
  }

  private async totalPool(): Promise<number> {
    const sizes = await Promise.all(this.shards().map((s) => s.poolSize()));
    return sizes.reduce((a, b) => a + b, 0);
  }

  override async alarm(): Promise<void> {
    // An alarm armed before the node was switched to manual mode just ends.
    if (this.config.production === "manual") return;
    const interval = this.config.blockIntervalMs;
    let next: number | null;
    try {
      const produced = await this.produce();
      if (!produced && (!this.producer || this.config.production === "on-tx")) {
        next = null; // idle until wake()
      } else {
        const last = Number(BigInt(this.headBlock().time) / ONE_MS_NS);
        next = Math.max(Date.now(), last + interval);
      }
    } catch (err) {
      // Retry the same height later; the persisted job keeps it the same block.
      console.error(`coordinator: block production failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      next = Date.now() + Math.max(interval, 1000);
    }
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  async wake(): Promise<void> {
    if (!this.producer || this.config.production === "manual") return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  // ---- dev: mine, snapshot, revert -----------------------------------------

  private headView(): HeadView {
    const head = this.headBlock();
    return { head_block: String(head.number), head_block_hash: head.hash };
  }

  async mine(blocks: number): Promise<Answer<HeadView>> {
    if (!this.config.dev) return DEV_ONLY;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_MINE_BLOCKS) {
      return { error: `invalid blocks ${String(blocks)}: an integer from 1 to ${MAX_MINE_BLOCKS}` };
    }
    if (!this.producer) return { error: "this node holds no producer key" };
    await this.ensureGenesis();
    // Counted on the head, not on calls: a call may join an alarm's production
    // that found the pools empty (no block), or one the alarm adds in "interval" mode.
    const target = this.headBlock().number + blocks;
    while (this.headBlock().number < target) await this.produce(true);
    return this.headView();
  }

  async snapshot(): Promise<Answer<{ id: string }>> {
    if (!this.config.dev) return DEV_ONLY;
    await this.ensureGenesis();
    return this.exclusive(async () => {
      // Ids only grow, so an id never names two states: the counter lives in the
      // object's key-value storage, outside the tables a revert restores.
      const id = (await this.ctx.storage.get<number>(SNAPSHOT_NEXT)) ?? 1;
      await this.ctx.storage.put(SNAPSHOT_NEXT, id + 1);
      await Promise.all(this.shards().map((s) => s.snapshot(id)));
      // The coordinator's copy last: it is what makes the id known to revert().
      this.ctx.storage.transactionSync(() => takeSnapshot(this.sql, id));
      return { id: String(id) };
    });
  }

  async revert(idText: string): Promise<Answer<HeadView>> {
    if (!this.config.dev) return DEV_ONLY;
    const id = parseSnapshotId(idText);
    if (id === null) return { error: `invalid snapshot id ${JSON.stringify(idText)}: a positive decimal integer as /dev/snapshot answers` };
    await this.ensureGenesis();
    return this.exclusive(async () => {
      const shards = this.shards();
      const held = hasSnapshot(this.sql, id) && (await Promise.all(shards.map((s) => s.hasSnapshot(id)))).every(Boolean);
      if (!held) return { error: `snapshot ${id} not found (never taken, or consumed by a revert)` };
      await Promise.all(shards.map((s) => s.revert(id)));
      this.ctx.storage.transactionSync(() => restoreSnapshot(this.sql, id));
      // Only now, with every object restored, is the snapshot consumed: a revert that
      // failed on some shard left every copy in place and can be run again.
      await Promise.all(shards.map((s) => s.dropSnapshots(id)));
      this.ctx.storage.transactionSync(() => dropSnapshotsFrom(this.sql, id));
      await this.wake(); // the restored pools may hold txs while an "on-tx" chain idles
      return this.headView();
    });
  }

  // ---- views -------------------------------------------------------------

  private witnessList(): string[] {
    return core.genesisInfo(this.config.chainId).witnesses;
  }

  async chainInfo(): Promise<Json> {
    await this.ensureGenesis();
    const head = this.headBlock();
    const lib = this.block(this.libNumber()) ?? head;
    const witnesses = this.witnessList();
    return {
      net_name: core.genesisInfo(this.config.chainId).netName,
      protocol_version: "1.0",
      chain_id: this.config.chainId,
      head_block: String(head.number),
      head_block_hash: head.hash,
      lib_block: String(lib.number),
      lib_block_hash: lib.hash,
      witness_list: witnesses,
      lib_witness_list: witnesses,
      pending_witness_list: witnesses,
      head_block_time: head.time,
      lib_block_time: lib.time,
    };
  }

  async nodeInfo(): Promise<Json> {
    return {
      build_time: "",
      git_hash: "",
      mode: "ModeNormal",
      network: { id: this.name, peer_count: 0, peer_count_inbound: 0, peer_count_outbound: 0 },
      code_version: "iost-edge",
      server_time: nowNs().toString(),
      tx_pool_size: String(await this.totalPool()),
    };
  }

  private blockAnswer(block: StoredBlock | null): Answer<{ status: string; block: Json }> {
    if (!block) return { error: "block not found" };
    return { status: block.number <= this.libNumber() ? "IRREVERSIBLE" : "PENDING", block: blockToJson(block) as Json };
  }

  async getBlockByNumber(number: number): Promise<Answer<{ status: string; block: Json }>> {
    await this.ensureGenesis();
    return this.blockAnswer(this.block(number));
  }

  async getBlockByHash(hash: string): Promise<Answer<{ status: string; block: Json }>> {
    await this.ensureGenesis();
    const rows = this.sql.exec<{ json: string }>("SELECT json FROM blocks WHERE hash = ?", hash).toArray();
    return this.blockAnswer(rows.length === 0 ? null : (JSON.parse(rows[0].json) as StoredBlock));
  }

  /** go-iost GetGasRatio: lowest and median gas ratio of the head block's txs; 1 and 1 when it has none. */
  async getGasRatio(): Promise<Json> {
    await this.ensureGenesis();
    const head = this.headBlock();
    const ratios = (await Promise.all(this.shards().map((s) => s.chunkGasRatios(head.number)))).flat().sort((a, b) => a - b);
    if (ratios.length === 0) return { lowest_gas_ratio: 1, median_gas_ratio: 1 };
    return { lowest_gas_ratio: ratios[0] / 100, median_gas_ratio: ratios[Math.floor(ratios.length / 2)] / 100 };
  }

  /** The stored block (header fields, hash, signature) of a height, for verification. */
  async storedBlock(number: number): Promise<StoredBlock | null> {
    await this.ensureGenesis();
    return this.block(number);
  }

  /** Head, LIB and the height in production, if any. */
  async status(): Promise<CoordinatorStatus> {
    await this.ensureGenesis();
    return {
      head: this.headBlock().number,
      lib: this.libNumber(),
      producing: this.meta("producing") ?? null,
      witness: this.producer?.witness ?? null,
      work: { ...this.work },
    };
  }
}

function byShard(chunks: Chunk[]): Chunk[] {
  return [...chunks].sort((a, b) => a.shard - b.shard);
}

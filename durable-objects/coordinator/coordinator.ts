/**
 * Coordinator Durable Object (docs/ARCHITECTURE.md "The Durable Objects"): one per node, named
 * `coordinator`. Produces blocks from an alarm (in a held slot when one is
 * needed or the heartbeat is due: production.ts, docs/ARCHITECTURE.md "Production"): asks
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
 * The block interval is the chain's (its genesis `blockIntervalNs`, which
 * also cuts the slots): the alarm derives it from the genesis config, and the
 * node refuses to serve a chain whose stored genesis disagrees (`checkChain`).
 *
 * Dev conveniences (README "Dev conveniences"): BLOCK_PRODUCTION picks when
 * the alarm produces (env.ts `productionMode`); mine(), snapshot() and
 * revert() back /dev/mine, /dev/snapshot and /dev/revert. Productions,
 * snapshots and reverts run one at a time (`exclusive`), so a snapshot or a
 * revert never interleaves with a block build on any shard.
 *
 * This class is the RPC surface and owns the transactions and the exclusive
 * queue; production (turns, the job, chunks, signing) lives in production.ts,
 * the chain views in coordinator-views.ts, peers in chain-sync.ts and
 * endorsement finality in finality.ts.
 *
 * Producers (go-iost common/witness.go, consensus/pob): the witness list that schedules block h is
 * the one stored with block h − 1 (shard 0's chunk `witnesses`: vote_producer's
 * pending list after that block; block 0's from the genesis chunk). The node
 * holds a Validator object per producer key (validator.ts); the coordinator
 * picks the next slot of a held key with src/consensus/schedule.ts `nextTurn`
 * and asks that key's Validator to sign, so it never holds signing logic
 * itself and no height is ever signed twice. The persisted job keeps (height,
 * time, witness), so a resumed production builds and signs the same block.
 * LIB follows IOST's rule (src/consensus/lib.ts): with one producer every
 * block is final at once, with four a block is final once three distinct
 * producers built on it.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../drizzle/migrations";
import { assembleHeader, storedBlock, type StoredBlock } from "../../src/block/index";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { base64Encode } from "../../src/codec/base64";
import { errorText } from "../values";
import { ed25519PublicKey } from "../../src/crypto/ed25519";
import { epochOf } from "../../src/consensus/groups";
import { CONSENSUS_SHARD } from "../../src/sharding/placement";
import { nextLib } from "../../src/consensus/lib";
import type { ConsensusParams } from "../../src/consensus/params";
import type {
  Answer,
  Chunk,
  ChunkContext,
  CoordinatorApi,
  CoordinatorStatus,
  PeerDraft,
  EndorserApi,
  EndorseResult,
  HeadView,
  GroupView,
  Json,
  MeterView,
  Origin,
  P2pGate,
  PeerStatus,
  ShardEvent,
  ShardInternal,
  StateSyncDone,
  ValidatorApi,
} from "../api";
import { MAX_AHEAD, MAX_BATCH, MAX_PROOF_DEPTH, MAX_RANGE, MAX_RANGE_BYTES } from "../config";
import { due, isArchived, markOf, rangeOf, segmentOf, SegmentReader, type BlockRow, type Mark } from "../archive";
import * as core from "../core";
import * as views from "./coordinator-views";
import * as raw from "./raw-blocks";
import { nodeConfig, shardName, shardStub, validatorName, validatorStub, COORDINATOR_NAME, type NodeConfig, type NodeEnv } from "../env";
import { allOf, countEntries, meterObject } from "../meter";
import * as schema from "../schema";
import { dropSnapshotsFrom, hasSnapshot, parseSnapshotId, restoreSnapshot, takeSnapshot } from "../snapshots";
import * as sync from "./chain-sync";
import { resyncShard, syncEmptyShards } from "./state-sync";
import { alignHeld, farBehind, historyGone, leap } from "./leap";
import { newRotationState, planNow, rotate, type RotationHost } from "./rotation";
import type { RotationPlan } from "../../src/consensus/rotation";
import { Finality, gossipKey } from "./finality";
import { endorsementError, type SignedEndorsement } from "../../src/consensus/endorse";
import { alarmJitter } from "./jitter";
import type { ParsedPeerBlock, PeerBlock, WireBlock } from "../../src/block/wire";
import { Gossip, peerStatus } from "./peers";
import {
  checkUnheld,
  fetchWitness,
  ownRecentChunks,
  ReplayWindows,
  windowFrom,
  type AdoptedParts,
  type WitnessSource,
  cursorOf,
  headerParts,
  sentRootsOf,
  orderAt,
  type WitnessTally,
} from "./witness-check";
import { fetchSent, genesisFromPeers, provenIncoming, recentChunks } from "./holding";
import type { SentProof } from "../../src/sharding/receipt-proof";
import type { Witness } from "../../src/state/witness";
import { slotNs } from "../../src/consensus/schedule";
import { byShard, listOf, modeOf, nextWake, ONE_MS_NS, produceOnce, tipOf, unfinal, type Outcome, type Producing, type ProductionHost } from "./production";
import { buildChunks, draftFor, fetchChunk, shardsFor, type DraftHost, type GroupChunkCounts } from "./group-chunks";
import { chunkId } from "../shard/chunk-sync";
import { checkChunk } from "../shard/witness";

/** Most blocks one /dev/mine call produces: each is a round trip to every shard. */
const MAX_MINE_BLOCKS = 100;
const SNAPSHOT_NEXT = "snapshot_next";
const DEV_ONLY = { error: 'dev only: DEV is not "true"' };
/** Why a holding node takes no peer block while its shards are not at its head (a leap or sync under way). */
const SYNCING = "this node's shards are not at its head yet (syncing from peers)";

/** The longest wait between pushes of the head to a peer that stays away: a peer that stays away costs an idle node one alarm (and one failed push) per this. */
const MAX_REPUSH_MS = 60_000;

export class Coordinator extends DurableObject<NodeEnv> implements CoordinatorApi {
  private readonly sql: SqlStorage;
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private readonly config: NodeConfig;
  /** base58 pubkeys of the producer keys this node holds (each signs through its Validator). */
  private readonly held: ReadonlySet<string>;
  private readonly consensus: ConsensusParams;
  /** ms between the alarm's blocks: the chain's block interval (tests stretch it, helpers.ts `tick`). */
  private intervalMs: number;
  /** The chain's stored consensus parameters against this node's genesis config, read once after genesis (`checkChain`). */
  private chainCheck: Promise<string | null> | null = null;
  /** Why this node refuses to serve its chain, once `checkChain` found out. */
  private refusal: string | null = null;
  private readonly genesisWitnesses: string[];
  private name = COORDINATOR_NAME;
  /** The wait before the head goes again to a peer that missed it (tick): doubles while it stays away. */
  private repushMs = sync.PEER_POLL_MS;
  /** When (Date.now, ms) the tick under way began (null: none) and the last one ended (/dev/status: an alarm that never ends or never comes again). */
  private readonly ticks: { since: number | null; ended: number | null } = { since: null, ended: null };
  /** wake(work) calls so far: an alarm that decided to rest while one came must look again (its check may predate the tx). */
  private wakes = 0;
  /** The production in progress in this instance (alarm() and tests share it). */
  private inflight: Promise<Outcome> | null = null;
  /**
   * Whether this instance saw every shard hold a chain, or synced it (state-sync.ts): once per start.
   * On a node holding part of the shards, or a producer that leaps: whether they are at its head (leap.ts), false again
   * after a failed leap.
   */
  private shardsChecked = false;
  /** A producer whose leap failed: its applied shards are brought to a final block as a holding node's are (`startHolding`), not caught up block by block. */
  private leapFailed = false;
  /** Leaps this instance made (rotation.ts `leaps`). */
  private leaps = 0;
  /** A node whose objects apply part of the shards: a peer block was refused because every peer serves what it needs only from above (leap.ts `historyGone`): leap at the next status round. */
  private gone = false;
  /** What rotation last planned (rotation.ts). */
  private readonly rotation = newRotationState();
  /** The rotation step under way beside the ticks (`tickOnce`): none starts while one runs. */
  private rotating: Promise<void> | null = null;
  /** coordinator_meta `applies` once read (`applies`); undefined: not read yet. */
  private applied: number[] | null | undefined;
  /** Our block in production's chunks of the shards our objects do not apply, as taken (group-chunks.ts): stored with it. */
  private readonly drafted = new Map<number, { chunk: Chunk; txs: Uint8Array[] }>();
  /** The witnesses of the drafts our blocks took of shards our objects do not apply, by `shard/height`, for /p2p/witness (`draftWitness`); in memory. */
  private readonly draftWitnesses = new Map<string, { id: string; witness: Witness; incoming: SentProof[] }>();
  /** Tail of the queue of exclusive operations (productions, snapshots, reverts). */
  private lock: Promise<unknown> = Promise.resolve();
  private genesisInflight: Promise<void> | null = null;
  /**
   * Blocks produced by this instance, the wall time of each production and the
   * part spent outside the shards' chunk builds (header, signature, storage):
   * the coordinator's own work, which must grow with shards, not txs. Bench only.
   */
  private readonly work = { blocks: 0, ms: 0, ownMs: 0 };
  /** Peers' blocks: rejections, pull in progress (durable-objects/coordinator/chain-sync.ts). */
  private readonly syncState = sync.newSyncState();
  /** Shard groups: the checks by witness of peers' chunks of unheld shards (witness-check.ts). */
  private readonly witnessChecks: WitnessTally = { chunks: 0, windowed: 0, placeholders: 0, refused: 0, last: null, unserved: 0, lastUnserved: null };
  private readonly groupChunks: GroupChunkCounts = { asked: 0, taken: 0, empty: 0, placeholders: 0, built: 0, last: null, refused: 0, lastRefused: null };
  /** By shard, the peer that built our last block's chunk of it (group-chunks.ts). */
  private readonly builders = new Map<number, string>();
  private readonly replays = new ReplayWindows();
  /** Endorsement finality: tracker, held validators' endorsements, gossip (durable-objects/coordinator/finality.ts). */
  private readonly finality: Finality;
  /** Who has which block and endorsement (peers.ts), and this node's id there (coordinator_meta `node_id`, random once). */
  private readonly gossip = new Gossip();
  private nodeId = "";
  /** How far (ns) a peer's block may be ahead of our clock, and so how far ahead ours may be signed: one slot, as go-iost, unless BLOCK_AHEAD_MAX_MS. */
  private readonly aheadNs: bigint;
  /** Block segments moved to R2 so far (archive.ts); only with an ARCHIVE binding. */
  private mark: Mark;
  private segments: SegmentReader | null = null;
  /** Dev/test only (jitter.ts): the delays of each alarm's deliveries, late and sometimes twice as on Cloudflare. */
  private readonly jitter: (() => number[]) | null;
  private readonly cost = meterObject(this);

  constructor(ctx: DurableObjectState, env: NodeEnv) {
    super(ctx, env);
    ctx = this.ctx; // the counting storage (meter.ts), for every statement below
    this.sql = ctx.storage.sql;
    this.db = drizzle(ctx.storage, { schema });
    this.config = nodeConfig(env);
    this.held = Coordinator.heldKeys(this.config.producerSecrets);
    this.mark = markOf(undefined, this.config.archive.seg);
    const genesis = core.genesisInfo(this.config.genesis);
    this.consensus = genesis.consensus;
    this.intervalMs = Number(this.consensus.blockIntervalNs / ONE_MS_NS);
    this.genesisWitnesses = genesis.witnesses;
    this.jitter = alarmJitter(env);
    this.aheadNs = this.config.blockAheadMs === null ? slotNs(this.consensus) : BigInt(this.config.blockAheadMs) * ONE_MS_NS;
    this.finality = new Finality({
      label: () => this.name,
      chainId: this.config.chainId,
      sql: this.sql,
      peers: this.config.peers,
      gossip: this.gossip,
      nodeId: () => this.nodeId,
      held: () => this.held,
      transactionSync: (run) => ctx.storage.transactionSync(run),
      mainBlock: (n) => this.block(n),
      head: () => this.headNumber(),
      lib: () => this.libNumber(),
      listFor: (h) => this.listFor(h),
      endorser: (k) => this.validator(k) as unknown as EndorserApi,
      background: (task) => ctx.waitUntil(task),
    });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
      // An instance woken by its alarm has no ctx.id.name: remember the name
      // from the first named access, it decides which shards this chain uses.
      const known = this.meta("name");
      if (known === undefined && ctx.id.name !== undefined) this.setMeta("name", ctx.id.name);
      this.name = known ?? ctx.id.name ?? COORDINATOR_NAME;
      this.segments = new SegmentReader(env.ARCHIVE, this.name);
      this.mark = markOf(this.meta("archived"), this.config.archive.seg);
      // Gossip only (never consensus): any id unique among the peers will do.
      if (this.meta("node_id") === undefined) this.setMeta("node_id", crypto.randomUUID());
      this.nodeId = this.meta("node_id")!;
    });
  }

  /** Pubkeys of the held secrets; the secrets themselves stay with the Validators. */
  private static heldKeys(secrets: readonly string[]): Set<string> {
    const held = new Set<string>();
    secrets.forEach((secret, i) => {
      try {
        held.add(base58Encode(ed25519PublicKey(base58Decode(secret))));
      } catch (err) {
        console.error(`coordinator: PRODUCER_SECRET entry ${i + 1} is not a valid ed25519 secret (${String(err)}); skipped`);
      }
    });
    return held;
  }

  private validator(pubkey: string): ValidatorApi {
    return validatorStub(this.env, validatorName(this.name, pubkey));
  }

  // ---- storage helpers ---------------------------------------------------

  private meta(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM coordinator_meta WHERE key = ?", key).toArray();
    return rows.length === 0 ? undefined : rows[0].value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  private block(number: number): StoredBlock | null {
    const rows = this.sql.exec<{ json: string }>("SELECT json FROM blocks WHERE number = ?", number).toArray();
    return rows.length === 0 ? null : (JSON.parse(rows[0].json) as StoredBlock);
  }

  /** The head is the highest stored block: no head row to write per block (docs/COST.md "Rows written"). */
  private headNumber(): number {
    return this.sql.exec<{ n: number | null }>("SELECT MAX(number) AS n FROM blocks").one().n ?? 0;
  }

  private headBlock(): StoredBlock {
    const head = this.block(this.headNumber());
    if (!head) throw new Error("coordinator: no head block (genesis not created)");
    return head;
  }

  private libNumber(): number {
    return Number(this.meta("lib") ?? "0");
  }

  /** The witness list stored with block `number`: it schedules block number + 1. */
  private witnessesAfter(number: number): string[] {
    const rows = this.sql.exec<{ witnesses: string | null }>("SELECT witnesses FROM blocks WHERE number = ?", number).toArray();
    const text = rows[0]?.witnesses ?? null;
    return text === null ? this.genesisWitnesses : (JSON.parse(text) as string[]);
  }

  /** The list that schedules block `height`. */
  private listFor(height: number): string[] {
    return this.witnessesAfter(height - 1);
  }

  /**
   * LIB by IOST's rule (src/consensus/lib.ts) over the blocks above the current
   * LIB, with the size of the list stored at LIB. Only each witness's latest
   * block counts, so one grouped query is enough.
   */
  private computeLib(): number {
    // The higher of IOST's rule and the endorsement-final block on this chain (docs/FINALITY.md "Wiring").
    return Math.max(this.iostRuleFrom(this.libNumber()), this.finality.finalOnMain());
  }

  /** IOST's rule over the main blocks above `floor`, with the size of the list stored at `floor`. */
  private iostRuleFrom(floor: number): number {
    const rows = this.sql
      .exec<{ w: string; n: number }>("SELECT json_extract(json, '$.witness') AS w, MAX(number) AS n FROM blocks WHERE number > ? GROUP BY w ORDER BY w", floor)
      .toArray();
    return nextLib(
      rows.map((r) => ({ witness: r.w, number: r.n })),
      this.witnessesAfter(floor).length,
      floor,
    );
  }

  /** Where IOST's rule alone last put LIB (status only; grows, so each status() scans from there). */
  private iostFloor = 0;

  /**
   * LIB by IOST's rule alone, without the endorsement-final block: for
   * /dev/status and the bench, which compare the two rules. Below LIB on the
   * main chain, so the blocks table holds the branch it counts.
   */
  private iostLib(): number {
    this.iostFloor = this.iostRuleFrom(Math.min(this.iostFloor, this.libNumber()));
    return this.iostFloor;
  }

  private shards(): ShardInternal[] {
    return Array.from({ length: this.config.shardCount }, (_, i) => shardStub(this.env, shardName(this.name, i)));
  }

  /** The objects of the shards that apply the chain (`applies`). */
  private heldShards(): ShardInternal[] {
    const all = this.shards();
    const applies = this.applies();
    return applies === null ? all : applies.map((i) => all[i]);
  }

  /**
   * The shards whose objects apply each block (null: every shard): NodeConfig `holds` on a node
   * holding part of the shards; on a producer of several groups what its rotation plan keeps
   * (rotation.ts), stored as coordinator_meta `applies` when it changes, absent until the first plan.
   */
  private applies(): number[] | null {
    if (this.config.holds !== null) return this.config.holds;
    if ((this.config.genesis.groups ?? 1) === 1) return null;
    if (this.applied === undefined) {
      const stored = this.meta("applies");
      this.applied = stored === undefined ? null : (JSON.parse(stored) as number[]);
    }
    return this.applied;
  }

  /** Whether a shard the rotation plan holds this epoch is not applied yet: production waits for its sync (rotation.ts). */
  private lacksNow(): boolean {
    const now = this.rotation.plan?.now;
    const applies = this.applies();
    return now !== undefined && applies !== null && now.some((i) => !applies.includes(i));
  }

  private setApplies(shards: readonly number[]): void {
    this.setMeta("applies", JSON.stringify(shards));
    this.applied = [...shards];
  }

  /** coordinator_meta `unmade` (rotation.ts `unmade`): the shards whose objects this node never made. */
  private unmade(): number[] {
    const stored = this.meta("unmade");
    return stored === undefined ? [] : (JSON.parse(stored) as number[]);
  }

  private made(shards: readonly number[]): void {
    const was = this.unmade();
    const now = was.filter((i) => !shards.includes(i));
    if (now.length !== was.length) this.setMeta("unmade", JSON.stringify(now));
  }

  /**
   * Whether a producer of several groups starts on a chain its peers finalized more than
   * MAX_PROOF_DEPTH blocks past genesis (wiped, or new): it will leap (leap.ts), so its objects
   * need no genesis but shard 0's, kept in every epoch. One /p2p/status per peer, at genesis only.
   */
  private async joinsLongChain(): Promise<boolean> {
    if ((this.config.genesis.groups ?? 1) === 1 || this.config.holds !== null || this.held.size === 0) return false;
    const statuses = await Promise.all(this.config.peers.map((peer) => peerStatus(peer)));
    return statuses.some((st) => st !== null && st.chain_id === this.config.chainId && st.lib > MAX_PROOF_DEPTH);
  }

  /** Our main block `n`'s `blocks.kept` (its chunks of shards our objects did not apply, txs base64): null when none, undefined when no such block. */
  private keptOfBlock(n: number): sync.KeptChunk[] | null | undefined {
    const row = this.sql.exec<{ kept: string | null }>("SELECT kept FROM blocks WHERE number = ?", n).toArray()[0];
    return row === undefined ? undefined : row.kept === null ? null : (JSON.parse(row.kept) as sync.KeptChunk[]);
  }

  /** Whether our main block `n` keeps a chunk of shard `shard` (its txs not decoded). */
  private keeps(n: number, shard: number): boolean {
    return this.keptOfBlock(n)?.some((k) => k.chunk.shard === shard) === true;
  }

  /** Our main block `n`'s kept chunks, or null; once archived, from its R2 segment (cached: a range reads it once). */
  private async keptChunks(n: number): Promise<sync.KeptChunk[] | null> {
    const kept = this.keptOfBlock(n);
    if (kept !== undefined) return kept;
    const old = await this.archivedBlock(n);
    return old?.kept === undefined ? null : (JSON.parse(old.kept) as sync.KeptChunk[]);
  }

  /** Our main block `n`'s kept chunk of shard `shard`, or null. */
  private async keptChunk(n: number, shard: number): Promise<{ chunk: Chunk; txs: Uint8Array[] } | null> {
    return sync.keptOf(await this.keptChunks(n), shard);
  }

  /**
   * Shard `shard`'s chunks of the main blocks within a tx's life of the head, from its object, added
   * to their `blocks.kept` (rotation.ts `keepRecent`): one row written per such block without them.
   * Heights kept already are skipped: before, a copy from an object synced within the window found no
   * chunk at its first height and kept none, and a restarted producer's windows of the shard then had a
   * gap (the likely cause of holding-sync.test's restarted producer once finding its checks not windowed).
   */
  private async keepRecent(shard: number): Promise<void> {
    const head = this.headNumber();
    const object = this.shards()[shard];
    for (let n = windowFrom(head, (k) => this.block(k)?.time ?? null); n <= head; ) {
      // Kept already (the shard was not applied then: an object synced at H has no chunk below H, which stopped the copy there).
      if (this.keeps(n, shard)) {
        n++;
        continue;
      }
      const got = await object.chunkRange(n, Math.min(MAX_RANGE, head - n + 1), MAX_RANGE_BYTES);
      if (got.length === 0) break;
      this.ctx.storage.transactionSync(() => {
        for (const c of got) {
          const kept = this.keptOfBlock(c.chunk.height);
          if (kept === undefined || kept?.some((k) => k.chunk.shard === shard)) continue;
          const more = [...(kept ?? []), { chunk: c.chunk, txs: c.txs.map((t) => base64Encode(t)) }];
          this.sql.exec("UPDATE blocks SET kept = ? WHERE number = ?", JSON.stringify(more), c.chunk.height);
        }
      });
      n += got.length;
    }
  }

  /** The `blocks.kept` of a block whose chunks and txs are these: those of the shards not applied, or null. */
  private keptOf(chunks: readonly Chunk[], txs: (shard: number) => readonly Uint8Array[]): string | null {
    const applies = this.applies();
    if (applies === null) return null;
    const kept = chunks.filter((c) => !applies.includes(c.shard)).map((c) => ({ chunk: c, txs: txs(c.shard).map((t) => base64Encode(t)) }));
    return kept.length === 0 ? null : JSON.stringify(kept);
  }

  // ---- genesis -----------------------------------------------------------

  /**
   * Block 0 from the genesis config and the shards' genesis chunks; once. Then
   * (once per instance) the chain's consensus parameters must be this node's:
   * throws the refusal otherwise, so a misconfigured node serves nothing.
   */
  private async ensureGenesis(): Promise<void> {
    if (!this.block(0)) {
      this.genesisInflight ??= this.createGenesis().finally(() => {
        this.genesisInflight = null;
      });
      await this.genesisInflight;
    }
    await this.checkChain();
  }

  private async checkChain(): Promise<void> {
    // A failed read is asked again next time; a verdict is kept for the instance.
    this.chainCheck ??= this.chainMismatch().catch((err: unknown) => {
      this.chainCheck = null;
      throw err;
    });
    this.refusal = await this.chainCheck;
    if (this.refusal !== null) throw new Error(this.refusal);
  }

  /**
   * Why this node must not serve its chain, or null: a consensus parameter
   * base.iost stored at genesis (src/genesis/rewards.ts) that differs from this
   * node's genesis config, e.g. a BLOCK_INTERVAL_MS other than the one the
   * chain started with. Its slots would then not be the chain's.
   */
  private async chainMismatch(): Promise<string | null> {
    const p = this.consensus;
    const want: [string, string][] = [
      ["blockIntervalNs", p.blockIntervalNs.toString()],
      ["blocksPerSlot", String(p.blocksPerSlot)],
      ["voteInterval", String(p.voteInterval)],
      ["issueInterval", String(p.issueInterval)],
      ["heartbeatNs", String(p.heartbeatNs)],
      ["shardGroups", String(p.shardGroups ?? 1)],
    ];
    const shard0 = this.shards()[0];
    const stored = await Promise.all(want.map(([key]) => shard0.read("getContractStorage", "base.iost", key, "")));
    for (const [i, [key, value]] of want.entries()) {
      const got = stored[i];
      const data = typeof got === "object" && got !== null && "data" in got ? String(got.data) : JSON.stringify(got);
      // Absent is 0 for the heartbeat, 1 for the groups (src/genesis/rewards.ts writes them only when set).
      const chain = data === "null" && key === "heartbeatNs" ? "0" : data === "null" && key === "shardGroups" ? "1" : data;
      if (chain === value) continue;
      const fix =
        key === "blockIntervalNs" && /^[0-9]+$/.test(chain)
          ? ` (BLOCK_INTERVAL_MS is ${this.config.genesis.blockIntervalMs}, the chain's ${BigInt(chain) / ONE_MS_NS})`
          : key === "heartbeatNs" && /^[0-9]+$/.test(chain)
            ? ` (HEARTBEAT_MS is ${this.config.genesis.heartbeatMs}, the chain's ${BigInt(chain) / ONE_MS_NS})`
            : "";
      return `refusing to serve this chain: its genesis set ${key} ${chain}, this node's config ${value}${fix}; every node of a network must use the chain's genesis values`;
    }
    return null;
  }

  private async createGenesis(): Promise<void> {
    const genesis = core.genesisInfo(this.config.genesis);
    // Until its first plan (at the leap) its objects apply shard 0 alone; the others' genesis chunks come from a peer, none of their objects made.
    // Decided once: a genesis retried after a failure keeps the first answer (its `applies` and `unmade` are stored).
    const joining = this.unmade().length > 0 || (await this.joinsLongChain());
    if (joining) {
      const others = Array.from({ length: this.config.shardCount }, (_, i) => i).filter((i) => i !== CONSENSUS_SHARD);
      this.ctx.storage.transactionSync(() => {
        this.setApplies([CONSENSUS_SHARD]);
        this.setMeta("unmade", JSON.stringify(others));
      });
    }
    const own = await Promise.all(
      this.heldShards().map((s) =>
        s.buildChunk({ height: 0, time: genesis.time.toString(), parentHash: "", witness: "0", parentWitness: "", parentTime: "0" }),
      ),
    );
    const headerOf = (chunks: Chunk[]) => assembleHeader({ version: 0, number: 0, parentHash: "", witness: "0", time: genesis.time, chunks: byShard(chunks) });
    let chunks = own;
    if (this.config.holds !== null || joining) {
      const all = await genesisFromPeers(this.config.peers, own, this.config.shardCount, (c) => storedBlock(headerOf(c), c, null).hash);
      if ("error" in all) throw new Error(`coordinator: ${all.error}`);
      chunks = all;
    }
    const header = headerOf(chunks);
    const block = storedBlock(header, chunks, null);
    const witnesses = listOf(chunks) ?? genesis.witnesses;
    // A producer of several groups keeps every genesis chunk with block 0: its objects of the shards it drops (and
    // those it syncs later, whose history starts at their sync block) cannot serve a joining node's genesis.
    // One that joins a long chain has only shard 0's genesis txs: block 0 is served by its peers.
    const kept =
      (this.config.genesis.groups ?? 1) > 1 && this.config.holds === null && !joining
        ? JSON.stringify(
            (await Promise.all(this.shards().map((s) => s.chunkRange(0, 1, 0)))).map(([c]) => ({ chunk: c.chunk, txs: c.txs.map((t) => base64Encode(t)) })),
          )
        : null;
    this.ctx.storage.transactionSync(() => {
      if (this.block(0)) return;
      this.sql.exec(
        "INSERT INTO blocks (number, hash, json, witnesses, kept) VALUES (?, ?, ?, ?, ?)",
        0,
        block.hash,
        JSON.stringify(block),
        JSON.stringify(witnesses),
        kept,
      );
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
   * Returns false when nothing was produced: no held key scheduled, not a held
   * slot yet ("interval" mode), or mode "on-tx" (unless `force`, as /dev/mine)
   * while no shard has work (Shard.hasWork).
   */
  async produce(force = false): Promise<boolean> {
    return (await this.produceStep(force)).produced;
  }

  private produceStep(force: boolean): Promise<Outcome> {
    const once = () => produceOnce(this.productionHost(), force);
    // A block's user txs: all but the base tx.
    this.inflight ??= this.exclusive(() => this.cost.span("block", once, (o) => (o.produced ? this.headBlock().txCount - 1 : null))).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** What production.ts needs of this object. */
  private productionHost(): ProductionHost {
    return {
      config: this.config,
      consensus: this.consensus,
      intervalMs: this.intervalMs,
      genesisWitnesses: this.genesisWitnesses,
      aheadNs: this.aheadNs,
      held: () => this.held,
      meta: (key) => this.meta(key),
      setMeta: (key, value) => this.setMeta(key, value),
      block: (n) => this.block(n),
      headBlock: () => this.headBlock(),
      listFor: (h) => this.listFor(h),
      lib: () => this.libNumber(),
      shards: () => this.heldShards(),
      buildChunks: (ctx, askPeers) => {
        this.drafted.clear();
        return buildChunks(
          {
            groups: this.config.genesis.groups ?? 1,
            applies: () => this.applies(),
            keep: (index, chunk, txs, draft) => {
              this.drafted.set(index, { chunk, txs });
              if (draft !== undefined) this.draftWitnesses.set(`${index}/${chunk.height}`, { id: chunkId(chunk), ...draft });
              for (const key of this.draftWitnesses.keys()) if (Number(key.split("/")[1]) <= chunk.height - MAX_AHEAD) this.draftWitnesses.delete(key);
            },
            incoming: (height, takers) => this.incomingOnHead(height, takers),
            peers: () => this.askOrder(),
            keysOf: (peer) => this.gossip.keysOf(peer),
            groupsAt: (height) => views.epochGroups(this.viewHost(), epochOf(height, this.consensus.voteInterval), this.consensus.voteInterval),
            shardsAt: (height) => this.shardsAt(height),
            shards: () => this.shards(),
            header: (n) => {
              const b = this.block(n);
              return b === null ? null : headerParts(b.info);
            },
            check: (index, c, d) => this.checkDraft(index, c, d),
            pushHead: (peer) => sync.pushHeadTo(this.syncHost(), peer),
            source: (peer, shard, c, timeoutMs) => fetchChunk(peer, this.config.chainId, shard, c, timeoutMs),
            waitMs: this.intervalMs,
            now: () => Date.now(),
            builders: this.builders,
            counts: this.groupChunks,
          },
          ctx,
          askPeers,
        );
      },
      validator: (k) => this.validator(k),
      ensureGenesis: () => this.ensureGenesis(),
      storeHead: (b, w) => {
        const taken = [...this.drafted.values()].filter((d) => d.chunk.height === b.number);
        return this.storeHead(
          b,
          w,
          this.keptOf(
            taken.map((d) => d.chunk),
            (i) => this.drafted.get(i)!.txs,
          ),
        );
      },
      finalizeShards: (lib, hash, head) => this.finalizeShards(lib, hash, head),
      onNewHead: (b) => this.onNewHead(b),
      mayBeat: () => sync.mayBeat(this.syncHost(), this.syncState),
      push: (height) => sync.pushOwn(this.syncHost(), height).catch((err) => console.warn(`coordinator: push of block ${height} failed: ${String(err)}`)),
      work: this.work,
    };
  }

  /**
   * Stores `block` as the new head with the list that schedules its child and
   * recomputes LIB, in one transaction; the new LIB when it rose (the shards
   * are told only then), else null. A produced block and a
   * peer's adopted one are stored alike.
   */
  private storeHead(block: StoredBlock, witnesses: string[], kept: string | null = null): number | null {
    const before = this.libNumber();
    let lib = 0;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO blocks (number, hash, json, witnesses, kept) VALUES (?, ?, ?, ?, ?)",
        block.number,
        block.hash,
        JSON.stringify(block),
        JSON.stringify(witnesses),
        kept,
      );
      lib = this.computeLib();
      if (lib !== before) this.setMeta("lib", String(lib));
      this.sql.exec("DELETE FROM coordinator_meta WHERE key = 'producing'");
    });
    return lib > before ? lib : null;
  }

  private rotationHost(): RotationHost {
    return {
      sync: this.syncHost(),
      groups: this.config.genesis.groups ?? 1,
      keys: () => [...this.held],
      setApplies: (shards) => this.setApplies(shards),
      keepRecent: (shard) => this.keepRecent(shard),
      unmade: () => this.unmade(),
      made: (shards) => this.made(shards),
      leaps: () => this.leaps,
    };
  }

  // ---- peers (issue #7; the logic is in chain-sync.ts) ---------------------

  /** What chain-sync.ts needs of this object. */
  private syncHost(): sync.SyncHost {
    return {
      label: this.name,
      ownKeys: [...this.held].sort(),
      chainId: this.config.chainId,
      shardCount: this.config.shardCount,
      holds: this.config.holds,
      applies: () => this.applies(),
      keptChunks: (n) => this.keptChunks(n),
      peers: this.config.peers,
      schedule: this.consensus,
      voteInterval: this.consensus.voteInterval,
      aheadNs: this.aheadNs,
      sql: this.sql,
      gossip: this.gossip,
      nodeId: this.nodeId,
      producerKeys: () => new Set(this.gateKeys()),
      shards: () => this.shards() as sync.SyncShard[],
      checkUnheld: async (b, parent, p) => this.noteGone(await this.checkNotHeld(b, parent, p)),
      incoming: async (height, parentInfo, takers) => {
        const r = await provenIncoming({
          shardCount: this.config.shardCount,
          holds: this.applies() ?? [],
          takers,
          height,
          infoAt: (n) => (n === height - 1 ? parentInfo : (this.block(n)?.info ?? null)),
          peers: await this.orderAt(height - 1, this.block(height - 1)?.witness),
          source: (peer, shard, from, h, to) => fetchSent(peer, this.config.chainId, shard, from, h, to),
        });
        if ("error" in r) this.noteGone(r.error);
        return r;
      },
      leapIfFar: async (peer, s) => {
        const head = this.headNumber();
        if (!this.gone && !farBehind(head, s.lib, () => this.block(head)?.info ?? null)) return this.shardsChecked;
        this.gone = false;
        const producer = this.config.holds === null;
        const fault = await this.exclusive(async () => {
          // A producer's held shards are those its plan holds now at the head the headers brought, each synced at LIB.
          // Those kept for next epoch or for the last one's grace follow by rotation, whose failure there stops nothing:
          // a shard only this node held (its group's sole producer, wiped) cannot come back, and must not stall it.
          const taken: { plan?: RotationPlan } = {};
          const plan = async () => {
            if (!producer) return;
            taken.plan = await planNow(this.rotationHost(), this.rotation);
            this.setApplies(taken.plan.now);
          };
          try {
            const stuck = await leap(this.syncHost(), this.syncState, peer, s, plan, () => this.fillWindows());
            const p = taken.plan;
            if (stuck === null && p !== undefined) for (const i of p.now) this.rotation.synced.push({ shard: i, epoch: p.epoch, head: this.headNumber() });
            return stuck;
          } finally {
            // Counted once the shards moved: a rotation step that read them before sees it (rotation.ts `leaps`).
            this.leaps++;
          }
        });
        if (fault !== null) console.warn(`${this.name}: leap to ${peer}'s final blocks failed: ${fault}`);
        // Failed, the next tick syncs the shards left behind (startHolding).
        this.shardsChecked = fault === null;
        this.leapFailed = producer && fault !== null;
        return producer && fault === null;
      },
      mainBlock: (n) => this.block(n),
      head: () => this.headBlock(),
      lib: () => this.libNumber(),
      witnessesAfter: (b) => b.witnesses ?? this.witnessesAfter(b.number),
      archivedBlock: async (n) => {
        const r = await this.archivedBlock(n);
        return r === null
          ? null
          : { ...(JSON.parse(r.json) as StoredBlock), witnesses: r.witnesses === null ? this.genesisWitnesses : (JSON.parse(r.witnesses) as string[]) };
      },
      adopt: async (b: WireBlock, chunks, txs) => {
        const { witnesses, ...record } = b;
        const lib = this.storeHead(
          record,
          witnesses,
          this.keptOf(chunks, (i) => txs[i]),
        );
        if (lib !== null) await this.finalizeShards(lib, this.block(lib)!.hash);
        await this.onNewHead(record, { chunks, txs });
      },
      storeHeader: async (b) => {
        const { witnesses, ...record } = b;
        this.storeHead(record, witnesses);
        // A final block the tracker moves to counts at the next LIB computed (computeLib reads it).
        await this.finality.onNewHead(record, false);
      },
      truncate: (n) => {
        if (n < this.libNumber()) throw new Error(`coordinator: refusing to drop blocks at or below LIB ${this.libNumber()}`);
        this.ctx.storage.transactionSync(() => {
          this.sql.exec("DELETE FROM blocks WHERE number > ?", n);
        });
      },
      dropProduction: () => {
        if (this.meta("producing") === undefined) return false;
        this.sql.exec("DELETE FROM coordinator_meta WHERE key = 'producing'");
        return true;
      },
      exclusive: (run) => this.exclusive(run),
      takeEndorsements: async (list, from) => {
        this.heardPulled(list, from);
        await this.takeEndorsements(list, {});
      },
      countEndorsements: async (list, from) => {
        this.heardPulled(list, from);
        await this.countEndorsements(await Promise.all(list.map((e) => this.finality.check(e))), {});
      },
      background: (task) =>
        this.ctx.waitUntil(
          task.catch((err) => console.warn(`coordinator: peer sync failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)),
        ),
      certifiedHeight: (h) => this.finality.certifiedHeight(h),
      tracked: (h) => this.finality.tracks(h),
      trackSide: async (path) => {
        if (this.finality.trackSide(path)) await this.raiseLib();
      },
    };
  }

  /**
   * Finality hook, after `block` became the head (produced or adopted), inside
   * the exclusive turn: held validators endorse it, peers hear of it, and LIB
   * rises if the endorsement-final block moved.
   */
  private async onNewHead(block: StoredBlock, adopted?: AdoptedParts): Promise<void> {
    const caught = sync.caughtUp(this.syncHost(), this.syncState);
    const endorse = (await this.checkedByWitness(block, adopted, caught)) && caught;
    if (await this.finality.onNewHead(block, endorse)) await this.raiseLib();
  }

  /**
   * Shard groups (witness-check.ts): whether the chunks of adopted block `b` whose shards this
   * node's producers do not hold passed a check by witness, when its keys are to endorse it
   * (`endorsing`); every main block's chunks of those shards feed their replay windows (our own
   * block's txs asked of our shards). With one group, or no producer key, nothing is read or asked.
   */
  private async checkedByWitness(b: StoredBlock, parts: AdoptedParts | undefined, endorsing: boolean): Promise<boolean> {
    if ((this.config.genesis.groups ?? 1) === 1 || this.held.size === 0) return true;
    const { shards } = await this.groupView();
    const parent = this.block(b.number - 1);
    if (shards === null || parent === null) return true; // no assignment known: every shard was re-executed here
    const applies = this.applies();
    // A peer's block's chunks of the shards our objects do not apply were checked before it was adopted (chain-sync.ts `extend`), their windows fed.
    const checked = parts === undefined || applies === null ? [] : this.shards().flatMap((_, i) => (applies.includes(i) ? [] : [i]));
    const unheld = this.shards().flatMap((_, i) => (shards.includes(i) || checked.includes(i) ? [] : [{ s: this.windowSource(i), i }]));
    if (unheld.length === 0) return true;
    await this.fillOwnWindows(b.number, unheld);
    const list = this.listFor(b.number);
    if (parts === undefined || !endorsing || ![...this.held].some((k) => list.includes(k))) {
      const txs = parts?.txs ?? (await Promise.all(this.shards().map((_, i) => (shards.includes(i) ? [] : this.chunkTxsOf(b.number, i)))));
      for (const { i } of unheld) this.replays.note(i, b.number, BigInt(b.time), txs[i]);
      return true;
    }
    const why = await this.witnessCheck(b, parent, parts, [...shards, ...checked]);
    if (why === null) return true;
    console.warn(`${this.name}: not endorsing block ${b.number} ${b.hash}: ${why}`);
    return false;
  }

  /**
   * Checks block `b`'s chunks of the shards not in `held` by witnesses from peers (witness-check.ts), counted in
   * /dev/status `witnessChecks`: why they do not pass, or null.
   */
  private async witnessCheck(
    b: Parameters<typeof checkUnheld>[0],
    parent: Parameters<typeof checkUnheld>[1],
    parts: AdoptedParts,
    held: readonly number[],
  ): Promise<string | null> {
    const source: WitnessSource = (peer, shard, height, chunk, from) => fetchWitness(peer, this.config.chainId, shard, height, chunk, from);
    const o = {
      chainId: this.config.chainId,
      shardCount: this.config.shardCount,
      peers: await this.orderAt(b.number, b.witness),
      source,
      windows: this.replays,
      rootsAt: (n: number) => this.sentRootsAt(n),
    };
    const r = await checkUnheld(b, parent, parts, held, o);
    if (!("error" in r)) {
      this.witnessChecks.chunks += this.config.shardCount - held.length;
      this.witnessChecks.windowed += r.windowed;
      this.witnessChecks.placeholders += parts.chunks.filter((c, s) => !held.includes(s) && c.placeholder !== undefined).length;
      return null;
    }
    const why = `block ${b.number} ${b.hash}: ${r.error}`;
    if (r.refused) {
      this.witnessChecks.refused++;
      this.witnessChecks.last = why;
    } else {
      this.witnessChecks.unserved++;
      this.witnessChecks.lastUnserved = why;
    }
    return r.error;
  }

  /**
   * A peer's draft `d` of shard `index`'s chunk of our block `ctx` checked by its witness, against our
   * header of the parent (its state and receipts roots) and the shard's replay window when it goes
   * on to the block (group-chunks.ts `buildChunks`).
   */
  private async checkDraft(index: number, ctx: ChunkContext, d: Exclude<PeerDraft, { empty: true }>): Promise<string | null> {
    const parent = this.block(ctx.height - 1);
    if (parent === null) return `no block ${ctx.height - 1} on this node`;
    const roots = headerParts(parent.info);
    const replay = this.replays.continues(index, ctx.height) ? this.replays.at(index, ctx.height, BigInt(ctx.time)) : undefined;
    const r = await checkChunk(roots[index].state_root, { ctx, txs: d.txs, incoming: d.incoming, chunk: d.chunk }, d.witness, {
      chainId: this.config.chainId,
      place: { index, count: this.config.shardCount },
      sentRoots: roots.map((x) => x.out_receipts_root ?? ""),
      parent: cursorOf(roots[index]),
      rootsAt: (n) => this.sentRootsAt(n),
      replay,
    });
    return "error" in r ? r.error : null;
  }

  /** The receipts roots of our main block `n`, for receipts carried past placeholders (a row read, only then); null if not kept. */
  private sentRootsAt(n: number): string[] | null {
    const b = this.block(n);
    return b === null ? null : sentRootsOf(b.info);
  }

  /**
   * Peers to ask, by shard, for a chunk's witness or receipts proofs of block `height` made by key
   * `producer` (witness-check.ts `orderAt`): its producer, then the shard's group, then the others;
   * each of these was asked in one order whatever the shard, so a producer whose rotation dropped the
   * shard was often asked first, at the cost of a round trip inside the exclusive turn.
   */
  private async orderAt(height: number, producer: string | undefined): Promise<(shard: number) => string[]> {
    const peers = this.askOrder();
    const vi = this.consensus.voteInterval;
    const members = (this.config.genesis.groups ?? 1) === 1 ? null : await views.epochGroups(this.viewHost(), epochOf(height, vi), vi);
    return (shard) => orderAt(peers, shard, members, (p) => this.gossip.keysOf(p), producer);
  }

  /** Peers to ask for witnesses and proofs: those that missed a push (down, cut off) last, as each costs a timeout inside the exclusive turn. */
  private askOrder(): string[] {
    const missed = this.gossip.missed(this.config.peers);
    return [...this.config.peers.filter((p) => !missed.includes(p)), ...missed];
  }

  /**
   * A node holding part of the shards, once per instance: its shards brought to its head (leap.ts
   * `alignHeld`: after a restart that cut a leap short), then the others' replay windows filled.
   * Whether done; if not, the next tick tries again (a leap meanwhile may bring them on).
   */
  private async startHolding(): Promise<boolean> {
    const fault = await this.exclusive(async () => {
      const stuck = await alignHeld(this.syncHost());
      if (stuck === null) await this.fillWindows();
      return stuck;
    });
    if (fault !== null) console.warn(`${this.name}: ${fault}`);
    return fault === null;
  }

  /**
   * A node whose objects apply part of the shards, after its start (holding part of them) or a leap:
   * the replay windows of the others filled from its peers' recent blocks (holding.ts
   * `recentChunks`), so its checks by witness are windowed at once, not 90 s of block time later
   * (a producer that leapt has none of those chunks kept with its blocks). On failure they fill as
   * blocks come. Inside the exclusive turn: no block is adopted meanwhile.
   */
  private async fillWindows(): Promise<void> {
    const holds = this.applies();
    if (holds === null) return;
    const unheld = Array.from({ length: this.config.shardCount }, (_, s) => s).filter((s) => !holds.includes(s));
    const r = await recentChunks({
      head: this.headNumber(),
      block: (n) => this.block(n),
      shardCount: this.config.shardCount,
      unheld,
      peers: this.askOrder(),
    });
    if ("error" in r) console.warn(`${this.name}: replay windows not filled: ${r.error}`);
    else for (const [shard, chunks] of r) this.replays.fill(shard, chunks);
  }

  /**
   * A producer of several groups, before its windows take block `height`: those of `unheld` that do
   * not go on to it (after a restart, or a shard its groups held until this epoch) filled from the
   * shards' chunks of the 90 s of block time before (its objects', or those kept with its blocks:
   * `windowSource`), so their checks are windowed at once, not 90 s later.
   */
  private async fillOwnWindows(height: number, unheld: readonly { s: Pick<ShardInternal, "chunkRange">; i: number }[]): Promise<void> {
    const gaps = unheld.filter(({ i }) => !this.replays.continues(i, height));
    if (height <= 1 || gaps.length === 0) return;
    const from = windowFrom(height - 1, (n) => this.block(n)?.time ?? null);
    const got = await ownRecentChunks(new Map(gaps.map(({ s, i }) => [i, s])), from, height - 1);
    for (const [shard, chunks] of got) this.replays.fill(shard, chunks);
  }

  /**
   * Where shard `i`'s chunks of our main blocks are read for its replay window: our object when it
   * applies the chain, else the blocks' kept chunks. An applied object synced from a snapshot within
   * the window holds no chunk below its sync block: those heights, when it was not applied, come from
   * the kept chunks (before, such a shard's window was not filled, and a restarted producer's checks of
   * the next epoch's shards it took on ran unwindowed).
   */
  private windowSource(i: number): Pick<ShardInternal, "chunkRange"> {
    const applies = this.applies();
    const kept = (from: number, count: number) => sync.keptRange((n) => this.keptChunk(n, i), from, count);
    if (applies === null) return this.shards()[i];
    if (!applies.includes(i)) return { chunkRange: async (from, count) => kept(from, count) };
    const object = this.shards()[i];
    return {
      chunkRange: async (from, count, max) => {
        const own = await object.chunkRange(from, count, max);
        return own.length > 0 ? own : kept(from, count);
      },
    };
  }

  /** The txs of shard `i`'s chunk of our main block `n`. */
  private async chunkTxsOf(n: number, i: number): Promise<Uint8Array[]> {
    const applies = this.applies();
    if (applies === null || applies.includes(i)) return this.shards()[i].chunkTxs(n);
    return (await this.keptChunk(n, i))?.txs ?? [];
  }

  /**
   * A node whose objects apply part of the shards (`applies`): why peer block `b`'s chunks of the
   * others do not pass a check by witness, or null. Counted in /dev/status `witnessChecks` as a
   * producer's checks are. On a node holding part of the shards, none while its own are not at its
   * head (a leap or sync under way): they could not apply it. A producer's windows of those shards
   * are filled first where they do not go on to the block (after a restart: from its kept chunks).
   */
  private async checkNotHeld(b: WireBlock, parent: StoredBlock, p: ParsedPeerBlock): Promise<string | null> {
    if (this.config.holds !== null && !this.shardsChecked) return SYNCING;
    const applies = this.applies() ?? [];
    const parts = { chunks: p.chunks.map((c) => c.chunk as Chunk), txs: p.chunks.map((c) => c.txs) };
    if (this.config.holds === null) {
      const unheld = p.chunks.flatMap((_, i) => (applies.includes(i) ? [] : [{ s: this.windowSource(i), i }]));
      await this.fillOwnWindows(b.number, unheld);
    }
    return this.witnessCheck(b, parent, parts, applies);
  }

  /** `reason` (null: none) passed on; on a node whose objects apply part of the shards, one that only a leap gets past is noted (`gone`). */
  private noteGone(reason: string | null): string | null {
    if (reason !== null && this.applies() !== null && historyGone(reason)) this.gone = true;
    return reason;
  }

  /** LIB again after the endorsement-final block moved; the shards hear of a rise. */
  private async raiseLib(): Promise<void> {
    const lib = this.computeLib();
    if (lib <= this.libNumber()) return;
    this.setMeta("lib", String(lib));
    // The head rides along as production's rise names it: a chain resting after a settle's block shows its receipt then.
    await this.finalizeShards(lib, this.block(lib)!.hash, this.headBlock());
  }

  /** POST /p2p/endorse: a peer's signed endorsement, counted (and relayed) or refused with the reason. */
  async receiveEndorsement(e: unknown, origin: Origin = {}): Promise<Answer<EndorseResult>> {
    await this.ensureGenesis();
    // Everything but the count outside the queue: a bogus or repeated endorsement never waits in line with production.
    const checked = await this.finality.check(e);
    if ("error" in checked) return checked;
    return this.exclusive(async () => {
      const r = this.finality.receive(checked, origin.node, origin.to);
      if ("error" in r) return r;
      if (r.moved) await this.raiseLib();
      // A certified side block may now make its branch the fork choice (chain-sync.ts reconsider).
      await sync.reconsider(this.syncHost(), this.syncState, r.hash);
      return { result: r.result, final: r.final };
    });
  }

  /**
   * POST /p2p/endorse with a batch: each as receiveEndorsement, in one request and one turn of the
   * queue (a batch of 64 as 64 calls is over the Free plan's 50 subrequests). Answers in order.
   */
  async receiveEndorsements(list: readonly unknown[], origin: Origin = {}): Promise<Answer<EndorseResult>[]> {
    if (!Array.isArray(list) || list.length > MAX_BATCH) return [{ error: `a batch holds 1 to ${MAX_BATCH} endorsements` }];
    return this.takeEndorsements(list, origin);
  }

  /** receiveEndorsements for this object's own use (a pull, chain-sync.ts): a call on itself would be counted as a request (meter.ts). */
  private async takeEndorsements(list: readonly unknown[], origin: Origin): Promise<Answer<EndorseResult>[]> {
    await this.ensureGenesis();
    const checked = await Promise.all(list.map((e) => this.finality.check(e)));
    return this.exclusive(() => this.countEndorsements(checked, origin));
  }

  /** Endorsements `finality.check` answered for, counted (inside the exclusive turn): LIB rises and fork choice looks again. */
  private async countEndorsements(checked: readonly (SignedEndorsement | { error: string })[], origin: Origin): Promise<Answer<EndorseResult>[]> {
    const answers: Answer<EndorseResult>[] = [];
    const hashes = new Set<string>();
    let moved = false;
    for (const c of checked) {
      const r = "error" in c ? c : this.finality.receive(c, origin.node, origin.to);
      if ("error" in r) {
        answers.push(r);
        continue;
      }
      moved ||= r.moved !== null;
      hashes.add(r.hash);
      answers.push({ result: r.result, final: r.final });
    }
    if (moved) await this.raiseLib();
    for (const h of hashes) await sync.reconsider(this.syncHost(), this.syncState, h);
    return answers;
  }

  /** Peer `from`'s endorsements of a pull (unchecked), heard from it in gossip. */
  private heardPulled(list: readonly unknown[], from: string): void {
    for (const e of list) if (endorsementError(e) === null) this.gossip.heardFrom(gossipKey(e as SignedEndorsement), from);
  }

  /** POST /p2p/block: a peer's block (the parsed JSON body); `from` names the sender in logs, `origin` in gossip. */
  async receiveBlock(json: unknown, from: string, origin: Origin = {}): Promise<sync.ReceiveResult> {
    await this.ensureGenesis();
    await this.armForPeers();
    // Not a verdict on the block, so not a rejection: a holding node whose shards are still syncing pulls it later.
    if (this.config.holds !== null && !this.shardsChecked) return { error: SYNCING };
    const r = await sync.receiveBlock(this.syncHost(), this.syncState, json, from, origin);
    // A resting node whose slot may come next: a peer's content block needs follow-ups for finality.
    if ("result" in r && (r.result === "adopted" || r.result === "reorg")) {
      const host = this.productionHost();
      if (modeOf(host) !== "interval" && unfinal(host)) await this.arm(true);
    }
    return r;
  }

  /** Keys of the lists that schedule our head's child, our head and the block after LIB (sorted, distinct). */
  private gateKeys(): string[] {
    const head = this.headBlock().number;
    const lib = this.libNumber();
    return [...new Set([...this.witnessesAfter(head), ...this.listFor(Math.max(1, head)), ...this.witnessesAfter(lib)])].sort();
  }

  async p2pGate(): Promise<P2pGate> {
    await this.ensureGenesis();
    return {
      keys: this.gateKeys(),
      chainId: this.config.chainId,
      nodeId: this.nodeId,
      head: this.headBlock().number,
      final: this.finality.finalHeight(),
      aheadMs: Number(this.aheadNs / ONE_MS_NS),
      shardCount: this.config.shardCount,
    };
  }

  /** GET /p2p/blocks: up to `count` (≤ 50) of our main-chain blocks from `from`, as peers receive them. */
  async peerBlocks(from: number, count: number): Promise<PeerBlock[]> {
    await this.ensureGenesis();
    return sync.peerBlocksFrom(this.syncHost(), from, count);
  }

  async shardChunks(from: number, count: number, shard: number): Promise<{ chunks: ({ chunk: Chunk; txs: string[] } | null)[] }[]> {
    await this.ensureGenesis();
    if (!Number.isSafeInteger(shard) || shard < 0 || shard >= this.config.shardCount) return [];
    return sync.shardChunksFrom(this.syncHost(), from, count, shard);
  }

  /** GET /p2p/endorsements. */
  async peerEndorsements(from: number): Promise<SignedEndorsement[]> {
    await this.ensureGenesis();
    return this.finality.heldFrom(from);
  }

  /** POST /p2p/chunk (group-chunks.ts `draftFor`): shard `index`'s chunk of another producer's block on our head, not stored; or why not. */
  async chunkFor(index: number, ctx: ChunkContext): Promise<Answer<PeerDraft>> {
    await this.ensureGenesis();
    if ((this.config.genesis.groups ?? 1) === 1) return { error: "one shard group: every producer builds its own blocks' chunks" };
    if (this.config.holds !== null || index < 0 || index >= this.config.shardCount) return { error: `shard ${index} is not held by this node` };
    // In the exclusive turn: no block is adopted or made under the draft.
    return this.exclusive(() => draftFor(this.draftHost(), index, ctx, BigInt(Date.now()) * ONE_MS_NS));
  }

  private draftHost(): DraftHost {
    return {
      schedule: this.consensus,
      shardCount: this.config.shardCount,
      aheadNs: this.aheadNs,
      head: () => this.headBlock(),
      listFor: (h) => this.listFor(h),
      tip: (head) => tipOf({ consensus: this.consensus, block: (n) => this.block(n) }, head),
      shardsAt: (h) => this.shardsAt(h),
      shard: (i) => this.shards()[i],
      incoming: (height, takers, proofs) => this.incomingOnHead(height, takers, proofs),
    };
  }

  /**
   * When our objects apply part of the shards: the receipts the others' chunks sent `takers` for
   * block `height` on our head (a block we make or a draft), proven by peers as a peer block's are
   * (holding.ts `provenIncoming`: one /p2p/sent per unapplied sender that sent anything), their proofs
   * into `proofs`; null when every shard is applied.
   */
  private async incomingOnHead(height: number, takers: readonly number[], proofs?: Map<number, Map<number, SentProof[]>>) {
    const applies = this.applies();
    if (applies === null) return null;
    return provenIncoming({
      shardCount: this.config.shardCount,
      holds: applies,
      takers,
      height,
      infoAt: (n) => this.block(n)?.info ?? null,
      peers: await this.orderAt(height - 1, this.block(height - 1)?.witness),
      source: (peer, shard, from, h, to) => fetchSent(peer, this.config.chainId, shard, from, h, to),
      proofs,
    });
  }

  /** The shards of our keys' groups in the epoch of block `height` (head's or the next); null when not known (no key in the list that fixes them). */
  private async shardsAt(height: number): Promise<number[] | null> {
    return shardsFor(await this.groupView(), height, this.consensus.voteInterval);
  }

  /** GET /p2p/status. */
  async p2pStatus(): Promise<PeerStatus> {
    await this.ensureGenesis();
    await this.armForPeers();
    return sync.p2pStatus(this.syncHost());
  }

  /** A node with peers ticks even without a scheduled key: it asks its peers for newer blocks. */
  private async armForPeers(): Promise<void> {
    if (this.config.peers.length === 0 || this.config.production === "manual") return;
    const at = await this.ctx.storage.getAlarm();
    if (at === null || (this.fresh() && at > Date.now() + this.intervalMs)) await this.ctx.storage.setAlarm(Date.now() + this.intervalMs);
  }

  /**
   * An instance with peers that has not asked them since it started (a restart, an eviction): the
   * network may have finished blocks meanwhile and rests now, pushing nothing, so its first
   * request arms the alarm at once, which asks them (chain-sync.ts `peerTick`), rather than
   * leaving a resting node asleep until its heartbeat. One alarm per instance start.
   */
  private fresh(): boolean {
    return this.config.peers.length > 0 && this.syncState.lastPoll === -Infinity;
  }

  private async finalizeShards(lib: number, libHash: string, head?: StoredBlock): Promise<void> {
    // The new head rides along: storage reads name the block they read (shard-views.ts `labelled`).
    const named = head && { number: head.number, hash: head.hash };
    await Promise.all(this.heldShards().map((s) => s.finalize(lib, libHash, named)));
    // LIB is stored: a failed archive (R2 down) only waits for the next rise.
    await this.archive().catch((err: unknown) => console.error(`coordinator: archiving below LIB failed: ${String(err)}`));
  }

  /**
   * With an R2 bucket: the next segment of block records (archive.ts), their kept chunks with them
   * (`keptChunk` reads them there), once all of it is the retention window below LIB is written to
   * R2, then its rows leave `blocks` for a slim `archived_blocks` (hash → number) in one transaction.
   * Nothing below LIB is read by fork choice, finality or scheduling (they start at LIB), so the
   * window is only how long blocks stay hot. A crash between the put and the transaction writes the
   * same object again on the next rise.
   */
  private async archive(): Promise<void> {
    if (this.env.ARCHIVE === undefined) return;
    const d = due(this.mark, this.libNumber(), this.config.archive.retain);
    if (d === null) return;
    const blocks = this.sql
      .exec<BlockRow & { kept: string | null }>(
        "SELECT number, hash, json, witnesses, kept FROM blocks WHERE number BETWEEN ? AND ? ORDER BY number",
        d.from,
        d.to,
      )
      .toArray()
      .map((r) => ({ number: r.number, hash: r.hash, json: r.json, witnesses: r.witnesses, ...(r.kept === null ? {} : { kept: r.kept }) }));
    if (blocks.length !== d.to - d.from + 1) throw new Error(`coordinator: blocks ${d.from}…${d.to} are not all stored, cannot archive them`);
    await this.segments!.put({ format: "iost-edge/segment", version: 1, owner: this.name, seg: this.mark.seg, k: d.k, from: d.from, to: d.to, blocks });
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT OR IGNORE INTO archived_blocks (hash, number) SELECT hash, number FROM blocks WHERE number BETWEEN ? AND ?", d.from, d.to);
      this.sql.exec("DELETE FROM blocks WHERE number BETWEEN ? AND ?", d.from, d.to);
      this.setMeta("archived", JSON.stringify({ next: d.k + 1, seg: this.mark.seg }));
    });
    this.mark = { next: d.k + 1, seg: this.mark.seg };
  }

  /** Block record `number` from its R2 segment if it was archived, else null. */
  private async archivedBlock(number: number): Promise<BlockRow | null> {
    if (!isArchived(this.mark, number)) return null;
    const s = await this.segments!.get(segmentOf(number, this.mark.seg));
    return s?.blocks?.[number - rangeOf(s.k, s.seg).from] ?? null;
  }

  override async alarm(): Promise<void> {
    if (!this.jitter) return this.tick();
    await Promise.all(this.jitter().map((ms) => scheduler.wait(ms).then(() => this.tick())));
  }

  private async tick(): Promise<void> {
    // An alarm armed before the node was switched to manual mode just ends.
    if (this.config.production === "manual") return;
    this.ticks.since = Date.now();
    try {
      await this.tickOnce();
    } finally {
      this.ticks.since = null;
      this.ticks.ended = Date.now();
    }
  }

  private async tickOnce(): Promise<void> {
    const interval = this.intervalMs;
    const wakes = this.wakes;
    let next: number | null;
    let resting = false;
    try {
      await this.ensureGenesis();
      // A node holding part of the shards (no producer key) does not rotate: SERVES chose its shards.
      if (!this.shardsChecked) {
        // A producer whose leap failed, or that joined by a leap (a restart may cut its first one short: headers stored, LIB
        // still 0), brings its shards to a final block as a holding node does: block by block they may never get there.
        const aligns = this.config.holds !== null || this.leapFailed || this.unmade().length > 0;
        if (!aligns) await this.exclusive(() => syncEmptyShards(this.syncHost()));
        this.shardsChecked = !aligns || (await this.startHolding());
        if (this.shardsChecked) this.leapFailed = false;
      }
      // Rotation runs beside production, not before it: a step syncing a shard taken on waits for a peer's state pages,
      // and a tick that awaited it made this node's block a slot late (rotation.test: two slots between blocks just as
      // next epoch's groups became final). It takes the exclusive turn itself, for its short steps only (rotation.ts).
      if (this.config.holds === null && this.shardsChecked && this.rotating === null) {
        this.rotating = rotate(this.rotationHost(), this.rotation)
          .catch((err) => console.error(`${this.name}: rotation step failed: ${errorText(err)}`))
          .finally(() => {
            this.rotating = null;
          });
        this.ctx.waitUntil(this.rotating);
      }
      // Not while a peer is more than a block ahead (it would only make a fork that loses), nor on shards not at the head.
      const mayProduce = sync.peerTick(this.syncHost(), this.syncState) && this.config.holds === null && this.shardsChecked && !this.lacksNow();
      const outcome: Outcome = mayProduce ? await this.produceStep(false) : { produced: false, wake: BigInt(Date.now() + interval) * ONE_MS_NS };
      resting = !outcome.produced && outcome.rest === true;
      next = nextWake(this.productionHost(), outcome);
    } catch (err) {
      // A refused chain stays down until its config is fixed (a request wakes it again).
      if (this.refusal !== null) {
        console.error(`coordinator: ${this.refusal}`);
        return;
      }
      // Retry the same height later; the persisted job keeps it the same block.
      console.error(`coordinator: block production failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      next = Date.now() + Math.max(interval, 1000);
    }
    // With peers, keep asking them even while no slot of ours is near; a resting node relies on their
    // pushes instead (a peer's block wakes it, an orphan starts a pull), so idle costs no polls. A peer
    // that missed our pushes gets the head again, at growing intervals, until it answers.
    if (this.config.peers.length > 0 && !resting) {
      next = Math.min(next ?? Infinity, Date.now() + Math.max(interval, sync.PEER_POLL_MS));
      this.repushMs = sync.PEER_POLL_MS;
    } else if (resting && (await this.askPeers())) {
      next = Math.min(next ?? Infinity, Date.now() + this.repushMs);
      this.repushMs = Math.min(this.repushMs * 2, MAX_REPUSH_MS);
    } else if (resting) {
      this.repushMs = sync.PEER_POLL_MS;
    }
    // A wake that came while this alarm decided to rest found no alarm, or one this rest replaces: honour it.
    if (this.wakes !== wakes && (resting || next === null)) next = Date.now();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /**
   * A resting node's look at its peers, only while one is unheard (a push to it failed, or it did
   * not answer the last status round) or the heartbeat is held back (`sync.mayBeat`): a status
   * round (pulling from a peer ahead, and the endorsements of a peer's higher LIB) and our head to
   * the peers that missed it. A node back from a cut link or a restart thus asks, and is asked,
   * though the others rest. Whether to look again.
   */
  private async askPeers(): Promise<boolean> {
    const host = this.syncHost();
    if (sync.unheard(host, this.syncState).length === 0 && sync.mayBeat(host, this.syncState)) return false;
    await sync.syncFromPeers(host, this.syncState).catch((err: unknown) => console.warn(`coordinator: peer sync failed: ${String(err)}`));
    const missed = await sync.repushHead(host, this.syncState).catch(() => true);
    return missed || sync.unheard(host, this.syncState).length > 0 || !sync.mayBeat(host, this.syncState);
  }

  /**
   * A tx arrived (intake), or a peer's block needs follow-ups (`work`): look now, unless the alarm
   * already looks within an interval. Without work (a read of the chain) only an alarm that never
   * started is armed: a resting node's heartbeat alarm stays, so reads cost no write.
   */
  async wake(work = true): Promise<void> {
    return this.arm(work);
  }

  /** wake() for this object's own use: a call on itself would be counted as a request (meter.ts). */
  private async arm(work: boolean): Promise<void> {
    if (this.held.size === 0) return this.armForPeers();
    if (this.config.production === "manual") return;
    if (work) this.wakes++;
    const at = await this.ctx.storage.getAlarm();
    if (at === null || ((work || this.fresh()) && at > Date.now() + this.intervalMs)) await this.ctx.storage.setAlarm(Date.now());
  }

  // ---- dev: mine, snapshot, revert -----------------------------------------

  async mine(blocks: number): Promise<Answer<HeadView>> {
    if (!this.config.dev) return DEV_ONLY;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_MINE_BLOCKS) {
      return { error: `invalid blocks ${String(blocks)}: an integer from 1 to ${MAX_MINE_BLOCKS}` };
    }
    if (this.held.size === 0) return { error: "this node holds no producer key" };
    await this.ensureGenesis();
    // Counted on the head, not on calls: a call may join an alarm's production
    // that found the pools empty or its slot not come yet (no block), or one
    // the alarm adds in "interval" mode.
    const target = this.headBlock().number + blocks;
    while (this.headBlock().number < target) {
      const outcome = await this.produceStep(true);
      if (!outcome.produced && outcome.wake === "periodic") {
        return { error: "this node holds no producer key scheduled in the witness list" };
      }
      // A node with peers waits for a turn too far ahead of the clock (production.ts planJob).
      if (this.config.peers.length > 0 && !outcome.produced && typeof outcome.wake === "bigint")
        await scheduler.wait(Math.max(1, Number(outcome.wake / ONE_MS_NS) - Date.now()));
    }
    // The chain rests until the next call, and a shard learns the head's hash only with a LIB rise (finalizeShards) or
    // the next chunk: named here, storage reads (shard-views.ts `labelled`) and the receipts waiting on them show the head.
    const head = this.headBlock();
    await Promise.all(this.heldShards().map((s) => s.finalize(this.libNumber(), undefined, { number: head.number, hash: head.hash })));
    return views.headView(head);
  }

  async snapshot(): Promise<Answer<{ id: string }>> {
    if (!this.config.dev) return DEV_ONLY;
    await this.ensureGenesis();
    return this.exclusive(async () => {
      // Ids only grow, so an id never names two states: the counter lives in the
      // object's key-value storage, outside the tables a revert restores.
      const id = (await this.ctx.storage.get<number>(SNAPSHOT_NEXT)) ?? 1;
      await this.ctx.storage.put(SNAPSHOT_NEXT, id + 1);
      await Promise.all(this.heldShards().map((s) => s.snapshot(id)));
      // The coordinator's copy last: it is what makes the id known to revert().
      this.ctx.storage.transactionSync(() => takeSnapshot(this.sql, id));
      return { id: String(id) };
    });
  }

  async resyncShard(index: number): Promise<Answer<StateSyncDone>> {
    if (!this.config.dev) return DEV_ONLY;
    if (!Number.isInteger(index) || index < 0 || index >= this.config.shardCount) return { error: `invalid shard ${index}` };
    if (this.config.holds !== null && !this.config.holds.includes(index)) return { error: `shard ${index} is not held by this node` };
    await this.ensureGenesis();
    return this.exclusive(() => resyncShard(this.syncHost(), index));
  }

  async revert(idText: string): Promise<Answer<HeadView>> {
    if (!this.config.dev) return DEV_ONLY;
    const id = parseSnapshotId(idText);
    if (id === null) return { error: `invalid snapshot id ${JSON.stringify(idText)}: a positive decimal integer as /dev/snapshot answers` };
    await this.ensureGenesis();
    return this.exclusive(async () => {
      const shards = this.heldShards();
      const held = hasSnapshot(this.sql, id) && (await Promise.all(shards.map((s) => s.hasSnapshot(id)))).every(Boolean);
      if (!held) return { error: `snapshot ${id} not found (never taken, or consumed by a revert)` };
      await Promise.all(shards.map((s) => s.revert(id)));
      this.ctx.storage.transactionSync(() => restoreSnapshot(this.sql, id));
      this.finality.forget();
      // Segments archived after the snapshot hold heights that are built again: not archived any more.
      this.mark = markOf(this.meta("archived"), this.config.archive.seg);
      // Only now, with every object restored, is the snapshot consumed: a revert that
      // failed on some shard left every copy in place and can be run again.
      await Promise.all(shards.map((s) => s.dropSnapshots(id)));
      this.ctx.storage.transactionSync(() => dropSnapshotsFrom(this.sql, id));
      // Heights above the restored head are built again, with other hashes: the
      // (dev-only) validators must forget them or they would refuse to sign.
      const head = this.headBlock().number;
      await Promise.all([...this.held].sort().map((k) => this.validator(k).forgetAbove(head)));
      await this.arm(true); // the restored pools may hold txs while an "on-tx" chain idles
      return views.headView(this.headBlock());
    });
  }

  // ---- views -------------------------------------------------------------

  /** What coordinator-views.ts needs of this object. */
  private viewHost(): views.ChainViewHost {
    return {
      config: this.config,
      name: this.name,
      sql: this.sql,
      block: (n) => this.block(n),
      headBlock: () => this.headBlock(),
      libNumber: () => this.libNumber(),
      witnessesAfter: (n) => this.witnessesAfter(n),
      listFor: (h) => this.listFor(h),
      shards: () => this.heldShards(),
      shardAt: (i) => shardStub(this.env, shardName(this.name, i)),
      applies: () => this.applies(),
      archivedBlock: (n) => this.archivedBlock(n),
    };
  }

  async chainInfo(wake = false): Promise<Json> {
    await this.ensureGenesis();
    if (wake) await this.arm(false);
    return views.chainInfo(this.viewHost());
  }

  async eventsSince(after: number[]): Promise<Answer<{ heights: number[]; events: ShardEvent[] }>> {
    await this.ensureGenesis();
    const shards = this.shards();
    if (!Array.isArray(after) || after.length !== shards.length || !after.every((a) => Number.isSafeInteger(a) && a >= 0)) {
      return { error: `invalid heights ${JSON.stringify(after)}: one height per shard (${shards.length})` };
    }
    const head = this.headBlock().number;
    // A shard this node does not hold has no events here.
    const batches = await Promise.all(
      shards.map((s, i) => (after[i] >= head || !(this.applies() ?? [i]).includes(i) ? { height: after[i], events: [] } : s.eventsSince(after[i]))),
    );
    return { heights: batches.map((b) => b.height), events: batches.flatMap((b) => b.events) };
  }

  async nodeInfo(): Promise<Json> {
    return views.nodeInfo(this.viewHost());
  }

  async appliedShards(): Promise<number[] | null> {
    return this.applies();
  }

  async unmadeShards(): Promise<number[]> {
    // After genesis: a producer joining a long chain decides there which objects it makes.
    await this.ensureGenesis();
    return this.unmade();
  }

  async sentFromPeers(height: number, to: number): Promise<Answer<Record<number, SentProof[][]>>> {
    await this.ensureGenesis();
    if (!Number.isSafeInteger(height) || height < 1 || !Number.isSafeInteger(to) || to < 0 || to >= this.config.shardCount) {
      return { error: `invalid chunk ${to}/${height}` };
    }
    const proofs = new Map<number, Map<number, SentProof[]>>();
    const r = await this.incomingOnHead(height, [to], proofs);
    if (r === null) return {};
    if ("error" in r) return r;
    const byHeight = (m: Map<number, SentProof[]>) => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    return Object.fromEntries([...proofs.entries()].map(([j, m]) => [j, byHeight(m)]));
  }

  async draftWitness(shard: number, height: number, chunk: string | undefined): Promise<Answer<{ witness: Witness; incoming: SentProof[] }>> {
    const d = this.draftWitnesses.get(`${shard}/${height}`);
    if (d === undefined || (chunk !== undefined && d.id !== chunk))
      return { error: `shard-${shard}: no draft of chunk ${shard}/${height}${chunk === undefined ? "" : ` with id ${chunk}`} here` };
    return { witness: d.witness, incoming: d.incoming };
  }

  async groupView(): Promise<GroupView> {
    await this.ensureGenesis();
    return views.groupView(this.viewHost(), this.held, this.consensus.voteInterval);
  }

  async getBlockByNumber(number: number): Promise<Answer<{ status: string; block: Json }>> {
    await this.ensureGenesis();
    return views.blockByNumber(this.viewHost(), number);
  }

  async getBlockByHash(hash: string): Promise<Answer<{ status: string; block: Json }>> {
    await this.ensureGenesis();
    return views.blockByHash(this.viewHost(), hash);
  }

  /** go-iost GetGasRatio: lowest and median gas ratio of the head block's txs; 1 and 1 when it has none. */
  async getGasRatio(): Promise<Json> {
    await this.ensureGenesis();
    return views.gasRatio(this.viewHost());
  }

  async rawBlock(number: number, complete: boolean): Promise<Answer<Json>> {
    await this.ensureGenesis();
    return raw.rawBlock(this.viewHost(), number, complete);
  }

  async rawHeaders(start: number, end: number): Promise<Answer<Json>> {
    await this.ensureGenesis();
    return raw.rawHeaders(this.viewHost(), start, end);
  }

  /** The stored block (header fields, hash, signature) of a height, for verification. */
  async storedBlock(number: number): Promise<StoredBlock | null> {
    await this.ensureGenesis();
    const hot = this.block(number);
    if (hot !== null) return hot;
    const old = await this.archivedBlock(number);
    return old === null ? null : (JSON.parse(old.json) as StoredBlock);
  }

  async meters(): Promise<MeterView[]> {
    const validators = await Promise.all([...this.held].sort().map((k) => this.validator(k).meter()));
    return [this.cost.view(this.name), ...validators];
  }

  /** Head, LIB and the height in production, if any. */
  async status(): Promise<CoordinatorStatus> {
    await this.ensureGenesis();
    return {
      head: this.headBlock().number,
      lib: this.libNumber(),
      producing: this.meta("producing") ?? null,
      witness: this.meta("producing") === undefined ? null : ((JSON.parse(this.meta("producing")!) as Producing).witness ?? null),
      validators: [...this.held].sort(),
      work: { ...this.work },
      sync: {
        rejected: [...this.syncState.rejections],
        sideBlocks: sync.sideCount(this.sql),
        bestPeerHead: this.syncState.bestPeerHead,
        unheard: sync.unheard(this.syncHost(), this.syncState),
        missed: this.gossip.missed(this.config.peers),
        lagging: this.syncState.lagging,
        polled: this.syncState.polled,
        heard: this.syncState.heard,
        roundSince: this.syncState.roundSince,
        lastRound: this.syncState.lastRound,
        repushMs: this.repushMs,
        alarm: await this.ctx.storage.getAlarm(),
        tickSince: this.ticks.since,
        tickEnded: this.ticks.ended,
      },
      finality: this.finality.status(),
      iostLib: this.iostLib(),
      ...((this.config.genesis.groups ?? 1) > 1 ? { witnessChecks: { ...this.witnessChecks }, groupChunks: { ...this.groupChunks } } : {}),
      ...(this.rotation.plan === null
        ? {}
        : { rotation: { ...this.rotation.plan, synced: this.rotation.synced, handed: this.rotation.handed, unmade: this.unmade() } }),
    };
  }
}

countEntries(
  Coordinator,
  allOf<CoordinatorApi>()([
    "alarm",
    "status",
    "wake",
    "chainInfo",
    "eventsSince",
    "nodeInfo",
    "getBlockByNumber",
    "getBlockByHash",
    "getGasRatio",
    "groupView",
    "appliedShards",
    "unmadeShards",
    "shardChunks",
    "sentFromPeers",
    "draftWitness",
    "rawBlock",
    "rawHeaders",
    "mine",
    "snapshot",
    "revert",
    "resyncShard",
    "receiveEndorsement",
    "receiveEndorsements",
    "peerEndorsements",
    "p2pGate",
    "receiveBlock",
    "peerBlocks",
    "p2pStatus",
    "chunkFor",
    "produce",
    "storedBlock",
  ] as const),
);

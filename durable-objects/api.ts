/**
 * Every Durable Object's RPC surface, in one place: what the edge Worker
 * calls (ShardApi, CoordinatorApi with its /p2p methods), what the objects
 * call on one another (ShardInternal, ValidatorApi, EndorserApi). The classes
 * implement these; stubs are typed by them (workers/env.ts, env.ts).
 *
 * Return types are plain JSON-shaped objects on purpose: DO RPC serializes
 * them anyway, and complex inferred return types trip tsc ("type
 * instantiation is excessively deep"). JSON shapes are IOST's RPC views
 * (go-iost rpc/pb/rpc.proto, rpc/convert.go).
 */
import type { PeerBlock, WireChunk } from "../src/block/wire";
import type { BlockRef, Proposal, SignedEndorsement, VoteState, VoteView } from "../src/consensus/endorse";
import type { ReadArgs, ReadName } from "../src/query/reads";
import type { CrossReceipt } from "../src/sharding/receipts";
import type { Witness } from "../src/state/witness";
import type { RotationPlan } from "../src/consensus/rotation";
import type { SentProof } from "../src/sharding/receipt-proof";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An IOST RPC error: the edge answers HTTP 400 {"code":2,"message":…}. */
export interface RpcError {
  error: string;
}

export type Answer<T> = T | RpcError;

export function isRpcError(value: unknown): value is RpcError {
  return typeof value === "object" && value !== null && "error" in value;
}

/** Block context a shard executes a chunk under; int64 values as decimal strings. */
export interface ChunkContext {
  height: number;
  time: string;
  parentHash: string;
  witness: string;
  /** The parent block's witness and time (ns): base.iost/exec's input on shard 0 (rewards, produced/missed counts). */
  parentWitness: string;
  parentTime: string;
}

/** A CONTRACT_RECEIPT / CONTRACT_EVENT event of a chunk, for /subscribe. */
export interface ShardEvent {
  topic: string;
  data: string;
  time: string;
  contract: string;
}

/** A shard's share of one block (src/block/wire.ts: the same record travels between nodes). */
export type Chunk = WireChunk;

/**
 * A chunk's tx and receipt hashes (its header's tx and receipt roots are made of them) and some of its
 * txs, each with its position, full bytes (base64) and receipt as executed (the one `receipt_hashes`
 * took); `joined`: the receipt shown is, or will be, that one combined with cross-shard settles.
 */
export interface ChunkBody {
  shard: number;
  height: number;
  tx_hashes: string[];
  receipt_hashes: string[];
  /** `shown`: the receipt the shard shows once a settle combined it (absent before, or never combined). */
  txs: { index: number; tx: string; receipt: Json; joined: boolean; shown?: Json }[];
  /** Every receipt the chunk sent, in emission order, when it sent any and its log is kept (src/sharding/joined.ts). */
  sent?: CrossReceipt[];
  /** Txs asked whose settles have not all come home yet. */
  in_flight?: string[];
  /** The runs holding the settles of the txs asked (`settleRuns` of the shards they went to; GET /p2p/tx and /p2p/txs add them). */
  settles?: { shard: number; height: number; proof: SentProof }[];
}

export interface IostHeld {
  shard: number;
  head: number;
  /** Sum of `iost` balances and frozen balances (smallest units, decimal string). */
  held: string;
  /** token.iost's iost supply record where this shard keeps it, else null. */
  supply: string | null;
}

export interface ShardStatus {
  shard: number;
  head: number;
  lib: number;
  pool: number;
  stateRoot: string;
  /**
   * Chunks built by this object since it started, with the wall time spent in
   * them (execution plus the SQLite commit). For load reports and the bench,
   * never for consensus; on deployed Workers the clock only moves on I/O.
   */
  work: { chunks: number; txs: number; ms: number };
  /** While the shard copies a peer's state (shard/state-sync.ts): the block and what came so far. */
  syncing?: { height: number; rows: number; pages: number };
  /** Its store deleted (rotation: this node left the shard's group) until a sync brings a state. */
  dropped?: true;
}

/** Billed usage an object's runtime counters saw since it started (durable-objects/meter.ts). */
export interface Usage {
  requests: number;
  rowsRead: number;
  rowsWritten: number;
  /** Wall ms while at least one request was running (the clock, never consensus). */
  activeMs: number;
}

/** Rows of one kind of work (a block's production, a chunk build, a finalize) and the txs it carried. */
export interface SpanTally {
  calls: number;
  txs: number;
  rowsRead: number;
  rowsWritten: number;
}

/** One object's meter (docs/COST.md "Method"): totals, stored bytes, and work split into empty and tx-carrying calls. */
export interface MeterView extends Usage {
  object: string;
  bytes: number;
  spans: Record<string, { empty: SpanTally; loaded: SpanTally }>;
}

/** A shard's raw SQLite rate (`benchRows`): ms to insert `n` rows in one transaction, and to read them back one by one. */
export interface BenchRows {
  n: number;
  writeMs: number;
  readMs: number;
}

/** What one `seedAccounts` call wrote, and its time inside the object. */
export interface SeedResult {
  accounts: number;
  rows: number;
  ms: number;
}

/** Shard Durable Object, one per shard, named `shard-<i>`. */
/**
 * /getProof (docs/STATE.md "Authenticated state"): a raw state key's value (null: absent) and its
 * proof against `state_root`, the root of this shard's chunk in block `block_number`, the LIB (its
 * header's `info` holds the root); `block_hash` "" while the shard has not been told LIB's hash.
 */
export interface StateProof {
  key: string;
  value: string | null;
  proof: { siblings: string[]; leaf?: { key: string; value: string } };
  state_root: string;
  shard: number;
  block_number: string;
  block_hash: string;
}

/** GET /p2p/state: the state of `shard` at final block `height` (root `state_root`) in key order after the request's key; `next` the last key when more follow. */
export interface StatePage {
  shard: number;
  height: number;
  state_root: string;
  rows: [string, string][];
  next: string | null;
  /** On the last page only: the cross-shard receipts block `height`'s chunk sent (CrossReceipt JSON, emission order), which the other shards take at height + 1. */
  sent?: unknown[];
}

/** A snapshot sync's target, from this node's own header of block `height` (its shard entry in `info`). */
export interface StateSyncTarget {
  height: number;
  /** base58 block hash, time (ns). */
  hash: string;
  time: string;
  /** hex roots of this shard's chunk in the header. */
  stateRoot: string;
  receiptRoot: string;
  outReceiptsRoot?: string;
  /** Its receipts cursor in the header (src/sharding/placeholder.ts): the next chunk takes its receipts from it. */
  placeholder?: true;
  receiptsFrom?: number;
  /**
   * The replay window (shard/state-sync.ts), lowest first, ending at `height`: each height's tx root in
   * the header, and `sentNone` where its chunk sent no receipt (no sent-receipts root in the header).
   */
  window: { height: number; txRoot: string; sentNone?: true }[];
}

/** A snapshot sync that checked out: from whom, what it took (rows, pages, window heights) and the root. */
export interface StateSyncDone {
  peer: string;
  height: number;
  root: string;
  rows: number;
  pages: number;
  window: number;
}

/** POST /getProofs: raw state keys' values (null: absent) with their proofs against `state_root`, this shard's root in final block `block_number`. */
export interface StateProofs {
  shard: number;
  block_number: string;
  state_root: string;
  proofs: { key: string; value: string | null; proof: StateProof["proof"] }[];
}

/** A tx for admission: its full bytes and their hash (base58 sha3). */
export interface Submitted {
  bytes: Uint8Array;
  hash: string;
  /**
   * Its replay key (src/tx `replayKey`), set by this node's edge only, which encoded `bytes` from
   * the tx it checked and hashed them: the shard then takes `hash`, `key` and the bytes' length on
   * trust (an object is called by its own deployment alone) instead of encoding and hashing the tx
   * again. Absent, the shard computes them and refuses a `hash` that is not its bytes'.
   */
  key?: string;
}

/** A batch's admission: one answer per tx, in order. */
export interface Admitted {
  answers: Answer<{ hash: string }>[];
  first: boolean;
}

export interface ShardApi {
  /** Mempool admission of a tx the edge already parsed and verified (its full bytes and hash). */
  submitTx(fullBytes: Uint8Array, hash: string): Promise<Answer<{ hash: string }>>;
  /**
   * Admission of several txs in one call and one SQLite transaction, in order (the edge gathers
   * concurrent /sendTx: workers/lib/admission.ts): each tx's own answer, as `submitTx` would have
   * given it after the ones before it; `first`: the pool was empty before and is not after, so
   * only the first batch of a burst wakes the coordinator (the rest find it armed).
   */
  submitTxs(txs: Submitted[]): Promise<Answer<Admitted>>;
  /**
   * Dry run on head state; nothing is written. On N shards it runs as one shard over this shard's records and
   * `fetched`, the records of other shards (stateValues): the receipt JSON, or `{ missed }`, the shards and keys of
   * records it read without having them, to fetch and run again with (src/executor/dry-across.ts).
   */
  execTx(fullBytes: Uint8Array, hash: string, fetched?: [key: string, value: string | null][]): Promise<Answer<Json>>;
  /** The head values of state keys (null: absent), at most MAX_READ_KEYS: the records a dry run of another shard missed. */
  stateValues(keys: string[]): Promise<Answer<[key: string, value: string | null][]>>;
  /** `{status, transaction, block_number}` as /getTxByHash, or error "tx not found". */
  getTx(hash: string): Promise<Answer<Json>>;
  /** Receipt JSON once irreversible, else an error as IOST gives. */
  getTxReceipt(hash: string): Promise<Answer<Json>>;
  /**
   * Transactions (with tx_receipt) of this shard's chunk at a height, in block order. A
   * cross-shard tx's tx_receipt is its combined receipt (docs/SHARDING.md "Receipt JSON"); with
   * `hashed`, the receipt as executed, which the chunk's receiptHashes took (raw blocks).
   */
  getChunkTxs(height: number, hashed?: boolean): Promise<Json[]>;
  /**
   * getChunkTxs's txs and whether every receipt among them is settled: until then a cross-shard
   * tx's receipt still changes, so a block listing them is not final even once irreversible.
   */
  getChunk(height: number): Promise<{ txs: Json[]; settled: boolean }>;
  /**
   * What a node without this shard checks a peer's tx or block answer with (workers/lib/peer-txs.ts): the chunk
   * of `at.height`, or of the block holding executed tx `at.hash` (then that tx only), as `ChunkBody`.
   */
  chunkBody(at: { height: number } | { hash: string }): Promise<Answer<ChunkBody>>;
  /**
   * A state read of src/query/reads.ts by name, on the head state (with one
   * producer LIB = head, so IOST's `by_longest_chain` reads the same state and
   * the edge does not pass it). Answers as IOST's RPC, errors as `{error}`.
   */
  read<K extends ReadName>(name: K, ...args: ReadArgs<K>): Promise<Answer<Json>>;
  /** `read` for each argument list (at most MAX_READS), in order: one call for /getBatchContractStorage's pairs on this shard. */
  readAll<K extends ReadName>(name: K, argsList: ReadArgs<K>[]): Promise<Answer<Json>[]>;
  /**
   * /getBlockTxsByContract's share of this shard in one call: for each height of
   * [from, min(to, from + MAX_CONTRACT_RANGE, head)] whose chunk has txs with an action on
   * `contract` ("" any) named `actionName` ("" any), those txs as getChunkTxs gives them, and
   * whether that chunk's receipts are settled (getChunk).
   */
  txsByContract(from: number, to: number, contract: string, actionName: string): Promise<{ height: number; txs: Json[]; settled: boolean }[]>;
  /**
   * /listContractStorage's share of this shard: `id`'s storage entries of `type` in the prefix and
   * [from, to) window (src/query/list.ts), at most `limit` (≤ MAX_LIST), with the block they reflect.
   */
  listStorage(
    id: string,
    type: "KV" | "MAP",
    prefix: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<{ datas: { key: string; value: string }[]; block_hash: string; block_number: string }>;
  /** The LIB state's value of `id`'s storage `key` (`field` "" a simple key, else a map field) with its proof. */
  proof(id: string, key: string, field: string): Promise<StateProof>;
  /** Raw keys' values and proofs at final height `height` (default LIB, at most MAX_PROOF_DEPTH below it), or why not: a peer's verified read (workers/lib/peer-read.ts). */
  proofs(keys: string[], height?: number): Promise<Answer<StateProofs>>;
  /** GET /p2p/state: a page of the state at final `height` (as `proofs`, at most MAX_PROOF_DEPTH below LIB) after key `after`, or why not. */
  statePage(height: number, after: string, limit: number): Promise<Answer<StatePage>>;
  /**
   * The state witness of the chunk of `height` (docs/STATE.md "State witnesses"), for a node without
   * this shard's state to check it (GET /p2p/witness) (shard/witness.ts checkChunk), of the chunk whose id (chunk-sync.ts `chunkId`) is `chunk` when given (another is a fork's: refused); served from MAX_PROOF_DEPTH below LIB (height 1 at least) up to the head, until archived.
   */
  witnessOf(height: number, chunk?: string): Promise<Answer<Witness>>;
  /** What the chunk of `height` sent to shard `to`, proven against its receipts root (src/sharding/receipt-proof.ts); from MAX_PROOF_DEPTH below LIB - 1 up to the head, until archived. */
  sentProofOf(height: number, to: number): Promise<Answer<SentProof>>;
  /** GET /p2p/sent: `sentProofOf` of each shard in `to` for the chunks of `from` … `height`, by height, as many heights as fit in `maxBytes` of JSON (one at least). */
  sentProofsOf(from: number, height: number, to: number[], maxBytes: number): Promise<Answer<SentProof[][]>>;
  /**
   * The chunks of this shard after `height` that sent settles of `ids` (receipts shard `to`'s chunk of `height` sent
   * here) back to `to`, each with what it sent `to`, proven as `sentProofOf`: from `height + 1` until every settle is
   * found, at most SETTLE_SCAN heights, while the chunks' logs are kept.
   */
  settleRuns(height: number, to: number, ids: string[]): Promise<Answer<{ height: number; proof: SentProof }[]>>;
  /** Where a user contract lives as this shard's directory knows it (null: unknown). */
  contractShard(id: string): Promise<number | null>;
  /** CONTRACT_RECEIPT / CONTRACT_EVENT events of chunks above `afterHeight`, for /subscribe. */
  eventsSince(afterHeight: number): Promise<{ height: number; events: ShardEvent[] }>;
  poolSize(): Promise<number>;
  /** Head, LIB, pool size and work done, for load reports (explorer, /dev/status, bench). */
  status(): Promise<ShardStatus>;
  /** Dev only: iost held on this shard and the supply record (a full scan), for conservation checks. */
  iostHeld(): Promise<IostHeld>;
  /** Its cost meter; reading it is not counted as a request. */
  meter(): Promise<MeterView>;
  /** Dev only: `n` (≤ MAX_BENCH_ROWS) rows written in one transaction and read back by key, timed inside the object. */
  benchRows(n: number): Promise<Answer<BenchRows>>;
  /** Dev only: `template`'s state rows copied to seeded accounts [from, from + count) (durable-objects/shard/bench.ts). */
  seedAccounts(template: string, from: number, count: number): Promise<Answer<SeedResult>>;
  /**
   * Coordinator only: execute (or return the stored) chunk of a height. Idempotent by height. `given`:
   * the receipts of the senders this node's objects do not apply, proven by peers (as applyChunk's).
   */
  buildChunk(ctx: ChunkContext, given?: GivenReceipts): Promise<Chunk>;
  /**
   * Coordinator only: heights ≤ lib are irreversible; undo records below are dropped.
   * `libHash` (base58 hash of block `lib`) and `head` (the block just made) let state reads name their block.
   */
  finalize(lib: number, libHash?: string, head?: { number: number; hash: string }): Promise<void>;
}

/**
 * A shard's draft of another producer's chunk (`draftChunk`): the chunk with its txs' full bytes, in
 * chunk order, and its state witness against the head's root (what a producer without the shard
 * checks it with, shard/witness.ts `checkChunk`); or `empty`: it would run nothing.
 */
export type Draft = { chunk: Chunk; txs: Uint8Array[]; witness: Witness } | { empty: true };

/**
 * A draft as /p2p/chunk sends it (coordinator `chunkFor`): the shard's `Draft` with, when not empty,
 * what each shard's chunk of the height before sent the drafted shard, proven against its receipts
 * root (`sentProofOf`; none at height 1 or with one shard), as a /p2p/witness answer has them.
 */
export type PeerDraft = { chunk: Chunk; txs: Uint8Array[]; witness: Witness; incoming: SentProof[] } | { empty: true };

/** By sender shard, what it sent a shard at each height (a map by height), proven against its receipts roots (coordinator/holding.ts `provenIncoming`); null: a sender this node holds. */
export type GivenReceipts = readonly (ReadonlyMap<number, CrossReceipt[]> | null)[];

/** Shard methods beyond the edge's that the coordinator and tests use. */
export interface ShardInternal extends ShardApi {
  /** Gas ratios (×100) of the txs of the chunk at `height`. */
  chunkGasRatios(height: number): Promise<number[]>;
  /** Cross-shard receipts the chunks of `from` … `height` sent to shard `to`, by height (read by `to` when it builds height + 1). */
  outgoingOver(from: number, height: number, to: number): Promise<CrossReceipt[][]>;
  /** Pending txs, or cross-shard receipts of the head chunk still to be applied. */
  hasWork(): Promise<boolean>;
  /** Dev: copy every table as snapshot `id` (durable-objects/snapshots.ts). */
  snapshot(id: number): Promise<void>;
  hasSnapshot(id: number): Promise<boolean>;
  /** Dev: restore snapshot `id`, keeping the copies; false if it is not held. */
  revert(id: number): Promise<boolean>;
  dropSnapshots(id: number): Promise<void>;
  /**
   * Sync (issue #7): re-executes a peer's chunk of `ctx.height` = head + 1 from
   * exactly `txs` (full bytes; shard 0's first is the base tx) after the incoming
   * receipts, checking every tx as /sendTx does (times against the block time);
   * stores it only if the result equals `expected`, else `{error}` and nothing
   * changes. The stored chunk again answers itself; a different one an error.
   */
  /**
   * `given`: by sender shard, the receipts its chunk of each height the chunk takes in (`height - 1`,
   * or from the cursor after placeholders) sent here, already checked against its receipts roots (a
   * shard this node does not hold); null or absent: asked of the sender's object.
   */
  applyChunk(ctx: ChunkContext, txs: Uint8Array[], expected: Chunk, given?: GivenReceipts): Promise<Answer<Chunk>>;
  /**
   * Shard groups: the chunk of `ctx.height` = head + 1 executed from the pool as buildChunk would, then
   * rolled back (nothing stored, the pool keeps its txs), with its txs' full bytes; for another
   * producer's block (POST /p2p/chunk). `empty`, with no transaction, when the chunk would run
   * nothing (a shard but 0, its pool empty, no receipt sent to it at `ctx.height - 1`). `given` as buildChunk's.
   */
  draftChunk(ctx: ChunkContext, given?: GivenReceipts): Promise<Answer<Draft>>;
  /** Undoes every chunk above `height` (never below LIB); their txs but the base tx go back to the pool. */
  revertTo(height: number): Promise<Answer<{ head: number }>>;
  /** Full bytes of the chunk's txs in chunk order (empty when no chunk is stored there). */
  chunkTxs(height: number): Promise<Uint8Array[]>;
  chunkAt(height: number): Promise<Chunk | null>;
  /** chunkAt and chunkTxs of up to `count` (≤ MAX_RANGE) heights from `from`, stopping at a missing chunk or past `maxBytes` of txs (but one). */
  chunkRange(from: number, count: number, maxBytes: number): Promise<{ chunk: Chunk; txs: Uint8Array[] }[]>;
  /**
   * Snapshot sync (shard/state-sync.ts): the shard's empty (or dropped) store filled with a peer's state
   * at `target`, refused unless its root is the target's; resumes an import a restart interrupted.
   * Refused on a shard that holds a chain (`drop` it first).
   */
  syncState(target: StateSyncTarget): Promise<Answer<StateSyncDone>>;
  /**
   * Rotation (coordinator/rotation.ts): this node no longer holds the shard. Every row of its store is
   * deleted (`ctx.storage.deleteAll`; `tables`: how many are left, 0) and it answers nothing until
   * `syncState` brings a state (a restarted object stays dropped: one marker row). Refused while an import runs.
   */
  drop(): Promise<Answer<{ dropped: true; tables: number }>>;
  /**
   * Rotation, before `drop`: a page of the pool's txs not expired (ids, full bytes), by hash after `after`
   * ("": from the first), at most MAX_ADMIT_BATCH and MAX_HAND_BYTES (one at least); `next`: the hash
   * to go on after, null on the last page. Reads only.
   */
  pooled(after: string): Promise<Answer<{ txs: { hash: string; bytes: Uint8Array }[]; next: string | null }>>;
}

/** Validator Durable Object (validator/validator.ts): signs for one producer key. */
export interface ValidatorApi {
  /** Its base58 pubkey, or null when this node has no secret for it. */
  pubkey(): Promise<string | null>;
  /**
   * Signs block hash `hash` (base58) of `height` if `witness` is its pubkey and
   * it never signed another hash at that height; the signature is base58.
   */
  signBlock(height: number, hash: string, witness: string, time: string): Promise<{ signature: string } | { error: string }>;
  signedAt(height: number): Promise<string | null>;
  /** Dev revert only: forget what it signed above `height`. */
  forgetAbove(height: number): Promise<boolean>;
  /** Its cost meter; reading it is not counted as a request. */
  meter(): Promise<MeterView>;
}

export interface CoordinatorStatus {
  head: number;
  lib: number;
  producing: string | null;
  /** The witness of the block in production, if any. */
  witness: string | null;
  /** base58 pubkeys of the producer keys this node holds (one Validator object each). */
  validators?: string[];
  /** Blocks produced since the object started; wall ms in total and outside the shards' chunk builds. */
  work: { blocks: number; ms: number; ownMs: number };
  /**
   * Issue #7: the last 100 rejected peer blocks (newest last), side blocks held, the best head a peer reported;
   * and whom the node asks (chain-sync.ts): peers unheard (`unheard`, of which `missed` a push), those behind (`lagging`), the status
   * round under way and the last answers, the re-push back-off, the next alarm, the tick under way and the last
   * one's end (Date.now ms; `now` the object's clock).
   */
  sync?: {
    rejected: { number: number; hash: string; from: string; reason: string }[];
    sideBlocks: number;
    bestPeerHead: number;
    unheard: string[];
    missed: string[];
    lagging: string[];
    polled: boolean;
    heard: boolean;
    roundSince: number | null;
    lastRound: { at: number; heads: Record<string, number | null> } | null;
    repushMs: number;
    alarm: number | null;
    tickSince: number | null;
    tickEnded: number | null;
  };
  /** Issue #7: endorsement finality (durable-objects/coordinator/finality.ts); LIB is the higher of IOST's rule and `final`. */
  finality?: FinalityStatus;
  /** LIB by IOST's rule alone (`lib` is the higher of this and `finality.final`); the bench compares the two. */
  iostLib?: number;
  /** Shard groups: peers' chunks of shards this node's producers do not hold, checked by witness before endorsing (coordinator/witness-check.ts). */
  witnessChecks?: { chunks: number; windowed: number; refused: number; last: string | null; unserved: number; lastUnserved: string | null };
  /** With more than one group: block chunks of shards outside its groups asked of peers, taken, built here (coordinator/group-chunks.ts). */
  groupChunks?: { asked: number; taken: number; empty: number; built: number; last: string | null };
  /** With shard groups: the last rotation plan (src/consensus/rotation.ts), the shards rotation (or a leap) synced since the object started, and those never made here. */
  rotation?: RotationPlan & {
    synced: { shard: number; epoch: number; head: number }[];
    /** Pools of shards left, handed to the peers before their drop (rotation.ts `handOver`): txs taken, requests made. */
    handed: { shard: number; epoch: number; txs: number; requests: number }[];
    unmade: number[];
  };
}

/** The coordinator's endorsement tracker as /dev/status and the bench see it (docs/FINALITY.md "Wiring"). */
export interface FinalityStatus {
  /** The endorsement-final block (genesis, or the LIB the tracker started from, until a two-chain forms). */
  final: number;
  finalHash: string;
  /** The highest block holding a quorum certificate. */
  certified: number;
  /** Producers seen endorsing two blocks of one height, and final blocks off the main chain, since the object started. */
  equivocations: number;
  conflicts: number;
}

/** A peer's endorsement taken in: counted, or counted and the final block moved to `final`. */
export interface EndorseResult {
  result: "counted" | "final";
  final: number;
}

/** A Validator's refusal to endorse; `endorsed`: the height it already endorsed, when that is why. */
export interface EndorseRefusal extends RpcError {
  endorsed?: number;
}

/** Validator Durable Object's endorsing half; the block-signing half is ValidatorApi. */
export interface EndorserApi {
  /**
   * Endorses `p` by the voting rule (src/consensus/endorse.ts `decide`) if it may,
   * persisting its VoteState before the signature leaves. `start` is where a
   * validator without a state begins (a certified block: the tracker's final).
   * The same block again gets the same endorsement.
   */
  endorse(p: Proposal, view: VoteView, start: BlockRef): Promise<SignedEndorsement | EndorseRefusal>;
  voteState(): Promise<VoteState | null>;
}

/** /getShardInfo's groups (src/consensus/groups.ts): this node's producer keys' shards, this epoch and the next. */
export interface GroupView {
  groups: number;
  /** The head block's epoch. */
  epoch: number;
  /** Ascending; [] when no held key is among the epoch's producers; null when not known (its seed or list block's record is gone). */
  shards: number[] | null;
  /** The next epoch's, once its witness list is on the chain; else null. */
  next: number[] | null;
}

/** Coordinator Durable Object, one per node, named `coordinator`. */
export interface CoordinatorApi {
  /** Head, LIB, the height in production and work done (load reports, bench). */
  status(): Promise<CoordinatorStatus>;
  /** Arms the block alarm: now when `work` (a tx arrived) and it rests, else only if none is armed; cheap and idempotent. */
  wake(work?: boolean): Promise<void>;
  /** /getChainInfo; with `wake`, also `wake(false)` first, so the edge's one call both reads and makes sure a fresh node's alarm started. */
  chainInfo(wake?: boolean): Promise<Json>;
  nodeInfo(): Promise<Json>;
  /**
   * /subscribe's poll, one call for every shard: each shard's eventsSince(after[i])
   * (`after` has one height per shard), asking no shard while the head is not above
   * `after`. `heights` are where the next poll starts.
   */
  eventsSince(after: number[]): Promise<Answer<{ heights: number[]; events: ShardEvent[] }>>;
  /** Header view of a block (IOST Block JSON without `transactions`), with status, or error. */
  getBlockByNumber(number: number): Promise<Answer<{ status: string; block: Json }>>;
  getBlockByHash(hash: string): Promise<Answer<{ status: string; block: Json }>>;
  getGasRatio(): Promise<Json>;
  /** The shard groups and the shards this node's producer keys hold (/getShardInfo). */
  groupView(): Promise<GroupView>;
  /** The shards whose objects apply the chain (null: every shard): all but on a node holding part of them or a producer of several groups (coordinator.ts `applies`). */
  appliedShards(): Promise<number[] | null>;
  /** The shards whose objects this node never made (a producer that joined a long chain by a leap: rotation.ts `unmade`): asked, one would be made. */
  unmadeShards(): Promise<number[]>;
  /**
   * GET /p2p/witness of shard `to`'s chunk of main block `height` on a node whose objects apply part
   * of the shards: the proofs of what the others' chunks sent it, taken from peers and verified
   * against our headers (coordinator.ts `incomingOnHead`): by sender, height by height (each `[proof]`);
   * {} when every shard is applied.
   */
  sentFromPeers(height: number, to: number): Promise<Answer<Record<number, SentProof[][]>>>;
  /**
   * GET /p2p/witness of a chunk of a shard this node's objects do not apply, which its own block
   * `height` took from a builder's draft (`chunk`: its id, chunk-sync.ts `chunkId`): the draft's witness and
   * incoming proofs, kept in memory for the last MAX_AHEAD heights; else why not.
   */
  draftWitness(shard: number, height: number, chunk: string | undefined): Promise<Answer<{ witness: Witness; incoming: SentProof[] }>>;
  /** /getRawBlockByNumber: `{status, block}` with the block in IOST's protobuf JSON (src/block/raw.ts), or error. */
  rawBlock(number: number, complete: boolean): Promise<Answer<Json>>;
  /** /getBlockHeaderByRange: `{block_list}` of the irreversible blocks of [start, end), head and signature only, or error. */
  rawHeaders(start: number, end: number): Promise<Answer<Json>>;
  /** Dev: produce `blocks` (1–100) blocks now, in any production mode; the new head. */
  mine(blocks: number): Promise<Answer<HeadView>>;
  /** Dev: capture the whole node (coordinator and every shard) with production paused. */
  snapshot(): Promise<Answer<{ id: string }>>;
  /** Dev: restore every object to snapshot `id`, consuming it and later ones; the restored head. */
  revert(id: string): Promise<Answer<HeadView>>;
  /** Dev: shard `index` starts over from a peer's state at LIB (as after a wipe), then applies the blocks since; what it took. */
  resyncShard(index: number): Promise<Answer<StateSyncDone>>;
  /**
   * A peer's signed endorsement (POST /p2p/endorse): checked, counted, relayed
   * to the peers that lack it; or why not, changing nothing. `origin`: the
   * sender's gossip headers (node id, the node ids it also sent it to).
   */
  receiveEndorsement(e: unknown, origin?: { node?: string; to?: readonly string[] }): Promise<Answer<EndorseResult>>;
  /** A batch of at most MAX_BATCH endorsements in one request (POST /p2p/endorse `{"endorsements": [...]}`): each answered as receiveEndorsement, in order. */
  receiveEndorsements(list: readonly unknown[], origin?: { node?: string; to?: readonly string[] }): Promise<Answer<EndorseResult>[]>;
  /** What the edge checks peers' blocks and endorsements against before they reach the coordinator (workers/rpc/p2p.ts). */
  p2pGate(): Promise<P2pGate>;
  /** POST /p2p/block: a peer's block (`from`: who sent it, for logs), checked and placed on our chain or aside. */
  receiveBlock(json: unknown, from: string, origin?: Origin): Promise<Answer<{ result: "known" | "adopted" | "side" | "reorg" | "orphan" }>>;
  /** GET /p2p/blocks: up to `count` (≤ MAX_RANGE) main-chain blocks from `from`. */
  peerBlocks(from: number, count: number): Promise<PeerBlock[]>;
  /**
   * GET /p2p/blocks?shard=S: shard `shard`'s chunks (with their txs) of up to `count` main blocks from
   * `from`, each in a block whose other chunks are null: what a snapshot sync's replay window needs,
   * served where whole blocks are not (a producer whose objects apply part of the shards keeps
   * another shard's chunks only while it does not apply it, and of the 90 s before it dropped it).
   */
  shardChunks(from: number, count: number, shard: number): Promise<{ chunks: ({ chunk: Chunk; txs: string[] } | null)[] }[]>;
  /** GET /p2p/endorsements: the signed endorsements held of heights ≥ `from`, lowest first, at most MAX_BATCH. */
  peerEndorsements(from: number): Promise<SignedEndorsement[]>;
  /** GET /p2p/status, without `node_id` (the edge adds it from the gate). */
  p2pStatus(): Promise<PeerStatus>;
  /**
   * POST /p2p/chunk: shard `index`'s chunk of another producer's block `ctx`, drafted on our head (its
   * parent) without storing it, with its txs' full bytes, its state witness and its incoming receipts'
   * proofs; refused unless the witness owns the slot and
   * the shard is in our groups in the block's epoch (coordinator/group-chunks.ts).
   */
  chunkFor(index: number, ctx: ChunkContext): Promise<Answer<PeerDraft>>;
  /** Cost meters of the coordinator and its Validators (in key order); reading them is not counted as requests. */
  meters(): Promise<MeterView[]>;
}

/** Where a pushed item came from, for gossip: the sender's node id and the node ids it also sent it to. */
export interface Origin {
  node?: string;
  to?: readonly string[];
}

/** GET /p2p/status. */
export interface PeerStatus {
  chain_id: number;
  head: number;
  head_hash: string;
  /** ns, decimal */
  head_time: string;
  lib: number;
  lib_hash: string;
  /** Gossip id of the node (absent from older nodes). */
  node_id?: string;
  /**
   * The node's producer keys (base58; absent without one), as it states them: whom a producer asks
   * first for a chunk of a shard outside its groups (group-chunks.ts `askOrder`), believed in nothing else.
   */
  keys?: string[];
}

/** The coordinator's view the edge's /p2p checks use (cached there for a second or two). */
export interface P2pGate {
  /** Producer keys of the lists of our head's child, our head and LIB (sorted). */
  keys: string[];
  chainId: number;
  /** This node's gossip id (durable-objects/coordinator/peers.ts), which GET /p2p/status adds as `node_id`. */
  nodeId: string;
  head: number;
  /** The endorsement tracker's final height: endorsements at or below it are refused. */
  final: number;
  /** How far (ms) a peer's block may be ahead of the clock. */
  aheadMs: number;
  shardCount: number;
}

export interface HeadView {
  head_block: string;
  head_block_hash: string;
}

/**
 * The coordinator's block production (docs/ARCHITECTURE.md "Production"; go-iost consensus/pob/pob.go):
 * choosing the next turn of a held producer key (src/consensus/schedule.ts
 * `nextTurn`), persisting the job, asking every shard for its chunk, having the
 * witness's Validator sign the header, storing the block, and when the alarm
 * looks again. Functions over a `ProductionHost` (what the coordinator lends
 * them) so coordinator.ts keeps the wiring, the exclusive queue and the
 * transactions.
 *
 * The job (`producing` in coordinator_meta) keeps (height, time, witness) and
 * is durable before any shard or validator hears of it, so a resumed
 * production builds and signs the same block; storing the block removes it.
 *
 * When a block is needed ("on-demand", "on-tx"; docs/ARCHITECTURE.md
 * "Production"): a tx or a cross-shard receipt waits in some shard
 * (`Shard.hasWork`), or a block with content (user txs, cross-shard receipts
 * sent or applied, a new witness list) is above LIB within the last
 * `followUps` blocks: finality needs blocks on top of it (docs/FINALITY.md
 * "On an idle chain"). Content, LIB and the schedule are chain state every
 * node shares, so whoever holds the next slot reaches the same decision.
 * Otherwise an "on-demand" node rests until the heartbeat (the chain's
 * `heartbeatNs` after the head) or a wake().
 */
import { assembleHeader, blockHash, signatureOf, storedBlock, type StoredBlock } from "../../src/block/index";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { nextTurn, slotOf, type Tip } from "../../src/consensus/schedule";
import type { ProductionMode } from "../config";
import type { ConsensusParams } from "../../src/consensus/params";
import { ED25519 } from "../../src/tx/types";
import { loadSha3 } from "../../src/crypto/sha3";
import type { Chunk, ChunkContext, ShardInternal, ValidatorApi } from "../api";
import type { NodeConfig } from "../env";

/** The production job persisted as coordinator_meta `producing`. */
export interface Producing {
  height: number;
  /** ns */
  time: string;
  /** base58 pubkey of the held producer whose slot this is (absent in jobs persisted before rotation: producer000). */
  witness?: string;
  /** Attempts at building its chunks so far (absent: none). */
  attempts?: number;
}

/**
 * Chunk-building attempts of one job before it is re-planned at a new time.
 * A job's time is fixed, so whatever keeps failing at it (a base tx or an
 * incoming receipt that faults the node, a storage error) would otherwise be
 * retried forever; at a new time pool txs expire and the base tx differs.
 */
export const MAX_JOB_ATTEMPTS = 5;

/**
 * What one production attempt did: made a block, or not and when to look
 * again: "idle" (until wake(): nothing to do in "on-tx" mode, or no key held),
 * "periodic" (keys held but none scheduled in the list), or at a time (ns,
 * the next held slot). `rest`: nothing is needed until then, so the alarm polls
 * no peers meanwhile either.
 */
export type Outcome = { produced: true } | { produced: false; wake: "idle" | "periodic" | bigint; rest?: true };

export const ONE_MS_NS = 1_000_000n;
/** How often a node holding no scheduled key looks again (a new list may schedule it). */
const IDLE_WAKE_MS = 5_000;
/** How soon a node whose heartbeat is due but held back (not synced with its peers) looks again; the alarm asks the peers meanwhile. */
const BEAT_RETRY_NS = 2_000n * 1_000_000n;

const nowNs = (): bigint => BigInt(Date.now()) * ONE_MS_NS;

/** What the coordinator lends production. */
export interface ProductionHost {
  readonly config: NodeConfig;
  readonly consensus: ConsensusParams;
  /** ms between the alarm's blocks (the chain's block interval). */
  readonly intervalMs: number;
  readonly genesisWitnesses: readonly string[];
  /** How far (ns) ahead of the clock peers accept a block (chain-sync.ts); with peers, ours is never signed further ahead. */
  readonly aheadNs: bigint;
  /** base58 pubkeys of the producer keys this node holds. */
  held(): ReadonlySet<string>;
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  block(number: number): StoredBlock | null;
  headBlock(): StoredBlock;
  /** The list that schedules block `height`. */
  listFor(height: number): string[];
  lib(): number;
  shards(): ShardInternal[];
  /** Every shard's chunk of block `ctx` (group-chunks.ts `buildChunks`; `askPeers` false: all built here). */
  buildChunks(ctx: ChunkContext, askPeers: boolean): Promise<Chunk[]>;
  validator(pubkey: string): ValidatorApi;
  ensureGenesis(): Promise<void>;
  /** Stores `block` as the new head with the list that schedules its child, drops the job; the new LIB when it rose, else null. */
  storeHead(block: StoredBlock, witnesses: string[]): number | null;
  finalizeShards(lib: number, libHash: string, head?: StoredBlock): Promise<void>;
  /** Finality hook after `block` became the head. */
  onNewHead(block: StoredBlock): Promise<void>;
  /** Whether a block nothing needs (the heartbeat) may be made: with peers, only once synced with them (chain-sync.ts `mayBeat`). */
  mayBeat(): boolean;
  /** Reads our block `height` (chunks and txs) and pushes it to every peer in the background (chain-sync.ts `pushOwn`); never throws. */
  push(height: number): Promise<void>;
  /** Bench counters, updated in place. */
  readonly work: { blocks: number; ms: number; ownMs: number };
}

export function byShard(chunks: Chunk[]): Chunk[] {
  return [...chunks].sort((a, b) => a.shard - b.shard);
}

/** Shard 0's witness list in a set of chunks, if it carries a non-empty one. */
export function listOf(chunks: readonly Chunk[]): string[] | null {
  const list = chunks.find((c) => c.shard === 0)?.witnesses;
  return list !== undefined && list.length > 0 ? [...list] : null;
}

/** The head as the schedule sees it: how many blocks its witness made in a row in its slot. */
export function tipOf(h: Pick<ProductionHost, "consensus" | "block">, head: StoredBlock): Tip {
  const p = h.consensus;
  const slot = slotOf(BigInt(head.time), p);
  let inSlot = 1;
  for (let n = head.number - 1; n >= 1 && inSlot < p.blocksPerSlot; n--) {
    const b = h.block(n);
    if (!b || b.witness !== head.witness || slotOf(BigInt(b.time), p) !== slot) break;
    inSlot++;
  }
  return { time: BigInt(head.time), witness: head.witness, inSlot };
}

async function hasWork(h: ProductionHost): Promise<boolean> {
  return (await Promise.all(h.shards().map((s) => s.hasWork()))).some(Boolean);
}

/** "on-demand" on a chain without a heartbeat expects a block every slot (its missed slots count so, docs/POB.md): "interval". */
export function modeOf(h: Pick<ProductionHost, "config" | "consensus">): ProductionMode {
  const mode = h.config.production;
  return mode === "on-demand" && h.consensus.heartbeatNs === 0n ? "interval" : mode;
}

/** Whether block `b`'s chunks sent cross-shard receipts (the next block applies them). */
function sends(b: StoredBlock): boolean {
  const info = JSON.parse(b.info) as { chunks: { out_receipts_root?: string }[] };
  return info.chunks.some((c) => (c.out_receipts_root ?? "") !== "");
}

/** Whether main block `n` (≥ 1) carries content: user txs (its base tx aside), cross-shard receipts sent or applied, a new witness list. */
function carries(h: ProductionHost, n: number): boolean {
  const b = h.block(n);
  if (!b) return false;
  if (b.txCount > 1 || sends(b)) return true;
  const parent = h.block(n - 1);
  if (parent && sends(parent)) return true;
  return JSON.stringify(h.listFor(n + 1)) !== JSON.stringify(h.listFor(n));
}

/**
 * Blocks made after the last content block while it is not final. Two finalize
 * it when endorsements arrive within the interval (docs/FINALITY.md); the rest
 * cover late endorsements or a silent producer for two rounds of the list, after
 * which the node rests until the heartbeat rather than spend rows forever on a
 * network that cannot finalize.
 */
function followUps(h: ProductionHost, head: number): number {
  return 2 * h.listFor(head + 1).length + 2;
}

/** Whether finality needs another block: a content block above LIB among the last `followUps` blocks. */
export function unfinal(h: ProductionHost): boolean {
  const head = h.headBlock().number;
  const floor = Math.max(h.lib(), head - followUps(h, head) - 1);
  for (let n = head; n > floor; n--) if (carries(h, n)) return true;
  return false;
}

/** Whether a block is needed now, the heartbeat aside (the local check first: it costs no object request). */
async function needed(h: ProductionHost): Promise<boolean> {
  return unfinal(h) || (await hasWork(h));
}

/**
 * An "on-demand" rest: until the first held turn once the heartbeat falls due
 * after `head`. A node with no held key scheduled looks again a heartbeat
 * later (a block with a new list wakes it sooner).
 */
function rest(h: ProductionHost, head: StoredBlock): Outcome {
  const beat = h.consensus.heartbeatNs;
  const due = BigInt(head.time) + beat;
  const turn = h.held().size === 0 ? null : nextTurn(h.listFor(head.number + 1), tipOf(h, head), h.held(), due, h.consensus);
  const now = nowNs();
  const at = turn?.time ?? (due > now ? due : now + beat);
  // A due heartbeat held back (`mayBeat`) is not retried at once: the alarm asks the peers first.
  return { produced: false, wake: at > now ? at : now + BEAT_RETRY_NS, rest: true };
}

/**
 * The next job: the earliest turn of a held key. The alarm in "interval" mode
 * produces only inside that slot, at the wall time (as IOST: block time =
 * now), and otherwise sleeps until it. /dev/mine and the "on-tx"/"manual"
 * modes take the first turn from the later of now and 1 ms after the head,
 * which may be a future slot (blocks mined in a burst get future times). A
 * node with peers takes such a turn only once it is at most `aheadNs` ahead
 * of the clock (else it waits): peers refuse blocks further ahead, so the
 * burst of a lone dev node may run ahead, a networked node's never does.
 */
function planJob(h: ProductionHost, head: StoredBlock, force: boolean): Producing | Outcome {
  const height = head.number + 1;
  const list = h.listFor(height);
  const tip = tipOf(h, head);
  const now = nowNs();
  const mode = modeOf(h);
  if (!force && (mode === "interval" || mode === "on-demand")) {
    const turn = nextTurn(list, tip, h.held(), now, h.consensus);
    if (turn === null) return { produced: false, wake: "periodic" };
    if (slotOf(turn.time, h.consensus) !== slotOf(now, h.consensus)) return { produced: false, wake: turn.time };
    return { height, time: (turn.time > now ? turn.time : now).toString(), witness: turn.witness };
  }
  const min = BigInt(head.time) + ONE_MS_NS;
  const turn = nextTurn(list, tip, h.held(), now > min ? now : min, h.consensus);
  if (turn === null) return { produced: false, wake: "periodic" };
  if (h.config.peers.length > 0 && turn.time - now > h.aheadNs) return { produced: false, wake: turn.time - h.aheadNs };
  return { height, time: turn.time.toString(), witness: turn.witness };
}

/** One production attempt (the coordinator runs it in its exclusive queue). */
export async function produceOnce(h: ProductionHost, force: boolean): Promise<Outcome> {
  // The block's tx and receipt roots hash every tx's id and receipt hash again: with the wasm permutation.
  await Promise.all([h.ensureGenesis(), loadSha3()]);
  const mode = modeOf(h);
  if (h.held().size === 0) return mode === "on-demand" ? rest(h, h.headBlock()) : { produced: false, wake: "idle" };
  const head = h.headBlock();
  const height = head.number + 1;

  const saved = h.meta("producing");
  let job = saved === undefined ? null : (JSON.parse(saved) as Producing);
  if (
    job?.height === height &&
    (job.attempts ?? 0) >= MAX_JOB_ATTEMPTS &&
    (await h.validator(job.witness ?? h.genesisWitnesses[0]).signedAt(height)) === null
  ) {
    // Not signed yet, so no other block of this height exists: the shards that built a chunk
    // for the old time drop it (above LIB, undone like a reorg's) and a new job is planned.
    console.error(`coordinator: block ${height} at ${job.time} failed ${job.attempts} times: re-planning it`);
    for (const r of await Promise.all(h.shards().map((s) => s.revertTo(height - 1)))) {
      if ("error" in r) throw new Error(`coordinator: re-planning block ${height}: ${r.error}`);
    }
    job = null;
  }
  if (!job || job.height !== height) {
    if (!force && mode === "on-tx" && !(await needed(h))) return { produced: false, wake: "idle" };
    // The heartbeat is due once the head is `heartbeatNs` old; before that only a need makes a block.
    const beat = mode === "on-demand" && nowNs() >= BigInt(head.time) + h.consensus.heartbeatNs && h.mayBeat();
    if (!force && mode === "on-demand" && !beat && !(await needed(h))) return rest(h, head);
    const planned = planJob(h, head, force);
    // No held key in the list: nothing to do until a block (a new list) or the heartbeat wakes us.
    if ("produced" in planned) return !force && mode === "on-demand" && !planned.produced && planned.wake === "periodic" ? rest(h, head) : planned;
    job = planned;
  }
  // A job persisted before rotation existed was producer000's (the only producer then).
  const witness = job.witness ?? h.genesisWitnesses[0];

  job.attempts = (job.attempts ?? 0) + 1;
  // One write, the new job with its attempt: durable before any shard or validator hears of it, so a crash counts too.
  h.setMeta("producing", JSON.stringify(job));
  const ctx = { height, time: job.time, parentHash: head.hash, witness, parentWitness: head.witness, parentTime: head.time };
  const started = performance.now();
  // A retried job's shards may hold chunks already: they answer them again, no peer is asked.
  const chunks = byShard(await h.buildChunks(ctx, job.attempts === 1));
  const chunksDone = performance.now();
  for (const c of chunks) {
    if (c.height !== height || c.time !== job.time) {
      throw new Error(`coordinator: shard ${c.shard} answered chunk ${c.height}@${c.time} for ${height}@${job.time}`);
    }
  }
  const header = assembleHeader({ version: 1, number: height, parentHash: head.hash, witness, time: BigInt(job.time), chunks });
  const hash = base58Encode(blockHash(header));
  if (!h.held().has(witness)) throw new Error(`coordinator: block ${height} is ${witness}'s, whose key this node no longer holds`);
  const signed = await h.validator(witness).signBlock(height, hash, witness, job.time);
  if ("error" in signed) throw new Error(`coordinator: validator refused block ${height}: ${signed.error}`);
  const block = storedBlock(header, chunks, signatureOf(ED25519, base58Decode(signed.signature), base58Decode(witness)));
  // No list from shard 0 (a chain without vote_producer.iost state): the list carries on.
  const witnesses = listOf(chunks) ?? h.listFor(height);

  const lib = h.storeHead(block, witnesses);
  const stored = performance.now();
  if (lib !== null) await h.finalizeShards(lib, h.block(lib)!.hash, block);
  h.work.blocks++;
  h.work.ms += performance.now() - started;
  h.work.ownMs += stored - chunksDone;
  await h.onNewHead(block);
  // To every peer, in the background with short timeouts: production never waits for them, only for the read of its block.
  if (h.config.peers.length > 0) await h.push(height);
  return { produced: true };
}

/** When (ms) the alarm looks again after `outcome`; null: not until wake(). */
export function nextWake(h: ProductionHost, outcome: Outcome): number | null {
  const interval = h.intervalMs;
  if (outcome.produced) {
    const last = Number(BigInt(h.headBlock().time) / ONE_MS_NS);
    return Math.max(Date.now(), last + interval);
  }
  if (outcome.wake === "idle") return null;
  if (outcome.wake === "periodic") return Date.now() + Math.max(IDLE_WAKE_MS, interval);
  return Math.max(Date.now(), Number((outcome.wake + ONE_MS_NS - 1n) / ONE_MS_NS)); // the start of the held slot
}

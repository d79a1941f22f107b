/**
 * Chunks built by their group (issue #18 item 3; docs/ARCHITECTURE.md "Shard groups"). With more
 * than one group, a block's chunk of a shard outside its producer's groups is built by a producer
 * of that shard's group: the block's producer asks its peers (POST /p2p/chunk) and takes the first
 * answer its own check passes; a peer drafts the chunk on its head, the block's parent, without
 * storing it (`draftFor`), and sends it with its state witness and the proofs of the receipts it took
 * in. The check is the one a node without the shard makes (shard/witness.ts `checkChunk`): the
 * chunk re-executed from the witness alone, against the state root and receipts roots of the
 * producer's own header of the parent, so a builder can make it take nothing but valid txs. The
 * producer's own object of the shard then applies it when the producer's objects apply the shard
 * (its rotation plan keeps it); else the chunk is kept with the block, unapplied. A builder
 * answering `empty` (nothing to run), or no peer passing in time, the block carries the shard's
 * placeholder. One group: nothing of this runs.
 */
import { base64Decode } from "../../src/codec/base64";
import { epochOf } from "../../src/consensus/groups";
import { scheduleError, type Schedule, type Tip } from "../../src/consensus/schedule";
import type { StoredBlock } from "../../src/block/index";
import { MAX_CARRY, placeholderChunk, receiptHeights } from "../../src/sharding/placeholder";
import { incomingProofs, type SentProof } from "../../src/sharding/receipt-proof";
import type { Witness } from "../../src/state/witness";
import type { Answer, Chunk, ChunkContext, GivenReceipts, PeerDraft, ShardInternal } from "../api";
import { MAX_WITNESS_BYTES } from "../config";
import { NodeFault, receiptsRoot } from "../core";
import { errorText, hex } from "../values";
import { byGroup, cursorOf, fetchPeerJson, type HeaderPart } from "./witness-check";

/** What the builder's side needs of the coordinator. */
export interface DraftHost {
  readonly schedule: Schedule;
  readonly shardCount: number;
  /** How far (ns) ahead of the clock a block may be (peers refuse one further ahead). */
  readonly aheadNs: bigint;
  head(): StoredBlock;
  /** The list that schedules block `height`. */
  listFor(height: number): string[];
  tip(head: StoredBlock): Tip;
  /** The shards of this node's keys' groups in the epoch of block `height`; null: not known. */
  shardsAt(height: number): Promise<number[] | null>;
  shard(index: number): Pick<ShardInternal, "draftChunk" | "sentProofsOf">;
  /**
   * When our objects apply part of the shards: the receipts the others sent `takers` for block
   * `height` on our head, proven by peers (holding.ts `provenIncoming`), their proofs into `proofs`
   * (by sender, by height); null when every shard is applied.
   */
  incoming(height: number, takers: readonly number[], proofs?: Map<number, Map<number, SentProof[]>>): Promise<Answer<Map<number, GivenReceipts>> | null>;
}

/**
 * POST /p2p/chunk (more than one group): shard `index`'s chunk of block `ctx`, drafted on our head, when that head is the
 * block's parent, its witness owns the slot of its time after it, it is not further ahead of our
 * clock than a peer block may be, and the shard is in our groups in the block's epoch; else why not.
 * A stranger can make us draft no chunk but the scheduled producer's next one.
 */
export async function draftFor(h: DraftHost, index: number, ctx: ChunkContext, nowNs: bigint): Promise<Answer<PeerDraft>> {
  const head = h.head();
  if (ctx.height !== head.number + 1 || ctx.parentHash !== head.hash) {
    return { error: `block ${ctx.height} on ${ctx.parentHash} does not extend this node's head ${head.number} ${head.hash}` };
  }
  if (ctx.parentWitness !== head.witness || ctx.parentTime !== head.time) {
    return { error: `block ${ctx.height}: its parent's witness and time are not those of block ${head.number}` };
  }
  if (!/^[0-9]{1,20}$/.test(ctx.time)) return { error: `block ${ctx.height}: invalid time ${JSON.stringify(ctx.time)}` };
  const time = BigInt(ctx.time);
  const bad = scheduleError(h.listFor(ctx.height), h.tip(head), ctx.witness, time, h.schedule);
  if (bad !== null) return { error: `block ${ctx.height}: ${bad}` };
  if (time - nowNs > h.aheadNs) return { error: `block ${ctx.height}: time ${ctx.time} is ${(time - nowNs) / 1_000_000n} ms ahead of this node's clock` };
  const shards = await h.shardsAt(ctx.height);
  if (shards === null || !shards.includes(index)) return { error: `shard ${index} is not in this node's groups at block ${ctx.height}` };
  // The senders our objects do not apply: their receipts (and the proofs the draft hands on) from peers.
  const proven = new Map<number, Map<number, SentProof[]>>();
  const given = await h.incoming(ctx.height, [index], proven);
  if (given !== null && "error" in given) return given;
  const d = await h.shard(index).draftChunk(ctx, given?.get(index));
  if ("error" in d || "empty" in d) return d;
  const senders = h.shardCount === 1 || ctx.height === 1 ? [] : Array.from({ length: h.shardCount }, (_, j) => j);
  // After placeholders the draft takes the receipts of every height from its `receiptsFrom` (src/sharding/placeholder.ts).
  const heights = receiptHeights(d.chunk.receiptsFrom ?? ctx.height - 1, ctx.height);
  const fromPeers = (runs: Map<number, SentProof[]>): Answer<SentProof[][]> =>
    heights.every((n) => runs.has(n))
      ? heights.map((n) => runs.get(n)!)
      : { error: `its receipts of heights ${heights[0]} to ${ctx.height - 1} are not all proven` };
  // One call per sender over the heights: the draft's answer is at most MAX_WITNESS_BYTES whole.
  const bySender = await Promise.all(
    senders.map((j) => (proven.has(j) ? fromPeers(proven.get(j)!) : h.shard(j).sentProofsOf(heights[0], ctx.height - 1, [index], MAX_WITNESS_BYTES))),
  );
  const incoming = senders.length === 0 ? [] : incomingProofs(bySender, heights.length, index);
  return "error" in incoming ? incoming : { ...d, incoming };
}

/** One peer's answer to POST /p2p/chunk, unchecked: from the network (`fetchChunk`) or, in tests, a stand-in. */
export type ChunkSource = (peer: string, shard: number, ctx: ChunkContext, timeoutMs: number) => Promise<Answer<unknown>>;

/** The /p2p/chunk request body for shard `shard`'s chunk of block `ctx`. */
export function chunkRequest(shard: number, ctx: ChunkContext): string {
  const { height, time, parentHash, witness, parentWitness, parentTime } = ctx;
  return JSON.stringify({ shard, height, time, parent_hash: parentHash, witness, parent_witness: parentWitness, parent_time: parentTime });
}

/** POST <peer>/p2p/chunk within `timeoutMs`, its answer at most MAX_WITNESS_BYTES: the parsed JSON, or why not. */
export function fetchChunk(peer: string, chainId: number, shard: number, ctx: ChunkContext, timeoutMs: number): Promise<Answer<unknown>> {
  return fetchPeerJson(peer, chainId, "/p2p/chunk", "chunk", chunkRequest(shard, ctx), timeoutMs);
}

/** A /p2p/chunk answer `x` for chunk `shard`/`height` as a draft, in form (its content is checkChunk's to check), or `empty`; or why not. */
export function parseDraft(x: unknown, shard: number, height: number): Answer<PeerDraft> {
  const a = x as { shard?: unknown; height?: unknown; chunk?: unknown; txs?: unknown; witness?: unknown; incoming?: unknown; empty?: unknown } | null;
  if (typeof a !== "object" || a === null || a.shard !== shard || a.height !== height) return { error: `not the chunk ${shard}/${height}` };
  if (a.empty === true) return { empty: true };
  const c = a.chunk as Chunk | null;
  if (typeof c !== "object" || c === null || c.shard !== shard || c.height !== height) return { error: `its chunk is not chunk ${shard}/${height}` };
  if (!Array.isArray(a.txs) || a.txs.some((t) => typeof t !== "string")) return { error: "its txs are not base64 strings" };
  const w = a.witness as Witness | null;
  if (typeof w !== "object" || w === null || typeof w.shape !== "string" || typeof w.hashes !== "string" || !Array.isArray(w.entries)) {
    return { error: "its state witness is malformed" };
  }
  if (!Array.isArray(a.incoming)) return { error: "its incoming receipts' proofs are missing" };
  try {
    return { chunk: c, txs: (a.txs as string[]).map((t) => base64Decode(t)), witness: w, incoming: a.incoming as SentProof[] };
  } catch (err) {
    return { error: `its txs: ${errorText(err)}` };
  }
}

/** What the block producer's side needs of the coordinator. */
export interface GroupChunksHost {
  readonly groups: number;
  /** As DraftHost's: the receipts of the senders our objects do not apply, for the shards built here. */
  incoming(height: number, takers: readonly number[]): Promise<Answer<Map<number, GivenReceipts>> | null>;
  /** The shards our objects apply (chain-sync.ts SyncHost `applies`; null: every shard). */
  applies(): readonly number[] | null;
  /**
   * Our block's chunk of a shard our objects do not apply, as taken, with its txs (stored with the
   * block) and, for a draft, its witness and incoming proofs (served to checkers: the builder serves
   * them only once it has the block).
   */
  keep(index: number, chunk: Chunk, txs: Uint8Array[], draft?: { witness: Witness; incoming: SentProof[] }): void;
  /** Peers in the order to ask them (`askOrder` puts a shard's group first). */
  peers(): string[];
  /** The producer keys peer `peer` states in its /p2p/status (none heard: []). */
  keysOf(peer: string): readonly string[];
  /** The producer keys of each group in the epoch of block `height`; null: not known. */
  groupsAt(height: number): Promise<readonly (readonly string[])[] | null>;
  /** The shards of this node's keys' groups in the epoch of block `height`; null: not known. */
  shardsAt(height: number): Promise<number[] | null>;
  shards(): ShardInternal[];
  /** The chunks' parts of our header of main block `height` (witness-check.ts `headerParts`), or null. */
  header(height: number): HeaderPart[] | null;
  /**
   * Why draft `d` of shard `index`'s chunk of `ctx` does not pass the check by its witness, run here
   * without the shard's state against our header of `ctx.height - 1` (shard/witness.ts `checkChunk`),
   * or null: nothing of it is the peer's word. A NodeFault (our VM failed) throws.
   */
  check(index: number, ctx: ChunkContext, d: Exclude<PeerDraft, { empty: true }>): Promise<string | null>;
  /**
   * How long (ms) peers are waited for, from the start of `buildChunks`: the block interval, so a
   * block late by its builders is still made in its slot (a chunk no peer gave by then is built here).
   */
  readonly waitMs: number;
  /** The clock (ms) that bounds the wait: when to stop asking, never what goes into a chunk. */
  now(): number;
  /** Our head (the block's parent) pushed to `peer`, awaited: a peer refusing it as unknown may lack our own last block. */
  pushHead(peer: string): Promise<void>;
  source: ChunkSource;
  /** By shard, the peer whose draft was taken last (asked first among its kind: it was of the group), updated in place; in memory. */
  readonly builders: Map<number, string>;
  /** /dev/status `coordinator.groupChunks`, updated in place. */
  readonly counts: GroupChunkCounts;
}

/**
 * Block chunks of shards outside this node's groups: asked of peers, taken from one, answered
 * `empty` by one (nothing to run: its placeholder put), a placeholder put for (after `empty`, or
 * none passed: the last reason), built here (none passed and no placeholder could be: a carry past
 * MAX_CARRY); and peers' answers refused (a draft failing the check by witness or our object's, an
 * `empty` where the rule allows no placeholder), with the last refusal.
 */
export interface GroupChunkCounts {
  asked: number;
  taken: number;
  empty: number;
  placeholders: number;
  built: number;
  last: string | null;
  refused: number;
  lastRefused: string | null;
}

/**
 * Every shard's chunk of block `ctx`, ours to make: those of our groups' shards built here, each
 * other shard's taken from the first peer whose draft passes the check by its witness and then
 * applies on our object of the shard (the peer taken last for the shard asked first); a peer
 * answering `empty` (nothing to run; built here when our pool of the shard has txs, ones only
 * it holds) or none passing in time, its placeholder
 * (src/sharding/placeholder.ts), which our object of the shard applies, else (its receipts carried
 * MAX_CARRY heights already) built here. `askPeers` false (a retried job, whose shards may hold
 * chunks already): all built here.
 */
export async function buildChunks(h: GroupChunksHost, ctx: ChunkContext, askPeers: boolean): Promise<Chunk[]> {
  const shards = h.shards();
  const applies = h.groups === 1 ? null : h.applies();
  const ours = h.groups === 1 || (!askPeers && applies === null) ? null : await h.shardsAt(ctx.height);
  const peers = ours === null ? [] : h.peers();
  const members = ours === null || ours.length === shards.length ? null : await h.groupsAt(ctx.height);
  const until = h.now() + h.waitMs;
  // Asked once, for every shard that may be built here, when the first is.
  let received: Promise<Map<number, GivenReceipts> | null> | null = null;
  const build = async (object: ShardInternal, i: number): Promise<Chunk> => {
    received ??= h.incoming(ctx.height, applies ?? []).then((r) => {
      if (r !== null && "error" in r) throw new Error(`block ${ctx.height}: the receipts our shards take in: ${r.error}`);
      return r;
    });
    return object.buildChunk(ctx, (await received)?.get(i));
  };
  return Promise.all(
    shards.map(async (s, i) => {
      // A shard our objects do not apply is taken from its group (even on a retried job: no object of ours kept it).
      const object = applies === null || applies.includes(i) ? s : null;
      if (object !== null && (ours === null || ours.includes(i) || peers.length === 0 || !askPeers)) return build(object, i);
      const taken = await takeChunk(h, object, i, ctx, askOrder(peers, i, members, h.keysOf, h.builders.get(i)), until);
      if (taken === "ours") {
        h.counts.built++;
        h.counts.last = `block ${ctx.height}: shard ${i} built here: its builder answered empty, our pool of it has txs`;
        return build(s, i);
      }
      if (taken !== null) return taken;
      const p = await placeholder(h, object, i, ctx);
      if (p !== null) {
        h.counts.placeholders++;
        return p;
      }
      // Past MAX_CARRY a placeholder is refused: without the shard's state the slot goes unfilled, as a missing producer's.
      if (object === null) throw new Error(`block ${ctx.height}: no chunk of shard ${i}, which this node does not hold (${h.counts.last ?? "no peer"})`);
      h.counts.built++;
      h.counts.last = `block ${ctx.height}: shard ${i} built here: no placeholder (its receipts carried ${MAX_CARRY} heights, or refused by our object)`;
      return build(object, i);
    }),
  );
}

/**
 * `peers` in the order to ask them for shard `index`'s chunk: first those stating a key of the
 * shard's group in the block's epoch (`members`: each group's keys; null: not known), then the
 * others; in each part the peer whose draft of the shard was taken last (`last`) first, the rest in
 * the order given. A peer's keys are its word (its /p2p/status): one claiming a key of the group
 * only moves itself up, where a draft of it is checked as any other.
 */
export function askOrder(
  peers: readonly string[],
  index: number,
  members: readonly (readonly string[])[] | null,
  keysOf: (peer: string) => readonly string[],
  last: string | undefined,
): string[] {
  const lastFirst = (list: string[]) => (last !== undefined && list.includes(last) ? [last, ...list.filter((p) => p !== last)] : list);
  return byGroup(peers, index, members, keysOf).flatMap(lastFirst);
}

/**
 * Shard `index`'s placeholder in block `ctx`, after its part of our header of the parent, applied
 * on our object of the shard `s` (kept with the block when none applies it); null when the rule
 * allows none (its receipts carried MAX_CARRY heights already) or our object refuses it.
 */
async function placeholder(h: GroupChunksHost, s: ShardInternal | null, index: number, ctx: ChunkContext): Promise<Chunk | null> {
  const part = h.header(ctx.height - 1)?.[index];
  if (part === undefined) return null;
  const prev = { ...cursorOf(part), height: ctx.height - 1, stateRoot: part.state_root };
  const chunk = placeholderChunk(prev, index, ctx.time, hex(receiptsRoot([])));
  if (chunk === null) return null;
  if (s === null) {
    h.keep(index, chunk, []);
    return chunk;
  }
  const r = await s.applyChunk(ctx, [], chunk).catch((err: unknown) => ({ error: errorText(err) }));
  return "error" in r ? null : r;
}

/**
 * Shard `index`'s chunk of `ctx` from the first of `peers` whose draft passes `h.check` and `s` applies before `until`,
 * or its placeholder once one answers `empty` where the rule allows a placeholder ("ours" instead when our pool of the
 * shard has txs: ones the group lacks); null when none passes (the reasons in `counts.last`). An `empty` is believed in nothing: the placeholder runs
 * nothing and carries every receipt sent to the shard on, so a peer lying `empty` only delays the
 * shard's txs and receipts, and not long: it is not asked first for it (only a taken draft puts a
 * peer first), and where the rule allows no placeholder (MAX_CARRY heights carried), an honest
 * builder drafts, so an `empty` there is refused and the next peer asked.
 */
async function takeChunk(
  h: GroupChunksHost,
  s: ShardInternal | null,
  index: number,
  ctx: ChunkContext,
  peers: readonly string[],
  until: number,
): Promise<Chunk | "ours" | null> {
  const reasons: string[] = [];
  for (const peer of peers) {
    if (h.now() >= until) {
      reasons.push(`no answer within ${h.waitMs} ms`);
      break;
    }
    let got = await ask(h, peer, index, ctx, until);
    if ("error" in got && / does not extend this node's head /.test(got.error) && h.now() < until) {
      await h.pushHead(peer);
      got = await ask(h, peer, index, ctx, until);
    }
    if (!("error" in got) && "empty" in got) {
      // A tx only our pool holds (its forward to the group failed: best effort) would wait for the group's pools,
      // maybe an epoch: while this node still holds the shard it runs it, as before placeholders.
      if (s !== null && (await s.poolSize()) > 0) {
        h.counts.empty++;
        return "ours";
      }
      const p = await placeholder(h, s, index, ctx);
      if (p !== null) {
        h.counts.empty++;
        h.counts.placeholders++;
        return p;
      }
      h.counts.refused++;
      h.counts.lastRefused = `block ${ctx.height}: ${peer} answered empty for shard ${index}, where no placeholder is allowed`;
      got = { error: `answered empty where shard ${index}'s receipts are carried ${MAX_CARRY} heights: its chunk must be drafted` };
    }
    if (!("error" in got)) {
      const refused = await h.check(index, ctx, got).catch((err: unknown) => {
        if (err instanceof NodeFault) throw err;
        return errorText(err);
      });
      // Our object of the shard applies it too, when we hold one that applies the chain; else it is kept with the block.
      const applied =
        refused !== null
          ? { error: refused }
          : s === null
            ? got.chunk
            : await s.applyChunk(ctx, got.txs, got.chunk).catch((err: unknown) => ({ error: errorText(err) }));
      if (!("error" in applied)) {
        if (s === null) h.keep(index, got.chunk, got.txs, { witness: got.witness, incoming: got.incoming });
        h.counts.taken++;
        h.builders.set(index, peer);
        return applied;
      }
      h.counts.refused++;
      h.counts.lastRefused = `block ${ctx.height}: ${peer}'s chunk of shard ${index}: ${applied.error}`;
      got = applied;
    }
    reasons.push(`${peer}: ${got.error}`);
  }
  h.counts.last = `block ${ctx.height}: no peer's chunk of shard ${index} passed: ${reasons.join("; ")}`;
  return null;
}

async function ask(h: GroupChunksHost, peer: string, index: number, ctx: ChunkContext, until: number): Promise<Answer<PeerDraft>> {
  h.counts.asked++;
  const r = await h.source(peer, index, ctx, Math.max(1, until - h.now()));
  return typeof r === "object" && r !== null && "error" in r ? { error: String(r.error) } : parseDraft(r, index, ctx.height);
}

/** The epoch's shards in a GroupView (coordinator-views.ts) for block `height`: this epoch's or the next's. */
export function shardsFor(view: { epoch: number; shards: number[] | null; next: number[] | null }, height: number, voteInterval: number): number[] | null {
  const e = epochOf(height, voteInterval);
  return e === view.epoch ? view.shards : e === view.epoch + 1 ? view.next : null;
}

/**
 * Chunks checked by witness (issue #18 item 3, docs/VALIDATOR.md "Shard groups", docs/FINALITY.md
 * "Shard groups and finality"): before a producer endorses a peer's block, each chunk of a shard its
 * groups do not hold is re-executed from a state witness fetched from a peer (GET /p2p/witness),
 * without that shard's state (shard/witness.ts `checkChunk`). What the check trusts comes from this
 * node's own chain, never from the peer: the previous state root and the senders' receipts roots
 * are those of its own header of the parent block, the chunk and its txs those of the block it
 * adopted (whose header hash covers their roots), the replays from the shard's recent txs this
 * node saw (`ReplayWindows`). A peer's answer that does not pass (a forged witness, a forged
 * receipt proof, a cut or oversized body) is passed over, its reason kept, and the next peer asked;
 * a chunk that no peer's witness makes pass is not endorsed, and the reasons logged.
 */
import type { Witness } from "../../src/state/witness";
import type { SentProof } from "../../src/sharding/receipt-proof";
import type { Answer, Chunk, ChunkContext, ShardInternal } from "../api";
import { chunkId } from "../shard/chunk-sync";
import { behindIn, checkChunk } from "../shard/witness";
import { receiptsFromAfter } from "../../src/sharding/placeholder";
import { chunkContext } from "./chain-sync";
import { ReplayWindow } from "../../src/pool/replay";
import type { Tx } from "../../src/tx/types";
import { MAX_RANGE, MAX_RANGE_BYTES, MAX_WITNESS_BYTES, PUSH_TIMEOUT_MS, WITNESS_RETRIES, WITNESS_RETRY_MS } from "../config";
import { peerJson } from "../../src/net/peer-json";
import { MAX_TX_LIFE_NS } from "../../src/pool/index";
import { decodeTx, NodeFault } from "../core";
import { errorText } from "../values";

/** What a holder of shard `shard` serves for its chunk of `height` (GET /p2p/witness). */
export interface ChunkWitness {
  shard: number;
  height: number;
  /** The chunk's state witness against the root of `height - 1` (ShardInternal `witnessOf`). */
  witness: Witness;
  /**
   * What each shard's chunk of each height from `from` (`height - 1` unless placeholders carried
   * receipts on) to `height - 1` sent to `shard`, proven (`sentProofOf`), height by height; empty at height 1.
   */
  incoming: SentProof[];
}

/** One peer's witness of chunk `chunk` (its id, `chunkId`) whose receipts come from height `from` on, unchecked: from the network (`fetchWitness`) or, in tests, a stand-in. */
export type WitnessSource = (peer: string, shard: number, height: number, chunk: string, from: number) => Promise<Answer<unknown>>;

/** A chunk's part of a block header's `info` (src/block/block.ts `chunkInfo`). */
export interface HeaderPart {
  state_root: string;
  out_receipts_root?: string;
  placeholder?: true;
  receipts_from?: number;
}

/** The chunks' parts of header `info`, in shard order. */
export function headerParts(info: string): HeaderPart[] {
  return (JSON.parse(info) as { chunks: HeaderPart[] }).chunks;
}

/** What the chunk after `part` takes its receipts cursor from (src/sharding/placeholder.ts), as checkChunk's `parent`. */
export function cursorOf(part: HeaderPart): { placeholder?: true; receiptsFrom?: number } {
  return part.placeholder === true ? { placeholder: true, ...(part.receipts_from === undefined ? {} : { receiptsFrom: part.receipts_from }) } : {};
}

/** The out receipts roots of header `info`'s chunks, in shard order ("" where one sent none, or with one shard). */
export function sentRootsOf(info: string): string[] {
  return headerParts(info).map((x) => x.out_receipts_root ?? "");
}

/** The chunk to check and what this node knows of its parent block. */
export interface ChunkToCheck {
  chainId: number;
  shardCount: number;
  shard: number;
  ctx: ChunkContext;
  /** The chunk as the adopted block carries it, and its txs' full bytes. */
  chunk: Chunk;
  txs: Uint8Array[];
  /** Our header of `ctx.height - 1`: its `info` (the chunks' state and receipts roots). */
  parentInfo: string;
  /** The receipts roots of our main block `height` (`sentRootsOf`), for the receipts a chunk after placeholders takes; null: none kept. */
  rootsAt?: (height: number) => readonly string[] | null;
  /** The shard's txs of the last 90 s of block time (`ReplayWindows`), when the window covers the chunk. */
  replay?: ReplayWindow;
}

/**
 * GET <peer>/p2p/witness?shard&height&chunk, its body at most MAX_WITNESS_BYTES: the parsed JSON, or why not. The chunk's id
 * (`chunkId`) makes a peer on another block at that height refuse, not serve its own chunk's witness, which would fail the
 * check: the post-state root would not do, a chunk that changes no state (a placeholder) having its parent's, as another block's may.
 */
export function fetchWitness(peer: string, chainId: number, shard: number, height: number, chunk: string, from: number): Promise<Answer<unknown>> {
  const carried = from < height - 1 ? `&from=${from}` : "";
  return fetchPeerJson(peer, chainId, `/p2p/witness?shard=${shard}&height=${height}&chunk=${chunk}${carried}`, "witness");
}

/** GET <peer><path> for this chain (POST of `post` when given), within `timeoutMs`, its body at most MAX_WITNESS_BYTES (`what` it is, for the error): the parsed JSON, or why not. */
export function fetchPeerJson(peer: string, chainId: number, path: string, what: string, post?: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<Answer<unknown>> {
  return peerJson(peer, chainId, path, what, { post, timeoutMs, maxBytes: MAX_WITNESS_BYTES });
}

/** Why `x` is not the witness of chunk `shard`/`height` in form (its content is checkChunk's), or null. */
function formError(x: unknown, shard: number, height: number): string | null {
  const w = x as ChunkWitness | null;
  if (typeof w !== "object" || w === null) return "not a chunk witness";
  if (w.shard !== shard || w.height !== height) return `a witness of chunk ${String(w.shard)}/${String(w.height)}, not ${shard}/${height}`;
  const wit = w.witness as Witness | null;
  if (typeof wit !== "object" || wit === null || typeof wit.shape !== "string" || typeof wit.hashes !== "string" || !Array.isArray(wit.entries)) {
    return "a malformed state witness";
  }
  if (!Array.isArray(w.incoming)) return "no incoming receipts' proofs";
  return null;
}

/** What checking a chunk by witness came to: the peer whose witness passed, or why none did and whether one was served (`refused`). */
export type Verdict = { peer: string } | { error: string; refused: boolean };

/**
 * Checks chunk `c` from the witness of each peer in turn until one passes: `{peer}` of the one
 * whose witness passed, or `{error}` naming each peer's failure, `refused` when a peer served a
 * witness that did not pass (the chunk's or the peer's fault), not when none served one (asked too
 * early, a fork's block, peers down): either way, no endorsement. A peer whose shard is below the
 * height (`behindIn`) is asked again WITNESS_RETRIES times, `pause(WITNESS_RETRY_MS)` apart: a
 * holder adopts a block about when the checker does, and the block's producer (which keeps its
 * drafts' witnesses) may be down. A NodeFault of this node's VM throws.
 */
export async function checkByWitness(
  c: ChunkToCheck,
  peers: readonly string[],
  source: WitnessSource,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<Verdict> {
  const roots = headerParts(c.parentInfo);
  const prevRoot = roots[c.shard]?.state_root;
  if (prevRoot === undefined) return { error: `our header of block ${c.ctx.height - 1} has no chunk of shard ${c.shard}`, refused: true };
  const sentRoots = roots.map((r) => r.out_receipts_root ?? "");
  const place = { index: c.shard, count: c.shardCount };
  const parent = cursorOf(roots[c.shard]);
  const options = { chainId: c.chainId, place, sentRoots, parent, rootsAt: c.rootsAt, replay: c.replay };
  // Nothing runs in a placeholder: checked against our header alone, no peer asked (peer "").
  if (c.chunk.placeholder !== undefined) {
    const r = await checkChunk(prevRoot, { ctx: c.ctx, txs: c.txs, incoming: [], chunk: c.chunk }, { shape: "", hashes: "", entries: [] }, options);
    return "error" in r ? { error: `chunk ${c.shard}/${c.ctx.height}: ${r.error}`, refused: true } : { peer: "" };
  }
  const from = receiptsFromAfter({ ...parent, height: c.ctx.height - 1 });
  const id = chunkId(c.chunk);
  // Each peer's last answer, in the order first asked.
  const reasons = new Map<string, { why: string; served: boolean }>();
  let ask = peers;
  for (let round = 0; ; round++) {
    const behind: string[] = [];
    for (const peer of ask) {
      const got = await source(peer, c.shard, c.ctx.height, id, from);
      if (typeof got === "object" && got !== null && "error" in got) {
        const why = String(got.error);
        reasons.set(peer, { why, served: false });
        if (behindIn(why)) behind.push(peer);
        continue;
      }
      const bad = formError(got, c.shard, c.ctx.height);
      if (bad !== null) {
        reasons.set(peer, { why: bad, served: true });
        continue;
      }
      const w = got as ChunkWitness;
      try {
        const r = await checkChunk(prevRoot, { ctx: c.ctx, txs: c.txs, incoming: w.incoming, chunk: c.chunk }, w.witness, options);
        if (!("error" in r)) return { peer };
        reasons.set(peer, { why: r.error, served: true });
      } catch (err) {
        // A malformed part checkChunk does not expect (a proof that is not one) is the peer's fault; this node's VM failing is not.
        if (err instanceof NodeFault) throw err;
        reasons.set(peer, { why: errorText(err), served: true });
      }
    }
    if (behind.length === 0 || round === WITNESS_RETRIES) break;
    await pause(WITNESS_RETRY_MS);
    ask = behind;
  }
  const all = [...reasons.entries()];
  const why = all.length === 0 ? "no peers" : all.map(([peer, r]) => `${peer}: ${r.why}`).join("; ");
  return { error: `chunk ${c.shard}/${c.ctx.height} not checked by witness: ${why}`, refused: all.some(([, r]) => r.served) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `peers` in the order to ask them for what a holder of shard `index` serves of block `height` (a
 * chunk's witness, a receipts proof): the block's producer first (`producer`, its key: it built or
 * took that chunk and kept its witness), then as group-chunks.ts `askOrder` the nodes of the shard's group in the
 * block's epoch (`members`), which apply it, then the others, whose objects may have dropped it.
 */
export function orderAt(
  peers: readonly string[],
  index: number,
  members: readonly (readonly string[])[] | null,
  keysOf: (peer: string) => readonly string[],
  producer: string | undefined,
): string[] {
  const order = byGroup(peers, index, members, keysOf).flat();
  const made = (p: string) => producer !== undefined && keysOf(p).includes(producer);
  return [...order.filter(made), ...order.filter((p) => !made(p))];
}

/** `peers` stating a key of shard `index`'s group in an epoch (`members`: each group's keys; null: not known), and the others, each in the order given. */
export function byGroup(
  peers: readonly string[],
  index: number,
  members: readonly (readonly string[])[] | null,
  keysOf: (peer: string) => readonly string[],
): [string[], string[]] {
  const group = members === null || members.length === 0 ? null : members[index % members.length];
  const inGroup = (p: string) => group !== null && keysOf(p).some((k) => group.includes(k));
  return [peers.filter(inGroup), peers.filter((p) => !inGroup(p))];
}

/** The peers to ask about shard `index`: `peers` itself, or its order for that shard (`orderAt`). */
export function peersFor(peers: readonly string[] | ((index: number) => readonly string[]), index: number): readonly string[] {
  return typeof peers === "function" ? peers(index) : peers;
}

/** A peer's block this node adopted: its chunks and their txs, in shard order. */
export interface AdoptedParts {
  chunks: readonly Chunk[];
  txs: readonly Uint8Array[][];
}

/** What the witness checks of this instance did (/dev/status `witnessChecks`); in memory: no row written. */
export interface WitnessTally {
  /**
   * Chunks that passed, how many of them were checked against a replay window that covered them,
   * and how many were placeholders (checked from our header alone: no peer asked).
   */
  chunks: number;
  windowed: number;
  placeholders: number;
  /** Blocks not endorsed because a peer's witness of a chunk did not pass, and the last reason. */
  refused: number;
  last: string | null;
  /** Blocks not endorsed because no peer served a witness of a chunk (asked too early, a fork's block, peers down), and the last reason. */
  unserved: number;
  lastUnserved: string | null;
}

/** A chunk a replay window holds: its height, block time and txs (full bytes). */
export interface WindowChunk {
  height: number;
  time: bigint;
  txs: readonly Uint8Array[];
}

/**
 * The lowest height a replay window filled up to `head` starts from, to cover the check of the
 * block after it: the last block at least MAX_TX_LIFE_NS older than `head` (`time` of each main
 * block, null where none is kept), else the lowest one kept above it, or 1 (a window from
 * genesis covers all).
 */
export function windowFrom(head: number, time: (n: number) => string | null): number {
  const top = time(head);
  if (top === null) return head;
  let first = head;
  for (let t = time(first - 1); first > 1 && t !== null; t = time(first - 1)) {
    first--;
    if (BigInt(t) + MAX_TX_LIFE_NS <= BigInt(top)) break;
  }
  return first;
}

/**
 * The chunks of shard objects this node runs (`objects`, by shard) from `from` to `head`, for
 * their replay windows: one chunkRange call per shard per MAX_RANGE heights. A shard whose chunks
 * there are not all kept (its history starts later, after a snapshot sync) gets none.
 */
export async function ownRecentChunks(
  objects: ReadonlyMap<number, Pick<ShardInternal, "chunkRange">>,
  from: number,
  head: number,
): Promise<Map<number, WindowChunk[]>> {
  const out = new Map<number, WindowChunk[]>();
  for (const [shard, object] of objects) {
    const chunks: WindowChunk[] = [];
    for (let n = from; n <= head; ) {
      const got = await object.chunkRange(n, Math.min(MAX_RANGE, head - n + 1), MAX_RANGE_BYTES);
      if (got.length === 0 || got[0].chunk.height !== n) break;
      for (const c of got) chunks.push({ height: c.chunk.height, time: BigInt(c.chunk.time), txs: c.txs });
      n += got.length;
    }
    if (chunks.length === head - from + 1) out.set(shard, chunks);
  }
  return out;
}

/**
 * The replay windows of the shards this node checks by witness (src/pool/replay.ts), one per shard,
 * in memory: a chunk's txs are checked against those its shard ran in the last 90 s of block time,
 * which are in no state witness. Fed with every main block's chunk of the shard, checked or not. A
 * window that missed a height (a restart, a shard this node held until now) is filled again from
 * the chunks of the 90 s before (`fill`: the node's own, `ownRecentChunks`, or its peers',
 * holding.ts `recentChunks`); one not filled starts again from the next height and covers the
 * checks 90 s of block time later, until then they run without it.
 */
export class ReplayWindows {
  private readonly windows = new Map<number, ReplayWindow>();

  /** Shard `shard`'s window for its chunk of `height` at block time `time`, or undefined while it does not cover it. */
  at(shard: number, height: number, time: bigint): ReplayWindow | undefined {
    let w = this.windows.get(shard);
    if (w !== undefined && w.height >= height) w.revertTo(height - 1); // a fork replaced the chunks from `height` on
    if (w === undefined || w.height !== height - 1) {
      w = new ReplayWindow(height, time);
      this.windows.set(shard, w);
    }
    return w.covers(height, time) ? w : undefined;
  }

  /** Whether shard `shard`'s window goes on to `height`: it took the chunks up to `height - 1` (or above: a fork's, which `at` takes back). */
  continues(shard: number, height: number): boolean {
    return (this.windows.get(shard)?.height ?? -1) >= height - 1;
  }

  /** Shard `shard`'s window started again from `chunks` (consecutive heights, lowest first: holding.ts `recentChunks`). */
  fill(shard: number, chunks: readonly WindowChunk[]): void {
    if (chunks.length === 0) return;
    this.windows.set(shard, new ReplayWindow(chunks[0].height, chunks[0].time));
    for (const c of chunks) this.note(shard, c.height, c.time, c.txs);
  }

  /** Shard `shard`'s chunk of `height` ran `txs` (full bytes, shard 0's base tx first) at block time `time`. */
  note(shard: number, height: number, time: bigint, txs: readonly Uint8Array[]): void {
    this.at(shard, height, time);
    const ran: Tx[] = txs.map((t) => decodeTx(t)).filter((t) => !(shard === 0 && t.publisher === "base.iost"));
    this.windows.get(shard)!.note(height, time, ran);
  }
}

/**
 * Checks by witness every chunk of block `b` (adopted on top of `parent`) whose shard is not in
 * `held`, all shards at once, each against its replay window in `windows` (then fed with the
 * chunk): when every one passed, how many were checked against a window that covered them, else
 * the reasons, `refused` when a peer served a witness that did not pass (`checkByWitness`).
 */
export async function checkUnheld(
  b: { number: number; hash: string; time: string; parentHash: string; witness: string },
  parent: { witness: string; time: string; info: string },
  parts: AdoptedParts,
  held: readonly number[],
  o: {
    chainId: number;
    shardCount: number;
    /** The peers to ask, or their order by shard (`orderAt`). */
    peers: readonly string[] | ((shard: number) => readonly string[]);
    source: WitnessSource;
    windows: ReplayWindows;
    rootsAt?: (height: number) => readonly string[] | null;
  },
): Promise<{ windowed: number } | { error: string; refused: boolean }> {
  const ctx = chunkContext(b, parent);
  const unheld = Array.from({ length: o.shardCount }, (_, s) => s).filter((s) => !held.includes(s));
  const time = BigInt(b.time);
  const replays = unheld.map((shard) => o.windows.at(shard, b.number, time));
  const answers = await Promise.all(
    unheld.map((shard, i) =>
      checkByWitness(
        {
          chainId: o.chainId,
          shardCount: o.shardCount,
          shard,
          ctx,
          chunk: parts.chunks[shard],
          txs: parts.txs[shard],
          parentInfo: parent.info,
          rootsAt: o.rootsAt,
          replay: replays[i],
        },
        peersFor(o.peers, shard),
        o.source,
      ),
    ),
  );
  // On the main chain whether it passed or not: its txs ran.
  for (const shard of unheld) o.windows.note(shard, b.number, time, parts.txs[shard]);
  const failed = answers.flatMap((a) => ("error" in a ? [a] : []));
  if (failed.length === 0) return { windowed: replays.filter((w) => w !== undefined).length };
  return { error: failed.map((a) => a.error).join("; "), refused: failed.some((a) => a.refused) };
}

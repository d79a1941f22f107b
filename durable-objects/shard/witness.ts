/**
 * Chunks checked without their shard's state (docs/STATE.md "State witnesses", issue #18): the
 * shard that built or applied a chunk serves its state witness (`chunkWitness`, from the keys its
 * run read, kept in the chunk row, and the undo data above it), and anyone runs `checkChunk`: the
 * same executor code as chunk-build.ts over the witness alone, which must reach the chunk's
 * post-state root, receipt hashes, gas, outgoing receipts root and witness list, or the chunk is
 * refused with the reason. The receipts it took in come with proofs against their senders' roots
 * (`sentProofsAt`, src/sharding/receipt-proof.ts) and its txs are checked against replays from a
 * window of the shard's recent txs (src/pool/replay.ts). None touches SQL beyond the serving shard's own rows.
 */
import { base58Encode } from "../../src/codec/base58";
import { sha3 } from "../../src/crypto/sha3";
import { ShardState } from "../../src/executor/guard";
import { DEFERRED, LOCKS } from "../../src/executor/locks";
import { PoolOrder } from "../../src/executor/reads";
import { MAX_BLOCK_GAS } from "../../src/pool/index";
import type { ReplayWindow } from "../../src/pool/replay";
import { ReceiptProofError, type SentProof, sentProof, verifySent } from "../../src/sharding/receipt-proof";
import { placeholderError, receiptHeights, receiptsFromAfter } from "../../src/sharding/placeholder";
import { ReceiptRefused } from "../../src/sharding/receipts";
import type { Tx, TxReceipt } from "../../src/tx/types";
import { openWitness, type Witness, WitnessError, WitnessMissing, type WitnessStore } from "../../src/state/witness";
import type { Answer, Chunk, ChunkContext } from "../api";
import * as core from "../core";
import type { SqlStore } from "../sql-store";
import { blob, errorText, hex } from "../values";
import { logAt, unpackKeys } from "./block-log";
import { blockOf, oversize, witnessesNow } from "./chunk-build";
import { checkGivenTxs, chunkDifference, ChunkRefused, type GivenTx, undoneAbove } from "./chunk-sync";

/** Keys every chunk reads (lock checks, receipts waiting for a lock): in every witness, never stored per chunk. */
export const ALWAYS = [DEFERRED, LOCKS];

/**
 * The state witness of the chunk of `height` (≤ `head`, its undo data not pruned): the keys it
 * read (its `reads` column) and wrote (its undo data) with their values before it, proven against
 * the root of `height - 1`. Rows read: one chunk row per height from `height` to the head.
 */
export function chunkWitness(sql: SqlStorage, kv: SqlStore, height: number, head: number): Witness {
  const after = undoneAbove(sql, height, head);
  // What `height` wrote, each key with its value before it.
  const own = undoneAbove(sql, height - 1, height);
  const before = new Map([...after, ...own]);
  const deleted = new Set([...own.keys()].filter((k) => (after.has(k) ? after.get(k) : (kv.get(k) ?? null)) === null));
  const reads = logAt(sql, height, "reads");
  const keys = new Set([...own.keys(), ...ALWAYS, ...(reads === null ? [] : unpackKeys(reads))]);
  return kv.witnessAt(keys, before, deleted);
}

/** What the chunk of `height` sent to each shard of `to`, each with the proof against its receipts root. Rows read: one. */
export function sentProofsAt(sql: SqlStorage, height: number, to: readonly number[]): SentProof[] {
  const sent = logAt(sql, height, "sent");
  const receipts = sent === null ? [] : (JSON.parse(sent) as core.CrossReceipt[]);
  return to.map((t) => sentProof(receipts, t));
}

/**
 * Why shard `shard` serves no state witness of `height`: outside `low` (LIB `lib`) … `head`. The asker
 * tells a holder behind (`height` above its head: it may adopt the block any moment) by `behindIn`.
 */
export function noWitnessText(shard: number, height: number, low: number, lib: number, head: number): string {
  return `shard-${shard}: no state witness of height ${height}: witnesses are served from ${low} (LIB ${lib}) up to the head ${head}`;
}

/** Whether `error` (a peer's answer for a witness) says its holder's head is below the height asked: `noWitnessText` of a holder behind. */
export function behindIn(error: string): boolean {
  const m = /no state witness of height ([0-9]+): witnesses are served from [0-9]+ \(LIB [0-9]+\) up to the head ([0-9]+)$/.exec(error);
  return m !== null && Number(m[2]) < Number(m[1]);
}

/** A chunk as a node without its shard's state checks it. */
export interface ChunkCase {
  /** The block it belongs to (buildChunk's context). */
  ctx: ChunkContext;
  /** Its txs' full bytes in chunk order, shard 0's base tx first. */
  txs: Uint8Array[];
  /**
   * What each chunk of the heights it takes receipts from sent to its shard (`sentProofsAt`), height
   * by height, by source shard in each: `ctx.height - 1` alone unless placeholders carried receipts
   * on (src/sharding/placeholder.ts); none at height 1, with one shard, or for a placeholder.
   */
  incoming: SentProof[];
  /** The chunk as announced: its header fields are what the re-execution must reach. */
  chunk: Chunk;
}

/** What the re-execution reached (equal to the announced chunk's). */
export interface Checked {
  stateRoot: string;
  receiptHashes: string[];
  outgoing: core.CrossReceipt[];
  /** Its txs but the base tx, for the caller's replay window once the block is taken. */
  txs: Tx[];
}

export interface CheckOptions {
  chainId: number;
  place: core.ShardPlace;
  /**
   * The `out_receipts_root` of each chunk of `ctx.height - 1`, by shard, from the block header the
   * checker holds (never from the peer that sent the receipts): what `incoming` is proven against.
   */
  sentRoots: readonly string[];
  /**
   * The shard's part of the checker's header of `ctx.height - 1`: whether it is a placeholder and
   * its `receipts_from` (absent: a chunk built, the next one takes the receipts of `ctx.height - 1` alone).
   */
  parent?: { placeholder?: true; receiptsFrom?: number };
  /** The `out_receipts_root`s of the chunks of an earlier block, from the checker's headers: for receipts carried past placeholders. */
  rootsAt?: (height: number) => readonly string[] | null;
  /**
   * The shard's txs of the last 90 s of block time, up to `ctx.height - 1`: chunk-sync.ts
   * `replayError`'s check, which reads the tx index, not the state (docs/STATE.md "Replay without
   * the shard"). Without it, no replay check.
   */
  replay?: ReplayWindow;
}

/**
 * Re-executes `c` over `witness` alone (its state root before: `prevRoot`, hex, the root of the
 * shard's chunk at `ctx.height - 1`) and compares the result with `c.chunk`: `{error}` with the
 * reason if the witness does not hold, misses a key the run needs, or the chunk differs.
 * A NodeFault (this node's VM failed) throws: the check is retried, the chunk not refused.
 */
export async function checkChunk(prevRoot: string, c: ChunkCase, witness: Witness, o: CheckOptions): Promise<Answer<Checked>> {
  const { ctx, chunk } = c;
  const refuse = (why: string) => ({ error: `chunk ${o.place.index}/${String(ctx?.height).slice(0, 20)} refused: ${why}` });
  // Everything here comes from peers.
  if (typeof ctx !== "object" || ctx === null || typeof chunk !== "object" || chunk === null || !Array.isArray(c.txs) || !Array.isArray(c.incoming)) {
    return refuse("malformed chunk");
  }
  if (chunk.shard !== o.place.index || chunk.height !== ctx.height || chunk.time !== ctx.time) return refuse("it is not the chunk of this shard and block");
  if (!Number.isSafeInteger(ctx.height) || ctx.height < 1 || !/^[0-9]{1,20}$/.test(ctx.time) || !/^[0-9]{1,20}$/.test(ctx.parentTime ?? "")) {
    return refuse("invalid chunk context");
  }
  const prev = { ...o.parent, height: ctx.height - 1, stateRoot: prevRoot };
  // Nothing runs: checked against the header alone, whatever the witness.
  if (chunk.placeholder !== undefined) {
    const bad =
      c.txs.length > 0 || c.incoming.length > 0
        ? "a placeholder carries no tx and takes no receipt"
        : placeholderError(chunk, prev, ctx.time, hex(core.receiptsRoot([])));
    return bad !== null ? refuse(bad) : { stateRoot: prevRoot, receiptHashes: [], outgoing: [], txs: [] };
  }
  const from = receiptsFromAfter(prev);
  if (chunk.receiptsFrom !== (from < ctx.height - 1 ? from : undefined)) {
    return refuse(`it takes receipts from height ${chunk.receiptsFrom ?? ctx.height - 1}, the chunk before it leaves them from ${from}`);
  }
  let store: WitnessStore;
  try {
    store = openWitness(prevRoot, witness);
  } catch (err) {
    if (err instanceof WitnessError) return refuse(err.message);
    throw err;
  }
  const { blockTime, block, parent } = blockOf(ctx);
  // Not the chunk's fault: the caller notes the chunks before it, then checks again.
  if (o.replay !== undefined && !o.replay.covers(ctx.height, blockTime)) {
    throw new Error(`the replay window (up to height ${o.replay.height}) does not cover chunk ${o.place.index}/${ctx.height}`);
  }
  let incoming: core.CrossReceipt[];
  try {
    incoming = incomingOf(c, o, from);
  } catch (err) {
    if (err instanceof ReceiptProofError) return refuse(err.message);
    throw err;
  }
  const base =
    o.place.index === 0 ? { chainId: o.chainId, number: block.number, time: blockTime, parentWitness: parent.witness, parentTime: parent.time } : null;
  const given = await checkGivenTxs(c.txs, { chainId: o.chainId, blockTime, base });
  if ("error" in given) return refuse(given.error);
  await core.loadVm();
  try {
    const ours = run(store, c, incoming, given.txs, o);
    const diff = chunkDifference(ours.chunk, chunk);
    if (diff !== null) return refuse(diff);
    const txs = given.txs.filter((g) => !g.base).map((g) => g.tx);
    return { stateRoot: ours.chunk.stateRoot, receiptHashes: ours.chunk.receiptHashes, outgoing: ours.outgoing, txs };
  } catch (err) {
    if (store.missing !== null) return refuse(new WitnessMissing(store.missing).message);
    if (err instanceof core.NodeFault) throw err;
    if (err instanceof WitnessError || err instanceof ChunkRefused || err instanceof ReceiptRefused) return refuse(err.message);
    return refuse(`re-execution failed: ${errorText(err)}`);
  }
}

/**
 * The receipts the chunks of `from` (at least 1) to `height - 1` sent to the chunk's shard, height by height in source
 * shard order, each proven against its sender's receipts root in the checker's headers. ReceiptProofError if one is not.
 */
function incomingOf(c: ChunkCase, o: CheckOptions, from: number): core.CrossReceipt[] {
  const { count, index } = o.place;
  if (count === 1 || c.ctx.height === 1) {
    if (c.incoming.length > 0) throw new ReceiptProofError("receipts given where no chunk sent any");
    return [];
  }
  if (!Array.isArray(o.sentRoots) || o.sentRoots.length !== count) throw new Error(`checkChunk needs the ${count} receipts roots of block ${c.ctx.height - 1}`);
  const heights = receiptHeights(from, c.ctx.height);
  if (c.incoming.length !== count * heights.length) {
    const of =
      heights.length === 1
        ? `${c.incoming.length} shards, not ${count}`
        : `${c.incoming.length} chunks, not ${count * heights.length} (${count} shards, ${heights.length} heights)`;
    throw new ReceiptProofError(`receipts proven from ${of}`);
  }
  return heights.flatMap((n, k) => {
    const roots = n === c.ctx.height - 1 ? o.sentRoots : o.rootsAt?.(n);
    if (!roots || roots.length !== count) throw new Error(`checkChunk needs the ${count} receipts roots of block ${n}`);
    return c.incoming.slice(k * count, (k + 1) * count).flatMap((p, sender) => verifySent(roots[sender], sender, index, p));
  });
}

/** chunk-build.ts executeChunk's given-txs path, over the witness: the chunk it makes and the receipts it sends. */
function run(
  store: WitnessStore,
  c: ChunkCase,
  incoming: core.CrossReceipt[],
  given: GivenTx[],
  o: CheckOptions,
): { chunk: Chunk; outgoing: core.CrossReceipt[] } {
  const { chainId, place } = o;
  const { blockTime, block, parent } = blockOf(c.ctx);
  const state = new ShardState(store, place);
  const txHashes: string[] = [];
  const receiptHashes: string[] = [];
  const outgoing: core.CrossReceipt[] = [];
  let gas = 0n;
  // A run that read past the witness and went on (a contract's failure took the throw) is refused, not compared.
  const covered = () => {
    if (store.missing !== null) throw new WitnessMissing(store.missing);
  };
  const take = (hash: string, r: { receipt: TxReceipt; outgoing: core.CrossReceipt[] }) => {
    txHashes.push(hash);
    receiptHashes.push(base58Encode(sha3(core.receiptBytes(r.receipt))));
    gas += r.receipt.gasUsage;
    outgoing.push(...r.outgoing);
  };
  if (place.index === 0) {
    const b = core.executeBase(chainId, place, state, block, parent);
    covered();
    take(b.hash, b);
  }
  const inc = core.applyIncoming(chainId, place, state, block, incoming, () => false);
  covered();
  outgoing.push(...inc.outgoing);
  const txs = given.filter((g) => !g.base);
  // Each publisher's order, as the chunk's producer kept it (a tx parks behind for a creating tx after it).
  const order = new PoolOrder((i) => txs[i]);
  for (const [i, g] of txs.entries()) {
    const replay = o.replay?.executed(g.hash, g.tx) ?? null;
    if (replay !== null) throw new ChunkRefused(replay);
    const depth = state.depth;
    state.watch();
    state.checkpoint();
    let result: core.ExecResult;
    try {
      result = core.executeTx(chainId, place, state, g.tx, g.hash, block, undefined, () => order.createsLater(g.tx.publisher, i, Number.POSITIVE_INFINITY));
    } catch (err) {
      if (err instanceof core.NodeFault || err instanceof WitnessMissing) throw err;
      result = { dropped: `internal error: ${errorText(err)}` };
    }
    covered();
    if (state.conflict !== null)
      throw new ChunkRefused(`tx ${g.hash} cannot be in this block: it touches ${state.conflict}, locked by a cross-shard tx in flight`);
    if ("dropped" in result) throw new ChunkRefused(`tx ${g.hash} cannot be in a block: ${result.dropped}`);
    if (gas + result.receipt.gasUsage > MAX_BLOCK_GAS) throw new ChunkRefused(`tx ${g.hash} takes the chunk's gas past the block limit ${MAX_BLOCK_GAS}`);
    const big = oversize(blob(g.bytes), JSON.stringify(core.receiptToJson(result.receipt)), result, state.latest());
    if (big !== null) throw new ChunkRefused(`tx ${g.hash} cannot be in a block: ${big}`);
    take(g.hash, result);
    while (state.depth > depth) state.release();
  }
  state.commit();
  const chunk: Chunk = {
    shard: place.index,
    height: c.ctx.height,
    time: blockTime.toString(),
    txHashes,
    receiptHashes,
    gasUsage: gas.toString(),
    stateRoot: store.root(),
    ...(place.count > 1 ? { receiptsRoot: hex(core.receiptsRoot(outgoing)) } : {}),
    ...witnessesNow(store, place.index),
    ...(c.chunk.receiptsFrom !== undefined ? { receiptsFrom: c.chunk.receiptsFrom } : {}),
  };
  covered();
  return { chunk, outgoing };
}

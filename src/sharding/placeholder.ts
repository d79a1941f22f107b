/**
 * The placeholder chunk (docs/ARCHITECTURE.md "Chunks built by their group", issue #18): the chunk a
 * block carries for a shard other than 0 when nobody built one for it. It runs nothing: no tx, the
 * state root of the shard's chunk before it, no receipt sent. The receipts the other shards sent it
 * meanwhile are not taken: each chunk names the first height whose receipts it takes in
 * (`receiptsFrom`), and a placeholder passes its own on, so the shard's next real chunk takes every
 * receipt sent to it since its last real one, height by height in source shard order. What waits in
 * the shard's state (receipts deferred for a lock, parked parts due) waits one block more: the next
 * real chunk runs it at its own height, as it would have run it at the placeholder's.
 *
 * So a placeholder is always a no-op whatever the shard holds, and anyone checks one from the
 * header of the block before alone: no witness, no state, no trust in whoever said there was
 * nothing to build. Its cost is latency: what was due in the shard runs a block later.
 */
import type { WireChunk } from "../block/wire.js";

/**
 * How many heights a chunk's receipts may span (`height - receiptsFrom`): a run of placeholders
 * longer than this is refused, so the chunk after it takes the receipts of at most this many
 * heights, each proven by its senders' chunks, served down to MAX_PROOF_DEPTH below LIB.
 */
export const MAX_CARRY = 32;

/** The part of a shard's chunk the next chunk's receipts cursor depends on. */
export interface CursorOf {
  height: number;
  placeholder?: true;
  receiptsFrom?: number;
}

/**
 * The first height whose receipts to the shard its chunk of `prev.height + 1` takes in (or, a
 * placeholder, carries): the one the placeholder `prev` carried, else `prev.height`.
 */
export function receiptsFromAfter(prev: CursorOf): number {
  return prev.placeholder === true && prev.receiptsFrom !== undefined ? prev.receiptsFrom : prev.height;
}

/** The heights whose chunks' receipts a real chunk of `height` takes in, from `from`: none before height 1. */
export function receiptHeights(from: number, height: number): number[] {
  const lo = Math.max(from, 1);
  return Array.from({ length: Math.max(0, height - lo) }, (_, i) => lo + i);
}

/**
 * The placeholder of shard `shard` at `height` (time `time`) after its chunk `prev` (whose state
 * root it keeps); `emptyRoot`: the receipts root of a chunk that sent nothing, on a chain of several
 * shards. Null when the carry would pass MAX_CARRY (a builder must build that chunk).
 */
export function placeholderChunk(prev: CursorOf & { stateRoot: string }, shard: number, time: string, emptyRoot: string): WireChunk | null {
  const height = prev.height + 1;
  const receiptsFrom = receiptsFromAfter(prev);
  if (shard === 0 || height - receiptsFrom >= MAX_CARRY) return null;
  return {
    shard,
    height,
    time,
    txHashes: [],
    receiptHashes: [],
    gasUsage: "0",
    stateRoot: prev.stateRoot,
    receiptsRoot: emptyRoot,
    placeholder: true,
    receiptsFrom,
  };
}

/**
 * Why `c` is not the placeholder of its shard in the block of time `time` after `prev` (from the
 * header of the block before, or the shard's own head chunk), or null: every field must be the
 * one the rule makes.
 */
export function placeholderError(c: WireChunk, prev: CursorOf & { stateRoot: string }, time: string, emptyRoot: string): string | null {
  if (c.shard === 0) return "shard 0 has no placeholder: its base tx runs in every block";
  if (c.height !== prev.height + 1) return `placeholder ${c.shard}/${c.height} does not follow chunk ${prev.height}`;
  const want = placeholderChunk(prev, c.shard, time, emptyRoot);
  if (want === null) return `placeholder ${c.shard}/${c.height}: receipts carried since height ${receiptsFromAfter(prev)}, ${MAX_CARRY} heights or more`;
  for (const k of ["time", "txHashes", "receiptHashes", "gasUsage", "stateRoot", "receiptsRoot", "placeholder", "receiptsFrom", "witnesses"] as const) {
    const x = JSON.stringify(c[k]);
    const y = JSON.stringify(want[k]);
    if (x !== y) return `placeholder ${c.shard}/${c.height}: ${k} ${x ?? "none"}, the rule makes ${y ?? "none"}`;
  }
  return null;
}

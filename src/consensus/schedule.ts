/**
 * The producer schedule (go-iost common/witness.go):
 * time is cut into slots of `blocksPerSlot × blockIntervalNs`; slot s belongs
 * to `list[s mod n]`, and its owner makes at most `blocksPerSlot` blocks in it.
 * Pure: the same answers on every node from the same chain data.
 *
 * The list that schedules block h is the pending list in the state after block
 * h − 1 (shard 0's chunk carries it). IOST waits until the election block is
 * irreversible before switching; here the switch follows the chain itself, so
 * every node that has block h − 1 agrees on who may make block h (docs/POB.md).
 */
import type { ConsensusParams } from "./params.js";

export type Schedule = Pick<ConsensusParams, "blockIntervalNs" | "blocksPerSlot">;

export function slotNs(p: Schedule): bigint {
  return p.blockIntervalNs * BigInt(p.blocksPerSlot);
}

export function slotOf(timeNs: bigint, p: Schedule): bigint {
  return timeNs / slotNs(p);
}

/** The witness (base58 pubkey) scheduled for a block at `timeNs`. */
export function slotOwner(list: readonly string[], timeNs: bigint, p: Schedule): string {
  if (list.length === 0) throw new Error("schedule: empty witness list");
  return list[Number(slotOf(timeNs, p) % BigInt(list.length))];
}

/** The block a new one builds on, as the schedule needs it. */
export interface Tip {
  /** ns */
  time: bigint;
  witness: string;
  /** Blocks `witness` made in a row in the slot of `time`, this one included (1 for a block that opens a slot). */
  inSlot: number;
}

/** How many blocks in a row the new block's witness has in its slot, itself included. */
export function inSlotAfter(parent: Tip, witness: string, timeNs: bigint, p: Schedule): number {
  return parent.witness === witness && slotOf(parent.time, p) === slotOf(timeNs, p) ? parent.inSlot + 1 : 1;
}

/**
 * Why a block at `timeNs` by `witness` may not follow `parent`, or null when it
 * may: later than its parent, its slot's owner, at most blocksPerSlot in a row.
 */
export function scheduleError(list: readonly string[], parent: Tip, witness: string, timeNs: bigint, p: Schedule): string | null {
  if (timeNs <= parent.time) return `block time ${timeNs} is not after its parent's ${parent.time}`;
  const owner = slotOwner(list, timeNs, p);
  if (owner !== witness) return `witness ${witness} does not own slot ${slotOf(timeNs, p)} (its owner is ${owner})`;
  if (inSlotAfter(parent, witness, timeNs, p) > p.blocksPerSlot) {
    return `witness ${witness} already made ${p.blocksPerSlot} blocks in slot ${slotOf(timeNs, p)}`;
  }
  return null;
}

/**
 * The earliest time ≥ `notBefore` at which one of `held` may make the block
 * after `parent`, with its witness; null when no held key owns any slot of the
 * list (the node holds no scheduled producer). Looks at most one round ahead.
 */
export function nextTurn(
  list: readonly string[],
  parent: Tip,
  held: ReadonlySet<string>,
  notBefore: bigint,
  p: Schedule,
): { time: bigint; witness: string } | null {
  const slot = slotNs(p);
  let t = notBefore > parent.time ? notBefore : parent.time + 1n;
  for (let i = 0; i <= list.length; i++) {
    const witness = slotOwner(list, t, p);
    if (held.has(witness) && scheduleError(list, parent, witness, t, p) === null) return { time: t, witness };
    t = (slotOf(t, p) + 1n) * slot; // start of the next slot
  }
  return null;
}

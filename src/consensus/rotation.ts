/**
 * Rotation of shard groups (issue #18 item 4, docs/VALIDATOR.md "Joining or rotating onto a shard"):
 * which shards a node must have at its head, from the chain alone, so it can take on next epoch's
 * shards before that epoch starts and drop the ones it left once peers no longer need them. Pure.
 *
 * When is next epoch's group known? Epoch e + 1's assignment needs its seed, the hash of block eV,
 * and its producers, the witness list the election at block (e + 1)V writes (groups.ts). The seed
 * exists from epoch e's first block on and the list only at its last: votes until then can change
 * it, so no earlier block fixes it. But the election keeps the list unless votes moved, so once
 * block eV is final (seed and current list fixed on every node) the node takes the current list as
 * the next one's guess: right whenever the election changes nothing, which is the rule on a running
 * chain. At the election block it knows; a shard the real list adds is taken on then (one block's
 * notice: its first slots may be missed), a guessed one it does not hold is dropped like any other.
 *
 * What a node keeps: the shards of its producers' groups this epoch, the next epoch's (guessed or
 * known), and, for `grace` blocks of LIB after this epoch's first block, the last epoch's, so a
 * peer whose LIB lags ours can still sync from it. Everything else it may drop.
 */
import { assignGroups, epochOf, groupsOf, listHeight, seedHeight, shardsOfGroups } from "./groups.js";

/** A block's hash and the witness list after it (what an assignment needs of it). */
export interface ListBlock {
  hash: string;
  list: readonly string[];
}

export interface RotationChain {
  head: number;
  lib: number;
  voteInterval: number;
  groups: number;
  shardCount: number;
  /** The producer keys (base58) this node holds. */
  keys: readonly string[];
  /** Blocks of LIB past an epoch's first block during which the last epoch's shards are kept. */
  grace: number;
}

export interface RotationPlan {
  /** The head's epoch. */
  epoch: number;
  /** The shards held this epoch. */
  now: number[];
  /** Next epoch's: known (its election block is on the chain), guessed (this epoch's list, once final), or null (not yet). */
  next: { shards: number[]; known: boolean } | null;
  /** Last epoch's, while they are kept (within the grace), else null. */
  last: number[] | null;
  /** now ∪ next ∪ last, ascending: what this node must have. */
  keep: number[];
  /** Every other shard, ascending: what it may drop. */
  drop: number[];
}

/** The blocks `rotationPlan` reads (hash and list after), ascending and distinct. */
export function planBlocks(c: RotationChain): number[] {
  const v = c.voteInterval;
  const e = epochOf(c.head, v);
  const want = [seedHeight(e, v), listHeight(e, v)];
  if (v > 0) {
    if (listHeight(e + 1, v) <= c.head) want.push(listHeight(e + 1, v));
    if (e > 0 && lastKept(c, e)) want.push(seedHeight(e - 1, v), listHeight(e - 1, v));
  }
  return [...new Set(want)].sort((a, b) => a - b);
}

const lastKept = (c: RotationChain, epoch: number): boolean => c.lib < listHeight(epoch, c.voteInterval) + 1 + c.grace;

/**
 * The shards to keep and to drop at the head, from the blocks `planBlocks` names (`block(n)`: its
 * hash and list after it). Throws when one is missing: the caller has every block to its head.
 */
export function rotationPlan(c: RotationChain, block: (n: number) => ListBlock): RotationPlan {
  const v = c.voteInterval;
  const epoch = epochOf(c.head, v);
  const held = (e: number, list: readonly string[], seed: string): number[] => {
    const assignment = assignGroups(list, c.groups, seed, e);
    return shardsOfGroups([...new Set(c.keys.flatMap((k) => groupsOf(assignment, k)))], c.groups, c.shardCount);
  };
  const heldIn = (e: number): number[] => held(e, block(listHeight(e, v)).list, block(seedHeight(e, v)).hash);
  const now = heldIn(epoch);
  let next: RotationPlan["next"] = null;
  if (v > 0 && listHeight(epoch + 1, v) <= c.head) next = { shards: heldIn(epoch + 1), known: true };
  // Block eV both lists this epoch's producers and seeds the next epoch: final, neither can change.
  else if (v > 0 && c.lib >= listHeight(epoch, v))
    next = { shards: held(epoch + 1, block(listHeight(epoch, v)).list, block(listHeight(epoch, v)).hash), known: false };
  const last = v > 0 && epoch > 0 && lastKept(c, epoch) ? heldIn(epoch - 1) : null;
  const kept = new Set([...now, ...(next?.shards ?? []), ...(last ?? [])]);
  const all = Array.from({ length: c.shardCount }, (_, s) => s);
  return { epoch, now, next, last, keep: all.filter((s) => kept.has(s)), drop: all.filter((s) => !kept.has(s)) };
}

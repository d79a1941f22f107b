/**
 * Rotation of shard groups (issue #18 item 4, docs/VALIDATOR.md "Joining or rotating onto a shard"):
 * which shards a node must have at its head, from the chain alone, so it takes on next epoch's
 * shards before that epoch starts and drops the ones it left once peers no longer need them. Pure.
 *
 * Epoch e + 1's groups are fixed by block eV (its list and hash: groups.ts), on the chain from
 * epoch e's first block on. The node plans them once that block is final (LIB ≥ eV): from then no
 * fork can change them, and the whole of epoch e is left to sync what they add.
 *
 * What a node keeps: the shards of its producers' groups this epoch, next epoch's (once final),
 * and, for `grace` blocks of LIB past this epoch's first block, last epoch's, so a peer whose LIB
 * lags can still sync them from it; and shard 0 in every epoch (groups.ts `heldShards`). Everything
 * else it may drop.
 */
import { assignGroups, epochOf, groupsOf, heldShards, listHeight } from "./groups.js";

/** A block's hash and the witness list written there (what an assignment needs of it). */
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
  /** Next epoch's, once the block that fixes them is final; else null. */
  next: number[] | null;
  /** Last epoch's, while they are kept (within the grace); else null. */
  last: number[] | null;
  /** now ∪ next ∪ last, ascending: what this node must have. */
  keep: number[];
  /** Every other shard, ascending: what it may drop. */
  drop: number[];
}

/** Which of epoch `epoch`'s neighbours the plan at `c` counts: the next once fixed for good, the last within the grace. */
export function planSpan(c: RotationChain): { epoch: number; next: boolean; last: boolean } {
  const v = c.voteInterval;
  const epoch = epochOf(c.head, v);
  return {
    epoch,
    next: v > 0 && c.lib >= listHeight(epoch + 1, v),
    last: v > 0 && epoch > 0 && c.lib < epoch * v + 1 + c.grace,
  };
}

/** The blocks `rotationPlan` reads, ascending and distinct. */
export function planBlocks(c: RotationChain): number[] {
  const { epoch, next, last } = planSpan(c);
  const v = c.voteInterval;
  const want = [listHeight(epoch, v), ...(next ? [listHeight(epoch + 1, v)] : []), ...(last ? [listHeight(epoch - 1, v)] : [])];
  return [...new Set(want)].sort((a, b) => a - b);
}

/**
 * The shards to keep and to drop at the head, from the blocks `planBlocks` names (`block(n)`: its
 * hash and the list written there).
 */
export function rotationPlan(c: RotationChain, block: (n: number) => ListBlock): RotationPlan {
  const { epoch, next, last } = planSpan(c);
  const heldIn = (e: number): number[] => {
    if (c.keys.length === 0) return [];
    const b = block(listHeight(e, c.voteInterval));
    const assignment = assignGroups(b.list, c.groups, b.hash, e);
    return heldShards([...new Set(c.keys.flatMap((k) => groupsOf(assignment, k)))], c.groups, c.shardCount);
  };
  const plan = { epoch, now: heldIn(epoch), next: next ? heldIn(epoch + 1) : null, last: last ? heldIn(epoch - 1) : null };
  const kept = new Set([...plan.now, ...(plan.next ?? []), ...(plan.last ?? [])]);
  const all = Array.from({ length: c.shardCount }, (_, s) => s);
  return { ...plan, keep: all.filter((s) => kept.has(s)), drop: all.filter((s) => !kept.has(s)) };
}

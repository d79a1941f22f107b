/**
 * Shard groups (docs/ARCHITECTURE.md "Shard groups", issue #18): a network's genesis fixes G groups;
 * shard s belongs to group s mod G; at each epoch the producers are shuffled into the groups. Pure:
 * every node derives the same assignment from the same chain data.
 *
 * An epoch is the span one witness list schedules: vote_producer.iost/stat runs in the base tx of
 * every block whose number is a multiple of voteInterval, and the list it writes schedules the
 * blocks after it (schedule.ts). So epoch e holds blocks e·V + 1 … (e + 1)·V (V = voteInterval).
 * Its groups are fixed by one block an epoch older, the election block (e − 1)·V (the genesis
 * block for epochs 0 and 1): the producers are the witness list it wrote (the one scheduling epoch
 * e − 1) and the seed is its hash. So the groups of epoch e are known, and final on every node, a
 * whole epoch before it starts, which is the lead a node needs to sync the shards it takes on
 * (rotation.ts); epoch e's own list, written at e·V, would fix them only one block ahead. The
 * price: a producer elected at e·V joins a group in epoch e + 1, and one voted out keeps its group
 * through epoch e. Nobody knows a group more than two epochs ahead.
 *
 * The shuffle is Fisher–Yates over the producers sorted (base58: ASCII order), its draws
 * sha3("<seed hash>:<epoch>:<i>") as 256-bit integers reduced mod the range (the bias is below
 * 2⁻²⁴⁰ for any list size): no floats, no Math.random, no unordered iteration. Producer at shuffled position i joins group
 * i mod G, so group sizes differ by at most one and, with at least G producers, each group has
 * one. With fewer producers than groups (n < G), producer i holds every group g with g mod n = i:
 * every group still has a holder, some producers hold several.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { sha3, utf8 } from "../crypto/sha3.js";

/** The shards of group `group` (shard s is in group s mod groups), ascending. */
export function groupShards(group: number, groups: number, shardCount: number): number[] {
  const out: number[] = [];
  for (let s = group; s < shardCount; s += groups) out.push(s);
  return out;
}

/** Why `groups` cannot split `shardCount` shards, or null: a whole number from 1 to the shard count (a group holds at least one shard). */
export function groupsError(groups: number, shardCount: number): string | null {
  return Number.isInteger(groups) && groups >= 1 && groups <= shardCount
    ? null
    : `shard groups must be a whole number from 1 to the shard count ${shardCount}, not ${groups}`;
}

/** The epoch of block `height` (genesis: 0). voteInterval 0 (no elections): one epoch. */
export function epochOf(height: number, voteInterval: number): number {
  return voteInterval > 0 && height > 0 ? Math.floor((height - 1) / voteInterval) : 0;
}

/** The block whose witness list (the one written there) is epoch `epoch`'s producers. */
export const listHeight = (epoch: number, voteInterval: number): number => Math.max(0, (epoch - 1) * voteInterval);

/** The block whose hash seeds epoch `epoch`'s shuffle: the same block as its list. */
export const seedHeight = listHeight;

/** A draw in [0, n): sha3("seed:epoch:i") as a big-endian integer, mod n. */
function draw(seed: string, epoch: number, i: number, n: number): number {
  const h = sha3(utf8(`${seed}:${epoch}:${i}`));
  return Number(BigInt(`0x${bytesToHex(h)}`) % BigInt(n));
}

/**
 * The producers (base58 pubkeys) of each group in epoch `epoch`: `groups` lists, each in shuffled
 * order. `seed`: the seed block's hash as the chain writes it (base58). The producers' own order
 * does not matter.
 */
export function assignGroups(producers: readonly string[], groups: number, seed: string, epoch: number): string[][] {
  if (producers.length === 0) throw new Error("groups: no producers to assign");
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`groups: ${groups} is not a group count`);
  if (seed === "") throw new Error("groups: empty seed");
  const order = [...new Set(producers)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = order.length - 1; i > 0; i--) {
    const j = draw(seed, epoch, i, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const n = order.length;
  return Array.from({ length: groups }, (_, g) => (n >= groups ? order.filter((_, i) => i % groups === g) : [order[g % n]]));
}

/** The groups `key` belongs to in `assignment`, ascending (empty: not a producer of the epoch). */
export function groupsOf(assignment: readonly (readonly string[])[], key: string): number[] {
  return assignment.flatMap((members, g) => (members.includes(key) ? [g] : []));
}

/** The shards of `groupList`, ascending. */
export function shardsOfGroups(groupList: readonly number[], groups: number, shardCount: number): number[] {
  return groupList.flatMap((g) => groupShards(g, groups, shardCount)).sort((a, b) => a - b);
}

/**
 * The shards a node with a producer key holds while its keys are in `groupList` (none: in no group
 * of the epoch), ascending: its groups' and shard 0 whatever its groups. Shard 0 is the consensus
 * shard: every block's base tx runs there, so its chunk cannot wait on another group's builder nor
 * be left empty, and its producer must have it.
 */
export function heldShards(groupList: readonly number[], groups: number, shardCount: number): number[] {
  const own = shardsOfGroups(groupList, groups, shardCount);
  return own.includes(0) ? own : [0, ...own];
}

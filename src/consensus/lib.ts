/**
 * The last irreversible block (LIB) by IOST's rule (go-iost
 * core/blockcache/block_cache.go UpdateLib): a block is irreversible once at least
 * `confirmLimit(n)` distinct witnesses produced blocks on its branch from it
 * onwards (itself included), n being the size of the witness list.
 *
 * Counting "from block b onwards" needs only each witness's latest block above
 * the current LIB: the witnesses that produced in [b, head] are exactly those
 * whose latest block is ≥ b. So the new LIB is the confirmLimit-th highest of
 * those latest heights. Pure and deterministic (no iteration-order effects).
 */

/** ⌊2n/3⌋ + 1: 1 → 1, 4 → 3, 17 → 12, 21 → 15. */
export function confirmLimit(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`lib: witness list size must be a positive integer, not ${n}`);
  return Math.floor((2 * n) / 3) + 1;
}

/** A block as the LIB rule sees it. */
export interface Produced {
  number: number;
  /** base58 pubkey */
  witness: string;
}

/** Each witness's highest block among `blocks`. */
export function latestByWitness(blocks: readonly Produced[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const b of blocks) latest.set(b.witness, Math.max(latest.get(b.witness) ?? -1, b.number));
  return latest;
}

/**
 * The LIB after the blocks above `lib` on the head's branch, given each
 * witness's latest height among them; never below `lib` (finality only grows).
 */
export function libFromLatest(latest: ReadonlyMap<string, number>, n: number, lib: number): number {
  const limit = confirmLimit(n);
  const heights = [...latest.values()].filter((h) => h > lib).sort((a, b) => b - a);
  if (heights.length < limit) return lib;
  return Math.max(lib, heights[limit - 1]);
}

/** The LIB after `blocks` (the branch above `lib`, any order) with a witness list of size n. */
export function nextLib(blocks: readonly Produced[], n: number, lib: number): number {
  return libFromLatest(latestByWitness(blocks), n, lib);
}

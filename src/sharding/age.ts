/**
 * A tx's age, the order in which waits give way (executor/locks.ts, docs/SHARDING.md "Giving way"), asks decide which
 * txs may still create a name (asks.ts) and runs read names (executor/guard.ts): here, below all, so the sharding
 * layer needs nothing of the executor.
 */
/** A tx's age: its block's height (decimal text), then its hash (giving way) or its pool key (names: src/pool poolOrder). */
export type Age = readonly [at: string, key: string];

/** Whether `a` is older than `b`: an earlier block, or the same block and a lower second key. A re-run keeps its tx's age. */
export function older(a: Age, b: Age): boolean {
  const [ta, tb] = [BigInt(a[0]), BigInt(b[0])];
  return ta !== tb ? ta < tb : a[1] < b[1];
}

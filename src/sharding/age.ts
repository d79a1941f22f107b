/**
 * A tx's age, the order in which waits for locks give way (executor/locks.ts, docs/SHARDING.md "Giving way"), asks
 * decide which txs may still create a name (asks.ts) and runs read names (executor/guard.ts): one order for all, so a
 * wait for a lock and a wait for a name never point opposite ways. Here, below all, so the sharding layer needs nothing
 * of the executor.
 */
/** A tx's age: its block's height (decimal text), then its pool key (src/pool poolOrder: one chain's order in a block). */
export type Age = readonly [at: string, key: string];

/** Whether `a` is older than `b`: an earlier block, or the same block and a lower second key. A re-run keeps its tx's age. */
export function older(a: Age, b: Age): boolean {
  const [ta, tb] = [BigInt(a[0]), BigInt(b[0])];
  return ta !== tb ? ta < tb : a[1] < b[1];
}

/**
 * A tx's age, the order in which waits give way (executor/locks.ts, docs/SHARDING.md "Giving way") and asks decide
 * which txs may still create a name (asks.ts): here, below both, so the sharding layer needs nothing of the executor.
 */
/** A tx's age: its block's height (decimal text), then its hash. */
export type Age = readonly [at: string, hash: string];

/** Whether `a` is older than `b`: an earlier block, or the same block and a lower hash. A re-run keeps its tx's age. */
export function older(a: Age, b: Age): boolean {
  const [ta, tb] = [BigInt(a[0]), BigInt(b[0])];
  return ta !== tb ? ta < tb : a[1] < b[1];
}

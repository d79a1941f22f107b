/**
 * /execTx of a tx whose records live on several shards (docs/SHARDING.md "Dry runs across shards"). Its final receipt
 * on N shards is the one a single shard gives (the rule at the top of SHARDING.md), so the dry run answers that one:
 * the tx runs as on one shard, over this shard's records and those of other shards fetched so far. A record another
 * shard keeps and the caller has not fetched reads absent and is noted; the caller fetches what was noted and runs it
 * again, until a run misses nothing. Nothing is written anywhere.
 */
import { remoteKeyShard } from "../sharding/reads.js";
import type { Store } from "../state/store.js";
import type { Tx } from "../tx/types.js";
import { ShardState } from "./guard.js";
import { type BlockContext, dryRun, type ExecuteResult, type TxKey } from "./index.js";

const ONE = { index: 0, count: 1 };

/** The answer, or the records of other shards (by shard, in key order) the run read without having them. */
export type DryAcross = { result: ExecuteResult } | { missed: Map<number, string[]> };

/** One run of `tx` on shard `place`'s `own` records and the `fetched` ones of other shards, as one shard runs it. */
export function dryRunAcross(
  own: Store,
  place: { index: number; count: number },
  fetched: ReadonlyMap<string, string | null>,
  tx: Tx,
  hash: TxKey,
  block: BlockContext,
): DryAcross {
  // Placement reads this shard's directory, as its own runs do.
  const placed = new ShardState(own, place);
  const missed = new Map<number, Set<string>>();
  const store: Store = {
    get(key) {
      const at = remoteKeyShard(placed, key, place);
      if (at === null) return own.get(key);
      if (fetched.has(key)) return fetched.get(key) ?? undefined;
      missed.set(at, (missed.get(at) ?? new Set()).add(key));
      return undefined;
    },
    put() {
      throw new Error("a dry run writes nothing");
    },
    del() {
      throw new Error("a dry run writes nothing");
    },
  };
  const result = dryRun(new ShardState(store, ONE), tx, hash, { ...block, shard: ONE });
  if (missed.size === 0) return { result };
  return { missed: new Map([...missed].map(([s, keys]) => [s, [...keys].sort()])) };
}

/**
 * Which txs in flight a run saw (docs/SHARDING.md "Remote state inside a contract", _What a probe's tx saw_). A tx's
 * writes can stand here unlocked while it still holds locks on the shards its settle has yet to pass back through: a
 * deciding half, a chain's last part, a hop or a chain's part unlocked by the settle after it, a credit a chain's last
 * part sent to a third shard (incoming.ts `lands`). A tx run here after them saw that tx; one run before did not, and
 * on one chain ran before it. A failed tx's probe must read the records such a tx locked where it lands accordingly:
 * after it when its run saw it here, before it when not. Only this shard knows which it was, so the probe carries the
 * txs landed here in the blocks before its run (`CrossReceipt.saw`).
 */
import type { State } from "../state/state.js";
import { MAX_SAW } from "../sharding/receipts.js";
import { PART_WAIT } from "./locks.js";

/** The row of txs whose receipts landed here unlocked in the last LANDED_BLOCKS blocks: `[height, tx hash]`, by height. */
export const LANDED = "x-landed";
/**
 * Blocks a landing is kept: as long as its tx's locks elsewhere may hold after it (its settle goes back one shard a
 * block, along its chain). A probe run later than that reads before such a lock, as every probe did.
 */
export const LANDED_BLOCKS = PART_WAIT;

type Landed = [height: number, tx: string][];

const landedIn = (raw: string | undefined): Landed => (raw === undefined ? [] : (JSON.parse(raw) as Landed));

/** Notes that receipts of `txs` landed at `height`, dropping landings too old to count (one row, however many a chunk). */
export function noteLanded(state: State, height: number, txs: readonly string[]): void {
  const kept = landedIn(state.get(LANDED)).filter(([h]) => h > height - LANDED_BLOCKS);
  const known = new Set(kept.map(([, tx]) => tx));
  // A tx's first landing is the one a run after it saw.
  const added = [...new Set(txs)].filter((tx) => !known.has(tx)).sort();
  // No more than a probe can carry (its own tx left out): a flood of landings cannot grow the row past that.
  const all = [...kept, ...added.map((tx): [number, string] => [height, tx])];
  state.put(LANDED, JSON.stringify(all.slice(-(MAX_SAW + 1))));
}

/** The txs (sorted) whose receipts landed here before a run at `height` and may still hold locks elsewhere, but `self`. */
export function sawLanded(state: State, height: number, self: string): string[] {
  const recent = landedIn(state.get(LANDED)).filter(([h, tx]) => h > height - LANDED_BLOCKS && tx !== self);
  return recent
    .slice(-MAX_SAW)
    .map(([, tx]) => tx)
    .sort();
}

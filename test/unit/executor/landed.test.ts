/**
 * The row of txs whose receipts landed on a shard unlocked (src/executor/landed.ts, docs/SHARDING.md "Remote state
 * inside a contract", _What a probe's tx saw_): what a failed run's probes carry as `saw`.
 */
import { describe, expect, it } from "vitest";
import { LANDED, LANDED_BLOCKS, noteLanded, sawLanded } from "../../../src/executor/landed";
import { MAX_SAW } from "../../../src/sharding/receipts";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";

describe("landed txs (x-landed)", () => {
  it("keeps each tx's first landing for LANDED_BLOCKS blocks; a run sees those before it, sorted, but its own tx", () => {
    const state = new State(new MemoryStore());
    expect(sawLanded(state, 10, "z")).toEqual([]);
    noteLanded(state, 10, ["b", "a", "b"]);
    noteLanded(state, 11, ["a", "c"]);
    expect(JSON.parse(state.get(LANDED)!)).toEqual([
      [10, "a"],
      [10, "b"],
      [11, "c"],
    ]);
    expect(sawLanded(state, 11, "b")).toEqual(["a", "c"]);
    // A's landing at 10 is too old for a run at 10 + LANDED_BLOCKS, c's is not; the next write drops it.
    expect(sawLanded(state, 10 + LANDED_BLOCKS, "z")).toEqual(["c"]);
    noteLanded(state, 10 + LANDED_BLOCKS, ["d"]);
    expect(JSON.parse(state.get(LANDED)!)).toEqual([
      [11, "c"],
      [10 + LANDED_BLOCKS, "d"],
    ]);
  });

  it("a run sees at most MAX_SAW, the latest landed, and the row keeps no more", () => {
    const state = new State(new MemoryStore());
    const txs = Array.from({ length: MAX_SAW + 2 }, (_, i) => `t${String(i).padStart(4, "0")}`);
    noteLanded(state, 5, txs.slice(0, 2));
    noteLanded(state, 6, txs.slice(2));
    expect(sawLanded(state, 6, "z")).toEqual(txs.slice(2));
    // The row keeps no more than a probe can carry, its own tx left out: a flood of landings does not grow it.
    expect(JSON.parse(state.get(LANDED)!)).toHaveLength(MAX_SAW + 1);
    expect(sawLanded(state, 6, txs[txs.length - 1])).toEqual(txs.slice(1, -1));
  });
});

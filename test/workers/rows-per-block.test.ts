/**
 * Rows written per block on the coordinator and on the signing Validator (docs/COST.md "Rows
 * written"), from the runtime's own counters (durable-objects/meter.ts), over empty blocks made by
 * the real alarm handler (1 shard, 1 producer). The head is the top block row, LIB is written only
 * when it moves, the production job once, the meta and finality tables have no rowid and no
 * secondary index, the tracker no generation row; the Validator keeps its signed height and one
 * vote row. A change that brings such rows back fails here. (Before, this test measured 19.96 rows
 * per block on the coordinator and 3 on the Validator.)
 */
import { describe, expect, test } from "vitest";
import { newChain, tick } from "./helpers";

const BLOCKS = 24;

describe("rows written per block", () => {
  test("on the coordinator and the Validator, empty blocks, stay under their bounds", async () => {
    const c = newChain("rows-block");
    await tick(c, 2); // genesis and the first blocks are behind us
    const [coord0, val0] = await c.coord.meters();
    await tick(c, BLOCKS);
    const [coord1, val1] = await c.coord.meters();
    const coord = (coord1.rowsWritten - coord0.rowsWritten) / BLOCKS;
    const validator = (val1.rowsWritten - val0.rowsWritten) / BLOCKS;
    console.log(`rows written per empty block: coordinator ${coord.toFixed(2)}, validator ${validator.toFixed(2)}`);
    // Measured 12: the block row and its hash index (2), LIB (1), the job in and out (2), the alarm
    // (1), the tracker's block and endorsement rows in and pruned (4) and its final block (1).
    expect(coord).toBeLessThanOrEqual(12.5);
    // Measured 2: the signed height and the vote row.
    expect(validator).toBeLessThanOrEqual(2);
  });
});

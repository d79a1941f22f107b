/**
 * Rows written per block on the coordinator and on the signing Validator (docs/COST.md "Rows
 * written"), from the runtime's own counters (durable-objects/meter.ts), over empty blocks made by
 * the real alarm handler: the block row carries the head, LIB, the production job and the finality
 * bookkeeping, and the Validator keeps one row per signed height. A change that brings per-block
 * meta rows, a hash index row or a second Validator row back fails here.
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
    expect(coord).toBeLessThanOrEqual(99);
    expect(validator).toBeLessThanOrEqual(99);
  });
});

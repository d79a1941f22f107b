/**
 * The bench's ratio helpers (bench/ceilings.ts): each figure is printed as the share of the same
 * run's ceiling it reaches; the tightest of several ceilings is the one a figure is bound by.
 */
import { describe, expect, test } from "vitest";
import { type Ceilings, ceilingRows, intakeCeiling, ratio, table, tightest } from "../../bench/ceilings";

const run: Ceilings = {
  verifyPerSec: 9_000,
  sha3PerSec: 30_000,
  barePerSec: 1_200,
  bareP50: 2,
  bareWorkerMs: 0.05,
  rowWritesPerSec: 200_000,
  rowReadsPerSec: 400_000,
};

describe("bench ratios", () => {
  test("a rate is value ÷ ceiling, a time floor ÷ value, as a percentage", () => {
    expect(ratio(300, 1_200)).toBe("25 %");
    expect(ratio(1_000, 1_250)).toBe("80 %");
    expect(ratio(12, 1_200)).toBe("1.0 %"); // below a tenth, one decimal
    expect(ratio(8, 2, true)).toBe("25 %");
    expect(ratio(1_000, 1_000, true)).toBe("100 %");
    expect(ratio(5, 0)).toBe("—"); // no ceiling measured
    expect(ratio(0, 0)).toBe("—");
  });

  test("intake is bound by the tightest of a bare request, one verify and three sha3 hashes", () => {
    expect(intakeCeiling(run)).toEqual({ name: "bare-route req/s", perSec: 1_200 });
    expect(intakeCeiling({ ...run, verifyPerSec: 800 })).toEqual({ name: "Ed25519 verifies/s", perSec: 800 });
    expect(intakeCeiling({ ...run, sha3PerSec: 3_000 })).toEqual({ name: "sha3/s ÷ 3", perSec: 1_000 });
    expect(
      tightest([
        { name: "a", perSec: 3 },
        { name: "b", perSec: 3 },
      ]),
    ).toEqual({ name: "a", perSec: 3 }); // ties: the first named
  });

  test("every row has four cells; the ceilings are rows of their own", () => {
    const lines = table([{ measure: "m", value: "1 tx/s", ceiling: "4 (x)", ratio: ratio(1, 4) }, ...ceilingRows(run)]);
    expect(lines[0]).toBe("| measure | value | ceiling it is bound by (same run) | ratio |");
    expect(lines[2]).toBe("| m | 1 tx/s | 4 (x) | 25 % |");
    for (const line of lines) expect(line.split("|").length).toBe(6);
    expect(lines.some((l) => l.includes("| 200,000 / 400,000 rows/s | (a ceiling) |"))).toBe(true);
  });
});

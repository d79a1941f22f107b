/** Fork choice by certificate first (docs/FINALITY.md item 1), then IOST's rule. */
import { describe, expect, test } from "vitest";
import { preferred, preferredTip, type ForkTip } from "../../../src/consensus/peer-block";

describe("preferredTip", () => {
  const y: ForkTip = { number: 9, time: "100", hash: "y", certified: 4 };
  const x: ForkTip = { number: 6, time: "200", hash: "x", certified: 5 };

  test("a higher certificate beats a longer, earlier branch", () => {
    expect(preferred(y, x)).toBe(true); // IOST's rule alone picks the longer branch
    expect(preferredTip(x, y)).toBe(true);
    expect(preferredTip(y, x)).toBe(false);
  });

  test("a branch not known to extend the final block (-1) loses to any tracked one", () => {
    expect(preferredTip({ ...y, number: 50, certified: -1 }, { ...x, certified: 0 })).toBe(false);
    expect(preferredTip({ ...x, certified: 0 }, { ...y, number: 50, certified: -1 })).toBe(true);
  });

  test("equal certificates: longer, then earlier head, then smaller hash; never both ways", () => {
    const a: ForkTip = { number: 10, time: "100", hash: "b", certified: 3 };
    const cases: [ForkTip, boolean][] = [
      [{ ...a, number: 11, time: "999" }, true],
      [{ ...a, time: "99" }, true],
      [{ ...a, hash: "a" }, true],
      [{ ...a, number: 9, time: "1" }, false],
      [a, false],
    ];
    for (const [b, wins] of cases) {
      expect(preferredTip(b, a)).toBe(wins);
      if (wins) expect(preferredTip(a, b)).toBe(false);
    }
  });
});

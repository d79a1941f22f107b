import { describe, expect, it } from "vitest";
import { confirmLimit, nextLib } from "../../../src/consensus/lib";

const chain = (witnesses: string, from = 1) => [...witnesses].map((w, i) => ({ number: from + i, witness: w }));

describe("LIB (IOST UpdateLib rule)", () => {
  it("confirmLimit is ⌊2n/3⌋+1", () => {
    expect([1, 2, 3, 4, 17, 21].map(confirmLimit)).toEqual([1, 2, 3, 3, 12, 15]);
    expect(() => confirmLimit(0)).toThrow("positive integer");
  });

  it("one witness: every block is final at once", () => {
    expect(nextLib(chain("aaaa"), 1, 0)).toBe(4);
  });

  it("four witnesses in turn: a block is final once three distinct ones built from it on", () => {
    expect(nextLib(chain("ab"), 4, 0)).toBe(0);
    expect(nextLib(chain("abc"), 4, 0)).toBe(1); // a, b, c from block 1
    expect(nextLib(chain("abcd"), 4, 0)).toBe(2); // b, c, d from block 2
    expect(nextLib(chain("abcda"), 4, 0)).toBe(3);
  });

  it("repeats of one witness do not count twice", () => {
    expect(nextLib(chain("aaabbb"), 4, 0)).toBe(0);
    expect(nextLib(chain("aaabbbc"), 4, 0)).toBe(3); // block 3 (a), then b and c
  });

  it("a node holding too few producers never finalizes; LIB never goes back", () => {
    expect(nextLib(chain("abab"), 4, 0)).toBe(0);
    expect(nextLib(chain("ab", 6), 4, 5)).toBe(5);
    expect(nextLib([], 4, 7)).toBe(7);
  });

  it("blocks at or below the current LIB are ignored", () => {
    expect(nextLib(chain("abcab", 1), 4, 3)).toBe(3); // only a(4), b(5) above 3
  });
});

import { describe, expect, test } from "vitest";
import { merkleRoot } from "../../../src/block/merkle";
import { sha3 } from "../../../src/crypto/sha3";

const leaf = (i: number) => sha3(new Uint8Array([i]));
const cat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
const h = (a: Uint8Array, b: Uint8Array) => sha3(cat(a, b));

describe("merkleRoot (go-iost core/merkletree)", () => {
  test("no leaves: empty bytes", () => {
    expect(merkleRoot([])).toEqual(new Uint8Array(0));
  });

  test("1 leaf: sha3(leaf ‖ leaf), not the leaf itself", () => {
    expect(merkleRoot([leaf(0)])).toEqual(h(leaf(0), leaf(0)));
  });

  test("2 leaves: sha3(l0 ‖ l1), order matters (no sorting)", () => {
    expect(merkleRoot([leaf(0), leaf(1)])).toEqual(h(leaf(0), leaf(1)));
    expect(merkleRoot([leaf(1), leaf(0)])).toEqual(h(leaf(1), leaf(0)));
  });

  test("3 leaves: sha3( sha3(l0‖l1) ‖ sha3(l2‖l2) )", () => {
    const [a, b, c] = [leaf(0), leaf(1), leaf(2)];
    expect(merkleRoot([a, b, c])).toEqual(h(h(a, b), h(c, c)));
  });

  test("5 leaves: padded to 8, missing right children hash the left twice", () => {
    const l = [0, 1, 2, 3, 4].map(leaf);
    const level1 = [h(l[0], l[1]), h(l[2], l[3]), h(l[4], l[4])];
    const level2 = [h(level1[0], level1[1]), h(level1[2], level1[2])];
    expect(merkleRoot(l)).toEqual(h(level2[0], level2[1]));
  });

  test("a full power of two: 4 leaves", () => {
    const l = [0, 1, 2, 3].map(leaf);
    expect(merkleRoot(l)).toEqual(h(h(l[0], l[1]), h(l[2], l[3])));
  });
});

/**
 * Shard groups (src/consensus/groups.ts): the epoch shuffle is a function of its inputs only,
 * balanced, covers every group, and moves producers between groups from epoch to epoch.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { assignGroups, epochOf, groupShards, groupsError, groupsOf, heldShards, listHeight, seedHeight, shardsOfGroups } from "../../../src/consensus/groups";

/** A block hash as the chain writes it: base58 of 32 bytes. */
const seedOf = (i: number): string => base58Encode(sha3(utf8(`block-${i}`)));
const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `Key${String(i).padStart(3, "0")}`);

describe("shards and epochs", () => {
  test("shard s is in group s mod G; the groups cover every shard once", () => {
    expect(groupShards(0, 2, 4)).toEqual([0, 2]);
    expect(groupShards(1, 2, 4)).toEqual([1, 3]);
    expect(groupShards(2, 3, 8)).toEqual([2, 5]);
    expect(shardsOfGroups([1, 0], 2, 4)).toEqual([0, 1, 2, 3]);
    expect(shardsOfGroups([1], 2, 4)).toEqual([1, 3]);
  });

  test("a producer holds its groups' shards and shard 0, in no group shard 0 only", () => {
    expect(heldShards([1], 2, 4)).toEqual([0, 1, 3]);
    expect(heldShards([0], 2, 4)).toEqual([0, 2]);
    expect(heldShards([2, 1], 3, 8)).toEqual([0, 1, 2, 4, 5, 7]);
    expect(heldShards([], 2, 4)).toEqual([0]);
    expect(heldShards([0], 1, 3)).toEqual([0, 1, 2]);
    expect(groupShards(0, 1, 3)).toEqual([0, 1, 2]);
  });

  test("a group count is 1 to the shard count", () => {
    expect(groupsError(1, 1)).toBeNull();
    expect(groupsError(4, 4)).toBeNull();
    for (const bad of [0, 5, 1.5, Number.NaN]) expect(groupsError(bad, 4)).toMatch(/from 1 to the shard count 4/);
  });

  test("epoch e is blocks eV+1 … (e+1)V; its groups are fixed by block (e−1)V: the list written there and its hash", () => {
    expect([0, 1, 20, 21, 40, 41].map((h) => epochOf(h, 20))).toEqual([0, 0, 0, 1, 1, 2]);
    expect(epochOf(1000, 0)).toBe(0);
    expect([0, 1, 2, 3].map((e) => listHeight(e, 20))).toEqual([0, 0, 20, 40]);
    expect([0, 1, 2, 3].map((e) => seedHeight(e, 20))).toEqual([0, 0, 20, 40]);
  });
});

describe("assignGroups", () => {
  test("the same seed and epoch give the same groups whatever the list's order; another seed or epoch another shuffle", () => {
    const list = keys(21);
    const a = assignGroups(list, 3, seedOf(1), 7);
    expect(assignGroups([...list].reverse(), 3, seedOf(1), 7)).toEqual(a);
    expect(assignGroups(list, 3, seedOf(2), 7)).not.toEqual(a);
    expect(assignGroups(list, 3, seedOf(1), 8)).not.toEqual(a);
  });

  test("pinned: the shuffle is the same on every node and every version (changing it forks the assignment)", () => {
    expect(assignGroups(keys(4), 2, seedOf(0), 0)).toMatchInlineSnapshot(`
      [
        [
          "Key002",
          "Key003",
        ],
        [
          "Key000",
          "Key001",
        ],
      ]
    `);
  });

  test("balance: sizes differ by at most one, every producer in exactly one group, every group held (n ≥ G)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1e6 }), (n, g, s) => {
        fc.pre(n >= g);
        const a = assignGroups(keys(n), g, seedOf(s), s);
        const sizes = a.map((m) => m.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
        expect(a.flat().sort()).toEqual(keys(n));
      }),
    );
  });

  test("fewer producers than groups: every group has one holder, producers hold ⌊G/n⌋ or ⌈G/n⌉ groups", () => {
    const a = assignGroups(keys(2), 5, seedOf(3), 1);
    expect(a.every((m) => m.length === 1)).toBe(true);
    const held = keys(2)
      .map((k) => groupsOf(a, k).length)
      .sort();
    expect(held).toEqual([2, 3]);
    expect(shardsOfGroups(groupsOf(a, a[0][0]), 5, 5)).toContain(0);
  });

  test("duplicates count once; bad input throws", () => {
    expect(assignGroups(["B", "A", "B"], 2, seedOf(1), 0).flat().sort()).toEqual(["A", "B"]);
    expect(() => assignGroups([], 2, seedOf(1), 0)).toThrow(/no producers/);
    expect(() => assignGroups(["A"], 0, seedOf(1), 0)).toThrow(/group count/);
    expect(() => assignGroups(["A"], 1, "", 0)).toThrow(/seed/);
  });

  /**
   * Rotation. A uniform shuffle keeps a producer in its group with probability ⌈n/G⌉/n per epoch
   * (1/2 for 4 producers in 2 groups), independently across epochs (fresh seeds), so it stays k
   * epochs in a row with probability 2^−k. Over 2,000 (seed chain, producer) pairs: the per-epoch
   * stay rate is 1/2 within ±0.05 (about 9 standard deviations: 16,000 draws), and within 16 epochs
   * every producer of every chain moved (the expected number that did not is 8,000 · 2^−16 ≈ 0.12).
   */
  test("every producer moves: stays at about ⌈n/G⌉/n per epoch and moves within a few epochs", () => {
    const list = keys(4);
    let stays = 0;
    let draws = 0;
    let neverMoved = 0;
    for (let chain = 0; chain < 500; chain++) {
      const epochs = Array.from({ length: 17 }, (_, e) => assignGroups(list, 2, seedOf(chain * 100 + e), e));
      for (const k of list) {
        const g = epochs.map((a) => groupsOf(a, k)[0]);
        for (let e = 1; e < 9; e++, draws++) if (g[e] === g[e - 1]) stays++;
        if (g.every((x) => x === g[0])) neverMoved++;
      }
    }
    expect(Math.abs(stays / draws - 0.5)).toBeLessThan(0.05);
    expect(neverMoved).toBe(0);
  });
});

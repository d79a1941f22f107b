/**
 * Rotation plans (src/consensus/rotation.ts): from the chain alone, the shards a node keeps (this
 * epoch's, next epoch's once guessable or known, last epoch's within the grace) and those it may drop.
 */
import { describe, expect, test } from "vitest";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { assignGroups, groupsOf, shardsOfGroups } from "../../../src/consensus/groups";
import { planBlocks, rotationPlan, type ListBlock, type RotationChain } from "../../../src/consensus/rotation";

const V = 20;
const KEYS = ["KeyA", "KeyB", "KeyC", "KeyD"];
const hashOf = (n: number): string => base58Encode(sha3(utf8(`block-${n}`)));

/** A chain whose witness list is KEYS, or `changed` from block `at` on (the election there changed it). */
function chainData(changed?: { at: number; list: string[] }) {
  const read: number[] = [];
  const block = (n: number): ListBlock => {
    read.push(n);
    return { hash: hashOf(n), list: changed !== undefined && n >= changed.at ? changed.list : KEYS };
  };
  return { block, read };
}

const base = (head: number, lib: number, keys = ["KeyA"]): RotationChain => ({ head, lib, voteInterval: V, groups: 2, shardCount: 4, keys, grace: 8 });

/** Shards `key` holds in epoch e, computed straight from groups.ts. */
const heldBy = (key: string, e: number, list = KEYS): number[] =>
  shardsOfGroups(groupsOf(assignGroups(list, 2, hashOf(Math.max(0, (e - 1) * V)), e), key), 2, 4);

/** An epoch ≥ 2 in which `key` holds other shards than in the epoch before (exists: producers move about every other epoch). */
function moveOf(key: string): number {
  for (let e = 2; e < 40; e++) if (heldBy(key, e).join() !== heldBy(key, e - 1).join()) return e;
  throw new Error(`${key} never moves`);
}

describe("rotationPlan", () => {
  test("one group: every shard kept at every height, none dropped", () => {
    const { block } = chainData();
    for (const head of [1, 19, 20, 21, 40, 57]) {
      const p = rotationPlan({ ...base(head, head - 1), groups: 1 }, block);
      expect(p.keep).toEqual([0, 1, 2, 3]);
      expect(p.drop).toEqual([]);
    }
  });

  test("next epoch's shards: none before block eV is final, guessed from its list once it is, known at the election block", () => {
    const e = moveOf("KeyA") - 1; // KeyA moves at the start of epoch e + 1
    const first = e * V + 1;
    const { block } = chainData();
    expect(rotationPlan(base(first, e * V - 1), block).next).toBeNull();
    const guessed = rotationPlan(base(first, e * V), block);
    expect(guessed.epoch).toBe(e);
    expect(guessed.now).toEqual(heldBy("KeyA", e));
    expect(guessed.next).toEqual({ shards: heldBy("KeyA", e + 1), known: false });
    // Taken on a whole epoch ahead: kept now though not held now.
    expect(guessed.keep).toEqual(expect.arrayContaining(heldBy("KeyA", e + 1)));
    const known = rotationPlan(base((e + 1) * V, (e + 1) * V - 2), block);
    expect(known.epoch).toBe(e);
    expect(known.next).toEqual({ shards: heldBy("KeyA", e + 1), known: true });
    // And from the new epoch's first block those are `now`.
    expect(rotationPlan(base((e + 1) * V + 1, (e + 1) * V - 1), block).now).toEqual(heldBy("KeyA", e + 1));
  });

  test("an election that changes the list: the guess used this epoch's list, the election block's plan the new one", () => {
    const e = 3;
    const list = ["KeyA", "KeyE", "KeyF", "KeyG", "KeyH"];
    const { block } = chainData({ at: (e + 1) * V, list });
    const key = KEYS.find((k) => heldBy(k, e + 1, list).join() !== heldBy(k, e + 1).join()) ?? "KeyA";
    const guessed = rotationPlan(base(e * V + 5, e * V, [key]), block);
    expect(guessed.next).toEqual({ shards: heldBy(key, e + 1), known: false });
    const known = rotationPlan(base((e + 1) * V, (e + 1) * V - 1, [key]), block);
    expect(known.next).toEqual({ shards: heldBy(key, e + 1, list), known: true });
    // Voted out: holds nothing next epoch, keeps only this epoch's shards.
    const out = rotationPlan(base((e + 1) * V, (e + 1) * V - 1, ["KeyB"]), block);
    expect(out.next).toEqual({ shards: [], known: true });
    expect(out.keep).toEqual(heldBy("KeyB", e));
  });

  test("the shards left are kept for `grace` blocks of LIB past the epoch's first block, then dropped", () => {
    const e = moveOf("KeyA");
    const left = heldBy("KeyA", e - 1).filter((s) => !heldBy("KeyA", e).includes(s));
    expect(left.length).toBeGreaterThan(0);
    const { block } = chainData();
    const first = (e - 1) * V + 1 + V; // epoch e's first block
    // Before LIB reaches block eV the next epoch's guess is not made: only now and last count.
    const early = rotationPlan(base(first + 2, first - 2), block);
    expect(early.last).toEqual(heldBy("KeyA", e - 1));
    expect(early.keep).toEqual(expect.arrayContaining(left));
    const lastDay = rotationPlan(base(first + 12, first + 7), block);
    expect(lastDay.last).toEqual(heldBy("KeyA", e - 1));
    const after = rotationPlan(base(first + 12, first + 8), block);
    expect(after.last).toBeNull();
    const next = heldBy("KeyA", e + 1);
    for (const s of left) expect(after.drop.includes(s)).toBe(!next.includes(s));
    expect([...after.keep, ...after.drop].sort()).toEqual([0, 1, 2, 3]);
  });

  test("epoch 0: seeded by genesis, no last epoch; a node without an elected key keeps nothing", () => {
    const { block } = chainData();
    const p = rotationPlan(base(3, 1), block);
    expect(p.epoch).toBe(0);
    expect(p.last).toBeNull();
    expect(p.now).toEqual(heldBy("KeyA", 0));
    const none = rotationPlan(base(45, 44, []), block);
    expect(none).toMatchObject({ now: [], next: { shards: [] }, keep: [], drop: [0, 1, 2, 3] });
  });

  test("planBlocks names exactly the blocks the plan reads", () => {
    for (const [head, lib] of [
      [3, 1],
      [25, 19],
      [25, 20],
      [40, 38],
      [41, 40],
      [41, 35],
      [77, 70],
    ]) {
      const { block, read } = chainData();
      rotationPlan(base(head, lib), block);
      expect(
        [...new Set(read)].sort((a, b) => a - b),
        `head ${head} lib ${lib}`,
      ).toEqual(planBlocks(base(head, lib)));
    }
  });
});

/**
 * Rotation plans (src/consensus/rotation.ts): from the chain alone, the shards a node keeps (this
 * epoch's, next epoch's once the block that fixes them is final, last epoch's within the grace,
 * shard 0 always) and those it may drop.
 */
import { describe, expect, test } from "vitest";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { assignGroups, groupsOf, heldShards } from "../../../src/consensus/groups";
import { planBlocks, rotationPlan, type ListBlock, type RotationChain } from "../../../src/consensus/rotation";

const V = 20;
const KEYS = ["KeyA", "KeyB", "KeyC", "KeyD"];
const hashOf = (n: number): string => base58Encode(sha3(utf8(`block-${n}`)));

/** A chain whose witness list is KEYS, or `changed.list` from the election at block `changed.at` on. */
function chainData(changed?: { at: number; list: string[] }) {
  const read: number[] = [];
  const block = (n: number): ListBlock => {
    read.push(n);
    return { hash: hashOf(n), list: changed !== undefined && n >= changed.at ? changed.list : KEYS };
  };
  return { block, read };
}

const base = (head: number, lib: number, keys = ["KeyA"]): RotationChain => ({ head, lib, voteInterval: V, groups: 2, shardCount: 4, keys, grace: 8 });

/** Shards `key` holds in epoch e, straight from groups.ts: the list and hash of block (e − 1)V. */
const heldBy = (key: string, e: number, list = KEYS): number[] => {
  const at = Math.max(0, (e - 1) * V);
  return heldShards(groupsOf(assignGroups(list, 2, hashOf(at), e), key), 2, 4);
};

/** An epoch ≥ 2 in which `key` holds other shards than in the epoch before (producers move about every other epoch). */
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

  test("next epoch's shards are planned once block eV is final: a whole epoch before they are held", () => {
    const e = moveOf("KeyA") - 1; // KeyA moves at the start of epoch e + 1
    const first = e * V + 1;
    const { block } = chainData();
    const early = rotationPlan(base(first + 1, e * V - 1), block);
    expect(early).toMatchObject({ epoch: e, now: heldBy("KeyA", e), next: null });
    const planned = rotationPlan(base(first + 1, e * V), block);
    expect(planned).toMatchObject({ epoch: e, now: heldBy("KeyA", e), next: heldBy("KeyA", e + 1) });
    expect(planned.next).not.toEqual(planned.now);
    expect(planned.keep).toEqual(expect.arrayContaining([...heldBy("KeyA", e), ...heldBy("KeyA", e + 1)]));
    // From the new epoch's first block those are `now`.
    expect(rotationPlan(base((e + 1) * V + 1, (e + 1) * V - 1), block).now).toEqual(heldBy("KeyA", e + 1));
  });

  test("an election changes the groups an epoch later: elected at eV, a producer joins a group in epoch e + 1", () => {
    const e = 3;
    const list = ["KeyA", "KeyE", "KeyF", "KeyG"];
    const { block } = chainData({ at: e * V, list });
    // KeyE, elected at block eV, holds shard 0 only in epoch e and its group's shards too from e + 1.
    const during = rotationPlan(base(e * V + 5, e * V, ["KeyE"]), block);
    expect(during).toMatchObject({ epoch: e, now: [0], next: heldBy("KeyE", e + 1, list) });
    expect(during.next!.filter((s) => s !== 0).length).toBe(2);
    // KeyB, voted out at eV, keeps its group through epoch e and holds shard 0 only next.
    const out = rotationPlan(base(e * V + 5, e * V, ["KeyB"]), block);
    expect(out).toMatchObject({ now: heldBy("KeyB", e), next: [0] });
  });

  test("the shards left are kept for `grace` blocks of LIB past the epoch's first block, then dropped", () => {
    const e = moveOf("KeyA");
    const left = heldBy("KeyA", e - 1).filter((s) => !heldBy("KeyA", e).includes(s));
    expect(left.length).toBeGreaterThan(0);
    const { block } = chainData();
    const first = e * V + 1;
    const lastDay = rotationPlan(base(first + 12, first + 7), block);
    expect(lastDay.last).toEqual(heldBy("KeyA", e - 1));
    expect(lastDay.keep).toEqual(expect.arrayContaining(left));
    const after = rotationPlan(base(first + 12, first + 8), block);
    expect(after.last).toBeNull();
    const next = heldBy("KeyA", e + 1);
    for (const s of left) expect(after.drop.includes(s)).toBe(!next.includes(s));
    expect([...after.keep, ...after.drop].sort()).toEqual([0, 1, 2, 3]);
  });

  test("epoch 0: genesis fixes epochs 0 and 1, no last epoch; a node without an elected key keeps nothing", () => {
    const { block } = chainData();
    const p = rotationPlan(base(3, 1), block);
    expect(p).toMatchObject({ epoch: 0, last: null, now: heldBy("KeyA", 0), next: heldBy("KeyA", 1) });
    const none = rotationPlan(base(45, 44, []), block);
    expect(none).toMatchObject({ now: [], next: [], keep: [], drop: [0, 1, 2, 3] });
  });

  test("a node with a producer key keeps shard 0 (the consensus shard) in every epoch and phase, in a group of it or not", () => {
    const { block } = chainData();
    let outside = 0;
    for (const key of KEYS)
      for (let head = 1; head <= 6 * V; head += 3)
        for (const lib of [head - 1, Math.max(0, head - V)]) {
          const p = rotationPlan(base(head, lib, [key]), block);
          expect(p.keep[0], `${key} head ${head} lib ${lib}`).toBe(0);
          expect(p.drop).not.toContain(0);
          if (!p.now.includes(2)) outside++;
        }
    // The producers of group 1 (shards 1 and 3) hold shard 0 beside them.
    expect(outside).toBeGreaterThan(0);
  });

  test("a plan reads final blocks only (LIB within an epoch of the head): a peer's fork above LIB cannot move it", () => {
    for (let head = 1; head <= 6 * V; head++)
      for (let lib = Math.max(0, head - V); lib < head; lib++)
        for (const n of planBlocks(base(head, lib))) expect(n, `head ${head} lib ${lib}`).toBeLessThanOrEqual(lib);
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

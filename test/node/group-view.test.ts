/**
 * The coordinator's /getShardInfo view of the groups (durable-objects/coordinator/coordinator-views.ts
 * `groupView`) over a chain of headers: the head's epoch and the next, each fixed by the list and
 * hash of the election block an epoch before it; shard 0 held by every key, a key outside that list
 * holding shard 0 only; a node without a key holding nothing by groups.
 */
import { describe, expect, test } from "vitest";
import { groupView, type ChainViewHost } from "../../durable-objects/coordinator/coordinator-views";
import { assignGroups, groupsOf, heldShards } from "../../src/consensus/groups";
import type { StoredBlock } from "../../src/block/index";

const V = 20;
const KEYS = ["Ka", "Kb", "Kc", "Kd", "Ke"];

/** Headers 0…head (hash `H<n>`); the list after block n: the first four keys, the last four from block 40 on. */
function chain(head: number, groups: number): ChainViewHost {
  const block = (n: number) => (n <= head ? ({ number: n, hash: `H${n}` } as StoredBlock) : null);
  return {
    config: { shardCount: 4, genesis: { groups } },
    headBlock: () => block(head)!,
    block,
    witnessesAfter: (n: number) => (n >= 40 ? KEYS.slice(1) : KEYS.slice(0, 4)),
    archivedBlock: async () => null,
  } as unknown as ChainViewHost;
}

const shardsOf = (key: string, list: string[], seed: string, epoch: number) => heldShards(groupsOf(assignGroups(list, 2, seed, epoch), key), 2, 4);

describe("groupView", () => {
  test("one group: every held producer holds every shard, this epoch and the next", async () => {
    expect(await groupView(chain(5, 1), new Set(["Ka"]), V)).toEqual({ groups: 1, epoch: 0, shards: [0, 1, 2, 3], next: [0, 1, 2, 3] });
  });

  test("epoch e: the list after block (e − 1)V, seeded by its hash; the next epoch known all through this one", async () => {
    const first = KEYS.slice(0, 4);
    for (const key of first) {
      const at = (head: number) => groupView(chain(head, 2), new Set([key]), V);
      // Epochs 0 and 1 are both fixed by genesis: known from the first block.
      const start = { groups: 2, epoch: 0, shards: shardsOf(key, first, "H0", 0), next: shardsOf(key, first, "H0", 1) };
      expect(await at(1)).toEqual(start);
      expect(await at(20)).toEqual(start);
      expect(await at(21)).toEqual({ groups: 2, epoch: 1, shards: start.next, next: shardsOf(key, first, "H20", 2) });
      // Block 40's election (Ka out, Ke in) fixes epoch 3: epoch 2 still has the list of block 20.
      expect(await at(45)).toEqual({
        groups: 2,
        epoch: 2,
        shards: shardsOf(key, first, "H20", 2),
        next: KEYS.slice(1).includes(key) ? shardsOf(key, KEYS.slice(1), "H40", 3) : [0],
      });
    }
    // Ka left the list at block 40: shard 0 only from epoch 3; Ke, elected there, holds its group from epoch 3.
    expect((await groupView(chain(65, 2), new Set(["Ka"]), V)).shards).toEqual([0]);
    expect((await groupView(chain(45, 2), new Set(["Ke"]), V)).shards).toEqual([0]);
    expect((await groupView(chain(65, 2), new Set(["Ke"]), V)).shards).toEqual(shardsOf("Ke", KEYS.slice(1), "H40", 3));
    // A node holding every key holds every shard; one in group 1 holds shard 0 beside it; one without a key, nothing.
    expect((await groupView(chain(45, 2), new Set(KEYS), V)).shards).toEqual([0, 1, 2, 3]);
    const inOne = await Promise.all(first.map(async (k) => (await groupView(chain(45, 2), new Set([k]), V)).shards));
    expect(inOne).toContainEqual([0, 1, 3]);
    expect(inOne).toContainEqual([0, 2]);
    expect(await groupView(chain(45, 2), new Set(), V)).toMatchObject({ shards: [], next: [] });
  });

  test("seed and list blocks below the hot window come from their archived records; none at all leaves the shards unknown", async () => {
    const host = chain(45, 2);
    const archived = (n: number) => ({ number: n, hash: `H${n}`, json: "{}", witnesses: JSON.stringify(host.witnessesAfter(n)) });
    const cold = {
      ...host,
      block: (n: number) => (n === 20 || n === 40 ? null : host.block(n)),
      archivedBlock: async (n: number) => archived(n),
    } as ChainViewHost;
    expect(await groupView(cold, new Set(["Kb"]), V)).toEqual(await groupView(host, new Set(["Kb"]), V));
    const gone = { ...cold, archivedBlock: async () => null } as ChainViewHost;
    expect((await groupView(gone, new Set(["Kb"]), V)).shards).toBeNull();
  });
});

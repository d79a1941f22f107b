/**
 * The coordinator's /getShardInfo view of the groups (durable-objects/coordinator/coordinator-views.ts
 * `groupView`) over a chain of headers: the head's epoch, its list and seed taken from the right
 * blocks, the next epoch known exactly when its election block is the head, and a key outside the
 * list holding nothing.
 */
import { describe, expect, test } from "vitest";
import { groupView, type ChainViewHost } from "../../durable-objects/coordinator/coordinator-views";
import { assignGroups, groupsOf, shardsOfGroups } from "../../src/consensus/groups";
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

const shardsOf = (key: string, list: string[], seed: string, epoch: number) => shardsOfGroups(groupsOf(assignGroups(list, 2, seed, epoch), key), 2, 4);

describe("groupView", () => {
  test("one group: every held producer holds every shard", async () => {
    expect(await groupView(chain(5, 1), new Set(["Ka"]), V)).toEqual({ groups: 1, epoch: 0, shards: [0, 1, 2, 3], next: null });
  });

  test("epoch e: the list after block eV, seeded by block (e − 1)V's hash; the next one only at its election block", async () => {
    for (const key of KEYS.slice(0, 4)) {
      const at = (head: number) => groupView(chain(head, 2), new Set([key]), V);
      const now = await at(20);
      expect(await at(19)).toEqual({ groups: 2, epoch: 0, shards: shardsOf(key, KEYS.slice(0, 4), "H0", 0), next: null });
      // Block 20 is epoch 1's election: its groups are known while the head is still epoch 0's last block.
      expect(now).toEqual({ groups: 2, epoch: 0, shards: shardsOf(key, KEYS.slice(0, 4), "H0", 0), next: shardsOf(key, KEYS.slice(0, 4), "H0", 1) });
      expect(await at(21)).toMatchObject({ epoch: 1, shards: now.next, next: null });
      expect(await at(45)).toMatchObject({ epoch: 2, shards: KEYS.slice(1).includes(key) ? shardsOf(key, KEYS.slice(1), "H20", 2) : [] });
    }
    // Ka left the list at block 40: nothing to hold in epoch 2.
    expect((await groupView(chain(45, 2), new Set(["Ka"]), V)).shards).toEqual([]);
    // A node holding every key holds every shard.
    expect((await groupView(chain(45, 2), new Set(KEYS), V)).shards).toEqual([0, 1, 2, 3]);
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

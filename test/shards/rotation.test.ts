/**
 * Rotation on the Durable Objects (durable-objects/coordinator/rotation.ts), four shards, one
 * producer: one group costs nothing new around an epoch change; a plan's drop deletes every table of
 * the shards it names, and a dropped shard answers nothing until a sync brings a state.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import type { SyncHost } from "../../durable-objects/coordinator/chain-sync";
import { newRotationState, rotate, type RotationHost } from "../../durable-objects/coordinator/rotation";
import { shardStub } from "../../durable-objects/env";
import { devConsensus } from "../../src/genesis/index";
import { newChain, nodeEnv, tick } from "../workers/helpers";

const N = 4;
const V = devConsensus(1).voteInterval;

function chain(label: string) {
  const c = newChain(label);
  const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  const meters = () => Promise.all(Array.from({ length: N }, (_, i) => shardAt(i).meter()));
  const statuses = () => Promise.all(Array.from({ length: N }, (_, i) => shardAt(i).status()));
  return Object.assign(c, { shardAt, meters, statuses });
}
type Chain = ReturnType<typeof chain>;

/** `rotate` run in the chain's coordinator with its own chain view and stored applied shards, as its tick runs it, but the given groups and keys. */
async function rotateIn(c: Chain, host: Pick<RotationHost, "groups" | "keys">, state = newRotationState()) {
  return runInDurableObject(c.coordStub, async (inst) => {
    const coord = inst as unknown as Pick<RotationHost, "setApplies" | "keepRecent" | "unmade" | "made"> & { syncHost(): SyncHost };
    await rotate(
      {
        ...host,
        sync: coord.syncHost(),
        setApplies: (shards) => coord.setApplies(shards),
        keepRecent: (shard) => coord.keepRecent(shard),
        unmade: () => coord.unmade(),
        made: (shards) => coord.made(shards),
        leaps: () => 0,
      },
      state,
    );
    return state;
  });
}

const requests = async (c: Chain) => (await c.meters()).reduce((n, m) => n + m.requests, 0);

describe("rotation, four shards", () => {
  test("one group: the blocks across an epoch change cost each shard 5 requests, as any block; no plan is made", async () => {
    const c = chain("rot-idle");
    await tick(c, V - 3);
    for (let h = V - 2; h <= V + 3; h++) {
      const before = await c.meters();
      await tick(c);
      const after = await c.meters();
      expect((await c.coord.status()).head).toBe(h);
      for (let i = 0; i < N; i++) expect(after[i].requests - before[i].requests, `block ${h}, shard ${i}`).toBe(5);
    }
    expect((await c.coord.status()).rotation).toBeUndefined();
  });

  test("a plan keeps what the node's producers hold; shards outside it are dropped: every table deleted, no read answered", async () => {
    const c = chain("rot-drop");
    await tick(c, 4);
    const producer = (await c.coord.status()).validators!;
    // Two groups and one producer: it holds both, so every shard is kept.
    const kept = await rotateIn(c, { groups: 2, keys: () => producer });
    expect(kept.plan).toMatchObject({ epoch: 0, now: [0, 1, 2, 3], keep: [0, 1, 2, 3], drop: [] });
    expect((await c.statuses()).every((s) => s.dropped === undefined && s.head === 4)).toBe(true);
    // A node without a producer key holds what SERVES names, not groups: no plan, nothing asked or dropped.
    const asked0 = await requests(c);
    expect((await rotateIn(c, { groups: 2, keys: () => [] })).plan).toBeNull();
    expect(await requests(c)).toBe(asked0);
    // A producer key outside the list holds shard 0 only: the consensus shard is kept, the others dropped,
    // and the coordinator's objects apply shard 0 only from then on (coordinator_meta `applies`, read with more than one group).
    const state = await rotateIn(c, { groups: 2, keys: () => ["NotElected"] });
    expect(state.plan).toMatchObject({ now: [0], keep: [0], drop: [1, 2, 3] });
    expect((await c.statuses()).map((s) => s.dropped ?? false)).toEqual([false, true, true, true]);
    for (const s of (await c.statuses()).slice(1)) expect(s).toMatchObject({ head: 0, dropped: true });
    expect(await runInDurableObject(c.coordStub, (inst) => (inst as unknown as { meta(key: string): string | undefined }).meta("applies"))).toBe("[0]");
    // Their chunks of the blocks within a tx's life (all four here) stay with the blocks, so the node still serves them whole.
    const keptChunks = await runInDurableObject(c.coordStub, (inst) => {
      const coord = inst as unknown as { keptChunk(n: number, shard: number): { chunk: { shard: number; height: number } } | null };
      return [1, 2, 3, 4].flatMap((n) => [1, 2, 3].map((s) => coord.keptChunk(n, s)?.chunk.height ?? null));
    });
    expect(keptChunks).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    // Made again only when its phase moves: on the same chain the next ticks ask the shards nothing;
    // a new instance (its state forgotten) asks each dropped shard its status once and drops none again
    // (without peers the kept one is not looked at: nothing could sync it).
    const asked = await requests(c);
    await rotateIn(c, { groups: 2, keys: () => ["NotElected"] }, state);
    expect(await requests(c)).toBe(asked);
    await rotateIn(c, { groups: 2, keys: () => ["NotElected"] });
    expect((await requests(c)) - asked).toBe(N - 1);
    // Dropping again is a no-op: the plan is the same and a dropped shard is skipped.
    expect(await c.shardAt(1).drop()).toEqual({ dropped: true, tables: 0 });
    const read = await c.shardAt(1).read("getContract", "token.iost");
    expect(read).toEqual({ error: "shard-1 holds nothing on this node (dropped: this node left its group)" });
    // What a checker or a reader asks of it says so too, never the answer of an empty chain ("served from 1 (LIB 0) up to the head 0").
    const dropped = { error: "shard-1 holds nothing on this node (dropped: this node left its group)" };
    expect(await c.shardAt(1).witnessOf(2)).toEqual(dropped);
    expect(await c.shardAt(1).sentProofsOf(2, 3, [0], 1 << 20)).toEqual(dropped);
    expect(await c.shardAt(1).sentProofOf(2, 0)).toEqual(dropped);
    expect(await c.shardAt(1).proofs(["x"], 0)).toEqual(dropped);
    expect(await c.shardAt(1).statePage(0, "", 1)).toEqual(dropped);
    // No peers here: a sync is refused before it touches anything, and the shard stays dropped.
    const lib = (await c.coord.status()).lib;
    expect(await c.shardAt(1).syncState({ height: lib, hash: "", time: "0", stateRoot: "", receiptRoot: "", window: [] })).toEqual({
      error: "shard-1: no peers to sync from",
    });
    expect((await c.shardAt(1).status()).dropped).toBe(true);
    // Started again (a restart, an eviction): still dropped, no genesis made anew; its marker read, nothing written.
    await abortAllDurableObjects();
    expect(await c.shardAt(1).status()).toMatchObject({ head: 0, dropped: true });
    expect(await c.shardAt(1).meter()).toMatchObject({ rowsRead: 1, rowsWritten: 0, bytes: 8192 });
  });
});

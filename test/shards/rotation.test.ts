/**
 * Rotation on the Durable Objects (durable-objects/coordinator/rotation.ts), four shards, one
 * producer: one group costs nothing new around an epoch change; a plan's drop deletes every table of
 * the shards it names, and a dropped shard answers nothing until a sync brings a state.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { devConsensus } from "../../src/genesis/index";
import { newChain, nodeEnv, poolDirectly, rotateIn, tick, until } from "../workers/helpers";
import { makeTx, nowNs } from "../workers/txs";
import { MAX_ADMIT_BATCH } from "../../durable-objects/config";
import { base64Encode } from "../../src/codec/base64";
import type { Shard } from "../../durable-objects/shard/shard";
import type { RotationHost } from "../../durable-objects/coordinator/rotation";

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

const shardRaw = (c: Chain, i: number) => nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`) as unknown as DurableObjectStub<Shard>;

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
      const coord = inst as unknown as { keptChunk(n: number, shard: number): Promise<{ chunk: { shard: number; height: number } } | null> };
      return Promise.all([1, 2, 3, 4].flatMap((n) => [1, 2, 3].map(async (s) => (await coord.keptChunk(n, s))?.chunk.height ?? null)));
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

  test("a shard left gives out its pool's live txs page by page and is not dropped while no peer took them; nothing is written", async () => {
    const c = chain("rot-pool");
    await tick(c, 4);
    const now = nowNs();
    // More than a page (MAX_ADMIT_BATCH), and one expired: no block could take it, so it is not given out.
    const live = Array.from({ length: MAX_ADMIT_BATCH + 44 }, (_, k) => makeTx({ memo: `pool-${k}` }));
    const expired = makeTx({ memo: "expired", time: now - 100_000_000_000n, expiration: now - 10_000_000_000n });
    await poolDirectly(shardRaw(c, 1), [...live, expired]);
    // One about to expire on shard 2: the drop waits for it only while it lives.
    await poolDirectly(shardRaw(c, 2), [makeTx({ memo: "soon", time: now - 88_000_000_000n })]);
    const before = await c.shardAt(1).meter();
    const first = await c.shardAt(1).pooled("");
    if ("error" in first) throw new Error(first.error);
    expect(first.txs.length).toBe(MAX_ADMIT_BATCH);
    expect(first.next).not.toBeNull();
    const second = await c.shardAt(1).pooled(first.next!);
    if ("error" in second) throw new Error(second.error);
    expect(second.next).toBeNull();
    const given = [...first.txs, ...second.txs].map((t) => `${t.hash} ${base64Encode(t.bytes)}`).sort();
    expect(given).toEqual(live.map((t) => `${t.hash} ${base64Encode(t.bytes)}`).sort());
    expect((await c.shardAt(1).meter()).rowsWritten).toBe(before.rowsWritten);
    // Two groups, a key outside the list: shards 1 to 3 are left. No peer here takes a tx, so the two with live txs stay
    // (pools whole, nothing written in them) and the phase is not recorded; shard 3, its pool empty, is dropped.
    const written = await Promise.all([1, 2].map(async (i) => (await c.shardAt(i).meter()).rowsWritten));
    const state = await rotateIn(c, { groups: 2, keys: () => ["NotElected"] });
    expect(state.phase).toBe("");
    await new Promise((r) => setTimeout(r, 500)); // the hand-overs in the background end (no peers: at once)
    const all = await c.statuses();
    expect(all.map((x) => x.dropped ?? false)).toEqual([false, false, false, true]);
    expect(all.slice(1, 3).map((x) => x.pool)).toEqual([live.length + 1, 1]);
    expect(await Promise.all([1, 2].map(async (i) => (await c.shardAt(i).meter()).rowsWritten))).toEqual(written);
    // Shard 2's tx expired: nothing left to lose, it is dropped at the next look (a new instance: no retry wait).
    await new Promise((r) => setTimeout(r, 2_500));
    await rotateIn(c, { groups: 2, keys: () => ["NotElected"] });
    await until(
      () => c.statuses(),
      (x) => x[2].dropped === true,
    );
    expect((await c.statuses()).map((x) => x.dropped ?? false)).toEqual([false, false, true, true]);
  });
  test("a rotation step waiting on its peers holds up no block: the ticks produce beside it, and no second step starts meanwhile", async () => {
    const c = chain("rot-beside");
    await tick(c, 4);
    // Two groups and a peer on the rotation's side only, whose shards' statuses come only when released: the step waits
    // as one syncing a shard taken on waits for a peer's state pages. A tick that awaited it made no block (the test hung).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    type Inst = { rotationHost(): RotationHost; rotating: Promise<void> | null; steps?: number };
    await runInDurableObject(c.coordStub, (inst) => {
      const coord = inst as unknown as Inst;
      const own = coord.rotationHost.bind(coord);
      coord.steps = 0;
      coord.rotationHost = () => {
        coord.steps!++;
        const host = own();
        const shards = () => host.sync.shards().map((s) => ({ ...s, status: async () => (await held, s.status()) }) as typeof s);
        return { ...host, groups: 2, sync: { ...host.sync, peers: ["http://127.0.0.1:9"], shards } };
      };
    });
    const state = () =>
      runInDurableObject(c.coordStub, (inst) => ({ steps: (inst as unknown as Inst).steps, waiting: (inst as unknown as Inst).rotating !== null }));
    await tick(c, 3);
    expect((await c.coord.status()).head).toBe(7);
    expect(await state()).toEqual({ steps: 1, waiting: true });
    release();
    expect(await until(state, (x) => !x.waiting)).toEqual({ steps: 1, waiting: false });
    expect((await c.coord.status()).rotation).toMatchObject({ now: [0, 1, 2, 3], keep: [0, 1, 2, 3], drop: [] });
  });

  test("no block while a shard the plan holds this epoch is not applied (its sync not done): production goes on once it is", async () => {
    const c = chain("rot-lacks");
    await tick(c, 4);
    // As a producer of two groups whose step has not yet synced shard 3, taken on this epoch: the plan holds it now,
    // the objects apply the others. (The chain has one group: the instance is given such a plan and applied set.)
    type Inst = { applies(): number[] | null; rotation: { plan: unknown }; alarm(): Promise<void> };
    const lacking = (applied: number[]) =>
      runInDurableObject(c.coordStub, (inst) => {
        const coord = inst as unknown as Inst;
        coord.applies = () => applied;
        coord.rotation.plan = { epoch: 0, now: [0, 1, 2, 3], next: [0, 1, 2, 3], last: null, keep: [0, 1, 2, 3], drop: [], handed: [] };
      });
    await lacking([0, 1, 2]);
    // Ticks at and past the next slot: each made a block before.
    for (let i = 0; i < 3; i++) {
      await runInDurableObject(c.coordStub, async (inst, state) => {
        (inst as unknown as { intervalMs: number }).intervalMs = 3_600_000;
        await state.storage.deleteAlarm();
        await (inst as unknown as Inst).alarm();
        await state.storage.setAlarm(Date.now() + 3_600_000);
      });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect((await c.coord.status()).head).toBe(4);
    await lacking([0, 1, 2, 3]);
    await tick(c);
    expect((await c.coord.status()).head).toBe(5);
  });
});

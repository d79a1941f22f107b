/**
 * Faults of a four-node network of one shard, part two (test/network/fault-fixture.ts): partitions,
 * a minority node stopped on its branch, all four restarted.
 */
import { describe, expect, it } from "vitest";
import { allInfo, balance, blockHash, chainInfo, waitFor } from "./harness";
import { sleep, useFixture } from "./fault-fixture";

describe("faults on four nodes, one shard: partitions", () => {
  const f = useFixture({ SHARD_COUNT: "1" }, [
    [0, "ftalice"],
    [1, "ftbob"],
  ]);

  it("partition {0} | {1,2,3}: the minority cannot finalize; healed, everyone takes the majority chain", async () => {
    await f.restore();
    const pre = await allInfo(f.nodes());
    const before = await Promise.all(["ftalice", "ftbob"].map((a) => balance(f.net.nodes[1], a)));
    f.net.partition([0], [1, 2, 3]);
    // Node 0 may still finalize blocks up to `cut` from endorsements under way at the cut, none made after it.
    const cut = Math.max(...(await allInfo(f.nodes())).map((i) => i.head));
    f.busy();
    await sleep(1_500); // anything node 0 got just before the cut is counted
    const minority = await chainInfo(f.net.nodes[0]);
    expect(minority.lib).toBeLessThanOrEqual(Math.max(...pre.map((i) => i.head)));

    // A tx on each side: the minority's lands in a block that will be undone.
    const lost = await f.send(f.net.nodes[0], f.client.iost.transfer("iost", "admin", "ftbob", "3", "minority"));
    const kept = await f.send(f.net.nodes[1], f.client.iost.transfer("iost", "admin", "ftalice", "5", "majority"));
    const lostAt = await f.packed(f.net.nodes[0], lost, minority.lib);
    const lostBlock = await blockHash(f.net.nodes[0], lostAt);
    await f.included(kept, [1, 2, 3]);

    await waitFor(
      "majority finalizes 8 past the minority's LIB",
      async () => (await allInfo(f.nodes([1, 2, 3]))).every((i) => i.lib >= minority.lib + 8),
      40_000,
    );
    // Node 0 kept producing alone in its slots, and finalized nothing more.
    const alone = await waitFor(
      "node 0 made a block of its own",
      async () => {
        const info = await chainInfo(f.net.nodes[0]);
        if (info.head <= minority.head) return undefined;
        const [w] = await f.witnesses(f.net.nodes[0], info.head, info.head);
        return w === f.net.nodes[0].pubkey ? info : undefined;
      },
      20_000,
    );
    expect(alone.lib).toBeLessThanOrEqual(cut);
    await f.rest();
    await f.converged([1, 2, 3]);
    await f.invariants([1, 2, 3]);
    await f.invariants([0], false);

    f.net.healAll();
    await f.converged([0, 1, 2, 3], 60_000);
    // Node 0's own blocks of the partition are gone from its chain...
    expect(await blockHash(f.net.nodes[0], alone.head)).not.toBe(alone.headHash);
    expect(await blockHash(f.net.nodes[0], lostAt)).not.toBe(lostBlock);
    // ...but the tx it held is not: back in a pool, then in a block of the common chain, once.
    const lostAgain = await f.included(lost);
    const keptAt = await f.included(kept);
    const last = Math.max(lostAgain, keptAt);
    await waitFor(`every LIB past ${last}`, async () => (await allInfo(f.nodes())).every((i) => i.lib >= last), 40_000);
    expect(await f.occurrences(f.net.nodes[0], minority.lib + 1, last, [lost, kept])).toEqual([1, 1]);
    await f.converged();
    const after = await Promise.all(["ftalice", "ftbob"].map((a) => balance(f.net.nodes[0], a)));
    expect([Number(after[0]) - Number(before[0]), Number(after[1]) - Number(before[1])]).toEqual([5, 3]);
    await f.invariants([0, 1, 2, 3]);
  });

  it("partition {0,1} | {2,3}: neither half finalizes; healed, one chain wins and LIB moves on", async () => {
    await f.restore();
    f.net.partition([0, 1], [2, 3]);
    // Every block made before the cut is at most `cut` high (its maker holds it); a block above was made
    // after it and cannot gather 3 of 4 endorsements in a half. Blocks at or below `cut` may still become
    // final from endorsements under way at the cut, however late a loaded machine handles them.
    const cut = Math.max(...(await allInfo(f.nodes())).map((i) => i.head));
    f.busy();
    const stalled = await f.settled([0, 1, 2, 3]);
    for (let k = 0; k < 5; k++) {
      await sleep(1_000);
      for (const info of await allInfo(f.nodes())) expect(info.lib, `LIB after ${k + 1} s, blocks up to ${cut} made before the cut`).toBeLessThanOrEqual(cut);
    }
    // Both halves went on making blocks above the cut, each on its own branch.
    const [a, b] = await Promise.all([chainInfo(f.net.nodes[0]), chainInfo(f.net.nodes[2])]);
    expect(a.head).toBeGreaterThan(Math.max(cut, stalled[0].head));
    expect(b.head).toBeGreaterThan(Math.max(cut, stalled[2].head));
    for (const info of [a, b]) expect(info.lib).toBeLessThanOrEqual(cut);
    expect(await blockHash(f.net.nodes[2], a.head)).not.toBe(a.headHash);
    await f.invariants([0, 1], false);
    await f.invariants([2, 3], false);

    f.net.healAll();
    const lib = Math.max(...stalled.map((i) => i.lib));
    await waitFor("LIB past the partition", async () => (await allInfo(f.nodes())).every((i) => i.lib > Math.max(a.head, b.head)), 60_000);
    await f.rest();
    await f.converged([0, 1, 2, 3], 60_000);
    // Exactly one half's branch survived.
    const survived = [(await blockHash(f.net.nodes[0], a.head)) === a.headHash, (await blockHash(f.net.nodes[0], b.head)) === b.headHash];
    expect(survived.filter(Boolean), `branches after LIB ${lib}: ${survived}`).toHaveLength(1);
    await f.invariants([0, 1, 2, 3]);
  });

  it("a minority node stopped on its own branch, restarted after the heal: it leaves that branch", async () => {
    await f.restore();
    const node = f.net.nodes[3];
    f.net.partition([3], [0, 1, 2]);
    f.busy();
    await sleep(1_500);
    const cut = await chainInfo(node);
    const own = await waitFor(
      "node 3 made a block of its own",
      async () => {
        const info = await chainInfo(node);
        if (info.head <= cut.head) return undefined;
        const [w] = await f.witnesses(node, info.head, info.head);
        return w === node.pubkey ? info : undefined;
      },
      20_000,
    );
    await node.stop();
    f.net.healAll();
    await sleep(2_000); // the others go on without it
    await node.start();
    await f.rest();
    await f.converged([0, 1, 2, 3], 60_000);
    expect(await blockHash(node, own.head)).not.toBe(own.headHash);
    await f.invariants([0, 1, 2, 3]);
  });

  it("all four restarted at once: the chain and its LIB go on from where they were", async () => {
    await f.restore();
    await Promise.all(f.nodes().map((n) => n.stop()));
    const last = f.watch.highest()!;
    await Promise.all(f.nodes().map((n) => n.start()));
    // Right after the restart, before new blocks: every node still holds the last final block.
    for (const n of f.nodes()) expect(await blockHash(n, last[0]), `node ${n.index}`).toBe(last[1]);
    for (const info of await allInfo(f.nodes())) expect(info.lib).toBeGreaterThanOrEqual(last[0] - 1);
    f.busy();
    await waitFor("LIB past the restart", async () => (await allInfo(f.nodes())).every((i) => i.lib >= last[0] + 6), 40_000);
    await f.rest();
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
    // Over the whole run: no final block ever changed on any node.
    await f.watch.poll();
    expect(f.watch.violations).toEqual([]);
    expect(f.watch.finals.size).toBeGreaterThan(20);
  });
});

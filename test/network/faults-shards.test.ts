/**
 * Faults of a four-node network of two shards (test/network/fault-fixture.ts): cross-shard state must
 * agree too, on a minority branch and after a wipe.
 */
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/sharding/placement";
import { allInfo, balance, blockHash, chainInfo, getJson, waitFor } from "./harness";
import { sleep, useFixture } from "./fault-fixture";

describe("faults on four nodes, two shards", () => {
  // One account on each shard: admin's transfers to the other shard travel as receipts.
  const names = ["ftcarol", "ftdave", "fterin", "ftfrank", "ftgrace", "ftheidi"];
  const onShard = (s: number) => names.find((n) => shardOf(n, 2) === s)!;
  const f = useFixture({ SHARD_COUNT: "2" }, [
    [0, onShard(0)],
    [1, onShard(1)],
  ]);

  const sent: string[] = [];

  it("txs to both shards through different nodes: same balances and supply everywhere", async () => {
    const nodes = f.nodes();
    const targets = [onShard(0), onShard(1)];
    const before = await Promise.all(targets.map((a) => balance(nodes[0], a)));
    for (const node of nodes) for (const to of targets) sent.push(await f.send(node, f.client.iost.transfer("iost", "admin", to, "2", `via ${node.index}`)));
    await Promise.all(sent.map((h) => f.included(h)));
    // Cross-shard credits land a block or two later: wait for the final sums.
    await waitFor(
      "8 IOST more for each account on every node",
      async () => {
        for (const node of nodes) for (let k = 0; k < targets.length; k++) if (Number(await balance(node, targets[k])) - Number(before[k]) !== 8) return false;
        return true;
      },
      30_000,
    );
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
  });

  it("cross-shard txs on a minority branch: undone with the branch, credited once on the common chain", async () => {
    await f.restore();
    const [home, away] = [onShard(0), onShard(1)];
    const before = await Promise.all([home, away].map((a) => balance(f.net.nodes[1], a)));
    f.net.partition([0], [1, 2, 3]);
    // As in the partition above: node 0 may still finalize blocks up to `cut` from endorsements under way at the cut.
    const cut = Math.max(...(await allInfo(f.nodes())).map((i) => i.head));
    f.busy();
    await sleep(1_500);
    const minority = await chainInfo(f.net.nodes[0]);
    // admin (shard 0) pays the shard-1 account through the minority node: the debit and
    // the credit receipt both land on node 0's branch only.
    const lost = await f.send(f.net.nodes[0], f.client.iost.transfer("iost", "admin", away, "3", "minority"));
    const kept = await f.send(f.net.nodes[2], f.client.iost.transfer("iost", "admin", away, "4", "majority"));
    const lostAt = await f.packed(f.net.nodes[0], lost, minority.lib);
    const lostBlock = await blockHash(f.net.nodes[0], lostAt);
    await waitFor("the credit on node 0's branch", async () => Number(await balance(f.net.nodes[0], away)) - Number(before[1]) === 3, 20_000);
    await waitFor(
      "majority finalizes 6 past the minority's LIB",
      async () => (await allInfo(f.nodes([1, 2, 3]))).every((i) => i.lib >= minority.lib + 6),
      40_000,
    );
    // Its branch's block with the lost tx is never final there (a loaded CI run once saw LIB 25 after reading 24).
    const alone = await chainInfo(f.net.nodes[0]);
    expect(alone.lib).toBeLessThanOrEqual(cut);
    expect(alone.lib).toBeLessThan(lostAt);

    await f.rest();
    f.net.healAll();
    await f.converged([0, 1, 2, 3], 60_000);
    expect(await blockHash(f.net.nodes[0], lostAt)).not.toBe(lostBlock);
    const last = Math.max(await f.included(lost), await f.included(kept));
    f.busy();
    await waitFor(`every LIB past ${last}`, async () => (await allInfo(f.nodes())).every((i) => i.lib >= last + 2), 40_000);
    expect(await f.occurrences(f.net.nodes[3], minority.lib + 1, last, [lost, kept])).toEqual([1, 1]);
    // 3 + 4 reached the shard-1 account once on every node; the shard-0 one is untouched.
    await waitFor(
      "7 IOST more on every node",
      async () => {
        for (const node of f.nodes()) if (Number(await balance(node, away)) - Number(before[1]) !== 7) return false;
        return true;
      },
      30_000,
    );
    for (const node of f.nodes()) expect(await balance(node, home)).toBe(before[0]);
    await f.rest();
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
  });

  it("a node restarted with a wiped store syncs the same chain from its peers", async () => {
    await f.restore();
    const node = f.net.nodes[2];
    const ref = f.net.nodes[0];
    const at = await chainInfo(ref);
    // What its peers refused from node 2 so far: a wiped node asks its peers before it signs
    // anything, so it pushes no block of its own on the old genesis (chain-sync.ts caughtUp).
    const refusedFrom2 = async () => {
      const all = await Promise.all([0, 1, 3].map((i) => getJson(`${f.net.nodes[i].url}/dev/status`)));
      const rejected = all.flatMap((r) => (r.body.coordinator?.sync?.rejected ?? []) as { number: number; hash: string; reason: string }[]);
      return new Set(rejected.filter((x) => /irreversible/.test(x.reason)).map((x) => `${x.number} ${x.hash}`));
    };
    const refusedBefore = await refusedFrom2();
    // No poll of the old store may come after forget(): the wiped node's LIB starts over.
    await f.watch.stop();
    f.watch.forget(2);
    await node.wipe();
    f.watch.start();
    await waitFor(
      "wiped node 2 caught up",
      async () => {
        const info = await chainInfo(node);
        return info.head >= at.head && (await blockHash(node, at.lib)) === at.libHash;
      },
      90_000,
    );
    // The txs came with the blocks, with the same block numbers.
    for (const h of sent.slice(0, 2)) {
      const [mine, theirs] = await Promise.all([getJson(`${node.url}/getTxByHash/${h}`), getJson(`${ref.url}/getTxByHash/${h}`)]);
      expect(mine.status).toBe(200);
      expect(mine.body.block_number).toBe(theirs.body.block_number);
    }
    await f.converged([0, 1, 2, 3], 60_000);
    await f.invariants([0, 1, 2, 3]);
    expect([...(await refusedFrom2())].filter((x) => !refusedBefore.has(x))).toEqual([]);
    // And it produces again, on the common chain.
    f.busy();
    const back = (await chainInfo(ref)).head;
    await waitFor(
      "a block of node 2 after its wipe",
      async () => {
        const head = (await chainInfo(ref)).head;
        return (await f.witnesses(ref, back + 1, head)).includes(node.pubkey);
      },
      30_000,
      1_000,
    );
    await f.watch.poll();
    expect(f.watch.violations).toEqual([]);
  });
});

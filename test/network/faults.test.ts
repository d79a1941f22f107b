/**
 * Faults of a four-node network of one shard, part one (test/network/fault-fixture.ts says how the
 * invariants are checked after each step): steady state, nodes stopped, a cut link, a resting node.
 * Part two, partitions: faults-partitions.test.ts; two shards: faults-shards.test.ts. Three files so
 * the network group runs them side by side.
 */
import { describe, expect, it } from "vitest";
import { post, signTx, txJson } from "../e2e/helpers/sdk";
import { allInfo, balance, blockHash, chainInfo, FinalityWatch, waitFor } from "./harness";
import { CUT_BLOCKS, sleep, useFixture } from "./fault-fixture";

describe("FinalityWatch", () => {
  // The checker itself, on made-up chain infos: it must catch what it is there to catch.
  const info = (lib: number, libHash: string) => ({ chainId: 1020, head: lib + 1, headHash: "h", lib, libHash, witnesses: [], raw: {} });

  it("flags a final block that changed and a LIB that went back, not a wiped node starting over", () => {
    const w = new FinalityWatch([]);
    w.observe(0, info(5, "a5"));
    w.observe(1, info(5, "a5"));
    w.observe(1, info(7, "a7"));
    expect(w.violations).toEqual([]);
    w.observe(2, info(7, "b7"));
    expect(w.violations).toEqual(["node 2: LIB 7 is b7, earlier final a7"]);
    w.observe(1, info(6, "a6"));
    expect(w.violations[1]).toBe("node 1: LIB went back from 7 to 6");
    w.forget(0);
    w.observe(0, info(0, "g"));
    expect(w.violations).toHaveLength(2);
    expect(w.highest()).toEqual([7, "a7"]);
    expect(w.highest(6)).toEqual([6, "a6"]);
  });
});

describe("faults on four nodes, one shard", () => {
  const f = useFixture({ SHARD_COUNT: "1" }, [
    [0, "ftalice"],
    [1, "ftbob"],
  ]);

  it("steady state: one final chain, LIB close to head, txs sent anywhere included once", async () => {
    const nodes = f.nodes();
    f.busy();
    // LIB trails head by a few blocks on every node, sampled over two seconds.
    for (let k = 0; k < 5; k++) {
      for (const info of await allInfo(nodes)) expect(info.head - info.lib, `head ${info.head} lib ${info.lib}`).toBeLessThanOrEqual(4);
      await sleep(400);
    }
    const start = (await chainInfo(nodes[0])).head;
    const before = await Promise.all(["ftalice", "ftbob"].map((a) => balance(nodes[0], a)));
    // One transfer through each node, and one tx sent to two nodes (forwarded both ways).
    const hashes: string[] = [];
    for (const node of nodes) hashes.push(await f.send(node, f.client.iost.transfer("iost", "admin", "ftalice", String(node.index + 1), "")));
    const twice = f.client.iost.transfer("iost", "admin", "ftbob", "7", "twice");
    signTx(f.client, twice, f.client.admin);
    const twiceHash = await f.post(nodes[2], txJson(twice));
    const again = await post(nodes[3].url, "/sendTx", txJson(twice));
    // The second copy is either taken (same hash) or refused as a duplicate; never a second tx.
    if (again.status === 200) expect(again.body.hash).toBe(twiceHash);
    hashes.push(twiceHash);
    expect(new Set(hashes).size).toBe(5);

    const blocks = await Promise.all(hashes.map((h) => f.included(h)));
    const last = Math.max(...blocks);
    await waitFor(`every LIB past ${last}`, async () => (await allInfo(nodes)).every((i) => i.lib >= last), 30_000);
    for (const h of hashes) expect((await f.receipt(nodes[0], h)).status_code).toBe("SUCCESS");
    // Exactly once on the final chain (same on every node: finalChainDiff below).
    expect(await f.occurrences(nodes[1], start, last, hashes)).toEqual([1, 1, 1, 1, 1]);
    // 1 + 2 + 3 + 4 to ftalice, 7 to ftbob: nothing counted twice or lost.
    await f.rest();
    await f.converged();
    const after = await Promise.all(["ftalice", "ftbob"].map((a) => balance(nodes[0], a)));
    expect(Number(after[0]) - Number(before[0])).toBe(10);
    expect(Number(after[1]) - Number(before[1])).toBe(7);
    await f.invariants([0, 1, 2, 3]);
  });

  it("one of four stopped: the others go on and finalize; restarted, it catches up and produces", async () => {
    await f.restore();
    const down = f.net.nodes[3];
    const up = [0, 1, 2];
    await down.stop();
    f.busy();
    const stopped = await chainInfo(f.net.nodes[0]);
    // Its slots stay empty: no block above the ones it may have sent before stopping is its.
    await waitFor("head 12 blocks on", async () => (await chainInfo(f.net.nodes[0])).head >= stopped.head + 12, 30_000);
    const mid = await chainInfo(f.net.nodes[0]);
    expect(await f.witnesses(f.net.nodes[0], stopped.head + 2, mid.head)).not.toContain(down.pubkey);
    // Three of four producers are enough for finality.
    await waitFor("LIB advances without node 3", async () => (await allInfo(f.nodes(up))).every((i) => i.lib >= stopped.lib + 8), 30_000);
    await f.rest();
    await f.converged(up);
    await f.invariants(up);

    await down.start();
    const restart = await chainInfo(f.net.nodes[0]);
    await waitFor(
      "node 3 caught up",
      async () => {
        const info = await chainInfo(down);
        return info.head >= restart.head && (await blockHash(down, restart.lib)) === restart.libHash;
      },
      60_000,
    );
    f.busy();
    await waitFor(
      "a block of node 3 after its restart",
      async () => {
        const head = (await chainInfo(f.net.nodes[0])).head;
        return (await f.witnesses(f.net.nodes[0], restart.head + 1, head)).includes(down.pubkey);
      },
      30_000,
      1_000,
    );
    await f.rest();
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
  });

  it("two of four stopped: LIB stalls; one back: LIB advances again", async () => {
    await f.restore();
    const [a, b] = [f.net.nodes[2], f.net.nodes[3]];
    await Promise.all([a.stop(), b.stop()]);
    f.busy();
    const stalled = await f.settled([0, 1]); // endorsements and blocks already under way
    const headsBefore = stalled.map((i) => i.head);
    for (let k = 0; k < 6; k++) {
      await sleep(1_000);
      const now = await allInfo(f.nodes([0, 1]));
      expect(
        now.map((i) => i.lib),
        `LIB of nodes 0, 1 after ${k + 1} s`,
      ).toEqual(stalled.map((i) => i.lib));
    }
    // The two left still agree on what was final before.
    await f.invariants([0, 1], false);
    const headsAfter = (await allInfo(f.nodes([0, 1]))).map((i) => i.head);
    console.log(`two down: LIB ${stalled.map((i) => i.lib)} held; heads ${headsBefore} → ${headsAfter}`);

    await a.start();
    const lib = Math.max(...stalled.map((i) => i.lib));
    await waitFor("LIB advances with node 2 back", async () => (await allInfo(f.nodes([0, 1, 2]))).every((i) => i.lib >= lib + 4), 60_000);
    await f.rest();
    await f.converged([0, 1, 2]);
    await f.invariants([0, 1, 2]);

    await b.start();
    await f.converged([0, 1, 2, 3], 60_000);
    await f.invariants([0, 1, 2, 3]);
  });

  it("a cut link (0 <-> 1): blocks go round through the others; healed, nothing changed", async () => {
    await f.restore();
    f.net.cut(0, 1);
    f.net.cut(1, 0);
    f.busy();
    const at = await allInfo(f.nodes());
    const lib = Math.max(...at.map((i) => i.lib));
    // Pushes are relayed by the nodes that adopt them, so 0 and 1 still follow each other.
    await waitFor("LIB 8 on, everywhere", async () => (await allInfo(f.nodes())).every((i) => i.lib >= lib + 8), 40_000);
    // Both ends of the cut link kept producing, and their blocks were taken by everyone: final blocks of
    // each within CUT_BLOCKS of the cut. Bounded by blocks, not by the first 8: a loaded machine misses
    // slots, and 8 blocks are two rounds of the four producers.
    const ends = [f.net.nodes[0].pubkey, f.net.nodes[1].pubkey];
    const final = await waitFor(
      `final blocks of nodes 0 and 1, or ${CUT_BLOCKS} final blocks after the cut`,
      async () => {
        const low = Math.min(...(await allInfo(f.nodes())).map((i) => i.lib));
        const w = await f.witnesses(f.net.nodes[1], lib + 1, Math.min(low, lib + CUT_BLOCKS));
        return ends.every((e) => w.includes(e)) || low >= lib + CUT_BLOCKS ? w : undefined;
      },
      40_000,
      1_000,
    );
    await f.rest();
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
    expect(final).toContain(ends[0]);
    expect(final).toContain(ends[1]);
    f.net.healAll();
  });

  it("blocks and txs to a resting node 3 refused, its endorsements not: healed, the others' head still reaches it", async () => {
    await f.restore();
    await f.deaf(f.net.nodes[3]);
    const endorsed = () => [0, 1, 2].map((i) => f.net.link(i, 3).paths.get("/p2p/endorse") ?? 0);
    const before = endorsed();
    // Node 3 rests through it and sends nothing that fails, so it does not know to ask; the others'
    // pushes of blocks to it fail and their endorsements get through, after each block as in a heal
    // that comes while endorsements are still under way (timing.test.ts "a node cut off").
    for (const i of [0, 1, 2]) f.net.link(i, 3).cutPaths(["/p2p/block", "/p2p/tx"]);
    const hash = await f.send(f.net.nodes[1], f.client.iost.transfer("iost", "admin", "ftbob", "1", "blocks cut"));
    const at = await f.included(hash, [0, 1, 2]);
    await f.settled([0, 1, 2]);
    // Not its head: node 3 may take a block sent before the cut, or make one of its own on its head.
    expect(await blockHash(f.net.nodes[3], at)).not.toBe(await blockHash(f.net.nodes[0], at));
    expect(endorsed().every((n, i) => n > before[i])).toBe(true);
    f.net.healAll();
    // The others push their head again while node 3 missed a block of theirs: after 2 s, then at doubling waits.
    await f.receipt(f.net.nodes[3], hash);
    await f.converged();
    await f.invariants([0, 1, 2, 3]);
  });
});

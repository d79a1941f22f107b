/**
 * Gossip fan-out on four real nodes in a full mesh (issue 12 item 7): counted
 * on the link proxies, each block reaches each peer once (the producer's own
 * push; nobody relays it) and each endorsement likewise, so requests grow with
 * the node count, not its square. Then a cut link: the others relay to the
 * cut-off node, which stays on the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allInfo, chainInfo, finalChainDiff, startNetwork, waitFor, type Network } from "./harness";

const N = 4;

/** Requests of `path` over every directed link so far. */
function sent(net: Network, path: string): number {
  let total = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) total += net.link(i, j).paths.get(path) ?? 0;
  return total;
}

describe("gossip on a full mesh of four nodes", () => {
  let net: Network;
  beforeAll(async () => {
    net = await startNetwork({ nodes: N, vars: { SHARD_COUNT: "1", BLOCK_PRODUCTION: "interval" } }); // blocks every slot, no txs needed
    // Past start-up (first polls, node ids learned from /p2p/status).
    await waitFor("every LIB past 10", async () => (await allInfo(net.nodes)).every((i) => i.lib >= 10), 120_000);
  }, 240_000);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  it("each block and each endorsement goes once to each peer", async () => {
    const head0 = (await chainInfo(net.nodes[0])).head;
    const blocks0 = sent(net, "/p2p/block");
    const endorse0 = sent(net, "/p2p/endorse");
    await waitFor("20 more blocks", async () => (await chainInfo(net.nodes[0])).head >= head0 + 20, 60_000);
    const made = (await chainInfo(net.nodes[0])).head - head0;
    const blocks = sent(net, "/p2p/block") - blocks0;
    const endorsements = sent(net, "/p2p/endorse") - endorse0;
    // The producer pushes each block to its 3 peers: 3 per block (relaying would make it 9).
    // Slack for the blocks in flight at either end of the window.
    expect(blocks).toBeGreaterThanOrEqual(3 * (made - 2));
    expect(blocks).toBeLessThanOrEqual(3 * (made + 2));
    // Every node endorses every block and posts it to its 3 peers: 12 per block (relaying would make it 36).
    expect(endorsements).toBeLessThanOrEqual(12 * (made + 2));
    expect(await finalChainDiff(net.nodes)).toEqual([]);
  });

  it("a cut link 0 -> 1: the others relay 0's blocks and endorsements to 1, which keeps finalizing", async () => {
    net.cut(0, 1);
    const lib1 = (await chainInfo(net.nodes[1])).lib;
    await waitFor("node 1's LIB 10 further", async () => (await chainInfo(net.nodes[1])).lib >= lib1 + 10, 60_000);
    net.healAll();
    expect(await finalChainDiff(net.nodes)).toEqual([]);
  });
});

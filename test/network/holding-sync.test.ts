/**
 * A node holding part of the shards far behind its peers (issue #18 item 4, durable-objects/coordinator/leap.ts):
 * three producers and a fourth node without a producer key serving shards 0 and 2 of four, in two
 * groups, a block every 500 ms. Peers serve witnesses and receipts' proofs only down to
 * MAX_PROOF_DEPTH (64) below their LIB, so a node further behind cannot follow block by block: it
 * takes the headers, counts its peers' endorsements, syncs its two shards from a snapshot at its
 * own LIB and follows on. Down while the chain made more than 64 final blocks, then wiped: each
 * time it catches up, holds the objects of shards 0 and 2 only, agrees on the final blocks and the
 * balances, and its first checks by witness are windowed (the replay windows filled from peers'
 * recent blocks). Peers serving forged state pages are passed over; with all of them forging,
 * nothing is taken until one stops. A producer restarted fills its windows from its own chunks.
 */
import { describe, expect, it } from "vitest";
import { expectSuccess, post, type Client } from "../e2e/helpers/sdk";
import { allInfo, balanceDiff, chainInfo, finalChainDiff, getJson, GROUPS_VARS, waitFor, shardObjects, type Network, useNetwork } from "./harness";

const ACCOUNTS = ["admin", "foundation", "producer000", "producer002"];
const READER = 3;
const DEPTH = 64;

describe("a node holding part of the shards catches up from far behind by syncing its shards at a final block", () => {
  let net: Network;
  let client: Client;
  useNetwork(
    {
      nodes: 4,
      vars: GROUPS_VARS,
      nodeVars: (i): Record<string, string> => ({ GENESIS_PRODUCERS: "3", ...(i === READER ? { PRODUCER_SECRET: "", SERVES: "0,2" } : {}) }),
    },
    (n, c) => {
      net = n;
      client = c;
    },
  );

  const reader = () => net.nodes[READER];
  const pages = () => [0, 1, 2].map((j) => net.link(READER, j).paths.get("/p2p/state") ?? 0);
  const status = async () => (await getJson(`${reader().url}/dev/status`)).body;
  const traffic = async (memo: string) => {
    for (const to of ACCOUNTS.slice(1)) await expectSuccess(client, client.iost.transfer("iost", "admin", to, "1", `${memo}-${to}`));
  };
  /** What the reader's objects did since its start (requests/rows written) and what it asked its peers. */
  const costOf = (s: { cost: { objects: { object: string; requests: number; rowsWritten: number }[] } }) =>
    `${s.cost.objects.map((o) => `${o.object} ${o.requests}/${o.rowsWritten}`).join(", ")}; asked ${JSON.stringify([0, 1, 2].map((j) => Object.fromEntries(net.link(READER, j).paths)))}`;
  /** Node 0's LIB more than DEPTH blocks above `head`, with some margin. */
  const chainPast = async (head: number) =>
    waitFor(`node 0 final past block ${head + DEPTH + 4}`, async () => (await chainInfo(net.nodes[0])).lib > head + DEPTH + 4, 120_000, 500);
  /** The reader caught up (final past node 0's head now), on the same final blocks and balances, its two shards only, not replayed from `was`. */
  const caughtUp = async (was: number) => {
    const head = (await chainInfo(net.nodes[0])).head;
    await traffic("after");
    await waitFor("every node final past the transfers", async () => (await allInfo(net.nodes)).every((i) => i.lib >= head), 90_000, 500);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    // The reader reads shards 1 and 3 at a final block (its LIB, or a peer's above it), the others at their heads: equal once no block above LIB changed them.
    await waitFor("every node reads the same balances", async () => (await balanceDiff(net.nodes, ACCOUNTS)).length === 0, 60_000, 500);
    expect(shardObjects(reader())).toHaveLength(2);
    const s = await status();
    // Its shards came from a snapshot: they re-executed the chunks since it, not every one from where they were.
    for (const x of s.shards) expect(x.work.chunks, JSON.stringify(x)).toBeLessThan(x.head - was);
    console.log(`reader since its start: ${costOf(s)}`);
    const checks = s.coordinator.witnessChecks;
    console.log(
      `reader: witnessChecks ${JSON.stringify(checks)}, shards ${JSON.stringify(s.shards.map((x: { head: number; work: unknown }) => [x.head, x.work]))}`,
    );
    expect(checks.chunks).toBeGreaterThan(0);
    // No peer's witness refused; a block peers no longer serve witnesses of (a node that fell behind again on a loaded
    // machine, and leapt again) is `unserved`.
    expect(checks.refused, checks.last ?? "").toBe(0);
    // Every check since the start was windowed: the windows were filled, not started empty.
    expect(checks.windowed).toBe(checks.chunks);
  };

  it("down while the chain made more than 64 final blocks, it leaps to a final block and follows on", async () => {
    await waitFor("the reader has a block", async () => (await chainInfo(reader())).head > 0, 60_000, 500);
    await reader().stop();
    const { head } = await chainInfo(net.nodes[0]);
    await traffic("while-away");
    await chainPast(head);
    const before = pages();
    await reader().start();
    const leapt = await waitFor(
      "the reader's shards synced past the blocks it missed",
      async () => {
        const s = await status();
        return (s.shards as { head: number; syncing?: unknown }[]).every((x) => x.syncing === undefined && x.head > head + DEPTH) ? s : null;
      },
      120_000,
      250,
    );
    console.log(`reader at its leap to ${leapt.coordinator.head}: ${costOf(leapt)}`);
    await caughtUp(head);
    expect(pages().reduce((a, b) => a + b, 0)).toBeGreaterThan(before.reduce((a, b) => a + b, 0));
  });

  it("wiped, it starts from genesis and syncs only its shards; forged pages are passed over, with every peer forging nothing is taken", async () => {
    const forge = (body: string) => {
      const p = JSON.parse(body);
      for (const row of p.rows ?? []) if (typeof row[1] === "string") row[1] = row[1].replace(/^i(\d+)/, "i9$1");
      return JSON.stringify(p);
    };
    for (const j of [0, 1, 2]) net.link(READER, j).rewrite("/p2p/state", forge);
    const asked = pages();
    await reader().wipe();
    const lying = await waitFor(
      "the reader refused every peer's state",
      async () => {
        const shards = (await status()).shards as { syncing?: unknown; head: number }[];
        return pages().every((n, j) => n > asked[j]) && shards.some((x) => x.syncing !== undefined) ? shards : null;
      },
      90_000,
      500,
    );
    expect(lying.every((x) => x.head === 0)).toBe(true);
    const read = await post(reader().url, "/getProofs", { shard: 0, keys: ["m-token.iost-TBadmin-iost"] });
    expect(read.status).toBe(400);
    expect(JSON.parse(read.text).message).toMatch(/^shard-0 is syncing its state from peers \(block \d+\): try again later$/);
    expect(shardObjects(reader())).toHaveLength(2);

    for (const j of [1, 2]) net.link(READER, j).rewrite("/p2p/state", null);
    await caughtUp(0);
    net.link(READER, 0).rewrite("/p2p/state", null);
  });

  it("a producer restarted fills the replay windows of the shards its group does not hold from its own chunks: its checks are windowed at once", async () => {
    const node = net.nodes[1];
    await node.stop();
    await node.start();
    const checks = await waitFor(
      "node 1 checks its peers' chunks by witness again",
      async () => {
        const c = (await getJson(`${node.url}/dev/status`)).body.coordinator.witnessChecks;
        return c.chunks >= 4 ? c : null;
      },
      90_000,
      500,
    );
    console.log(`node 1 after its restart: witnessChecks ${JSON.stringify(checks)}`);
    expect(checks.windowed).toBe(checks.chunks);
  });
});

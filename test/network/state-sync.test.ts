/**
 * Snapshot sync of a shard (issue #18 item 4, docs/VALIDATOR.md "Joining or rotating onto a shard"):
 * three real nodes, two shards. Node 2's shard of admin starts over (/dev/resyncShard: dropped, its
 * storage deleted as rotation drops a shard it left) and is synced from a peer's state at its LIB, checked against the root in node 2's
 * own header, then the blocks since: it fetched state pages and re-executed only the chunks above
 * that block, ends with the peers' roots and balances, and the chain keeps finalizing. A peer whose
 * pages are forged (its link rewrites a value) is refused and the next one used; with every peer
 * lying the sync fails, naming each, and nothing is taken.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectSuccess, post, type Client } from "../e2e/helpers/sdk";
import { shardOf } from "../../src/sharding/placement";
import { balanceDiff, chainInfo, getJson, waitFor, type Network, useNetwork } from "./harness";

const ACCOUNTS = ["admin", "foundation", "producer000", "producer001", "producer002"];
/** The shard synced: admin's, so the txs of the replay window are on it. */
const S = shardOf("admin", 2);

describe("snapshot sync: a shard starts over from a peer's verified state", () => {
  let net: Network;
  let client: Client;
  // A block every slot (no resting): the chain visibly keeps finalizing around the sync.
  useNetwork({ nodes: 3, vars: { SHARD_COUNT: "2", HEARTBEAT_MS: "0", BLOCK_INTERVAL_MS: "500" } }, (n, c) => {
    net = n;
    client = c;
  });

  const pagesVia = (to: number) => net.link(2, to).paths.get("/p2p/state") ?? 0;
  const shardStatus = async (i: number, shard: number) => (await getJson(`${net.nodes[i].url}/dev/status`)).body.shards[shard];
  const resync = (shard: number) => post(net.nodes[2].url, "/dev/resyncShard", { shard });
  /** Shard S's root and values at final block `h` on node `i` (/getProofs: what a peer's read checks). */
  const proved = async (i: number, h: number) => {
    const keys = ACCOUNTS.filter((a) => shardOf(a, 2) === S).map((a) => `m-token.iost-TB${a}-iost`);
    const r = await post(net.nodes[i].url, "/getProofs", { shard: S, keys, height: h });
    const body = JSON.parse(r.text);
    return { root: body.state_root, values: body.proofs?.map((p: { value: string | null }) => p.value) };
  };
  const finalEverywhere = async (min: number) =>
    waitFor(`LIB ≥ ${min} on every node`, async () => (await Promise.all(net.nodes.map(chainInfo))).every((c) => c.lib >= min), 60_000, 500);

  it("a shard emptied is synced from a peer's state at LIB, then the blocks since; not replayed", async () => {
    const sent = ["foundation", "producer001", "producer002"].map((to, i) => client.iost.transfer("iost", "admin", to, String(i + 3), "before"));
    for (const tx of sent) await expectSuccess(client, tx);
    // A chain long enough that replaying it would show: 20 final blocks.
    const { head } = await chainInfo(net.nodes[0]);
    await finalEverywhere(Math.max(head, 20));
    expect((await shardStatus(2, S)).head).toBeGreaterThanOrEqual(20);

    const pages = [pagesVia(0), pagesVia(1)];
    const r = await resync(S);
    expect(r.status, r.text).toBe(200);
    const done = JSON.parse(r.text);
    console.log(`state sync of shard ${S}: ${JSON.stringify(done)}`);
    expect(done).toMatchObject({ height: expect.any(Number), rows: expect.any(Number), pages: expect.any(Number), window: expect.any(Number) });
    expect(done.rows).toBeGreaterThan(20);
    expect(done.pages).toBeGreaterThanOrEqual(1);
    expect(pagesVia(0) + pagesVia(1) - pages[0] - pages[1]).toBe(done.pages);
    expect([net.link(2, 0).url, net.link(2, 1).url]).toContain(done.peer);

    // Not replayed: the chunks executed since are those above the synced block, none of the early ones.
    // A height above it runs twice when a fork replaces its block (node 2's own block losing to a
    // peer's on a loaded machine), so each counts at most twice; a replay runs all done.height (≥ 20).
    const after = await shardStatus(2, S);
    expect(after.head).toBeGreaterThanOrEqual(done.height);
    expect(after.work.chunks).toBeLessThanOrEqual(2 * (after.head - done.height));
    expect(after.work.chunks).toBeLessThan(done.height);

    // The txs run before the synced block are known to it (the replay window): sent again, refused.
    const again = await post(net.nodes[2].url, "/sendTx", JSON.parse(JSON.stringify(sent[0])));
    expect(again.status).toBe(400);
    expect(JSON.parse(again.text).message).toMatch(/exists in chain/);

    // The chain goes on, through the synced shard too: a new transfer, final everywhere, same state.
    await expectSuccess(client, client.iost.transfer("iost", "admin", "producer001", "7", "after"));
    const now = (await chainInfo(net.nodes[0])).head;
    await finalEverywhere(now);
    const [mine, theirs] = await Promise.all([proved(2, now), proved(0, now)]);
    expect(mine.root).toMatch(/^[0-9a-f]{64}$/);
    expect(mine).toEqual(theirs);
    await waitFor("equal balances", async () => (await balanceDiff(net.nodes, ACCOUNTS)).length === 0, 30_000, 500);
  });

  it("a peer serving a forged value is refused (the root differs) and the next peer used; with every peer lying nothing is taken", async () => {
    const forge = (body: string) => {
      const p = JSON.parse(body);
      for (const row of p.rows ?? []) if (typeof row[1] === "string") row[1] = row[1].replace(/^i(\d+)/, "i9$1");
      return JSON.stringify(p);
    };
    net.link(2, 0).rewrite("/p2p/state", forge);
    const asked0 = pagesVia(0);
    const r = await resync(S);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text).peer).toBe(net.link(2, 1).url);
    expect(pagesVia(0)).toBeGreaterThan(asked0); // asked first, and refused

    net.link(2, 1).rewrite("/p2p/state", (body) => {
      const p = JSON.parse(body);
      p.rows = (p.rows ?? []).slice(1); // a key left out
      return JSON.stringify(p);
    });
    const refused = await resync(S);
    expect(refused.status).toBe(400);
    const message = JSON.parse(refused.text).message as string;
    expect(message).toMatch(/^shard-\d: no peer gave a state at block \d+ with our root [0-9a-f]{64}: /);
    expect(message.match(/the state it served has root [0-9a-f]{64}, not [0-9a-f]{64} of our header/g)?.length).toBe(2);
    // Meanwhile the shard answers no read of its state rather than a partial one.
    expect((await shardStatus(2, S)).syncing).toMatchObject({ height: expect.any(Number) });
    const read = await post(net.nodes[2].url, "/getProofs", { shard: S, keys: ["m-token.iost-TBadmin-iost"] });
    expect(read.status).toBe(400);
    expect(JSON.parse(read.text).message).toMatch(/^shard-\d is syncing its state from peers \(block \d+\): try again later$/);

    // Honest again: the coordinator's next start would resume; the dev route starts it now.
    net.link(2, 0).rewrite("/p2p/state", null);
    net.link(2, 1).rewrite("/p2p/state", null);
    const honest = await resync(S);
    expect(honest.status, honest.text).toBe(200);
    const { head } = await chainInfo(net.nodes[0]);
    await finalEverywhere(head + 2);
    await waitFor("equal balances after the lies", async () => (await balanceDiff(net.nodes, ACCOUNTS)).length === 0, 30_000, 500);
  });

  it("a node restarted with its shards' stores wiped (its coordinator kept) syncs them by snapshot before it goes on", async () => {
    const node = net.nodes[2];
    await finalEverywhere(20);
    const pages = pagesVia(0) + pagesVia(1);
    await node.stop();
    // Every Shard object's SQLite of node 2 (workerd's local layout), the Coordinator's and Validators' kept.
    const root = join(node.persist, "v3", "do");
    const name = readdirSync(root).find((d) => d.endsWith("-Shard"));
    expect(name, readdirSync(root).join(", ")).toBeDefined();
    const dir = join(root, name!);
    expect(readdirSync(dir).some((f) => f.endsWith(".sqlite"))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    await node.start();
    console.log(`after the wipe: ${JSON.stringify((await getJson(`${node.url}/dev/status`)).body.shards)}`);
    const lib = (await chainInfo(net.nodes[0])).lib;
    await waitFor(
      "node 2's shards synced and past the others' LIB",
      async () => {
        const shards = (await getJson(`${node.url}/dev/status`)).body.shards as { head: number; syncing?: unknown }[];
        return shards.every((x) => x.syncing === undefined && x.head >= lib);
      },
      90_000,
      500,
    );
    expect(pagesVia(0) + pagesVia(1)).toBeGreaterThanOrEqual(pages + 2); // a page at least per shard
    for (const x of (await getJson(`${node.url}/dev/status`)).body.shards)
      expect(x.work.chunks, `shard ${x.shard}: ${JSON.stringify(x)}`).toBeLessThan(x.head / 2);
    await expectSuccess(client, client.iost.transfer("iost", "admin", "producer002", "2", "after wipe"));
    const now = (await chainInfo(net.nodes[0])).head;
    await finalEverywhere(now);
    expect(await proved(2, now)).toEqual(await proved(0, now));
    await waitFor("equal balances after the wipe", async () => (await balanceDiff(net.nodes, ACCOUNTS)).length === 0, 30_000, 500);
  });
});

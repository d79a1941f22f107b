/**
 * Shard groups and reads through peers (issue #18 items 2 and 5): three real nodes, a genesis of
 * two groups over four shards and one producer (node 0, which so holds both groups: every shard);
 * node 1 has no producer key and serves every shard; node 2 has none either and serves shards 0
 * and 1 only (SERVES), so its reads of shard 3's `foundation` go to its peers as /getProofs and are
 * checked against its own final roots (producers of one group each drop the others' shards and
 * answer no proof of them: test/network/producer-holds.test.ts). A
 * peer that lies (its link rewrites the answer: a forged value, another block, a broken proof) is
 * refused and the next peer asked; with every peer lying the read fails with each one's reason.
 */
import { describe, expect, it } from "vitest";
import { expectSuccess, post, type Client } from "../e2e/helpers/sdk";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { chainInfo, getJson, waitFor, type Network, useNetwork } from "./harness";

const SHARDS = [0, 1, 2, 3];
/** foundation's home is shard 3 (src/sharding/placement.ts), which node 2 does not serve. */
const AWAY = "foundation";

describe("shard groups: what each node serves, reads of other shards through peers with proofs", () => {
  let net: Network;
  let client: Client;
  useNetwork(
    {
      nodes: 3,
      vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2" },
      // producer000 alone: node 0 has its key; nodes 1 and 2 none (a genesis list of their own takes them no dev key).
      nodeVars: (i): Record<string, string> => ({
        GENESIS_PRODUCER_KEYS: DEV_PRODUCERS[0].pubkey,
        ...(i === 0 ? {} : { PRODUCER_SECRET: "", ...(i === 2 ? { SERVES: "0,1" } : {}) }),
      }),
    },
    (n, c) => {
      net = n;
      client = c;
    },
  );

  const reader = () => net.nodes[2];
  const proofsVia = (to: number) => net.link(2, to).paths.get("/getProofs") ?? 0;
  const balanceAt = async (i: number) => getJson(`${net.nodes[i].url}/getTokenBalance/${AWAY}/iost/true`);
  /** foundation's balance once the transfer below is final (a retried try transfers again). */
  let balance = 0;

  it("getShardInfo: the genesis' two groups, what each node serves and the shards its producer's group holds", async () => {
    const infos = await Promise.all(net.nodes.map(async (n) => (await getJson(`${n.url}/getShardInfo`)).body));
    expect(infos.map((i) => i.serves)).toEqual([SHARDS, SHARDS, [0, 1]]);
    for (const i of infos) expect(i).toMatchObject({ shard_count: 4, groups: 2 });
    // One producer for two groups holds both (every shard); a node without a producer key holds none by groups.
    expect(infos.map((i) => i.holds)).toEqual([SHARDS, [], []]);
    expect(new Set(infos.map((i) => i.epoch)).size).toBe(1);
  });

  it("a balance of a shard the node does not serve comes through a peer, verified; one of a served shard does not", async () => {
    balance = Number((await balanceAt(0)).body.balance) + 5;
    await expectSuccess(client, client.iost.transfer("iost", "admin", AWAY, "5", "groups"));
    // The reader answers at a final block (its LIB, or a peer's above it): wait for the transfer to be final there.
    await waitFor(`node 2 reads foundation's ${balance} IOST`, async () => (await balanceAt(2)).body.balance === balance, 60_000, 500);
    expect((await balanceAt(2)).body).toEqual((await balanceAt(0)).body);
    expect(proofsVia(1)).toBe(0);
    // Cost: one /getProofs per round; a balance needs the token's definition, then the balance keys.
    const rounds = proofsVia(0);
    await balanceAt(2);
    console.log(`getTokenBalance through a peer: ${proofsVia(0) - rounds} /getProofs round(s)`);
    expect(proofsVia(0) - rounds).toBeGreaterThanOrEqual(1);
    expect(proofsVia(0) - rounds).toBeLessThanOrEqual(2);

    const before = proofsVia(0);
    const home = await getJson(`${reader().url}/getTokenBalance/producer000/iost/true`); // shard 1: served
    expect(home.status).toBe(200);
    expect(proofsVia(0)).toBe(before);

    // getContractStorage of the same entry: the raw value, labelled with the block it was proven at: the peer's LIB,
    // a block of the reader's main chain at or above the reader's LIB (workers/lib/peer-read.ts `peerRead`).
    const { lib: libBefore } = await chainInfo(reader());
    const storage = await post(reader().url, "/getContractStorage", { id: "token.iost", key: `TB${AWAY}`, field: "iost", by_longest_chain: true });
    expect(storage.status).toBe(200);
    const labelled = JSON.parse(storage.text) as { data: string; block_number: string; block_hash: string };
    expect(labelled).toMatchObject({ data: String(balance * 1e8), block_number: expect.any(String) });
    expect(Number(labelled.block_number)).toBeGreaterThanOrEqual(libBefore);
    expect(Number(labelled.block_number)).toBeLessThanOrEqual((await chainInfo(reader())).head);
    expect((await getJson(`${reader().url}/getBlockByNumber/${labelled.block_number}/false`)).body.block.hash).toBe(labelled.block_hash);
  });

  it("getAccount of an account of an unserved shard: its home shard's part through a peer, as the serving node has it", async () => {
    const rounds = proofsVia(0);
    const [away, local] = await Promise.all([getJson(`${reader().url}/getAccount/${AWAY}/true`), getJson(`${net.nodes[0].url}/getAccount/${AWAY}/true`)]);
    console.log(`getAccount through a peer: ${proofsVia(0) - rounds} /getProofs round(s)`);
    expect(away.status).toBe(200);
    // Gas regenerates with time: the reader answers at a final block's time, node 0 at its head's; the rest is equal.
    const { gas_info: _g, ...a } = away.body;
    const { gas_info: _l, ...b } = local.body;
    expect(a).toEqual(b);
    expect(a).toMatchObject({ name: AWAY, balance });
    // ghost2's home is shard 3 too: its absence is proven, and answered as IOST does.
    const before = proofsVia(0);
    expect((await getJson(`${reader().url}/getAccount/ghost2/true`)).body).toEqual({ code: 2, message: "account not found" });
    expect(proofsVia(0)).toBeGreaterThan(before);
  });

  it("a lying peer is refused and the next one asked; with every peer lying the read fails, naming each", async () => {
    const forge = (body: string) => {
      const p = JSON.parse(body);
      for (const e of p.proofs ?? []) if (typeof e.value === "string") e.value = e.value.replace(/^i(\d+)/, "i999$1");
      return JSON.stringify(p);
    };
    net.link(2, 0).rewrite("/getProofs", forge);
    const [at0, at1] = [proofsVia(0), proofsVia(1)];
    const read = await balanceAt(2);
    expect(read.status).toBe(200);
    expect(read.body.balance).toBe(balance);
    expect(proofsVia(0)).toBeGreaterThan(at0); // asked and refused
    expect(proofsVia(1)).toBeGreaterThan(at1); // then the honest one

    // Node 1 answers for another block, then with a broken proof: nobody is left.
    net.link(2, 1).rewrite("/getProofs", (body) => JSON.stringify({ ...JSON.parse(body), block_number: "1" }));
    const stale = await balanceAt(2);
    expect(stale.status).toBe(400);
    expect(stale.body.message).toMatch(/^shard 3 is not served by this node and no peer gave a verified answer: /);
    expect(stale.body.message).toMatch(/the proof of \S+ does not verify/);
    expect(stale.body.message).toMatch(/it proved shard 3 at block 1, not shard 3 at \d+/);

    net.link(2, 1).rewrite("/getProofs", (body) => {
      const p = JSON.parse(body);
      for (const e of p.proofs ?? []) e.proof.siblings = e.proof.siblings.slice(1);
      return JSON.stringify(p);
    });
    const broken = await balanceAt(2);
    expect(broken.status).toBe(400);
    expect(broken.body.message).not.toMatch(/at block 1,/);
    expect(broken.body.message.match(/does not verify/g)?.length).toBe(2);

    net.link(2, 0).rewrite("/getProofs", null);
    net.link(2, 1).rewrite("/getProofs", null);
    expect((await balanceAt(2)).body.balance).toBe(balance);
  });

  it("/getProofs refuses what it must not prove: a shard the node does not serve, bad keys, a height above LIB", async () => {
    const ask = (i: number, body: object) => post(net.nodes[i].url, "/getProofs", body);
    const keys = [`m-token.iost-TB${AWAY}-iost`];
    expect(JSON.parse((await ask(2, { shard: 3, keys })).text)).toEqual({ code: 2, message: "shard 3 is not served by this node" });
    expect((await ask(0, { shard: 4, keys })).status).toBe(400);
    expect(JSON.parse((await ask(0, { shard: 3, keys: [] })).text).message).toMatch(/^invalid keys/);
    expect(JSON.parse((await ask(0, { shard: 3, keys: Array(51).fill("k") })).text).message).toMatch(/^invalid keys/);
    const { lib } = await chainInfo(net.nodes[0]);
    expect(JSON.parse((await ask(0, { shard: 3, keys, height: lib + 1000 })).text).message).toMatch(/is not final on this node/);
    const ok = JSON.parse((await ask(0, { shard: 3, keys })).text);
    expect(ok).toMatchObject({ shard: 3, proofs: [{ key: keys[0], value: `i${balance * 1e8}@token.iost` }] });
  });
});

/**
 * A draft bounded by the answer cap, on a network (issue #18 builders; test/workers/draft-cap.test.ts
 * has the shard alone): four real nodes, two groups over four shards, three producers (nodes 0 to 2,
 * each applying its groups' shards only) and node 3 without a producer key, which holds every shard
 * and follows the client's txs (a producer finds no tx of a shard it does not apply). A stranger's contract on a
 * shard other than 0 reads ten 60 KB values per tx, so a chunk of its txs has a state witness no
 * 4 MiB answer carries. Its group's builders cut their drafts, and its producers their own
 * chunks, to 3 MiB of chunk, txs and witness: every /p2p/chunk answer fits, the blocks carry
 * the shard's txs a few per chunk, a tx over the cap on its own is dropped with why, no other tx
 * is lost, and the chain keeps finalizing, every node on the same blocks. Logged: the answers
 * refusing as outside the shard's group (a producer asks the peers stating its group's keys first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupChunkCounts } from "../../durable-objects/coordinator/group-chunks";
import { MAX_WITNESS_BYTES } from "../../durable-objects/config";
import { shardOf } from "../../src/sharding/placement";
import { ADMIN_PUBKEY, ADMIN_SECRET, Algorithm, accountFromSecret, connect, expectSuccess, post, txJson, signTx, type Client } from "../e2e/helpers/sdk";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { allFinal, finalChainDiff, getJson, startNetwork, waitFor, type Network } from "./harness";

const NODES = [0, 1, 2, 3];
const CODE = `class Fat { init() {}
  fill(from, n) { for (let i = from; i < from + n; i++) storage.put("f" + i, "m".repeat(60000)); }
  read(from, n) { let s = 0; for (let i = from; i < from + n; i++) s += storage.get("f" + i).length; return s; } }
module.exports = Fat;`;
const abi = [
  { name: "fill", args: ["number", "number"], amountLimit: [] },
  { name: "read", args: ["number", "number"], amountLimit: [] },
];
const CONTRACT = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi }, code: CODE });
const KEYS = 100;
const PER_TX = 10;

describe("shard groups: drafts of a shard whose txs fatten the witness fit the answer cap", () => {
  let net: Network;
  let client: Client;
  /** The largest /p2p/chunk answer over any link. */
  let largest = 0;
  /** /p2p/chunk answers refusing as outside the shard's group, and all of them. */
  let outside = 0;
  let answers = 0;

  beforeAll(async () => {
    net = await startNetwork({
      nodes: 4,
      vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2" },
      // A genesis list of its own: node 3 takes no dev key.
      nodeVars: (i): Record<string, string> => ({
        GENESIS_PRODUCER_KEYS: DEV_PRODUCERS.slice(0, 3)
          .map((p) => p.pubkey)
          .join(","),
        ...(i === 3 ? { PRODUCER_SECRET: "" } : {}),
      }),
    });
    client = await connect(net.nodes[3].url);
    for (const a of NODES)
      for (const b of NODES.filter((x) => x !== a))
        net.link(a, b).rewrite("/p2p/chunk", (body) => {
          largest = Math.max(largest, Buffer.byteLength(body));
          answers++;
          if (/is not in this node's groups/.test(body)) outside++;
          return body;
        });
  }, 300_000);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  const counts = async (i: number): Promise<GroupChunkCounts> => (await getJson(`${net.nodes[i].url}/dev/status`)).body.coordinator.groupChunks;

  it("every answer fits, the shard's chunks carry its txs, the one past the cap alone is dropped with why, the chain finalizes", async () => {
    let name = "";
    for (let k = 0; name === "" || shardOf(name, 4) === 0; k++) name = `fatreader${k}`;
    const shard = shardOf(name, 4);
    // 7 MB of RAM for the values (about 10,800 IOST at genesis prices) and gas for the txs.
    const signUp = client.iost.newAccount(name, "admin", ADMIN_PUBKEY, ADMIN_PUBKEY, 7_000_000, 10_000);
    signUp.addApprove("iost", "30000");
    await expectSuccess(client, signUp);
    const fat = accountFromSecret(name, ADMIN_SECRET, Algorithm.Ed25519);
    const tx = (contract: string, action: string, args: unknown[], gasLimit = 4_000_000, gasRatio = 1) => {
      const t = client.iost.callABI(contract, action, args);
      t.gasLimit = gasLimit;
      t.gasRatio = gasRatio;
      return t;
    };
    const deployed = await expectSuccess(client, tx("system.iost", "setCode", [CONTRACT]), fat);
    const id = `Contract${deployed.hash}`;
    for (let i = 0; i < KEYS / PER_TX; i++) await expectSuccess(client, tx(id, "fill", [i * PER_TX, PER_TX]), fat);
    const before = await Promise.all(NODES.map(counts));

    // One tx reading all 100 values (6 MB of witness alone), first in pool order, and 30 reading 10 each, sent at once.
    const all = tx(id, "read", [0, KEYS], 4_000_000, 2);
    signTx(client, all, fat);
    const sent = await post(net.nodes[3].url, "/sendTx", txJson(all));
    expect(sent.status).toBe(200);
    const reads = await Promise.all(
      Array.from({ length: 30 }, (_, i) => expectSuccess(client, tx(id, "read", [(i % (KEYS / PER_TX)) * PER_TX, PER_TX], 400_000), fat)),
    );
    for (const r of reads) expect(r.result).toMatchObject({ status_code: "SUCCESS", returns: ['["600000"]'] });
    const dropped = await waitFor(
      "the tx over the cap alone dropped",
      async () => {
        // Left by the producers of the shard's group, which try to build it (node 3 builds nothing; the others do not apply the shard).
        for (const n of net.nodes) {
          const r = await getJson(`${n.url}/getTxByHash/${sent.body.hash}`);
          if (typeof r.body?.message === "string" && /tx results too large/.test(r.body.message)) return r.body.message as string;
        }
        return null;
      },
      60_000,
      500,
    );
    expect(dropped).toMatch(/its state witness and bytes take about \d+ bytes, over the 3145728-byte cap of a chunk's answer/);

    await allFinal(client, net.nodes, "every node final past the reads", 120_000);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    const after = await Promise.all(NODES.map(counts));
    console.log(
      `shard ${shard}; largest /p2p/chunk answer ${largest} bytes; ${answers} answers, ${outside} refusing as outside the group; chunks of the other group by node: ${JSON.stringify(after)}`,
    );
    expect(largest).toBeLessThanOrEqual(MAX_WITNESS_BYTES);
    // Drafts of the fat shard were taken, none refused at the cap.
    expect(after.reduce((n, c) => n + c.taken, 0)).toBeGreaterThan(before.reduce((n, c) => n + c.taken, 0));
    for (const c of after) expect(`${c.last ?? ""} ${c.lastRefused ?? ""}`).not.toMatch(/above \d+ bytes/);
  });
});

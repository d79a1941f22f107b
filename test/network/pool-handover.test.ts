/**
 * A producer's pooled txs of a shard it drops go to the shard's holders (issue #18, docs/VALIDATOR.md
 * "Shard groups", durable-objects/coordinator/rotation.ts `leave`): three producers, four shards in two
 * groups, an epoch of 20 blocks at a block every 500 ms, as producer-holds.test.ts. A producer P keeps
 * shard s for the grace only (last epoch's group, not this one's nor the next's); a client's tx of s
 * reaches P alone (P's links cut while it forwards) and waits in P's pool (its time 28 s ahead, so no
 * block takes it before P's drop of s). P's rotation hands its pool of s to the peers before the drop:
 * the tx becomes final, once. (An epoch whose successor gives P's group s again keeps s: no drop, the
 * attempt is void and made again.)
 */
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/sharding/placement";
import {
  ADMIN_PUBKEY,
  ADMIN_SECRET,
  Algorithm,
  accountFromSecret,
  expectSuccess,
  newAccountTx,
  post,
  signTx,
  txJson,
  uniqueName,
  type Client,
} from "../e2e/helpers/sdk";
import { balancesAgree, chainInfo, getJson, GROUPS_VARS, rotationStatus, waitFor, type Network, useNetwork } from "./harness";

/** Blocks an epoch (the dev chain's voteInterval); the grace is as long. */
const V = 20;
/** How far ahead of the clock the tx's time is: less than admission's 30 s, more than the grace left (an epoch, 10 s) and the drop after it. */
const AHEAD_NS = 28_000_000_000;

describe("shard groups: a dropped shard's pool is handed to its holders", () => {
  let net: Network;
  let client: Client;
  useNetwork({ nodes: 3, vars: GROUPS_VARS }, (n, c) => {
    net = n;
    client = c;
  });

  const status = (i: number) => rotationStatus(net.nodes[i]);

  it("a tx pooled only on a producer keeping its shard for the grace is handed over when the shard is dropped there, and is final once", async () => {
    // A funded account at home on each of shards 1 to 3 (admin's key), 100 IOST pledged: a void attempt's tx, executed, leaves
    // its gas below a tx's 2,000,000 limit with IOST's 10 (admission refused the next attempt's tx so in a CI run).
    const homes = new Map<number, string>();
    for (let k = 0; homes.size < 3; k++) {
      const name = uniqueName(`ho${k}`);
      const s = shardOf(name, 4);
      if (s !== 0 && !homes.has(s)) homes.set(s, name);
    }
    for (const name of homes.values()) await expectSuccess(client, newAccountTx(client, name, ADMIN_PUBKEY, ADMIN_PUBKEY, 1024, 100));
    for (const name of homes.values()) await expectSuccess(client, client.iost.transfer("iost", "admin", name, "5", "fund"));

    // An attempt is void when the epoch after takes s on again for P's next epoch (its plan keeps s: P applies it, no drop);
    // its tx then waits in P's pool for P's own chunk of s, and the next attempt sends another to another account.
    let done: { p: number; s: number; hash: string; dst: string } | null = null;
    for (let attempt = 0; done === null; attempt++) {
      if (attempt === 8) throw new Error("no attempt saw a producer drop a shard it kept for the grace");
      const dst = uniqueName("hodst");
      await expectSuccess(client, newAccountTx(client, dst, ADMIN_PUBKEY, ADMIN_PUBKEY));
      // P and s: s kept by P for the grace only (last epoch's, not this one's nor the next's), applied there, the head early
      // in the epoch (its LIB at most 8 blocks in: the grace keeps s to the epoch's end), so P still applies s when the tx comes.
      // s of group 1 (1 or 3), which one producer of three holds: the epoch after next gives it back to P one time in three
      // (group 0's shard 2, two in three).
      const { p, s, epoch } = await waitFor(
        "a producer keeping a shard for the grace only, early in the epoch",
        async () => {
          const all = await Promise.all(net.nodes.map((_, i) => status(i)));
          for (const [i, a] of all.entries()) {
            const plan = a.plan;
            if (plan === null || plan.last === null || plan.next === null) continue;
            if ((await chainInfo(net.nodes[i])).lib > plan.epoch * V + 8) continue;
            const s = plan.last.find((x) => x % 2 === 1 && !plan.now.includes(x) && !plan.next!.includes(x));
            const st = a.shards.find((x) => x.shard === s);
            if (s !== undefined && st !== undefined && st.dropped === undefined && st.syncing === undefined) return { p: i, s, epoch: plan.epoch };
          }
          return null;
        },
        120_000,
        250,
      );
      const node = net.nodes[p];
      const others = net.nodes.map((_, i) => i).filter((i) => i !== p);
      const handedBefore = (await status(p)).plan!.handed.length;
      // The others' pools of s: a void attempt's tx may wait in one (its producer took s on again).
      const pooled = async (j: number) => (await status(j)).shards.find((x) => x.shard === s)?.pool ?? 0;
      const poolsBefore = await Promise.all(others.map(pooled));
      const from = homes.get(s)!;
      const tx = client.iost.transfer("iost", from, dst, "1", "handed");
      tx.time += AHEAD_NS;
      tx.expiration = tx.time + 90_000_000_000;
      signTx(client, tx, accountFromSecret(from, ADMIN_SECRET, Algorithm.Ed25519));
      // Its forward to the peers fails (after the answer, within PUSH_TIMEOUT_MS): P's links cut meanwhile.
      for (const j of others) net.cut(p, j);
      const sent = await post(node.url, "/sendTx", txJson(tx));
      await new Promise((r) => setTimeout(r, 3_000));
      for (const j of others) net.heal(p, j);
      expect(sent.status, sent.text).toBe(200);
      const hash = sent.body.hash as string;
      console.log(`node ${p} keeps shard ${s} for the grace in epoch ${epoch}; tx ${hash} of ${from} pooled there only`);
      for (const [k, j] of others.entries()) expect(await pooled(j), `node ${j}'s pool of shard ${s}`).toBeLessThanOrEqual(poolsBefore[k]);

      // P drops s, its pool handed over first (the peers applying s took the tx); or the attempt is void.
      const outcome = await waitFor(
        `node ${p} dropped shard ${s}, its pool handed over`,
        async () => {
          const a = await status(p);
          const h = a.plan?.handed.slice(handedBefore).find((x) => x.shard === s);
          if (a.shards.find((x) => x.shard === s)?.dropped === true && h !== undefined) return h;
          return a.plan !== null && a.plan.epoch > epoch && a.plan.keep.includes(s) && a.plan.next?.includes(s) === true ? "void" : null;
        },
        60_000,
        250,
      );
      if (outcome === "void") {
        console.log(`node ${p} takes shard ${s} on again for epoch ${epoch + 2}: attempt ${attempt} void`);
        continue;
      }
      console.log(`node ${p}: shard ${s}'s pool handed over: ${JSON.stringify(outcome)}`);
      expect(outcome.txs).toBeGreaterThanOrEqual(1);
      expect(outcome.requests).toBe(others.length);
      done = { p, s, hash, dst };
    }
    const { hash, dst } = done;

    // Final once its time came: the receipt (answered once irreversible), and dst got 1 IOST, once, on every node.
    const receipt = await waitFor(
      `tx ${hash} final`,
      async () => {
        for (const n of net.nodes) {
          const r = await getJson(`${n.url}/getTxReceiptByTxHash/${hash}`);
          if (r.status === 200) return r.body;
        }
        return null;
      },
      90_000,
      1_000,
    );
    expect(receipt.status_code).toBe("SUCCESS");
    expect(await balancesAgree(net.nodes, [dst])).toEqual([]);
    const { body } = await getJson(`${net.nodes[(done.p + 1) % net.nodes.length].url}/getTokenBalance/${dst}/iost/true`);
    expect(String(body.balance)).toBe("1");
  }, 480_000);
});

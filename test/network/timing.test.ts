/**
 * Four nodes under production timing (issue 14 item 6): every link 100–250 ms
 * one way, every coordinator's alarm up to 250 ms late and now and then
 * delivered twice (harness `productionTiming`). Checks that the timing is
 * really there (on the proxies and in the block times), that a tx sent to any
 * node is irreversible within docs/FINALITY.md's bound ("Timing under
 * production conditions"), and two faults under it: a node cut off and
 * healed, a node stopped and restarted. Every step waits for what it asserts
 * (a receipt, a LIB), never for a count of slots: an idle chain may make no
 * blocks. A FinalityWatch checks that no final block ever changes.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, post, signTx, txJson, type Client } from "../e2e/helpers/sdk";
import {
  allInfo,
  chainInfo,
  FinalityWatch,
  finalChainDiff,
  getJson,
  productionTiming,
  startNetwork,
  waitFor,
  type NetNode,
  type Network,
  type Timing,
} from "./harness";

const INTERVAL_MS = 500; // the devnet's block interval, one block per slot

/**
 * docs/FINALITY.md "Timing under production conditions": send → irreversible
 * on the receiving node ≤ 2I + 2J + 3d (I the interval, J the most an alarm is
 * late, d the slowest link), before processing time.
 */
const bound = (t: Timing) => 2 * INTERVAL_MS + 2 * t.alarmJitterMs + 3 * t.linkMs.max;
/**
 * Processing, which the bound leaves out: six steps in a row (take the tx,
 * build B, check and endorse B, build C, check and endorse C, count the
 * endorsements), each up to 500 ms where four workerd nodes share a loaded
 * 2-core machine (tens of ms on Cloudflare).
 */
const SLACK_MS = 3_000;
/**
 * The tail: a block orphaned by a fork (its txs wait two more intervals) and a parent finalized by
 * its grandchild (one more). The p99 of 24 is their worst, which may meet this twice.
 */
const TAIL_MS = 3 * INTERVAL_MS;

const loadavg = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

describe("four nodes under production timing", () => {
  const timing = productionTiming();
  let net: Network;
  let watch: FinalityWatch;
  let client: Client;
  let memo = 0;

  beforeAll(async () => {
    // The default, on-demand: a node back from a cut link or a restart must catch up though the others rest.
    net = await startNetwork({ nodes: 4, vars: { SHARD_COUNT: "1" }, timing });
    watch = new FinalityWatch(net.nodes);
    watch.start();
    client = await connect(net.nodes[0].url);
  }, 240_000);
  afterAll(async () => {
    await watch?.stop();
    await net?.stop();
  }, 60_000);

  /** Posts a signed admin → producer000 transfer to `node`; its hash, and when the node answered (performance.now). */
  async function send(node: NetNode): Promise<{ hash: string; at: number }> {
    const tx = client.iost.transfer("iost", "admin", "producer000", "0.01", `timing ${++memo}`);
    signTx(client, tx, client.admin);
    const r = await post(node.url, "/sendTx", txJson(tx));
    if (r.status !== 200) throw new Error(`sendTx to node ${node.index}: HTTP ${r.status} ${r.text}`);
    return { hash: String(r.body.hash), at: performance.now() };
  }

  /** When (performance.now) `node` first answers the receipt of `hash` (IOST answers receipts of irreversible txs only). */
  async function irreversible(node: NetNode, hash: string, timeoutMs = 30_000): Promise<number> {
    return waitFor(
      `receipt of ${hash} on node ${node.index}`,
      async () => {
        const r = await getJson(`${node.url}/getTxReceiptByTxHash/${hash}`);
        if (r.status !== 200) return undefined;
        expect(r.body.status_code).toBe("SUCCESS");
        return performance.now();
      },
      timeoutMs,
      25,
    );
  }

  it("links are slow and alarms late: on the proxies and in the block times", async () => {
    // A first tx final everywhere: the nodes are up, linked and producing.
    const first = await send(net.nodes[0]);
    for (const node of net.nodes) await irreversible(node, first.hash, 90_000);
    const link = net.link(0, 1);
    const t0 = performance.now();
    expect((await getJson(`${link.url}/getChainInfo`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * timing.linkMs.min - 2);
    // On demand, the tx's block and its endorsements crossed it (a resting network sends nothing more).
    expect(link.delays.length).toBeGreaterThan(3);
    expect(link.delays.every((d) => d >= timing.linkMs.min && d <= timing.linkMs.max)).toBe(true);
    // Block times are the wall time the alarm ran at: logged, not asserted (on a loaded machine
    // punctual alarms run late too; test/workers/alarm-jitter.test.ts checks the knob itself).
    const head = (await chainInfo(net.nodes[0])).head;
    const offsets: number[] = [];
    for (let n = Math.max(1, head - 30); n <= head; n++) {
      const { body } = await getJson(`${net.nodes[0].url}/getBlockByNumber/${n}/false`);
      offsets.push(Number(BigInt(body.block.time) / 1_000_000n) % INTERVAL_MS);
    }
    offsets.sort((a, b) => a - b);
    console.log(`block times into their slots: p50 ${pct(offsets, 50)} ms, max ${offsets.at(-1)} ms over ${offsets.length} blocks`);
  });

  it("a tx sent to any node is irreversible there within the documented bound", async () => {
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 24; i++) {
      const node = net.nodes[i % 4];
      const sent = await send(node);
      pending.push(irreversible(node, sent.hash).then((t) => void latencies.push(t - sent.at)));
      await sleep(350);
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    const [p50, p99] = [pct(latencies, 50), pct(latencies, 99)].map(Math.round);
    console.log(
      `send → irreversible, ${latencies.length} txs: p50 ${p50} ms, p99 ${p99} ms (bound ${bound(timing)} ms, tail ${TAIL_MS} ms, slack ${SLACK_MS} ms)`,
    );
    console.log(`load average ${loadavg()}`);
    expect(p50).toBeLessThanOrEqual(bound(timing) + SLACK_MS);
    expect(p99).toBeLessThanOrEqual(bound(timing) + 2 * TAIL_MS + SLACK_MS);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    await watch.poll();
    expect(watch.violations).toEqual([]);
  });

  it("a node cut off: the other three finalize a tx; healed, it has the same final chain", async () => {
    net.partition([3], [0, 1, 2]);
    try {
      const sent = await send(net.nodes[1]);
      await Promise.all([0, 1, 2].map((i) => irreversible(net.nodes[i], sent.hash)));
      net.healAll();
      // With no traffic the healed node hears of the head at the next re-push, whose back-off reaches a
      // minute while a peer stays away (coordinator.ts MAX_REPUSH_MS), plus slow links and late alarms.
      await irreversible(net.nodes[3], sent.hash, 90_000).catch(async (err: unknown) => {
        // Which side stopped asking: every node's sync state and chain, and what crossed the links to and from node 3.
        for (const node of net.nodes) {
          const { body } = await getJson(`${node.url}/dev/status`).catch((e: Error) => ({ body: e.message }));
          console.log(`node ${node.index} (${node.url}): ${JSON.stringify({ chain: body?.chain, sync: body?.coordinator?.sync })}`);
        }
        for (const [from, to] of [0, 1, 2].flatMap((i) => [
          [i, 3],
          [3, i],
        ]))
          console.log(`link ${from}->${to}: ${JSON.stringify(Object.fromEntries(net.link(from, to).paths))}`);
        throw err;
      });
    } finally {
      net.healAll();
    }
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    await watch.poll();
    expect(watch.violations).toEqual([]);
  });

  it("a node stopped and restarted catches up on what was final meanwhile", async () => {
    const node = net.nodes[2];
    await node.stop();
    const sent = await send(net.nodes[0]);
    await Promise.all([0, 1, 3].map((i) => irreversible(net.nodes[i], sent.hash)));
    const lib = (await chainInfo(net.nodes[0])).lib;
    await node.start();
    await irreversible(node, sent.hash, 60_000);
    await waitFor(`node 2's LIB at ${lib}`, async () => (await chainInfo(node)).lib >= lib, 60_000);
    // And it takes part again: a tx sent to it becomes final on all four.
    const again = await send(node);
    for (const n of net.nodes) await irreversible(n, again.hash);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    await watch.poll();
    expect(watch.violations).toEqual([]);
    expect((await allInfo(net.nodes)).every((i) => i.lib >= lib)).toBe(true);
  });
});

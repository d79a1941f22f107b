/**
 * `npm run bench`: starts a devnet node (workerd, state persisted to a temp
 * dir), funds sender accounts, then measures over real HTTP:
 *   - signed transfers/s accepted by /sendTx
 *   - transfers/s end to end (first send → last receipt irreversible)
 *   - transfers/s executed by one shard (time inside its chunk builds)
 *   - send-to-irreversible latency p50/p99, read latency p50/p99
 *   - WebCrypto Ed25519 verifications/s inside the Worker, and requests/s to a
 *     route that does nothing: the two ceilings intake is compared against
 *   - contract calls/s on one shard, deploy time, JS gas per ms (bench/vm.ts)
 * then, on fresh nodes with 1, 2 and 4 shards (bench/shards.ts), executed
 * transfers/s and the coordinator's time per block, and prints Markdown tables
 * for BENCHMARKS.md; last, a network of 4 nodes (bench/network.ts): send → final
 * latency by both finality rules and a lagging node's catch-up rate; reads
 * (bench/reads.ts): object calls per read route and the edge cache's hit rate; and what a node and
 * a 4-node testnet cost on Cloudflare, idle and under load (bench/cost.ts, docs/COST.md).
 *
 *   npm run bench -- [--only node,shards,network,reads,cost] [--read-shards 4] [--read-requests 1000] [--txs 4000] [--senders 100] [--concurrency 32]
 *     [--shard-txs 2000] [--vm-calls 1000] [--net-shards 1] [--net-rate 8] [--net-seconds 30] [--lag-blocks 150]
 *     [--production-timing]   (the network with 100–250 ms links and late alarms; TIMING_SEED replays)
 *     [--cost-idle 60] [--cost-load 40] [--cost-net-shards 4]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { action, awaitReceipts, makeSenders, option, percentile, pool, rpc, serverNow, setupSenders, signedTx } from "./lib";
import { costBench } from "./cost";
import { networkBench } from "./network";
import { readsBench } from "./reads";
import { productionTiming } from "../test/network/harness";
import { shardScaling } from "./shards";
import { vmBench } from "./vm";
import { startNode } from "../scripts/node";

/** Sections to run: `--only a,b` (default all). */
function sections(): Set<string> {
  const all = ["node", "shards", "network", "reads", "cost"];
  const at = process.argv.indexOf("--only");
  if (at < 0) return new Set(all);
  const picked = (process.argv[at + 1] ?? "").split(",").filter((s) => s !== "");
  const bad = picked.filter((s) => !all.includes(s));
  if (picked.length === 0 || bad.length > 0) throw new Error(`--only wants some of ${all.join(",")}`);
  return new Set(picked);
}

async function main(): Promise<void> {
  const only = sections();
  if (only.has("node")) await single();
  if (only.has("shards")) await shardScaling([1, 2, 4], option("shard-txs", 2000), option("senders", 100), option("concurrency", 32));
  if (only.has("reads")) await readsBench(option("read-shards", 4), option("read-requests", 1000));
  if (only.has("network"))
    await networkBench({
      shards: option("net-shards", 1),
      rate: option("net-rate", 8),
      seconds: option("net-seconds", 30),
      lagBlocks: option("lag-blocks", 150),
      pollMs: 50,
      timing: process.argv.includes("--production-timing") ? productionTiming() : undefined,
    });
  if (only.has("cost"))
    await costBench({ idleSeconds: option("cost-idle", 60), loadSeconds: option("cost-load", 40), netShards: option("cost-net-shards", 4) });
}

/** One node, 1 shard: intake, end to end, latency, reads, ceilings, contract VM. */
async function single(): Promise<void> {
  const txCount = option("txs", 4000);
  const senderCount = option("senders", 100);
  const concurrency = option("concurrency", 32);
  const dir = mkdtempSync(join(tmpdir(), "iost-edge-bench-"));
  // The single-shard figures stay comparable across versions: N = 1 here, the shard table below varies N.
  const node = await startNode({ persist: dir, vars: { SHARD_COUNT: "1" } });
  const { url } = node;
  try {
    const senders = makeSenders(senderCount);
    await setupSenders(url, senders, concurrency);

    // Throughput: pre-signed transfers, round robin over the senders.
    const now = await serverNow(url);
    const transfers = Array.from({ length: txCount }, (_, i) => {
      const from = senders[i % senderCount];
      const to = senders[(i + 1) % senderCount];
      return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to.name, "0.01", `${i}`])], now + BigInt(i));
    });
    const before = (await rpc(url, "/dev/status")).json;
    const sendStart = performance.now();
    await pool(transfers, concurrency, async (tx) => {
      const { status, json } = await rpc(url, "/sendTx", tx.body);
      if (status !== 200) throw new Error(`transfer rejected: ${JSON.stringify(json)}`);
    });
    const sendEnd = performance.now();
    const done = await awaitReceipts(
      url,
      transfers.map((t) => t.hash),
      concurrency,
      300_000,
    );
    const allFinal = Math.max(...done.values());
    const after = (await rpc(url, "/dev/status")).json;
    const work = { txs: after.shards[0].work.txs - before.shards[0].work.txs, ms: after.shards[0].work.ms - before.shards[0].work.ms };

    // Latency: one tx at a time, receipt polled every 10 ms.
    const latencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const from = senders[i % senderCount];
      // Stamped now, each: the loop takes longer than a tx's 90 s life.
      const tx = signedTx(from, [action("token.iost", "transfer", ["iost", from.name, "admin", "0.01", `lat${i}`])], await serverNow(url));
      const start = performance.now();
      const { status, json } = await rpc(url, "/sendTx", tx.body);
      if (status !== 200) throw new Error(`latency tx rejected: ${JSON.stringify(json)}`);
      for (;;) {
        const r = await rpc(url, `/getTxReceiptByTxHash/${tx.hash}`);
        if (r.status === 200) break;
        await new Promise((res) => setTimeout(res, 10));
      }
      latencies.push(performance.now() - start);
    }

    // Reads: account and balance views, serially.
    const reads: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = senders[i % senderCount].name;
      const path = i % 2 === 0 ? `/getAccount/${name}/true` : `/getTokenBalance/${name}/iost/true`;
      const start = performance.now();
      const { status } = await rpc(url, path);
      if (status !== 200) throw new Error(`read ${path} failed`);
      reads.push(performance.now() - start);
    }

    // The HTTP path's own ceiling: an unknown route does no work beyond routing.
    const floodCount = 3000;
    const floodStart = performance.now();
    await pool(Array.from({ length: floodCount }), concurrency, async () => {
      await (await fetch(`${url}/benchUnknownRoute`)).text();
    });
    const floodMs = performance.now() - floodStart;

    const verify = (await rpc(url, "/dev/bench/verify?n=5000")).json;
    const vmRows = await vmBench(url, senders, concurrency, option("vm-calls", 1000));

    latencies.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    const perSec = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en-US");
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `\niost-edge bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, 1 shard`,
    );
    console.log(`${txCount} transfers from ${senderCount} senders, ${concurrency} requests in flight\n`);
    console.log("| measure | value |");
    console.log("|---|---|");
    console.log(`| signed transfers accepted over HTTP (/sendTx) | ${perSec(txCount, sendEnd - sendStart)} tx/s |`);
    console.log(`| transfers end to end (first send → last irreversible) | ${perSec(txCount, allFinal - sendStart)} tx/s |`);
    console.log(`| transfers executed by one shard (inside chunk builds, incl. SQLite commit) | ${perSec(work.txs, work.ms)} tx/s |`);
    console.log(`| send → irreversible latency p50 / p99 | ${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} |`);
    console.log(`| read latency (getAccount, getTokenBalance) p50 / p99 | ${ms(percentile(reads, 50))} / ${ms(percentile(reads, 99))} |`);
    console.log(`| HTTP ceiling: requests/s to an unknown route (routing only) | ${perSec(floodCount, floodMs)} req/s |`);
    console.log(`| WebCrypto Ed25519 verify in the Worker (intake ceiling) | ${Math.round(verify.per_second).toLocaleString("en-US")} /s |`);
    for (const row of vmRows) console.log(row);
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

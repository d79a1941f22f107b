/**
 * `npm run bench`: starts a devnet node (workerd, state persisted to a temp
 * dir), funds sender accounts, then measures over real HTTP:
 *   - signed transfers/s accepted by /sendTx
 *   - transfers/s end to end (first send → last tx seen in a final block), from many senders and
 *     from 10 senders with many transfers each
 *   - transfers/s executed by one shard (time inside its chunk builds)
 *   - send-to-irreversible latency p50/p99, read latency p50/p99
 *   - the Worker's CPU per /sendTx and per read, one at a time (bench/cpu.ts)
 *   - the same run's ceilings (bench/ceilings.ts): Ed25519 verifies/s and sha3/s
 *     in the Worker, requests/s to a route that does nothing, SQLite rows/s in
 *     the shard object; each figure is printed beside the ceiling it is bound
 *     by, with the share of it reached
 *   - contract calls/s on one shard, deploy time, JS gas per ms (bench/vm.ts)
 * then, on fresh nodes with 1, 2 and 4 shards (bench/shards.ts), executed
 * transfers/s and the coordinator's time per block, and prints Markdown tables
 * for BENCHMARKS.md; last, a network of 4 nodes (bench/network.ts): send → final
 * latency by both finality rules and a lagging node's catch-up rate; reads
 * (bench/reads.ts): object calls per read route and the edge cache's hit rate; and what a node and
 * a 4-node testnet cost on Cloudflare, idle and under load (bench/cost.ts, docs/COST.md); and how
 * the executed rate and reads change with 10 k … 1 M accounts in state (bench/state.ts); and the state
 * witness of a chunk (bench/witness.ts): its bytes for transfers, contract calls and cross-shard
 * transfers (with their receipts proof), the stateless check's time against the stateful run's; and
 * shard groups (bench/groups.ts): a small network with 1 group, then with 2, the same workload on
 * each, per node its shards' stored bytes, chunks re-executed and checked by witness per block,
 * witness bytes per chunk and requests per check, and a cross-group transfer's send → final.
 *
 *   npm run bench -- [--only node,shards,network,reads,cost,state,witness,groups] [--witness-keys 10000] [--witness-rounds 3] [--read-shards 4] [--read-requests 1000] [--txs 4000] [--senders 100] [--concurrency 32]
 *     [--few-txs N] (transfers of each of 10 senders, the few-senders shape; by default --txs ÷ 10, so both shapes send as many)
 *     [--shard-txs 2000] [--vm-calls 1000] [--net-shards 1] [--net-rate 8] [--net-seconds 30] [--lag-blocks 150]
 *     [--production-timing]   (the network with 100–250 ms links and late alarms; TIMING_SEED replays)
 *     [--cost-idle 60] [--cost-load 40] [--cost-net-shards 4]
 *     [--state-sizes 10000,100000] (add 1000000 for 1 M accounts) [--state-txs 2000] [--state-reads 500]
 *     [--groups-nodes 3] [--groups-shards 4] [--groups 2] [--groups-txs 500] [--groups-senders 20] [--groups-probes 5]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  action,
  awaitFinal,
  awaitReceipts,
  finalHeight,
  makeSenders,
  option,
  percentile,
  pool,
  rpc,
  serverNow,
  setupSenders,
  signedTx,
  sendTx,
  type Signer,
  TRANSFER_GAS,
} from "./lib";
import { type Ceilings, ceilingRows, int, intakeCeiling, measureCeilings, ms, type Row, ratio, table } from "./ceilings";
import { costBench } from "./cost";
import { cpuPerRequest, type CpuSample } from "./cpu";
import { networkBench } from "./network";
import { readsBench } from "./reads";
import { productionTiming } from "../test/network/harness";
import { shardScaling } from "./shards";
import { sizes, stateScaling } from "./state";
import { type VmFigures, vmBench } from "./vm";
import { witnessBench } from "./witness";
import { groupsBench } from "./groups";
import { startNode } from "../scripts/node";

/** Sections to run: `--only a,b` (default all). */
function sections(): Set<string> {
  const all = ["node", "shards", "network", "reads", "cost", "state", "witness", "groups"];
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
  if (only.has("state")) await stateScaling(sizes(), option("state-txs", 2000), option("state-reads", 500), option("concurrency", 32));
  if (only.has("witness")) {
    console.log("\n## State witnesses (bench/witness.ts, in memory)\n");
    console.log(await witnessBench(option("witness-keys", 10_000), option("witness-rounds", 3)));
  }
  if (only.has("groups"))
    await groupsBench({
      nodes: option("groups-nodes", 3),
      shards: option("groups-shards", 4),
      groups: option("groups", 2),
      txs: option("groups-txs", 500),
      senders: option("groups-senders", 20),
      concurrency: option("concurrency", 16),
      probes: option("groups-probes", 5),
    });
}

/** A devnet block interval (wrangler.toml BLOCK_INTERVAL_MS); a tx is final two intervals after it is sent at most (docs/FINALITY.md). */
const BLOCK_MS = 500;

/** Rows written by shard 0's chunk builds that carried txs, and those txs, so far (its cost meter, docs/COST.md). */
function chunkRows(status: any): { txs: number; rows: number } {
  const shard = (status.cost.objects as { object: string; spans: Record<string, { loaded: { txs: number; rowsWritten: number } }> }[]).find((o) =>
    o.object.endsWith("shard-0"),
  );
  const loaded = shard?.spans.chunk?.loaded;
  return { txs: loaded?.txs ?? 0, rows: loaded?.rowsWritten ?? 0 };
}

/**
 * Transfers one at a time: the Worker's CPU per /sendTx. Accepted, they go into blocks meanwhile, built
 * on the same thread locally (their waits in X-Worker-Ms, their CPU in the process figure); sent again
 * once they are final, each passes every check of the edge (parse, CheckBadTx, verify, hashes) and the
 * shard refuses it as a duplicate with no block to build: the Worker's own part alone.
 */
async function sendCpu(url: string, senders: Signer[], n: number): Promise<{ accepted: CpuSample; again: CpuSample }> {
  const now = await serverNow(url);
  const txs = Array.from({ length: n }, (_, i) => {
    const from = senders[i % senders.length];
    return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, "admin", "0.01", `cpu${i}`])], now + BigInt(i));
  });
  const accepted = await cpuPerRequest(n, async (i) => {
    const { status, json, headers } = await rpc(url, "/sendTx", txs[i].body);
    if (status !== 200) throw new Error(`cpu tx rejected: ${JSON.stringify(json)}`);
    return Number(headers.get("X-Worker-Ms"));
  });
  await awaitReceipts(
    url,
    txs.map((t) => t.hash),
    8,
    120_000,
  );
  const again = await cpuPerRequest(n, async (i) => {
    const { status, json, headers } = await rpc(url, "/sendTx", txs[i].body);
    if (status !== 400 || !String(json.message).includes("exists in chain")) throw new Error(`cpu tx again: ${JSON.stringify(json)}`);
    return Number(headers.get("X-Worker-Ms"));
  });
  return { accepted, again };
}

/** Transfers/s accepted by /sendTx and end to end (first send → last irreversible) in one batch. */
interface Rates {
  accepted: number;
  endToEnd: number;
}

/** Senders of the few-senders shape (`--few-txs` transfers each, by default as many in all as the many senders send). */
const FEW_SENDERS = 10;

/** A tx signed before the timer is signed again as it is sent if it is this old (ns): none expires (90 s) on a slow machine. */
const RESIGN_AGE = 60_000_000_000n;

/**
 * `perSender` transfers from each of `senders`, round robin, `concurrency` in flight; each pays the
 * next sender. It measures the node, not the client (BENCHMARKS.md "Session 15"):
 *   - the txs are signed before the timer (the bare-route ceiling's client signs nothing), stamped
 *     with the node's clock then; one the node has not taken within RESIGN_AGE is signed again as it
 *     is sent, so a slow run sees none expire;
 *   - finality is watched as a client of a busy chain would (`awaitFinal`: the irreversible height and
 *     each new final block's txs, a few requests a block), from the first send on. Polling every tx's
 *     receipt after the last send, as this did before, sent one or more requests per tx into the
 *     node it measures, started only after the last send, and saw the last receipts seconds after
 *     their block was final.
 */
async function throughput(url: string, senders: Signer[], perSender: number, concurrency: number, tag: string): Promise<Rates> {
  const n = senders.length * perSender;
  const transfer = (i: number, now: bigint) => {
    const from = senders[i % senders.length];
    const to = senders[(i + 1) % senders.length];
    return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to.name, "0.01", `${tag}${i}`])], now, undefined, TRANSFER_GAS);
  };
  const from = await finalHeight(url);
  const signedAt = await serverNow(url);
  const txs = Array.from({ length: n }, (_, i) => transfer(i, signedAt + BigInt(i)));
  const start = performance.now();
  const open = new Set(txs.map((t) => t.hash));
  const final = awaitFinal(url, open, from, 300_000);
  // A rejection below must not leave the watch's failure unhandled.
  final.catch(() => {});
  await pool(txs, concurrency, async (signed, i) => {
    const now = signedAt + BigInt(Math.floor(performance.now() - start)) * 1_000_000n + BigInt(i);
    const tx = now - signedAt > RESIGN_AGE ? transfer(i, now) : signed;
    if (tx !== signed) {
      open.delete(signed.hash);
      open.add(tx.hash);
    }
    const { status, json } = await sendTx(url, tx.body);
    if (status !== 200) throw new Error(`transfer rejected: ${JSON.stringify(json)}`);
  });
  const sent = performance.now();
  return { accepted: (n * 1000) / (sent - start), endToEnd: (n * 1000) / ((await final) - start) };
}

interface SingleFigures {
  many: Rates;
  few: Rates;
  fewEach: number;
  executed: number;
  rowsPerTx: number;
  latencies: number[];
  reads: number[];
  sendCpu: { accepted: CpuSample; again: CpuSample };
  readCpu: CpuSample;
  ceilings: Ceilings;
  vm: VmFigures;
}

/** The node table: each figure beside the ceiling of the same run it is bound by. */
function singleRows(f: SingleFigures): Row[] {
  const c = f.ceilings;
  const intake = intakeCeiling(c);
  const sqlite = c.rowWritesPerSec / f.rowsPerTx;
  const cpu = (s: CpuSample) => `${s.workerMs.toFixed(3)} ms${s.processMs === null ? "" : ` (workerd ${s.processMs.toFixed(2)} ms)`}`;
  const p = (xs: number[], n: number) => percentile(xs, n);
  return [
    {
      measure: "signed transfers accepted over HTTP (/sendTx)",
      value: `${int(f.many.accepted)} tx/s`,
      ceiling: `${int(intake.perSec)} (${intake.name})`,
      ratio: ratio(f.many.accepted, intake.perSec),
    },
    {
      measure: "transfers end to end (first send → last irreversible)",
      value: `${int(f.many.endToEnd)} tx/s`,
      ceiling: `${int(intake.perSec)} (${intake.name})`,
      ratio: ratio(f.many.endToEnd, intake.perSec),
    },
    {
      measure: `the same, ${FEW_SENDERS} senders × ${f.fewEach} transfers each, accepted (${ratio(f.few.accepted, f.many.accepted)} of the rate above)`,
      value: `${int(f.few.accepted)} tx/s`,
      ceiling: `${int(intake.perSec)} (${intake.name})`,
      ratio: ratio(f.few.accepted, intake.perSec),
    },
    {
      measure: `the same, ${FEW_SENDERS} senders × ${f.fewEach} transfers each, end to end (${ratio(f.few.endToEnd, f.many.endToEnd)} of the rate above)`,
      value: `${int(f.few.endToEnd)} tx/s`,
      ceiling: `${int(intake.perSec)} (${intake.name})`,
      ratio: ratio(f.few.endToEnd, intake.perSec),
    },
    {
      measure: "transfers executed by one shard (inside chunk builds, incl. SQLite commit)",
      value: `${int(f.executed)} tx/s`,
      ceiling: `${int(sqlite)} (SQLite rows written/s ÷ ${f.rowsPerTx.toFixed(2)} rows per transfer)`,
      ratio: ratio(f.executed, sqlite),
    },
    {
      measure: "send → irreversible latency p50 / p99",
      value: `${ms(p(f.latencies, 50))} / ${ms(p(f.latencies, 99))}`,
      ceiling: `${ms(2 * BLOCK_MS)} (2 block intervals, p50)`,
      ratio: ratio(p(f.latencies, 50), 2 * BLOCK_MS, true),
    },
    {
      measure: "read latency (getAccount, getTokenBalance) p50 / p99",
      value: `${ms(p(f.reads, 50))} / ${ms(p(f.reads, 99))}`,
      ceiling: `${ms(c.bareP50)} (bare route one at a time, p50)`,
      ratio: ratio(p(f.reads, 50), c.bareP50, true),
    },
    {
      measure: "Worker CPU per /sendTx, 300 one at a time: X-Worker-Ms mean (workerd process CPU per request: objects and blocks too)",
      value: cpu(f.sendCpu.accepted),
      ceiling: `${c.bareWorkerMs.toFixed(3)} ms (bare route, mean of 1,000)`,
      ratio: ratio(f.sendCpu.accepted.workerMs, c.bareWorkerMs, true),
    },
    {
      measure: "the same 300 /sendTx again once final: every edge check, refused by the shard as a duplicate, no block to build",
      value: cpu(f.sendCpu.again),
      ceiling: `${c.bareWorkerMs.toFixed(3)} ms (bare route, mean of 1,000)`,
      ratio: ratio(f.sendCpu.again.workerMs, c.bareWorkerMs, true),
    },
    {
      measure: "Worker CPU per read (getAccount, getTokenBalance), 1,000 one at a time: X-Worker-Ms mean (workerd process CPU per request)",
      value: cpu(f.readCpu),
      ceiling: `${c.bareWorkerMs.toFixed(3)} ms (bare route, mean of 1,000)`,
      ratio: ratio(f.readCpu.workerMs, c.bareWorkerMs, true),
    },
    ...ceilingRows(c),
    {
      measure: "contract calls executed by one shard (a storage write; inside chunk builds, incl. SQLite commit)",
      value: `${int(f.vm.callsPerSec)} calls/s`,
      ceiling: `${int(f.executed)} (transfers executed by the shard)`,
      ratio: ratio(f.vm.callsPerSec, f.executed),
    },
    { measure: "contract deploy (setCode of a 5-line contract, init included), shard time", value: ms(f.vm.deployMs), ceiling: "—", ratio: "" },
    { measure: "JS gas per millisecond (pure loop, per-call costs excluded)", value: `${int(f.vm.gasPerMs)} gas/ms`, ceiling: "—", ratio: "" },
  ];
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
    const before = (await rpc(url, "/dev/status")).json;
    const rowsBefore = chunkRows(before);
    const many = await throughput(url, senders, Math.ceil(txCount / senderCount), concurrency, "");
    const after = (await rpc(url, "/dev/status")).json;
    const work = { txs: after.shards[0].work.txs - before.shards[0].work.txs, ms: after.shards[0].work.ms - before.shards[0].work.ms };
    const rowsAfter = chunkRows(after);
    // Few senders, many txs each: a hot wallet's shape; it must go as fast as many senders.
    // As many txs in all as above: end to end holds a fixed tail (the last block's two intervals to final), which a
    // shorter batch would divide by less.
    const fewEach = option("few-txs", Math.ceil(txCount / FEW_SENDERS));
    const few = await throughput(url, senders.slice(0, FEW_SENDERS), fewEach, concurrency, "few");

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
    const readCpu = await cpuPerRequest(1000, async (i) => {
      const name = senders[i % senderCount].name;
      const path = i % 2 === 0 ? `/getAccount/${name}/true` : `/getTokenBalance/${name}/iost/true`;
      const start = performance.now();
      const { status, headers } = await rpc(url, path);
      if (status !== 200) throw new Error(`read ${path} failed`);
      reads.push(performance.now() - start);
      return Number(headers.get("X-Worker-Ms"));
    });
    const sendCpuSample = await sendCpu(url, senders, 300);
    const ceilings = await measureCeilings(url, concurrency);
    const vm = await vmBench(url, senders, concurrency, option("vm-calls", 1000));

    latencies.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    console.log(
      `\niost-edge bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, 1 shard, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
    );
    console.log(`${txCount} transfers from ${senderCount} senders, ${concurrency} requests in flight\n`);
    const rows = singleRows({
      many,
      few,
      fewEach,
      executed: (work.txs * 1000) / work.ms,
      rowsPerTx: (rowsAfter.rows - rowsBefore.rows) / (rowsAfter.txs - rowsBefore.txs),
      latencies,
      reads,
      sendCpu: sendCpuSample,
      readCpu,
      ceilings,
      vm,
    });
    for (const line of table(rows)) console.log(line);
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

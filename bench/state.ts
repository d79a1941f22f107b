/**
 * State size (BENCHMARKS.md "State size"): how the executed rate and read latency change with the
 * number of accounts in a shard's state. One fresh 1-shard node; senders are set up by real txs,
 * then the state is grown to each size in turn by the dev bulk seed (/dev/bench/seed: the first
 * sender's rows copied under names `s00000000…`, durable-objects/shard/bench.ts), not by a million
 * sign-up txs. At each size:
 *   - transfers from the senders to seeded accounts spread over the whole state (each one a read
 *     and a write of a cold balance row), executed transfers/s from the shard's chunk-build time;
 *   - reads of seeded accounts (getAccount, getTokenBalance) one at a time, p50 / p99, and the
 *     Worker's own time per read;
 *   - the shard's SQLite size (its meter's `bytes`) and the seed's own rate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedName } from "../durable-objects/shard/bench";
import { startNode } from "../scripts/node";
import { int, ms } from "./ceilings";
import { action, awaitReceipts, makeSenders, percentile, pool, rpc, serverNow, setupSenders, shardWork, signedTx } from "./lib";

/** Accounts per seed call: one transaction of about 50,000 rows, a second or two on a busy machine. */
const BATCH = 5_000;
const SENDERS = 50;

/** `--state-sizes a,b,c`, ascending; by default 10 k and 100 k accounts (1 M adds ~1.2 GB and minutes of seeding: asked for by name). */
export function sizes(): number[] {
  const at = process.argv.indexOf("--state-sizes");
  const text = at < 0 ? "10000,100000" : (process.argv[at + 1] ?? "");
  const list = text.split(",").map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--state-sizes wants positive integers, comma separated");
  return [...list].sort((a, b) => a - b);
}

/** `n` indexes spread over [0, size): a fixed stride coprime with most sizes, so runs repeat. */
const spread = (n: number, size: number): number[] => Array.from({ length: n }, (_, i) => (i * 7_919 + 13) % size);

/** One seed call; asked again if the connection broke (seeding a range again writes the same rows). */
async function seed(url: string, body: string): Promise<{ rows: number; ms: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await rpc(url, "/dev/bench/seed", body);
      if (r.status !== 200) throw new Error(`seed failed: ${JSON.stringify(r.json)}`);
      return r.json;
    } catch (err) {
      if (attempt === 3 || !(err as Error).message.includes("fetch failed")) throw err;
      console.log(`state: seed ${body} again after ${(err as Error).message}`);
    }
  }
}

interface Level {
  accounts: number;
  stateRows: number;
  mb: number;
  seedRowsPerSec: number;
  executed: number;
  readP50: number;
  readP99: number;
  workerMs: number;
}

export async function stateScaling(levels: number[], txCount: number, readCount: number, concurrency: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "iost-edge-bench-state-"));
  const node = await startNode({ persist: dir, vars: { SHARD_COUNT: "1" } });
  const { url } = node;
  const out: Level[] = [];
  try {
    const senders = makeSenders(SENDERS);
    await setupSenders(url, senders, concurrency);
    const template = senders[0].name;
    let have = 0;
    let seedRows = 0;
    let seedMs = 0;
    let stateRows = 0;
    for (const size of levels) {
      let rows = 0;
      let took = 0;
      for (; have < size; have += Math.min(BATCH, size - have)) {
        const count = Math.min(BATCH, size - have);
        const r = await seed(url, JSON.stringify({ template, from: have, count }));
        rows += r.rows;
        took += r.ms;
      }
      if (rows > 0) [seedRows, seedMs] = [rows, took];
      stateRows += rows;

      const now = await serverNow(url);
      const targets = spread(txCount, size);
      const txs = targets.map((t, i) => {
        const from = senders[i % SENDERS];
        return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, seedName(t), "0.01", `st${size}-${i}`])], now + BigInt(i));
      });
      const before = await shardWork(url);
      await pool(txs, concurrency, async (tx) => {
        const { status, json } = await rpc(url, "/sendTx", tx.body);
        if (status !== 200) throw new Error(`transfer rejected: ${JSON.stringify(json)}`);
      });
      await awaitReceipts(
        url,
        txs.map((t) => t.hash),
        concurrency,
        600_000,
      );
      const after = await shardWork(url);

      const reads: number[] = [];
      let own = 0;
      for (const [i, t] of spread(readCount, size).entries()) {
        const name = seedName((t * 31 + 7) % size);
        const path = i % 2 === 0 ? `/getAccount/${name}/true` : `/getTokenBalance/${name}/iost/true`;
        const start = performance.now();
        const { status, json, headers } = await rpc(url, path);
        if (status !== 200) throw new Error(`read ${path}: ${JSON.stringify(json)}`);
        reads.push(performance.now() - start);
        own += Number(headers.get("X-Worker-Ms"));
      }
      reads.sort((a, b) => a - b);
      const cost = (await rpc(url, "/dev/cost")).json as { objects: { object: string; bytes: number }[] };
      const bytes = cost.objects.find((o) => o.object.endsWith("shard-0"))?.bytes ?? 0;
      out.push({
        accounts: size,
        stateRows,
        mb: bytes / 1e6,
        seedRowsPerSec: (seedRows * 1000) / seedMs,
        executed: ((after.txs - before.txs) * 1000) / (after.ms - before.ms),
        readP50: percentile(reads, 50),
        readP99: percentile(reads, 99),
        workerMs: own / readCount,
      });
      console.log(`state: ${int(size)} accounts seeded (${int(stateRows)} rows), measured`);
    }
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = out[0];
  console.log(`\n${txCount} transfers to seeded accounts and ${readCount} reads of them at each size (1 shard, ${SENDERS} senders)\n`);
  console.log("| accounts seeded | rows seeded | shard SQLite | seed rows/s | executed tx/s | × first | read p50 / p99 | × first (p50) | Worker ms per read |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const l of out) {
    console.log(
      `| ${int(l.accounts)} | ${int(l.stateRows)} | ${l.mb.toFixed(0)} MB | ${int(l.seedRowsPerSec)} | ${int(l.executed)} | ${(l.executed / base.executed).toFixed(2)} | ${ms(l.readP50)} / ${ms(l.readP99)} | ${(l.readP50 / base.readP50).toFixed(2)} | ${l.workerMs.toFixed(3)} |`,
    );
  }
}

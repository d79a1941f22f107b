/**
 * Shard scaling (docs/SHARDING.md): the same transfer load on fresh nodes with
 * 1, 2 and 4 shards. Senders send round robin to the next sender, so with N
 * shards most transfers cross shards (a debit, a credit receipt, a settle).
 * Per node: transfers executed per second of the busiest shard's chunk-build
 * time (shards build in parallel, so the busiest one bounds a block), end to
 * end transfers/s, and the coordinator's wall time per block (and its own part,
 * outside the shards' builds). On one machine all objects share its cores, so
 * end-to-end figures cannot scale here; the executed rate is what each shard
 * Durable Object would sustain on its own isolate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../scripts/node";
import { action, awaitReceipts, makeSenders, pool, rpc, serverNow, setupSenders, signedTx } from "./lib";

interface Row {
  shards: number;
  executed: number;
  endToEnd: number;
  blockMs: number;
  ownMs: number;
}

interface Work {
  coordinator: { work: { blocks: number; ms: number; ownMs: number } };
  shards: { work: { txs: number; ms: number } }[];
}

async function measure(shards: number, txCount: number, senderCount: number, concurrency: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), `iost-edge-bench-n${shards}-`));
  const node = await startNode({ persist: dir, vars: { SHARD_COUNT: String(shards) } });
  try {
    const senders = makeSenders(senderCount);
    await setupSenders(node.url, senders, concurrency);
    const now = await serverNow(node.url);
    const transfers = Array.from({ length: txCount }, (_, i) => {
      const from = senders[i % senderCount];
      const to = senders[(i + 1) % senderCount];
      return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to.name, "0.01", `s${i}`])], now + BigInt(i));
    });
    const before = (await rpc(node.url, "/dev/status")).json as Work;
    const start = performance.now();
    await pool(transfers, concurrency, async (tx) => {
      const { status, json } = await rpc(node.url, "/sendTx", tx.body);
      if (status !== 200) throw new Error(`transfer rejected: ${JSON.stringify(json)}`);
    });
    const done = await awaitReceipts(
      node.url,
      transfers.map((t) => t.hash),
      concurrency,
      300_000,
    );
    const end = Math.max(...done.values());
    const after = (await rpc(node.url, "/dev/status")).json as Work;
    const txs = after.shards.reduce((n, s, i) => n + s.work.txs - before.shards[i].work.txs, 0);
    const busiest = Math.max(...after.shards.map((s, i) => s.work.ms - before.shards[i].work.ms));
    const blocks = after.coordinator.work.blocks - before.coordinator.work.blocks;
    return {
      shards,
      executed: (txs * 1000) / busiest,
      endToEnd: (txCount * 1000) / (end - start),
      blockMs: (after.coordinator.work.ms - before.coordinator.work.ms) / blocks,
      ownMs: (after.coordinator.work.ownMs - before.coordinator.work.ownMs) / blocks,
    };
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function shardScaling(counts: number[], txCount: number, senderCount: number, concurrency: number): Promise<void> {
  const rows: Row[] = [];
  for (const n of counts) rows.push(await measure(n, txCount, senderCount, concurrency));
  const base = rows[0];
  const int = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`\n${txCount} transfers per node, each to the next sender (mostly cross-shard with N > 1)\n`);
  console.log("| shards | executed tx/s (busiest shard) | × N=1 | end to end tx/s | × N=1 | coordinator ms/block (own part) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.shards} | ${int(r.executed)} | ${(r.executed / base.executed).toFixed(2)} | ${int(r.endToEnd)} | ${(r.endToEnd / base.endToEnd).toFixed(2)} | ${r.blockMs.toFixed(1)} (${r.ownMs.toFixed(2)}) |`,
    );
  }
}

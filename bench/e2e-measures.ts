/**
 * The two end-to-end measures of transfers (BENCHMARKS.md "Session 15"), in turns on one 1-shard node,
 * 100 senders, `--txs` transfers each time, 32 in flight, `--rounds` times:
 *   - before session 15 (bench/run.ts then): each tx signed as it is sent, then every receipt polled
 *     (awaitReceipts) after the last send; a watch of the final blocks runs beside it, so the delay
 *     between a tx's block being final and its receipt seen shows;
 *   - now (bench/run.ts `throughput`): signed before the timer, finality watched from the first send
 *     (awaitFinal).
 * Each prints the rates, the bench process's CPU per tx (client, keep-alive relay, signing) and the
 * node's workerd CPU per tx (bench/cpu.ts), while sending and after.
 *
 *   npx tsx bench/e2e-measures.ts [--txs 4000] [--rounds 2]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../scripts/node";
import { workerdCpuMs } from "./cpu";
import { action, awaitFinal, awaitReceipts, finalHeight, makeSenders, option, pool, serverNow, setupSenders, signedTx, sendTx, TRANSFER_GAS } from "./lib";

const n = option("txs", 4000);
const rounds = option("rounds", 2);
const dir = mkdtempSync(join(tmpdir(), "iost-edge-e2em-"));
const node = await startNode({ persist: dir, vars: { SHARD_COUNT: "1" } });
const { url } = node;
/** This process's CPU ms so far. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
try {
  const senders = makeSenders(100);
  await setupSenders(url, senders, 32);
  const tx = (i: number, now: bigint, tag: string) => {
    const from = senders[i % senders.length];
    const to = senders[(i + 1) % senders.length];
    return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to.name, "0.01", `${tag}${i}`])], now, undefined, TRANSFER_GAS);
  };
  for (let r = 0; r < rounds; r++) {
    // Before session 15.
    {
      const from = await finalHeight(url);
      const serverStart = await serverNow(url);
      const c0 = cpu();
      const w0 = workerdCpuMs() ?? 0;
      const start = performance.now();
      const hashes: string[] = [];
      await pool(Array.from({ length: n }), 32, async (_, i) => {
        const t = tx(i, serverStart + BigInt(Math.floor(performance.now() - start)) * 1_000_000n + BigInt(i), `o${r}-`);
        hashes.push(t.hash);
        const { status, json } = await sendTx(url, t.body);
        if (status !== 200) throw new Error(JSON.stringify(json));
      });
      const sent = performance.now();
      const c1 = cpu();
      const w1 = workerdCpuMs() ?? 0;
      const watch = awaitFinal(url, new Set(hashes), from, 300_000);
      const done = await awaitReceipts(url, hashes, 32, 300_000);
      const tReceipts = Math.max(...done.values());
      const tWatch = await watch;
      const c2 = cpu();
      const w2 = workerdCpuMs() ?? 0;
      console.log(
        `OLD r${r} load ${loadavg()[0].toFixed(1)}: accepted ${((n * 1000) / (sent - start)).toFixed(0)}/s; e2e(receipts) ${((n * 1000) / (tReceipts - start)).toFixed(0)}/s; e2e(watch) ${((n * 1000) / (tWatch - start)).toFixed(0)}/s; receipts seen ${(tReceipts - tWatch).toFixed(0)} ms after watch; bench CPU/tx send ${((c1 - c0) / n).toFixed(3)} ms, receipts ${((c2 - c1) / n).toFixed(3)} ms; workerd CPU/tx send ${((w1 - w0) / n).toFixed(3)}, after ${((w2 - w1) / n).toFixed(3)}; send ${(sent - start).toFixed(0)} ms, after-send ${(tReceipts - sent).toFixed(0)} ms`,
      );
    }
    // Now.
    {
      const from = await finalHeight(url);
      const now = await serverNow(url);
      const s0 = cpu();
      const txs = Array.from({ length: n }, (_, i) => tx(i, now + BigInt(i), `n${r}-`));
      const s1 = cpu();
      const c0 = cpu();
      const w0 = workerdCpuMs() ?? 0;
      const start = performance.now();
      const watch = awaitFinal(url, new Set(txs.map((t) => t.hash)), from, 300_000);
      await pool(txs, 32, async (t) => {
        const { status, json } = await sendTx(url, t.body);
        if (status !== 200) throw new Error(JSON.stringify(json));
      });
      const sent = performance.now();
      const c1 = cpu();
      const w1 = workerdCpuMs() ?? 0;
      const tWatch = await watch;
      const c2 = cpu();
      const w2 = workerdCpuMs() ?? 0;
      console.log(
        `NEW r${r} load ${loadavg()[0].toFixed(1)}: sign CPU/tx ${((s1 - s0) / n).toFixed(3)} ms; accepted ${((n * 1000) / (sent - start)).toFixed(0)}/s; e2e(watch) ${((n * 1000) / (tWatch - start)).toFixed(0)}/s; bench CPU/tx send ${((c1 - c0) / n).toFixed(3)} ms, after ${((c2 - c1) / n).toFixed(3)} ms; workerd CPU/tx send ${((w1 - w0) / n).toFixed(3)}, after ${((w2 - w1) / n).toFixed(3)}; send ${(sent - start).toFixed(0)} ms, after-send ${(tWatch - sent).toFixed(0)} ms`,
      );
    }
  }
} finally {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Where a /sendTx's CPU goes, stage by stage (BENCHMARKS.md "Intake"): a 1-shard node in manual
 * production (no block is built meanwhile), 20 funded senders, then `--txs` requests of each kind
 * one after another, each kind adding one stage to the one before: an unknown route; a transfer
 * with a bad signature (every edge check, refused there); valid transfers (the object call and
 * admission); the same again (refused by the shard as pending); then the blocks that execute them.
 * Prints the workerd process CPU per request of each kind (bench/cpu.ts), with X-Worker-Ms, the
 * edge's own part, beside it when they go one at a time. `--in-flight N` sends each kind N at a
 * time instead, as the bench's throughput does (admissions then share object calls, lib/admission.ts).
 *
 *   npx tsx bench/intake.ts [--txs 400] [--rounds 2] [--in-flight 1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { base58Encode } from "../src/codec/base58";
import { startNode } from "../scripts/node";
import { type CpuSample, cpuPerRequest, workerdCpuMs } from "./cpu";
import { action, adminSigner, makeSenders, option, pool, rpc, serverNow, signedTx, TRANSFER_GAS } from "./lib";

const n = option("txs", 400);
const rounds = option("rounds", 2);
const inFlight = option("in-flight", 1);
const dir = mkdtempSync(join(tmpdir(), "iost-edge-intake-"));
const node = await startNode({ persist: dir, vars: { SHARD_COUNT: "1", BLOCK_PRODUCTION: "manual" } });
const { url } = node;
const mine = (blocks = 2) => rpc(url, "/dev/mine", JSON.stringify({ blocks }));
/** `n` requests of one kind, `inFlight` at a time; X-Worker-Ms only one at a time (in flight, a request's clock runs while others work). */
async function perRequest(send: (i: number) => Promise<number>): Promise<CpuSample> {
  if (inFlight === 1) return cpuPerRequest(n, send);
  const before = workerdCpuMs();
  await pool(Array.from({ length: n }), inFlight, (_, i) => send(i).then(() => {}));
  const after = workerdCpuMs();
  return { workerMs: Number.NaN, processMs: before === null || after === null ? null : (after - before) / n };
}
const workerMs = (r: { headers: Headers }) => Number(r.headers.get("X-Worker-Ms"));
try {
  const senders = makeSenders(20);
  const admin = adminSigner();
  const start = await serverNow(url);
  for (const [i, s] of senders.entries()) {
    const id = base58Encode(s.pubkey);
    const signUp = [
      action("auth.iost", "signUp", [s.name, id, id]),
      action("gas.iost", "pledge", ["admin", s.name, "1000"]),
      action("token.iost", "transfer", ["iost", "admin", s.name, "1000", ""]),
    ];
    const r = await rpc(url, "/sendTx", signedTx(admin, signUp, start + BigInt(i), [{ token: "iost", value: "3000" }]).body);
    if (r.status !== 200) throw new Error(`setup: ${JSON.stringify(r.json)}`);
  }
  await mine();
  for (let round = 0; round < rounds; round++) {
    const now = await serverNow(url);
    const txs = Array.from({ length: n }, (_, i) => {
      const from = senders[i % senders.length];
      return signedTx(
        from,
        [action("token.iost", "transfer", ["iost", from.name, "admin", "0.01", `i${round}-${i}`])],
        now + BigInt(i),
        undefined,
        TRANSFER_GAS,
      );
    });
    const expect = async (body: string, ok: (r: Awaited<ReturnType<typeof rpc>>) => boolean) => {
      const r = await rpc(url, "/sendTx", body);
      if (!ok(r)) throw new Error(JSON.stringify(r.json));
      return workerMs(r);
    };
    const bare = await perRequest(async () => {
      const r = await fetch(`${url}/benchUnknownRoute`);
      await r.text();
      return workerMs(r);
    });
    const badSig = await perRequest((i) => {
      const body = JSON.parse(txs[i].body);
      body.publisher_sigs[0].signature = Buffer.alloc(64, 1).toString("base64");
      return expect(JSON.stringify(body), (r) => String(r.json.message).includes("publisher error"));
    });
    const accepted = await perRequest((i) => expect(txs[i].body, (r) => r.status === 200));
    const pending = await perRequest((i) => expect(txs[i].body, (r) => r.json.message === "tx exists in pending"));
    // A chunk takes about 1,000 transfers (the block's gas cap): enough blocks for all, and one to spare.
    const before = workerdCpuMs();
    await mine(Math.ceil(n / 1000) + 1);
    const after = workerdCpuMs();
    const executed = before === null || after === null ? "?" : ((after - before) / n).toFixed(3);
    const f = (s: CpuSample) => `${s.processMs?.toFixed(3) ?? "?"} ms${Number.isNaN(s.workerMs) ? "" : ` (edge ${s.workerMs.toFixed(3)})`}`;
    console.log(`round ${round + 1}, load ${loadavg()[0].toFixed(1)}, ${inFlight} in flight, workerd CPU per request:`);
    console.log(
      `  unknown route ${f(bare)}; bad signature ${f(badSig)}; accepted ${f(accepted)}; refused as pending ${f(pending)}; executed in blocks ${executed} ms a tx`,
    );
  }
} finally {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `npm run bench`: starts a devnet node (workerd, state persisted to a temp
 * dir), funds sender accounts, then measures over real HTTP:
 *   - signed transfers/s accepted by /sendTx
 *   - transfers/s end to end (first send → last receipt irreversible)
 *   - transfers/s executed by one shard (time inside its chunk builds)
 *   - send-to-irreversible latency p50/p99, read latency p50/p99
 *   - WebCrypto Ed25519 verifications/s inside the Worker, and requests/s to a
 *     route that does nothing: the two ceilings intake is compared against
 * and prints a Markdown table for BENCHMARKS.md.
 *
 *   npm run bench -- [--txs 4000] [--senders 100] [--concurrency 32]
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { base58Decode, base58Encode } from "../src/codec/base58";
import { ED25519, publishHash, txId, txToRequestJson, type Action, type Tx } from "../src/tx/index";
import { startNode } from "../scripts/node";

const ADMIN_SECRET = "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";
const CHAIN_ID = 1020;
const SEC = 1_000_000_000n;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} wants a positive integer`);
  return value;
}

/** ed25519 signing through OpenSSL: the bench must not be limited by its own signer. */
interface Signer {
  name: string;
  pubkey: Uint8Array;
  key: KeyObject;
}

function signer(name: string, seed: Uint8Array): Signer {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const jwk = key.export({ format: "jwk" });
  return { name, key, pubkey: new Uint8Array(Buffer.from(jwk.x as string, "base64url")) };
}

function signedTx(from: Signer, actions: Action[], now: bigint): { hash: string; body: string } {
  const tx: Tx = {
    time: now,
    expiration: now + 90n * SEC,
    gasRatio: 100n,
    gasLimit: 100_000_000n,
    delay: 0n,
    chainId: CHAIN_ID,
    signers: [],
    actions,
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: from.name,
    publisherSigs: [],
  };
  const sig = new Uint8Array(nodeSign(null, publishHash(tx), from.key));
  tx.publisherSigs = [{ algorithm: ED25519, sig, pubkey: from.pubkey }];
  return { hash: txId(tx), body: txToRequestJson(tx) };
}

const action = (contract: string, actionName: string, args: unknown[]): Action => ({ contract, actionName, data: JSON.stringify(args) });

async function rpc(url: string, path: string, body?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, body === undefined ? undefined : { method: "POST", body });
  return { status: res.status, json: await res.json() };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  });
  await Promise.all(runners);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function serverNow(url: string): Promise<bigint> {
  return BigInt((await rpc(url, "/getNodeInfo")).json.server_time);
}

/** Polls receipts until every hash is irreversible; returns when each one was first seen. */
async function awaitReceipts(url: string, hashes: string[], concurrency: number, timeoutMs: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = performance.now() + timeoutMs;
  while (seen.size < hashes.length) {
    if (performance.now() > deadline) throw new Error(`${hashes.length - seen.size} txs not irreversible after ${timeoutMs} ms`);
    const open = hashes.filter((h) => !seen.has(h));
    await pool(open, concurrency, async (hash) => {
      const { status, json } = await rpc(url, `/getTxReceiptByTxHash/${hash}`);
      if (status !== 200) return;
      if (json.status_code !== "SUCCESS") throw new Error(`tx ${hash} failed: ${json.status_code} ${json.message}`);
      seen.set(hash, performance.now());
    });
    if (seen.size < hashes.length) await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

async function main(): Promise<void> {
  const txCount = option("txs", 4000);
  const senderCount = option("senders", 100);
  const concurrency = option("concurrency", 32);
  const dir = mkdtempSync(join(tmpdir(), "iost-edge-bench-"));
  const node = await startNode({ persist: dir });
  const { url } = node;
  try {
    const admin = signer("admin", base58Decode(ADMIN_SECRET).slice(0, 32));
    const senders = Array.from({ length: senderCount }, (_, i) => {
      const seed = new Uint8Array(32);
      seed[0] = 0xbe;
      seed[30] = i >> 8;
      seed[31] = i & 0xff;
      return signer(`bench${String(i).padStart(4, "0")}`, seed);
    });

    // Setup: one tx per sender (sign up, pledge for gas, fund).
    let now = await serverNow(url);
    const setup = senders.map((s, i) => {
      const id = base58Encode(s.pubkey);
      return signedTx(admin, [
        action("auth.iost", "signUp", [s.name, id, id]),
        action("gas.iost", "pledge", ["admin", s.name, "100"]),
        action("token.iost", "transfer", ["iost", "admin", s.name, "1000", ""]),
      ], now + BigInt(i));
    });
    await pool(setup, concurrency, async (tx) => {
      const { status, json } = await rpc(url, "/sendTx", tx.body);
      if (status !== 200) throw new Error(`setup tx rejected: ${JSON.stringify(json)}`);
    });
    await awaitReceipts(url, setup.map((t) => t.hash), concurrency, 120_000);

    // Throughput: pre-signed transfers, round robin over the senders.
    now = await serverNow(url);
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
    const done = await awaitReceipts(url, transfers.map((t) => t.hash), concurrency, 300_000);
    const allFinal = Math.max(...done.values());
    const after = (await rpc(url, "/dev/status")).json;
    const work = { txs: after.shards[0].work.txs - before.shards[0].work.txs, ms: after.shards[0].work.ms - before.shards[0].work.ms };

    // Latency: one tx at a time, receipt polled every 10 ms.
    const latencies: number[] = [];
    now = await serverNow(url);
    for (let i = 0; i < 100; i++) {
      const from = senders[i % senderCount];
      const tx = signedTx(from, [action("token.iost", "transfer", ["iost", from.name, "admin", "0.01", `lat${i}`])], now + BigInt(i) * 1000n);
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

    latencies.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    const perSec = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en-US");
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\niost-edge bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, 1 shard`);
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
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

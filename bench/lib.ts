/** Shared by the bench parts: signing with OpenSSL, RPC over HTTP, senders set up by admin. */
import { createPrivateKey, sign as nodeSign, type KeyObject } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { base58Decode, base58Encode } from "../src/codec/base58";
import { ED25519, publishHash, txId, txToRequestJson, type Action, type AmountLimit, type Tx } from "../src/tx/index";

export const ADMIN_SECRET = "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";
const CHAIN_ID = 1020;
const SEC = 1_000_000_000n;

export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} wants a positive integer`);
  return value;
}

/** ed25519 signing through OpenSSL: the bench must not be limited by its own signer. */
export interface Signer {
  name: string;
  pubkey: Uint8Array;
  key: KeyObject;
}

export function signer(name: string, seed: Uint8Array): Signer {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const jwk = key.export({ format: "jwk" });
  return { name, key, pubkey: new Uint8Array(Buffer.from(jwk.x as string, "base64url")) };
}

export function signedTx(
  from: Signer,
  actions: Action[],
  now: bigint,
  amountLimit: AmountLimit[] = [{ token: "*", value: "unlimited" }],
  gasLimit = 100_000_000n,
): { hash: string; body: string } {
  const tx: Tx = {
    time: now,
    expiration: now + 90n * SEC,
    gasRatio: 100n,
    gasLimit,
    delay: 0n,
    chainId: CHAIN_ID,
    signers: [],
    actions,
    amountLimit,
    signatures: [],
    publisher: from.name,
    publisherSigs: [],
  };
  const sig = new Uint8Array(nodeSign(null, publishHash(tx), from.key));
  tx.publisherSigs = [{ algorithm: ED25519, sig, pubkey: from.pubkey }];
  return { hash: txId(tx), body: txToRequestJson(tx) };
}

/**
 * A transfer's gas limit, internal units: 20,000 gas (one uses about 7,600). A sender's pending
 * txs must fit its gas together (100 IOST pledged: 10,000,000 gas), so 200 of one sender in the
 * pool at once need a limit this size, as a wallet would set it.
 */
export const TRANSFER_GAS = 2_000_000n;

export const action = (contract: string, actionName: string, args: unknown[]): Action => ({ contract, actionName, data: JSON.stringify(args) });

export async function rpc(url: string, path: string, body?: string): Promise<{ status: number; json: any; headers: Headers }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url + path, body === undefined ? undefined : { method: "POST", body });
      const text = await res.text();
      // Local workerd only (miniflare's answer when the runtime dropped the request): send it again, as it asks.
      if (res.status === 503 && text.includes("restarted mid-request") && attempt < 3) continue;
      return { status: res.status, json: JSON.parse(text), headers: res.headers };
    } catch (err) {
      // A kept-alive connection the busy server closed as we reused it: a GET is asked again.
      const closed = (err as { cause?: { code?: string } }).cause?.code === "UND_ERR_SOCKET";
      if (body === undefined && closed && attempt < 3) continue;
      throw new Error(`${body === undefined ? "GET" : "POST"} ${url}${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * The client of the timed floods (`/sendTx`, the bare route's ceiling): node:http with a keep-alive
 * agent. fetch (undici) cost this process 0.4–0.7 ms of CPU a request here, node:http 0.1–0.2, and
 * the node's workerd spent 0.06 ms more a bare request and 0.25 ms more a `/sendTx` when fetch sent
 * it (BENCHMARKS.md "Session 15"): on two shared cores the floods measured their own client.
 */
const agent = new Agent({ keepAlive: true });

/** One request through `agent`: its status and body text. */
export function request(url: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = httpRequest({ host: hostname, port, path, method: body === undefined ? "GET" : "POST", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * POST /sendTx, sent again if the connection dropped without an answer (a loaded local workerd
 * sometimes closes a kept-alive one under a request) or miniflare answered that the runtime dropped
 * it; a copy the node had taken already is refused as a duplicate, which means it was accepted.
 */
export async function sendTx(url: string, body: string): Promise<{ status: number; json: any }> {
  for (let attempt = 1; ; attempt++) {
    let answer: { status: number; text: string };
    try {
      answer = await request(url, "/sendTx", body);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code === "ECONNRESET" || code === "EPIPE") && attempt < 3) continue;
      throw new Error(`POST ${url}/sendTx: ${(err as Error).message}`, { cause: err });
    }
    if (answer.status === 503 && answer.text.includes("restarted mid-request") && attempt < 3) continue;
    const json = JSON.parse(answer.text);
    if (attempt > 1 && answer.status === 400 && /^tx exists in (pending|chain)$/.test(String(json.message))) return { status: 200, json: {} };
    return { status: answer.status, json };
  }
}

export async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  });
  await Promise.all(runners);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function serverNow(url: string): Promise<bigint> {
  return BigInt((await rpc(url, "/getNodeInfo")).json.server_time);
}

/**
 * Polls receipts until every hash is irreversible; returns when each one was first seen. With several
 * `url`s each hash is asked of them in turn until one answers: a producer of shard groups answers only
 * the txs of the shards it applies.
 */
export async function awaitReceipts(url: string | readonly string[], hashes: string[], concurrency: number, timeoutMs: number): Promise<Map<string, number>> {
  const urls = typeof url === "string" ? [url] : url;
  const seen = new Map<string, number>();
  const deadline = performance.now() + timeoutMs;
  while (seen.size < hashes.length) {
    if (performance.now() > deadline) throw new Error(`${hashes.length - seen.size} txs not irreversible after ${timeoutMs} ms`);
    const open = hashes.filter((h) => !seen.has(h));
    await pool(open, concurrency, async (hash) => {
      let answer: Awaited<ReturnType<typeof rpc>> | undefined;
      for (const u of urls) if ((answer = await rpc(u, `/getTxReceiptByTxHash/${hash}`)).status === 200) break;
      const { status, json } = answer!;
      if (status !== 200) return;
      if (json.status_code !== "SUCCESS") throw new Error(`tx ${hash} failed: ${json.status_code} ${json.message}`);
      seen.set(hash, performance.now());
    });
    if (seen.size < hashes.length) await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

/** The irreversible height now, asked of the coordinator (`no-cache`: not the edge's memo of a recent answer). */
export async function finalHeight(url: string): Promise<number> {
  const res = await fetch(`${url}/getChainInfo`, { headers: { "cache-control": "no-cache" } });
  return Number(((await res.json()) as { lib_block: string }).lib_block);
}

/**
 * When the last of the txs in `open` was first seen final, as a client of a busy chain watches it:
 * the irreversible height polled every `pollMs`, each new final block's txs read once (their
 * receipts are final with it) and taken out of `open`, from the block after `from` on. A few
 * requests a block, where polling every tx's receipt costs one or more requests a tx on the node
 * the run measures. Each poll is a fresh coordinator call (about 1 ms of the node's thread here):
 * every 100 ms that is 1 % of it, and a tx is seen final at most 100 ms late. The caller may swap
 * a hash in `open` meanwhile (a tx signed again). Throws on a receipt that is not SUCCESS.
 */
export async function awaitFinal(url: string, open: Set<string>, from: number, timeoutMs: number, pollMs = 100): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let read = from;
  while (open.size > 0) {
    if (performance.now() > deadline) throw new Error(`${open.size} txs not irreversible after ${timeoutMs} ms`);
    const lib = await finalHeight(url);
    for (; read < lib && open.size > 0; read++) {
      const { status, json } = await rpc(url, `/getBlockByNumber/${read + 1}/true`);
      if (status !== 200) throw new Error(`block ${read + 1}: ${JSON.stringify(json)}`);
      for (const tx of json.block.transactions as { hash: string; tx_receipt: { status_code: string; message: string } }[]) {
        if (!open.delete(tx.hash)) continue;
        if (tx.tx_receipt.status_code !== "SUCCESS") throw new Error(`tx ${tx.hash} failed: ${tx.tx_receipt.status_code} ${tx.tx_receipt.message}`);
      }
    }
    if (open.size > 0) await new Promise((r) => setTimeout(r, pollMs));
  }
  return performance.now();
}

/** The devnet's admin (genesis holder of IOST, gas and RAM). */
export const adminSigner = (): Signer => signer("admin", base58Decode(ADMIN_SECRET).slice(0, 32));

/** Executed txs and the time spent in chunk builds by shard `i` so far (its /dev/status work counters). */
export async function shardWork(url: string, i = 0): Promise<{ txs: number; ms: number }> {
  const w = (await rpc(url, "/dev/status")).json.shards[i].work;
  return { txs: w.txs, ms: w.ms };
}

/** Sender accounts `bench0000…`, with deterministic keys. */
export function makeSenders(count: number): Signer[] {
  return Array.from({ length: count }, (_, i) => {
    const seed = new Uint8Array(32);
    seed[0] = 0xbe;
    seed[30] = i >> 8;
    seed[31] = i & 0xff;
    return signer(`bench${String(i).padStart(4, "0")}`, seed);
  });
}

/**
 * One tx per sender by admin: sign up, pledge for gas, fund. The iost
 * amount_limit bounds the escrow of a sender placed on another shard than
 * admin's (docs/SHARDING.md), so admin's other setup txs keep their funds.
 */
export async function setupSenders(url: string, senders: Signer[], concurrency: number): Promise<void> {
  const admin = adminSigner();
  const now = await serverNow(url);
  const setup = senders.map((s, i) => {
    const id = base58Encode(s.pubkey);
    return signedTx(
      admin,
      [
        action("auth.iost", "signUp", [s.name, id, id]),
        action("gas.iost", "pledge", ["admin", s.name, "100"]),
        action("token.iost", "transfer", ["iost", "admin", s.name, "1000", ""]),
      ],
      now + BigInt(i),
      [{ token: "iost", value: "2000" }],
    );
  });
  await pool(setup, concurrency, async (tx) => {
    const { status, json } = await sendTx(url, tx.body);
    if (status !== 200) throw new Error(`setup tx rejected: ${JSON.stringify(json)}`);
  });
  await awaitReceipts(
    url,
    setup.map((t) => t.hash),
    concurrency,
    180_000,
  );
}

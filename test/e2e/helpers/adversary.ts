/**
 * What the adversarial suite (fuzz-*.test.ts, siege.test.ts; docs/SECURITY.md)
 * asserts after every hostile input: the answer is IOST's error envelope or a
 * success, never a crash page or a hang; the chain keeps producing; a normal
 * transfer still reaches finality; iost is conserved (/dev/supply: every
 * shard's balances and frozen balances sum to the supply record).
 */
import { expect } from "vitest";
import { accountWithKey, Algorithm, expectSuccess, KeyPair, newAccountTx, raw, sendAndFollow, signTx, uniqueName, waitUntil, type Client } from "./sdk";

/** No single request may take longer: a slower answer counts as a hang. */
export const ANSWER_MS = 15_000;

export interface Answer {
  status: number;
  text: string;
  body: any;
}

/** A request with a deadline: a hang throws instead of stalling the run. */
export async function send(url: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const { status, text, body } = await raw(url, path, { ...init, signal: AbortSignal.timeout(ANSWER_MS) });
  return { status, text, body };
}

export function postText(url: string, path: string, body: string | Uint8Array): Promise<Answer> {
  return send(url, path, { method: "POST", headers: { "Content-Type": "text/plain" }, body });
}

/**
 * IOST's error envelope exactly as documented (README "RPC"): HTTP 400,
 * `{"code":2|3|12,"message":"…"}` (3: a request the gateway could not decode) and nothing else; no stack trace in the text.
 */
export function isEnvelope(r: Answer): boolean {
  return (
    r.status === 400 &&
    r.body !== null &&
    typeof r.body === "object" &&
    Object.keys(r.body).sort().join() === "code,message" &&
    (r.body.code === 2 || r.body.code === 3 || r.body.code === 12) &&
    typeof r.body.message === "string" &&
    r.body.message.length > 0 &&
    !/\n\s+at /.test(r.body.message)
  );
}

/** An envelope, or a 200 JSON answer (a valid input). */
export function expectWellFormed(r: Answer, what: string): void {
  if (r.status === 200) {
    expect(r.body, `${what}: 200 without JSON: ${r.text.slice(0, 300)}`).toBeDefined();
    return;
  }
  expect(isEnvelope(r), `${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`).toBe(true);
}

export async function head(url: string): Promise<number> {
  const r = await send(url, "/getChainInfo");
  if (r.status !== 200) throw new Error(`getChainInfo: HTTP ${r.status} ${r.text}`);
  return Number(r.body.head_block);
}

/** The head moves `blocks` further within `ms` (0.5 s blocks: 3 blocks take 1.5 s on a healthy node). */
export async function expectProducing(url: string, blocks = 3, ms = 15_000): Promise<void> {
  const from = await head(url);
  await waitUntil(`the head to pass ${from + blocks} (producing)`, async () => ((await head(url)) >= from + blocks ? true : undefined), ms);
}

export interface Supply {
  heads: number[];
  supply: string | null;
  held: string;
}

/**
 * iost is conserved: at a moment every shard is at one head, the balances sum
 * to the supply. Retries while a cross-shard credit is in flight; a mint or a
 * burn keeps the sum off for good and fails with the last reading.
 */
export async function expectConserved(url: string, ms = 20_000): Promise<Supply> {
  let last: Supply | undefined;
  try {
    return await waitUntil(
      "iost balances to sum to the supply",
      async () => {
        const r = await send(url, "/dev/supply");
        if (r.status !== 200) throw new Error(`/dev/supply: HTTP ${r.status} ${r.text}`);
        last = r.body as Supply;
        return new Set(last.heads).size === 1 && last.supply === last.held ? last : undefined;
      },
      ms,
      300,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last reading ${JSON.stringify(last)}`);
  }
}

/** A new account funded by admin: `iost` transferred, `pledge` IOST pledged for gas, `ram` bytes bought. */
export async function fundedAccount(client: Client, name: string, opts: { iost?: string; pledge?: number; ram?: number } = {}): Promise<any> {
  const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
  const pledge = opts.pledge ?? 10;
  const tx = newAccountTx(client, name, kp.B58PubKey(), kp.B58PubKey(), opts.ram ?? 1024, pledge);
  tx.amount_limit = [];
  tx.addApprove("iost", String(pledge + 1000)); // the pledge, plus the RAM and signUp's own 10
  await expectSuccess(client, tx);
  if (opts.iost) await expectSuccess(client, client.iost.transfer("iost", "admin", name, opts.iost, ""));
  return accountWithKey(name, kp);
}

/** A 0.01 IOST transfer from `from` to admin, followed to its (irreversible) receipt; answers the ms it took. */
export async function transferToFinality(client: Client, from: any): Promise<number> {
  const started = Date.now();
  const out = await sendAndFollow(client, client.iost.transfer("iost", from.getID(), "admin", "0.01", ""), from);
  if (!out.ok) throw new Error(`transfer ${out.hash} failed: ${typeof out.result === "string" ? out.result : JSON.stringify(out.result)}`);
  return Date.now() - started;
}

/** The seed of every fuzzer under CI (FUZZ_SEED overrides). */
const CI_SEED = 20261203;

/** The seed of a fast-check run: FUZZ_SEED, else CI's or a fresh one; printed, so any run can be replayed. */
export function replayHint(name: string): { seed: number } {
  // A fresh seed per local run explores; CI replays a fixed one, so a landing never hangs on luck.
  const seed = Number(process.env.FUZZ_SEED ?? (process.env.CI ? CI_SEED : Date.now() % 2 ** 31));
  console.log(`[${name}] fast-check seed ${seed} (replay: FUZZ_SEED=${seed})`);
  return { seed };
}

/** IOST's largest tx gas limit (go-iost tx.go: 4,000,000 gas), which every attack uses. */
export const MAX_GAS = 4_000_000;

/** Signs `tx` as `account` at the largest gas limit and posts it: the hash, or the refusal (an envelope). */
export async function submit(client: Client, tx: any, account: any): Promise<{ hash?: string; refused?: Answer }> {
  tx.gasLimit = MAX_GAS;
  signTx(client, tx, account);
  const r = await postText(client.url, "/sendTx", JSON.stringify(tx));
  if (r.status === 200) return { hash: r.body.hash };
  expectWellFormed(r, `sendTx ${tx.actions[0]?.contract}.${tx.actions[0]?.actionName}`);
  return { refused: r };
}

/** The tx's receipt once it exists (the node answers once the tx is irreversible); throws after `ms`. */
export async function receiptOf(url: string, hash: string, ms = 40_000): Promise<any> {
  return waitUntil(
    `a receipt for ${hash}`,
    async () => {
      const r = await send(url, `/getTxReceiptByTxHash/${hash}`);
      return r.status === 200 ? r.body : undefined;
    },
    ms,
    300,
  );
}

/** A receipt that ends the tx properly: a status, a message when it failed, and gas charged. */
export function expectCharged(receipt: any, what: string): void {
  expect(typeof receipt.status_code, what).toBe("string");
  if (receipt.status_code !== "SUCCESS") expect(receipt.message, `${what}: ${JSON.stringify(receipt).slice(0, 300)}`).toMatch(/\S/);
  expect(receipt.gas_usage, `${what}: gas`).toBeGreaterThan(0);
}

/** A name of `prefix` plus a counter that lives on `shard` (names are placed by hash). */
export async function nameOnShard(url: string, shard: number, prefix: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = uniqueName(`${prefix}${i}`);
    const s = (await send(url, `/getShardInfo/${name}`)).body;
    if (s.shard === shard % s.shard_count) return name;
  }
}

/**
 * The real `iost` SDK (0.1.22) against a node, the way a dApp uses it, plus raw
 * HTTP helpers for what the SDK cannot send (bad input).
 */
import IOSTSDK from "iost";

/** IOST's PUBLIC dev keys (go-iost config/dev_admin_key.json, config/genesis/genesis.yml). */
export const ADMIN_SECRET = "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";
export const ADMIN_PUBKEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
export const CHAIN_ID = 1020;

export const { IOST, RPC, HTTPProvider, KeyPair, Account, TxHandler, Algorithm, Bs58 } = IOSTSDK;

export interface Client {
  url: string;
  iost: any;
  rpc: any;
  admin: any;
}

export async function connect(url: string): Promise<Client> {
  const rpc = new RPC(new HTTPProvider(url, 10_000));
  // A fresh config object: the SDK mutates a shared default with Object.assign.
  const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
  await iost.setRPC(rpc);
  const admin = accountFromSecret("admin", ADMIN_SECRET, Algorithm.Ed25519);
  iost.setAccount(admin);
  return { url, iost, rpc, admin };
}

export function accountFromSecret(name: string, secretB58: string, algorithm: number): any {
  const kp = new KeyPair(Bs58.decode(secretB58), algorithm);
  const account = new Account(name);
  account.addKeyPair(kp, "owner");
  account.addKeyPair(kp, "active");
  return account;
}

export function accountWithKey(name: string, kp: any): any {
  const account = new Account(name);
  account.addKeyPair(kp, "owner");
  account.addKeyPair(kp, "active");
  return account;
}

/**
 * Publisher-signs `tx` with `account`'s active key. The SDK serialises
 * secp256k1 r and s without left padding, so about 2% of its signatures are
 * 63 bytes and invalid (a known SDK bug): re-time the tx and sign again.
 */
export function signTx(client: Client, tx: any, account: any): void {
  tx.setChainID(CHAIN_ID);
  for (let attempt = 0; attempt < 50; attempt++) {
    tx.publisher_sigs = [];
    account.signTx(tx);
    if (tx.publisher_sigs.every((s: any) => s.sig.length === 64)) return;
    tx.setTime(90, 0, client.iost.serverTimeDiff + attempt + 1);
  }
  throw new Error("could not make a 64-byte signature");
}

export interface Outcome {
  ok: boolean;
  hash: string;
  /** The receipt on success or on a failed status; the error text otherwise. */
  result: any;
}

/** Sends with the SDK's TxHandler and follows the receipt (polls 500 ms × 120: a chain of forwarded parts under load takes 20 s and more). */
export function sendAndFollow(client: Client, tx: any, account: any = client.admin): Promise<Outcome> {
  signTx(client, tx, account);
  return new Promise((resolve) => {
    const handler = new TxHandler(tx, client.rpc);
    handler
      .onPending(() => {})
      .onSuccess((receipt: any) => resolve({ ok: true, hash: handler._hash, result: receipt }))
      .onFailed((res: any) => resolve({ ok: false, hash: handler._hash, result: res }))
      .send()
      .listen(500, 120);
  });
}

export async function expectSuccess(client: Client, tx: any, account: any = client.admin): Promise<Outcome> {
  const out = await sendAndFollow(client, tx, account);
  if (!out.ok) throw new Error(`tx ${out.hash} failed: ${typeof out.result === "string" ? out.result : JSON.stringify(out.result)}`);
  return out;
}

/**
 * iost.newAccount as the SDK builds it, plus the approval IOST requires: signUp
 * itself pledges 10 IOST from the creator, then the pledge and the RAM
 * purchase spend more (go-iost config/genesis/contract/account.js pledges 10 IOST; iost.js e2e example approves too).
 */
export function newAccountTx(client: Client, name: string, ownerPub: string, activePub: string, ram = 1024, gas = 10): any {
  const tx = client.iost.newAccount(name, "admin", ownerPub, activePub, ram, gas);
  tx.addApprove("iost", "1000");
  return tx;
}

/** Same actions as iost.newAccount, which rejects public keys that are not 32 bytes (secp256k1 has 33). */
export function newAccountTxAnyKey(client: Client, name: string, pub: string, ram = 1024, gas = 10): any {
  const tx = client.iost.callABI("auth.iost", "signUp", [name, pub, pub]);
  tx.addAction("ram.iost", "buy", JSON.stringify(["admin", name, ram]));
  tx.addAction("gas.iost", "pledge", JSON.stringify(["admin", name, String(gas)]));
  tx.addApprove("iost", "1000");
  return tx;
}

let counter = 0;
/** A fresh valid IOST account name (5–11 chars of a-z, 0-9, _). */
export function uniqueName(prefix: string): string {
  counter++;
  const tail = (Date.now() % 1e5).toString(36) + counter.toString(36);
  return (prefix + tail).slice(0, 11);
}

// ---- raw HTTP ----

export interface RawAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function raw(url: string, path: string, init: RequestInit = {}): Promise<RawAnswer> {
  const res = await fetch(url + path, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

export function get(url: string, path: string): Promise<RawAnswer> {
  return raw(url, path, { headers: { "Content-Type": "text/plain" } });
}

export function post(url: string, path: string, body: string | object): Promise<RawAnswer> {
  return raw(url, path, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The JSON body iost.js posts to /sendTx for a signed tx. */
export function txJson(tx: any): string {
  return JSON.stringify(tx);
}

export async function balanceOf(client: Client, name: string): Promise<number> {
  const res = await client.rpc.blockchain.getBalance(name, "iost", 1);
  return res.balance;
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

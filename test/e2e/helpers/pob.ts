/**
 * Proof-of-Believability helpers for the end-to-end tests: deterministic test
 * keys (anyone can re-derive them, so they guard nothing) and the chain's
 * witness views over plain HTTP.
 */
import { createHash } from "node:crypto";
import { Algorithm, Bs58, get, KeyPair, waitUntil } from "./sdk";

/**
 * An ed25519 key pair from sha3-256(`text`): the same key on every run, so a
 * node can be started with its secret before the test creates the account.
 */
export function testKey(text: string): any {
  const seed = createHash("sha3-256").update(text).digest();
  return new KeyPair(Buffer.from(seed), Algorithm.Ed25519);
}

/** The base58 64-byte secret (seed ‖ pubkey) as PRODUCER_SECRET takes it. */
export function secretOf(kp: any): string {
  return Bs58.encode(Buffer.from(kp.seckey));
}

/** The witness (base58 pubkey) of block `n`, waiting until it exists. */
export async function witnessOf(url: string, n: number): Promise<string> {
  return waitUntil(`block ${n}`, async () => {
    const r = await get(url, `/getBlockByNumber/${n}/false`);
    return r.status === 200 ? (r.body.block.witness as string) : undefined;
  });
}

export async function headNumber(url: string): Promise<number> {
  const r = await get(url, "/getChainInfo");
  if (r.status !== 200) throw new Error(`getChainInfo: ${r.text}`);
  return Number(r.body.head_block);
}

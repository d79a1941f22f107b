/**
 * The edge's own steps of a /sendTx (workers/rpc/intake.ts parseAndCheck and `submitted`: the lossless parse,
 * CheckBadTx, the time window and VerifySelf with the WebCrypto Ed25519 verify, the id and the replay key), for
 * bench/intake-ab.ts, which bundles this file into two trees of the code and runs them in turns. Since session 13
 * admitTx hands back the encoding it measured (src/tx txEncoding) and the id and key are made of it; a tree before
 * it (admitTx answers nothing) encodes the tx again for them, as its intake did.
 */
import { base58Encode } from "../src/codec/base58";
import { loadSha3, sha3 } from "../src/crypto/sha3";
import { admitTx, checkBadTx, FULL, parseTxRequest, replayKey, txBytes } from "../src/tx/index";
import type { TxEncoding } from "../src/tx/index";
import { action, makeSenders, signedTx } from "./lib";

let bodies: string[] = [];
let now = 0n;
/** `txs` transfers from 50 senders, stamped from `at` (ns; both trees sign the same txs). */
export async function setup(txs: number, at: bigint): Promise<void> {
  await loadSha3();
  const senders = makeSenders(50);
  now = at;
  bodies = Array.from({ length: txs }, (_, i) => {
    const from = senders[i % senders.length];
    return signedTx(from, [action("token.iost", "transfer", ["iost", from.name, "admin", "0.01", `m${i}`])], now + BigInt(i), undefined, 2_000_000n).body;
  });
}

/** Process CPU µs per /sendTx of the edge's checks over every body, and the ids and keys made (both trees must agree). */
export async function round(): Promise<{ us: number; ids: string }> {
  const out: string[] = [];
  const c0 = process.cpuUsage();
  for (const text of bodies) {
    const tx = parseTxRequest(text);
    checkBadTx(tx);
    const encoding = (await admitTx(tx, { chainId: 1020, now })) as TxEncoding | undefined;
    const bytes = encoding?.full ?? txBytes(tx, FULL);
    out.push(base58Encode(sha3(bytes)), encoding === undefined ? replayKey(tx) : replayKey(tx, encoding.publish));
  }
  const c = process.cpuUsage(c0);
  return { us: (c.user + c.system) / bodies.length, ids: out.join() };
}

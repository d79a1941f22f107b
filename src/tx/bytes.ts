/**
 * go-iost core/tx/tx.go ToBytes and the three hashes (common/serialize.go encoding):
 * signers sign the Base bytes, the publisher signs the Publish bytes (which
 * include the signers' signatures), and the tx id is sha3 of the Full bytes.
 * `reserved` and `referred_tx` are always empty (the RPC cannot set them).
 */
import { base58Decode, base58Encode } from "../codec/base58.js";
import { SimpleDecoder, DecodeError } from "../codec/decoder.js";
import { SimpleEncoder } from "../codec/encoder.js";
import { sha3 } from "../crypto/sha3.js";
import { ED25519, SECP256K1, STATUS_CODES, type Signature, type Tx, type TxReceipt } from "./types.js";

export const BASE = 0;
export const PUBLISH = 1;
export const FULL = 2;
export type TxBytesLevel = typeof BASE | typeof PUBLISH | typeof FULL;

const EMPTY = new Uint8Array(0);

/** crypto/signature.go Signature.ToBytes. */
export function signatureBytes(sig: Signature): Uint8Array {
  return writeSignature(new SimpleEncoder(), sig).finish();
}

function writeSignature(e: SimpleEncoder, sig: Signature): SimpleEncoder {
  return e.byte(sig.algorithm).bytes(sig.sig).bytes(sig.pubkey);
}

/** The tx's bytes up to `level`, with where its base and publish bytes end (each level's bytes extend the one below). */
function encodeTx(tx: Tx, level: TxBytesLevel): { bytes: Uint8Array; base: number; publish: number } {
  const e = new SimpleEncoder()
    .int64(tx.time)
    .int64(tx.expiration)
    .int64(tx.gasRatio)
    .int64(tx.gasLimit)
    .int64(tx.delay)
    .int32(tx.chainId)
    .bytes(EMPTY)
    .stringSlice(tx.signers)
    .int32(tx.actions.length);
  // Each action, amount limit and signature a length-prefixed field, written in place (no encoder of its own).
  for (const a of tx.actions) e.nested((n) => n.string(a.contract).string(a.actionName).string(a.data));
  e.int32(tx.amountLimit.length);
  for (const a of tx.amountLimit) e.nested((n) => n.string(a.token).string(a.value));
  const base = e.length;
  if (level >= PUBLISH) {
    e.int32(tx.signatures.length);
    for (const s of tx.signatures) e.nested((n) => writeSignature(n, s));
  }
  const publish = e.length;
  if (level >= FULL) {
    e.bytes(EMPTY).string(tx.publisher).int32(tx.publisherSigs.length);
    for (const s of tx.publisherSigs) e.nested((n) => writeSignature(n, s));
  }
  return { bytes: e.finish(), base, publish };
}

export function txBytes(tx: Tx, level: TxBytesLevel): Uint8Array {
  return encodeTx(tx, level).bytes;
}

/** A tx's three encodings from one: its base and publish bytes are prefixes of its full bytes. */
export interface TxEncoding {
  base: Uint8Array;
  publish: Uint8Array;
  full: Uint8Array;
}

export function txEncoding(tx: Tx): TxEncoding {
  const { bytes, base, publish } = encodeTx(tx, FULL);
  return { base: bytes.subarray(0, base), publish: bytes.subarray(0, publish), full: bytes };
}

export function baseHash(tx: Tx): Uint8Array {
  return sha3(txBytes(tx, BASE));
}

export function publishHash(tx: Tx): Uint8Array {
  return sha3(txBytes(tx, PUBLISH));
}

export function txHash(tx: Tx): Uint8Array {
  return sha3(txBytes(tx, FULL));
}

/** base58 of the full hash: the id in /sendTx, /getTxByHash, receipts and contract ids. */
export function txId(tx: Tx): string {
  return base58Encode(txHash(tx));
}

/**
 * What makes two txs the same for replay protection: the tx id also hashes the
 * publisher signatures, which no signature covers, so a copy with a signature
 * repeated or added has a new id. This key, sha3(publish bytes ‖ publisher),
 * only the publisher can change. base58. `publish`: the tx's publish bytes, when the caller has them (txEncoding).
 */
export function replayKey(tx: Tx, publish = txBytes(tx, PUBLISH)): string {
  return base58Encode(sha3(new SimpleEncoder().raw(publish).string(tx.publisher).finish()));
}

function readSignature(bytes: Uint8Array): Signature {
  const d = new SimpleDecoder(bytes);
  const algorithm = d.byte();
  if (algorithm !== SECP256K1 && algorithm !== ED25519) throw new DecodeError(`invalid signature algorithm ${algorithm}`);
  const sig = { algorithm, sig: d.bytes(), pubkey: d.bytes() } as Signature;
  d.end();
  return sig;
}

function readEmpty(d: SimpleDecoder, field: string): void {
  if (d.bytes().length !== 0) throw new DecodeError(`${field} must be empty`);
}

/** Inverse of txBytes(tx, FULL), for txs stored in their full bytes. */
export function decodeTx(full: Uint8Array): Tx {
  const d = new SimpleDecoder(full);
  const time = d.int64();
  const expiration = d.int64();
  const gasRatio = d.int64();
  const gasLimit = d.int64();
  const delay = d.int64();
  const chainId = d.uint32();
  readEmpty(d, "reserved");
  const signers = d.stringSlice();
  const actions = d.bytesSlice().map((b) => {
    const a = new SimpleDecoder(b);
    const action = { contract: a.string(), actionName: a.string(), data: a.string() };
    a.end();
    return action;
  });
  const amountLimit = d.bytesSlice().map((b) => {
    const a = new SimpleDecoder(b);
    const amount = { token: a.string(), value: a.string() };
    a.end();
    return amount;
  });
  const signatures = d.bytesSlice().map(readSignature);
  readEmpty(d, "referred_tx");
  const publisher = d.string();
  const publisherSigs = d.bytesSlice().map(readSignature);
  d.end();
  return { time, expiration, gasRatio, gasLimit, delay, chainId, signers, actions, amountLimit, signatures, publisher, publisherSigs };
}

/** core/tx/tx_receipt.go TxReceipt.ToBytes: the receipt merkle leaf is sha3 of this. */
export function receiptBytes(r: TxReceipt): Uint8Array {
  const code = STATUS_CODES.indexOf(r.statusCode);
  if (code < 0) throw new Error(`unknown status code ${r.statusCode}`);
  const e = new SimpleEncoder()
    .bytes(base58Decode(r.txHash))
    .int64(r.gasUsage)
    .nested((s) => s.int32(code).string(r.message))
    .mapStringToI64(r.ramUsage)
    .stringSlice(r.returns)
    .int32(r.receipts.length);
  for (const c of r.receipts) e.nested((s) => s.string(c.funcName).string(c.content));
  return e.finish();
}

/**
 * A block in IOST's protobuf form (go-iost core/block/block.proto `Block`,
 * core/tx/tx.proto, crypto/signature.proto) as go-iost's gateway renders it
 * to JSON for /getRawBlockByNumber and /getBlockHeaderByRange: proto field
 * names (camelCase, `chain_id`), int64 as decimal strings, bytes as base64,
 * enums by name, every field present. The head carries exactly the hashed
 * header fields, so sha3 of its bytes (header.ts) is the block hash the node
 * reports and `sign` is the producer's signature over it.
 *
 * NORMAL (complete) carries the txs and their receipts; ONLYHASH their hashes.
 */
import { base58Decode } from "../codec/base58.js";
import { base64Encode } from "../codec/base64.js";
import { compareUtf8 } from "../codec/encoder.js";
import type { Signature, Tx, TxReceipt } from "../tx/types.js";
import { STATUS_CODES } from "../tx/types.js";
import type { TxReceiptJson } from "../tx/view.js";
import type { BlockSignature, StoredBlock } from "./block.js";

const b64 = base64Encode;
const utf8 = new TextEncoder();

/** The block body: full txs and receipts (NORMAL) or their base58 hashes (ONLYHASH). */
export type RawBody = { txs: Tx[]; receipts: TxReceipt[] } | { txHashes: string[]; receiptHashes: string[] };

function rawSign(s: BlockSignature | null): Record<string, unknown> {
  // The genesis block has an empty signature, as go-iost's.
  return s === null ? { algorithm: 0, sig: "", pubKey: "" } : { algorithm: s.algorithm, sig: s.sig, pubKey: s.pubkey };
}

const txSign = (s: Signature) => ({ algorithm: s.algorithm, sig: b64(s.sig), pubKey: b64(s.pubkey) });

export function rawTx(tx: Tx): Record<string, unknown> {
  return {
    time: tx.time.toString(),
    expiration: tx.expiration.toString(),
    gasLimit: tx.gasLimit.toString(),
    gasRatio: tx.gasRatio.toString(),
    actions: tx.actions.map((a) => ({ contract: a.contract, actionName: a.actionName, data: a.data })),
    signers: [...tx.signers],
    signs: tx.signatures.map(txSign),
    publisher: tx.publisher,
    publishSigns: tx.publisherSigs.map(txSign),
    delay: tx.delay.toString(),
    chain_id: tx.chainId,
    referredTx: "",
    amountLimit: tx.amountLimit.map((l) => ({ token: l.token, val: l.value })),
    reserved: "",
  };
}

/** A receipt back from its RPC view (tx/view.ts receiptToJson): gas_usage is internal / 100, exact below 2^53. */
export function receiptFromJson(j: TxReceiptJson): TxReceipt {
  const ram: Record<string, bigint> = Object.create(null);
  for (const k of Object.keys(j.ram_usage)) ram[k] = BigInt(j.ram_usage[k]);
  return {
    txHash: j.tx_hash,
    gasUsage: BigInt(Math.round(j.gas_usage * 100)),
    ramUsage: ram,
    statusCode: j.status_code as TxReceipt["statusCode"],
    message: j.message,
    returns: [...j.returns],
    receipts: j.receipts.map((c) => ({ funcName: c.func_name, content: c.content })),
  };
}

export function rawReceipt(r: TxReceipt): Record<string, unknown> {
  // fromEntries defines "__proto__" (a valid account name) as a key, and the object stays cloneable across RPC.
  const ram = Object.fromEntries(
    Object.keys(r.ramUsage)
      .sort(compareUtf8)
      .map((k) => [k, r.ramUsage[k].toString()]),
  );
  return {
    txHash: b64(base58Decode(r.txHash)),
    gasUsage: r.gasUsage.toString(),
    ramUsage: ram,
    status: { code: STATUS_CODES.indexOf(r.statusCode), message: r.message },
    returns: [...r.returns],
    receipts: r.receipts.map((c) => ({ funcName: c.funcName, content: c.content })),
  };
}

/** `body` null: head and signature only, the lists empty (/getBlockHeaderByRange). */
export function rawBlockJson(b: StoredBlock, body: RawBody | null): Record<string, unknown> {
  const full = body !== null && "txs" in body;
  return {
    head: {
      version: String(b.version),
      parentHash: b64(base58Decode(b.parentHash)),
      txMerkleHash: b64(base58Decode(b.txMerkleHash)),
      txReceiptMerkleHash: b64(base58Decode(b.txReceiptMerkleHash)),
      info: b64(utf8.encode(b.info)),
      number: String(b.number),
      witness: b.witness,
      time: b.time,
    },
    sign: rawSign(b.sign),
    txs: full ? body.txs.map(rawTx) : [],
    receipts: full ? body.receipts.map(rawReceipt) : [],
    txHashes: body !== null && !full ? body.txHashes.map((h) => b64(base58Decode(h))) : [],
    receiptHashes: body !== null && !full ? body.receiptHashes.map((h) => b64(base58Decode(h))) : [],
    blockType: full ? "NORMAL" : "ONLYHASH",
  };
}

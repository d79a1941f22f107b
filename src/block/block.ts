/**
 * A block as this node stores it, how it is assembled from the shards' chunks,
 * and its RPC view (go-iost rpc/convert.go `toPbBlock`).
 *
 * Differences from go-iost, on purpose:
 * - No base tx (`base.iost/exec`): block rewards and the witness bookkeeping it
 *   drives are not implemented yet, so a block holds only users' txs and may be
 *   empty; the tx merkle root of an empty block is empty bytes.
 * - `info` is not `{}` but the per-shard chunk roots (see `chunkInfo`), so a
 *   header commits to every shard's state; the RPC view shows it in `orig_info`.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { base58Decode, base58Encode } from "../codec/base58.js";
import { base64Encode } from "../codec/base64.js";
import { blockHash, type BlockHeader } from "./header.js";
import { merkleRoot } from "./merkle.js";

/** A shard's part of a block header: `Chunk` of durable-objects/api.ts, the fields the header needs. */
export interface ChunkSummary {
  shard: number;
  /** base58 tx hashes, block order. */
  txHashes: readonly string[];
  /** base58 sha3(receiptBytes) per tx, same order. */
  receiptHashes: readonly string[];
  /** Internal gas units (gas × ratio×100), decimal string. */
  gasUsage: string;
  /** hex */
  stateRoot: string;
  /** hex merkle root of the cross-shard receipts the chunk sent; only on chains of several shards. */
  receiptsRoot?: string;
  /** src/sharding/placeholder.ts: a chunk nobody built, and the receipts cursor; both in the header. */
  placeholder?: true;
  receiptsFrom?: number;
}

export interface BlockSignature {
  /** 2 = ed25519 (go-iost crypto/algorithm.go). */
  algorithm: number;
  /** base64 */
  sig: string;
  /** base64 */
  pubkey: string;
}

/** What the coordinator stores per height: the header (hashes base58, int64 as decimal text) and its signature. */
export interface StoredBlock {
  number: number;
  hash: string;
  version: number;
  parentHash: string;
  txMerkleHash: string;
  txReceiptMerkleHash: string;
  info: string;
  witness: string;
  time: string;
  /** Sum of the chunks' receipt gas, internal units. */
  gasUsage: string;
  txCount: number;
  /** null for the genesis block, which nobody signs (as go-iost). */
  sign: BlockSignature | null;
}

/**
 * The header `info` text: every shard's chunk roots, in shard order, as compact
 * JSON with a fixed key order (it is hashed):
 *   {"chunks":[{"shard":0,"tx_root":hex,"receipt_root":hex,"state_root":hex}, …]}
 * plus `"out_receipts_root":hex` (cross-shard receipts sent) with several shards, and on a
 * placeholder or a chunk taking receipts carried past one, `"placeholder":true` and
 * `"receipts_from":n` (src/sharding/placeholder.ts): a checker without the shard reads the next
 * chunk's receipts cursor from its header of the block before.
 */
export function chunkInfo(chunks: readonly ChunkSummary[]): string {
  const parts = chunks.map((c) => ({
    shard: c.shard,
    tx_root: bytesToHex(merkleRoot(c.txHashes.map(base58Decode))),
    receipt_root: bytesToHex(merkleRoot(c.receiptHashes.map(base58Decode))),
    state_root: c.stateRoot,
    ...(c.receiptsRoot === undefined ? {} : { out_receipts_root: c.receiptsRoot }),
    ...(c.placeholder === true ? { placeholder: true } : {}),
    ...(c.receiptsFrom === undefined ? {} : { receipts_from: c.receiptsFrom }),
  }));
  return JSON.stringify({ chunks: parts });
}

export interface AssembleInput {
  version: number;
  number: number;
  /** base58; "" for genesis. */
  parentHash: string;
  witness: string;
  time: bigint;
  /** Sorted by shard. */
  chunks: readonly ChunkSummary[];
}

/** Header of a block built from its chunks: txs (and receipts) in shard order, IOST merkle roots over them. */
export function assembleHeader(input: AssembleInput): BlockHeader {
  const txs = input.chunks.flatMap((c) => c.txHashes.map(base58Decode));
  const receipts = input.chunks.flatMap((c) => c.receiptHashes.map(base58Decode));
  return {
    version: BigInt(input.version),
    parentHash: input.parentHash === "" ? new Uint8Array(0) : base58Decode(input.parentHash),
    txMerkleHash: merkleRoot(txs),
    txReceiptMerkleHash: merkleRoot(receipts),
    info: new TextEncoder().encode(chunkInfo(input.chunks)),
    number: BigInt(input.number),
    witness: input.witness,
    time: input.time,
  };
}

/** The stored form of a header (hash computed here) plus its signature. */
export function storedBlock(header: BlockHeader, chunks: readonly ChunkSummary[], sign: BlockSignature | null): StoredBlock {
  let gas = 0n;
  let count = 0;
  for (const c of chunks) {
    gas += BigInt(c.gasUsage);
    count += c.txHashes.length;
  }
  return {
    number: Number(header.number),
    hash: base58Encode(blockHash(header)),
    version: Number(header.version),
    parentHash: base58Encode(header.parentHash),
    txMerkleHash: base58Encode(header.txMerkleHash),
    txReceiptMerkleHash: base58Encode(header.txReceiptMerkleHash),
    info: new TextDecoder().decode(header.info),
    witness: header.witness,
    time: header.time.toString(),
    gasUsage: gas.toString(),
    txCount: count,
    sign,
  };
}

/** Back from the stored form to the hashed header (e.g. to verify a stored block). */
export function headerOf(b: StoredBlock): BlockHeader {
  return {
    version: BigInt(b.version),
    parentHash: base58Decode(b.parentHash),
    txMerkleHash: base58Decode(b.txMerkleHash),
    txReceiptMerkleHash: base58Decode(b.txReceiptMerkleHash),
    info: new TextEncoder().encode(b.info),
    number: BigInt(b.number),
    witness: b.witness,
    time: BigInt(b.time),
  };
}

export function signatureOf(algorithm: number, sig: Uint8Array, pubkey: Uint8Array): BlockSignature {
  return { algorithm, sig: base64Encode(sig), pubkey: base64Encode(pubkey) };
}

/** Internal gas (×100) as IOST's double: gas_usage = internal / 100. */
function gasDouble(internal: string): number {
  const v = BigInt(internal);
  return Number(v / 100n) + Number(v % 100n) / 100;
}

/**
 * RPC `Block` JSON (go-iost rpc/convert.go `toPbBlock`), hashes base58, int64 as strings. `transactions` are
 * the caller's (they live in the shards): pass them for complete=true.
 */
export function blockToJson(b: StoredBlock, transactions: unknown[] = []): Record<string, unknown> {
  return {
    hash: b.hash,
    version: String(b.version),
    parent_hash: b.parentHash,
    tx_merkle_hash: b.txMerkleHash,
    tx_receipt_merkle_hash: b.txReceiptMerkleHash,
    number: String(b.number),
    witness: b.witness,
    time: b.time,
    gas_usage: gasDouble(b.gasUsage),
    tx_count: String(b.txCount),
    info: null,
    orig_info: b.info,
    transactions,
  };
}

/**
 * A block as nodes send it to each other (issue #7, docs/ARCHITECTURE.md "Apply of a peer block"):
 *   { "block": <the coordinator's stored block record, witnesses list included>,
 *     "chunks": [ { "chunk": <Chunk as a shard returns it>,
 *                   "txs": [<base64 full tx bytes, chunk order; shard 0's first is the base tx>] } ] }
 * chunks in shard order. `parsePeerBlock` checks the shape strictly (every
 * field present with its type, no unknown fields, sizes bounded) and that the
 * header commits to exactly these chunks (info, merkle roots, gas, tx count).
 * It does not check the schedule, the signature or the execution: that is
 * src/consensus/peer-block.ts and the shards' applyChunk. Pure: runs in Node
 * and workerd.
 */
import { base58Decode, base58Encode } from "../codec/base58.js";
import { base64Decode, base64Encode } from "../codec/base64.js";
import { assembleHeader, storedBlock, type StoredBlock } from "./block.js";

/**
 * A shard's share of one block, as shards return it and as it travels between
 * nodes (durable-objects/api.ts names it `Chunk`). Hashes base58 unless named
 * Root (hex).
 */
export interface WireChunk {
  shard: number;
  height: number;
  time: string;
  txHashes: string[];
  /** base58 sha3 of each receipt's bytes, same order as txHashes. */
  receiptHashes: string[];
  /** Sum of receipts' gas_usage, internal units, decimal string. */
  gasUsage: string;
  stateRoot: string;
  /** hex merkle root of the cross-shard receipts this chunk sent (only with several shards). */
  receiptsRoot?: string;
  /**
   * Shard 0 only: vote_producer.iost's pending producer list (base58 pubkeys,
   * schedule order) in the state after this chunk: the list that schedules the
   * next block (src/consensus/schedule.ts).
   */
  witnesses?: string[];
  /** A chunk nobody built (src/sharding/placeholder.ts): no tx, the state root before it, its receipts carried on. */
  placeholder?: true;
  /** The first height whose receipts to this shard it takes in (a placeholder: carries); absent: `height - 1`. */
  receiptsFrom?: number;
}

/** The stored block record plus the list that schedules its child (shard 0's `witnesses`). */
export type WireBlock = StoredBlock & { witnesses: string[] };

/** JSON form. */
export interface PeerBlock {
  block: WireBlock;
  chunks: { chunk: WireChunk; txs: string[] }[];
}

/** Parsed form: tx bytes decoded. */
export interface ParsedPeerBlock {
  block: WireBlock;
  chunks: { chunk: WireChunk; txs: Uint8Array[] }[];
}

/** A full tx is at most 65,536 bytes (VerifySelf); more txs than this per chunk is no chunk we make. */
const MAX_TX_BYTES = 65_536;
const MAX_CHUNK_TXS = 10_000;
const MAX_SHARDS = 256;
const MAX_WITNESSES = 1_000;
const INFO_MAX = 1 << 20;

const BLOCK_KEYS = [
  "number",
  "hash",
  "version",
  "parentHash",
  "txMerkleHash",
  "txReceiptMerkleHash",
  "info",
  "witness",
  "time",
  "gasUsage",
  "txCount",
  "sign",
  "witnesses",
] as const;
const OPTIONAL_BLOCK_KEYS: readonly string[] = [];
const CHUNK_KEYS = ["shard", "height", "time", "txHashes", "receiptHashes", "gasUsage", "stateRoot"] as const;
const OPTIONAL_CHUNK_KEYS = ["receiptsRoot", "witnesses", "placeholder", "receiptsFrom"];

class WireError extends Error {}

function fail(message: string): never {
  throw new WireError(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function keys(v: unknown, at: string, required: readonly string[], optional: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) fail(`${at}: not a JSON object`);
  for (const k of required) if (!(k in v)) fail(`${at}: missing field ${k}`);
  for (const k of Object.keys(v)) if (!required.includes(k) && !optional.includes(k)) fail(`${at}: unknown field ${JSON.stringify(k)}`);
  return v;
}

function int(v: unknown, at: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) fail(`${at}: not an integer from ${min} to ${max}`);
  return v;
}

/** Canonical non-negative decimal (no sign, no leading zeros) below 2^63: int64 times and gas. */
function decimal(v: unknown, at: string): string {
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(v) || BigInt(v) >= 1n << 63n) fail(`${at}: not a non-negative int64 decimal string`);
  return v;
}

function str(v: unknown, at: string, max: number): string {
  if (typeof v !== "string" || v.length > max) fail(`${at}: not a string of at most ${max} characters`);
  return v;
}

/** base58 that decodes to exactly `size` bytes (or, with size 0 allowed, the empty string). */
function b58(v: unknown, at: string, size: number, emptyOk = false): string {
  if (typeof v !== "string") fail(`${at}: not a string`);
  if (v === "" && emptyOk) return v;
  let bytes: Uint8Array;
  try {
    bytes = base58Decode(v);
  } catch {
    fail(`${at}: not base58`);
  }
  if (bytes.length !== size || base58Encode(bytes) !== v) fail(`${at}: not a base58 ${size}-byte value`);
  return v;
}

function b64(v: unknown, at: string, maxBytes: number): Uint8Array {
  if (typeof v !== "string" || v.length > Math.ceil(maxBytes / 3) * 4) fail(`${at}: not a base64 string of at most ${maxBytes} bytes`);
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(v);
  } catch {
    fail(`${at}: not base64`);
  }
  if (bytes.length > maxBytes) fail(`${at}: not a base64 string of at most ${maxBytes} bytes`);
  // Canonical standard base64 only, so one value has one spelling.
  if (base64Encode(bytes) !== v) fail(`${at}: not canonical base64`);
  return bytes;
}

function hex(v: unknown, at: string): string {
  if (typeof v !== "string" || !/^([0-9a-f]{2}){0,64}$/.test(v)) fail(`${at}: not lowercase hex of at most 64 bytes`);
  return v;
}

function list<T>(v: unknown, at: string, max: number, item: (x: unknown, at: string) => T): T[] {
  if (!Array.isArray(v)) fail(`${at}: not an array`);
  if (v.length > max) fail(`${at}: more than ${max} entries`);
  return v.map((x, i) => item(x, `${at}[${i}]`));
}

const pubkey = (v: unknown, at: string): string => b58(v, at, 32);

function parseBlock(v: unknown): WireBlock {
  const o = keys(v, "block", BLOCK_KEYS, OPTIONAL_BLOCK_KEYS);
  const number = int(o.number, "block.number", 1);
  const sign = keys(o.sign, "block.sign", ["algorithm", "sig", "pubkey"], []);
  return {
    number,
    hash: b58(o.hash, "block.hash", 32),
    version: int(o.version, "block.version", 0, 2 ** 31),
    parentHash: b58(o.parentHash, "block.parentHash", 32),
    txMerkleHash: b58(o.txMerkleHash, "block.txMerkleHash", 32, true),
    txReceiptMerkleHash: b58(o.txReceiptMerkleHash, "block.txReceiptMerkleHash", 32, true),
    info: str(o.info, "block.info", INFO_MAX),
    witness: pubkey(o.witness, "block.witness"),
    time: decimal(o.time, "block.time"),
    gasUsage: decimal(o.gasUsage, "block.gasUsage"),
    txCount: int(o.txCount, "block.txCount", 0),
    sign: {
      algorithm: int(sign.algorithm, "block.sign.algorithm", 0, 255),
      sig: base64Encode(b64(sign.sig, "block.sign.sig", 64)),
      pubkey: base64Encode(b64(sign.pubkey, "block.sign.pubkey", 32)),
    },
    witnesses: list(o.witnesses, "block.witnesses", MAX_WITNESSES, pubkey),
  };
}

function parseChunk(v: unknown, at: string, lowest = 1): WireChunk {
  const o = keys(v, at, CHUNK_KEYS, OPTIONAL_CHUNK_KEYS);
  const chunk: WireChunk = {
    shard: int(o.shard, `${at}.shard`, 0, MAX_SHARDS - 1),
    height: int(o.height, `${at}.height`, lowest),
    time: decimal(o.time, `${at}.time`),
    txHashes: list(o.txHashes, `${at}.txHashes`, MAX_CHUNK_TXS, (x, a) => b58(x, a, 32)),
    receiptHashes: list(o.receiptHashes, `${at}.receiptHashes`, MAX_CHUNK_TXS, (x, a) => b58(x, a, 32)),
    gasUsage: decimal(o.gasUsage, `${at}.gasUsage`),
    stateRoot: hex(o.stateRoot, `${at}.stateRoot`),
  };
  if (o.receiptsRoot !== undefined) chunk.receiptsRoot = hex(o.receiptsRoot, `${at}.receiptsRoot`);
  if (o.witnesses !== undefined) chunk.witnesses = list(o.witnesses, `${at}.witnesses`, MAX_WITNESSES, pubkey);
  if (o.placeholder !== undefined) {
    if (o.placeholder !== true) fail(`${at}.placeholder: not true`);
    chunk.placeholder = true;
  }
  if (o.receiptsFrom !== undefined) chunk.receiptsFrom = int(o.receiptsFrom, `${at}.receiptsFrom`, 0, chunk.height - 1);
  if (chunk.receiptHashes.length !== chunk.txHashes.length) fail(`${at}: ${chunk.txHashes.length} txHashes but ${chunk.receiptHashes.length} receiptHashes`);
  return chunk;
}

/**
 * The checks between fields: chunks in shard order at the block's height and
 * time, one tx per hash, shard 0 carrying the witnesses list the block names,
 * and a header that is exactly the one these chunks make.
 */
function checkConsistent(p: ParsedPeerBlock, shardCount: number | undefined): void {
  const { block, chunks } = p;
  if (chunks.length === 0) fail("chunks: empty");
  if (shardCount !== undefined && chunks.length !== shardCount) fail(`chunks: ${chunks.length} chunks, this chain has ${shardCount} shards`);
  chunks.forEach(({ chunk, txs }, i) => {
    const at = `chunks[${i}].chunk`;
    if (chunk.shard !== i) fail(`${at}.shard: ${chunk.shard}, expected ${i} (shard order)`);
    if (chunk.height !== block.number) fail(`${at}.height: ${chunk.height}, the block is ${block.number}`);
    if (chunk.time !== block.time) fail(`${at}.time: ${chunk.time}, the block's is ${block.time}`);
    if (txs.length !== chunk.txHashes.length) fail(`chunks[${i}].txs: ${txs.length} txs for ${chunk.txHashes.length} txHashes`);
    if (i > 0 && chunk.witnesses !== undefined) fail(`${at}.witnesses: only shard 0 carries the witness list`);
  });
  // Shard 0's non-empty list is the block's; without one the parent's carries on (the receiver checks that).
  const w0 = chunks[0].chunk.witnesses;
  if (block.witnesses.length === 0) fail("block.witnesses: empty");
  if (w0 !== undefined && w0.length > 0 && (w0.length !== block.witnesses.length || w0.some((w, i) => w !== block.witnesses[i]))) {
    fail("block.witnesses: differs from shard 0's witnesses");
  }
  const summaries = chunks.map((c) => c.chunk);
  const header = assembleHeader({
    version: block.version,
    number: block.number,
    parentHash: block.parentHash,
    witness: block.witness,
    time: BigInt(block.time),
    chunks: summaries,
  });
  const expect = storedBlock(header, summaries, block.sign);
  for (const k of ["txMerkleHash", "txReceiptMerkleHash", "info", "gasUsage", "txCount"] as const) {
    if (expect[k] !== block[k]) fail(`block.${k}: ${JSON.stringify(block[k])} is not what its chunks make (${JSON.stringify(expect[k])})`);
  }
}

/**
 * The block in `json` (the parsed request body), or why it is refused. With
 * `shardCount`, the chunk count must match it.
 */
export function parsePeerBlock(json: unknown, shardCount?: number): ParsedPeerBlock | { error: string } {
  try {
    const top = keys(json, "peer block", ["block", "chunks"], []);
    const block = parseBlock(top.block);
    const chunks = list(top.chunks, "chunks", MAX_SHARDS, (c, at) => {
      const o = keys(c, at, ["chunk", "txs"], []);
      return {
        chunk: parseChunk(o.chunk, `${at}.chunk`),
        txs: list(o.txs, `${at}.txs`, MAX_CHUNK_TXS, (t, a) => {
          const bytes = b64(t, a, MAX_TX_BYTES);
          if (bytes.length === 0) fail(`${a}: empty tx`);
          return bytes;
        }),
      };
    });
    const parsed = { block, chunks };
    checkConsistent(parsed, shardCount);
    return parsed;
  } catch (err) {
    if (err instanceof WireError) return { error: `invalid peer block: ${err.message}` };
    throw err;
  }
}

/** Shard `shard`'s genesis chunk in `v` (a peer's block 0, GET /p2p/blocks?from=0), or why it is refused. */
export function parseGenesisChunk(v: unknown, shard: number): WireChunk | { error: string } {
  try {
    const chunk = parseChunk(v, `genesis chunk ${shard}`, 0);
    if (chunk.shard !== shard || chunk.height !== 0) fail(`genesis chunk ${shard}: it is chunk ${chunk.shard} of height ${chunk.height}`);
    return chunk;
  } catch (err) {
    if (err instanceof WireError) return { error: err.message };
    throw err;
  }
}

/** The JSON form of a block to send. */
export function peerBlockJson(p: ParsedPeerBlock): PeerBlock {
  return { block: p.block, chunks: p.chunks.map((c) => ({ chunk: c.chunk, txs: c.txs.map(base64Encode) })) };
}

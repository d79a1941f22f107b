/**
 * /getRawBlockByNumber and /getBlockHeaderByRange: blocks in IOST's protobuf
 * form (src/block/raw.ts). The header and the producer's signature are the
 * coordinator's; the body is the shards': their chunks' tx and receipt hashes
 * (ONLYHASH), or the full txs with their signatures and receipts (NORMAL), in
 * shard order as the header's merkle roots take them: a cross-shard tx's receipt
 * as executed, not the combined one a settle made later (docs/SHARDING.md
 * "Receipt JSON"). One call per shard for ONLYHASH, two for NORMAL; a shard this
 * node's objects do not apply, one peer request (none for a quiet chunk); a header
 * range reads no shard.
 */
import { rawBlockJson, receiptFromJson, type RawBody } from "../../src/block/raw";
import type { StoredBlock } from "../../src/block/index";
import { decodeTx, txId, type Tx, type TxReceipt, type TxReceiptJson } from "../../src/tx/index";
import { isRpcError, type Answer, type Json, type ShardInternal } from "../api";
import { MAX_HEADER_RANGE, MAX_LOOKUP_PEERS, PEER_TXS_TIMEOUT_MS } from "../config";
import type { ChainViewHost } from "./coordinator-views";
import { chunkFromPeers } from "../../src/block/chunk-body";
import { fetchPeerJson } from "./witness-check";

async function stored(h: ChainViewHost, number: number): Promise<StoredBlock | null> {
  const hot = h.block(number);
  if (hot !== null) return hot;
  const old = await h.archivedBlock(number);
  return old === null ? null : (JSON.parse(old.json) as StoredBlock);
}

/** One shard's part of a raw body: its chunk's hashes, and with `complete` its txs and their receipts as executed. */
type Part = { txHashes: string[]; receiptHashes: string[]; txs: Tx[]; receipts: TxReceipt[] };

/** Shard object `s`'s part of `height`: one call for the hashes, two for the txs and receipts. */
async function ownPart(s: ShardInternal, height: number, complete: boolean): Promise<Part | { error: string }> {
  if (!complete) {
    const c = await s.chunkAt(height);
    return { txHashes: c?.txHashes ?? [], receiptHashes: c?.receiptHashes ?? [], txs: [], receipts: [] };
  }
  const [bytes, views] = await Promise.all([s.chunkTxs(height), s.getChunkTxs(height, true)]);
  const txs = bytes.map((b) => decodeTx(b));
  const byHash = new Map<string, TxReceiptJson>();
  for (const v of views as { tx_receipt: TxReceiptJson | null }[]) if (v.tx_receipt) byHash.set(v.tx_receipt.tx_hash, v.tx_receipt);
  const receipts = [];
  for (const tx of txs) {
    const r = byHash.get(txId(tx));
    if (r === undefined) return { error: "receipt not found" };
    receipts.push(receiptFromJson(r));
  }
  return { txHashes: [], receiptHashes: [], txs, receipts };
}

/**
 * Block `b`'s body in shard order: each shard's part from its object where ours applies it, else from a
 * peer, checked against our header (src/block/chunk-body.ts `chunkFromPeers`). Before, a producer of several groups listed only
 * its applied shards' txs, so the body did not make the header's roots.
 */
async function body(h: ChainViewHost, b: StoredBlock, complete: boolean): Promise<RawBody | { error: string }> {
  const applied = h.applies();
  const parts = await Promise.all(
    Array.from({ length: h.config.shardCount }, async (_, i): Promise<Part | { error: string }> => {
      if (applied === null || applied.includes(i)) return ownPart(h.shardAt(i), b.number, complete);
      const ask = async (peer: string, path: string) => {
        const got = await fetchPeerJson(peer, h.config.chainId, path, "txs answer", undefined, PEER_TXS_TIMEOUT_MS);
        return isRpcError(got) ? got : { body: got };
      };
      const got = await chunkFromPeers(h.config.peers.slice(0, MAX_LOOKUP_PEERS), ask, i, b.number, b.info);
      return "error" in got ? got : { ...got, txs: got.txs.map((t) => t.tx), receipts: got.txs.map((t) => t.receipt) };
    }),
  );
  const failed = parts.find((p) => "error" in p);
  if (failed !== undefined) return failed;
  const all = parts as Part[];
  return complete
    ? { txs: all.flatMap((p) => p.txs), receipts: all.flatMap((p) => p.receipts) }
    : { txHashes: all.flatMap((p) => p.txHashes), receiptHashes: all.flatMap((p) => p.receiptHashes) };
}

/** go-iost GetRawBlockByNumber: `{status, block}`, NORMAL with `complete`, else ONLYHASH. */
export async function rawBlock(h: ChainViewHost, number: number, complete: boolean): Promise<Answer<Json>> {
  const b = await stored(h, number);
  if (b === null) return { error: "block not found" };
  const bodyOf = await body(h, b, complete);
  if ("error" in bodyOf) return bodyOf;
  return { status: number <= h.libNumber() ? "IRREVERSIBLE" : "PENDING", block: rawBlockJson(b, bodyOf) as Json };
}

/**
 * go-iost GetBlockHeaderByRange: the irreversible blocks of [start, end) (end − start ≤ MAX_HEADER_RANGE),
 * head and signature only, stopping at the first one not irreversible.
 */
export async function rawHeaders(h: ChainViewHost, start: number, end: number): Promise<Answer<Json>> {
  if (end <= start || end > start + MAX_HEADER_RANGE) return { error: `invalid range ${start} to ${end}` };
  const list: Json[] = [];
  for (let n = start; n < Math.min(end, h.libNumber() + 1); n++) {
    const b = await stored(h, n);
    if (b === null) break;
    list.push(rawBlockJson(b, null) as Json);
  }
  return { block_list: list };
}

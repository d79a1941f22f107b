/**
 * /getRawBlockByNumber and /getBlockHeaderByRange: blocks in IOST's protobuf
 * form (src/block/raw.ts). The header and the producer's signature are the
 * coordinator's; the body is the shards': their chunks' tx and receipt hashes
 * (ONLYHASH), or the full txs with their signatures and receipts (NORMAL), in
 * shard order as the header's merkle roots take them: a cross-shard tx's receipt
 * as executed, not the combined one a settle made later (docs/SHARDING.md
 * "Receipt JSON"). One call per shard for ONLYHASH, two for NORMAL; a header
 * range reads no shard.
 */
import { rawBlockJson, receiptFromJson, type RawBody } from "../../src/block/raw";
import type { StoredBlock } from "../../src/block/index";
import { decodeTx, txId, type TxReceiptJson } from "../../src/tx/index";
import type { Answer, Json } from "../api";
import { MAX_HEADER_RANGE } from "../config";
import type { ChainViewHost } from "./coordinator-views";

async function stored(h: ChainViewHost, number: number): Promise<StoredBlock | null> {
  const hot = h.block(number);
  if (hot !== null) return hot;
  const old = await h.archivedBlock(number);
  return old === null ? null : (JSON.parse(old.json) as StoredBlock);
}

async function body(h: ChainViewHost, height: number, complete: boolean): Promise<RawBody | { error: string }> {
  if (!complete) {
    const chunks = await Promise.all(h.shards().map((s) => s.chunkAt(height)));
    return { txHashes: chunks.flatMap((c) => c?.txHashes ?? []), receiptHashes: chunks.flatMap((c) => c?.receiptHashes ?? []) };
  }
  const parts = await Promise.all(h.shards().map((s) => Promise.all([s.chunkTxs(height), s.getChunkTxs(height, true)])));
  const txs = parts.flatMap(([bytes]) => bytes.map((b) => decodeTx(b)));
  const byHash = new Map<string, TxReceiptJson>();
  for (const [, views] of parts)
    for (const v of views as { tx_receipt: TxReceiptJson | null }[]) if (v.tx_receipt) byHash.set(v.tx_receipt.tx_hash, v.tx_receipt);
  const receipts = [];
  for (const tx of txs) {
    const r = byHash.get(txId(tx));
    if (r === undefined) return { error: "receipt not found" };
    receipts.push(receiptFromJson(r));
  }
  return { txs, receipts };
}

/** go-iost GetRawBlockByNumber: `{status, block}`, NORMAL with `complete`, else ONLYHASH. */
export async function rawBlock(h: ChainViewHost, number: number, complete: boolean): Promise<Answer<Json>> {
  const b = await stored(h, number);
  if (b === null) return { error: "block not found" };
  if (h.config.holds !== null)
    return { error: `this node holds shards ${h.config.holds.join(", ")} only: ask a node that holds every shard for a block's body` };
  const bodyOf = await body(h, number, complete);
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

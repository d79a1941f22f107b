/**
 * A peer's copy of a chunk's txs checked against our own block header (docs/ARCHITECTURE.md "Reads
 * through peers"): what a node without a shard's state answers /getTxByHash, /getTxReceiptByTxHash and
 * complete blocks with. The header's `info` names each shard's tx and receipt roots; the peer sends
 * the chunk's tx and receipt hashes (which must make those roots) and the txs asked, each with its
 * full bytes and its receipt as executed (whose hashes must be at its position). Nothing the peer
 * says is taken but what hashes to our header. Pure: runs in Node and workerd.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { base58Decode, base58Encode } from "../codec/base58.js";
import { base64Decode } from "../codec/base64.js";
import { sha3 } from "../crypto/sha3.js";
import { decodeTx, receiptBytes, txId } from "../tx/bytes.js";
import type { Tx, TxReceipt } from "../tx/types.js";
import { receiptToJson, txToJson, type TransactionJson, type TxReceiptJson } from "../tx/view.js";
import { receiptFromJson } from "./raw.js";
import { merkleRoot } from "./merkle.js";

/** A tx as a shard's view lists it: /getTxByHash's `transaction`, its receipt as executed in `tx_receipt`. */
export type TxView = TransactionJson & { tx_receipt: TxReceiptJson };

/**
 * The chunk's hashes and the txs checked, in chunk order, decoded and as views; `joined`: a tx whose shown
 * receipt is, or will be, combined with cross-shard settles.
 */
export interface CheckedBody {
  txHashes: string[];
  receiptHashes: string[];
  txs: { tx: Tx; receipt: TxReceipt; view: TxView; joined: boolean }[];
}

/** More hashes than a chunk may hold (src/block/wire.ts MAX_CHUNK_TXS) is no chunk. */
const MAX_CHUNK_TXS = 10_000;

function hashes(v: unknown): Uint8Array[] | null {
  if (!Array.isArray(v) || v.length > MAX_CHUNK_TXS || !v.every((h) => typeof h === "string")) return null;
  try {
    const raw = v.map((h: string) => base58Decode(h));
    return raw.every((b) => b.length === 32) ? raw : null;
  } catch {
    return null;
  }
}

/**
 * `body` (a peer's /p2p/tx or /p2p/txs answer) checked as shard `shard`'s chunk of our block of header
 * `info` at `height`: with `hash`, that one tx; without, every tx of the chunk. The checked txs, or why
 * the answer is refused.
 */
export function checkChunkBody(info: string, shard: number, height: number, body: unknown, hash?: string): CheckedBody | string {
  if (typeof body !== "object" || body === null) return "not a chunk body";
  const b = body as { shard?: unknown; height?: unknown; tx_hashes?: unknown; receipt_hashes?: unknown; txs?: unknown };
  if (b.shard !== shard || b.height !== height) return `it sent shard ${String(b.shard)}'s chunk of ${String(b.height)}, not shard ${shard}'s of ${height}`;
  const txHashes = hashes(b.tx_hashes);
  const receiptHashes = hashes(b.receipt_hashes);
  if (txHashes === null || receiptHashes === null || txHashes.length !== receiptHashes.length) return "malformed tx or receipt hashes";
  const ours = (JSON.parse(info) as { chunks: { shard: number; tx_root: string; receipt_root: string }[] }).chunks.find((c) => c.shard === shard);
  if (ours === undefined) return `our block ${height} has no chunk of shard ${shard}`;
  if (bytesToHex(merkleRoot(txHashes)) !== ours.tx_root) return `its tx hashes are not shard ${shard}'s tx root in our block ${height}`;
  if (bytesToHex(merkleRoot(receiptHashes)) !== ours.receipt_root) return `its receipt hashes are not shard ${shard}'s receipt root in our block ${height}`;
  const ids = txHashes.map((h) => base58Encode(h));
  const want = hash === undefined ? ids.map((_, i) => i) : [ids.indexOf(hash)];
  if (want[0] === -1) return `tx ${hash} is not in shard ${shard}'s chunk of our block ${height}`;
  if (!Array.isArray(b.txs) || b.txs.length !== want.length) return `it sent ${Array.isArray(b.txs) ? b.txs.length : "no"} txs for ${want.length}`;
  const txs: CheckedBody["txs"] = [];
  for (const [k, at] of want.entries()) {
    const e = b.txs[k] as { index?: unknown; tx?: unknown; receipt?: unknown; joined?: unknown } | null;
    if (e?.index !== at || typeof e.tx !== "string" || typeof e.joined !== "boolean") return `malformed tx ${k}`;
    try {
      const tx = decodeTx(base64Decode(e.tx));
      if (txId(tx) !== ids[at]) return `the bytes of tx ${ids[at]} hash to another tx`;
      const receipt = receiptFromJson(e.receipt as TxReceiptJson);
      if (receipt.txHash !== ids[at] || base58Encode(sha3(receiptBytes(receipt))) !== base58Encode(receiptHashes[at]))
        return `the receipt sent for tx ${ids[at]} is not the one shard ${shard}'s chunk hashed`;
      txs.push({ tx, receipt, view: { ...txToJson(tx, ids[at]), tx_receipt: receiptToJson(receipt) }, joined: e.joined });
    } catch (err) {
      return `tx ${ids[at]}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { txHashes: ids, receiptHashes: receiptHashes.map((h) => base58Encode(h)), txs };
}

/** `checked` with each tx's view showing its receipt as `receipts` gives it (`receipt` stays the one hashed). */
function combined(checked: CheckedBody, receipts: ReadonlyMap<string, TxReceipt>): CheckedBody {
  const txs = checked.txs.map((t) => ({ ...t, view: { ...t.view, tx_receipt: receiptToJson(receipts.get(t.view.hash) ?? t.receipt) } }));
  return { ...checked, txs };
}

/** Whether shard `shard`'s chunk in the header of `info` has no tx (the empty tx root: a quiet shard, a placeholder). */
export function quiet(info: string, shard: number): boolean {
  return (JSON.parse(info) as { chunks: { shard: number; tx_root: string }[] }).chunks.find((c) => c.shard === shard)?.tx_root === "";
}

/**
 * Per tx asked: its receipt as the home shows it (combined when settles joined it), or why not:
 * `refused` (the peer's answer does not check: ask the next), `unchecked` (it checks, but the
 * combination needs the home shard's state: every peer would answer the same), `later` (a settle is
 * not final here, or still in flight at the peer: not known here yet).
 */
export type Joined = { receipts: Map<string, TxReceipt> } | { refused: string } | { unchecked: string } | { later: string };

/** A peer's answer to `path`: its JSON body, or why there is none (a refusal, no answer), naming the peer. */
export type PeerAsk = (peer: string, path: string) => Promise<{ body: unknown } | { error: string }>;

/**
 * Shard `shard`'s chunk of our block `height` (header `info`) from the first of `peers` whose answer to
 * `GET /p2p/txs` (`ask`) checks, or every peer's reason; a `quiet` chunk is known empty without asking.
 * With `joined` (src/sharding/joined.ts), its txs' receipts as their home shows them, combined with their settles.
 */
export async function chunkFromPeers(
  peers: readonly string[],
  ask: PeerAsk,
  shard: number,
  height: number,
  info: string,
  joined?: (checked: CheckedBody, body: unknown) => Promise<Joined>,
): Promise<CheckedBody | { error: string }> {
  if (quiet(info, shard)) return { txHashes: [], receiptHashes: [], txs: [] };
  const refused: string[] = [];
  for (const peer of peers) {
    // Only a combining asker needs the settles' runs, which cost the peer a Shard call per settling shard.
    const got = await ask(peer, `/p2p/txs?shard=${shard}&height=${height}${joined === undefined ? "" : "&settles=1"}`);
    if ("error" in got) {
      refused.push(got.error);
      continue;
    }
    const checked = checkChunkBody(info, shard, height, got.body);
    if (typeof checked === "string") {
      refused.push(`${peer}: ${checked}`);
      continue;
    }
    if (joined === undefined) return checked;
    const shown = await joined(checked, got.body);
    if ("receipts" in shown) return combined(checked, shown.receipts);
    // Every peer would answer the same: the combination follows from what our headers commit to.
    if ("unchecked" in shown)
      return { error: `shard ${shard}'s txs of block ${height} are not on this node: ${shown.unchecked}, which it cannot check without the shard` };
    // A settle not final here, or in flight as the peer says (which a liar may say): the next peer may be further on.
    refused.push(`${peer}: ${"refused" in shown ? shown.refused : `${shown.later}: its receipts are not final here yet`}`);
  }
  return {
    error: `shard ${shard}'s txs of block ${height} are not on this node and no peer gave a verified answer${refused.length === 0 ? " (no PEERS)" : `: ${refused.join("; ")}`}`,
  };
}

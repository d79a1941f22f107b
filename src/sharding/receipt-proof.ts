/**
 * Cross-shard receipts proven against the sender chunk's `out_receipts_root` (docs/SHARDING.md
 * "Receipt proofs", issue #18), so that a node without the sender shard checks what a chunk took in.
 *
 * The root is IOST's Merkle root (src/block/merkle.ts: heap layout, a last odd node hashed with
 * itself) over sha3 of each receipt's JSON, with two changes that make a proof mean something:
 * - The leaves are the receipts stably sorted by destination shard (each destination's receipts in
 *   emission order, the order its shard applies them), so the receipts for one shard are a run of
 *   leaves, and its two neighbours, bound for other shards, prove that no receipt was left out.
 * - The root is sha3(count as 8 bytes big-endian ‖ that Merkle root): the duplicated last node makes
 *   [a, b, c] and [a, b, c, c] one Merkle root, so without the count a proof could show c twice.
 * No receipt sent: the root is empty (no bytes), as before.
 *
 * A receipt's proof is its leaf position, the leaf count, and the siblings bottom-up (hex), none
 * where a node is hashed with itself: the count fixes every level's length, so a position has one
 * path and a proof of another length or another position gives another root.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { merkleRoot } from "../block/merkle.js";
import { sha3 } from "../crypto/sha3.js";
import type { CrossReceipt } from "./receipts.js";

export interface ReceiptProof {
  /** The receipt's leaf position in `rootOrder`. */
  at: number;
  /** How many receipts the chunk sent. */
  count: number;
  /** Sibling hashes from the leaf up, hex. */
  siblings: string[];
}

/**
 * What a chunk sent to one shard, proven: its receipts for `to` (positions `first`…), with the
 * leaves just before and after them, which go to other shards (none at either end of the list).
 */
export interface SentProof {
  count: number;
  first: number;
  receipts: CrossReceipt[];
  siblings: string[][];
  before: { receipt: CrossReceipt; siblings: string[] } | null;
  after: { receipt: CrossReceipt; siblings: string[] } | null;
}

/** Receipts a proof does not hold for. */
export class ReceiptProofError extends Error {
  override name = "ReceiptProofError";
}

const utf8 = new TextEncoder();

function pair(l: Uint8Array, r: Uint8Array): Uint8Array {
  const b = new Uint8Array(64);
  b.set(l, 0);
  b.set(r, 32);
  return sha3(b);
}

function leafOf(r: CrossReceipt): Uint8Array {
  return sha3(utf8.encode(JSON.stringify(r)));
}

function bound(count: number, top: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + top.length);
  new DataView(b.buffer).setBigUint64(0, BigInt(count));
  b.set(top, 8);
  return sha3(b);
}

/** The receipts in leaf order: stably by destination shard. */
export function rootOrder(sent: readonly CrossReceipt[]): CrossReceipt[] {
  return [...sent].sort((a, b) => a.toShard - b.toShard);
}

/** A chunk's `out_receipts_root` (raw bytes; empty when it sent nothing) over what it sent, in emission order. */
export function outReceiptsRoot(sent: readonly CrossReceipt[]): Uint8Array {
  if (sent.length === 0) return new Uint8Array(0);
  return bound(sent.length, merkleRoot(rootOrder(sent).map(leafOf)));
}

/** The proof of the receipt at leaf position `at` of `rootOrder(sent)`. */
export function receiptProof(sent: readonly CrossReceipt[], at: number): ReceiptProof {
  if (!Number.isInteger(at) || at < 0 || at >= sent.length) throw new RangeError(`no receipt at ${at} of ${sent.length}`);
  let level = rootOrder(sent).map(leafOf);
  const siblings: string[] = [];
  for (let i = at; level.length > 1; i >>= 1) {
    if ((i ^ 1) < level.length) siblings.push(bytesToHex(level[i ^ 1]));
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(pair(level[j], level[j + 1] ?? level[j]));
    level = next;
  }
  return { at, count: sent.length, siblings };
}

/** Whether `receipt` is at `proof.at` of the list whose root is `root` (hex). Malformed input is false, never a throw. */
export function verifyReceipt(root: string, receipt: CrossReceipt, proof: ReceiptProof): boolean {
  if (typeof root !== "string" || typeof proof !== "object" || proof === null || !Array.isArray(proof.siblings)) return false;
  const { at, count, siblings } = proof;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(at) || at < 0 || at >= count) return false;
  if (!siblings.every((s) => typeof s === "string" && /^[0-9a-f]{64}$/.test(s))) return false;
  let h: Uint8Array;
  try {
    h = leafOf(receipt);
  } catch {
    return false;
  }
  let used = 0;
  if (count === 1) h = pair(h, h);
  for (let i = at, len = count; len > 1; i >>= 1, len = (len + 1) >> 1) {
    if (i % 2 === 1) h = pair(hexBytes(siblings[used++] ?? ""), h);
    else if (i + 1 < len) h = pair(h, hexBytes(siblings[used++] ?? ""));
    else h = pair(h, h);
  }
  return used === siblings.length && bytesToHex(bound(count, h)) === root;
}

function hexBytes(s: string): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16) || 0;
  return b;
}

/** What the chunk whose `sent` receipts these are sent to shard `to`, with its proof. */
export function sentProof(sent: readonly CrossReceipt[], to: number): SentProof {
  const order = rootOrder(sent);
  let first = order.findIndex((r) => r.toShard >= to);
  if (first < 0) first = order.length;
  let end = first;
  while (end < order.length && order[end].toShard === to) end++;
  const at = (i: number) => ({ receipt: order[i], siblings: receiptProof(sent, i).siblings });
  return {
    count: order.length,
    first,
    receipts: order.slice(first, end),
    siblings: order.slice(first, end).map((_, k) => receiptProof(sent, first + k).siblings),
    before: first > 0 ? at(first - 1) : null,
    after: end < order.length ? at(end) : null,
  };
}

/**
 * The receipts shard `from`'s chunk sent to shard `to`, in the order `to` applies them, checked
 * against that chunk's `out_receipts_root` (hex, "" when it sent nothing) as the block header gives
 * it: every one proven, bound for `to` and from `from`, and none left out (the leaves beside the
 * run go elsewhere, or the run reaches the list's end). Throws ReceiptProofError with the reason.
 */
export function verifySent(root: string, from: number, to: number, p: SentProof): CrossReceipt[] {
  const bad = (why: string): never => {
    throw new ReceiptProofError(`receipts from shard ${from}: ${why}`);
  };
  if (typeof p !== "object" || p === null || !Array.isArray(p.receipts) || !Array.isArray(p.siblings) || p.receipts.length !== p.siblings.length) {
    bad("malformed proof");
  }
  const { count, first, receipts } = p;
  if (root === "") {
    if (count !== 0 || receipts.length > 0 || p.before || p.after) bad("its chunk sent none");
    return [];
  }
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(first) || first < 0 || first + receipts.length > count) bad("positions out of range");
  const end = first + receipts.length;
  if (first > 0 !== (p.before != null) || end < count !== (p.after != null)) bad("a neighbour of the run is missing or extra: receipts may be left out");
  const holds = (r: CrossReceipt, at: number, siblings: unknown) =>
    typeof r === "object" && r !== null && verifyReceipt(root, r, { at, count, siblings: siblings as string[] });
  receipts.forEach((r, k) => {
    if (!holds(r, first + k, p.siblings[k])) bad(`receipt ${k} is not in the chunk's receipts root at ${first + k}`);
    if (r.toShard !== to || r.fromShard !== from) bad(`receipt ${String(r.id).slice(0, 80)} goes from ${r.fromShard} to ${r.toShard}, not ${from} to ${to}`);
  });
  if (p.before && (!holds(p.before.receipt, first - 1, p.before.siblings) || !(p.before.receipt.toShard < to)))
    bad("the receipt before the run is not proven bound for a lower shard");
  if (p.after && (!holds(p.after.receipt, end, p.after.siblings) || !(p.after.receipt.toShard > to)))
    bad("the receipt after the run is not proven bound for a higher shard");
  return receipts;
}

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
 * path and a proof of another length or another position gives another root. A shard's run is
 * proven as one range: its leaves and the two neighbours given, only the hashes beside the range.
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
 * What a chunk sent to one shard, proven: its receipts for `to` (leaf positions `first`…), with the
 * leaves just before and after them, which go to other shards (none at either end of the list), and
 * the hashes beside that run of leaves, level by level (left, then right), the run's own not repeated.
 */
export interface SentProof {
  count: number;
  first: number;
  receipts: CrossReceipt[];
  before: CrossReceipt | null;
  after: CrossReceipt | null;
  siblings: string[];
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

/**
 * The root of the Merkle tree of `len` leaves from the hashes of its leaves `lo`… (`nodes`), the
 * hashes beside them taken level by level from `beside(depth, index)`, left edge first.
 */
function climb(nodes: Uint8Array[], lo: number, len: number, beside: (depth: number, i: number) => Uint8Array): Uint8Array {
  if (len === 1) return pair(nodes[0], nodes[0]);
  for (let depth = 0; len > 1; depth++, lo >>= 1, len = (len + 1) >> 1) {
    const hi = lo + nodes.length;
    const up: Uint8Array[] = [];
    for (let p = lo >> 1; 2 * p < hi; p++) {
      const l = 2 * p < lo ? beside(depth, 2 * p) : nodes[2 * p - lo];
      const r = 2 * p + 1 >= len ? l : 2 * p + 1 >= hi ? beside(depth, 2 * p + 1) : nodes[2 * p + 1 - lo];
      up.push(pair(l, r));
    }
    nodes = up;
  }
  return nodes[0];
}

/** The hashes beside the leaves `lo`…`hi - 1` of `sent`'s tree, hex, in `climb`'s order. */
function besideRun(sent: readonly CrossReceipt[], lo: number, hi: number): string[] {
  const levels = [rootOrder(sent).map(leafOf)];
  while (levels[levels.length - 1].length > 1) {
    const l = levels[levels.length - 1];
    levels.push(Array.from({ length: (l.length + 1) >> 1 }, (_, p) => pair(l[2 * p], l[2 * p + 1] ?? l[2 * p])));
  }
  const out: string[] = [];
  climb(levels[0].slice(lo, hi), lo, sent.length, (d, i) => {
    out.push(bytesToHex(levels[d][i]));
    return levels[d][i];
  });
  return out;
}

/** The root `leaves` (hashes of positions `lo`… of `count`) give with `siblings` (hex), or null if they are not all used or malformed. */
function rootFrom(leaves: Uint8Array[], lo: number, count: number, siblings: unknown): string | null {
  if (!Array.isArray(siblings) || !siblings.every((s) => typeof s === "string" && /^[0-9a-f]{64}$/.test(s))) return null;
  let used = 0;
  const top = climb(leaves, lo, count, () => hexBytes(siblings[used++] ?? "00".repeat(32)));
  return used === siblings.length ? bytesToHex(bound(count, top)) : null;
}

/** The proof of the receipt at leaf position `at` of `rootOrder(sent)`. */
export function receiptProof(sent: readonly CrossReceipt[], at: number): ReceiptProof {
  if (!Number.isInteger(at) || at < 0 || at >= sent.length) throw new RangeError(`no receipt at ${at} of ${sent.length}`);
  return { at, count: sent.length, siblings: besideRun(sent, at, at + 1) };
}

/** Whether `receipt` is at `proof.at` of the list whose root is `root` (hex). Malformed input is false, never a throw. */
export function verifyReceipt(root: string, receipt: CrossReceipt, proof: ReceiptProof): boolean {
  if (typeof proof !== "object" || proof === null) return false;
  const { at, count } = proof;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(at) || at < 0 || at >= count) return false;
  const leaf = leafSafe(receipt);
  return leaf !== null && rootFrom([leaf], at, count, proof.siblings) === root;
}

function leafSafe(r: unknown): Uint8Array | null {
  if (typeof r !== "object" || r === null) return null;
  try {
    return leafOf(r as CrossReceipt);
  } catch {
    return null;
  }
}

function hexBytes(s: string): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/** What the chunk whose `sent` receipts these are sent to shard `to`, with its proof. */
export function sentProof(sent: readonly CrossReceipt[], to: number): SentProof {
  const order = rootOrder(sent);
  let first = order.findIndex((r) => r.toShard >= to);
  if (first < 0) first = order.length;
  let end = first;
  while (end < order.length && order[end].toShard === to) end++;
  const lo = Math.max(0, first - 1);
  const hi = Math.min(order.length, end + 1);
  return {
    count: order.length,
    first,
    receipts: order.slice(first, end),
    before: first > 0 ? order[first - 1] : null,
    after: end < order.length ? order[end] : null,
    siblings: lo < hi ? besideRun(sent, lo, hi) : [],
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
  if (typeof p !== "object" || p === null || !Array.isArray(p.receipts)) bad("malformed proof");
  const { count, first, receipts, before, after } = p;
  if (root === "") {
    if (count !== 0 || receipts.length > 0 || before || after) bad("its chunk sent none");
    return [];
  }
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(first) || first < 0 || first + receipts.length > count) bad("positions out of range");
  const end = first + receipts.length;
  if (first > 0 !== (before != null) || end < count !== (after != null)) bad("a neighbour of the run is missing or extra: receipts may be left out");
  for (const r of receipts) {
    if (typeof r !== "object" || r === null) bad("malformed receipt");
    if (r.toShard !== to || r.fromShard !== from) bad(`receipt ${String(r.id).slice(0, 80)} goes from ${r.fromShard} to ${r.toShard}, not ${from} to ${to}`);
  }
  if (before && !(before.toShard < to)) bad("the receipt before the run is not bound for a lower shard");
  if (after && !(after.toShard > to)) bad("the receipt after the run is not bound for a higher shard");
  const leaves = [...(before ? [before] : []), ...receipts, ...(after ? [after] : [])].map(leafSafe);
  if (leaves.length === 0) bad("no leaf to prove");
  if (leaves.some((l) => l === null)) bad("malformed receipt");
  if (rootFrom(leaves as Uint8Array[], before ? first - 1 : first, count, p.siblings) !== root)
    bad("the receipts and their neighbours are not the chunk's receipts root");
  return receipts;
}

/**
 * What shard `to`'s chunk taking the receipts of `heights` heights carries in (a draft's or a
 * witness's `incoming`): height by height, source shard by source shard, from `bySender[j]`, source
 * j's proofs for `to` by height (a shard's `sentProofsOf`), or why source j gave none. A source that
 * answered fewer heights (its byte cap) makes the whole too large to carry.
 */
export function incomingProofs(bySender: readonly (SentProof[][] | { error: string })[], heights: number, to: number): SentProof[] | { error: string } {
  for (const [j, runs] of bySender.entries()) {
    if ("error" in runs) return { error: `shard ${j}'s receipts to shard ${to}: ${runs.error}` };
    if (runs.length !== heights) return { error: `shard ${j}'s receipts to shard ${to} of ${heights} heights are above the answer's byte cap` };
  }
  const runs = bySender as SentProof[][][];
  return Array.from({ length: heights }, (_, k) => runs.map((r) => r[k][0])).flat();
}

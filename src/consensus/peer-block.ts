/**
 * Checks a node makes on a block header from a peer before re-executing it
 * (issue #7; go-iost chainbase/block.go verifyBlock):
 * its hash is the hash of its fields, it extends the parent it names, its
 * witness owned the slot under the parent's list and stayed within
 * blocksPerSlot, and the witness signed the hash with ed25519. Re-executing
 * the chunks and comparing their roots is the shards' part.
 *
 * `signedHeaderError` is the part that needs no parent (hash and signature):
 * what a node checks before it stores or forwards anything a peer sent.
 * `aheadError` is the wall-clock bound at the network edge (never part of
 * executing a block; go-iost consensus/verifier VerifyBlockHead refuses a
 * "block from future" more than one slot ahead): a block more than
 * `maxAheadNs` ahead of the receiver's clock is refused for now, and may come
 * again once its time has come.
 *
 * Fork choice (go-iost core/blockcache Link): the longer chain wins; between
 * equal heights the head with the earlier time, then the smaller hash, so every
 * node picks the same one.
 */
import { base58Encode } from "../codec/base58.js";
import { base64Decode } from "../codec/base64.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import { headerOf, type StoredBlock } from "../block/block.js";
import { blockHash } from "../block/header.js";
import { ED25519 } from "../tx/types.js";
import { scheduleError, type Schedule, type Tip } from "./schedule.js";

/** What the child's checks need of its parent. */
export interface ParentView extends Tip {
  number: number;
  /** base58 */
  hash: string;
  /** The list that schedules the child (the parent's `witnesses`). */
  witnesses: readonly string[];
}

/** Why `b`'s header is not the one its witness signed (hash of its fields, ed25519 by `witness`), or null. */
export async function signedHeaderError(b: StoredBlock): Promise<string | null> {
  const hash = blockHash(headerOf(b));
  if (base58Encode(hash) !== b.hash) return `block ${b.number}: hash ${b.hash} is not the hash of its header`;
  return signatureError(b, hash);
}

async function signatureError(b: StoredBlock, hash: Uint8Array): Promise<string | null> {
  if (b.sign === null || b.sign.algorithm !== ED25519) return `block ${b.number}: not signed with ed25519`;
  const pubkey = base64Decode(b.sign.pubkey);
  if (base58Encode(pubkey) !== b.witness) return `block ${b.number}: signed by ${base58Encode(pubkey)}, not by its witness ${b.witness}`;
  if (!(await ed25519Verify(pubkey, hash, base64Decode(b.sign.sig)))) return `block ${b.number}: bad witness signature`;
  return null;
}

/** Why block time `time` (ns) is too far ahead of `nowNs` to take the block now, or null. */
export function aheadError(b: Pick<StoredBlock, "number" | "time">, nowNs: bigint, maxAheadNs: bigint): string | null {
  const ahead = BigInt(b.time) - nowNs;
  return ahead > maxAheadNs
    ? `block ${b.number}: block from future: time ${b.time} is ${ahead / 1_000_000n} ms ahead of this node's clock (at most ${maxAheadNs / 1_000_000n} ms): not yet`
    : null;
}

/** Why `b` cannot follow `parent`, or null. Async: the signature goes through WebCrypto when present. */
export async function peerBlockError(b: StoredBlock, parent: ParentView, p: Schedule): Promise<string | null> {
  const hash = blockHash(headerOf(b));
  if (base58Encode(hash) !== b.hash) return `block ${b.number}: hash ${b.hash} is not the hash of its header`;
  if (b.number !== parent.number + 1 || b.parentHash !== parent.hash) {
    return `block ${b.number} (${b.hash}) does not extend block ${parent.number} (${parent.hash})`;
  }
  if (b.version !== 1) return `block ${b.number}: version ${b.version} (expected 1)`;
  const schedule = scheduleError(parent.witnesses, parent, b.witness, BigInt(b.time), p);
  if (schedule !== null) return `block ${b.number}: ${schedule}`;
  return signatureError(b, hash);
}

/** Whether head `a` is preferred to head `b` (longer; then earlier; then smaller hash). */
export function preferred(a: Pick<StoredBlock, "number" | "time" | "hash">, b: Pick<StoredBlock, "number" | "time" | "hash">): boolean {
  if (a.number !== b.number) return a.number > b.number;
  const ta = BigInt(a.time);
  const tb = BigInt(b.time);
  if (ta !== tb) return ta < tb;
  return a.hash < b.hash;
}

/**
 * A branch tip for fork choice (docs/FINALITY.md "What the integration must
 * do", item 1): `certified` is the height of the highest certified block the
 * tip descends from, by the node's FinalityTracker; -1 when the tip is not
 * known to extend the final block.
 */
export interface ForkTip extends Pick<StoredBlock, "number" | "time" | "hash"> {
  certified: number;
}

/**
 * Whether tip `a` beats tip `b`: the branch holding the higher certificate
 * wins, whatever its length, because validators locked on that certificate
 * endorse only blocks extending it (rule E2) and finality would stall on the
 * other branch; between equal certificates IOST's rule (`preferred`).
 */
export function preferredTip(a: ForkTip, b: ForkTip): boolean {
  if (a.certified !== b.certified) return a.certified > b.certified;
  return preferred(a, b);
}

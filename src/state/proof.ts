/**
 * Proofs of the authenticated state (docs/STATE.md "Authenticated state"): the hashing every
 * node of the tree uses, and `verifyProof`, which checks one key's value (or its absence)
 * against a shard's state root without any state. Pure: the tree (tree.ts), the CLI and
 * later the network use the same functions.
 *
 * A key sits at the path of the bits of sha3(key), most significant first. Hashes:
 *   empty subtree  32 zero bytes
 *   leaf           sha3(0x00 ‖ sha3(key) ‖ sha3(value))
 *   inner node     sha3(0x01 ‖ left ‖ right)
 * A leaf sits at the shallowest depth where its subtree holds no other key.
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { sha3Tagged, sha3Text } from "../crypto/sha3.js";

export const EMPTY = new Uint8Array(32);

/** What `getProof` returns beside the value: siblings from the root down; `leaf` is another key's leaf where the path ends (absence only). */
export interface Proof {
  siblings: string[];
  leaf?: { key: string; value: string };
}

export const keyHash = (key: string): Uint8Array => sha3Text(key);
export const valueHash = (value: string): Uint8Array => sha3Text(value);

export const leafHash = (kh: Uint8Array, vh: Uint8Array): Uint8Array => sha3Tagged(0, kh, vh);

export const innerHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha3Tagged(1, left, right);

/** Bit `i` of a 32-byte hash, most significant first. */
export const bit = (h: Uint8Array, i: number): number => (h[i >> 3] >> (7 - (i & 7))) & 1;

const HASH_HEX = /^[0-9a-f]{64}$/;

function hash32(text: unknown): Uint8Array | null {
  return typeof text === "string" && HASH_HEX.test(text) ? hexToBytes(text) : null;
}

/**
 * Whether `proof` shows that `key` holds `value` (null: holds nothing) in the state whose root is
 * `root` (hex). Anything malformed is false, never a throw: the proof comes from a peer or an RPC.
 */
export function verifyProof(root: string, key: string, value: string | null, proof: Proof): boolean {
  const want = hash32(root);
  if (want === null || typeof proof !== "object" || proof === null || !Array.isArray(proof.siblings) || proof.siblings.length > 256) return false;
  const siblings: Uint8Array[] = [];
  for (const s of proof.siblings) {
    const h = hash32(s);
    if (h === null) return false;
    siblings.push(h);
  }
  const kh = keyHash(key);
  const depth = siblings.length;
  let node: Uint8Array;
  if (proof.leaf !== undefined) {
    // Absence shown by another key's leaf on this key's path.
    if (value !== null || typeof proof.leaf !== "object" || proof.leaf === null) return false;
    const other = hash32(proof.leaf.key);
    const vh = hash32(proof.leaf.value);
    if (other === null || vh === null || bytesToHex(other) === bytesToHex(kh)) return false;
    for (let i = 0; i < depth; i++) if (bit(other, i) !== bit(kh, i)) return false;
    node = leafHash(other, vh);
  } else {
    node = value === null ? EMPTY : leafHash(kh, valueHash(value));
  }
  for (let i = depth - 1; i >= 0; i--) node = bit(kh, i) === 0 ? innerHash(node, siblings[i]) : innerHash(siblings[i], node);
  return bytesToHex(node) === bytesToHex(want);
}

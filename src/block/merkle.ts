/**
 * IOST Merkle roots (go-iost core/merkletree/merkle_tree.go, txr_merkle_tree.go).
 * The leaf count is padded up to the next power of two and the tree is laid out as a heap; a parent is sha3(left ‖ right), and a
 * parent whose right child is missing hashes its left child twice. So one leaf
 * gives sha3(leaf ‖ leaf), never the leaf itself, and no leaves give empty bytes.
 */
import { sha3 } from "../crypto/sha3.js";

function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left, 0);
  joined.set(right, left.length);
  return sha3(joined);
}

export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(0);
  if (leaves.length === 1) return hashPair(leaves[0], leaves[0]);
  // Level by level. The real nodes of every heap level are contiguous from the
  // left, so "right child missing" is exactly "odd node at the end of a level".
  let level: readonly Uint8Array[] = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(hashPair(level[i], i + 1 < level.length ? level[i + 1] : level[i]));
    }
    level = next;
  }
  return level[0];
}

/** Tx merkle root from the txs' hashes (32 raw bytes each), in block order. */
export function txMerkleRoot(txHashes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(txHashes);
}

/** Receipt merkle root from sha3(receiptBytes(r)) of every receipt, in block order. */
export function receiptMerkleRoot(receiptHashes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(receiptHashes);
}

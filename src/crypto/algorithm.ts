/**
 * The signature algorithms and the signature record of txs and blocks. They
 * are part of the tx model (tx/types.ts re-exports them) but live here, below
 * it: the keys and signatures of this folder are made of them, and tx/ hashes
 * and verifies through this folder.
 */

/** go-iost crypto/algorithm.go: 1 secp256k1, 2 ed25519. */
export const SECP256K1 = 1;
export const ED25519 = 2;
export type Algorithm = typeof SECP256K1 | typeof ED25519;

export interface Signature {
  algorithm: Algorithm;
  sig: Uint8Array;
  pubkey: Uint8Array;
}

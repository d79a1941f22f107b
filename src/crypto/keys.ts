/**
 * IOST key pairs. Keys travel as plain base58 of the raw bytes, no prefix or
 * checksum (go-iost account/keypair.go); the key id shown in accounts and
 * permissions is base58(pubkey).
 */
import { base58Decode, base58Encode } from "../codec/base58.js";
import { ED25519, SECP256K1, type Algorithm } from "./algorithm.js";
import { ed25519PublicKey, ed25519SecretKey } from "./ed25519.js";
import { secp256k1PublicKey } from "./secp256k1.js";

export interface KeyPair {
  algorithm: Algorithm;
  /** ed25519: 64 bytes seed ‖ pubkey (a 32-byte seed is widened); secp256k1: 32 bytes. */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** base58(publicKey). */
  id: string;
}

export function publicKeyOf(algorithm: Algorithm, secret: Uint8Array): Uint8Array {
  if (algorithm === ED25519) return ed25519PublicKey(secret);
  if (algorithm === SECP256K1) return secp256k1PublicKey(secret);
  throw new Error(`invalid algorithm ${algorithm as number}`);
}

export function keyPairFromSecret(algorithm: Algorithm, secret: Uint8Array): KeyPair {
  const publicKey = publicKeyOf(algorithm, secret);
  const secretKey = algorithm === ED25519 ? ed25519SecretKey(secret) : secret.slice();
  return { algorithm, secretKey, publicKey, id: base58Encode(publicKey) };
}

export function keyPairFromBase58(algorithm: Algorithm, secret: string): KeyPair {
  return keyPairFromSecret(algorithm, base58Decode(secret));
}

/** Fresh random key (WebCrypto CSPRNG), for clients and tests; the chain itself never makes keys. */
export function newKeyPair(algorithm: Algorithm): KeyPair {
  for (;;) {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    try {
      return keyPairFromSecret(algorithm, secret);
    } catch {
      // secp256k1: 0 or >= n, about 2^-128; draw again.
    }
  }
}

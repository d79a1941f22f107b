/**
 * secp256k1 with go-iost's rules (crypto/backend/secp256k1.go, decred backend):
 * 32-byte secret, 33-byte compressed pubkey, signature = 64-byte r ‖ s over the
 * raw 32-byte sha3 hash (no further hashing), RFC 6979 nonces, low S.
 * Verification rejects anything but exactly 64 bytes (so iost.js's unpadded
 * 63-byte signatures fail here as they do on a Go node) and any S above n/2.
 * Like Go's ParsePubKey it accepts compressed, uncompressed and hybrid keys.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";

const OPTS = { prehash: false, lowS: true, format: "compact" } as const;

export function secp256k1PublicKey(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) throw new Error(`seckey length error secp256k1 seckey length should not be ${secret.length}`);
  return secp256k1.getPublicKey(secret, true);
}

export function secp256k1Sign(secret: Uint8Array, hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error(`hash is required to be exactly 32 bytes (${hash.length})`);
  secp256k1PublicKey(secret);
  return secp256k1.sign(hash, secret, OPTS);
}

/** Hybrid keys (0x06/0x07 ‖ x ‖ y) carry y's parity twice; Go checks it, then treats them as uncompressed. */
function normalizePubkey(pubkey: Uint8Array): Uint8Array | null {
  if (pubkey.length === 33 && (pubkey[0] === 2 || pubkey[0] === 3)) return pubkey;
  if (pubkey.length !== 65) return null;
  if (pubkey[0] === 4) return pubkey;
  if ((pubkey[0] === 6 || pubkey[0] === 7) && (pubkey[0] & 1) === (pubkey[64] & 1)) {
    const out = pubkey.slice();
    out[0] = 4;
    return out;
  }
  return null;
}

export function secp256k1Verify(pubkey: Uint8Array, hash: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64 || hash.length !== 32) return false;
  const key = normalizePubkey(pubkey);
  if (!key) return false;
  try {
    return secp256k1.verify(sig, hash, key, OPTS);
  } catch {
    return false;
  }
}

/**
 * Signing and verifying IOST `Signature`s over a 32-byte sha3 hash.
 * Algorithm 1 secp256k1, 2 ed25519; anything else (including 0, which Go
 * silently treats as secp256k1) is invalid here.
 */
import { ED25519, SECP256K1, type Algorithm, type Signature } from "./algorithm.js";
import { ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519VerifySync } from "./ed25519.js";
import { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "./secp256k1.js";

export function sign(algorithm: Algorithm, secret: Uint8Array, hash: Uint8Array): Signature {
  if (algorithm === ED25519) return { algorithm, sig: ed25519Sign(secret, hash), pubkey: ed25519PublicKey(secret) };
  if (algorithm === SECP256K1) return { algorithm, sig: secp256k1Sign(secret, hash), pubkey: secp256k1PublicKey(secret) };
  throw new Error(`invalid algorithm ${algorithm as number}`);
}

/** noble only: for code that cannot await (and the reference the fast path is tested against). */
export function verifySync(sig: Signature, hash: Uint8Array): boolean {
  if (sig.algorithm === ED25519) return ed25519VerifySync(sig.pubkey, hash, sig.sig);
  if (sig.algorithm === SECP256K1) return secp256k1Verify(sig.pubkey, hash, sig.sig);
  return false;
}

/**
 * Ed25519 goes through WebCrypto where the runtime has it (about 10x faster
 * than noble in workerd); secp256k1 has no WebCrypto algorithm and stays on noble.
 */
export async function verify(sig: Signature, hash: Uint8Array): Promise<boolean> {
  if (sig.algorithm === ED25519) return ed25519Verify(sig.pubkey, hash, sig.sig);
  return verifySync(sig, hash);
}

/**
 * Ed25519 with go-iost's rules. Secrets are 64 bytes (seed ‖ pubkey, Go's
 * crypto/ed25519 layout); a bare 32-byte seed is also accepted, as iost.js does.
 *
 * Verification must give Go's answer, because a Go node decides what is valid:
 *   - pubkey exactly 32 bytes, signature exactly 64 bytes;
 *   - S must be canonical (S < L);
 *   - A is decoded leniently: y >= p and "x = 0 with the sign bit" are accepted,
 *     small-order keys are accepted (Go does not check them);
 *   - the equation is cofactorless: encode([S]B - [k]A) must equal the R bytes.
 * noble's own verify is cofactored (and strict on encodings when zip215=false),
 * so it would disagree on mixed-order keys; we evaluate Go's equation with
 * noble's point arithmetic instead.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

interface Key {
  seed: Uint8Array;
  pubkey: Uint8Array;
}

/**
 * Checked keys by their secret's bytes. A validator signs every block and endorsement with one
 * secret, and each use checked the secret's public half and derived the public key again: a
 * scalar multiplication each, three of the five an endorsement cost. A node holds few secrets;
 * the memo starts over past KEYS_KEPT.
 */
const keys = new Map<string, Key>();
const KEYS_KEPT = 64;

/** The checked seed and public key of a 64-byte IOST secret or of a bare seed; rejects an inconsistent pair as Go's CheckSeckey does. */
function keyOf(secret: Uint8Array): Key {
  if (secret.length !== 32 && secret.length !== 64) throw new Error(`seckey length error ed25519 seckey length should not be ${secret.length}`);
  const id = String.fromCharCode(...secret);
  const known = keys.get(id);
  if (known !== undefined) return known;
  const seed = secret.slice(0, 32);
  const pubkey = ed25519.getPublicKey(seed);
  if (secret.length === 64 && !sameBytes(pubkey, secret.subarray(32))) throw new Error("invalid seckey");
  if (keys.size >= KEYS_KEPT) keys.clear();
  const key = { seed, pubkey };
  keys.set(id, key);
  return key;
}

/** The 32-byte seed of a 64-byte IOST secret or of a bare seed; rejects an inconsistent pair as Go's CheckSeckey does. */
export function ed25519Seed(secret: Uint8Array): Uint8Array {
  return keyOf(secret).seed.slice();
}

export function ed25519PublicKey(secret: Uint8Array): Uint8Array {
  return keyOf(secret).pubkey.slice();
}

/** Go's layout: seed ‖ pubkey. */
export function ed25519SecretKey(seed: Uint8Array): Uint8Array {
  const key = keyOf(seed);
  const out = new Uint8Array(64);
  out.set(key.seed);
  out.set(key.pubkey, 32);
  return out;
}

export function ed25519Sign(secret: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, keyOf(secret).seed);
}

/**
 * Length and S < L: cheap checks both verification paths share. Measured on the
 * vector set (test/unit/crypto/ed25519-vectors.ts), OpenSSL (Node) and BoringSSL
 * (workerd) agree with Go on every other class — small-order and mixed-order
 * keys, non-canonical A and R — but workerd throws instead of returning false on
 * a bad length, so lengths are settled before either path runs.
 */
export function ed25519WellFormed(pubkey: Uint8Array, sig: Uint8Array): boolean {
  return pubkey.length === 32 && sig.length === 64 && leToBigint(sig.subarray(32)) < L;
}

/** Go's crypto/ed25519.Verify, evaluated with noble's arithmetic. */
export function ed25519VerifySync(pubkey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  if (!ed25519WellFormed(pubkey, sig)) return false;
  let A;
  try {
    A = Point.fromBytes(pubkey, true);
  } catch {
    return false;
  }
  const R = sig.subarray(0, 32);
  const S = leToBigint(sig.subarray(32));
  const h = new Uint8Array(64 + message.length);
  h.set(R);
  h.set(pubkey, 32);
  h.set(message, 64);
  const k = leToBigint(sha512(h)) % L;
  const check = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
  return sameBytes(check.toBytes(), R);
}

let subtleEd25519: Promise<SubtleCrypto | null> | undefined;

/** Probed once; a runtime without Ed25519 in WebCrypto uses noble for good. */
export function ed25519WebCrypto(): Promise<SubtleCrypto | null> {
  subtleEd25519 ??= (async () => {
    const subtle = typeof crypto === "undefined" ? undefined : crypto.subtle;
    if (!subtle) return null;
    try {
      await subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
      return subtle;
    } catch {
      return null;
    }
  })();
  return subtleEd25519;
}

/** Same answers as ed25519VerifySync (the shared vector set proves it per runtime), faster. */
export async function ed25519Verify(pubkey: Uint8Array, message: Uint8Array, sig: Uint8Array): Promise<boolean> {
  if (!ed25519WellFormed(pubkey, sig)) return false;
  const subtle = await ed25519WebCrypto();
  if (!subtle) return ed25519VerifySync(pubkey, message, sig);
  try {
    const key = await subtle.importKey("raw", pubkey, { name: "Ed25519" }, false, ["verify"]);
    return await subtle.verify({ name: "Ed25519" }, key, sig, message);
  } catch {
    return false;
  }
}

/**
 * Ed25519 edge cases with the answer go-iost (Go crypto/ed25519) gives.
 * Both verification paths (WebCrypto and noble) are tested against them, in
 * Node and in workerd. Built deterministically from noble's point arithmetic.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

export interface EdVector {
  name: string;
  pubkey: Uint8Array;
  message: Uint8Array;
  sig: Uint8Array;
  /** What Go's ed25519.Verify returns. */
  go: boolean;
}

const le = (n: bigint, len = 32) => {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};
const leNum = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
};
const challenge = (R: Uint8Array, A: Uint8Array, M: Uint8Array) => leNum(sha512(cat(R, A, M))) % L;
const scalar = (label: string, i: number) => leNum(sha512(new TextEncoder().encode(`${label}/${i}`))) % L;

/** A point of order 8 (torsion): any curve point times L lands in the torsion group. */
function order8(): InstanceType<typeof Point> {
  for (let y = 2n; ; y++) {
    try {
      const T = Point.fromBytes(le(y), true)
        .multiplyUnsafe(L - 1n)
        .add(Point.fromBytes(le(y), true));
      if (!T.is0() && !T.multiplyUnsafe(4n).is0()) return T;
    } catch {
      /* y not on the curve */
    }
  }
}

/** Signature by secret scalar `a` for key bytes `A`, retried until k meets `want`. */
function forge(label: string, a: bigint, A: Uint8Array, M: Uint8Array, want: (k: bigint) => boolean): Uint8Array {
  for (let i = 0; ; i++) {
    const r = scalar(label, i);
    const R = Point.BASE.multiplyUnsafe(r).toBytes();
    const k = challenge(R, A, M);
    if (want(k)) return cat(R, le((r + k * a) % L));
  }
}

export function ed25519Vectors(): EdVector[] {
  const seed = sha512(new TextEncoder().encode("iost-edge vectors")).subarray(0, 32);
  const pub = ed25519.getPublicKey(seed);
  const msg = sha512(new TextEncoder().encode("message")).subarray(0, 32);
  const sig = ed25519.sign(msg, seed);
  const a = ed25519.utils.getExtendedPublicKey(seed).scalar;
  const flip = (b: Uint8Array, i: number, bit = 1) => {
    const c = b.slice();
    c[i] ^= bit;
    return c;
  };
  const withS = (s: bigint, R = sig.subarray(0, 32)) => cat(R, le(s));
  const identity = Point.ZERO.toBytes();
  const identityNonCanonical = le(P + 1n);
  const identityNegZero = flip(identity, 31, 0x80);
  const T = order8();
  const mixed = Point.BASE.multiplyUnsafe(a).add(T).toBytes();
  const notOnCurve = (() => {
    for (let y = 2n; ; y++) {
      try {
        Point.fromBytes(le(y), true);
      } catch {
        return le(y);
      }
    }
  })();
  const anyS = scalar("S", 0);
  const smallR = (() => {
    const k = challenge(identity, pub, msg);
    return cat(identity, le((k * a) % L));
  })();

  return [
    { name: "valid", pubkey: pub, message: msg, sig, go: true },
    { name: "tampered message", pubkey: pub, message: flip(msg, 0), sig, go: false },
    { name: "tampered R", pubkey: pub, message: msg, sig: flip(sig, 0), go: false },
    { name: "tampered S", pubkey: pub, message: msg, sig: flip(sig, 32), go: false },
    { name: "non-canonical S (S+L)", pubkey: pub, message: msg, sig: withS(leNum(sig.subarray(32)) + L), go: false },
    { name: "S with top bit set", pubkey: pub, message: msg, sig: flip(sig, 63, 0x80), go: false },
    { name: "short signature (63 bytes)", pubkey: pub, message: msg, sig: sig.subarray(0, 63), go: false },
    { name: "long signature (65 bytes)", pubkey: pub, message: msg, sig: cat(sig, new Uint8Array(1)), go: false },
    { name: "empty signature", pubkey: pub, message: msg, sig: new Uint8Array(0), go: false },
    { name: "pubkey 31 bytes", pubkey: pub.subarray(0, 31), message: msg, sig, go: false },
    { name: "pubkey 33 bytes", pubkey: cat(pub, new Uint8Array(1)), message: msg, sig, go: false },
    { name: "pubkey not on the curve", pubkey: notOnCurve, message: msg, sig, go: false },
    // Small-order keys: [k]A is in the torsion group, so R = [S]B verifies for any message in Go.
    { name: "identity pubkey, R=[S]B", pubkey: identity, message: msg, sig: cat(Point.BASE.multiplyUnsafe(anyS).toBytes(), le(anyS)), go: true },
    { name: "identity pubkey, wrong R", pubkey: identity, message: msg, sig: cat(Point.BASE.multiplyUnsafe(anyS + 1n).toBytes(), le(anyS)), go: false },
    {
      name: "identity pubkey non-canonical (y=p+1)",
      pubkey: identityNonCanonical,
      message: msg,
      sig: cat(Point.BASE.multiplyUnsafe(anyS).toBytes(), le(anyS)),
      go: true,
    },
    {
      name: "identity pubkey with sign bit (x=0)",
      pubkey: identityNegZero,
      message: msg,
      sig: cat(Point.BASE.multiplyUnsafe(anyS).toBytes(), le(anyS)),
      go: true,
    },
    {
      name: "order-8 pubkey, k = 0 mod 8",
      pubkey: T.toBytes(),
      message: msg,
      sig: forge("t8", 0n, T.toBytes(), msg, (k) => k % 8n === 0n),
      go: true,
    },
    // Mixed-order key [a]B + T: Go's cofactorless equation holds only when [k]T = 0.
    { name: "mixed-order pubkey, k = 0 mod 8", pubkey: mixed, message: msg, sig: forge("m0", a, mixed, msg, (k) => k % 8n === 0n), go: true },
    {
      name: "mixed-order pubkey, k != 0 mod 8 (cofactored would accept)",
      pubkey: mixed,
      message: msg,
      sig: forge("m1", a, mixed, msg, (k) => k % 8n !== 0n),
      go: false,
    },
    { name: "small-order R (identity), S = k·a", pubkey: pub, message: msg, sig: smallR, go: true },
    { name: "non-canonical R encoding", pubkey: identity, message: msg, sig: cat(identityNonCanonical, le(0n)), go: false },
    { name: "identity R and S = 0 with identity pubkey", pubkey: identity, message: msg, sig: cat(identity, le(0n)), go: true },
  ];
}

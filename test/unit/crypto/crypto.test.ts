import { test, expect } from "vitest";
import fc from "fast-check";
import { ed25519Vectors } from "./ed25519-vectors";
import { ed25519PublicKey, ed25519Verify, ed25519VerifySync, ed25519WebCrypto, ed25519Seed, ed25519Sign } from "../../../src/crypto/ed25519";
import { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "../../../src/crypto/secp256k1";
import { keyPairFromBase58, keyPairFromSecret, newKeyPair } from "../../../src/crypto/keys";
import { sign, verify, verifySync } from "../../../src/crypto/signature";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { ED25519, SECP256K1, type Signature } from "../../../src/tx/types";

const hash = sha3(utf8("iost-edge"));

test("WebCrypto Ed25519 is available here (Node 20 and workerd), so the fast path is really tested", async () => {
  expect(await ed25519WebCrypto()).not.toBeNull();
});

for (const v of ed25519Vectors()) {
  test(`ed25519 vector "${v.name}": WebCrypto and noble both give Go's answer (${v.go})`, async () => {
    expect(ed25519VerifySync(v.pubkey, v.message, v.sig)).toBe(v.go);
    expect(await ed25519Verify(v.pubkey, v.message, v.sig)).toBe(v.go);
    const sig: Signature = { algorithm: ED25519, sig: v.sig, pubkey: v.pubkey };
    expect(verifySync(sig, v.message)).toBe(v.go);
    expect(await verify(sig, v.message)).toBe(v.go);
  });
}

test("ed25519: 64-byte IOST secrets and 32-byte seeds sign alike; inconsistent secrets are refused", () => {
  const kp = newKeyPair(ED25519);
  expect(kp.secretKey.length).toBe(64);
  const seed = kp.secretKey.subarray(0, 32);
  expect(ed25519Sign(seed, hash)).toEqual(ed25519Sign(kp.secretKey, hash));
  expect(keyPairFromSecret(ED25519, seed)).toEqual(kp);
  const bad = kp.secretKey.slice();
  bad[40] ^= 1;
  expect(() => ed25519Seed(bad)).toThrow("invalid seckey");
  expect(() => ed25519Seed(new Uint8Array(48))).toThrow("seckey length error ed25519 seckey length should not be 48");
});

test("ed25519: a key checked once is still checked by its bytes: a known seed with another public half is refused, and a caller's edits reach no later signature", () => {
  const kp = newKeyPair(ED25519);
  const signed = ed25519Sign(kp.secretKey, hash);
  const bad = kp.secretKey.slice();
  bad[63] ^= 1;
  expect(() => ed25519Sign(bad, hash)).toThrow("invalid seckey");
  const seed = ed25519Seed(kp.secretKey);
  seed.fill(0);
  ed25519PublicKey(kp.secretKey).fill(0);
  expect(ed25519Sign(kp.secretKey, hash)).toEqual(signed);
  expect(ed25519PublicKey(kp.secretKey)).toEqual(kp.publicKey);
  const other = newKeyPair(ED25519);
  expect(ed25519Sign(other.secretKey, hash)).not.toEqual(signed);
  expect(ed25519VerifySync(other.publicKey, hash, ed25519Sign(other.secretKey, hash))).toBe(true);
});

test("secp256k1: compressed pubkey, 64-byte low-S r‖s over the raw hash", () => {
  const kp = newKeyPair(SECP256K1);
  expect(kp.publicKey.length).toBe(33);
  const sig = secp256k1Sign(kp.secretKey, hash);
  expect(sig.length).toBe(64);
  expect(secp256k1Verify(kp.publicKey, hash, sig)).toBe(true);
  expect(() => secp256k1PublicKey(new Uint8Array(64))).toThrow("seckey length error secp256k1 seckey length should not be 64");
});

test("secp256k1 verification rejects what go-iost rejects", async () => {
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const kp = newKeyPair(SECP256K1);
  const good = sign(SECP256K1, kp.secretKey, hash);
  const be = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * (31 - i))) & 0xffn));
  const s = BigInt("0x" + Array.from(good.sig.subarray(32), (x) => x.toString(16).padStart(2, "0")).join(""));
  const highS = new Uint8Array([...good.sig.subarray(0, 32), ...be(N - s)]);
  const cases: [string, Signature, boolean][] = [
    ["valid", good, true],
    ["high S (same signature, malleated)", { ...good, sig: highS }, false],
    ["63 bytes (iost.js unpadded r)", { ...good, sig: good.sig.subarray(1) }, false],
    ["65 bytes", { ...good, sig: new Uint8Array([...good.sig, 0]) }, false],
    ["r = 0", { ...good, sig: new Uint8Array([...be(0n), ...good.sig.subarray(32)]) }, false],
    ["r >= n", { ...good, sig: new Uint8Array([...be(N), ...good.sig.subarray(32)]) }, false],
    ["tampered", { ...good, sig: good.sig.map((b, i) => (i === 5 ? b ^ 1 : b)) }, false],
    ["pubkey 32 bytes", { ...good, pubkey: good.pubkey.subarray(1) }, false],
    ["algorithm 0", { ...good, algorithm: 0 as never }, false],
    ["algorithm 3", { ...good, algorithm: 3 as never }, false],
  ];
  for (const [name, sig, want] of cases) {
    expect(verifySync(sig, hash), name).toBe(want);
    expect(await verify(sig, hash), name).toBe(want);
  }
  expect(() => sign(0 as never, kp.secretKey, hash)).toThrow("invalid algorithm 0");
});

test("secp256k1 accepts uncompressed and hybrid pubkeys, as decred's ParsePubKey does", async () => {
  const { secp256k1 } = await import("@noble/curves/secp256k1.js");
  const kp = newKeyPair(SECP256K1);
  const sig = secp256k1Sign(kp.secretKey, hash);
  const full = secp256k1.getPublicKey(kp.secretKey, false);
  expect(secp256k1Verify(full, hash, sig)).toBe(true);
  const hybrid = full.slice();
  hybrid[0] = 6 | (full[64] & 1);
  expect(secp256k1Verify(hybrid, hash, sig)).toBe(true);
  hybrid[0] ^= 1;
  expect(secp256k1Verify(hybrid, hash, sig)).toBe(false);
});

test("key pairs from base58 secrets (go-iost account/keypair.go)", () => {
  const sk = keyPairFromBase58(SECP256K1, "3BZ3HWs2nWucCCvLp7FRFv1K7RR3fAjjEQccf9EJrTv4");
  expect(sk.id).toBe("iWgLQj3VTPN4dZnomuJMMCggv22LFw4nAkA6bmrVsmCo");
  const ed = keyPairFromBase58(ED25519, "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB");
  expect(ed.id).toBe("6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b");
  expect(base58Encode(ed.publicKey)).toBe(ed.id);
});

test("sign/verify round trip for both algorithms, both paths", async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(ED25519, SECP256K1), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (alg, h) => {
      const kp = newKeyPair(alg);
      const s = sign(alg, kp.secretKey, h);
      expect(s.pubkey).toEqual(kp.publicKey);
      expect(verifySync(s, h)).toBe(true);
      expect(await verify(s, h)).toBe(true);
      const other = h.map((b, i) => (i === 0 ? b ^ 0x80 : b));
      expect(verifySync(s, other)).toBe(false);
      expect(await verify(s, other)).toBe(false);
    }),
    { numRuns: 40 },
  );
});

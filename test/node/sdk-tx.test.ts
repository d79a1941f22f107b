/**
 * Cross-check against the real iost.js 0.1.22 SDK: txs it builds and signs,
 * posted as JSON.stringify(tx), must parse to the same publish hash the SDK
 * computed, and its signatures must verify in our code (Node only: the SDK is
 * a CommonJS bundle).
 */
import { test, expect } from "vitest";
import { createRequire } from "node:module";
import fc from "fast-check";
import { baseHash, publishHash, decodeTx, txBytes, FULL } from "../../src/tx/bytes";
import { parseTxRequest, txToRequestJson } from "../../src/tx/request";
import { verifyTxSignatures, verifyTx } from "../../src/tx/validate";
import { verify, verifySync } from "../../src/crypto/signature";
import { keyPairFromBase58 } from "../../src/crypto/keys";
import { ED25519, SECP256K1 } from "../../src/tx/types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IOST: any = createRequire(import.meta.url)("iost");

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function account(name: string, algorithm: "Ed25519" | "Secp256k1") {
  const kp = IOST.KeyPair.newKeyPair(IOST.Algorithm[algorithm]);
  const acc = new IOST.Account(name);
  acc.addKeyPair(kp, "active");
  acc.addKeyPair(kp, "owner");
  return { acc, kp };
}

const amount = fc.tuple(fc.nat({ max: 1e9 }), fc.nat({ max: 99999999 })).map(([i, f]) => `${i}.${String(f).padStart(8, "0").replace(/0+$/, "") || "0"}`);
const sdkTx = fc.record({
  gasRatio: fc.constantFrom(1, 1.5, 2.37, 0.29, 100, 33.33),
  gasLimit: fc.integer({ min: 6000, max: 4000000 }),
  amount,
  memo: fc.string({ unit: "binary", maxLength: 40 }),
  extra: fc.array(
    fc.tuple(
      fc.constantFrom("ram.iost", "Contract1abc", "gas.iost"),
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    ),
    { maxLength: 3 },
  ),
  chainId: fc.constantFrom(1020, 1024, 0),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function build(p: any) {
  const iost = new IOST.IOST({ gasRatio: p.gasRatio, gasLimit: p.gasLimit, delay: 0 });
  const tx = iost.transfer("iost", "alice", "bob", p.amount, p.memo);
  for (const [contract, abi, args] of p.extra) tx.addAction(contract, abi, JSON.stringify(args));
  tx.setChainID(p.chainId);
  return tx;
}

for (const algorithm of ["Ed25519", "Secp256k1"] as const) {
  test(`SDK ${algorithm} publisher: publish hash and signature agree with ours`, async () => {
    let short = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(sdkTx, async (p) => {
        const { acc } = account("alice", algorithm);
        const sdk = build(p);
        acc.signTx(sdk);
        const tx = parseTxRequest(JSON.stringify(sdk));
        expect(hex(publishHash(tx))).toBe(sdk._publish_hash().toString("hex"));
        expect(hex(baseHash(tx))).toBe(sdk._base_hash().toString("hex"));
        expect(tx.time).toBe(BigInt(String(sdk.time)));
        const sig = tx.publisherSigs[0];
        expect(sig.algorithm).toBe(algorithm === "Ed25519" ? ED25519 : SECP256K1);
        total++;
        if (sig.sig.length !== 64) {
          // iost.js serializes r and s without left padding; Go and we reject such signatures.
          short++;
          expect(algorithm).toBe("Secp256k1");
          expect(verifySync(sig, publishHash(tx))).toBe(false);
          await expect(verifyTxSignatures(tx)).rejects.toThrow("publisher error");
        } else {
          expect(await verify(sig, publishHash(tx))).toBe(true);
          expect(verifySync(sig, publishHash(tx))).toBe(true);
          await verifyTxSignatures(tx);
        }
        expect(decodeTx(txBytes(tx, FULL))).toEqual(tx);
        expect(parseTxRequest(txToRequestJson(tx))).toEqual(tx);
      }),
      { numRuns: algorithm === "Secp256k1" ? 400 : 150 },
    );
    if (algorithm === "Secp256k1") {
      // ~1/128 of r and ~1/128 of s have a leading zero byte: a few in 400, not many. The SDK draws
      // its own keys, so a run can (rarely, ~0.2 %) see none: then sign on until one shows up.
      for (let i = 0; short === 0 && i < 5000; i++) {
        const { acc } = account("alice", algorithm);
        const sdk = build({ gasRatio: 1, gasLimit: 2000000, amount: "1", memo: String(i), extra: [], chainId: 1020 });
        acc.signTx(sdk);
        const tx = parseTxRequest(JSON.stringify(sdk));
        total++;
        if (tx.publisherSigs[0].sig.length === 64) continue;
        short++;
        await expect(verifyTxSignatures(tx)).rejects.toThrow("publisher error");
      }
      expect(short).toBeGreaterThan(0);
      expect(short).toBeLessThan(total / 10);
    }
  });
}

test("SDK signer signatures cover the base hash", async () => {
  for (const [pa, sa] of [
    ["Ed25519", "Secp256k1"],
    ["Secp256k1", "Ed25519"],
    ["Ed25519", "Ed25519"],
  ] as const) {
    for (let i = 0; i < 10; i++) {
      const alice = account("alice", pa);
      const bob = account("bob", sa);
      const sdk = build({ gasRatio: 1, gasLimit: 2000000, amount: "1", memo: "", extra: [], chainId: 1020 });
      sdk.addSigner("bob", "active");
      bob.acc.sign(sdk, "active");
      alice.acc.signTx(sdk);
      const tx = parseTxRequest(JSON.stringify(sdk));
      expect(tx.signers).toEqual(["bob@active"]);
      expect(hex(baseHash(tx))).toBe(sdk._base_hash().toString("hex"));
      expect(hex(publishHash(tx))).toBe(sdk._publish_hash().toString("hex"));
      if (tx.signatures[0].sig.length !== 64 || tx.publisherSigs[0].sig.length !== 64) continue;
      expect(await verify(tx.signatures[0], baseHash(tx))).toBe(true);
      expect(await verify(tx.signatures[0], publishHash(tx))).toBe(false);
      await verifyTxSignatures(tx);
      const now = BigInt(String(sdk.time));
      await verifyTx(tx, { chainId: 1020, now });
    }
  }
});

// Fixed secrets: the SDK's own Secp256k1 newKeyPair drops a leading zero nibble of the secret (its hex is
// not padded), so about one key in sixteen is 31 bytes, which go-iost (CheckSeckey) and we refuse.
test("SDK and our keys agree on base58 encodings", () => {
  const secrets = [Buffer.alloc(32, 0x5a), Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256))];
  for (const [algorithm, secret] of (["Ed25519", "Secp256k1"] as const).flatMap((a) => secrets.map((s) => [a, s] as const))) {
    const kp = new IOST.KeyPair(secret, IOST.Algorithm[algorithm]);
    const ours = keyPairFromBase58(algorithm === "Ed25519" ? ED25519 : SECP256K1, kp.B58SecKey());
    expect(ours.id).toBe(kp.B58PubKey());
    expect(ours.id).toBe(kp.id);
  }
});

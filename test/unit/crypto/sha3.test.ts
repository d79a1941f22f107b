/**
 * src/crypto/sha3.ts's own SHA3-256 against FIPS 202's examples and @noble/hashes (what it
 * replaced: tx ids, receipt hashes and state roots must not change by one bit), at every length
 * across the 136-byte block boundaries, and with its reused state not leaking between calls.
 */
import { sha3_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { expect, test } from "vitest";
import { sha3, utf8 } from "../../../src/crypto/sha3";

test("FIPS 202 examples: the empty string, abc, and the 448-bit message", () => {
  expect(bytesToHex(sha3(new Uint8Array(0)))).toBe("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  expect(bytesToHex(sha3(utf8("abc")))).toBe("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  expect(bytesToHex(sha3(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
    "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376",
  );
});

test("every length from 0 to 420 bytes (three blocks) gives noble's hash", () => {
  for (let n = 0; n <= 420; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 255);
    expect(bytesToHex(sha3(data)), `length ${n}`).toBe(bytesToHex(sha3_256(data)));
  }
});

test("random inputs give noble's hash, and a hash does not change once the next one ran", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
      const first = sha3(a);
      const copy = first.slice();
      expect(bytesToHex(sha3(b))).toBe(bytesToHex(sha3_256(b)));
      expect(first).toEqual(copy);
      expect(bytesToHex(first)).toBe(bytesToHex(sha3_256(a)));
    }),
    { numRuns: 300 },
  );
});

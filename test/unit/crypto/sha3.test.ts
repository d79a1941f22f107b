/**
 * src/crypto/sha3.ts's own SHA3-256, both permutations (the wasm module once `loadSha3` ran, and
 * the JavaScript one workerd uses before it), against FIPS 202's examples and @noble/hashes (what
 * it replaced: tx ids, receipt hashes and state roots must not change by one bit), at every length
 * across the 136-byte block boundaries, past the wasm memory's piece, and with the reused state
 * not leaking between calls. In Node and in workerd (test/unit/all.workerd.ts).
 */
import { sha3_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { beforeAll, expect, test } from "vitest";
import { jsSha3, loadSha3, sha3, sha3Tagged, sha3Text, utf8 } from "../../../src/crypto/sha3";

beforeAll(loadSha3);

const both = [
  ["wasm", sha3],
  ["js", jsSha3],
] as const;

test.each(both)("FIPS 202 examples: the empty string, abc, and the 448-bit message (%s)", (_, hash) => {
  expect(bytesToHex(hash(new Uint8Array(0)))).toBe("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  expect(bytesToHex(hash(utf8("abc")))).toBe("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  expect(bytesToHex(hash(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
    "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376",
  );
});

test.each(both)("every length from 0 to 420 bytes (three blocks) gives noble's hash (%s)", (_, hash) => {
  for (let n = 0; n <= 420; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 255);
    expect(bytesToHex(hash(data)), `length ${n}`).toBe(bytesToHex(sha3_256(data)));
  }
});

test.each(both)("one block's edges, and inputs longer than the wasm memory's 478 blocks, give noble's hash (%s)", (_, hash) => {
  const page = 478 * 136;
  for (const n of [0, 1, 135, 136, 137, 271, 272, 273, page - 1, page, page + 1, page + 135, page + 136, 2 * page + 7, 200_000]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 29 + (i >> 8)) & 255);
    expect(bytesToHex(hash(data)), `length ${n}`).toBe(bytesToHex(sha3_256(data)));
  }
});

test("random inputs give noble's hash, and a hash does not change once the next one ran", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.uint8Array({ maxLength: 300 }), fc.boolean(), (a, b, wasmFirst) => {
      const first = (wasmFirst ? sha3 : jsSha3)(a);
      const copy = first.slice();
      expect(bytesToHex(sha3(b))).toBe(bytesToHex(sha3_256(b)));
      expect(bytesToHex(jsSha3(b))).toBe(bytesToHex(sha3_256(b)));
      expect(first).toEqual(copy);
      expect(bytesToHex(first)).toBe(bytesToHex(sha3_256(a)));
    }),
    { numRuns: 300 },
  );
});

test("sha3Text is sha3 of the text's UTF-8 (ASCII written into the module, the rest encoded), sha3Tagged of tag ‖ a ‖ b", () => {
  const page = 478 * 136;
  for (const text of [
    "",
    "a",
    "x".repeat(135),
    "y".repeat(136),
    "z".repeat(page - 1),
    "z".repeat(page),
    "z".repeat(page + 1),
    "é",
    "b-gas.iost-ï",
    "\u{1F600}",
    "\uD800",
  ]) {
    expect(bytesToHex(sha3Text(text)), `${text.length} chars`).toBe(bytesToHex(sha3_256(utf8(text))));
  }
  fc.assert(
    fc.property(
      fc.string({ maxLength: 300, unit: "binary" }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (text, a, b) => {
        expect(bytesToHex(sha3Text(text))).toBe(bytesToHex(sha3_256(utf8(text))));
        expect(bytesToHex(sha3Tagged(1, a, b))).toBe(bytesToHex(sha3_256(Uint8Array.from([1, ...a, ...b]))));
      },
    ),
    { numRuns: 300 },
  );
  // Not two 32-byte hashes: the 65 bytes as before (a shorter one leaves zeros).
  expect(bytesToHex(sha3Tagged(0, new Uint8Array([7]), new Uint8Array(32).fill(9)))).toBe(
    bytesToHex(sha3_256(Uint8Array.from([0, 7, ...new Uint8Array(31), ...new Uint8Array(32).fill(9)]))),
  );
});

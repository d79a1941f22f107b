/**
 * src/crypto/keccak.wasm, the module workerd imports for sha3, is what keccak-wasm.ts makes
 * (scripts/keccak-wasm.ts writes it): Node compiles the bytes themselves, so a stale file would let
 * workerd's hashes differ from Node's.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { keccakWasm } from "../../src/crypto/keccak-wasm";

test("keccak.wasm is the module keccak-wasm.ts makes", () => {
  expect(new Uint8Array(readFileSync(new URL("../../src/crypto/keccak.wasm", import.meta.url)))).toEqual(keccakWasm());
});

/**
 * `npx tsx scripts/keccak-wasm.ts`: writes src/crypto/keccak.wasm, the module workerd imports for
 * sha3 (src/crypto/keccak-wasm.ts makes its bytes; test/unit/crypto/sha3.test.ts checks the file).
 */
import { writeFileSync } from "node:fs";
import { keccakWasm } from "../src/crypto/keccak-wasm";

writeFileSync(new URL("../src/crypto/keccak.wasm", import.meta.url), keccakWasm());

/** fast-check generators for txs (shared by the tx property tests). */
import fc from "fast-check";
import { ED25519, SECP256K1, type Signature, type Tx } from "../../../src/tx/types";

const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const text = fc.string({ unit: "binary", maxLength: 20 });
const sig: fc.Arbitrary<Signature> = fc.record({
  algorithm: fc.constantFrom(ED25519, SECP256K1),
  sig: fc.uint8Array({ maxLength: 70 }),
  pubkey: fc.uint8Array({ maxLength: 40 }),
});

/** Gas values are limited to where a double can carry them through a request (|v| < 2^50). */
export const anyTx: fc.Arbitrary<Tx> = fc.record({
  time: i64,
  expiration: i64,
  gasRatio: fc.bigInt({ min: -(1n << 50n), max: 1n << 50n }),
  gasLimit: fc.bigInt({ min: 0n, max: 1n << 50n }),
  delay: i64,
  chainId: fc.nat({ max: 0xffffffff }),
  signers: fc.array(text, { maxLength: 3 }),
  actions: fc.array(fc.record({ contract: text, actionName: text, data: text }), { maxLength: 3 }),
  amountLimit: fc.array(fc.record({ token: text, value: text }), { maxLength: 3 }),
  signatures: fc.array(sig, { maxLength: 2 }),
  publisher: text,
  publisherSigs: fc.array(sig, { maxLength: 2 }),
});

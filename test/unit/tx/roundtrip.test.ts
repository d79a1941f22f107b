import { test, expect } from "vitest";
import fc from "fast-check";
import { anyTx } from "./tx-arb";
import { BASE, FULL, PUBLISH, decodeTx, replayKey, txBytes, txEncoding } from "../../../src/tx/bytes";
import { parseTxRequest, txToRequestJson } from "../../../src/tx/request";
import { gasForRequest, gasToInternal } from "../../../src/tx/gas";

test("decodeTx(txBytes(tx, FULL)) is tx", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      expect(decodeTx(txBytes(tx, FULL))).toEqual(tx);
    }),
  );
});

test("Base ⊂ Publish ⊂ Full as byte prefixes", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      const [b, p, f] = [txBytes(tx, BASE), txBytes(tx, PUBLISH), txBytes(tx, FULL)];
      expect(p.subarray(0, b.length)).toEqual(b);
      expect(f.subarray(0, p.length)).toEqual(p);
    }),
  );
});

test("txEncoding: one encoding whose base and publish parts are the base and publish bytes, and the replay key of its part", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      const e = txEncoding(tx);
      expect([e.base, e.publish, e.full]).toEqual([txBytes(tx, BASE), txBytes(tx, PUBLISH), txBytes(tx, FULL)]);
      expect(replayKey(tx, e.publish)).toBe(replayKey(tx));
    }),
  );
});

test("parseTxRequest(txToRequestJson(tx)) is tx", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      expect(parseTxRequest(txToRequestJson(tx))).toEqual(tx);
    }),
  );
});

test("decodeTx refuses corrupt records", () => {
  fc.assert(
    fc.property(anyTx, fc.nat(), (tx, cut) => {
      const full = txBytes(tx, FULL);
      const n = cut % full.length;
      expect(() => decodeTx(full.subarray(0, n))).toThrow();
      expect(() => decodeTx(new Uint8Array([...full, 0]))).toThrow("unexpected trailing bytes");
    }),
  );
  const full = txBytes(
    {
      time: 1n,
      expiration: 2n,
      gasRatio: 100n,
      gasLimit: 600000n,
      delay: 0n,
      chainId: 1,
      signers: [],
      actions: [],
      amountLimit: [],
      signatures: [],
      publisher: "a",
      publisherSigs: [{ algorithm: 2, sig: new Uint8Array(0), pubkey: new Uint8Array(0) }],
    },
    FULL,
  );
  const bad = full.slice();
  bad[bad.length - 9] = 0; // the algorithm byte of the last signature
  expect(() => decodeTx(bad)).toThrow("invalid signature algorithm 0");
});

test("gas doubles convert like Go's int64(x*100), and requests pick a double that survives it", () => {
  expect(gasToInternal(1)).toBe(100n);
  expect(gasToInternal(1.23)).toBe(123n);
  expect(gasToInternal(0.29)).toBe(28n); // 0.29*100 = 28.999999999999996 in IEEE doubles, as in Go and iost.js
  expect(gasToInternal(2000000)).toBe(200000000n);
  expect(gasToInternal(NaN)).toBe(-(1n << 63n));
  expect(gasToInternal(1e300)).toBe(-(1n << 63n));
  expect(gasForRequest(29n)).toBe(0.29000000000000004);
  expect(gasForRequest(123n)).toBe(1.23);
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 50n), max: 1n << 50n }), (v) => {
      expect(gasToInternal(gasForRequest(v))).toBe(v);
    }),
  );
});

import fc from "fast-check";
import { expect, test } from "vitest";
import { replayKey, txId } from "../../../src/tx/bytes";
import { anyTx } from "./tx-arb";

test("the replay key ignores the publisher signatures, which anyone can alter", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      const repeated = { ...tx, publisherSigs: [...tx.publisherSigs, ...tx.publisherSigs, tx.signatures[0] ?? tx.publisherSigs[0]].filter(Boolean) };
      expect(replayKey(repeated)).toBe(replayKey(tx));
      expect(replayKey({ ...tx, publisherSigs: [] })).toBe(replayKey(tx));
    }),
  );
});

test("the replay key changes with the signed content and with the publisher", () => {
  fc.assert(
    fc.property(anyTx, (tx) => {
      expect(replayKey({ ...tx, publisher: tx.publisher + "x" })).not.toBe(replayKey(tx));
      expect(replayKey({ ...tx, time: tx.time ^ 1n })).not.toBe(replayKey(tx));
      // Signers' signatures are inside the publish bytes, which the publisher signs.
      if (tx.signatures.length > 0) expect(replayKey({ ...tx, signatures: [] })).not.toBe(replayKey(tx));
    }),
  );
  const [tx] = fc.sample(anyTx, 1);
  expect(replayKey(tx)).not.toBe(txId(tx));
});

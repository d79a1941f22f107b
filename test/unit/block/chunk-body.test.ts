/**
 * src/block/chunk-body.ts: a peer's copy of a chunk's txs is taken only where it hashes to our own
 * header (workers/lib/peer-txs.ts), so every forgery below is refused with its reason.
 */
import { describe, expect, test } from "vitest";
import { checkChunkBody } from "../../../src/block/chunk-body";
import { base64Encode } from "../../../src/codec/base64";
import { FULL, txBytes, txId } from "../../../src/tx/bytes";
import { receiptToJson, txToJson } from "../../../src/tx/view";
import { answer, chunk, info, receiptOf, receipts, tx, txs } from "../../peer-chunk";

describe("checkChunkBody", () => {
  test("an honest answer gives the views a node holding the shard shows", () => {
    const one = checkChunkBody(info, 1, 9, answer(1), txId(txs[1]));
    expect(one).toEqual({
      txHashes: chunk.txHashes,
      receiptHashes: chunk.receiptHashes,
      txs: [{ tx: txs[1], receipt: receipts[1], view: { ...txToJson(txs[1]), tx_receipt: receiptToJson(receipts[1]) }, joined: false }],
    });
    const all = checkChunkBody(info, 1, 9, answer());
    expect(typeof all === "string" ? all : all.txs.map((t) => t.view.hash)).toEqual(chunk.txHashes);
  });

  test("forged tx bytes (another tx at the position) are refused", () => {
    const a = answer(1);
    a.txs[0].tx = base64Encode(txBytes(tx(99), FULL));
    expect(checkChunkBody(info, 1, 9, a, txId(txs[1]))).toBe(`the bytes of tx ${txId(txs[1])} hash to another tx`);
    const junk = answer(1);
    junk.txs[0].tx = "AAAA";
    expect(checkChunkBody(info, 1, 9, junk, txId(txs[1]))).toMatch(new RegExp(`^tx ${txId(txs[1])}: `));
  });

  test("a receipt of another tx, or a forged one, is refused", () => {
    const other = answer(1);
    other.txs[0].receipt = receiptToJson(receipts[2]);
    expect(checkChunkBody(info, 1, 9, other, txId(txs[1]))).toBe(`the receipt sent for tx ${txId(txs[1])} is not the one shard 1's chunk hashed`);
    const forged = answer(1);
    forged.txs[0].receipt = receiptToJson(receiptOf(txs[1], 1n));
    expect(checkChunkBody(info, 1, 9, forged, txId(txs[1]))).toBe(`the receipt sent for tx ${txId(txs[1])} is not the one shard 1's chunk hashed`);
  });

  test("a chunk not of our block (other hashes, another shard or height) is refused", () => {
    const list = answer(1);
    list.tx_hashes = [chunk.txHashes[1]];
    list.receipt_hashes = [chunk.receiptHashes[1]];
    list.txs[0].index = 0;
    expect(checkChunkBody(info, 1, 9, list, txId(txs[1]))).toBe("its tx hashes are not shard 1's tx root in our block 9");
    const swapped = answer(1);
    swapped.receipt_hashes = [...chunk.receiptHashes].reverse();
    expect(checkChunkBody(info, 1, 9, swapped, txId(txs[1]))).toBe("its receipt hashes are not shard 1's receipt root in our block 9");
    expect(checkChunkBody(info, 1, 8, answer(1), txId(txs[1]))).toBe("it sent shard 1's chunk of 9, not shard 1's of 8");
    expect(checkChunkBody(info, 0, 9, { ...answer(1), shard: 0 }, txId(txs[1]))).toBe("its tx hashes are not shard 0's tx root in our block 9");
  });

  test("a tx the chunk does not list, fewer txs than asked, or junk are refused", () => {
    expect(checkChunkBody(info, 1, 9, answer(1), txId(tx(99)))).toBe(`tx ${txId(tx(99))} is not in shard 1's chunk of our block 9`);
    expect(checkChunkBody(info, 1, 9, answer(1))).toBe("it sent 1 txs for 3");
    expect(checkChunkBody(info, 1, 9, { ...answer(1), txs: [{ ...answer(1).txs[0], index: 2 }] }, txId(txs[1]))).toBe("malformed tx 0");
    expect(checkChunkBody(info, 1, 9, { ...answer(1), tx_hashes: ["x"] }, txId(txs[1]))).toBe("malformed tx or receipt hashes");
    expect(checkChunkBody(info, 1, 9, null)).toBe("not a chunk body");
  });

  test("a tx whose receipt joins cross-shard settles is flagged, its receipt as executed still checked", () => {
    const a = answer(1);
    a.txs[0].joined = true;
    const got = checkChunkBody(info, 1, 9, a, txId(txs[1]));
    expect(typeof got === "string" ? got : got.txs[0].joined).toBe(true);
  });
});

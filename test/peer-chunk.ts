/**
 * A chunk of three txs of shard 1 at block 9, our header of that block, and a peer's honest answer
 * about it (/p2p/tx, /p2p/txs: durable-objects/api.ts ChunkBody): what test/unit/block/chunk-body.test.ts
 * forges and test/node/edge-app.test.ts's fake peers serve.
 */
import { chunkInfo } from "../src/block/block";
import { base58Encode } from "../src/codec/base58";
import { base64Encode } from "../src/codec/base64";
import { sha3 } from "../src/crypto/sha3";
import { FULL, receiptBytes, txBytes, txId } from "../src/tx/bytes";
import type { Tx, TxReceipt } from "../src/tx/types";
import { receiptToJson } from "../src/tx/view";

export function tx(n: number): Tx {
  return {
    time: 1_700_000_000_000_000_000n + BigInt(n),
    expiration: 1_700_000_090_000_000_000n,
    gasRatio: 100n,
    gasLimit: 100_000_000n,
    delay: 0n,
    chainId: 1020,
    signers: [],
    actions: [{ contract: "token.iost", actionName: "transfer", data: `["iost","admin","bob","${n}",""]` }],
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: "admin",
    publisherSigs: [],
  };
}

export const receiptOf = (t: Tx, gas = 5000n): TxReceipt => ({
  txHash: txId(t),
  gasUsage: gas,
  ramUsage: { admin: 2n },
  statusCode: "SUCCESS",
  message: "",
  returns: ['[""]'],
  receipts: [{ funcName: "token.iost/transfer", content: "[]" }],
});

export const txs = [tx(1), tx(2), tx(3)];
export const receipts = txs.map((t) => receiptOf(t));
export const chunk = {
  shard: 1,
  txHashes: txs.map((t) => txId(t)),
  receiptHashes: receipts.map((r) => base58Encode(sha3(receiptBytes(r)))),
  gasUsage: "15000",
  stateRoot: "ab".repeat(32),
};
/** Our header `info` of block 9: shard 0 empty, shard 1 the chunk above, shards 2 and 3 empty. */
export const info = chunkInfo(
  [0, 1, 2, 3].map((s) => (s === 1 ? chunk : { shard: s, txHashes: [], receiptHashes: [], gasUsage: "0", stateRoot: "cd".repeat(32) })),
);

/** A peer's honest answer for tx `only` (or every tx), as /p2p/tx and /p2p/txs send it. */
export function answer(only?: number) {
  const at = only === undefined ? txs.map((_, i) => i) : [only];
  return {
    shard: 1,
    height: 9,
    tx_hashes: chunk.txHashes,
    receipt_hashes: chunk.receiptHashes,
    txs: at.map((i) => ({ index: i, tx: base64Encode(txBytes(txs[i], FULL)), receipt: receiptToJson(receipts[i]), joined: false })),
  };
}

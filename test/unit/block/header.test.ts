import { describe, expect, test } from "vitest";
import { assembleHeader, blockToJson, chunkInfo, headerOf, storedBlock } from "../../../src/block/block";
import { blockHash, headerBytes, type BlockHeader } from "../../../src/block/header";
import { merkleRoot } from "../../../src/block/merkle";
import { base58Encode } from "../../../src/codec/base58";
import { sha3 } from "../../../src/crypto/sha3";

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("block header bytes (go-iost core/block/block.go BlockHead.ToBytes)", () => {
  const header: BlockHeader = {
    version: 1n,
    parentHash: new Uint8Array([0xaa, 0xbb]),
    txMerkleHash: new Uint8Array([0x01]),
    txReceiptMerkleHash: new Uint8Array([]),
    info: new TextEncoder().encode("{}"),
    number: 258n,
    witness: "ab",
    time: 1544013436179000000n,
  };

  test("layout: Int64 version ‖ Bytes parent ‖ Bytes tx root ‖ Bytes receipt root ‖ Bytes info ‖ Int64 number ‖ String witness ‖ Int64 time", () => {
    expect(hexOf(headerBytes(header))).toBe(
      "0000000000000001" + // version
        "00000002aabb" + // parent hash
        "0000000101" + // tx merkle
        "00000000" + // receipt merkle (empty)
        "000000027b7d" + // info "{}"
        "0000000000000102" + // number 258
        "000000026162" + // witness "ab"
        "156d700a27e12ac0", // time (the time of iost.js lib/struct_test.js's tx)
    );
  });

  test("hash = sha3(header bytes)", () => {
    expect(blockHash(header)).toEqual(sha3(headerBytes(header)));
  });
});

describe("assembling a block from chunks", () => {
  const tx = [1, 2, 3].map((i) => sha3(new Uint8Array([i])));
  const rc = [4, 5, 6].map((i) => sha3(new Uint8Array([i])));
  const chunks = [
    { shard: 0, txHashes: tx.slice(0, 2).map(base58Encode), receiptHashes: rc.slice(0, 2).map(base58Encode), gasUsage: "1500", stateRoot: "aa" },
    { shard: 1, txHashes: [tx[2]].map(base58Encode), receiptHashes: [rc[2]].map(base58Encode), gasUsage: "250", stateRoot: "bb" },
  ];

  test("merkle roots over all txs and receipts in shard order; info carries per-shard roots", () => {
    const header = assembleHeader({ version: 1, number: 7, parentHash: base58Encode(tx[0]), witness: "w", time: 10n, chunks });
    expect(header.txMerkleHash).toEqual(merkleRoot(tx));
    expect(header.txReceiptMerkleHash).toEqual(merkleRoot(rc));
    const info = JSON.parse(new TextDecoder().decode(header.info));
    expect(info.chunks).toEqual([
      { shard: 0, tx_root: hexOf(merkleRoot(tx.slice(0, 2))), receipt_root: hexOf(merkleRoot(rc.slice(0, 2))), state_root: "aa" },
      { shard: 1, tx_root: hexOf(merkleRoot([tx[2]])), receipt_root: hexOf(merkleRoot([rc[2]])), state_root: "bb" },
    ]);
    expect(new TextDecoder().decode(header.info)).toBe(chunkInfo(chunks));
  });

  test("stored form round-trips to the same header and hash; JSON view as go-iost rpc/convert.go toPbBlock", () => {
    const header = assembleHeader({ version: 1, number: 7, parentHash: base58Encode(tx[0]), witness: "w", time: 10n, chunks });
    const stored = storedBlock(header, chunks, null);
    expect(stored.hash).toBe(base58Encode(blockHash(header)));
    expect(blockHash(headerOf(stored))).toEqual(blockHash(header));
    expect(stored.txCount).toBe(3);
    const view = blockToJson(stored);
    expect(view).toMatchObject({
      hash: stored.hash,
      version: "1",
      parent_hash: base58Encode(tx[0]),
      number: "7",
      witness: "w",
      time: "10",
      gas_usage: 17.5,
      tx_count: "3",
      info: null,
      orig_info: chunkInfo(chunks),
      transactions: [],
    });
  });

  test("genesis: empty parent and no txs give empty hashes", () => {
    const header = assembleHeader({
      version: 0,
      number: 0,
      parentHash: "",
      witness: "0",
      time: 5n,
      chunks: [{ shard: 0, txHashes: [], receiptHashes: [], gasUsage: "0", stateRoot: "cc" }],
    });
    const stored = storedBlock(header, [], null);
    expect(stored.parentHash).toBe("");
    expect(stored.txMerkleHash).toBe("");
    expect(blockHash(headerOf(stored))).toEqual(blockHash(header));
  });
});

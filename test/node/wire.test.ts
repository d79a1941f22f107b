import { describe, expect, test } from "vitest";
import { assembleHeader, signatureOf, storedBlock } from "../../src/block/block";
import { blockHash } from "../../src/block/header";
import { parsePeerBlock, peerBlockJson, type PeerBlock, type WireChunk } from "../../src/block/wire";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { base64Encode } from "../../src/codec/base64";
import { ed25519PublicKey, ed25519Sign } from "../../src/crypto/ed25519";
import { sha3 } from "../../src/crypto/sha3";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { ED25519 } from "../../src/tx/types";

const list = DEV_PRODUCERS.map((p) => p.pubkey);
const h32 = (s: string) => base58Encode(sha3(new TextEncoder().encode(s)));
const txBytes = (s: string) => new TextEncoder().encode(`tx ${s}`);

/** A valid two-shard block at height 5: shard 0 with two txs (the first standing for the base tx), shard 1 with one. */
function good(): PeerBlock {
  const time = "1700000000000000001";
  const chunks: WireChunk[] = [
    {
      shard: 0,
      height: 5,
      time,
      txHashes: [h32("a"), h32("b")],
      receiptHashes: [h32("ra"), h32("rb")],
      gasUsage: "300",
      stateRoot: "ab".repeat(32),
      receiptsRoot: "",
      witnesses: list,
    },
    { shard: 1, height: 5, time, txHashes: [h32("c")], receiptHashes: [h32("rc")], gasUsage: "200", stateRoot: "cd".repeat(32), receiptsRoot: "" },
  ];
  const secret = base58Decode(DEV_PRODUCERS[0].secret);
  const header = assembleHeader({ version: 1, number: 5, parentHash: h32("parent"), witness: list[0], time: BigInt(time), chunks });
  const sign = signatureOf(ED25519, ed25519Sign(secret, blockHash(header)), ed25519PublicKey(secret));
  const block = { ...storedBlock(header, chunks, sign), witnesses: list };
  return {
    block,
    chunks: [
      { chunk: chunks[0], txs: [base64Encode(txBytes("a")), base64Encode(txBytes("b"))] },
      { chunk: chunks[1], txs: [base64Encode(txBytes("c"))] },
    ],
  };
}

/** A deep copy of the good block changed by `edit`, parsed. */
function refused(edit: (p: any) => void, shards?: number, label = ""): string {
  const p = JSON.parse(JSON.stringify(good()));
  edit(p);
  const r = parsePeerBlock(p, shards);
  expect(r, label).toHaveProperty("error");
  return (r as { error: string }).error;
}

describe("PeerBlock wire shape", () => {
  test("a valid block parses, txs decoded, and round-trips to the same JSON", () => {
    const p = good();
    const r = parsePeerBlock(JSON.parse(JSON.stringify(p)), 2);
    if ("error" in r) throw new Error(r.error);
    expect(r.chunks[0].txs[1]).toEqual(txBytes("b"));
    expect(peerBlockJson(r)).toEqual(p);
  });

  test("non-objects and wrong top-level fields", () => {
    for (const v of [null, 1, "x", [], true]) expect(parsePeerBlock(v)).toEqual({ error: "invalid peer block: peer block: not a JSON object" });
    expect(refused((p) => delete p.chunks)).toMatch(/peer block: missing field chunks/);
    expect(refused((p) => (p.extra = 1))).toMatch(/peer block: unknown field "extra"/);
    expect(refused((p) => (p.chunks = {}))).toMatch(/chunks: not an array/);
    expect(refused((p) => (p.chunks = []))).toMatch(/chunks: empty/);
  });

  test("every header field is checked", () => {
    const cases: [(p: any) => void, RegExp][] = [
      [(p) => delete p.block.hash, /block: missing field hash/],
      [(p) => (p.block.bogus = 1), /block: unknown field "bogus"/],
      [(p) => (p.block.number = 0), /block\.number: not an integer from 1/],
      [(p) => (p.block.number = 5.5), /block\.number/],
      [(p) => (p.block.number = "5"), /block\.number/],
      [(p) => (p.block.hash = "0OIl"), /block\.hash: not base58/],
      [(p) => (p.block.hash = h32("x").slice(0, 20)), /block\.hash: not a base58 32-byte value/],
      [(p) => (p.block.version = -1), /block\.version/],
      [(p) => (p.block.parentHash = ""), /block\.parentHash/],
      [(p) => (p.block.txMerkleHash = 7), /block\.txMerkleHash: not a string/],
      [(p) => (p.block.txReceiptMerkleHash = "abc"), /block\.txReceiptMerkleHash/],
      [(p) => (p.block.info = {}), /block\.info: not a string/],
      [(p) => (p.block.witness = "producer000"), /block\.witness/],
      [(p) => (p.block.time = "-1"), /block\.time: not a non-negative int64/],
      [(p) => (p.block.time = "01"), /block\.time/],
      [(p) => (p.block.time = "9223372036854775808"), /block\.time/],
      [(p) => (p.block.time = 17), /block\.time/],
      [(p) => (p.block.gasUsage = "1.5"), /block\.gasUsage/],
      [(p) => (p.block.txCount = -1), /block\.txCount/],
      [(p) => (p.block.sign = null), /block\.sign: not a JSON object/],
      [(p) => delete p.block.sign.sig, /block\.sign: missing field sig/],
      [(p) => (p.block.sign.algorithm = "2"), /block\.sign\.algorithm/],
      [(p) => (p.block.sign.sig = "!!!!"), /block\.sign\.sig: not base64/],
      [(p) => (p.block.sign.sig = base64Encode(new Uint8Array(65))), /block\.sign\.sig: not a base64 string of at most 64 bytes/],
      [(p) => (p.block.sign.pubkey = p.block.sign.pubkey.replace(/=*$/, "")), /block\.sign\.pubkey: not canonical base64/],
      [(p) => (p.block.witnesses = "x"), /block\.witnesses: not an array/],
      [(p) => (p.block.witnesses = [1]), /block\.witnesses\[0\]: not a string/],
    ];
    cases.forEach(([edit, reason], i) => expect(refused(edit, undefined, `case ${i}`)).toMatch(reason));
  });

  test("every chunk field is checked", () => {
    const cases: [(p: any) => void, RegExp][] = [
      [(p) => (p.chunks[0] = []), /chunks\[0\]: not a JSON object/],
      [(p) => delete p.chunks[0].txs, /chunks\[0\]: missing field txs/],
      [(p) => (p.chunks[1].more = 1), /chunks\[1\]: unknown field "more"/],
      [(p) => delete p.chunks[0].chunk.stateRoot, /chunks\[0\]\.chunk: missing field stateRoot/],
      [(p) => (p.chunks[0].chunk.x = 1), /chunks\[0\]\.chunk: unknown field "x"/],
      [(p) => (p.chunks[0].chunk.shard = -1), /chunks\[0\]\.chunk\.shard/],
      [(p) => (p.chunks[0].chunk.height = "5"), /chunks\[0\]\.chunk\.height/],
      [(p) => (p.chunks[0].chunk.time = "x"), /chunks\[0\]\.chunk\.time/],
      [(p) => (p.chunks[0].chunk.txHashes = [1]), /chunks\[0\]\.chunk\.txHashes\[0\]/],
      [(p) => (p.chunks[0].chunk.receiptHashes = [h32("x")]), /1 receiptHashes/],
      [(p) => (p.chunks[0].chunk.gasUsage = 300), /chunks\[0\]\.chunk\.gasUsage/],
      [(p) => (p.chunks[0].chunk.stateRoot = "AB"), /chunks\[0\]\.chunk\.stateRoot: not lowercase hex/],
      [(p) => (p.chunks[0].chunk.receiptsRoot = "abc"), /chunks\[0\]\.chunk\.receiptsRoot/],
      [(p) => (p.chunks[0].chunk.witnesses = [list[0], "nope"]), /chunks\[0\]\.chunk\.witnesses\[1\]/],
      [(p) => (p.chunks[1].chunk.placeholder = false), /chunks\[1\]\.chunk\.placeholder: not true/],
      [(p) => (p.chunks[1].chunk.receiptsFrom = 5), /chunks\[1\]\.chunk\.receiptsFrom: not an integer from 0 to 4/],
      [(p) => (p.chunks[0].txs = "x"), /chunks\[0\]\.txs: not an array/],
      [(p) => (p.chunks[0].txs[0] = "%%%%"), /chunks\[0\]\.txs\[0\]: not base64/],
      [(p) => (p.chunks[0].txs[0] = ""), /chunks\[0\]\.txs\[0\]: empty tx/],
      [(p) => (p.chunks[0].txs[0] = base64Encode(new Uint8Array(65_537))), /chunks\[0\]\.txs\[0\]: not a base64 string of at most 65536 bytes/],
    ];
    cases.forEach(([edit, reason], i) => expect(refused(edit, undefined, `case ${i}`)).toMatch(reason));
  });

  test("a placeholder's fields are in the header: the same block with them added no longer matches its hash", () => {
    expect(refused((p) => Object.assign(p.chunks[1].chunk, { placeholder: true, receiptsFrom: 3 }))).toMatch(/header|hash|info/);
  });

  test("fields must agree with each other and with the header", () => {
    const cases: [(p: any) => void, RegExp][] = [
      [(p) => p.chunks.reverse(), /chunks\[0\]\.chunk\.shard: 1, expected 0/],
      [(p) => (p.chunks[1].chunk.height = 6), /chunks\[1\]\.chunk\.height: 6, the block is 5/],
      [(p) => (p.chunks[1].chunk.time = "1"), /chunks\[1\]\.chunk\.time/],
      [(p) => p.chunks[0].txs.pop(), /chunks\[0\]\.txs: 1 txs for 2 txHashes/],
      [(p) => (p.chunks[1].chunk.witnesses = list), /only shard 0 carries/],
      [(p) => (p.block.witnesses = []), /block\.witnesses: empty/],
      [(p) => (p.block.witnesses = [...list].reverse()), /block\.witnesses: differs from shard 0's/],
      [(p) => (p.chunks[1].chunk.stateRoot = "ee".repeat(32)), /block\.info: .* is not what its chunks make/],
      [(p) => (p.chunks[1].chunk.txHashes = [h32("z")]), /block\.txMerkleHash/],
      [(p) => (p.chunks[1].chunk.receiptHashes = [h32("z")]), /block\.txReceiptMerkleHash/],
      [(p) => (p.chunks[1].chunk.gasUsage = "201"), /block\.gasUsage/],
      [(p) => (p.block.txCount = 4), /block\.txCount/],
    ];
    cases.forEach(([edit, reason], i) => expect(refused(edit, undefined, `case ${i}`)).toMatch(reason));
    expect(refused(() => undefined, 4)).toMatch(/chunks: 2 chunks, this chain has 4 shards/);
  });
});

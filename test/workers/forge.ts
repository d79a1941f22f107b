/** Hand-made peer blocks for attack tests (Node and workerd: no Durable Object APIs). */
import { assembleHeader, signatureOf, storedBlock } from "../../src/block/block";
import { blockHash } from "../../src/block/header";
import type { PeerBlock, WireChunk } from "../../src/block/wire";
import { base58Encode } from "../../src/codec/base58";
import { ed25519PublicKey, ed25519Sign } from "../../src/crypto/ed25519";
import { ED25519 } from "../../src/tx/types";

/** A block on `parent` signed with `secret`, naming `witnesses` as the list of its children; its chunk was never executed by anyone. */
export function forged(parent: { number: number; hash: string }, time: bigint, secret: Uint8Array, witnesses: string[]): PeerBlock {
  const number = parent.number + 1;
  const chunk: WireChunk = {
    shard: 0,
    height: number,
    time: time.toString(),
    txHashes: [],
    receiptHashes: [],
    gasUsage: "0",
    stateRoot: "ab".repeat(32),
    witnesses,
  };
  const witness = base58Encode(ed25519PublicKey(secret));
  const header = assembleHeader({ version: 1, number, parentHash: parent.hash, witness, time, chunks: [chunk] });
  const sign = signatureOf(ED25519, ed25519Sign(secret, blockHash(header)), ed25519PublicKey(secret));
  return { block: { ...storedBlock(header, [chunk], sign), witnesses }, chunks: [{ chunk, txs: [] }] };
}

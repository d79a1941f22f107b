/**
 * IOST block header bytes and hash (go-iost core/block/block.go BlockHead.ToBytes):
 *   Int64(version) ‖ Bytes(parentHash) ‖ Bytes(txMerkleHash) ‖ Bytes(txReceiptMerkleHash)
 *   ‖ Bytes(info) ‖ Int64(number) ‖ String(witness) ‖ Int64(time)
 * block hash = sha3(header bytes); the producer signs the 32-byte hash.
 */
import { SimpleEncoder } from "../codec/encoder.js";
import { sha3 } from "../crypto/sha3.js";

export interface BlockHeader {
  /** 0 for the genesis block, 1 for produced blocks. */
  version: bigint;
  /** Raw 32-byte hash of the parent header; empty for genesis. */
  parentHash: Uint8Array;
  txMerkleHash: Uint8Array;
  txReceiptMerkleHash: Uint8Array;
  /** UTF-8 bytes of the info text (IOST writes `{}`; we carry the chunk roots, see ../block/info.ts). */
  info: Uint8Array;
  number: bigint;
  /** base58 public key of the producer ("0" for genesis, as go-iost). */
  witness: string;
  /** Nanoseconds since the Unix epoch. */
  time: bigint;
}

export function headerBytes(h: BlockHeader): Uint8Array {
  return new SimpleEncoder()
    .int64(h.version)
    .bytes(h.parentHash)
    .bytes(h.txMerkleHash)
    .bytes(h.txReceiptMerkleHash)
    .bytes(h.info)
    .int64(h.number)
    .string(h.witness)
    .int64(h.time)
    .finish();
}

export function blockHash(h: BlockHeader): Uint8Array {
  return sha3(headerBytes(h));
}

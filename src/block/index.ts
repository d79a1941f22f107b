export { merkleRoot, txMerkleRoot, receiptMerkleRoot } from "./merkle.js";
export { headerBytes, blockHash, type BlockHeader } from "./header.js";
export {
  assembleHeader,
  blockToJson,
  chunkInfo,
  headerOf,
  signatureOf,
  storedBlock,
  type AssembleInput,
  type BlockSignature,
  type ChunkSummary,
  type StoredBlock,
} from "./block.js";

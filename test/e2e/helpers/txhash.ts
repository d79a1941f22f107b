/** The full-bytes hash of an SDK tx, computed independently of src/tx (go-iost core/tx/tx.go ToBytes). */
import { sha3_256 } from "@noble/hashes/sha3.js";
import { Bs58 } from "./sdk";

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function bytes(data: Buffer): Buffer {
  return Buffer.concat([int32(data.length), data]);
}

export function sdkTxHash(tx: any): string {
  const parts: Buffer[] = [Buffer.from(tx._bytes(1)), bytes(Buffer.alloc(0)), bytes(Buffer.from(tx.publisher, "utf8")), int32(tx.publisher_sigs.length)];
  for (const sig of tx.publisher_sigs) parts.push(bytes(Buffer.from(sig._bytes())));
  return Bs58.encode(Buffer.from(sha3_256(Buffer.concat(parts))));
}

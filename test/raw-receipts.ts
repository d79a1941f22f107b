/**
 * A raw block's receipts (IOST's protobuf JSON, /getRawBlockByNumber and gRPC GetRawBlockByNumber) hashed
 * back as a go-iost client verifying the block does: the tests of e2e, workerd-shards and workerd-archive
 * rebuild the header's receipt root from them.
 */
import { base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import { receiptBytes, STATUS_CODES } from "../src/tx/index";

const b64 = (x: string) => new Uint8Array(Buffer.from(x, "base64"));

/** sha3 of each receipt of a raw block, in its order. */
export function rawReceiptHashes(receipts: any[]): Uint8Array[] {
  return receipts.map((r) =>
    sha3(
      receiptBytes({
        txHash: base58Encode(b64(r.txHash)),
        gasUsage: BigInt(r.gasUsage),
        ramUsage: Object.fromEntries(Object.entries(r.ramUsage).map(([k, v]) => [k, BigInt(v as string)])),
        statusCode: STATUS_CODES[r.status.code],
        message: r.status.message,
        returns: r.returns,
        receipts: r.receipts,
      }),
    ),
  );
}

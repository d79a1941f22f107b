/**
 * A settled cross-shard tx's receipt as executed (tx_index.hashed, docs/SHARDING.md "Receipt
 * JSON") moves to its R2 segment with the rest of the tx, so a raw block of an archived height
 * still rebuilds its header's receipt root. One shard here ("workerd-archive"): the settle is
 * played by rewriting the row as chunk-build.ts `settle` does; test/shards/raw-blocks.test.ts
 * runs real ones.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { receiptMerkleRoot } from "../../src/block/index";
import { base58Encode } from "../../src/codec/base58";
import { newChain } from "../workers/helpers";
import { makeTx } from "../workers/txs";
import { rawReceiptHashes } from "../raw-receipts";

type View = { hash: string; tx_receipt: { returns: string[] } };
const b64 = (x: string) => new Uint8Array(Buffer.from(x, "base64"));

/** Whether the raw block's receipts hash to its header's receipt root, as a go-iost client checks. */
function rebuildsRoot(block: any): boolean {
  return base58Encode(receiptMerkleRoot(rawReceiptHashes(block.receipts))) === base58Encode(b64(block.head.txReceiptMerkleHash));
}

describe("raw blocks of archived heights", () => {
  test("the receipt as executed rides in the segment: the raw block rebuilds its root, the views keep the settled receipt", async () => {
    const c = newChain("raw-hashed");
    await c.coord.mine(1);
    const t = makeTx({ amount: "2", memo: "settled" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await c.coord.mine(1);
    const receiptOf = async (hashed: boolean) => ((await c.shard.getChunkTxs(2, hashed)) as unknown as View[]).find((x) => x.hash === t.hash)!.tx_receipt;
    const executed = await receiptOf(false);
    await runInDurableObject(c.shardRaw, (_i, state) => {
      const settled = JSON.stringify({ ...executed, returns: [...executed.returns, '["forwarded"]'] });
      state.storage.sql.exec("UPDATE tx_index SET hashed = COALESCE(hashed, receipt), receipt = ? WHERE hash = ?", settled, t.hash);
    });
    const settled = await receiptOf(false);
    expect(settled.returns).toEqual([...executed.returns, '["forwarded"]']);
    expect(await receiptOf(true)).toEqual(executed);
    expect(rebuildsRoot(((await c.coord.rawBlock(2, true)) as any).block)).toBe(true);

    await c.coord.mine(30); // LIB 32: heights 1–24 move to R2
    const body = await runInDurableObject(
      c.shardRaw,
      (_i, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT length(bytes) + COALESCE(length(hashed), 0) AS n FROM tx_index WHERE hash = ?", t.hash).one().n,
    );
    expect(body).toBe(0);
    expect(await receiptOf(true)).toEqual(executed);
    expect(await receiptOf(false)).toEqual(settled);
    expect(await c.shard.getTxReceipt(t.hash)).toEqual(settled);
    expect(rebuildsRoot(((await c.coord.rawBlock(2, true)) as any).block)).toBe(true);
  });
});

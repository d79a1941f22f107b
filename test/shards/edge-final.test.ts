/**
 * The edge keeps a final answer forever (workers/lib/cache.ts). A cross-shard tx's receipt is
 * rewritten by its settles after its block is irreversible (one producer: LIB is the head), so
 * its block and the tx are final, and kept, only once settled: before, a reader saw the
 * pre-settle receipt from the cache for good.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { shardOf } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { makeTx } from "../workers/txs";

const N = 4;
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== shardOf("admin", N))!;

async function get(path: string) {
  const res = await SELF.fetch(`http://node${path}`);
  return { body: (await res.json()) as Record<string, unknown>, cache: res.headers.get("cache-control"), hit: res.headers.get("X-Edge-Cache") };
}
async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await SELF.fetch(`http://node${path}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}
type Tx = { hash: string; tx_receipt: { status_code: string; receipts: unknown[]; gas_usage: number } };

describe("final reads of a block holding a cross-shard tx", () => {
  test("are not kept before its receipts settle, and are once they have", async () => {
    const head = Number((await get("/getChainInfo")).body.head_block);
    const sent = await post("/sendTx", txToRequestJson(makeTx({ to: remote, amount: "2" }).tx));
    expect(sent.hash, JSON.stringify(sent)).toBeTypeOf("string");
    await post("/dev/mine", { blocks: 1 });
    const lib = Number((await get("/getChainInfo")).body.lib_block);
    let height = 0;
    for (let n = head + 1; n <= lib && height === 0; n++) {
      const b = await get(`/getBlockByNumber/${n}/true`);
      if (((b.body.block as { transactions: Tx[] }).transactions ?? []).some((t) => t.hash === sent.hash)) height = n;
    }
    expect(height, "the tx's block is irreversible").toBeGreaterThan(0);

    // Irreversible, but the credit to the remote shard has not settled.
    const early = await get(`/getBlockByNumber/${height}/true`);
    expect(early.body.status).toBe("IRREVERSIBLE");
    expect([early.cache, early.hit]).toEqual(["public, max-age=1", "MISS"]);
    const tx = await get(`/getTxByHash/${sent.hash}`);
    expect([tx.body.status, tx.cache]).toEqual(["PACKED", "public, max-age=1"]);

    await post("/dev/mine", { blocks: 3 });
    const receipt = await get(`/getTxReceiptByTxHash/${sent.hash}`);
    expect(receipt.body.status_code).toBe("SUCCESS");
    const late = await get(`/getBlockByNumber/${height}/true`);
    expect(late.cache).toBe("public, max-age=31536000, immutable");
    const listed = (late.body.block as { transactions: Tx[] }).transactions.find((t) => t.hash === sent.hash)!;
    // The settled receipt: what /getTxReceiptByTxHash answers, not the one the block read saw early.
    expect(listed.tx_receipt).toEqual(receipt.body);
    expect((await get(`/getBlockByNumber/${height}/true`)).hit).toBe("HIT");
    const settledTx = await get(`/getTxByHash/${sent.hash}`);
    expect([settledTx.body.status, settledTx.cache]).toEqual(["IRREVERSIBLE", "public, max-age=31536000, immutable"]);
    expect((settledTx.body.transaction as { tx_receipt: unknown }).tx_receipt).toEqual(receipt.body);
  });
});

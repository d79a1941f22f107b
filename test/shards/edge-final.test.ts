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

const IMMUTABLE = "public, max-age=31536000, immutable";
const listed = (b: Read, hash: string) => ((b.body.block as { transactions?: Tx[] }).transactions ?? []).find((t) => t.hash === hash);
type Read = Awaited<ReturnType<typeof get>>;

// Blocks come on their own here (BLOCK_PRODUCTION "interval"), so the settle may land between any two
// reads: the test checks that whatever was answered as final carries the settled receipt.
describe("final reads of a block holding a cross-shard tx", () => {
  test("are not kept before its receipts settle, and are once they have", async () => {
    const head = Number((await get("/getChainInfo")).body.head_block);
    const sent = await post("/sendTx", txToRequestJson(makeTx({ to: remote, amount: "2" }).tx));
    expect(sent.hash, JSON.stringify(sent)).toBeTypeOf("string");
    const hash = sent.hash as string;
    await post("/dev/mine", { blocks: 1 });
    const lib = Number((await get("/getChainInfo")).body.lib_block);
    let early: Read | undefined;
    let height = 0;
    for (let n = head + 1; n <= lib && height === 0; n++) {
      const b = await get(`/getBlockByNumber/${n}/true`);
      if (listed(b, hash) !== undefined) [early, height] = [b, n];
    }
    expect(height, "the tx's block is irreversible").toBeGreaterThan(0);
    const earlyTx = await get(`/getTxByHash/${hash}`);

    await post("/dev/mine", { blocks: 3 });
    const receipt = (await get(`/getTxReceiptByTxHash/${hash}`)).body;
    expect(receipt.status_code).toBe("SUCCESS");
    const earlyReceipt = (earlyTx.body.transaction as { tx_receipt: unknown }).tx_receipt;
    // Before the settle: PACKED and not kept; an answer kept as final carries the settled receipt.
    if (early!.cache === IMMUTABLE) expect(listed(early!, hash)!.tx_receipt).toEqual(receipt);
    else expect(early!.body.status).toBe("IRREVERSIBLE");
    if (earlyTx.cache === IMMUTABLE) expect([earlyTx.body.status, earlyReceipt]).toEqual(["IRREVERSIBLE", receipt]);
    else expect(earlyTx.body.status).toBe("PACKED");

    // After it: final, with the settled receipt (the old edge kept the early read and answered it from cache).
    const late = await get(`/getBlockByNumber/${height}/true`);
    expect(late.cache).toBe(IMMUTABLE);
    expect(listed(late, hash)!.tx_receipt).toEqual(receipt);
    expect((await get(`/getBlockByNumber/${height}/true`)).hit).toBe("HIT");
    const tx = await get(`/getTxByHash/${hash}`);
    expect([tx.body.status, tx.cache]).toEqual(["IRREVERSIBLE", IMMUTABLE]);
    expect((tx.body.transaction as { tx_receipt: unknown }).tx_receipt).toEqual(receipt);
  });
});

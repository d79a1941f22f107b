/**
 * Reads from the edge (issue 14 item 4) inside workerd, where the Cache API exists: the node's
 * own Worker (SELF) in front of its objects. A final block or receipt is answered by the
 * location's cache the second time, with no object call; what is not final (not found, the
 * head) is never kept.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardApi } from "../../durable-objects/api";
import { until } from "./helpers";
import { makeTx } from "./txs";
import { txToRequestJson } from "../../src/tx/request";

const get = async (path: string) => {
  const res = await SELF.fetch(`http://node${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, h: (n: string) => res.headers.get(n) };
};
const mine = (blocks: number) => SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks }) }).then((r) => r.json());
const lib = async () => Number((await get("/getChainInfo")).body.lib_block);

describe("the edge's cache of final reads", () => {
  test("an irreversible block: immutable, and the second read costs no object call; a missing one is never kept", async () => {
    await mine(3);
    await until(lib, (n) => n >= 1);
    const first = await get("/getBlockByNumber/1/true");
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe("IRREVERSIBLE");
    expect(first.h("cache-control")).toBe("public, max-age=31536000, immutable");
    expect([first.h("X-Edge-Cache"), first.h("X-Object-Calls")]).toEqual(["MISS", "2"]); // the header, then the one shard's txs
    const again = await get("/getBlockByNumber/1/true");
    expect(again.body).toEqual(first.body);
    expect([again.h("X-Edge-Cache"), again.h("X-Object-Calls"), again.h("cache-control")]).toEqual(["HIT", "0", "public, max-age=31536000, immutable"]);

    for (let i = 0; i < 2; i++) {
      const missing = await get("/getBlockByNumber/999999/true");
      expect([missing.status, missing.h("cache-control"), missing.h("X-Object-Calls")]).toEqual([400, "no-store", "1"]);
    }
    const info = await get("/getChainInfo");
    expect([info.h("cache-control"), info.h("X-Edge-Cache")]).toEqual(["public, max-age=1", null]);
  });

  test("a receipt is kept once final; before, the error is not", async () => {
    const t = makeTx({ amount: "3" });
    const shard = env.SHARD.getByName("shard-0") as unknown as ShardApi;
    expect(await shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    const early = await get(`/getTxReceiptByTxHash/${t.hash}`);
    expect([early.status, early.h("cache-control")]).toEqual([400, "no-store"]);
    await mine(2);
    const receipt = await until(
      () => get(`/getTxReceiptByTxHash/${t.hash}`),
      (r) => r.status === 200,
    );
    expect(receipt.body.tx_hash, JSON.stringify(receipt.body)).toBe(t.hash);
    expect(receipt.h("cache-control")).toBe("public, max-age=31536000, immutable");
    const again = await get(`/getTxReceiptByTxHash/${t.hash}`);
    expect(again.body).toEqual(receipt.body);
    expect([again.h("X-Edge-Cache"), again.h("X-Object-Calls")]).toEqual(["HIT", "0"]);
  });

  test("a node of one shard notes no tx's shard: its /sendTx and lookups write nothing to the cache", async () => {
    const t = makeTx({ amount: "4", memo: "no note" });
    const sent = await SELF.fetch("http://node/sendTx", { method: "POST", body: txToRequestJson(t.tx) });
    expect(await sent.json()).toEqual({ hash: t.hash, pre_tx_receipt: null });
    const found = await get(`/getTxByHash/${t.hash}`);
    expect([found.status, (found.body.transaction as { hash: string }).hash]).toEqual([200, t.hash]);
    await new Promise((r) => setTimeout(r, 300)); // what the two requests left to waitUntil
    // Before, each /sendTx put this entry (about half of its CPU in local workerd, BENCHMARKS.md "Intake").
    expect(await caches.default.match(`http://node/__edge/tx-shard/${encodeURIComponent(t.hash)}`)).toBeUndefined();
  });
});

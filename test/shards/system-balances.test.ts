/**
 * A system contract's balance is kept per shard (docs/SHARDING.md "Where global state lives": a pledge moves IOST into
 * gas.iost's balance on its user's shard); the edge answers their sum, which is one shard's balance.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { shardOf } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { makeTx } from "../workers/txs";

const N = 4;

async function call(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init = body === undefined ? {} : { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
  return (await (await SELF.fetch(`http://node${path}`, init)).json()) as Record<string, unknown>;
}

/** What admin pledged, on every shard (admin is the only pledger here: genesis's pledges are its). */
async function pledged(): Promise<number> {
  const info = (await call("/getAccount/admin/true")).gas_info as { pledged_info: { amount: number }[] };
  return info.pledged_info.reduce((sum, p) => sum + p.amount, 0);
}

describe("gas.iost's balance on four shards", () => {
  test("is every pledge's IOST, wherever its user lives", async () => {
    const gas = async () => (await call("/getTokenBalance/gas.iost/iost/true")).balance as number;
    expect(await gas()).toBe(await pledged());
    // One user of each shard, pledged for by admin.
    const users = ["admin", "foundation", "producer000"].filter((u, i, all) => all.findIndex((v) => shardOf(v, N) === shardOf(u, N)) === i);
    expect(new Set(users.map((u) => shardOf(u, N))).size).toBeGreaterThan(1);
    const before = await gas();
    const t = makeTx({ actions: users.map((u) => ({ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", u, "7"]) })) });
    const sent = await call("/sendTx", txToRequestJson(t.tx));
    expect(sent.hash, JSON.stringify(sent)).toBe(t.hash);
    for (let i = 0; i < 12 && (await call(`/getTxReceiptByTxHash/${t.hash}`)).status_code === undefined; i++) await call("/dev/mine", { blocks: 1 });
    const receipt = await call(`/getTxReceiptByTxHash/${t.hash}`);
    expect(receipt.status_code, JSON.stringify(receipt)).toBe("SUCCESS");
    expect(await gas()).toBe(before + 7 * users.length);
    expect(await gas()).toBe(await pledged());
  });
});

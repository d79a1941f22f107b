/**
 * A system contract's balance is kept per shard (docs/SHARDING.md "Where global state lives": a pledge moves IOST into
 * gas.iost's balance on its user's shard); the edge answers their sum, which is one shard's balance.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { shardOf, tokenShard } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { ADMIN_KEY, makeTx } from "../workers/txs";

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
    await settle(makeTx({ actions: users.map((u) => ({ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", u, "7"]) })) }));
    expect(await gas()).toBe(before + 7 * users.length);
    expect(await gas()).toBe(await pledged());
  });

  test("read raw, is the same sum: getContractStorage, getBatchContractStorage, listContractStorage", async () => {
    const units = String(Math.round(((await call("/getTokenBalance/gas.iost/iost/true")).balance as number) * 1e8));
    const pair = { id: "token.iost", key: "TBgas.iost", field: "iost", by_longest_chain: true };
    expect((await call("/getContractStorage", pair)).data).toBe(units);
    const batch = await call("/getBatchContractStorage", {
      id: "token.iost",
      key_fields: [
        { key: "TBadmin", field: "iost" },
        { key: "TBgas.iost", field: "iost" },
      ],
      by_longest_chain: true,
    });
    const admin = String(Math.round(((await call("/getTokenBalance/admin/iost/true")).balance as number) * 1e8));
    expect(batch.datas).toEqual([admin, units]);
    const list = await call("/listContractStorage", { id: "token.iost", storageType: "MAP", prefix: "TBgas.iost", by_longest_chain: true });
    expect(list.datas).toEqual([
      { key: "TBgas.iost", value: '["iost"]' },
      { key: "TBgas.iost-iost", value: units },
    ]);
  });
});

describe("a pledger's field index on four shards", () => {
  test("lists its users of every shard in the order pledged, as getAccount does", async () => {
    const fields = async () => (await call("/getContractStorageFields", { id: "gas.iost", key: "admingp", by_longest_chain: true })).fields as string[];
    const before = await fields();
    // New users off admin's shard, two on one shard and one on another, pledged for in an order no shard's own index has.
    const names = Array.from({ length: 16 }, (_, i) => `pidx${String(i).padStart(2, "0")}`).filter((u) => shardOf(u, N) !== shardOf("admin", N));
    const [first, other] = [names[0], names.find((u) => shardOf(u, N) !== shardOf(names[0], N))!];
    const picked = [names.find((u) => u !== first && shardOf(u, N) === shardOf(first, N))!, other, first];
    expect(new Set(picked).size).toBe(3);
    await settle(makeTx({ actions: picked.map((u) => ({ contract: "auth.iost", actionName: "signUp", data: JSON.stringify([u, ADMIN_KEY, ADMIN_KEY]) })) }));
    await settle(makeTx({ actions: picked.map((u) => ({ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", u, "3"]) })) }));
    const after = [...before, ...picked];
    expect(await fields()).toEqual(after);
    const info = (await call("/getAccount/admin/true")).gas_info as { pledged_info: { pledger: string }[] };
    expect(info.pledged_info.map((p) => p.pledger)).toEqual(after);
    const list = await call("/listContractStorage", { id: "gas.iost", storageType: "MAP", prefix: "admingp", by_longest_chain: true });
    const rows = list.datas as { key: string; value: string }[];
    expect(rows.find((r) => r.key === "admingp")?.value).toBe(JSON.stringify(after));
    expect(rows.filter((r) => r.key.startsWith("admingp-")).map((r) => r.key.slice("admingp-".length))).toEqual([...after].sort());
  });
});

/** Sends `t` and mines until its receipt is final and successful. */
async function settle(t: ReturnType<typeof makeTx>): Promise<void> {
  const sent = await call("/sendTx", txToRequestJson(t.tx));
  expect(sent.hash, JSON.stringify(sent)).toBe(t.hash);
  for (let i = 0; i < 30 && (await call(`/getTxReceiptByTxHash/${t.hash}`)).status_code === undefined; i++) await call("/dev/mine", { blocks: 1 });
  const receipt = await call(`/getTxReceiptByTxHash/${t.hash}`);
  expect(receipt.status_code, JSON.stringify(receipt)).toBe("SUCCESS");
}

describe("a token's definition on four shards", () => {
  test("listContractStorage shows its supply from its home, not a copy's", async () => {
    const sym = Array.from({ length: 40 }, (_, i) => `lst${i}`).find((s) => ![null, 0].includes(tokenShard(s, N)))!;
    await settle(makeTx({ actions: [{ contract: "token.iost", actionName: "create", data: JSON.stringify([sym, "admin", 1000, { decimal: 0 }]) }] }));
    await settle(makeTx({ actions: [{ contract: "token.iost", actionName: "issue", data: JSON.stringify([sym, "admin", "7"]) }] }));
    expect((await call(`/getTokenInfo/${sym}/true`)).current_supply).toBe("7");
    const list = await call("/listContractStorage", { id: "token.iost", storageType: "MAP", prefix: `TI${sym}`, by_longest_chain: true });
    const rows = list.datas as { key: string; value: string }[];
    expect(rows.find((r) => r.key === `TI${sym}-supply`)?.value).toBe("7");
    expect((await call("/getContractStorage", { id: "token.iost", key: `TI${sym}`, field: "supply", by_longest_chain: true })).data).toBe("7");
  });
});

describe("auth.iost's account index on four shards", () => {
  test("lists every shard's accounts in the order created, as one shard's index: getContractStorageFields and listContractStorage", async () => {
    const fields = async () => (await call("/getContractStorageFields", { id: "auth.iost", key: "auth", by_longest_chain: true })).fields as string[];
    const genesis = await fields();
    // Created on shard 2, then shard 1: the shards' order is not the order created.
    const named = (s: number) => Array.from({ length: 60 }, (_, i) => `idx${s}n${i}`).find((n) => shardOf(n, N) === s)!;
    const [first, second] = [named(2), named(1)];
    for (const name of [first, second]) {
      await settle(
        makeTx({
          actions: [
            { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([name, ADMIN_KEY, ADMIN_KEY]) },
            { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", name, 1024]) },
          ],
        }),
      );
    }
    expect(genesis).toContain("admin");
    expect(await fields()).toEqual([...genesis, first, second]);
    const list = await call("/listContractStorage", { id: "auth.iost", storageType: "MAP", prefix: "auth", to: "auth-", by_longest_chain: true });
    expect(list.datas).toEqual([{ key: "auth", value: JSON.stringify([...genesis, first, second]) }]);
  });
});

describe("system.iost's contract owners on four shards", () => {
  test("each contract's owner read where it was deployed, the index listing every shard's in the order deployed", async () => {
    const owners = async () =>
      (await call("/getContractStorageFields", { id: "system.iost", key: "contract_owner", by_longest_chain: true })).fields as string[];
    const before = await owners();
    // An account of another shard than admin's deploys first, then admin.
    const other = Array.from({ length: 60 }, (_, i) => `owner${i}`).find((n) => shardOf(n, N) !== shardOf("admin", N))!;
    await settle(
      makeTx({
        actions: [
          { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([other, ADMIN_KEY, ADMIN_KEY]) },
          { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", other, 20000]) },
          { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", other, "100"]) },
        ],
      }),
    );
    const code = JSON.stringify({
      ID: "",
      info: { lang: "javascript", version: "1.0.0", abi: [{ name: "f", args: [], amountLimit: [] }] },
      code: "class C { init() {} f() { return 1; } }\nmodule.exports = C;",
    });
    const deploy = (publisher: string) => makeTx({ publisher, actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([code]) }] });
    const [theirs, admins] = [deploy(other), deploy("admin")];
    await settle(theirs);
    await settle(admins);
    const [a, b] = [`Contract${theirs.hash}`, `Contract${admins.hash}`];
    expect(await owners()).toEqual([...before, a, b]);
    const owner = async (id: string) =>
      (await call("/getContractStorage", { id: "system.iost", key: "contract_owner", field: id, by_longest_chain: true })).data;
    expect([await owner(a), await owner(b)]).toEqual([other, "admin"]);
    const batch = await call("/getBatchContractStorage", {
      id: "system.iost",
      key_fields: [a, b].map((field) => ({ key: "contract_owner", field })),
      by_longest_chain: true,
    });
    expect(batch.datas).toEqual([other, "admin"]);
    const list = await call("/listContractStorage", {
      id: "system.iost",
      storageType: "MAP",
      prefix: "contract_owner",
      to: "contract_owner-",
      by_longest_chain: true,
    });
    expect(list.datas).toEqual([{ key: "contract_owner", value: JSON.stringify([...before, a, b]) }]);
  });
});

/**
 * iost.js's domain and exchange examples through the real `iost` SDK (N = 4 by default): admin
 * sets domain.iost 1.0.0 (system.iost/updateNativeCode) and links a url to its contract and an account calls the contract by the url; exchange.iost creates
 * an account of another shard from a `create:` memo, which then transfers through exchange.iost
 * and takes the url over. With SHARD_COUNT=1 the same flow runs on one shard.
 */
import { describe, expect, it } from "vitest";
import { accountWithKey, Algorithm, expectSuccess, get, KeyPair, sendAndFollow } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

const CODE = `class Hi {
  init() {}
  hello(n) { return "hi " + n + " from " + blockchain.contractName(); }
}
module.exports = Hi;`;
const INFO = { lang: "javascript", version: "1.0.0", abi: [{ name: "hello", args: ["string"], amountLimit: [] }] };

const shardOf = async (name: string) => (await get(node.url, `/getShardInfo/${name}`)).body as { shard: number; shard_count: number };
/** A tx of the new account: its 10 IOST pledge gives 1,000,000 gas, below the SDK's default limit. */
const small = (tx: any) => (tx.setGas(1, 500_000), tx);
const storage = async (map: string, field: string) => (await node.client.rpc.blockchain.getContractStorage("domain.iost", map, field, true)).data;

describe("domain.iost and exchange.iost (iost SDK)", () => {
  const url = `hi.${(Date.now() % 1e6).toString(36)}`;
  let id = "";
  let far: any;

  it("admin links a url to its contract (domain.iost/link)", async () => {
    // The genesis has domain.iost 0.0.0, as IOST's: admin sets 1.0.0 first (iost.js examples/update_native_test.js).
    await expectSuccess(node.client, node.client.iost.callABI("system.iost", "updateNativeCode", ["domain.iost", "1.0.0", ""]));
    const out = await expectSuccess(node.client, node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })]));
    id = JSON.parse(out.result.returns[0])[0];
    await expectSuccess(node.client, node.client.iost.callABI("domain.iost", "link", [url, id]));
    expect(await storage("dns_table", url)).toBe(id);
    expect(await storage("dns_owner_table", url)).toBe("admin");
  });

  it("exchange.iost creates an account of another shard from a create: memo, with 1000 bytes of RAM, 10 IOST of gas and the rest", async () => {
    const home = await shardOf("admin");
    let name = "";
    for (let i = 0; i < 64 && name === ""; i++) {
      const n = `xchg${i}${(Date.now() % 1e4).toString(36)}`.slice(0, 11);
      const s = await shardOf(n);
      if (s.shard_count === 1 || s.shard !== home.shard) name = n;
    }
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    const tx = node.client.iost.callABI("exchange.iost", "transfer", ["iost", "", "150", `create:${name}:${kp.B58PubKey()}:${kp.B58PubKey()}`]);
    tx.addApprove("iost", "150");
    const out = await expectSuccess(node.client, tx);
    expect(out.result.receipts.map((r: { func_name: string }) => r.func_name)).toContain("auth.iost/signUp");
    far = accountWithKey(name, kp);
    const acc = (await get(node.url, `/getAccount/${name}/true`)).body;
    expect(acc.ram_info.total).toBe("1000");
    // 10 IOST pledged: a gas cap of 10 × 300,000 (go-iost vm/native/gas.go).
    expect(acc.gas_info.limit).toBe(3_000_000);
    // 150 less the RAM's price and the 10 pledged.
    expect(acc.balance).toBeGreaterThan(130);
    expect(acc.balance).toBeLessThan(140);
    // The payer (the tx's publisher, signUp's referrer) pledged those 10 for it: its getAccount lists them, as one shard's.
    const payer = (await get(node.url, "/getAccount/admin/true")).body;
    expect(payer.gas_info.pledged_info).toContainEqual({ pledger: name, amount: 10 });
  });

  it("the new account calls the contract by its url", async () => {
    const out = await expectSuccess(node.client, small(node.client.iost.callABI(url, "hello", ["far"])), far);
    expect(out.result.returns).toEqual([JSON.stringify([`hi far from ${id}`])]);
  });

  it("exchange.iost/transfer to an existing account; a create below 100 IOST is refused", async () => {
    const before = (await get(node.url, `/getAccount/${far.getID()}/true`)).body.balance;
    const tx = node.client.iost.callABI("exchange.iost", "transfer", ["iost", far.getID(), "2", "tip"]);
    tx.addApprove("iost", "2");
    await expectSuccess(node.client, tx);
    expect((await get(node.url, `/getAccount/${far.getID()}/true`)).body.balance).toBe(before + 2);
    const low = node.client.iost.callABI("exchange.iost", "transfer", ["iost", "", "99", "create:nobody123:a:b"]);
    low.addApprove("iost", "99");
    const bad = await sendAndFollow(node.client, low);
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad.result)).toContain("transfer amount should be greater or equal to 100");
  });

  it("the url changes hands (domain.iost/transfer); only its owner may relink it", async () => {
    const taken = await sendAndFollow(node.client, small(node.client.iost.callABI("domain.iost", "link", [url, "Contractnone"])), far);
    expect(taken.ok).toBe(false);
    expect(JSON.stringify(taken.result)).toContain("no privilege of claimed url");
    await expectSuccess(node.client, node.client.iost.callABI("domain.iost", "transfer", [url, far.getID()]));
    expect(await storage("dns_owner_table", url)).toBe(far.getID());
    await expectSuccess(node.client, small(node.client.iost.callABI("domain.iost", "link", [url, id])), far);
  });
});

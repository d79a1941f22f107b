/**
 * token721.iost through the real `iost` SDK, iost.js's examples/token721_test.js
 * flow: admin creates a token and issues one to each of two new accounts in one
 * tx, the first moves its token to the second, and the RPC reads
 * (getToken721Balance, getToken721Metadata, getToken721Owner) and the read
 * ABIs' returns show it. The symbol is chosen on another shard than admin's
 * when the node has several, so every action is forwarded to the token's shard.
 * Then a contract of admin's creates its own collection in `init` (its symbol
 * off admin's shard) and issues it to callers: the token lives with the
 * contract and the RPC reads find it there (docs/SHARDING.md "Tokens across shards").
 */
import { describe, expect, it } from "vitest";
import { nftShard, shardOf } from "../../src/sharding/placement";
import { expectSuccess, get, KeyPair, newAccountTx, sendAndFollow, uniqueName, accountWithKey } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

describe("token721.iost (iost.js token721 example)", () => {
  const keys = [KeyPair.newKeyPair(), KeyPair.newKeyPair()];
  const names = [uniqueName("nfa"), uniqueName("nfb")];
  let sym = "";

  it("create, issue two in one tx, transfer, and read them back", async () => {
    const info = await get(node.url, "/getShardInfo");
    const count = Number(info.body.shard_count ?? 1);
    for (let i = 0; sym === "" || (count > 1 && nftShard(sym, count) === shardOf("admin", count)); i++) sym = `t${(Date.now() + i) % 100000}`;
    const c = node.client;
    for (let i = 0; i < 2; i++) await expectSuccess(c, newAccountTx(c, names[i], keys[i].id, keys[i].id, 1024, 10));
    const users = names.map((n, i) => accountWithKey(n, keys[i]));

    await expectSuccess(c, c.iost.callABI("token721.iost", "create", [sym, "admin", 21000000]));
    const before = await c.rpc.blockchain.getToken721Balance(names[0], sym);
    expect(before).toEqual({ balance: "0", tokenIDs: [] });

    const issue = c.iost.callABI("token721.iost", "issue", [sym, names[0], '{"name": "pikaqiu", "hp": 300}']);
    issue.addAction("token721.iost", "issue", JSON.stringify([sym, names[1], '{"name": "pikaqiu", "hp": 300}']));
    const issued = await expectSuccess(c, issue);
    expect(issued.result.returns).toEqual(['["0"]', '["1"]']);
    expect(await c.rpc.blockchain.getToken721Balance(names[0], sym)).toEqual({ balance: "1", tokenIDs: ["0"] });
    const meta = await c.rpc.blockchain.getToken721Metadata(sym, "0");
    expect(JSON.parse(meta.metadata)).toEqual({ name: "pikaqiu", hp: 300 });
    expect(await c.rpc.blockchain.getToken721Owner(sym, "0")).toEqual({ owner: names[0] });

    await expectSuccess(c, c.iost.callABI("token721.iost", "transfer", [sym, names[0], names[1], "0"]), users[0]);
    expect(await c.rpc.blockchain.getToken721Balance(names[0], sym)).toEqual({ balance: "0", tokenIDs: [] });
    expect(await c.rpc.blockchain.getToken721Balance(names[1], sym)).toEqual({ balance: "2", tokenIDs: ["1", "0"] });

    const call = async (abi: string, args: unknown[]) => (await expectSuccess(c, c.iost.callABI("token721.iost", abi, args))).result.returns[0];
    expect(await call("balanceOf", [sym, names[1]])).toBe("[2]");
    expect(await call("ownerOf", [sym, "0"])).toBe(JSON.stringify([names[1]]));
    expect(JSON.parse(JSON.parse(await call("tokenMetadata", [sym, "0"]))[0])).toEqual({ name: "pikaqiu", hp: 300 });
    expect(await call("tokenOfOwnerByIndex", [sym, names[1], 0])).toBe('["1"]');
    expect(await call("tokenOfOwnerByIndex", [sym, names[1], 1])).toBe('["0"]');
  });

  it("IOST's errors: a token not held, a missing id or account, nothing moved", async () => {
    const c = node.client;
    const tx = c.iost.callABI("token721.iost", "transfer", [sym, names[0], "admin", "1"]);
    tx.gasLimit = 500_000; // the account spent some of its 10 IOST pledge's gas above
    const bad = await sendAndFollow(c, tx, accountWithKey(names[0], keys[0]));
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad.result)).toContain(`error token owner isn't from. owner: ${names[1]}, from: ${names[0]}`);
    const owner = await get(node.url, `/getToken721Owner/${sym}/9/true`);
    expect(owner.status).toBe(400);
    expect(owner.body.message).toContain(`token ${sym} 9 not found`);
    const missing = await get(node.url, `/getToken721Balance/nobody9/${sym}/true`);
    expect(missing.body.message).toContain("account not found");
    expect(await c.rpc.blockchain.getToken721Owner(sym, "1")).toEqual({ owner: names[1] });
  });

  it("a contract's collection made in init off admin's shard: issued to callers, moved, read by the RPC", async () => {
    const info = await get(node.url, "/getShardInfo");
    const count = Number(info.body.shard_count ?? 1);
    let own = "";
    for (let i = 0; own === "" || own === sym || (count > 1 && nftShard(own, count) === shardOf("admin", count)); i++) own = `c${(Date.now() + i) % 100000}`;
    const code = `class Cards {
  init() { blockchain.callWithAuth("token721.iost", "create", ["${own}", blockchain.contractName(), 10]); }
  give(meta) { return blockchain.callWithAuth("token721.iost", "issue", ["${own}", tx.publisher, meta]); }
}
module.exports = Cards;`;
    const abi = { lang: "javascript", version: "1.0.0", abi: [{ name: "give", args: ["string"], amountLimit: [] }] };
    const c = node.client;
    const out = await expectSuccess(c, c.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: abi, code })]));
    const id = JSON.parse(out.result.returns[0])[0];
    const users = names.map((n, i) => accountWithKey(n, keys[i]));
    // The accounts spent some of their 10 IOST pledge's gas above.
    const small = <T extends { gasLimit: number }>(tx: T) => Object.assign(tx, { gasLimit: 300_000 });
    for (let i = 0; i < 2; i++) {
      const given = await expectSuccess(c, small(c.iost.callABI(id, "give", [`{"n":${i}}`])), users[i]);
      expect(given.result.returns).toEqual([JSON.stringify([JSON.stringify([String(i)])])]);
    }
    await expectSuccess(c, small(c.iost.callABI("token721.iost", "transfer", [own, names[0], names[1], "0"])), users[0]);
    expect(await c.rpc.blockchain.getToken721Balance(names[1], own)).toEqual({ balance: "2", tokenIDs: ["1", "0"] });
    expect(await c.rpc.blockchain.getToken721Owner(own, "0")).toEqual({ owner: names[1] });
    expect(await c.rpc.blockchain.getToken721Metadata(own, "0")).toEqual({ metadata: '{"n":0}' });
    // A second create of the symbol, at top level, fails with IOST's error.
    const dup = await sendAndFollow(c, c.iost.callABI("token721.iost", "create", [own, "admin", 1]));
    expect(dup.ok).toBe(false);
    expect(JSON.stringify(dup.result)).toContain("token exists");
  });
});

/**
 * A contract called across shards through the real `iost` SDK (N = 4 by
 * default): admin deploys a contract, which lives on admin's shard; an account
 * created on another shard calls it. The call is forwarded there as an action
 * receipt and settled back: the SDK sees the combined receipt, the write is in
 * the contract's storage; admin's contract reads the far account's balance
 * (parked, fetched from its shard, run again: docs/SHARDING.md "Remote state
 * inside a contract"). With SHARD_COUNT=1 the same flow runs on one shard.
 */
import { describe, expect, it } from "vitest";
import { accountWithKey, Algorithm, CHAIN_ID, expectSuccess, get, KeyPair, newAccountTx, post, sendAndFollow, signTx, waitUntil } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok:" + k; }
  theirs(who, v) { storage.mapPut("their", who, v, who); return "theirs"; }
  fail() { throw new Error("nope"); }
  bal(who) { return blockchain.call("token.iost", "balanceOf", ["iost", who])[0]; }
}
module.exports = Box;`;
/** A dApp's vault: it pulls a token from its caller and pays some back, as a DEX deposit does. */
const VAULT = `class Vault {
  init() {}
  pull(sym, amount) { blockchain.call("token.iost", "transfer", [sym, tx.publisher, blockchain.contractName(), amount, "pull"]); }
  back(sym, amount) { blockchain.callWithAuth("token.iost", "transfer", [sym, blockchain.contractName(), tx.publisher, amount, "back"]); }
}
module.exports = Vault;`;
const INFO = {
  lang: "javascript",
  version: "1.0.0",
  abi: [
    { name: "put", args: ["string", "string"], amountLimit: [] },
    { name: "theirs", args: ["string", "string"], amountLimit: [] },
    { name: "fail", args: [], amountLimit: [] },
    { name: "bal", args: ["string"], amountLimit: [] },
  ],
};

async function shardOfName(name: string): Promise<{ shard: number; count: number }> {
  const r = await get(node.url, `/getShardInfo/${name}`);
  return { shard: r.body.shard, count: r.body.shard_count };
}

/** A new name starting with `prefix` on another shard than admin's (any name when N = 1): names are placed by hash. */
async function awayFromAdmin(prefix: string): Promise<string> {
  const home = await shardOfName("admin");
  for (let i = 0; i < 64; i++) {
    const n = `${prefix}${i}${(Date.now() % 1e4).toString(36)}`.slice(0, 11);
    const s = await shardOfName(n);
    if (s.count === 1 || s.shard !== home.shard) return n;
  }
  throw new Error(`no name ${prefix}… off admin's shard`);
}

describe("a contract called from another shard (iost SDK)", () => {
  let id = "";
  let caller: any;
  let callerKey: any;
  /**
   * Admin's `tx` co-signed by the far account `name`. The co-signature covers the tx's time: re-timed and co-signed until
   * admin's signature is a valid one (signTx).
   */
  const coSign = (tx: any, name: string, perm = "active", key = callerKey) => {
    tx.addSigner(name, perm);
    tx.setChainID(CHAIN_ID);
    for (let i = 0; i < 50; i++) {
      tx.signatures = [];
      tx.setTime(90, 0, node.client.iost.serverTimeDiff + i);
      tx.addSign(key);
      tx.publisher_sigs = [];
      node.client.admin.signTx(tx);
      if (tx.publisher_sigs.every((s: any) => s.sig.length === 64)) break;
    }
  };
  let own = "";
  /** The same contract deployed on a shard neither admin's nor the far account's (any with N = 1). */
  let far = "";

  it("admin deploys; a new account lands on another shard", async () => {
    const out = await expectSuccess(node.client, node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })]));
    id = JSON.parse(out.result.returns[0])[0];
    const name = await awayFromAdmin("xshard");
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    await expectSuccess(node.client, newAccountTx(node.client, name, kp.B58PubKey(), kp.B58PubKey(), 1200, 40));
    caller = accountWithKey(name, kp);
    callerKey = kp;
  });

  it("the account calls admin's contract: the SDK gets the combined receipt, the write is on the contract's shard", async () => {
    const out = await expectSuccess(node.client, node.client.iost.callABI(id, "put", ["k", "from-far"]), caller);
    expect(out.result.status_code).toBe("SUCCESS");
    expect(out.result.returns).toEqual(['["ok:k"]']);
    expect(out.result.gas_usage).toBeGreaterThan(0);
    const s = await node.client.rpc.blockchain.getContractStorage(id, "k", "", true);
    expect(s.data).toBe("from-far");
  });

  it("a failing call reports the contract's error in the caller's receipt", async () => {
    const out = await sendAndFollow(node.client, node.client.iost.callABI(id, "fail", []), caller);
    expect(out.ok).toBe(false);
    expect(JSON.stringify(out.result)).toContain("Uncaught exception: Error: nope");
  });

  it("the account votes and unvotes on shard 0 (vote_producer.iost): its votes, balance and frozen refund as on one shard", async () => {
    const name = caller.getID();
    const transfer = node.client.iost.transfer("iost", "admin", name, "10", "");
    await expectSuccess(node.client, transfer);
    const vote = node.client.iost.callABI("vote_producer.iost", "vote", [name, "producer000", "4"]);
    vote.addApprove("iost", "4");
    await expectSuccess(node.client, vote, caller);
    const voted = (await get(node.url, `/getAccount/${name}/true`)).body;
    expect(voted.vote_infos).toEqual([{ option: "producer000", votes: 4, cleared_votes: 0 }]);
    expect(voted.balance).toBe(6);
    const unvote = node.client.iost.callABI("vote_producer.iost", "unvote", [name, "producer000", "4"]);
    await expectSuccess(node.client, unvote, caller);
    const after = (await get(node.url, `/getAccount/${name}/true`)).body;
    expect(after.balance).toBe(6);
    expect(after.frozen_balances.map((f: { amount: number }) => f.amount)).toEqual([4]);
  });

  it("admin's contract reads the far account's balance: fetched from its shard, the receipt one shard's", async () => {
    const out = await expectSuccess(node.client, node.client.iost.callABI(id, "bal", [caller.getID()]));
    expect(out.result.returns).toEqual(['["6"]']);
    expect(out.result.gas_usage).toBeGreaterThan(0);
  });

  it("a contract deployed by the far account is served by the RPC from its shard", async () => {
    const out = await expectSuccess(
      node.client,
      node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })]),
      caller,
    );
    own = JSON.parse(out.result.returns[0])[0];
    await expectSuccess(node.client, node.client.iost.callABI(own, "put", ["mine", "here"]), caller);
    const contract = await node.client.rpc.blockchain.getContract(own, true);
    expect(contract.id).toBe(own);
    expect(contract.abis.map((a: { name: string }) => a.name).sort()).toEqual(["bal", "fail", "put", "theirs"]);
    expect((await node.client.rpc.blockchain.getContractStorage(own, "mine", "", true)).data).toBe("here");
  });

  it("admin's tx co-signed by the far account: checked on admin's shard, the far account's RAM charged by its own contract", async () => {
    const name = caller.getID();
    const buy = node.client.iost.callABI("ram.iost", "buy", ["admin", name, 1000]);
    buy.addApprove("iost", "1000");
    await expectSuccess(node.client, buy);
    const tx = node.client.iost.callABI(own, "theirs", [name, "cosigned"]);
    coSign(tx, name);
    const out = await expectSuccess(node.client, tx);
    expect(out.result.returns).toEqual(['["theirs"]']);
    expect(Number(out.result.ram_usage[name])).toBeGreaterThan(0);
    expect((await node.client.rpc.blockchain.getContractStorage(own, "their", name, true)).data).toBe("cosigned");
  });

  it("admin's tx moving the far account's iost, co-signed by it (the dApp pays the gas): debited on its shard; unsigned, refused with IOST's text", async () => {
    const name = caller.getID();
    const balance = async (who: string) => Number((await node.client.rpc.blockchain.getBalance(who, "iost", true)).balance);
    const [far0, admin0] = [await balance(name), await balance("admin")];
    const tx = node.client.iost.callABI("token.iost", "transfer", ["iost", name, "admin", "2", "co-signed"]);
    tx.addApprove("iost", "2");
    coSign(tx, name);
    const out = await expectSuccess(node.client, tx);
    expect(out.result.receipts).toEqual([{ func_name: "token.iost/transfer", content: `["iost","${name}","admin","2","co-signed"]` }]);
    expect([await balance(name), await balance("admin")]).toEqual([far0 - 2, admin0 + 2]);
    // Without the far account's signature: go-iost's permission error, as on one shard, and nothing moves.
    const stolen = node.client.iost.callABI("token.iost", "transfer", ["iost", name, "admin", "1", "unsigned"]);
    stolen.addApprove("iost", "1");
    const failed = await sendAndFollow(node.client, stolen);
    expect(failed.ok).toBe(false);
    expect(JSON.stringify(failed.result)).toContain("error: transaction has no permission");
    expect(await balance(name)).toBe(far0 - 2);
  });

  it("/execTx of admin's transfer to the far account answers its final receipt, gas and all, and changes nothing", async () => {
    const name = caller.getID();
    const balance = async () => Number((await node.client.rpc.blockchain.getBalance(name, "iost", true)).balance);
    const before = await balance();
    const tx = node.client.iost.transfer("iost", "admin", name, "1", "dry");
    signTx(node.client, tx, node.client.admin);
    const dry = await post(node.url, "/execTx", JSON.stringify(tx));
    expect(dry.status, dry.text).toBe(200);
    expect(await balance()).toBe(before);
    const sent = await expectSuccess(node.client, tx);
    const pick = (r: any) => ({ status_code: r.status_code, gas_usage: r.gas_usage, ram_usage: r.ram_usage, returns: r.returns, receipts: r.receipts });
    expect(pick(dry.body)).toEqual(pick(sent.result));
  });

  it("admin's contract pulls a token admin created from the far account and pays some back (a dApp's deposit), as on one shard", async () => {
    const name = caller.getID();
    const sym = `t${(Date.now() % 1e6).toString(36)}`;
    await expectSuccess(node.client, node.client.iost.callABI("token.iost", "create", [sym, "admin", 1000, { decimal: 0 }]));
    await expectSuccess(node.client, node.client.iost.callABI("token.iost", "issue", [sym, name, "10"]));
    const abi = ["pull", "back"].map((n) => ({ name: n, args: ["string", "string"], amountLimit: [{ token: "*", val: "unlimited" }] }));
    const deployed = await expectSuccess(
      node.client,
      node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: { ...INFO, abi }, code: VAULT })]),
    );
    const vault = JSON.parse(deployed.result.returns[0])[0];
    const held = async (who: string) => Number((await node.client.rpc.blockchain.getBalance(who, sym, true)).balance);
    const pull = node.client.iost.callABI(vault, "pull", [sym, "4"]);
    pull.addApprove(sym, "4");
    await expectSuccess(node.client, pull, caller);
    const out = await expectSuccess(node.client, node.client.iost.callABI(vault, "back", [sym, "1"]), caller);
    expect(out.result.receipts).toEqual([{ func_name: "token.iost/transfer", content: `["${sym}","${vault}","${name}","1","back"]` }]);
    expect([await held(name), await held(vault)]).toEqual([7, 3]);
  });

  it("the far account's co-signed pledge for admin: the far account's getAccount lists it, held on admin's shard", async () => {
    const name = caller.getID();
    const tx = node.client.iost.callABI("gas.iost", "pledge", [name, "admin", "3"]);
    tx.addApprove("iost", "3");
    coSign(tx, name);
    await expectSuccess(node.client, tx);
    // pledged_info names each user with what this account pledged for it (go-iost's `pledger` field). The run's release
    // lands the far account's records, and its pledge order, on its shard a block or two after the final receipt.
    const listed = await waitUntil("the pledge listed", async () => {
      const info = (await node.client.rpc.blockchain.getAccountInfo(name, true)).gas_info.pledged_info as { pledger: string; amount: number }[];
      return info.some((p) => p.pledger === "admin") ? info : undefined;
    });
    expect(listed).toContainEqual({ pledger: "admin", amount: 3 });
  });

  it("storage read the moment the forwarded call's receipt shows: the settle's refund of the caller's escrow is in it", async () => {
    await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", caller.getID(), "5", ""));
    const tx = node.client.iost.callABI(id, "put", ["k2", "v2"]);
    signTx(node.client, tx, caller);
    const { hash } = await node.client.rpc.transaction.sendTx(tx);
    // Polled as fast as a wallet may: the SDK's own 500 ms would step over the window this guards.
    await waitUntil("the receipt", async () => (await get(node.url, `/getTxReceiptByTxHash/${hash}`)).body.status_code, 40_000, 20);
    const key = { id: "token.iost", key: `TB${caller.getID()}`, field: "iost", by_longest_chain: true };
    const atReceipt = (await post(node.url, "/getContractStorage", key)).body;
    // Nothing else of the caller's runs meanwhile: a later read is the settled state.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(atReceipt.data).toBe((await post(node.url, "/getContractStorage", key)).body.data);
    expect(BigInt(atReceipt.data)).toBe(BigInt(Math.round((await get(node.url, `/getTokenBalance/${caller.getID()}/iost/true`)).body.balance * 1e8)));
  });

  it("a key the far account revokes in a tx's later part back on its shard signs for it on no shard", async () => {
    const name = caller.getID();
    const spare = KeyPair.newKeyPair(Algorithm.Ed25519);
    const give = node.client.iost.callABI("auth.iost", "assignPermission", [name, "active", spare.B58PubKey(), 100]);
    coSign(give, name, "owner");
    await expectSuccess(node.client, give);
    // A contract of a third shard (any with N = 1): admin's tx runs on the far account's shard, that one's, then the far account's again.
    const shards = [(await shardOfName("admin")).shard, (await shardOfName(name)).shard];
    let third = "";
    for (let i = 0; i < 64 && third === ""; i++) {
      const n = `third${i}${(Date.now() % 1e4).toString(36)}`.slice(0, 11);
      const s = await shardOfName(n);
      if (s.count === 1 || !shards.includes(s.shard)) third = n;
    }
    const thirdKey = KeyPair.newKeyPair(Algorithm.Ed25519);
    await expectSuccess(node.client, newAccountTx(node.client, third, thirdKey.B58PubKey(), thirdKey.B58PubKey(), 60000, 40));
    const deployed = await expectSuccess(
      node.client,
      node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })]),
      accountWithKey(third, thirdKey),
    );
    far = JSON.parse(deployed.result.returns[0])[0];
    const change = node.client.iost.callABI("auth.iost", "addPermission", [name, "later", 1]);
    change.addAction(far, "put", JSON.stringify(["revoke", "between"]));
    change.addAction("auth.iost", "revokePermission", JSON.stringify([name, "active", spare.B58PubKey()]));
    coSign(change, name, "owner");
    await expectSuccess(node.client, change);
    // Signed by the revoked key alone: refused where admin publishes, as on one shard, and nothing moves.
    const balance = async () => Number((await node.client.rpc.blockchain.getBalance(name, "iost", true)).balance);
    const before = await balance();
    const stolen = node.client.iost.callABI("token.iost", "transfer", ["iost", name, "admin", "1", "revoked"]);
    stolen.addApprove("iost", "1");
    coSign(stolen, name, "active", spare);
    const refused = await sendAndFollow(node.client, stolen);
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused.result)).toContain(`unauthorized signer: ${name}@active`);
    expect(await balance()).toBe(before);
  });

  it("a later part of admin's tx reads the owner permission its earlier part revoked of the far account, as on one shard", async () => {
    const name = caller.getID();
    const give = node.client.iost.callABI("auth.iost", "assignPermission", [name, "owner", "admin@active", 100]);
    coSign(give, name, "owner");
    await expectSuccess(node.client, give);
    const code = `class Asker {\n  init() {}\n  can(who, perm) { return String(blockchain.requireAuth(who, perm)); }\n}\nmodule.exports = Asker;`;
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "can", args: ["string", "string"], amountLimit: [] }] };
    const deployed = await expectSuccess(node.client, node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]));
    const asker = JSON.parse(deployed.result.returns[0])[0];
    const ask = node.client.iost.callABI(asker, "can", [name, "owner"]);
    expect((await expectSuccess(node.client, ask)).result.returns).toEqual([JSON.stringify(["true"])]);
    // Admin's alone: the revoke runs on the far account's shard, the call on a third, `can` back on admin's.
    const revoke = node.client.iost.callABI("auth.iost", "revokePermission", [name, "owner", "admin@active"]);
    revoke.addAction(far, "put", JSON.stringify(["asked", "between"]));
    revoke.addAction(asker, "can", JSON.stringify([name, "owner"]));
    const out = await expectSuccess(node.client, revoke);
    expect(out.result.returns[2]).toBe(JSON.stringify(["false"]));
  });

  it("admin's contract signs up an account of another shard, as a dApp's onboarding does: its shard serves it and its key signs for it", async () => {
    const code = `class Maker {\n  init() {}\n  make(name, key) { blockchain.callWithAuth("auth.iost", "signUp", [name, key, key]); return name; }\n}\nmodule.exports = Maker;`;
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "make", args: ["string", "string"], amountLimit: [{ token: "iost", val: "10" }] }] };
    const deployed = await expectSuccess(node.client, node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]));
    const maker = JSON.parse(deployed.result.returns[0])[0];
    const name = await awayFromAdmin("made");
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    const make = node.client.iost.callABI(maker, "make", [name, kp.B58PubKey()]);
    make.addApprove("iost", "10");
    const out = await expectSuccess(node.client, make);
    expect(out.result.returns).toEqual([JSON.stringify([name])]);
    expect(out.result.receipts.map((r: { func_name: string }) => r.func_name)).toEqual(["token.iost/transfer", "gas.iost/pledge", "auth.iost/signUp"]);
    const acc = await node.client.rpc.blockchain.getAccountInfo(name, true);
    expect(acc.permissions.owner.items.map((i: { id: string }) => i.id)).toEqual([kp.B58PubKey()]);
    expect(acc.gas_info.pledge_gas).toBeGreaterThan(0);
    // Admin pays it from admin's shard, and its own key moves the iost back: every shard knows it.
    const pay = (from: string, to: string, amount: string) => {
      const tx = node.client.iost.callABI("token.iost", "transfer", ["iost", from, to, amount, ""]);
      tx.addApprove("iost", amount);
      // What 10 IOST pledged gives at once: below the SDK's default limit.
      tx.gasLimit = 100_000;
      return tx;
    };
    await expectSuccess(node.client, pay("admin", name, "3"));
    await expectSuccess(node.client, pay(name, "admin", "1"), accountWithKey(name, kp));
    const bal = await node.client.rpc.blockchain.getBalance(name, "iost", true);
    expect(bal.balance).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { getContractStorage, getTokenBalance } from "../../../src/query/index";
import { act, call, Chain, contractJson, deploy, makeTx, ret, vmReady } from "./helpers";
import { fakeKey } from "../executor/helpers";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";

await vmReady(); // describe bodies deploy at collection time

const STORE = `class Store {
  init() {}
  kv(k, v) { storage.put(k, v); return [storage.get(k), storage.has(k), storage.has("nope"), storage.get("nope")]; }
  del(k) { storage.del(k); return storage.has(k); }
  map(k, f, v) { storage.mapPut(k, f, v); storage.mapPut(k, "f2", "x"); return [storage.mapGet(k, f), storage.mapHas(k, f), storage.mapKeys(k), storage.mapLen(k)]; }
  mapDel(k, f) { storage.mapDel(k, f); return [storage.mapHas(k, f), storage.mapKeys(k)]; }
  glob(c, k) { return [storage.globalGet(c, k), storage.globalHas(c, k), storage.globalMapGet("token.iost", "TBadmin", "iost"), storage.globalMapKeys("token.iost", "TIiost").length]; }
  payer(k, v, p) { storage.put(k, v, p); }
  notString() { storage.put("k", 5); }
  badKey() { storage.put("a-b", "v"); }
  info() { return [blockchain.contractName(), blockchain.publisher(), blockchain.contractOwner(), JSON.parse(blockchain.blockInfo()).number, JSON.parse(blockchain.txInfo()).publisher, JSON.parse(blockchain.contextInfo()).abi_name, tx.publisher, block.number, IOSTCrypto.sha3("abc")]; }
}
module.exports = Store;`;
const STORE_ABI = [
  { name: "kv", args: ["string", "string"] },
  { name: "del", args: ["string"] },
  { name: "map", args: ["string", "string", "string"] },
  { name: "mapDel", args: ["string", "string"] },
  { name: "glob", args: ["string", "string"] },
  { name: "payer", args: ["string", "string", "string"] },
  { name: "notString", args: [] },
  { name: "badKey", args: [] },
  { name: "info", args: [] },
];

describe("storage and context", () => {
  const chain = new Chain();
  chain.newAccount("alice", fakeKey(1));
  const { id } = deploy(chain, STORE, STORE_ABI);

  it("simple keys: put/get/has/del, RAM charged to the owner and refunded on delete", () => {
    const r = call(chain, id, "kv", ["k1", "v1"]);
    expect(r.statusCode).toBe("SUCCESS");
    expect(JSON.parse(ret(r))).toEqual(["v1", true, false, null]);
    expect(getContractStorage(chain.state, id, "k1").data).toBe("v1");
    // len("<id>-k1") + len("sv1@<id>")
    const bytes = BigInt(id.length + 3 + 1 + 2 + 1 + id.length);
    expect(r.ramUsage).toEqual({ [id]: bytes }); // listed under the contract, paid from its owner's ram
    const d = call(chain, id, "del", ["k1"]);
    expect(ret(d)).toBe("false");
    expect(d.ramUsage).toEqual({ [id]: -bytes });
  });

  it("maps: put/get/has/keys/len/del", () => {
    expect(JSON.parse(ret(call(chain, id, "map", ["m", "f1", "v"])))).toEqual(["v", true, ["f1", "f2"], 2]);
    expect(JSON.parse(ret(call(chain, id, "mapDel", ["m", "f1"])))).toEqual([false, ["f2"]]);
  });

  it("global reads of other contracts", () => {
    const [v, has, bal, n] = JSON.parse(ret(call(chain, id, "glob", ["token.iost", "nope"])));
    expect([v, has]).toEqual([null, false]);
    expect(typeof bal).toBe("string");
    expect(n).toBeGreaterThan(3);
  });

  it("payer other than the contract needs its active permission", () => {
    const r = call(chain, id, "payer", ["p", "v", "alice"]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("pay ram failed. no permission. need alice@active");
    const ok = call(chain, id, "payer", ["p", "v", "alice"], { publisher: "alice", key: fakeKey(1) });
    expect(ok.statusCode).toBe("SUCCESS");
    expect(Object.keys(ok.ramUsage)).toEqual(["alice"]);
  });

  it("type and key errors", () => {
    expect(call(chain, id, "notString", []).message).toContain("storage put must be string");
    expect(call(chain, id, "badKey", []).message).toContain("key or field has invalid char");
  });

  it("context: names, owner, block/tx info, crypto", () => {
    const r = call(chain, id, "info", []);
    expect(r.message).toBe("");
    const [name, pub, owner, num, txPub, abi, txp, bn, h] = JSON.parse(ret(r));
    expect([name, pub, owner, txPub, abi, txp]).toEqual([id, "admin", "admin", "admin", "info", "admin"]);
    expect(num).toBe(Number(chain.height));
    expect(bn).toBe(Number(chain.height));
    expect(h).toBe(base58Encode(sha3(utf8("abc"))));
  });
});

const ESCROW = `class Escrow {
  init() {}
  deposit(from, amount) {
    if (!blockchain.requireAuth(from, "active")) throw new Error("no auth");
    blockchain.deposit(from, amount, "in");
    const cur = new Float64(storage.mapGet("bal", from) || "0");
    storage.mapPut("bal", from, cur.plus(amount).toFixed(8));
  }
  withdraw(to, amount) {
    if (!blockchain.requireAuth(to, "active")) throw new Error("no auth");
    const cur = new Float64(storage.mapGet("bal", to) || "0");
    if (cur.lt(amount)) throw new Error("insufficient " + cur.toString());
    blockchain.withdraw(to, amount, "out");
    storage.mapPut("bal", to, cur.minus(amount).toFixed(8));
  }
  balance(who) { return new Float64(storage.mapGet("bal", who) || "0").toString(); }
}
module.exports = Escrow;`;
const ESCROW_ABI = [
  { name: "deposit", args: ["string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "withdraw", args: ["string", "string"] },
  { name: "balance", args: ["string"] },
];

describe("token escrow", () => {
  const chain = new Chain();
  chain.newAccount("alice", fakeKey(1));
  const { id } = deploy(chain, ESCROW, ESCROW_ABI);
  const asAlice = { publisher: "alice", key: fakeKey(1) };
  const bal = (who: string) => getTokenBalance(chain.state, who, "iost", chain.time).balance;

  it("deposit within the ABI amount limit moves tokens into the contract", () => {
    const r = call(chain, id, "deposit", ["alice", "12.5"], asAlice);
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.receipts.map((x) => x.funcName)).toEqual(["token.iost/transfer"]);
    expect(bal(id)).toBe(12.5);
    expect(ret(call(chain, id, "balance", ["alice"]))).toBe("12.5");
  });

  it("deposit above the ABI limit or the tx limit fails and rolls back", () => {
    const r = call(chain, id, "deposit", ["alice", "150"], asAlice);
    expect(r.message).toContain("token iost exceed amountLimit in abi. need 150");
    const t = call(chain, id, "deposit", ["alice", "20"], { ...asAlice, amountLimit: [{ token: "iost", value: "10" }] });
    expect(t.message).toContain("token iost exceed amountLimit in tx. need 20");
    expect(bal(id)).toBe(12.5);
  });

  it("withdraw pays out from the contract; over-withdraw throws and keeps state", () => {
    const before = bal("alice");
    expect(call(chain, id, "withdraw", ["alice", "2.5"], asAlice).statusCode).toBe("SUCCESS");
    expect(bal("alice")).toBe(before + 2.5);
    const r = call(chain, id, "withdraw", ["alice", "11"], asAlice);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("Uncaught exception: Error: insufficient 10");
    expect(r.receipts).toEqual([]);
    expect(ret(call(chain, id, "balance", ["alice"]))).toBe("10");
  });

  it("someone else cannot deposit from or withdraw to alice", () => {
    expect(call(chain, id, "withdraw", ["alice", "1"]).message).toContain("no auth");
  });
});

const CALLEE = `class Callee {
  init() {}
  who() { return blockchain.contextInfo(); }
  guarded(x) { if (!blockchain.requireAuth(JSON.parse(blockchain.contextInfo()).caller.name, "active")) throw new Error("denied"); storage.put("x", x); return "ok " + x; }
  back(c) { return blockchain.call(c, "ping", []); }
}
module.exports = Callee;`;
const CALLER = `class Caller {
  init() {}
  plain(c, x) { return blockchain.call(c, "guarded", [x])[0]; }
  auth(c, x) { return blockchain.callWithAuth(c, "guarded", JSON.stringify([x]))[0]; }
  who(c) { return JSON.parse(blockchain.call(c, "who", [])[0]).caller; }
  reenter(c) { return blockchain.call(c, "back", [blockchain.contractName()]); }
  ping() { return blockchain.call(blockchain.contractName(), "ping", []); }
  native() { return blockchain.call("system.iost", "requireAuth", ["admin", "active"]); }
}
module.exports = Caller;`;

describe("cross-contract calls", () => {
  const chain = new Chain();
  const callee = deploy(chain, CALLEE, [
    { name: "who", args: [] },
    { name: "guarded", args: ["string"] },
    { name: "back", args: ["string"] },
  ]).id;
  const caller = deploy(chain, CALLER, [
    { name: "plain", args: ["string", "string"] },
    { name: "auth", args: ["string", "string"] },
    { name: "who", args: ["string"] },
    { name: "reenter", args: ["string"] },
    { name: "ping", args: [] },
    { name: "native", args: [] },
  ]).id;

  it("call returns the callee's [string]; caller info is the calling contract", () => {
    expect(JSON.parse(ret(call(chain, caller, "who", [callee])))).toEqual({ name: caller, is_account: false });
    expect(ret(call(chain, caller, "native", []))).toBe("[true]");
  });

  it("callWithAuth grants the caller contract's authority, plain call does not", () => {
    expect(call(chain, caller, "plain", [callee, "a"]).message).toContain("denied");
    const r = call(chain, caller, "auth", [callee, "b"]);
    expect(r.statusCode).toBe("SUCCESS");
    expect(ret(r)).toBe("ok b");
    expect(getContractStorage(chain.state, callee, "x").data).toBe("b");
  });

  it("re-entry is refused", () => {
    expect(call(chain, caller, "reenter", [callee]).message).toContain("re-entering");
    expect(call(chain, caller, "ping", []).message).toContain("re-entering");
  });
});

const V1 = `class U {
  init() {}
  v() { return "v1"; }
  can_update(data) { return blockchain.requireAuth(blockchain.contractOwner(), "active") && data === "go"; }
}
module.exports = U;`;
const V2 = V1.replace('"v1"', '"v2"');
const FROZEN = `class F { init() {} v() { return "f1"; } }
module.exports = F;`;
const U_ABI = [
  { name: "v", args: [] },
  { name: "can_update", args: ["string"] },
];

describe("updateCode", () => {
  const chain = new Chain();
  chain.newAccount("alice", fakeKey(1));
  const { id } = deploy(chain, V1, U_ABI);
  const update = (code: string, abi: typeof U_ABI, data: string, o = {}) =>
    chain.receipt(makeTx([act("system.iost", "updateCode", [contractJson(code, abi, id), data])], { gasLimit: 4_000_000n, ...o }));

  it("refused when can_update returns false or someone else publishes", () => {
    expect(update(V2, U_ABI, "no").message).toContain("update refused");
    expect(update(V2, U_ABI, "go", { publisher: "alice", key: fakeKey(1) }).message).toContain("update refused");
    expect(ret(call(chain, id, "v", []))).toBe("v1");
  });

  it("accepted when can_update returns true; init is not run again", () => {
    const r = update(V2, U_ABI, "go");
    expect(r.statusCode).toBe("SUCCESS");
    expect(ret(call(chain, id, "v", []))).toBe("v2");
  });

  it("a contract without can_update cannot be updated", () => {
    const f = deploy(chain, FROZEN, [{ name: "v", args: [] }]).id;
    const r = chain.receipt(
      makeTx([act("system.iost", "updateCode", [contractJson(FROZEN.replace("f1", "f2"), [{ name: "v", args: [] }], f), ""])], { gasLimit: 4_000_000n }),
    );
    expect(r.message).toContain("update refused");
  });
});

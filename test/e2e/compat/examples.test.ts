/**
 * Compatibility suite, part 1 (issue #16 "How it is checked"): what iost.js's examples
 * (iost.js examples/*.js) and go-iost's test contracts (test/integration/test_data,
 * test/v8vm/test_data, with the assertions of test/integration/vm_test.go and
 * test/v8vm/vm_test.go) do, re-expressed against one node through HTTP and the real `iost`
 * SDK. Every scenario names its source and asserts what IOST answers there. A scenario this
 * node does not pass is an `it.fails` whose comment names the difference; README.md
 * "Compatibility" lists them and test/node/compat-count.test.ts keeps its count true.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf, tokenShard } from "../../../src/sharding/placement";
import { useNode } from "../helpers/node";
import { accountWithKey, balanceOf, expectSuccess, get, KeyPair, newAccountTx, sendAndFollow, uniqueName, type Outcome } from "../helpers/sdk";

const node = useNode();
let shards = 1;
beforeAll(async () => {
  shards = Number((await get(node.url, "/getShardInfo")).body.shard_count ?? 1);
});

type Abi = { name: string; args: string[] };

/** system.iost/setCode as iost.js's system_test sends it; the new contract's id. */
async function deploy(code: string, abi: Abi[], as?: any): Promise<string> {
  const info = { lang: "javascript", version: "1.0.0", abi: abi.map((a) => ({ ...a, amountLimit: [] })) };
  const tx = node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]);
  const out = await expectSuccess(node.client, tx, as ?? node.client.admin);
  return JSON.parse(out.result.returns[0])[0];
}

/**
 * Who signs and what the tx approves. iost.js's callABI approves nothing (its `transfer` approves
 * the amount): IOST refuses a tx spending a token it has no amount_limit for (go-iost vm/monitor.go),
 * so a scenario whose example spends through callABI approves what it spends.
 */
interface Send {
  as?: any;
  approve?: [token: string, amount: string];
}

function call(contract: string, abi: string, args: unknown[], { as, approve }: Send = {}): Promise<Outcome> {
  const tx = node.client.iost.callABI(contract, abi, args);
  if (approve) tx.addApprove(...approve);
  return sendAndFollow(node.client, tx, as ?? node.client.admin);
}

async function ok(contract: string, abi: string, args: unknown[], send?: Send): Promise<any> {
  const out = await call(contract, abi, args, send);
  expect(out.ok, JSON.stringify(out.result)).toBe(true);
  return out.result;
}

async function failure(contract: string, abi: string, args: unknown[], send?: Send): Promise<string> {
  const out = await call(contract, abi, args, send);
  expect(out.ok).toBe(false);
  return typeof out.result === "string" ? out.result : String(out.result.message);
}

const cls = (body: string) => `class C {\n  init() {}\n${body}\n}\nmodule.exports = C;`;

let symbols = 0;
/** A fresh token symbol whose token lives on admin's shard or on another one (when the node has several). */
function symbol(prefix: string, shard: "admin" | "other"): string {
  for (;;) {
    const sym = `${prefix}${(Date.now() + symbols++) % 100000}`;
    if (shards === 1 || (tokenShard(sym, shards) === shardOf("admin", shards)) === (shard === "admin")) return sym;
  }
}

/**
 * A new account of admin's with 1024 bytes of RAM and 100 IOST of gas (iost.js's newAccount);
 * `shard` "admin" or "other" places it beside admin or away from it when the node has several.
 */
async function newUser(prefix: string, shard?: "admin" | "other"): Promise<{ name: string; account: any; kp: any }> {
  const kp = KeyPair.newKeyPair();
  let name = uniqueName(prefix);
  while (shard && shards > 1 && (shardOf(name, shards) === shardOf("admin", shards)) !== (shard === "admin")) name = uniqueName(prefix);
  await expectSuccess(node.client, newAccountTx(node.client, name, kp.id, kp.id, 1024, 100));
  return { name, account: accountWithKey(name, kp), kp };
}

// These read admin's balance, pledge and RAM, which the concurrent scenarios below also spend.
describe("iost.js examples on admin's own account", () => {
  it("examples/e2e_create_and_transfer.js: token.iost transfer moves the amount and charges gas", async () => {
    const u = await newUser("xfer");
    const before = await balanceOf(node.client, "admin");
    const r = await ok("token.iost", "transfer", ["iost", "admin", u.name, "12.5", "memo"], { approve: ["iost", "12.5"] });
    expect(Number(r.gas_usage)).toBeGreaterThan(0);
    expect(await balanceOf(node.client, u.name)).toBe(12.5);
    expect(await balanceOf(node.client, "admin")).toBe(before - 12.5);
  });

  it("examples/gas_test.js: gas.iost pledge of 10 takes 10 IOST from admin's balance", async () => {
    const before = await node.client.rpc.blockchain.getAccountInfo("admin", false);
    await ok("gas.iost", "pledge", ["admin", "admin", "10"], { approve: ["iost", "10"] });
    const after = await node.client.rpc.blockchain.getAccountInfo("admin", false);
    expect(after.balance).toBeCloseTo(before.balance - 10, 6);
    expect(after.gas_info.pledged_info.find((p: any) => p.pledger === "admin").amount).toBe(
      before.gas_info.pledged_info.find((p: any) => p.pledger === "admin").amount + 10,
    );
  });

  it("examples/ram_test.js: ram.iost buy 100 adds 100 bytes to ram_info.total; sell gives them back", async () => {
    const total = async () => Number((await node.client.rpc.blockchain.getAccountInfo("admin", false)).ram_info.total);
    const t0 = await total();
    await ok("ram.iost", "buy", ["admin", "admin", 100], { approve: ["iost", "1"] });
    expect(await total()).toBe(t0 + 100);
    // IOST's sell moves the `ram` token out of the seller: it needs its amount_limit too.
    await ok("ram.iost", "sell", ["admin", "admin", 100], { approve: ["ram", "100"] });
    expect(await total()).toBe(t0);
  });
});

// Independent scenarios run at once: their txs share blocks, and the file's wall time is a few blocks per step.
describe.concurrent("iost.js examples", () => {
  it("examples/account_test.js: admin creates an account; its owner and active permissions hold its key", async () => {
    const u = await newUser("acc");
    const info = await node.client.rpc.blockchain.getAccountInfo(u.name, true);
    expect(info.name).toBe(u.name);
    // go-iost config/genesis/contract/account.js signUp: one key of weight 100, threshold 100.
    for (const perm of ["owner", "active"]) {
      expect(info.permissions[perm].items).toEqual([{ id: u.kp.id, is_key_pair: true, weight: "100", permission: "" }]);
      expect(info.permissions[perm].threshold).toBe("100");
    }
  });

  it("examples/token_test.js: create, issue, transfer; balanceOf, supply and totalSupply answer like IOST", async () => {
    const u = await newUser("tok", "admin");
    const sym = symbol("c", "admin");
    await ok("token.iost", "create", [sym, "admin", 21000000, { fullName: "compat", canTransfer: true, onlyIssuerCanTransfer: false, decimal: 3 }]);
    await ok("token.iost", "issue", [sym, "admin", "1000.5"]);
    await ok("token.iost", "transfer", [sym, "admin", u.name, "0.25", ""], { approve: [sym, "0.25"] });
    expect((await ok("token.iost", "balanceOf", [sym, u.name])).returns).toEqual(['["0.25"]']);
    expect((await ok("token.iost", "supply", [sym])).returns).toEqual(['["1000.5"]']);
    expect((await ok("token.iost", "totalSupply", [sym])).returns).toEqual(['["21000000"]']);
    const b = await node.client.rpc.blockchain.getBalance(u.name, sym, 1);
    expect(b.balance).toBe(0.25);
    // token_test.js: more decimals than the token has.
    expect(await failure("token.iost", "transfer", [sym, "admin", u.name, "0.0001", ""], { approve: [sym, "1"] })).toContain("invalid amount");
  });

  // A top-level balanceOf or supply runs where the balance or the supply lives (docs/SHARDING.md "Reads").
  it("examples/token_test.js: balanceOf of an account of another shard", async () => {
    const u = await newUser("tob", "other");
    const sym = symbol("d", "other");
    await ok("token.iost", "create", [sym, "admin", 1000, { decimal: 2 }]);
    await ok("token.iost", "issue", [sym, u.name, "7.5"]);
    expect((await node.client.rpc.blockchain.getBalance(u.name, sym, 1)).balance).toBe(7.5);
    expect((await ok("token.iost", "balanceOf", [sym, u.name])).returns).toEqual(['["7.5"]']);
    expect((await ok("token.iost", "supply", [sym])).returns).toEqual(['["7.5"]']);
  });

  it("examples/system_test.js: setCode returns Contract<tx hash>, the contract answers and getContract shows it", async () => {
    const id = await deploy(cls('  hello() { return "world"; }'), [{ name: "hello", args: [] }]);
    expect(id).toMatch(/^Contract[1-9A-HJ-NP-Za-km-z]+$/);
    expect((await ok(id, "hello", [])).returns).toEqual(['["world"]']);
    const c = await node.client.rpc.blockchain.getContract(id, true);
    expect(c).toMatchObject({ id, language: "javascript", version: "1.0.0" });
  });

  it("examples/update_test.js: updateCode through can_update keeps the id and serves the new ABI", async () => {
    const code = (extra: string) =>
      cls(`  can_update(data) { return blockchain.requireAuth(blockchain.contractOwner(), "active"); }\n  v() { return 1; }${extra}`);
    const abi = [
      { name: "can_update", args: ["string"] },
      { name: "v", args: [] },
    ];
    const id = await deploy(code(""), abi);
    const next = {
      ID: id,
      info: { lang: "javascript", version: "1.0.0", abi: [...abi, { name: "w", args: [] }].map((a) => ({ ...a, amountLimit: [] })) },
      code: code("\n  w() { return 2; }"),
    };
    await ok("system.iost", "updateCode", [JSON.stringify(next), ""]);
    expect((await ok(id, "w", [])).returns).toEqual(['["2"]']); // a JS return is its string (go-iost sandbox.cc)
    // A stranger cannot update it: can_update refuses.
    const u = await newUser("upd", "admin");
    expect(await failure("system.iost", "updateCode", [JSON.stringify(next), ""], { as: u.account })).toContain("update refused");
  });

  // updateCode runs on the contract's shard (docs/SHARDING.md "Contracts"), so can_update decides there.
  it("examples/update_test.js: a stranger of another shard is refused by can_update", async () => {
    const id = await deploy(cls('  can_update(data) { return blockchain.requireAuth(blockchain.contractOwner(), "active"); }'), [
      { name: "can_update", args: ["string"] },
    ]);
    const u = await newUser("upo", "other");
    const next = {
      ID: id,
      info: { lang: "javascript", version: "1.0.0", abi: [{ name: "can_update", args: ["string"], amountLimit: [] }] },
      code: cls("  can_update(d) { return true; }"),
    };
    expect(await failure("system.iost", "updateCode", [JSON.stringify(next), ""], { as: u.account })).toContain("update refused");
  });

  it("examples/vmmethod_test.js (go-iost test_data/vmmethod.js, vm_test.go Test_VMMethod): contractName, contractOwner, receipt", async () => {
    const id = await deploy(
      cls("  name() { return blockchain.contractName(); }\n  owner() { return blockchain.contractOwner(); }\n  rec(d) { blockchain.receipt(d); }"),
      [
        { name: "name", args: [] },
        { name: "owner", args: [] },
        { name: "rec", args: ["string"] },
      ],
    );
    expect((await ok(id, "name", [])).returns).toEqual([JSON.stringify([id])]);
    expect((await ok(id, "owner", [])).returns).toEqual(['["admin"]']);
    const r = await ok(id, "rec", ["receiptdata"]);
    expect(r.receipts).toEqual([{ func_name: `${id}/rec`, content: "receiptdata" }]);
  });

  // The example publishes these signed by the active key alone; auth.iost wants `owner` (account.js _ra),
  // which a publisher's signature never grants (go-iost vm/isolator.go signer_list), so go-iost refuses
  // it as this node does: here the owner signs as a signer too.
  it("examples/multiple_signature_test.js: addPermission and assignPermission show in getAccountInfo", async () => {
    const u = await newUser("msig");
    expect(await failure("auth.iost", "addPermission", [u.name, "vote", 1], { as: u.account })).toContain("require auth failed");
    const asOwner = async (abi: string, args: unknown[]) => {
      const tx = node.client.iost.callABI("auth.iost", abi, args);
      tx.addSigner(u.name, "owner");
      tx.setChainID(1020);
      u.account.sign(tx, "owner");
      return expectSuccess(node.client, tx, u.account);
    };
    await asOwner("addPermission", [u.name, "vote", 1]);
    const key = KeyPair.newKeyPair().id;
    await asOwner("assignPermission", [u.name, "vote", key, 1]);
    const info = await node.client.rpc.blockchain.getAccountInfo(u.name, true);
    // The example looks for `"groups":[]`, an older answer; go-iost's rpc.proto names it group_names.
    expect(info.permissions.vote).toMatchObject({ name: "vote", group_names: [], threshold: "1" });
    expect(info.permissions.vote.items).toEqual([{ id: key, is_key_pair: true, weight: "1", permission: "" }]);
  });

  it("examples/exchange_test.js: exchange.iost transfers to an account, and creates one from a create: memo", async () => {
    const u = await newUser("exa");
    await ok("exchange.iost", "transfer", ["iost", u.name, "1000.1", ""], { approve: ["iost", "1000.1"] });
    expect(await balanceOf(node.client, u.name)).toBe(1000.1);
    const kp = KeyPair.newKeyPair();
    const name = uniqueName("exb");
    await ok("exchange.iost", "transfer", ["iost", "", "200", `create:${name}:${kp.id}:${kp.id}`], { approve: ["iost", "200"] });
    const info = await node.client.rpc.blockchain.getAccountInfo(name, true);
    expect(info.permissions.owner.items[0].id).toBe(kp.id);
  });

  it("examples/token721_test.js: create, issue, and the owner reads back", async () => {
    const u = await newUser("nft");
    const sym = `n${Date.now() % 100000}`;
    await ok("token721.iost", "create", [sym, "admin", 100]);
    const r = await ok("token721.iost", "issue", [sym, u.name, '{"hp":300}']);
    expect(r.returns).toEqual(['["0"]']);
    expect(await node.client.rpc.blockchain.getToken721Owner(sym, "0")).toEqual({ owner: u.name });
  });
});

// Both set domain.iost's version, which the chain shares: one after the other.
describe("iost.js examples on domain.iost's version", () => {
  it("examples/update_native_test.js: admin sets domain.iost 0.0.0 and link is gone", async () => {
    const setVersion = (version: string, code = "", as?: any) => call("system.iost", "updateNativeCode", ["domain.iost", version, code], { as });
    const id = await deploy(cls('  hello() { return "world"; }'), [{ name: "hello", args: [] }]);
    const url = () => `hello.me${Date.now() % 100000}`;
    expect((await setVersion("0.0.0")).ok).toBe(true);
    expect(await failure("domain.iost", "link", [url(), id])).toContain("abi link not found");
    const u = await newUser("unt");
    const stranger = await setVersion("1.0.0", "", u.account);
    expect(stranger.ok).toBe(false);
    expect(stranger.result.message).toContain("need admin@system permission");
    // Part of 1.0.0: link answers, transfer does not.
    const part = {
      ID: "domain.iost",
      info: {
        lang: "native",
        version: "1.0.0",
        abi: [
          { name: "can_update", args: ["string"], amountLimit: [] },
          { name: "link", args: ["string", "string"], amounLimit: [] },
        ],
      },
      code: "",
    };
    expect((await setVersion("", JSON.stringify(part))).ok).toBe(true);
    const first = url();
    await ok("domain.iost", "link", [first, id]);
    expect(await failure("domain.iost", "transfer", [first, id])).toContain("abi transfer not found");
    expect((await setVersion("1.0.0")).ok).toBe(true);
    const second = url();
    await ok("domain.iost", "link", [second, id]);
    expect((await ok(second, "hello", [])).returns).toEqual(['["world"]']);
    await ok("domain.iost", "transfer", [second, u.name]);
  });

  // domain.iost is 1.0.0 now: on a fresh go-iost chain (0.0.0) this example needs the update above too.
  it("examples/domain_test.js: a url linked to a contract is callable by the url", async () => {
    const id = await deploy(cls('  hello() { return "world"; }'), [{ name: "hello", args: [] }]);
    const url = `hi.c${Date.now() % 100000}`;
    await ok("domain.iost", "link", [url, id]);
    expect((await ok(url, "hello", [])).returns).toEqual(['["world"]']);
    const u = await newUser("dom");
    await ok("domain.iost", "transfer", [url, u.name]);
    // The new owner holds it now: admin can no longer relink it.
    expect(await failure("domain.iost", "link", [url, id])).toContain("no privilege");
  });
});

describe.concurrent("go-iost test contracts", () => {
  it("test/integration/test_data/database.js: values init stored read back through storage and mapGet", async () => {
    const id = await deploy(
      `class C {
  init() { storage.put("num", JSON.stringify(9)); storage.put("obj", JSON.stringify({ foo: "bar" })); storage.mapPut("map", "field1", "value"); }
  read() {
    if (JSON.parse(storage.get("num")) !== 9) throw "num";
    if (JSON.parse(storage.get("obj")).foo !== "bar") throw "obj";
    if (storage.mapGet("map", "field1") !== "value") throw "map";
    return true;
  }
}
module.exports = C;`,
      [{ name: "read", args: [] }],
    );
    expect((await ok(id, "read", [])).returns).toEqual(['["true"]']);
    const s = await node.client.rpc.blockchain.getContractStorage(id, "map", "field1", true);
    expect(s.data).toBe("value");
  });

  it("test/integration/test_data/stringop.js (vm_test.go Test_StringOp): concatenation, comparison and += of strings succeed", async () => {
    const id = await deploy(cls('  f(n) { let a = "9".repeat(n); let b = a; let c = a + b; let d = a === b; a += b; return [c.length, d, a.length]; }'), [
      { name: "f", args: ["number"] },
    ]);
    expect((await ok(id, "f", [9])).returns).toEqual(['["[18,true,18]"]']);
  });

  it("test/integration/test_data/mapdel.js (vm_test.go Test_MapDel): mapKeys keeps insertion order across a delete", async () => {
    const id = await deploy(
      cls(`  keys() { storage.mapPut("k", "s", "0"); storage.mapPut("k", "abcd", "1"); storage.mapPut("k", "abc", "2"); storage.mapPut("k", "ab", "3");
    storage.mapDel("k", "ab"); storage.mapPut("k", "ab", "4"); return storage.mapKeys("k"); }
  del() { storage.mapDel("k", "ab"); return storage.mapKeys("k"); }`),
      [
        { name: "keys", args: [] },
        { name: "del", args: [] },
      ],
    );
    expect((await ok(id, "keys", [])).returns).toEqual(['["[\\"s\\",\\"abcd\\",\\"abc\\",\\"ab\\"]"]']);
    expect((await ok(id, "del", [])).returns).toEqual(['["[\\"s\\",\\"abcd\\",\\"abc\\"]"]']);
  });

  it("test/integration/test_data/callresult.js (vm_test.go Test_CallResult): a NUL inside a stored string survives", async () => {
    const id = await deploy(cls('  eof() { storage.put("ret", "ab\\x00c"); return storage.get("ret") + "d"; }'), [{ name: "eof", args: [] }]);
    expect((await ok(id, "eof", [])).returns).toEqual(['["ab\\u0000cd"]']);
  });

  it("test/integration/test_data/callresult.js (Test_ReturnObjectToJsonError): a throwing toJSON fails the call with its message", async () => {
    const id = await deploy(cls('  obj() { return { toJSON: function () { throw new Error("error in JSON.stringfy"); } }; }'), [{ name: "obj", args: [] }]);
    const out = await call(id, "obj", []);
    expect(out.ok).toBe(false);
    expect(out.result.status_code).toBe("RUNTIME_ERROR");
    expect(out.result.message).toContain("error in JSON.stringfy");
  });

  it("test/integration/test_data/arguments.js (vm_test.go Test_Arguments): typed arguments are checked with IOST's texts", async () => {
    const id = await deploy(cls("  test(s, n, b, j) {}"), [{ name: "test", args: ["string", "number", "bool", "json"] }]);
    await ok(id, "test", ["abc", 1, true, {}]);
    const cases: [unknown[], string][] = [
      [[null, 1, true, {}], "error parse string arg"],
      [["abc", [1], true, {}], "error parse number arg"],
      [["abc", 1, { a: 1 }, {}], "error parse bool arg"],
      [[10, 1, true, {}], "error parse string arg &{10}"],
      [["abc", true, true, {}], "error parse number arg &{true}"],
      [["abc", 1, "abc", {}], "error parse bool arg &{abc}"],
    ];
    for (const [args, text] of cases) expect(await failure(id, "test", args)).toContain(text);
  });

  it("test/integration/test_data/auth.js (vm_test.go Test_callWithAuth): a contract spends its own balance only through callWithAuth", async () => {
    const u = await newUser("cwa");
    const id = await deploy(
      cls(`  pay(to, auth) {
    const args = [ "iost", blockchain.contractName(), to, "10", "" ];
    return auth ? blockchain.callWithAuth("token.iost", "transfer", args) : blockchain.call("token.iost", "transfer", args);
  }`),
      [{ name: "pay", args: ["string", "bool"] }],
    );
    await ok("token.iost", "transfer", ["iost", "admin", id, "1000", ""], { approve: ["iost", "1000"] });
    expect(await failure(id, "pay", [u.name, false])).toContain("transaction has no permission");
    await ok(id, "pay", [u.name, true]);
    const left = await node.client.rpc.blockchain.getBalance(id, "iost", 1);
    expect(left.balance).toBe(990);
  });

  it("test/integration/test_data/nest0.js, nest1.js (vm_test.go Test_StackHeight): a call chain deeper than IOST's stack fails", async () => {
    const hop = (n: number) => `  sh${n}(c) { return blockchain.call(c, "sh${n + 1}", JSON.stringify([blockchain.contractName()])); }`;
    const a = await deploy(
      cls([0, 2, 4, 6].map(hop).join("\n")),
      [0, 2, 4, 6].map((n) => ({ name: `sh${n}`, args: ["string"] })),
    );
    const b = await deploy(
      cls([1, 3, 5, 7].map(hop).join("\n")),
      [1, 3, 5, 7].map((n) => ({ name: `sh${n}`, args: ["string"] })),
    );
    expect(await failure(a, "sh0", [b])).toContain("stack height exceed.");
  });

  it("test/integration/vm_test.go Test_Validate: an ABI the source lacks is refused with validate.js's text", async () => {
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "c", args: [], amountLimit: [] }] };
    const msg = await failure("system.iost", "setCode", [JSON.stringify({ ID: "", info, code: cls("  a(x) {}") })]);
    expect(msg).toContain("validate code error: , result: Error: abi not defined in source code: c");
  });

  it("vm/v8vm/v8/libjs/inject_gas.js checkInvalidKeyword: try/catch in a deployed contract is refused with IOST's text", async () => {
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "f", args: [], amountLimit: [] }] };
    const msg = await failure("system.iost", "setCode", [
      JSON.stringify({ ID: "", info, code: cls("  f() { try { blockchain.contractName(); } catch (e) {} }") }),
    ]);
    expect(msg).toContain("Uncaught exception: Error: use of try catch is not supported");
  });

  it("test/v8vm/test_data/danger.js throw (vm_test.go TestEngine_Danger): a thrown string is the message", async () => {
    const id = await deploy(cls('  t() { throw ("test throw"); }'), [{ name: "t", args: [] }]);
    expect(await failure(id, "t", [])).toContain("Uncaught exception: test throw");
  });

  it("test/v8vm/test_data/danger.js putlong (TestEngine_Danger): a value over 65,536 bytes is refused", async () => {
    const id = await deploy(cls('  p() { storage.put("x", "x".repeat(65537)); }'), [{ name: "p", args: [] }]);
    expect(await failure(id, "p", [])).toContain("input string too long");
  });

  // QuickJS words it "cannot set property 'c' of undefined"; the sandbox reports V8's text (src/vm/v8-errors.ts).
  it("test/v8vm/test_data/danger.js visitUndefined (TestEngine_Danger): V8's TypeError text", async () => {
    const id = await deploy(cls("  v() { let a = undefined; a.c = 1; }"), [{ name: "v", args: [] }]);
    expect(await failure(id, "v", [])).toContain("Uncaught exception: TypeError: Cannot set property 'c' of undefined");
  });

  // QuickJS reports "unexpected token: 'object'"; JSON.parse reports V8's text (src/vm/v8-errors.ts).
  it("test/v8vm/test_data/danger.js jsonparse (TestEngine_Danger): V8's SyntaxError text", async () => {
    const id = await deploy(cls("  j() { JSON.parse({ a: 1 }); }"), [{ name: "j", args: [] }]);
    expect(await failure(id, "j", [])).toContain("SyntaxError: Unexpected token o in JSON at position 1");
  });

  it("test/v8vm/test_data/danger.js nativerun (TestNativeRun): V8's internal runner is not reachable", async () => {
    const id = await deploy(cls('  n() { return _native_run("1", "t.js"); }'), [{ name: "n", args: [] }]);
    const msg = await failure(id, "n", []);
    expect(msg).toContain("Uncaught exception:");
    expect(msg).toContain("_native_run");
  });
});

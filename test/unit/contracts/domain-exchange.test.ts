import { beforeAll, describe, expect, it } from "vitest";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { ContractDB } from "../../../src/state/storage";
import { contractJson, vmReady } from "../vm/helpers";
import { Chain, act, fakeKey, makeTx } from "../executor/helpers";

const err = (m: string) => m.replace(/^running action [\s\S]*? error: /, "");
const CODE = `class Hi { init() {} hello(n) { return "hi " + n; } }
module.exports = Hi;`;
const ABI = [{ name: "hello", args: ["string"] }];

describe("domain.iost (go-iost vm/native/domain.go, domain_test.js)", () => {
  beforeAll(() => vmReady());

  it("links a url to a contract, calls it by the url, transfers the url; others and bad urls are refused", () => {
    const c = new Chain();
    const k = fakeKey(1);
    const k2 = fakeKey(2);
    c.newAccount("alice", k, "1000", 100000n);
    c.newAccount("bobby", k2, "1000", 100000n);
    const by = (who: string, key: string, a: ReturnType<typeof act>) => c.receipt(makeTx([a], { publisher: who, key }));
    // The genesis has 0.0.0, as IOST's: admin sets 1.0.0 first (iost.js examples/update_native_test.js).
    expect(c.receipt(makeTx([act("system.iost", "updateNativeCode", ["domain.iost", "1.0.0", ""])])).statusCode).toBe("SUCCESS");
    const dep = makeTx([act("system.iost", "setCode", [contractJson(CODE, ABI)])], { publisher: "alice", key: k, gasLimit: 4_000_000n });
    const d = c.receipt(dep);
    expect(d.statusCode).toBe("SUCCESS");
    const cid = JSON.parse(d.returns[0])[0] as string;
    expect(by("alice", k, act("hi.alice", "hello", ["x"])).message).toContain("contract hi.alice not found");
    expect(by("alice", k, act("domain.iost", "link", ["hi.alice", cid])).statusCode).toBe("SUCCESS");
    const db = new ContractDB(c.state);
    expect(db.mget("domain.iost", "dns_table", "hi.alice")).toEqual({ t: "s", v: cid });
    expect(db.mget("domain.iost", "dns_revert_table", cid)).toEqual({ t: "s", v: "hi.alice" });
    expect(db.mget("domain.iost", "dns_owner_table", "hi.alice")).toEqual({ t: "s", v: "alice" });
    const call = by("bobby", k2, act("hi.alice", "hello", ["bob"]));
    expect(call.statusCode).toBe("SUCCESS");
    expect(call.returns).toEqual(['["hi bob"]']);
    expect(err(by("bobby", k2, act("domain.iost", "link", ["hi.alice", "x"])).message)).toBe("no privilege of claimed url");
    expect(err(by("bobby", k2, act("domain.iost", "transfer", ["hi.alice", "bobby"])).message)).toBe("no privilege of claimed url");
    expect(err(by("bobby", k2, act("domain.iost", "transfer", ["no.url", "bobby"])).message)).toBe("url doesn't have owner. Link directly");
    expect(err(by("bobby", k2, act("domain.iost", "link", ["ab.c", cid])).message)).toBe("url invalid. url length should be between 5,16 got ab.c");
    expect(err(by("bobby", k2, act("domain.iost", "link", ["abcdef", cid])).message)).toBe("url invalid. url must contain '.'");
    expect(err(by("bobby", k2, act("domain.iost", "link", ["Ab.cde", cid])).message)).toBe("url invalid. url contains invalid character 65");
    expect(err(by("bobby", k2, act("domain.iost", "link", ["mine.iost", cid])).message)).toBe("only admin has permission to claim url .iost");
    expect(by("alice", k, act("domain.iost", "transfer", ["hi.alice", "bobby"])).statusCode).toBe("SUCCESS");
    expect(db.mget("domain.iost", "dns_owner_table", "hi.alice")).toEqual({ t: "s", v: "bobby" });
    expect(err(by("alice", k, act("domain.iost", "link", ["hi.alice", "x"])).message)).toBe("no privilege of claimed url");
    expect(by("bobby", k2, act("domain.iost", "link", ["hi.alice", cid])).statusCode).toBe("SUCCESS");
  });
});

describe('domain receipts (docs/SHARDING.md "Domains across shards")', () => {
  const copy: CrossReceipt = {
    id: "tx:0",
    kind: "domain",
    txHash: "tx",
    fromShard: 0,
    toShard: 2,
    token: "",
    account: "domain.iost",
    counterpart: "alice",
    amount: "0",
    message: "",
    def: { "m-domain.iost-dns_table-hi.alice": "sContractX@domain.iost", "m-domain.iost-dns_owner_table-hi.alice": "salice@domain.iost" },
  };

  it("are taken only from the consensus shard and only with domain.iost's dns records", () => {
    expect(() => checkReceipt(copy, 4)).not.toThrow();
    // Another shard could otherwise hand itself any url, or write any record through the copy.
    expect(() => checkReceipt({ ...copy, fromShard: 1 }, 4)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, def: { "m-token.iost-TBalice-iost": "i1@alice" } }, 4)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, def: { "m-domain.iost-dns_table": "@hi.alice" } }, 4)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, def: undefined }, 4)).toThrow(ReceiptRefused);
  });

  it("carry domain.iost's version only as a stored deployment", () => {
    const deployment = JSON.stringify({ version: "1.0.0", abi: [{ name: "link", args: ["string", "string"], amountLimit: [] }] });
    expect(() => checkReceipt({ ...copy, def: { "n-domain.iost": deployment } }, 4)).not.toThrow();
    // A malformed one would break every call of domain.iost where it lands; another contract's version is not the copy's.
    for (const bad of [
      "{",
      "{}",
      JSON.stringify({ version: 1, abi: [] }),
      JSON.stringify({ version: "1.0.0", abi: [{ name: "link", args: [1], amountLimit: [] }] }),
    ])
      expect(() => checkReceipt({ ...copy, def: { "n-domain.iost": bad } }, 4), bad).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, def: { "n-token.iost": deployment } }, 4)).toThrow(ReceiptRefused);
  });
});

describe("exchange.iost (go-iost config/genesis/contract/exchange.js)", () => {
  it("transfers to an account; creates one from the memo with RAM, gas and the rest", () => {
    const c = new Chain();
    const k = fakeKey(1);
    c.newAccount("alice", k, "1000", 100000n);
    c.newAccount("bobby", fakeKey(2), "0", 100000n);
    const run = (args: unknown[]) => c.receipt(makeTx([act("exchange.iost", "transfer", args)], { publisher: "alice", key: k }));
    const db = new ContractDB(c.state);
    const iost = (a: string) => (db.mget("token.iost", "TB" + a, "iost") as { v: bigint } | undefined)?.v;
    expect(run(["iost", "bobby", "1.5", ""]).statusCode).toBe("SUCCESS");
    expect(iost("bobby")).toBe(150000000n);
    expect(err(run(["iost", "", "99", "create:newuser1:a:b"]).message)).toBe("Uncaught exception: Error: transfer amount should be greater or equal to 100");
    expect(err(run(["iost", "", "100", "hello"]).message)).toBe("Uncaught exception: Error: unsupported command : hello, use create:XX");
    expect(err(run(["ram", "", "100", "create:x:y:z"]).message)).toBe("Uncaught exception: Error: must transfer iost if you want to create a new account");
    expect(err(run(["iost", "", "100", "create:newuser1:a"]).message)).toBe(
      "Uncaught exception: Error: memo of transferring to a new account should be of format create:name:ownerKey:activeKey",
    );
    const key = fakeKey(7);
    const r = run(["iost", "", "100", `create:newuser1:${key}:${key}`]);
    expect(r.message).toBe("");
    const funcs = r.receipts.map((x) => x.funcName);
    expect(funcs).toContain("auth.iost/signUp");
    expect(funcs).toContain("gas.iost/pledge");
    const last = JSON.parse(r.receipts[r.receipts.length - 1].content) as string[];
    expect(last.slice(0, 3)).toEqual(["iost", "alice", "newuser1"]);
    expect(iost("newuser1")).toBe(BigInt(Math.round(Number(last[3]) * 1e8)));
    expect(err(run(["iost", "", "100", `create:newuser1:${key}:${key}`]).message)).toContain("id existed > newuser1");
  });
});

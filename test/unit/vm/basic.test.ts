import { beforeAll, describe, expect, it } from "vitest";
import { getContract } from "../../../src/query/index";
import { getContractStorage } from "../../../src/query/index";
import { call, Chain, deploy, ret, vmReady } from "./helpers";

beforeAll(vmReady);

const HELLO = `class Hello {
  init() { storage.put("inited", "yes"); }
  hello(name) { return "hello " + name; }
  add(a, b) { return a + b; }
  obj(j) { return { got: j, n: j.length }; }
  nothing() {}
  fail(msg) { throw new Error(msg); }
  failStr() { throw "plain"; }
  loop() { while (true) {} }
  writeThenThrow(v) { storage.put("w", v); blockchain.receipt("wrote"); throw new Error("after write"); }
  h1() { return blockchain.call(blockchain.contractName(), "h2", [])[0]; }
  h2() { return blockchain.call(blockchain.contractName(), "h3", [])[0]; }
  h3() { return blockchain.call(blockchain.contractName(), "h4", [])[0]; }
  h4() { return blockchain.call(blockchain.contractName(), "h5", [])[0]; }
  h5() { return blockchain.call(blockchain.contractName(), "h6", [])[0]; }
  h6() { return "deep"; }
}
module.exports = Hello;`;
// Receipts gas_usage ×100 at ratio 1 (deploy, hello, obj, a 4-deep call chain)
const GOLDEN_GAS = [31297700n, 3363400n, 3383600n, 15454300n];
const HELLO_ABI = [
  { name: "hello", args: ["string"] },
  { name: "add", args: ["number", "number"] },
  { name: "obj", args: ["json"] },
  { name: "nothing", args: [] },
  { name: "fail", args: ["string"] },
  { name: "failStr", args: [] },
  { name: "loop", args: [] },
  { name: "writeThenThrow", args: ["string"] },
  ...[1, 2, 3, 4, 5, 6].map((i) => ({ name: "h" + i, args: [] })),
];

describe("deploy and call", () => {
  it("deploys, runs init, calls by ABI, getContract shows it", () => {
    const chain = new Chain();
    const { id, receipt } = deploy(chain, HELLO, HELLO_ABI);
    expect(id).toMatch(/^Contract/);
    expect(receipt.returns).toEqual([JSON.stringify([id])]);
    expect(ret(call(chain, id, "hello", ["bob"]))).toBe("hello bob");
    expect(ret(call(chain, id, "add", [2, 3]))).toBe("5");
    expect(ret(call(chain, id, "obj", [[1, 2]]))).toBe('{"got":[1,2],"n":2}');
    expect(ret(call(chain, id, "nothing", []))).toBe("");
    const c = getContract(chain.state, id)!;
    expect(c.language).toBe("javascript");
    expect(c.orig_code).toBe(HELLO);
    expect(c.code).toContain("_IOSTInstruction_counter.incr(");
    expect(c.abis.map((a) => a.name)).toEqual(HELLO_ABI.map((a) => a.name).sort());
  });

  it("errors: thrown Error, thrown string, out of gas, init not callable", () => {
    const chain = new Chain();
    const { id } = deploy(chain, HELLO, HELLO_ABI);
    const r = call(chain, id, "fail", ["boom"]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("Uncaught exception: Error: boom");
    expect(call(chain, id, "failStr", []).message).toContain("Uncaught exception: plain");
    const l = call(chain, id, "loop", []);
    expect(l.statusCode).toBe("RUNTIME_ERROR");
    expect(l.message).toBe("out of gas");
    expect(l.gasUsage).toBe(1_000_000n * 100n);
    expect(call(chain, id, "init", []).message).toContain("cannot call 'init' manually");
  });

  it("a throwing call keeps its gas but rolls back its writes and receipts", () => {
    const chain = new Chain();
    const { id } = deploy(chain, HELLO, HELLO_ABI);
    const r = call(chain, id, "writeThenThrow", ["v"]);
    expect(r.message).toContain("Uncaught exception: Error: after write");
    expect(r.receipts).toEqual([]);
    expect(r.ramUsage).toEqual({});
    expect(r.gasUsage).toBeGreaterThan(30_000n * 100n);
    expect(getContractStorage(chain.state, id, "w").data).toBe("null");
  });

  it("call depth is limited to 5 frames", () => {
    const chain = new Chain();
    const { id } = deploy(chain, HELLO, HELLO_ABI);
    expect(ret(call(chain, id, "h2", []))).toBe("deep");
    expect(call(chain, id, "h1", []).message).toContain("stack height exceed. actual 6");
  });

  // The same numbers in Node and workerd (this file runs in both): gas is counted, never timed.
  it("gas is exact and the same on every runtime", () => {
    const chain = new Chain();
    const { id, receipt } = deploy(chain, HELLO, HELLO_ABI);
    const gas = [
      receipt.gasUsage,
      call(chain, id, "hello", ["bob"]).gasUsage,
      call(chain, id, "obj", [[1, 2, 3]]).gasUsage,
      call(chain, id, "h2", []).gasUsage,
    ];
    expect(gas).toEqual(GOLDEN_GAS);
  });
});

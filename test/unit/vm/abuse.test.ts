import { describe, expect, it } from "vitest";
import { dryRun } from "../../../src/executor/index";
import { txHash } from "../../../src/tx/bytes";
import { dropVm, loadVm, quickjs } from "../../../src/vm/engine";
import { act, call, Chain, deploy, makeTx, ret, vmReady } from "./helpers";

await vmReady(); // describe bodies deploy at collection time

const quickjsMemory = () => quickjs().getWasmMemory().buffer.byteLength;

const ABUSE = `class Abuse {
  init() {}
  ok() { return "fine"; }
  globals() {
    return [typeof Date, typeof RegExp, typeof Promise, typeof Proxy, typeof Reflect, typeof Map, typeof Uint8Array, typeof ArrayBuffer,
      typeof eval, typeof Function, typeof BigInt, typeof Math.random, typeof WebAssembly, typeof parseInt, typeof "".padStart, typeof [].reduce].join(",");
  }
  funcCtor() { return (function () {}).constructor("return 1")(); }
  evalIt() { return eval("1"); }
  pollute(i) {
    if (i === 0) storage.get = function () { return "hacked"; };
    if (i === 1) Object.prototype.polluted = 1;
    if (i === 2) String.prototype.repeat = function () { return ""; };
    if (i === 3) blockchain.contractName = function () { return "other"; };
    if (i === 4) Object.defineProperty(BigNumber.prototype, "plus", { value: 1 });
    if (i === 5) globalThis.storage = {};
    return [storage.get("k"), ({}).polluted, "ab".repeat(2), blockchain.contractName() === "other"].join(",");
  }
  counter(i) {
    const k = globalThis["_IOSTInstruction_" + "counter"];
    if (i === 0) k.incr = function () {};
    if (i === 1) Object.defineProperty(globalThis, "_IOSTInstruction_" + "counter", { value: { incr() {} } });
    if (i === 2) k.incr(-1e12);
    while (true) {}
  }
  loop() { for (;;) {} }
  recurse(n) { return this.recurse(n + 1) + 1; }
  nest(n) { return n >= 4 ? this.recurse(0) : blockchain.call(blockchain.contractName(), "nest" + (n + 1), [n + 1]); }
  nest1(n) { return this.nest(n); }
  nest2(n) { return this.nest(n); }
  nest3(n) { return this.nest(n); }
  nest4(n) { return this.nest(n); }
  strBomb() { let s = "x"; while (true) s += s; }
  repeatBomb() { return "x".repeat(1e9).length; }
  joinBomb() { return new Array(1e8).join("x").length; }
  pushBomb() { const a = []; while (true) a.push({ a: 1 }); }
  spreadBomb() { return [...new Array(1e8).keys()].length; }
  jsonBomb() { let a = ["x".repeat(1000)]; for (let i = 0; i < 40; i++) a = [a, a]; return JSON.stringify(a).length; }
  bigNum() { return new BigNumber(7).pow(10000000).toString().length; }
  searchBomb() { const s = "a".repeat(1000000); return s.indexOf("a".repeat(500000) + "b"); }
  cmpBomb() { const a = "x".repeat(1000000), b = "x".repeat(1000000); let n = 0; while (true) if (a === b) n++; }
  keyBomb() { const k = "k".repeat(1000000), o = {}; while (true) o[k] = 1; }
  sortBomb() { const s = "x".repeat(100000), a = []; for (let i = 0; i < 2000; i++) a.push(s + i); a.sort(); a.sort(); }
  host() { return typeof host + "," + typeof globalThis.host + "," + typeof __host; }
}
module.exports = Abuse;`;
const names = [
  "ok",
  "globals",
  "funcCtor",
  "evalIt",
  "loop",
  "strBomb",
  "repeatBomb",
  "joinBomb",
  "pushBomb",
  "spreadBomb",
  "jsonBomb",
  "bigNum",
  "host",
  "searchBomb",
  "cmpBomb",
  "keyBomb",
  "sortBomb",
];
const ABI = [
  ...names.map((name) => ({ name, args: [] as string[] })),
  { name: "recurse", args: ["number"] },
  ...["nest", "nest1", "nest2", "nest3", "nest4"].map((name) => ({ name, args: ["number"] })),
  { name: "pollute", args: ["number"] },
  { name: "counter", args: ["number"] },
];

describe("escape and abuse attempts fail cleanly", () => {
  const chain = new Chain();
  const { id } = deploy(chain, ABUSE, ABI);

  it("forbidden globals and builtins are absent", () => {
    expect(ret(call(chain, id, "globals", []))).toBe(Array(16).fill("undefined").join(","));
    expect(ret(call(chain, id, "host", []))).toBe("undefined,undefined,undefined");
  });

  it("no code generation from strings", () => {
    expect(call(chain, id, "funcCtor", []).message).toContain("Uncaught exception: TypeError: not a function");
    expect(call(chain, id, "evalIt", []).message).toContain("Uncaught exception: ReferenceError");
  });

  it("host objects and builtins cannot be patched", () => {
    expect(ret(call(chain, id, "pollute", [-1]))).toBe(",,abab,false");
    // Frozen host objects and prototypes throw (class code is strict); a fresh context per call
    // means nothing a call does to its globals reaches the next call.
    for (let i = 0; i <= 5; i++) expect(call(chain, id, "pollute", [i]).message).toContain("Uncaught exception: TypeError");
    expect(ret(call(chain, id, "pollute", [-1]))).toBe(",,abab,false");
  });

  it("the gas counter cannot be disabled or refunded", () => {
    expect(call(chain, id, "counter", [0]).message).toContain("Uncaught exception: TypeError");
    for (const r of [call(chain, id, "counter", [1]), call(chain, id, "counter", [2]), call(chain, id, "loop", [])]) {
      expect([r.statusCode, r.message]).toEqual(["RUNTIME_ERROR", "out of gas"]);
      expect(r.gasUsage).toBe(1_000_000n * 100n);
    }
  });

  it("deep recursion ends with a stack overflow, also at the deepest call level", () => {
    const r = call(chain, id, "recurse", [0]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("Uncaught exception: InternalError: stack overflow");
    // Five sandboxes on the wasm stack at once, the innermost overflowing its own limit.
    const n = call(chain, id, "nest", [0]);
    expect(n.message).toContain("InternalError: stack overflow");
    expect(ret(call(chain, id, "ok", []))).toBe("fine");
  });

  it("string, array, JSON and number bombs end the tx; the VM keeps working", () => {
    for (const m of ["strBomb", "repeatBomb", "joinBomb", "pushBomb", "spreadBomb", "jsonBomb", "bigNum", "searchBomb", "cmpBomb", "keyBomb", "sortBomb"]) {
      const r = call(chain, id, m, [], { gasLimit: 200_000n });
      expect([m, r.statusCode]).toEqual([m, "RUNTIME_ERROR"]);
      expect(r.message).toMatch(/out of gas|out of memory|invalid (string|array) length|Number out of range/);
    }
    expect(ret(call(chain, id, "ok", []))).toBe("fine");
  });

  it("at the largest gas limit every bomb still ends the tx, within a Durable Object's 128 MB", () => {
    const rich = new Chain();
    const { id: big } = deploy(rich, ABUSE, ABI);
    rich.receipt(makeTx([act("gas.iost", "pledge", ["admin", "admin", "1000"])])); // 4,000,000 gas per call
    for (const m of ["strBomb", "repeatBomb", "joinBomb", "pushBomb", "spreadBomb", "jsonBomb", "bigNum", "searchBomb", "cmpBomb", "keyBomb", "sortBomb"]) {
      rich.advance(100n);
      const r = call(rich, big, m, [], { gasLimit: 4_000_000n });
      expect([m, r.statusCode]).toEqual([m, "RUNTIME_ERROR"]);
    }
    expect(quickjsMemory()).toBeLessThan(128 * 1024 * 1024);
  });

  it("argument type errors are reported at prepare", () => {
    expect(call(chain, id, "recurse", ["x"]).message).toContain("prepare contract: error parse number arg &{x}");
    expect(call(chain, id, "recurse", [1, 2]).message).toContain("args length unmatched to abi recurse. need 1, got 2");
  });
});

// ok, globals, loop, strBomb, jsonBomb (allocation cap), pushBomb, recurse (stack overflow), pollute: status and gas ×100.
const GOLDEN = [
  ["SUCCESS", 3353200n],
  ["SUCCESS", 3526300n],
  ["RUNTIME_ERROR", 100000000n],
  ["RUNTIME_ERROR", 100000000n],
  ["RUNTIME_ERROR", 3453800n],
  ["RUNTIME_ERROR", 100000000n],
  ["RUNTIME_ERROR", 4980600n],
  ["RUNTIME_ERROR", 3352700n],
];
describe("determinism", () => {
  const chain = new Chain();
  const { id } = deploy(chain, ABUSE, ABI);
  const probe = (m: string, args: unknown[] = []) => {
    const tx = makeTx([act(id, m, args)], { gasLimit: 1_000_000n });
    return dryRun(chain.state, tx, txHash(tx), chain.block());
  };
  const all = () => ["ok", "globals", "loop", "strBomb", "jsonBomb", "pushBomb"].map((m) => probe(m)).concat([probe("recurse", [0]), probe("pollute", [1])]);

  it("repeated runs and a fresh VM instance give identical receipts and gas", async () => {
    const first = all();
    // Also identical across runtimes (this file runs in Node and workerd): stack depth and memory caps included.
    expect(first.map((r) => ("receipt" in r ? [r.receipt.statusCode, r.receipt.gasUsage] : r.dropped))).toEqual(GOLDEN);
    expect(all()).toEqual(first);
    dropVm();
    await loadVm();
    expect(all()).toEqual(first);
  });

  it("a deploy on another chain gives the same receipts", () => {
    const other = new Chain();
    const d = deploy(other, ABUSE, ABI);
    expect(d.id).toBe(id);
  });
});

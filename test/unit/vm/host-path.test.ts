/**
 * A call's crossings between the host and the VM (src/vm/sandbox.ts): the prelude's `start` hands
 * the contract's wrapper and the call's function over once (`_IOSTRun`, `_IOSTCall`), and a tx's
 * host operations take the fast path (`fastHost`), which reads their arguments as C values and
 * leaves strings holding U+0000, services and failed calls to the handle path. Values, errors and
 * gas must be what the handle path gave: the gas figures were measured on the commit before both.
 */
import { describe, expect, it } from "vitest";
import { basicKey } from "../../../src/state/storage";
import { call, Chain, deploy, ret, vmReady } from "./helpers";

await vmReady();

const CODE = `class P {
  init() {}
  put(k, v) { storage.put(k, v); return storage.get(k); }
  mput(k, f, v) { storage.mapPut(k, f, v); return [storage.mapHas(k, f), storage.mapGet(k, f), storage.mapKeys(k).length].join("|"); }
  missing() { return [storage.get("none") === null, storage.has("none"), typeof storage.has("none")].join("|"); }
  verify() { const r = IOSTCrypto.verify("ed25519", "bWVzc2FnZQ==", "x", "y"); return typeof r + ":" + r; }
  who() { return [blockchain.contractName().slice(0, 8), blockchain.publisher(), JSON.parse(blockchain.txInfo()).publisher].join("|"); }
  long() { storage.put("k", "v".repeat(65537)); return "unreachable"; }
  logs(s) { console.log(s); return JSON.stringify({ s: s }); }
  peek() { return [typeof globalThis["_IOST" + "Run"], typeof globalThis["_IOST" + "Call"], typeof globalThis.stolen].join("|"); }
}
module.exports = P;`;
/** Its top level (but init's) takes the call's function before the wrapper's own read. */
const STEAL = `class S { init() {} steal() { return "never"; } peek() { return typeof globalThis.stolen; } }
if (JSON.parse(blockchain.contextInfo()).abi_name !== "init") globalThis.stolen = Object.getOwnPropertyDescriptor(globalThis, "_IOST" + "Call").get();
module.exports = S;`;
const ABI = [
  { name: "put", args: ["string", "string"] },
  { name: "mput", args: ["string", "string", "string"] },
  { name: "missing", args: [] },
  { name: "verify", args: [] },
  { name: "who", args: [] },
  { name: "long", args: [] },
  { name: "logs", args: ["string"] },
  { name: "peek", args: [] },
];

/** [abi, args, status, gas, the return or a part of the message], measured on the commit before the fast path, in this order. */
const GOLDEN: [string, unknown[], string, bigint, string][] = [
  ["put", ["k", "v1"], "SUCCESS", 3_416_500n, "v1"],
  // The key reaches the host whole: a C string would have ended it at U+0000, a valid "a".
  ["put", ["a\u0000b", "c"], "RUNTIME_ERROR", 3_356_700n, "key or field has invalid char, 0"],
  ["put", ["k2", "c\u0000d"], "SUCCESS", 3_429_500n, "c\u0000d"],
  ["mput", ["m", "f", "x\u0000y"], "SUCCESS", 3_504_300n, "true|x\u0000y|1"],
  ["mput", ["m", "f\u0000g", "x"], "RUNTIME_ERROR", 3_361_700n, "key or field has invalid char, 0"],
  // null, booleans and numbers come back typed.
  ["missing", [], "SUCCESS", 3_462_600n, "true|false|boolean"],
  ["verify", [], "SUCCESS", 3_371_500n, "number:0"],
  ["who", [], "SUCCESS", 3_416_400n, "Contract|admin|admin"],
  // A host error ends the call with the host's message; the next call runs normally.
  ["long", [], "RUNTIME_ERROR", 6_620_900n, "Uncaught exception: Error: input string too long"],
  ["put", ["k", "v2"], "SUCCESS", 3_416_500n, "v2"],
  // The services keep the handle path: console and JSON.stringify.
  ["logs", ["q\u0000r"], "SUCCESS", 3_381_400n, '{"s":"q\\u0000r"}'],
  ["peek", [], "SUCCESS", 3_381_700n, "undefined|undefined|undefined"],
];

describe("host operations through the fast path", () => {
  it("give the values, errors and gas the handle path gave", () => {
    const chain = new Chain();
    const { id } = deploy(chain, CODE, ABI);
    for (const [abi, args, status, gas, out] of GOLDEN) {
      const r = call(chain, id, abi, args);
      expect([abi, r.statusCode, r.gasUsage]).toEqual([abi, status, gas]);
      if (status === "SUCCESS") expect(ret(r)).toBe(out);
      else expect(r.message).toContain(out);
    }
    expect(chain.state.get(basicKey(id, "k2"))).toContain("c\u0000d");
  });
});

describe("the hand-over of the wrapper and the call's function", () => {
  const chain = new Chain();
  const { id } = deploy(chain, CODE, ABI);
  const { id: steal } = deploy(chain, STEAL, [
    { name: "steal", args: [] },
    { name: "peek", args: [] },
  ]);

  it("answers once per call: a top level that takes the call's function leaves the call without one", () => {
    for (const abi of ["steal", "peek"]) {
      const r = call(chain, steal, abi, []);
      expect([r.statusCode, r.message]).toEqual(["RUNTIME_ERROR", expect.stringContaining("TypeError")]);
    }
  });

  it("inside a method both are spent, and nothing taken survives into the next call", () => {
    expect(ret(call(chain, id, "peek", []))).toBe("undefined|undefined|undefined");
    expect(ret(call(chain, id, "put", ["k", "v"]))).toBe("v");
  });
});

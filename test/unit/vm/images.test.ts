/**
 * Contract images (src/vm/sandbox.ts `contractImage`): a contract's wrapper and its call factories
 * are compiled once into an image of their own, and each call starts from a copy of it. What the
 * image reuses must not leak: the contract's top level still runs on every call from scratch, the
 * call's globals are the contract's where it declares them, an updated contract is another image,
 * the cache stays within its bound whatever gets deployed, and a call's value and gas are the same
 * from a fresh image, a cached one, a rebuilt one or a fresh instance.
 */
import { describe, expect, it } from "vitest";
import { dropVm, loadVm } from "../../../src/vm/engine";
import { IMAGE_CACHE_BYTES, imageCache, runSandbox } from "../../../src/vm/sandbox";
import { act, call, Chain, contractJson, deploy, makeTx, ret, vmReady } from "./helpers";

await vmReady();

/** Top-level state a cached image might keep: a counter, a list, a lazily made object, a global. */
const STATEFUL = `let n = 0;
n++;
const seen = [];
let memo;
class S {
  init() {}
  probe(x) {
    seen.push(x);
    if (memo === undefined) memo = { calls: 0 };
    memo.calls++;
    globalThis.mark = (globalThis.mark || 0) + 1;
    return [n, seen.length, memo.calls, globalThis.mark, typeof globalThis["_IOST" + "Run"], typeof globalThis["_IOST" + "Call"], x].join(",");
  }
  obj(s) { return { s: s, n: n }; }
}
module.exports = S;`;
const STATEFUL_ABI = [
  { name: "probe", args: ["string"] },
  { name: "obj", args: ["string"] },
];

/** Its top level declares names the call itself reads: the call must see the contract's, as IOST's Prepare script does. */
const SHADOW = `const JSON = { stringify: (v) => "shadowed " + v.s };
var undefined = "u";
class H {
  init() {}
  obj(s) { return { s: s }; }
  none() { return undefined; }
}
module.exports = H;`;
const SHADOW_ABI = [
  { name: "obj", args: ["string"] },
  { name: "none", args: [] },
];

const outcome = (r: { statusCode: string; gasUsage: bigint; message: string; returns: string[] }) => [r.statusCode, r.gasUsage, r.message, r.returns];

describe("contract images", () => {
  const chain = new Chain();
  const { id } = deploy(chain, STATEFUL, STATEFUL_ABI);

  it("a contract's top level runs fresh on every call: counters, lists, memos and globals start over", () => {
    const first = call(chain, id, "probe", ["a"]);
    expect(ret(first)).toBe("1,1,1,1,undefined,undefined,a");
    for (let i = 0; i < 3; i++) {
      const again = call(chain, id, "probe", ["a"]);
      expect(outcome(again)).toEqual(outcome(first));
    }
    // Other values through the same cached factory; an object result through JSON.stringify.
    expect(ret(call(chain, id, "probe", ["b\u0000c"]))).toBe("1,1,1,1,undefined,undefined,b\u0000c");
    expect(ret(call(chain, id, "obj", ["x"]))).toBe('{"s":"x","n":1}');
  });

  it("the same value and gas from a new instance (image made again) as from the cached image", async () => {
    const cached = [call(chain, id, "probe", ["z"]), call(chain, id, "obj", ["z"])].map(outcome);
    dropVm();
    await loadVm();
    const fresh = [call(chain, id, "probe", ["z"]), call(chain, id, "obj", ["z"])].map(outcome);
    expect(fresh).toEqual(cached);
  });

  it("names the contract declares at its top level are the call's too (JSON, undefined)", () => {
    const { id: shadow } = deploy(chain, SHADOW, SHADOW_ABI);
    for (let i = 0; i < 2; i++) {
      expect(ret(call(chain, shadow, "obj", ["x"]))).toBe("shadowed x");
      // The method returns the contract's undefined ("u"), which the call's `rs === undefined` also reads: "".
      expect(ret(call(chain, shadow, "none", []))).toBe("");
    }
  });

  it("updateCode makes another image: the next call runs the new code", () => {
    const v1 = `class U { init() {} v() { return "v1"; } can_update(d) { return true; } }\nmodule.exports = U;`;
    const abi = [
      { name: "v", args: [] },
      { name: "can_update", args: ["string"] },
    ];
    const { id: u } = deploy(chain, v1, abi);
    expect(ret(call(chain, u, "v", []))).toBe("v1");
    const r = chain.receipt(makeTx([act("system.iost", "updateCode", [contractJson(v1.replace('"v1"', '"v2"'), abi, u), ""])], { gasLimit: 4_000_000n }));
    expect(r.statusCode).toBe("SUCCESS");
    expect(ret(call(chain, u, "v", []))).toBe("v2");
  });

  it("a recursion overflows the stack at the same depth, for the same gas, as when every call compiled its contract", () => {
    const rich = new Chain();
    rich.receipt(makeTx([act("gas.iost", "pledge", ["admin", "admin", "1000"])]));
    const code = `function r(n) { return r(n + 1) + 1; }
class R { init() {} a(x, y, z) { return r(0); } b(x) { return r(0); } c(x, y, z, w, v) { return r(0); } j(o) { return r(0); } }
module.exports = R;`;
    const abi = [
      { name: "a", args: ["string", "number", "bool"] },
      { name: "b", args: ["string"] },
      { name: "c", args: ["string", "string", "string", "string", "string"] },
      { name: "j", args: ["json"] },
    ];
    const { id: rec } = deploy(rich, code, abi);
    const calls: [string, unknown[]][] = [
      ["a", ["s", 5, true]],
      ["b", ["s"]],
      ["c", ["1", "2", "3", "4", "5"]],
      ["j", [{ k: [1, 2] }]],
      ["a", ["t", -7, false]],
    ];
    const gas = calls.map(([m, a]) => {
      const r = call(rich, rec, m, a, { gasLimit: 4_000_000n });
      expect(r.message).toContain("InternalError: stack overflow");
      return r.gasUsage;
    });
    // Measured on the commit before contract images (each call compiled contract and call as one script).
    expect(gas).toEqual([4601400n, 4594400n, 4610400n, 4602400n, 4603400n]);
  });

  it("more contracts than the cache holds: it stays within its bound, and an evicted image is made again with the same result", () => {
    const before = outcome(call(chain, id, "probe", ["q"]));
    // Each code is another image (about 300 KB): 120 of them are past the 16 MB bound.
    for (let i = 0; i < 120; i++) {
      const r = runSandbox({ code: `globalThis.k = ${i};`, call: '() => "" + k', budget: 1e6, txJson: "{}", blockJson: "{}", host: () => null });
      expect(r.value).toBe(String(i));
      expect(imageCache().bytes).toBeLessThanOrEqual(IMAGE_CACHE_BYTES);
    }
    expect(imageCache().entries).toBeLessThan(100);
    expect(outcome(call(chain, id, "probe", ["q"]))).toEqual(before);
  });
});

/**
 * The VM's memory bound (docs/STATE.md "Memory bound"): allocation-count bombs end with the
 * deterministic `out of memory`, the same on fresh instances; the worst memory per gas at the
 * largest gas limit stays under the documented per-call figure, far below the guard; legitimate
 * workloads still fit; an instance grown past RELOAD_BYTES is replaced by the next loadVm().
 */
import { describe, expect, it } from "vitest";
import { dropVm, loadVm, quickjs, RELOAD_BYTES } from "../../../src/vm/engine";
import { WASM_MEMORY_GUARD } from "../../../src/vm/sandbox";
import { act, call, Chain, deploy, makeTx, ret, vmReady } from "./helpers";

await vmReady();

const MB = 1024 * 1024;
/** The documented worst growth of one call's wasm memory at 4,000,000 gas (measured: 24 MB). */
const WORST_CALL_BYTES = 32 * MB;

const wasmBytes = () => quickjs().getWasmMemory().buffer.byteLength;
const items = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(",");

const CODE = `class Mem { init() {}
  objs() { const a = []; while (true) a.push({}); }
  closures() { const a = []; let i = 0; while (true) { const j = i++; a.push(() => j); } }
  arrays() { const a = []; while (true) a.push([[], [], [], [], [], [], [], []]); }
  wideObjs() { const a = []; while (true) a.push({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 }); }
  litArr() { const a = []; while (true) a.push([${items(12000, () => "1")}]); }
  litObj() { const a = []; while (true) a.push({${items(2500, (i) => "k" + i + ":1")}}); }
  nested() { const t = JSON.stringify([[[[[[[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]]]]]]]); const a = []; while (true) a.push(JSON.parse(t)); }
  strs1() { const a = []; let i = 0; while (true) a.push("x".repeat(1000000 + i++)); }
  strs2() { const a = []; let i = 0; while (true) a.push("\\u0100".repeat(1000000 + i++)); }
  concat() { let a = [1]; const k = []; while (true) { a = a.concat(a); k.push(a); } }
  split() { const s = "x".repeat(100000), k = []; while (true) k.push(s.split("")); }
  keys() { const o = {}; let i = 0; while (true) o["k" + i++] = 1; }
  bigNums() { const a = []; let i = 0; while (true) a.push(new BigNumber(i++).times("1.000000000000000000000001")); }
  numbers() { const a = []; for (let i = 0; i < 100000; i++) a.push(i * 1.5); return a.length; }
  strings() { return "x".repeat(1000000).length + "\\u0100".repeat(1000000).length; }
  json() { const o = []; for (let i = 0; i < 10000; i++) o.push({ id: i, name: "n" + i, v: [i, i + 1] }); const t = JSON.stringify(o); return t.length + "," + JSON.parse(t).length; }
  deep() { return blockchain.call(blockchain.contractName(), "deep1", [])[0]; }
  deep1() { return blockchain.call(blockchain.contractName(), "deep2", [])[0]; }
  deep2() { return this.json(); }
}
module.exports = Mem;`;
const BOMBS = ["objs", "closures", "arrays"];
const WORST = ["objs", "closures", "arrays", "wideObjs", "litArr", "litObj", "nested", "strs1", "strs2", "concat", "split", "keys", "bigNums"];
const ABI = [...WORST, "numbers", "strings", "json", "deep", "deep1", "deep2"].map((name) => ({ name, args: [] as string[] }));

/** A chain with the largest gas limit (4,000,000) and the contract. */
function rich(): { chain: Chain; id: string } {
  const chain = new Chain();
  const { id } = deploy(chain, CODE, ABI);
  chain.receipt(makeTx([act("gas.iost", "pledge", ["admin", "admin", "1000"])]));
  return { chain, id };
}
const big = (chain: Chain, id: string, m: string, args: unknown[] = []) => {
  chain.advance(100n);
  return call(chain, id, m, args, { gasLimit: 4_000_000n });
};

describe("VM memory bound", () => {
  it("allocation-count bombs end with out of memory before the largest gas limit, with the same gas on fresh instances", async () => {
    const runs: [string, string, bigint][][] = [];
    for (let round = 0; round < 2; round++) {
      dropVm();
      await loadVm();
      const { chain, id } = rich();
      runs.push(
        BOMBS.map((m) => {
          const r = big(chain, id, m);
          return [r.statusCode, r.message.replace(/^.*error: /s, ""), r.gasUsage];
        }),
      );
    }
    for (const [status, message, gas] of runs[0]) {
      expect([status, message]).toEqual(["RUNTIME_ERROR", "out of memory"]);
      expect(gas).toBeLessThan(4_000_000n * 100n);
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it("the worst memory per gas stays under the documented per-call figure, far below the guard", async () => {
    const grown: Record<string, number> = {};
    for (const m of WORST) {
      dropVm();
      await loadVm();
      const { chain, id } = rich();
      const start = wasmBytes();
      const r = big(chain, id, m);
      expect([m, r.statusCode]).toEqual([m, "RUNTIME_ERROR"]);
      expect([m, r.message]).toEqual([m, expect.stringMatching(/^out of gas$|error: out of memory$/)]);
      grown[m] = wasmBytes() - start;
    }
    for (const m of WORST) expect([m, grown[m] < WORST_CALL_BYTES]).toEqual([m, true]);
    expect(RELOAD_BYTES + WORST_CALL_BYTES).toBeLessThan(WASM_MEMORY_GUARD);
  });

  it("legitimate workloads fit: 1e5 numbers, 1 MB strings, JSON of 425 KB, also three calls deep", () => {
    const { chain, id } = rich();
    expect(ret(big(chain, id, "numbers"))).toBe("100000");
    expect(ret(big(chain, id, "strings"))).toBe("2000000");
    expect(ret(big(chain, id, "json"))).toBe("425565,10000");
    expect(ret(big(chain, id, "deep"))).toBe("425565,10000"); // the innermost of three has a quarter of the limit
  });

  it("loadVm() replaces an instance whose memory grew past RELOAD_BYTES, and keeps one below it", async () => {
    await loadVm();
    const small = quickjs();
    expect(await loadVm()).toBe(small);
    small.getWasmMemory().grow((RELOAD_BYTES - wasmBytes()) / 65536 + 1);
    const fresh = await loadVm();
    expect(fresh).not.toBe(small);
    expect(wasmBytes()).toBeLessThan(RELOAD_BYTES);
    const { chain, id } = rich();
    expect(ret(big(chain, id, "numbers"))).toBe("100000");
  });
});

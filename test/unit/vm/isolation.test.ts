/**
 * Every outermost call starts from the same memory image (src/vm/image.ts): whatever a call did to
 * its context (globals, builtins, prototypes, closures, pending jobs, a heap grown to the memory
 * limit, a loop cut by gas), the next call sees none of it, and returns the same value for the same
 * gas as on a fresh instance. Byte for byte: restoring an image gives back every byte outside the
 * stack's dead frames, however far the heap grew in between.
 */
import { describe, expect, it } from "vitest";
import { parseSource } from "../../../src/vm/ast";
import { dropVm, loadVm, quickjs } from "../../../src/vm/engine";
import { HEAP_BASE, restoreImage, STATIC_END, takeImage } from "../../../src/vm/image";
import { injectGas } from "../../../src/vm/inject";
import { type RunResult, runSandbox } from "../../../src/vm/sandbox";

await loadVm();

const TX = JSON.stringify({ publisher: "alice", hash: "h" });

/** `call` after the gas-injected `code`, as a deployed contract runs: result and gas. */
function run(code: string, call: string): RunResult & { message?: string } {
  // Enough to reach QuickJS's memory limit; a loop cut by gas is cut sooner.
  const budget = code === POLLUTERS.loop ? 100_000 : 4_000_000;
  const r = runSandbox({ code: injectGas(code, parseSource(code)), call: `() => (${call})`, budget, txJson: TX, blockJson: "{}", host: () => null });
  return { gas: r.gas, value: r.value, message: r.error?.message };
}

/** What a clean context answers; each polluter below changes one of these answers for itself. */
const PROBE = `(() => [typeof leak, typeof late, typeof keep, typeof JSON, Object.keys({ a: 1 }).join(), new Error("e").evil,
  "ab".concat("c"), [3, 1, 2].sort().join(), typeof module.exports, String(tx.publisher)].join("|"))()`;
const CLEAN = "undefined|undefined|undefined|object|a||abc|1,2,3|undefined|alice";

const POLLUTERS: Record<string, string> = {
  globals: `leak = { n: 1 }; globalThis.JSON = 1; module.exports = 7;`,
  builtins: `Object.keys = () => ["evil"]; Error.prototype.evil = 1;`,
  // Frozen prototypes: the writes are ignored in sloppy code, a define throws; the call itself fails.
  prototypes: `Array.prototype.sort = () => "evil"; String.prototype.concat = () => "evil"; Object.defineProperty(Object.prototype, "evil", { value: 1 });`,
  closure: `const secret = "s"; globalThis.keep = () => secret;`,
  // A job left in the queue: QuickJS runs jobs only when asked (the sandbox never asks), and the queue is in the image.
  pendingJob: `(async () => { await 0; globalThis.late = 1; })();`,
  // Allocation until QuickJS's limit: the call ends with out of memory, the heap having grown.
  memory: `const a = []; while (true) a.push({ x: [] });`,
  loop: `while (true) {}`,
};

describe("outermost calls are isolated by the memory image", () => {
  it("a clean context's answers, the same on a fresh instance and after every polluter", async () => {
    dropVm();
    await loadVm();
    const clean = run("", PROBE);
    expect(clean.value).toBe(CLEAN);
    for (const [name, code] of Object.entries(POLLUTERS)) {
      const polluted = run(code, PROBE);
      // The polluter saw its own changes (or was stopped by what it tried); a job never runs at all.
      expect([name, polluted.value === clean.value]).toEqual([name, name === "pendingJob"]);
      expect([name, run("", PROBE)]).toEqual([name, clean]);
    }
  });

  it("the polluters end as they should, and a polluter's own result and gas do not depend on what ran before", async () => {
    dropVm();
    await loadVm();
    const fresh = Object.fromEntries(Object.keys(POLLUTERS).map((name) => [name, run(POLLUTERS[name], '"done"')]));
    expect(fresh.memory.message).toBe("out of memory");
    expect(fresh.loop).toMatchObject({ gas: 100_001, message: "out of gas" });
    expect(fresh.prototypes.message).toMatch(/^Uncaught exception: TypeError/);
    expect(fresh.pendingJob).toMatchObject({ value: "done" });
    // In reverse order, each after all the others.
    for (const name of Object.keys(POLLUTERS).reverse()) expect([name, run(POLLUTERS[name], '"done"')]).toEqual([name, fresh[name]]);
  });

  it("restoring an image gives back every byte outside the stack, however far the heap grew", () => {
    run("", "1");
    const q = quickjs();
    const img = takeImage(q);
    const before = new Uint8Array(q.getWasmMemory().buffer).slice();
    expect(run(POLLUTERS.memory, "1").message).toBe("out of memory");
    const grown = new Uint8Array(q.getWasmMemory().buffer);
    expect(grown.length).toBeGreaterThanOrEqual(before.length);
    restoreImage(q, img);
    const after = new Uint8Array(q.getWasmMemory().buffer);
    const differs = (from: number, to: number) => {
      for (let i = from; i < to; i++) if (after[i] !== (i < before.length ? before[i] : 0)) return i;
      return -1;
    };
    expect(differs(0, STATIC_END)).toBe(-1);
    expect(differs(HEAP_BASE, after.length)).toBe(-1);
    expect(run("", PROBE).value).toBe(CLEAN);
  });
});

/**
 * The memory layout src/vm/image.ts restores, checked against the pinned QuickJS wasm file: the
 * stack pointer starts at HEAP_BASE, 5 MiB above STATIC_END (the stack), every data segment ends
 * below STATIC_END, and the word at BRK_AT starts as HEAP_BASE (emscripten's sbrk_val). A new
 * QuickJS build with another layout fails here before any image is taken with wrong bounds.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { BRK_AT, HEAP_BASE, STATIC_END } from "../../src/vm/image";

const wasm = fs.readFileSync(createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm"));

/** The wasm's globals (i32.const initial values) and active data segments (offset, bytes). */
function layout(b: Uint8Array): { globals: number[]; data: { at: number; bytes: Uint8Array }[] } {
  let p = 8;
  const uleb = () => {
    let r = 0;
    let s = 0;
    let x: number;
    do {
      x = b[p++];
      r += (x & 0x7f) * 2 ** s;
      s += 7;
    } while (x & 0x80);
    return r;
  };
  const sleb = () => {
    let r = 0;
    let s = 0;
    let x: number;
    do {
      x = b[p++];
      r |= (x & 0x7f) << s;
      s += 7;
    } while (x & 0x80);
    return s < 32 && x & 0x40 ? r | (-1 << s) : r;
  };
  const globals: number[] = [];
  const data: { at: number; bytes: Uint8Array }[] = [];
  while (p < b.length) {
    const id = b[p++];
    const end = uleb() + p;
    if (id === 6)
      for (let n = uleb(); n > 0; n--) {
        p += 2; // value type, mutability
        expect(b[p++]).toBe(0x41); // i32.const
        globals.push(sleb());
        p++; // end
      }
    if (id === 11)
      for (let n = uleb(); n > 0; n--) {
        expect(uleb()).toBe(0); // active, memory 0
        expect(b[p++]).toBe(0x41);
        const at = sleb();
        p++;
        const len = uleb();
        data.push({ at, bytes: b.subarray(p, p + len) });
        p += len;
      }
    p = end;
  }
  return { globals, data };
}

describe("the QuickJS wasm layout the memory image relies on", () => {
  const { globals, data } = layout(wasm);

  it("one global, the stack pointer, starting at the heap's base, 5 MiB of stack above the static area", () => {
    expect(globals).toEqual([HEAP_BASE]);
    expect(HEAP_BASE - STATIC_END).toBe(5 * 1024 * 1024);
  });

  it("static data ends below STATIC_END, and sbrk's word starts at the heap's base", () => {
    expect(Math.max(...data.map((d) => d.at + d.bytes.length))).toBeLessThanOrEqual(STATIC_END);
    const word = new Uint8Array(4);
    for (const d of data) for (let i = 0; i < d.bytes.length; i++) if (d.at + i >= BRK_AT && d.at + i < BRK_AT + 4) word[d.at + i - BRK_AT] = d.bytes[i];
    expect(new DataView(word.buffer).getUint32(0, true)).toBe(HEAP_BASE);
  });
});

/**
 * The binding's internals the host's fast path (src/vm/sandbox.ts `fastHost`) uses, in the pinned
 * quickjs-emscripten-core: its C-level calls, and a context's callback table, which the module
 * reads on every call out of the VM, so that replacing its `callFunction` takes effect.
 */
describe("the QuickJS binding the host's fast path relies on", () => {
  it("exposes the C calls and the callback table, and calls out through the table", async () => {
    const { newQuickJSWASMModuleFromVariant } = await import("quickjs-emscripten-core");
    const variant = (await import("@jitl/quickjs-wasmfile-release-sync")).default;
    const ctx = (await newQuickJSWASMModuleFromVariant(variant)).newContext();
    const b = ctx as unknown as {
      ffi: Record<string, unknown>;
      module: Record<string, unknown>;
      ctx: { value: unknown };
      getFunction: (id: number) => unknown;
      cToHostCallbacks: { callFunction: (c: number, self: number, argc: number, argv: number, id: number) => number };
    };
    for (const f of ["QTS_ArgvGetJSValueConstPointer", "QTS_GetString", "QTS_FreeCString", "QTS_Typeof", "QTS_GetFloat64", "QTS_GetProp"])
      expect([f, typeof b.ffi[f]]).toEqual([f, "function"]);
    for (const f of ["QTS_FreeValuePointer", "QTS_DupValuePointer", "QTS_Throw"]) expect([f, typeof b.ffi[f]]).toEqual([f, "function"]);
    expect([typeof b.module.UTF8ToString, typeof b.module._free, typeof b.ctx.value]).toEqual(["function", "function", "number"]);
    const impl = () => ctx.newString("slow");
    const fn = ctx.newFunction("f", impl);
    const slow = b.cToHostCallbacks.callFunction;
    const seen: unknown[] = [];
    b.cToHostCallbacks.callFunction = (c, self, argc, argv, id) => {
      seen.push(b.getFunction(id) === impl, argc);
      return slow(c, self, argc, argv, id);
    };
    const r = ctx.unwrapResult(ctx.callFunction(fn, ctx.undefined, ctx.newNumber(1), ctx.newNumber(2)));
    expect([ctx.getString(r), seen]).toEqual(["slow", [true, 2]]);
  });
});

/**
 * One contract call in QuickJS: a fresh runtime and context (nothing survives
 * between calls, so every node computes the same thing whatever ran before),
 * the prelude, the gas-injected contract, then the call snippet.
 *
 * Limits, all deterministic for a given call:
 * - gas: the injected counter and charging wrappers (prelude.ts), plus host costs;
 * - interrupts: QuickJS polls the handler every N bytecodes, a count that
 *   depends only on the code run, so a cap proportional to the budget backs
 *   up the counter (reported as out of gas);
 * - stack: QuickJS's own stack check (`InternalError: stack overflow`);
 * - memory: setMemoryLimit, which under emscripten bounds the count of live
 *   allocations (8 bytes each) and the size of any one, deterministically for a
 *   fresh runtime (`out of memory`); bytes beyond that are bounded by gas; a
 *   wasm-memory guard is the node-fault backstop, never a tx result
 *   (docs/STATE.md "Memory bound").
 */
import { DefaultIntrinsics, type QuickJSContext, type QuickJSHandle } from "quickjs-emscripten-core";
import { NodeFault, VmError } from "../contracts/errors.js";
import { dropVm, quickjs } from "./engine.js";
import { json2Escape } from "./json2.js";
import { MODULES, PRELUDE_SOURCE } from "./prelude.js";

const STACK_BYTES = 256 * 1024;
/**
 * QuickJS counts 8 bytes per live allocation plus the one being made (emscripten has no
 * malloc_usable_size): at most 524,288 live allocations, none over 4 MB (less what is live).
 * A nested call gets half its caller's limit, so the calls alive at once stay under 8 MB.
 */
export const MEMORY_LIMIT = 4 * 1024 * 1024;
/** Above this the instance is dropped (wasm memory never shrinks); a Durable Object has 128 MB. */
export const WASM_MEMORY_GUARD = 96 * 1024 * 1024;
/** QuickJS polls about every 10,000 bytecodes; even a 1-gas loop iteration runs far fewer per poll. */
const GAS_PER_INTERRUPT = 100;
const GAS_HELPERS = "_IOSTInstruction_counter, _IOSTBinaryOp, _IOSTSpreadElement";

export type HostValue = string | number | boolean | null | undefined;
/** A host operation: `jsGas` is the contract's injected gas so far; args are the JS strings (undefined for anything else). */
export type HostFn = (op: string, jsGas: number, args: (string | undefined)[]) => HostValue;

export interface RunRequest {
  code: string;
  call: string;
  budget: number;
  txJson: string;
  blockJson: string;
  host: HostFn;
  /** Receives the call's console lines; absent, they are dropped without being copied out. */
  log?: (level: string, text: string) => void;
}

export interface RunResult {
  /** Injected gas used by the contract (host costs are charged by the host functions). */
  gas: number;
  value?: string;
  /** The failure: out of gas, a host error (VmError/NodeFault) or the contract's uncaught exception. */
  error?: Error;
}

const INTRINSICS = {
  ...DefaultIntrinsics,
  Date: false,
  RegExp: false,
  Proxy: false,
  TypedArrays: false,
  StringNormalize: false,
};

/**
 * Strings in and out of QuickJS whole. quickjs-emscripten passes them as C strings, which end
 * at the first U+0000 ("ab\u0000cd" would read "ab"); V8 and so IOST keep every code unit. Such
 * a string crosses as JSON text instead (which escapes it), through the context's own
 * JSON.parse / JSON.stringify, taken before any script runs. Others take the direct path:
 * one length check out, one scan in.
 */
interface Strings {
  toVm(v: string): QuickJSHandle;
  fromVm(h: QuickJSHandle): string;
}

function strings(ctx: QuickJSContext, keep: (h: QuickJSHandle) => QuickJSHandle): Strings {
  const json = keep(ctx.getProp(ctx.global, "JSON"));
  const parse = keep(ctx.getProp(json, "parse"));
  const stringify = keep(ctx.getProp(json, "stringify"));
  return {
    toVm(v) {
      if (!v.includes("\0")) return ctx.newString(v);
      return ctx.newString(JSON.stringify(v)).consume((text) => ctx.unwrapResult(ctx.callFunction(parse, ctx.undefined, text)));
    },
    fromVm(h) {
      const v = ctx.getString(h);
      if (ctx.getProp(h, "length").consume((n) => ctx.getNumber(n)) === v.length) return v;
      return ctx.unwrapResult(ctx.callFunction(stringify, ctx.undefined, h)).consume((text) => JSON.parse(ctx.getString(text)) as string);
    },
  };
}

function toHandle(ctx: QuickJSContext, str: Strings, v: HostValue): QuickJSHandle {
  if (typeof v === "string") return str.toVm(v);
  if (typeof v === "number") return ctx.newNumber(v);
  if (typeof v === "boolean") return v ? ctx.true : ctx.false;
  return v === null ? ctx.null : ctx.undefined;
}

/** `Uncaught exception: <Name>: <message>` as IOST prints V8's (without the source line and stack). */
function exceptionText(ctx: QuickJSContext, h: QuickJSHandle): string {
  const v = ctx.dump(h) as unknown;
  if (typeof v === "object" && v !== null && "message" in v) {
    const e = v as { name?: unknown; message?: unknown };
    return `Uncaught exception: ${String(e.name ?? "Error")}: ${String(e.message)}`;
  }
  return `Uncaught exception: ${typeof v === "string" ? v : (JSON.stringify(v) ?? String(v))}`;
}

/**
 * Test-only: the guard trips at the next interrupt poll, as if memory were past it. No
 * contract can grow memory that far any more, so this is how test/workers/production.test.ts
 * proves a node fault evicts only its tx; nothing outside tests calls it.
 */
let tripGuard = false;
export function tripGuardForTest(): void {
  tripGuard = true;
}

/** Sandboxes alive on the wasm stack (blockchain.call nests them). */
let depth = 0;

/**
 * QuickJS's allocation failure: its InternalError (contracts cannot construct one), or null
 * when there was no room left even for that error. A contract's own `throw null` reads the
 * same (IOST's sandbox ends such a call silently; neither is "Uncaught exception: null").
 */
function outOfMemory(ctx: QuickJSContext, h: QuickJSHandle): boolean {
  const v = ctx.dump(h) as unknown;
  if (v === null) return true;
  return typeof v === "object" && (v as { name?: unknown }).name === "InternalError" && (v as { message?: unknown }).message === "out of memory";
}

export function runSandbox(req: RunRequest): RunResult {
  const q = quickjs();
  const rt = q.newRuntime();
  depth++;
  const handles: QuickJSHandle[] = [];
  let fatal: Error | undefined;
  let interrupts = 0;
  let metering = false;
  const maxInterrupts = 10 + Math.floor(req.budget / GAS_PER_INTERRUPT);
  rt.setMaxStackSize(STACK_BYTES);
  rt.setMemoryLimit(MEMORY_LIMIT >> Math.min(depth - 1, 8));
  rt.setInterruptHandler(() => {
    if (metering) return false;
    if (fatal) return true;
    if (tripGuard || q.getWasmMemory().buffer.byteLength > WASM_MEMORY_GUARD) {
      tripGuard = false;
      dropVm();
      fatal = new NodeFault("contract VM memory guard tripped");
    } else if (++interrupts > maxInterrupts) fatal = new VmError("out of gas");
    return fatal !== undefined;
  });
  const ctx = rt.newContext({ intrinsics: INTRINSICS });
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  try {
    const str = strings(ctx, keep);
    const hostFn = keep(
      ctx.newFunction("host", (opH, gasH, ...argH) => {
        if (fatal) throw new Error("aborted");
        const op = ctx.getString(opH);
        // The sandbox's own services: no gas, no state, so never through the tx's host.
        if (op === "json2") return str.toVm(json2Escape(str.fromVm(argH[0])));
        if (op === "load") return ctx.unwrapResult(ctx.evalCode(MODULES[ctx.getString(argH[0])], "module.js"));
        if (op === "console") {
          req.log?.(ctx.getString(argH[0]), str.fromVm(argH[1]));
          return ctx.undefined;
        }
        const args = argH.map((h) => (ctx.typeof(h) === "string" ? str.fromVm(h) : undefined));
        try {
          return toHandle(ctx, str, req.host(op, ctx.getNumber(gasH), args));
        } catch (e) {
          // Host errors end the call: contracts cannot catch (no try/catch), and the original error is what is reported.
          fatal = e instanceof Error ? e : new Error(String(e));
          throw new Error("host call failed");
        }
      }),
    );
    const prelude = keep(ctx.unwrapResult(ctx.evalCode(PRELUDE_SOURCE, "prelude.js")));
    const meter = keep(
      ctx.unwrapResult(
        ctx.callFunction(prelude, ctx.undefined, hostFn, keep(ctx.newNumber(req.budget)), keep(ctx.newString(req.txJson)), keep(ctx.newString(req.blockJson))),
      ),
    );
    let value: string | undefined;
    let error: Error | undefined;
    // The gas helpers are bound as parameters before any contract code runs: QuickJS lets a script
    // redefine even non-configurable globals, but nothing can rebind a closure's parameters.
    const r = ctx.evalCode(`(function (${GAS_HELPERS}) {\n${req.code}\n;return (${req.call});\n})(${GAS_HELPERS})`, "contract.js");
    if (r.error) {
      error = new VmError(outOfMemory(ctx, r.error) ? "out of memory" : exceptionText(ctx, r.error));
      r.error.dispose();
    } else {
      value = ctx.typeof(r.value) === "string" ? str.fromVm(r.value) : "";
      r.value.dispose();
    }
    metering = true;
    const m = keep(ctx.unwrapResult(ctx.callFunction(meter, ctx.undefined)));
    const used = ctx.getNumber(m);
    if (used < 0 || fatal?.message === "out of gas") return { gas: req.budget + 1, error: new VmError("out of gas") };
    if (fatal) return { gas: used, error: fatal };
    return error ? { gas: used, error } : { gas: used, value };
  } catch (e) {
    // Set-up interrupted (the prelude, a module load): what stopped it is the failure, above all a node fault.
    throw fatal ?? e;
  } finally {
    depth--;
    for (const h of handles.reverse()) if (h.alive) h.dispose();
    ctx.dispose();
    rt.dispose();
  }
}

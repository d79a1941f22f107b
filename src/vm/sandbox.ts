/**
 * One contract call in QuickJS: a runtime and context with the prelude set up,
 * the gas-injected contract, then the call's function. Nothing survives between
 * calls, so every node computes the same thing whatever ran before: an
 * outermost call starts from the memory image of its contract (the set-up's
 * image with the contract compiled into it, kept per contract while memory
 * allows: `contractImage`), a nested one sets up a fresh runtime.
 *
 * Limits, all deterministic for a given call:
 * - gas: the injected counter and charging wrappers (prelude.ts), plus host costs;
 * - interrupts: QuickJS polls the handler every N bytecodes, a count that
 *   depends only on the code run, so a cap proportional to the budget backs
 *   up the counter (reported as out of gas);
 * - stack: QuickJS's own stack check (`InternalError: stack overflow`);
 * - memory: setMemoryLimit, which under emscripten bounds the count of live
 *   allocations (8 bytes each) and the size of any one, deterministically from the
 *   image or a fresh runtime (`out of memory`); bytes beyond that are bounded by gas; a
 *   wasm-memory guard is the node-fault backstop, never a tx result
 *   (docs/STATE.md "Memory bound").
 */
import {
  DefaultIntrinsics,
  errors,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
  type VmFunctionImplementation,
} from "quickjs-emscripten-core";
import { NodeFault, VmError } from "../contracts/errors.js";
import { dropVm, quickjs } from "./engine.js";
import { type Image, restoreImage, takeImage } from "./image.js";
import { type AstNode, children, parseSource } from "./ast.js";
import { json2Escape } from "./json2.js";
import { v8JsonError, v8Message } from "./v8-errors.js";
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
const GAS_HELPERS = ["_IOSTInstruction_counter", "_IOSTBinaryOp", "_IOSTSpreadElement"];
/**
 * Contract images kept per instance, by compiled source: each is a base image plus one contract
 * (a few hundred KB for a small one), so this bounds their memory whatever gets deployed.
 */
export const IMAGE_CACHE_BYTES = 16 * 1024 * 1024;

export type HostValue = string | number | boolean | null | undefined;
/** A host operation: `jsGas` is the contract's injected gas so far; args are the JS strings (undefined for anything else). */
export type HostFn = (op: string, jsGas: number, args: (string | undefined)[]) => HostValue;

export interface RunRequest {
  code: string;
  /**
   * A function expression, called once the contract's top level has run (its value is the call's),
   * compiled on each call in the global scope, which is the contract's for every name the contract
   * does not declare at its top level (`callScope`).
   */
  call: string;
  /**
   * The same function made by `source` (a function of `values`), compiled once into the contract's
   * image: each value must take one stack slot where `call` has its literal, so the frame is the same.
   */
  factory?: { source: string; values: (string | number | boolean)[] };
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
    const name = String(e.name ?? "Error");
    return `Uncaught exception: ${name}: ${v8Message(name, String(e.message))}`;
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

/** One call's state, which its context's host function and interrupt handler work on. */
interface Call {
  req: RunRequest;
  fatal?: Error;
  interrupts: number;
  maxInterrupts: number;
  metering: boolean;
}

/** A runtime and context with the prelude set up: `start` begins a call in it. */
interface Box {
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  str: Strings;
  start: QuickJSHandle;
  /** Set-up's handles: kept as long as the box. */
  handles: QuickJSHandle[];
  call?: Call;
}

/**
 * What the host function's fast path reads of the binding (quickjs-emscripten-core 0.32.0, pinned
 * with the wasm build, test/node/vm-image.test.ts): C-level calls and the context's table of
 * callbacks out of the VM.
 */
interface Binding {
  ffi: {
    QTS_ArgvGetJSValueConstPointer(argv: number, i: number): number;
    QTS_GetString(ctx: number, v: number): number;
    QTS_FreeCString(ctx: number, s: number): void;
    QTS_Typeof(ctx: number, v: number): number;
    QTS_GetFloat64(ctx: number, v: number): number;
    QTS_GetProp(ctx: number, v: number, key: number): number;
    QTS_FreeValuePointer(ctx: number, v: number): void;
    QTS_DupValuePointer(ctx: number, v: number): number;
    QTS_Throw(ctx: number, e: number): number;
  };
  module: { UTF8ToString(p: number): string; _free(p: number): void };
  ctx: { value: number };
  getFunction(id: number): unknown;
  cToHostCallbacks: { callFunction(ctx: number, self: number, argc: number, argv: number, id: number): number };
}

/** The sandbox's own services, which keep the handle path (`host` in setUp). */
const SERVICES = new Set(["load", "json2", "jsonError", "console"]);

/**
 * A tx's host operations (storage, blockchain, crypto) without the binding's per-callback
 * bookkeeping: it wraps each callback out of the VM in a generator, a scope and a handle object
 * per argument, which cost several times a storage write's own work. This reads the arguments as
 * C values instead and does what `host` does with them; anything else (a service, set-up, a call
 * already failed, a string holding U+0000, which crosses as JSON) takes `host` itself, before any
 * effect, so both paths give the same results.
 */
function fastHost(ctx: QuickJSContext, box: Box, host: VmFunctionImplementation<QuickJSHandle>, lengthKey: QuickJSHandle): void {
  const b = ctx as unknown as Binding;
  const { ffi, module } = b;
  const cp = b.ctx.value;
  const slow = b.cToHostCallbacks.callFunction;
  const text = (v: number) => {
    const p = ffi.QTS_GetString(cp, v);
    const s = module.UTF8ToString(p);
    ffi.QTS_FreeCString(cp, p);
    return s;
  };
  const isString = (v: number) => {
    const p = ffi.QTS_Typeof(cp, v);
    const t = module.UTF8ToString(p);
    module._free(p);
    return t === "string";
  };
  const length = (v: number) => {
    const n = ffi.QTS_GetProp(cp, v, lengthKey.value);
    const len = ffi.QTS_GetFloat64(cp, n);
    ffi.QTS_FreeValuePointer(cp, n);
    return len;
  };
  b.cToHostCallbacks.callFunction = (c, self, argc, argv, id) => {
    const call = box.call;
    const arg = (i: number) => ffi.QTS_ArgvGetJSValueConstPointer(argv, i);
    if (!call || call.fatal || argc < 2 || b.getFunction(id) !== host) return slow(c, self, argc, argv, id);
    const op = text(arg(0));
    if (SERVICES.has(op)) return slow(c, self, argc, argv, id);
    const args: (string | undefined)[] = [];
    for (let i = 2; i < argc; i++) {
      const v = arg(i);
      const s = isString(v) ? text(v) : undefined;
      if (s !== undefined && length(v) !== s.length) return slow(c, self, argc, argv, id);
      args.push(s);
    }
    let h: QuickJSHandle;
    try {
      h = toHandle(ctx, box.str, call.req.host(op, ffi.QTS_GetFloat64(cp, arg(1)), args));
    } catch (e) {
      // As `host`: the original error is what is reported, the contract sees a failed host call.
      call.fatal = e instanceof Error ? e : new Error(String(e));
      return ctx.newError(new Error("host call failed")).consume((err) => ffi.QTS_Throw(cp, err.value));
    }
    const p = ffi.QTS_DupValuePointer(cp, h.value);
    h.dispose();
    return p;
  };
}

function setUp(q: QuickJSWASMModule, limit: number, preload: boolean, call?: Call): Box {
  const rt = q.newRuntime();
  rt.setMaxStackSize(STACK_BYTES);
  rt.setMemoryLimit(limit);
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  const box = { rt, handles, call } as Box;
  rt.setInterruptHandler(() => {
    const c = box.call;
    if (!c || c.metering) return false;
    if (c.fatal) return true;
    if (tripGuard || q.getWasmMemory().buffer.byteLength > WASM_MEMORY_GUARD) {
      tripGuard = false;
      dropVm();
      c.fatal = new NodeFault("contract VM memory guard tripped");
    } else if (++c.interrupts > c.maxInterrupts) c.fatal = new VmError("out of gas");
    return c.fatal !== undefined;
  });
  const ctx = rt.newContext({ intrinsics: INTRINSICS });
  box.ctx = ctx;
  try {
    const str = strings(ctx, keep);
    box.str = str;
    const host: VmFunctionImplementation<QuickJSHandle> = (opH, gasH, ...argH) => {
      const c = box.call;
      if (c?.fatal) throw new Error("aborted");
      const op = ctx.getString(opH);
      // The sandbox's own services: no gas, no state, so never through the tx's host. Set-up (no call) loads modules only.
      if (op === "load") return ctx.unwrapResult(ctx.evalCode(MODULES[ctx.getString(argH[0])], "module.js"));
      if (!c) throw new Error(`host call ${op} during set-up`);
      if (op === "json2") return str.toVm(json2Escape(str.fromVm(argH[0])));
      if (op === "jsonError") {
        const m = v8JsonError(str.fromVm(argH[0]));
        return m === null ? ctx.null : str.toVm(m);
      }
      if (op === "console") {
        c.req.log?.(ctx.getString(argH[0]), str.fromVm(argH[1]));
        return ctx.undefined;
      }
      const args = argH.map((h) => (ctx.typeof(h) === "string" ? str.fromVm(h) : undefined));
      try {
        return toHandle(ctx, str, c.req.host(op, ctx.getNumber(gasH), args));
      } catch (e) {
        // Host errors end the call: contracts cannot catch (no try/catch), and the original error is what is reported.
        c.fatal = e instanceof Error ? e : new Error(String(e));
        throw new Error("host call failed");
      }
    };
    const hostFn = keep(ctx.newFunction("host", host));
    fastHost(ctx, box, host, keep(ctx.newString("length")));
    const prelude = keep(ctx.unwrapResult(ctx.evalCode(PRELUDE_SOURCE, "prelude.js")));
    box.start = keep(ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, hostFn, preload ? ctx.true : ctx.false)));
    return box;
  } catch (e) {
    tearDown(box);
    throw e;
  }
}

function tearDown(box: Box): void {
  for (const h of box.handles.reverse()) if (h.alive) h.dispose();
  box.ctx.dispose();
  box.rt.dispose();
}

const HELPERS = GAS_HELPERS.join(", ");
/**
 * The contract's wrapper, a function not yet called: its code, then the call's function. The gas
 * helpers are bound as parameters before any contract code runs: QuickJS lets a script redefine even
 * non-configurable globals, but nothing can rebind a closure's parameters.
 */
const wrapperOf = (code: string) => `(function (${HELPERS}) {\n${code}\n;return _IOSTCall();\n})`;
/**
 * What runs the wrapper. Its frames, and the call function's within the wrapper's, are those of the
 * one script the contract and call used to be (\`(function (…) {…; return (call)(); })(…)\`), so a
 * call overflows the stack at the same depth, for the same gas.
 */
const RUN = `_IOSTRun(${HELPERS})`;
/** The same in one script, for a contract without an image (`callScope`). */
const scriptOf = (code: string, fn: string) => `(function (${HELPERS}) {\n${code}\n;return (${fn})();\n})(${HELPERS})`;
/** A contract's image: the base image with its wrapper compiled, and the names its top level declares; nothing if it did not compile. */
interface Compiled {
  image?: Image;
  run?: QuickJSHandle;
  declared?: Set<string>;
  /** Call factories compiled into the image, by source; each passed `callScope`. */
  factories: Map<string, QuickJSHandle>;
  bytes: number;
  /** How many factories `bytes` counts. */
  sized: number;
}

/** Names a function body declares for its whole body: any declaration outside nested functions and classes (conservative). */
function declaredNames(code: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: AstNode): void => {
    if (n.type === "FunctionDeclaration" || n.type === "ClassDeclaration") {
      out.add((n.id as AstNode & { name: string }).name);
      return;
    }
    if (n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "ClassExpression") return;
    if (n.type === "VariableDeclarator" && (n.id as AstNode).type === "Identifier") out.add((n.id as AstNode & { name: string }).name);
    for (const c of children(n)) visit(c);
  };
  visit(parseSource(code));
  return out;
}

/** Undefined when acorn refuses the code (injection can nest it past nesting.ts's cap): its calls then run as one script. */
function declaredOrNone(code: string): Set<string> | undefined {
  try {
    return declaredNames(code);
  } catch {
    return undefined;
  }
}

/** Identifiers in a call's source outside its string literals (more than it reads, never fewer). */
const callNames = (call: string) => call.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ").match(/[A-Za-z_$][\w$]*/g) ?? [];

/**
 * Whether the call's names mean the same in the global scope as in the contract's (the call
 * compiled after the contract reads the globals): not if the contract's top level declares one.
 */
const callScope = (c: Compiled, call: string) => c.declared !== undefined && !callNames(call).some((n) => c.declared!.has(n));

/**
 * The outermost calls' box, set up once per wasm instance, the image of the instance right after,
 * and the contract images made from it (least recently used first), in memory only.
 */
let base: { q: QuickJSWASMModule; box: Box; image: Image; compiled: Map<string, Compiled>; bytes: number } | undefined;

/** The contract images held now (tests check the bound). */
export function imageCache(): { entries: number; bytes: number } {
  return { entries: base?.compiled.size ?? 0, bytes: base?.bytes ?? 0 };
}

/**
 * The contract's image, restored: from the cache, or made from the base image (itself made on an
 * instance's first call). Either way the call starts from the same bytes, so what is cached never
 * changes a result. A contract that does not compile gets no image: its calls start from the base
 * image and fail to compile as they always did. Keyed by the code, so updateCode's new code is another entry.
 */
function contractImage(q: QuickJSWASMModule, code: string, factory?: string): Compiled {
  if (base?.q !== q) {
    base = undefined;
    const box = setUp(q, MEMORY_LIMIT, true);
    base = { q, box, image: takeImage(q), compiled: new Map(), bytes: 0 };
  }
  const b = base;
  let c = b.compiled.get(code);
  const cached = c !== undefined;
  if (c) {
    b.compiled.delete(code);
    restoreImage(q, c.image ?? b.image);
  } else {
    restoreImage(q, b.image);
    const r = b.box.ctx.evalCode(wrapperOf(code), "contract.js");
    if (r.error) {
      r.error.dispose();
      restoreImage(q, b.image);
      c = { factories: new Map(), bytes: 0, sized: 0 };
    } else c = { image: takeImage(q), run: r.value, declared: declaredOrNone(code), factories: new Map(), bytes: 0, sized: 0 };
  }
  // A factory joins the image once: the image grows by it, then serves every call of that shape.
  if (factory !== undefined && c.image && !c.factories.has(factory) && callScope(c, factory)) {
    const r = b.box.ctx.evalCode(`(${factory})`, "call.js");
    if (r.error) {
      r.error.dispose();
      restoreImage(q, c.image);
    } else {
      c.factories.set(factory, r.value);
      c.image = takeImage(q);
    }
  }
  b.compiled.set(code, c);
  // Sized again only when the image is new or grew by a factory: a call of a cached shape only moves it to the end.
  if (cached && c.factories.size === c.sized) return c;
  b.bytes -= c.bytes;
  c.bytes = (c.image ? c.image.static.length + c.image.heap.length : 0) + 4 * code.length + [...c.factories.keys()].reduce((n, f) => n + 2 * f.length, 0);
  c.sized = c.factories.size;
  b.bytes += c.bytes;
  // An evicted image's handles are never disposed: they only mean something in their own image.
  for (const [k, old] of b.compiled) {
    if (b.bytes <= IMAGE_CACHE_BYTES || old === c) break;
    b.compiled.delete(k);
    b.bytes -= old.bytes;
  }
  return c;
}

/**
 * Runs the call in a box whose prelude is set up: the wrapper compiled into the image (`run`), or
 * the contract and call compiled together here. Its handles are disposed, the box's and `run` are not.
 */
function execute(box: Box, call: Call, run?: QuickJSHandle, factory?: QuickJSHandle): RunResult {
  const { ctx, str } = box;
  const { req } = call;
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle) => (handles.push(h), h);
  box.call = call;
  try {
    // The call's function: made by `start` from the image's factory, or compiled here first.
    let r = run && !factory ? ctx.evalCode(`(${req.call})`, "call.js") : undefined;
    const fn = r && !r.error ? keep(r.value) : undefined;
    const made = factory ? [factory, ctx.true, ...(req.factory?.values ?? []).map((v) => keep(toHandle(ctx, str, v)))] : [fn ?? ctx.undefined, ctx.false];
    const meter = keep(
      ctx.unwrapResult(
        ctx.callFunction(
          box.start,
          ctx.undefined,
          keep(ctx.newNumber(req.budget)),
          keep(ctx.newString(req.txJson)),
          keep(ctx.newString(req.blockJson)),
          run && !r?.error ? run : ctx.undefined,
          ...made,
        ),
      ),
    );
    let value: string | undefined;
    let error: Error | undefined;
    if (!r?.error) r = ctx.evalCode(run ? RUN : scriptOf(req.code, req.call), "contract.js");
    if (r.error) {
      error = new VmError(outOfMemory(ctx, r.error) ? "out of memory" : exceptionText(ctx, r.error));
      r.error.dispose();
    } else {
      value = ctx.typeof(r.value) === "string" ? str.fromVm(r.value) : "";
      r.value.dispose();
    }
    call.metering = true;
    const used = ctx.getNumber(keep(ctx.unwrapResult(ctx.callFunction(meter, ctx.undefined))));
    if (used < 0 || call.fatal?.message === "out of gas") return { gas: req.budget + 1, error: new VmError("out of gas") };
    if (call.fatal) return { gas: used, error: call.fatal };
    return error ? { gas: used, error } : { gas: used, value };
  } finally {
    box.call = undefined;
    for (const h of handles.reverse()) if (h.alive) h.dispose();
  }
}

/**
 * An outermost call starts from the base image: nothing of an earlier call survives, and the
 * set-up is not paid again. A nested call (blockchain.call) runs while its caller's state is
 * live in the same memory, so it sets up a fresh runtime and context, with half the memory limit.
 */
export function runSandbox(req: RunRequest): RunResult {
  const q = quickjs();
  const call: Call = { req, interrupts: 0, maxInterrupts: 10 + Math.floor(req.budget / GAS_PER_INTERRUPT), metering: false };
  depth++;
  try {
    if (depth > 1) {
      const box = setUp(q, MEMORY_LIMIT >> Math.min(depth - 1, 8), false, call);
      try {
        return execute(box, call);
      } finally {
        tearDown(box);
      }
    }
    try {
      const f = req.factory?.source;
      const c = contractImage(q, req.code, f);
      const factory = f === undefined ? undefined : c.factories.get(f);
      return execute(base!.box, call, factory || callScope(c, req.call) ? c.run : undefined, factory);
    } catch (e) {
      // Anything but the VM's own exception may have left the instance half-way (a trap leaves the
      // stack pointer low): the next call gets a fresh instance.
      if (!(e instanceof errors.QuickJSUnwrapError)) {
        base = undefined;
        dropVm();
      }
      throw e;
    }
  } catch (e) {
    // Set-up interrupted (the prelude, `start`, a module load): what stopped it is the failure, above all a node fault.
    throw call.fatal ?? e;
  } finally {
    depth--;
  }
}

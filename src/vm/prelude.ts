/**
 * The sandbox prelude: evaluated in every fresh context before the contract.
 * It captures the builtins it needs, installs IOST's host API over the single
 * host function, the gas counter and the charging wrappers, strips what IOST
 * forbids (go-iost vm/v8vm/v8/libjs/environment.js) and freezes the rest, so
 * that contract code can neither refund gas nor reach host internals.
 *
 * The host objects and the number classes are modules (`MODULES`) the host
 * compiles when a contract first reads their global (a non-configurable
 * accessor), or all at set-up when `preload` is true: an outermost call starts
 * from a memory image of a context set up once (sandbox.ts), where compiling
 * them costs nothing per call; a nested call sets up a fresh context and pays
 * only for what it reads. Loading is a pure function of the code path and
 * charges no gas.
 *
 * Evaluates to `function (host, preload)`, which sets the context up and
 * returns `start(budget, txJson, blockJson, run, fn, make, ...values)`: it
 * defines the call's `tx` and `block`, hands the contract's wrapper `run` and
 * the call's function (`fn`, or `fn(...values)` when `make`) to the call's
 * script through `_IOSTRun` and `_IOSTCall` (sandbox.ts), and returns the
 * meter, `() => gas used`, or -1 once the budget was exceeded. One crossing
 * into the VM does all of it: each crossing, and each callback out of it,
 * costs microseconds of the binding's bookkeeping.
 */
import { REMOVED, WRAPPED } from "./builtins.js";
import { NUMBERS_MODULE } from "./prelude-numbers.js";
import { BLOCKCHAIN_MODULE, CONSOLE_MODULE, CRYPTO_MODULE, STORAGE_MODULE } from "./prelude-host.js";

/** Module sources by name, compiled by the sandbox on a `load` request. */
export const MODULES: Record<string, string> = {
  numbers: NUMBERS_MODULE,
  storage: STORAGE_MODULE,
  blockchain: BLOCKCHAIN_MODULE,
  crypto: CRYPTO_MODULE,
  console: CONSOLE_MODULE,
};

/** Which module defines each lazy global (a module returns an object of its globals). */
const LAZY_GLOBALS = {
  BigNumber: "numbers",
  Float64: "numbers",
  Int64: "numbers",
  storage: "storage",
  blockchain: "blockchain",
  IOSTCrypto: "crypto",
  console: "console",
};

export const PRELUDE_SOURCE = String.raw`(function (host, preload) {
  "use strict";
  const G = globalThis;
  const apply = Reflect.apply, freeze = Object.freeze, defineProperty = Object.defineProperty;
  const names = Object.getOwnPropertyNames, protoOf = Object.getPrototypeOf;
  const jsonParse = JSON.parse, jsonStringify = JSON.stringify;
  const BigIntF = BigInt, WeakMapC = WeakMap, StringF = String, floor = Math.floor, clz32 = Math.clz32;

  // Set-up is metered against no call: start() sets the call's budget.
  let used = 0, oog = false, budget = Infinity;
  /** Every charge goes through here; the budget is the call's remaining gas. */
  function charge(n) {
    used += n;
    if (used > budget) { oog = true; throw new Error("out of gas"); }
  }
  const len = (v) => (v !== null && v !== undefined && typeof v.length === "number" && v.length > 0 ? floor(v.length) : 0);

  // ---- the kernel the lazy modules are built over (never reachable from the contract)
  const str = (v, what) => { if (typeof v !== "string") throw new Error(what + " must be string"); return v; };
  const hc = (op, a, b, c, d) => host(op, used, a, b, c, d);
  /** IOST's JSON.stringify is json2.js: the native text with its extra escapes (json2.ts, done by the host). */
  const json2Stringify = (v, r, sp) => { const s = jsonStringify(v, r, sp); return typeof s === "string" ? host("json2", used, s) : s; };
  const LAZY = ${JSON.stringify(LAZY_GLOBALS)}, loaded = {};
  /** A lazy global's value: its module is compiled by the host and run once per context, then frozen. */
  function lib(name) {
    const m = LAZY[name];
    if (!loaded[m]) {
      const exports = host("load", used, m)(kernel);
      for (const k of names(exports)) { const v = exports[k]; freeze(v); if (typeof v === "function") freeze(v.prototype); }
      loaded[m] = exports;
    }
    return loaded[m][name];
  }
  const kernel = freeze({ charge, hc, str, lib, defineProperty, create: Object.create, jsonParse, jsonStringify, json2Stringify, BigIntF, WeakMapC, StringF, floor,
    log: (level, s) => host("console", used, level, s) });

  const counter = {
    incr(n) { const k = +n; charge(k >= 1 ? (k < 1e15 ? floor(k) : 1e15) : 1); },
  };
  /** Strings made by +, += and template literals cost by length (memory is gas). */
  function binaryOp(v) { if (typeof v === "string") charge(floor(v.length / 4)); return v; }
  const isArray = Array.isArray, symIter = Symbol.iterator, arrayValues = Array.prototype[Symbol.iterator];
  /**
   * An array (with the native iterator) or a string is spread natively at 1 + length. Anything
   * else is drained here first, at 2 per element (its slot and the iterator's result object):
   * QuickJS would run a native iterator (keys(), a string or array iterator) in C without a
   * single bytecode, so without paying.
   */
  function spread(v) {
    if (typeof v === "string" || (isArray(v) && v[symIter] === arrayValues)) { charge(1 + len(v)); return v; }
    const it = v[symIter](), out = [];
    let n = 0;
    for (let r = it.next(); !r.done; r = it.next()) { charge(2); out[n++] = r.value; }
    charge(1);
    return out;
  }

  // ---- builtins: IOST's whitelists, charged in proportion to the work and allocation
  const whitelist = (obj, keep) => { for (const k of names(obj)) if (keep.indexOf(k) < 0) delete obj[k]; };
  whitelist(String.prototype, ["charAt", "charCodeAt", "length", "constructor", "toString", "valueOf", "concat", "includes", "endsWith", "indexOf", "lastIndexOf", "replace", "search", "split", "startsWith", "slice", "substring", "toLowerCase", "toUpperCase", "trim", "trimLeft", "trimRight", "repeat"]);
  whitelist(Array.prototype, ["length", "constructor", "toString", "concat", "every", "filter", "find", "findIndex", "forEach", "includes", "indexOf", "join", "keys", "lastIndexOf", "map", "pop", "push", "reverse", "shift", "slice", "sort", "splice", "unshift"]);
  whitelist(Math, ["abs", "cbrt", "ceil", "floor", "log", "log10", "log1p", "max", "min", "pow", "round", "sqrt", "E", "LN10", "LN2", "LOG10E", "LOG2E", "PI", "SQRT1_2", "SQRT2"]);
  whitelist(Array, ["length", "name", "prototype", "isArray"]);
  const iterProto = protoOf(protoOf([][Symbol.iterator]()));
  whitelist(iterProto, ["constructor"]);

  /** Replace obj[name] by a wrapper paying before(this, args) first and after(result) once done. */
  function wrap(obj, name, before, after) {
    const orig = obj[name];
    if (typeof orig !== "function") return;
    // A method: no prototype object and not a constructor, like the native it replaces.
    const w = { [name](...args) {
      charge(before(this, args));
      const r = apply(orig, this, args);
      if (after) charge(after(r));
      return r;
    } }[name];
    defineProperty(obj, name, { value: w, writable: true, configurable: true });
  }
  // Index loops, not iterators: what the wrappers use at run time must not be replaceable by the contract.
  const sum = (args) => { let n = 0; for (let i = 0; i < args.length; i++) n += len(args[i]); return n; };
  const resultLen = (r) => floor(len(r) / 4);
  // QuickJS searches naively: a search costs up to len(this) × len(pattern).
  const SEARCHES = ["includes", "endsWith", "indexOf", "lastIndexOf", "replace", "search", "split", "startsWith"];
  for (const k of names(String.prototype)) {
    if (k === "constructor" || k === "length") continue;
    const search = SEARCHES.indexOf(k) >= 0;
    wrap(String.prototype, k, (s, a) => {
      const n = len(StringF(s));
      // split allocates up to one string per char: paid before it runs.
      return 1 + floor(n / 4) + floor(sum(a) / 4) + (search ? floor((n * len(a[0])) / 64) : 0) + (k === "split" ? n : 0);
    }, resultLen);
  }
  wrap(String.prototype, "repeat", (s, a) => { const n = +a[0]; return 1 + (n > 0 ? floor((len(StringF(s)) * n) / 4) : 0); });
  wrap(String, "fromCharCode", (s, a) => 1 + a.length);
  /** n log n compares, each as long as the strings compared. */
  const sortCost = (s) => {
    const n = arrLen(s), log = 33 - clz32(n);
    charge(1 + n * log);
    let chars = 0;
    for (let i = 0; i < n; i++) { const v = s[i]; if (typeof v === "string") chars += v.length; }
    return floor((chars * log) / 4);
  };
  const arrLen = (s) => (s !== null && s !== undefined ? floor(+s.length) || 0 : 0);
  for (const k of names(Array.prototype)) {
    if (k === "constructor" || k === "length") continue;
    const cost =
      k === "push" ? (s, a) => 1 + a.length
      : k === "pop" || k === "keys" ? () => 1
      : k === "sort" ? sortCost
      : k === "indexOf" || k === "lastIndexOf" || k === "includes" ? (s, a) => 1 + arrLen(s) + floor((arrLen(s) * len(a[0])) / 4)
      : k === "concat" ? (s, a) => 1 + arrLen(s) + sum(a)
      : k === "unshift" ? (s, a) => 1 + arrLen(s) + a.length
      : (s) => 1 + arrLen(s);
    wrap(Array.prototype, k, cost, k === "join" || k === "toString" ? resultLen : undefined);
  }
  const SyntaxErrorC = SyntaxError;
  // A text JSON.parse refuses fails with V8's words (v8-errors.ts, by the host); a reviver's own exception passes.
  // The text is converted once here as the native converts it once: a contract's toString runs as often as before.
  defineProperty(JSON, "parse", { value: function parse(t, rv) {
    const s = StringF(t);
    try { return jsonParse(s, rv); } catch (e) { const m = host("jsonError", used, s); throw m === null ? e : new SyntaxErrorC(m); }
  }, writable: true, configurable: true });
  wrap(JSON, "parse", (s, a) => 10 + len(StringF(a[0])));
  defineProperty(JSON, "stringify", { value: function stringify(v, r, sp) { return json2Stringify(v, r, sp); }, writable: true, configurable: true });
  wrap(JSON, "stringify", () => 10, (r) => len(r));
  // The rest of builtins.ts's metered members, by formula.
  const keyLen = (v) => (typeof v === "string" ? floor(v.length / 4) : 0);
  const size = (o) => (o === null || (typeof o !== "object" && typeof o !== "function") ? 0 : isArray(o) ? arrLen(o) : names(o).length);
  const COST = {
    result: [() => 1, resultLen],
    count: [() => 1, (r) => len(r)],
    args: [(s, a) => 1 + a.length],
    apply: [(s, a) => 1 + len(a[1])],
    key: [(s, a) => 1 + keyLen(a[0])],
    key1: [(s, a) => 1 + keyLen(a[1])],
    number: [(s, a) => 1 + keyLen(a[0])],
    props: [(s, a) => { let n = 1; for (let i = 0; i < a.length; i++) n += size(a[i]); return n; }],
    props1: [(s, a) => 1 + 4 * size(a[1])],
    descriptors: [(s, a) => 1 + 4 * size(a[0])],
    entries: [(s, a) => { if (!isArray(a[0]) && a[0] !== null && a[0] !== undefined) a[0] = spread(a[0]); return 1 + arrLen(a[0]); }],
  };
  const ROOTS = { "Function.prototype": protoOf(charge), "Object.prototype": Object.prototype };
  const owner = (path) => {
    const i = path.lastIndexOf(".");
    if (i < 0) return [G, path];
    const head = path.slice(0, i), parts = head.split(".");
    let o = ROOTS[head];
    if (!o) { o = G; for (let j = 0; j < parts.length; j++) o = o[parts[j]]; }
    return [o, path.slice(i + 1)];
  };
  const WRAPPED = ${JSON.stringify(WRAPPED)};
  for (let i = 0; i < WRAPPED.length; i++) { const [o, k] = owner(WRAPPED[i][0]), c = COST[WRAPPED[i][1]]; wrap(o, k, c[0], c[1]); }
  const REMOVED = ${JSON.stringify(REMOVED)};
  for (let i = 0; i < REMOVED.length; i++) { const [o, k] = owner(REMOVED[i]); delete o[k]; }

  // ---- IOST's forbidden globals; code generation through any function constructor
  for (const k of ["Date", "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Promise", "Reflect", "Proxy",
    "WebAssembly", "Function", "Boolean", "ArrayBuffer", "SharedArrayBuffer", "Atomics", "DataView", "Intl", "EvalError", "RangeError",
    "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError", "InternalError", "parseInt", "parseFloat", "encodeURI",
    "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape", "eval", "BigInt", "Iterator", "Int8Array", "Uint8Array",
    "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array",
    "BigInt64Array", "BigUint64Array"]) delete G[k];
  const fnProtos = [protoOf(charge), protoOf(function* () {}), protoOf(async function () {}), protoOf(async function* () {})];
  for (const p of fnProtos) defineProperty(p, "constructor", { value: undefined, writable: false, configurable: false });
  delete Number.parseInt;
  delete Number.parseFloat;

  // tx and block hold their places among the globals until start() fixes them (a redefinition keeps the order).
  const api = { tx: undefined, block: undefined, _IOSTInstruction_counter: counter, _IOSTBinaryOp: binaryOp, _IOSTSpreadElement: spread };
  for (const k of names(api)) defineProperty(G, k, { value: api[k], writable: false, enumerable: false, configurable: api[k] === undefined });
  for (const k of names(LAZY)) defineProperty(G, k, { get: () => lib(k), enumerable: false, configurable: false });
  if (preload) for (const k of names(LAZY)) lib(k);
  // A fresh context per call: what a contract changes only affects itself. Freezing is for the gas
  // counter (the injected code calls its incr) and, as IOST does, the host objects and core prototypes;
  // the array iterator too, because the prelude's and modules' destructuring and for-of run through it.
  // Shallow on a fixed list: deep-freezing every global cost more than the rest of the call.
  for (const o of [counter, Object.prototype, Array.prototype, String.prototype, Number.prototype, Math, JSON,
    iterProto, protoOf([][Symbol.iterator]())].concat(fnProtos)) freeze(o);
  G.module = { exports: undefined };
  // What set-up paid through the wrappers is not the contract's; a budget below it fails here, as it
  // did when every call paid its own set-up.
  const paid = used;
  used = 0;
  // The wrapper and the call's function reach the call's script through these, not through a
  // value a contract could read: each answers once per call, then undefined.
  let run, fn;
  defineProperty(G, "_IOSTRun", { get: () => { const r = run; run = undefined; return r; }, enumerable: false, configurable: false });
  defineProperty(G, "_IOSTCall", { get: () => { const f = fn; fn = undefined; return f; }, enumerable: false, configurable: false });
  return (b, txJson, blockJson, r, f, make, ...values) => {
    budget = b;
    if (paid > budget) { oog = true; throw new Error("out of gas"); }
    const call = { tx: freeze(jsonParse(txJson)), block: freeze(jsonParse(blockJson)) };
    for (const k of names(call)) defineProperty(G, k, { value: call[k], writable: false, enumerable: false, configurable: false });
    run = r;
    fn = make ? apply(f, undefined, values) : f;
    return () => (oog ? -1 : used);
  };
})`;

/**
 * The sandbox prelude: evaluated in every fresh context before the contract.
 * It captures the builtins it needs, installs IOST's host API over the single
 * host function, the gas counter and the charging wrappers, strips what IOST
 * forbids (go-iost vm/v8vm/v8/libjs/environment.js) and freezes the rest, so
 * that contract code can neither refund gas nor reach host internals.
 *
 * Evaluates to `function (host, budget, txJson, blockJson)` returning the
 * meter: `() => gas used`, or -1 once the budget was exceeded.
 */
import { NUMBERS_SOURCE } from "./prelude-numbers.js";

export const PRELUDE_SOURCE = String.raw`(function (host, budget, txJson, blockJson) {
  "use strict";
  const G = globalThis;
  const apply = Reflect.apply, freeze = Object.freeze, defineProperty = Object.defineProperty;
  const names = Object.getOwnPropertyNames, protoOf = Object.getPrototypeOf;
  const jsonParse = JSON.parse, jsonStringify = JSON.stringify;
  const BigIntF = BigInt, WeakMapC = WeakMap, StringF = String, floor = Math.floor, clz32 = Math.clz32;

  let used = 0, oog = false;
  /** Every charge goes through here; the budget is the call's remaining gas. */
  function charge(n) {
    used += n;
    if (used > budget) { oog = true; throw new Error("out of gas"); }
  }
  const len = (v) => (v !== null && v !== undefined && typeof v.length === "number" && v.length > 0 ? floor(v.length) : 0);

  ${NUMBERS_SOURCE}

  // ---- host API (IOST's storage.js, blockchain.js, crypto) over the one host function
  const str = (v, what) => { if (typeof v !== "string") throw new Error(what + " must be string"); return v; };
  const hc = (op, a, b, c, d) => host(op, used, a, b, c, d);
  const optPayer = (p) => (p === undefined || p === null ? undefined : str(p, "payer"));
  const storage = {
    put(k, v, p) { return hc("put", str(k, "storage key"), str(v, "storage put"), optPayer(p)); },
    get(k) { return hc("get", str(k, "storage key")); },
    has(k) { return hc("has", str(k, "storage key")); },
    del(k) { return hc("del", str(k, "storage key")); },
    mapPut(k, f, v, p) { return hc("mapPut", str(k, "storage key"), str(f, "storage field"), str(v, "storage mapPut"), optPayer(p)); },
    mapGet(k, f) { return hc("mapGet", str(k, "storage key"), str(f, "storage field")); },
    mapHas(k, f) { return hc("mapHas", str(k, "storage key"), str(f, "storage field")); },
    mapDel(k, f) { return hc("mapDel", str(k, "storage key"), str(f, "storage field")); },
    mapKeys(k) { return jsonParse(hc("mapKeys", str(k, "storage key"))); },
    mapLen(k) { return jsonParse(hc("mapKeys", str(k, "storage key"))).length; },
    globalGet(c, k) { return hc("globalGet", str(c, "contract"), str(k, "storage key")); },
    globalHas(c, k) { return hc("globalGet", str(c, "contract"), str(k, "storage key")) !== null; },
    globalMapGet(c, k, f) { return hc("globalMapGet", str(c, "contract"), str(k, "storage key"), str(f, "storage field")); },
    globalMapHas(c, k, f) { return hc("globalMapGet", str(c, "contract"), str(k, "storage key"), str(f, "storage field")) !== null; },
    globalMapKeys(c, k) { return jsonParse(hc("globalMapKeys", str(c, "contract"), str(k, "storage key"))); },
    globalMapLen(c, k) { return jsonParse(hc("globalMapKeys", str(c, "contract"), str(k, "storage key"))).length; },
  };
  const callArgs = (args) => (typeof args === "string" ? args : jsonStringify(args));
  const blockchain = {
    transfer(from, to, amount, memo) {
      return blockchain.callWithAuth("token.iost", "transfer", ["iost", from, to, new Float64(amount).toString(), memo.toString()]);
    },
    withdraw(to, amount, memo) { return blockchain.transfer(blockchain.contractName(), to, amount, memo); },
    deposit(from, amount, memo) { return blockchain.transfer(from, blockchain.contractName(), amount, memo); },
    call(c, abi, args) { return jsonParse(hc("call", str(c, "contract"), str(abi, "abi"), callArgs(args))); },
    callWithAuth(c, abi, args) { return jsonParse(hc("callWithAuth", str(c, "contract"), str(abi, "abi"), callArgs(args))); },
    requireAuth(id, perm) { return hc("requireAuth", str(id, "account"), str(perm, "permission")); },
    receipt(s) { return hc("receipt", str(s, "receipt")); },
    event(s) { return hc("event", str(s, "event")); },
    contractName() { return hc("contractName"); },
    publisher() { return hc("publisher"); },
    contractOwner() { return hc("contractOwner"); },
    blockInfo() { return hc("blockInfo"); },
    txInfo() { return hc("txInfo"); },
    contextInfo() { return hc("contextInfo"); },
  };
  const IOSTCrypto = {
    sha3(s) { return hc("sha3", str(s, "data")); },
    sha3Hex(s) { return hc("sha3Hex", str(s, "data")); },
    ripemd160Hex(s) { return hc("ripemd160Hex", str(s, "data")); },
    verify(algo, msg, sig, pub) { return hc("verify", str(algo, "algorithm"), str(msg, "message"), str(sig, "signature"), str(pub, "pubkey")); },
  };
  // Contract logs never reach the node log: output is not consensus and must not cost the node.
  const noop = () => undefined;
  const console = { log: noop, info: noop, debug: noop, warn: noop, error: noop };

  const counter = {
    incr(n) { const k = +n; charge(k >= 1 ? (k < 1e15 ? floor(k) : 1e15) : 1); },
  };
  /** Strings made by +, += and template literals cost by length (memory is gas). */
  function binaryOp(v) { if (typeof v === "string") charge(floor(v.length / 4)); return v; }
  function spread(v) { charge(1 + len(v)); return v; }

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
    const w = function (...args) {
      charge(before(this, args));
      const r = apply(orig, this, args);
      if (after) charge(after(r));
      return r;
    };
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
  wrap(JSON, "parse", (s, a) => 10 + len(StringF(a[0])));
  wrap(JSON, "stringify", () => 10, (r) => len(r));
  for (const k of ["keys", "values", "entries", "getOwnPropertyNames", "assign", "fromEntries"]) wrap(Object, k, () => 1, (r) => len(r));

  // ---- IOST's forbidden globals; code generation through any function constructor
  for (const k of ["Date", "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Promise", "Reflect", "Proxy",
    "WebAssembly", "Function", "Boolean", "ArrayBuffer", "SharedArrayBuffer", "Atomics", "DataView", "Intl", "EvalError", "RangeError",
    "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError", "InternalError", "parseInt", "parseFloat", "encodeURI",
    "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape", "eval", "BigInt", "Iterator", "Int8Array", "Uint8Array",
    "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array",
    "BigInt64Array", "BigUint64Array"]) delete G[k];
  const fnProtos = [protoOf(noop), protoOf(function* () {}), protoOf(async function () {}), protoOf(async function* () {})];
  for (const p of fnProtos) defineProperty(p, "constructor", { value: undefined, writable: false, configurable: false });
  delete Number.parseInt;
  delete Number.parseFloat;

  const api = { storage, blockchain, IOSTCrypto, BigNumber, Float64, Int64, console,
    tx: jsonParse(txJson), block: jsonParse(blockJson),
    _IOSTInstruction_counter: counter, _IOSTBinaryOp: binaryOp, _IOSTSpreadElement: spread };
  for (const k of names(api)) defineProperty(G, k, { value: api[k], writable: false, enumerable: false, configurable: false });
  // A fresh context per call: what a contract changes only affects itself. Freezing is for the gas
  // counter (the injected code calls its incr) and, as IOST does, the host objects and core prototypes.
  // Shallow on a fixed list: deep-freezing every global cost more than the rest of the call.
  for (const o of [counter, storage, blockchain, IOSTCrypto, console, api.tx, api.block, BigNumber, BigNumber.prototype, Float64,
    Float64.prototype, Int64, Int64.prototype, Object.prototype, Array.prototype, String.prototype, Number.prototype, Math, JSON,
    iterProto].concat(fnProtos)) freeze(o);
  G.module = { exports: undefined };
  used = 0; // what the prelude itself paid through the wrappers is not the contract's
  return () => (oog ? -1 : used);
})`;

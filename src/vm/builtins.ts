/**
 * Every member QuickJS exposes to contract code after the prelude, and how it
 * is treated: `metered` (the prelude wraps it with a charge proportional to
 * its work or allocation; `cost` names the formula, see prelude.ts), `safe`
 * (left native: `why` says why it is O(1) or bounded by a constant, or paid
 * elsewhere) or `removed` (the prelude deletes it; IOST's whitelists remove
 * most members before this table is consulted, and the whitelisted remains are
 * what is listed). test/unit/vm/builtins.test.ts walks the live sandbox
 * (globals, prototypes, accessors, symbols, iterator prototypes, lazy host
 * globals) and fails on any member missing here or treated otherwise, so a
 * QuickJS upgrade that adds a builtin fails that test.
 *
 * Paths: `Owner.member` from globalThis; `%Name%` for intrinsics reached only
 * through instances; `[Symbol.x]` for symbol keys; `#get`/`#set` for accessors;
 * `Owner.*` for plain data of an instance or host object. A function's own
 * `length` and `name`, and the `prototype` object of a prelude-defined
 * function, are constant data and not listed.
 */
export type Cost =
  | "string" // String.prototype wrappers: length of this and args, searches by length × pattern (prelude.ts)
  | "array" // Array.prototype wrappers: 1 + length, sort n log n, join by result
  | "own" // prelude/module JS that charges itself (charge or a host call)
  | "result" // 1 + result length / 4 (toString results)
  | "count" // 1 + result length (Object.keys & co.: one value per own property)
  | "args" // 1 + argument count (the arguments themselves were paid where they were made)
  | "apply" // 1 + length of the array-like of arguments
  | "key" // 1 + length / 4 of the first argument when a string (hashed into an atom)
  | "key1" // the same for the second argument
  | "props" // 1 + own property count of the first argument (walked natively)
  | "props1" // 1 + 4 × own property count of the second argument (descriptors read and defined)
  | "descriptors" // 1 + 4 × own property count of the first argument (one descriptor object each)
  | "entries" // 1 + length of the iterable, an iterator being drained at 1 per element first
  | "number"; // 1 + length / 4 of a string argument (parsed)

export type Treatment = { t: "metered"; cost: Cost } | { t: "safe"; why: string } | { t: "removed" };

const DATA = "plain data: reading it does no work";
const O1 = "O(1), no allocation";
const LOOKUP = "a prototype-chain walk, as any member access (charged as a MemberExpression)";
const BOUNDED = "output bounded by a double's width (at most ~1,100 chars), whatever the input";
const CTOR = "constructor: Array(n) only sets the length (elements allocate when written, each write paid); the other arguments were paid where made";
const STEP = "one iterator step; bulk consumers pay per element (spread via _IOSTSpreadElement, for-of per iteration)";
const VARIADIC = "O(arguments), which were paid where they were made or spread";

export const BUILTINS: Record<string, Treatment> = {};
const add = (t: Treatment, paths: string) => {
  for (const p of paths.trim().split(/\s+/)) BUILTINS[p] = t;
};
const safe = (why: string, paths: string) => add({ t: "safe", why }, paths);
const metered = (cost: Cost, paths: string) => add({ t: "metered", cost }, paths);

// ---- globals
safe(DATA, "Error.prototype Array.prototype Object.prototype Number.prototype String.prototype Symbol.prototype");
safe(DATA, "Infinity NaN undefined globalThis Math JSON module [Symbol.toStringTag] tx block _IOSTInstruction_counter module.exports");
safe(CTOR, "Error Array Object Number String Symbol Error.prototype.constructor Array.prototype.constructor Object.prototype.constructor");
safe(CTOR, "Number.prototype.constructor String.prototype.constructor Symbol.prototype.constructor");
safe(DATA, "tx.* block.* %template%.* %error%.* %arguments%.length");
safe("the contract's own functions and their prototype objects", "%arguments%.callee %func%.* %class%.*");
metered(
  "own",
  "_IOSTBinaryOp _IOSTSpreadElement _IOSTInstruction_counter.incr BigNumber#get Float64#get Int64#get storage#get blockchain#get IOSTCrypto#get console#get",
);
// The prelude's hand-over of a call's wrapper and function (sandbox.ts): O(1), then undefined.
metered("own", "_IOSTRun#get _IOSTCall#get");
metered("number", "isNaN isFinite");
removed("Object.groupBy String.raw Object.defineProperties");

// ---- Object
safe(O1, "Object.getPrototypeOf Object.is Object.isExtensible Object.preventExtensions Error.isError Array.isArray Array.[Symbol.species]#get");
safe(
  LOOKUP,
  "Object.setPrototypeOf Object.prototype.isPrototypeOf Object.prototype.__proto__#get Object.prototype.__proto__#set Function.prototype.[Symbol.hasInstance]",
);
metered("props1", "Object.create");
metered("key1", "Object.defineProperty Object.getOwnPropertyDescriptor Object.hasOwn");
metered("props", "Object.getOwnPropertySymbols Object.seal Object.freeze Object.isSealed Object.isFrozen Object.assign");
metered("descriptors", "Object.getOwnPropertyDescriptors");
metered("count", "Object.getOwnPropertyNames Object.keys Object.values Object.entries");
metered("entries", "Object.fromEntries");
safe(O1, "Object.prototype.toString Object.prototype.valueOf");
safe("calls this.toString(), paid as contract code or by its wrapper", "Object.prototype.toLocaleString");
metered("key", "Object.prototype.hasOwnProperty Object.prototype.propertyIsEnumerable Object.prototype.__defineGetter__ Object.prototype.__defineSetter__");
metered("key", "Object.prototype.__lookupGetter__ Object.prototype.__lookupSetter__");

// ---- Function
metered("apply", "Function.prototype.apply");
metered("args", "Function.prototype.call Function.prototype.bind");
metered("result", "Function.prototype.toString Error.prototype.toString Symbol.prototype.toString");
safe(
  "throws (strict functions)",
  "Function.prototype.caller#get Function.prototype.caller#set Function.prototype.arguments#get Function.prototype.arguments#set",
);
safe(O1, "Function.prototype.fileName#get Function.prototype.lineNumber#get Function.prototype.columnNumber#get");
safe(DATA, "Function.prototype.constructor Error.prototype.name Error.prototype.message");

// ---- Number, Math, Symbol, String statics
safe(O1, "Number.isNaN Number.isFinite Number.isInteger Number.isSafeInteger Number.prototype.valueOf");
safe(DATA, "Number.MAX_VALUE Number.MIN_VALUE Number.NaN Number.NEGATIVE_INFINITY Number.POSITIVE_INFINITY Number.EPSILON");
safe(DATA, "Number.MAX_SAFE_INTEGER Number.MIN_SAFE_INTEGER");
safe(BOUNDED, "Number.prototype.toExponential Number.prototype.toFixed Number.prototype.toPrecision Number.prototype.toString Number.prototype.toLocaleString");
safe(O1, "Math.abs Math.floor Math.ceil Math.round Math.sqrt Math.log Math.pow Math.log1p Math.log10 Math.cbrt");
safe(VARIADIC, "Math.min Math.max");
safe(DATA, "Math.E Math.LN10 Math.LN2 Math.LOG2E Math.LOG10E Math.PI Math.SQRT1_2 Math.SQRT2 Math.[Symbol.toStringTag]");
safe(DATA, "Symbol.toPrimitive Symbol.iterator Symbol.match Symbol.matchAll Symbol.replace Symbol.search Symbol.split Symbol.toStringTag");
safe(DATA, "Symbol.isConcatSpreadable Symbol.hasInstance Symbol.species Symbol.unscopables Symbol.asyncIterator Symbol.prototype.[Symbol.toStringTag]");
metered("key", "Symbol.for");
safe(O1, "Symbol.keyFor Symbol.prototype.valueOf Symbol.prototype.description#get Symbol.prototype.[Symbol.toPrimitive]");
metered("args", "String.fromCharCode String.fromCodePoint");
metered("own", "JSON.parse JSON.stringify");
safe(DATA, "JSON.[Symbol.toStringTag]");

// ---- String.prototype and Array.prototype (IOST's whitelists)
metered(
  "string",
  `String.prototype.charCodeAt String.prototype.charAt String.prototype.concat String.prototype.indexOf String.prototype.lastIndexOf
  String.prototype.includes String.prototype.endsWith String.prototype.startsWith String.prototype.search String.prototype.split String.prototype.substring
  String.prototype.slice String.prototype.repeat String.prototype.replace String.prototype.trim String.prototype.trimRight String.prototype.trimLeft
  String.prototype.toString String.prototype.valueOf String.prototype.toLowerCase String.prototype.toUpperCase`,
);
safe(DATA, "String.prototype.length Array.prototype.length");
metered(
  "array",
  `Array.prototype.concat Array.prototype.every Array.prototype.forEach Array.prototype.map Array.prototype.filter Array.prototype.find
  Array.prototype.findIndex Array.prototype.indexOf Array.prototype.lastIndexOf Array.prototype.includes Array.prototype.join Array.prototype.toString
  Array.prototype.pop Array.prototype.push Array.prototype.shift Array.prototype.unshift Array.prototype.reverse Array.prototype.sort Array.prototype.slice
  Array.prototype.splice Array.prototype.keys`,
);
safe(
  DATA,
  `Array.prototype.[Symbol.unscopables] Array.prototype.[Symbol.unscopables].at Array.prototype.[Symbol.unscopables].copyWithin
  Array.prototype.[Symbol.unscopables].entries Array.prototype.[Symbol.unscopables].fill Array.prototype.[Symbol.unscopables].find
  Array.prototype.[Symbol.unscopables].findIndex Array.prototype.[Symbol.unscopables].findLast Array.prototype.[Symbol.unscopables].findLastIndex
  Array.prototype.[Symbol.unscopables].flat Array.prototype.[Symbol.unscopables].flatMap Array.prototype.[Symbol.unscopables].includes
  Array.prototype.[Symbol.unscopables].keys Array.prototype.[Symbol.unscopables].toReversed Array.prototype.[Symbol.unscopables].toSorted
  Array.prototype.[Symbol.unscopables].toSpliced Array.prototype.[Symbol.unscopables].values`,
);

// ---- iterators
safe(O1 + ": makes an iterator", "Array.prototype.[Symbol.iterator] String.prototype.[Symbol.iterator] %arguments%.[Symbol.iterator]");
safe(STEP, "%ArrayIteratorPrototype%.next %StringIteratorPrototype%.next");
safe(O1, "%IteratorPrototype%.[Symbol.iterator] %IteratorPrototype%.constructor#get %IteratorPrototype%.constructor#set");
safe(O1, "%IteratorPrototype%.[Symbol.toStringTag]#get %IteratorPrototype%.[Symbol.toStringTag]#set");
safe(DATA, "%ArrayIteratorPrototype%.[Symbol.toStringTag] %StringIteratorPrototype%.[Symbol.toStringTag]");

function removed(paths: string): void {
  add({ t: "removed" }, paths);
}

/** The IOST host objects and number classes: module code (prelude-host.ts, prelude-numbers.ts) that charges itself. */
for (const owner of ["BigNumber", "Float64", "Int64", "storage", "blockchain", "IOSTCrypto", "console"]) {
  BUILTINS[owner + ".*"] = { t: "metered", cost: "own" };
}

/** The treatment of a path: exact, else its owner's `*` entry. */
export function treatmentOf(path: string): Treatment | undefined {
  if (BUILTINS[path]) return BUILTINS[path];
  for (let i = path.lastIndexOf("."); i > 0; i = path.lastIndexOf(".", i - 1)) {
    const t = BUILTINS[path.slice(0, i) + ".*"];
    if (t) return t;
  }
  return undefined;
}

/** What the prelude must delete, and wrap (the generic formulas; "string", "array" and "own" are the prelude's own code). */
export const REMOVED = Object.keys(BUILTINS).filter((p) => BUILTINS[p].t === "removed");
export const WRAPPED = Object.keys(BUILTINS)
  .filter((p) => {
    const t = BUILTINS[p];
    return t.t === "metered" && !["string", "array", "own"].includes(t.cost);
  })
  .map((p) => [p, (BUILTINS[p] as { cost: Cost }).cost]);

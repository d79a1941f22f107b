/**
 * Contract-side source that lists every member QuickJS exposes after the prelude: the own
 * properties (symbols too, accessors' getters and setters) of every object reachable from
 * globalThis and from what contract syntax can make (arrays, strings, iterators, arguments,
 * functions, classes, template objects), following prototypes. Evaluates to a JSON object
 * `{ "<owner>.<member>": "native" | "js" | "data" }`; a function's own `length` and `name`
 * are left out (constant data on every function).
 */
export const WALK_SOURCE = String.raw`(() => {
  const protoOf = Object.getPrototypeOf;
  const own = (o) => Object.getOwnPropertyNames(o).concat(Object.getOwnPropertySymbols ? Object.getOwnPropertySymbols(o) : []);
  const desc = Object.getOwnPropertyDescriptor, fnStr = protoOf(protoOf).toString;
  const kind = (v) => (typeof v === "function" ? (fnStr.call(v).indexOf("[native code]") >= 0 ? "native" : "js") : "data");
  const paths = [], out = {}, queue = [];
  // Objects only reachable through a chain of prototypes get their usual names.
  const fixed = [Object.prototype, "Object.prototype", protoOf(protoOf), "Function.prototype", protoOf(protoOf([][Symbol.iterator]())), "%IteratorPrototype%"];
  const add = (o, path) => {
    if ((typeof o !== "object" && typeof o !== "function") || o === null || queue.indexOf(o) >= 0) return;
    const f = fixed.indexOf(o);
    queue.push(o);
    paths.push(f >= 0 ? fixed[f + 1] : path);
  };
  const args = (function () { return arguments; })();
  const tpl = ((s) => s)${"``"};
  class K {}
  const roots = [[globalThis, ""], [BigNumber, "BigNumber"], [Float64, "Float64"], [Int64, "Int64"], [storage, "storage"], [blockchain, "blockchain"],
    [IOSTCrypto, "IOSTCrypto"], [console, "console"], [protoOf([][Symbol.iterator]()), "%ArrayIteratorPrototype%"],
    [protoOf(""[Symbol.iterator]()), "%StringIteratorPrototype%"], [args, "%arguments%"], [tpl, "%template%"], [() => 1, "%arrow%"],
    [function () {}, "%func%"], [K, "%class%"], [new Error("e"), "%error%"], [Symbol("s"), "%symbol%"]];
  // Breadth first from globalThis before the other roots, so that each object is named by its shortest global path.
  for (let r = 0, i = 0; r < roots.length; r++) {
    add(typeof roots[r][0] === "symbol" ? protoOf(roots[r][0]) : roots[r][0], roots[r][1]);
    for (; i < queue.length; i++) {
      const o = queue[i], path = paths[i];
      const isFn = typeof o === "function";
      for (const k of own(o)) {
        if (isFn && (k === "length" || k === "name")) continue;
        const key = typeof k === "symbol" ? "[" + String(k).slice(7, -1) + "]" : k;
        const d = desc(o, k);
        const at = (path === "" ? "" : path + ".") + key;
        if ("value" in d) {
          out[at] = kind(d.value);
          add(d.value, at);
        } else {
          if (d.get) { out[at + "#get"] = kind(d.get); add(d.get, at + "#get"); }
          if (d.set) { out[at + "#set"] = kind(d.set); add(d.set, at + "#set"); }
        }
      }
      const p = protoOf(o);
      if (p !== null) add(p, (path === "" ? "globalThis" : path) + ".__proto__");
    }
  }
  return JSON.stringify(out);
})()`;

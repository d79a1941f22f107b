import { describe, expect, it } from "vitest";
import { BUILTINS, treatmentOf } from "../../../src/vm/builtins";
import { runSandbox } from "../../../src/vm/sandbox";
import { act, call, Chain, deploy, makeTx, vmReady } from "./helpers";
import { WALK_SOURCE } from "./walk";

await vmReady();

/** Every member the live sandbox exposes: "native" | "js" | "data". */
function liveMembers(): Record<string, string> {
  const r = runSandbox({ code: "", call: `() => (${WALK_SOURCE})`, budget: 1e9, txJson: "{}", blockJson: "{}", host: () => null });
  if (r.error) throw r.error;
  return JSON.parse(r.value!) as Record<string, string>;
}

describe("the builtins table covers everything QuickJS exposes", () => {
  const live = liveMembers();

  it("every live member is in the table and treated as it says", () => {
    const wrong: string[] = [];
    for (const [path, kind] of Object.entries(live)) {
      // The prototype object of a prelude-defined function (and its constructor link) is plain data.
      const m = /^(.*)\.prototype(\.constructor)?$/.exec(path);
      if (m && live[m[1]] === "js") continue;
      const t = treatmentOf(path);
      if (!t) wrong.push(`${path}: not in the table`);
      else if (t.t === "removed") wrong.push(`${path}: should be removed`);
      else if (t.t === "metered" && kind !== "js" && !(kind === "data" && path.split(".").length > 1 && !BUILTINS[path]))
        wrong.push(`${path}: should be metered, is ${kind}`);
      else if (t.t === "safe" && kind === "js" && !/^%(arguments|func|class)%/.test(path)) wrong.push(`${path}: safe but wrapped`);
    }
    expect(wrong).toEqual([]);
  });

  it("every table entry is live (or removed and absent)", () => {
    const stale = Object.keys(BUILTINS).filter((p) => !p.endsWith(".*") && (BUILTINS[p].t === "removed") === p in live);
    expect(stale).toEqual([]);
  });

  it("every safe entry says why", () => {
    for (const t of Object.values(BUILTINS)) if (t.t === "safe") expect(t.why.length).toBeGreaterThan(5);
  });
});

const BOMBS = `class Bombs {
  init() {}
  keysSpread() { return [...new Array(2e6).keys()].length; }
  iterSpread() { const a = []; for (let i = 0; i < 1000; i++) a.push(i); let n = 0; while (true) n += [...a[Symbol.iterator]()].length; }
  strIterSpread() { const s = "x".repeat(50000); let n = 0; while (true) n += [...s[Symbol.iterator]()].length; }
  fromEntries() { return Object.keys(Object.fromEntries(new Array(2e6).keys())).length; }
  forOf() { let n = 0; for (const k of new Array(1e8).keys()) n++; return n; }
  applyBomb() { return Math.max.apply(null, { length: 1e7 }); }
  applyLoop() { const a = { length: 60000 }; while (true) Math.max.apply(null, a); }
  callArgs() { const a = []; for (let i = 0; i < 60000; i++) a.push(i); const f = function () { return 1; }; while (true) f.call(null, ...a); }
  bindBomb() { const a = []; for (let i = 0; i < 60000; i++) a.push(i); while (true) Math.max.bind(null, ...a); }
  descriptors() { const o = {}; for (let i = 0; i < 20000; i++) o["k" + i] = i; while (true) Object.getOwnPropertyDescriptors(o); }
  freezeLoop() { const o = {}; for (let i = 0; i < 20000; i++) o["k" + i] = i; while (true) Object.isFrozen(o); }
  bigArray() { const a = new Array(1e8); return a.join(",").length; }
  joinBomb() { return Array(1e7).join("xx").length; }
  concatBomb() { let s = "ab"; while (true) s = s.concat(s); }
  keyLoop() { const k = "k".repeat(1000000), o = {}; while (true) o.hasOwnProperty(k); }
  fnText() { const f = function () { return "${"x".repeat(30000)}"; }; while (true) f.toString(); }
  gone() { return [typeof Object.groupBy, typeof String.raw, typeof Object.defineProperties].join(","); }
  small() { return [...[1, 2, 3].keys()].concat(Object.keys(Object.fromEntries([["a", 1]]))).join(","); }
}
module.exports = Bombs;`;
const NAMES = [
  "keysSpread",
  "iterSpread",
  "strIterSpread",
  "fromEntries",
  "forOf",
  "applyBomb",
  "applyLoop",
  "callArgs",
  "bindBomb",
  "descriptors",
  "freezeLoop",
  "bigArray",
  "joinBomb",
  "concatBomb",
  "keyLoop",
  "fnText",
];

describe("builtins that allocate or iterate pay in proportion", () => {
  const chain = new Chain();
  const { id } = deploy(
    chain,
    BOMBS,
    [...NAMES, "gone", "small"].map((name) => ({ name, args: [] })),
  );
  chain.receipt(makeTx([act("gas.iost", "pledge", ["admin", "admin", "1000"])])); // 4,000,000 gas: the largest gas limit

  it("the issue's triggers end the tx with out of gas (or the VM's out of memory) at the largest gas limit", () => {
    for (const m of NAMES) {
      chain.advance(100n);
      const r = call(chain, id, m, [], { gasLimit: 4_000_000n });
      // keysSpread drains 2e6 keys into one array: past the allocation limit before the gas runs out.
      expect([m, r.statusCode, r.message]).toEqual([m, "RUNTIME_ERROR", expect.stringMatching(/^out of gas$|error: out of memory$/)]);
    }
  });

  it("removed builtins are gone; small uses still work", () => {
    expect(JSON.parse(call(chain, id, "gone", []).returns[0])).toEqual(["undefined,undefined,undefined"]);
    expect(JSON.parse(call(chain, id, "small", []).returns[0])).toEqual(["0,1,2,a"]);
  });

  it("a spread of an iterator costs about two gas per element", () => {
    const gas = (n: number) => {
      const src = `class S { init() {} go() { return [...new Array(${n}).keys()].length; } }\nmodule.exports = S;`;
      const { id: s } = deploy(chain, src, [{ name: "go", args: [] }]);
      return call(chain, s, "go", []).gasUsage / 100n;
    };
    const d = gas(20_000) - gas(10_000);
    expect(d).toBeGreaterThanOrEqual(20_000n);
    expect(d).toBeLessThan(22_000n);
  });
});

const ROWS = `class Rows {
  init() {}
  bigThrow() { throw "m".repeat(3e6); }
  bigReceipt() { blockchain.receipt("\u00e9".repeat(40000)); }
  bigInput(i) {
    const s = "i".repeat(65537);
    if (i === 0) storage.put("k", s);
    if (i === 1) storage.mapGet(s, "f");
    if (i === 2) blockchain.call(s, "a", "[]");
    if (i === 3) blockchain.event(s);
    storage.put("k", "i".repeat(65536));
    return storage.get("k").length;
  }
  manyReceipts() { const s = "r".repeat(60000); for (let i = 0; i < 5; i++) blockchain.receipt(s); }
  manyEvents() { const s = "e".repeat(60000); for (let i = 0; i < 5; i++) blockchain.event(s); }
  fewReceipts() { const s = "r".repeat(60000); for (let i = 0; i < 4; i++) blockchain.receipt(s); return "ok"; }
  bigResult() { return "x".repeat(70000); }
}
module.exports = Rows;`;

describe("byte caps on what a tx leaves in its receipt", () => {
  const chain = new Chain();
  const names = ["bigThrow", "bigReceipt", "manyReceipts", "manyEvents", "fewReceipts", "bigResult"];
  const { id } = deploy(chain, ROWS, [...names.map((name) => ({ name, args: [] as string[] })), { name: "bigInput", args: ["number"] }]);
  chain.receipt(makeTx([act("gas.iost", "pledge", ["admin", "admin", "1000"])]));
  const run = (m: string) => call(chain, id, m, [], { gasLimit: 4_000_000n });

  it("an uncaught exception's text is cut to 4,096 chars", () => {
    const r = run("bigThrow");
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message.length).toBe(4096 + 3);
    expect(r.message).toMatch(/Uncaught exception: m+\.\.\.$/);
  });

  it("receipts and events: 64 KB each, 256 KB per tx, else a tx error that keeps none", () => {
    expect(run("bigReceipt").message).toContain("receipt too long: 80000 bytes > 65536");
    for (const m of ["manyReceipts", "manyEvents"]) {
      const r = run(m);
      expect([r.statusCode, r.receipts]).toEqual(["RUNTIME_ERROR", []]);
      expect(r.message).toContain("exceeds the tx's 262144 bytes of receipts and events");
    }
    const ok = run("fewReceipts");
    expect([ok.statusCode, ok.receipts.length]).toEqual(["SUCCESS", 4]);
  });

  it("a string over 65,536 chars handed to the host is IOST's input string too long (go-iost test/v8vm danger.js putlong)", () => {
    for (let i = 0; i < 4; i++) {
      const r = call(chain, id, "bigInput", [i], { gasLimit: 4_000_000n });
      expect([r.statusCode, r.message]).toEqual(["RUNTIME_ERROR", expect.stringContaining("Uncaught exception: Error: input string too long")]);
    }
    expect(call(chain, id, "bigInput", [-1], { gasLimit: 4_000_000n }).returns).toEqual(['["65536"]']);
  });

  it("a contract result over 65,536 bytes is IOST's result too long", () => {
    expect(run("bigResult").message).toContain("result too long");
  });
});

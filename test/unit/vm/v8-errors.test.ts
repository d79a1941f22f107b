/**
 * V8 7.0's exception texts where QuickJS words them otherwise (src/vm/v8-errors.ts): the
 * translation itself, and contracts meeting them (go-iost test/v8vm/test_data/danger.js,
 * vm_test.go TestEngine_Danger) with the gas they used before the translation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { v8JsonError, v8Message } from "../../../src/vm/v8-errors";
import { Chain, call, deploy, vmReady } from "./helpers";

describe("v8Message", () => {
  it("words QuickJS's property and reference errors as V8 does", () => {
    expect(v8Message("TypeError", "cannot set property 'c' of undefined")).toBe("Cannot set property 'c' of undefined");
    expect(v8Message("TypeError", "cannot read property 'x y' of null")).toBe("Cannot read property 'x y' of null");
    expect(v8Message("ReferenceError", "'foo' is not defined")).toBe("foo is not defined");
  });

  it("leaves what it cannot word exactly, and other kinds, as they are", () => {
    expect(v8Message("TypeError", "cannot read property of undefined")).toBe("cannot read property of undefined");
    expect(v8Message("TypeError", "not a function")).toBe("not a function");
    expect(v8Message("Error", "cannot read property 'x' of undefined")).toBe("cannot read property 'x' of undefined");
  });
});

describe("v8JsonError", () => {
  it("is null for valid JSON", () => {
    for (const t of ['{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]}', " [ ] ", "0", '""', '{"a":{"b":{}}}']) expect(v8JsonError(t), t).toBeNull();
  });

  it("names the first character V8's parser cannot take", () => {
    const cases: [string, string][] = [
      ["[object Object]", "Unexpected token o in JSON at position 1"],
      ["undefined", "Unexpected token u in JSON at position 0"],
      ["", "Unexpected end of JSON input"],
      ["  ", "Unexpected end of JSON input"],
      ['{"a":1,}', "Unexpected token } in JSON at position 7"],
      ["[1,]", "Unexpected token ] in JSON at position 3"],
      ["[1, 2", "Unexpected end of JSON input"],
      ['{"a" 1}', "Unexpected number in JSON at position 5"],
      ['{"a":1 "b":2}', "Unexpected string in JSON at position 7"],
      ["12x", "Unexpected token x in JSON at position 2"],
      ["01", "Unexpected number in JSON at position 1"],
      ["1.", "Unexpected end of JSON input"],
      ["1.e3", "Unexpected token e in JSON at position 2"],
      ["-", "Unexpected end of JSON input"],
      ["tru", "Unexpected end of JSON input"],
      ["trux", "Unexpected token x in JSON at position 3"],
      ["{a:1}", "Unexpected token a in JSON at position 1"],
      ['"a\\q"', "Unexpected token q in JSON at position 3"],
      ['"\\u12g4"', "Unexpected token g in JSON at position 5"],
      ['"a\nb"', "Unexpected token \n in JSON at position 2"],
      ['"abc', "Unexpected end of JSON input"],
      ["[[[[1]]]]]", "Unexpected token ] in JSON at position 9"],
    ];
    for (const [t, m] of cases) expect(v8JsonError(t), JSON.stringify(t)).toBe(m);
  });

  it("scans any depth without host recursion", () => {
    expect(v8JsonError("[".repeat(200_000) + "]".repeat(200_000))).toBeNull();
    expect(v8JsonError("[".repeat(200_000) + "x")).toBe("Unexpected token x in JSON at position 200000");
  });
});

describe("contracts meeting them", () => {
  beforeAll(() => vmReady());
  const bodies = {
    visitUndefined: "let a = undefined; a.c = 1;",
    readNull: "let a = null; return a.c;",
    jsonparse: "JSON.parse({ a: 1 });",
    reviver: 'return JSON.parse("{\\"a\\":1}", function () { throw new Error("mine"); });',
    parsed: 'return JSON.parse("{\\"a\\":[1,2]}").a.length;',
  };
  const code = `class C {\n  init() {}\n${Object.entries(bodies)
    .map(([n, b]) => `  ${n}() { ${b} }`)
    .join("\n")}\n}\nmodule.exports = C;`;

  it("fail with V8's texts and the gas they used with QuickJS's", () => {
    const c = new Chain();
    const { id } = deploy(
      c,
      code,
      Object.keys(bodies).map((name) => ({ name, args: [] })),
    );
    const run = (abi: string) => call(c, id, abi, []);
    const v = run("visitUndefined");
    // What QuickJS's texts cost (measured before the translation): the texts are not metered.
    expect(v.gasUsage).toBe(3352000n);
    expect(v.message).toContain("Uncaught exception: TypeError: Cannot set property 'c' of undefined");
    expect(run("readNull").message).toContain("Uncaught exception: TypeError: Cannot read property 'c' of null");
    const j = run("jsonparse");
    expect(j.gasUsage).toBe(3349500n);
    expect(j.message).toContain("Uncaught exception: SyntaxError: Unexpected token o in JSON at position 1");
    // The text is valid: the reviver's own exception is the one reported.
    expect(run("reviver").message).toContain("Uncaught exception: Error: mine");
    const p = run("parsed");
    expect(p.statusCode).toBe("SUCCESS");
    expect(p.returns).toEqual(['["2"]']);
  });
});

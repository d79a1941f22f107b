import { describe, expect, it } from "vitest";
import { base64Encode } from "../../../src/codec/base64";
import { act, call, Chain, contractJson, deploy, makeTx, vmReady } from "./helpers";

await vmReady();

const ok = (body: string) => `class C {\n  init() {}\n  ${body}\n}\nmodule.exports = C;`;
const deployMsg = (chain: Chain, code: string, abi = [{ name: "f", args: [] as string[] }]) =>
  chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(code, abi)])], { gasLimit: 4_000_000n })).message;

describe("deploy-time validation", () => {
  const chain = new Chain();
  it.each([
    ["generator", ok("*f() {}"), "generator functions are not allowed"],
    ["BigInt literal", ok("f() { return 1n; }"), "BigInt is not allowed"],
    ["constructor", ok("constructor() {}\n  f() {}"), "validate code error: , result: Error: smart contract class shouldn't contain constructor method!!"],
    ["no init", "class C { f() {} }\nmodule.exports = C;", "validate code error: , result: Error: init not found!"],
    [
      "last statement",
      "class C { init() {} f() {} }\nmodule.exports = C;\nvar x = 1;",
      "validate code error: , result: Error: last expression must be 'module.exports = CLASS_IDENTIFIER;'",
    ],
    ["empty", "module.exports = C;", "validate code error: , result: Error: empty source code."],
    ["no class", "class D { init() {} f() {} }\nmodule.exports = C;", "validate code error: , result: Error: abi not match your source code."],
    ["syntax", "class C {", "compile contract:"],
  ])("%s", (_name, code, msg) => {
    expect(deployMsg(chain, code)).toContain(msg);
  });

  // go-iost vm/v8vm/v8/libjs/inject_gas.js (checkInvalidKeyword, processOperator) through sandbox.go Compile.
  it.each([
    ["try/catch", ok("f() { try { x(); } catch (e) {} }"), "use of try catch is not supported"],
    ["catch as a property name (IOST matches keyword tokens)", ok("f(p) { return p.catch; }"), "use of try catch is not supported"],
    ["regex", ok("f() { return /a/.test('a'); }"), "use of RegularExpression is not allowed.undefined"],
    ["async method", ok("async f() {}"), "use of async or await is not supported"],
    ["async arrow", ok("f() { const g = async () => 1; return g; }"), "use of async or await is not supported"],
    ["await as a name", ok("f() { const await = 1; return await; }"), "use of async or await is not supported"],
    ["reserved identifier", ok("f() { return _IOSTInstruction_counter; }"), "use of _IOSTInstruction_counter or _IOSTBinaryOp keyword is not allowed"],
    ["reserved binary op", ok("f() { return _IOSTBinaryOp(1, 2, '+'); }"), "use of _IOSTInstruction_counter or _IOSTBinaryOp keyword is not allowed"],
    [
      "array destructuring",
      ok("f() { const [a] = [1]; return a; }"),
      'use of ArrayPattern or ObjectPattern is not allowed.{"type":"ArrayPattern","elements":[{"type":"Identifier","name":"a"}]}',
    ],
    ["object destructuring", ok("f(o) { const { a } = o; return a; }"), "use of ArrayPattern or ObjectPattern is not allowed."],
  ])("forbidden syntax, IOST's text: %s", (_name, code, msg) => {
    const m = deployMsg(chain, code, [{ name: "f", args: code.includes("f(p)") || code.includes("f(o)") ? ["string"] : [] }]);
    expect(m).toContain(`error: Uncaught exception: Error: ${msg}`);
  });

  it("the first forbidden token in the source wins, and patterns come after every token check (inject_gas.js order)", () => {
    expect(deployMsg(chain, ok("f() { const [a] = [1]; return /x/; }"))).toContain("use of RegularExpression is not allowed.undefined");
    expect(deployMsg(chain, ok("f() { const r = /x/; try { r(); } catch (e) {} }"))).toContain("use of RegularExpression is not allowed.undefined");
    expect(deployMsg(chain, ok("f() { try { _IOSTBinaryOp(); } catch (e) {} }"))).toContain("use of try catch is not supported");
  });

  it("ABI checks", () => {
    const code = ok("f(a) {}");
    const go = (m: string) => `validate code error: , result: Error: ${m}`;
    // go-iost test/integration/vm_test.go Test_Validate asserts these three texts.
    expect(deployMsg(chain, code, [{ name: "c", args: [] }])).toContain(go("abi not defined in source code: c"));
    expect(deployMsg(chain, code, [{ name: "f", args: ["float"] }])).toContain(go('args should be one of ["string", "bool", "number", "json"]'));
    expect(deployMsg(chain, code, [{ name: "init", args: [] }])).toContain(go("abi shouldn't contain internal function: init"));
    expect(deployMsg(chain, code, [{ name: "f", args: [] }])).toContain(go("args length not match: f"));
    expect(deployMsg(chain, code, [{ name: "_f", args: ["string"] }])).toContain(go("abi name invalid. abi name shouldn't start with _"));
    expect(deployMsg(chain, code, [{ name: "f-g", args: ["string"] }])).toContain(go("abi name invalid. abi name contains invalid character -"));
    expect(deployMsg(chain, code, [{ name: "x".repeat(33), args: [] }])).toContain(
      go(`abi name invalid. abi name length should be between 1,32  got ${"x".repeat(33)}`),
    );
    expect(deployMsg(chain, code, [{ name: "f", args: ["string"], amountLimit: [{ token: 1, val: "1" }] } as never])).toContain(
      go("amountLimit invalid. token in amountLimit should be string type. limit = [object Object]"),
    );
    // IOST validates before it injects gas: an ABI error wins over forbidden syntax.
    expect(deployMsg(chain, ok("f(a) { try { a(); } catch (e) {} }"), [{ name: "c", args: [] }])).toContain(go("abi not defined in source code: c"));
    expect(deployMsg(chain, code, [{ name: "f", args: ["string"], amountLimit: [{ token: "nope", val: "1" }] } as never])).toContain(
      "token not exists in amountLimit: nope",
    );
  });

  it("size limit and payload forms", () => {
    expect(deployMsg(chain, ok("f() {}") + "\n//" + "x".repeat(49_152))).toContain("code size invalid");
    // base64 protobuf Contract{ID:"hello"}: decodes, but has no info.
    const noInfo = chain.receipt(makeTx([act("system.iost", "setCode", ["CgVoZWxsbw=="])], { gasLimit: 4_000_000n }));
    expect(noInfo.message).toContain("compile contract: info is required");
    const garbage = chain.receipt(makeTx([act("system.iost", "setCode", ["not base64!"])], { gasLimit: 4_000_000n }));
    expect(garbage.message).toContain("compile contract: invalid base64 protobuf contract");
    const truncated = chain.receipt(makeTx([act("system.iost", "setCode", ["EgU="])], { gasLimit: 4_000_000n }));
    expect(truncated.message).toContain("compile contract: invalid base64 protobuf contract: truncated field");
  });

  it("a base64 protobuf contract deploys and runs like its JSON form", () => {
    const src = ok('f(x) { return "got " + x; }');
    const payload = base64Encode(protoContract(src, "f", ["string"]));
    const r = chain.receipt(makeTx([act("system.iost", "setCode", [payload])], { gasLimit: 4_000_000n }));
    expect(r.statusCode, r.message).toBe("SUCCESS");
    const id = (JSON.parse(r.returns[0]) as string[])[0];
    chain.advance(1n);
    const out = chain.receipt(makeTx([act(id, "f", ["it"])], { gasLimit: 1_000_000n }));
    expect(out.returns).toEqual(['["got it"]']);
    const json = chain.receipt(
      makeTx([act("system.iost", "setCode", [contractJson(src, [{ name: "f", args: ["string"] }])])], { gasLimit: 4_000_000n, time: chain.time + 1n }),
    );
    expect(json.ramUsage).toEqual(r.ramUsage);
  });

  it("one deploy per tx", () => {
    const c = contractJson(ok("f() {}"), [{ name: "f", args: [] }]);
    const r = chain.receipt(makeTx([act("system.iost", "setCode", [c]), act("system.iost", "setCode", [c])], { gasLimit: 4_000_000n }));
    expect(r.message).toContain("contract exists");
  });
});

/** Protobuf bytes of go-iost contract.Contract{info{lang,version,abi[{name,args}]}, code}. */
function protoContract(code: string, abi: string, args: string[]): Uint8Array {
  const enc = new TextEncoder();
  const field = (n: number, body: Uint8Array): number[] => {
    const len: number[] = [];
    for (let v = body.length; ; v >>= 7) {
      if (v < 0x80) {
        len.push(v);
        break;
      }
      len.push((v & 0x7f) | 0x80);
    }
    return [(n << 3) | 2, ...len, ...body];
  };
  const str = (n: number, s: string) => field(n, enc.encode(s));
  const abiMsg = [...str(1, abi), ...args.flatMap((a) => str(2, a))];
  const info = [...str(1, "javascript"), ...str(2, "1.0.0"), ...field(3, new Uint8Array(abiMsg))];
  return new Uint8Array([...field(2, new Uint8Array(info)), ...str(3, code)]);
}

describe("nesting cap before parsing", () => {
  const wrap = (body: string) => `class N {\n init() {}\n go() { return ${body}; }\n}\nmodule.exports = N;`;
  const deep: Record<string, string> = {
    parens: "(".repeat(1000) + "1" + ")".repeat(1000),
    brackets: "[".repeat(1000) + "]".repeat(1000),
    braces: "{a:".repeat(1000) + "1" + "}".repeat(1000),
    sums: "1" + "+(1".repeat(1000) + ")".repeat(1000),
    arrows: "x => ".repeat(1000) + "1",
    ternaries: "1 ? 1 : ".repeat(1000) + "1",
    members: "this" + ".a".repeat(2000),
    chain: "1" + "+1".repeat(5000),
    functions: "function () { return ".repeat(500) + "1" + "; }".repeat(500),
  };
  for (const [kind, body] of Object.entries(deep))
    it(`refuses ${kind} nested past the cap, without parsing`, () => {
      const chain = new Chain();
      const r = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(wrap(body), [])])], { gasLimit: 4_000_000n }));
      expect(r.statusCode).toBe("RUNTIME_ERROR");
      expect(r.message).toContain("compile contract: code nested deeper than 128");
    });

  it("deep but allowed code deploys and runs identically on two fresh chains", () => {
    const body = "(".repeat(60) + "1" + "+1".repeat(40) + ")".repeat(60);
    const runs = [new Chain(), new Chain()].map((chain) => {
      const { id } = deploy(chain, wrap(body), [{ name: "go", args: [] }]);
      return call(chain, id, "go", []);
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(JSON.parse(runs[0].returns[0])).toEqual(["41"]);
  });
});

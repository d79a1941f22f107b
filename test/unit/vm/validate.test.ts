import { describe, expect, it } from "vitest";
import { act, Chain, contractJson, makeTx, vmReady } from "./helpers";

await vmReady();

const ok = (body: string) => `class C {\n  init() {}\n  ${body}\n}\nmodule.exports = C;`;
const deployMsg = (chain: Chain, code: string, abi = [{ name: "f", args: [] as string[] }]) =>
  chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(code, abi)])], { gasLimit: 4_000_000n })).message;

describe("deploy-time validation", () => {
  const chain = new Chain();
  it.each([
    ["try/catch", ok("f() { try { x(); } catch (e) {} }"), "try/catch is not allowed"],
    ["regex", ok("f() { return /a/.test('a'); }"), "regular expression is not allowed"],
    ["async", ok("async f() {}"), "async/await is not allowed"],
    ["generator", ok("*f() {}"), "generator functions are not allowed"],
    ["destructuring", ok("f() { const [a] = [1]; return a; }"), "destructuring is not allowed"],
    ["reserved identifier", ok("f() { return _IOSTInstruction_counter; }"), "identifier _IOSTInstruction_counter is reserved"],
    ["BigInt literal", ok("f() { return 1n; }"), "BigInt is not allowed"],
    ["constructor", ok("constructor() {}\n  f() {}"), "shouldn't contain constructor"],
    ["no init", "class C { f() {} }\nmodule.exports = C;", "init not found"],
    ["last statement", "class C { init() {} f() {} }\nmodule.exports = C;\nvar x = 1;", "the last statement must be `module.exports = <class name>;`"],
    ["syntax", "class C {", "compile contract:"],
  ])("%s", (_name, code, msg) => {
    expect(deployMsg(chain, code)).toContain(msg);
  });

  it("ABI checks", () => {
    const code = ok("f(a) {}");
    expect(deployMsg(chain, code, [{ name: "f", args: [] }])).toContain("abi f not found in contract or args length unmatched");
    expect(deployMsg(chain, code, [{ name: "f", args: ["float"] }])).toContain("abi f args invalid");
    expect(deployMsg(chain, code, [{ name: "_f", args: ["string"] }])).toContain("abi name invalid: _f");
    expect(deployMsg(chain, code, [{ name: "init", args: [] }])).toContain("abi shouldn't contain internal function: init");
    expect(deployMsg(chain, code, [{ name: "f", args: ["string"], amountLimit: [{ token: "nope", val: "1" }] } as never])).toContain(
      "token not exists in amountLimit: nope",
    );
  });

  it("size limit and payload forms", () => {
    expect(deployMsg(chain, ok("f() {}") + "\n//" + "x".repeat(49_152))).toContain("code size invalid");
    const r = chain.receipt(makeTx([act("system.iost", "setCode", ["CgVoZWxsbw=="])], { gasLimit: 4_000_000n }));
    expect(r.message).toContain("only the contract JSON form is supported, not base64 protobuf");
  });

  it("one deploy per tx", () => {
    const c = contractJson(ok("f() {}"), [{ name: "f", args: [] }]);
    const r = chain.receipt(makeTx([act("system.iost", "setCode", [c]), act("system.iost", "setCode", [c])], { gasLimit: 4_000_000n }));
    expect(r.message).toContain("contract exists");
  });
});

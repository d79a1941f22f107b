/**
 * Compatibility (issue 16 "Messages"): go-iost test/integration/vm_test.go Test_Validate deploys
 * three contracts whose ABI does not fit the source and asserts the receipt's message
 * (vm/v8vm/sandbox.go Validate wrapping validate.js's Error). This node's receipts carry the
 * same texts; test/unit/vm/validate.test.ts has every other validate.js case.
 */
import { describe, expect, it } from "vitest";
import { act, Chain, contractJson, makeTx, vmReady } from "../vm/helpers";

await vmReady();

const SRC = "class C {\n  init() {}\n  a(x) {}\n}\nmodule.exports = C;";

describe("deploy validation messages (go-iost Test_Validate)", () => {
  const chain = new Chain();
  it.each([
    ["an ABI the class lacks", [{ name: "c", args: [] }], "abi not defined in source code: c"],
    ["an argument type IOST does not know", [{ name: "a", args: ["int"] }], 'args should be one of ["string", "bool", "number", "json"]'],
    ["init in the ABI", [{ name: "init", args: [] }], "abi shouldn't contain internal function: init"],
  ])("%s", (_case, abi, text) => {
    const r = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(SRC, abi)])], { gasLimit: 4_000_000n, time: chain.time }));
    chain.advance(1n);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toMatch(/^running action Action\{Contract: system\.iost, ActionName: setCode, Data: /);
    expect(r.message.endsWith(`error: validate code error: , result: Error: ${text}`)).toBe(true);
  });
});

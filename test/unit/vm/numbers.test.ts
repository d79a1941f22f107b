import { describe, expect, it } from "vitest";
import { call, Chain, deploy, ret, vmReady } from "./helpers";

await vmReady(); // describe bodies deploy at collection time

const NUMS = `class N {
  init() {}
  bn(op, a, b) { const x = new BigNumber(a); return typeof x[op] === "function" ? x[op](b).toString() : "no " + op; }
  fixed(a, dp) { return new BigNumber(a).toFixed(dp); }
  f64(a) { return new Float64(a).toString(); }
  i64(a, b) { return new Int64(a).div(b).toString(); }
  cmp(a, b) { return [new Float64(a).lt(b), new Float64(a).eq(b), new BigNumber(a).isPositive(), new BigNumber(a).isZero()].join(); }
}
module.exports = N;`;

describe("BigNumber / Float64 / Int64 (IOST's bignumber.js config: 50 places, ROUND_DOWN)", () => {
  const chain = new Chain();
  const { id } = deploy(chain, NUMS, [
    { name: "bn", args: ["string", "string", "string"] },
    { name: "fixed", args: ["string", "number"] },
    { name: "f64", args: ["string"] },
    { name: "i64", args: ["string", "string"] },
    { name: "cmp", args: ["string", "string"] },
  ]);
  const bn = (op: string, a: string, b: string) => ret(call(chain, id, "bn", [op, a, b]));

  it("exact decimal arithmetic", () => {
    expect(bn("plus", "0.1", "0.2")).toBe("0.3");
    expect(bn("minus", "1", "1.000000001")).toBe("-1e-9");
    expect(bn("times", "1.5", "-2")).toBe("-3");
    expect(bn("div", "1", "3")).toBe("0." + "3".repeat(50));
    expect(bn("div", "-2", "3")).toBe("-0." + "6".repeat(50));
    expect(bn("mod", "-7", "3")).toBe("-1");
    expect(bn("pow", "2", "10")).toBe("1024");
    expect(bn("pow", "2", "-2")).toBe("0.25");
    expect(bn("plus", "123456789012345678901", "0")).toBe("123456789012345678901");
    expect(bn("plus", "1e21", "0")).toBe("1e+21");
    expect(bn("plus", "0.0000001", "0")).toBe("1e-7");
    expect(bn("plus", "0.000001", "0")).toBe("0.000001");
    expect(ret(call(chain, id, "fixed", ["1.999", 2]))).toBe("1.99");
    expect(ret(call(chain, id, "fixed", ["-1.5", 3]))).toBe("-1.500");
  });

  it("errors are clean exceptions", () => {
    expect(call(chain, id, "bn", ["div", "1", "0"]).message).toContain("[BigNumber Error] division by zero");
    expect(call(chain, id, "bn", ["plus", "abc", "1"]).message).toContain("[BigNumber Error] Not a number: abc");
    expect(call(chain, id, "bn", ["pow", "10", "5000"]).message).toContain("[BigNumber Error] Number out of range");
    expect(call(chain, id, "f64", ["9223372036854775808"]).message).toContain("Float64: 9223372036854775808 overflow float64");
  });

  it("Float64 / Int64 wrappers", () => {
    expect(ret(call(chain, id, "f64", ["10.50"]))).toBe("10.5");
    expect(ret(call(chain, id, "i64", ["7", "2"]))).toBe("3");
    expect(ret(call(chain, id, "cmp", ["1.5", "2"]))).toBe("true,false,true,false");
    expect(ret(call(chain, id, "cmp", ["0", "0"]))).toBe("false,true,true,true");
  });
});

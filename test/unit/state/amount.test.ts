import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "../../../src/amount";

describe("Decimal (go-iost common/decimal.go)", () => {
  it("parses with truncation and normalizes output", () => {
    expect(Decimal.parse("10.000", 8).toString()).toBe("10");
    expect(Decimal.parse("0.0001", 8).value).toBe(10000n);
    expect(Decimal.parse("1.123456789", 8).value).toBe(112345678n);
    expect(Decimal.parse("50.000000001", 9).toString()).toBe("50.000000001");
    expect(Decimal.parse("99.100", 8).toString()).toBe("99.1");
    expect(new Decimal(0n, 8).toString()).toBe("0");
    expect(new Decimal(11500n, 2).toFullScale()).toBe("115.00");
    expect(new Decimal(5n, 3).toFullScale()).toBe("0.005");
  });
  it("rejects bad input with Go's messages", () => {
    expect(() => Decimal.parse("", 8)).toThrow("amount format error");
    expect(() => Decimal.parse(".5", 8)).toThrow("amount format error");
    expect(() => Decimal.parse("1e5", 8)).toThrow("abnormal char in amount");
    expect(() => Decimal.parse("1.2.3", 8)).toThrow("multi decimal point error");
    expect(() => Decimal.parse("99999999999999999999", 0)).toThrow("overflow error");
  });
  it("mul shrinks then adds scales, add rescales", () => {
    const a = Decimal.parse("100", 8).mul(new Decimal(115n, 2));
    expect(a.value).toBe(11500n);
    expect(a.scale).toBe(2);
    expect(new Decimal(1n, 2).add(new Decimal(1n, 8)).toString()).toBe("0.01000001");
  });
  it("property: toString round-trips through parse", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 62n }), fc.integer({ min: 0, max: 18 }), (v, s) => {
        const d = new Decimal(v, s);
        expect(Decimal.parse(d.toString(), s).value).toBe(v);
        expect(Decimal.fromFullScale(d.toFullScale())).toEqual(d);
      }),
    );
  });
});

import { test, expect } from "vitest";
import { checkBadTx } from "../../../src/tx/badtx";
import { TxError } from "../../../src/tx/errors";
import type { Tx } from "../../../src/tx/types";

function check(contract: string, actionName: string, data: string): string {
  const tx = { actions: [{ contract, actionName, data }], amountLimit: [] } as unknown as Tx;
  try {
    checkBadTx(tx);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(TxError);
    return (e as TxError).message;
  }
}
const transfer = (data: string) => check("token.iost", "transfer", data);
const pledge = (data: string) => check("gas.iost", "pledge", data);

test("action data must be a JSON array (go-simplejson reads only the first value)", () => {
  expect(check("c", "a", "[]")).toBe("ok");
  expect(check("c", "a", "[1] junk")).toBe("ok");
  expect(check("c", "a", "")).toBe("invalid json array: EOF, ");
  expect(check("c", "a", "[1,")).toBe("invalid json array: unexpected EOF, [1,");
  expect(check("c", "a", "{x}")).toBe("invalid json array: invalid character 'x' looking for beginning of object key string, {x}");
  expect(check("c", "a", '{"a":1}')).toBe('invalid json array: type assertion to []interface{} failed, {"a":1}');
  expect(check("c", "a", "5")).toBe("invalid json array: type assertion to []interface{} failed, 5");
});

test("token.iost/transfer: 5 args, string token and amount, amount format, ≤ 8 decimals for iost", () => {
  expect(transfer('["iost","a","b","1.5",""]')).toBe("ok");
  expect(transfer('["iost","a","b","1.5"]')).toBe('wrong args num: ["iost","a","b","1.5"]');
  expect(transfer('[1,"a","b","1.5",""]')).toBe('invalid token: type assertion to string failed, [1,"a","b","1.5",""]');
  expect(transfer('["iost","a","b",1.5,""]')).toBe('invalid amount: type assertion to string failed, ["iost","a","b",1.5,""]');
  expect(transfer('["iost","a","b","-1",""]')).toBe("invalid amount: -1");
  expect(transfer('["iost","a","b","1.",""]')).toBe("invalid amount: 1.");
  expect(transfer('["iost","a","b",".5",""]')).toBe("invalid amount: .5");
  expect(transfer('["iost","a","b","1e5",""]')).toBe("invalid amount: 1e5");
  expect(transfer('["iost","a","b","9223372036854775808",""]')).toBe("invalid amount: overflow error, 9223372036854775808");
  expect(transfer('["iost","a","b","1.123456789",""]')).toBe("invalid decimal: 1.123456789");
  expect(transfer('["iost","a","b","1.12345678",""]')).toBe("ok");
  expect(transfer('["abc","a","b","1.123456789",""]')).toBe("ok");
  // Decimal→double (value/10^scale, rounded twice) and ParseFloat disagree by more than 1e-4: Go prints a nil error.
  expect(transfer('["abc","a","b","2245382489396282.655",""]')).toBe("invalid amount: <nil>, 2245382489396282.655");
});

test("gas.iost/pledge|unpledge: 3 args, string amount, ≤ 2 decimals after dropping trailing zeros", () => {
  expect(pledge('["a","b","10"]')).toBe("ok");
  expect(pledge('["a","b","1.500"]')).toBe("ok");
  expect(check("gas.iost", "unpledge", '["a","b","1.25"]')).toBe("ok");
  expect(pledge('["a","b"]')).toBe('wrong args num: ["a","b"]');
  expect(pledge('["a","b",10]')).toBe('invalid amount: type assertion to string failed, ["a","b",10]');
  expect(pledge('["a","b","x"]')).toBe('invalid amount: invalid amount: x, ["a","b","x"]');
  expect(pledge('["a","b","1.123456789"]')).toBe('invalid amount: invalid decimal: 1.123456789, ["a","b","1.123456789"]');
  expect(pledge('["a","b","1.125"]')).toBe('decimal should not exceed 2: ["a","b","1.125"]');
  expect(check("gas.iost", "other", '["a"]')).toBe("ok");
});

test("every action is checked, the first failure wins", () => {
  const tx = {
    actions: [
      { contract: "c", actionName: "a", data: "[]" },
      { contract: "token.iost", actionName: "transfer", data: "[1]" },
      { contract: "c", actionName: "a", data: "{}" },
    ],
  } as Tx;
  expect(() => checkBadTx(tx)).toThrow("wrong args num: [1]");
});

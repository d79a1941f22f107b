/**
 * The one amount_limit rule (src/tx/amount-limit.ts): what the edge, pool
 * admission, execution and the escrow of a forwarded part all apply.
 */
import { describe, expect, it } from "vitest";
import { checkAmountLimit, limitValue } from "../../../src/tx/amount-limit";
import { checkBadTx } from "../../../src/tx/badtx";
import { TxError } from "../../../src/tx/errors";
import type { AmountLimit, Tx } from "../../../src/tx/types";

const DECIMALS: Record<string, number> = { iost: 8, ram: 0 };
const decimalOf = (token: string) => DECIMALS[token] ?? -1;

function why(limits: AmountLimit[], stateful = true): string {
  try {
    checkAmountLimit(limits, stateful ? decimalOf : undefined);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(TxError);
    return (e as Error).message;
  }
}

describe("amount_limit values", () => {
  it("takes unlimited and IOST's amount syntax, read at the token's scale (`*` at 0, as the monitor reads it)", () => {
    expect(limitValue({ token: "iost", value: "unlimited" }, 8)).toBe("unlimited");
    expect(limitValue({ token: "iost", value: "1.5" }, 8)).toMatchObject({ value: 150000000n, scale: 8 });
    expect(limitValue({ token: "iost", value: "0" }, 8)).toMatchObject({ value: 0n });
    expect(limitValue({ token: "*", value: "1.5" }, 0)).toMatchObject({ value: 1n, scale: 0 });
    expect(limitValue({ token: "iost", value: "1.123456789" }, 8)).toMatchObject({ value: 112345678n });
    expect(
      why([
        { token: "iost", value: "90000000000" },
        { token: "ram", value: "9223372036854775807" },
        { token: "*", value: "unlimited" },
      ]),
    ).toBe("ok");
  });

  it.each([
    ["-90000000000", "negative amount"],
    ["-0", "negative amount"],
    ["-unlimited", "negative amount"],
    ["1e9", "abnormal char in amount"],
    [" 1", "abnormal char in amount"],
    ["1 ", "abnormal char in amount"],
    ["+1", "abnormal char in amount"],
    ["0x10", "abnormal char in amount"],
    ["Unlimited", "abnormal char in amount"],
    ["99999999999999999999999", "overflow error"],
    ["", "amount format error"],
    [".5", "amount format error"],
    ["1.", "amount format error"],
    ["1.2.3", "multi decimal point error"],
  ])("refuses %j with or without state: %s", (value, reason) => {
    for (const token of ["iost", "*"]) {
      const msg = `invalid amountLimit, {${token} ${value}}: ${reason}`;
      expect(why([{ token, value }], false)).toBe(msg);
      expect(why([{ token, value }], true)).toBe(msg);
      expect(() => limitValue({ token, value }, token === "*" ? 0 : 8)).toThrow(msg);
    }
  });

  it("range is int64 at the token's scale: what fits in digits may not fit in smallest units", () => {
    expect(why([{ token: "iost", value: "100000000000" }], false)).toBe("ok");
    expect(why([{ token: "iost", value: "100000000000" }])).toBe("invalid amountLimit, {iost 100000000000}: overflow error");
    expect(why([{ token: "*", value: "100000000000" }])).toBe("ok");
    expect(why([{ token: "iost", value: "92233720368.54775807" }])).toBe("ok");
    expect(why([{ token: "iost", value: "92233720368.54775808" }])).toBe("invalid amountLimit, {iost 92233720368.54775808}: overflow error");
  });

  it("tokens: each once, and (with state) existing; Go's texts", () => {
    expect(
      why(
        [
          { token: "iost", value: "1" },
          { token: "iost", value: "2" },
        ],
        false,
      ),
    ).toBe("duplicated token in amountLimit: iost");
    expect(why([{ token: "abc", value: "1" }], false)).toBe("ok");
    expect(why([{ token: "abc", value: "1" }])).toBe("token not exists in amountLimit, {abc 1}");
  });

  it("checkBadTx (the edge, /p2p/tx and peer chunks) applies it after the actions' checks", () => {
    const tx = (value: string, data = '["iost","a","b","1",""]') =>
      ({ actions: [{ contract: "token.iost", actionName: "transfer", data }], amountLimit: [{ token: "iost", value }] }) as unknown as Tx;
    expect(() => checkBadTx(tx("10"))).not.toThrow();
    expect(() => checkBadTx(tx("-90000000000"))).toThrow("invalid amountLimit, {iost -90000000000}: negative amount");
    expect(() => checkBadTx(tx("-1", '["iost","a","b","x",""]'))).toThrow("invalid amount: x");
  });
});

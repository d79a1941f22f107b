import { describe, expect, it } from "vitest";
import { Chain, act, fakeKey, makeTx, SEC } from "../executor/helpers";
import { getTokenBalance, getTokenInfo } from "../../../src/query/index";

function setup() {
  const c = new Chain();
  c.newAccount("issuer1", fakeKey(1));
  c.newAccount("holder1", fakeKey(2));
  const asIssuer = (a: ReturnType<typeof act>[], extra = {}) => c.receipt(makeTx(a, { publisher: "issuer1", key: fakeKey(1), ...extra }));
  return { c, asIssuer };
}

describe("token.iost (token_test.js expectations)", () => {
  it("create / issue / transfer / transferFreeze / destroy / balanceOf / supply / totalSupply", () => {
    const { c, asIssuer } = setup();
    let r = asIssuer([act("token.iost", "create", ["mytoken", "issuer1", 21000000, { decimal: 9, fullName: "My <Token>" }])]);
    expect(r.statusCode).toBe("SUCCESS");
    // json args are []byte in Go (re-encoded by simplejson, so <> escaped): the receipt shows them base64-encoded
    expect(r.receipts[0].content).toBe(`["mytoken","issuer1",21000000,"${btoa('{"decimal":9,"fullName":"My \\u003cToken\\u003e"}')}"]`);
    expect(r.returns).toEqual(["[]"]);
    expect(asIssuer([act("token.iost", "totalSupply", ["mytoken"])]).returns).toEqual(['["21000000"]']);
    r = asIssuer([act("token.iost", "issue", ["mytoken", "issuer1", "100.0000000010"])]);
    expect(r.receipts[0].content).toBe('["mytoken","issuer1","100.000000001"]');
    r = asIssuer([act("token.iost", "transfer", ["mytoken", "issuer1", "holder1", "50", ""])]);
    expect(r.statusCode).toBe("SUCCESS");
    expect(asIssuer([act("token.iost", "balanceOf", ["mytoken", "issuer1"])]).returns).toEqual(['["50.000000001"]']);
    expect(asIssuer([act("token.iost", "supply", ["mytoken"])]).returns).toEqual(['["100.000000001"]']);
    r = asIssuer(
      [act("token.iost", "transferFreeze", ["mytoken", "issuer1", "holder1", "5", (c.time + 100n * SEC).toString() as unknown as number, ""])].map((a) => ({
        ...a,
        data: a.data.replace(/"(\d{19})"/, "$1"),
      })),
    );
    expect(r.statusCode).toBe("SUCCESS");
    let tb = getTokenBalance(c.state, "holder1", "mytoken", c.time);
    expect(tb.balance).toBe(50);
    expect(tb.frozen_balances[0].amount).toBe(5);
    tb = getTokenBalance(c.state, "holder1", "mytoken", c.time + 200n * SEC);
    expect(tb.balance).toBe(55);
    r = c.receipt(makeTx([act("token.iost", "destroy", ["mytoken", "holder1", "0.9"])], { publisher: "holder1", key: fakeKey(2) }));
    expect(r.statusCode).toBe("SUCCESS");
    expect(getTokenInfo(c.state, "mytoken")).toMatchObject({
      symbol: "mytoken",
      full_name: "My <Token>",
      issuer: "issuer1",
      decimal: 9,
      current_supply: "99100000001",
    });
    expect(asIssuer([act("token.iost", "supply", ["mytoken"])]).returns).toEqual(['["99.100000001"]']);
    // non-iost balances are paid by the publisher in RAM
    expect(r.ramUsage.holder1 ?? 0n).toBe(0n);
  });

  it("99.1 normalization", () => {
    const { c } = setup();
    c.receipt(makeTx([act("token.iost", "transfer", ["iost", "admin", "holder1", "99.10000", ""])]));
    const r = c.receipt(makeTx([act("token.iost", "balanceOf", ["iost", "holder1"])]));
    expect(r.returns).toEqual(['["1099.1"]']);
  });

  it("error texts", () => {
    const { c, asIssuer } = setup();
    const msg = (a: ReturnType<typeof act>, pub = "issuer1", key = fakeKey(1)) =>
      c.receipt(makeTx([a], { publisher: pub, key })).message.replace(/^running action [\s\S]*? error: /, "");
    expect(msg(act("token.iost", "create", ["A", "issuer1", 1, {}]))).toBe("token symbol invalid. token symbol length should be between 2,16 got A");
    expect(msg(act("token.iost", "create", ["AB", "issuer1", 1, {}]))).toBe("token symbol invalid. token symbol contains invalid character 65");
    expect(msg(act("token.iost", "create", ["abc", "admin", 1, {}]))).toBe("transaction has no permission");
    expect(msg(act("token.iost", "create", ["abc", "issuer1", 1, { decimal: "x" }]))).toBe("decimal in config should be number");
    expect(msg(act("token.iost", "create", ["iost", "issuer1", 1, {}]))).toBe("token exists");
    expect(msg(act("token.iost", "create", ["abc", "issuer1", 1, { decimal: 19 }]))).toBe("invalid decimal");
    expect(msg(act("token.iost", "transfer", ["nope", "issuer1", "admin", "1", ""]))).toBe("token not exists");
    expect(msg(act("token.iost", "transfer", ["iost", "issuer1", "nobody1", "1", ""]))).toBe("invalid account nobody1");
    expect(msg(act("token.iost", "transfer", ["iost", "admin", "issuer1", "1", ""]))).toBe("transaction has no permission");
    expect(msg(act("token.iost", "transfer", ["iost", "issuer1", "admin", "1e3", ""]))).toBe("invalid amount 1e3 <nil>");
    expect(msg(act("token.iost", "transfer", ["iost", "issuer1", "admin", "0.000000001", ""]))).toBe("invalid amount");
    expect(msg(act("token.iost", "transfer", ["iost", "issuer1", "admin", "100000", ""]))).toBe("balance not enough 1000 < 100000");
    expect(msg(act("token.iost", "transfer", ["iost", "issuer1", "admin", "1", "x".repeat(513)]))).toBe("memo too large");
    expect(msg(act("token.iost", "transfer", ["ram", "issuer1", "admin", "10", ""]))).toBe("transfer need issuer permission");
    expect(msg(act("token.iost", "issue", ["iost", "issuer1", "1"]))).toBe("transaction has no permission");
    asIssuer([act("token.iost", "create", ["small", "issuer1", 10, { decimal: 0 }])]);
    expect(msg(act("token.iost", "issue", ["small", "issuer1", "11"]))).toBe("supply too much");
    expect(msg(act("token.iost", "recycle", ["x"]))).toBe("permission denied");
    asIssuer([act("token.iost", "create", ["locked", "issuer1", 10, { canTransfer: false }])]);
    asIssuer([act("token.iost", "issue", ["locked", "issuer1", "1"])]);
    expect(msg(act("token.iost", "transfer", ["locked", "issuer1", "admin", "1", ""]))).toBe("token can't transfer");
  });
});

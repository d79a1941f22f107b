import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/amount";
import { gasAtTime, GAS_INCREASE_RATE } from "../../../src/contracts/gas";
import { ContractDB } from "../../../src/state/storage";
import { getAccount, getTokenBalance } from "../../../src/query/index";
import { Chain, act, fakeKey, makeTx, SEC } from "../executor/helpers";

const err = (m: string) => m.replace(/^running action [\s\S]*? error: /, "");

describe("gas.iost (gas_test.go)", () => {
  it("rate is 1.15 gas/s per IOST in 2-decimal fixed point", () => {
    expect(GAS_INCREASE_RATE.toFullScale()).toBe("1.15");
  });

  it("pure arithmetic: immediate reward, regeneration, cap, 3-day elapsed cap", () => {
    const p = Decimal.parse("200", 8);
    const g = { pledgeTotal: p, limit: p.mul(Decimal.fromInt(300000, 2)), updateTime: 1n, stock: p.mul(Decimal.fromInt(100000, 2)) };
    expect(gasAtTime(g, 1n).toString()).toBe("20000000");
    expect(gasAtTime(g, 1n + 5n * SEC).toString()).toBe(String(20000000 + 200 * 1.15 * 5));
    expect(gasAtTime(g, 1n + 4n * 24n * 3600n * SEC).toString()).toBe("60000000");
    // half a second: 230 × 0.5 = 115
    expect(gasAtTime(g, 1n + SEC / 2n).toString()).toBe("20000115");
    const small = { ...g, limit: Decimal.parse("1e20".replace("1e20", "100000000000"), 2) };
    expect(gasAtTime(small, 1n + 10n * 24n * 3600n * SEC).toString()).toBe(String(20000000 + 230 * 3 * 24 * 3600));
  });

  it("pledge, use, regenerate, unpledge with a 3-day freeze", () => {
    const c = new Chain();
    const k = fakeKey(1);
    c.newAccount("alice", k, "1000", 10000n, "10");
    const db = new ContractDB(c.state);
    const gasNow = () => getAccount(c.state, "alice", c.time)!.gas_info;
    // signUp pledges 10 and newAccount 10 more (both by admin)
    expect(gasNow()).toMatchObject({ current_total: 2000000, limit: 6000000, increase_speed: 23, pledge_gas: 2000000 });
    // alice pledges 200 for herself
    let r = c.receipt(makeTx([act("gas.iost", "pledge", ["alice", "alice", "200"])], { publisher: "alice", key: k }));
    expect(r.statusCode).toBe("SUCCESS");
    const used = Number(r.gasUsage) / 100;
    expect(gasNow().current_total).toBe(2000000 + 20000000 - used);
    expect(gasNow().limit).toBe(66000000);
    expect(getTokenBalance(c.state, "alice", "iost", c.time).balance).toBe(800);
    c.advance(10n);
    expect(gasNow().current_total).toBe(22000000 - used + 220 * 1.15 * 10);
    // unpledge 190 of her own: cap shrinks, stock clipped, IOST frozen 3 days
    r = c.receipt(makeTx([act("gas.iost", "unpledge", ["alice", "alice", "190"])], { publisher: "alice", key: k }));
    expect(r.statusCode).toBe("SUCCESS");
    expect(gasNow().limit).toBe(9000000);
    // stock clipped to the new cap, then this tx's gas paid from it
    expect(gasNow().current_total).toBe(9000000 - Number(r.gasUsage) / 100);
    let tb = getTokenBalance(c.state, "alice", "iost", c.time);
    expect(tb.balance).toBe(800);
    expect(tb.frozen_balances).toEqual([{ amount: 190, time: (c.time + 3n * 24n * 3600n * SEC).toString() }]);
    tb = getTokenBalance(c.state, "alice", "iost", c.time + 3n * 24n * 3600n * SEC);
    expect(tb.balance).toBe(990);
    expect(db.mget("gas.iost", "alicegp", "alice")!).toEqual({ t: "f", v: Decimal.parse("10", 8) });
  });

  it("error texts", () => {
    const c = new Chain();
    const k = fakeKey(1);
    c.newAccount("alice", k, "1000", 10000n, "10");
    const run = (a: ReturnType<typeof act>) => err(c.receipt(makeTx([a], { publisher: "alice", key: k })).message);
    expect(run(act("gas.iost", "pledge", ["alice", "alice", "0.5"]))).toBe("min pledge num is 100000000");
    expect(run(act("gas.iost", "pledge", ["alice", "alice", "abc"]))).toBe("invalid amount abc");
    expect(run(act("gas.iost", "pledge", ["alice", "nobody1", "1"]))).toBe("invalid user name nobody1");
    expect(run(act("gas.iost", "pledge", ["admin", "alice", "1"]))).toBe("transaction has no permission");
    expect(run(act("gas.iost", "pledge", ["alice", "alice", "5000"]))).toBe("balance not enough 1000 < 5000");
    expect(run(act("gas.iost", "unpledge", ["alice", "alice", "1"]))).toBe("alice did not pledge for alice");
    expect(run(act("gas.iost", "unpledge", ["alice", "alice", "0"]))).toBe("invalid amount 0");
    // admin pledged 10 + 10 for alice; a user must keep 10 pledged
    expect(err(c.receipt(makeTx([act("gas.iost", "unpledge", ["admin", "alice", "15"])])).message)).toBe("unpledge too much (20 - 15) less than 10");
    c.receipt(makeTx([act("gas.iost", "pledge", ["alice", "alice", "20"])], { publisher: "alice", key: k }));
    expect(run(act("gas.iost", "unpledge", ["alice", "alice", "25"]))).toBe("you cannot unpledge more than your pledge 25 > 20");
  });
});

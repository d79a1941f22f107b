/**
 * Compatibility (issue 16 "Dev admin's gas"): IOST's dev genesis pledges 100 IOST for admin's
 * gas (30,000,000 gas, ~116 gas/s back), which an account-creating script spends in ~280
 * accounts. The devnet (the public dev admin key) pledges DEV_ADMIN_GAS_PLEDGE instead; any
 * other admin key keeps IOST's 100, and the gas a tx uses does not depend on the pledge.
 */
import { describe, expect, it } from "vitest";
import { DEV_ADMIN_GAS_PLEDGE, DEV_ADMIN_PUBKEY, devGenesis, genesisOf, type GenesisConfig } from "../../../src/genesis/index";
import { getAccount } from "../../../src/query/index";
import { act, Chain, fakeKey, makeTx, SEC } from "../executor/helpers";

const spec = (adminKey: string) => ({ chainId: 1020, producers: [{ id: "producer000", pubkey: fakeKey(99) }], adminKey, blockIntervalMs: 500, heartbeatMs: 0 });

/** One account as iost.js newAccount makes it: signUp, RAM, pledge, transfer. */
const newAccount = (i: number) => [
  act("auth.iost", "signUp", [`acct${String(i).padStart(5, "0")}`, fakeKey(i), fakeKey(i)]),
  act("ram.iost", "buy", ["admin", `acct${String(i).padStart(5, "0")}`, 1000]),
  act("gas.iost", "pledge", ["admin", `acct${String(i).padStart(5, "0")}`, "10"]),
  act("token.iost", "transfer", ["iost", "admin", `acct${String(i).padStart(5, "0")}`, "10", ""]),
];

describe("the devnet admin's gas", () => {
  it("only the dev admin key gets the large pledge", () => {
    expect(genesisOf(spec(DEV_ADMIN_PUBKEY)).adminGasPledge).toBe(DEV_ADMIN_GAS_PLEDGE);
    expect(genesisOf(spec(fakeKey(7))).adminGasPledge).toBe("100");
    expect(devGenesis().adminGasPledge).toBe("100");
  });

  it("lasts for days of 10,000 accounts a day; the gas an account costs does not change", () => {
    const run = (config: GenesisConfig) => {
      const c = new Chain(config);
      return { c, r: c.receipt(makeTx(newAccount(1), { time: c.time })) };
    };
    const dev = run(genesisOf(spec(DEV_ADMIN_PUBKEY)));
    const iost = run({ ...genesisOf(spec(DEV_ADMIN_PUBKEY)), adminGasPledge: "100" });
    expect(dev.r.statusCode).toBe("SUCCESS");
    expect(dev.r.gasUsage).toBe(iost.r.gasUsage);
    const send = (c: Chain) => c.receipt(makeTx([act("token.iost", "transfer", ["iost", "admin", "producer000", "1", ""])], { time: c.time + 1n }));
    expect(send(dev.c)).toEqual(send(iost.c));
    const perAccount = Number(dev.r.gasUsage / 100n);
    const gas = (c: Chain, t: bigint) => getAccount(c.state, "admin", t)!.gas_info;
    const limit = gas(dev.c, dev.c.time).limit;
    // The limit (reached some two days after the pledge, long past on a devnet whose genesis is 2018's)
    // and the refill per day: each far above 10,000 accounts.
    expect(limit / perAccount).toBeGreaterThan(10_000 * 30);
    expect(gas(dev.c, dev.c.time + 3n * 86_400n * SEC).current_total).toBe(limit);
    const rate = gas(dev.c, dev.c.time).increase_speed * 86_400;
    expect(rate / perAccount).toBeGreaterThan(10_000 * 10);
    // IOST's pledge: a few hundred accounts, then ~100 a day.
    expect(gas(iost.c, iost.c.time).limit / perAccount).toBeLessThan(300);
  });
});

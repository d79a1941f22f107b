import { describe, expect, it } from "vitest";
import { applyGenesis, devGenesis, DEV_GENESIS_TIME } from "../../../src/genesis/index";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { treeRoot } from "../../../src/state/tree";
import { getAccount, getContractStorage, getTokenInfo, getRAMInfo } from "../../../src/query/index";
import { fakeKey } from "../executor/helpers";

describe("genesis", () => {
  it("dev chain constants", () => {
    const g = devGenesis();
    expect(g.chainId).toBe(1020);
    expect(DEV_GENESIS_TIME).toBe(BigInt(Date.UTC(2018, 10, 10, 11, 4, 5)) * 1_000_000n);
    expect(g.admin.owner).toBe("Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto");
    expect(g.producers[0].owner).toBe("6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b");
  });

  it("writes IOST's initial state deterministically", () => {
    const a = new MemoryStore();
    const b = new MemoryStore();
    const ra = applyGenesis(a, devGenesis());
    const rb = applyGenesis(b, devGenesis());
    expect(ra.stateRoot).toEqual(rb.stateRoot);
    expect(ra.writes).toEqual(rb.writes);
    expect(ra.stateRoot).toEqual(treeRoot(ra.writes));
    expect(ra.time).toBe(DEV_GENESIS_TIME);
    expect(a.keys()).toEqual(b.keys());

    const s = new State(a);
    const t = DEV_GENESIS_TIME;
    expect(getTokenInfo(s, "iost")).toMatchObject({
      issuer: "issue.iost",
      decimal: 8,
      total_supply: "9000000000000000000",
      current_supply: "2100000000000000000",
      can_transfer: true,
    });
    expect(getTokenInfo(s, "ram")).toMatchObject({ issuer: "ram.iost", decimal: 0, full_name: "IOST system ram", only_issuer_can_transfer: true });
    const admin = getAccount(s, "admin", t)!;
    // IOST's dev-chain /getAccount of admin (go-iost rpc/convert.go): 21e9 − 300 pledged − RAM for admin and producer000
    expect(admin.balance_string).toBe("20999997618.36");
    expect(admin.gas_info).toMatchObject({ current_total: 10000000, limit: 30000000, increase_speed: 115 });
    expect(admin.gas_info.pledged_info).toEqual([
      { pledger: "admin", amount: 100 },
      { pledger: "foundation", amount: 100 },
      { pledger: "producer000", amount: 100 },
    ]);
    expect(admin.ram_info).toEqual({ available: "100000", used: "0", total: "100000" });
    expect(getAccount(s, "foundation", t)!.ram_info.available).toBe(String((128n * 1024n ** 3n * 3n) / 10n));
    expect(getAccount(s, "producer000", t)!.ram_info.available).toBe("100000");
    expect(getAccount(s, "deadaddr", t)!.permissions.active.items[0].id).toBe("0");
    // the 2% fees of the two 100000-byte RAM buys are burned to deadaddr
    expect(getAccount(s, "deadaddr", t)!.balance).toBe(40.82);
    expect(getContractStorage(s, "auth.iost", "adminID").data).toBe("admin");
    expect(getContractStorage(s, "token.iost", "TBadmin", "iost").data).toBe("2099999761836000000");
    expect(getContractStorage(s, "issue.iost", "IOSTLastIssueTime").data).toBe(DEV_GENESIS_TIME.toString());
    const ram = getRAMInfo(s);
    expect(ram.total_ram).toBe(String(128n * 1024n ** 3n));
  });

  it("optional dev accounts are funded from admin", () => {
    const g = devGenesis();
    g.devAccounts.push({ id: "testacc1", owner: fakeKey(1), active: fakeKey(1), balance: "5000", gasPledge: "100", ram: 5000n });
    const store = new MemoryStore();
    applyGenesis(store, g);
    const acc = getAccount(new State(store), "testacc1", g.time)!;
    expect(acc.balance).toBe(5000);
    expect(acc.ram_info.available).toBe("5000");
    expect(acc.gas_info.limit).toBe(30000000);
  });
});

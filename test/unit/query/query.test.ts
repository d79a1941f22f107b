import { describe, expect, it } from "vitest";
import { getAccount, getContract, getContractStorage, getContractStorageFields, getTokenBalance, getTokenInfo } from "../../../src/query/index";
import { Chain } from "../executor/helpers";

describe("queries", () => {
  it("getAccount of a missing account is null; balances of anyone work", () => {
    const c = new Chain();
    expect(getAccount(c.state, "nobody1", c.time)).toBeNull();
    expect(getTokenBalance(c.state, "nobody1", "iost", c.time)).toEqual({ balance: 0, frozen_balances: [] });
    expect(getTokenInfo(c.state, "nope")).toBeNull();
  });

  it("getAccount shape (go-iost rpc/convert.go)", () => {
    const c = new Chain();
    const a = getAccount(c.state, "admin", c.time)!;
    expect(Object.keys(a)).toEqual(["name", "balance", "gas_info", "ram_info", "permissions", "groups", "frozen_balances", "vote_infos", "balance_string"]);
    expect(a.permissions.active).toEqual({
      name: "active",
      group_names: [],
      items: [{ id: "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto", is_key_pair: true, weight: "100", permission: "" }],
      threshold: "100",
    });
    expect(a.gas_info.transferable_gas).toBe(0);
    expect(a.vote_infos).toEqual([]);
  });

  it("getContractStorage: strings verbatim, other types as JSON text, missing null", () => {
    const c = new Chain();
    expect(getContractStorage(c.state, "token.iost", "TIiost", "decimal")).toEqual({ data: "8" });
    expect(getContractStorage(c.state, "token.iost", "TIiost", "canTransfer")).toEqual({ data: "true" });
    expect(getContractStorage(c.state, "token.iost", "TIiost", "issuer")).toEqual({ data: "issue.iost" });
    expect(getContractStorage(c.state, "token.iost", "TIiost", "nope")).toEqual({ data: "null" });
    expect(getContractStorage(c.state, "gas.iost", "admingt")).toEqual({ data: "100" });
    expect(getContractStorage(c.state, "ram.iost", "adminID")).toEqual({ data: '"admin"' });
    expect(getContractStorageFields(c.state, "token.iost", "TIiost").fields).toEqual([
      "issuer",
      "totalSupply",
      "supply",
      "canTransfer",
      "onlyIssuerCanTransfer",
      "defaultRate",
      "decimal",
      "fullName",
    ]);
  });

  it("getContract for native contracts", () => {
    const c = new Chain();
    const t = getContract(c.state, "token.iost")!;
    expect(t).toMatchObject({ id: "token.iost", code: "codes", language: "native", version: "1.0.6" });
    expect(t.abis.map((a) => a.name)).toEqual([
      "balanceOf",
      "can_update",
      "create",
      "destroy",
      "issue",
      "recycle",
      "supply",
      "totalSupply",
      "transfer",
      "transferFreeze",
    ]);
    expect(t.abis[0]).toEqual({ name: "balanceOf", args: ["string", "string"], amount_limit: [{ token: "*", value: "unlimited" }] });
    expect(getContract(c.state, "system.iost")!.abis.map((a) => a.name)).toEqual(
      ["cancelDelaytx", "can_update", "receipt", "requireAuth", "setCode", "updateCode", "updateNativeCode"].sort(),
    );
    expect(getContract(c.state, "Contractxyz")).toBeNull();
  });
});

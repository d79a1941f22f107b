import { describe, expect, it } from "vitest";
import { Chain, act, fakeKey, makeTx } from "../executor/helpers";
import { getAccount, getContractStorage } from "../../../src/query/index";

const err = (m: string) => m.replace(/^running action [\s\S]*? error: /, "");

describe("auth.iost (account_test.go)", () => {
  it("signUp validates names with account.js texts", () => {
    const c = new Chain();
    const msg = (id: string) => err(c.receipt(makeTx([act("auth.iost", "signUp", [id, fakeKey(1), fakeKey(1)])])).message);
    expect(msg("ab")).toBe("Uncaught exception: Error: id invalid. id length should be between 5,11 > ab");
    expect(msg("abcdefghijkl")).toBe("Uncaught exception: Error: id invalid. id length should be between 5,11 > abcdefghijkl");
    expect(msg("Contractab")).toBe("Uncaught exception: Error: id invalid. id shouldn't start with 'Contract'.");
    expect(msg("ab#cd")).toBe("Uncaught exception: Error: id invalid. id contains invalid character > #");
    expect(msg("ABCDE")).toContain("id contains invalid character");
    expect(msg("admin")).toBe("Uncaught exception: Error: id existed > admin");
    expect(msg("0xABCDEF0123456789abcdef0123456789abcdef01")).toBe("Uncaught exception: Error: id invalid. upper case not allowed");
  });

  it("signUp stores account.js's JSON, pledges 10 IOST from the publisher, costs the account no RAM", () => {
    const c = new Chain();
    const k = fakeKey(1);
    const r = c.receipt(makeTx([act("auth.iost", "signUp", ["myidid", k, k])], { amountLimit: [{ token: "iost", value: "10" }] }));
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.returns).toEqual(['[""]']);
    expect(r.ramUsage.myidid).toBeUndefined();
    const stored = getContractStorage(c.state, "auth.iost", "auth", "myidid").data;
    expect(stored).toBe(
      `{"id":"myidid","referrer":"admin","permissions":{"active":{"name":"active","groups":[],"items":[{"id":"${k}","is_key_pair":true,"weight":100}],"threshold":100},"owner":{"name":"owner","groups":[],"items":[{"id":"${k}","is_key_pair":true,"weight":100}],"threshold":100}},"groups":{}}`,
    );
    expect(r.receipts.map((x) => x.funcName)).toEqual(["token.iost/transfer", "gas.iost/pledge", "auth.iost/signUp"]);
    expect(getAccount(c.state, "myidid", c.time)!.gas_info.limit).toBe(3000000);
  });

  it("permissions and groups with owner signers", () => {
    const c = new Chain();
    const k = fakeKey(1);
    c.newAccount("myidid", k);
    const run = (a: ReturnType<typeof act>, owner = true) =>
      c.receipt(makeTx([a], { publisher: "myidid", key: k, signers: owner ? ["myidid@owner"] : [], signerKeys: owner ? [k] : [] }));
    expect(err(run(act("auth.iost", "addPermission", ["myidid", "perm1", 1]), false).message)).toBe("Uncaught exception: Error: require auth failed");
    let r = run(act("auth.iost", "addPermission", ["myidid", "perm1", 1]));
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.ramUsage.myidid! > 0n).toBe(true);
    expect(getContractStorage(c.state, "auth.iost", "auth", "myidid").data).toContain(`"perm1":{"name":"perm1","groups":[],"items":[],"threshold":1}`);
    expect(err(run(act("auth.iost", "addPermission", ["myidid", "perm1", 1])).message)).toBe("Uncaught exception: Error: permission already exist");
    expect(err(run(act("auth.iost", "addPermission", ["myidid", "a-b", 1])).message)).toBe(
      "Uncaught exception: Error: id invalid. id contains invalid character > -",
    );
    r = run(act("auth.iost", "assignPermission", ["myidid", "perm1", "acc1@active", 1]));
    expect(getContractStorage(c.state, "auth.iost", "auth", "myidid").data).toContain(
      `"perm1":{"name":"perm1","groups":[],"items":[{"id":"acc1","permission":"active","is_key_pair":false,"weight":1}],"threshold":1}`,
    );
    expect(err(run(act("auth.iost", "assignPermission", ["myidid", "perm1", "@active", 1])).message)).toBe("Uncaught exception: unexpected item");
    expect(err(run(act("auth.iost", "assignPermission", ["myidid", "perm1", "IOST1234", 0])).message)).toBe("Uncaught exception: weight less than zero");
    run(act("auth.iost", "assignPermission", ["myidid", "perm1", "IOST1234", 1]));
    expect(err(run(act("auth.iost", "revokePermission", ["myidid", "perm1", "nothere"])).message)).toBe("Uncaught exception: Error: item not found");
    expect(err(run(act("auth.iost", "revokePermission", ["myidid", "perm1", "@x"])).message)).toBe("Uncaught exception: unexpected item");
    run(act("auth.iost", "revokePermission", ["myidid", "perm1", "acc1@active"]));
    expect(getContractStorage(c.state, "auth.iost", "auth", "myidid").data).toContain(
      `"perm1":{"name":"perm1","groups":[],"items":[{"id":"IOST1234","is_key_pair":true,"weight":1}],"threshold":1}`,
    );
    // groups
    run(act("auth.iost", "addGroup", ["myidid", "grp0"]));
    expect(err(run(act("auth.iost", "addGroup", ["myidid", "grp0"])).message)).toBe("Uncaught exception: Error: group already exist");
    run(act("auth.iost", "assignGroup", ["myidid", "grp0", "acc1@active", 1]));
    run(act("auth.iost", "assignPermissionToGroup", ["myidid", "perm1", "grp0"]));
    expect(err(run(act("auth.iost", "assignPermissionToGroup", ["myidid", "perm1", "nogrp"])).message)).toBe("Uncaught exception: Error: group does not exist");
    let acc = getAccount(c.state, "myidid", c.time)!;
    expect(acc.permissions.perm1.group_names).toEqual(["grp0"]);
    expect(acc.groups.grp0.items).toEqual([{ id: "acc1", is_key_pair: false, weight: "1", permission: "active" }]);
    expect(acc.permissions.perm1.items).toEqual([{ id: "IOST1234", is_key_pair: true, weight: "1", permission: "" }]);
    run(act("auth.iost", "revokePermissionInGroup", ["myidid", "perm1", "grp0"]));
    run(act("auth.iost", "revokeGroup", ["myidid", "grp0", "acc1@active"]));
    expect(err(run(act("auth.iost", "revokeGroup", ["myidid", "grp0", "acc1@active"])).message)).toBe("Uncaught exception: Error: item not found");
    run(act("auth.iost", "dropGroup", ["myidid", "grp0"]));
    expect(err(run(act("auth.iost", "dropPermission", ["myidid", "active"])).message)).toBe("Uncaught exception: drop active or owner is forbidden");
    run(act("auth.iost", "dropPermission", ["myidid", "perm1"]));
    acc = getAccount(c.state, "myidid", c.time)!;
    expect(Object.keys(acc.permissions)).toEqual(["active", "owner"]);
    expect(acc.groups).toEqual({});
  });

  it("authorization: custom permission falls back to active; account items recurse; thresholds", () => {
    const c = new Chain();
    const k1 = fakeKey(1);
    const k2 = fakeKey(2);
    c.newAccount("alice", k1);
    c.newAccount("bobby", k2);
    const owner = { publisher: "alice", key: k1, signers: ["alice@owner"], signerKeys: [k1] };
    // alice's `transfer` permission: bobby@active weight 1, threshold 1 -> bobby can move alice's iost
    c.receipt(makeTx([act("auth.iost", "addPermission", ["alice", "transfer", 1])], owner));
    c.receipt(makeTx([act("auth.iost", "assignPermission", ["alice", "transfer", "bobby@active", 1])], owner));
    const req = (who: string, perm: string) => c.receipt(makeTx([act("system.iost", "requireAuth", [who, perm])], { publisher: "bobby", key: k2 })).returns[0];
    expect(req("alice", "transfer")).toBe("[true]");
    expect(req("alice", "active")).toBe("[false]");
    expect(req("alice", "nosuchperm")).toBe("[false]");
    expect(req("bobby", "nosuchperm")).toBe("[true]");
    const r = c.receipt(makeTx([act("token.iost", "transfer", ["iost", "alice", "bobby", "1", ""])], { publisher: "bobby", key: k2 }));
    expect(r.statusCode).toBe("SUCCESS");
  });
});

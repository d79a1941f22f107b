/**
 * system.iost/updateNativeCode (go-iost vm/native/system.go, vm/native/abi.go) on domain.iost,
 * whose genesis version is 0.0.0 as IOST's (consensus/genesis/genesis.go), following iost.js
 * examples/update_native_test.js: what it accepts, its errors, and that a refusal changes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getContract } from "../../../src/query/index";
import { contractJson, vmReady } from "../vm/helpers";
import { Chain, act, fakeKey, makeTx } from "../executor/helpers";

const err = (m: string) => m.replace(/^running action [\s\S]*? error: /, "");
const update = (version: string, code = "") => act("system.iost", "updateNativeCode", ["domain.iost", version, code]);
const body = (abi: string[], o: { id?: string; lang?: string; version?: string } = {}) =>
  JSON.stringify({
    ID: o.id ?? "domain.iost",
    info: { lang: o.lang ?? "native", version: o.version ?? "1.0.0", abi: abi.map((name) => ({ name, args: ["string"], amountLimit: [] })) },
    code: "",
  });

describe("system.iost/updateNativeCode", () => {
  beforeAll(() => vmReady());

  it("sets domain.iost's version and ABIs, admin only; a refusal changes nothing", () => {
    const c = new Chain();
    const k = fakeKey(1);
    c.newAccount("alice", k, "1000", 100000n);
    const admin = (...a: ReturnType<typeof act>[]) => c.receipt(makeTx(a));
    const version = () => getContract(c.state, "domain.iost")!;
    const dep = admin(
      act("system.iost", "setCode", [contractJson('class H { init() {} hi() { return "hi"; } }\nmodule.exports = H;', [{ name: "hi", args: [] }])]),
    );
    const cid = JSON.parse(dep.returns[0])[0] as string;

    // Genesis: 0.0.0, only can_update.
    expect(version()).toMatchObject({ version: "0.0.0", abis: [{ name: "can_update", args: ["string"] }] });
    expect(err(admin(act("domain.iost", "link", ["hello.me1", cid])).message)).toContain("abi link not found");

    // Not admin@system: refused, nothing changed.
    const stranger = c.receipt(makeTx([update("1.0.0")], { publisher: "alice", key: k }));
    expect(err(stranger.message)).toBe("update native code need admin@system permission");
    expect(version().version).toBe("0.0.0");
    for (const [v, code, text] of [
      ["9.9.9", "", "invalid contractID or version"],
      ["", body(["can_update"], { version: "2.0.0" }), "invalid contractID or version"],
      ["", body(["can_update"], { lang: "javascript" }), "update native code: lang javascript not supported"],
      ["", body(["can_update"], { id: "token.iost" }), "update native code: the code's ID token.iost is not domain.iost"],
      ["", "{not json", "compile contract:"],
      ["", JSON.stringify({ ID: "domain.iost", info: { lang: "native", version: "1.0.0", abi: [null] } }), "invalid code info"],
    ] as const)
      expect(err(admin(update(v, code)).message), `${v} ${code}`).toContain(text);
    expect(err(admin(act("system.iost", "updateNativeCode", ["token.iost", "1.0.0", ""])).message)).toBe("invalid contractID or version");
    expect(version().version).toBe("0.0.0");

    // A body with part of 1.0.0: link answers, transfer does not.
    expect(admin(update("", body(["can_update", "link"]))).statusCode).toBe("SUCCESS");
    expect(version()).toMatchObject({ version: "1.0.0", abis: [{ name: "can_update" }, { name: "link" }] });
    expect(admin(act("domain.iost", "link", ["hello.me1", cid])).statusCode).toBe("SUCCESS");
    expect(err(admin(act("domain.iost", "transfer", ["hello.me1", "alice"])).message)).toContain("abi transfer not found");

    // The whole of 1.0.0, as go-iost lists it: sorted, `*` unlimited; the RAM for the larger record is admin's.
    const r = admin(update("1.0.0"));
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.ramUsage.admin).toBeGreaterThan(0n);
    expect(version()).toEqual({
      id: "domain.iost",
      code: "codes",
      language: "native",
      version: "1.0.0",
      orig_code: "",
      abis: ["can_update", "link", "transfer"].map((name) => ({
        name,
        args: name === "can_update" ? ["string"] : ["string", "string"],
        amount_limit: [{ token: "*", value: "unlimited" }],
      })),
    });
    expect(admin(act("domain.iost", "transfer", ["hello.me1", "alice"])).statusCode).toBe("SUCCESS");
    expect(admin(act("hello.me1", "hi", [])).returns).toEqual(['["hi"]']);
    // And back: 0.0.0 gives the RAM back.
    const back = admin(update("0.0.0"));
    expect(back.statusCode).toBe("SUCCESS");
    expect(back.ramUsage.admin).toBeLessThan(0n);
  });
});

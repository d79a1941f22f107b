/** IOST behaviours of the JS runtime: operator rewriting, json2 stringify, console capture, txInfo, IOSTCrypto. */
import { beforeAll, describe, expect, it } from "vitest";
import { base58Encode } from "../../../src/codec/base58";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { keyPairFromSecret } from "../../../src/crypto/keys";
import { sign } from "../../../src/crypto/signature";
import { getContract } from "../../../src/query/index";
import { ED25519, SECP256K1 } from "../../../src/tx/types";
import { captureLogs } from "../../../src/vm/console";
import { json2Escape } from "../../../src/vm/json2";
import { call, Chain, deploy, ret, vmReady } from "./helpers";

beforeAll(vmReady);

const COMPAT = `class Compat {
  init() {}
  eq() { const one = "1", n = null; return [1 == one, n == undefined, 0 != "", "a" == "a", 1 != 1, (1) /* == */ == 1].join(","); }
  esc() { return JSON.stringify({ s: "\\u2028\\u00ad\\u007f\\u0600\\ufeff<&" }); }
  say(x) { console.log("hi", x, { a: 1 }, 2, null); console.error(new BigNumber(2)); storage.put("k", x); return "ok"; }
  tx() { return blockchain.txInfo(); }
  verify(algo, msg, sig, pub) { return IOSTCrypto.verify(algo, msg, sig, pub); }
  sha3(s) { return IOSTCrypto.sha3(s); }
}
module.exports = Compat;`;
const ABI = [
  { name: "eq", args: [] },
  { name: "esc", args: [] },
  { name: "say", args: ["string"] },
  { name: "tx", args: [] },
  { name: "verify", args: ["string", "string", "string", "string"] },
  { name: "sha3", args: ["string"] },
];

describe("IOST operator and JSON semantics", () => {
  it("== compares as ===, != as !== (rewritten at deploy)", () => {
    const chain = new Chain();
    const { id } = deploy(chain, COMPAT, ABI);
    expect(ret(call(chain, id, "eq", []))).toBe("false,false,true,true,false,true");
    const code = getContract(chain.state, id)!.code;
    for (const part of ["_IOSTBinaryOp(1) === one", '_IOSTBinaryOp(0) !== ""', "(_IOSTBinaryOp(1)) /* == */ === 1"]) expect(code).toContain(part);
  });

  it("JSON.stringify escapes as json2.js", () => {
    const chain = new Chain();
    const { id } = deploy(chain, COMPAT, ABI);
    expect(ret(call(chain, id, "esc", []))).toBe('{"s":"\\u2028\\u00ad\\u007f\\u0600\\ufeff<&"}');
    // json2 leaves lone surrogates raw where the native stringify escapes them; an escaped backslash stays.
    expect(json2Escape('["\\ud800","\\\\ud800","\\\\\\udfff"]')).toBe('["\ud800","\\\\ud800","\\\\\udfff"]');
  });
});

describe("console", () => {
  it("is captured per call with the contract id, and changes neither receipts nor gas", () => {
    const run = (capture: boolean) => {
      const chain = new Chain();
      const { id } = deploy(chain, COMPAT, ABI);
      chain.advance(1n);
      const { value, logs } = captureLogs(capture, () => call(chain, id, "say", ["bob"]));
      return { id, receipt: value, logs };
    };
    const on = run(true);
    const off = run(false);
    expect(on.receipt.statusCode).toBe("SUCCESS");
    expect(on.receipt).toEqual(off.receipt);
    expect(off.logs).toEqual([]);
    expect(on.logs).toEqual([
      { contract: on.id, level: "log", text: 'hi bob {"a":1} 2 null' },
      { contract: on.id, level: "error", text: '"2"' },
    ]);
  });
});

describe("blockchain.txInfo and IOSTCrypto", () => {
  const chain = new Chain();
  let id = "";
  beforeAll(() => {
    id = deploy(chain, COMPAT, ABI).id;
  });

  it("txInfo is Go's map JSON: sorted keys, amount_limit as {token, val}", () => {
    const text = ret(call(chain, id, "tx", []));
    const info = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual(["actions", "amount_limit", "auth_list", "expiration", "gas_limit", "gas_ratio", "hash", "publisher", "time"]);
    expect(info.publisher).toBe("admin");
    expect(info.amount_limit).toEqual([{ token: "*", val: "unlimited" }]);
    expect(info.actions).toEqual([{ contract: id, action_name: "tx", data: "[]" }]);
  });

  it("sha3: the IOST docs vector", () => {
    expect(ret(call(chain, id, "sha3", ["Fule will be expensive. Everyone will have a small car."]))).toBe("EBNarfcGkAczpeiSJwtUfH9FEVd1xFhdZis83erU9WNu");
  });

  for (const [name, algorithm] of [
    ["ed25519", ED25519],
    ["secp256k1", SECP256K1],
  ] as const) {
    it(`verify ${name}: valid 1, tampered message, signature or key 0`, () => {
      const key = keyPairFromSecret(algorithm, sha3(utf8("iost-edge test key " + name)));
      const other = keyPairFromSecret(algorithm, sha3(utf8("another key " + name)));
      const msg = sha3(utf8("message"));
      const s = sign(algorithm, key.secretKey, msg);
      const b58 = base58Encode;
      const flipped = (b: Uint8Array) => b58(b.map((x, i) => (i === 5 ? x ^ 1 : x)));
      const v = (m: string, sig: string, pub: string, algo: string = name) => ret(call(chain, id, "verify", [algo, m, sig, pub]));
      expect(v(b58(msg), b58(s.sig), b58(s.pubkey))).toBe("1");
      expect(v(flipped(msg), b58(s.sig), b58(s.pubkey))).toBe("0");
      expect(v(b58(msg), flipped(s.sig), b58(s.pubkey))).toBe("0");
      expect(v(b58(msg), b58(s.sig), other.id)).toBe("0");
      expect(v(b58(msg), b58(s.sig), b58(s.pubkey), name === "ed25519" ? "secp256k1" : "ed25519")).toBe("0");
      expect(v(b58(msg), b58(s.sig), b58(s.pubkey), "rsa")).toBe("0");
    });
  }
});

const LAZY = `class Lazy {
  init() {}
  shape() {
    const d = Object.getOwnPropertyDescriptor(globalThis, "BigNumber");
    return [storage === storage, Object.isFrozen(storage), Object.isFrozen(BigNumber.prototype), Object.isFrozen(Int64.prototype),
      d.configurable, typeof d.set, new Int64("7").plus(1).toString()].join(",");
  }
  hijack() {
    Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return { done: false, value: 1e7 }; };
    return new BigNumber("1").toFixed(2);
  }
}
module.exports = Lazy;`;

describe("lazily loaded host objects and number classes", () => {
  it("load on first use as frozen, non-configurable globals", () => {
    const chain = new Chain();
    const { id } = deploy(chain, LAZY, [
      { name: "shape", args: [] },
      { name: "hijack", args: [] },
    ]);
    expect(ret(call(chain, id, "shape", []))).toBe("true,true,true,true,false,undefined,8");
    // The number module's destructuring runs through the array iterator: a contract cannot replace it.
    expect(call(chain, id, "hijack", []).message).toContain("Uncaught exception: TypeError");
  });
});

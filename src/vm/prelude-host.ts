/**
 * Sandbox sources of IOST's host API objects (go-iost vm/v8vm/v8/libjs
 * storage.js, blockchain.js, crypto, console.js), one lazily loaded module per
 * global (see prelude.ts): each is `function (k)` over the prelude's kernel `k`
 * (its gas counter, host bridge and captured builtins, never visible to the
 * contract) returning `{ <global>: value }`.
 */

export const STORAGE_MODULE = String.raw`(function (k) {
  "use strict";
  const hc = k.hc, str = k.str, jsonParse = k.jsonParse;
  const optPayer = (p) => (p === undefined || p === null ? undefined : str(p, "payer"));
  const storage = {
    put(key, v, p) { return hc("put", str(key, "storage key"), str(v, "storage put"), optPayer(p)); },
    get(key) { return hc("get", str(key, "storage key")); },
    has(key) { return hc("has", str(key, "storage key")); },
    del(key) { return hc("del", str(key, "storage key")); },
    mapPut(key, f, v, p) { return hc("mapPut", str(key, "storage key"), str(f, "storage field"), str(v, "storage mapPut"), optPayer(p)); },
    mapGet(key, f) { return hc("mapGet", str(key, "storage key"), str(f, "storage field")); },
    mapHas(key, f) { return hc("mapHas", str(key, "storage key"), str(f, "storage field")); },
    mapDel(key, f) { return hc("mapDel", str(key, "storage key"), str(f, "storage field")); },
    mapKeys(key) { return jsonParse(hc("mapKeys", str(key, "storage key"))); },
    mapLen(key) { return jsonParse(hc("mapKeys", str(key, "storage key"))).length; },
    globalGet(c, key) { return hc("globalGet", str(c, "contract"), str(key, "storage key")); },
    globalHas(c, key) { return hc("globalGet", str(c, "contract"), str(key, "storage key")) !== null; },
    globalMapGet(c, key, f) { return hc("globalMapGet", str(c, "contract"), str(key, "storage key"), str(f, "storage field")); },
    globalMapHas(c, key, f) { return hc("globalMapGet", str(c, "contract"), str(key, "storage key"), str(f, "storage field")) !== null; },
    globalMapKeys(c, key) { return jsonParse(hc("globalMapKeys", str(c, "contract"), str(key, "storage key"))); },
    globalMapLen(c, key) { return jsonParse(hc("globalMapKeys", str(c, "contract"), str(key, "storage key"))).length; },
  };
  return { storage };
})`;

export const BLOCKCHAIN_MODULE = String.raw`(function (k) {
  "use strict";
  const hc = k.hc, str = k.str, jsonParse = k.jsonParse, json2Stringify = k.json2Stringify, lib = k.lib;
  const callArgs = (args) => (typeof args === "string" ? args : json2Stringify(args));
  const blockchain = {
    transfer(from, to, amount, memo) {
      const Float64 = lib("Float64");
      return blockchain.callWithAuth("token.iost", "transfer", ["iost", from, to, new Float64(amount).toString(), memo.toString()]);
    },
    withdraw(to, amount, memo) { return blockchain.transfer(blockchain.contractName(), to, amount, memo); },
    deposit(from, amount, memo) { return blockchain.transfer(from, blockchain.contractName(), amount, memo); },
    call(c, abi, args) { return jsonParse(hc("call", str(c, "contract"), str(abi, "abi"), callArgs(args))); },
    callWithAuth(c, abi, args) { return jsonParse(hc("callWithAuth", str(c, "contract"), str(abi, "abi"), callArgs(args))); },
    requireAuth(id, perm) { return hc("requireAuth", str(id, "account"), str(perm, "permission")); },
    receipt(s) { return hc("receipt", str(s, "receipt")); },
    event(s) { return hc("event", str(s, "event")); },
    contractName() { return hc("contractName"); },
    publisher() { return hc("publisher"); },
    contractOwner() { return hc("contractOwner"); },
    blockInfo() { return hc("blockInfo"); },
    txInfo() { return hc("txInfo"); },
    contextInfo() { return hc("contextInfo"); },
  };
  return { blockchain };
})`;

export const CRYPTO_MODULE = String.raw`(function (k) {
  "use strict";
  const hc = k.hc, str = k.str;
  const IOSTCrypto = {
    sha3(s) { return hc("sha3", str(s, "data")); },
    sha3Hex(s) { return hc("sha3Hex", str(s, "data")); },
    ripemd160Hex(s) { return hc("ripemd160Hex", str(s, "data")); },
    verify(algo, msg, sig, pub) { return hc("verify", str(algo, "algorithm"), str(msg, "message"), str(sig, "signature"), str(pub, "pubkey")); },
  };
  return { IOSTCrypto };
})`;

/**
 * Contract logs go to the host, which keeps them only for the dev log (console.ts). Formatting
 * runs whether or not anyone keeps the line and is paid by length, so gas never depends on it.
 */
export const CONSOLE_MODULE = String.raw`(function (k) {
  "use strict";
  const charge = k.charge, log = k.log, jsonStringify = k.jsonStringify, StringF = k.StringF, floor = k.floor;
  const show = (v) => {
    if (typeof v === "string") return v;
    if (typeof v !== "object" || v === null) return StringF(v);
    try { return StringF(jsonStringify(v)); } catch (e) { return "[unprintable]"; }
  };
  const logger = (level) => function (...args) {
    let s = "";
    for (let i = 0; i < args.length; i++) s += (i > 0 ? " " : "") + show(args[i]);
    charge(1 + floor(s.length / 4));
    log(level, s);
  };
  return { console: { log: logger("log"), info: logger("info"), debug: logger("debug"), warn: logger("warn"), error: logger("error") } };
})`;

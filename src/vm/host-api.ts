/**
 * The host side of IOST's JS API (go-iost vm/v8vm storage.go, blockchain.go,
 * crypto.go): one dispatcher per call, over the tx's Host, charging its costs
 * into the calling contract's Cost.
 */
import { base58Decode, base58Encode } from "../codec/base58.js";
import { goJsonString } from "../contracts/args.js";
import { COSTS, type Cost } from "../contracts/cost.js";
import { VmError } from "../contracts/errors.js";
import type { Host } from "../contracts/host.js";
import { sha3, utf8 } from "../crypto/sha3.js";
import { verifySync } from "../crypto/signature.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { byteLength, displayValue, str, type Value } from "../state/storage.js";
import { ED25519, SECP256K1 } from "../tx/types.js";
import type { HostFn, HostValue } from "./sandbox.js";

const jsValue = (v: Value | undefined): string | null => (v === undefined ? null : v.t === "s" ? v.v : displayValue(v));

/** A callee's return list as the JSON array blockchain.call parses (Go json.Marshal of the values). */
function returnsJson(rtn: unknown[]): string {
  return "[" + rtn.map((v) => (typeof v === "string" ? goJsonString(v) : typeof v === "bigint" || typeof v === "boolean" || typeof v === "number" ? String(v) : "null")).join(",") + "]";
}

function contractOwner(h: Host, id: string): string {
  const o = h.db.mget("system.iost", "contract_owner", id);
  return o && o.t === "s" ? o.v : "";
}

/** A crypto host call: CPU 100 + input bytes (crypto.go). */
function cryptoOp(c: Cost, op: string, a: string[]): HostValue {
  c.cpuAdd(100 + a.reduce((n, s) => n + byteLength(s), 0));
  switch (op) {
    case "sha3":
      return base58Encode(sha3(utf8(a[0])));
    case "sha3Hex":
      return bytesToHex(sha3(hexToBytes(a[0])));
    case "ripemd160Hex":
      return bytesToHex(ripemd160(hexToBytes(a[0])));
  }
  const algorithm = a[0] === "ed25519" ? ED25519 : a[0] === "secp256k1" ? SECP256K1 : 0;
  if (algorithm === 0) return 0;
  try {
    return verifySync({ algorithm, sig: base58Decode(a[2]), pubkey: base58Decode(a[3]) }, base58Decode(a[1])) ? 1 : 0;
  } catch {
    return 0;
  }
}

export interface CallFrame {
  abi: string;
  /** Checks that the contract's gas so far plus host costs fit its budget; throws out of gas. */
  checkGas: (jsGas: number) => void;
}

export function hostApi(h: Host, c: Cost, frame: CallFrame): HostFn {
  return (op, jsGas, args) => {
    frame.checkGas(jsGas);
    const a = (i: number): string => {
      const v = args[i];
      if (v === undefined) throw new VmError(`${op}: argument ${i + 1} must be a string`);
      return v;
    };
    switch (op) {
      case "put":
        h.put(c, a(0), str(a(1)), args[2]);
        return null;
      case "get":
        return jsValue(h.get(c, a(0)));
      case "has":
        return h.has(c, a(0));
      case "del":
        h.del(c, a(0));
        return null;
      case "mapPut":
        h.mapPut(c, a(0), a(1), str(a(2)), args[3]);
        return null;
      case "mapGet":
        return jsValue(h.mapGet(c, a(0), a(1)));
      case "mapHas":
        return h.mapHas(c, a(0), a(1));
      case "mapDel":
        h.mapDel(c, a(0), a(1));
        return null;
      case "mapKeys":
        return JSON.stringify(h.mapKeys(c, a(0)));
      case "globalGet":
        return jsValue(h.globalGet(c, a(0), a(1)));
      case "globalMapGet":
        return jsValue(h.globalMapGet(c, a(0), a(1), a(2)));
      case "globalMapKeys":
        c.cpuAdd(COSTS.KeysCost);
        return JSON.stringify(h.db.mkeys(a(0), a(1)));
      case "call":
      case "callWithAuth":
        return returnsJson(h.call(c, a(0), a(1), a(2), op === "callWithAuth"));
      case "requireAuth":
        return h.requireAuth(c, a(0), a(1));
      case "receipt":
        // IOST forwards only CPU for JS receipts; charging the length keeps receipt memory paid for.
        c.cpuAdd(byteLength(a(0)));
        h.receipt(null, a(0));
        return null;
      case "event":
        c.cpuAdd(byteLength(a(0)));
        return null;
    }
    if (op === "sha3" || op === "sha3Hex" || op === "ripemd160Hex" || op === "verify")
      return cryptoOp(c, op, args.filter((x): x is string => x !== undefined));
    c.cpuAdd(COSTS.ContextCost);
    switch (op) {
      case "contractName":
        return h.contractName;
      case "publisher":
        return h.tx.publisher;
      case "contractOwner":
        return contractOwner(h, h.contractName);
      case "blockInfo":
        return JSON.stringify(blockObject(h, true));
      case "txInfo":
        return JSON.stringify(txObject(h, true));
      case "contextInfo":
        return JSON.stringify({
          contract_name: h.contractName,
          abi_name: frame.abi,
          publisher: h.tx.publisher,
          caller: { name: h.caller.name, is_account: h.caller.isAccount },
        });
    }
    throw new VmError(`unknown host call ${op}`);
  };
}

/** `block` (camelCase) or blockInfo() (snake_case); int64 times become JS numbers as in IOST. */
export function blockObject(h: Host, snake: boolean): object {
  const b = h.block;
  return snake
    ? { parent_hash: b.parentHash, number: Number(b.number), witness: b.witness, time: Number(b.time) }
    : { number: Number(b.number), parentHash: b.parentHash, witness: b.witness, time: Number(b.time) };
}

export function txObject(h: Host, snake: boolean): object {
  const t = h.tx;
  const authList = Object.fromEntries([...t.authList.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  if (!snake)
    return { time: Number(t.time), hash: t.hash, expiration: Number(t.expiration), gasLimit: h.gasLimit, gasRatio: Number(t.gasRatio), authList, publisher: t.publisher };
  return {
    time: Number(t.time),
    hash: t.hash,
    expiration: Number(t.expiration),
    gas_limit: h.gasLimit,
    gas_ratio: Number(t.gasRatio),
    auth_list: authList,
    publisher: t.publisher,
    amount_limit: t.amountLimit.map((l) => ({ token: l.token, value: l.value })),
    actions: [],
  };
}

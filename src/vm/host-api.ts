/**
 * The host side of IOST's JS API (go-iost vm/v8vm storage.go, blockchain.go,
 * crypto.go): one dispatcher per call, over the tx's Host, charging its costs
 * into the calling contract's Cost.
 */
import { base58Decode, base58Encode } from "../codec/base58.js";
import { goJsonString } from "../contracts/args.js";
import { COSTS, type Cost } from "../contracts/cost.js";
import { jsError, VmError } from "../contracts/errors.js";
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
  return (
    "[" +
    rtn
      .map((v) => (typeof v === "string" ? goJsonString(v) : typeof v === "bigint" || typeof v === "boolean" || typeof v === "number" ? String(v) : "null"))
      .join(",") +
    "]"
  );
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

/**
 * Receipt and event texts a tx's contracts may emit: each at most IOST's result cap, all together at
 * most 256 KB (IOST has no cap but its gas; here they are rows of the block's chunk, so the tx's
 * whole record stays a few hundred KB whatever the gas limit). Beyond: a tx error, nothing kept.
 */
export const MAX_EMIT_BYTES = 65_536;
export const MAX_EMIT_TOTAL = 262_144;
const emitted = new WeakMap<Host, number>();

function emit(h: Host, kind: string, s: string): void {
  const n = byteLength(s);
  const total = (emitted.get(h) ?? 0) + n;
  if (n > MAX_EMIT_BYTES) throw new VmError(`${kind} too long: ${n} bytes > ${MAX_EMIT_BYTES}`);
  if (total > MAX_EMIT_TOTAL) throw new VmError(`${kind} exceeds the tx's ${MAX_EMIT_TOTAL} bytes of receipts and events`);
  emitted.set(h, total);
}

/**
 * IOST's cap on every string a contract hands the host (go-iost vm/v8vm/v8/sandbox.h
 * INPUT_MAX_LENGTH, checked by NewCStrChecked on storage, blockchain, console and crypto
 * arguments): V8's Length(), UTF-16 code units, as JS's `length`.
 */
export const INPUT_MAX_LENGTH = 65_536;

export interface CallFrame {
  abi: string;
  /** Checks that the contract's gas so far plus host costs fit its budget; throws out of gas. */
  checkGas: (jsGas: number) => void;
}

export function hostApi(h: Host, c: Cost, frame: CallFrame): HostFn {
  return (op, jsGas, args) => {
    frame.checkGas(jsGas);
    for (const v of args) if (v !== undefined && v.length > INPUT_MAX_LENGTH) throw jsError("input string too long");
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
        return JSON.stringify(h.globalMapKeys(c, a(0), a(1)));
      case "call":
      case "callWithAuth":
        return returnsJson(h.call(c, a(0), a(1), a(2), op === "callWithAuth"));
      case "requireAuth":
        return h.requireAuth(c, a(0), a(1));
      case "receipt":
        // IOST forwards only CPU for JS receipts; charging the length keeps receipt memory paid for.
        c.cpuAdd(byteLength(a(0)));
        emit(h, "receipt", a(0));
        h.receipt(null, a(0));
        return null;
      case "event":
        c.cpuAdd(byteLength(a(0)));
        emit(h, "event", a(0));
        h.event(a(0));
        return null;
    }
    if (op === "sha3" || op === "sha3Hex" || op === "ripemd160Hex" || op === "verify")
      return cryptoOp(
        c,
        op,
        args.filter((x): x is string => x !== undefined),
      );
    c.cpuAdd(COSTS.ContextCost);
    switch (op) {
      case "contractName":
        return h.contractName;
      case "publisher":
        return h.tx.publisher;
      case "contractOwner":
        return contractOwner(h, h.contractName);
      case "blockInfo":
        return goJson(blockObject(h, true));
      case "txInfo":
        return goJson(txObject(h, true));
      case "contextInfo":
        return goJson(contextObject(h, frame.abi));
    }
    throw new VmError(`unknown host call ${op}`);
  };
}

/** Go's json.Marshal: strings as Go escapes them; objects keep the key order given (maps are built sorted, as Go sorts them). */
function goJson(v: unknown): string {
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "[" + v.map(goJson).join(",") + "]";
  return (
    "{" +
    Object.entries(v as object)
      .map(([k, x]) => goJsonString(k) + ":" + goJson(x))
      .join(",") +
    "}"
  );
}

/** `block` (camelCase, sandbox.cc) or blockInfo() (a Go map, keys sorted); int64 times become JS numbers as in IOST. */
export function blockObject(h: Host, snake: boolean): object {
  const b = h.block;
  return snake
    ? { number: Number(b.number), parent_hash: b.parentHash, time: Number(b.time), witness: b.witness }
    : { number: Number(b.number), parentHash: b.parentHash, witness: b.witness, time: Number(b.time) };
}

/** `tx` (camelCase, sandbox.cc) or txInfo() (go-iost vm/host/info.go: a Go map, keys sorted; amount_limit holds Go structs). */
export function txObject(h: Host, snake: boolean): object {
  const t = h.tx;
  const authList = Object.fromEntries([...t.authList.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  if (!snake)
    return {
      time: Number(t.time),
      hash: t.hash,
      expiration: Number(t.expiration),
      gasLimit: h.gasLimit,
      gasRatio: Number(t.gasRatio),
      authList,
      publisher: t.publisher,
    };
  return {
    actions: t.actions.map((a) => ({ contract: a.contract, action_name: a.actionName, data: a.data })),
    amount_limit: t.amountLimit.map((l) => ({ token: l.token, val: l.value })),
    auth_list: authList,
    expiration: Number(t.expiration),
    gas_limit: h.gasLimit,
    gas_ratio: Number(t.gasRatio),
    hash: t.hash,
    publisher: t.publisher,
    time: Number(t.time),
  };
}

function contextObject(h: Host, abi: string): object {
  return { abi_name: abi, caller: { name: h.caller.name, is_account: h.caller.isAccount }, contract_name: h.contractName, publisher: h.tx.publisher };
}

/**
 * The JSON body of POST /sendTx (rpc.proto TransactionRequest), decoded the way
 * go-iost's grpc-gateway does: encoding/json reads the first JSON value (the
 * rest of the body is ignored, an empty body is an empty request), then
 * protojson maps it with DiscardUnknown. So: proto names and lowerCamelCase
 * names both work, unknown keys and `null` values are skipped, int64 accepts
 * numbers or strings (kept exact, never through a double), doubles accept
 * numbers or strings, bytes are base64 (std or URL-safe), enums are names or
 * numbers. Decoding errors are TxError code 3 with protojson's wording, minus
 * its "(line:col)" position.
 */
import { base64Decode, base64Encode } from "../codec/base64.js";
import { isJsonObject, JsonError, JsonNumber, parseJson, type JsonObject, type JsonValue } from "../codec/json.js";
import { TxError } from "./errors.js";
import { gasForRequest, gasToInternal } from "./gas.js";
import { ED25519, SECP256K1, type Action, type AmountLimit, type Signature, type Tx } from "./types.js";

const MAX_I64 = (1n << 63n) - 1n;
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** A field: proto name, JSON (lowerCamelCase) name, and its protojson kind for messages. */
type Field = { proto: string; json: string; kind: string };
const f = (proto: string, kind: string): Field => ({
  proto,
  json: proto.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  kind,
});

function raw(v: JsonValue): string {
  if (v instanceof JsonNumber) return v.raw;
  if (Array.isArray(v)) return "[";
  if (v !== null && typeof v === "object") return "{";
  return JSON.stringify(v);
}

function invalid(field: Field, v: JsonValue): never {
  throw new TxError(`proto: invalid value for ${field.kind} field ${field.json}: ${raw(v)}`, 3);
}

function unexpected(v: JsonValue): never {
  throw new TxError(`proto: syntax error: unexpected token ${raw(v)}`, 3);
}

/** Maps an object's keys to fields (JSON name first, then proto name, as protojson does), skipping unknown keys and nulls. */
function fieldsOf(obj: JsonValue, fields: readonly Field[]): Map<Field, JsonValue> {
  if (!isJsonObject(obj)) unexpected(obj);
  const out = new Map<Field, JsonValue>();
  for (const key of Object.keys(obj)) {
    const field = fields.find((x) => x.json === key) ?? fields.find((x) => x.proto === key);
    if (!field) continue;
    if (out.has(field)) throw new TxError(`proto: duplicate field ${JSON.stringify(key)}`, 3);
    if (obj[key] !== null) out.set(field, obj[key]);
  }
  return out;
}

/** protojson accepts any number token with an integral value ("1e3", "5.0"), or the same inside a string. */
function integer(field: Field, v: JsonValue | undefined, min: bigint, max: bigint): bigint {
  if (v === undefined) return 0n;
  const text = v instanceof JsonNumber ? v.raw : typeof v === "string" ? v : invalid(field, v);
  const m = JSON_NUMBER.exec(text);
  if (!m) invalid(field, v);
  let digits = m[1] + (m[2] ?? "");
  let exp = Number(m[3] ?? "0") - (m[2] ?? "").length;
  digits = digits.replace(/^0+(?=.)/, "");
  while (exp < 0 && digits.endsWith("0") && digits !== "0") (digits = digits.slice(0, -1)), exp++;
  if (digits === "0") exp = 0;
  if (exp < 0 || digits.length + exp > 20) invalid(field, v);
  const n = BigInt(digits) * 10n ** BigInt(exp) * (text.startsWith("-") ? -1n : 1n);
  if (n < min || n > max) invalid(field, v);
  return n;
}

function double(field: Field, v: JsonValue | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === "string") {
    const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
    if (v in special) return special[v];
    if (!JSON_NUMBER.test(v)) invalid(field, v);
  } else if (!(v instanceof JsonNumber)) invalid(field, v);
  const x = Number(String(v));
  if (!Number.isFinite(x)) invalid(field, v);
  return x;
}

function string(field: Field, v: JsonValue | undefined): string {
  if (v === undefined) return "";
  return typeof v === "string" ? v : invalid(field, v);
}

function bytes(field: Field, v: JsonValue | undefined): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  if (typeof v !== "string") invalid(field, v);
  try {
    return base64Decode(v);
  } catch {
    return invalid(field, v);
  }
}

function list(v: JsonValue | undefined): JsonValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : unexpected(v);
}

const ACTION = [f("contract", "string"), f("action_name", "string"), f("data", "string")];
const AMOUNT = [f("token", "string"), f("value", "string")];
const SIGNATURE = [f("algorithm", "enum"), f("signature", "bytes"), f("public_key", "bytes")];
const REQUEST = [
  f("time", "int64"),
  f("expiration", "int64"),
  f("gas_ratio", "double"),
  f("gas_limit", "double"),
  f("delay", "int64"),
  f("chain_id", "uint32"),
  f("actions", "message"),
  f("amount_limit", "message"),
  f("signers", "string"),
  f("signatures", "message"),
  f("publisher", "string"),
  f("publisher_sigs", "message"),
];
const [TIME, EXPIRATION, GAS_RATIO, GAS_LIMIT, DELAY, CHAIN_ID, ACTIONS, AMOUNT_LIMIT, SIGNERS, SIGNATURES, PUBLISHER, PUBLISHER_SIGS] = REQUEST;

/**
 * Go would map an unknown enum name to 0 (UNKNOWN) and then verify such a
 * signature as secp256k1. We only know algorithms 1 and 2, so anything else
 * is refused while decoding.
 */
function algorithm(v: JsonValue | undefined): 1 | 2 {
  const field = SIGNATURE[0];
  if (v === "SECP256K1") return SECP256K1;
  if (v === "ED25519") return ED25519;
  if (v instanceof JsonNumber || v === undefined) {
    const n = v === undefined ? 0n : integer(field, v, -(1n << 31n), (1n << 31n) - 1n);
    if (n === 1n) return SECP256K1;
    if (n === 2n) return ED25519;
  }
  return invalid(field, v ?? new JsonNumber("0"));
}

function signature(v: JsonValue): Signature {
  const m = fieldsOf(v, SIGNATURE);
  return { algorithm: algorithm(m.get(SIGNATURE[0])), sig: bytes(SIGNATURE[1], m.get(SIGNATURE[1])), pubkey: bytes(SIGNATURE[2], m.get(SIGNATURE[2])) };
}

function action(v: JsonValue): Action {
  const m = fieldsOf(v, ACTION);
  return { contract: string(ACTION[0], m.get(ACTION[0])), actionName: string(ACTION[1], m.get(ACTION[1])), data: string(ACTION[2], m.get(ACTION[2])) };
}

function amountLimit(v: JsonValue): AmountLimit {
  const m = fieldsOf(v, AMOUNT);
  return { token: string(AMOUNT[0], m.get(AMOUNT[0])), value: string(AMOUNT[1], m.get(AMOUNT[1])) };
}

function parseBody(text: string): JsonValue {
  if (text.trim() === "") return Object.create(null) as JsonObject;
  try {
    return parseJson(text, { firstValueOnly: true });
  } catch (e) {
    if (e instanceof JsonError) throw new TxError(e.message, 3);
    throw e;
  }
}

export function parseTxRequest(text: string): Tx {
  const m = fieldsOf(parseBody(text), REQUEST);
  const int64 = (field: Field) => integer(field, m.get(field), -MAX_I64 - 1n, MAX_I64);
  return {
    time: int64(TIME),
    expiration: int64(EXPIRATION),
    gasRatio: gasToInternal(double(GAS_RATIO, m.get(GAS_RATIO))),
    gasLimit: gasToInternal(double(GAS_LIMIT, m.get(GAS_LIMIT))),
    delay: int64(DELAY),
    chainId: Number(integer(CHAIN_ID, m.get(CHAIN_ID), 0n, 0xffffffffn)),
    signers: list(m.get(SIGNERS)).map((s) => (s === null ? invalid(SIGNERS, s) : string(SIGNERS, s))),
    actions: list(m.get(ACTIONS)).map(action),
    amountLimit: list(m.get(AMOUNT_LIMIT)).map(amountLimit),
    signatures: list(m.get(SIGNATURES)).map(signature),
    publisher: string(PUBLISHER, m.get(PUBLISHER)),
    publisherSigs: list(m.get(PUBLISHER_SIGS)).map(signature),
  };
}

const sigJson = (s: Signature) => ({
  algorithm: s.algorithm === ED25519 ? "ED25519" : "SECP256K1",
  signature: base64Encode(s.sig),
  public_key: base64Encode(s.pubkey),
});

/**
 * A TransactionRequest body for `tx` (proto names, int64 as strings), such
 * that parseTxRequest — and a Go node — decode exactly `tx` again.
 */
export function txToRequestJson(tx: Tx): string {
  return JSON.stringify({
    time: String(tx.time),
    expiration: String(tx.expiration),
    gas_ratio: gasForRequest(tx.gasRatio),
    gas_limit: gasForRequest(tx.gasLimit),
    delay: String(tx.delay),
    chain_id: tx.chainId,
    actions: tx.actions.map((a) => ({ contract: a.contract, action_name: a.actionName, data: a.data })),
    amount_limit: tx.amountLimit.map((a) => ({ token: a.token, value: a.value })),
    signers: tx.signers,
    signatures: tx.signatures.map(sigJson),
    publisher: tx.publisher,
    publisher_sigs: tx.publisherSigs.map(sigJson),
  });
}

/**
 * The other form system.iost/setCode accepts: base64 of a protobuf
 * go-iost `contract.Contract` (core/contract/contract.proto):
 *   Contract { string ID = 1; Info info = 2; string code = 3; string origCode = 4; }
 *   Info { string lang = 1; string version = 2; repeated ABI abi = 3; }
 *   ABI { string name = 1; repeated string args = 2; repeated Amount amountLimit = 3; }
 *   Amount { string token = 1; string val = 2; }
 * Decoded into the same object shape as the JSON form; unknown fields are
 * skipped as protobuf readers do.
 */
import { base64Decode } from "../codec/base64.js";
import { VmError } from "../contracts/errors.js";

type Fields = Map<number, (Uint8Array | bigint)[]>;

const fail = (why: string): never => {
  throw new VmError(`compile contract: invalid base64 protobuf contract: ${why}`);
};

function fieldsOf(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) fail("truncated varint");
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    return fail("varint too long");
  };
  while (at < bytes.length) {
    const key = varint();
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: Uint8Array | bigint;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = Number(varint());
      if (at + len > bytes.length) fail("truncated field");
      value = bytes.subarray(at, at + len);
      at += len;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > bytes.length) fail("truncated field");
      continue;
    } else return fail(`wire type ${wire}`);
    if (num === 0) fail("field number 0");
    out.set(num, [...(out.get(num) ?? []), value]);
  }
  return out;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function text(v: Uint8Array | bigint | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "bigint") return fail("a string field holds a number");
  try {
    return decoder.decode(v);
  } catch {
    return fail("a string is not UTF-8");
  }
}

const strings = (f: Fields, n: number) => (f.get(n) ?? []).map(text);
const last = (f: Fields, n: number) => text(f.get(n)?.at(-1));
const messages = (f: Fields, n: number): Fields[] =>
  (f.get(n) ?? []).map((v) => (typeof v === "bigint" ? fail("a message field holds a number") : fieldsOf(v)));

export function decodeProtoContract(b64: string): Record<string, unknown> {
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(b64);
  } catch (e) {
    return fail((e as Error).message);
  }
  const c = fieldsOf(bytes);
  const info = messages(c, 2).at(-1);
  return {
    ID: last(c, 1),
    info:
      info === undefined
        ? undefined
        : {
            lang: last(info, 1),
            version: last(info, 2),
            abi: messages(info, 3).map((a) => ({
              name: last(a, 1),
              args: strings(a, 2),
              amountLimit: messages(a, 3).map((l) => ({ token: last(l, 1), val: last(l, 2) })),
            })),
          },
    code: last(c, 3),
  };
}

/**
 * ABI argument parsing as go-iost vm/monitor.go `UnmarshalArgs` (simplejson with
 * UseNumber: numbers keep their text, so int64 beyond 2^53 is exact), and Go
 * `encoding/json` output for receipts (`json.Marshal(args)`).
 */
import { VmError } from "./errors.js";

export type JV =
  | { k: "str"; v: string }
  | { k: "num"; raw: string }
  | { k: "bool"; v: boolean }
  | { k: "null" }
  | { k: "arr"; v: JV[] }
  | { k: "obj"; v: Map<string, JV> };

class JsonSyntaxError extends Error {}

/** Parse JSON text keeping numbers as text. Throws JsonSyntaxError with Go-like messages. */
export function parseJson(text: string): JV {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (ctx: string): never => {
    if (i >= text.length) throw new JsonSyntaxError("unexpected end of JSON input");
    throw new JsonSyntaxError(`invalid character ${goQuoteChar(text[i])} ${ctx}`);
  };
  const value = (): JV => {
    ws();
    if (i >= text.length) fail("");
    const c = text[i];
    if (c === "{") {
      i++;
      const m = new Map<string, JV>();
      ws();
      if (text[i] === "}") {
        i++;
        return { k: "obj", v: m };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("looking for beginning of object key string");
        const key = string();
        ws();
        if (text[i] !== ":") fail("after object key");
        i++;
        m.set(key, value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { k: "obj", v: m };
        }
        fail("after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      const a: JV[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { k: "arr", v: a };
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { k: "arr", v: a };
        }
        fail("after array element");
      }
    }
    if (c === '"') return { k: "str", v: string() };
    if (text.startsWith("true", i)) {
      i += 4;
      return { k: "bool", v: true };
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return { k: "bool", v: false };
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return { k: "null" };
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (m && m[0].length > 0 && m[0] !== "-") {
      i += m[0].length;
      return { k: "num", raw: m[0] };
    }
    return fail("looking for beginning of value");
  };
  const string = (): string => {
    // text[i] === '"'
    i++;
    let out = "";
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxError("unexpected end of JSON input");
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        i++;
        fail("in string escape code");
      }
      if (c.charCodeAt(0) < 0x20) fail("in string literal");
      out += c;
      i++;
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail("after top-level value");
  return v;
}

function goQuoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return "'" + c + "'";
}

/** Go json.Marshal of a string: escapes <, >, &, U+2028/9 and control characters. */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) out += "\\u" + c.toString(16).padStart(4, "0");
    else if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        out += ch + s[i + 1];
        i++;
      } else out += "\ufffd";
    } else if (c >= 0xdc00 && c <= 0xdfff) out += "\ufffd";
    else out += ch;
  }
  return out + '"';
}

function utf8Compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go encoding of a parsed JSON value (simplejson Encode: map keys sorted). */
export function goEncode(v: JV): string {
  switch (v.k) {
    case "str":
      return goJsonString(v.v);
    case "num":
      return v.raw;
    case "bool":
      return v.v ? "true" : "false";
    case "null":
      return "null";
    case "arr":
      return "[" + v.v.map(goEncode).join(",") + "]";
    case "obj": {
      const keys = [...v.v.keys()].sort(utf8Compare);
      return "{" + keys.map((k) => goJsonString(k) + ":" + goEncode(v.v.get(k)!)).join(",") + "}";
    }
  }
}

/** A parsed ABI argument: string, int64 (bigint), bool, or json (its Go re-encoding, as bytes in Go). */
export type Arg = string | bigint | boolean | { json: string };

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Go `json.Marshal(args)` of native ABI args; a json arg is []byte in Go, hence base64. */
export function goMarshalArgs(args: readonly Arg[]): string {
  return (
    "[" +
    args
      .map((a) =>
        typeof a === "string" ? goJsonString(a) : typeof a === "bigint" ? a.toString() : typeof a === "boolean" ? String(a) : goJsonString(base64(a.json)),
      )
      .join(",") +
    "]"
  );
}

function formatErrorArg(v: JV): string {
  if (v.k === "obj" || v.k === "arr") return "&" + goEncode(v);
  switch (v.k) {
    case "str":
      return "&{" + v.v + "}";
    case "num":
      return "&{" + v.raw + "}";
    case "bool":
      return "&{" + v.v + "}";
    case "null":
      return "&{<nil>}";
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** go-iost `UnmarshalArgs(abi, data)`; throws with Go's messages (without the `prepare contract: ` prefix). */
export function unmarshalArgs(abiName: string, types: readonly string[], data: string): Arg[] {
  if (data.endsWith(",]")) data = data.slice(0, -2) + "]";
  let root: JV;
  try {
    root = parseJson(data);
  } catch (e) {
    throw new VmError(`error in data: ${(e as Error).message}, ${data}`);
  }
  if (root.k !== "arr") throw new VmError(`error args should be array, Array assertion failed, ${formatErrorArg(root)}`);
  const arr = root.v;
  if (arr.length !== types.length) throw new VmError(`args length unmatched to abi ${abiName}. need ${types.length}, got ${arr.length}`);
  const out: Arg[] = [];
  for (let i = 0; i < arr.length; i++) {
    const a = arr[i];
    switch (types[i]) {
      case "string":
        if (a.k !== "str") throw new VmError(`error parse string arg ${formatErrorArg(a)}, type assertion to string failed`);
        out.push(a.v);
        break;
      case "bool":
        if (a.k !== "bool") throw new VmError(`error parse bool arg ${formatErrorArg(a)}, type assertion to bool failed`);
        out.push(a.v);
        break;
      case "number": {
        if (a.k !== "num") throw new VmError(`error parse number arg ${formatErrorArg(a)}, invalid value type`);
        if (!/^-?[0-9]+$/.test(a.raw)) throw new VmError(`error parse number arg ${formatErrorArg(a)}, strconv.ParseInt: parsing "${a.raw}": invalid syntax`);
        const n = BigInt(a.raw);
        if (n < INT64_MIN || n > INT64_MAX)
          throw new VmError(`error parse number arg ${formatErrorArg(a)}, strconv.ParseInt: parsing "${a.raw}": value out of range`);
        out.push(n);
        break;
      }
      case "json":
        out.push({ json: goEncode(a) });
        break;
      default:
        throw new VmError(`unknown abi arg type ${types[i]}`);
    }
  }
  return out;
}

/** Build an args JSON array text for internal calls. */
export function argsJson(args: readonly (string | bigint | boolean)[]): string {
  return "[" + args.map((a) => (typeof a === "string" ? goJsonString(a) : String(a))).join(",") + "]";
}

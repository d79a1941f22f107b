/**
 * Lossless JSON: numbers keep their source text so int64 nanosecond times above
 * 2^53 (which iost.js sends as bare numbers) survive exactly. Error texts follow
 * Go's encoding/json, which is what go-iost shows for bad request bodies and
 * bad action data.
 */
export class JsonNumber {
  constructor(readonly raw: string) {}
  toString(): string {
    return this.raw;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Null-prototype record, so keys such as "__proto__" are plain data. */
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonError extends Error {
  override name = "JsonError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  /**
   * Go's json.Decoder semantics (used by the RPC gateway and simplejson):
   * stop after the first value and ignore what follows; "EOF" on empty input.
   */
  firstValueOnly?: boolean;
}

/** Far below any real payload, and keeps the recursive descent off the stack limit. */
const MAX_DEPTH = 1000;

const GO_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v", "\x07": "\\a", "\\": "\\\\" };
const JSON_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Go's quoteChar: how encoding/json shows the offending character. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  if (GO_ESCAPES[c]) return `'${GO_ESCAPES[c]}'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, "0")}'`;
  return `'${c}'`;
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly decoderMode: boolean,
  ) {}

  fail(context: string): never {
    if (this.pos >= this.text.length) {
      throw new JsonError(this.decoderMode ? "unexpected EOF" : "unexpected end of JSON input", this.pos);
    }
    throw new JsonError(`invalid character ${quoteChar(this.text[this.pos])} ${context}`, this.pos);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  value(depth: number): JsonValue {
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.object(depth + 1);
      case "[":
        return this.array(depth + 1);
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.number();
        return this.fail("looking for beginning of value");
    }
  }

  literal<T>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      this.pos++;
      if (this.text[this.pos] !== word[i]) this.fail(`in literal ${word} (expecting '${word[i]}')`);
    }
    this.pos++;
    return value;
  }

  /** Char by char, so a broken literal fails with the same phrase Go's scanner uses. */
  number(): JsonNumber {
    const t = this.text;
    const start = this.pos;
    const digit = () => t[this.pos] >= "0" && t[this.pos] <= "9";
    if (t[this.pos] === "-") this.pos++;
    if (!digit()) this.fail("in numeric literal");
    if (t[this.pos] === "0") this.pos++;
    else while (digit()) this.pos++;
    if (t[this.pos] === ".") {
      this.pos++;
      if (!digit()) this.fail("after decimal point in numeric literal");
      while (digit()) this.pos++;
    }
    if (t[this.pos] === "e" || t[this.pos] === "E") {
      this.pos++;
      if (t[this.pos] === "+" || t[this.pos] === "-") this.pos++;
      if (!digit()) this.fail("in exponent of numeric literal");
      while (digit()) this.pos++;
    }
    return new JsonNumber(t.slice(start, this.pos));
  }

  string(): string {
    const t = this.text;
    let out = "";
    let i = ++this.pos;
    let run = i;
    for (;;) {
      if (i >= t.length) {
        this.pos = i;
        this.fail("in string literal");
      }
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        out += t.slice(run, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail("in string literal");
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(run, i);
      const e = t[i + 1];
      if (e !== undefined && JSON_ESCAPES[e] !== undefined) {
        out += JSON_ESCAPES[e];
        i += 2;
      } else if (e === "u") {
        for (let k = 2; k < 6; k++) {
          if (!/[0-9a-fA-F]/.test(t[i + k] ?? "")) {
            this.pos = i + k;
            this.fail("in \\u hexadecimal character escape");
          }
        }
        out += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.pos = i + 1;
        this.fail("in string escape code");
      }
      run = i;
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) throw new JsonError("exceeded max depth", this.pos);
    this.pos++;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === "]") {
        this.pos++;
        return out;
      }
      if (c !== ",") this.fail("after array element");
      this.pos++;
    }
  }

  object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) throw new JsonError("exceeded max depth", this.pos);
    this.pos++;
    const out: JsonObject = Object.create(null);
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail("looking for beginning of object key string");
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("after object key");
      this.pos++;
      out[key] = this.value(depth);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === "}") {
        this.pos++;
        return out;
      }
      if (c !== ",") this.fail("after object key:value pair");
      this.pos++;
    }
  }
}

export function parseJson(text: string, options: ParseOptions = {}): JsonValue {
  const decoderMode = options.firstValueOnly === true;
  const p = new Parser(text, decoderMode);
  p.skipSpace();
  if (decoderMode && p.pos >= text.length) throw new JsonError("EOF", p.pos);
  const value = p.value(0);
  if (!decoderMode) {
    p.skipSpace();
    if (p.pos < text.length) p.fail("after top-level value");
  }
  return value;
}

export function isJsonObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonNumber);
}

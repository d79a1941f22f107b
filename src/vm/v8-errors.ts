/**
 * V8's wording of the exceptions a contract cannot help meeting, where QuickJS words them
 * otherwise: IOST prints a contract's uncaught exception as V8 7.0 (go-iost
 * vm/v8vm/v8/include/_linux_amd64/v8-version.h) words it, and tools match those texts
 * (go-iost test/v8vm/vm_test.go TestEngine_Danger). Only translations that follow from the
 * exception alone are made: a message QuickJS words without what V8 prints (`not a function`,
 * V8's `o.f is not a function`) stays as it is. Gas never depends on these texts: a contract
 * cannot catch an exception (no try/catch), so its message is only ever seen in the receipt.
 */

/**
 * QuickJS's TypeError / ReferenceError message → V8's, or the message itself. A contract's own
 * `throw new TypeError(…)` worded exactly as QuickJS words these would be translated too.
 */
export function v8Message(name: string, message: string): string {
  if (name === "TypeError") {
    const m = /^cannot (read|set) property '(.*)' of (undefined|null)$/s.exec(message);
    if (m) return `Cannot ${m[1]} property '${m[2]}' of ${m[3]}`;
  } else if (name === "ReferenceError") {
    const m = /^'(.*)' is not defined$/s.exec(message);
    if (m) return `${m[1]} is not defined`;
  }
  return message;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** The scan stopped at `pos` (text.length: the end). */
class Unexpected {
  constructor(readonly pos: number) {}
}

/**
 * V8 7.0's JSON.parse SyntaxError message for `text` (its JsonParser: the first character it
 * cannot take, counted in UTF-16 units), or null when `text` is valid JSON.
 */
export function v8JsonError(text: string): string | null {
  let pos = 0;
  const fail = (): never => {
    throw new Unexpected(pos);
  };
  const skip = () => {
    while (WHITESPACE.has(text[pos])) pos++;
  };
  const digits = () => {
    if (!isDigit(text[pos])) fail();
    while (isDigit(text[pos])) pos++;
  };
  const string = () => {
    pos++; // the opening quote
    for (;;) {
      const c = text[pos];
      if (c === undefined || c < " ") fail();
      pos++;
      if (c === '"') return;
      if (c !== "\\") continue;
      const e = text[pos];
      if (e === "u") {
        for (let i = 0; i < 4; i++) {
          pos++;
          if (!isHex(text[pos])) fail();
        }
      } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail();
      pos++;
    }
  };
  const number = () => {
    if (text[pos] === "-") pos++;
    if (text[pos] === "0") {
      pos++;
      if (isDigit(text[pos])) fail();
    } else digits();
    if (text[pos] === ".") {
      pos++;
      digits();
    }
    if (text[pos] === "e" || text[pos] === "E") {
      pos++;
      if (text[pos] === "+" || text[pos] === "-") pos++;
      digits();
    }
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[pos] !== ch) fail();
      pos++;
    }
  };
  /** One value, nesting kept on an explicit stack: no host recursion however deep the text. */
  const value = (): void => {
    const open: string[] = [];
    for (;;) {
      const c = text[pos];
      if (c === "{" || c === "[") {
        pos++;
        skip();
        const close = c === "{" ? "}" : "]";
        if (text[pos] === close) pos++;
        else {
          open.push(close);
          if (close === "}") key();
          continue;
        }
      } else if (c === '"') string();
      else if (c === "-" || isDigit(c)) number();
      else if (c === "t") literal("true");
      else if (c === "f") literal("false");
      else if (c === "n") literal("null");
      else fail();
      // After a value: the next member or element, or the end of the containers it closes.
      for (;;) {
        if (open.length === 0) return;
        skip();
        const close = open[open.length - 1];
        if (text[pos] === ",") {
          pos++;
          skip();
          if (close === "}") key();
          break;
        }
        if (text[pos] !== close) fail();
        pos++;
        open.pop();
      }
    }
  };
  /** A member's name and its colon, up to its value. */
  const key = () => {
    if (text[pos] !== '"') fail();
    string();
    skip();
    if (text[pos] !== ":") fail();
    pos++;
    skip();
  };
  try {
    skip();
    value();
    skip();
    if (pos < text.length) fail();
    return null;
  } catch (e) {
    if (!(e instanceof Unexpected)) throw e;
    const at = e.pos;
    if (at >= text.length) return "Unexpected end of JSON input";
    const c = text[at];
    if (c === '"') return `Unexpected string in JSON at position ${at}`;
    if (c === "-" || isDigit(c)) return `Unexpected number in JSON at position ${at}`;
    return `Unexpected token ${c} in JSON at position ${at}`;
  }
}

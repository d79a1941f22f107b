import { test, expect } from "vitest";
import fc from "fast-check";
import { JsonNumber, parseJson } from "../../../src/codec/json";

test("numbers keep their source text (int64 above 2^53 stays exact)", () => {
  const v = parseJson('{"time":1544013436179000000,"x":[-0.5e-3,0]}') as any;
  expect(v.time).toBeInstanceOf(JsonNumber);
  expect(v.time.raw).toBe("1544013436179000000");
  expect(BigInt(v.time.raw)).toBe(1544013436179000000n);
  expect(v.x.map(String)).toEqual(["-0.5e-3", "0"]);
});

test("strings, escapes, literals, __proto__ is plain data", () => {
  expect(parseJson('"a\\u00e9\\n\\/\\"\\ud83d\\ude00"')).toBe('aé\n/"😀');
  expect(parseJson(" [true,false,null] ")).toEqual([true, false, null]);
  const o = parseJson('{"__proto__":{"a":1}}') as any;
  expect(Object.keys(o)).toEqual(["__proto__"]);
  expect(Object.getPrototypeOf(o)).toBe(null);
});

test("invalid JSON fails with Go encoding/json's wording", () => {
  const cases: [string, string][] = [
    ["", "unexpected end of JSON input"],
    ["[1,2", "unexpected end of JSON input"],
    ["x", "invalid character 'x' looking for beginning of value"],
    ["[1 2]", "invalid character '2' after array element"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ["{1:2}", "invalid character '1' looking for beginning of object key string"],
    ["[01]", "invalid character '1' after array element"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1.e5", "invalid character 'e' after decimal point in numeric literal"],
    ["1e+", "unexpected end of JSON input"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ["tru ", "invalid character ' ' in literal true (expecting 'e')"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["[1] x", "invalid character 'x' after top-level value"],
    ["['a']", "invalid character '\\'' looking for beginning of value"],
  ];
  for (const [text, message] of cases) expect(() => parseJson(text), text).toThrow(message);
  expect(() => parseJson("[".repeat(2000))).toThrow("exceeded max depth");
});

test("firstValueOnly: Go's json.Decoder reads one value and ignores the rest", () => {
  expect(parseJson("[1] trailing", { firstValueOnly: true })).toEqual([new JsonNumber("1")]);
  expect(() => parseJson("  ", { firstValueOnly: true })).toThrow(/^EOF$/);
  expect(() => parseJson("[1,", { firstValueOnly: true })).toThrow(/^unexpected EOF$/);
});

test("agrees with JSON.parse on any JSON.stringify output", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v);
      const ours = JSON.parse(JSON.stringify(parseJson(text), (_k, x) => (x instanceof JsonNumber ? Number(x.raw) : x)));
      expect(ours).toEqual(JSON.parse(text));
    }),
  );
});

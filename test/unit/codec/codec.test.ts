import { test, expect } from "vitest";
import fc from "fast-check";
import { SimpleEncoder, compareUtf8 } from "../../../src/codec/encoder";
import { SimpleDecoder } from "../../../src/codec/decoder";
import { base58Decode, base58Encode } from "../../../src/codec/base58";
import { base64Decode, base64Encode } from "../../../src/codec/base64";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

test("SimpleEncoder primitives match go-iost common/serialize.go", () => {
  expect(hex(new SimpleEncoder().int64(-1n).finish())).toBe("ffffffffffffffff");
  expect(hex(new SimpleEncoder().int64(1544013436179000000n).finish())).toBe("156d700a27e12ac0");
  expect(hex(new SimpleEncoder().int32(-2).int32(0xffffffff).finish())).toBe("fffffffeffffffff");
  expect(hex(new SimpleEncoder().byte(2).bytes(new Uint8Array(0)).finish())).toBe("0200000000");
  expect(hex(new SimpleEncoder().string("é").finish())).toBe("00000002c3a9");
  expect(hex(new SimpleEncoder().stringSlice(["a", ""]).finish())).toBe("00000002" + "0000000161" + "00000000");
  expect(hex(new SimpleEncoder().bytesSlice([new Uint8Array([1])]).finish())).toBe("00000001" + "0000000101");
  // Keys in byte order: "B" (0x42) < "a" (0x61); U+FFFF sorts before U+10000 in UTF-8 but not in UTF-16.
  const map = new SimpleEncoder().mapStringToI64({ a: 1n, B: -1n }).finish();
  expect(hex(map)).toBe("00000002" + "0000000142" + "ffffffffffffffff" + "0000000161" + "0000000000000001");
  expect(compareUtf8("\u{ffff}", "\u{10000}")).toBeLessThan(0);
  expect("\u{ffff}" < "\u{10000}").toBe(false);
});

test("SimpleEncoder rejects out-of-range values", () => {
  expect(() => new SimpleEncoder().int64(1n << 63n)).toThrow("int64 out of range");
  expect(() => new SimpleEncoder().int32(2 ** 32)).toThrow("int32 out of range");
  expect(() => new SimpleEncoder().byte(256)).toThrow("byte out of range");
});

test("SimpleDecoder reads back every writer", () => {
  fc.assert(
    fc.property(
      i64,
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.nat(255),
      fc.uint8Array(),
      fc.string({ unit: "binary" }),
      fc.array(fc.string({ unit: "binary" })),
      fc.array(fc.uint8Array()),
      fc.dictionary(fc.string({ unit: "binary" }), i64),
      (a, b, c, d, e, f, g, h) => {
        const bytes = new SimpleEncoder().int64(a).int32(b).byte(c).bytes(d).string(e).stringSlice(f).bytesSlice(g).mapStringToI64(h).finish();
        const r = new SimpleDecoder(bytes);
        expect(r.int64()).toBe(a);
        expect(r.int32()).toBe(b);
        expect(r.byte()).toBe(c);
        expect(r.bytes()).toEqual(d);
        expect(r.string()).toBe(e);
        expect(r.stringSlice()).toEqual(f);
        expect(r.bytesSlice()).toEqual(g);
        const m = r.mapStringToI64();
        expect(Object.keys(m).sort()).toEqual(Object.keys(h).sort());
        for (const k of Object.keys(h)) expect(m[k]).toBe(h[k]);
        r.end();
      },
    ),
  );
});

test("SimpleDecoder fails clearly on truncated, negative-length and extra input", () => {
  expect(() => new SimpleDecoder(new Uint8Array(7)).int64()).toThrow("truncated input: int64 needs 8 bytes at offset 0, 7 left");
  expect(() => new SimpleDecoder(new Uint8Array([0, 0, 0, 5, 1])).bytes()).toThrow("truncated input: bytes needs 5 bytes at offset 4, 1 left");
  expect(() => new SimpleDecoder(new Uint8Array([0xff, 0xff, 0xff, 0xff])).bytes()).toThrow("negative bytes length -1 at offset 0");
  expect(() => new SimpleDecoder(new Uint8Array([0, 0, 0, 1, 0xff])).string()).toThrow("invalid UTF-8");
  const r = new SimpleDecoder(new Uint8Array(2));
  r.byte();
  expect(() => r.end()).toThrow("1 unexpected trailing bytes at offset 1");
  // A BOM is data, not a marker.
  expect(new SimpleDecoder(new SimpleEncoder().string("\ufeffx").finish()).string()).toBe("\ufeffx");
});

test("base58 matches known IOST encodings and round-trips", () => {
  expect(base58Encode(new Uint8Array([0, 0, 1]))).toBe("112");
  expect(base58Encode(new Uint8Array(0))).toBe("");
  expect(base58Decode("112")).toEqual(new Uint8Array([0, 0, 1]));
  expect(() => base58Decode("0OIl")).toThrow('invalid base58 character "0"');
  fc.assert(
    fc.property(fc.uint8Array(), (b) => {
      expect(base58Decode(base58Encode(b))).toEqual(b);
    }),
  );
  // The encoder works in limbs of five digits: the same text as the number written out digit by digit.
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const byBigInt = (b: Uint8Array) => {
    let n = 0n;
    for (const x of b) n = n * 256n + BigInt(x);
    let out = "";
    for (; n > 0n; n /= 58n) out = alphabet[Number(n % 58n)] + out;
    return "1".repeat(b.findIndex((x) => x !== 0) < 0 ? b.length : b.findIndex((x) => x !== 0)) + out;
  };
  for (const b of [new Uint8Array(32).fill(255), new Uint8Array([0, 57]), new Uint8Array([58]), new Uint8Array([0x27, 0x1f, 0x35, 0xa0])]) {
    expect(base58Encode(b)).toBe(byBigInt(b));
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      expect(base58Encode(b)).toBe(byBigInt(b));
    }),
    { numRuns: 500 },
  );
});

test("base64: std encode; std or URL-safe decode, padding as protojson expects", () => {
  expect(base64Encode(new Uint8Array([0xfb, 0xff]))).toBe("+/8=");
  expect(base64Decode("+/8=")).toEqual(new Uint8Array([0xfb, 0xff]));
  expect(base64Decode("+/8")).toEqual(new Uint8Array([0xfb, 0xff]));
  expect(base64Decode("-_8")).toEqual(new Uint8Array([0xfb, 0xff]));
  expect(base64Decode("-_8=")).toEqual(new Uint8Array([0xfb, 0xff]));
  expect(base64Decode("QUJD\nREVG")).toEqual(new TextEncoder().encode("ABCDEF"));
  expect(base64Decode("")).toEqual(new Uint8Array(0));
  for (const bad of ["QQ=", "Q", "QQ!=", "+_8=", "Q===", "QQ==QQ==", "é"]) expect(() => base64Decode(bad), bad).toThrow("illegal base64 data");
  fc.assert(
    fc.property(fc.uint8Array(), (b) => {
      const s = base64Encode(b);
      expect(base64Decode(s)).toEqual(b);
      expect(base64Decode(s.replace(/=+$/, ""))).toEqual(b);
      expect(base64Decode(s.replace(/\+/g, "-").replace(/\//g, "_"))).toEqual(b);
    }),
  );
});

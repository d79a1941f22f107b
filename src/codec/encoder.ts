/**
 * go-iost common/serialize.go SimpleEncoder: the byte layout behind every hash
 * (tx base/publish/full bytes, receipts). Big-endian, length-prefixed.
 */
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;
const utf8 = new TextEncoder();

/** Go compares map keys as byte strings; JS `<` compares UTF-16 units, which differs above U+FFFF. */
export function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export class SimpleEncoder {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Two's complement; anything outside int64 is a caller bug, not something to wrap silently. */
  int64(value: bigint): this {
    if (value < MIN_I64 || value > MAX_I64) throw new RangeError(`int64 out of range: ${value}`);
    this.reserve(8);
    this.view.setBigInt64(this.len, value);
    this.len += 8;
    return this;
  }

  /** Accepts uint32 too: Go writes chain_id as int32(uint32), i.e. the same four bytes. */
  int32(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new RangeError(`int32 out of range: ${value}`);
    }
    this.reserve(4);
    this.view.setUint32(this.len, value >>> 0);
    this.len += 4;
    return this;
  }

  byte(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`byte out of range: ${value}`);
    this.reserve(1);
    this.buf[this.len++] = value;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  bytes(bytes: Uint8Array): this {
    return this.int32(bytes.length).raw(bytes);
  }

  string(text: string): this {
    // Straight into the buffer (UTF-8 is at most 3 bytes per UTF-16 unit), the length after.
    this.reserve(4 + text.length * 3);
    const n = utf8.encodeInto(text, this.buf.subarray(this.len + 4)).written;
    this.view.setUint32(this.len, n);
    this.len += 4 + n;
    return this;
  }

  stringSlice(items: readonly string[]): this {
    this.int32(items.length);
    for (const item of items) this.string(item);
    return this;
  }

  bytesSlice(items: readonly Uint8Array[]): this {
    this.int32(items.length);
    for (const item of items) this.bytes(item);
    return this;
  }

  mapStringToI64(map: Readonly<Record<string, bigint>>): this {
    const keys = Object.keys(map).sort(compareUtf8);
    this.int32(keys.length);
    for (const key of keys) this.string(key).int64(map[key]);
    return this;
  }

  /** What `write` encodes, as a length-prefixed field: go-iost's nested encodings, without a second encoder. */
  nested(write: (e: this) => void): this {
    this.reserve(4);
    const at = this.len;
    this.len += 4;
    write(this);
    this.view.setUint32(at, this.len - at - 4);
    return this;
  }

  /** Bytes written so far: where a field ends, for a prefix of the encoding (src/tx txEncoding). */
  get length(): number {
    return this.len;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Reader for the SimpleEncoder layout. go-iost never decodes it (it stores
 * protobuf), but we store txs in their full bytes, so every read is checked:
 * a corrupt or truncated record must fail loudly, never yield a different tx.
 */
// ignoreBOM keeps a leading U+FEFF: it is part of the hashed string, not a marker.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class DecodeError extends Error {
  override name = "DecodeError";
}

export class SimpleDecoder {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  private take(n: number, what: string): number {
    const at = this.pos;
    if (n > this.input.length - at) {
      throw new DecodeError(`truncated input: ${what} needs ${n} bytes at offset ${at}, ${this.input.length - at} left`);
    }
    this.pos += n;
    return at;
  }

  int64(): bigint {
    return this.view.getBigInt64(this.take(8, "int64"));
  }

  int32(): number {
    return this.view.getInt32(this.take(4, "int32"));
  }

  uint32(): number {
    return this.view.getUint32(this.take(4, "uint32"));
  }

  byte(): number {
    return this.input[this.take(1, "byte")];
  }

  private length(what: string): number {
    const n = this.int32();
    if (n < 0) throw new DecodeError(`negative ${what} length ${n} at offset ${this.pos - 4}`);
    return n;
  }

  bytes(): Uint8Array {
    const n = this.length("bytes");
    const at = this.take(n, "bytes");
    return this.input.slice(at, at + n);
  }

  string(): string {
    const bytes = this.bytes();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new DecodeError(`invalid UTF-8 in string ending at offset ${this.pos}`);
    }
  }

  stringSlice(): string[] {
    const n = this.length("slice");
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }

  bytesSlice(): Uint8Array[] {
    const n = this.length("slice");
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(this.bytes());
    return out;
  }

  mapStringToI64(): Record<string, bigint> {
    const n = this.length("map");
    const out: Record<string, bigint> = {};
    for (let i = 0; i < n; i++) {
      const key = this.string();
      Object.defineProperty(out, key, { value: this.int64(), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Call after the last field: trailing bytes mean the record is not what we think it is. */
  end(): void {
    if (this.pos !== this.input.length) {
      throw new DecodeError(`${this.input.length - this.pos} unexpected trailing bytes at offset ${this.pos}`);
    }
  }
}

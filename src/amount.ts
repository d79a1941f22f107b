/**
 * Fixed-point decimal numbers as IOST uses them for amounts and gas
 * (go-iost common/decimal.go): an integer value and a scale (number of
 * decimal places). Values are bigint, so nothing here ever touches a float.
 *
 * Semantics follow the Go type where they are observable:
 * - parsing truncates extra decimals (never rounds) and rejects anything but
 *   digits and one '.'; Go's int64 overflow is reported as `overflow error`;
 * - `toString()` drops trailing zeros ("10.000" -> "10");
 * - `mul` shrinks both operands' trailing zeros first, then adds scales;
 * - `add`/`sub`/comparisons rescale to the larger scale.
 */

export const AMOUNT_RE = /^([0-9]+[.])?[0-9]+$/;

const INT64_MAX = (1n << 63n) - 1n;

export class DecimalError extends Error {}

export class Decimal {
  constructor(
    readonly value: bigint,
    readonly scale: number,
  ) {}

  static zero(scale = 0): Decimal {
    return new Decimal(0n, scale);
  }

  /** An integer amount given in whole units, at `scale` (NewDecimalFromIntWithScale). */
  static fromInt(v: bigint | number, scale: number): Decimal {
    return new Decimal(BigInt(v), 0).rescale(scale);
  }

  /**
   * go-iost `NewDecimalFromString(amount, scale)`: digits with at most one '.',
   * decimals beyond `scale` truncated, result rescaled to `scale` (when scale >= 0).
   * Error texts are Go's: `amount format error`, `abnormal char in amount`,
   * `multi decimal point error`, `overflow error`.
   */
  static parse(amount: string, scale: number): Decimal {
    if (amount.length === 0 || amount[0] === ".") throw new DecimalError("amount format error");
    if (amount[0] === "-") return Decimal.parse(amount.slice(1), scale).neg();
    let value = 0n;
    let s = 0;
    let point = false;
    for (let i = 0; i < amount.length; i++) {
      const ch = amount.charCodeAt(i);
      if (ch >= 48 && ch <= 57) {
        value = value * 10n + BigInt(ch - 48);
        if (value > INT64_MAX) throw new DecimalError("overflow error");
        if (point) {
          s++;
          if (scale >= 0 && s >= scale) break;
        }
      } else if (ch === 46) {
        if (point) throw new DecimalError("multi decimal point error");
        point = true;
      } else {
        throw new DecimalError("abnormal char in amount");
      }
    }
    const d = new Decimal(value, s);
    if (scale < 0) return d;
    const r = d.rescale(scale);
    if (r.value > INT64_MAX || r.value < -INT64_MAX - 1n) throw new DecimalError("overflow error");
    return r;
  }

  isZero(): boolean {
    return this.value === 0n;
  }
  isPositive(): boolean {
    return this.value > 0n;
  }
  isNegative(): boolean {
    return this.value < 0n;
  }

  neg(): Decimal {
    return new Decimal(-this.value, this.scale);
  }

  /** Truncating rescale (Go `Rescale`). */
  rescale(target: number): Decimal {
    if (target === this.scale) return this;
    if (target > this.scale) return new Decimal(this.value * 10n ** BigInt(target - this.scale), target);
    // Go divides step by step with truncation toward zero; bigint `/` truncates toward zero too.
    return new Decimal(this.value / 10n ** BigInt(this.scale - target), target);
  }

  shrink(): Decimal {
    let v = this.value;
    let s = this.scale;
    while (v % 10n === 0n && s > 0) {
      v /= 10n;
      s--;
    }
    return new Decimal(v, s);
  }

  add(o: Decimal): Decimal {
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).value + o.rescale(s).value, s);
  }

  sub(o: Decimal): Decimal {
    return this.add(o.neg());
  }

  mul(o: Decimal): Decimal {
    const a = this.shrink();
    const b = o.shrink();
    return new Decimal(a.value * b.value, a.scale + b.scale);
  }

  mulInt(i: bigint): Decimal {
    return new Decimal(this.value * i, this.scale);
  }

  /** Truncating integer division of the value (Go `DivInt`). */
  divInt(i: bigint): Decimal {
    return new Decimal(this.value / i, this.scale);
  }

  cmp(o: Decimal): number {
    const s = Math.max(this.scale, o.scale);
    const a = this.rescale(s).value;
    const b = o.rescale(s).value;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  lessThan(o: Decimal): boolean {
    return this.cmp(o) < 0;
  }
  equals(o: Decimal): boolean {
    return this.cmp(o) === 0;
  }

  /** Every decimal place, e.g. "115.00" (Go `ToStringWithFullScale`). */
  toFullScale(): string {
    if (this.value < 0n) return "-" + this.neg().toString();
    let digits = this.value.toString();
    if (this.scale <= 0) return this.scale === 0 ? digits : digits + "0".repeat(-this.scale);
    if (digits.length <= this.scale) digits = "0".repeat(this.scale - digits.length + 1) + digits;
    return digits.slice(0, digits.length - this.scale) + "." + digits.slice(digits.length - this.scale);
  }

  /** Normalized: trailing zeros and a trailing '.' removed (Go `String`). */
  toString(): string {
    const full = this.toFullScale();
    if (this.scale <= 0 || this.value < 0n) return full;
    let end = full.length;
    while (full[end - 1] === "0") end--;
    if (full[end - 1] === ".") end--;
    return full.slice(0, end);
  }

  /** Parse the text written by toFullScale (scale = digits after the point). */
  static fromFullScale(text: string): Decimal {
    const neg = text.startsWith("-");
    const t = neg ? text.slice(1) : text;
    const dot = t.indexOf(".");
    const d = dot < 0 ? new Decimal(BigInt(t), 0) : new Decimal(BigInt(t.slice(0, dot) + t.slice(dot + 1)), t.length - dot - 1);
    return neg ? d.neg() : d;
  }
}

export const MAX_INT64 = INT64_MAX;

/**
 * Sandbox source of IOST's number classes (go-iost vm/v8vm/v8/libjs
 * bignumber.js config, float64.js, int64.js): an exact decimal on BigInt,
 * DECIMAL_PLACES 50 and ROUND_DOWN as IOST configures bignumber.js. A lazily
 * loaded module (prelude.ts) over the prelude's kernel `k`: `BigIntF`,
 * `WeakMapC`, `charge`, `create` and `StringF` are the prelude's captured originals (the
 * contract sees none of them, nor the BigInt values, which live in a WeakMap).
 * It loads after contract code may have run, so it iterates with indexes,
 * never with iterators the contract could have replaced, and charges nothing
 * while loading.
 */
export const NUMBERS_MODULE = String.raw`(function (k) {
  "use strict";
  const charge = k.charge, BigIntF = k.BigIntF, WeakMapC = k.WeakMapC, StringF = k.StringF;
  const own = (o, name, value) => k.defineProperty(o, name, { value, writable: true, enumerable: true, configurable: true });
  const NUM = new WeakMapC();
  const ZERO = BigIntF(0), ONE = BigIntF(1), TEN = BigIntF(10);
  const pow10 = (n) => TEN ** BigIntF(n);
  const digits = (c) => StringF(c < ZERO ? -c : c).length;
  const bnError = (msg) => new Error("[BigNumber Error] " + msg);
  // Bounded size: BigInt multiplication, division and toString are superlinear, so gas by digits
  // only holds while numbers stay small (IOST's Float64/Int64 are int64-ranged anyway).
  const MAX_DIGITS = 1000;
  const LIMIT = pow10(MAX_DIGITS);
  function norm(c, s) {
    if (c >= LIMIT || c <= -LIMIT || s > MAX_DIGITS) throw bnError("Number out of range");
    while (s > 0 && c % TEN === ZERO) { c = c / TEN; s--; }
    return [c, s];
  }
  function parseDec(v) {
    const s = StringF(v);
    let i = 0, neg = false, ip = "", fp = "", dot = false;
    if (s[0] === "+" || s[0] === "-") { neg = s[0] === "-"; i = 1; }
    for (; i < s.length; i++) {
      const ch = s[i];
      if (ch >= "0" && ch <= "9") { if (dot) fp += ch; else ip += ch; }
      else if (ch === "." && !dot) dot = true;
      else break;
    }
    if (ip.length + fp.length === 0) throw bnError("Not a number: " + s);
    if (ip.length + fp.length > MAX_DIGITS) throw bnError("Number out of range");
    let exp = 0;
    if (i < s.length) {
      if (s[i] !== "e" && s[i] !== "E") throw bnError("Not a number: " + s);
      i++;
      let sign = 1, ed = "";
      if (s[i] === "+" || s[i] === "-") { sign = s[i] === "-" ? -1 : 1; i++; }
      for (; i < s.length; i++) { const ch = s[i]; if (ch >= "0" && ch <= "9") ed += ch; else throw bnError("Not a number: " + s); }
      if (ed.length === 0 || ed.length > 4) throw bnError("Not a number: " + s);
      exp = sign * Number(ed);
    }
    charge(20 + s.length + (exp < 0 ? -exp : exp));
    let c = BigIntF((ip + fp) || "0"), sc = fp.length - exp;
    if (sc < 0) { c = c * pow10(-sc); sc = 0; }
    return norm(neg ? -c : c, sc);
  }
  function value(v) {
    if (v instanceof BigNumber) return NUM.get(v);
    if (typeof v === "object" && v !== null && v.number instanceof BigNumber) return NUM.get(v.number);
    if (typeof v === "number" && !(v - v === 0)) throw bnError("Not a number: " + v);
    if (typeof v !== "number" && typeof v !== "string") throw bnError("Not a number: " + v);
    return parseDec(v);
  }
  function make(c, s) {
    const r = k.create(BigNumber.prototype);
    NUM.set(r, norm(c, s));
    return r;
  }
  function align(a, b) {
    const s = a[1] > b[1] ? a[1] : b[1];
    return [a[0] * pow10(s - a[1]), b[0] * pow10(s - b[1]), s];
  }
  function cmp(a, b) {
    const [x, y] = align(a, b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function divide(a, b) {
    if (b[0] === ZERO) throw bnError("division by zero");
    charge(20 + digits(a[0]) + digits(b[0]) + 50);
    return make((a[0] * pow10(50 + b[1])) / (b[0] * pow10(a[1])), 50);
  }
  function plain(c, s) {
    const d = StringF(c < ZERO ? -c : c);
    let out = d;
    if (s > 0) {
      let z = "";
      for (let k = d.length; k <= s; k++) z += "0";
      const p = z + d;
      out = p.slice(0, p.length - s) + "." + p.slice(p.length - s);
    }
    return c < ZERO ? "-" + out : out;
  }
  function BigNumber(n, base) {
    if (!(this instanceof BigNumber)) return new BigNumber(n, base);
    if (base !== undefined && base !== 10) throw bnError("Base not supported: " + base);
    NUM.set(this, value(n));
  }
  const arith = {
    plus(a, b) { const [x, y, s] = align(a, b); return make(x + y, s); },
    minus(a, b) { const [x, y, s] = align(a, b); return make(x - y, s); },
    times(a, b) { charge(20 + digits(a[0]) + digits(b[0])); return make(a[0] * b[0], a[1] + b[1]); },
    div: divide,
    mod(a, b) { if (b[0] === ZERO) throw bnError("division by zero"); const [x, y, s] = align(a, b); return make(x % y, s); },
    pow(a, b) {
      if (b[1] !== 0) throw bnError("Exponent not an integer");
      const n = b[0] < ZERO ? -b[0] : b[0];
      // |a| ≥ 2 has at least n·log10(2) digits: 3400 > 1000/log10(2) bounds the work before norm checks.
      const big = a[0] >= BigIntF(2) || a[0] <= BigIntF(-2);
      const d = (digits(a[0]) - 1) * Number(n);
      if ((big && (n > BigIntF(3400) || d > MAX_DIGITS)) || a[1] * Number(n) > MAX_DIGITS) throw bnError("Number out of range");
      charge(20 + d + a[1] * Number(n));
      const r = make(a[0] ** n, a[1] * Number(n));
      return b[0] < ZERO ? divide(NUM.get(make(ONE, 0)), NUM.get(r)) : r;
    },
  };
  const P = BigNumber.prototype;
  const alias = { plus: ["plus"], minus: ["minus"], times: ["times", "multipliedBy", "multi"], div: ["div", "dividedBy"], mod: ["mod", "modulo"], pow: ["pow", "exponentiatedBy"] };
  for (const op in alias) for (let i = 0; i < alias[op].length; i++) P[alias[op][i]] = function (o) { charge(20); return arith[op](NUM.get(this), value(o)); };
  const cmps = { eq: (r) => r === 0, gt: (r) => r > 0, gte: (r) => r >= 0, lt: (r) => r < 0, lte: (r) => r <= 0 };
  const cmpAlias = { eq: "isEqualTo", gt: "isGreaterThan", gte: "isGreaterThanOrEqualTo", lt: "isLessThan", lte: "isLessThanOrEqualTo" };
  for (const op in cmps) P[op] = P[cmpAlias[op]] = function (o) { charge(20); return cmps[op](cmp(NUM.get(this), value(o))); };
  P.comparedTo = function (o) { charge(20); return cmp(NUM.get(this), value(o)); };
  P.negated = function () { const a = NUM.get(this); return make(-a[0], a[1]); };
  P.abs = P.absoluteValue = function () { const a = NUM.get(this); return make(a[0] < ZERO ? -a[0] : a[0], a[1]); };
  P.isZero = function () { return NUM.get(this)[0] === ZERO; };
  P.isPositive = function () { return NUM.get(this)[0] >= ZERO; };
  P.isNegative = function () { return NUM.get(this)[0] < ZERO; };
  P.isInteger = function () { return NUM.get(this)[1] === 0; };
  P.integerValue = function () { const a = NUM.get(this); return make(a[0] / pow10(a[1]), 0); };
  P.decimalPlaces = P.dp = function () { return NUM.get(this)[1]; };
  P.toFixed = function (dp) {
    let [c, s] = NUM.get(this);
    if (dp === undefined) return plain(c, s);
    dp = Number(dp);
    if (!(dp >= 0 && dp <= 100) || dp % 1 !== 0) throw bnError("Argument out of range: " + dp);
    if (s > dp) { c = c / pow10(s - dp); s = dp; }
    return plain(c * pow10(dp - s), dp);
  };
  /** bignumber.js EXPONENTIAL_AT [-7, 20]. */
  P.toJSON = function () {
    const [c, s] = NUM.get(this);
    if (c === ZERO) return "0";
    const d = StringF(c < ZERO ? -c : c);
    const e = d.length - 1 - s;
    if (e > -7 && e < 21) return plain(c, s);
    let m = d;
    while (m.length > 1 && m[m.length - 1] === "0") m = m.slice(0, m.length - 1);
    const out = m[0] + (m.length > 1 ? "." + m.slice(1) : "") + "e" + (e < 0 ? "-" : "+") + (e < 0 ? -e : e);
    return c < ZERO ? "-" + out : out;
  };
  // Object.prototype is frozen by now: its toString/valueOf can only be shadowed by definition, not assignment.
  own(P, "toString", P.toJSON);
  own(P, "valueOf", P.toJSON);
  P.toNumber = function () { return Number(this.toString()); };

  const MAX64 = make(BigIntF("9223372036854775807"), 0), MIN64 = make(BigIntF("-9223372036854775808"), 0);
  /** Float64 and Int64 of IOST: a BigNumber in .number, range-checked to int64; Int64 drops decimals. */
  function wrapper(name, integer) {
    function W(n, base) {
      if (!(this instanceof W)) return new W(n, base);
      let b = new BigNumber(n, base);
      if (integer) b = b.integerValue();
      if (b.gt(MAX64)) throw new Error(name + ": " + b + " overflow " + name.toLowerCase());
      if (b.lt(MIN64)) throw new Error(name + ": " + b + " underflow " + name.toLowerCase());
      this.number = b;
    }
    const arg = (n) => {
      if (n === undefined || n === null) throw new Error(name.toLowerCase() + " argument: " + n + " is empty");
      return n instanceof W ? n : new W(n);
    };
    const ops = { plus: "plus", minus: "minus", multi: "times", div: "div", mod: "mod", pow: "pow" };
    for (const op in ops) W.prototype[op] = function (n) { return new W(this.number[ops[op]](arg(n).number)); };
    const cmpNames = ["eq", "gt", "gte", "lt", "lte"];
    for (let i = 0; i < cmpNames.length; i++) { const op = cmpNames[i]; W.prototype[op] = function (n) { return this.number[op](arg(n).number); }; }
    W.prototype.negated = function () { return new W(this.number.negated()); };
    W.prototype.isZero = function () { return this.number.isZero(); };
    W.prototype.isPositive = function () { return this.number.isPositive(); };
    W.prototype.isNegative = function () { return this.number.isNegative(); };
    W.prototype.toJSON = function () { return this.number.toString(); };
    own(W.prototype, "toString", W.prototype.toJSON);
    W.prototype.toFixed = function (n) { return this.number.toFixed(n); };
    return W;
  }
  const Float64 = wrapper("Float64", false);
  const Int64 = wrapper("Int64", true);
  return { BigNumber, Float64, Int64 };
})`;

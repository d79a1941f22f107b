/**
 * gas_ratio and gas_limit travel as JSON doubles and are hashed as int64 ×100.
 * go-iost converts with `int64(x*100)` (rpc/convert.go) and iost.js hashes
 * `parseInt(x*100)`: both are one IEEE multiplication and a truncation, so
 * "0.29" becomes 28, not 29. We must do the same float arithmetic, not exact
 * decimal arithmetic, or our hashes would differ from theirs.
 */
const TWO_63 = 2 ** 63;
const MIN_I64 = -(1n << 63n);

/** Go on amd64 turns NaN and out-of-range conversions into math.MinInt64; the range check then rejects it. */
export function gasToInternal(x: number): bigint {
  const y = x * 100;
  if (Number.isNaN(y) || y >= TWO_63 || y < -TWO_63) return MIN_I64;
  return BigInt(Math.trunc(y));
}

/** Go's `float64(v) / 100`, the value the RPC shows. */
export function gasToDouble(internal: bigint): number {
  return Number(internal) / 100;
}

function neighbour(x: number, away: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, away ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/**
 * A double that gasToInternal maps back to `internal`: internal/100 when that
 * survives the ×100 truncation, otherwise the next double away from zero
 * (e.g. 29 -> 0.29000000000000004). Used to write requests that round-trip.
 */
export function gasForRequest(internal: bigint): number {
  let x = gasToDouble(internal);
  for (let i = 0; i < 4 && x !== 0; i++) {
    if (gasToInternal(x) === internal) return x;
    x = neighbour(x, true);
  }
  if (gasToInternal(x) === internal) return x;
  throw new RangeError(`no double converts to gas ${internal}`);
}

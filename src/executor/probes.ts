/**
 * The probes of a failed tx, in two receipts or more (docs/SHARDING.md "Cross-shard effects", _Probes counted
 * together_): each half counts at most the gas its tx had left (`payer.gasLeft`), where one shard's run stopped at the
 * limit once their sum passed it. Only the home sees them all: it keeps what is left and how many are to come
 * (`x-probes-<hash>`), written by the home part that failed or by a failed forwarded part's settle (CrossReceipt
 * `probes`), counts each half against it as it applies a probe's settle, or lands a probe itself (combine.ts
 * countProbe), and drops the row with the last.
 */
import { countedTogether, countProbe } from "../sharding/combine.js";
import type { ForwardResult } from "../sharding/receipts.js";
import type { State } from "../state/state.js";

const probesRow = (hash: string) => `x-probes-${hash}`;

/** Tx `hash` failed with `left` gas and sent `probes` probe receipts. */
export function keepLeft(state: State, hash: string, left: bigint, probes: number): void {
  if (countedTogether(probes, left)) state.put(probesRow(hash), JSON.stringify([left.toString(), probes]));
}

/**
 * Tx `hash`'s half `f` (a settle's result, or a probe landed here) as its receipt and the publisher's gas take it:
 * counted against what was left (a probe refused where it landed brings none, but is one of those to come).
 */
export function countedHalf(state: State, hash: string, f: ForwardResult | undefined): ForwardResult | undefined {
  if (f && !f.credit) return f; // an action's
  const row = probesRow(hash);
  const raw = state.get(row);
  if (raw === undefined) return f;
  const [left, more] = JSON.parse(raw) as [string, number];
  const [half, rest] = f ? countProbe(f, BigInt(left)) : [f, BigInt(left)];
  if (more > 1) state.put(row, JSON.stringify([rest.toString(), more - 1]));
  else state.del(row);
  return half;
}

/**
 * The probes of a tx failed at home, in two receipts or more (docs/SHARDING.md "Cross-shard effects", _Probes counted
 * together_): each half counts at most the gas its tx had left (`payer.gasLeft`), where one shard's run stopped at the
 * limit once their sum passed it. Only the home sees them all: it keeps what is left and how many settles are to come
 * (`x-probes-<hash>`), counts each settle's half against it as it applies them (combine.ts countProbe) and drops the row
 * with the last.
 */
import { countedTogether, countProbe } from "../sharding/combine.js";
import type { CrossReceipt, ForwardResult } from "../sharding/receipts.js";
import type { State } from "../state/state.js";

const probesRow = (hash: string) => `x-probes-${hash}`;

/** Tx `hash` failed with `left` gas and sent `probes` probe receipts. */
export function keepLeft(state: State, hash: string, left: bigint, probes: number): void {
  if (countedTogether(probes, left)) state.put(probesRow(hash), JSON.stringify([left.toString(), probes]));
}

/**
 * Settle `r`'s result as its tx's receipt and the publisher's gas take it: its half counted against what was left (a
 * probe refused where it landed brings none, but is one of the settles).
 */
export function countedHalf(state: State, r: CrossReceipt): ForwardResult | undefined {
  if (r.result && !r.result.credit) return r.result; // an action's
  const row = probesRow(r.txHash);
  const raw = state.get(row);
  if (raw === undefined) return r.result;
  const [left, more] = JSON.parse(raw) as [string, number];
  const [half, rest] = r.result?.credit ? countProbe(r.result, BigInt(left)) : [r.result, BigInt(left)];
  if (more > 1) state.put(row, JSON.stringify([rest.toString(), more - 1]));
  else state.del(row);
  return half;
}

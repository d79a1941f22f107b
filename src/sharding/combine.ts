/**
 * A tx's combined receipt (docs/SHARDING.md "Receipt JSON"): the home shard's
 * receipt plus, per settle that answers one of its receipts, what happened
 * there. An action's settle adds the forwarded part's gas used (the gas the
 * home reserved beyond it was given back), returns, contract receipts and RAM.
 * A failed forwarded part gives IOST's receipt of a tx failing in that action
 * (RUNTIME_ERROR, the action's own `running action Action{…} error: …`, no
 * returns or contract receipts), as on one shard; a failed credit names the
 * receipt and the refund. The home part was undone with a failed forwarded
 * part (docs/SHARDING.md "Atomic txs"), so its receipt is one shard's.
 */
import type { TxReceipt } from "../tx/types.js";
import type { ForwardResult, Settlement } from "./receipts.js";

export function combineReceipt(r: TxReceipt, s: Settlement): TxReceipt {
  // A parked tx's run with the values it fetched: its receipt is that run's (its parked one was a placeholder).
  if (s.rerun) return s.rerun.receipt;
  let out = r;
  const f = s.result;
  if (f) {
    const ramUsage: Record<string, bigint> = { ...r.ramUsage };
    for (const [k, v] of Object.entries(f.ramUsage)) ramUsage[k] = (ramUsage[k] ?? 0n) + BigInt(v);
    const sorted: Record<string, bigint> = {};
    for (const k of Object.keys(ramUsage).sort()) if (ramUsage[k] !== 0n) sorted[k] = ramUsage[k];
    out = {
      ...r,
      gasUsage: r.gasUsage + BigInt(f.gasUsed) * BigInt(f.gasRatio),
      ramUsage: sorted,
      returns: [...r.returns, ...f.returns],
      receipts: [...r.receipts, ...f.receipts],
    };
  }
  // A probe's half: the publisher's bytes it would have charged count in one shard's doPay message, as its need.
  const unpaid = f?.credit?.unpaid;
  if (unpaid !== undefined && out.statusCode === "BALANCE_NOT_ENOUGH") out = { ...out, message: addNeed(out.message, f!.credit!.publisher, BigInt(unpaid)) };
  // A probe's half past the gas its tx had left: one shard's run ran out of gas in the action that sent it, before the
  // failure the tx met later (a probe is a failed tx's: combined before that failure's settle, it keeps the message).
  if (f?.credit?.ranOut) out = { ...out, statusCode: "RUNTIME_ERROR", message: "out of gas" };
  if (s.ok) return out;
  // The first failure is the tx's, as on one shard where the tx stops there.
  // So is a credit's half its tx waited for, when the publisher's RAM could not pay it (executor/index.ts reserveRam).
  if (f && (!f.credit || f.status)) {
    const statusCode = r.statusCode === "SUCCESS" ? (f.status ?? "RUNTIME_ERROR") : r.statusCode;
    // The home part was undone with it (executor/locks.ts): no RAM charged, as a failed tx on one shard.
    return { ...out, statusCode, message: r.statusCode === "SUCCESS" ? s.message : r.message, ramUsage: {}, returns: [], receipts: [] };
  }
  const before = out.statusCode === "SUCCESS" ? "" : `${out.message}; `;
  return { ...out, statusCode: "RUNTIME_ERROR", message: `${before}cross-shard receipt ${s.receiptId} failed: ${s.message}; refunded` };
}

/** Whether a failed tx's `probes` probe receipts, `left` gas left, count together: one is capped where it lands. */
export const countedTogether = (probes: number, left: bigint) => probes > 1 && left > 0n;

/**
 * Probe half `f` counted against the `left` gas its failed tx's earlier probes left (executor/probes.ts): the half as
 * counted, and what is left after it. One past it says so (`ranOut`): one shard's run stopped at the limit there.
 */
export function countProbe(f: ForwardResult, left: bigint): [ForwardResult, bigint] {
  const used = BigInt(f.gasUsed);
  if (used <= left) return [f, left - used];
  return [{ ...f, gasUsed: Number(left), credit: { ...f.credit!, ranOut: true } }, 0n];
}

/** IOST's `pay ram failed. id: <who> need <n>, actual <m>` with `bytes` more needed, when it names `who`. */
function addNeed(message: string, who: string, bytes: bigint): string {
  const m = /^(.*pay ram failed\. id: (\S+) need )(-?\d+)(, actual -?\d+)$/s.exec(message);
  return m && m[2] === who ? `${m[1]}${BigInt(m[3]) + bytes}${m[4]}` : message;
}

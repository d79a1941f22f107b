/**
 * A tx's combined receipt (docs/SHARDING.md "Receipt JSON"): the home shard's
 * receipt plus, per settle that answers one of its receipts, what happened
 * there. An action's settle adds the forwarded part's gas used (the gas the
 * home reserved beyond it was given back), returns, contract receipts and RAM;
 * a failed credit or action turns the status into RUNTIME_ERROR naming the
 * receipt and the refund (the home part's effects stay: parts are not atomic,
 * the money is).
 */
import type { TxReceipt } from "../tx/types.js";
import type { Settlement } from "./receipts.js";

export function combineReceipt(r: TxReceipt, s: Settlement): TxReceipt {
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
  if (s.ok) return out;
  const before = out.statusCode === "SUCCESS" ? "" : `${out.message}; `;
  return { ...out, statusCode: "RUNTIME_ERROR", message: `${before}cross-shard receipt ${s.receiptId} failed: ${s.message}; refunded` };
}

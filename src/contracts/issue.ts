/**
 * issue.iost: IOST's issue.js (go-iost config/genesis/contract/issue.js)
 * implemented natively in exact integer arithmetic. The genesis steps (token
 * `iost`, holders' balances, storage) are written by src/genesis/index.ts.
 *
 * Storage (plain strings, as issue.js writes them with storage.put):
 * `adminID`, `FoundationAccount`, `IOSTDecimal`, `IOSTLastIssueTime` (ns).
 *
 * issueIOST (every issueInterval blocks from base.iost/exec, or by the admin):
 *   amount = floor(supply × 296 × Δt / (10000 × YEAR_NS))   supply, amount in 1e-8 IOST
 *   bonus  = floor(amount × 33333333 / 1e8)
 * bonus.iost gets `bonus` (block rewards), issue.iost gets `bonus` and hands it
 * to vote_producer.iost/topupCandidateBonus (or to the foundation when no
 * candidate may take it), the foundation gets amount − 2 × bonus.
 * issue.js computes in doubles with 0.33; docs/REWARDS.md.
 */
import { Decimal } from "../amount.js";
import { str } from "../state/storage.js";
import { argsJson } from "./args.js";
import type { Cost } from "./cost.js";
import { jsError } from "./errors.js";
import { asString, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { adminAbis } from "./admin.js";

export const ISSUE = "issue.iost";
export const YEAR_NS = 31_536_000_000_000_000n;
/** 2.96 % a year = 296 / 10000. */
export const RATE_NUM = 296n;
export const RATE_DEN = 10_000n;
/** The candidates' and the producers' share each: 33333333 / 1e8 of the issue. */
export const SHARE_NUM = 33_333_333n;
export const SHARE_DEN = 100_000_000n;

/** What one issueIOST creates, in smallest units. */
export function issueSplit(supply: bigint, gapNs: bigint): { amount: bigint; bonus: bigint; foundation: bigint } {
  const amount = gapNs <= 0n ? 0n : (supply * RATE_NUM * gapNs) / (RATE_DEN * YEAR_NS);
  const bonus = (amount * SHARE_NUM) / SHARE_DEN;
  return { amount, bonus, foundation: amount - 2n * bonus };
}

function getStr(h: Host, c: Cost, key: string): string {
  return asString(h.get(c, key)) ?? "";
}

function decimalOf(h: Host, c: Cost): number {
  const d = getStr(h, c, "IOSTDecimal");
  return /^[0-9]+$/.test(d) ? Number(d) : 8;
}

function issueTo(h: Host, c: Cost, account: string, amount: string): void {
  h.callWithAuth(c, "token.iost", "issue", argsJson(["iost", account, amount]));
}

/** The iost supply in smallest units (token.iost/supply returns a decimal text). */
function supplyUnits(h: Host, c: Cost, dec: number): bigint {
  const r = h.callWithAuth(c, "token.iost", "supply", argsJson(["iost"]));
  return Decimal.parse(String(r[0]), dec).value;
}

const issueIOST: NativeAbi["fn"] = (h, _args, c) => {
  const admin = getStr(h, c, "adminID");
  if (!h.requireAuth(c, "base.iost", "active") && !h.requireAuth(c, admin, "active")) throw jsError("require auth failed. ret = false");
  const lastText = getStr(h, c, "IOSTLastIssueTime");
  if (!/^[0-9]+$/.test(lastText) || lastText === "0") throw jsError("IOSTLastIssueTime not set.");
  const now = h.blockTime(c);
  const gap = now - BigInt(lastText);
  if (gap <= 0n) return [];
  const foundation = getStr(h, c, "FoundationAccount");
  if (foundation === "") throw jsError("FoundationAccount not set.");
  const dec = decimalOf(h, c);
  h.put(c, "IOSTLastIssueTime", str(now.toString()));

  const s = issueSplit(supplyUnits(h, c, dec), gap);
  const text = (v: bigint) => new Decimal(v, dec).toString();
  // token.iost refuses to issue 0: a share too small to exist is skipped.
  if (s.foundation > 0n) issueTo(h, c, foundation, text(s.foundation));
  if (s.bonus === 0n) return [];
  issueTo(h, c, "bonus.iost", text(s.bonus));
  issueTo(h, c, ISSUE, text(s.bonus));
  const r = h.callWithAuth(c, "vote_producer.iost", "topupCandidateBonus", argsJson([text(s.bonus), ISSUE]));
  const took = r[0] === true || r[0] === "true";
  if (!took) h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", ISSUE, foundation, text(s.bonus), ""]));
  return [];
};

const issueIOSTTo: NativeAbi["fn"] = (h, args, c) => {
  if (!h.requireAuth(c, "auth.iost", "active")) throw jsError("issue iost permission denied");
  // token.iost checks the amount (its format, > 0, the cap), as issue.js leaves it to.
  issueTo(h, c, args[0] as string, args[1] as string);
  return [];
};

nativeContract({
  id: ISSUE,
  lang: "javascript",
  amountLimit: UNLIMITED_ALL,
  init: () => [],
  shared: adminAbis(UNLIMITED_ALL),
  abis: {
    issueIOST: [[], issueIOST],
    issueIOSTTo: [["string", "string"], issueIOSTTo],
  },
});

/**
 * bonus.iost: IOST's bonus.js (go-iost config/genesis/contract/bonus.js)
 * implemented natively in exact integer arithmetic. Block producers earn
 * `contribute` (8 decimals, cap 90e9, issuer bonus.iost, not transferable)
 * per block and swap it 1:1 for the IOST that issue.iost pays into
 * bonus.iost's balance.
 *
 * Storage (JSON text, as bonus.js writes it): `adminID`, `blockContrib` (a
 * JSON string, e.g. "\"3.28513441\""), `lastTime` (ns, last rate update).
 * Every 7 days of block time blockContrib becomes
 *   floor(supply × 1564349722223 / 1e22)   (supply and result in 1e-8 units)
 * = supply × 1.564349722223e-10 as bonus.js computes in doubles.
 *
 * bonus.js pays a witness with no account the contribute on its pubkey;
 * here it gets nothing (docs/REWARDS.md).
 */
import { Decimal, DecimalError } from "../amount.js";
import { str } from "../state/storage.js";
import { argsJson } from "./args.js";
import type { Cost } from "./cost.js";
import { jsError } from "./errors.js";
import { asString, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { adminAbis } from "./admin.js";
import { getJson, parseBaseData, putJson, requireAuthJs } from "./base.js";

export const BONUS = "bonus.iost";
export const CONTRIBUTE = "contribute";
export const CONTRIBUTE_DECIMAL = 8;
export const CONTRIBUTE_CAP = 90_000_000_000n;
export const INITIAL_BLOCK_CONTRIB = "3.28513441";
export const RATE_PERIOD_NS = 604_800_000_000_000n;
/** 1.564349722223e-10 = RATIO_NUM / RATIO_DEN. */
export const RATIO_NUM = 1_564_349_722_223n;
export const RATIO_DEN = 10n ** 22n;

/** blockContrib (1e-8 units) for an iost supply (1e-8 units). */
export function blockContribFor(supply: bigint): bigint {
  return (supply * RATIO_NUM) / RATIO_DEN;
}

const D = (v: bigint) => new Decimal(v, CONTRIBUTE_DECIMAL).toString();

function balanceUnits(h: Host, c: Cost, token: string, account: string): bigint {
  const r = h.callWithAuth(c, "token.iost", "balanceOf", argsJson([token, account]));
  return Decimal.parse(String(r[0]), CONTRIBUTE_DECIMAL).value;
}

function blockContrib(h: Host, c: Cost): bigint {
  const v = getJson(h, c, "blockContrib");
  return typeof v === "string" ? Decimal.parse(v, CONTRIBUTE_DECIMAL).value : 0n;
}

function updateRate(h: Host, c: Cost): void {
  const lastText = asString(h.get(c, "lastTime")) ?? "0";
  const last = /^[0-9]+$/.test(lastText) ? BigInt(lastText) : 0n;
  const now = h.blockTime(c);
  if (now < last + RATE_PERIOD_NS) return;
  const r = h.callWithAuth(c, "token.iost", "supply", argsJson(["iost"]));
  const supply = Decimal.parse(String(r[0]), 8).value;
  putJson(h, c, "blockContrib", D(blockContribFor(supply)));
  h.put(c, "lastTime", str(now.toString()));
}

/** The account of a witness pubkey (vote_producer.iost map producerKeyToId), or null. */
function accountOf(h: Host, c: Cost, pubkey: string): string | null {
  const v = h.globalMapGet(c, "vote_producer.iost", "producerKeyToId", pubkey);
  let s = v && (v.t === "s" || v.t === "j") ? v.v : "";
  if (s.startsWith('"')) s = JSON.parse(s) as string; // written JS-style (JSON.stringify)
  return s === "" ? null : s;
}

const issueContribute: NativeAbi["fn"] = (h, args, c) => {
  requireAuthJs(h, c, "base.iost", "active");
  updateRate(h, c);
  const { witness } = parseBaseData((args[0] as { json: string }).json);
  const amount = blockContrib(h, c);
  const acc = accountOf(h, c, witness);
  if (acc === null || amount <= 0n) return [];
  h.callWithAuth(c, "token.iost", "issue", argsJson([CONTRIBUTE, acc, D(amount)]));
  return [];
};

const exchangeIOST: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  const text = args[1] as string;
  requireAuthJs(h, c, account, "active");
  const held = balanceUnits(h, c, CONTRIBUTE, account);
  let amount: bigint;
  try {
    amount = Decimal.parse(text, CONTRIBUTE_DECIMAL).value;
  } catch (e) {
    if (e instanceof DecimalError) throw jsError(`invalid amount ${text}: ${e.message}`);
    throw e;
  }
  if (amount === 0n) amount = held;
  if (amount <= 0n || amount > held) throw jsError("invalid amount: negative or greater than contribute");
  if (amount > balanceUnits(h, c, "iost", BONUS)) throw jsError("left bonus not enough, please wait");
  h.callWithAuth(c, "token.iost", "destroy", argsJson([CONTRIBUTE, account, D(amount)]));
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", BONUS, account, D(amount), ""]));
  return [];
};

/** Genesis (bonus.js init): the contribute token and the first rate. */
export function initBonus(h: Host, c: Cost): void {
  // bonus.js passes "can_transfer", a key token.iost does not read, so on IOST contribute
  // stays transferable; the intent (and IOST's docs) is not transferable: canTransfer here.
  h.callWithAuth(c, "token.iost", "create", `["${CONTRIBUTE}","${BONUS}",${CONTRIBUTE_CAP},{"canTransfer":false,"decimal":${CONTRIBUTE_DECIMAL}}]`);
  putJson(h, c, "blockContrib", INITIAL_BLOCK_CONTRIB);
  h.put(c, "lastTime", str(h.block.time.toString()));
}

nativeContract({
  id: BONUS,
  lang: "javascript",
  amountLimit: UNLIMITED_ALL,
  init: () => [],
  shared: adminAbis(UNLIMITED_ALL),
  abis: {
    issueContribute: [["json"], issueContribute],
    exchangeIOST: [["string", "string"], exchangeIOST, [{ token: CONTRIBUTE, val: "unlimited" }]],
  },
});

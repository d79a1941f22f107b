/**
 * ram.iost: IOST's ram.js (go-iost config/genesis/contract/ram.js) implemented
 * natively in integer arithmetic.
 *
 * ram.js computes prices in IEEE doubles: buy = round2(balance × (left/(left−n) − 1)),
 * sell = round2(balance × (1 − left/(left+n))), fee = max(0.01, round2(0.02 × price)),
 * round2(x) = Math.round(x×100)/100. We compute the same quantities as exact
 * rationals and round half up to cents, so results equal the double results
 * except where the double error crosses a half-cent boundary.
 *
 * Storage (simple keys, values as JSON numbers like ram.js writes them):
 * `adminID`, `lastUpdateBlockTime`, `increaseInterval`, `increaseAmount`,
 * `leftSpace`, `usedSpace`, `balance` (IOST backing; ram.js keeps a double,
 * we keep 8 decimals, truncated), `SR<acc>` self-bought bytes, `TR<acc>` total
 * bytes (incl. lent); `UR<acc>` bytes used (written by the VM on RAM payment).
 */
import { Decimal } from "../amount.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { ContractDB } from "../state/storage.js";
import { str } from "../state/storage.js";
import { argsJson } from "./args.js";
import type { Cost } from "./cost.js";
import { jsError } from "./errors.js";
import { asCallee, type Host } from "./host.js";
import type { NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { armDebit } from "./token.js";

export const RAM = "ram.iost";
const BALANCE_SCALE = 8;

export interface RamGlobals {
  leftSpace: bigint;
  usedSpace: bigint;
  balance: Decimal;
}

function readJsonNumber(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

export function readRamGlobals(db: ContractDB): RamGlobals | undefined {
  const left = db.get(RAM, "leftSpace");
  const used = db.get(RAM, "usedSpace");
  const bal = db.get(RAM, "balance");
  if (!left || !used || !bal || left.t !== "s" || used.t !== "s" || bal.t !== "s") return undefined;
  return { leftSpace: BigInt(left.v), usedSpace: BigInt(used.v), balance: Decimal.parse(bal.v, BALANCE_SCALE) };
}

/** round half up of num/den (both positive) */
function roundDiv(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

/** Price in cents of buying n bytes: round2(balance × n / (left − n)). */
export function buyPriceCents(balance: Decimal, left: bigint, n: bigint): bigint {
  const b = balance.rescale(BALANCE_SCALE).value; // IOST × 1e8
  // cents = b/1e8 × n/(left−n) × 100
  return roundDiv(b * n, 1_000_000n * (left - n));
}
/** Price in cents of selling n bytes: round2(balance × n / (left + n)). */
export function sellPriceCents(balance: Decimal, left: bigint, n: bigint): bigint {
  const b = balance.rescale(BALANCE_SCALE).value;
  return roundDiv(b * n, 1_000_000n * (left + n));
}
/** Fee in cents: max(1, round2(0.02 × price)). */
export function feeCents(priceCents: bigint): bigint {
  const f = roundDiv(priceCents * 2n, 100n);
  return f < 1n ? 1n : f;
}
const cents = (c: bigint) => new Decimal(c, 2).toFullScale();

function getNum(h: Host, c: Cost, k: string): string | undefined {
  const v = h.get(c, k);
  return v && v.t === "s" ? readJsonNumber(v.v) : undefined;
}
function put(h: Host, c: Cost, k: string, v: string): void {
  h.put(c, k, str(v));
}
function getRequired(h: Host, c: Cost, k: string, what: string): string {
  const v = getNum(h, c, k);
  if (v === undefined) throw jsError(`no ${what} key`);
  return v;
}
function leftSpace(h: Host, c: Cost): bigint {
  return BigInt(getRequired(h, c, "leftSpace", "leftSpace"));
}
function balanceOf(h: Host, c: Cost): Decimal {
  return Decimal.parse(getRequired(h, c, "balance", "balance"), BALANCE_SCALE);
}
function changeLeft(h: Host, c: Cost, d: bigint): void {
  put(h, c, "leftSpace", (leftSpace(h, c) + d).toString());
}
function changeUsed(h: Host, c: Cost, d: bigint): void {
  put(h, c, "usedSpace", (BigInt(getRequired(h, c, "usedSpace", "usedSpace")) + d).toString());
}
function changeBalance(h: Host, c: Cost, d: Decimal): void {
  put(h, c, "balance", balanceOf(h, c).add(d).rescale(BALANCE_SCALE).toString());
}
function selfRAM(h: Host, c: Cost, acc: string): bigint {
  const v = getNum(h, c, "SR" + acc);
  return v === undefined ? 0n : BigInt(v);
}
function changeSelf(h: Host, c: Cost, acc: string, d: bigint): void {
  put(h, c, "SR" + acc, (selfRAM(h, c, acc) + d).toString());
}
function changeTotal(h: Host, c: Cost, acc: string, d: bigint): void {
  const v = getNum(h, c, "TR" + acc);
  put(h, c, "TR" + acc, ((v === undefined ? 0n : BigInt(v)) + d).toString());
}
function requireAuth(h: Host, c: Cost, acc: string, perm: string): void {
  if (!h.requireAuth(c, acc, perm)) throw jsError("require auth failed. ret = false");
}

function checkIssue(h: Host, c: Cost): void {
  const interval = BigInt(getNum(h, c, "increaseInterval") ?? "0");
  const last = BigInt(getNum(h, c, "lastUpdateBlockTime") ?? "0");
  if (interval <= 0n) return;
  const per = interval * 1_000_000_000n;
  const slots = h.block.time / per - last / per;
  if (slots > 0n) {
    const inc = BigInt(getNum(h, c, "increaseAmount") ?? "0") * slots;
    h.callWithAuth(c, "token.iost", "issue", argsJson(["ram", RAM, inc.toString()]));
    put(h, c, "lastUpdateBlockTime", h.block.time.toString());
    changeLeft(h, c, inc);
  }
}

function minAmount(n: bigint): void {
  if (n < 10n) throw jsError("minimum ram amount for trading is 10 byte");
}

const issue: NativeAbi["fn"] = (h, args, c) => {
  const [initialTotal, increaseInterval, increaseAmount, reserve] = args as bigint[];
  if (!h.genesis) throw jsError("init out of genesis block");
  const veryLarge = 100n * 64n * 1024n * 1024n * 1024n;
  h.callWithAuth(c, "token.iost", "create", `["ram","${RAM}",${veryLarge},{"decimal":0,"fullName":"IOST system ram","onlyIssuerCanTransfer":true}]`);
  h.callWithAuth(c, "token.iost", "issue", argsJson(["ram", RAM, initialTotal.toString()]));
  put(h, c, "lastUpdateBlockTime", h.block.time.toString());
  put(h, c, "increaseInterval", increaseInterval.toString());
  put(h, c, "increaseAmount", increaseAmount.toString());
  put(h, c, "leftSpace", initialTotal.toString());
  put(h, c, "usedSpace", "0");
  // balance = initialTotal × 0.005 (initial price per byte) / F(=1)
  put(h, c, "balance", new Decimal(initialTotal * 5n, 3).rescale(BALANCE_SCALE).toString());
  if (reserve !== 0n) {
    const left = leftSpace(h, c);
    if (left <= reserve) throw jsError(`buy amount is too much. left space is not enough ${left} is less than ${reserve}`);
    // unrounded price in ram.js; here truncated to 8 decimals
    const b = balanceOf(h, c).rescale(BALANCE_SCALE).value;
    const price = new Decimal((b * reserve) / (left - reserve), BALANCE_SCALE);
    changeLeft(h, c, -reserve);
    changeBalance(h, c, price);
    changeUsed(h, c, reserve);
  }
  return [];
};

const buy: NativeAbi["fn"] = (h, args, c) => {
  const payer = args[0] as string;
  const account = args[1] as string;
  const amount = args[2] as bigint;
  minAmount(amount);
  requireAuth(h, c, payer, "transfer");
  checkIssue(h, c);
  const left = leftSpace(h, c);
  if (left <= amount) throw jsError(`buy amount is too much. left space is not enough ${left} is less than ${amount}`);
  const raw = buyPriceCents(balanceOf(h, c), left, amount);
  const fee = feeCents(raw);
  const price = raw + fee;
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", payer, RAM, cents(price), ""]));
  if (fee !== 0n) h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", RAM, "deadaddr", cents(fee), ""]));
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["ram", RAM, account, amount.toString(), ""]));
  changeLeft(h, c, -amount);
  changeBalance(h, c, new Decimal(raw, 2));
  changeUsed(h, c, amount);
  // The market runs on the consensus shard (directory.ts remoteContractShard): a buyer of another shard gets its
  // bytes as a credit of ram, which also adds them to its records where it lives (receiveBuy).
  const credit = ramCarrier(h, account);
  if (credit === null) h.uncounted(() => receiveBuy(h, c, account, amount));
  else credit.bought = amount.toString();
  return [cents(price)];
};

const sell: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  // Inside a contract, a seller of another shard (a co-signer) sells as a callee of its shard, as it lends (`lend`).
  const away = h.inCallee ? null : h.remoteShard(account);
  return asCallee(armDebit(h, account, away, "sell its RAM"), () => sellAt(h, c, account, args));
};

function sellAt(h: Host, c: Cost, account: string, args: unknown[]): unknown[] {
  const receiver = args[1] as string;
  const amount = args[2] as bigint;
  minAmount(amount);
  requireAuth(h, c, account, "transfer");
  const self = selfRAM(h, c, account);
  if (self < amount) throw jsError(`self ram amount ${self}, not enough for sell`);
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["ram", account, RAM, amount.toString(), ""]));
  const price = sellPriceCents(balanceOf(h, c), leftSpace(h, c), amount);
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", RAM, receiver, cents(price), ""]));
  changeLeft(h, c, amount);
  changeBalance(h, c, new Decimal(-price, 2));
  changeUsed(h, c, -amount);
  changeSelf(h, c, account, -amount);
  changeTotal(h, c, account, -amount);
  return [cents(price)];
}

const lend: NativeAbi["fn"] = (h, args, c) => {
  const from = args[0] as string;
  // Inside a contract, a lender of another shard (a co-signer) lends as a callee of its shard: its records fetched
  // from there and written back, as token.iost's debit of it (a top-level one runs where the tx is: forward.ts armTrade).
  const away = h.inCallee ? null : h.remoteShard(from);
  return asCallee(armDebit(h, from, away, "lend its RAM"), () => lendAt(h, c, from, args));
};

function lendAt(h: Host, c: Cost, from: string, args: unknown[]): unknown[] {
  const to = args[1] as string;
  const amount = args[2] as bigint;
  minAmount(amount);
  requireAuth(h, c, from, "transfer");
  const self = selfRAM(h, c, from);
  if (self < amount) throw jsError(`self ram amount ${self}, not enough for lend`);
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["ram", from, to, amount.toString(), ""]));
  changeSelf(h, c, from, -amount);
  changeTotal(h, c, from, -amount);
  // A borrower of another shard (inside a contract; a top-level lend is forwarded there, executor/forward.ts):
  // the transfer sent its RAM as a credit, which also adds to its total where it lives (receiveLend).
  const credit = ramCarrier(h, to);
  if (credit === null) h.uncounted(() => changeTotal(h, c, to, amount));
  else credit.lent = amount.toString();
  return [];
}

/**
 * The credit of ram the transfer just made sent to `to`, which carries a lend's or buy's bytes to `to`'s records where
 * it lives; null when this run writes those records itself: `to` of this shard, or a credit joining the balance this run
 * wrote (a co-signer lending to itself or buying back what it sold, its records fetched here), a probe that lands nothing.
 */
function ramCarrier(h: Host, to: string): CrossReceipt | null {
  if (h.remoteShard(to) === null) return null;
  const credit = h.outbox.at(-1);
  if (credit?.kind !== "credit" || credit.token !== "ram" || credit.account !== to) throw new Error(`ram to ${to}: its transfer sent no credit`);
  return credit.probe ? null : credit;
}

/**
 * The buyer's records of a buy (its bytes bought and held), on the buyer's shard: in the buy, or when the credit
 * of its bytes lands there (executor/forwarded.ts receiveHalf), written and charged as on one shard.
 */
export function receiveBuy(h: Host, c: Cost, account: string, amount: bigint): void {
  changeSelf(h, c, account, amount);
  changeTotal(h, c, account, amount);
}

/**
 * The borrower's half of a lend whose lender runs on another shard, on the borrower's shard when the
 * credit of its RAM lands (executor/incoming.ts): its total, written and charged as on one shard.
 */
export function receiveLend(h: Host, c: Cost, to: string, amount: bigint): void {
  changeTotal(h, c, to, amount);
}

const initAdmin: NativeAbi["fn"] = (h, args, c) => {
  if (!h.genesis) throw jsError("init out of genesis block");
  put(h, c, "adminID", JSON.stringify(args[0] as string));
  return [];
};

const canUpdate: NativeAbi["fn"] = (h, _args, c) => {
  const v = getNum(h, c, "adminID");
  const admin = v === undefined ? "" : (JSON.parse(v) as string);
  requireAuth(h, c, admin, "active");
  return [true];
};

nativeContract({
  id: RAM,
  lang: "javascript",
  amountLimit: [],
  init: () => [],
  abis: {
    can_update: [["string"], canUpdate],
    initAdmin: [["string"], initAdmin],
    issue: [["number", "number", "number", "number"], issue],
    buy: [["string", "string", "number"], buy, [{ token: "iost", val: "unlimited" }]],
    sell: [["string", "string", "number"], sell, [{ token: "*", val: "unlimited" }]],
    lend: [["string", "string", "number"], lend, [{ token: "*", val: "unlimited" }]],
  },
});

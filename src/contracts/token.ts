/**
 * token.iost, version 1.0.6 as deployed by IOST's genesis (go-iost
 * vm/native/token_v1.go … token_v6.go): create (v1), issue/transferFreeze/destroy
 * (v2), transfer (v3), balanceOf, supply, totalSupply, recycle. Every host call
 * is made in Go's order so that gas matches.
 *
 * Storage (contract token.iost): map `TI<symbol>` fields issuer, totalSupply(int),
 * supply(int), canTransfer(bool), onlyIssuerCanTransfer(bool), defaultRate,
 * decimal(int), fullName; balances map `TB<account>` field `<symbol>` (int,
 * smallest units); frozen map `TF<account>` field `<symbol>` (json
 * `[{"Amount":n,"Ftime":ns}]`, sorted by time then amount).
 *
 * With several shards a token's definition and supply are its home's
 * (sharding/directory.ts tokenHome): its symbol's shard (placement.ts
 * tokenShard), where a top-level create or issue runs (forwarded,
 * executor/forward.ts, with the publisher's records of the token, so what it
 * is issued there moves on in the tx), or the shard of a contract that
 * created it, which claims the symbol from its shard; the token is announced
 * to every other shard; balances move between shards as credits, a destroy
 * elsewhere lowers the supply by a `burn` receipt, and an issue inside a
 * contract of another shard writes the supply on the home as a callee of that
 * shard writes its records (docs/SHARDING.md "Tokens across shards").
 */
import { AMOUNT_RE, Decimal, DecimalError } from "../amount.js";
import { goMarshalArgs, type Arg } from "./args.js";
import { pushFreeze, parseFreezeList, freezeListJson, type FreezeItem } from "./freeze.js";
import { COSTS, Cost, opCost } from "./cost.js";
import { ERR, VmError } from "./errors.js";
import { asBool, asCallee, asInt, asString, type Host } from "./host.js";
import type { RemoteReads } from "./remote.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { bool, decodeValue, int, json, mapIndexKey, mapKey, str } from "../state/storage.js";
import { byteLength } from "../state/storage.js";
import { AUTH_RECORD, CONSENSUS_SHARD, CONSENSUS_TOKEN, placedByName, shardOf } from "../sharding/placement.js";
import { ESCROWED } from "../sharding/forward.js";
import { knownAccount, remoteContractShard, setTokenHome, tokenHome } from "../sharding/directory.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { State } from "../state/state.js";

export const TOKEN = "token.iost";
const TI = "TI";
const TB = "TB";
const TF = "TF";
/** The fields of `TI<symbol>`, in create's order. */
const TI_FIELDS = ["issuer", "totalSupply", "supply", "canTransfer", "onlyIssuerCanTransfer", "defaultRate", "decimal", "fullName"];

export { parseFreezeList, freezeListJson, type FreezeItem };

function checkTokenExists(h: Host, c: Cost, sym: string): boolean {
  return h.mapHas(c, TI + sym, "issuer");
}

/** IOST's `token not exists`, the symbol noted: with several shards a tx older than this one may still create it. */
export function notExists(h: Host, sym: string): VmError {
  h.noteUnknown(sym);
  return new VmError(ERR.tokenNotExists);
}

/** The RAM payer of a new balance record of `acc`, or undefined when it has none (iost and ram of accounts). */
function balanceRecordPayer(sym: string, acc: string, ramPayer: string): string | undefined {
  return (sym === "iost" || sym === "ram") && !acc.startsWith("Contract") ? undefined : ramPayer;
}

function setBalance(h: Host, c: Cost, sym: string, acc: string, balance: bigint, ramPayer: string): void {
  if (h.mapHas(c, TB + acc, sym)) {
    h.mapPut(c, TB + acc, sym, int(balance));
    return;
  }
  h.mapPut(c, TB + acc, sym, int(balance), balanceRecordPayer(sym, acc, ramPayer));
  if (sym === CONSENSUS_TOKEN) listAtHome(h, acc);
}

/**
 * An account's first `contribute` (a producer's first reward), written here on the consensus shard: an `index` receipt
 * lists it in the account's token index at its home too, before the tokens it gets later, as one shard's index lists it
 * (docs/SHARDING.md "Proof of Believability across shards"). The record is never deleted: once per account.
 */
function listAtHome(h: Host, acc: string): void {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || sh.index !== CONSENSUS_SHARD || !placedByName(acc)) return;
  const home = shardOf(acc, sh.count);
  if (home === CONSENSUS_SHARD) return;
  h.outbox.push({
    id: h.nextReceiptId(),
    kind: "index",
    txHash: h.tx.hash,
    fromShard: CONSENSUS_SHARD,
    toShard: home,
    token: CONSENSUS_TOKEN,
    account: acc,
    counterpart: "",
    amount: "0",
    message: "",
  });
}

function getBalance(h: Host, c: Cost, sym: string, acc: string, ramPayer: string): bigint {
  let balance = 0n;
  if (h.mapHas(c, TB + acc, sym)) balance = asInt(h.mapGet(c, TB + acc, sym));
  if (!h.mapHas(c, TF + acc, sym)) return balance;
  const now = h.blockTime(c);
  const fj = h.mapGet(c, TF + acc, sym);
  let list = parseFreezeList(fj && fj.t === "j" ? fj.v : "[]");
  c.cpuAdd(opCost(1));
  let add = 0n;
  let i = 0;
  while (i < list.length) {
    if (list[i].Ftime > now) break;
    add += list[i].Amount;
    i++;
  }
  c.cpuAdd(opCost(i));
  if (add > 0n) {
    balance += add;
    setBalance(h, c, sym, acc, balance, ramPayer);
  }
  if (i > 0) {
    list = list.slice(i);
    c.cpuAdd(opCost(1));
    h.mapPut(c, TF + acc, sym, json(freezeListJson(list)));
  }
  return balance;
}

function freezeBalance(h: Host, c: Cost, sym: string, acc: string, amount: bigint, ftime: bigint, ramPayer: string): void {
  let list: FreezeItem[] = [];
  if (h.mapHas(c, TF + acc, sym)) {
    const fj = h.mapGet(c, TF + acc, sym);
    list = parseFreezeList(fj && fj.t === "j" ? fj.v : "[]");
    c.cpuAdd(opCost(1));
  }
  pushFreeze(list, amount, ftime);
  c.cpuAdd(opCost(list.length));
  c.cpuAdd(opCost(1));
  h.mapPut(c, TF + acc, sym, json(freezeListJson(list)), ramPayer);
}

function decimalOf(h: Host, c: Cost, sym: string): number {
  return Number(asInt(h.mapGet(c, TI + sym, "decimal")));
}

/** token_v2.go refineAmount: regex check, truncate to the token's decimals, normalize. */
export function refineAmount(amount: string, decimals: number): string {
  if (!AMOUNT_RE.test(amount)) throw new VmError(`invalid amount ${amount} <nil>`);
  try {
    return Decimal.parse(amount, decimals).toString();
  } catch (e) {
    if (e instanceof DecimalError) throw new VmError(`invalid amount ${amount} ${e.message}`);
    throw e;
  }
}

function parseAmount(h: Host, c: Cost, sym: string, amount: string): bigint {
  const dec = decimalOf(h, c, sym);
  c.cpuAdd(opCost(3));
  try {
    return Decimal.parse(amount, dec).value;
  } catch (e) {
    if (e instanceof DecimalError) throw new VmError(`invalid amount ${amount} ${e.message}`);
    throw e;
  }
}

function genAmount(h: Host, c: Cost, sym: string, amount: bigint): string {
  const dec = decimalOf(h, c, sym);
  c.cpuAdd(opCost(1));
  return new Decimal(amount, dec).toString();
}

function checkCost(h: Host, c: Cost): void {
  if (c.toGas() > h.gasLimit) throw new VmError(ERR.outOfGas);
}

function balanceNotEnough(h: Host, c: Cost, sym: string, have: bigint, need: bigint): VmError {
  const dec = decimalOf(h, c, sym);
  return new VmError(`balance not enough ${new Decimal(have, dec).toString()} < ${new Decimal(need, dec).toString()}`);
}

function checkTokenSymValid(sym: string): void {
  if (sym.length < 2 || sym.length > 16) throw new VmError(`token symbol invalid. token symbol length should be between 2,16 got ${sym}`);
  for (const ch of sym) {
    if (!((ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch === "_"))
      throw new VmError(`token symbol invalid. token symbol contains invalid character ${ch.codePointAt(0)}`);
  }
}

function requireIssuerTransfer(h: Host, c: Cost, sym: string): void {
  const canTransfer = asBool(h.mapGet(c, TI + sym, "canTransfer"));
  if (!canTransfer) throw new VmError(ERR.tokenNoTransfer);
  const only = asBool(h.mapGet(c, TI + sym, "onlyIssuerCanTransfer"));
  if (only) {
    const issuer = asString(h.mapGet(c, TI + sym, "issuer")) ?? "";
    if (!h.requireAuth(c, issuer, "transfer")) throw new VmError("transfer need issuer permission");
  }
}

const s = (a: Arg) => a as string;

const create: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  const issuer = s(args[1]);
  let totalSupply = args[2] as bigint;
  const configJson = (args[3] as { json: string }).json;
  c.cpuAdd(opCost(1));
  checkTokenSymValid(sym);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(configJson);
  } catch (e) {
    c.cpuAdd(opCost(2));
    throw new VmError((e as Error).message);
  }
  c.cpuAdd(opCost(2));
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new VmError("json: cannot unmarshal into Go value of type map[string]interface {}");
  let decimal = 8;
  let canTransfer = true;
  let defaultRate = "1.0";
  let fullName = sym;
  c.cpuAdd(opCost(3));
  let onlyIssuer = false;
  const has = (k: string) => Object.hasOwn(config, k);
  if (has("decimal")) {
    if (typeof config.decimal !== "number") throw new VmError("decimal in config should be number");
    decimal = Math.trunc(config.decimal);
  }
  if (has("canTransfer")) {
    if (typeof config.canTransfer !== "boolean") throw new VmError("canTransfer in config should be bool");
    canTransfer = config.canTransfer;
  }
  if (has("onlyIssuerCanTransfer")) {
    if (typeof config.onlyIssuerCanTransfer !== "boolean") throw new VmError("onlyIssuerCanTransfer in config should be bool");
    onlyIssuer = config.onlyIssuerCanTransfer;
  }
  if (has("defaultRate")) {
    if (typeof config.defaultRate !== "string") throw new VmError("defaultRate in config should be string");
    defaultRate = config.defaultRate;
  }
  if (has("fullName")) {
    if (typeof config.fullName !== "string") throw new VmError("fullName in config should be string");
    fullName = config.fullName;
    if (byteLength(fullName) > 50) throw new VmError("fullName is too long");
  }
  checkCost(h, c);
  if (!h.requireAuth(c, issuer, "token")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  if (checkTokenExists(h, c, sym)) throw new VmError(ERR.tokenExists);
  if (decimal < 0 || decimal >= 19) throw new VmError("invalid decimal");
  const MAX = (1n << 63n) - 1n;
  const pow = 10n ** BigInt(decimal);
  if (totalSupply > MAX / pow) throw new VmError("invalid totalSupply");
  totalSupply *= pow;
  const pub = h.tx.publisher;
  h.mapPut(c, TI + sym, "issuer", str(issuer), pub);
  h.stampAge(mapKey(TOKEN, TI + sym, "issuer"));
  h.mapPut(c, TI + sym, "totalSupply", int(totalSupply), pub);
  h.mapPut(c, TI + sym, "supply", int(0n), pub);
  h.mapPut(c, TI + sym, "canTransfer", bool(canTransfer), pub);
  h.mapPut(c, TI + sym, "onlyIssuerCanTransfer", bool(onlyIssuer), pub);
  h.mapPut(c, TI + sym, "defaultRate", str(defaultRate), pub);
  h.mapPut(c, TI + sym, "decimal", int(BigInt(decimal)), pub);
  h.mapPut(c, TI + sym, "fullName", str(fullName), pub);
  // Off its symbol's shard (inside a contract: a top-level create is forwarded there) the token lives here,
  // and the tx claims the symbol from its shard, whose refusal undoes it (docs/SHARDING.md "Tokens across shards").
  if (otherTokenShard(h, sym) === null) {
    announceToken(h, sym);
    h.noteCreated(sym);
  } else {
    setTokenHome(h.state, sym, h.block.shard!.index);
    h.claims.add(sym);
  }
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
};

const issue: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  const to = s(args[1]);
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const away = offHome(h, sym);
  return asCallee(away, () => issueAt(h, c, sym, to, args, away !== null));
};

/**
 * An issue inside a contract run off the token's home runs as a callee of that shard does (docs/SHARDING.md
 * "Calls of another shard's contract"): the supply is fetched from the home and written back there with the run,
 * and so is the receiver's balance where it lives. Returns the armed reads to disarm, or null at the home (or on
 * one shard). Checked after `exists`, which every shard answers from its copy: a token nobody created fails with
 * IOST's `token not exists` on every shard count.
 */
function offHome(h: Host, sym: string): RemoteReads | null {
  return otherTokenShard(h, sym) === null ? null : h.armCallee();
}

function issueAt(h: Host, c: Cost, sym: string, to: string, args: Arg[], away: boolean): unknown[] {
  // Issued to an account of another shard: the supply grows here, the amount travels as a credit. Off the home the
  // balance is written where it lives, as the supply is: a credit's refund would un-issue it here, on a copy.
  const remote = away ? null : holderShard(h, sym, to);
  const dec = decimalOf(h, c, sym);
  const amountStr = refineAmount(s(args[2]), dec);
  args = [args[0], args[1], amountStr];
  const issuer = asString(h.mapGet(c, TI + sym, "issuer")) ?? "";
  const supply = asInt(h.mapGet(c, TI + sym, "supply"));
  const total = asInt(h.mapGet(c, TI + sym, "totalSupply"));
  checkCost(h, c);
  if (!h.requireAuth(c, issuer, "token")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  const amount = parseAmount(h, c, sym, amountStr);
  if (amount <= 0n) throw new VmError(ERR.invalidAmount);
  // Off the token's home with no run to fetch its supply into, the supply read here is a copy's (at creation):
  // refused after IOST's own checks, so that a bad issue fails with IOST's error on every shard, and before it is trusted.
  if (!away) requireTokenShard(h, sym);
  if (total - supply < amount) throw new VmError("supply too much");
  checkCost(h, c);
  const pub = h.tx.publisher;
  h.mapPut(c, TI + sym, "supply", int(supply + amount));
  if (remote !== null) {
    // Sent by token.iost, not the issuer: a refund (no such account) un-issues it here (executor/incoming.ts).
    h.sendCredit(remote, sym, to, TOKEN, amount, { op: "issue", ramPayer: balanceRecordPayer(sym, to, pub) });
    c.cpuAdd(opCost(1));
    h.receipt(c, goMarshalArgs(args));
    return [];
  }
  // Go adds getBalance's cost twice here (token_v2.go issue); so do we.
  const before = new Cost();
  h.uncounted(() => {
    const balance = getBalance(h, before, sym, to, pub);
    c.add(before);
    c.cpuAdd(before.cpu);
    c.net += before.net;
    setBalance(h, c, sym, to, balance + amount, pub);
  });
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

/** The raw records of `TI<sym>` that carry a new token's definition to the other shards. */
export function tokenDefinition(state: State, sym: string): Record<string, string> {
  const out: Record<string, string> = { [mapIndexKey(TOKEN, TI + sym)]: state.get(mapIndexKey(TOKEN, TI + sym)) ?? "" };
  for (const f of TI_FIELDS) out[mapKey(TOKEN, TI + sym, f)] = state.get(mapKey(TOKEN, TI + sym, f)) ?? "";
  return out;
}

/** The `token` receipt announcing `sym`'s definition to shard `to`. */
export function announceOf(h: Host, sym: string, to: number, def: Record<string, string>): CrossReceipt {
  return {
    id: `${TI}${sym}:token`,
    kind: "token",
    txHash: h.tx.hash,
    fromShard: h.block.shard!.index,
    toShard: to,
    token: sym,
    account: TOKEN,
    counterpart: h.tx.publisher,
    amount: "0",
    message: "",
    def,
  };
}

/**
 * After a create on the token's shard: one `token` receipt to every other shard (in shard order)
 * with the definition, which they copy in the next block, so that its holders anywhere can move
 * it; like every receipt of the tx, they leave only if it succeeds.
 */
function announceToken(h: Host, sym: string): void {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return;
  const def = tokenDefinition(h.state, sym);
  for (let to = 0; to < sh.count; to++) if (to !== sh.index) h.outbox.push(announceOf(h, sym, to, def));
}

/** The shard a token's supply lives on (its home: directory.ts tokenHome) when that is not this one, else null. */
function otherTokenShard(h: Host, sym: string): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return null;
  const home = tokenHome(h.state, sh.count, sym);
  return home === null || home === sh.index ? null : home;
}

/** An issue off the token's home in a run that fetches nothing (no shard's state) cannot reach its supply (a top-level one is forwarded there). */
function requireTokenShard(h: Host, sym: string): void {
  const home = otherTokenShard(h, sym);
  if (home !== null)
    throw new VmError(
      `issue of token ${sym} is not supported here: the token lives on shard ${home}, this tx runs on shard ${h.block.shard!.index}; only a tx's top-level issue reaches it`,
    );
}

/**
 * The shard keeping every account's `contribute` (sharding/placement.ts) when not this one, else null: bonus.iost mints
 * and exchanges it there; a contract of another shard moves it as a callee of that shard (a destroy; an issue, as any
 * token's off its home: offHome), a top-level destroy of it is forwarded there (executor/forward.ts debitTarget).
 */
function consensusShard(h: Host): number | null {
  const sh = h.block.shard;
  return !sh || sh.count === 1 || sh.index === CONSENSUS_SHARD ? null : CONSENSUS_SHARD;
}

/**
 * The shard keeping `account`'s records of `sym` when not this one, else null.
 * Unlike remoteShard, a forwarded part's publisher counts as remote (a token
 * whose records stay home is debited there and credited there, as a
 * co-signer's: a dApp's contract pulling a token from its caller, or paying
 * one back) but for iost and ram, whose balances (and iost's frozen list) its
 * escrow holds here (a frozen refund charges the list's RAM with the part's,
 * as one shard's doPay does), and the tokens whose records it holds here (`carried`,
 * forward.ts), and Proof of Believability's contracts live on the consensus
 * shard. Every account's `contribute` is here (the consensus shard).
 */
function holderShard(h: Host, sym: string, account: string): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || sym === CONSENSUS_TOKEN) return null;
  if (h.tx.guest && account === h.tx.publisher && placedByName(account) && !ESCROWED.includes(sym) && !h.tx.carried?.has(sym)) {
    const home = shardOf(account, sh.count);
    return home === sh.index ? null : home;
  }
  return accountShard(h, account);
}

/**
 * The shard `account` lives on when not this one, else null: Host.remoteShard, with Proof of Believability's and
 * domain.iost's accounts on the consensus shard. A user contract's is read in the directory once.
 */
function accountShard(h: Host, account: string): number | null {
  return remoteContractShard(h.state, h.block.shard, account) ?? (account.startsWith("Contract") ? null : h.remoteShard(account));
}

/**
 * The steps transfer and transferFreeze share (go-iost token_v3.go), in Go's
 * order so the gas is Go's: issuer-only rule, `from`'s transfer permission,
 * the amount, then the debit. Returns the amount in smallest units.
 */
function debitFrom(h: Host, c: Cost, sym: string, from: string, amountStr: string): bigint {
  requireIssuerTransfer(h, c, sym);
  checkCost(h, c);
  if (!h.requireAuth(c, from, "transfer")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  const amount = parseAmount(h, c, sym, amountStr);
  if (amount <= 0n) throw new VmError(ERR.invalidAmount);
  checkCost(h, c);
  const fb = getBalance(h, c, sym, from, h.tx.publisher);
  if (fb < amount) throw balanceNotEnough(h, c, sym, fb, amount);
  setBalance(h, c, sym, from, fb - amount, h.tx.publisher);
  checkCost(h, c);
  return amount;
}

const transfer: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  const from = s(args[1]);
  const to = s(args[2]);
  const memo = s(args[4]);
  if (byteLength(memo) > 512) throw new VmError(ERR.memoTooLarge);
  // contribute fails here as on the consensus shard, before any record of it is read: bonus.iost created it untransferable.
  // A callee of another shard moves its own balance (and what it may): fetched from there, written back there (guard.ts).
  // So does a contract moving the tokens of an account of another shard that authorized the tx (a co-signer's), as its
  // callee: a top-level debit of such an account runs on its shard instead (executor/forward.ts debitTarget).
  const fromShard = h.inCallee ? null : holderShard(h, sym, from);
  const armed = armDebit(h, from, fromShard, "transfer it");
  return asCallee(armed, () => transferAt(h, c, args, sym, from, to, fromShard !== null && armed === null));
};

/**
 * The run's reads armed to move what `account`, of another shard, holds: its records fetched from its shard for writing
 * and written back with the run (Host.armCallee). Only when the tx authorizes the account (its transfer permission
 * passes on the copy of its record here, checked on a cost of its own that nobody pays); else null, and the move fails
 * at its permission check as on one shard, before any read of that shard: a stranger's contract locks nothing there.
 * false: authorized, but the run cannot fetch (no reads: a dry run off a block).
 */
export function armFor(h: Host, account: string): RemoteReads | null | false {
  if (!authorizes(h, account)) return null;
  return h.armCallee() ?? false;
}

/**
 * armFor `from`, of shard `at` (null: this one, nothing to arm); where the run cannot fetch, the move fails with
 * `<move> from a tx published on that shard`.
 */
export function armDebit(h: Host, from: string, at: number | null, move: string): RemoteReads | null {
  const armed = at === null ? null : armFor(h, from);
  if (armed === false) throw new VmError(`account ${from} lives on shard ${at}: ${move} from a tx published on that shard`);
  return armed;
}

/** Whether the tx authorizes `account` to move its tokens: its transfer permission, on a cost of its own that nobody pays. */
export function authorizes(h: Host, account: string): boolean {
  return h.requireAuth(new Cost(), account, "transfer");
}

/**
 * Whether `name` is an account; `away`, of another shard and not armed for (armFor): the directory tells, as of a
 * receiver, and a system contract's account (`vote.iost`) exists wherever it is asked, as isValidAccount says.
 */
export function accountKnown(h: Host, name: string, away: boolean): boolean {
  if (!away) return h.isValidAccount(name);
  // One the run created for its shard (auth.ts onItsShard) is not in the directory before its record lands there.
  return name.startsWith("Contract") || name.endsWith(".iost") || knownAccount(h.state, name) || h.writesRemote(AUTH_RECORD + name);
}

/** `away`: `from` is of another shard and not armed for (armFor). */
function transferAt(h: Host, c: Cost, args: Arg[], sym: string, from: string, to: string, away: boolean): unknown[] {
  if (!accountKnown(h, from, away)) throw new VmError(`invalid account ${from}`);
  // A forwarded part's publisher is local here for iost and the tokens it carries: what it receives joins its escrow,
  // which goes home in the settle. An account of another shard is checked in the account directory, a contract found in
  // the contract directory exists (also for contribute, which every account keeps here).
  const placed = sym === CONSENSUS_TOKEN ? accountShard(h, to) : holderShard(h, sym, to);
  const remote = sym === CONSENSUS_TOKEN ? null : placed;
  // The receiver's records are its half's (receiveCredit), which counts none of them on any shard count (Host.uncounted).
  const exists = placed === null ? h.uncounted(() => h.isValidAccount(to)) : accountKnown(h, to, true);
  if (!exists) {
    h.noteUnknown(to);
    throw new VmError(`invalid account ${to}`);
  }
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const dec = decimalOf(h, c, sym);
  const amountStr = refineAmount(s(args[3]), dec);
  args = [args[0], args[1], args[2], amountStr, args[4]];
  const amount = debitFrom(h, c, sym, from, amountStr);
  const pub = h.tx.publisher;
  if (remote === null) h.uncounted(() => setBalance(h, c, sym, to, getBalance(h, c, sym, to, pub) + amount, pub));
  else h.sendCredit(remote, sym, to, from, amount, { ramPayer: balanceRecordPayer(sym, to, pub) });
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

const transferFreeze: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  const from = s(args[1]);
  const to = s(args[2]);
  const ftime = args[4] as bigint;
  const memo = s(args[5]);
  if (byteLength(memo) > 512) throw new VmError(ERR.memoTooLarge);
  // contribute fails here as in transfer, and `from` of another shard is debited as transfer's is.
  const fromShard = h.inCallee ? null : holderShard(h, sym, from);
  const armed = armDebit(h, from, fromShard, "transfer it");
  return asCallee(armed, () => transferFreezeAt(h, c, args, sym, from, to, ftime));
};

function transferFreezeAt(h: Host, c: Cost, args: Arg[], sym: string, from: string, to: string, ftime: bigint): unknown[] {
  // A frozen balance is a list of (amount, unfreeze time) records kept with its account: to an
  // account of another shard the amount leaves here as a credit carrying the unfreeze time, and its
  // shard writes the record (executor/incoming.ts), as for gas.iost's unpledge refund.
  const remote = holderShard(h, sym, to);
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const dec = decimalOf(h, c, sym);
  const amountStr = refineAmount(s(args[3]), dec);
  args = [args[0], args[1], args[2], amountStr, args[4], args[5]];
  const amount = debitFrom(h, c, sym, from, amountStr);
  // A list the run wrote (a callee of its shard unfroze it): the freeze joins it here, its gas and RAM one shard's
  // half's on that very list, and lands with it (docs/SHARDING.md "Calls of another shard's contract").
  if (remote === null || h.writesRemote(mapKey(TOKEN, TF + to, sym))) h.uncounted(() => freezeBalance(h, c, sym, to, amount, ftime, h.tx.publisher));
  else h.sendCredit(remote, sym, to, from, amount, { freezeUntil: ftime, ramPayer: h.tx.publisher });
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

const destroy: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  const from = s(args[1]);
  // Inside a contract, of an account of another shard (its caller's, a co-signer's), or anyone's contribute off the
  // consensus shard: as transfer's debit.
  const fromShard = h.inCallee ? null : sym === CONSENSUS_TOKEN ? consensusShard(h) : holderShard(h, sym, from);
  const armed = armDebit(h, from, fromShard, "destroy it");
  return asCallee(armed, () => destroyAt(h, c, args, sym, from));
};

function destroyAt(h: Host, c: Cost, args: Arg[], sym: string, from: string): unknown[] {
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const dec = decimalOf(h, c, sym);
  const amountStr = refineAmount(s(args[2]), dec);
  args = [args[0], args[1], amountStr];
  if (!h.requireAuth(c, from, "transfer")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  const amount = parseAmount(h, c, sym, amountStr);
  if (amount <= 0n) throw new VmError(ERR.invalidAmount);
  checkCost(h, c);
  const pub = h.tx.publisher;
  const fb = getBalance(h, c, sym, from, pub);
  if (fb < amount) throw balanceNotEnough(h, c, sym, fb, amount);
  setBalance(h, c, sym, from, fb - amount, pub);
  checkCost(h, c);
  const supply = asInt(h.mapGet(c, TI + sym, "supply"));
  const home = otherTokenShard(h, sym);
  if (home !== null) sendBurn(h, c, sym, from, amount, home);
  else h.mapPut(c, TI + sym, "supply", int(supply - amount));
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

/**
 * The receiver's half of a transfer, transferFreeze or issue whose sender runs on another shard, on
 * the receiver's shard when its credit lands (executor/incoming.ts): the reads and writes of `to`'s
 * records in Go's order, charged to `c` as on one shard (docs/SHARDING.md "Cross-shard effects").
 */
export function receiveCredit(h: Host, c: Cost, sym: string, to: string, amount: bigint, op: "transfer" | "issue", freezeUntil?: bigint): void {
  const pub = h.tx.publisher;
  if (freezeUntil !== undefined) {
    freezeBalance(h, c, sym, to, amount, freezeUntil, pub);
    return;
  }
  const balance = getBalance(h, c, sym, to, pub);
  if (op === "issue") getBalance(h, c, sym, to, pub); // issue counts it twice, as above
  setBalance(h, c, sym, to, balance + amount, pub);
}

/**
 * Lowers the chain's supply on the token's shard by a `burn` receipt (applied there in the next
 * block, executor/incoming.ts); this shard's copy stays. Charged as the supply write one shard makes
 * (an int record: PutCost, its size unchanged).
 */
function sendBurn(h: Host, c: Cost, sym: string, from: string, amount: bigint, home: number): void {
  c.cpuAdd(COSTS.PutCost);
  h.outbox.push({
    id: h.nextReceiptId(),
    kind: "burn",
    txHash: h.tx.hash,
    fromShard: h.block.shard!.index,
    toShard: home,
    token: sym,
    account: TOKEN,
    counterpart: from,
    amount: amount.toString(),
    message: "",
  });
}

// Reads of records another shard may keep: answered from there inside a contract (host.ts reading).
const balanceOf: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const who = s(args[1]);
  const b = asCallee(unfreezesAway(h, sym, who), () => h.reading(() => getBalance(h, c, sym, who, h.tx.publisher)));
  checkCost(h, c);
  return [genAmount(h, c, sym, b)];
};

/**
 * balanceOf unfreezes what is due (go-iost token balanceOf writes the balance and the frozen list): for an account of
 * another shard with a freeze due, it runs as a callee of that shard, its records fetched from there for writing and
 * written back with the run. Returns the armed reads to disarm, or null: the account's records are here, or nothing is
 * due (a plain read). What it peeks at costs no gas: getBalance reads it again.
 */
function unfreezesAway(h: Host, sym: string, who: string): RemoteReads | null {
  // holderShard: a forwarded part's publisher keeps its records of a token it did not carry at home.
  if (sym === CONSENSUS_TOKEN || h.inCallee || holderShard(h, sym, who) === null) return null;
  const list = decodeValue(h.reading(() => h.state.get(mapKey("token.iost", TF + who, sym))))?.value;
  const first = list?.t === "j" ? parseFreezeList(list.v)[0] : undefined;
  return first !== undefined && first.Ftime <= h.block.time ? h.armCallee() : null;
}

const supplyOf: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  checkCost(h, c);
  const v = asInt(h.reading(() => h.mapGet(c, TI + sym, "supply")));
  return [genAmount(h, c, sym, v)];
};

const totalSupplyOf: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  if (!checkTokenExists(h, c, sym)) throw notExists(h, sym);
  const v = asInt(h.mapGet(c, TI + sym, "totalSupply"));
  return [genAmount(h, c, sym, v)];
};

const recycle: NativeAbi["fn"] = (_h, _args, c) => {
  c.cpuAdd(opCost(1));
  throw new VmError("permission denied");
};

/** Native `can_update(string)`: admin@system (go-iost vm/native/abi.go). */
export const canUpdateAdmin: NativeAbi = {
  name: "can_update",
  args: ["string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, _args, c) => [String(h.requireAuth(c, "admin", "system"))],
};

/** A Go native ABI that only costs one op (the `init`s, gas.iost `constructor`). */
export const noop: NativeAbi["fn"] = (_h, _a, c) => {
  c.cpuAdd(opCost(1));
  return [];
};

nativeContract({
  id: TOKEN,
  version: "1.0.6",
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  shared: [canUpdateAdmin],
  abis: {
    balanceOf: [["string", "string"], balanceOf],
    create: [["string", "string", "number", "json"], create],
    supply: [["string"], supplyOf],
    totalSupply: [["string"], totalSupplyOf],
    issue: [["string", "string", "string"], issue],
    transferFreeze: [["string", "string", "string", "string", "number", "string"], transferFreeze],
    destroy: [["string", "string", "string"], destroy],
    transfer: [["string", "string", "string", "string", "string"], transfer],
    recycle: [["string"], recycle],
  },
});

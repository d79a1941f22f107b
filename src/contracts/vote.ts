/**
 * vote.iost (go-iost config/genesis/contract/vote_common.js): votes by id,
 * vote_producer.iost's (vote 1, made at genesis) and users' (newVote, a
 * 1000 IOST deposit back at delVote), their options and per-user votes, IOST
 * locked in vote.iost's balance and returned frozen for `freezeTime` s.
 *
 * Storage (IOST names): `current_id`; map `voteInfo` <id> = json info; map
 * `owner` <id> = owner; map `v_<id>` <option> = {votes, deleted, clearTime};
 * map `u_<id>` <account> = {option: [votes, block, "0"]}. Amounts are decimal
 * text with at most 8 decimals (IOST's Float64 values truncated to 8 decimals).
 * RAM of a system contract's vote's records is paid by vote.iost itself
 * (docs/POB.md), of a user's vote by its owner and voters (as vote_common.js).
 * No `preResult`: getResult computes the result from the options (voteResult).
 */
import { Decimal, DecimalError } from "../amount.js";
import { argsJson } from "./args.js";
import type { Cost } from "./cost.js";
import { opCost } from "./cost.js";
import { jsError } from "./errors.js";
import type { Host } from "./host.js";
import type { NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { adminAbis } from "./admin.js";
import { str } from "../state/storage.js";
import type { ContractDB } from "../state/storage.js";

export const VOTE = "vote.iost";

export interface VoteInfo {
  deleted: number;
  description: string;
  resultNumber: number;
  /** As newVote got it: a decimal text, or a JSON number. */
  minVote: string | number;
  anyOption: boolean;
  freezeTime: number;
  deposit: string;
  optionNum: number;
}
export interface OptionInfo {
  votes: string;
  deleted: number;
  clearTime: number;
}
/** [votes, block number of the last vote, votes cleared] as IOST. */
export type UserVote = [string, number, string];

/** Smallest units (1e-8) of a decimal text. */
export const units = (s: string): bigint => Decimal.parse(s, 8).value;
/** Decimal text of smallest units, trailing zeros dropped ("2100000", "0.5"). */
export const fmt = (u: bigint): string => new Decimal(u, 8).toString();

/** IOST's `_fixAmount`: truncated to 8 decimals, must be > 0. */
export function fixAmount(text: string): bigint {
  let u: bigint;
  try {
    u = units(text);
  } catch (e) {
    if (e instanceof DecimalError) throw jsError("amount must be positive");
    throw e;
  }
  if (u <= 0n) throw jsError("amount must be positive");
  return u;
}

function getJson<T>(h: Host, c: Cost, key: string, field: string): T | null {
  const v = h.mapGet(c, key, field);
  return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as T) : null;
}
const putJson = (h: Host, c: Cost, key: string, field: string, v: unknown, payer = "") => h.mapPut(c, key, field, str(JSON.stringify(v)), payer);

// ---------------------------------------------------------------- reads for other modules (no gas)

function dbJson<T>(db: ContractDB, key: string, field: string): T | null {
  const v = db.mget(VOTE, key, field);
  return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as T) : null;
}
/** Votes (units) of an option, 0 when absent. */
export function optionVotes(db: ContractDB, voteId: string, option: string): bigint {
  const o = dbJson<OptionInfo>(db, "v_" + voteId, option);
  return o ? units(o.votes) : 0n;
}
export function optionInfo(db: ContractDB, voteId: string, option: string): OptionInfo | null {
  return dbJson<OptionInfo>(db, "v_" + voteId, option);
}
/** A user's votes per option (units), options sorted. */
export function userVotes(db: ContractDB, voteId: string, account: string): { option: string; votes: bigint }[] {
  const u = dbJson<Record<string, UserVote>>(db, "u_" + voteId, account) ?? {};
  return Object.keys(u)
    .sort()
    .map((o) => ({ option: o, votes: units(u[o][0]) }));
}

// ---------------------------------------------------------------- ABIs

function requireAuth(h: Host, c: Cost, id: string, perm: string): void {
  if (!h.requireAuth(c, id, perm)) throw jsError("require auth failed. ret = false");
}
function checkVote(h: Host, c: Cost, id: string): VoteInfo {
  const info = getJson<VoteInfo>(h, c, "voteInfo", id);
  if (!info) throw jsError("vote does not exist.");
  return info;
}
function requireOwner(h: Host, c: Cost, id: string): { owner: string; info: VoteInfo } {
  const info = checkVote(h, c, id);
  const o = h.mapGet(c, "owner", id);
  if (o?.t !== "s") throw jsError("check owner failed.");
  requireAuth(h, c, o.v, "active");
  return { owner: o.v, info };
}

/** vote_common.js's limits and the deposit a vote made after genesis locks until delVote. */
const NEW_VOTE_FEE = "1000";
const DESCRIPTION_MAX = 65536;
const OPTION_MAX_NUM = 65536;
const OPTION_MAX_LENGTH = 2048;
const RESULT_MAX = 2000;

/**
 * Who pays a vote's records' RAM: its owner for a user's vote (as vote_common.js), vote.iost
 * itself for a system contract's (vote_producer.iost's vote 1, docs/POB.md).
 */
const ramPayer = (owner: string, account: string): string => (owner.endsWith(".iost") ? "" : account);

/** newVote(owner, description, info): the checks and texts of vote_common.js; after genesis it locks NEW_VOTE_FEE of the owner's. */
const newVote: NativeAbi["fn"] = (h, args, c) => {
  const [owner, description] = args as [string, string];
  // Genesis's vote 1 is vote_producer.iost's own init: its receipt (and the genesis hash) stays as the chain made it.
  if (!h.genesis) requireAuth(h, c, owner, "active");
  if (description.length > DESCRIPTION_MAX) throw jsError(`description too long. max length is ${DESCRIPTION_MAX} Byte.`);
  const parsed = JSON.parse((args[2] as { json: string }).json) as unknown;
  const info = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const resultNumber = info.resultNumber;
  if (typeof resultNumber !== "number" || !Number.isInteger(resultNumber) || resultNumber <= 0 || resultNumber > RESULT_MAX)
    throw jsError("resultNumber not valid.");
  const minVote = info.minVote;
  if (!minVote || !positive(minVote)) throw jsError("minVote not valid.");
  const options = info.options ?? (h.genesis ? [] : undefined);
  if (!Array.isArray(options) || options.length > OPTION_MAX_NUM) throw jsError("options not valid.");
  for (const o of options) {
    if (typeof o !== "string") throw jsError("options has none string value.");
    if (o.length > OPTION_MAX_LENGTH) throw jsError(`option too long. max length is ${OPTION_MAX_LENGTH} Byte.`);
  }
  const freezeTime = info.freezeTime ?? 0;
  if (typeof freezeTime !== "number" || !Number.isInteger(freezeTime) || freezeTime < 0) throw jsError("freezeTime not valid.");
  const paid = !h.genesis;
  if (paid) h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", owner, VOTE, NEW_VOTE_FEE, ""]));
  const cur = h.get(c, "current_id");
  const id = String(BigInt(cur && cur.t === "s" ? JSON.parse(cur.v) : "0") + 1n);
  h.put(c, "current_id", str(JSON.stringify(id)), "");
  const payer = ramPayer(owner, owner);
  for (const o of options as string[]) putJson(h, c, "v_" + id, o, { votes: "0", deleted: 0, clearTime: -1 } satisfies OptionInfo, payer);
  const vi: VoteInfo = {
    deleted: 0,
    description,
    resultNumber,
    minVote: minVote as string | number,
    anyOption: !!info.anyOption,
    freezeTime,
    deposit: paid ? NEW_VOTE_FEE : "0",
    optionNum: options.length,
  };
  putJson(h, c, "voteInfo", id, vi, payer);
  h.mapPut(c, "owner", id, str(owner), payer);
  return [id];
};

/** BigNumber(x).gt(0) for the JSON values a minVote may be: a number or a decimal text this chain can read back. */
function positive(x: unknown): boolean {
  if (typeof x !== "number" && typeof x !== "string") return false;
  try {
    return units(String(x)) > 0n;
  } catch (e) {
    if (e instanceof DecimalError) return false;
    throw e;
  }
}

const addOption: NativeAbi["fn"] = (h, args, c) => {
  const [id, option] = args as [string, string, boolean];
  const clear = args[2] as boolean;
  const { owner, info } = requireOwner(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  if (option.length > OPTION_MAX_LENGTH) throw jsError("option too long. max length is 1024 Byte.");
  if (info.optionNum >= OPTION_MAX_NUM) throw jsError("options is full.");
  const ram = ramPayer(owner, owner);
  const old = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (old) {
    if (old.deleted === 0) throw jsError("option already exist.");
    old.deleted = 0;
    if (clear) {
      old.clearTime = Number(h.block.number);
      old.votes = "0";
    }
    putJson(h, c, "v_" + id, option, old, ram);
  } else {
    putJson(h, c, "v_" + id, option, { votes: "0", deleted: 0, clearTime: -1 } satisfies OptionInfo, ram);
  }
  info.optionNum++;
  putJson(h, c, "voteInfo", id, info, ram);
  return [];
};

const removeOption: NativeAbi["fn"] = (h, args, c) => {
  const [id, option, force] = args as [string, string, boolean];
  const { owner, info } = requireOwner(h, c, id);
  const ram = ramPayer(owner, owner);
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (!o) throw jsError("option not exist");
  if (!force) {
    // The result is computed, not kept (voteResult): its scan is paid as getResult's.
    c.cpuAdd(opCost(info.optionNum + 1));
    if (voteResult(h.db, id).some((r) => r.option === option)) throw jsError("option in result, can't be removed.");
  }
  if (info.deleted === 1 || units(o.votes) === 0n) h.mapDel(c, "v_" + id, option);
  else {
    o.deleted = 1;
    putJson(h, c, "v_" + id, option, o, ram);
  }
  info.optionNum--;
  putJson(h, c, "voteInfo", id, info, ram);
  return [];
};

const getOption: NativeAbi["fn"] = (h, args, c) => {
  const [id, option] = args as [string, string];
  const info = checkVote(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (!o) throw jsError("option not exist");
  return [o];
};

const clearUserVote = (clearTime: number, uv: UserVote): UserVote => (clearTime >= uv[1] ? [uv[0], uv[1], uv[0]] : uv);

/**
 * vote_producer.iost keeps bonus masks per vote: votes on its vote moved
 * directly through vote.iost would bypass them, so only the owner may.
 */
function requireOwnerCaller(h: Host, c: Cost, id: string): string {
  const o = h.mapGet(c, "owner", id);
  const owner = o?.t === "s" ? o.v : VOTE;
  if (owner.endsWith(".iost") && owner !== VOTE && h.caller.name !== owner) throw jsError(`vote ${id} is voted through ${owner} only`);
  return owner;
}

/**
 * vote_common.js voteFor: `payer` locks `amount` of its IOST as `account`'s votes for `option`.
 * Another account's votes only from a fund account (`fundID`, the admin's); `vote` is voteFor with
 * payer = account.
 */
function voteAs(h: Host, c: Cost, id: string, payer: string, account: string, option: string, amountText: string): void {
  const info = checkVote(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  const owner = requireOwnerCaller(h, c, id);
  requireAuth(h, c, payer, "active");
  if (account !== payer) {
    const fund = h.get(c, "fundID");
    if (fund?.t !== "s" || !(JSON.parse(fund.v) as string[]).includes(payer)) throw jsError("payer is not allowed to call voteFor.");
  }
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (!o) throw jsError("option does not exist");
  const amount = fixAmount(amountText);
  if (o.deleted === 1) throw jsError("option is removed.");
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", payer, VOTE, fmt(amount), ""]));
  const ram = ramPayer(owner, payer);
  const uv = getJson<Record<string, UserVote>>(h, c, "u_" + id, account) ?? {};
  const bn = Number(h.block.number);
  if (Object.hasOwn(uv, option)) {
    const cur = clearUserVote(o.clearTime, uv[option]);
    uv[option] = [fmt(units(cur[0]) + amount), bn, cur[2]];
  } else uv[option] = clearUserVote(o.clearTime, [fmt(amount), bn, "0"]);
  putJson(h, c, "u_" + id, account, uv, ram);
  if (o.clearTime === bn) return;
  o.votes = fmt(units(o.votes) + amount);
  putJson(h, c, "v_" + id, option, o, ram);
}

const vote: NativeAbi["fn"] = (h, args, c) => {
  const [id, account, option, amount] = args as string[];
  voteAs(h, c, id, account, account, option, amount);
  return [];
};

const voteFor: NativeAbi["fn"] = (h, args, c) => {
  const [id, payer, account, option, amount] = args as string[];
  voteAs(h, c, id, payer, account, option, amount);
  return [];
};

/** delVote: the owner ends a vote; its deposit goes back. Votes stay until unvoted, then unfrozen at once. */
const delVote: NativeAbi["fn"] = (h, args, c) => {
  const id = args[0] as string;
  const { owner, info } = requireOwner(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  const deposit = units(info.deposit);
  if (deposit > 0n) h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", VOTE, owner, fmt(deposit), ""]));
  info.deleted = 1;
  putJson(h, c, "voteInfo", id, info);
  return [];
};

const unvote: NativeAbi["fn"] = (h, args, c) => {
  const [id, account, option, amountText] = args as string[];
  const info = checkVote(h, c, id);
  const ram = ramPayer(requireOwnerCaller(h, c, id), account);
  requireAuth(h, c, account, "active");
  const uv = getJson<Record<string, UserVote>>(h, c, "u_" + id, account);
  if (!uv) throw jsError("account didn't vote.");
  if (!uv[option]) throw jsError("account didn't vote for this option.");
  const amount = fixAmount(amountText);
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  const cur = clearUserVote(o ? o.clearTime : -1, uv[option]);
  const votes = units(cur[0]);
  if (votes < amount) throw jsError("amount too large. max amount = " + fmt(votes));
  let ftime = h.tx.time;
  if (info.deleted === 0) ftime += BigInt(info.freezeTime) * 1_000_000_000n;
  h.callWithAuth(c, "token.iost", "transferFreeze", `["iost", "${VOTE}", ${JSON.stringify(account)}, "${fmt(amount)}", ${ftime}, ""]`);
  const real = units(cur[2]) - amount;
  if (real > 0n) {
    // Votes already cleared by a re-added option: the option's total does not hold them.
    uv[option] = [fmt(votes - amount), cur[1], fmt(real)];
    putJson(h, c, "u_" + id, account, uv, ram);
    return [];
  }
  if (votes - amount === 0n) delete uv[option];
  else uv[option] = [fmt(votes - amount), cur[1], "0"];
  if (Object.keys(uv).length === 0) h.mapDel(c, "u_" + id, account);
  else putJson(h, c, "u_" + id, account, uv, ram);
  if (o) {
    o.votes = fmt(units(o.votes) + real);
    if (info.deleted === 1 && units(o.votes) === 0n) h.mapDel(c, "v_" + id, option);
    else putJson(h, c, "v_" + id, option, o, ram);
  }
  return [];
};

const getVote: NativeAbi["fn"] = (h, args, c) => {
  const [id, account] = args as string[];
  checkVote(h, c, id);
  const uv = getJson<Record<string, UserVote>>(h, c, "u_" + id, account) ?? {};
  return [Object.keys(uv).map((o) => ({ option: o, votes: uv[o][0], voteTime: uv[o][1], clearedVotes: uv[o][2] }))];
};

/** Options with votes ≥ minVote, by votes desc then option name (IOST keeps this as `preResult`). */
export function voteResult(db: ContractDB, id: string): { option: string; votes: bigint }[] {
  const info = dbJson<VoteInfo>(db, "voteInfo", id);
  if (!info) return [];
  const min = units(String(info.minVote));
  const out: { option: string; votes: bigint }[] = [];
  for (const o of db.mkeys(VOTE, "v_" + id).sort()) {
    const oi = dbJson<OptionInfo>(db, "v_" + id, o);
    if (!oi || oi.deleted === 1) continue;
    const v = units(oi.votes);
    if (v >= min) out.push({ option: o, votes: v });
  }
  out.sort((a, b) => (a.votes !== b.votes ? (a.votes > b.votes ? -1 : 1) : a.option < b.option ? -1 : 1));
  return out.slice(0, info.resultNumber);
}

const getResult: NativeAbi["fn"] = (h, args, c) => {
  const id = args[0] as string;
  const info = checkVote(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  c.cpuAdd(opCost(info.optionNum + 1));
  return [voteResult(h.db, id).map((r) => ({ option: r.option, votes: fmt(r.votes) }))];
};

const IOST_ANY = [{ token: "iost", val: "unlimited" }];

function notBuilt(name: string): NativeAbi["fn"] {
  return () => {
    throw jsError(`vote.iost/${name} is not supported on this chain yet`);
  };
}

nativeContract({
  id: VOTE,
  lang: "javascript",
  amountLimit: [],
  init: (h, _a, c) => (h.put(c, "current_id", str('"0"'), ""), []),
  shared: adminAbis([], (h, admin, c) => h.put(c, "fundID", str(JSON.stringify([admin])), "")),
  abis: {
    // vote_common.js.abi: the ABIs that lock the caller's IOST may spend any of it.
    newVote: [["string", "string", "json"], newVote, IOST_ANY],
    addOption: [["string", "string", "bool"], addOption],
    removeOption: [["string", "string", "bool"], removeOption],
    getOption: [["string", "string"], getOption],
    vote: [["string", "string", "string", "string"], vote, IOST_ANY],
    unvote: [["string", "string", "string", "string"], unvote],
    getVote: [["string", "string"], getVote],
    getResult: [["string"], getResult],
    voteFor: [["string", "string", "string", "string", "string"], voteFor, IOST_ANY],
    delVote: [["string"], delVote],
    addFundID: [["string"], notBuilt("addFundID")],
  },
});

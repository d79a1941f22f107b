/**
 * vote.iost (go-iost config/genesis/contract/vote_common.js), the part
 * vote_producer.iost needs: one vote per id, its options and per-user votes,
 * IOST locked in vote.iost's balance and returned frozen for `freezeTime` s.
 *
 * Storage (IOST names): `current_id`; map `voteInfo` <id> = json info; map
 * `owner` <id> = owner; map `v_<id>` <option> = {votes, deleted, clearTime};
 * map `u_<id>` <account> = {option: [votes, block, "0"]}. Amounts are decimal
 * text with at most 8 decimals (IOST's Float64 values truncated to 8 decimals).
 * RAM of every record is paid by vote.iost itself (docs/POB.md).
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
  minVote: string;
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
const putJson = (h: Host, c: Cost, key: string, field: string, v: unknown) => h.mapPut(c, key, field, str(JSON.stringify(v)), "");

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

/** newVote: only at genesis here (vote "1" of vote_producer.iost); user votes are not built yet. */
const newVote: NativeAbi["fn"] = (h, args, c) => {
  if (!h.genesis) throw jsError("newVote is not supported on this chain yet: only the genesis vote 1 (vote_producer.iost) exists");
  const owner = args[0] as string;
  const info = JSON.parse((args[2] as { json: string }).json) as { resultNumber: number; minVote: string; freezeTime?: number };
  const cur = h.get(c, "current_id");
  const id = String(BigInt(cur && cur.t === "s" ? JSON.parse(cur.v) : "0") + 1n);
  h.put(c, "current_id", str(JSON.stringify(id)), "");
  const vi: VoteInfo = {
    deleted: 0,
    description: args[1] as string,
    resultNumber: info.resultNumber,
    minVote: info.minVote,
    anyOption: false,
    freezeTime: info.freezeTime ?? 0,
    deposit: "0",
    optionNum: 0,
  };
  putJson(h, c, "voteInfo", id, vi);
  h.mapPut(c, "owner", id, str(owner), "");
  return [id];
};

const addOption: NativeAbi["fn"] = (h, args, c) => {
  const [id, option] = args as [string, string, boolean];
  const clear = args[2] as boolean;
  const { info } = requireOwner(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  if (option.length > 2048) throw jsError("option too long. max length is 1024 Byte.");
  const old = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (old) {
    if (old.deleted === 0) throw jsError("option already exist.");
    old.deleted = 0;
    if (clear) {
      old.clearTime = Number(h.block.number);
      old.votes = "0";
    }
    putJson(h, c, "v_" + id, option, old);
  } else {
    putJson(h, c, "v_" + id, option, { votes: "0", deleted: 0, clearTime: -1 } satisfies OptionInfo);
  }
  info.optionNum++;
  putJson(h, c, "voteInfo", id, info);
  return [];
};

const removeOption: NativeAbi["fn"] = (h, args, c) => {
  const [id, option] = args as [string, string];
  const { info } = requireOwner(h, c, id);
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (!o) throw jsError("option not exist");
  // `force` = false would refuse an option in the result; vote_producer.iost always forces.
  if (units(o.votes) === 0n) h.mapDel(c, "v_" + id, option);
  else {
    o.deleted = 1;
    putJson(h, c, "v_" + id, option, o);
  }
  info.optionNum--;
  putJson(h, c, "voteInfo", id, info);
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
function requireOwnerCaller(h: Host, c: Cost, id: string): void {
  const o = h.mapGet(c, "owner", id);
  if (o && o.t === "s" && o.v.endsWith(".iost") && h.caller.name !== o.v) throw jsError(`vote ${id} is voted through ${o.v} only`);
}

const vote: NativeAbi["fn"] = (h, args, c) => {
  const [id, account, option, amountText] = args as string[];
  const info = checkVote(h, c, id);
  if (info.deleted === 1) throw jsError("vote has been deleted.");
  requireOwnerCaller(h, c, id);
  requireAuth(h, c, account, "active");
  const o = getJson<OptionInfo>(h, c, "v_" + id, option);
  if (!o) throw jsError("option does not exist");
  const amount = fixAmount(amountText);
  if (o.deleted === 1) throw jsError("option is removed.");
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", account, VOTE, fmt(amount), ""]));
  const uv = getJson<Record<string, UserVote>>(h, c, "u_" + id, account) ?? {};
  const bn = Number(h.block.number);
  if (Object.hasOwn(uv, option)) {
    const cur = clearUserVote(o.clearTime, uv[option]);
    uv[option] = [fmt(units(cur[0]) + amount), bn, cur[2]];
  } else uv[option] = clearUserVote(o.clearTime, [fmt(amount), bn, "0"]);
  putJson(h, c, "u_" + id, account, uv);
  if (o.clearTime === bn) return [];
  o.votes = fmt(units(o.votes) + amount);
  putJson(h, c, "v_" + id, option, o);
  return [];
};

const unvote: NativeAbi["fn"] = (h, args, c) => {
  const [id, account, option, amountText] = args as string[];
  const info = checkVote(h, c, id);
  requireOwnerCaller(h, c, id);
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
    putJson(h, c, "u_" + id, account, uv);
    return [];
  }
  if (votes - amount === 0n) delete uv[option];
  else uv[option] = [fmt(votes - amount), cur[1], "0"];
  if (Object.keys(uv).length === 0) h.mapDel(c, "u_" + id, account);
  else putJson(h, c, "u_" + id, account, uv);
  if (o) {
    o.votes = fmt(units(o.votes) + real);
    if (info.deleted === 1 && units(o.votes) === 0n) h.mapDel(c, "v_" + id, option);
    else putJson(h, c, "v_" + id, option, o);
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
  const min = units(info.minVote);
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
    newVote: [["string", "string", "json"], newVote],
    addOption: [["string", "string", "bool"], addOption],
    removeOption: [["string", "string", "bool"], removeOption],
    getOption: [["string", "string"], getOption],
    vote: [["string", "string", "string", "string"], vote],
    unvote: [["string", "string", "string", "string"], unvote],
    getVote: [["string", "string"], getVote],
    getResult: [["string"], getResult],
    voteFor: [["string", "string", "string", "string", "string"], notBuilt("voteFor")],
    delVote: [["string"], notBuilt("delVote")],
    addFundID: [["string"], notBuilt("addFundID")],
  },
});

/**
 * vote_producer.iost (go-iost config/genesis/contract/vote_producer.js 1.0.9)
 * natively, with our believability score in `stat` (src/consensus/score.ts,
 * docs/POB.md). Storage keeps IOST's names: `adminID`, `voteId`,
 * `pendingProducerList`, `currentProducerList`, `producerNumber`, maps
 * `producerTable` <account> = producer json, `producerKeyToId` <pubkey> =
 * account; bonus pools `voterCoef` <producer>, `v_<producer>` <voter>,
 * `candAllKey`, `candCoef`, `candMask` <account>. Ours: `params` (genesis
 * consensus params), map `pobStat` <account> = {servi, missed},
 * `producerScores` {account: score}.
 *
 * Bonus pools are bigint fixed point: a coefficient is IOST-units per vote-unit
 * ×1e18 (COEF); a mask is units×1e18. Earnings are truncated to whole 1e-8 IOST,
 * so payouts never exceed deposits; the truncated dust stays in the contract.
 * RAM of every record is paid by the contract itself (docs/POB.md).
 */
import { argsJson } from "./args.js";
import type { Cost } from "./cost.js";
import { opCost } from "./cost.js";
import { jsError } from "./errors.js";
import type { Host } from "./host.js";
import type { NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { adminAbis, adminOf, requireAdmin } from "./admin.js";
import { str, type ContractDB } from "../state/storage.js";
import { VOTE, fixAmount, fmt, optionInfo, optionVotes, userVotes, units } from "./vote.js";
import { decayRecord, score, selectProducers, serviCap, type Candidate, type Record as PobRecord } from "../consensus/score.js";

export const VOTE_PRODUCER = "vote_producer.iost";
export const COEF = 10n ** 18n;

export const STATUS_APPLY = 0;
export const STATUS_APPROVED = 1;
export const STATUS_UNAPPLY = 2;
export const STATUS_UNAPPLY_APPROVED = 3;

export interface Producer {
  pubkey: string;
  loc: string;
  url: string;
  netId: string;
  isProducer: boolean;
  status: number;
  online: boolean;
}
export interface VotingParams {
  minVote: string;
  voteLockSec: string;
  producerNumber: number;
  voteInterval: number;
}

// ---------------------------------------------------------------- storage helpers

function get<T>(h: Host, c: Cost, key: string): T | null {
  const v = h.get(c, key);
  return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as T) : null;
}
const put = (h: Host, c: Cost, key: string, v: unknown) => h.put(c, key, str(JSON.stringify(v)), "");
function mget<T>(h: Host, c: Cost, key: string, field: string): T | null {
  const v = h.mapGet(c, key, field);
  return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as T) : null;
}
const mput = (h: Host, c: Cost, key: string, field: string, v: unknown) => h.mapPut(c, key, field, str(JSON.stringify(v)), "");
function bigOf(h: Host, c: Cost, key: string, field?: string): bigint {
  const v = field === undefined ? h.get(c, key) : h.mapGet(c, key, field);
  return v && v.t === "s" ? BigInt(v.v) : 0n;
}
const putBig = (h: Host, c: Cost, key: string, v: bigint) => h.put(c, key, str(v.toString()), "");
const mputBig = (h: Host, c: Cost, key: string, f: string, v: bigint) => h.mapPut(c, key, f, str(v.toString()), "");

const voteId = (h: Host, c: Cost): string => {
  const v = h.get(c, "voteId");
  return v && v.t === "s" ? v.v : "1";
};
function params(h: Host, c: Cost): VotingParams {
  const p = get<VotingParams>(h, c, "params");
  if (!p) throw jsError("vote_producer.iost params missing (genesis)");
  return p;
}

function requireAuth(h: Host, c: Cost, id: string, perm: string): void {
  if (!h.requireAuth(c, id, perm)) throw jsError("require auth failed. ret = false");
}
function requireAuthList(h: Host, c: Cost, account: string, perm: string): void {
  for (const a of [account, adminOf(h, c), "operator"]) if (a !== "" && h.requireAuth(c, a, perm)) return;
  throw jsError("require auth failed.");
}
function producerOf(h: Host, c: Cost, account: string, msg = "producer not exists"): Producer {
  const p = mget<Producer>(h, c, "producerTable", account);
  if (!p) throw jsError(msg);
  return p;
}
function inLists(h: Host, c: Cost, account: string): boolean {
  for (const k of [...(get<string[]>(h, c, "pendingProducerList") ?? []), ...(get<string[]>(h, c, "currentProducerList") ?? [])]) {
    const id = h.mapGet(c, "producerKeyToId", k);
    if (id && id.t === "s" && id.v === account) return true;
  }
  return false;
}
const receipt = (h: Host, c: Cost, v: unknown[]) => h.receipt(c, JSON.stringify(v));
const vcall = (h: Host, c: Cost, abi: string, args: (string | boolean)[]) => h.callWithAuth(c, VOTE, abi, argsJson(args));

// ---------------------------------------------------------------- producers

const initProducer: NativeAbi["fn"] = (h, args, c) => {
  const [id, pubkey] = args as string[];
  if (!h.genesis) throw jsError("init out of genesis block");
  if (h.mapHas(c, "producerKeyToId", pubkey)) throw jsError("pubkey is used by another producer");
  const pending = [...(get<string[]>(h, c, "pendingProducerList") ?? []), pubkey].sort();
  put(h, c, "pendingProducerList", pending);
  put(h, c, "currentProducerList", pending);
  put(h, c, "producerNumber", pending.length);
  vcall(h, c, "addOption", [voteId(h, c), id, false]);
  const pro: Producer = { pubkey, loc: "", url: "", netId: "", isProducer: true, status: STATUS_APPROVED, online: true };
  mput(h, c, "producerTable", id, pro);
  h.mapPut(c, "producerKeyToId", pubkey, str(id), "");
  return [];
};

const applyRegister: NativeAbi["fn"] = (h, args, c) => {
  const [account, pubkey, loc, url, netId] = args as string[];
  const isProducer = args[5] as boolean;
  requireAuthList(h, c, account, "vote");
  if (h.mapHas(c, "producerTable", account)) throw jsError("producer exists");
  if (h.mapHas(c, "producerKeyToId", pubkey)) throw jsError("pubkey is used by another producer");
  mput(h, c, "producerTable", account, { pubkey, loc, url, netId, isProducer, status: STATUS_APPLY, online: false } satisfies Producer);
  h.mapPut(c, "producerKeyToId", pubkey, str(account), "");
  vcall(h, c, "addOption", [voteId(h, c), account, false]);
  receipt(h, c, [account, pubkey, loc, url, netId, isProducer]);
  return [];
};

const applyUnregister: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  requireAuthList(h, c, account, "vote");
  const pro = producerOf(h, c, account);
  if (pro.status === STATUS_APPLY) return [];
  if (pro.status !== STATUS_APPROVED) throw jsError("producer not approved");
  pro.status = STATUS_UNAPPLY;
  mput(h, c, "producerTable", account, pro);
  receipt(h, c, [account]);
  return [];
};

function adminSetStatus(h: Host, c: Cost, account: string, status: number, need?: number): void {
  requireAdmin(h, c);
  const pro = producerOf(h, c, account);
  if (need !== undefined && pro.status !== need) throw jsError("producer not unapplied");
  pro.status = status;
  mput(h, c, "producerTable", account, pro);
  receipt(h, c, [account]);
}

const unregister: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  requireAuthList(h, c, account, "vote");
  const pro = mget<Producer>(h, c, "producerTable", account);
  if (pro && pro.status !== STATUS_APPLY && pro.status !== STATUS_UNAPPLY_APPROVED) throw jsError("producer can not unregister");
  if (inLists(h, c, account)) throw jsError("producer in pending list or in current list, can't unregister");
  vcall(h, c, "removeOption", [voteId(h, c), account, true]);
  if (pro) {
    h.mapDel(c, "producerTable", account);
    h.mapDel(c, "producerKeyToId", pro.pubkey);
  }
  receipt(h, c, [account]);
  return [];
};

const updateProducer: NativeAbi["fn"] = (h, args, c) => {
  const [account, pubkey, loc, url, netId] = args as string[];
  requireAuthList(h, c, account, "vote");
  const pro = producerOf(h, c, account);
  if (pro.pubkey !== pubkey) {
    if (h.mapHas(c, "producerKeyToId", pubkey)) throw jsError("pubkey is used by another producer");
    if (inLists(h, c, account)) throw jsError("account in producerList, can't change pubkey");
    h.mapDel(c, "producerKeyToId", pro.pubkey);
    h.mapPut(c, "producerKeyToId", pubkey, str(account), "");
  }
  Object.assign(pro, { pubkey, loc, url, netId });
  mput(h, c, "producerTable", account, pro);
  receipt(h, c, [account, pubkey, loc, url, netId]);
  return [];
};

function setOnline(online: boolean): NativeAbi["fn"] {
  return (h, args, c) => {
    const account = args[0] as string;
    requireAuthList(h, c, account, "vote");
    const pro = producerOf(h, c, account, online ? "producer not exists, " + account : "producer not exists");
    pro.online = online;
    mput(h, c, "producerTable", account, pro);
    receipt(h, c, [account]);
    return [];
  };
}

const getProducer: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  const pro = producerOf(h, c, account) as Producer & { voteInfo?: unknown };
  if (pro.status === STATUS_APPROVED || pro.status === STATUS_UNAPPLY) pro.voteInfo = optionInfo(h.db, voteId(h, c), account);
  return [pro];
};

// ---------------------------------------------------------------- votes and bonus pools

function updateVoterMask(h: Host, c: Cost, voter: string, producer: string, amount: bigint): void {
  const coef = bigOf(h, c, "voterCoef", producer);
  if (coef === 0n && !h.mapHas(c, "v_" + producer, voter)) return;
  mputBig(h, c, "v_" + producer, voter, bigOf(h, c, "v_" + producer, voter) + coef * amount);
}
function updateCandidateMask(h: Host, c: Cost, account: string, key: bigint): void {
  putBig(h, c, "candAllKey", bigOf(h, c, "candAllKey") + key);
  mputBig(h, c, "candMask", account, bigOf(h, c, "candMask", account) + bigOf(h, c, "candCoef") * key);
}
/** A candidate's key is its votes while they are ≥ minVote, else 0 (IOST `_updateCandidateVars`). */
function updateCandidateVars(h: Host, c: Cost, account: string, amount: bigint): void {
  const min = units(params(h, c).minVote);
  const votes = optionVotes(h.db, voteId(h, c), account);
  const before = votes - amount;
  const keyBefore = before >= min ? before : 0n;
  const keyAfter = votes >= min ? votes : 0n;
  if (keyAfter !== keyBefore) updateCandidateMask(h, c, account, keyAfter - keyBefore);
}

const vote: NativeAbi["fn"] = (h, args, c) => {
  const [voter, producer, amountText] = args as string[];
  requireAuth(h, c, voter, "active");
  if (!h.mapHas(c, "producerTable", producer)) throw jsError("producer not exists");
  const amount = fixAmount(amountText);
  vcall(h, c, "vote", [voteId(h, c), voter, producer, fmt(amount)]);
  updateVoterMask(h, c, voter, producer, amount);
  updateCandidateVars(h, c, producer, amount);
  receipt(h, c, [voter, producer, fmt(amount)]);
  return [];
};

const unvote: NativeAbi["fn"] = (h, args, c) => {
  const [voter, producer, amountText] = args as string[];
  requireAuth(h, c, voter, "active");
  const amount = fixAmount(amountText);
  vcall(h, c, "unvote", [voteId(h, c), voter, producer, fmt(amount)]);
  updateVoterMask(h, c, voter, producer, -amount);
  updateCandidateVars(h, c, producer, -amount);
  receipt(h, c, [voter, producer, fmt(amount)]);
  return [];
};

function deposit(h: Host, c: Cost, payer: string, amount: bigint): void {
  if (payer === VOTE_PRODUCER) return;
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", payer, VOTE_PRODUCER, fmt(amount), ""]));
}
function withdraw(h: Host, c: Cost, to: string, amount: bigint): void {
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", VOTE_PRODUCER, to, fmt(amount), ""]));
}

function topupVoterInternal(h: Host, c: Cost, account: string, amount: bigint, payer: string): boolean {
  const votes = optionVotes(h.db, voteId(h, c), account);
  if (votes <= 0n) return false;
  deposit(h, c, payer, amount);
  mputBig(h, c, "voterCoef", account, bigOf(h, c, "voterCoef", account) + (amount * COEF) / votes);
  return true;
}

const topupVoterBonus: NativeAbi["fn"] = (h, args, c) => {
  const [account, amountText, payer] = args as string[];
  const amount = fixAmount(amountText);
  if (!topupVoterInternal(h, c, account, amount, payer)) return [false];
  receipt(h, c, [account, fmt(amount), payer]);
  return [true];
};

const topupCandidateBonus: NativeAbi["fn"] = (h, args, c) => {
  const [amountText, payer] = args as string[];
  const all = bigOf(h, c, "candAllKey");
  if (all <= 0n) return [false];
  const amount = fixAmount(amountText);
  deposit(h, c, payer, amount);
  putBig(h, c, "candCoef", bigOf(h, c, "candCoef") + (amount * COEF) / all);
  receipt(h, c, [fmt(amount), payer]);
  return [true];
};

/** Voter earnings (units) per option, from storage read by `db` (also used by src/query/pob.ts). */
export function voterEarnings(db: ContractDB, voter: string): { option: string; earning: bigint }[] {
  const vid = db.get(VOTE_PRODUCER, "voteId");
  const id = vid && vid.t === "s" ? vid.v : "1";
  const big = (v: ReturnType<ContractDB["get"]>) => (v && v.t === "s" ? BigInt(v.v) : 0n);
  return userVotes(db, id, voter).map((v) => {
    const coef = big(db.mget(VOTE_PRODUCER, "voterCoef", v.option));
    const mask = big(db.mget(VOTE_PRODUCER, "v_" + v.option, voter));
    return { option: v.option, earning: (coef * v.votes - mask) / COEF };
  });
}
/** Candidate earnings (units). */
export function candidateEarning(db: ContractDB, account: string): bigint {
  const vid = db.get(VOTE_PRODUCER, "voteId");
  const id = vid && vid.t === "s" ? vid.v : "1";
  const big = (v: ReturnType<ContractDB["get"]>) => (v && v.t === "s" ? BigInt(v.v) : 0n);
  const p = db.get(VOTE_PRODUCER, "params");
  const min = p && (p.t === "j" || p.t === "s") ? units((JSON.parse(p.v) as VotingParams).minVote) : 0n;
  let key = optionVotes(db, id, account);
  if (key < min) key = 0n;
  return (big(db.get(VOTE_PRODUCER, "candCoef")) * key - big(db.mget(VOTE_PRODUCER, "candMask", account))) / COEF;
}

const voterWithdraw: NativeAbi["fn"] = (h, args, c) => {
  const voter = args[0] as string;
  requireAuthList(h, c, voter, "operate");
  let total = 0n;
  const rec: Record<string, string> = {};
  for (const e of voterEarnings(h.db, voter)) {
    c.cpuAdd(opCost(1));
    if (e.earning <= 0n) continue;
    mputBig(h, c, "v_" + e.option, voter, bigOf(h, c, "v_" + e.option, voter) + e.earning * COEF);
    rec[e.option] = fmt(e.earning);
    total += e.earning;
  }
  if (total <= 0n) return [];
  receipt(h, c, [rec]);
  withdraw(h, c, voter, total);
  return [];
};

const candidateWithdraw: NativeAbi["fn"] = (h, args, c) => {
  const account = args[0] as string;
  requireAuthList(h, c, account, "operate");
  const earning = candidateEarning(h.db, account);
  if (earning <= 0n) return [];
  mputBig(h, c, "candMask", account, bigOf(h, c, "candMask", account) + earning * COEF);
  // Half to the candidate, the rest (the odd unit too) to its voters, as IOST.
  const half = earning / 2n;
  const rest = earning - half;
  withdraw(h, c, account, half);
  topupVoterInternal(h, c, account, rest, VOTE_PRODUCER);
  receipt(h, c, [account, fmt(half), fmt(rest)]);
  return [];
};

// ---------------------------------------------------------------- re-election

function baseCounts(h: Host, c: Cost, key: string): Record<string, number> {
  const v = h.globalGet(c, "base.iost", key);
  if (!v || (v.t !== "j" && v.t !== "s") || v.v === "") return {};
  return JSON.parse(v.v) as Record<string, number>;
}

/** Re-election: base.iost calls it every voteInterval blocks (docs/POB.md). */
const stat: NativeAbi["fn"] = (h, _args, c) => {
  requireAuth(h, c, "base.iost", "active");
  const p = params(h, c);
  const min = units(p.minVote);
  const id = voteId(h, c);
  const produced = baseCounts(h, c, "witness_produced");
  const missed = baseCounts(h, c, "witness_missed");
  const pending = get<string[]>(h, c, "pendingProducerList") ?? [];
  const current = get<string[]>(h, c, "currentProducerList") ?? [];
  const n = get<number>(h, c, "producerNumber") ?? p.producerNumber;
  const cap = serviCap(p.voteInterval, n);
  const elected: Candidate[] = [];
  const fill: Candidate[] = [];
  const last: Candidate[] = [];
  const seen = new Set<string>();
  const scores: Record<string, string> = {};
  for (const account of h.mapKeys(c, "producerTable").sort()) {
    const pro = mget<Producer>(h, c, "producerTable", account);
    if (!pro?.isProducer || (pro.status !== STATUS_APPROVED && pro.status !== STATUS_UNAPPLY)) continue;
    const old = mget<{ servi: string; missed: string }>(h, c, "pobStat", account);
    const prev: PobRecord = old ? { servi: BigInt(old.servi), missed: BigInt(old.missed) } : { servi: 0n, missed: 0n };
    const rec = decayRecord(prev, BigInt(produced[pro.pubkey] ?? 0), BigInt(missed[pro.pubkey] ?? 0));
    if (rec.servi !== 0n || rec.missed !== 0n || old) mput(h, c, "pobStat", account, { servi: rec.servi.toString(), missed: rec.missed.toString() });
    const votes = optionVotes(h.db, id, account);
    const s = score(votes, rec, cap);
    scores[account] = s.toString();
    const cand = { pubkey: pro.pubkey, score: s };
    const incumbent = pending.includes(pro.pubkey);
    const dead = current.includes(pro.pubkey) && !produced[pro.pubkey];
    seen.add(pro.pubkey);
    if (!pro.online || dead) {
      if (incumbent) last.push(cand);
    } else if (votes >= min) elected.push(cand);
    else if (incumbent) fill.push(cand);
  }
  // Incumbents no longer approved (forceUnregister) only keep a seat nobody else can take.
  for (const k of pending) if (!seen.has(k)) last.push({ pubkey: k, score: 0n });
  const next = selectProducers(elected, fill, last, n);
  put(h, c, "currentProducerList", pending);
  put(h, c, "pendingProducerList", next);
  put(h, c, "producerScores", scores);
  receipt(h, c, next);
  return [];
};

// ---------------------------------------------------------------- registration

/** ABIs that take the caller's IOST declare it (vote_producer.json: iost unlimited). */
const TAKES_IOST = [{ token: "iost", val: "unlimited" }];

nativeContract({
  id: VOTE_PRODUCER,
  version: "1.0.9",
  lang: "javascript",
  amountLimit: [],
  init: (h, _a, c) => {
    put(h, c, "currentProducerList", []);
    put(h, c, "pendingProducerList", []);
    const r = h.callWithAuth(
      c,
      VOTE,
      "newVote",
      `["${VOTE_PRODUCER}","vote for producer",{"resultNumber":2000,"minVote":"2100000","options":[],"anyOption":false,"freezeTime":604800,"canVote":false}]`,
    );
    h.put(c, "voteId", str(String(r[0])), "");
    return [];
  },
  shared: adminAbis([]),
  abis: {
    initProducer: [["string", "string"], initProducer],
    applyRegister: [["string", "string", "string", "string", "string", "bool"], applyRegister],
    applyUnregister: [["string"], applyUnregister],
    approveRegister: [["string"], (h, a, c) => (adminSetStatus(h, c, a[0] as string, STATUS_APPROVED), [])],
    approveUnregister: [["string"], (h, a, c) => (adminSetStatus(h, c, a[0] as string, STATUS_UNAPPLY_APPROVED, STATUS_UNAPPLY), [])],
    forceUnregister: [["string"], (h, a, c) => (adminSetStatus(h, c, a[0] as string, STATUS_UNAPPLY_APPROVED), [])],
    unregister: [["string"], unregister],
    updateProducer: [["string", "string", "string", "string", "string"], updateProducer],
    getProducer: [["string"], getProducer],
    logInProducer: [["string"], setOnline(true)],
    logOutProducer: [["string"], setOnline(false)],
    vote: [["string", "string", "string"], vote, TAKES_IOST],
    unvote: [["string", "string", "string"], unvote],
    getVote: [["string"], (h, a, c) => [userVotes(h.db, voteId(h, c), a[0] as string).map((v) => ({ option: v.option, votes: fmt(v.votes) }))]],
    topupCandidateBonus: [["string", "string"], topupCandidateBonus, TAKES_IOST],
    topupVoterBonus: [["string", "string", "string"], topupVoterBonus, TAKES_IOST],
    candidateWithdraw: [["string"], candidateWithdraw],
    voterWithdraw: [["string"], voterWithdraw],
    getCandidateBonus: [["string"], (h, a) => [fmt(candidateEarning(h.db, a[0] as string))]],
    getVoterBonus: [["string"], (h, a) => [fmt(voterEarnings(h.db, a[0] as string).reduce((s, e) => s + e.earning, 0n))]],
    stat: [[], stat],
    // IOST 1.0.9 made switchOff a no-op: accepted, changes nothing.
    switchOff: [["bool"], () => []],
  },
});

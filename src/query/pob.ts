/**
 * Proof-of-Believability read queries for the RPC (go-iost rpc/api_service.go
 * GetProducerVoteInfo, GetVoterBonus, GetCandidateBonus; rpc.proto shapes).
 * Amounts are exact bigints until the end, where IOST's JSON has doubles.
 */
import { Decimal } from "../amount.js";
import { candidateEarning, voterEarnings, VOTE_PRODUCER, type Producer } from "../contracts/vote-producer.js";
import { optionVotes, units, VOTE, type UserVote } from "../contracts/vote.js";
import type { State } from "../state/state.js";
import { ContractDB } from "../state/storage.js";

const STATUS = ["APPLY", "APPROVED", "UNAPPLY", "UNAPPLY_APPROVED"];
const dbl = (u: bigint): number => Number(new Decimal(u, 8).toString());

function list(state: State, key: string): string[] {
  const v = new ContractDB(state).get(VOTE_PRODUCER, key);
  return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as string[]) : [];
}
function voteId(db: ContractDB): string {
  const v = db.get(VOTE_PRODUCER, "voteId");
  return v && v.t === "s" ? v.v : "1";
}

/** The witness list for the next round (base58 pubkeys, schedule order). */
export function pendingProducerList(state: State): string[] {
  return list(state, "pendingProducerList");
}
/** The witness list of the running round. */
export function currentProducerList(state: State): string[] {
  return list(state, "currentProducerList");
}

export interface ProducerVoteInfoJson {
  pubkey: string;
  loc: string;
  url: string;
  net_id: string;
  is_producer: boolean;
  status: string;
  online: boolean;
  votes: number;
}

/** GetProducerVoteInfoResponse; null when the account is no producer (IOST answers an error). */
export function getProducerVoteInfo(state: State, account: string): ProducerVoteInfoJson | null {
  const db = new ContractDB(state);
  const v = db.mget(VOTE_PRODUCER, "producerTable", account);
  if (!v || (v.t !== "j" && v.t !== "s")) return null;
  const p = JSON.parse(v.v) as Producer;
  return {
    pubkey: p.pubkey,
    loc: p.loc,
    url: p.url,
    net_id: p.netId,
    is_producer: p.isProducer,
    status: STATUS[p.status] ?? String(p.status),
    online: p.online,
    votes: dbl(optionVotes(db, voteId(db), account)),
  };
}

export interface VoterBonusJson {
  bonus: number;
  detail: Record<string, number>;
}

/** VoterBonus: claimable total and per producer (only producers with a positive earning, as IOST). */
export function getVoterBonus(state: State, voter: string): VoterBonusJson {
  let total = 0n;
  const detail: Record<string, number> = {};
  for (const e of voterEarnings(new ContractDB(state), voter)) {
    if (e.earning <= 0n) continue;
    total += e.earning;
    detail[e.option] = dbl(e.earning);
  }
  return { bonus: dbl(total), detail };
}

/** CandidateBonus: claimable (0 while the candidate has fewer than minVote votes). */
export function getCandidateBonus(state: State, account: string): { bonus: number } {
  const e = candidateEarning(new ContractDB(state), account);
  return { bonus: dbl(e > 0n ? e : 0n) };
}

export interface VoteInfoJson {
  option: string;
  votes: number;
  cleared_votes: number;
}

/**
 * An account's producer votes for getAccount's `vote_infos` (go-iost database
 * GetAccountVoteInfo): vote.iost map `u_<voteId>` <account>; votes exclude the
 * cleared part. Sorted by option (IOST iterates a Go map, so any order is IOST's).
 */
export function getVoteInfos(state: State, account: string): VoteInfoJson[] {
  const db = new ContractDB(state);
  const v = db.mget(VOTE, "u_" + voteId(db), account);
  if (!v || (v.t !== "j" && v.t !== "s")) return [];
  const u = JSON.parse(v.v) as Record<string, UserVote>;
  return Object.keys(u)
    .sort()
    .map((option) => {
      const cleared = units(u[option][2]);
      return { option, votes: dbl(units(u[option][0]) - cleared), cleared_votes: dbl(cleared) };
    });
}

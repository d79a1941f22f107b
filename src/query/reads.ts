/**
 * The RPC's state reads by name: what a shard answers to `read(name, ...args)`
 * (durable-objects/api.ts `ShardApi.read`), in IOST's JSON shapes and error
 * texts (go-iost rpc/api_service.go). A new RPC read is a function here and a
 * route in workers/rpc/; nothing between them names it.
 *
 * Each read gets the state and the time (ns) of the block it reflects (gas and
 * frozen balances depend on it), then the route's arguments.
 */
import { recordedNftHome, recordedTokenHome } from "../sharding/directory.js";
import { pledgeOrder } from "../sharding/pledges.js";
import type { State } from "../state/state.js";
import * as q from "./index.js";
import * as pob from "./pob.js";
import * as nft from "./token721.js";

/** IOST's error answer: the edge turns it into HTTP 400 {"code":2,"message":…}. */
const orError = <T>(v: T | null, error: string): T | { error: string } => (v === null ? { error } : v);

/** `v` naming the token721.iost token's home when this shard records one. */
function nftAnswer<T extends object>(s: State, sym: string, v: T): T | (T & { home: number }) {
  const home = recordedNftHome(s, sym);
  return home === undefined ? v : { ...v, home };
}

export const reads = {
  /** With `pledge_order` when its pledges span shards: the edge sorts `pledged_info` by it (sharding/pledges.ts). */
  getAccount: (s: State, time: bigint, name: string) => {
    const a = q.getAccount(s, name, time);
    const order = a && pledgeOrder(s, name);
    return orError(a && order ? { ...a, pledge_order: order } : a, "account not found");
  },
  /** getAccount's `pledged_info` entries held here, for a pledger of another shard (workers/rpc/accounts.ts). */
  getPledges: (s: State, _time: bigint, pledger: string) => q.pledgesOf(s, pledger),
  getTokenBalance: (s: State, time: bigint, account: string, token: string) => q.getTokenBalance(s, account, token, time),
  /** A system contract's balance here in smallest units: the edge sums every shard's (workers/rpc/accounts.ts). */
  getBalanceUnits: (s: State, time: bigint, account: string, token: string) => q.balanceUnits(s, account, token, time),
  /** With `home` when the token's home is recorded here (it may be another shard: the edge asks it, workers/rpc/accounts.ts). */
  getTokenInfo: (s: State, _time: bigint, symbol: string) => {
    const info = q.getTokenInfo(s, symbol);
    const home = recordedTokenHome(s, symbol);
    return orError(info && home !== undefined ? { ...info, home } : info, "token not found");
  },
  /** Where a token's supply lives when this shard records it (a token created off its symbol's shard), else null. */
  getTokenHome: (s: State, _time: bigint, symbol: string) => recordedTokenHome(s, symbol) ?? null,
  /** Where a token721.iost token's records live when this shard records it (a token created off its symbol's shard), else null. */
  getToken721Home: (s: State, _time: bigint, symbol: string) => recordedNftHome(s, symbol) ?? null,
  // With `home` when the token's home is recorded here (it may be another shard: the edge asks it, workers/rpc/accounts.ts).
  getToken721Balance: (s: State, _time: bigint, account: string, sym: string) =>
    nftAnswer(s, sym, orError(nft.getToken721Balance(s, account, sym), "account not found")),
  getToken721Owner: (s: State, _time: bigint, sym: string, id: string) =>
    nftAnswer(s, sym, orError(nft.getToken721Owner(s, sym, id), `token ${sym} ${id} not found`)),
  getToken721Metadata: (s: State, _time: bigint, sym: string, id: string) =>
    nftAnswer(s, sym, orError(nft.getToken721Metadata(s, sym, id), `token ${sym} ${id} not found`)),
  getRAMInfo: (s: State) => q.getRAMInfo(s),
  getContract: (s: State, _time: bigint, id: string) => orError(q.getContract(s, id), "contract not found"),
  getContractStorage: (s: State, _time: bigint, id: string, key: string, field: string) => q.getContractStorage(s, id, key, field),
  getContractStorageFields: (s: State, _time: bigint, id: string, key: string) => q.getContractStorageFields(s, id, key),
  getFieldAges: (s: State, _time: bigint, id: string, key: string) => q.getFieldAges(s, id, key),
  // Proof of Believability: vote_producer.iost and vote.iost keep their state on shard 0 (the consensus shard).
  getProducerVoteInfo: (s: State, _time: bigint, account: string) => orError(pob.getProducerVoteInfo(s, account), "can't get producer vote info"),
  /** getAccount's `vote_infos`: [{option, votes, cleared_votes}]. */
  getVoteInfos: (s: State, _time: bigint, account: string) => pob.getVoteInfos(s, account),
  getVoterBonus: (s: State, _time: bigint, voter: string) => pob.getVoterBonus(s, voter),
  getCandidateBonus: (s: State, _time: bigint, account: string) => pob.getCandidateBonus(s, account),
};

export type ReadName = keyof typeof reads;

/** A read's arguments after the state and time. */
export type ReadArgs<K extends ReadName> = (typeof reads)[K] extends (s: State, time: bigint, ...args: infer A) => unknown ? A : never;

/** Reads whose answers also name the block they reflect ({block_hash, block_number}), as IOST's storage reads do. */
export const namesBlock: ReadonlySet<ReadName> = new Set<ReadName>(["getContractStorage", "getContractStorageFields", "getFieldAges"]);

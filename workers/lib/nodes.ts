/**
 * Addressing the node's Durable Objects (docs/SHARDING.md "Placement"): shard `shard-<i>`
 * holds the accounts placed on it by src/sharding/placement.ts; one
 * coordinator named `coordinator`.
 */
import { isRpcError, type CoordinatorApi, type ShardApi } from "../../durable-objects/api";
import { locationHint, stubOf } from "../../durable-objects/config";
import { holdsOf, positiveInt } from "../../durable-objects/config";
import { headMemo, memoOwner } from "./cache";
import { RpcFailure } from "./errors";
import { CONSENSUS_SHARD, isConsensusTokenKey, keyAccount, nftKeySymbol, nftShard, placedByName, shardOf, tokenShard } from "../../src/sharding/placement";
import { placedContract } from "../../src/sharding/reads";
import { basicKey, mapIndexKey, mapKey } from "../../src/state/storage";
import type { Env } from "../env";
import { objectCall, objectWait } from "./usage";

/** SHARD_COUNT, parsed as the Durable Objects parse it (durable-objects/env.ts). */
export function shardCount(env: Env): number {
  const n = Number(env.SHARD_COUNT);
  return env.SHARD_COUNT !== undefined && Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * A stub that counts its calls into the request's meter: each is a subrequest of the
 * Worker's request (50 on the Free plan, 1,000 on Paid) and a billed object request.
 */
function metered<T extends object>(env: Env, stub: T): T {
  if (env.meter === undefined) return stub;
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function" || prop === "then") return value;
      return (...args: unknown[]) => {
        objectCall(env);
        return objectWait(env, Reflect.apply(value, target, args)); // not value.apply: an RPC method would send "apply" as a call
      };
    },
  });
}

/** Shard `index`'s object; refused on a node that does not hold it (durable-objects/env.ts `holdsOf`), so it is never created there. */
export function shard(env: Env, index: number): ShardApi {
  const held = holdsOf(env);
  if (held !== null && !held.includes(index)) throw new RpcFailure(unappliedError(env, index));
  return metered(env, stubOf(env.SHARD, `shard-${index}`, locationHint(env)));
}

/**
 * Whether this node's object of shard `index` applies the chain: every shard with one group; with
 * more, not on a node holding part of the shards (`holdsOf`) nor a producer whose rotation dropped
 * it, which the coordinator says (`appliedShards`), asked once per HEAD_MEMO_MS per isolate
 * whatever the reads: with one group or `holdsOf` no request.
 */
export async function applies(env: Env, index: number): Promise<boolean> {
  const held = holdsOf(env);
  if (held !== null) return held.includes(index);
  if (positiveInt(env.SHARD_GROUPS?.trim(), 1) === 1) return true;
  const applied = (await headMemo.get(memoOwner(env), "appliedShards", Date.now(), () => coordinator(env).appliedShards())) as number[] | null;
  return applied === null || applied.includes(index);
}

/** Why a request about shard `index` is refused on a node whose objects do not apply it: one holding part of the shards, or a producer's. */
export function unappliedError(env: Env, index: number): string {
  const held = holdsOf(env);
  if (held !== null) return `shard ${index} is not held by this node (it holds ${held.join(", ")})`;
  return `shard ${index} is not applied on this node: its producers' groups do not hold it now`;
}

/** For each shard index, whether this node's objects apply it (`applies`). */
export function appliedMask(env: Env): Promise<boolean[]> {
  return Promise.all(Array.from({ length: shardCount(env) }, (_, i) => applies(env, i)));
}

/**
 * Whether `answer` is that of a shard object holding no chain to answer from (durable-objects/shard/shard.ts
 * `unready`): dropped by rotation since the edge last asked, or syncing its state; a peer is asked instead.
 */
export function unreadyHere(answer: unknown): boolean {
  return isRpcError(answer) && /^shard-[0-9]+ (holds nothing on this node \(dropped|is syncing its state from peers)/.test(answer.error);
}

/** Home shard of an account (or of a contract placed with its deployer). */
export function homeShard(env: Env, account: string): ShardApi {
  return shard(env, shardOf(account, shardCount(env)));
}

/** Where an id's balances live: an account's home, or a contract's shard (through the directory). */
export function accountShardIndex(env: Env, id: string): Promise<number> | number {
  return placedByName(id) ? shardOf(id, shardCount(env)) : contractHomeIndex(env, id);
}

/**
 * The shard of a contract's code and storage. System contracts (`*.iost`) run
 * on every shard with their global state on shard 0 (Proof of Believability's
 * run there only); a user contract lives
 * where it was deployed, which every shard's directory (src/sharding/directory.ts)
 * can tell, so shard 0 is asked.
 */
export async function contractHomeIndex(env: Env, contract: string): Promise<number> {
  if (shardCount(env) === 1 || !contract.startsWith("Contract")) return 0;
  return (await shard(env, 0).contractShard(contract)) ?? 0;
}

export async function contractHome(env: Env, contract: string): Promise<ShardApi> {
  return shard(env, await contractHomeIndex(env, contract));
}

/**
 * The shard holding a contract storage entry (or a map's field list): its account's for account-keyed
 * system storage (balances, permissions, gas, RAM), else the contract's own shard (`home`: its index, if known).
 */
export async function storageShardIndex(env: Env, contract: string, key: string, field: string | null, home?: Promise<number>): Promise<number> {
  // field "": a simple value; null: a map's field list; else a map value.
  const raw = field === null ? mapIndexKey(contract, key) : field === "" ? basicKey(contract, key) : mapKey(contract, key, field);
  const account = keyAccount(raw);
  // Every account's `contribute` lives on the consensus shard (src/sharding/placement.ts).
  if (account !== null && isConsensusTokenKey(raw)) return CONSENSUS_SHARD;
  // A token's definition and supply (`TI<sym>`) live on its home: its symbol's shard, or the shard the symbol's
  // shard names (a token a contract created there); the others hold a copy without the supply.
  const token = contract === "token.iost" && key.startsWith("TI") ? tokenShard(key.slice(2), shardCount(env)) : null;
  if (token !== null) return ((await shard(env, token).read("getTokenHome", key.slice(2))) as number | null) ?? token;
  // Every record of a token721.iost token lives on its home: its symbol's shard, or the one that shard names.
  const nft = contract === "token721.iost" ? nftKeySymbol(key, field) : null;
  if (nft !== null) return nftHomeIndex(env, nft);
  // A contract's owner record (system.iost `contract_owner`) is written where the contract was deployed.
  const owned = placedContract(raw);
  if (owned !== null && owned !== contract) return contractHomeIndex(env, owned);
  if (account === null) return home ?? contractHomeIndex(env, contract);
  // A contract's balance (`TB<Contract…>`) lives with the contract, not with token.iost's global state.
  return placedByName(account) ? shardOf(account, shardCount(env)) : contractHomeIndex(env, account);
}

/**
 * The shard keeping a token721.iost token's records: its symbol's shard, or the contract's shard that created it
 * off that one, which the symbol's shard names (one more object call).
 */
export async function nftHomeIndex(env: Env, sym: string): Promise<number> {
  const at = nftShard(sym, shardCount(env));
  return ((await shard(env, at).read("getToken721Home", sym)) as number | null) ?? at;
}

export async function storageShard(env: Env, contract: string, key: string, field: string | null): Promise<ShardApi> {
  return shard(env, await storageShardIndex(env, contract, key, field));
}

/** The indexes of the shards this node holds: every one but on a node holding part of them. */
export function heldShards(env: Env): number[] {
  return holdsOf(env) ?? Array.from({ length: shardCount(env) }, (_, i) => i);
}

/** The shards this node holds (`heldShards`). */
export function allShards(env: Env): ShardApi[] {
  return heldShards(env).map((i) => shard(env, i));
}

export function coordinator(env: Env): CoordinatorApi {
  return metered(env, stubOf(env.COORDINATOR, "coordinator", locationHint(env)));
}

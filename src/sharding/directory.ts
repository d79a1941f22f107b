/**
 * The directories (docs/SHARDING.md "Contracts", "Accounts"): a user contract lives
 * on the shard that ran its setCode (its deployer's, docs/SHARDING.md "Placement"), but its
 * id (`Contract` + tx hash) does not say which. The deploying chunk sends a
 * `register` receipt to every other shard; each applies it in the next block
 * (exactly once, like every receipt) as one state key, so any shard answers
 * "where does X live" from its own state, deterministically, with no lookup
 * across shards while a tx runs. The deploying shard itself needs no entry: the
 * contract is in its state. Accounts are placed by their name, but whether
 * one exists is known only on its shard: its signUp sends the same `register`
 * receipt, so a transfer to an account of another shard fails at once, as on
 * one shard, when the account does not exist. The entry is the account's
 * auth.iost record as its shard stores it, and every change of that record
 * sends it again: a tx co-signed by an account of another shard checks the
 * signer's permissions here exactly as one shard does (host.ts readAuth).
 */
import type { State } from "../state/state.js";
import { ageIn, basicKey, decodeValue, encodeValue, int, withAge } from "../state/storage.js";
import type { CrossReceipt } from "./receipts.js";
import { CONSENSUS_SHARD, DOMAIN_CONTRACT, nftShard, placedByName, POB_CONTRACTS, RAM_CONTRACT, RAM_MARKET_APIS, shardOf, tokenShard } from "./placement.js";

/**
 * The names of the directory's keys in system.iost's storage, in byte order. One shard has none of them, so no
 * contract's read and no RPC answer shows them (host.ts globalGet, query getContractStorage and listStorage).
 */
export const DIRECTORY_KEYS = ["account_shard_", "contract_shard_", "token721_shard_", "token_shard_"] as const;

/** Whether `contract`'s simple key `key` is a directory entry, which only N > 1 shards keep. */
export const isDirectoryEntry = (contract: string, key: string): boolean => contract === "system.iost" && DIRECTORY_KEYS.some((p) => key.startsWith(p));

/** A basic key per contract (not a map: a map's field index would grow with every deployment). */
const entryKey = (id: string) => basicKey("system.iost", "contract_shard_" + id);

/**
 * The shard a user contract lives on when that is not this one (from the
 * directory), else null. Proof of Believability's system contracts and domain.iost
 * live on the consensus shard (placement.ts POB_CONTRACTS, DOMAIN_CONTRACT), and so
 * does ram.iost's market: its action `api` trading RAM runs there (RAM_MARKET_APIS).
 */
export function remoteContractShard(state: State, shard: { index: number; count: number } | undefined, id: string, api?: string): number | null {
  if (!shard || shard.count === 1) return null;
  const consensus = POB_CONTRACTS.has(id) || id === DOMAIN_CONTRACT || (id === RAM_CONTRACT && api !== undefined && RAM_MARKET_APIS.has(api));
  if (consensus) return shard.index === CONSENSUS_SHARD ? null : CONSENSUS_SHARD;
  if (!id.startsWith("Contract")) return null;
  const v = decodeValue(state.get(entryKey(id)));
  return v && v.value.t === "i" ? Number(v.value.v) : null;
}

/** A basic key per account of another shard that exists (its value: the account's auth.iost record, raw). */
const accountKey = (name: string) => basicKey("system.iost", "account_shard_" + name);

/** Whether an account placed on another shard exists (it was created there at least a block ago). */
export function knownAccount(state: State, name: string): boolean {
  return state.get(accountKey(name)) !== undefined;
}

/** The directory entry of an account: its auth.iost record as stored on its shard (`register` receipts, the genesis split). */
export function accountEntry(name: string, auth: string): [key: string, value: string] {
  return [accountKey(name), auth];
}

/**
 * An account's auth.iost record (raw, as its shard stores it) when the account
 * is placed on another shard than `shard`: the copy its last change sent here,
 * a block old at most (undefined: none yet).
 */
export function remoteAuth(state: State, shard: { index: number; count: number } | undefined, name: string): string | undefined {
  if (!shard || shard.count === 1 || !placedByName(name) || shardOf(name, shard.count) === shard.index) return undefined;
  return state.get(accountKey(name));
}

/** A `register` receipt on its target: the directory entry (no RAM: the deployer or the account paid at home). */
export function applyRegister(state: State, r: CrossReceipt): void {
  const key = r.account.startsWith("Contract") ? entryKey(r.account) : accountKey(r.account);
  const value = r.account.startsWith("Contract") ? encodeValue(int(BigInt(r.fromShard)), "") : r.auth!;
  // The entry keeps its creator's age (storage.ts withAge), the first register's: a later one is a change of permissions.
  const old = state.get(key);
  const made = old === undefined ? (r.at !== undefined && r.ord !== undefined ? ([r.at, r.ord] as const) : null) : ageIn(old);
  state.put(key, made === null ? value : withAge(value, made));
}

/**
 * A `register` receipt from shard `from` to `to`: `account`'s directory entry there (an account's record `auth` as
 * stored, without its age; none for a contract), with its tx's age (`at`, `ord`: a waiter older than it reads the
 * name absent, as one chain ran it first: sharding/asks.ts).
 */
export function registerOf(
  id: string,
  txHash: string,
  [from, to]: [number, number],
  account: string,
  counterpart: string,
  age: { at?: string; ord?: string },
  auth?: string,
): CrossReceipt {
  return {
    id,
    kind: "register",
    txHash,
    fromShard: from,
    toShard: to,
    token: "",
    account,
    counterpart,
    amount: "0",
    message: "",
    ...(age.at !== undefined ? { at: age.at } : {}),
    ...(age.ord !== undefined ? { ord: age.ord } : {}),
    ...(auth === undefined ? {} : { auth }),
  };
}

/** A token's announce (`token` receipt) on its target: the definition as its shard wrote it (payer and all), never its supply, and where it lives. */
export function applyToken(state: State, r: CrossReceipt): void {
  knowToken(state, r.def!, r.token, r.home, r.account === "token721.iost");
}

/** Token `sym`'s definition `def` (raw key → raw value) copied here, and its home when it has one of its own (`home`). */
export function knowToken(state: State, def: Record<string, string>, sym: string, home: number | undefined, nft: boolean): void {
  for (const [key, raw] of Object.entries(def)) state.put(key, raw);
  if (home !== undefined) (nft ? setNftHome : setTokenHome)(state, sym, home);
}

/**
 * A token created inside a contract of another shard than its symbol's lives on that shard, its home
 * (docs/SHARDING.md "Tokens across shards"): a basic key per such token, on its home and, once the
 * symbol's shard granted it, on every shard. Absent: the token lives on its symbol's shard.
 */
const homeKey = (sym: string) => basicKey("system.iost", "token_shard_" + sym);

/** A token's home as recorded here (its creator and every shard its symbol's shard told), else undefined. */
export function recordedTokenHome(state: State, sym: string): number | undefined {
  const v = decodeValue(state.get(homeKey(sym)));
  return v && v.value.t === "i" ? Number(v.value.v) : undefined;
}

/** The shard that keeps a token's supply (its home), or null for the RAM token (per shard). */
export function tokenHome(state: State, count: number, sym: string): number | null {
  return recordedTokenHome(state, sym) ?? tokenShard(sym, count);
}

/** Records a token's home (no RAM: one shard keeps no such record). */
export function setTokenHome(state: State, sym: string, home: number): void {
  state.put(homeKey(sym), encodeValue(int(BigInt(home)), ""));
}

/**
 * A token721.iost token created inside a contract off its symbol's shard lives on the contract's shard, as a
 * token.iost one does, under token721.iost's own namespace of symbols (go-iost vm/native/token721.go keeps its
 * tokens apart from token.iost's): its own basic key per such token, on its home and every shard told.
 */
const nftHomeKey = (sym: string) => basicKey("system.iost", "token721_shard_" + sym);

/** A token721.iost token's home as recorded here, else undefined. */
export function recordedNftHome(state: State, sym: string): number | undefined {
  const v = decodeValue(state.get(nftHomeKey(sym)));
  return v && v.value.t === "i" ? Number(v.value.v) : undefined;
}

/** The shard that keeps every record of a token721.iost token: its recorded home, else its symbol's shard. */
export function nftHome(state: State, count: number, sym: string): number {
  return recordedNftHome(state, sym) ?? nftShard(sym, count);
}

/** Records a token721.iost token's home (no RAM, as setTokenHome). */
export function setNftHome(state: State, sym: string, home: number): void {
  state.put(nftHomeKey(sym), encodeValue(int(BigInt(home)), ""));
}

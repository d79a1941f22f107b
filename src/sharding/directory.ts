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
 * one shard, when the account does not exist.
 */
import type { State } from "../state/state.js";
import { basicKey, decodeValue, encodeValue, int } from "../state/storage.js";
import type { CrossReceipt } from "./receipts.js";
import { CONSENSUS_SHARD, POB_CONTRACTS } from "./placement.js";

/** A basic key per contract (not a map: a map's field index would grow with every deployment). */
const entryKey = (id: string) => basicKey("system.iost", "contract_shard_" + id);

/**
 * The shard a user contract lives on when that is not this one (from the
 * directory), else null. Proof of Believability's system contracts live on the
 * consensus shard (placement.ts POB_CONTRACTS).
 */
export function remoteContractShard(state: State, shard: { index: number; count: number } | undefined, id: string): number | null {
  if (!shard || shard.count === 1) return null;
  if (POB_CONTRACTS.has(id)) return shard.index === CONSENSUS_SHARD ? null : CONSENSUS_SHARD;
  if (!id.startsWith("Contract")) return null;
  const v = decodeValue(state.get(entryKey(id)));
  return v && v.value.t === "i" ? Number(v.value.v) : null;
}

/** A basic key per account of another shard that exists (its value: that shard). */
const accountKey = (name: string) => basicKey("system.iost", "account_shard_" + name);

/** Whether an account placed on another shard exists (it was created there at least a block ago). */
export function knownAccount(state: State, name: string): boolean {
  return state.get(accountKey(name)) !== undefined;
}

/** The directory entry of an account of shard `at`: its `register` receipt, or the genesis split for genesis accounts. */
export function accountEntry(name: string, at: number): [key: string, value: string] {
  return [accountKey(name), encodeValue(int(BigInt(at)), "")];
}

/** A `register` receipt on its target: the directory entry (no RAM: the deployer or the new account paid at home). */
export function applyRegister(state: State, r: CrossReceipt): void {
  if (!r.account.startsWith("Contract")) state.put(...accountEntry(r.account, r.fromShard));
  else state.put(entryKey(r.account), encodeValue(int(BigInt(r.fromShard)), ""));
}

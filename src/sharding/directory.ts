/**
 * The contract directory (docs/SHARDING.md "Contracts"): a user contract lives
 * on the shard that ran its setCode (its deployer's, docs/SHARDING.md "Placement"), but its
 * id (`Contract` + tx hash) does not say which. The deploying chunk sends a
 * `register` receipt to every other shard; each applies it in the next block
 * (exactly once, like every receipt) as one state key, so any shard answers
 * "where does X live" from its own state, deterministically, with no lookup
 * across shards while a tx runs. The deploying shard itself needs no entry: the
 * contract is in its state.
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

/** A `register` receipt on its target: the directory entry (no RAM: the deployer paid for the contract at home). */
export function applyRegister(state: State, r: CrossReceipt): void {
  state.put(entryKey(r.account), encodeValue(int(BigInt(r.fromShard)), ""));
}

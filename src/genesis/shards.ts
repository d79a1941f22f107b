/**
 * Each shard's part of the genesis state. Genesis runs once, as on one shard
 * (IOST's steps, in IOST's order), and its writes are split:
 * - keys of an account go to the account's shard;
 * - balances and other account keys of system contracts (`*.iost`) go to
 *   shard 0, so every token is counted exactly once; so do all `contribute`
 *   balances (bonus.iost's token, kept on the consensus shard);
 * - global state (token info, admin ids, map indexes) is copied to every
 *   shard: system contracts run on every shard (docs/SHARDING.md);
 * - the RAM market (ram.iost's globals and balances) is on the consensus shard
 *   only: one market for the chain (placement.ts isRamMarketKey).
 * - a system contract's balance record (gas.iost's iost) is kept on shard 0
 *   with its balance and created at 0 on every other shard: a pledge there
 *   then updates an existing record, whose RAM and gas are one shard's
 *   (creating it would charge token.iost RAM that one chain never pays).
 * - a pledger with pledges for users of other shards gets its map's order
 *   (sharding/pledges.ts) on its own shard.
 * With one shard this is exactly the unsplit genesis.
 */
import { applyGenesis, type GenesisConfig } from "./index.js";
import { MemoryStore } from "../state/memory-store.js";
import type { Write } from "../state/state.js";
import type { Store } from "../state/store.js";
import { accountEntry } from "../sharding/directory.js";
import { pledgeOrderKey } from "../sharding/pledges.js";
import { CONSENSUS_SHARD, isConsensusTokenKey, isRamMarketKey, keyAccount, placedByName, POB_CONTRACTS, shardOf } from "../sharding/placement.js";

/** The shard that holds a genesis key, or null for every shard. */
export function genesisKeyShard(raw: string, count: number): number | null {
  if (isRamMarketKey(raw)) return CONSENSUS_SHARD;
  const acc = keyAccount(raw);
  if (acc === null) return null;
  return placedByName(acc) && !isConsensusTokenKey(raw) ? shardOf(acc, count) : 0;
}

/**
 * A system contract's balance record or its field index (`m-token.iost-TB<c>.iost[-<sym>]`),
 * copied to every shard with the balance 0 elsewhere (Proof of Believability's and ram.iost's stay on shard 0).
 */
function systemBalanceCopy(raw: string, value: string | null): string | undefined {
  const m = /^m-token\.iost-TB([a-z_]+\.iost)(-.+)?$/.exec(raw);
  if (!m || POB_CONTRACTS.has(m[1]) || value === null) return undefined;
  return m[2] === undefined ? value : value.replace(/^i\d+@/, "i0@");
}

const GAS_BALANCE = "m-token.iost-TBgas.iost-iost";

/** IOST pledged at genesis for the users of each shard (smallest units): a pledge lives with its user. */
function pledgedPerShard(writes: readonly Write[], count: number): bigint[] {
  const out = Array.from({ length: count }, () => 0n);
  for (const [key, value] of writes) {
    const user = /^m-gas\.iost-[^-]+gp-(.+)$/.exec(key)?.[1];
    const m = value === null ? null : /^f(\d+)\.(\d{8})@/.exec(value);
    if (user !== undefined && m) out[shardOf(user, count)] += BigInt(m[1] + m[2]);
  }
  return out;
}

/**
 * gas.iost's iost balance on shard `index`: what genesis pledged for that shard's users, so an
 * unpledge there (it runs with the user) is paid from the shard's own balance; shard 0 keeps the rest.
 */
function gasShare(raw: string, pledged: bigint[], index: number): string {
  const m = /^i(\d+)(@.*)$/.exec(raw);
  if (!m) throw new Error(`genesis split: unexpected value ${raw}`);
  const elsewhere = pledged.slice(1).reduce((a, b) => a + b, 0n);
  return `i${index === 0 ? BigInt(m[1]) - elsewhere : pledged[index]}${m[2]}`;
}

/** Writes shard `index`'s genesis state to `store` (the caller roots it: the shard's tree, src/state/tree.ts). */
export function applyShardGenesis(store: Store, config: GenesisConfig, index: number, count: number): void {
  const full = applyGenesis(new MemoryStore(), config);
  const pledged = pledgedPerShard(full.writes, count);
  const mine = full.writes.flatMap(([key, value]): Write[] => {
    if (key === GAS_BALANCE && value !== null && count > 1) return [[key, gasShare(value, pledged, index)]];
    const at = genesisKeyShard(key, count);
    if (at === null || at === index) return [[key, value]];
    if (isRamMarketKey(key)) return [];
    const copy = systemBalanceCopy(key, value);
    return copy === undefined ? [] : [[key, copy]];
  });
  // Every account of another shard is in this shard's account directory (sharding/directory.ts), as its signUp would have announced it.
  if (count > 1)
    for (const [key, value] of full.writes) {
      const acc = /^m-auth\.iost-auth-(.+)$/.exec(key)?.[1];
      if (acc !== undefined && value !== null && shardOf(acc, count) !== index) mine.push(accountEntry(acc, value));
    }
  // A genesis pledger with pledges on other shards keeps their one-shard order (sharding/pledges.ts): its map's index as genesis left it.
  if (count > 1) {
    const maps = new Map<string, string | null>();
    for (const [key, value] of full.writes) {
      const pledger = /^m-gas\.iost-([^-]+)gp$/.exec(key)?.[1];
      if (pledger !== undefined) maps.set(pledger, value);
    }
    for (const [pledger, value] of maps) {
      const users = value === null ? [] : value.split("@").slice(1);
      if (shardOf(pledger, count) === index && users.some((u) => shardOf(u, count) !== index)) mine.push([pledgeOrderKey(pledger), value]);
    }
  }
  for (const [key, value] of mine) {
    if (value !== null) store.put(key, value);
  }
}

/**
 * Storage entries that N shards keep in parts, and how one shard's value is
 * made of them (docs/SHARDING.md "Where global state lives"). The edge reads
 * each part and merges them, so getContractStorage, getContractStorageFields,
 * getBatchContractStorage and listContractStorage answer as one shard does:
 * - a system contract's balance (token.iost `TB<x>.iost` field `<sym>`): a
 *   pledge on shard k moves IOST into gas.iost's record on shard k, so one
 *   shard's balance is the sum of every shard's;
 * - its frozen balances (`TF<x>.iost`): every shard's items, in Go's order
 *   (time, then amount), as one list holds them;
 * - the field index of an account's token maps (`TB<acc>`, `TF<acc>`): the
 *   account's home lists its tokens, the consensus shard its `contribute`
 *   (a system contract's: every shard its own), fields in that order; the
 *   home lists `contribute` too, where one shard does, from the block after
 *   the account's first (contracts/token.ts listAtHome);
 * - the field index of a pledger's pledges (gas.iost `<pledger>gp`): each
 *   shard indexes its own users, and the pledger's shard keeps the one-shard
 *   order of all of them (src/sharding/pledges.ts), which its read answers;
 * - auth.iost's account index (`auth`), system.iost's of contract owners
 *   (`contract_owner`) and token721.iost's of a holder's symbols
 *   (`T721B<holder>`): sharding/aged.ts.
 */
import { compareFreeze, freezeListJson, parseFreezeList } from "../contracts/freeze.js";
import { CONSENSUS_SHARD, placedByName, shardOf } from "../sharding/placement.js";

/** The shards holding parts of a value, and how their values make one. */
export type ValueParts = { shards: number[]; merge: "sum" | "freezes" };

const every = (count: number) => Array.from({ length: count }, (_, i) => i);

/** Whether a key is a system contract's token map (`TB<x>.iost`, `TF<x>.iost`). */
const systemTokenMap = (contract: string, key: string) => contract === "token.iost" && /^T[BF].+\.iost$/.test(key);

/** The parts of `contract`'s value `key` (`field`: "" a simple value, else a map's) on `count` shards; null when one holds it whole. */
export function valueParts(contract: string, key: string, field: string, count: number): ValueParts | null {
  if (count === 1 || field === "" || !systemTokenMap(contract, key)) return null;
  return { shards: every(count), merge: key[1] === "B" ? "sum" : "freezes" };
}

/**
 * The shards holding parts of `contract`'s map `key`'s field index on `count` shards, the one whose order leads first;
 * null when one holds it whole.
 */
export function indexParts(contract: string, key: string, count: number): number[] | null {
  if (count === 1) return null;
  if (contract === "gas.iost" && key.endsWith("gp")) return [shardOf(key.slice(0, -2), count)];
  if (systemTokenMap(contract, key)) return every(count);
  if (contract !== "token.iost" || !/^T[BF]./.test(key) || !placedByName(key.slice(2))) return null;
  const home = shardOf(key.slice(2), count);
  return home === CONSENSUS_SHARD ? null : [home, CONSENSUS_SHARD];
}

/** A value as getContractStorage shows it (`data`), made of each part's, in the parts' order; "null" when none has one. */
export function mergeData(merge: ValueParts["merge"], datas: readonly string[]): string {
  const held = datas.filter((d) => d !== "null");
  if (held.length === 0) return "null";
  if (merge === "sum") return held.reduce((sum, d) => sum + BigInt(d), 0n).toString();
  return freezeListJson(held.flatMap(parseFreezeList).sort(compareFreeze));
}

/** A field index made of each part's, in the parts' order: the first part's fields, then each further part's new ones. */
export function mergeFields(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

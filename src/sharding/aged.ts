/**
 * Field indexes that N shards keep in parts, each shard's of the fields created on it, which one shard lists
 * in the order created (docs/SHARDING.md "Where global state lives"): auth.iost's accounts (`auth`),
 * system.iost's contract owners (`contract_owner`) and a holder's token721.iost symbols (`T721B<holder>`). The
 * order is that of the ages the fields' records start with (storage.ts withAge): an account's auth record, a
 * contract's code, a holder's count of a symbol. The edge merges every shard's
 * (workers/rpc/contracts.ts), and so does a contract's storage.globalMapKeys (executor/guard.ts), which asks
 * each shard for its part by a key of its own (`agedKey`).
 */
import { type Age, older } from "./age.js";
import { ageIn, contractKey, hopIn, mapIndexKey, mapKey, MAX_INDEXED } from "../state/storage.js";

/**
 * Whether `contract`'s map `key` is indexed on each of `count` shards by the fields created there, merged by their ages
 * (mergeByAge): names, and a holder's token721.iost symbols (`T721B<holder>`), each indexed on its token's home.
 */
export const byAge = (contract: string, key: string, count: number): boolean =>
  count > 1 &&
  ((contract === "auth.iost" && key === "auth") ||
    (contract === "system.iost" && key === "contract_owner") ||
    (contract === "token721.iost" && key.startsWith("T721B")));

/** A name's creation: its creator's age and the part of the creator's chain it ran in (0: its home's, left out). */
export type Made = readonly [at: string, ord: string, hop?: number];

export type FieldAges = { fields: string[]; ages: (Made | null)[] };

/** The record whose age tells when a name of the index was created: a contract's code (vm/contract.ts), else the field's own. */
const agedRecord = (contract: string, key: string, field: string) => (contract === "system.iost" ? contractKey(field) : mapKey(contract, key, field));

/** A shard's part of an index merged by age: its fields (read by `get`), each with its record's age (null: none, genesis's). */
export function fieldAges(get: (key: string) => string | undefined, contract: string, key: string): FieldAges {
  const fields = (get(mapIndexKey(contract, key)) ?? "").split("@").slice(1);
  return { fields, ages: fields.map((f) => made(get(agedRecord(contract, key, f)))) };
}

/** The creation a record starts with (storage.ts withAge), null for none. */
function made(raw: string | undefined): Made | null {
  const age = ageIn(raw);
  const hop = hopIn(raw);
  return age === null ? null : hop > 0 ? [...age, hop] : age;
}

/**
 * One index of each shard's fields and their ages (fieldAges), in the order of the ages: none (genesis's) first, in
 * the lists' order; cut where one shard's index stops growing. Two names one tx created on two shards share an age:
 * the part of its chain each ran in orders them, as its actions ran on one shard.
 */
export function mergeByAge(lists: readonly { fields: readonly string[]; ages: readonly (Made | null)[] }[]): string[] {
  const all = lists.flatMap((l) => l.fields.map((field, i) => ({ field, age: l.ages[i] ?? null })));
  // Array sort is stable: equal ages keep the lists' order.
  all.sort((a, b) => byCreation(a.age, b.age));
  return [...new Set(all.map((e) => e.field))].slice(0, MAX_INDEXED);
}

/** Creation order of two names: none (genesis's) first, then the older, then the earlier part of one tx; 0 for equals. */
function byCreation(a: Made | null, b: Made | null): number {
  if (a === null || b === null) return (a === null ? 0 : 1) - (b === null ? 0 : 1);
  const [x, y]: [Age, Age] = [
    [a[0], a[1]],
    [b[0], b[1]],
  ];
  if (older(x, y)) return -1;
  return older(y, x) ? 1 : (a[2] ?? 0) - (b[2] ?? 0);
}

/** The key a run asks shard `shard` by for its part of `contract`'s index `key` (answered with its fieldAges, as JSON). */
export const agedKey = (shard: number, contract: string, key: string) => `x-aged-${shard}-${contract}-${key}`;

/** What an agedKey names, else null. */
export function agedOf(raw: string): { shard: number; contract: string; key: string } | null {
  const m = /^x-aged-(\d{1,3})-([^-]+)-(.+)$/.exec(raw);
  return m === null ? null : { shard: Number(m[1]), contract: m[2], key: m[3] };
}

/** A shard's answer to an agedKey: its part, as JSON. */
export const agedValue = (get: (key: string) => string | undefined, contract: string, key: string): string => JSON.stringify(fieldAges(get, contract, key));

/** A part read back from its answer (agedValue); a part that is not one (a lying shard) reads as none. */
export function agedPart(raw: string | undefined): FieldAges {
  try {
    const p = JSON.parse(raw ?? "") as FieldAges;
    const isAge = (a: unknown) =>
      a === null ||
      (Array.isArray(a) &&
        typeof a[0] === "string" &&
        typeof a[1] === "string" &&
        (a.length === 2 || (a.length === 3 && Number.isSafeInteger(a[2]) && a[2] > 0)));
    if (
      Array.isArray(p.fields) &&
      Array.isArray(p.ages) &&
      p.fields.length === p.ages.length &&
      p.fields.every((f) => typeof f === "string") &&
      p.ages.every(isAge)
    )
      return p;
  } catch {}
  return { fields: [], ages: [] };
}

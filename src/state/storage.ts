/**
 * Contract storage in IOST's layout (go-iost vm/database: map_handler.go,
 * basic_handler.go, serializer.go), over a State. See docs/STATE.md.
 *
 * Raw keys:  `b-<contract>-<key>` simple values, `m-<contract>-<key>-<field>` map
 * values, `m-<contract>-<key>` the map's field index `@f1@f2…` (not grown past
 * 256 '@'), `m-<contract>-<key>@` = "1" once a field was deleted (Go's marker).
 *
 * Raw values: a type prefix, the payload, '@', the RAM payer:
 *   s<string>@p   i<int64 as decimal text>@p   b<t|f>@p   j<json>@p   f<decimal, full scale>@p
 * Deviation from Go, byte-wise: Go writes int64 as 8 raw little-endian bytes and
 * decimals as 8+4 raw bytes; we write decimal text so stores stay valid UTF-8
 * text. RAM and gas are computed from Go's byte lengths (`ramLength`), so the
 * amounts charged are IOST's.
 */
import { Decimal } from "../amount.js";
import type { State } from "./state.js";

export type Value = { t: "s"; v: string } | { t: "i"; v: bigint } | { t: "b"; v: boolean } | { t: "j"; v: string } | { t: "f"; v: Decimal };

export const str = (v: string): Value => ({ t: "s", v });
export const int = (v: bigint): Value => ({ t: "i", v });
export const bool = (v: boolean): Value => ({ t: "b", v });
export const json = (v: string): Value => ({ t: "j", v });
export const fixed = (v: Decimal): Value => ({ t: "f", v });

const encoder = new TextEncoder();
export function byteLength(s: string): number {
  // Fast path for ASCII.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return encoder.encode(s).length;
  return s.length;
}

export function encodeValue(value: Value, payer: string): string {
  switch (value.t) {
    case "s":
      return "s" + value.v + "@" + payer;
    case "i":
      return "i" + value.v.toString() + "@" + payer;
    case "b":
      return "b" + (value.v ? "t" : "f") + "@" + payer;
    case "j":
      return "j" + value.v + "@" + payer;
    case "f":
      return "f" + value.v.toFullScale() + "@" + payer;
  }
}

export interface Decoded {
  value: Value;
  payer: string;
  /** Its ramLength, once asked: every read of the same raw text shares this object (decodeValue). */
  ram?: number;
}

/**
 * Decoded values by their exact raw text: a transfer decodes the same records (balances, gas,
 * token info) several times — its read, its write's RAM, the old payer — and the BigInt or
 * decimal parse was most of a read. The same text always decodes the same, and callers only read
 * what they get. Values up to DECODED_MAX chars, at most DECODED_CHARS held; full, it starts over.
 */
const decoded = new Map<string, Decoded>();
const DECODED_MAX = 1024;
const DECODED_CHARS = 1_000_000;
let decodedChars = 0;

/**
 * A name's records with several shards (its auth.iost record or contract code on its shard, its directory entry on the
 * others: docs/SHARDING.md, the order in a block at its top) start with its creator's age, `a<height>/<pool key>/`, which no
 * contract, RPC answer, RAM or gas sees: one chain keeps none. A pool key has no '/' (src/pool poolOrder).
 */
export function withAge(raw: string, [at, ord]: readonly [string, string], hop = 0): string {
  return `a${at}/${ord}${hop > 0 ? `:${hop}` : ""}/${raw}`;
}

/** The creator's age a record starts with (withAge), or null: none with one shard, at genesis or before ages were kept. */
export function ageIn(raw: string | undefined): [at: string, ord: string] | null {
  const age = agePrefix(raw);
  if (age === null) return null;
  const k = age[1].indexOf(":");
  return [age[0], k < 0 ? age[1] : age[1].slice(0, k)];
}

/** The two fields of the age a record starts with (withAge): its height, and its pool key with any `:<hop>`. */
function agePrefix(raw: string | undefined): [at: string, ordHop: string] | null {
  if (raw === undefined || raw[0] !== "a") return null;
  const i = raw.indexOf("/");
  return [raw.slice(1, i), raw.slice(i + 1, raw.indexOf("/", i + 1))];
}

/**
 * The part of its tx's chain an account's or a contract's record was created in (withAge `hop`, `a<height>/<pool
 * key>:<hop>/`; 0: the home's run, or none): two names one tx creates on two shards share its age, and one shard's
 * index lists them in the order its actions ran (sharding/aged.ts). A pool key has no ':'.
 */
export function hopIn(raw: string | undefined): number {
  const ordHop = agePrefix(raw)?.[1] ?? "";
  const k = ordHop.indexOf(":");
  return k < 0 ? 0 : Number(ordHop.slice(k + 1));
}

/** Most fields a map's index lists (Go's map_handler.go: past 256 '@' it no longer grows). */
export const MAX_INDEXED = 257;

/** A map's index (`@f1@f2…`, undefined: none) with `fields` it lacks appended in order, as new fields join it; cut at MAX_INDEXED. */
export function withFields(index: string | undefined, fields: readonly string[]): string | undefined {
  const listed = (index ?? "").split("@").slice(1);
  const added = [...new Set(fields)].filter((f) => !listed.includes(f));
  if (added.length === 0) return index;
  return [...listed, ...added]
    .slice(0, MAX_INDEXED)
    .map((f) => "@" + f)
    .join("");
}

/** A record without its creator's age (withAge). */
export function withoutAge(raw: string): string {
  return raw[0] === "a" ? raw.slice(raw.indexOf("/", raw.indexOf("/") + 1) + 1) : raw;
}

/** Parse a raw value; undefined for a missing one. The payer follows the last '@' (as Go). */
export function decodeValue(raw: string | undefined): Decoded | undefined {
  if (raw === undefined || raw === "n") return undefined;
  if (raw[0] === "a") return decodeValue(withoutAge(raw));
  const known = decoded.get(raw);
  if (known !== undefined) return known;
  const d = parseValue(raw);
  if (raw.length <= DECODED_MAX) {
    if (decodedChars + raw.length > DECODED_CHARS) {
      decoded.clear();
      decodedChars = 0;
    }
    decoded.set(raw, d);
    decodedChars += raw.length;
  }
  return d;
}

function parseValue(raw: string): Decoded {
  const at = raw.lastIndexOf("@");
  const body = at < 0 ? raw : raw.slice(0, at);
  const payer = at < 0 ? "" : raw.slice(at + 1);
  const payload = body.slice(1);
  // `ram` named from the start: one object shape for every decoded value wherever it is read.
  switch (body[0]) {
    case "s":
      return { value: str(payload), payer, ram: undefined };
    case "i":
      return { value: int(BigInt(payload)), payer, ram: undefined };
    case "b":
      return { value: bool(payload === "t"), payer, ram: undefined };
    case "j":
      return { value: json(payload), payer, ram: undefined };
    case "f":
      return { value: fixed(Decimal.fromFullScale(payload)), payer, ram: undefined };
  }
  throw new Error("invalid stored value: " + raw);
}

/** Length in bytes of Go's serialization of this raw value (what RAM and Put gas are computed from). */
export function ramLength(raw: string | undefined): number {
  if (raw === undefined) return 1; // Go's "n"
  const d = decodeValue(raw)!;
  // A tx reads its publisher's auth record three times (prepare, and a transfer's `transfer` then `active`),
  // each read costing this length: counted once per raw text, not a walk of its ~400 chars at every read.
  return (d.ram ??= goLength(d));
}

function goLength(d: Decoded): number {
  let n: number;
  switch (d.value.t) {
    case "s":
    case "j":
      n = 1 + byteLength(d.value.v);
      break;
    case "i":
      n = 9;
      break;
    case "b":
      n = 2;
      break;
    case "f":
      n = 13;
      break;
  }
  return n + 1 + byteLength(d.payer);
}

/** How getContractStorage shows a value: strings verbatim, other types as JSON text. */
export function displayValue(v: Value | undefined): string {
  if (v === undefined) return "null";
  switch (v.t) {
    case "s":
      return v.v;
    case "i":
      return v.v.toString();
    case "b":
      return v.v ? "true" : "false";
    case "j":
      return v.v;
    case "f":
      return v.v.toString();
  }
}

/**
 * Raw keys by their parts. A tx reads the same few records several times (its gas record's four
 * keys 16 times, balances five), and a key built by concatenation is flattened and hashed again at
 * every map lookup on its way down (overlay, checkpoint log, store); a cached key is flat and keeps
 * its hash. A key is only ever its parts joined, so the cache changes no result. A query or a tx
 * may name any key: longer ones are built each time, and the cache holds at most KEY_CHARS
 * characters of keys (about as many again of their parts), then starts over.
 */
const keys = new Map<string, Map<string, string>>();
const mapKeys = new Map<string, Map<string, Map<string, string>>>();
const KEY_CACHED_MAX = 256;
const KEY_CHARS = 1_000_000;
let keyChars = 0;

/** Characters of the keys cached now. */
export const cachedKeyChars = (): number => keyChars;

/** Room for a key of `n` chars: the cache starts over when full. */
function reserve(n: number): void {
  if (keyChars + n > KEY_CHARS) {
    keys.clear();
    mapKeys.clear();
    keyChars = 0;
  }
  keyChars += n;
}

/** The same text as one flat string (V8 flattens a concatenation when it is a property name). */
const flat = (s: string): string => Object.keys({ [s]: 0 })[0];

/** `prefix + contract + "-" + key`, flat and cached when short. */
function joined(prefix: string, contract: string, key: string): string {
  if (contract.length + key.length > KEY_CACHED_MAX) return prefix + contract + "-" + key;
  const outer = prefix + contract;
  const hit = keys.get(outer)?.get(key);
  if (hit !== undefined) return hit;
  const k = flat(outer + "-" + key);
  reserve(k.length);
  let inner = keys.get(outer);
  if (inner === undefined) keys.set(outer, (inner = new Map()));
  inner.set(key, k);
  return k;
}

export const basicKey = (contract: string, key: string) => joined("b-", contract, key);
/** A deployed contract's code record (vm/contract.ts). */
export const contractKey = (id: string) => "c-" + id;
export const mapIndexKey = (contract: string, key: string) => joined("m-", contract, key);
export function mapKey(contract: string, key: string, field: string): string {
  if (contract.length + key.length + field.length > KEY_CACHED_MAX) return "m-" + contract + "-" + key + "-" + field;
  const hit = mapKeys.get(contract)?.get(key)?.get(field);
  if (hit !== undefined) return hit;
  const k = flat("m-" + contract + "-" + key + "-" + field);
  reserve(k.length);
  let byKey = mapKeys.get(contract);
  if (byKey === undefined) mapKeys.set(contract, (byKey = new Map()));
  let byField = byKey.get(key);
  if (byField === undefined) byKey.set(key, (byField = new Map()));
  byField.set(field, k);
  return k;
}

/** Visitor-level access (no gas, no RAM): Go's BasicHandler/MapHandler. `key` is `<contract>-<key>`-free: pass contract and key. */
export class ContractDB {
  constructor(readonly state: State) {}

  getRaw(contract: string, key: string): string | undefined {
    return this.state.get(basicKey(contract, key));
  }
  get(contract: string, key: string): Value | undefined {
    return decodeValue(this.getRaw(contract, key))?.value;
  }
  has(contract: string, key: string): boolean {
    return this.getRaw(contract, key) !== undefined;
  }
  putRaw(contract: string, key: string, raw: string): void {
    this.state.put(basicKey(contract, key), raw);
  }
  del(contract: string, key: string): void {
    this.state.del(basicKey(contract, key));
  }

  mgetRaw(contract: string, key: string, field: string): string | undefined {
    return this.state.get(mapKey(contract, key, field));
  }
  mget(contract: string, key: string, field: string): Value | undefined {
    return decodeValue(this.mgetRaw(contract, key, field))?.value;
  }
  mhas(contract: string, key: string, field: string): boolean {
    return this.mgetRaw(contract, key, field) !== undefined;
  }
  mputRaw(contract: string, key: string, field: string, raw: string): void {
    const fresh = !this.mhas(contract, key, field);
    const k = mapKey(contract, key, field);
    this.state.put(k, raw);
    if (fresh && this.state.indexesHere(k, mapIndexKey(contract, key))) this.addField(contract, key, field);
  }
  mkeys(contract: string, key: string): string[] {
    const s = this.state.get(mapIndexKey(contract, key));
    if (s === undefined) return [];
    return s.split("@").slice(1);
  }
  mdel(contract: string, key: string, field: string): void {
    if (!this.mhas(contract, key, field)) return;
    const k = mapKey(contract, key, field);
    this.state.del(k);
    if (this.state.indexesHere(k, mapIndexKey(contract, key))) this.delField(contract, key, field);
  }

  /** `field`, new to the map, joins its index (Go's: at MAX_INDEXED fields it no longer grows). */
  addField(contract: string, key: string, field: string): void {
    const ik = mapIndexKey(contract, key);
    const s = this.state.get(ik);
    if (s === undefined) {
      this.state.put(ik, "@" + field);
      return;
    }
    let count = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 64) count++;
    if (count >= MAX_INDEXED) return;
    this.state.put(ik, s + "@" + field);
  }

  /**
   * `field`, which joined the index by a write now undone, leaves it as if it never joined: no delete's mark, no other
   * field dropped (a failed tx's restore of a field a part of it added on another shard: executor/reads.ts `land`).
   */
  unlistField(contract: string, key: string, field: string): void {
    const ik = mapIndexKey(contract, key);
    const s = this.state.get(ik);
    if (s === undefined) return;
    const fields = s.split("@").slice(1);
    const at = fields.indexOf(field);
    if (at < 0) return;
    fields.splice(at, 1);
    if (fields.length === 0) this.state.del(ik);
    else this.state.put(ik, "@" + fields.join("@"));
  }

  /** `field`, gone from the map, leaves its index (Go's: the first delete keeps only fields that exist, and marks it). */
  delField(contract: string, key: string, field: string): void {
    const ik = mapIndexKey(contract, key);
    const s = this.state.get(ik) ?? "";
    const fixedMark = this.state.get(ik + "@");
    const fields = s === "" ? [] : s.split("@").slice(1);
    let s2 = "";
    if (fixedMark === undefined) {
      for (const f of fields) {
        if (f === field) continue;
        if (this.mhas(contract, key, f)) s2 += "@" + f;
      }
      this.state.put(ik + "@", "1");
    } else {
      for (const f of fields) if (f !== field) s2 += "@" + f;
    }
    if (s2 === "") this.state.del(ik);
    else this.state.put(ik, s2);
  }
}

/**
 * Reads inside a VM run of records another shard keeps (docs/SHARDING.md
 * "Remote state inside a contract"): token.iost's `balanceOf` and `supply`
 * and `storage.global*`, and token721.iost's reads, run "reading"
 * (`RemoteReads.armed`), and every key they read is placed (`keyShard`; a
 * user contract's, Proof of Believability's and domain.iost's storage where
 * the contract lives, a token721.iost token's records on its home). A key of another shard
 * answers from the part's overlay of fetched values, or absent and recorded
 * as missing; a run that missed any is undone and its tx (or forwarded part)
 * parked (`x-reads`, a row per part) until every shard asked answers with a `values`
 * receipt, then run again with them. The answering shard locks the keys it
 * sent until the part's `release` (`x-reading`): a tx of that shard writing
 * one waits. Bounds count the keys and bytes a run reads this way on every
 * shard count, N = 1 included, so a run over them fails alike everywhere.
 *
 * Here: the row names, the receipts and their checks; contracts/remote.ts
 * counts a run's reads, executor/guard.ts answers them, executor/incoming.ts
 * parks, answers and re-runs.
 */
import type { State } from "../state/state.js";
import { nftHome, remoteContractShard, tokenHome } from "./directory.js";
import {
  CONSENSUS_SHARD,
  DOMAIN_CONTRACT,
  isConsensusTokenKey,
  isRamMarketKey,
  keyAccount,
  RAM_MARKET_KEYS,
  RAM_TOKEN,
  nftKeySymbol,
  POB_CONTRACTS,
  placedByName,
  shardOf,
} from "./placement.js";
import { type Asking, ageOf } from "./asks.js";
import type { TxBlock } from "./forward.js";
import type { CrossReceipt } from "./receipts.js";
import { pledgeIndexRaw, pledgeOrderOwner } from "./pledges.js";
import { agedOf, agedValue } from "./aged.js";

/** The RAM token's supply, which a buy's issue (every `increaseInterval`) writes. */
const RAM_SUPPLY = `m-token.iost-TI${RAM_TOKEN}-supply`;

/** At most this many records read by balanceOf, supply, storage.global* and callees in one tx (docs/SHARDING.md, _Bounds_). */
export const MAX_READ_KEYS = 256;
/** At most this many bytes of their stored values. */
export const MAX_READ_BYTES = 65536;

/** What a tx's parts so far counted against the read bounds (Forwarded `counted`): the keys, in key order, and their bytes. */
export interface Counted {
  keys: string[];
  bytes: number;
}

/**
 * Parked txs and forwarded parts: their parts' ids, in the order they parked. Each one's Parked (its tx, up to
 * 64 KiB in base64, or its action receipt) has a row of its own (`parkedKey`): of theirs only this list grows with
 * their number (docs/SHARDING.md "The directory's wait").
 */
export const READS = "x-reads";
/** The row of parked part `part`. */
export const parkedKey = (part: string) => `${READS}-${part}`;
/** Keys this shard sent for reading, locked until released: part id → the asking shard and the keys. */
export const READING = "x-reading";

/**
 * The shard a raw key lives on when a contract reads it (placement.ts, the directory), or null for state
 * every shard keeps (system contracts' own records, token info but a supply) and for keys of no known home.
 */
export function keyShard(state: State, key: string, count: number): number | null {
  if (isRamMarketKey(key)) return CONSENSUS_SHARD;
  const pledger = pledgeOrderOwner(key);
  if (pledger !== null) return placedByName(pledger) ? shardOf(pledger, count) : null;
  const aged = agedOf(key);
  if (aged !== null) return aged.shard;
  const nft = nftKey(key);
  if (nft !== null) return nftHome(state, count, nft);
  // The RAM token's supply is the market's: ram.iost issues it there only (a trade run elsewhere fetches the market's records).
  if (key === RAM_SUPPLY) return CONSENSUS_SHARD;
  const supply = /^m-token\.iost-TI([^-]+)-supply$/.exec(key);
  if (supply) return tokenHome(state, count, supply[1]);
  const acc = keyAccount(key);
  if (acc === null) return null;
  // Proof of Believability's contracts' balances are the consensus shard's: what is sent them goes there (token.ts holderShard).
  if (isConsensusTokenKey(key) || POB_CONTRACTS.has(acc)) return CONSENSUS_SHARD;
  return placedByName(acc) ? shardOf(acc, count) : null;
}

/**
 * The token721.iost token whose home keeps a raw key (placement.ts nftKeySymbol), else null: its issuer
 * record, which every shard copies, and a holder's list of symbols (per shard) are read where the run is.
 */
export function nftKey(key: string): string | null {
  const m = /^m-token721\.iost-([^-]+)(?:-(.+))?$/.exec(key);
  return m === null || m[2] === "T721issuer" ? null : nftKeySymbol(m[1], m[2] ?? null);
}

/**
 * The contract whose own storage (or code, `c-<id>` in vm/contract.ts, or owner) a raw key is, when that lives
 * on one shard: a user contract's (`Contract…`, by the directory), Proof of Believability's and domain.iost's (the
 * consensus shard). Else null: system contracts every shard runs keep their state per shard (token.iost's
 * placed by account).
 */
export function placedContract(key: string): string | null {
  // Its code, and its owner (system.iost, written where it was deployed: whose RAM pays for its records).
  const own = /^(?:c-|m-system\.iost-contract_owner-)(Contract[^-]+)$/.exec(key);
  if (own !== null) return own[1];
  const m = /^[bm]-([^-]+)-/.exec(key);
  if (m === null) return null;
  const c = m[1];
  return c.startsWith("Contract") || POB_CONTRACTS.has(c) || c === DOMAIN_CONTRACT ? c : null;
}

/** keyShard for this shard: where a key it does not keep lives, else null (here, everywhere, or a contract of this shard). */
export function remoteKeyShard(state: State, key: string, shard: { index: number; count: number }): number | null {
  if (shard.count === 1) return null;
  const owner = placedContract(key);
  if (owner !== null) return remoteContractShard(state, shard, owner);
  const acc = keyAccount(key);
  if (acc?.startsWith("Contract")) return remoteContractShard(state, shard, acc);
  const home = keyShard(state, key, shard.count);
  return home === null || home === shard.index ? null : home;
}

/** Whether a raw key is a token.iost balance or frozen-balance record. */
export const isBalanceKey = (key: string): boolean => /^m-token\.iost-T[BF][^-]+-[^-]+$/.test(key);

/** Whether a raw key holds an amount of a token: a balance, a frozen balance, RAM in use or a supply. */
export function holdsAmount(key: string): boolean {
  return isBalanceKey(key) || /^b-ram\.iost-UR.|^m-token\.iost-TI[^-]+-supply$/.test(key);
}

/** Whether a key is placed (counted against the bounds on every shard count). */
export function isPlacedKey(key: string): boolean {
  return /^m-token\.iost-TI[^-]+-supply$/.test(key) || isRamMarketKey(key) || keyAccount(key) !== null || placedContract(key) !== null || nftKey(key) !== null;
}

/**
 * Read locks: part → the shard that asked (this one: a part parked here holding this shard's records it read,
 * executor/reads.ts holdHere), the keys sent, whether the part may write them (alone then), and its tx's age (height
 * `at`, pool key `ord`); `told`: records this shard tells the others of (an account's, a url's) that a later part of
 * the tx landed here ahead of its decision, told when its release says the tx stands (executor/reads.ts takeRelease).
 */
export type ReadLocks = Record<string, { from: number; keys: string[]; write?: true; at?: string; ord?: string; was?: IndexesWere; told?: string[] }>;

/**
 * The map indexes here that writes of a part's tx landed ahead of its decision changed (executor/reads.ts `landWrites`):
 * each index's raw row and its delete mark (`<index>@`) before the first, and the index after the last; null, absent.
 * A failed tx's restore puts both back when the index is still as they left it.
 */
export type IndexesWere = Record<string, [before: string | null, mark: string | null, after: string | null]>;

/** Every key read-locked (READING's raw row). */
export function readOwners(raw: string): Set<string> {
  return new Set(Object.values(JSON.parse(raw) as ReadLocks).flatMap((l) => l.keys));
}

/** The tx a part is of (a part is its tx's hash, or an action receipt's id: `<hash>:…`). */
export const partTx = (part: string) => part.split(":")[0];

/** Every key locked for writing (READING's raw row), with the part that holds it. */
export function writeOwners(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [part, l] of Object.entries(JSON.parse(raw) as ReadLocks)) if (l.write) for (const k of l.keys) out.set(k, part);
  return out;
}

/** A parked tx (its full bytes, base64) or forwarded part (its action receipt), and its rounds of reads. */
export interface Parked {
  /** The part: `home` for a tx at its home, else the action receipt's id. */
  part: string;
  txHash: string;
  tx?: string;
  /** With `tx`: the block it parked in, which its re-run runs in as one shard ran it there (a part's is its receipt's). */
  block?: TxBlock;
  receipt?: CrossReceipt;
  /** Which round of reads (from 1): receipt ids name it. */
  round: number;
  /** The keys asked of each shard this round (shard → keys), those not answered yet. */
  asked: Record<string, string[]>;
  /** Every value fetched so far (key → stored value, null: absent): the run's overlay. */
  values: Record<string, string | null>;
  /** Every shard that locked keys for it: each gets a `release` when it is decided. */
  locked: number[];
  /**
   * Parked for the directory (a receiver found nowhere, executor/reads.ts `waitsForDirectory`): the height
   * from which it runs again, once every shard's chunk of its tx's block has been applied here.
   */
  until?: number;
  /** Its run called a contract of another shard: it asks with write-mode reads from then on. */
  write?: true;
  /**
   * The shards of `locked` that locked its keys for writing (answered a write-mode read: the whole lock there turns
   * a writer's). Keys fetched from the others it may only read: a write of one asks its shard again, write-mode.
   */
  writers?: number[];
  /** A tx running again after a part gave way (executor/locks.ts Redo): which run (host.ts TxContext `run`). */
  run?: number;
  /**
   * A shard answered that its read waited PART_WAIT blocks for an older tx's lock: a forwarded part gives way
   * (executor/incoming.ts), a tx at home gives up its gas lock and asks anew holding nothing (executor/reads.ts giveUpGas).
   */
  gaveWay?: true;
  /**
   * The height from which its re-run has waited for an older tx's lock (a forwarded part: it gives way after PART_WAIT
   * blocks), or, at home holding records of other shards, for a name (it lets them go after NAME_WAIT blocks).
   */
  since?: number;
  /** A shard answered busy this round: it gives up every lock and starts its reads over (executor/reads.ts restart). */
  busy?: true;
  /**
   * A credit of an older tx met keys it holds (`values` marked `stale`): once its round is in it gives up every lock and
   * fetches anew a block later, after that credit landed (executor/reads.ts staleReaders).
   */
  stale?: true;
  /** A tx at home: the names it noted pending when it parked (its actions may create them) or before it gave way (executor/reads.ts park, redoTx). */
  noted?: string[];
  /** Its re-run found a name nowhere that no note holds: the shards it asked whether an older tx may create it (sharding/asks.ts). */
  ask?: Asking;
  /**
   * A tx taken into its block while its publisher's gas is locked by a tx in flight (executor/reads.ts parkBehind):
   * its publisher. It runs, in its block, once that lock goes.
   */
  behind?: string;
}

/** Rows to read parked parts from: a State, or a Store as committed. */
type Rows = { get(key: string): string | undefined };

/** The ids of the parts parked here, in the order they parked. */
export function parkedParts(rows: Rows): string[] {
  const raw = rows.get(READS);
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

/** Parked part `part`, or undefined when none of that id is parked here. */
export function parkedPart(rows: Rows, part: string): Parked | undefined {
  const raw = rows.get(parkedKey(part));
  return raw === undefined ? undefined : (JSON.parse(raw) as Parked);
}

/** Every part parked here, in the order they parked. */
export function readParked(rows: Rows): Parked[] {
  return parkedParts(rows).map((part) => parkedPart(rows, part)!);
}

const GAS_LOCK = ":reads";

/** The lock a tx parked at home holds on its publisher's gas until it runs again (executor/reads.ts). */
export const gasLock = (hash: string) => `${hash}${GAS_LOCK}`;

/**
 * Whether lock `holder` is the gas lock of a tx parked at home that asked no shard: one waiting for a name (the
 * directory, a note: executor/reads.ts waitsForPending), or undone to run again after it gave way (redoTx). Its run
 * was void and runs again from scratch, so another tx's part may pass that lock: a part waiting for it could wait for
 * ever, the tx waiting for that very part's tx (a pledge for the waiter's publisher beside the signUp of the name it
 * pays), or giving way to it only to take the lock again before the part runs.
 */
export function runsAfresh(rows: Rows, holder: string): boolean {
  if (!holder.endsWith(GAS_LOCK)) return false;
  const hash = holder.slice(0, -GAS_LOCK.length);
  return readParked(rows).some((p) => p.txHash === hash && p.tx !== undefined && Object.keys(p.asked).length === 0);
}

/**
 * `read` receipts of one round: the keys missed, grouped by the shard they live on, in shard order, each with its
 * companions (withCompanion) while a shard's list stays within MAX_READ_KEYS: a companion left out is asked in a later
 * round if the run reads it, and missed keys past that many (a run's uncounted reads beside 256 counted) too. `where`:
 * the shard a missed key lived on as the run read it (RemoteReads.missedAt), else where this state places it.
 */
export function readsOf(
  state: State,
  p: Pick<Parked, "part" | "txHash" | "round" | "write" | "block" | "receipt" | "tx">,
  keys: Iterable<string>,
  shard: { index: number; count: number },
  where: ReadonlyMap<string, number> = new Map(),
): CrossReceipt[] {
  const [at, ord] = ageOf(p);
  const missed = new Set(keys);
  const by = new Map<number, string[]>();
  const add = (k: string) => {
    const s = where.get(k) ?? remoteKeyShard(state, k, shard)!;
    const list = by.get(s) ?? by.set(s, []).get(s)!;
    if (list.length < MAX_READ_KEYS) list.push(k);
  };
  for (const k of [...missed].sort()) add(k);
  for (const k of [...new Set([...missed].flatMap(withCompanion))].sort()) if (!missed.has(k)) add(k);
  for (const list of by.values()) list.sort();
  return [...by.keys()]
    .sort((a, b) => a - b)
    .map((to) => ({
      ...readReceipt("read", `${p.txHash}:read.${p.part}.${p.round}.${to}`, p.txHash, p.part, shard.index, to),
      keys: by.get(to)!,
      ...(p.write ? { write: true as const } : {}),
      // Its tx's age: a writer's locks hold back other txs' parts, which give way to older ones (sharding/age.ts
      // older), and a forwarded part's read waiting for an older tx's lock gives way too.
      at,
      ord,
    }));
}

/**
 * A missed key and the one a run reads next after it on the same shard, asked together to save a round
 * (latency only): a callee's code and its owner (whose RAM pays for its records), an account's free RAM and
 * its used RAM (doPay writes both), and every record of the RAM market (a buy or sell reads them all) with the RAM
 * token's supply (a buy may issue).
 */
export function withCompanion(key: string): string[] {
  const code = /^c-(Contract[^-]+)$/.exec(key);
  if (code) return [key, `m-system.iost-contract_owner-${code[1]}`];
  if (isRamMarketKey(key)) return [...RAM_MARKET_KEYS, RAM_SUPPLY];
  // A system contract pays no RAM (executor/index.ts doPay): ram.iost's balance of ram is the market's, with no used RAM.
  const ram = /^m-token\.iost-TB([^-]+)-ram$/.exec(key);
  return ram && !ram[1].endsWith(".iost") ? [key, `b-ram.iost-UR${ram[1]}`] : [key];
}

/** The `release` of a part's read locks on shard `to`. */
export function releaseOf(p: Pick<Parked, "part" | "txHash" | "round">, from: number, to: number): CrossReceipt {
  return readReceipt("release", `${p.txHash}:release.${p.part}.${p.round}.${to}`, p.txHash, p.part, from, to);
}

/** A `read`, `values` or `release` receipt of part `part` of tx `txHash`, without its keys or values: it moves no token. */
export function readReceipt(kind: "read" | "values" | "release", id: string, txHash: string, part: string, from: number, to: number): CrossReceipt {
  return { id, kind, txHash, fromShard: from, toShard: to, token: "", account: part, counterpart: "", amount: "0", message: "" };
}

/** A raw key a contract may read: a state key of some contract (`b-…` or `m-…`) or a user contract's code, not a row of the executor's own. */
const isStateKey = (k: unknown) => typeof k === "string" && (/^[bm]-[^-]+-/.test(k) || /^c-Contract[^-]+$/.test(k)) && k.length <= 600;

/** A key naming no record but a field index as one shard lists it: a pledger's pledge order (pledges.ts), a shard's part of an index merged by age (aged.ts). */
export const isIndexRead = (k: string) => pledgeOrderOwner(k) !== null || agedOf(k) !== null;

/** What the shard keeping `key` answers a read of it (`get`: its state): the record, or for an isIndexRead key the index it names. */
export function answerValue(get: (key: string) => string | undefined, key: string): string | undefined {
  const pledger = pledgeOrderOwner(key);
  if (pledger !== null) return pledgeIndexRaw(get, pledger);
  const aged = agedOf(key);
  return aged === null ? get(key) : agedValue(get, aged.contract, aged.key);
}

/** A key a part may ask another shard for: a state key, or an isIndexRead one. */
const isReadKey = (k: unknown) => isStateKey(k) || (typeof k === "string" && isIndexRead(k) && k.length <= 64);

/** A stored value (an encoded value, or a map's field index), or absent. */
const isStored = (v: unknown) => v === null || (typeof v === "string" && v.length <= 1_000_000);

/** Whether `c` is a Counted within the bounds: distinct state keys in key order, and a byte count. */
export function isCounted(c: unknown): c is Counted {
  if (typeof c !== "object" || c === null) return false;
  const { keys, bytes } = c as Partial<Counted>;
  if (!Number.isSafeInteger(bytes) || bytes! < 0 || bytes! > MAX_READ_BYTES) return false;
  return Array.isArray(keys) && keys.length <= MAX_READ_KEYS && keys.every((k, i) => isStateKey(k) && (i === 0 || keys[i - 1] < k));
}

/** A release's writes: [key, stored value or null] pairs of distinct state keys, in key order, within the read bounds. */
export function isWrites(w: unknown): boolean {
  if (!Array.isArray(w) || w.length === 0 || w.length > MAX_READ_KEYS) return false;
  return w.every((e, i) => Array.isArray(e) && e.length === 2 && isStateKey(e[0]) && isStored(e[1]) && (i === 0 || w[i - 1][0] < e[0]));
}

/** The shape checks of a `read`, `values` or `release` receipt from a stranger (receipts.ts checkReceipt): ReceiptRefused's text, or null. */
export function readShapeError(r: CrossReceipt): string | null {
  if (r.kind !== "read" && r.kind !== "values" && r.kind !== "release") return null;
  // The part is its tx's: the tx itself at home, or one of its action receipts.
  const part = typeof r.account === "string" && (r.account === r.txHash || r.account.startsWith(`${r.txHash}:`));
  if (r.amount !== "0" || !part || r.fromShard === r.toShard) return "not a read of another shard by a part of its tx";
  if (r.writes !== undefined && (r.kind !== "release" || !isWrites(r.writes))) return `writes ${JSON.stringify(r.writes)?.slice(0, 200)}`;
  if (r.restore !== undefined && (r.kind !== "release" || r.writes !== undefined || !isWrites(r.restore)))
    return `restore ${JSON.stringify(r.restore)?.slice(0, 200)}`;
  if (r.write !== undefined && (r.kind !== "read" || r.write !== true)) return `write ${JSON.stringify(r.write)}`;
  if (r.busy !== undefined)
    return r.kind === "values" && r.busy === true && r.values === undefined && r.stale === undefined ? null : `busy ${JSON.stringify(r.busy)}`;
  if (r.stale !== undefined) return r.kind === "values" && r.stale === true && r.values === undefined ? null : `stale ${JSON.stringify(r.stale)}`;
  if (r.kind === "release") return r.keys === undefined && r.values === undefined ? null : "a release carrying keys";
  const keys = r.kind === "read" ? r.keys : Array.isArray(r.values) ? r.values.map((e) => (Array.isArray(e) ? e[0] : undefined)) : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_READ_KEYS || !keys.every(isReadKey) || new Set(keys).size !== keys.length)
    return `keys ${JSON.stringify(keys)?.slice(0, 200)}`;
  if (r.kind === "values" && !r.values!.every((e) => e.length === 2 && isStored(e[1]))) return "values that are not stored values";
  return null;
}

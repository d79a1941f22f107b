/**
 * Atomic cross-shard txs (docs/SHARDING.md "Atomic txs"): the home part of a
 * tx that forwarded actions is committed with an undo record of every key it
 * wrote, and those keys stay locked until the forwarded part's settle comes
 * home. A later tx or incoming receipt that reads or writes a locked key waits
 * (guard.ts flags it, the chunk builder leaves the tx in the pool, applyIncoming
 * defers the receipt, a forwarded part at most PART_WAIT blocks for an older
 * tx), so nothing ever sees or builds on a home part that may still be
 * undone. The settle either unlocks (the part succeeded) or restores the undo
 * values (it failed: IOST's failing receipt, only the gas kept). The
 * home part's other receipts (burns, registers, frees) are held here too and
 * sent by a successful settle: a failed tx sends none. Its credits ride on with
 * the forwarded part instead (forward.ts carryCredits), landing where a later
 * part runs (`Relay.credits`: those a relaying part landed, back with a failure).
 *
 * A forwarded part that sends the rest of its actions on to a third shard is
 * locked the same way on its shard, with the settle it owes the shard before
 * it (`relay`): the next part's settle unlocks it (or undoes it) and sends that
 * settle back, the two parts' results combined, so the chain settles back
 * along itself and the home decides last. A chain's last part whose credit's
 * half may charge the publisher RAM is locked the same way until that half
 * settles (`Relay.half`), its own settle held complete meanwhile; so is each
 * shard of chained halves but the last (`hop`), until the next one settles.
 *
 * Everything lives in state rows (committed with the chunk), so a shard
 * Durable Object evicted between blocks resumes with its locks, undo records
 * and deferred receipts: `x-locks` (one row per shard: every in-flight tx's
 * age and locked keys, what other txs check), `x-lock-<hash>` (one row per
 * in-flight tx: its undo values, held receipts, relay and Redo, read only by
 * its own receipts) and `x-deferred` (incoming receipts waiting for a lock).
 * None is a contract's key, so no contract can read them.
 */
import type { Age } from "../sharding/age.js";
import { refundGas } from "../contracts/gas.js";
import { basicKey, mapKey } from "../state/storage.js";
import type { TxBlock } from "../sharding/forward.js";
import type { State } from "../state/state.js";
import { type CarriedToken, type CrossReceipt, type ForwardResult, probesOf } from "../sharding/receipts.js";
import { cancelsOf } from "../sharding/pending.js";
import { type PledgeMove, withLater } from "../sharding/pledges.js";

/**
 * Blocks a forwarded part waits for the lock of an older tx (`older`) before it gives way: its tx is undone
 * everywhere and runs again from scratch at home (incoming.ts gaveWay, `Redo`), keeping its age. Parts of txs in
 * flight lock keys and may wait for each other's in a ring (docs/SHARDING.md "Atomic txs", _Giving way_); every ring
 * has a part waiting for an older tx, so none waits for good, while a part waiting for a younger tx's lock waits, as
 * before. Waits without a ring are common: a chain of four shards settles in seven blocks, and one publisher's txs in
 * flight wait behind each other (eight SDK newAccounts of admin at once, each a chain through the RAM market's shard,
 * took up to 20 s on a loaded machine), so a short bound voids runs one shard keeps; 32 blocks (16 s at 0.5 s) bounds
 * how long a ring freezes its keys.
 */
export const PART_WAIT = 32;

/**
 * Blocks a forwarded part waiting for a name (a creator's or a waiter's asks: an older tx that may create it is
 * undecided) waits, holding its tx's locks, before it gives way: fewer than PART_WAIT. The older tx's part may wait for
 * those locks, as for a younger tx's (names and locks order txs by one age, sharding/age.ts, so it never gives way to
 * them): the name's waiter gives way first, the lock's waiter then runs, and decides the name.
 */
export const NAME_WAIT = PART_WAIT / 2;

/** The lock table's row: each in-flight tx's `Held`. */
export const LOCKS = "x-locks";
/** Tx `hash`'s own row while it holds locks here: its LockEntry (absent for one of kept keys alone: `setLock`). */
export const lockRow = (hash: string) => `x-lock-${hash}`;
/** Incoming receipts that touched a locked key, applied first in the next chunk. */
export const DEFERRED = "x-deferred";

/** One in-flight tx: the value before it of each key it wrote (null: absent), keys locked without undo, credits held. */
export interface LockEntry {
  undo: [key: string, raw: string | null][];
  /** The publisher's gas: a failed tx is charged its gas as on one shard, so it is not undone (but stays locked until the refund). */
  keep: string[];
  held: CrossReceipt[];
  relay?: Relay;
  hop?: Hop;
  /** Earlier parts of the tx on this shard, oldest first, when its actions came back here: they settle in turn, last first. */
  outer?: LockEntry[];
  /** Its tx's age: the height of its block (decimal text; absent, a chained half's: taken as older than any, `lockAge`). */
  at?: string;
  /** Beside `at`, its tx's pool key (src/pool poolOrder): the age names are ordered by too (sharding/age.ts). */
  ord?: string;
  /** The home part of a tx whose first part was forwarded: what it needs to run again if a part gives way. */
  redo?: Redo;
  /**
   * A part that pledged or unpledged its publisher's gas (its limit, `gt`/`gl`, changed): the publisher's gas records
   * before it, and what its doPay charged (the home's, at `time`). One shard's failed tx charges its gas on the records
   * as before the tx, so a failure puts these back and charges them again (`unpledged`), keeping no gas the
   * pledge gave.
   */
  gas?: { publisher: string; before: [key: string, raw: string | null][]; paid?: string; time?: string };
}

/**
 * What the home keeps of a tx in flight whose part may give way: its bytes and block, to run it again from scratch
 * (reads.ts rerunTx), and its publisher's gas records before it, put back so the voided run is not charged.
 */
export interface Redo {
  /** The tx's full bytes (base64). */
  tx: string;
  block: TxBlock;
  /** Which run of the tx this is (host.ts TxContext `run`; absent: the first). */
  run?: number;
  gas: [key: string, raw: string | null][];
}

/** A forwarded part that went on to a third shard (or awaits its credit's half): what it owes the shard that sent it. */
export interface Relay {
  /** Its settle, completed when the next part's settle comes back. */
  settle: CrossReceipt;
  /** The escrow it was sent (iost, RAM): all of it goes back if a later part fails. */
  escrow: string;
  ram: string;
  signerRam?: Record<string, string>;
  /** Co-signers of this shard whose RAM escrow went on from here: the next part's settle hands it back here (incoming.ts). */
  signers?: string[];
  /** The publisher's frozen iost record it was sent, if any (all of it goes back too). */
  frozen?: string;
  /** The publisher's token records it was sent, if any (all of them go back too). */
  tokens?: Record<string, CarriedToken>;
  /** Its own part: result and changes of the publisher's ram.iost records. */
  result: ForwardResult;
  ramRecords: Record<string, string>;
  /**
   * A chain's last part waiting for the half of its credit that decides the tx (forwarded.ts reserveHalf),
   * not for a next part: the publisher's free RAM it reserved for the half (bytes, decimal text). Its own
   * settle is held, complete, as the first of `held`.
   */
  half?: string;
  /** The ids of its own credits it carried on to the next part: a failure coming back drops them (undone here). */
  sent?: string[];
  /**
   * Credits earlier parts carried to it that a failure sends back to them: those it landed (a part that went on),
   * or all of them (a last part awaiting a half). Undone here, their amounts are in flight again.
   */
  credits?: CrossReceipt[];
  /**
   * The amounts of other shards' records (holdsAmount) its run changed, as earlier parts carried them to it (Forwarded
   * `writes`): a failure coming back sends them on back (owedBack). Absent: none.
   */
  before?: [key: string, raw: string | null][];
}

/**
 * A shard that ran one of a tx's chained credit halves and sent the next on (incoming.ts): it is locked until
 * the next one's settle says whether the publisher's reservation paid them all.
 */
export interface Hop {
  /** Its settle to the shard before it, completed when the next one's settle comes back. */
  settle: CrossReceipt;
  /** Its own half: its gas and RAM, added to those after it. */
  half: ForwardResult;
  /** What its bundle moved (the refund when the chain fails, as a single half's). */
  sent: string;
  /** The bundles it sent on (the next and the rest): a failure brings their amounts back in flight (`returned`). */
  later: CrossReceipt[];
}

/**
 * What the shared row keeps of a tx holding locks here: its age (LockEntry `at`, `ord`) and every key it holds (each
 * frame's undo and kept keys), in key order. Its bytes grow with the keys, never with the tx's bytes or receipts.
 */
export interface Held {
  at?: string;
  ord?: string;
  keys: string[];
}

export type LockTable = Record<string, Held>;

export function readLocks(raw: string | undefined): LockTable {
  return raw === undefined ? {} : (JSON.parse(raw) as LockTable);
}

/** Tx `hash`'s entry here, or undefined when it holds no lock. */
export function lockEntry(state: { get(key: string): string | undefined }, hash: string): LockEntry | undefined {
  const held = readLocks(state.get(LOCKS))[hash];
  if (held === undefined) return undefined;
  const raw = state.get(lockRow(hash));
  return raw === undefined ? { undo: [], keep: held.keys, held: [], ...ageFields(held) } : (JSON.parse(raw) as LockEntry);
}

/**
 * Sets tx `hash`'s entry (undefined: it holds nothing any more). Each row is written only when it changes: the
 * shared one when the tx's keys or age do, its own when anything else does; an entry of kept keys alone (a parked
 * tx's gas lock) has no row of its own.
 */
export function setLock(state: State, hash: string, entry: LockEntry | undefined): void {
  const table = readLocks(state.get(LOCKS));
  if (entry === undefined && table[hash] === undefined) return;
  const was = JSON.stringify(table[hash]);
  const row = lockRow(hash);
  let own: string | undefined;
  if (entry === undefined) delete table[hash];
  else {
    const keys = [entry, ...(entry.outer ?? [])].flatMap((e) => [...e.undo.map(([k]) => k), ...e.keep]);
    table[hash] = { ...ageFields(entry), keys: [...new Set(keys)].sort() };
    const bare = entry.undo.length === 0 && entry.held.length === 0 && !entry.relay && !entry.hop && !entry.outer && !entry.redo && !entry.gas;
    if (!bare) own = JSON.stringify(entry);
  }
  if (JSON.stringify(table[hash]) !== was) {
    if (Object.keys(table).length === 0) state.del(LOCKS);
    else state.put(LOCKS, JSON.stringify(table));
  }
  if (state.get(row) === own) return;
  if (own === undefined) state.del(row);
  else state.put(row, own);
}

/**
 * The registers of accounts' permissions a part of tx `hash` sends (`sent`) supersede those an earlier part of it holds
 * here for the same shards (an account changed again further along the chain, back on its shard): the held ones carry
 * the newer record, so whichever lands last leaves it (each run's has an id of its own, system.ts announce).
 */
export function supersedeRegisters(state: State, hash: string, sent: readonly CrossReceipt[]): void {
  const newer = sent.filter((r) => r.kind === "register" && r.auth !== undefined);
  const entry = newer.length === 0 ? undefined : lockEntry(state, hash);
  if (!entry) return;
  let changed = false;
  for (const level of [entry, ...(entry.outer ?? [])])
    for (const held of level.held) {
      const last = held.kind === "register" ? newer.find((r) => r.account === held.account && r.toShard === held.toShard) : undefined;
      if (last && held.auth !== last.auth) {
        held.auth = last.auth;
        changed = true;
      }
    }
  if (changed) setLock(state, hash, entry);
}

/** The `at` and `ord` of an entry that has them. */
const ageFields = (e: { at?: string; ord?: string }) => ({ ...(e.at ? { at: e.at } : {}), ...(e.ord ? { ord: e.ord } : {}) });

/** Whether `key` is the publisher's gas (gas.iost `<pub>g?`), which a failed tx still pays. */
function isGasKey(key: string, publisher: string): boolean {
  const prefix = basicKey("gas.iost", publisher + "g");
  return key.startsWith(prefix) && key.length === prefix.length + 1;
}

/**
 * Locks what the tx `hash` wrote in the innermost checkpoint of `state` (its
 * own, still open) and holds `credits` until its settle. Costs one row write
 * per chunk (the table), whatever the number of txs. A part of a tx whose
 * actions came back to a shard it holds locks on stacks on its entry: each
 * part's undo values are the keys' values before that part, and each settle
 * (they come back last part first) pops and, on failure, undoes one part, so
 * the supply is exact at every height and the last pop leaves the state as
 * before the tx.
 */
export function lockTx(
  state: State,
  hash: string,
  publisher: string,
  age: Age | undefined,
  credits: CrossReceipt[],
  relay?: Relay,
  hop?: Hop,
  redo?: Omit<Redo, "gas">,
  paid?: { gas: bigint; time: bigint },
): void {
  const at = age && ageFields({ at: age[0], ord: age[1] });
  const entry: LockEntry = { undo: [], keep: [], held: credits, ...(relay ? { relay } : {}), ...(hop ? { hop } : {}), ...at };
  if (redo) entry.redo = { ...redo, gas: [] };
  const prev = lockEntry(state, hash);
  if (prev) {
    const { outer, ...last } = prev;
    entry.outer = [...(outer ?? []), last];
  }
  const gas: [string, string | null][] = [];
  for (const key of [...state.latest().keys()].sort()) {
    if (key === LOCKS || key === DEFERRED || key.startsWith(lockRow(""))) continue;
    const before = state.prior(key) ?? null;
    if (isGasKey(key, publisher)) {
      entry.keep.push(key);
      entry.redo?.gas.push([key, before]);
      gas.push([key, before]);
    }
    // Written and put back (a forwarded part's escrow, held and dropped): nothing to undo or hide.
    else if (state.latest().get(key) !== before) entry.undo.push([key, before]);
  }
  const limit = [basicKey("gas.iost", `${publisher}gt`), basicKey("gas.iost", `${publisher}gl`)];
  if (gas.some(([key, before]) => limit.includes(key) && state.get(key) !== (before ?? undefined)))
    entry.gas = { publisher, before: gas, ...(paid ? { paid: paid.gas.toString(), time: paid.time.toString() } : {}) };
  setLock(state, hash, entry);
}

/** A failed tx's publisher's gas records as one shard leaves them: as before the part, charged what its doPay charged. */
function unpledged(state: State, gas: NonNullable<LockEntry["gas"]>): void {
  for (const [key, raw] of gas.before) raw === null ? state.del(key) : state.put(key, raw);
  if (gas.paid !== undefined) refundGas(state, gas.publisher, -BigInt(gas.paid), BigInt(gas.time!));
}

/** An account's free RAM (its token.iost `ram` balance). */
export const ramKey = (account: string) => mapKey("token.iost", "TB" + account, "ram");

/**
 * Locks `keys` too for tx `hash` (its latest part here), without undo: its settle writes them (a co-signer's free RAM
 * the part took none of, handed back: incoming.ts handBack), so no older tx may lock them meanwhile and make the
 * settle, which never gives way, wait for it (docs/SHARDING.md "Atomic txs", _Receipts that do not give way_); or a
 * later part of it here reads them (the publisher's records its part took along absent: forward.ts takenKeys).
 */
export function lockAlso(state: State, hash: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const entry = lockEntry(state, hash);
  if (entry === undefined) return;
  const undone = new Set(entry.undo.map(([key]) => key));
  const more = [...new Set(keys)].filter((key) => !undone.has(key) && !entry.keep.includes(key));
  if (more.length === 0) return;
  entry.keep = [...entry.keep, ...more].sort();
  setLock(state, hash, entry);
}

/**
 * The settle of tx `hash`'s forwarded part: unlocks, and on failure restores
 * every key its home part wrote. Returns the credits it held (to send when it
 * succeeded), whether it was locked at all, and of the writes the settle brought
 * back (`back`) those of other parts (reads.ts releasesNow, `restore`). `later`:
 * the pledge moves the parts after it made (the settle's `ForwardResult.pledges`).
 */
export function unlockTx(
  state: State,
  hash: string,
  ok: boolean,
  back: readonly [string, string | null][] = [],
  later: readonly PledgeMove[] = [],
): { held: CrossReceipt[]; locked: boolean; relay?: Relay; hop?: Hop; redo?: Redo; back: [string, string | null][] } {
  const entry = lockEntry(state, hash);
  if (!entry) return { held: [], locked: false, back: [...back] };
  const outer = entry.outer ?? [];
  // A later part of the tx here settled: the earlier ones keep their keys locked until their own settles.
  setLock(state, hash, outer.length > 0 ? { ...outer[outer.length - 1], ...(outer.length > 1 ? { outer: outer.slice(0, -1) } : {}) } : undefined);
  if (!ok) for (const [key, raw] of entry.undo) raw === null ? state.del(key) : state.put(key, raw);
  if (!ok && entry.gas) unpledged(state, entry.gas);
  // A failed tx keeps only its gas, the receiver halves of its credits included (probes); the read locks
  // its parts hold elsewhere go without their writes (reads.ts releasesNow), first: what they put back is
  // what the probes' halves find, as before the writes landed. Names the tx noted pending elsewhere were created
  // (their registers resolve them there) or not (cancelled: sharding/pending.ts).
  const kept = ok
    ? entry.held.filter((r) => r.kind !== "pending")
    : [...entry.held.filter((r) => r.kind === "release"), ...probesOf(entry.held), ...cancelsOf(entry.held)];
  const [held, rest] = completeReleases(kept, ok, back, later);
  return {
    held,
    locked: true,
    ...(entry.relay ? { relay: entry.relay } : {}),
    ...(entry.hop ? { hop: entry.hop } : {}),
    ...(entry.redo ? { redo: entry.redo } : {}),
    back: rest,
  };
}

/**
 * A part's releases held while its writes went on with the chain (`restore`: the values its keys had before it):
 * the tx stands, and each lands what came back of its keys (`back`: no part on their shard landed them), with its
 * pledge moves (pledges.ts pledgesAt) and the `later` parts' of the same pledgers (pledges.ts withLater); or it
 * failed, and each puts back those a later part landed there (not back). A release held with its writes (the
 * part's tx waited for a credit's half) lands them or nothing. Returns them and the writes of other parts' keys.
 */
function completeReleases(
  held: CrossReceipt[],
  ok: boolean,
  back: readonly [string, string | null][],
  later: readonly PledgeMove[],
): [CrossReceipt[], [string, string | null][]] {
  const came = new Map(back);
  const out = held.map((r): CrossReceipt => {
    if (r.kind !== "release") return r;
    const { writes, restore, pledges: own, ...release } = r;
    const pledges = own && withLater(own, later);
    if (restore === undefined) return ok && (writes || pledges) ? { ...release, ...(writes ? { writes } : {}), ...(pledges ? { pledges } : {}) } : release;
    const landed = restore.filter(([k]) => !came.has(k));
    const lands = restore.filter(([k]) => came.has(k)).map(([k]): [string, string | null] => [k, came.get(k) ?? null]);
    for (const [k] of restore) came.delete(k);
    // The pledges go even when a later part landed every write: the pledger's order takes them only when the tx stands.
    if (ok) return { ...release, ...(lands.length > 0 ? { writes: lands } : {}), ...(pledges ? { pledges } : {}) };
    return landed.length > 0 ? { ...release, restore: landed } : release;
  });
  return [out, [...came].sort(([a], [b]) => (a < b ? -1 : 1))];
}

/** Sums two maps of decimal amounts (RAM usage, record changes), keeping the nonzero ones (`zeros`: all) in key order. */
export function addUp(a: Record<string, string>, b: Record<string, string>, zeros = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const v = BigInt(a[k] ?? "0") + BigInt(b[k] ?? "0");
    if (v !== 0n || zeros) out[k] = v.toString();
  }
  return out;
}

/**
 * The settle a relaying part sends back once the next part's settle `s` came:
 * on success the escrow that came back and both parts' results; on failure
 * the whole escrow it was sent (its own part was undone) and the gas both used.
 */
export function relayed(x: Relay, s: CrossReceipt): CrossReceipt {
  const ok = s.message === "";
  const f = s.result!;
  const result: ForwardResult = {
    gasReserved: x.result.gasReserved,
    gasUsed: x.result.gasUsed + f.gasUsed,
    gasRatio: x.result.gasRatio,
    returns: ok ? [...x.result.returns, ...f.returns] : [],
    receipts: ok ? [...x.result.receipts, ...f.receipts] : [],
    ...(f.status ? { status: f.status } : {}),
    ramUsage: ok ? addUp(x.result.ramUsage, f.ramUsage) : {},
    ...(ok && f.ramPaid !== undefined ? { ramPaid: f.ramPaid } : {}),
    ...(ok && (x.result.signerPaid || f.signerPaid) ? { signerPaid: addUp(x.result.signerPaid ?? {}, f.signerPaid ?? {}, true) } : {}),
    // The last part's events already hold every earlier part's (forwarded.ts).
    ...(ok && f.events ? { events: f.events } : {}),
  };
  const pledges = ok ? [...(x.result.pledges ?? []), ...(f.pledges ?? [])] : [];
  if (pledges.length > 0) result.pledges = pledges;
  const ram = ok ? (s.ram ?? "0") : x.ram;
  // A co-signer this part paid from whose escrow a later part handed back on its own shard (a chain passing its home):
  // nothing of it is left to give back, but what this part paid is still counted there (incoming.ts handBack).
  const gone = ok ? Object.keys(x.result.signerPaid ?? {}).filter((acc) => s.signerRam?.[acc] === undefined) : [];
  const signerRam = ok ? (gone.length > 0 ? { ...s.signerRam, ...Object.fromEntries(gone.map((acc) => [acc, "0"])) } : s.signerRam) : x.signerRam;
  const signerPayers = ok ? s.signerPayers : undefined;
  const records = ok ? addUp(x.ramRecords, s.ramRecords ?? {}) : {};
  const frozen = ok ? s.frozen : x.frozen;
  const tokens = ok ? s.tokens : x.tokens;
  // Credits carried to later parts go back with a failure as far as the shard that sent each, whose undo puts it back.
  // So do those this part landed, which its undo took out again (forwarded.ts landCarried).
  const back = [...(s.returned ?? []), ...(x.credits ?? []).filter((c) => !(s.returned ?? []).some((r) => r.id === c.id))];
  const returned = ok ? [] : back.filter((c) => !(x.sent ?? []).includes(c.id));
  return {
    ...x.settle,
    amount: ok ? s.amount : x.escrow,
    ...(ram !== "0" ? { ram } : {}),
    ...(signerRam ? { signerRam } : {}),
    ...(signerPayers ? { signerPayers } : {}),
    ...(Object.keys(records).length > 0 ? { ramRecords: records } : {}),
    ...(frozen === undefined ? {} : { frozen }),
    ...(tokens === undefined ? {} : { tokens }),
    ...(returned.length > 0 ? { returned } : {}),
    ...(!ok && s.gaveWay ? { gaveWay: true as const } : {}),
    message: s.message,
    result,
  };
}

/**
 * Failed settle `s` as relaying part `x` sends it on back, with the amounts later parts left owed (`owed`: the settle's
 * `putBack`). Its undo took out here what its changes of other shards' records paid for (`x.before`), so those changes
 * are in flight until the part that locked each record puts it back: those no part landed come back in the settle's
 * `writes`, now as they came to `x`; the others join `putBack` as `x`'s, but for those its releases put back now (`held`).
 */
export function owedBack(x: Relay, s: CrossReceipt, owed: CrossReceipt["putBack"], held: readonly CrossReceipt[]): CrossReceipt {
  const before = new Map(x.before ?? []);
  const writes = (s.writes ?? []).map(([k, v]): [string, string | null] => [k, before.has(k) ? before.get(k)! : v]);
  const came = new Set(writes.map(([k]) => k));
  const restored = new Set(held.flatMap((h) => (h.kind === "release" ? (h.restore ?? []) : [])).map(([k]) => k));
  const all = new Map(owed ?? []);
  for (const [k, v] of before) if (!came.has(k)) all.set(k, v);
  const putBack = [...all].filter(([k]) => !restored.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  const { writes: _, putBack: __, ...rest } = s;
  return { ...rest, ...(writes.length > 0 ? { writes } : {}), ...(putBack.length > 0 ? { putBack } : {}) };
}

/**
 * The age of the tx holding a lock here (`x-locks`), if any: its entry's `at` and `ord` (unknown: "0" and "", older
 * than any), the order names are ordered by, so a lock's waiter and a name's never wait for each other (sharding/age.ts).
 */
export function lockAge(table: LockTable, hash: string): Age | null {
  const e = table[hash];
  return e === undefined ? null : [e.at ?? "0", e.ord ?? ""];
}

/** Key → the tx holding it. */
export function lockOwners(table: LockTable): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [hash, held] of Object.entries(table)) for (const key of held.keys) owners.set(key, hash);
  return owners;
}

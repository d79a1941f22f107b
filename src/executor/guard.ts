/**
 * The state a shard executes on: a write to a key of an account placed on
 * another shard throws, so no tx ever changes what another shard owns (the
 * executor turns the throw into a RUNTIME_ERROR and rolls the tx back).
 * Cross-shard effects travel as receipts instead (sharding/receipts.ts); token
 * transfers are the one kind routed that way so far (docs/SHARDING.md).
 */
import { VmError } from "../contracts/errors.js";
import { State } from "../state/state.js";
import type { Store } from "../state/store.js";
import { ageIn, decodeValue, encodeValue, int, mapIndexKey, mapKey, withFields } from "../state/storage.js";
import { type Age, older } from "../sharding/age.js";
import { isNameKey } from "../sharding/asks.js";
import { type CrossReceipt, ramRecordKey, receiverKeys } from "../sharding/receipts.js";
import {
  answerValue,
  isBalanceKey,
  isPlacedKey,
  nftKey,
  partTx,
  placedContract,
  READING,
  readOwners,
  remoteKeyShard,
  runsAfresh,
  writeOwners,
} from "../sharding/reads.js";
import { type RemoteReads, withBytes } from "../contracts/remote.js";
import { LOCKS, lockEntry, lockOwners, readLocks } from "./locks.js";
import {
  AUTH_RECORD,
  CONSENSUS_SHARD,
  CONSENSUS_TOKEN,
  isConsensusTokenKey,
  isTokenIndexKey,
  keyAccount,
  placedByName,
  shardOf,
} from "../sharding/placement.js";
import { ESCROWED } from "../sharding/forward.js";
import { pledgeOrderKey, pledgeOrderOwner, withMoves } from "../sharding/pledges.js";
import { agedKey, agedPart, byAge, mergeByAge } from "../sharding/aged.js";

const isEscrowKey = (account: string, key: string) =>
  key === mapIndexKey("token.iost", "TB" + account) ||
  // With its ram.iost records (executor/forwarded.ts).
  ESCROWED.some((t) => key === mapKey("token.iost", "TB" + account, t)) ||
  key === mapIndexKey("token.iost", "TF" + account) ||
  key === mapKey("token.iost", "TF" + account, "iost") ||
  key === ramRecordKey("SR", account) ||
  key === ramRecordKey("TR", account);

export class ShardState extends State {
  /** The publisher of an action receipt being run: its escrowed iost and RAM may live here meanwhile. */
  guest: string | null = null;
  /** The tokens whose records of the guest's travel with its escrow (forward.ts). */
  guestTokens: ReadonlySet<string> = new Set();
  /** Its co-signers whose RAM escrow came along: their free RAM may live here meanwhile. */
  ramGuests: readonly string[] = [];

  /** The tx whose own locks are no conflict (its settle being applied). */
  owner: string | null = null;
  /** The first locked key of another tx read or written since the last `watch` (locks.ts): the work must wait. */
  conflict: string | null = null;
  /** The in-flight tx that locked `conflict`: its home or relayed part (`x-locks`), or its part's write lock (`x-reading`). */
  holder: string | null = null;
  /** Whether the run is a fresh tx of the pool (not a receipt, nor a parked tx's re-run). */
  private fresh = true;
  /** A probe (watch `before`): it reads the records other in-flight txs locked here as they were before those txs. */
  private before = false;
  /** But not those of the txs its tx's run saw (landed.ts): it waits for their locks, as a credit does, and reads their writes. */
  private saw: ReadonlySet<string> = new Set();
  /** What the probe wrote itself: it reads its own writes. */
  private wrote = new Set<string>();
  /** Per lock holder met in this run, whether it runs afresh (`runsAfresh` reads every parked row: once a run). */
  private afresh = new Map<string, boolean>();
  private owners: { raw: string | undefined; map: Map<string, string> } | null = null;
  /** Keys read-locked for other shards' parts, while a fresh tx runs (watch). */
  private readLocked: Set<string> | null = null;
  /** Keys locked for writing by other shards' parts, with the part (watch): whatever touches one waits but the part's own tx. */
  private writeLocked: Map<string, string> | null = null;
  /** What the running tx or part reads of placed records (contracts/remote.ts); null between runs. */
  reads: RemoteReads | null = null;
  /**
   * Keys of the running part's fetched values that their shard locked for it only for reading (executor/reads.ts
   * readOnlyKeys): a write of one is missed, so that the next round asks its shard again for writing.
   */
  readOnly: ReadonlySet<string> = new Set();
  /**
   * Writes of records another shard keeps, made inside a call of a contract of that shard (host.ts call): they
   * never land here; the run reads them back, and they travel with its `release` (executor/reads.ts). Undone
   * with the checkpoint they were made in, as this state's own writes (one undo log per checkpoint).
   */
  private readonly remote = new Map<string, string | null>();
  private readonly remoteUndo: Map<string, string | null | undefined>[] = [];

  constructor(
    store: Store,
    private readonly shard: { index: number; count: number },
  ) {
    super(store);
  }

  /** Whether a key of `account` (placed elsewhere) is held here meanwhile: a guest's escrow, a co-signer's RAM escrow. */
  private holds(account: string, key: string): boolean {
    if (account === this.guest && (isEscrowKey(account, key) || this.isCarried(account, key))) return true;
    return this.ramGuests.includes(account) && (key === mapKey("token.iost", "TB" + account, "ram") || key === mapIndexKey("token.iost", "TB" + account));
  }

  private check(key: string): void {
    if (this.shard.count === 1) return;
    const account = keyAccount(key);
    if (account === null || !placedByName(account)) return;
    if (this.holds(account, key)) return;
    // `contribute` lives on the consensus shard for every account (placement.ts), and so may its map index.
    const home = isConsensusTokenKey(key) ? CONSENSUS_SHARD : shardOf(account, this.shard.count);
    if (home === this.shard.index || (this.shard.index === CONSENSUS_SHARD && isTokenIndexKey(key))) return;
    const what = isConsensusTokenKey(key) ? `the ${CONSENSUS_TOKEN} of account ${account}` : `account ${account}`;
    throw new VmError(`${what} lives on shard ${home}, this tx runs on shard ${this.shard.index}: only token transfers reach accounts on other shards`);
  }

  private isCarried(account: string, key: string): boolean {
    for (const t of this.guestTokens) if (key === mapKey("token.iost", "TB" + account, t) || key === mapKey("token.iost", "TF" + account, t)) return true;
    return false;
  }

  /**
   * Starts watching for lock conflicts of one tx or receipt (`owner`: whose locks it may touch). `fresh`: a tx
   * that has not started anywhere, which waits also to write a key this shard sent another part for reading
   * (`x-reading`); receipts and parked runs, already under way, do not (docs/SHARDING.md: no wait cycle). `saw`: the
   * txs whose writes a probe's (`before`) tx saw where it ran, whose locks it waits for.
   */
  watch(owner: string | null = null, fresh = true, before = false, saw: readonly string[] = []): void {
    this.owner = owner;
    this.fresh = fresh;
    this.before = before;
    this.saw = new Set(saw);
    this.wrote.clear();
    this.afresh.clear();
    this.conflict = null;
    this.holder = null;
    // Read once per tx: only receipts (never fresh) change the read locks.
    const raw = this.shard.count > 1 ? super.get(READING) : undefined;
    this.readLocked = raw === undefined || !fresh ? null : readOwners(raw);
    // A part that may write them holds them alone: receipts wait too (its release would overwrite what they wrote).
    const writing = raw === undefined ? null : writeOwners(raw);
    this.writeLocked = writing === null || writing.size === 0 ? null : writing;
  }

  /** A write of a key another part reads meanwhile (read locks, sharding/reads.ts READING): a fresh tx waits. */
  private touchRead(key: string): void {
    if (this.readLocked?.has(key) && this.conflict === null) this.conflict = key;
  }

  /** The shard a placed key lives on when this one neither keeps nor holds it, else null. */
  private placedElsewhere(key: string): number | null {
    const account = keyAccount(key);
    return account !== null && this.holds(account, key) ? null : remoteKeyShard(this, key, this.shard);
  }

  /**
   * Whether `key` is the field index of a guest's token records held here: it lists what the escrow brought, in the
   * order it landed, where one shard lists the account's every token in the order it got them.
   */
  private heldIndex(key: string): boolean {
    if (!isTokenIndexKey(key)) return false;
    const account = keyAccount(key);
    // At its home (a chain back there) the index here is the account's own, every token listed in its order.
    return account !== null && this.holds(account, key) && shardOf(account, this.shard.count) !== this.shard.index;
  }

  /** A read inside balanceOf, supply or storage.global* (contracts/remote.ts): counted, and answered from the fetched values when another shard keeps it. */
  private readPlaced(r: RemoteReads, key: string): string | undefined {
    // A held index is read from the account's home, with the fields its records here added since (addedFields).
    const held = this.heldIndex(key);
    if (!held && this.placedElsewhere(key) === null) {
      const raw = super.get(key);
      r.here.add(key);
      r.count(key, raw);
      return raw;
    }
    r.touched.add(key);
    // Written by the run or carried from an earlier part: one shard counts it at its first read wherever it came from.
    if (this.remote.has(key)) {
      const raw = this.remote.get(key) ?? undefined;
      r.count(key, raw);
      return raw;
    }
    const known = r.overlay.has(key);
    const fetched = r.overlay.get(key) ?? undefined;
    const raw = !known ? undefined : held ? addedFields(fetched, super.get(key)) : r.withCredits(key, fetched);
    // Counted first: a read past a bound fails the run here as on one shard, and is not fetched.
    r.count(key, raw);
    if (!known) {
      r.missing.add(key);
      const at = this.placedElsewhere(key);
      if (at !== null) r.missedAt.set(key, at);
    }
    return raw;
  }

  /**
   * gas.iost's `<pledger>gp` index (`key`) as one shard lists it: every user of every shard in the order pledged, which
   * the pledger's shard answers for its pledge order's key (pledges.ts pledgeIndexRaw). Counted as the index, which
   * one shard reads.
   */
  private readPledges(r: RemoteReads, key: string, pledger: string): string | undefined {
    const read = this.readIndex(r, pledgeOrderKey(pledger), key);
    const raw = read === null ? undefined : withMoves(read.raw, pledger, r.pledged());
    r.count(key, raw);
    return raw;
  }

  /**
   * An index each shard keeps of the names created on it (`key`, aged.ts) as one shard lists it: every shard's part,
   * read by its agedKey, merged by the names' ages. Counted as the index.
   */
  private readAged(r: RemoteReads, key: string, contract: string, map: string): string | undefined {
    const parts = Array.from({ length: this.shard.count }, (_, s) => this.readIndex(r, agedKey(s, contract, map), key));
    const fields = parts.every((p) => p !== null) ? mergeByAge(parts.map((p) => agedPart(p.raw))) : [];
    const raw = fields.length === 0 ? undefined : fields.map((f) => "@" + f).join("");
    r.count(key, raw);
    return raw;
  }

  /**
   * An isIndexRead key (`asked`) answered as its shard answers it (sharding/reads.ts answerValue): here, holding the
   * index row (`index`) against writers while a part parks (holdHere), or from the fetched values; null: fetched next.
   */
  private readIndex(r: RemoteReads, asked: string, index: string): { raw: string | undefined } | null {
    if (remoteKeyShard(this, asked, this.shard) === null) {
      r.here.add(index);
      if (pledgeOrderOwner(asked) !== null) r.here.add(asked);
      return { raw: answerValue((k) => super.get(k), asked) };
    }
    r.touched.add(asked);
    if (r.overlay.has(asked)) return { raw: r.overlay.get(asked) ?? undefined };
    r.missing.add(asked);
    return null;
  }

  /** Records a touch of a key another tx locked (read or write: a read would see what may be undone). */
  private touch(key: string): void {
    if (this.conflict !== null || this.shard.count === 1 || key === LOCKS) return;
    // The tx's own parts touch it freely: what its callee wrote there landed before any later part of it runs here.
    const writer = this.writeLocked?.get(key);
    if (writer !== undefined && partTx(writer) !== this.owner) {
      this.conflict = key;
      this.holder = partTx(writer);
      return;
    }
    const holder = this.lockHolder(key);
    // A probe waits only for the txs its tx saw, whose writes may still be on their way here; it reads what the others
    // locked as before them (`undone`).
    if (this.before && (holder === null || !this.saw.has(holder))) return;
    // A tx that runs again from scratch holds its publisher's gas against that publisher's later txs only (runsAfresh).
    if (holder !== null && holder !== this.owner && (this.fresh || !this.passes(holder))) {
      this.conflict = key;
      this.holder = holder;
    }
  }

  private passes(holder: string): boolean {
    let yes = this.afresh.get(holder);
    if (yes === undefined) this.afresh.set(holder, (yes = runsAfresh({ get: (k) => super.get(k) }, holder)));
    return yes;
  }

  /** The in-flight tx whose `x-locks` entry holds `key` (its home or relayed part), or null: asked without touching it. */
  lockHolder(key: string): string | null {
    if (this.shard.count === 1) return null;
    const raw = super.get(LOCKS);
    if (raw === undefined) return null;
    if (this.owners?.raw !== raw) this.owners = { raw, map: lockOwners(readLocks(raw)) };
    return this.owners.map.get(key) ?? null;
  }

  override get(key: string): string | undefined {
    this.touch(key);
    if (this.before) {
      const was = this.undone(key);
      if (was !== undefined) return was ?? undefined;
    }
    const r = this.reads;
    // A name a tx younger than the run created (a part or re-run after it, on one chain before it) is not there yet.
    if (r?.age && isNameKey(key) && this.madeLater(r.age, key)) return undefined;
    // Field indexes each shard keeps of its own: a contract lists them as one shard does.
    if (r !== null && r.listing > 0 && this.shard.count > 1) {
      const pledger = /^m-gas\.iost-(.+)gp$/.exec(key)?.[1];
      if (pledger !== undefined && placedByName(pledger)) return this.readPledges(r, key, pledger);
      const map = /^m-([^-]+)-([^-]+)$/.exec(key);
      if (map !== null && byAge(map[1], map[2], this.shard.count)) return this.readAged(r, key, map[1], map[2]);
    }
    // The key's pattern only matters inside an armed or counting call (a regex per read otherwise, a twentieth of a transfer's CPU).
    if (r !== null && (r.armed > 0 || r.counting > 0) && isPlacedKey(key)) {
      if (r.armed > 0) return this.readPlaced(r, key);
      // A callee of this shard: what it reads here counts as a callee of another shard's reads do (host.ts countCallee),
      // a record another shard keeps too, which it reads absent (a forwarded part's publisher's frozen RAM, which no
      // account has; a contract's owner's RAM, which doPay fetches in the run), as one shard counts it.
      if (r.counting > 0 && !this.remote.has(key)) {
        const raw = super.get(key);
        if (this.placedElsewhere(key) === null) r.here.add(key);
        r.count(key, raw);
        return raw;
      }
    }
    if (this.remote.size > 0 && this.remote.has(key)) return this.remote.get(key) ?? undefined;
    return super.get(key);
  }

  /**
   * For a probe, the value of `key` before the in-flight tx that locked it here wrote it (its first part's undo here;
   * null: absent then), or undefined: the probe wrote it itself, or no other tx's undo holds it.
   */
  private undone(key: string): string | null | undefined {
    if (this.wrote.has(key)) return undefined;
    const holder = this.lockHolder(key);
    if (holder === null || holder === this.owner) return undefined;
    const entry = lockEntry({ get: (k) => super.get(k) }, holder);
    for (const e of [...(entry?.outer ?? []), ...(entry ? [entry] : [])]) {
      const found = e.undo.find(([k]) => k === key);
      if (found !== undefined) return found[1];
    }
    return undefined;
  }

  /** Whether the record at `key` here starts with the age of a creator younger than `age` (storage.ts withAge). */
  private madeLater(age: Age, key: string): boolean {
    const made = ageIn(super.get(key));
    return made !== null && older(age, made);
  }

  /** A write held for another shard is a write too: GasAt (contracts/gas.ts) reads a gas record again after either. */
  override written(key: string): string | null | undefined {
    return this.remote.has(key) ? this.remote.get(key) : super.written(key);
  }

  /**
   * A field written for another shard (writeRemote) of a contract whose records all live on one shard is indexed by the
   * run, as one shard indexes it: the index keeps the order the fields came in, which the writes (in key order) lose,
   * and goes with them. Others are indexed where they land (reads.ts land), by the index kept there: gas.iost's
   * `<pledger>gp` index is per shard (the fields live with their users), and an account's token index here may be its
   * escrow's (held), which leaves with it, while the field it names goes home.
   */
  override indexesHere(valueKey: string, indexKey: string): boolean {
    return !this.remote.has(valueKey) || placedContract(indexKey) !== null || nftKey(indexKey) !== null;
  }

  override put(key: string, value: string): void {
    if (this.writeRemote(key, value)) return;
    this.check(key);
    // A signUp of a name a younger tx created here first, which it reads absent: it must not overwrite that account.
    const age = this.reads?.age;
    if (age && key.startsWith(AUTH_RECORD) && this.madeLater(age, key)) throw new VmError(`id existed > ${key.slice(AUTH_RECORD.length)}`);
    this.touch(key);
    this.touchRead(key);
    if (this.before) this.wrote.add(key);
    super.put(key, value);
  }

  override del(key: string): void {
    if (this.writeRemote(key, null)) return;
    this.check(key);
    this.touch(key);
    this.touchRead(key);
    if (this.before) this.wrote.add(key);
    super.del(key);
  }

  /**
   * A write, inside a call of a contract of another shard, of a record another shard keeps: kept with the run
   * (`remote`), not here. One never fetched, or fetched for reading only, is missed and fetched for writing (its old
   * value is the RAM's and the lock's).
   * A record the run already wrote stays the run's after the call too: a freeze to it joins it (token.ts transferFreeze).
   */
  private writeRemote(key: string, value: string | null): boolean {
    const r = this.reads;
    if (r === null || (r.calling === 0 && !this.remote.has(key)) || !isPlacedKey(key)) return false;
    const account = keyAccount(key);
    if (account !== null && this.holds(account, key)) return false;
    if (remoteKeyShard(this, key, this.shard) === null) return false;
    // What a tx's parts write of other shards' records goes along its chain in one receipt (Forwarded `writes`), which a
    // shard refuses past MAX_READ_KEYS records: each counts as read, so the read bound keeps it within (the run wrote
    // it after reading it, and counted it then, as one shard does; this only holds the receipt's shape).
    r.count(key, this.remote.has(key) ? (this.remote.get(key) ?? undefined) : (r.overlay.get(key) ?? undefined));
    if (isBalanceKey(key) && !this.remote.has(key) && r.overlay.has(key))
      for (const c of r.absorb(key, (first) => this.foundFor(first, first))) this.writeBytes(r, c);
    this.keep(r, key, value);
    return true;
  }

  /** The run's write of record `key` of another shard (writeRemote, writeBytes), undone with its checkpoint. */
  private keep(r: RemoteReads, key: string, value: string | null): void {
    r.touched.add(key);
    // Fetched only for reading (an earlier round, before the run called that shard's contract): the part's lock there
    // is upgraded first, or its release would write keys that shard lets other parts read meanwhile.
    if (!this.remote.has(key) && (!r.overlay.has(key) || this.readOnly.has(key))) r.missing.add(key);
    this.setRemote(key, value);
  }

  /** Sets `key` among the run's writes of other shards' records, noting its value before in the checkpoint's undo log. */
  private setRemote(key: string, value: string | null): void {
    const log = this.remoteUndo[this.remoteUndo.length - 1];
    if (log !== undefined && !log.has(key)) log.set(key, this.remote.get(key));
    this.remote.set(key, value);
  }

  /**
   * What earlier parts of the tx wrote of records other shards keep and no part landed yet (Forwarded `writes`): the
   * run reads and writes them as its own (writeRemote), and they go on with its writes. Undone with the checkpoint.
   */
  carry(writes: readonly [key: string, raw: string | null][]): void {
    for (const [k, v] of writes) this.setRemote(k, v);
  }

  /** Whether the running tx wrote `key` of another shard (writeRemote): a credit to it must not be sent as well. */
  writesRemote(key: string): boolean {
    return this.remote.has(key);
  }

  /**
   * The bytes a buy or lend of the run sent with credit `c`, which a write of its receiver's `ram` balance absorbed
   * (remote.ts absorb; a sale or lend of that RAM, which writes these records after): written into its receiver's
   * `SR`/`TR` now, as that credit's half would where it landed, its RAM booked here as the half's (Host.payHalf). One
   * never fetched, or fetched for reading only, is missed: the next round fetches it for writing.
   */
  private writeBytes(r: RemoteReads, c: CrossReceipt): void {
    if (c.bought === undefined && c.lent === undefined) return;
    for (const key of c.bought === undefined ? [ramRecordKey("TR", c.account)] : [ramRecordKey("SR", c.account), ramRecordKey("TR", c.account)]) {
      const before = this.runValue(r, key) ?? undefined;
      const after = withBytes(before, BigInt(c.bought ?? c.lent!));
      r.payHalf(key, before, after);
      this.keep(r, key, after);
    }
  }

  /**
   * Record `key` of another shard as the run has it: written, or fetched with the run's credits sent before `until` (all
   * when absent) added as one shard's halves wrote them (null: absent); undefined when never fetched.
   */
  private runValue(r: RemoteReads, key: string, until?: CrossReceipt): string | null | undefined {
    if (this.remote.has(key)) return this.remote.get(key)!;
    return r.overlay.has(key) ? (r.withCredits(key, r.overlay.get(key) ?? undefined, until) ?? null) : undefined;
  }

  /** The records of another shard a credit's half reads (receiverKeys) as the run has them (runValue): a probe's `found`. */
  foundFor(x: Pick<CrossReceipt, "account" | "token">, until?: CrossReceipt): [string, string | null][] {
    const r = this.reads;
    if (r === null) return [];
    return receiverKeys(x).flatMap((k): [string, string | null][] => {
      const v = this.runValue(r, k, until);
      return v === undefined ? [] : [[k, v]];
    });
  }

  /**
   * A credit of `amount` to balance record `key`, which the run wrote (writeRemote): it joins the written value,
   * which lands there instead (host.ts sendCredit). Returns the record before and after.
   */
  creditRemote(key: string, amount: bigint, ramPayer = ""): [before: string | undefined, after: string] {
    const before = this.remote.get(key) ?? undefined;
    const d = decodeValue(before);
    const after = encodeValue(int((d && d.value.t === "i" ? d.value.v : 0n) + amount), d ? (d.payer ?? "") : ramPayer);
    this.setRemote(key, after);
    return [before, after];
  }

  /** The run's writes of other shards' records (writeRemote), by shard, each in key order; they leave this state. */
  takeRemoteWrites(): Map<number, [key: string, raw: string | null][]> {
    const by = new Map<number, [string, string | null][]>();
    for (const k of [...this.remote.keys()].sort()) {
      const to = remoteKeyShard(this, k, this.shard)!;
      by.set(to, [...(by.get(to) ?? []), [k, this.remote.get(k)!]]);
    }
    this.remote.clear();
    for (const log of this.remoteUndo) log.clear();
    return by;
  }

  override checkpoint(): void {
    super.checkpoint();
    this.remoteUndo.push(new Map());
  }

  override rollback(): void {
    super.rollback();
    for (const [k, v] of this.remoteUndo.pop() ?? []) {
      if (v === undefined) this.remote.delete(k);
      else this.remote.set(k, v);
    }
  }

  override release(): void {
    super.release();
    const log = this.remoteUndo.pop() ?? new Map();
    const parent = this.remoteUndo[this.remoteUndo.length - 1];
    if (parent !== undefined) for (const [k, v] of log) if (!parent.has(k)) parent.set(k, v);
  }

  override discard(): void {
    super.discard();
    this.remoteUndo.length = 0;
    this.remote.clear();
  }
}

/** A map index as its home keeps it (`home`), then the fields of the copy held elsewhere (`here`) that it lacks, as appended there. */
function addedFields(home: string | undefined, here: string | undefined): string | undefined {
  return withFields(home, (here ?? "").split("@").slice(1));
}

/**
 * Runs `fn` with `guest`'s iost and RAM balances (its escrow) and its records of the tokens it carries writable on
 * this shard, and the RAM balances of its co-signers whose RAM escrow came along (`ramGuests`).
 */
export function asGuest<T>(state: State, guest: { account: string; tokens: ReadonlySet<string>; ramGuests?: readonly string[] }, fn: () => T): T {
  if (!(state instanceof ShardState)) return fn();
  const before = [state.guest, state.guestTokens, state.ramGuests] as const;
  state.guest = guest.account;
  state.guestTokens = guest.tokens;
  state.ramGuests = guest.ramGuests ?? [];
  try {
    return fn();
  } finally {
    [state.guest, state.guestTokens, state.ramGuests] = before;
  }
}

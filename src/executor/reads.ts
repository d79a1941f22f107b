/**
 * Reads inside a contract of records another shard keeps (docs/SHARDING.md
 * "Remote state inside a contract"): a run that missed some is void (every
 * write undone, nothing charged) and its tx parks (`x-reads`, a row per part) with the keys
 * asked of each shard (`read` receipts); each shard answers with the stored
 * values (`values`) and locks them for reading (`x-reading`) until the part's
 * `release`; when every answer is in, the tx runs again first in the chunk
 * with them as an overlay under its own state (guard.ts), maybe missing more
 * (another round). Its publisher's gas stays locked meanwhile, so its later
 * txs wait, as for a forwarded tx. Forwarded parts park the same way, with
 * their action receipt (incoming.ts). Everything lives in state rows, so a
 * shard object restarted between park and re-run loses nothing.
 */
import { base64Decode, base64Encode } from "../codec/base64.js";
import type { BlockContext } from "../contracts/host.js";
import type { RemoteReads } from "../contracts/remote.js";
import { postsAtSettle } from "../sharding/events.js";
import { inTxBlock, txBlockOf } from "../sharding/forward.js";
import {
  answerValue,
  gasLock,
  isIndexRead,
  isPlacedKey,
  type Parked,
  parkedKey,
  parkedPart,
  parkedParts,
  partTx,
  READING,
  READS,
  type IndexesWere,
  type ReadLocks,
  readParked,
  readReceipt,
  readsOf,
  releaseOf,
  remoteKeyShard,
  withCompanion,
} from "../sharding/reads.js";
import { awaitsSettle, bundleOf, type CrossReceipt, ReceiptRefused, receiverKeys, type Settlement } from "../sharding/receipts.js";
import { createdBy, isPending, pendingOf } from "../sharding/pending.js";
import { movePledge, type PledgeMove, pledgesAt } from "../sharding/pledges.js";
import { answerOf, type Asking, ageOf, askOf, mayCreateNames } from "../sharding/asks.js";
import { poolOrder } from "../pool/index.js";
import type { State } from "../state/state.js";
import { basicKey, ContractDB, mapIndexKey, withoutAge } from "../state/storage.js";
import { AUTH_RECORD } from "../sharding/placement.js";
import { domainCopies, isDomainCopy } from "../sharding/dns-copies.js";
import { registerOf } from "../sharding/directory.js";
import { decodeTx, FULL, txBytes } from "../tx/bytes.js";
import type { Tx, TxReceipt } from "../tx/types.js";
import type { ShardState } from "./guard.js";
import { type ExecuteResult, runTx } from "./index.js";
import { type Age, older } from "../sharding/age.js";
import { LOCKS, lockAge, lockEntry, NAME_WAIT, readLocks, type Redo, setLock } from "./locks.js";

/** The publisher's gas records (gas.iost). */
const gasKeys = (publisher: string) => ["gt", "gl", "gs", "gu"].map((k) => basicKey("gas.iost", publisher + k));

/** Stores parked part `p` in its row, listed after every part parked before it when it is new here. */
function putParked(state: State, p: Parked): void {
  const parts = parkedParts(state);
  if (!parts.includes(p.part)) state.put(READS, JSON.stringify([...parts, p.part]));
  state.put(parkedKey(p.part), JSON.stringify(p));
}

/**
 * The parts parked here that run again in the chunk of `height`, after its incoming receipts, in the order
 * they parked: every answer in, and a part waiting for the directory from its height on.
 */
export function readyParts(state: State, height: number): Parked[] {
  return readParked(state).filter((p) => Object.keys(p.asked).length === 0 && (p.ask?.left.length ?? 0) === 0 && (p.until ?? 0) <= height);
}

/**
 * Whether a first run that found a receiver nowhere (remote.ts `unknown`) waits for the directory instead of failing
 * now: always. With several shards an account or contract created in the tx's own block (for a forwarded part: by
 * then, its tx's) on another shard, which one chain might have run first, is known here once every shard's chunk of
 * that block was applied: a tx of the pool runs again after the next chunk's incoming receipts, a forwarded part after
 * its own chunk's. Every later run fails on a miss, with one shard's error. However many wait: each parks in a row of
 * its own, its tx's bytes with it; only their ids' list and their gas locks grow (docs/SHARDING.md, the bounds left).
 */
export function waitsForDirectory(reads: RemoteReads): boolean {
  return reads.waits();
}

/**
 * Whether a re-run of parked part `p` that found a receiver nowhere waits once more, and the round of asks it sends if
 * it asks (sharding/asks.ts). While a name it found nowhere is pending (a tx may still create it, sharding/pending.ts),
 * it runs again after the next chunk's incoming receipts; else it asks every other shard, then those that answered that
 * an older tx running a contract's code is undecided at its home there (this shard it tells itself), and runs again once
 * every answer is in, until a round finds none. That ends: only txs older than the waiter hold it, none joins them
 * once its block ran, and each is decided after finitely many blocks (the oldest in flight never gives way).
 */
export function waitsForName(state: State, reads: RemoteReads, p: Parked, shard: { index: number; count: number }): { wait: boolean; ask?: Asking } {
  if (!reads.waits()) return { wait: false };
  const age = ageOf(p);
  if ([...reads.unknown].some((name) => isPending(state, name, age))) return { wait: true };
  const last = p.ask;
  if (last?.busy.length === 0) return { wait: false };
  const others = last?.busy ?? Array.from({ length: shard.count }, (_, i) => i);
  const left = others.filter((s) => s !== shard.index);
  const here = olderUndecided(state, age);
  if (left.length === 0 && !here) return { wait: false };
  return {
    wait: true,
    ask: {
      round: (last?.round ?? 0) + 1,
      left,
      busy: here ? [shard.index] : [],
      names: [...new Set([...(last?.names ?? []), ...reads.unknown, ...reads.creates])].sort(),
    },
  };
}

/** The asks of parked part `p`'s round (`Parked.ask`), one per shard it asks. */
export function asksOf(p: Parked, from: number): CrossReceipt[] {
  const a = p.ask;
  return (a?.left ?? []).map((to) => askOf(p.txHash, p.part, ageOf(p), a!.round, from, to));
}

/**
 * Whether a tx older than `age` is undecided at its home here and may create names where it is forwarded
 * (`mayCreateNames`: a contract's code, which no shard can tell before it runs, or a top-level creation): locked in
 * flight (its `redo`, kept by its home alone) or parked (`x-reads`, its bytes kept); or a part of it elsewhere holds an
 * account's record here for writing, which this shard announces when the tx stands.
 */
export const olderUndecided = (state: State, age: Age): boolean => undecidedCreators(state).some((a) => a[1] !== age[1] && older(a, age));

/** The ages for names (height, pool key: sharding/asks.ts) of the txs undecided at their home here that may create names where forwarded (`olderUndecided`), decoded once a chunk. */
function undecidedCreators(state: State): Age[] {
  const out: Age[] = [];
  const add = (raw: string, at: string, hash: string) => {
    const tx = decodeTx(base64Decode(raw));
    if (mayCreateNames(tx.actions, hash)) out.push([at, poolOrder(tx, hash)]);
  };
  for (const [hash, held] of Object.entries(readLocks(state.get(LOCKS)))) {
    const e = held.at === undefined ? undefined : lockEntry(state, hash);
    const redo = e && [e, ...(e.outer ?? [])].find((x) => x.redo !== undefined)?.redo;
    if (redo !== undefined) add(redo.tx, redo.block.number, hash);
  }
  for (const p of readParked(state)) if (p.tx !== undefined && p.block !== undefined) add(p.tx, p.block.number, p.txHash);
  // A part elsewhere that may write an account's record here (a contract's auth.iost call: auth.ts onItsShard): this
  // shard announces the account only when the part's release lands (takeRelease), after its tx's home decided it.
  for (const l of Object.values(JSON.parse(state.get(READING) ?? "{}") as ReadLocks))
    if (l.write && l.at !== undefined && l.ord !== undefined && l.keys.some((k) => k.startsWith(AUTH_RECORD))) out.push([l.at, l.ord]);
  return out;
}

/** The `ask`s of other shards' waiters, answered in the chunk that applies them, after its other receipts: nothing written here. */
export function answerAsks(state: State, asks: readonly CrossReceipt[], shard: number): CrossReceipt[] {
  if (asks.length === 0) return [];
  const undecided = undecidedCreators(state);
  return asks.map((q) =>
    answerOf(
      q,
      shard,
      undecided.some((a) => a[1] !== q.ord && older(a, [q.at!, q.ord!])),
    ),
  );
}

/**
 * An answer to an ask: only of a part parked here that asked that shard this round. One for a part no longer parked
 * here (it gave way meanwhile, its run undone) changes nothing.
 */
export function takeAnswer(state: State, r: CrossReceipt): void {
  const p = parkedPart(state, r.account);
  if (p === undefined || p.txHash !== r.txHash) return;
  const a = p.ask;
  if (a === undefined || r.id !== `${r.account}:ask${a.round}:told${r.fromShard}` || !a.left.includes(r.fromShard))
    throw new ReceiptRefused(`receipt ${r.id} refused: an answer of shard ${r.fromShard} to no ask of ${r.account} parked here`);
  a.left = a.left.filter((s) => s !== r.fromShard);
  if (r.undecided) a.busy = [...a.busy, r.fromShard].sort((x, y) => x - y);
  putParked(state, p);
}

/**
 * The next round of `p`: of the values fetched, those its last run read (what it reads again up to its
 * first missing record), and the keys it missed asked of their shards. Returns the `read` receipts.
 */
function nextRound(state: State, p: Parked, reads: RemoteReads, shard: { index: number; count: number }): CrossReceipt[] {
  if (reads.writing) p.write = true;
  p.values = Object.fromEntries([...new Set([...reads.touched].flatMap(withCompanion))].filter((k) => k in p.values).map((k) => [k, p.values[k]]));
  const out = readsOf(state, p, reads.missing, shard, reads.missedAt);
  p.asked = Object.fromEntries(out.map((r) => [String(r.toShard), r.keys!]));
  p.locked = [...new Set([...p.locked, ...out.map((r) => r.toShard)])].sort((a, b) => a - b);
  if (out.length > 0) holdHere(state, p, reads.here, shard.index);
  return out;
}

/**
 * Locks for reading the records of this shard part `p`'s run read (`RemoteReads.here`) while it asks other shards,
 * as those shards lock theirs: a tx of this shard that has not run yet and writes one waits for the part's re-run.
 * Else such a tx, run between the void run and the re-run, is seen by the re-run here while the answers of other
 * shards came before its credits or burns landed there (docs/SHARDING.md "Remote state inside a contract", _Its own
 * shard's records_; in-flight 433/118). Dropped (`dropLocks`) when the part leaves (`unpark`) or starts over (`restart`).
 */
function holdHere(state: State, p: Parked, here: ReadonlySet<string>, shard: number): void {
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  const keys = [...new Set([...(locks[p.part]?.keys ?? []), ...here])].sort();
  if (keys.length === 0) return;
  const [at, ord] = ageOf(p);
  locks[p.part] = { from: shard, keys, at, ...(ord ? { ord } : {}) };
  state.put(READING, JSON.stringify(locks));
}

/** Writes the read locks back: the row goes with the last one. */
function putLocks(state: State, locks: ReadLocks): void {
  if (Object.keys(locks).length === 0) state.del(READING);
  else state.put(READING, JSON.stringify(locks));
}

/** Drops `part`'s read locks here, if it holds any: its own shard's records (`holdHere`), or what another shard asked. */
function dropLocks(state: State, part: string): void {
  const raw = state.get(READING);
  if (raw === undefined) return;
  const locks = JSON.parse(raw) as ReadLocks;
  if (!(part in locks)) return;
  delete locks[part];
  putLocks(state, locks);
}

/** Parks part `p` (new, or run again and still missing) for its next round; returns its `read` receipts. */
export function parkPart(state: State, p: Parked, reads: RemoteReads, shard: { index: number; count: number }): CrossReceipt[] {
  const before = parkedPart(state, p.part);
  if (before !== undefined) p.round = before.round + 1;
  const out = nextRound(state, p, reads, shard);
  putParked(state, p);
  return out;
}

/**
 * A tx at home whose run missed records of other shards: parked, its publisher's gas locked, with a
 * placeholder receipt its re-run replaces (the chunk records it as any tx awaiting receipts: its reads).
 */
export function park(state: ShardState, tx: Tx, hash: string, block: BlockContext, reads: RemoteReads): ExecuteResult {
  const p = parkedTx(tx, hash, block);
  if (reads.unknown.size > 0) p.until = Number(block.number) + 1;
  // A creator of a name (and nothing found nowhere): it asks now whether an older tx may still create it too.
  else if (reads.creates.size > 0) p.ask = waitsForName(state, reads, p, block.shard!).ask;
  const outgoing = parkPart(state, p, reads, block.shard!);
  lockGas(state, hash, tx.publisher, [p.block!.number, poolOrder(tx, hash)]);
  // Parked for the directory or for answers alone, it reads nothing: its receipt awaits the re-run's settlement.
  const waits = outgoing.length === 0 ? { waits: 1 } : {};
  // Its notes now, not with its re-run: a waiter of its block runs again before that (sharding/pending.ts).
  return {
    receipt: placeholder(hash),
    outgoing: [...notesOf(p, tx.publisher, block.shard!), ...outgoing, ...asksOf(p, block.shard!.index)],
    events: [],
    ...waits,
  };
}

/** A tx at home parked in `block`, with the names its actions may create (sharding/pending.ts createdBy). */
function parkedTx(tx: Tx, hash: string, block: BlockContext): Parked {
  const p: Parked = { part: hash, txHash: hash, tx: base64Encode(txBytes(tx, FULL)), block: txBlockOf(block), round: 1, asked: {}, values: {}, locked: [] };
  const noted = createdBy(tx.actions, hash);
  if (noted.length > 0) p.noted = noted;
  return p;
}

/** A parked tx's receipt until its re-run's settlement replaces it (the chunk records it as any tx awaiting receipts). */
const placeholder = (hash: string): TxReceipt => ({ txHash: hash, gasUsage: 0n, ramUsage: {}, statusCode: "SUCCESS", message: "", returns: [], receipts: [] });

/** Locks parked tx `hash`'s publisher's gas (locks.ts `keep`) until its re-run, with its age: the publisher's later txs wait for it. */
function lockGas(state: State, hash: string, publisher: string, [at, ord]: Age): void {
  setLock(state, gasLock(hash), { undo: [], keep: gasKeys(publisher), held: [], at, ord });
}

/**
 * Whether a fresh tx of `publisher` that met `conflict` (guard.ts) waits in the pool for a lock on its publisher's gas:
 * its publisher's later txs of the chunk stay in the pool too, none parking behind it (`parksBehind`), so they keep their order.
 */
const heldOnGas = (conflict: string | null, publisher: string): boolean => conflict !== null && gasKeys(publisher).includes(conflict);

/**
 * A chunk's pool loop's rule for each publisher's order (durable-objects/shard/chunk-build.ts and the simulator run
 * it alike): after a tx held in the pool on its publisher's gas (`heldOnGas`), that publisher's later txs stay there
 * too (`holds`); and a tx whose publisher's gas a tx in flight locked parks behind it when a later tx of its
 * publisher that the chunk may still take may create names (`createsLater`), so that one parks behind in turn, in
 * order, and sends its notes in its block. `txAt(i)`: the i-th tx of the chunk's pool order (or of a peer's chunk,
 * which holds the creating tx after: `awaits`), undefined past its end.
 */
export class PoolOrder {
  private readonly held = new Set<string>();
  /** Per publisher, the places of its txs scanned so far that may create names, ascending. */
  private readonly creators = new Map<string, number[]>();
  private scanned = 0;
  /** Per publisher parked behind for a later creating tx, that tx's place. */
  private readonly awaited = new Map<string, number>();

  constructor(private readonly txAt: (i: number) => { tx: Tx; hash: string } | undefined) {}

  /** Whether a tx of `publisher` stays in the pool unrun: one of its before it waits there on its gas. */
  holds(publisher: string): boolean {
    return this.held.has(publisher);
  }

  /** A tx of `publisher` met `conflict` and waits in the pool. */
  met(conflict: string | null, publisher: string): void {
    if (heldOnGas(conflict, publisher)) this.held.add(publisher);
  }

  /**
   * Whether a tx of `publisher` after the i-th may create names, among those the chunk may still take: `room` txs,
   * the i-th among them (a parked tx counts among a chunk's txs, so one publisher parks at most that many). Asked
   * only of a tx whose publisher's gas is locked, so the scan (each tx's actions parsed once) is paid only then.
   */
  createsLater(publisher: string, i: number, room: number): boolean {
    // Never less as `i` grows: a place takes at most one tx.
    const end = i + room - 1;
    // Those before the i-th count no more: the pool loop passed them.
    this.scanned = Math.max(this.scanned, i + 1);
    for (; this.scanned <= end; this.scanned++) {
      const t = this.txAt(this.scanned);
      if (t === undefined) break;
      if (createdBy(t.tx.actions, t.hash).length === 0) continue;
      const at = this.creators.get(t.tx.publisher);
      at === undefined ? this.creators.set(t.tx.publisher, [this.scanned]) : at.push(this.scanned);
    }
    const at = this.creators.get(publisher) ?? [];
    while (at.length > 0 && at[0] <= i) at.shift();
    if (at.length === 0 || at[0] > end) return false;
    this.awaited.set(publisher, at[0]);
    return true;
  }

  /**
   * Whether the chunk, past its gas cap at its i-th tx, still takes the txs of `publisher` (or, with none, of any
   * publisher) up to a creating tx a tx of it parked behind for (`createsLater`): they park, using no gas, so a peer's
   * chunk holds the creating tx after the parked ones, as its check asks.
   */
  awaits(i: number, publisher?: string): boolean {
    if (publisher !== undefined) return (this.awaited.get(publisher) ?? -1) >= i;
    return [...this.awaited.values()].some((at) => at > i);
  }
}

/**
 * Whether fresh tx `tx` is taken into its block behind its publisher's tx in flight (`parkBehind`) rather than wait in
 * the pool for it: a tx in flight locked its publisher's gas here, and it may create names (sharding/pending.ts
 * createdBy), a later tx of its publisher in the chunk may (`later`: PoolOrder createsLater) or a tx of its publisher
 * parks so already (their order kept). The pool's tx would run, and send its notes, in a later block than one chain runs it in.
 */
export function parksBehind(state: ShardState, tx: Tx, hash: string, later?: () => boolean): boolean {
  if (!gasKeys(tx.publisher).some((k) => state.lockHolder(k) !== null)) return false;
  return createdBy(tx.actions, hash).length > 0 || readParked(state).some((p) => p.behind === tx.publisher) || later?.() === true;
}

/**
 * Tx `hash` taken into `block` behind its publisher's tx in flight (`parksBehind`): not run (it would touch the
 * locked gas), parked with nothing to ask, to run in this block once the lock goes (first in a chunk, after its
 * incoming receipts: rerunTx waits while the lock holds), so it keeps its block and its place among its publisher's
 * txs. It sends the notes of the names it may create now, in its block's chunk, as a tx parked at home does; it locks
 * nothing (the lock it waits for holds its publisher's gas meanwhile: a lock of its own could close a wait cycle with
 * that tx's run again, locks.ts Redo). Its receipt awaits the re-run's settlement.
 */
export function parkBehind(state: State, tx: Tx, hash: string, block: BlockContext): ExecuteResult {
  const p: Parked = { ...parkedTx(tx, hash, block), until: Number(block.number) + 1, behind: tx.publisher };
  putParked(state, p);
  return { receipt: placeholder(hash), outgoing: notesOf(p, tx.publisher, block.shard!), events: [], waits: 1 };
}

/** The notes (or, `cancel`, their cancels) of the names parked tx `p` noted when it parked, one per name per shard. */
function notesOf(p: Parked, publisher: string, shard: { index: number; count: number }, cancel = false): CrossReceipt[] {
  return (p.noted ?? []).flatMap((name) =>
    Array.from({ length: shard.count }, (_, to) => pendingOf(p.txHash, publisher, name, shard.index, to, cancel, ageOf(p))),
  );
}

/**
 * What a re-run of parked tx `p` sends of its notes: none again of a name noted when it parked or before it gave way
 * (a second would be refused), and their cancels held with the tx's other receipts while it is locked, sent now when
 * it failed. A tx that stands created every name its actions create, which drops their notes (registers, system.ts
 * announce); a name a run before a give-way created in a contract's code and this run did not is cancelled now.
 */
function renoted(state: State, p: Parked, tx: Tx, out: CrossReceipt[], stands: boolean, shard: { index: number; count: number }): CrossReceipt[] {
  const noted = p.noted ?? [];
  if (noted.length === 0) return out;
  const entry = lockEntry(state, p.txHash);
  const registered = [...out, ...(entry?.held ?? [])].filter((r) => r.kind === "register").map((r) => r.account);
  const creates = new Set([...createdBy(tx.actions, p.txHash), ...registered]);
  const cancels = (names: string[]) => notesOf({ ...p, noted: names }, tx.publisher, shard, true);
  const gone = noted.filter((name) => !creates.has(name));
  if (entry !== undefined) {
    const held = new Set(entry.held.filter((r) => r.kind === "pending").map((r) => `${r.account}>${r.toShard}`));
    entry.held.push(...cancels(noted.filter((name) => creates.has(name))).filter((r) => !held.has(`${r.account}>${r.toShard}`)));
    setLock(state, p.txHash, entry);
  }
  const sent = out.filter((r) => !(r.kind === "pending" && noted.includes(r.account)));
  return [...cancels(entry === undefined && !stands ? noted : gone), ...sent];
}

/**
 * Tx `hash` of `publisher`, undone everywhere because a part of it gave way to an older tx (locks.ts PART_WAIT):
 * parked with nothing to ask, to run again from scratch after the next chunk's incoming receipts (`readyParts`,
 * `rerunTx`, `after`: this chunk's height) in its own block, so it keeps its age. Not in this chunk: the older tx's
 * part may wait, deferred on another shard, for what the voided run held there, which its releases free in this
 * chunk there; that part runs first in the next (deferred receipts come first), before this re-run's reads can take
 * those records again, as they would, sent now, in this same chunk after the releases. Its publisher's gas records put back as before it (the voided
 * run is not charged) and locked until then, as a parked tx's. Its receipt awaits the re-run's. The names it `noted`
 * pending stay noted: the re-run decides them (`renoted`), so a waiter of its block holds however often it gives way.
 * Nor before older creators are decided (`askAgain`): returns its first round of asks.
 */
export function redoTx(
  state: State,
  hash: string,
  publisher: string,
  redo: Redo,
  noted: string[],
  after: number,
  shard: { index: number; count: number },
): CrossReceipt[] {
  for (const [k, raw] of redo.gas) raw === null ? state.del(k) : state.put(k, raw);
  const run = (redo.run ?? 0) + 1;
  const tx = decodeTx(base64Decode(redo.tx));
  // A part of its own (`<hash>:r<run>`): the ids of its reads differ from those of the voided runs'.
  const p: Parked = {
    part: `${hash}:r${run}`,
    txHash: hash,
    tx: redo.tx,
    block: redo.block,
    round: 1,
    asked: {},
    values: {},
    locked: [],
    run,
    until: after + 1,
    ...(noted.length > 0 ? { noted } : {}),
  };
  const ask = askAgain(state, p, shard);
  if (ask !== undefined) p.ask = ask;
  putParked(state, p);
  lockGas(state, hash, publisher, [redo.block.number, poolOrder(tx, hash)]);
  return asksOf(p, shard.index);
}

/**
 * The next round of asks of a re-run after a give-way (sharding/asks.ts), or undefined when the last round found no
 * older undecided creator: it waits for those first. Its part gave way to an older tx, one that may create a name it
 * needs or creates, or whose lock it met, and that tx may in turn need records the re-run's home part locks: run at
 * once, it took them again a block after the give-way, before the older tx, parked and letting go of what it met
 * locked, had them, and the two met for ever (the in-flight property, seeds 9 and 17: a co-signed RAM trade calling a
 * contract, older, and a token move or create whose part waited for it). Its gas lock meanwhile is one other txs' parts
 * pass (sharding/reads.ts runsAfresh: it asked no read).
 */
function askAgain(state: State, p: Parked, shard: { index: number; count: number }): Asking | undefined {
  const last = p.ask;
  if (last?.busy.length === 0) return undefined;
  const left = (last?.busy ?? Array.from({ length: shard.count }, (_, i) => i)).filter((s) => s !== shard.index);
  const here = olderUndecided(state, ageOf(p));
  if (left.length === 0 && !here) return undefined;
  return { round: (last?.round ?? 0) + 1, left, busy: here ? [shard.index] : [], names: last?.names ?? [] };
}

/**
 * Whether parked part `p`, whose run touched what another tx locked on its own shard, gives up its locks elsewhere
 * (`restart`) rather than wait with them: a writer's hold back receipts on their shards, maybe a part of the very tx
 * it would wait for (docs/SHARDING.md "Calls of another shard's contract", _Locks_). Holding nothing then, it waits,
 * and asks anew once its run meets no lock.
 */
export const yields = (p: Parked) => p.write === true && p.locked.length > 0;

/**
 * Whether `publisher`'s gas is locked by its tx parked here awaiting answers to its asks (a creator, or a waiter that
 * found a name nowhere): that tx waits only for older txs, so a later tx of its publisher parked behind waits for it in
 * turn. Passing it (runsAfresh) could close a cycle: in flight, the later tx's part creating a name would ask, and be
 * told the parked tx is undecided, while that one's re-run waits for the later tx's lock on the publisher's gas.
 */
function behindAsker(state: ShardState, publisher: string): boolean {
  const holder = state.lockHolder(gasKeys(publisher)[0]);
  const q = holder === null ? undefined : readParked(state).find((x) => gasLock(x.txHash) === holder);
  return (q?.ask?.left.length ?? 0) > 0;
}

/**
 * The age of tx `holder`, which locked a key here: its `x-locks` entry's, or its parts' write locks' (`x-reading`;
 * unknown: "0" and "", older than any, as lockAge).
 */
export function holderAge(state: State, holder: string): Age {
  const own = lockAge(readLocks(state.get(LOCKS)), holder);
  if (own !== null) return own;
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  return readLockAge(Object.entries(locks).find(([part, l]) => partTx(part) === holder && l.write)?.[1]);
}

/** The age a lock of `x-reading` keeps (its part's `read`'s `at` and `ord`); none: older than any. */
const readLockAge = (l: { at?: string; ord?: string } | undefined): Age => [l?.at ?? "0", l?.ord ?? ""];

/**
 * Runs parked tx `p` again with every value it fetched. What it sends (its receipts; its read locks released when
 * it is decided) and the settlement of its home's receipt: the run's receipt, or another round of reads; none when
 * it touched what another tx locked (it runs in a later chunk; a writer releases its locks meanwhile: `yields`) or
 * waits for a pending name once more.
 */
export function rerunTx(state: ShardState, p: Parked, block: BlockContext): { outgoing: CrossReceipt[]; settlement?: Settlement } {
  if (p.behind !== undefined && behindAsker(state, p.behind)) return { outgoing: [] };
  const tx = decodeTx(base64Decode(p.tx!));
  if (p.run !== undefined && p.round === 1 && (p.ask?.busy.length ?? 0) > 0) {
    // A re-run after a give-way, not run yet, an older creator undecided in its last round (askAgain): it asks again.
    p.ask = askAgain(state, p, block.shard!);
    if (p.ask !== undefined) {
      putParked(state, p);
      return { outgoing: asksOf(p, block.shard!.index) };
    }
  }
  state.watch(p.txHash, false);
  state.checkpoint();
  setLock(state, gasLock(p.txHash), undefined);
  const height = Number(block.number);
  let ask: Asking | undefined;
  const waits = (reads: RemoteReads) => {
    const w = waitsForName(state, reads, p, block.shard!);
    ask = w.ask;
    return w.wait;
  };
  state.readOnly = readOnlyKeys(state, p, block.shard!);
  let r: ReturnType<typeof runTx>;
  try {
    r = runTx(state, tx, p.txHash, inTxBlock(block, p.block!), new Map(Object.entries(p.values)), waits, p.run);
  } finally {
    state.readOnly = new Set();
  }
  const base = { txHash: p.txHash, receiptId: `${p.txHash}:read.${p.round}`, ok: true, message: "" };
  if (state.conflict !== null) {
    state.rollback();
    // Against another parked writer's read lock only the younger lets go: each meeting what the other holds, both let go,
    // fetched again and met again, for good. A tx in flight (`x-locks`) may have a part waiting for these very locks: it
    // always lets go for that one.
    const holder = state.holder;
    const reader = holder !== null && readLocks(state.get(LOCKS))[holder] === undefined;
    const first = reader && older([p.block!.number, poolOrder(tx, p.txHash)], holderAge(state, holder));
    return { outgoing: yields(p) && !first ? restart(state, p, block.shard!.index) : [] };
  }
  if ("missing" in r) {
    state.rollback(); // its gas stays locked
    if (r.missing.unknown.size > 0) p.until = height + 1;
    if (ask !== undefined) p.ask = ask;
    if (p.behind !== undefined) {
      // It ran at last, and parks as a tx at home does: its publisher's later txs wait for it.
      lockGas(state, p.txHash, tx.publisher, [p.block!.number, poolOrder(tx, p.txHash)]);
      delete p.behind;
    }
    // Waiting for a name while it holds records of other shards locked for writing: an older tx's part may wait for
    // those (a signUp's RAM buy behind a RAM buy that waits for the name), so after NAME_WAIT blocks it lets them go,
    // as a part waiting for a name gives way, and fetches them anew once its asks are answered.
    const released = r.missing.waits() && p.locked.length > 0 && height - (p.since ??= height) >= NAME_WAIT ? restart(state, p, block.shard!.index) : [];
    if (released.length > 0) delete p.since;
    const outgoing = parkPart(state, p, r.missing, block.shard!);
    const asks = asksOf(p, block.shard!.index);
    // Waiting for a pending name or for answers alone, its receipt awaits the next re-run as before: no settlement.
    // Its releases await no answer.
    if (outgoing.length === 0) return { outgoing: [...released, ...asks] };
    return { outgoing: [...released, ...outgoing, ...asks], settlement: { ...base, more: outgoing.length } };
  }
  // It does not wait for read locks: the younger txs' parts holding keys it wrote read them again.
  const stale = staleReaders(
    state,
    { id: base.receiptId, txHash: p.txHash, toShard: block.shard!.index },
    state.latest().keys(),
    [],
    [p.block!.number, poolOrder(tx, p.txHash)],
  );
  state.release();
  unpark(state, p.part);
  // Dropped now (a co-signer's permissions changed meanwhile): nothing charged, as one shard drops it.
  const receipt: TxReceipt =
    "dropped" in r ? { txHash: p.txHash, gasUsage: 0n, ramUsage: {}, statusCode: "RUNTIME_ERROR", message: r.dropped, returns: [], receipts: [] } : r.receipt;
  const out = renoted(state, p, tx, "dropped" in r ? [] : r.outgoing, receipt.statusCode === "SUCCESS", block.shard!);
  const events = "dropped" in r || postsAtSettle(out) ? undefined : r.events;
  const writes = state.takeRemoteWrites();
  const pledges = "dropped" in r ? undefined : r.pledges;
  // A part forwarded on carries what it wrote: it lands before the first later part of its shard, or comes back with
  // the settle to land with the held release (docs/SHARDING.md "Calls of another shard's contract").
  const action = out.find((x) => x.kind === "action");
  if (action !== undefined && writes.size > 0) action.forward = { ...action.forward!, writes: allWrites(writes) };
  return {
    outgoing: [
      ...stale,
      ...out,
      ...releasesNow(state, p, block.shard!.index, writes, action === undefined ? null : new Map(), pledgesAt(pledges, block.shard!.count)),
    ],
    settlement: { ...base, rerun: { receipt, ...(events ? { events } : {}) }, more: out.filter(awaitsSettle).length },
  };
}

/** The keys of `p`'s fetched values whose shard locked them for it only for reading (ShardState.readOnly). */
export function readOnlyKeys(state: State, p: Parked, shard: { index: number; count: number }): Set<string> {
  return new Set(Object.keys(p.values).filter((k) => !(p.writers ?? []).includes(remoteKeyShard(state, k, shard) ?? shard.index)));
}

/** Writes by shard as one list in key order (Forwarded `writes`). */
export function allWrites(by: ReadonlyMap<number, [string, string | null][]>): [string, string | null][] {
  return [...by.values()].flat().sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * A part that ran with every value it asked for: its read locks go, one `release` per shard that holds some,
 * carrying what its run wrote there (`writes`: ShardState.takeRemoteWrites, its callees' of that shard) and the
 * pledge fields it moved of pledgers living there (`pledges`, by shard: pledges.ts pledgesAt).
 */
export function releasesOf(
  p: Parked,
  from: number,
  writes: ReadonlyMap<number, [string, string | null][]> = new Map(),
  pledges: ReadonlyMap<number, PledgeMove[]> = new Map(),
): CrossReceipt[] {
  return p.locked.map((to) => {
    const w = writes.get(to);
    const moved = pledges.get(to);
    // The moves go even when the part wrote nothing there itself: its writes of keys an earlier part carried to it go
    // back with the settle, to land with that part's release, but the moves are this part's (a co-signer's pledge).
    if (w === undefined && moved === undefined) return releaseOf(p, from, to);
    return { ...releaseOf(p, from, to), ...(w ? { writes: w } : {}), ...(moved ? { pledges: moved } : {}) };
  });
}

/**
 * The releases part `p` sends now. Those carrying writes or pledge moves wait with its tx's other receipts while the tx
 * is locked here (a part of it still runs elsewhere, locks.ts): they land only if it stands, else go without them.
 * When its writes went on with the tx's next part (`carried`: what earlier parts carried to it, else null), they wait
 * with the values its keys had before it instead (`restore`): the settle brings back what no part landed (locks.ts
 * unlockTx). A key an earlier part wrote had the value that part carried: that part's own release puts back the stored
 * one after it. Put back as stored, the earlier part's change of an amount would be undone ahead of the rest of that
 * part (its payer's debit, on another shard or still held), and exist nowhere until that part's release.
 */
export function releasesNow(
  state: State,
  p: Parked,
  from: number,
  writes: ReadonlyMap<number, [string, string | null][]>,
  carried: ReadonlyMap<string, string | null> | null = null,
  pledges?: ReadonlyMap<number, PledgeMove[]>,
): CrossReceipt[] {
  const all = releasesOf(p, from, writes, pledges);
  const waits = (r: CrossReceipt) => r.writes !== undefined || r.pledges !== undefined;
  if (!all.some(waits)) return all;
  const entry = lockEntry(state, p.txHash);
  if (entry === undefined) return all;
  const before = ({ writes: w, ...r }: CrossReceipt, c: ReadonlyMap<string, string | null>): CrossReceipt =>
    w === undefined ? r : { ...r, restore: w.map(([k]) => [k, c.has(k) ? c.get(k)! : (p.values[k] ?? null)]) };
  entry.held.push(...all.filter(waits).map((r) => (carried ? before(r, carried) : r)));
  setLock(state, p.txHash, entry);
  return all.filter((r) => !waits(r));
}

/** The write-locked keys here of `r`'s tx's parts (any shard's: a write may come along the chain from an earlier part). */
export function txWriteLocks(state: State, r: CrossReceipt): Set<string> {
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  return new Set(
    Object.entries(locks)
      .filter(([part, l]) => partTx(part) === r.txHash && l.write)
      .flatMap(([, l]) => l.keys),
  );
}

/**
 * Lands the writes an action receipt carries of records this shard keeps (what earlier parts' callees of this shard
 * wrote, Forwarded `writes`) before its part runs, each of a key a part of its tx write-locked here (refused as a
 * whole otherwise). They stay when the part fails or is undone: the writer's release puts them back (`restore`) as
 * the writer's part is undone, so the caller's side and theirs are never apart and the supply stays exact.
 */
export function landWrites(state: State, r: CrossReceipt, shard: { index: number; count: number }): void {
  const here = (r.forward?.writes ?? []).filter(([k]) => remoteKeyShard(state, k, shard) === null);
  if (here.length === 0) return;
  const locked = txWriteLocks(state, r);
  if (here.some(([k]) => !locked.has(k))) throw new ReceiptRefused(`receipt ${r.id} refused: writes of ${r.txHash} that it did not lock here for writing`);
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  let noted = false;
  const whole = new Set(here.map(([k]) => k));
  for (const [k, v] of here) {
    const f = placedField(k);
    const index = f === null ? null : mapIndexKey(f.contract, f.map);
    const before = index === null ? undefined : [state.get(index) ?? null, state.get(index + "@") ?? null];
    land(state, k, v, false, whole);
    const told = isTold(k);
    const indexed = index !== null && !whole.has(index) && (state.get(index) ?? null) !== before![0];
    if (!told && !indexed) continue;
    // Noted in the lock of the part that locked the key (its writer's): its release, once the tx is decided, finds it there.
    const lock = locks[Object.keys(locks).find((p) => partTx(p) === r.txHash && locks[p].write && locks[p].keys.includes(k))!];
    noted = true;
    // An account's record or a url's: announced when the tx stands (takeRelease), as a copy cannot be taken back.
    if (told) lock.told = [...new Set([...(lock.told ?? []), k])].sort();
    if (!indexed || index === null) continue;
    const was = (lock.was ??= {});
    was[index] = [...(was[index]?.slice(0, 2) ?? before!), state.get(index) ?? null] as IndexesWere[string];
  }
  if (noted) putLocks(state, locks);
}

/** A placed map field's key (`m-<contract>-<map>-<field>`) taken apart, else null. */
function placedField(key: string): { contract: string; map: string; field: string } | null {
  const m = /^m-([^-]+)-([^-]+)-(.+)$/.exec(key);
  return m === null || !isPlacedKey(key) ? null : { contract: m[1], map: m[2], field: m[3] };
}

/**
 * Puts here a write another shard's run made of a record this shard keeps. A map's field, coming or going, joins or
 * leaves the map's index here, as mputRaw and mdel keep it where the run left it to this shard (State.indexesHere),
 * unless the index lands `whole` with it (a contract's map, which the run indexed: guard.ts indexesHere).
 * `putBack`: a failed tx's restore (the values before it). A field absent before it, which a part of it added here,
 * leaves the index as one shard's undo of the tx leaves it: as if it never joined (no delete's `@` mark).
 */
function land(state: State, key: string, value: string | null, putBack = false, whole: ReadonlySet<string> = new Set()): void {
  const f = placedField(key);
  const indexed = f !== null && !whole.has(mapIndexKey(f.contract, f.map));
  const had = indexed && state.get(key) !== undefined;
  if (value === null) state.del(key);
  else state.put(key, value);
  if (!indexed || had === (value !== null)) return;
  const db = new ContractDB(state);
  if (value !== null) db.addField(f.contract, f.map, f.field);
  else if (putBack) db.unlistField(f.contract, f.map, f.field);
  else db.delField(f.contract, f.map, f.field);
}

/** `r` as it waits here (deferred or parked) once its writes of this shard landed: it runs again without them. */
export function withoutLanded(state: State, r: CrossReceipt, shard: { index: number; count: number } | undefined): CrossReceipt {
  if (r.kind !== "action" || r.forward?.writes === undefined || shard === undefined) return r;
  const { writes: _, ...forward } = r.forward;
  const rest = passingWrites(state, r, shard);
  return { ...r, forward: rest.length > 0 ? { ...forward, writes: rest } : forward };
}

/** The writes an action receipt carries of records other shards keep: its part reads them as its own (guard.ts carry). */
export function passingWrites(state: State, r: CrossReceipt, shard: { index: number; count: number }): [string, string | null][] {
  return (r.forward?.writes ?? []).filter(([k]) => remoteKeyShard(state, k, shard) !== null);
}

/** A parked forwarded part that gives way (incoming.ts gaveWay): dropped, its read locks released everywhere. */
export function partGaveWay(state: State, p: Parked, from: number): CrossReceipt[] {
  unpark(state, p.part);
  return p.locked.map((to) => releaseOf(p, from, to));
}

/**
 * A tx parked at its home whose read waited PART_WAIT blocks for an older tx's lock (`Parked.gaveWay`): its publisher's
 * gas lock goes, so that tx's part pledging or paying gas for the publisher runs; it keeps asking, holding nothing
 * (none again: its publisher's later txs may overtake it, a change of order only). Its read locks go by `restart`.
 */
export function giveUpGas(state: State, p: Parked): void {
  delete p.gaveWay;
  setLock(state, gasLock(p.txHash), undefined);
}

/** Parked part `p`'s re-run waits from `height` for an older tx's lock (it gives way after PART_WAIT blocks). */
export function waitsSince(state: State, p: Parked, height: number): void {
  p.since = height;
  putParked(state, p);
}

/**
 * Forwarded parts of tx `hash` parked here that heed a wound from shard `from`, one their tx ran on (incoming.ts): each
 * gives way once its round is in, as one whose read waited out an older tx's lock (`Parked.gaveWay`).
 */
export function woundParked(state: State, hash: string, from: number): void {
  for (const part of parkedParts(state).filter((x) => partTx(x) === hash)) {
    const p = parkedPart(state, part);
    if (p?.receipt === undefined || p.gaveWay || ![...(p.receipt.forward?.path ?? []), p.receipt.fromShard].includes(from)) continue;
    p.gaveWay = true;
    putParked(state, p);
  }
}

/** Drops a parked forwarded part that ran (its read locks released by the caller). */
export function unpark(state: State, part: string): void {
  const parts = parkedParts(state);
  if (!parts.includes(part)) return;
  dropLocks(state, part);
  const rest = parts.filter((x) => x !== part);
  if (rest.length === 0) state.del(READS);
  else state.put(READS, JSON.stringify(rest));
  state.del(parkedKey(part));
}

/**
 * A `read` from another shard's parked part: the stored values of its keys (each must live here), and
 * those keys locked until its `release`: shared by readers, for one part alone when it may write them
 * (`write`, its run called a contract of this shard). Reads through `state`, so a key another tx may still
 * undo makes a shared read wait (guard.ts), as any receipt. Locks of other parts in the way (docs/SHARDING.md
 * "Calls of another shard's contract", wait-die by age, sharding/age.ts): a writer waits only for writers of younger txs,
 * never for anything else, so no wait closes a cycle; else it is answered `busy` and gives up every lock it
 * holds here (a reader, whoever is in the way, waits: no writer waits for it). "wait": deferred, as a receipt
 * touching a locked key.
 */
export function answerRead(state: ShardState, r: CrossReceipt, shard: { index: number; count: number }): CrossReceipt | "wait" {
  const keys = r.keys!;
  const stray = keys.find((k) => !(isPlacedKey(k) || isIndexRead(k)) || remoteKeyShard(state, k, shard) !== null);
  if (stray !== undefined) throw new ReceiptRefused(`receipt ${r.id} refused: a read of ${JSON.stringify(stray)}, which shard ${shard.index} does not keep`);
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  const held = locks[r.account];
  if (held !== undefined && held.from !== r.fromShard) throw new ReceiptRefused(`receipt ${r.id} refused: reads of ${r.account} from shard ${held.from}`);
  const write = r.write === true || held?.write === true;
  const mine = new Set([...(held?.keys ?? []), ...keys]);
  // A writer's every key (those it held shared too) against every other lock; a reader's new keys against writers'.
  const against = write ? mine : new Set(keys);
  // Another part of the same tx is never in the way: its writes land when the tx is decided, after this part.
  const inWay = Object.entries(locks).filter(([part, l]) => partTx(part) !== r.txHash && (write || l.write) && l.keys.some((k) => against.has(k)));
  const age = readLockAge(r.at === undefined ? held : r);
  const busy = (): CrossReceipt => {
    delete locks[r.account];
    putLocks(state, locks);
    return { ...readReceipt("values", `${r.id}:values`, r.txHash, r.account, shard.index, r.fromShard), busy: true };
  };
  // A part parked here holding this shard's records (holdHere) whose run writes is a writer by age too: two such parts
  // of two shards, each asking the other's records for writing, were both answered busy and asked again in step for ever.
  const writer = (part: string, l: ReadLocks[string]) => l.write === true || (l.from === shard.index && parkedPart(state, part)?.write === true);
  if (inWay.length > 0) return !write || inWay.every(([part, l]) => writer(part, l) && older(age, readLockAge(l))) ? "wait" : busy();
  const values = keys.map((k): [string, string | null] => [k, answerValue((x) => state.get(x), k) ?? null]);
  // A key another tx may still undo: a writer does not wait for it (it waits for nothing but writers).
  if (write && state.conflict !== null) {
    state.conflict = null;
    return busy();
  }
  locks[r.account] = { from: r.fromShard, keys: [...mine], at: age[0], ...(age[1] ? { ord: age[1] } : {}), ...(write ? { write: true as const } : {}) };
  state.put(READING, JSON.stringify(locks));
  return { ...readReceipt("values", `${r.id}:values`, r.txHash, r.account, shard.index, r.fromShard), values };
}

/**
 * The answer to a forwarded part's `read` that waited PART_WAIT blocks for an older tx's lock here: busy, giving way
 * (its part gives way at its shard, incoming.ts), the part's read locks here dropped.
 */
export function readGaveWay(state: State, r: CrossReceipt, shard: number): CrossReceipt {
  dropLocks(state, r.account);
  return { ...readReceipt("values", `${r.id}:values`, r.txHash, r.account, shard, r.fromShard), busy: true, gaveWay: true };
}

/**
 * A part a shard answered `busy` (it dropped the part's locks there), once every answer of its round is in:
 * the other shards' locks go too, and it runs again on nothing fetched, asking anew. Returns the releases.
 */
export function restart(state: State, p: Parked, from: number): CrossReceipt[] {
  const out = p.locked.map((to) => releaseOf(p, from, to));
  dropLocks(state, p.part);
  p.values = {};
  p.locked = [];
  delete p.writers;
  delete p.busy;
  delete p.stale;
  putParked(state, p);
  return out;
}

/**
 * Notices (`values` marked `stale`) to the parts of other txs that hold here, locked for reading or writing, keys
 * `written` by credit `r` (not a probe: it writes nothing) of a decided tx, or the half deciding it, younger than it
 * or of its block (height, then pool key: `payer.at`, `payer.ord`) and not told yet (`told`, kept with a credit that waits). Such a part may have read elsewhere what that tx wrote, while its answer
 * here came before the credit landed, which one chain never shows; it reads again (docs/SHARDING.md "Remote state
 * inside a contract", _Credits in flight_). Only the credit of a tx older than the part, or of its block, tells
 * (`tells`): a part's age is fixed, so a bounded set of credits can make it read again, never a stream of new txs'.
 * In part order, so every node sends the same. A
 * forwarded part (an action receipt, `age` its tx's) or a tx's re-run at home (`rerunTx`) writing keys such a part
 * holds shared tells it the same way: neither waits for read locks, and the part may have seen its tx elsewhere.
 */
export function staleReaders(
  state: State,
  r: Pick<CrossReceipt, "id" | "txHash" | "toShard" | "probe" | "payer">,
  written: Iterable<string>,
  told: readonly string[] = [],
  age: Age = [r.payer?.at ?? "0", r.payer?.ord ?? ""],
): CrossReceipt[] {
  const raw = state.get(READING);
  if (raw === undefined || r.probe) return [];
  const keys = new Set(written);
  const locks = JSON.parse(raw) as ReadLocks;
  return Object.keys(locks)
    .sort()
    .filter((part) => {
      const l = locks[part];
      // A part parked here holding this shard's records (holdHere) re-reads them itself.
      return l.from !== r.toShard && partTx(part) !== r.txHash && !told.includes(part) && tells(age, readLockAge(l)) && l.keys.some((k) => keys.has(k));
    })
    .map((part) => ({ ...readReceipt("values", `${r.id}:stale:${part}`, partTx(part), part, r.toShard, locks[part].from), stale: true as const }));
}

/**
 * Whether a writer of age `writer` tells a reader of age `reader` holding what it wrote: when older, or of the reader's
 * block. A younger one's writes elsewhere the reader may have read too: its read there waited for that tx's lock, or
 * came after that tx decided there, which only that shard knows (docs/SHARDING.md "Remote state inside a contract",
 * _Younger txs of its block_). The txs up to the reader's block are a set fixed once that block is made: no stream of
 * new txs makes it read again.
 */
const tells = (writer: Age, reader: Age) => older(writer, reader) || writer[0] === reader[0];

/** What a forwarded part wrote in a chunk its credits leave with (its tx decided there), and its tx's age. */
export interface Decided {
  age: Age;
  keys: ReadonlySet<string>;
}

/**
 * A notice for the part whose `read` `r` a chunk answered after the parts of txs older than it, or of its block
 * (`tells`), whose credits leave with it (`decided`):
 * if the answer holds what one of them wrote, that tx's credits land a block after it, and a notice of theirs would
 * come when the part has run on this answer (docs/SHARDING.md "Remote state inside a contract", _Credits in flight_).
 * It leaves with the answer: the part reads again.
 */
export function sawDecided(r: CrossReceipt, decided: readonly Decided[], shard: number): CrossReceipt[] {
  const age = readLockAge(r);
  if (!decided.some((d) => tells(d.age, age) && r.keys!.some((k) => d.keys.has(k)))) return [];
  return [{ ...readReceipt("values", `${r.id}:stale`, r.txHash, r.account, shard, r.fromShard), stale: true as const }];
}

/**
 * A `stale` notice (`staleReaders`): the part, if still parked here holding that shard's lock, reads again once its
 * round is in. A part that ran meanwhile keeps its run (it read nothing of the credit's tx elsewhere: see the doc).
 */
export function takeStale(state: State, r: CrossReceipt): void {
  const p = parkedPart(state, r.account);
  if (p === undefined || p.txHash !== r.txHash || !p.locked.includes(r.fromShard) || p.stale) return;
  p.stale = true;
  putParked(state, p);
}

/**
 * Credits `out` leaving this shard with its chunk mark `stale` the parts parked here that they tell (`tells`) and that
 * hold their receivers' records (`receiverKeys`) on the credits' shards, as those shards' notices (`staleReaders`) would
 * a block after the credits land there: a part whose answer from such a shard was made before a credit landed there
 * may have its round in by then and run here, where the credit's tx ran first (docs/SHARDING.md "Remote state inside a
 * contract", _Credits in flight_; in-flight 1342/75 shrunk to two shards).
 */
export function creditsLeaving(state: State, out: readonly CrossReceipt[]): void {
  const credits = out.filter((x) => x.kind === "credit" && !x.probe && x.payer !== undefined).flatMap(bundleOf);
  if (credits.length === 0) return;
  for (const p of readParked(state)) {
    const held = new Set([...Object.keys(p.values), ...Object.values(p.asked).flat()]);
    const told = (x: CrossReceipt) =>
      x.txHash !== p.txHash &&
      p.locked.includes(x.toShard) &&
      tells([x.payer!.at ?? "0", x.payer!.ord ?? ""], ageOf(p)) &&
      receiverKeys(x).some((k) => held.has(k));
    if (p.stale || !credits.some(told)) continue;
    p.stale = true;
    putParked(state, p);
  }
}

/** A `values` answer: only from a shard a parked part asked, for exactly the keys asked. Returns the part, updated. */
export function takeValues(state: State, r: CrossReceipt): Parked {
  const found = parkedPart(state, r.account);
  const p = found?.txHash === r.txHash ? found : undefined;
  const asked = p?.asked[String(r.fromShard)];
  const keys = r.busy ? asked : r.values!.map(([k]) => k);
  if (p === undefined || asked === undefined || keys === undefined || asked.length !== keys.length || asked.some((k, i) => k !== keys[i]))
    throw new ReceiptRefused(`receipt ${r.id} refused: values of ${r.account} that no part parked here asked shard ${r.fromShard} for`);
  if (r.busy) {
    // That shard holds nothing of the part any more.
    p.busy = true;
    if (r.gaveWay) p.gaveWay = true;
    p.locked = p.locked.filter((s) => s !== r.fromShard);
    if (p.writers !== undefined) p.writers = p.writers.filter((s) => s !== r.fromShard);
  } else {
    for (const [k, v] of r.values!) p.values[k] = v;
    // Asked write-mode (readsOf): that shard's lock of every key it sent the part is a writer's now.
    if (p.write && !p.writers?.includes(r.fromShard)) p.writers = [...(p.writers ?? []), r.fromShard].sort((a, b) => a - b);
  }
  delete p.asked[String(r.fromShard)];
  putParked(state, p);
  return p;
}

/**
 * A `release`: only of a part this shard sent values to, from the shard that asked. Its writes (a callee of
 * this shard that ran in the part), or what it puts back (`restore`), land now, each of a key locked for that part
 * for writing (`write`: a write-mode read turned its whole lock a writer's, answerRead).
 */
export function takeRelease(state: State, r: CrossReceipt, count: number): CrossReceipt[] {
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  const held = locks[r.account];
  if (held?.from !== r.fromShard)
    throw new ReceiptRefused(`receipt ${r.id} refused: a release of reads of ${r.account} that shard ${r.fromShard} does not hold here`);
  const locked = new Set(held.keys);
  const lands = r.writes ?? r.restore ?? [];
  const stray = lands.find(([k]) => !locked.has(k));
  if (stray !== undefined) throw new ReceiptRefused(`receipt ${r.id} refused: a write of ${JSON.stringify(stray[0])}, which ${r.account} did not lock here`);
  // Locked for reading only (its part asked no write-mode read here): other parts may have read them meanwhile.
  if (lands.length > 0 && !held.write)
    throw new ReceiptRefused(`receipt ${r.id} refused: a write of ${JSON.stringify(lands[0][0])}, which ${r.account} locked here only for reading`);
  // A restore: an index the tx's landed writes changed, still as they left it, goes back whole, with its delete mark.
  const whole = new Set(lands.map(([k]) => k));
  for (const [index, [before, mark, after]] of r.restore === undefined ? [] : Object.entries(held.was ?? {})) {
    if ((state.get(index) ?? null) !== after) continue;
    for (const [k, v] of [
      [index, before],
      [index + "@", mark],
    ] as const)
      if (v === null) state.del(k);
      else state.put(k, v);
    whole.add(index);
  }
  for (const [k, v] of lands) land(state, k, v, r.writes === undefined, whole);
  for (const m of r.restore === undefined ? (r.pledges ?? []) : []) movePledge(state, r.toShard, count, m);
  delete locks[r.account];
  putLocks(state, locks);
  // The tx stands (a failed one's release puts back what its parts landed here): the accounts and urls it changed here
  // are told to the other shards.
  if (r.restore !== undefined) return [];
  const told = [...new Set([...(held.told ?? []), ...lands.map(([k]) => k).filter(isTold)])].sort();
  return toldOf(state, r.id, r.txHash, { index: r.toShard, count }, held, told);
}

/**
 * Copies of the records a later part of tx `txHash` landed here ahead of its decision that this shard tells the others
 * of (read locks' `told`): they ride on with the chain's next part (forward.ts carryRegisters), so every later part
 * knows the account or url as one shard does; the originals go when the tx stands (takeRelease).
 */
export function toldRiding(state: State, txHash: string, shard: { index: number; count: number }): CrossReceipt[] {
  const locks = JSON.parse(state.get(READING) ?? "{}") as ReadLocks;
  return Object.entries(locks)
    .filter(([part, l]) => partTx(part) === txHash && (l.told?.length ?? 0) > 0)
    .flatMap(([part, l]) => toldOf(state, `${part}:riding`, txHash, shard, l, l.told!));
}

/** The registers of the accounts and the domain copies of the urls among record keys `told`, as shard `here` tells them. */
function toldOf(
  state: State,
  id: string,
  txHash: string,
  here: { index: number; count: number },
  held: ReadLocks[string],
  told: readonly string[],
): CrossReceipt[] {
  const accounts = told.filter((k) => k.startsWith(AUTH_RECORD)).map((k) => k.slice(AUTH_RECORD.length));
  const urls = told.filter(isDomainCopy);
  const def = Object.fromEntries(urls.map((k) => [k, state.get(k) ?? ""]));
  const copies = urls.length === 0 ? [] : domainCopies((i) => `${id}:dns${i}`, txHash, "", here.count, def);
  return [...landedAuths(state, id, txHash, here, held, accounts), ...copies];
}

/** A record this shard alone tells the others of when a run elsewhere wrote it: an account's (registers), a url's (domain copies). */
const isTold = (key: string) => key.startsWith(AUTH_RECORD) || isDomainCopy(key);

/**
 * The `register` receipts of the accounts of this shard that a run elsewhere created or changed (a contract's call of
 * auth.iost, contracts/auth.ts onItsShard), once their records landed and the tx stands: only an account's shard sends
 * its permissions (receipts.ts checkReceipt), as system.ts announce does for a run here. Their age is the tx's.
 */
function landedAuths(
  state: State,
  id: string,
  txHash: string,
  here: { index: number; count: number },
  held: ReadLocks[string],
  accounts: readonly string[],
): CrossReceipt[] {
  const out: CrossReceipt[] = [];
  for (const account of accounts) {
    const raw = state.get(AUTH_RECORD + account);
    if (raw === undefined) continue;
    for (let to = 0; to < here.count; to++)
      if (to !== here.index) out.push(registerOf(`${id}:auth:${account}`, txHash, [here.index, to], account, "", held, withoutAge(raw)));
  }
  return out;
}

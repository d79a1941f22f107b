/**
 * What one run (a tx's part) reads of placed records inside balanceOf, supply
 * and storage.global* (docs/SHARDING.md "Remote state inside a contract"):
 * the overlay of values fetched from other shards, the keys it missed, and
 * the bounds, counted over the tx (a part counts on from the parts before it:
 * seed) alike on every shard count (N = 1 included) so that a run over them
 * fails with one error everywhere. executor/guard.ts fills it.
 */
import { type Counted, MAX_READ_BYTES, MAX_READ_KEYS } from "../sharding/reads.js";
import type { PledgeMove } from "../sharding/pledges.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { Age } from "../sharding/age.js";
import { decodeValue, encodeValue, int, json, str, withFields, withoutAge } from "../state/storage.js";
import { VmError } from "./errors.js";
import { freezeListJson, parseFreezeList, pushFreeze } from "./freeze.js";

export { MAX_READ_BYTES };

/** What a run reads of placed records: its overlay of fetched values, what it missed, what it counted. */
export class RemoteReads {
  /** Nonzero inside balanceOf, supply and storage.global*: their reads are placed and counted. */
  armed = 0;
  /** The running tx's age for names (height, pool key): a name a younger tx created reads absent (guard.ts `get`). */
  age: Age | null = null;
  /** Nonzero while a user contract's callee runs (host.ts countCallee): its reads of placed records kept here count too. */
  counting = 0;
  /**
   * Nonzero while reads count nothing, on every shard count: a credit's receiver half (token.ts: on N > 1 it runs
   * on the receiver's shard, which fetches nothing) and doPay (its reads of an owner's RAM counted as it was booked).
   */
  uncounted = 0;
  /**
   * Nonzero while what doPay reads to pay a contract's RAM is counted (host.ts countOwnerRam): keys of no bytes, as a
   * callee's code, on every shard count; a forwarded part holds a co-signer's RAM as an escrow whose record need not
   * have the home record's bytes (what earlier parts charged it is paid from it only after the last action).
   */
  keysOnly = 0;
  /** Nonzero inside storage.globalMapKeys: a field index N shards keep in parts is read as one shard lists it (guard.ts). */
  listing = 0;
  /** Nonzero inside a call of a contract of another shard: its writes of that shard's records go with the run (guard.ts). */
  calling = 0;
  /** Whether the run called a contract of another shard (it may write that shard's records): its reads lock for writing. */
  writing = false;
  /** Keys of other shards that were not in the overlay: the run is undone and they are fetched. */
  readonly missing = new Set<string>();
  /**
   * The shard each missed record lived on as the run read it, where it is asked (sharding/reads.ts readsOf): a token an
   * earlier part of the tx created lives where this run knew it (forward.ts knowClaims), which its undo forgets.
   */
  readonly missedAt = new Map<string, number>();
  /**
   * Accounts and contracts the run found nowhere (a transfer's receiver, a called contract): with several shards
   * one may have been created on another shard too recently for this one to know it, so a first run waits (executor/reads.ts).
   */
  readonly unknown = new Set<string>();
  /**
   * Accounts the run created (a signUp, at home or in a contract's code): with several shards an older tx may still
   * sign the same name up in a forwarded part, which one chain ran first, so the run waits until none is undecided
   * (executor/reads.ts waitsForName).
   */
  readonly creates = new Set<string>();
  /** Whether the run waits for names: one it found nowhere or created (`unknown`, `creates`). */
  waits(): boolean {
    return this.unknown.size > 0 || this.creates.size > 0;
  }

  /** The run waits for no name: what it found nowhere fails it, what it created stands. */
  settled(): void {
    this.unknown.clear();
    this.creates.clear();
  }

  /** Keys of other shards the run read (from the overlay or missing): what the next round keeps. */
  readonly touched = new Set<string>();
  /** Placed keys of the run's own shard it read: a part parking locks them there while it asks (executor/reads.ts holdHere). */
  readonly here = new Set<string>();
  /** Every placed key read, with its stored value's length: the bounds. */
  private readonly counted = new Map<string, number>();
  private bytes = 0;

  /** The credits the run sent so far (its host's outbox): one shard landed them before a later read. */
  sent: () => readonly CrossReceipt[] = () => [];
  /** The `<pledger>gp` fields the tx moved so far that no pledger's order holds yet (Host.pendingPledges). */
  pledged: () => readonly PledgeMove[] = () => [];
  /** Takes credits the run sent out of its outbox: absorb bundled them into an earlier one's probe. */
  drop: (credits: readonly CrossReceipt[]) => void = () => {};
  /** Books the RAM a credit's receiver half charges for rewriting balance record `key` from `before` to `after` (host.ts payHalf). */
  payHalf: (key: string, before: string | undefined, after: string) => void = () => {};

  constructor(readonly overlay: ReadonlyMap<string, string | null> = new Map()) {}

  /** The run's credits that land on balance or frozen-list record `key` (not yet in a value the run wrote). */
  private creditsTo(key: string, until?: CrossReceipt): CrossReceipt[] {
    const m = /^m-token\.iost-T([BF])([^-]+)-([^-]+)$/.exec(key);
    return m ? this.creditsOf(m[2], m[1] === "F", until).filter((c) => c.token === m[3]) : [];
  }

  /** The run's credits that land (no probe), or those sent before credit `until` when given. */
  private landing(until?: CrossReceipt): CrossReceipt[] {
    const sent = this.sent();
    return sent.slice(0, until === undefined ? sent.length : sent.indexOf(until)).filter((c) => c.kind === "credit" && !c.probe);
  }

  /** The run's credits to `account`'s balances, or its frozen lists when `frozen`; those sent before credit `until` when given. */
  private creditsOf(account: string, frozen: boolean, until?: CrossReceipt): CrossReceipt[] {
    return this.landing(until).filter((c) => (c.freezeUntil !== undefined) === frozen && c.account === account);
  }

  /** The bytes the run's credits of `ram` to `account` carry to its bought (`SR`: bought only) or held bytes; those sent before `until`. */
  private bytesTo(account: string, bought: boolean, until?: CrossReceipt): bigint {
    let bytes = 0n;
    for (const c of this.landing(until)) if (c.token === "ram" && c.account === account) bytes += BigInt(c.bought ?? (bought ? "0" : (c.lent ?? "0")));
    return bytes;
  }

  /**
   * A fetched balance or frozen-list record `raw` of `key` (or their field index) with the run's own credits to it
   * added, as one shard would read it: symbols new to an index appended; amounts added to a balance; to a frozen
   * list, each (amount, time) pushed in Go's order and the record then the publisher's, as a freeze's half rewrites
   * it under its RAM payer (token.ts freezeBalance); the bytes a buy or lend carries added to ram.iost's records of
   * them (ram.ts receiveBuy, receiveLend). Only those sent before credit `until` when given.
   */
  withCredits(key: string, raw: string | undefined, until?: CrossReceipt): string | undefined {
    const ram = RAM_RECORD.exec(key);
    if (ram) {
      const bytes = this.bytesTo(ram[2], ram[1] === "SR", until);
      return bytes === 0n ? raw : withBytes(raw, bytes);
    }
    // An account's balance or frozen index: the symbols its credits add, as one shard's halves appended them.
    const index = /^m-token\.iost-T([BF])([^-]+)$/.exec(key);
    if (index)
      return withFields(
        raw,
        this.creditsOf(index[2], index[1] === "F", until).map((c) => c.token),
      );
    const credits = this.creditsTo(key, until);
    if (credits.length === 0) return raw;
    const d = decodeValue(raw);
    if (credits[0].freezeUntil !== undefined) {
      const list = parseFreezeList(d && d.value.t === "j" ? d.value.v : "[]");
      for (const c of credits) pushFreeze(list, BigInt(c.amount), BigInt(c.freezeUntil!));
      return encodeValue(json(freezeListJson(list)), credits[credits.length - 1].ramPayer ?? "");
    }
    const cur = d && d.value.t === "i" ? d.value.v : 0n;
    const add = credits.reduce((a, c) => a + BigInt(c.amount), 0n);
    return encodeValue(int(cur + add), d ? (d.payer ?? "") : (credits[0].ramPayer ?? ""));
  }

  /**
   * The run writes fetched balance or frozen-list record `key` (a callee of its shard spends or unfreezes it,
   * guard.ts writeRemote): the value it read counted the run's credits to it (withCredits), so the written value
   * carries their amounts, and they go as probes, their halves' gas only (run on the records as this run had them
   * before the credit: `found`); their halves' RAM is booked here, as one shard's halves charge it. Returns them: the
   * bytes a buy or lend among them carries go into the receiver's `SR`/`TR` the run writes (guard.ts writeBytes).
   */
  absorb(key: string, found: (first: CrossReceipt) => [string, string | null][]): CrossReceipt[] {
    const credits = this.creditsTo(key);
    if (credits.length === 0) return [];
    const raw = this.overlay.get(key) ?? undefined;
    this.payHalf(key, raw, this.withCredits(key, raw)!);
    const [first, ...later] = credits;
    // Its half may run where a later part of the tx landed this write first (executor/reads.ts landWrites): it reads
    // its receiver's records as this run had them before the credit, as one shard's half ran in the sending action.
    const had = found(first);
    if (had.length > 0) first.found = had;
    for (const c of credits) {
      c.amount = "0";
      c.probe = true;
    }
    // One shard's later halves ran on what the earlier ones wrote (a longer list, a record then present): they run
    // in order in the first one's probe, undone together, as a failed tx's probes of one token to one shard (probesOf).
    if (later.length > 0) {
      first.also = later;
      this.drop(later);
    }
    return credits;
  }

  /** Counts a placed key read (once per key), failing as one shard does when a bound is passed. */
  count(key: string, raw: string | undefined): void {
    if (this.uncounted > 0 || this.counted.has(key)) return;
    // A callee's code is fetched with its records but is no record it reads: one shard counts none of it.
    const len = key.startsWith("c-") || this.keysOnly > 0 || raw === undefined ? 0 : withoutAge(raw).length;
    if (this.counted.size + 1 > MAX_READ_KEYS)
      throw new VmError(`read records exceed the limit. expected [0, ${MAX_READ_KEYS}], actual ${this.counted.size + 1}`);
    if (this.bytes + len > MAX_READ_BYTES) throw new VmError(`read bytes exceed the limit. expected [0, ${MAX_READ_BYTES}], actual ${this.bytes + len}`);
    this.counted.set(key, len);
    this.bytes += len;
  }

  /** Starts from what the tx's earlier parts counted (Forwarded `counted`), as one shard's one run counts on. */
  seed(c: Counted | undefined): void {
    if (c === undefined) return;
    for (const k of c.keys) this.counted.set(k, 0);
    this.bytes = c.bytes;
  }

  /** What the run counted, the earlier parts' included, for the next part; undefined when nothing. */
  counts(): Counted | undefined {
    if (this.counted.size === 0) return undefined;
    return { keys: [...this.counted.keys()].sort(), bytes: this.bytes };
  }
}

/** ram.iost's record of an account's bought (`SR`) or held (`TR`) bytes. */
const RAM_RECORD = /^b-ram\.iost-(SR|TR)(.+)$/;

/** ram.iost's bytes record `raw` (ram.ts: a number as text, ram.iost's when it writes it first) with `bytes` more. */
export function withBytes(raw: string | undefined, bytes: bigint): string {
  const d = decodeValue(raw);
  const cur = d && d.value.t === "s" && d.value.v !== "" ? BigInt(d.value.v) : 0n;
  return encodeValue(str((cur + bytes).toString()), d?.payer || "ram.iost");
}

/**
 * What one run (a tx's part) reads of placed records inside balanceOf, supply
 * and storage.global* (docs/SHARDING.md "Remote state inside a contract"):
 * the overlay of values fetched from other shards, the keys it missed, and
 * the bounds, counted alike on every shard count (N = 1 included) so that a
 * run over them fails with one error everywhere. executor/guard.ts fills it.
 */
import { MAX_READ_KEYS } from "../sharding/reads.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import { decodeValue, encodeValue, int } from "../state/storage.js";
import { VmError } from "./errors.js";

/**
 * A callee's write of another shard's frozen list and a frozen credit to it in one tx (guard.ts writeRemote, host.ts
 * sendCredit): the credit lands there on its own, so the list written would count it twice or lose it.
 */
export const creditAndWrite = (acc: string, tok: string) =>
  new VmError(`a frozen credit to ${acc} of ${tok} and a write of its frozen balance by a call of a contract of another shard in one tx are not supported yet`);

/** At most this many bytes of their stored values. */
export const MAX_READ_BYTES = 65536;

/** What a run reads of placed records: its overlay of fetched values, what it missed, what it counted. */
export class RemoteReads {
  /** Nonzero inside balanceOf, supply and storage.global*: their reads are placed and counted. */
  armed = 0;
  /** Nonzero inside a call of a contract of another shard: its writes of that shard's records go with the run (guard.ts). */
  calling = 0;
  /** Whether the run called a contract of another shard (it may write that shard's records): its reads lock for writing. */
  writing = false;
  /** Keys of other shards that were not in the overlay: the run is undone and they are fetched. */
  readonly missing = new Set<string>();
  /**
   * Accounts and contracts the run found nowhere (a transfer's receiver, a called contract): with several shards
   * one may have been created on another shard too recently for this one to know it, so a first run waits (executor/reads.ts).
   */
  readonly unknown = new Set<string>();
  /** Keys of other shards the run read (from the overlay or missing): what the next round keeps. */
  readonly touched = new Set<string>();
  /** Every placed key read, with its stored value's length: the bounds. */
  private readonly counted = new Map<string, number>();
  private bytes = 0;

  /** The credits the run sent so far (its host's outbox): one shard landed them before a later read. */
  sent: () => readonly CrossReceipt[] = () => [];
  /** Books the RAM a credit's receiver half charges for rewriting balance record `key` from `before` to `after` (host.ts payHalf). */
  payHalf: (key: string, before: string | undefined, after: string) => void = () => {};

  constructor(readonly overlay: ReadonlyMap<string, string | null> = new Map()) {}

  /** The run's credits that land on balance record `key` (not yet in a value the run wrote). */
  private creditsTo(key: string): CrossReceipt[] {
    const m = /^m-token\.iost-TB([^-]+)-([^-]+)$/.exec(key);
    if (!m) return [];
    return this.sent().filter((c) => c.kind === "credit" && !c.probe && c.freezeUntil === undefined && c.account === m[1] && c.token === m[2]);
  }

  /** A fetched balance record `raw` of `key` with the run's own credits to it added, as one shard would read it. */
  withCredits(key: string, raw: string | undefined): string | undefined {
    const credits = this.creditsTo(key);
    if (credits.length === 0) return raw;
    const d = decodeValue(raw);
    const cur = d && d.value.t === "i" ? d.value.v : 0n;
    const add = credits.reduce((a, c) => a + BigInt(c.amount), 0n);
    return encodeValue(int(cur + add), d ? (d.payer ?? "") : (credits[0].ramPayer ?? ""));
  }

  /**
   * The run writes fetched balance record `key` (a callee of its shard spends it, guard.ts writeRemote): the value
   * it read counted the run's credits to it (withCredits), so the written value carries their amounts, and they go
   * as probes, their halves' gas only; their halves' RAM is booked here, as one shard's halves charge it.
   */
  absorb(key: string): void {
    const credits = this.creditsTo(key);
    if (credits.length === 0) return;
    const raw = this.overlay.get(key) ?? undefined;
    this.payHalf(key, raw, this.withCredits(key, raw)!);
    for (const c of credits) {
      c.amount = "0";
      c.probe = true;
    }
  }

  /** Counts a placed key read (once per key), failing as one shard does when a bound is passed. */
  count(key: string, raw: string | undefined): void {
    if (this.counted.has(key)) return;
    // A callee's code is fetched with its records but is no record it reads: one shard counts none of it.
    const len = key.startsWith("c-") ? 0 : (raw?.length ?? 0);
    if (this.counted.size + 1 > MAX_READ_KEYS)
      throw new VmError(`read records exceed the limit. expected [0, ${MAX_READ_KEYS}], actual ${this.counted.size + 1}`);
    if (this.bytes + len > MAX_READ_BYTES) throw new VmError(`read bytes exceed the limit. expected [0, ${MAX_READ_BYTES}], actual ${this.bytes + len}`);
    this.counted.set(key, len);
    this.bytes += len;
  }
}

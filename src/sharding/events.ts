/**
 * What `/subscribe` posts for a tx: its contract receipts, then its contract
 * events (the order one shard posts them in, durable-objects/shard/chunk-build.ts),
 * only for a tx that succeeds. A tx with a forwarded part posts nothing when its
 * home part runs: its home part's events travel in the action receipt, the
 * forwarded part adds its own, and the settle brings all of them home, where the
 * tx posts its combined receipt's contract receipts and those events at once —
 * what one shard posts, a settle later (docs/SHARDING.md "Events"); so does a
 * tx a credit's half decides, its events riding in the credit. No row is
 * written for it: the events ride in receipts that are sent anyway.
 */
import type { ContractEvent, ContractReceipt } from "../tx/types.js";
import type { CrossReceipt, Settlement } from "./receipts.js";

/** `CONTRACT_RECEIPT` or `CONTRACT_EVENT`. */
export interface PostedEvent {
  topic: string;
  contract: string;
  data: string;
}

/** A tx's events in posting order. */
export function postedEvents(receipts: readonly ContractReceipt[], events: readonly (ContractEvent | PostedEvent)[]): PostedEvent[] {
  return [...receipts.map((r): PostedEvent => ({ topic: "CONTRACT_RECEIPT", contract: r.funcName.split("/")[0], data: r.content })), ...events];
}

/** Whether a tx that sent `outgoing` posts its events with its forwarded part's settle instead of now. */
export function postsAtSettle(outgoing: readonly CrossReceipt[]): boolean {
  return outgoing.some((r) => r.kind === "action" || r.payer?.reserve !== undefined);
}

/**
 * What a tx posts when a settle completes `receipt` (its combined receipt then): all of its
 * events if this is its forwarded part's settle and the tx succeeded. A credit's settle (the
 * receiver's half) completes a tx whose home part posted already.
 */
export function eventsAtSettle(receipt: { statusCode: string; receipts: readonly ContractReceipt[] }, s: Settlement): PostedEvent[] {
  // A parked tx run again posts as a tx runs: now, unless a part of it settles later.
  if (s.rerun) return s.rerun.events ? postedEvents(receipt.receipts, s.rerun.events) : [];
  if (!s.result || !s.ok || (s.result.credit && s.result.credit.reserved === undefined) || receipt.statusCode !== "SUCCESS") return [];
  return postedEvents(receipt.receipts, s.result.events ?? []);
}

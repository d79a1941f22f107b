/**
 * Admission batching (issue 17): the /sendTx and /p2p/tx requests one isolate serves at the same
 * time for the same home shard go to it as one `submitTxs` call, admitted in one SQLite
 * transaction, instead of one object call and one transaction each.
 *
 * No request waits for a batch to fill: a tx goes at once (after the current microtasks, so txs
 * checked in the same turn share the call) unless AT_ONCE calls to its shard are already in
 * flight; then it waits with the others that arrive meanwhile, and the first call to return
 * sends them all. A tx alone costs what it did; under load the batches grow with the wait.
 *
 * A call is made by a request whose tx it carries (the batch's first), never by another
 * request: a request's I/O belongs to it and is cancelled with it (workerd ties both to the
 * request's context), so the caller also keeps its context open until the call is done.
 */
import type { Admitted, Answer, Submitted } from "../../durable-objects/api";
import { MAX_ADMIT_BATCH } from "../../durable-objects/config";

/** Shard calls in flight at once per shard and isolate, before txs wait to share the next. */
export const AT_ONCE = 1;

interface Batch {
  txs: Submitted[];
  /** The call's answer, for the batch's other requests. */
  result: Promise<Admitted>;
  settle: (r: Promise<Admitted>) => void;
}

interface Lane {
  /** The batch still taking txs: sent when its first request's turn comes. */
  open: Batch | null;
  busy: number;
  /** First requests of waiting batches, in order: called when a call returns. */
  turns: (() => void)[];
}

/** One lane per shard (and per `send`, so different nodes' envs in one isolate never share a call). */
const lanes = new WeakMap<object, Map<number, Lane>>();

/**
 * What one batch's call does: admit `txs` on the shard and whatever follows once per batch (the
 * coordinator's wake), answering each tx in order.
 */
export type Send = (txs: Submitted[]) => Promise<Admitted>;

/**
 * `tx`'s own admission answer on shard `shard`, its call shared with the concurrent ones of the
 * same `owner` (an object standing for the node: its shard namespace). `send` is called by the
 * batch's first request, with the batch.
 */
export async function admitBatched(owner: object, shard: number, tx: Submitted, send: Send): Promise<Answer<{ hash: string }>> {
  let byShard = lanes.get(owner);
  if (byShard === undefined) lanes.set(owner, (byShard = new Map()));
  let lane = byShard.get(shard);
  if (lane === undefined) byShard.set(shard, (lane = { open: null, busy: 0, turns: [] }));
  const joined = lane.open;
  if (joined !== null) {
    const at = joined.txs.push(tx) - 1;
    if (joined.txs.length === MAX_ADMIT_BATCH) lane.open = null;
    return (await joined.result).answers[at];
  }
  let settle: Batch["settle"] = () => {};
  const result = new Promise<Admitted>((resolve) => {
    settle = resolve;
  });
  // Its other requests await it; with none, a failed call is this request's own error alone.
  result.catch(() => {});
  const batch: Batch = { txs: [tx], result, settle };
  lane.open = batch;
  // Txs checked in this same turn join first.
  await Promise.resolve();
  while (lane.busy >= AT_ONCE) await new Promise<void>((go) => lane.turns.push(go));
  if (lane.open === batch) lane.open = null;
  lane.busy++;
  const call = send(batch.txs);
  batch.settle(call);
  try {
    return (await call).answers[0];
  } finally {
    lane.busy--;
    lane.turns.shift()?.();
  }
}

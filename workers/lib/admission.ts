/**
 * Admission batching (issue 17): the /sendTx and /p2p/tx requests one isolate serves at the same
 * time for the same home shard go to it as one `submitTxs` call, admitted in one SQLite
 * transaction, instead of one object call and one transaction each.
 *
 * No request waits for a batch to fill: a tx goes at once (after the current microtasks, so txs
 * checked in the same turn share the call) unless AT_ONCE calls to its shard are already in
 * flight; then it waits with the others that arrive meanwhile, and the first call to return
 * lets them go as one. A tx alone costs what it did; under load the batches grow with the wait.
 *
 * workerd ties a request's I/O to the request, so a call is made by a request whose tx it
 * carries (the batch's first), which keeps its context open (`keep`, waitUntil) until the batch
 * is answered even if its own client leaves. A request that waits only for another's promise
 * looks hung to the runtime, which cancels it: every wait here holds a timer, which is also its
 * deadline.
 */
import type { Admitted, Answer, Submitted } from "../../durable-objects/api";
import { MAX_ADMIT_BATCH } from "../../durable-objects/config";
import { RpcFailure } from "./errors";

/** Shard calls in flight at once per shard and isolate, before txs wait to share the next. */
export const AT_ONCE = 1;
/** The longest a tx waits for its batch's answer; then its request fails (the tx may still be pooled). */
export const ADMIT_WAIT_MS = 30_000;

interface Batch {
  txs: Submitted[];
  /** The call's answer, for the batch's other requests. */
  result: Promise<Admitted>;
}

interface Lane {
  /** The batch still taking txs: sent when its first request's turn comes. */
  open: Batch | null;
  busy: number;
  /** First requests of waiting batches, in order: called when a call returns. */
  turns: (() => void)[];
}

/** One lane per shard, per node (`owner`): the envs of different nodes in one isolate never share a call. */
const lanes = new WeakMap<object, Map<number, Lane>>();

/** What one batch's call does: admit `txs` on the shard and whatever follows once per batch (the coordinator's wake). */
export type Send = (txs: Submitted[]) => Promise<Admitted>;

/** `p`, awaited with a timer pending (the runtime sees the request is waiting for something), at most ADMIT_WAIT_MS. */
async function held<T>(p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new RpcFailure(`admission timed out: no answer from the shard in ${ADMIT_WAIT_MS / 1000} s`)), ADMIT_WAIT_MS);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `tx`'s own admission answer on shard `shard`, its call shared with the concurrent ones of the
 * same `owner` (an object standing for the node: its shard namespace). The batch's first request
 * calls `send` with the batch and hands the work to `keep` (its waitUntil).
 */
export async function admitBatched(
  owner: object,
  shard: number,
  tx: Submitted,
  send: Send,
  keep: (work: Promise<unknown>) => void,
): Promise<Answer<{ hash: string }>> {
  let byShard = lanes.get(owner);
  if (byShard === undefined) lanes.set(owner, (byShard = new Map()));
  let lane = byShard.get(shard);
  if (lane === undefined) byShard.set(shard, (lane = { open: null, busy: 0, turns: [] }));
  const joined = lane.open;
  if (joined !== null) {
    const at = joined.txs.push(tx) - 1;
    if (joined.txs.length === MAX_ADMIT_BATCH) lane.open = null;
    return (await held(joined.result)).answers[at];
  }
  const batch: Batch = { txs: [tx], result: run(lane) };
  lane.open = batch;
  keep(batch.result);
  return (await batch.result).answers[0];

  async function run(lane: Lane): Promise<Admitted> {
    // Txs checked in this same turn join first.
    await Promise.resolve();
    while (lane.busy >= AT_ONCE) {
      let go = () => {};
      const turn = new Promise<void>((resolve) => {
        go = resolve;
      });
      lane.turns.push(go);
      try {
        await held(turn);
      } catch (err) {
        // Timed out: no later tx joins this batch, and no turn is given to it.
        if (lane.open === batch) lane.open = null;
        const at = lane.turns.indexOf(go);
        if (at >= 0) lane.turns.splice(at, 1);
        throw err;
      }
    }
    if (lane.open === batch) lane.open = null;
    lane.busy++;
    try {
      return await held(send(batch.txs));
    } finally {
      lane.busy--;
      lane.turns.shift()?.();
    }
  }
}

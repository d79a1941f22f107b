/**
 * Transaction reads: /getTxByHash/{hash}, /getTxReceiptByTxHash/{hash}. A tx lives on its
 * publisher's home shard, which the hash does not tell. The edge remembers it (lib/cache.ts
 * `rememberTxShard`: learned at admission, /sendTx and /p2p/tx, or at the first lookup), so a
 * lookup asks that one shard; only a tx this location never saw asks every shard, once. A tx
 * in an irreversible block and its receipt are final: kept in the location's cache. A node whose
 * objects apply part of the shards asks its peers for a tx of the others (lib/peer-txs.ts).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { isRpcError, type Answer, type Json, type ShardApi } from "../../durable-objects/api";
import type { AppEnv } from "../env";
import { cacheKey, finalRead, rememberTxShard, txShardOf } from "../lib/cache";
import { RpcFailure, unwrap } from "../lib/errors";
import { checkHashValid } from "../lib/params";
import { appliedMask, applies, shard, shardCount, unreadyHere } from "../lib/nodes";
import { json, takeLookup, txFromPeers } from "../lib/peer-txs";
import type { TxView } from "../../src/block/chunk-body";

export const txRoutes = new Hono<AppEnv>();

/** Not found, or asked of an object rotation dropped since the edge last learnt the applied shards (`unreadyHere`). */
const unknown = (a: Answer<Json>) => isRpcError(a) && (a.error.endsWith("tx not found") || unreadyHere(a));

/**
 * The answer of the shard holding the tx: the remembered one if it knows the tx, else every applied
 * shard's first answer, else the error of a shard that knows the tx (pending, in flight, dropped), else
 * the first shard's. Not found on a node whose objects apply part of the shards (nodes.ts `applies`),
 * the peers are asked: `peers.found` makes the endpoint's answer of a checked tx, `peers.none` is its
 * not-found.
 */
async function lookup(
  c: Context<AppEnv>,
  hash: string,
  ask: (s: ShardApi) => Promise<Answer<Json>>,
  peers: { found: (p: { view: TxView; height: number }) => Json; none: string },
): Promise<Json> {
  const count = shardCount(c.env);
  const hinted = count > 1 ? await txShardOf(c, hash) : null;
  // A remembered shard our objects no longer apply (rotation dropped it since) is not asked: its object holds nothing.
  if (hinted !== null && hinted < count && (await applies(c.env, hinted))) {
    const answer = await ask(shard(c.env, hinted));
    if (!unknown(answer)) return unwrap(answer);
  }
  const kept = await appliedMask(c.env);
  const held = kept.flatMap((on, i) => (on ? [i] : []));
  const answers = await Promise.all(held.map((i) => ask(shard(c.env, i))));
  let at = answers.findIndex((a) => !isRpcError(a));
  if (at < 0) at = answers.findIndex((a) => !unknown(a));
  // Its home may be a shard not applied here: a final tx comes from a peer, checked against our header (peer-txs.ts).
  if (at < 0 && held.length < count) {
    takeLookup(c);
    const got = await txFromPeers(c.env, hash);
    // No peer asked holds it in a block final here: the endpoint's not-found, as a node applying every shard says it.
    if (got === null) throw new RpcFailure(peers.none);
    return peers.found(unwrap(got));
  }
  if (at < 0) return unwrap(answers[0]);
  if (count > 1) await rememberTxShard(c, hash, held[at]);
  return unwrap(answers[at]);
}

txRoutes.get("/getTxByHash/:hash", (c) =>
  finalRead(c, cacheKey(c.req.url), async () => {
    checkHashValid(c.req.param("hash"));
    const body = await lookup(c, c.req.param("hash"), (s) => s.getTx(c.req.param("hash")), {
      found: (p) => ({ status: "IRREVERSIBLE", transaction: json(p.view), block_number: String(p.height) }),
      none: "tx not found",
    });
    return { body, final: (body as { status?: string }).status === "IRREVERSIBLE" };
  }),
);

// A receipt is answered only once its tx is irreversible and settled on every shard (shard-views.ts), so it is final.
txRoutes.get("/getTxReceiptByTxHash/:hash", (c) =>
  finalRead(c, cacheKey(c.req.url), async () => {
    checkHashValid(c.req.param("hash"));
    const body = await lookup(c, c.req.param("hash"), (s) => s.getTxReceipt(c.req.param("hash")), {
      found: (p) => (json(p.view) as { tx_receipt: Json }).tx_receipt,
      none: "failed to Get the receipt hash: tx not found",
    });
    return { body, final: true };
  }),
);

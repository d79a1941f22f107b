/** Transaction reads: /getTxByHash/{hash}, /getTxReceiptByTxHash/{hash}. */
import { Hono } from "hono";
import { isRpcError, type Answer, type Json } from "../../durable-objects/api";
import type { AppEnv, Env } from "../env";
import { unwrap } from "../lib/errors";
import { allShards } from "../lib/nodes";

export const txRoutes = new Hono<AppEnv>();

/**
 * A tx lives on its publisher's home shard, which the hash does not tell: ask
 * every shard, take the first that knows it, else the error of a shard that
 * knows the tx (pending, in flight, dropped), else the first shard's.
 */
async function firstAnswer(env: Env, ask: (s: ReturnType<typeof allShards>[number]) => Promise<Answer<Json>>): Promise<Json> {
  const answers = await Promise.all(allShards(env).map(ask));
  const found = answers.find((a) => !isRpcError(a)) ?? answers.find((a) => isRpcError(a) && !a.error.endsWith("tx not found"));
  return unwrap(found ?? answers[0]);
}

txRoutes.get("/getTxByHash/:hash", async (c) => {
  const hash = c.req.param("hash");
  return c.json(await firstAnswer(c.env, (s) => s.getTx(hash)));
});

txRoutes.get("/getTxReceiptByTxHash/:hash", async (c) => {
  const hash = c.req.param("hash");
  return c.json(await firstAnswer(c.env, (s) => s.getTxReceipt(hash)));
});

/**
 * Blocks: /getBlockByHash/{hash}/{complete}, /getBlockByNumber/{number}/{complete},
 * POST /getBlockTxsByContract. The coordinator keeps headers; with complete=true
 * the transactions (each with its tx_receipt) come from every shard's chunk at
 * that height, in shard order. getRawBlockByNumber and getBlockHeaderByRange
 * (raw protobuf blocks) answer "Not Implemented".
 */
import { Hono } from "hono";
import type { Json } from "../../durable-objects/api";
import type { AppEnv, Env } from "../env";
import { notImplemented, RpcFailure, unwrap } from "../lib/errors";
import { allShards, coordinator } from "../lib/nodes";
import { int64Field, parseBoolParam, parseInt64Param, parseJsonBody, stringField } from "../lib/params";

export const blockRoutes = new Hono<AppEnv>();

async function chunkTxs(env: Env, height: number): Promise<Json[]> {
  const parts = await Promise.all(allShards(env).map((s) => s.getChunkTxs(height)));
  return parts.flat();
}

async function blockView(env: Env, found: { status: string; block: Json }, complete: boolean): Promise<Json> {
  const block = { ...(found.block as Record<string, Json>) };
  block.transactions = complete ? await chunkTxs(env, Number(block.number)) : [];
  return { status: found.status, block };
}

blockRoutes.get("/getBlockByNumber/:number/:complete", async (c) => {
  const number = parseInt64Param("number", c.req.param("number"));
  const complete = parseBoolParam("complete", c.req.param("complete"));
  if (number < 0n || number > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcFailure("block not found");
  const found = unwrap(await coordinator(c.env).getBlockByNumber(Number(number)));
  return c.json(await blockView(c.env, found, complete));
});

blockRoutes.get("/getBlockByHash/:hash/:complete", async (c) => {
  const complete = parseBoolParam("complete", c.req.param("complete"));
  const found = unwrap(await coordinator(c.env).getBlockByHash(c.req.param("hash")));
  return c.json(await blockView(c.env, found, complete));
});

/**
 * go-iost rpc GetBlockTxsByContract: blocks [from, to] (to inclusive, ≤ 100
 * apart), the txs with an action on `contract` (and `action_name` if given).
 * Blocks above the head are skipped; blocks without a match are left out.
 */
blockRoutes.post("/getBlockTxsByContract", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const from = int64Field(body, "from_block");
  const to = int64Field(body, "to_block");
  const contract = stringField(body, "contract");
  const actionName = stringField(body, "action_name");
  if (from < 0n || to < from || to - from > 100n) throw new RpcFailure(`invalid range ${from} to ${to}`);
  const info = (await coordinator(c.env).chainInfo()) as { head_block?: string; lib_block?: string };
  const head = Number(info.head_block ?? "0");
  const lib = Number(info.lib_block ?? "0");
  const heights: number[] = [];
  for (let n = Number(from); n <= Math.min(Number(to), head); n++) heights.push(n);
  const perBlock = await Promise.all(heights.map((n) => chunkTxs(c.env, n)));
  const list: Json[] = [];
  perBlock.forEach((txs, i) => {
    const matching = txs.filter((tx) => {
      const actions = ((tx as Record<string, Json>).actions ?? []) as Record<string, Json>[];
      return actions.some((a) => (contract === "" || a.contract === contract) && (actionName === "" || a.action_name === actionName));
    });
    if (matching.length > 0) {
      list.push({ status: heights[i] <= lib ? "IRREVERSIBLE" : "PENDING", block_number: String(heights[i]), tx_list: matching });
    }
  });
  return c.json({ blocktx_list: list });
});

blockRoutes.get("/getRawBlockByNumber/:number/:complete", () =>
  notImplemented("getRawBlockByNumber (raw protobuf blocks with producer signatures are not served by this node yet; use getBlockByNumber)"),
);

blockRoutes.post("/getBlockHeaderByRange", () =>
  notImplemented("getBlockHeaderByRange (raw block headers are not served by this node yet; use getBlockByNumber)"),
);

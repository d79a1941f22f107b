/**
 * Blocks: /getBlockByHash/{hash}/{complete}, /getBlockByNumber/{number}/{complete},
 * POST /getBlockTxsByContract. The coordinator keeps headers; with complete=true
 * the transactions (each with its tx_receipt) come from every shard's chunk at
 * that height, in shard order (those of shards this node does not apply from
 * peers, checked: lib/peer-txs.ts). An irreversible block is final: kept in the
 * location's cache (lib/cache.ts). /getRawBlockByNumber and POST
 * /getBlockHeaderByRange answer blocks in IOST's protobuf form (src/block/raw.ts).
 */
import { Hono } from "hono";
import type { Json } from "../../durable-objects/api";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { RpcFailure, unwrap } from "../lib/errors";
import { MAX_CONTRACT_RANGE, MAX_HEADER_RANGE } from "../../durable-objects/config";
import { cacheKey, finalRead } from "../lib/cache";
import { allShards, appliedMask, coordinator, shard } from "../lib/nodes";
import { chunkViaPeers, takeLookup } from "../lib/peer-txs";
import { quiet } from "../../src/block/chunk-body";
import { checkHashValid, int64Field, parseBoolParam, parseInt64Param, parseJsonBody, stringField } from "../lib/params";
import { chainInfoOf } from "./node";

export const blockRoutes = new Hono<AppEnv>();

/**
 * Every shard's txs of our block at `height` (header `info`), and whether all their receipts are
 * settled: a shard this node's objects do not apply (nodes.ts `applies`) through a peer, checked
 * against that header (lib/peer-txs.ts), which answers a chunk only when none of its receipts joins
 * cross-shard settles, so it is settled.
 */
async function chunkTxs(c: Context<AppEnv>, height: number, info: string): Promise<{ txs: Json[]; settled: boolean }> {
  const kept = await appliedMask(c.env);
  if (kept.some((on, i) => !on && !quiet(info, i))) takeLookup(c);
  const parts = await Promise.all(
    kept.map(async (on, i) => (on ? shard(c.env, i).getChunk(height) : { txs: unwrap(await chunkViaPeers(c.env, i, height, info)), settled: true })),
  );
  return { txs: parts.flatMap((p) => p.txs), settled: parts.every((p) => p.settled) };
}

// An irreversible block's txs carry receipts that cross-shard settles still rewrite: kept only once settled.
async function blockView(c: Context<AppEnv>, found: { status: string; block: Json }, complete: boolean): Promise<{ body: Json; final: boolean }> {
  const block = { ...(found.block as Record<string, Json>) };
  const chunk = complete ? await chunkTxs(c, Number(block.number), block.orig_info as string) : { txs: [], settled: true };
  block.transactions = chunk.txs;
  return { body: { status: found.status, block }, final: found.status === "IRREVERSIBLE" && chunk.settled };
}

blockRoutes.get("/getBlockByNumber/:number/:complete", (c) =>
  finalRead(c, cacheKey(c.req.url), async () => {
    const number = parseInt64Param("number", c.req.param("number"));
    const complete = parseBoolParam("complete", c.req.param("complete"));
    if (number < 0n || number > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcFailure("block not found");
    const found = unwrap(await coordinator(c.env).getBlockByNumber(Number(number)));
    return blockView(c, found, complete);
  }),
);

blockRoutes.get("/getBlockByHash/:hash/:complete", (c) =>
  finalRead(c, cacheKey(c.req.url), async () => {
    const complete = parseBoolParam("complete", c.req.param("complete"));
    checkHashValid(c.req.param("hash"));
    const found = unwrap(await coordinator(c.env).getBlockByHash(c.req.param("hash")));
    return blockView(c, found, complete);
  }),
);

/**
 * go-iost rpc GetBlockTxsByContract: blocks [from, to] (to inclusive, ≤ 100
 * apart), the txs with an action on `contract` (and `action_name` if given).
 * Blocks above the head are skipped; blocks without a match are left out.
 * One call per shard for the whole range (ShardApi.txsByContract) and the
 * shared chain info (lib/cache.ts); final, and kept, when `to` is at or below LIB.
 */
blockRoutes.post("/getBlockTxsByContract", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const from = int64Field(body, "from_block");
  const to = int64Field(body, "to_block");
  const contract = stringField(body, "contract");
  const actionName = stringField(body, "action_name");
  if (from < 0n || to < from || to - from > BigInt(MAX_CONTRACT_RANGE)) throw new RpcFailure(`invalid range ${from} to ${to}`);
  const fields = { from_block: String(from), to_block: String(to), contract, action_name: actionName };
  return finalRead(c, cacheKey(c.req.url, fields), async () => {
    const lib = Number(((await chainInfoOf(c.env)) as { lib_block?: string }).lib_block ?? "0");
    const parts = await Promise.all(allShards(c.env).map((s) => s.txsByContract(Number(from), Number(to), contract, actionName)));
    // Heights ascending, each block's txs in shard order as getBlockByNumber lists them.
    const byHeight = new Map<number, Json[]>();
    let settled = true;
    for (const part of parts)
      for (const { height, txs, settled: s } of part) {
        byHeight.set(height, [...(byHeight.get(height) ?? []), ...txs]);
        settled &&= s;
      }
    const list = [...byHeight.keys()]
      .sort((a, b) => a - b)
      .map((n) => ({ status: n <= lib ? "IRREVERSIBLE" : "PENDING", block_number: String(n), tx_list: byHeight.get(n) ?? [] }));
    return { body: { blocktx_list: list }, final: Number(to) <= lib && settled };
  });
});

/** go-iost GetRawBlockByNumber: the block in IOST's protobuf form (durable-objects/coordinator/raw-blocks.ts); final once irreversible. */
blockRoutes.get("/getRawBlockByNumber/:number/:complete", (c) =>
  finalRead(c, cacheKey(c.req.url), async () => {
    const number = parseInt64Param("number", c.req.param("number"));
    const complete = parseBoolParam("complete", c.req.param("complete"));
    if (number < 0n || number > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcFailure("block not found");
    const found = unwrap(await coordinator(c.env).rawBlock(Number(number), complete)) as { status: string };
    return { body: found, final: found.status === "IRREVERSIBLE" };
  }),
);

/** go-iost GetBlockHeaderByRange: irreversible heads of [start, end), end − start ≤ MAX_HEADER_RANGE. */
blockRoutes.post("/getBlockHeaderByRange", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const start = int64Field(body, "start");
  const end = int64Field(body, "end");
  if (end <= start || end > start + BigInt(MAX_HEADER_RANGE)) throw new RpcFailure(`invalid range ${start} to ${end}`);
  // go-iost stops at the first height it lacks: a negative start lists nothing.
  if (start < 0n || start > BigInt(Number.MAX_SAFE_INTEGER)) return c.json({ block_list: [] });
  return c.json(unwrap(await coordinator(c.env).rawHeaders(Number(start), Number(end))));
});

/** Node and chain status: /getNodeInfo, /getChainInfo, /getGasRatio, /getRAMInfo, /getShardInfo. */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { unwrap } from "../lib/errors";
import { allShards, coordinator, shard, shardCount } from "../lib/nodes";
import { shardOf } from "../../src/sharding/placement";

export const nodeRoutes = new Hono<AppEnv>();

nodeRoutes.get("/getNodeInfo", async (c) => {
  const [info, pools] = await Promise.all([coordinator(c.env).nodeInfo(), Promise.all(allShards(c.env).map((s) => s.poolSize()))]);
  const view = { ...(info as Record<string, unknown>) };
  // The edge's clock is the one closest to the client; iost.js derives its
  // tx timestamps from server_time (iost.js IOST.setRPC).
  view.server_time = String(BigInt(Date.now()) * 1_000_000n);
  view.tx_pool_size = String(pools.reduce((a, b) => a + b, 0));
  return c.json(view);
});

nodeRoutes.get("/getChainInfo", async (c) => {
  const coord = coordinator(c.env);
  // Reading the chain is a good moment to make sure its alarm runs (a fresh node's never started).
  const [info] = await Promise.all([coord.chainInfo(), coord.wake(false)]);
  return c.json(info);
});

nodeRoutes.get("/getGasRatio", async (c) => c.json(await coordinator(c.env).getGasRatio()));

/**
 * Not in IOST: the shard count, and with a name, the shard that owns it
 * (`{"shard_count":4,"name":"admin","shard":2}`; docs/SHARDING.md).
 */
nodeRoutes.get("/getShardInfo/:name?", (c) => {
  const count = shardCount(c.env);
  const name = c.req.param("name");
  return c.json(name === undefined ? { shard_count: count } : { shard_count: count, name, shard: shardOf(name, count) });
});

nodeRoutes.get("/getRAMInfo", async (c) => c.json(unwrap(await shard(c.env, 0).read("getRAMInfo"))));

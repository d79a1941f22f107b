/** Node and chain status: /getNodeInfo, /getChainInfo, /getGasRatio, /getRAMInfo. */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { unwrap } from "../lib/errors";
import { allShards, coordinator, shard } from "../lib/nodes";

export const nodeRoutes = new Hono<AppEnv>();

nodeRoutes.get("/getNodeInfo", async (c) => {
  const [info, pools] = await Promise.all([
    coordinator(c.env).nodeInfo(),
    Promise.all(allShards(c.env).map((s) => s.poolSize())),
  ]);
  const view = { ...(info as Record<string, unknown>) };
  // The edge's clock is the one closest to the client; iost.js derives its
  // tx timestamps from server_time (iost.js IOST.setRPC).
  view.server_time = String(BigInt(Date.now()) * 1_000_000n);
  view.tx_pool_size = String(pools.reduce((a, b) => a + b, 0));
  return c.json(view);
});

nodeRoutes.get("/getChainInfo", async (c) => {
  const coord = coordinator(c.env);
  // Reading the chain is a good moment to make sure it is ticking.
  const [info] = await Promise.all([coord.chainInfo(), coord.wake()]);
  return c.json(info);
});

nodeRoutes.get("/getGasRatio", async (c) => c.json(await coordinator(c.env).getGasRatio()));

nodeRoutes.get("/getRAMInfo", async (c) => c.json(unwrap(await shard(c.env, 0).getRAMInfo())));

/**
 * Dev-only endpoints (env DEV = "true"): node status for tools and the bench,
 * and the in-Worker signature-verification rate that bounds tx intake.
 */
import { Hono } from "hono";
import { sign, verify } from "../../src/crypto/index";
import { ED25519 } from "../../src/tx/types";
import type { AppEnv } from "../env";
import { CODE_UNIMPLEMENTED, RpcFailure } from "../lib/errors";
import { allShards, coordinator } from "../lib/nodes";

export const devRoutes = new Hono<AppEnv>();

devRoutes.use("/dev/*", async (c, next) => {
  if (c.env.DEV !== "true") throw new RpcFailure("Not Implemented: dev endpoints are off (DEV is not \"true\")", CODE_UNIMPLEMENTED);
  await next();
});

devRoutes.get("/dev/status", async (c) => {
  const coord = coordinator(c.env);
  const [chain, producer, shards] = await Promise.all([coord.chainInfo(), coord.status(), Promise.all(allShards(c.env).map((s) => s.status()))]);
  return c.json({ chain, coordinator: producer, shards });
});

devRoutes.get("/dev/bench/verify", async (c) => {
  const n = Math.min(Math.max(Number(c.req.query("n") ?? 1000) | 0, 1), 100_000);
  const hash = new Uint8Array(32).fill(9);
  const sig = sign(ED25519, new Uint8Array(32).fill(7), hash);
  const start = performance.now();
  for (let i = 0; i < n; i++) if (!(await verify(sig, hash))) throw new RpcFailure("benchmark signature did not verify");
  const ms = performance.now() - start;
  return c.json({ n, ms, per_second: (n * 1000) / ms });
});

/**
 * The edge Worker's hono app: IOST's HTTP RPC (go-iost rpc/server.go, rpc/pb/rpc.proto) with its
 * transport rules — CORS as go-iost's gateway, any Content-Type for JSON bodies,
 * a body size cap, and every error as HTTP 400 `{"code":N,"message":"…"}`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { HEAD_CACHE_CONTROL, NO_STORE } from "./lib/cache";
import { CODE_UNIMPLEMENTED, CODE_UNKNOWN, envelope, RpcFailure } from "./lib/errors";
import { explorerRoutes } from "./explorer/routes";
import { accountRoutes } from "./rpc/accounts";
import { blockRoutes } from "./rpc/blocks";
import { contractRoutes } from "./rpc/contracts";
import { devRoutes } from "./rpc/dev";
import { endorseRoutes } from "./rpc/endorse";
import { intakeRoutes } from "./rpc/intake";
import { nodeRoutes } from "./rpc/node";
import { p2pRoutes } from "./rpc/p2p";
import { subscribeRoutes } from "./rpc/subscribe";
import { txRoutes } from "./rpc/transactions";
import { meterEdge, objectCallsOf, workerMsOf } from "./lib/usage";

/**
 * Largest request body accepted. A tx is at most 65,536 bytes (VerifySelf);
 * its JSON form grows by base64 (4/3 on signatures and keys) and by escaping
 * of the action data inside a JSON string (up to 6× for control characters,
 * 2× for quotes), so 512 KiB leaves room for every valid tx and stops bulk
 * uploads early.
 */
export const MAX_BODY_BYTES = 512 * 1024;

/** Response header: the Durable Object calls (subrequests) the request made before its answer. */
export const OBJECT_CALLS = "X-Object-Calls";

/** Dev response header: the ms the Worker itself ran for the request, object calls left out (lib/usage.ts `workerMsOf`). */
export const WORKER_MS = "X-Worker-Ms";

/** Paths whose answers are never kept anywhere: writes, dev tools, node-to-node. */
const UNCACHED = /^\/(sendTx|execTx|subscribe|dev\/|p2p\/)/;

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", meterEdge); // first: every request and the object calls it makes are counted (docs/COST.md)
  // Every answer tells its object calls (lib/usage.ts) and gets its Cache-Control (lib/cache.ts):
  // final reads set their own; other reads depend on the head; errors are never kept.
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set(OBJECT_CALLS, String(objectCallsOf(c.env)));
    if (c.env.DEV === "true") c.res.headers.set(WORKER_MS, workerMsOf(c.env).toFixed(3));
    if (c.res.status !== 200 || UNCACHED.test(c.req.path)) c.res.headers.set("cache-control", NO_STORE);
    else if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", HEAD_CACHE_CONTROL);
  });

  app.route("/", p2pRoutes); // node-to-node, before the RPC body cap: it has its own (blocks exceed 512 KiB)
  app.route("/", endorseRoutes); // POST /p2p/endorse (issue #7 finality), under the /p2p checks above
  app.use(
    "*",
    cors({
      origin: "*",
      allowHeaders: ["Content-Type", "Accept"],
      allowMethods: ["GET", "HEAD", "POST", "PUT", "DELETE"],
    }),
  );
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new RpcFailure(`request body too large: the limit is ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  app.route("/", nodeRoutes);
  app.route("/", txRoutes);
  app.route("/", blockRoutes);
  app.route("/", accountRoutes);
  app.route("/", contractRoutes);
  app.route("/", intakeRoutes);
  app.route("/", subscribeRoutes);
  app.route("/", devRoutes);
  app.route("/", explorerRoutes);

  app.notFound(() => envelope(CODE_UNIMPLEMENTED, "Not Implemented"));
  app.onError((err) => {
    if (err instanceof RpcFailure) return envelope(err.code, err.message);
    if (err instanceof HTTPException) return envelope(CODE_UNKNOWN, err.message || `HTTP ${err.status}`);
    // A failure inside the node (a Durable Object call, a bug): still IOST's envelope.
    console.error("rpc internal error:", err);
    return envelope(CODE_UNKNOWN, (err as Error)?.message || String(err));
  });
  return app;
}

export const app = createApp();

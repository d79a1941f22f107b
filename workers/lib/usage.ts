/**
 * The edge Worker's cost meter (docs/COST.md "Method"): billed Worker requests
 * (peers' `/p2p` ones apart), the Durable Object calls each route makes (each a
 * billed object request and a subrequest against the plan's limit) and the
 * subrequests to peer nodes. Counted per isolate in memory: a new isolate
 * starts at zero, and a deployed node runs many isolates, so these are a dev
 * and bench view (/dev/status), not the account's bill.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv, Env } from "../env";

export interface RouteUsage {
  requests: number;
  objectCalls: number;
  peerFetches: number;
}

export interface EdgeUsage extends RouteUsage {
  /** Requests under /p2p/: those other nodes make. */
  p2pRequests: number;
  /** By route pattern (hono's, e.g. `/getBlockByNumber/:number/:complete`). */
  routes: Record<string, RouteUsage>;
}

const usage: EdgeUsage = { requests: 0, objectCalls: 0, peerFetches: 0, p2pRequests: 0, routes: {} };

/** A copy of the counters so far. */
export function edgeUsage(): EdgeUsage {
  const routes: Record<string, RouteUsage> = {};
  for (const k of Object.keys(usage.routes).sort()) routes[k] = { ...usage.routes[k] };
  return { ...usage, routes };
}

/**
 * One request's calls so far (the request's env carries it as `meter`; lib/nodes.ts stubs count
 * on it). Its route is known once the handler answered; calls after that (a /subscribe stream,
 * work left to waitUntil) go straight to the route's counters.
 */
export interface Tally {
  objectCalls: number;
  peerFetches: number;
  route: RouteUsage | null;
}

function count(t: Tally, kind: "objectCalls" | "peerFetches", n: number): void {
  usage[kind] += n;
  if (t.route !== null) t.route[kind] += n;
  else t[kind] += n;
}

/** First middleware: counts the request and hands the handlers an env that carries its tally. */
export const meterEdge: MiddlewareHandler<AppEnv> = async (c, next) => {
  const tally: Tally = { objectCalls: 0, peerFetches: 0, route: null };
  c.env = { ...c.env, meter: tally };
  usage.requests++;
  if (c.req.path.startsWith("/p2p/")) usage.p2pRequests++;
  try {
    await next();
  } finally {
    // After next(): the handler that answered (a notFound answer has none).
    const route = routePath(c) || "(none)";
    const r = (usage.routes[route] ??= { requests: 0, objectCalls: 0, peerFetches: 0 });
    r.requests++;
    r.objectCalls += tally.objectCalls;
    r.peerFetches += tally.peerFetches;
    tally.route = r;
  }
};

/** Books one Durable Object call on the request that `env` belongs to. */
export function objectCall(env: Env): void {
  if (env.meter !== undefined) count(env.meter, "objectCalls", 1);
}

/** The object calls of `env`'s request so far (X-Object-Calls). */
export function objectCallsOf(env: Env): number {
  return env.meter?.objectCalls ?? 0;
}

/** Books `n` subrequests to peer nodes on the request that `env` belongs to. */
export function peerFetches(env: Env, n: number): void {
  if (env.meter !== undefined) count(env.meter, "peerFetches", n);
  else usage.peerFetches += n;
}

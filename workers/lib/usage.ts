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
  /** When the request came in, and the ms it spent waiting for at least one object call (overlapping calls once). */
  start: number;
  objectMs: number;
  waiting: number;
  since: number;
}

function count(t: Tally, kind: "objectCalls" | "peerFetches", n: number): void {
  usage[kind] += n;
  if (t.route !== null) t.route[kind] += n;
  else t[kind] += n;
}

/** First middleware: counts the request and hands the handlers an env that carries its tally. */
export const meterEdge: MiddlewareHandler<AppEnv> = async (c, next) => {
  const tally: Tally = { objectCalls: 0, peerFetches: 0, route: null, start: performance.now(), objectMs: 0, waiting: 0, since: 0 };
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

/** `call` (an object call's answer), its wait booked on `env`'s request: the request's own time leaves it out. */
export function objectWait<T>(env: Env, call: T): T {
  const t = env.meter;
  if (t === undefined || typeof (call as { then?: unknown })?.then !== "function") return call;
  if (t.waiting++ === 0) t.since = performance.now();
  const done = () => {
    if (--t.waiting === 0) t.objectMs += performance.now() - t.since;
  };
  return Promise.resolve(call).finally(done) as T;
}

/**
 * The ms the Worker itself ran for `env`'s request so far (X-Worker-Ms, dev only): its time minus
 * the waits for objects. Locally the clock runs during CPU work (on Cloudflare it moves only on
 * I/O), so for requests sent one at a time this is the Worker's CPU time, what a bill counts;
 * with requests in flight together it also holds the others' turns.
 */
export function workerMsOf(env: Env): number {
  const t = env.meter;
  if (t === undefined) return 0;
  const waitingNow = t.waiting > 0 ? performance.now() - t.since : 0;
  return performance.now() - t.start - t.objectMs - waitingNow;
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

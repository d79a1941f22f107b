/**
 * POST /subscribe {topics:["CONTRACT_RECEIPT"|"CONTRACT_EVENT"], filter:{contract_id}}:
 * a newline-delimited stream of `{"result":{"event":{"topic","data","time"}}}`
 * (grpc-gateway's server-stream framing), fed by polling the coordinator's
 * eventsSince, which gathers every shard's events in one call (and asks no
 * shard while no block came). It starts at the current head, so it carries the
 * events of blocks produced after the request, and ends after
 * SUBSCRIBE_MAX_SECONDS (default 600; go-iost closes after an hour), when the
 * client goes away, or when it has made MAX_SUBSCRIBE_CALLS polls.
 *
 * Bounded (issue 12 item 7, issue 14 item 4): new streams per source per minute
 * (workers/lib/quota.ts), object calls per stream (each is a subrequest: the
 * head lookup and the polls stay within the Free plan's 50) and events per
 * stream. A stream that reaches a bound ends cleanly; the client subscribes
 * again.
 */
import { Hono } from "hono";
import type { AppEnv, Env } from "../env";
import { RpcFailure, unwrap } from "../lib/errors";
import { Quota } from "../lib/quota";
import { coordinator, shardCount } from "../lib/nodes";
import { field, parseJsonBody } from "../lib/params";

export const subscribeRoutes = new Hono<AppEnv>();

/** In go-iost rpc.proto's enum order (Event.Topic: CONTRACT_RECEIPT = 0, CONTRACT_EVENT = 1). */
const TOPICS = ["CONTRACT_RECEIPT", "CONTRACT_EVENT"] as const;
/** Between two polls: two blocks at IOST's interval; a poll returns up to 100 blocks' events per shard. */
const POLL_MS = 1_000;
/** Polls one stream makes: with the head lookup, 49 subrequests (the Free plan allows 50 per request). */
export const MAX_SUBSCRIBE_CALLS = 48;
/** Events one stream carries. */
export const MAX_SUBSCRIBE_EVENTS = 100_000;
/** New streams per source per minute. */
export const SUBSCRIBE_QUOTA = new Quota("/subscribe", 30, 60_000);

function parseTopics(value: unknown): Set<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value)) throw new RpcFailure("invalid value for repeated enum field topics");
  const out = new Set<string>();
  for (const t of value) {
    // protobuf-JSON enums: by name or by number.
    const name = typeof t === "number" ? TOPICS[t] : t;
    if (typeof name !== "string" || !(TOPICS as readonly string[]).includes(name)) {
      throw new RpcFailure(`invalid value for enum field topics: ${JSON.stringify(t)}`);
    }
    out.add(name);
  }
  return out;
}

function maxSeconds(env: Env): number {
  const n = Number(env.SUBSCRIBE_MAX_SECONDS ?? "600");
  return Number.isFinite(n) && n > 0 ? n : 600;
}

subscribeRoutes.post("/subscribe", SUBSCRIBE_QUOTA.middleware(), async (c) => {
  const body = parseJsonBody(await c.req.text());
  const topics = parseTopics(field(body, "topics"));
  const filter = field(body, "filter");
  let contractId = "";
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== "object") throw new RpcFailure("invalid value for field filter");
    const id = field(filter as Record<string, unknown>, "contract_id");
    if (id !== undefined && id !== null && typeof id !== "string") throw new RpcFailure("invalid value for string field contract_id");
    contractId = (id as string | undefined) ?? "";
  }

  const env = c.env;
  const coord = coordinator(env);
  const head = Number(((await coord.chainInfo()) as { head_block?: string }).head_block ?? "0");
  let after = Array.from({ length: shardCount(env) }, () => head);
  const deadline = Date.now() + maxSeconds(env) * 1000;
  const encoder = new TextEncoder();
  let cancelled = false;
  let calls = 0;
  let events = 0;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        while (!cancelled && Date.now() < deadline && calls < MAX_SUBSCRIBE_CALLS && events < MAX_SUBSCRIBE_EVENTS) {
          calls++;
          const batch = unwrap(await coord.eventsSince(after));
          after = batch.heights;
          const lines: string[] = [];
          for (const ev of batch.events) {
            if (!topics.has(ev.topic)) continue; // no topics, no events (go-iost)
            if (contractId !== "" && ev.contract !== contractId) continue;
            if (events++ >= MAX_SUBSCRIBE_EVENTS) break;
            lines.push(JSON.stringify({ result: { event: { topic: ev.topic, data: ev.data, time: ev.time } } }) + "\n");
          }
          if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
        if (!cancelled) controller.close();
      } catch (err) {
        if (!cancelled) {
          controller.enqueue(encoder.encode(JSON.stringify({ error: { code: 2, message: (err as Error).message } }) + "\n"));
          controller.close();
        }
      }
    },
    cancel() {
      cancelled = true;
    },
  });
  // No compression: a gzip stream would hold events back until its buffer fills.
  return new Response(stream, {
    headers: { "content-type": "application/json", "cache-control": "no-store, no-transform", "content-encoding": "identity" },
  });
});

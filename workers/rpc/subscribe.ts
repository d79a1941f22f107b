/**
 * POST /subscribe {topics:["CONTRACT_RECEIPT"|"CONTRACT_EVENT"], filter:{contract_id}}:
 * a newline-delimited stream of `{"result":{"event":{"topic","data","time"}}}`
 * (grpc-gateway's server-stream framing), fed by polling every shard's
 * eventsSince(height). It starts at the current head, so it carries the events
 * of blocks produced after the request, and ends after SUBSCRIBE_MAX_SECONDS
 * (default 600; go-iost closes after an hour) or when the client goes away.
 */
import { Hono } from "hono";
import type { AppEnv, Env } from "../env";
import { RpcFailure } from "../lib/errors";
import { allShards, coordinator } from "../lib/nodes";
import { field, parseJsonBody } from "../lib/params";

export const subscribeRoutes = new Hono<AppEnv>();

const TOPICS = ["CONTRACT_EVENT", "CONTRACT_RECEIPT"] as const;
const POLL_MS = 500;

function parseTopics(value: unknown): Set<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value)) throw new RpcFailure("invalid value for repeated enum field topics");
  const out = new Set<string>();
  for (const t of value) {
    // protobuf-JSON enums: by name or by number (CONTRACT_EVENT = 0, CONTRACT_RECEIPT = 1).
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

subscribeRoutes.post("/subscribe", async (c) => {
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
  const head = Number(((await coordinator(env).chainInfo()) as { head_block?: string }).head_block ?? "0");
  const shards = allShards(env);
  const after = shards.map(() => head);
  const deadline = Date.now() + maxSeconds(env) * 1000;
  const encoder = new TextEncoder();
  let cancelled = false;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        while (!cancelled && Date.now() < deadline) {
          const batches = await Promise.all(shards.map((s, i) => s.eventsSince(after[i])));
          const lines: string[] = [];
          batches.forEach((batch, i) => {
            after[i] = Math.max(after[i], batch.height);
            for (const ev of batch.events) {
              if (!topics.has(ev.topic)) continue; // no topics, no events (go-iost)
              if (contractId !== "" && ev.contract !== contractId) continue;
              lines.push(JSON.stringify({ result: { event: { topic: ev.topic, data: ev.data, time: ev.time } } }) + "\n");
            }
          });
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

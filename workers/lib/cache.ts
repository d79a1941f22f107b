/**
 * Reads from the edge (issue #14 item 4, docs/ARCHITECTURE.md "Reads at the edge"). What is
 * final never changes: an irreversible block, a tx in one, its receipt. Such answers carry
 * `Cache-Control: public, max-age=31536000, immutable` and are kept in this Cloudflare
 * location's cache (`caches.default`), so the next client asking the same URL costs no object
 * call. Head-dependent answers (chain info, balances, storage at head, a reversible block)
 * carry HEAD_CACHE_CONTROL; errors (not found, pending) are never kept.
 *
 * The edge also remembers which shard holds a tx (`rememberTxShard`), learned when it admits the
 * tx or first finds it, so a lookup asks one shard rather than all; and it coalesces the
 * chain-info reads of many pollers into one coordinator call per HEAD_MEMO_MS (`headMemo`).
 *
 * Workers without a Cache API (Node tests, app.request) simply compute every answer.
 */
import type { Context } from "hono";
import type { Json } from "../../durable-objects/api";
import type { AppEnv, Env } from "../env";

export const FINAL_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** One second: HTTP's smallest non-zero max-age, two blocks at IOST's interval. */
export const HEAD_CACHE_CONTROL = "public, max-age=1";
export const NO_STORE = "no-store";
/** How long (ms) an isolate reuses one coordinator answer for every head-dependent poller: one block interval. */
export const HEAD_MEMO_MS = 500;
/** Response header telling whether `caches.default` answered (HIT) or the objects did (MISS). */
export const CACHE_STATUS = "X-Edge-Cache";

function edgeCache(): Cache | null {
  const c = (globalThis as { caches?: { default?: Cache } }).caches;
  return c?.default ?? null;
}

/**
 * Dev only: /dev/revert takes a chain back below its LIB, so what was final is not; each revert
 * starts a new generation of keys in this isolate (a dev node runs one).
 */
let generation = 0;
export function newGeneration(): void {
  generation++;
}

/** The Cache API key of a read: its URL without query, or for a POST read the GET-style URL of its fields. */
export function cacheKey(url: string, fields?: Record<string, string>): Request {
  const u = new URL(url);
  const key = new URL(u.origin + u.pathname);
  if (generation > 0) key.searchParams.set("generation", String(generation));
  for (const [k, v] of Object.entries(fields ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) key.searchParams.set(k, v);
  return new Request(key.toString());
}

function keep(c: Context<AppEnv>, task: Promise<unknown>): Promise<unknown> {
  try {
    c.executionCtx.waitUntil(task);
    return Promise.resolve();
  } catch {
    return task; // no execution context (app.request): finish it before answering
  }
}

/**
 * A read answered from the location's cache if it is there, else by `compute`, whose answer is
 * kept only when `final` says it never changes. Failures thrown by `compute` become IOST's
 * envelope as usual (app.ts) and are never kept.
 */
export async function finalRead(c: Context<AppEnv>, key: Request, compute: () => Promise<{ body: Json; final: boolean }>): Promise<Response> {
  const cache = edgeCache();
  const hit = cache === null ? undefined : await cache.match(key);
  if (hit !== undefined) {
    const res = new Response(hit.body, hit); // headers of a cached response are immutable
    res.headers.set(CACHE_STATUS, "HIT");
    return res;
  }
  const { body, final } = await compute();
  const res = new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": final ? FINAL_CACHE_CONTROL : HEAD_CACHE_CONTROL },
  });
  if (cache !== null && final)
    await keep(
      c,
      cache.put(key, res.clone()).catch((err) => console.error("edge cache put failed:", err)),
    );
  res.headers.set(CACHE_STATUS, "MISS");
  return res;
}

/**
 * One answer per `key` shared by every request of this isolate for HEAD_MEMO_MS, and one
 * call in flight at a time: N explorer tabs polling /getChainInfo cost one coordinator
 * call per interval, not N. A failed call is not kept. `fresh` calls now and keeps that answer for
 * the others: what one client was just shown, no later read of the isolate goes below.
 */
export class HeadMemo {
  private readonly memo = new WeakMap<object, Map<string, { at: number; value: Promise<Json> }>>();

  get(owner: object, key: string, now: number, load: () => Promise<Json>, fresh = false): Promise<Json> {
    let byKey = this.memo.get(owner);
    if (byKey === undefined) this.memo.set(owner, (byKey = new Map()));
    const held = byKey.get(key);
    if (!fresh && held !== undefined && now - held.at < HEAD_MEMO_MS) return held.value;
    const value = load();
    const entry = { at: now, value };
    byKey.set(key, entry);
    value.catch(() => {
      if (byKey.get(key) === entry) byKey.delete(key);
    });
    return value;
  }

  /** Forgets `owner`'s answers: the dev routes that move the head at once (/dev/mine, /dev/revert). */
  clear(owner: object): void {
    this.memo.delete(owner);
  }
}

export const headMemo = new HeadMemo();

/** Tx hash → the shard holding it, as this isolate learned it; the oldest is forgotten first. */
const TX_SHARDS_MAX = 50_000;
const txShards = new Map<string, number>();
/** How long (s) the location's cache keeps a tx's shard: longer than any tx stays unfinal. */
const TX_SHARD_TTL_S = 86_400;

function txShardKey(origin: string, hash: string): Request {
  return new Request(`${origin}/__edge/tx-shard/${encodeURIComponent(hash)}`);
}

/** Notes where a tx lives (its publisher's home shard, or the shard that answered for it). */
export async function rememberTxShard(c: Context<AppEnv>, hash: string, shard: number): Promise<void> {
  if (txShards.get(hash) === shard) return;
  txShards.delete(hash);
  txShards.set(hash, shard);
  if (txShards.size > TX_SHARDS_MAX) txShards.delete(txShards.keys().next().value!);
  const cache = edgeCache();
  if (cache === null) return;
  const res = new Response(String(shard), { headers: { "cache-control": `public, max-age=${TX_SHARD_TTL_S}` } });
  await keep(
    c,
    cache.put(txShardKey(new URL(c.req.url).origin, hash), res).catch((err) => console.error("edge cache put failed:", err)),
  );
}

/** The shard this location knows for a tx, or null. */
export async function txShardOf(c: Context<AppEnv>, hash: string): Promise<number | null> {
  const known = txShards.get(hash);
  if (known !== undefined) return known;
  const cache = edgeCache();
  if (cache === null) return null;
  const hit = await cache.match(txShardKey(new URL(c.req.url).origin, hash));
  if (hit === undefined) return null;
  const n = Number(await hit.text());
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The memo's owner for an env: its coordinator namespace, the same object for every request of a deployment. */
export function memoOwner(env: Env): object {
  return env.COORDINATOR;
}

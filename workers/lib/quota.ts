/**
 * Per-source request quotas of the edge (/p2p/*, /subscribe): at most `limit`
 * requests per `windowMs` per source, in fixed windows. The source is the
 * client address Cloudflare puts in CF-Connecting-IP (a client cannot set it
 * on the internet); without it (local workerd) the sender's claimed node id
 * (X-Node-Id), else one shared "unknown" source. Counted in this isolate's
 * memory: a deployment runs many isolates, so this caps what one source can
 * make each of them do, not a global count; the cost it guards (coordinator
 * turns, subrequests) is per request, so that is the bound that matters here.
 */
import type { Context } from "hono";
import { RpcFailure } from "./errors";

/** Sources a quota remembers; the oldest window is forgotten first. */
const MAX_SOURCES = 10_000;

export function sourceOf(header: (name: string) => string | undefined): string {
  return (header("CF-Connecting-IP") ?? header("X-Node-Id") ?? "unknown").slice(0, 100);
}

export class Quota {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one request of `source` at `now` (ms); false when its window is used up. */
  take(source: string, now: number): boolean {
    let w = this.windows.get(source);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(source);
      w = { start: now, used: 0 };
      this.windows.set(source, w);
      if (this.windows.size > MAX_SOURCES) this.windows.delete(this.windows.keys().next().value!);
    }
    w.used++;
    return w.used <= this.limit;
  }

  /** Hono middleware: IOST's error envelope once the source's quota is used up. */
  middleware() {
    return async (c: Context, next: () => Promise<void>) => {
      const source = sourceOf((n) => c.req.header(n));
      if (!this.take(source, Date.now())) {
        throw new RpcFailure(`too many ${this.name} requests from ${source}: at most ${this.limit} per ${this.windowMs / 1000} s`);
      }
      await next();
    };
  }
}

/**
 * One directed network link (node i → node j) as a tiny HTTP proxy. Node i's
 * PEERS name the proxy instead of node j, so a test can partition the network
 * by cutting links: a cut link answers 503 at once (as an unreachable peer
 * would fail), in both directions only if both directed links are cut.
 * Node j may be stopped and restarted behind the proxy (502 meanwhile).
 *
 * A link may also be slow (issue 14 item 6: links between Cloudflare regions
 * take 100–250 ms one way): each request waits a drawn delay before it leaves
 * and each response another before it comes back, as bytes crossing a real
 * link would. Delays are drawn from a seeded PRNG, so a run can be replayed.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { seededRandom } from "../durable-objects/coordinator/jitter";

export interface LinkProxy {
  /** Base URL of the proxy (what the sending node uses as its peer URL). */
  url: string;
  port: number;
  /** Base URL requests are forwarded to. */
  target: string;
  /** Stop forwarding: new requests get 503, requests in flight are aborted. */
  cut(): void;
  /** Refuse requests to these paths only (query left out) with 503, as `cut` does; heal() forwards them again. */
  cutPaths(paths: readonly string[]): void;
  /** Forward again (every path). */
  heal(): void;
  readonly isCut: boolean;
  /** Requests forwarded so far (tests check a link was really used). */
  readonly forwarded: number;
  /** Requests forwarded so far by path (query left out): gossip tests count /p2p/block and /p2p/endorse. */
  readonly paths: ReadonlyMap<string, number>;
  /** One-way delays (ms) applied so far on a slow link, in order (requests and responses alike). */
  readonly delays: readonly number[];
  /** A lying peer: each response body of a request to `path` goes through `edit` (null: forward as is again). */
  rewrite(path: string, edit: ((body: string) => string) | null): void;
  close(): Promise<void>;
}

export interface LinkProxyOptions {
  /** Base URL of the receiving node, e.g. http://127.0.0.1:30002. */
  target: string;
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** Shown in the 503 body, e.g. "0->1". */
  name?: string;
  /** One-way delay of each request and each response; default none. */
  delay?: LinkDelay;
}

/** A one-way delay drawn uniformly from minMs..maxMs (whole ms) by a PRNG seeded with `seed`. */
export interface LinkDelay {
  minMs: number;
  maxMs: number;
  seed: number;
}

/** Draws delays of `d` in order; none: always 0. */
export function delayDraw(d: LinkDelay | undefined): () => number {
  if (!d) return () => 0;
  if (!(Number.isInteger(d.minMs) && Number.isInteger(d.maxMs) && d.minMs >= 0 && d.maxMs >= d.minMs))
    throw new Error(`link delay wants whole ms 0 ≤ min ≤ max, got ${d.minMs}–${d.maxMs}`);
  const random = seededRandom(d.seed);
  return () => d.minMs + Math.floor(random() * (d.maxMs - d.minMs + 1));
}

export async function startLinkProxy(options: LinkProxyOptions): Promise<LinkProxy> {
  const target = new URL(options.target);
  const name = options.name ?? `-> ${target.host}`;
  let isCut = false;
  let cutPaths = new Set<string>();
  let forwarded = 0;
  const paths = new Map<string, number>();
  // Upstream requests in flight, aborted on cut so a long poll cannot leak through a partition.
  const inflight = new Set<() => void>();
  const sockets = new Set<Socket>();
  const draw = delayDraw(options.delay);
  const delays: number[] = [];
  const edits = new Map<string, (body: string) => string>();
  /** Runs `then` after the next drawn delay (at once on a link without delay); `alive` false drops it (cut or closed meanwhile). */
  const later = (alive: () => boolean, then: () => void) => {
    if (!options.delay) return then();
    const ms = draw();
    delays.push(ms);
    setTimeout(() => alive() && then(), ms);
  };

  const refuse = (res: ServerResponse, status: number, message: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify({ code: 2, message }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?")[0];
    if (isCut || cutPaths.has(path)) {
      req.resume();
      return refuse(res, 503, `link ${name} is cut${isCut ? "" : ` for ${path}`}`);
    }
    forwarded++;
    paths.set(path, (paths.get(path) ?? 0) + 1);
    let aborted = false;
    let upstream: ReturnType<typeof request> | undefined;
    const abort = () => {
      aborted = true;
      upstream?.destroy();
      res.destroy();
    };
    inflight.add(abort);
    const done = () => inflight.delete(abort);
    res.on("close", done);
    const alive = () => !aborted;
    // The request body waits in the paused request stream while the request crosses the link.
    later(alive, () => {
      upstream = request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) =>
          later(alive, () => {
            if (res.destroyed) return void up.destroy(); // the sender gave up meanwhile
            const edit = edits.get(path);
            if (edit === undefined) {
              res.writeHead(up.statusCode ?? 502, up.headers);
              return void up.pipe(res);
            }
            const parts: Buffer[] = [];
            up.on("data", (b: Buffer) => parts.push(b));
            up.on("end", () => {
              const body = Buffer.from(edit(Buffer.concat(parts).toString("utf8")));
              const { "transfer-encoding": _, "content-encoding": __, ...headers } = up.headers;
              res.writeHead(up.statusCode ?? 502, { ...headers, "content-length": String(body.length) });
              res.end(body);
            });
          }),
      );
      upstream.on("error", (err) => {
        done();
        if (!aborted) refuse(res, 502, `link ${name}: ${err.message}`);
      });
      req.pipe(upstream);
    });
  };

  const server = createServer(handle);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    target: options.target.replace(/\/+$/, ""),
    cut() {
      isCut = true;
      for (const abort of [...inflight]) abort();
    },
    cutPaths(paths) {
      cutPaths = new Set(paths);
    },
    heal() {
      isCut = false;
      cutPaths = new Set();
    },
    get isCut() {
      return isCut;
    },
    get paths() {
      return paths;
    },
    get forwarded() {
      return forwarded;
    },
    get delays() {
      return delays;
    },
    rewrite(at, edit) {
      if (edit === null) edits.delete(at);
      else edits.set(at, edit);
    },
    close() {
      for (const abort of [...inflight]) abort();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

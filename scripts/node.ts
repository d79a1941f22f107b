/**
 * Starts a real iost-edge node (the edge Worker and its Durable Objects in
 * workerd, through wrangler's programmatic dev server) on loopback, served from
 * the Worker's own socket (keep-alive.ts). Used by `npm start`, `npm run
 * network`, the end-to-end and network tests and the bench.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_DevEnv } from "wrangler";
import { startGrpcBridge } from "./grpc/bridge";
import { keepAlive, type KeepAlive } from "./keep-alive";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// wrangler/miniflare stay offline (docs/ARCHITECTURE.md "Platform notes").
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.WRANGLER_HIDE_BANNER = "true";

export interface RunningNode {
  url: string;
  /** /getChainInfo as first answered. */
  chainInfo: Record<string, unknown>;
  /** host:port of its gRPC endpoint (scripts/grpc/bridge.ts), when one was asked for. */
  grpc?: string;
  stop(): Promise<void>;
}

export interface NodeOptions {
  /** Directory to persist Durable Object state in; false (default) keeps it in memory. */
  persist?: string | false;
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /**
   * A socket the caller keeps listening across this node's restarts (network.ts), pointed at the
   * node while it runs; `port` is then unused.
   */
  front?: KeepAlive;
  /** Extra plain-text vars, overriding wrangler.toml's [env.dev.vars] (the devnet: DEV = "true"). */
  vars?: Record<string, string>;
  /** "log": request lines and the Worker's console (contract console.log in dev mode); default "warn". */
  logLevel?: "warn" | "log";
  /** Milliseconds to wait for /getChainInfo to answer. */
  readyTimeoutMs?: number;
  /** Also serve IOST's gRPC API (iwallet's `-s`) on this loopback port; 0 picks a free one; undefined: none. */
  grpcPort?: number;
}

export async function startNode(options: NodeOptions = {}): Promise<RunningNode> {
  const bindings: Record<string, { type: "plain_text"; value: string }> = {};
  // SHARD_COUNT in the environment picks the shard count of a run (e.g. the e2e suite with 1 and with 4).
  const fromEnv = process.env.SHARD_COUNT ? { SHARD_COUNT: process.env.SHARD_COUNT } : {};
  for (const [name, value] of Object.entries({ ...fromEnv, ...options.vars })) bindings[name] = { type: "plain_text", value };
  // wrangler serves the Worker behind a dev proxy (a second workerd) that answers any failed
  // forward of a POST with a 503 "Your worker restarted mid-request", even with nothing
  // restarted, and costs a hop per request (BENCHMARKS.md "Local node"). The node's socket
  // is keep-alive.ts over the Worker's own, taken from the reload event; the proxy gets a
  // port of its own that nothing uses.
  const env = new unstable_DevEnv();
  let reported: (socket: { host: string; port: number }) => void = () => {};
  const direct = new Promise<{ host: string; port: number }>((resolve) => {
    reported = resolve;
  });
  const reloaded = env.proxy.onReloadComplete.bind(env.proxy);
  env.proxy.onReloadComplete = (event) => {
    const { hostname, port } = event.proxyData.userWorkerUrl;
    reported({ host: hostname, port: Number(port) });
    reloaded(event);
  };
  // wrangler.toml's top level is production; a local node is the dev environment unless its vars say otherwise.
  const worker = await env.startWorker({
    config: resolve(ROOT, "wrangler.toml"),
    env: "dev",
    bindings,
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      persist: options.persist ?? false,
      logLevel: options.logLevel ?? "warn",
      watch: false,
    },
  });
  let front: KeepAlive | undefined;
  const release = async (f: KeepAlive) => (options.front ? f.point(undefined) : await f.close());
  try {
    await worker.ready;
    front = options.front ?? (await keepAlive({ host: "127.0.0.1", port: options.port ?? 0 }));
    front.point(await direct);
    const url = `http://127.0.0.1:${front.port}`;
    const chainInfo = await waitForChain(url, options.readyTimeoutMs ?? 60_000);
    const node = front;
    const bridge = options.grpcPort === undefined ? undefined : await startGrpcBridge({ node: url, port: options.grpcPort });
    const stop = async () => {
      await bridge?.stop();
      await release(node);
      await worker.dispose();
    };
    return { url, chainInfo, grpc: bridge?.address, stop };
  } catch (err) {
    if (front) await release(front);
    await worker.dispose().catch(() => {});
    throw err;
  }
}

/** Polls /getChainInfo until it answers 200; returns its JSON. */
export async function waitForChain(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/getChainInfo`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await sleep(250);
  }
  throw new Error(`node at ${url} did not answer /getChainInfo within ${timeoutMs} ms: ${last}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * `npm run network` — a local network of separate iost-edge nodes (issue #7):
 * each node is its own workerd (its own `startNode`) with its own store, holds
 * the key of one dev producer, and knows the others through PEERS.
 *
 *   npm run network                      4 nodes on http://127.0.0.1:30001–30004
 *   npm run network -- --nodes 2         2 nodes (1–4: one per dev producer)
 *   npm run network -- --base-port 31001 other ports (node i on base + i)
 *   npm run network -- --reset           wipe .wrangler/network first (a new chain)
 *   npm run network -- --quiet           no status lines
 *   npm run network -- --proxied         peers reach each other through link proxies
 *   npm run network -- --groups 2        SHARD_GROUPS = 2: the genesis splits the shards into 2 groups
 *   npm run network -- --groups 2 --holding 0,2
 *                                        the last node has no producer key and holds shards 0 and 2 only
 *
 * Node i: store .wrangler/network/node-<i>, GENESIS_PRODUCERS = node count,
 * PRODUCER_SECRET = producer00<i>'s PUBLIC dev key, PEERS = the other nodes.
 * Ctrl-C stops them all; their state survives.
 *
 * `startNetwork` is also the test harness's launcher (test/network/harness.ts).
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DEV_PRODUCERS } from "../src/genesis/dev-keys";
import { startGrpcBridge } from "./grpc/bridge";
import { keepAlive, type KeepAlive } from "./keep-alive";
import { startLinkProxy, type LinkDelay, type LinkProxy } from "./link-proxy";
import { ROOT, sleep, startNode, type RunningNode } from "./node";
import { onInterrupt } from "./shutdown";

export const NETWORK_DIR = resolve(ROOT, ".wrangler/network");
const DEFAULT_BASE_PORT = 30001;
const MAX_NODES = DEV_PRODUCERS.length;

export interface NetworkOptions {
  /** Node count, 1–4 (one dev producer each). */
  nodes: number;
  /** Stores go to <persistRoot>/node-<i>; default .wrangler/network. */
  persistRoot?: string;
  /** Ports: node i on basePort + i; default: ports the OS picks, each held from the start to the stop. */
  basePort?: number;
  /** PEERS point at link proxies (one per directed link) so links can be cut; default true. */
  proxied?: boolean;
  /** One-way delay on every link proxy (proxied only); each link draws from its own seed, derived from this one. */
  linkDelay?: LinkDelay;
  /** Extra vars for every node (e.g. SHARD_COUNT, BLOCK_PRODUCTION), applied before the per-node ones. */
  vars?: Record<string, string>;
  /** Per-node extra vars, applied last. */
  nodeVars?: (index: number) => Record<string, string>;
  logLevel?: "warn" | "log";
  readyTimeoutMs?: number;
}

export interface NetNode {
  index: number;
  /** Dev producer account, producer00<i>. */
  id: string;
  pubkey: string;
  /** http://127.0.0.1:<port>; the same across restarts. */
  url: string;
  port: number;
  /** Its store directory. */
  persist: string;
  /** PEERS it was started with. */
  peers: string[];
  readonly running: boolean;
  /** Stops its workerd; the store is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Stop, delete its store, start: a node that lost everything (a new genesis). */
  wipe(): Promise<void>;
}

export interface Network {
  nodes: NetNode[];
  proxied: boolean;
  /** The proxy of the directed link from → to (proxied networks only). */
  link(from: number, to: number): LinkProxy;
  /** from's requests to `to` fail with 503 (one direction). */
  cut(from: number, to: number): void;
  heal(from: number, to: number): void;
  /** Cuts every link between the groups, both directions. */
  partition(a: readonly number[], b: readonly number[]): void;
  healAll(): void;
  /** Stops every node and proxy (stores are kept). */
  stop(): Promise<void>;
}

export async function startNetwork(options: NetworkOptions): Promise<Network> {
  const n = options.nodes;
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) throw new Error(`nodes must be 1–${MAX_NODES}, got ${n}`);
  const root = options.persistRoot ?? NETWORK_DIR;
  const proxied = options.proxied ?? true;

  // Each node's socket listens from here to the network's stop, across the node's restarts: peers'
  // URLs must stay valid, and a port probed free then bound later was taken meanwhile (CI, twice:
  // EADDRINUSE at a node's start).
  const fronts: KeepAlive[] = [];
  const closeFronts = () => Promise.allSettled(fronts.map((f) => f.close()));
  try {
    for (let i = 0; i < n; i++) fronts.push(await keepAlive({ host: "127.0.0.1", port: options.basePort !== undefined ? options.basePort + i : 0 }));
  } catch (err) {
    await closeFronts();
    throw err;
  }
  const ports = fronts.map((f) => f.port);
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);

  const links = new Map<string, LinkProxy>();
  const key = (from: number, to: number) => `${from}->${to}`;
  if (!proxied && options.linkDelay) throw new Error("linkDelay needs a proxied network");
  if (proxied) {
    for (let from = 0; from < n; from++)
      for (let to = 0; to < n; to++) {
        if (from === to) continue;
        const delay = options.linkDelay && { ...options.linkDelay, seed: options.linkDelay.seed * 31 + from * n + to };
        links.set(key(from, to), await startLinkProxy({ target: urls[to], name: key(from, to), delay }));
      }
  }
  const peersOf = (i: number) => urls.map((u, j) => (j === i ? "" : proxied ? links.get(key(i, j))!.url : u)).filter((u) => u !== "");

  const nodes: NetNode[] = [];
  for (let i = 0; i < n; i++) {
    const producer = DEV_PRODUCERS[i];
    const persist = resolve(root, `node-${i}`);
    const peers = peersOf(i);
    const vars = {
      CHAIN_ID: "1020",
      DEV: "true", // the dev producers' genesis; startNode's default, stated since every node must agree
      ...options.vars,
      GENESIS_PRODUCERS: String(n),
      PRODUCER_SECRET: producer.secret,
      PEERS: peers.join(","),
      ...options.nodeVars?.(i),
    };
    let running: RunningNode | undefined;
    // Serialises start/stop/wipe of one node (a test may stop while a start is pending).
    let busy: Promise<void> = Promise.resolve();
    const serial = (fn: () => Promise<void>) => (busy = busy.catch(() => {}).then(fn));
    const doStart = async () => {
      if (running) return;
      running = await startNode({
        persist,
        front: fronts[i],
        vars,
        logLevel: options.logLevel ?? "warn",
        readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      });
    };
    const doStop = async () => {
      const r = running;
      running = undefined;
      await r?.stop();
    };
    nodes.push({
      index: i,
      id: producer.id,
      pubkey: producer.pubkey,
      url: urls[i],
      port: ports[i],
      persist,
      peers,
      get running() {
        return running !== undefined;
      },
      stop: () => serial(doStop),
      start: () => serial(doStart),
      wipe: () =>
        serial(async () => {
          await doStop();
          rmSync(persist, { recursive: true, force: true });
          await doStart();
        }),
    });
  }

  const stopAll = async () => {
    await Promise.allSettled(nodes.map((node) => node.stop()));
    await Promise.allSettled([...links.values()].map((l) => l.close()));
    await closeFronts();
  };

  // In parallel: workerd start-up is mostly waiting, and the nodes must be up together to talk.
  const started = await Promise.allSettled(nodes.map((node) => node.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }

  const link = (from: number, to: number): LinkProxy => {
    const l = links.get(key(from, to));
    if (!l) throw new Error(proxied ? `no link ${key(from, to)} in a network of ${n}` : "network is not proxied: start it with proxied: true");
    return l;
  };
  return {
    nodes,
    proxied,
    link,
    cut: (from, to) => link(from, to).cut(),
    heal: (from, to) => link(from, to).heal(),
    partition(a, b) {
      for (const i of a)
        for (const j of b) {
          link(i, j).cut();
          link(j, i).cut();
        }
    },
    healAll() {
      for (const l of links.values()) l.heal();
    },
    stop: stopAll,
  };
}

// ---- the `npm run network` command ----

interface CliOptions {
  nodes: number;
  basePort: number;
  reset: boolean;
  quiet: boolean;
  proxied: boolean;
  /** SHARD_GROUPS of every node; undefined: the config's (1). */
  groups?: number;
  /** SERVES of the last node, which then has no producer key and holds those shards only (docs/VALIDATOR.md "Shard groups"). */
  holding?: string;
}

function usage(message?: string): never {
  if (message) console.error(`network: ${message}`);
  console.error("usage: npm run network -- [--nodes 1-4] [--groups G [--holding S,…]] [--base-port N] [--reset] [--quiet] [--proxied]");
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { nodes: 4, basePort: DEFAULT_BASE_PORT, reset: false, quiet: false, proxied: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (flag: string) => (arg.includes("=") ? arg.slice(flag.length + 1) : argv[++i]);
    if (arg === "--reset") o.reset = true;
    else if (arg === "--quiet") o.quiet = true;
    else if (arg === "--proxied") o.proxied = true;
    else if (arg === "--nodes" || arg.startsWith("--nodes=")) {
      const text = value("--nodes");
      const count = Number(text);
      if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) usage(`invalid node count ${JSON.stringify(text)}: 1–${MAX_NODES}`);
      o.nodes = count;
    } else if (arg === "--groups" || arg.startsWith("--groups=")) {
      const text = value("--groups");
      const groups = Number(text);
      // The nodes check it against their SHARD_COUNT (durable-objects/env.ts nodeConfig).
      if (!Number.isInteger(groups) || groups < 1) usage(`invalid group count ${JSON.stringify(text)}: a whole number from 1 to the shard count`);
      o.groups = groups;
    } else if (arg === "--holding" || arg.startsWith("--holding=")) {
      // The node checks the list against SHARD_COUNT (durable-objects/config.ts parseServes).
      o.holding = value("--holding") ?? usage("--holding needs shard indexes, such as 0,2");
    } else if (arg === "--base-port" || arg.startsWith("--base-port=")) {
      const text = value("--base-port");
      const port = Number(text);
      if (!Number.isInteger(port) || port < 1 || port + MAX_NODES > 65535) usage(`invalid base port ${JSON.stringify(text)}`);
      o.basePort = port;
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown option ${arg}`);
  }
  if (o.holding !== undefined && ((o.groups ?? 1) < 2 || o.nodes < 2)) usage("--holding needs --groups 2 or more and at least 2 nodes");
  return o;
}

async function status(node: NetNode): Promise<string> {
  const name = `node-${node.index}`;
  try {
    const res = await fetch(`${node.url}/getChainInfo`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return `${name}  HTTP ${res.status}`;
    const info = (await res.json()) as Record<string, string>;
    return `${name}  head ${info.head_block} ${String(info.head_block_hash).slice(0, 8)}  lib ${info.lib_block} ${String(info.lib_block_hash).slice(0, 8)}`;
  } catch (err) {
    return `${name}  unreachable (${(err as Error).message})`;
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.reset) {
    rmSync(NETWORK_DIR, { recursive: true, force: true });
    console.log(`reset: removed ${NETWORK_DIR}`);
  }
  console.log(`starting ${o.nodes} node(s) on ports ${o.basePort}–${o.basePort + o.nodes - 1}…`);
  const vars: Record<string, string> = o.groups === undefined ? {} : { SHARD_GROUPS: String(o.groups) };
  const producers = o.holding === undefined ? o.nodes : o.nodes - 1;
  const holder = (i: number): Record<string, string> =>
    o.holding === undefined ? {} : { GENESIS_PRODUCERS: String(producers), ...(i === o.nodes - 1 ? { PRODUCER_SECRET: "", SERVES: o.holding } : {}) };
  const net = await startNetwork({ nodes: o.nodes, basePort: o.basePort, proxied: o.proxied, vars, nodeVars: holder, readyTimeoutMs: 180_000 });

  // gRPC after the HTTP ports (node i on base + MAX_NODES + i): a bridge outlives its node's restarts.
  const bridges = await Promise.all(net.nodes.map((node) => startGrpcBridge({ node: node.url, port: o.basePort + MAX_NODES + node.index })));
  const stopAll = async () => {
    await Promise.all(bridges.map((b) => b.stop()));
    await net.stop();
  };
  const interrupt = onInterrupt(`${o.nodes} node(s) (state is kept in ${NETWORK_DIR})`, stopAll, 20_000);

  console.log("");
  console.log(
    `iost-edge local network: ${o.nodes} node(s), chain id 1020, ${producers} genesis producer(s), ${o.groups ?? 1} shard group(s)${o.holding === undefined ? "" : `, node-${o.nodes - 1} holding shards ${o.holding} only`}`,
  );
  console.log("Producer keys are IOST-edge's PUBLIC dev keys (src/genesis/dev-keys.ts): never use them for real value.");
  for (const node of net.nodes) {
    const key = o.holding !== undefined && node.index === o.nodes - 1 ? `no producer key, holds shards ${o.holding}` : `${node.id}  ${node.pubkey}`;
    console.log(`  node-${node.index}  ${node.url}  ${key}`);
    console.log(`          gRPC  ${bridges[node.index].address}`);
    console.log(`          store ${node.persist}`);
    console.log(`          peers ${node.peers.join(" ") || "(none)"}`);
  }
  console.log("Ctrl-C stops them all.");
  console.log("");

  while (!o.quiet && !interrupt.stopping()) {
    await sleep(5_000);
    if (interrupt.stopping()) break;
    const lines = await Promise.all(net.nodes.map(status));
    console.log(`[${new Date().toISOString().slice(11, 19)}] ${lines.join("\n           ")}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`network: ${(err as Error).message}`);
    process.exit(1);
  });
}

/**
 * `npm start` — runs one devnet node locally: the edge Worker and its Durable
 * Objects in workerd (wrangler's programmatic dev server), offline.
 *
 *   npm start                 http://127.0.0.1:30001, state kept in .wrangler/state
 *   npm start -- --reset      wipe .wrangler/state first (a new chain from genesis)
 *   npm start -- --port 8787  another port
 *   npm start -- --grpc-port 30012   IOST's gRPC API (iwallet -s) elsewhere than 30002; 0: none
 *   npm start -- --quiet      no request lines or contract console output
 *   npm start -- --mining M   block production: on-demand (default), interval, on-tx or manual (README "Dev conveniences")
 *
 * Ctrl-C stops the node; its state survives and the chain continues next time.
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { ProductionMode } from "../durable-objects/config";
import { ROOT, startNode } from "./node";
import { onInterrupt } from "./shutdown";

const STATE_DIR = resolve(ROOT, ".wrangler/state");
const DEFAULT_PORT = 30001; // IOST's HTTP gateway port
const DEFAULT_GRPC_PORT = 30002; // IOST's gRPC port (iwallet's default -s localhost:30002)

/** IOST's PUBLIC dev keys (go-iost config/dev_admin_key.json, config/genesis.yml). */
const DEV_ACCOUNTS = [
  {
    name: "admin",
    pubkey: "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto",
    secret: "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1",
  },
  {
    name: "producer000",
    pubkey: "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b",
    secret: "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB",
  },
];

interface Options {
  reset: boolean;
  port: number;
  /** 0: no gRPC endpoint. */
  grpcPort: number;
  quiet: boolean;
  /** BLOCK_PRODUCTION for this run; undefined keeps wrangler.toml's. */
  mining?: ProductionMode;
}

const MODES: readonly ProductionMode[] = ["on-demand", "interval", "on-tx", "manual"];

function usage(message?: string): never {
  if (message) console.error(`start: ${message}`);
  console.error("usage: npm start -- [--reset] [--port N] [--grpc-port N] [--quiet] [--mining on-demand|interval|on-tx|manual]");
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { reset: false, port: DEFAULT_PORT, grpcPort: DEFAULT_GRPC_PORT, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--reset") options.reset = true;
    else if (arg === "--quiet") options.quiet = true;
    else if (arg === "--port" || arg.startsWith("--port=")) {
      const text = arg.includes("=") ? arg.slice("--port=".length) : argv[++i];
      const port = Number(text);
      if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`invalid port ${JSON.stringify(text)}`);
      options.port = port;
    } else if (arg === "--grpc-port" || arg.startsWith("--grpc-port=")) {
      const text = arg.includes("=") ? arg.slice("--grpc-port=".length) : argv[++i];
      const port = Number(text);
      if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`invalid gRPC port ${JSON.stringify(text)}`);
      options.grpcPort = port;
    } else if (arg === "--mining" || arg.startsWith("--mining=")) {
      const text = arg.includes("=") ? arg.slice("--mining=".length) : argv[++i];
      if (!MODES.includes(text as ProductionMode)) usage(`invalid mining mode ${JSON.stringify(text)}: on-demand, interval, on-tx or manual`);
      options.mining = text as ProductionMode;
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown option ${arg}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.reset) {
    rmSync(STATE_DIR, { recursive: true, force: true });
    console.log(`reset: removed ${STATE_DIR}`);
  }

  // Like `wrangler dev`, the log shows requests and the Worker's console, where
  // the shards print contract console.log lines in dev mode; --quiet hides both.
  const node = await startNode({
    persist: STATE_DIR,
    port: options.port,
    readyTimeoutMs: 90_000,
    logLevel: options.quiet ? "warn" : "log",
    vars: options.mining ? { BLOCK_PRODUCTION: options.mining } : {},
    grpcPort: options.grpcPort === 0 ? undefined : options.grpcPort,
  });

  onInterrupt(`the node (state is kept in ${STATE_DIR})`, () => node.stop(), 15_000);

  const { url, chainInfo } = node;
  console.log("");
  console.log(`iost-edge devnet node: ${url}`);
  console.log(`  chain id ${String(chainInfo.chain_id)}, head block ${String(chainInfo.head_block)}, state in ${STATE_DIR}`);
  if (options.mining) console.log(`  block production: ${options.mining}${options.mining === "manual" ? ` (mine: curl -X POST ${url}/dev/mine)` : ""}`);
  console.log(`  try: curl ${url}/getChainInfo`);
  if (node.grpc) console.log(`  gRPC (rpcpb.ApiService, scripts/grpc/bridge.ts): ${node.grpc}  try: iwallet -s ${node.grpc} state`);
  console.log("");
  console.log("Dev accounts. These are IOST's PUBLIC dev keys, known to everyone: never use them for real value.");
  for (const a of DEV_ACCOUNTS) {
    console.log(`  ${a.name.padEnd(12)} ed25519 public ${a.pubkey}`);
    console.log(`  ${"".padEnd(12)} ed25519 secret ${a.secret}`);
  }
  console.log("");
  console.log(`iost SDK: new IOST.RPC(new IOST.HTTPProvider("${url}")); tx.setChainID(${String(chainInfo.chain_id)})`);
  console.log("Ctrl-C stops the node.");
}

main().catch((err: unknown) => {
  console.error(`start: ${(err as Error).message}`);
  process.exit(1);
});

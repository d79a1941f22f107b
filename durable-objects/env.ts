/**
 * What the Durable Objects read from `env` (wrangler.toml [vars] and secrets).
 * Vars arrive as strings; `nodeConfig(env)` parses them once, with defaults.
 */
import type { ShardApi, CoordinatorApi } from "./api";
import type { CrossReceipt } from "../src/sharding/receipts";

export interface NodeEnv {
  SHARD: DurableObjectNamespace;
  COORDINATOR: DurableObjectNamespace;
  CHAIN_ID?: string;
  SHARD_COUNT?: string;
  BLOCK_INTERVAL_MS?: string;
  /** "true": dev endpoints, and the public dev producer key when PRODUCER_SECRET is unset. */
  DEV?: string;
  /** "interval" (default), "on-tx" or "manual": see `productionMode`. */
  BLOCK_PRODUCTION?: string;
  /** base58 ed25519 secret (64 bytes, seed ‖ pubkey) of the producer; a Worker secret. */
  PRODUCER_SECRET?: string;
  /** Most txs a shard puts in one chunk; the block gas cap usually binds first. */
  BLOCK_MAX_TXS?: string;
  /** Most txs of one publisher in one chunk (IOST: 10), so one sender cannot fill a block. */
  BLOCK_MAX_TXS_PER_PUBLISHER?: string;
}

export interface NodeConfig {
  chainId: number;
  shardCount: number;
  blockIntervalMs: number;
  dev: boolean;
  production: ProductionMode;
  /** null: this node holds no producer key and does not produce. */
  producerSecret: string | null;
  blockMaxTxs: number;
  blockMaxTxsPerPublisher: number;
}

/**
 * The dev chain's producer000 secret, published by go-iost
 * (config/genesis/genesis.yml; iost-protocol.md §12). Public, so only ever used
 * when DEV is "true".
 */
export const DEV_PRODUCER_SECRET =
  "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB";

/**
 * When the coordinator's alarm produces blocks (README "Dev conveniences"):
 * - "interval": a block every BLOCK_INTERVAL_MS, empty or not, as IOST;
 * - "on-tx": idle while every mempool is empty; a tx wakes the coordinator,
 *   which produces at once, then at most one block per BLOCK_INTERVAL_MS while
 *   txs keep waiting (so a busy chain still batches);
 * - "manual": never from the alarm, only from /dev/mine.
 * /dev/mine produces blocks in every mode.
 */
export type ProductionMode = "interval" | "on-tx" | "manual";

/**
 * BLOCK_PRODUCTION; unset or unknown is "interval", IOST's behaviour. Pure and
 * free of Workers APIs: the edge Worker parses it the same way.
 */
export function productionMode(env: { BLOCK_PRODUCTION?: string }): ProductionMode {
  const mode = env.BLOCK_PRODUCTION?.trim();
  return mode === "on-tx" || mode === "manual" ? mode : "interval";
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

export function nodeConfig(env: NodeEnv): NodeConfig {
  const dev = env.DEV === "true";
  const secret = env.PRODUCER_SECRET?.trim();
  return {
    chainId: positiveInt(env.CHAIN_ID, 1020),
    shardCount: positiveInt(env.SHARD_COUNT, 1),
    blockIntervalMs: positiveInt(env.BLOCK_INTERVAL_MS, 500),
    dev,
    production: productionMode(env),
    producerSecret: secret ? secret : dev ? DEV_PRODUCER_SECRET : null,
    blockMaxTxs: positiveInt(env.BLOCK_MAX_TXS, 1000),
    blockMaxTxsPerPublisher: positiveInt(env.BLOCK_MAX_TXS_PER_PUBLISHER, 10),
  };
}

/**
 * Object names. The edge uses `coordinator` and `shard-<i>`. A coordinator
 * named `<chain>:coordinator` drives `<chain>:shard-<i>`, so tests can run
 * independent chains side by side in one namespace.
 */
export const COORDINATOR_NAME = "coordinator";

export function shardName(coordinatorName: string, index: number): string {
  const at = coordinatorName.lastIndexOf(":");
  return at < 0 ? `shard-${index}` : `${coordinatorName.slice(0, at)}:shard-${index}`;
}

/** The name of shard `index` of the chain a shard named `own` belongs to. */
export function peerShardName(own: string, index: number): string {
  return own.replace(/shard-\d+$/, `shard-${index}`);
}

/** Index of a shard from its object name (`shard-3`, `t1:shard-3`). */
export function shardIndexFromName(name: string | undefined): number {
  const m = /(?:^|:)shard-(\d+)$/.exec(name ?? "");
  return m ? Number(m[1]) : 0;
}

/** Shard methods beyond the edge contract (api.ts) that the coordinator and tests use. */
export interface ShardInternal extends ShardApi {
  /** Gas ratios (×100) of the txs of the chunk at `height`. */
  chunkGasRatios(height: number): Promise<number[]>;
  /** Cross-shard receipts the chunk of `height` sent to shard `to` (read by `to` when it builds height + 1). */
  outgoingFor(height: number, to: number): Promise<CrossReceipt[]>;
  /** Pending txs, or cross-shard receipts of the head chunk still to be applied. */
  hasWork(): Promise<boolean>;
  /** Dev: copy every table as snapshot `id` (durable-objects/snapshots.ts). */
  snapshot(id: number): Promise<void>;
  hasSnapshot(id: number): Promise<boolean>;
  /** Dev: restore snapshot `id`, keeping the copies; false if it is not held. */
  revert(id: number): Promise<boolean>;
  dropSnapshots(id: number): Promise<void>;
}

// DO RPC stubs are typed by the contract in api.ts, not by the classes, which
// keeps tsc away from deep Rpc type instantiation (toolchain.md P8).
export function shardStub(env: NodeEnv, name: string): ShardInternal {
  return env.SHARD.getByName(name) as unknown as ShardInternal;
}

export function coordinatorStub(env: NodeEnv, name = COORDINATOR_NAME): CoordinatorApi {
  return env.COORDINATOR.getByName(name) as unknown as CoordinatorApi;
}

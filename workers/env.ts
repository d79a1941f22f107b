/**
 * What the edge Worker sees in `env`. The Durable Object namespaces are typed
 * structurally by the contract in durable-objects/api.ts, so this file does not
 * depend on generated Workers types.
 */
import type { Tally } from "./lib/usage";
import type { CoordinatorApi, ShardApi } from "../durable-objects/api";

/** A Durable Object namespace as the edge uses it: by name, or by id with a location hint (lib/nodes.ts). */
export interface Namespace<T> {
  getByName(name: string): T;
  idFromName?(name: string): unknown;
  get?(id: unknown, options?: { locationHint?: string }): T;
}

export interface Env {
  SHARD: Namespace<ShardApi>;
  COORDINATOR: Namespace<CoordinatorApi>;
  /** Region of the node's objects (durable-objects/config.ts `locationHint`). */
  LOCATION_HINT?: string;
  /** Not a binding: the request's own counters, set per request by lib/usage.ts `meterEdge`. */
  meter?: Tally;
  /** "true" enables dev-only endpoints (/execTx). */
  DEV?: string;
  /** Chain id txs must carry. When unset, the coordinator's chain info decides. */
  CHAIN_ID?: string;
  /** Number of shards of this network (default 1). */
  SHARD_COUNT?: string;
  /** "interval" (default), "on-tx" (every tx must wake the coordinator) or "manual" (never woken). */
  BLOCK_PRODUCTION?: string;
  /** The shards whose reads this node answers itself ("all", the default, or indexes; config.ts parseServes); the others through PEERS (lib/peer-read.ts). */
  SERVES?: string;
  /** Shard groups of the network's genesis (default 1); shown by /getShardInfo. */
  SHARD_GROUPS?: string;
  /** Peer nodes' base URLs, comma-separated (config.ts parsePeers): /sendTx forwards admitted txs to them. */
  PEERS?: string;
  /** Upper bound of one /subscribe stream, seconds (default 600). */
  SUBSCRIBE_MAX_SECONDS?: string;
}

export type AppEnv = { Bindings: Env };

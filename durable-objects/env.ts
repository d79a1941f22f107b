/**
 * What the Durable Objects read from `env` (wrangler.toml [vars] and secrets).
 * Vars arrive as strings; `nodeConfig(env)` parses them once, with defaults.
 * The settings the edge Worker also reads are parsed in config.ts.
 */
import type { CoordinatorApi, ShardInternal, ValidatorApi } from "./api";
import { holdsOf, keyList, locationHint, parsePeers, parseServes, positiveInt, productionMode, stubOf, type ProductionMode } from "./config";
import { groupsError } from "../src/consensus/groups";
import { DEV_ADMIN_PUBKEY, DEV_PRODUCERS, PUBLIC_DEV_KEYS } from "../src/genesis/dev-keys";
import type { GenesisSpec } from "../src/genesis/index";

export interface NodeEnv {
  SHARD: DurableObjectNamespace;
  COORDINATOR: DurableObjectNamespace;
  /** One Validator per producer key held (durable-objects/validator/validator.ts). */
  VALIDATOR: DurableObjectNamespace;
  CHAIN_ID?: string;
  SHARD_COUNT?: string;
  /**
   * ms between two blocks (default 500, IOST's), a genesis setting: it becomes the chain's
   * `blockIntervalNs` (src/genesis/index.ts `genesisOf`, stored by base.iost), which both the
   * slots and the coordinator's alarm follow. Kept as a var rather than a constant of the genesis
   * code because a network may choose it, like GENESIS_PRODUCERS; every node must agree, and a
   * node whose value disagrees with its chain's stored genesis refuses to serve (coordinator.ts
   * `checkChain`): the chain's value wins, the var only starts a chain.
   */
  BLOCK_INTERVAL_MS?: string;
  /**
   * ms, the chain's heartbeat (default HEARTBEAT_MS; 0: a block every slot, as IOST), a genesis
   * setting like BLOCK_INTERVAL_MS (the chain's `heartbeatNs`, stored by base.iost): it decides which
   * skipped slots count as missed (docs/POB.md), so every node must agree (`checkChain`).
   */
  HEARTBEAT_MS?: string;
  /**
   * Shard groups (default 1), a genesis setting like BLOCK_INTERVAL_MS (the chain's `shardGroups`,
   * stored by base.iost when above 1, `checkChain`): 1 to SHARD_COUNT (docs/VALIDATOR.md "Shard groups").
   */
  SHARD_GROUPS?: string;
  /** The shards whose reads the edge answers from this node's objects ("all", the default, or indexes; config.ts `parseServes`); meant for a node without a producer key. */
  SERVES?: string;
  /**
   * "true": dev endpoints, unsigned /execTx, and the public dev keys (a dev genesis, and the dev
   * producers' secrets when PRODUCER_SECRET is unset). Anything else is production: see genesisSpec.
   */
  DEV?: string;
  /** Dev producers named in the genesis, 1–4 (src/genesis/dev-keys.ts); every node of a network must agree. */
  GENESIS_PRODUCERS?: string;
  /**
   * A network's own genesis producers instead of the dev ones: their block
   * pubkeys (base58), comma-separated; they become producer000, producer001, …
   */
  GENESIS_PRODUCER_KEYS?: string;
  /** base58 pubkey owning admin and foundation at genesis, instead of IOST's public dev admin key. */
  GENESIS_ADMIN_KEY?: string;
  /** Comma-separated base URLs of peer nodes (issue #7: block gossip and sync). */
  PEERS?: string;
  /** "interval" (default), "on-tx" or "manual": see `productionMode`. */
  BLOCK_PRODUCTION?: string;
  /**
   * base58 ed25519 secrets (64 bytes, seed ‖ pubkey) of the producer keys this
   * node holds, comma-separated (usually one); a Worker secret. Each key gets
   * its own Validator object.
   */
  PRODUCER_SECRET?: string;
  /** Most txs a shard puts in one chunk; the block gas cap usually binds first. */
  BLOCK_MAX_TXS?: string;
  /** How far (ms) a peer's block may be ahead of this node's clock (default: one slot, as go-iost). */
  BLOCK_AHEAD_MAX_MS?: string;
  /** Where every object of this node is placed (config.ts `locationHint`); the edge passes the same hint. */
  LOCATION_HINT?: string;
  /**
   * R2 bucket for old final blocks, chunks, tx bodies and receipts (durable-objects/archive.ts).
   * Absent: everything stays in SQLite and is served from there.
   */
  ARCHIVE?: R2Bucket;
  /** Heights kept in SQLite below LIB before a segment moves to R2 (default 1024; at least 4, see nodeConfig). */
  ARCHIVE_RETAIN_BLOCKS?: string;
  /** Heights per R2 segment (default 256); fixed per object by its first segment. */
  ARCHIVE_SEGMENT_BLOCKS?: string;
  /** Dev/test only: the coordinator's alarm runs up to this many ms late, sometimes twice (coordinator/jitter.ts). */
  ALARM_JITTER_MS?: string;
  /** Seed of those draws (default 1). */
  ALARM_JITTER_SEED?: string;
}

export interface NodeConfig {
  chainId: number;
  shardCount: number;
  dev: boolean;
  production: ProductionMode;
  /** Producer keys this node holds (base58 secrets); empty: it produces nothing. */
  producerSecrets: string[];
  /** The genesis every node of the network must share (chain id, producers, admin key, block interval). */
  genesis: GenesisSpec;
  /** Peer node base URLs, no trailing slash. */
  peers: string[];
  blockMaxTxs: number;
  /** BLOCK_AHEAD_MAX_MS; null: one slot. */
  blockAheadMs: number | null;
  /** Heights kept below LIB (bookkeeping pruned, blocks archived beyond) and heights per segment. */
  archive: { retain: number; seg: number };
  /**
   * Shard groups: the only shards whose objects this node has (a node without a producer key,
   * SERVES naming some shards, more than one group: docs/VALIDATOR.md "Shard groups"); null: every shard.
   */
  holds: number[] | null;
}

/**
 * The dev producers' secrets (src/genesis/dev-keys.ts: producer000's is
 * go-iost's, go-iost config/genesis/genesis.yml). Public, so only ever used when DEV is "true".
 */
export const DEV_PRODUCER_SECRETS: readonly string[] = DEV_PRODUCERS.map((p) => p.secret);

const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * Default heartbeat (ms): an idle chain makes one empty block per 10 minutes
 * (docs/ARCHITECTURE.md "Production" has the quota arithmetic).
 */
export const HEARTBEAT_MS = 600_000;

/**
 * The genesis from the vars. A malformed key list or block interval throws: a
 * node must not start a chain its peers would not share. So does a production
 * node (DEV not "true") without its own genesis keys, or with a public dev key
 * among them or its PRODUCER_SECRET: anyone could sign as those. Every object
 * reads its config through here, so such a node serves nothing.
 */
export function genesisSpec(env: NodeEnv): GenesisSpec {
  const chainId = positiveInt(env.CHAIN_ID, 1020);
  const keys = keyList(env.GENESIS_PRODUCER_KEYS);
  const admin = keyList(env.GENESIS_ADMIN_KEY);
  for (const k of [...keys, ...admin]) {
    if (!BASE58_KEY.test(k)) throw new Error(`invalid genesis key ${JSON.stringify(k)}: a base58 ed25519 public key`);
  }
  if (env.DEV !== "true") {
    const off = 'DEV is not "true" (production)';
    if (keys.length === 0 || admin.length === 0) {
      throw new Error(
        `${off}: set GENESIS_PRODUCER_KEYS and GENESIS_ADMIN_KEY to this network's own public keys; without them the chain would start on the public dev keys (DEV = "true" for a dev chain)`,
      );
    }
    const pub = [...keys, ...admin].find((k) => PUBLIC_DEV_KEYS.has(k));
    if (pub !== undefined) throw new Error(`${off}: genesis key ${pub} is a public dev key (src/genesis/dev-keys.ts), anyone can sign with it`);
    if (keyList(env.PRODUCER_SECRET).some((s) => DEV_PRODUCER_SECRETS.includes(s))) {
      throw new Error(`${off}: PRODUCER_SECRET holds a public dev producer secret (src/genesis/dev-keys.ts)`);
    }
  }
  if (new Set(keys).size !== keys.length) throw new Error("GENESIS_PRODUCER_KEYS names a key twice");
  const interval = env.BLOCK_INTERVAL_MS?.trim() ?? "500";
  if (!/^[1-9][0-9]{0,8}$/.test(interval))
    throw new Error(`invalid BLOCK_INTERVAL_MS ${JSON.stringify(env.BLOCK_INTERVAL_MS)}: a whole number of milliseconds, 1 to 999999999`);
  const producers =
    keys.length > 0
      ? keys.map((pubkey, i) => ({ id: `producer${String(i).padStart(3, "0")}`, pubkey }))
      : DEV_PRODUCERS.slice(0, positiveInt(env.GENESIS_PRODUCERS, 1)).map((p) => ({ id: p.id, pubkey: p.pubkey }));
  const beat = env.HEARTBEAT_MS?.trim() ?? String(HEARTBEAT_MS);
  if (!/^(0|[1-9][0-9]{0,9})$/.test(beat))
    throw new Error(`invalid HEARTBEAT_MS ${JSON.stringify(env.HEARTBEAT_MS)}: a whole number of milliseconds, 0 (a block every slot) to 9999999999`);
  const groups = env.SHARD_GROUPS?.trim() ?? "1";
  if (!/^[1-9][0-9]{0,5}$/.test(groups)) throw new Error(`invalid SHARD_GROUPS ${JSON.stringify(env.SHARD_GROUPS)}: a whole number from 1 to SHARD_COUNT`);
  return {
    chainId,
    producers,
    adminKey: env.GENESIS_ADMIN_KEY?.trim() || DEV_ADMIN_PUBKEY,
    blockIntervalMs: Number(interval),
    heartbeatMs: Number(beat),
    ...(groups === "1" ? {} : { groups: Number(groups) }),
  };
}

export function nodeConfig(env: NodeEnv): NodeConfig {
  const dev = env.DEV === "true";
  const secrets = keyList(env.PRODUCER_SECRET);
  const genesis = genesisSpec(env);
  const ownProducers = keyList(env.GENESIS_PRODUCER_KEYS).length > 0;
  const shardCount = positiveInt(env.SHARD_COUNT, 1);
  const bad = groupsError(genesis.groups ?? 1, shardCount);
  if (bad !== null) throw new Error(`invalid SHARD_GROUPS ${JSON.stringify(env.SHARD_GROUPS)}: ${bad}`);
  // Only the edge reads SERVES; a bad one stops the node here, at start, not at its first read.
  parseServes(env.SERVES, shardCount);
  const holds = holdsOf(env);
  // A dev node holding part of the shards is a reader: it takes no dev producer key by default.
  const producerSecrets = secrets.length > 0 || ownProducers || !dev || holds !== null ? secrets : DEV_PRODUCER_SECRETS.slice(0, genesis.producers.length);
  // Shard 0 keeps base.iost, whose genesis values every node checks against its own (coordinator `chainMismatch`).
  if (holds !== null && !holds.includes(0)) throw new Error(`invalid SERVES ${JSON.stringify(env.SERVES)}: a node holding part of the shards holds shard 0`);
  return {
    chainId: genesis.chainId,
    shardCount,
    dev,
    production: productionMode(env),
    // A dev node without keys of its own holds every dev producer of its genesis.
    producerSecrets,
    genesis,
    peers: parsePeers(env.PEERS),
    blockMaxTxs: positiveInt(env.BLOCK_MAX_TXS, 1000),
    blockAheadMs: env.BLOCK_AHEAD_MAX_MS === undefined ? null : positiveInt(env.BLOCK_AHEAD_MAX_MS, 1),
    // At least 4 below LIB: the next height reads a chunk's cross-shard receipts and the one after
    // settles them (docs/SHARDING.md), so no archived row is ever written again.
    archive: { retain: Math.max(4, positiveInt(env.ARCHIVE_RETAIN_BLOCKS, 1024)), seg: positiveInt(env.ARCHIVE_SEGMENT_BLOCKS, 256) },
    holds,
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

/** The Validator of producer `pubkey` for the chain of coordinator `coordinatorName` (`<pubkey>`, or `<chain>:<pubkey>`). */
export function validatorName(coordinatorName: string, pubkey: string): string {
  const at = coordinatorName.lastIndexOf(":");
  return at < 0 ? pubkey : `${coordinatorName.slice(0, at)}:${pubkey}`;
}

/** Index of a shard from its object name (`shard-3`, `t1:shard-3`). */
export function shardIndexFromName(name: string | undefined): number {
  const m = /(?:^|:)shard-(\d+)$/.exec(name ?? "");
  return m ? Number(m[1]) : 0;
}

// DO RPC stubs are typed by the contract in api.ts, not by the classes, which
// keeps tsc away from deep Rpc type instantiation (TS2589; docs/ARCHITECTURE.md "Platform notes").
export function shardStub(env: NodeEnv, name: string): ShardInternal {
  return stubOf(env.SHARD, name, locationHint(env)) as unknown as ShardInternal;
}

export function coordinatorStub(env: NodeEnv, name = COORDINATOR_NAME): CoordinatorApi {
  return stubOf(env.COORDINATOR, name, locationHint(env)) as unknown as CoordinatorApi;
}

export function validatorStub(env: NodeEnv, name: string): ValidatorApi {
  return stubOf(env.VALIDATOR, name, locationHint(env)) as unknown as ValidatorApi;
}

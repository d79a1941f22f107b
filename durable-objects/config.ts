/**
 * What the edge Worker needs to know of the node's settings and of the
 * objects' limits, parsed here once for both sides: how blocks are produced,
 * the peers, and the sizes the /p2p routes and the coordinator agree on.
 * Pure and free of Workers APIs; workers/ imports only this and api.ts from
 * durable-objects/.
 */

/**
 * When the coordinator's alarm produces blocks (README "Dev conveniences",
 * docs/ARCHITECTURE.md "Production"):
 * - "on-demand" (the default): in a held slot only when a block is needed (a
 *   tx or a cross-shard receipt waits, or the last block with content is not
 *   final yet) or the chain's heartbeat is due; an idle node sleeps until a
 *   tx, a peer's block or the heartbeat wakes it (CometBFT's
 *   create_empty_blocks = false with create_empty_blocks_interval);
 * - "interval": a block in every held slot, empty or not, as IOST;
 * - "on-tx" (dev): idle while nothing is needed; a tx wakes the coordinator,
 *   which produces at once without waiting for its slot, then at most one block
 *   per BLOCK_INTERVAL_MS while one is needed (so a busy chain still batches);
 *   no heartbeat;
 * - "manual": never from the alarm, only from /dev/mine.
 * /dev/mine produces blocks in every mode.
 */
export type ProductionMode = "on-demand" | "interval" | "on-tx" | "manual";

/** BLOCK_PRODUCTION; unset or unknown is "on-demand". */
export function productionMode(env: { BLOCK_PRODUCTION?: string }): ProductionMode {
  const mode = env.BLOCK_PRODUCTION?.trim();
  return mode === "interval" || mode === "on-tx" || mode === "manual" ? mode : "on-demand";
}

/** /getProof: the most UTF-16 units of a raw state key it proves (IOST's INPUT_MAX_LENGTH, go-iost vm/v8vm/v8/sandbox.h). */
export const MAX_PROOF_KEY = 65_536;

/** Peer URLs from PEERS (comma-separated, trailing slashes dropped). */
export function parsePeers(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((x) => x.trim().replace(/\/+$/, ""))
    .filter((x) => x !== "");
}

/** How long (ms) a push to a peer (a block, endorsements, a tx) may take. */
export const PUSH_TIMEOUT_MS = 2_000;

/**
 * How many more times, and how long (ms) apart, a checker by witness asks a peer whose shard is below the block's height
 * again (coordinator/witness-check.ts `checkByWitness`): at most 600 ms more inside the coordinator's turn, against the block
 * refused and taken again from the next pull.
 */
export const WITNESS_RETRIES = 3;
export const WITNESS_RETRY_MS = 200;

/** Most blocks one GET /p2p/blocks returns. */
export const MAX_RANGE = 50;

/** Most bytes of blocks one GET /p2p/blocks answer carries (at least one block). */
export const MAX_RANGE_BYTES = 8 * 1024 * 1024;

/**
 * Most bytes of a peer's answer the coordinator reads (durable-objects/coordinator/peers.ts): the
 * longest honest one is a /p2p/blocks range, MAX_RANGE_BYTES and then one more block of at most as
 * many. A peer is a stranger; past this its answer is dropped unread, not parsed into the object's memory.
 */
export const MAX_PEER_ANSWER_BYTES = 2 * MAX_RANGE_BYTES + 1024 * 1024;

/** Most blocks one /getBlockTxsByContract spans beyond its first (go-iost rpc GetBlockTxsByContract: to - from ≤ 100). */
export const MAX_CONTRACT_RANGE = 100;

/**
 * Most peers one tx lookup or one chunk of a shard this node does not apply asks (workers/lib/peer-txs.ts,
 * coordinator/raw-blocks.ts): a hash nobody knows costs this many requests, not one per peer of a large PEERS.
 */
export const MAX_LOOKUP_PEERS = 4;

/** How long (ms) a peer may take to find a tx or send a chunk's txs. */
export const PEER_TXS_TIMEOUT_MS = 5_000;

/** Most key/field pairs one /getBatchContractStorage reads (go-iost rpc: the first 50). */
export const MAX_READS = 50;

/** Most blocks one /getBlockHeaderByRange spans (go-iost rpc GetBlockHeaderByRange: end - start ≤ 110, end exclusive). */
export const MAX_HEADER_RANGE = 110;

/** Most entries one /listContractStorage returns, and its default (go-iost rpc ListContractStorage: limit ≤ 100). */
export const MAX_LIST = 100;

/** Most node ids one X-Gossip-To header lists. */
export const MAX_GOSSIP_TO = 64;

/** X-Gossip-To as sent: node ids, at most MAX_GOSSIP_TO. */
export function parseGossipTo(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "" && x.length <= 64)
    .slice(0, MAX_GOSSIP_TO);
}

/** Endorsements of blocks this far above our head are refused: we could not use them before syncing anyway. */
export const MAX_AHEAD = 64;
/** Most endorsements one POST /p2p/endorse carries. */
export const MAX_BATCH = 64;
/**
 * Most txs one shard admission call (`submitTxs`) carries: the edge gathers concurrent /sendTx
 * into one call (workers/lib/admission.ts); a bigger burst goes in several.
 */
export const MAX_ADMIT_BATCH = 256;
/**
 * Most tx bytes in one page of a dropped shard's pool handed to the peers (Shard `pooled`, POST
 * /p2p/pool): 1 MiB, about 1.4 MiB of base64, far below the /p2p body cap.
 */
export const MAX_HAND_BYTES = 1 << 20;

/**
 * Where Cloudflare places the node's objects (LOCATION_HINT): every object of one node
 * (coordinator, shards, validators) gets the same hint, so the calls between them stay
 * inside one region. Unset: each object starts near its first caller.
 */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];

/** LOCATION_HINT parsed; an unknown value throws, naming the known ones. */
export function locationHint(env: { LOCATION_HINT?: string }): LocationHint | undefined {
  const hint = env.LOCATION_HINT?.trim() ?? "";
  if (hint === "") return undefined;
  if (!(LOCATION_HINTS as readonly string[]).includes(hint)) {
    throw new Error(`invalid LOCATION_HINT ${JSON.stringify(hint)}: one of ${LOCATION_HINTS.join(", ")}, or empty`);
  }
  return hint as LocationHint;
}

/** An object stub by name, with the node's location hint when it has one. */
export function stubOf<T>(
  ns: { getByName(name: string): T; idFromName?(name: string): unknown; get?(id: unknown, options?: { locationHint?: string }): T },
  name: string,
  hint: LocationHint | undefined,
): T {
  if (hint === undefined || ns.get === undefined || ns.idFromName === undefined) return ns.getByName(name);
  return ns.get(ns.idFromName(name), { locationHint: hint });
}

/** Most rows one `/dev/bench/rows` call writes and reads back (durable-objects/shard/bench.ts). */
export const MAX_BENCH_ROWS = 100_000;
/** Most account names one `/dev/bench/seed` call covers (about five rows each: one transaction of ~500,000 rows). */
export const MAX_SEED_ACCOUNTS = 100_000;

/**
 * SERVES: the shards whose reads this node answers from its own objects (docs/VALIDATOR.md "Shard
 * groups"); the others it reads from a peer with proofs (workers/lib/peer-read.ts). Unset or "all":
 * every shard. Else shard indexes, comma-separated, ascending in the result; anything else throws.
 */
export function parseServes(text: string | undefined, shardCount: number): number[] {
  const all = Array.from({ length: shardCount }, (_, i) => i);
  const t = text?.trim() ?? "";
  if (t === "" || t === "all") return all;
  const out = new Set<number>();
  for (const part of t.split(",")) {
    const s = part.trim();
    if (!/^(0|[1-9][0-9]{0,5})$/.test(s) || Number(s) >= shardCount) {
      throw new Error(`invalid SERVES ${JSON.stringify(text)}: "all" or shard indexes below SHARD_COUNT ${shardCount}, comma-separated`);
    }
    out.add(Number(s));
  }
  return [...out].sort((a, b) => a - b);
}

/** How far (blocks) below its LIB a node proves state for a peer's read: the undo data it reads, one chunk row per height. */
export const MAX_PROOF_DEPTH = 64;

/**
 * Heights after a tx's block a Shard looks through for the settles of the receipts it sent (ShardApi.settleRuns, one
 * chunk row each): a credit settles in the next block, a forwarded action once its parts ran, each of which may wait
 * up to PART_WAIT (32) blocks for an older tx's lock; a settle later than this is not found for a lookup through peers.
 */
export const SETTLE_SCAN = 64;

/** Most rows of a /p2p/state page (a snapshot sync's, durable-objects/shard/state-sync.ts). */
export const MAX_STATE_ROWS = 1_000;

/**
 * Most bytes of one GET /p2p/witness answer (a chunk's state witness and its incoming receipts'
 * proofs, JSON; durable-objects/coordinator/witness-check.ts). A chunk of transfers needs about
 * 10 KB (docs/STATE.md "State witnesses"); a holder serves no larger one and a checker reads no
 * further, so producers that do not hold a shard endorse none of its chunks above it.
 */
export const MAX_WITNESS_BYTES = 4 * 1024 * 1024;

/**
 * Most bytes of a chunk's own part of its answers, with more than one group: its JSON, its txs'
 * base64 and its state witness' JSON. A shard building or drafting a chunk takes fewer pool txs
 * once they pass it, so its draft (POST /p2p/chunk) and its witness (GET /p2p/witness) fit
 * MAX_WITNESS_BYTES with the proofs of the receipts it took in, which get the rest.
 */
export const MAX_DRAFT_BYTES = 3 * 1024 * 1024;

/** A positive integer var, else `fallback`. */
export function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A comma-separated var's items, trimmed, empty ones dropped. */
export function keyList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

/**
 * NodeConfig `holds` from the vars, for the objects and the edge alike: with more than one group,
 * a node without a producer key (PRODUCER_SECRET unset) whose SERVES names some shards holds those
 * only; else null (every shard).
 */
export function holdsOf(env: { SHARD_COUNT?: string; SHARD_GROUPS?: string; SERVES?: string; PRODUCER_SECRET?: string }): number[] | null {
  const shardCount = positiveInt(env.SHARD_COUNT, 1);
  if (positiveInt(env.SHARD_GROUPS?.trim(), 1) === 1 || keyList(env.PRODUCER_SECRET).length > 0) return null;
  const served = parseServes(env.SERVES, shardCount);
  return served.length < shardCount ? served : null;
}

/**
 * SQLite schema of the Durable Objects (drizzle-orm). `npm run db:generate`
 * (drizzle-kit, drizzle.config.ts) turns it into the committed migrations in
 * drizzle/, which each object applies in its constructor.
 *
 * One schema for both classes, so there is one migration history: a Shard uses
 * the state/mempool/chunk tables, the Coordinator the block tables; the tables
 * an object does not use stay empty.
 *
 * Conventions: int64 nanosecond times are stored as 20-digit zero-padded
 * decimal TEXT so that string order is numeric order and no precision is lost
 * (SQLite integers come back to JS as doubles); hashes are base58 TEXT.
 */
import { blob, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// ---- Shard ---------------------------------------------------------------

/** Key-value state of the shard: the `Store` the protocol core runs on. */
export const stateKv = sqliteTable("state_kv", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * The authenticated state's tree (src/state/tree.ts, docs/STATE.md "Authenticated state"): one row
 * per page of nodes, `key` the page's path in hex nibbles. Like `state_kv`, brought up to the
 * checkpoint height (sql-store.ts); the pages of the heights above live in memory. WITHOUT ROWID
 * (migration 0008): a new page is one row written, not two.
 */
export const stateNodes = sqliteTable("state_nodes", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Small named values: genesis marker, head height, LIB, last state root. */
export const shardMeta = sqliteTable("shard_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Pending transactions (IOST tx pool, bounded at 10,000). `ord` is one sortable
 * text key for go-iost core/txpool compareTx order (see src/pool/index.ts): simple
 * single-action token.iost txs first (shorter data first), then higher gas
 * ratio, older time, smaller hash. No secondary index and no rowid (migration
 * 0006, WITHOUT ROWID): each index is one more row written per admission and per
 * removal (docs/COST.md), while the block's pick reads the whole pool anyway.
 */
export const mempool = sqliteTable("mempool", {
  hash: text("hash").primaryKey(),
  bytes: blob("bytes", { mode: "buffer" }).notNull(),
  publisher: text("publisher").notNull(),
  time: text("time").notNull(),
  expiration: text("expiration").notNull(),
  gasLimit: integer("gas_limit").notNull(),
  ord: text("ord").notNull(),
  receivedAt: integer("received_at").notNull(),
});

/**
 * What happened to every tx that left the pool: `executed` (in the chunk of
 * `height` at `idx`, with its receipt), `expired` (expired in the pool) or
 * `dropped` (refused by the executor at block time, `message` says why).
 */
export const txIndex = sqliteTable(
  "tx_index",
  {
    hash: text("hash").primaryKey(),
    status: text("status", { enum: ["executed", "expired", "dropped"] }).notNull(),
    height: integer("height"),
    idx: integer("idx"),
    bytes: blob("bytes", { mode: "buffer" }).notNull(),
    /** receiptToJson(receipt) as JSON text, executed txs only. */
    receipt: text("receipt"),
    /**
     * The receipt as executed, kept only once a settle replaced `receipt` with the combined one
     * (cross-shard txs): the chunk's receiptHashes, and so the header's receipt root, hash this
     * one, and raw blocks serve it (docs/SHARDING.md "Receipt JSON").
     */
    hashed: text("hashed"),
    message: text("message").notNull().default(""),
    gasRatio: integer("gas_ratio").notNull(),
    /** Cross-shard credits of an executed tx not settled yet; its receipt is shown once this is 0. */
    pending: integer("pending").notNull().default(0),
    /**
     * The height that must be final before the receipt shows, so that a read after it sees all the tx did
     * (docs/SHARDING.md "Receipts after every write landed"): the one whose chunks land what the tx sent other shards
     * with no settle to come back (a release's writes, a contract's register, a free, a burn). NULL: none sent.
     */
    visible: integer("visible"),
    /**
     * The height of the chunk that applied the tx's last settle: storage reads answer as of the highest block this shard
     * knows the hash of (shard-views.ts `labelled`), so the receipt shows once that block is named here, or a read right
     * after it would find the tx's escrow still away. NULL: no settle.
     */
    settledAt: integer("settled_at"),
  },
  (t) => [index("tx_index_height").on(t.height, t.idx)],
);

/**
 * Replay guard. A tx id hashes the publisher signatures, which no signature
 * covers: anyone could resubmit an accepted tx with a signature repeated or
 * added and get a new id. The key here is sha3(publish bytes ‖ publisher),
 * which only the publisher can change; one tx per key, pending or executed.
 * WITHOUT ROWID (migration 0006): one row written per insert, not two.
 */
export const txKeys = sqliteTable("tx_keys", {
  key: text("key").primaryKey(),
  hash: text("hash").notNull(),
});

/**
 * The chunk (api.ts `Chunk`, JSON) this shard built or applied for each height, and the height's
 * log: everything else the height leaves that is not per tx, in this one row (rows written,
 * docs/COST.md "Rows written"). The highest row is the head (its time and state root).
 */
export const chunks = sqliteTable("chunks", {
  height: integer("height").primaryKey(),
  time: text("time").notNull(),
  stateRoot: text("state_root").notNull(),
  json: text("json").notNull(),
  /**
   * JSON `[key, value | null][]`, key order: the state writes of the height (null = deleted). The
   * `state_kv` table holds the state up to shard_meta `checkpoint`; the rows above it replay onto
   * it (sql-store.ts). NULL once the height is pruned (and for heights stored before it existed).
   */
  writes: text("writes"),
  /** JSON `[key, prev | null][]`, key order: what each key the height changed held before (chunk-sync.ts revertChunks). */
  undo: text("undo"),
  /** JSON `{topic, contract, data}[]`: the height's CONTRACT_RECEIPT / CONTRACT_EVENT events, for /subscribe. */
  events: text("events"),
  /**
   * JSON `CrossReceipt[]` (src/sharding/receipts.ts) in emission order: the cross-shard receipts
   * the chunk sent. The target shard reads its own at height + 1 (`outgoingOver`).
   */
  sent: text("sent"),
  /**
   * The state keys the height read and did not write (the written ones are `undo`'s), but the lock
   * keys every chunk reads, in canonical order, prefix-packed (shard/block-log.ts `packKeys`): with
   * them, its state witness (docs/STATE.md "State witnesses"). NULL once the height is pruned.
   */
  reads: text("reads"),
  /** JSON `string[]`: the ids of the cross-shard receipts the height applied, each once (shard/applied.ts). NULL once pruned. */
  applied: text("applied"),
});

/** Pieces of a height's log too large for its chunk row (shard/block-log.ts). */
export const logParts = sqliteTable(
  "log_parts",
  {
    height: integer("height").notNull(),
    name: text("name").notNull(),
    part: integer("part").notNull(),
    text: text("text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.height, t.name, t.part] })],
);

// ---- Coordinator ---------------------------------------------------------

/** Produced blocks (headers; the txs live in the shards' chunks). */
export const blocks = sqliteTable("blocks", {
  number: integer("number").primaryKey(),
  hash: text("hash").notNull().unique(),
  /** StoredBlock JSON (src/block): header fields, signature, per-shard chunk summary. */
  json: text("json").notNull(),
  /**
   * JSON array: the witness list after this block (shard 0 chunk's `witnesses`),
   * which schedules the next block. NULL in blocks stored before it existed:
   * read as the genesis list.
   */
  witnesses: text("witnesses"),
  /**
   * JSON array of the block's chunks of the shards this node's objects do not apply (a producer
   * of several groups: durable-objects/coordinator/rotation.ts), each `{ chunk, txs }` (txs
   * base64), so it serves and pushes the whole block; NULL when it applies every shard.
   */
  kept: text("kept"),
});

/**
 * Hash → number of the blocks archived to R2 (durable-objects/archive.ts), so /getBlockByHash
 * finds their segment: the only per-block row left in SQLite once a block is archived.
 */
export const archivedBlocks = sqliteTable("archived_blocks", {
  hash: text("hash").primaryKey(),
  number: integer("number").notNull(),
});

/**
 * Coordinator's named values: head, LIB, the height being produced, the finality tracker's final
 * block. WITHOUT ROWID (migration 0007): an upsert of a new key, as the production job, is one row
 * written, not two (docs/COST.md "Rows written").
 */
export const coordinatorMeta = sqliteTable("coordinator_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Peers' blocks off the main chain (durable-objects/coordinator/chain-sync.ts): a side
 * branch kept for fork choice, or an orphan whose parent was unknown when it
 * came (orphan 1: its header is not checked yet). PeerBlock JSON.
 */
export const sideBlocks = sqliteTable(
  "side_blocks",
  {
    hash: text("hash").primaryKey(),
    number: integer("number").notNull(),
    parentHash: text("parent_hash").notNull(),
    orphan: integer("orphan").notNull(),
    json: text("json").notNull(),
  },
  (t) => [index("side_blocks_parent").on(t.parentHash)],
);

/**
 * Blocks the endorsement tracker knows (durable-objects/coordinator/finality.ts): ancestry and the
 * list that scheduled each. WITHOUT ROWID (migration 0007): one row written per insert and prune.
 */
export const finalityBlocks = sqliteTable("finality_blocks", {
  hash: text("hash").primaryKey(),
  height: integer("height").notNull(),
  parent: text("parent").notNull(),
  /** JSON array of base58 pubkeys. */
  witnesses: text("witnesses").notNull(),
});

/**
 * Verified endorsements (SignedEndorsement JSON), one per block and producer. WITHOUT ROWID and no
 * secondary index (migration 0007): one row written per insert and prune; the double-vote check
 * reads the few unfinalized rows instead.
 */
export const finalityVotes = sqliteTable(
  "finality_votes",
  {
    hash: text("hash").notNull(),
    producer: text("producer").notNull(),
    height: integer("height").notNull(),
    json: text("json").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.producer] })],
);

// ---- Validator -----------------------------------------------------------

/**
 * What a Validator signed, one row per height: it never signs a second hash
 * for a height (double-sign protection); the same hash gets the same signature.
 */
export const validatorSigned = sqliteTable("validator_signed", {
  height: integer("height").primaryKey(),
  hash: text("hash").notNull(),
  witness: text("witness").notNull(),
  time: text("time").notNull(),
  /** base58 ed25519 signature of the block hash. */
  signature: text("signature").notNull(),
});

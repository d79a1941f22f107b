/**
 * The coordinator's read side: /getChainInfo, /getNodeInfo, blocks by number
 * and hash, /getGasRatio. Functions over a `ChainViewHost` (what the
 * coordinator lends them); none of them writes. The coordinator makes sure
 * genesis exists before calling them.
 */
import { blockToJson, type StoredBlock } from "../../src/block/index";
import { assignGroups, epochOf, groupsOf, heldShards, listHeight, seedHeight } from "../../src/consensus/groups";
import type { Answer, GroupView, HeadView, Json, ShardInternal } from "../api";
import type { BlockRow } from "../archive";
import * as core from "../core";
import type { NodeConfig } from "../env";

/** What the coordinator lends its views. */
export interface ChainViewHost {
  readonly config: NodeConfig;
  /** This coordinator's name (the network id /getNodeInfo shows). */
  readonly name: string;
  readonly sql: SqlStorage;
  block(number: number): StoredBlock | null;
  headBlock(): StoredBlock;
  libNumber(): number;
  /** The witness list stored with block `number`: it schedules block number + 1. */
  witnessesAfter(number: number): string[];
  /** The list that schedules block `height`. */
  listFor(height: number): string[];
  shards(): ShardInternal[];
  /** Shard `i`'s object, whether or not it applies the chain. */
  shardAt(i: number): ShardInternal;
  /** The shards whose objects apply the chain (null: every shard). */
  applies(): number[] | null;
  /** Block record `number` from R2 once archived (durable-objects/archive.ts), else null. */
  archivedBlock(number: number): Promise<BlockRow | null>;
}

type BlockAnswer = Answer<{ status: string; block: Json }>;

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

export function headView(head: StoredBlock): HeadView {
  return { head_block: String(head.number), head_block_hash: head.hash };
}

export function chainInfo(h: ChainViewHost): Json {
  const head = h.headBlock();
  const lib = h.block(h.libNumber()) ?? head;
  // In this chain the list scheduling the next block is the latest pending list itself (src/consensus/schedule.ts).
  const witnesses = h.witnessesAfter(head.number);
  return {
    net_name: core.genesisInfo(h.config.genesis).netName,
    protocol_version: "1.0",
    chain_id: h.config.chainId,
    head_block: String(head.number),
    head_block_hash: head.hash,
    lib_block: String(lib.number),
    lib_block_hash: lib.hash,
    witness_list: witnesses,
    lib_witness_list: lib.number === 0 ? h.witnessesAfter(0) : h.listFor(lib.number),
    pending_witness_list: witnesses,
    head_block_time: head.time,
    lib_block_time: lib.time,
  };
}

async function totalPool(h: ChainViewHost): Promise<number> {
  const sizes = await Promise.all(h.shards().map((s) => s.poolSize()));
  return sizes.reduce((a, b) => a + b, 0);
}

export async function nodeInfo(h: ChainViewHost): Promise<Json> {
  return {
    build_time: "",
    git_hash: "",
    mode: "ModeNormal",
    network: { id: h.name, peer_count: h.config.peers.length, peer_count_inbound: 0, peer_count_outbound: h.config.peers.length },
    code_version: "iost-edge",
    server_time: nowNs().toString(),
    tx_pool_size: String(await totalPool(h)),
  };
}

function blockAnswer(h: ChainViewHost, block: StoredBlock | null): BlockAnswer {
  if (!block) return { error: "block not found" };
  return { status: block.number <= h.libNumber() ? "IRREVERSIBLE" : "PENDING", block: blockToJson(block) as Json };
}

export async function blockByNumber(h: ChainViewHost, number: number): Promise<BlockAnswer> {
  const hot = h.block(number);
  if (hot !== null) return blockAnswer(h, hot);
  const old = await h.archivedBlock(number);
  return blockAnswer(h, old === null ? null : (JSON.parse(old.json) as StoredBlock));
}

export async function blockByHash(h: ChainViewHost, hash: string): Promise<BlockAnswer> {
  const rows = h.sql.exec<{ json: string }>("SELECT json FROM blocks WHERE hash = ?", hash).toArray();
  if (rows.length > 0) return blockAnswer(h, JSON.parse(rows[0].json) as StoredBlock);
  const at = h.sql.exec<{ number: number }>("SELECT number FROM archived_blocks WHERE hash = ?", hash).toArray();
  const old = at.length === 0 ? null : await h.archivedBlock(at[0].number);
  return blockAnswer(h, old?.hash === hash ? (JSON.parse(old.json) as StoredBlock) : null);
}

/** go-iost GetGasRatio: lowest and median gas ratio of the head block's txs; 1 and 1 when it has none. */
export async function gasRatio(h: ChainViewHost): Promise<Json> {
  const head = h.headBlock();
  const ratios = (await Promise.all(h.shards().map((s) => s.chunkGasRatios(head.number)))).flat().sort((a, b) => a - b);
  if (ratios.length === 0) return { lowest_gas_ratio: 1, median_gas_ratio: 1 };
  return { lowest_gas_ratio: ratios[0] / 100, median_gas_ratio: ratios[Math.floor(ratios.length / 2)] / 100 };
}

/**
 * The shards the held producer keys hold in the head's epoch and the next (their groups' and shard
 * 0: src/consensus/groups.ts `heldShards`; none without a key), both fixed by an election block at
 * or below the head. On IOST's
 * parameters (voteInterval 1200) the seed and list blocks may be below the hot window: their records
 * then come from R2 (one segment read, cached).
 */
export async function groupView(h: ChainViewHost, held: ReadonlySet<string>, voteInterval: number): Promise<GroupView> {
  const groups = h.config.genesis.groups ?? 1;
  const head = h.headBlock().number;
  const shardsIn = async (epoch: number): Promise<number[] | null> => {
    const assignment = await epochGroups(h, epoch, voteInterval);
    if (assignment === null) return null;
    return held.size === 0 ? [] : heldShards([...new Set([...held].flatMap((k) => groupsOf(assignment, k)))], groups, h.config.shardCount);
  };
  const epoch = epochOf(head, voteInterval);
  const [shards, next] = await Promise.all([shardsIn(epoch), voteInterval > 0 ? shardsIn(epoch + 1) : null]);
  return { groups, epoch, shards, next };
}

/**
 * The producer keys of each group in epoch `epoch` (src/consensus/groups.ts `assignGroups`), or null
 * when not known: its election block is above the head, or its record is gone.
 */
export async function epochGroups(h: ChainViewHost, epoch: number, voteInterval: number): Promise<string[][] | null> {
  if (listHeight(epoch, voteInterval) > h.headBlock().number) return null;
  const record = async (n: number): Promise<{ hash: string; list: string[] } | null> => {
    const hot = h.block(n);
    if (hot !== null) return { hash: hot.hash, list: h.witnessesAfter(n) };
    const old = await h.archivedBlock(n);
    // A record's list is null when it is the genesis list (block 0 is never archived).
    return old === null ? null : { hash: old.hash, list: old.witnesses === null ? h.witnessesAfter(0) : (JSON.parse(old.witnesses) as string[]) };
  };
  const [seed, list] = await Promise.all([record(seedHeight(epoch, voteInterval)), record(listHeight(epoch, voteInterval))]);
  return seed === null || list === null ? null : assignGroups(list.list, h.config.genesis.groups ?? 1, seed.hash, epoch);
}

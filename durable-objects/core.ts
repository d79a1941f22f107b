/**
 * Execution glue: how the shards run the core's executor (src/executor) on
 * their terms — a block as the objects hold it (`BlockInfo`, `ShardPlace`,
 * base58 hashes) turned into the executor's `BlockContext`; pool admission,
 * txs, base txs, incoming receipts, dry runs, genesis, and a settled
 * cross-shard receipt's JSON. Everything else (reads: src/query/reads.ts,
 * codecs, consensus rules) the objects import from src/ directly.
 */
import type { ConsensusParams } from "../src/consensus/params";
import { genesisOf, type GenesisConfig, type GenesisSpec } from "../src/genesis/index";
import { applyShardGenesis } from "../src/genesis/shards";
import { applyIncoming as coreApplyIncoming } from "../src/executor/incoming";
import { awaitsSettle, type CrossReceipt, pendingChange, type Settlement } from "../src/sharding/receipts";
import { combineReceipt } from "../src/sharding/combine";
import { outReceiptsRoot } from "../src/sharding/receipt-proof";
import { eventsAtSettle as settleEvents, postedEvents, postsAtSettle, type PostedEvent } from "../src/sharding/events";
import type { TxReceiptJson } from "../src/tx/view";
import { dryRun as coreDryRun, pendingGasError, prepareError, executeTx as coreExecuteTx, type BlockContext } from "../src/executor/index";
import { type DryAcross, dryRunAcross as coreDryRunAcross } from "../src/executor/dry-across";
import type { State } from "../src/state/state";
import type { Store } from "../src/state/store";
import {
  checkTxTime as coreCheckTxTime,
  decodeTx,
  FULL,
  replayKey,
  receiptBytes,
  txBytes,
  receiptToJson as coreReceiptToJson,
  txToJson as coreTxToJson,
} from "../src/tx/index";
import type { Tx, TxReceipt } from "../src/tx/types";
import { base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import type { Json } from "./api";

import { baseTx } from "../src/consensus/base-tx";
import { executeBaseTx } from "../src/executor/base";
import { pendingProducerList } from "../src/query/pob";
import { NodeFault } from "../src/contracts/errors";
import { loadVm as loadContractVm } from "../src/vm/index";
import { loadSha3 } from "../src/crypto/sha3";

/**
 * The contract VM (QuickJS wasm) and the sha3 wasm (src/crypto/sha3.ts) load asynchronously while
 * execution is synchronous: await loadVm() before any execution. It is instant once loaded, and
 * reloads a fresh VM instance after the memory guard dropped one.
 */
export async function loadVm(): Promise<void> {
  await Promise.all([loadContractVm(), loadSha3()]);
}

export { decodeTx, receiptBytes, NodeFault, awaitsSettle, pendingChange, postedEvents, postsAtSettle };
export type { CrossReceipt, Settlement, PostedEvent };

/** This shard and the shard count. */
export interface ShardPlace {
  index: number;
  count: number;
}

export interface BlockInfo {
  number: bigint;
  /** ns */
  time: bigint;
  /** base58 */
  parentHash: string;
  /** base58 pubkey */
  witness: string;
}

/** The tx id (base58 full-bytes hash) and the length of the full bytes, from one encoding. */
export function txKeyOf(tx: Tx): { hash: string; size: number } {
  const full = txBytes(tx, FULL);
  return { hash: base58Encode(sha3(full)), size: full.length };
}

export { replayKey };

export function txToJson(tx: Tx, hash: string): { [k: string]: Json } {
  return coreTxToJson(tx, hash) as unknown as { [k: string]: Json };
}

export function receiptToJson(r: TxReceipt): Json {
  return coreReceiptToJson(r) as unknown as Json;
}

/** Pool admission time window (throws TxError with IOST's message). Glue passes the wall clock. */
export function checkTxTime(tx: Tx, nowNs: bigint): void {
  coreCheckTxTime(tx, nowNs);
}

/** The publisher's txs already in the pool: how many, and the sum of their gas limits (internal units). */
export interface PendingOf {
  count: number;
  gasLimits: bigint;
}

/**
 * Why the pool must refuse `tx` on `state` at `block`, or null: what the
 * block's `prepare` would drop it with (IOST's texts), then whether its
 * publisher's gas also covers its pending txs (src/executor pendingGasError).
 * `key`: its id, the length of its full bytes and its pool key (src/pool poolOrder), which the pool keeps.
 */
export function admissionError(
  chainId: number,
  shard: ShardPlace,
  state: State,
  tx: Tx,
  key: { hash: string; size: number; ord: string },
  block: BlockInfo,
  pending: PendingOf,
): string | null {
  return prepareError(state, tx, key, blockContext(chainId, block, shard)) ?? pendingGasError(state, tx, block.time, pending.gasLimits, pending.count);
}

export type ExecResult =
  | { receipt: TxReceipt; outgoing: CrossReceipt[]; events?: { topic: string; contract: string; data: string }[]; waits?: number }
  | { dropped: string };

/** The genesis config of this node (NodeConfig.genesis). */
function genesisConfig(spec: GenesisSpec): GenesisConfig {
  return genesisOf(spec);
}

function blockContext(chainId: number, block: BlockInfo, shard: ShardPlace): BlockContext {
  return { chainId, number: block.number, time: block.time, parentHash: block.parentHash, witness: block.witness, shard };
}

/**
 * `known`: what the caller holds of the tx already (the pool's decoded txs: the length of its full bytes,
 * txBytes FULL; the pool index: its pool key), so it is not made again; `later`: reads.ts PoolOrder createsLater.
 */
export function executeTx(
  chainId: number,
  shard: ShardPlace,
  state: State,
  tx: Tx,
  hash: string,
  block: BlockInfo,
  known?: { size?: number; ord?: string },
  later?: () => boolean,
): ExecResult {
  return coreExecuteTx(state, tx, { hash, ...known }, blockContext(chainId, block, shard), true, later);
}

export function dryRun(chainId: number, shard: ShardPlace, state: State, tx: Tx, hash: string, block: BlockInfo): ExecResult {
  return coreDryRun(state, tx, hash, blockContext(chainId, block, shard));
}

/** One run of /execTx on N shards (src/executor/dry-across.ts): one shard's receipt, or the records of other shards it missed. */
export function dryRunAcross(
  chainId: number,
  shard: ShardPlace,
  own: Store,
  fetched: ReadonlyMap<string, string | null>,
  tx: Tx,
  hash: string,
  block: BlockInfo,
): DryAcross {
  return coreDryRunAcross(own, shard, fetched, tx, hash, blockContext(chainId, block, shard));
}

/** A chunk's incoming cross-shard receipts, applied before its txs (src/executor/incoming.ts). */
export function applyIncoming(
  chainId: number,
  shard: ShardPlace,
  state: State,
  block: BlockInfo,
  incoming: readonly CrossReceipt[],
  seen: (id: string) => boolean,
) {
  return coreApplyIncoming(state, shard.index, blockContext(chainId, block, shard), incoming, seen);
}

export interface GenesisInfo {
  /** ns */
  time: bigint;
  /** Block-signing pubkeys (base58) of the genesis producers, schedule order. */
  witnesses: string[];
  netName: string;
  consensus: ConsensusParams;
}

export function genesisInfo(spec: GenesisSpec): GenesisInfo {
  const g = genesisConfig(spec);
  return { time: g.time, witnesses: g.producers.map((p) => p.signatureBlock).sort(), netName: "debugnet", consensus: g.consensus };
}

/**
 * Applies this shard's part of the genesis state to the store, uncommitted: its
 * writes are the store's pending set (src/genesis/shards.ts; with one shard, all of it).
 */
export function applyGenesis(store: Store, spec: GenesisSpec, shard: ShardPlace): void {
  applyShardGenesis(store, genesisConfig(spec), shard.index, shard.count);
}

/** The chunk's `receiptsRoot` over the cross-shard receipts it sent, each provable (src/sharding/receipt-proof.ts). */
export function receiptsRoot(receipts: readonly CrossReceipt[]): Uint8Array {
  return outReceiptsRoot(receipts);
}

/**
 * The receipt JSON of a tx once one of its cross-shard receipts settled: the
 * forwarded part's result added, a refused credit or failed action turning it
 * into a RUNTIME_ERROR (src/sharding/combine.ts, docs/SHARDING.md).
 */
export function settledPart(receipt: Json, s: Settlement): Json {
  return receiptToJson(combineReceipt(receiptFromJson(receipt as unknown as TxReceiptJson), s));
}

/**
 * What a tx posts to /subscribe when its forwarded part settles into `combined`
 * (its receipt JSON then): every contract receipt and event of the tx, if it
 * succeeded (src/sharding/events.ts).
 */
export function eventsAtSettle(combined: Json, s: Settlement): PostedEvent[] {
  return settleEvents(receiptFromJson(combined as unknown as TxReceiptJson), s);
}

/** Back from the stored JSON: gas_usage is gas × ratio / 100 as a double, exact for any real gas amount. */
function receiptFromJson(j: TxReceiptJson): TxReceipt {
  const ramUsage: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(j.ram_usage)) ramUsage[k] = BigInt(v);
  return {
    txHash: j.tx_hash,
    gasUsage: BigInt(Math.round(j.gas_usage * 100)),
    ramUsage,
    statusCode: j.status_code as TxReceipt["statusCode"],
    message: j.message,
    returns: [...j.returns],
    receipts: j.receipts.map((c) => ({ funcName: c.func_name, content: c.content })),
  };
}

/** The parent block as the base tx needs it (ChunkContext strings, parsed). */
export interface ParentInfo {
  witness: string;
  /** ns */
  time: bigint;
}

/**
 * Executes block `block`'s base tx (src/consensus/base-tx.ts: base.iost/exec
 * with the parent's witness and time) on shard 0's state: the first tx of every
 * block after genesis. Returns it with its hash and result; throws only on a
 * node fault (the base tx cannot fail).
 */
export function executeBase(chainId: number, shard: ShardPlace, state: State, block: BlockInfo, parent: ParentInfo) {
  const tx = baseTx({ chainId, number: block.number, time: block.time, parentWitness: parent.witness, parentTime: parent.time });
  const bytes = txBytes(tx, FULL);
  const id = sha3(bytes);
  const result = executeBaseTx(state, tx, id, blockContext(chainId, block, shard));
  return { tx, hash: base58Encode(id), bytes, ...result };
}

/** vote_producer.iost's pending producer list in `state` (shard 0): the list that schedules the next block. */
export function pendingWitnesses(state: State): string[] {
  return pendingProducerList(state);
}

/**
 * The one place where the Durable Objects meet the protocol core (src/). The
 * DOs call the core only through these functions, so the glue does not depend
 * on how the core modules are split, and the core stays free of Workers APIs.
 */
import { applyGenesis as coreApplyGenesis, devGenesis, type GenesisConfig } from "../src/genesis/index";
import {
  checkPublisherGas as coreCheckPublisherGas,
  dryRun as coreDryRun,
  executeTx as coreExecuteTx,
  type BlockContext,
} from "../src/executor/index";
import * as q from "../src/query/index";
import type { State } from "../src/state/state";
import type { Store } from "../src/state/store";
import { checkTxTime as coreCheckTxTime, decodeTx, receiptBytes, receiptToJson as coreReceiptToJson, txHash, txId, txToJson as coreTxToJson } from "../src/tx/index";
import type { Tx, TxReceipt } from "../src/tx/types";
import { base58Decode } from "../src/codec/base58";
import type { Json } from "./api";

export { decodeTx, receiptBytes };

export interface BlockInfo {
  number: bigint;
  /** ns */
  time: bigint;
  /** base58 */
  parentHash: string;
  /** base58 pubkey */
  witness: string;
}

/** base58 full-bytes hash: the tx id. */
export function txHashOf(tx: Tx): string {
  return txId(tx);
}

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

/** /sendTx's "gas not enough" check; throws with IOST's message. */
export function checkPublisherGas(state: State, tx: Tx, block: BlockInfo): void {
  const err = coreCheckPublisherGas(state, tx, block.time);
  if (err !== null) throw new Error(err);
}

export type ExecResult = { receipt: TxReceipt; events?: { topic: string; contract: string; data: string }[] } | { dropped: string };

/** The genesis config of this node: IOST's dev chain, with the configured chain id. */
export function genesisConfig(chainId: number): GenesisConfig {
  return { ...devGenesis(), chainId };
}

function blockContext(chainId: number, block: BlockInfo): BlockContext {
  return { chainId, number: block.number, time: block.time, parentHash: block.parentHash, witness: block.witness };
}

export function executeTx(chainId: number, state: State, tx: Tx, hash: string, block: BlockInfo): ExecResult {
  return coreExecuteTx(state, tx, base58Decode(hash), blockContext(chainId, block));
}

export function dryRun(chainId: number, state: State, tx: Tx, hash: string, block: BlockInfo): ExecResult {
  return coreDryRun(state, tx, base58Decode(hash), blockContext(chainId, block));
}

export interface GenesisInfo {
  /** ns */
  time: bigint;
  /** Block-signing pubkeys (base58) of the genesis producers, schedule order. */
  witnesses: string[];
  netName: string;
}

export function genesisInfo(chainId: number): GenesisInfo {
  const g = genesisConfig(chainId);
  return { time: g.time, witnesses: g.producers.map((p) => p.signatureBlock).sort(), netName: "debugnet" };
}

/**
 * Applies the genesis state to the store (committed) and returns its state
 * root. Every account lives on shard 0 while SHARD_COUNT is 1; with more shards
 * each shard will apply only the accounts placed on it.
 */
export function applyGenesis(store: Store, chainId: number, shard: number): Uint8Array {
  if (shard !== 0) throw new Error(`genesis for shard ${shard}: only one shard is supported yet`);
  return coreApplyGenesis(store, genesisConfig(chainId)).stateRoot;
}

export type Answer = Json | { error: string };

const orError = (v: unknown, error: string): Answer => (v === null ? { error } : (v as Json));

/** RPC reads over a state, in IOST's JSON shapes and error texts. */
export const queries = {
  getAccount: (s: State, name: string, time: bigint): Answer => orError(q.getAccount(s, name, time), "account not found"),
  getTokenBalance: (s: State, account: string, token: string, time: bigint): Answer => q.getTokenBalance(s, account, token, time) as unknown as Json,
  getTokenInfo: (s: State, symbol: string): Answer => orError(q.getTokenInfo(s, symbol), "token not found"),
  getRAMInfo: (s: State): Answer => q.getRAMInfo(s) as unknown as Json,
  getContract: (s: State, id: string): Answer => orError(q.getContract(s, id), "contract not found"),
  getContractStorage: (s: State, id: string, key: string, field: string): Answer => q.getContractStorage(s, id, key, field) as unknown as Json,
  getContractStorageFields: (s: State, id: string, key: string): Answer => q.getContractStorageFields(s, id, key) as unknown as Json,
};

export { txHash };

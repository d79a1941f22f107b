/**
 * What a contract and the system contracts see of the block a tx runs in (`block.*` in the VM). Here, below
 * both sharding/ and contracts/, because an action receipt carries its tx's block to the shards its parts
 * run on (sharding/forward.ts `TxBlock`).
 */
export interface BlockContext {
  chainId: number;
  number: bigint;
  /** Block time, ns. */
  time: bigint;
  parentHash: string;
  witness: string;
  /** This shard and the shard count; absent = one shard holding everything. */
  shard?: { index: number; count: number };
}

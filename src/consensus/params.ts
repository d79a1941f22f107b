/**
 * The consensus parameters: the genesis spec carries them (genesis/index.ts
 * holds IOST's values and the devnet's); the schedule, elections and rewards
 * read them.
 */

/**
 * Proof-of-Believability and economics parameters, fixed at genesis: every node
 * of a network must schedule and reward the same way (docs/POB.md).
 */
export interface ConsensusParams {
  /** ns between two blocks of one producer (IOST 0.5 s). */
  blockIntervalNs: bigint;
  /** Blocks a producer makes in its slot (IOST 6: 3 s slots). Slot length = blockIntervalNs × blocksPerSlot. */
  blocksPerSlot: number;
  /** Re-election (vote_producer.iost/stat) every this many blocks (IOST 1200). */
  voteInterval: number;
  /** Size of the witness list (IOST: the number of genesis producers). */
  producerNumber: number;
  /** issue.iost/issueIOST every this many blocks (IOST 172800, about a day). */
  issueInterval: number;
  /** Votes (whole IOST) a candidate needs to be elected (IOST 2,100,000). */
  minVote: bigint;
  /** Seconds an unvoted amount stays frozen (IOST 604,800: 7 days). */
  voteLockSec: bigint;
  /**
   * ns: the longest a chain may stay without a block (docs/ARCHITECTURE.md "Production"). 0 (IOST):
   * a block is expected in every slot, and every skipped slot is missed by its owner. Above 0, blocks
   * come only when needed and at least once per heartbeat: only slots from the parent's time plus the
   * heartbeat on count as missed, as a block was due there.
   */
  heartbeatNs: bigint;
  /**
   * Shard groups (src/consensus/groups.ts, docs/VALIDATOR.md "Shard groups"): shard s belongs to group
   * s mod shardGroups, and each epoch the producers are shuffled into the groups. Absent: 1, every
   * producer in the one group (a chain started before groups keeps its genesis state).
   */
  shardGroups?: number;
}

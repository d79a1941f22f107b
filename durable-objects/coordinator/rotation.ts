/**
 * The coordinator's side of rotation (issue #18 item 4, docs/VALIDATOR.md "Joining or rotating onto a
 * shard"; what to keep and drop: src/consensus/rotation.ts). Each tick, with more than one group:
 * when the plan's phase moves (a new epoch, next epoch's groups final, the grace over: three times
 * an epoch) the plan is made again from the chain, and each kept shard that has nothing is synced
 * from the peers (state-sync.ts: a peer's state at LIB checked against our header's root, then
 * the blocks since) inside the coordinator's exclusive turn. So a shard taken on next epoch is
 * synced while this epoch runs, as soon as block eV is final, not at its first duty.
 * One group: the node holds every shard, nothing is read, asked or written.
 */
import { MAX_PROOF_DEPTH } from "../config";
import { planBlocks, planSpan, rotationPlan, type ListBlock, type RotationChain, type RotationPlan } from "../../src/consensus/rotation";
import type { SyncHost } from "./chain-sync";
import { catchUp, syncOne } from "./state-sync";

/** LIB blocks past an epoch's first during which the shards left are kept: as deep below LIB as a peer's state sync may aim (/p2p/state), at most an epoch. */
const graceBlocks = (voteInterval: number): number => Math.min(MAX_PROOF_DEPTH, voteInterval);

export interface RotationHost {
  sync: SyncHost;
  groups: number;
  /** Producer keys (base58) this node holds. */
  keys(): readonly string[];
  /**
   * Whether this node builds and applies every shard's chunk (so it drops none). True until the
   * chunks of shards a node does not hold are checked by witness (issue #18 item 3).
   */
  runsEveryShard: boolean;
}

/** Per instance: the phase the plan was last made in, and that plan (/dev/status shows it). */
export interface RotationState {
  phase: string;
  plan: RotationPlan | null;
  /** Shards synced by rotation since the object started, with the head they were synced at. */
  synced: { shard: number; epoch: number; head: number }[];
}

export const newRotationState = (): RotationState => ({ phase: "", plan: null, synced: [] });

function chainOf(host: RotationHost): RotationChain {
  const s = host.sync;
  return {
    head: s.head().number,
    lib: s.lib(),
    voteInterval: s.voteInterval,
    groups: host.groups,
    shardCount: s.shardCount,
    keys: host.keys(),
    grace: graceBlocks(s.voteInterval),
  };
}

/** What the plan depends on besides the blocks it reads: it is made again only when this changes. */
function phaseOf(c: RotationChain): string {
  const { epoch, next, last } = planSpan(c);
  return `${epoch} ${next} ${last} ${[...c.keys].sort().join(",")}`;
}

async function listBlock(s: SyncHost, n: number): Promise<ListBlock> {
  const b = s.mainBlock(n) ?? (await s.archivedBlock(n));
  if (b === null) throw new Error(`rotation: no block ${n} on this node`);
  return { hash: b.hash, list: s.witnessesAfter(b) };
}

/**
 * The tick's rotation step (see the file's comment). A kept shard with nothing that cannot be synced
 * yet leaves the phase unrecorded, so the next tick tries again; it throws (the tick produces
 * nothing) only if the shard is held at the head: one kept for next epoch does not stop this one.
 */
export async function rotate(host: RotationHost, state: RotationState): Promise<void> {
  if (host.groups === 1) return;
  const s = host.sync;
  const c = chainOf(host);
  // LIB 0: nothing final to sync from; syncEmptyShards replays the few blocks instead.
  if (c.head === 0 || c.lib === 0) return;
  const phase = phaseOf(c);
  if (phase === state.phase) return;
  const blocks = new Map<number, ListBlock>();
  for (const n of planBlocks(c)) blocks.set(n, await listBlock(s, n));
  const plan = rotationPlan(c, (n) => blocks.get(n)!);
  state.plan = plan;
  if (s.peers.length > 0) {
    const shards = s.shards();
    const statuses = await Promise.all(plan.keep.map((i) => shards[i].status()));
    const empty = statuses.filter((st) => st.head === 0 || st.syncing !== undefined).map((st) => st.shard);
    const synced: number[] = [];
    const faults: string[] = [];
    for (const i of empty) {
      const done = await syncOne(s, i, c.lib);
      if ("error" in done) faults.push(`shard ${i}: ${done.error}`);
      else {
        synced.push(i);
        state.synced.push({ shard: i, epoch: plan.epoch, head: c.head });
      }
    }
    if (synced.length > 0) {
      const stuck = await catchUp(s);
      if (stuck !== null) throw new Error(`rotation: synced shards behind the head: ${stuck}`);
      const lib = s.lib();
      await Promise.all(synced.map((i) => shards[i].finalize(lib, s.mainBlock(lib)?.hash)));
    }
    if (faults.length > 0) {
      const why = `rotation: kept shards not synced yet (${faults.join("; ")})`;
      // A shard needed at this head stops production; one taken on for next epoch only is tried again next tick.
      if (empty.some((i) => plan.now.includes(i) && !synced.includes(i))) throw new Error(why);
      console.warn(`${s.label}: ${why}`);
      return;
    }
  }
  if (!host.runsEveryShard && plan.drop.length > 0) {
    const shards = s.shards();
    const held = await Promise.all(plan.drop.map((i) => shards[i].status()));
    for (const st of held.filter((x) => x.dropped === undefined)) {
      const done = await shards[st.shard].drop();
      if ("error" in done) throw new Error(`rotation: shard ${st.shard} not dropped: ${done.error}`);
      console.log(`${s.label}: shard ${st.shard} dropped in epoch ${plan.epoch} (kept: ${plan.keep.join(",")})`);
    }
  }
  state.phase = phase;
}

/**
 * The coordinator's side of rotation (issue #18 item 4, docs/VALIDATOR.md "Joining or rotating onto a
 * shard"; what to keep and drop: src/consensus/rotation.ts). Each tick starts a step beside it (the tick does not
 * wait; one step at a time: coordinator `rotating`), with more than one group:
 * when the plan's phase moves (a new epoch, next epoch's groups final, the grace over: three times
 * an epoch) the plan is made again from the chain, and each kept shard that has nothing is synced
 * from the peers (state-sync.ts: a peer's state at LIB checked against our header's root, then
 * the blocks since) inside the coordinator's exclusive turn. So a shard taken on next epoch is
 * synced while this epoch runs, as soon as block eV is final, not at its first duty.
 *
 * The plan's `keep` is what the node's shard objects apply (SyncHost `applies`, stored when it
 * changes): a shard enters it once synced and leaves it when dropped, in the same turn, so an
 * applied shard is never behind the head and one left is dropped rather than left stale; the
 * other shards' chunks are checked by witness (chain-sync.ts `extend`). A kept shard whose object
 * does not apply the chain (nothing in it, or behind: held, left, taken again) is dropped and synced.
 * One group, or no producer key: the node holds every shard, nothing is read, asked or written.
 *
 * A shard left whose pool holds txs not expired is not dropped at once: its pool goes to the peers
 * first (`leave`, POST /p2p/pool, in the background so production never waits for a peer), and the
 * drop follows once a peer took each tx; until then the phase stays unrecorded and the next tick
 * looks again. With no peer taking them (all down), it is tried again every HAND_RETRY_MS while the
 * txs live: the drop waits at most a tx's life (90 s), after which nothing is left to lose.
 */
import { MAX_PROOF_DEPTH, PUSH_TIMEOUT_MS } from "../config";
import { base64Encode } from "../../src/codec/base64";
import { peerJson } from "../../src/net/peer-json";
import { planBlocks, planSpan, rotationPlan, type ListBlock, type RotationChain, type RotationPlan } from "../../src/consensus/rotation";
import type { SyncHost } from "./chain-sync";
import { catchUp, syncOne } from "./state-sync";

/** After a hand-over that left txs no peer took: the wait before the next try. */
export const HAND_RETRY_MS = 5_000;
/** Most bytes of a peer's answer to a page handed over read: one short answer per tx (at most MAX_ADMIT_BATCH). */
const MAX_HAND_ANSWER_BYTES = 256 * 1024;

/** LIB blocks past an epoch's first during which the shards left are kept: as deep below LIB as a peer's state sync may aim (/p2p/state), at most an epoch. */
const graceBlocks = (voteInterval: number): number => Math.min(MAX_PROOF_DEPTH, voteInterval);

export interface RotationHost {
  sync: SyncHost;
  groups: number;
  /** Producer keys (base58) this node holds. */
  keys(): readonly string[];
  /** Stores the shards whose objects apply the chain (SyncHost `applies`): one row, when they change. */
  setApplies(shards: readonly number[]): void;
  /**
   * Before shard `shard`'s object is dropped: its chunks of the blocks within a tx's life of the head
   * (90 s of block time) kept with them (SyncHost `keptChunks`), so this node still serves those whole
   * blocks, which a peer's snapshot sync fills its replay window from, and the pulls of peers behind.
   */
  keepRecent(shard: number): Promise<void>;
  /**
   * Shards whose objects this node never made (a producer that joined a long chain by a leap makes
   * only what its plan keeps: coordinator `createGenesis`): nothing in them to drop, and asking one
   * would make it. A shard leaves the list once a plan keeps it (`made`), before it is asked.
   */
  unmade(): readonly number[];
  made(shards: readonly number[]): void;
  /** Leaps this object made (leap.ts): one during a rotation step moved the head and the shards under it, so the step is made again. */
  leaps(): number;
}

/** Per instance: the phase the plan was last made in, and that plan (/dev/status shows it). */
export interface RotationState {
  phase: string;
  plan: RotationPlan | null;
  /** Shards synced by rotation since the object started, with the head they were synced at. */
  synced: { shard: number; epoch: number; head: number }[];
  /** Shards left whose pool is being handed over (`leave`), each with when it may be tried again (in flight: Infinity). */
  leaving: Map<number, number>;
  /** The pools handed over before their shard's drop since the object started: txs taken, requests made. */
  handed: { shard: number; epoch: number; txs: number; requests: number }[];
}

export const newRotationState = (): RotationState => ({ phase: "", plan: null, synced: [], leaving: new Map(), handed: [] });

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

/** The plan at the head, made from the chain and kept in `state` (/dev/status); its kept shards leave `unmade`. */
export async function planNow(host: RotationHost, state: RotationState, c: RotationChain = chainOf(host)): Promise<RotationPlan> {
  const blocks = new Map<number, ListBlock>();
  for (const n of planBlocks(c)) blocks.set(n, await listBlock(host.sync, n));
  const plan = rotationPlan(c, (n) => blocks.get(n)!);
  state.plan = plan;
  host.made(plan.keep);
  return plan;
}

/**
 * The tick's rotation step (see the file's comment). Only the changes to the applied set, a synced
 * shard's last blocks and a dropped shard's kept chunks take the coordinator's exclusive turn: a
 * shard's state pages come while blocks are made and adopted (none of them touches it), so a sync
 * misses no slot. A kept shard with nothing that cannot be synced yet leaves the phase unrecorded,
 * so the next tick tries again; it throws (logged) only if the shard is held at the head, and no tick
 * produces while such a shard is not applied (coordinator `lacksNow`): one kept for next epoch stops nothing.
 */
export async function rotate(host: RotationHost, state: RotationState): Promise<void> {
  // Without a producer key nothing is held by groups: such a node serves SERVES (holding.ts).
  if (host.groups === 1 || host.keys().length === 0) return;
  const s = host.sync;
  const c = chainOf(host);
  // LIB 0: nothing final to sync from; syncEmptyShards replays the few blocks instead.
  if (c.head === 0 || c.lib === 0) return;
  const phase = phaseOf(c);
  if (phase === state.phase) return;
  const leaps = host.leaps();
  const plan = await planNow(host, state, c);
  const shards = s.shards();
  const all = shards.map((_, i) => i);
  const statuses = s.peers.length > 0 ? await Promise.all(plan.keep.map((i) => shards[i].status())) : [];
  // In the turn: a kept shard without its state (nothing, or behind: held, left, taken again) and every shard left stop being applied.
  const step = await s.exclusive(async () => {
    // A leap meanwhile (leap.ts) synced the kept shards under a new head: these statuses are stale, the next tick plans again.
    if (host.leaps() !== leaps) return null;
    const was = s.applies() ?? all;
    const lack = statuses.filter((x) => x.head === 0 || x.syncing !== undefined || !was.includes(x.shard)).map((x) => x.shard);
    const now = plan.keep.filter((i) => was.includes(i) && !lack.includes(i));
    if (now.join() !== was.join()) host.setApplies(now);
    return { lacking: lack, applied: now };
  });
  if (step === null) return;
  const { lacking, applied } = step;
  // Outside it, as no object that applies the chain is touched: blocks go on being made and adopted while the state pages come.
  const synced: number[] = [];
  const faults: string[] = [];
  for (const i of lacking) {
    const st = statuses.find((x) => x.shard === i)!;
    // Behind (its last block is one it applied before it left): its old state goes first.
    const stale = st.head > 0 && st.syncing === undefined && st.dropped === undefined;
    if (stale && state.leaving.get(i) === Infinity) {
      faults.push(`shard ${i}: its pool is being handed over`);
      continue;
    }
    // Its pool goes to the peers first, as a shard left (`leave`); one needed now is synced even so, its txs no peer took lost.
    const handed = stale && st.pool > 0 ? await handOver(host, i) : null;
    if (handed !== null && handed.missed.length > 0 && !plan.now.includes(i)) {
      faults.push(`shard ${i}: ${handed.missed.length} pooled txs no peer took yet (${handed.missed[0]})`);
      continue;
    }
    if (handed !== null) {
      if (handed.missed.length > 0) console.warn(`${s.label}: shard ${i} needed now: synced with ${handed.missed.length} pooled txs no peer took (lost)`);
      state.handed.push({ shard: i, epoch: plan.epoch, txs: handed.txs, requests: handed.requests });
    }
    const dropped = stale ? await shards[i].drop() : null;
    if (dropped !== null && "error" in dropped) {
      faults.push(`shard ${i}: not dropped before its sync: ${dropped.error}`);
      continue;
    }
    const done = await syncOne(s, i, c.lib);
    if ("error" in done) faults.push(`shard ${i}: ${done.error}`);
    else synced.push(i);
  }
  // In the turn again: the synced shards brought from LIB to the head (a few blocks), then applied.
  const moved = await s.exclusive(async () => {
    // A leap meanwhile left these shards at a LIB far below the head: the next tick drops and syncs them again.
    if (host.leaps() !== leaps) return true;
    if (synced.length === 0) return false;
    const stuck = await catchUp(s, undefined, [...applied, ...synced]);
    if (stuck !== null) throw new Error(`rotation: synced shards behind the head: ${stuck}`);
    const lib = s.lib();
    await Promise.all(synced.map((i) => shards[i].finalize(lib, s.mainBlock(lib)?.hash)));
    host.setApplies(plan.keep.filter((i) => applied.includes(i) || synced.includes(i)));
    for (const i of synced) state.synced.push({ shard: i, epoch: plan.epoch, head: s.head().number });
    return false;
  });
  if (moved) return;
  if (faults.length > 0) {
    const why = `rotation: kept shards not synced yet (${faults.join("; ")})`;
    // A shard needed at this head stops production; one taken on for next epoch only is tried again next tick.
    if (plan.now.some((i) => !applied.includes(i) && !synced.includes(i))) throw new Error(why);
    console.warn(`${s.label}: ${why}`);
    return;
  }
  const present = plan.drop.filter((i) => !host.unmade().includes(i));
  let waiting = false;
  if (present.length > 0) {
    const held = await Promise.all(present.map((i) => shards[i].status()));
    for (const st of held.filter((x) => x.dropped === undefined)) {
      if (st.pool === 0) {
        await dropLeft(host, st.shard, plan);
        continue;
      }
      // Its pool goes to the peers first, in the background; the phase stays unrecorded until it is dropped.
      waiting = true;
      if ((state.leaving.get(st.shard) ?? 0) > Date.now()) continue;
      state.leaving.set(st.shard, Infinity);
      s.background(
        leave(host, state, st.shard, plan).then(
          (gone) => (gone ? state.leaving.delete(st.shard) : state.leaving.set(st.shard, Date.now() + HAND_RETRY_MS)),
          (err) => {
            state.leaving.set(st.shard, Date.now() + HAND_RETRY_MS);
            throw err;
          },
        ),
      );
    }
  }
  if (waiting) return;
  state.phase = phase;
}

/** Shard `shard`'s drop: its chunks kept with the blocks first, in the turn (none made meanwhile). */
async function dropLeft(host: RotationHost, shard: number, plan: RotationPlan): Promise<void> {
  const s = host.sync;
  await s.exclusive(() => host.keepRecent(shard));
  const done = await s.shards()[shard].drop();
  if ("error" in done) throw new Error(`rotation: shard ${shard} not dropped: ${done.error}`);
  console.log(`${s.label}: shard ${shard} dropped in epoch ${plan.epoch} (kept: ${plan.keep.join(",")})`);
}

/**
 * Shard `shard`'s pool handed to the peers page by page (Shard `pooled`, POST /p2p/pool: one request
 * per peer and page, all peers at once): the txs some peer took (admitted, or known there already:
 * "tx exists in …"), the requests made, and why each other tx not expired was taken by none. A
 * peer that does not apply the shard refuses: it would only hold the tx in a pool it drops in turn.
 * POST /p2p/pool never forwards, so no tx goes round.
 */
async function handOver(host: RotationHost, shard: number): Promise<{ txs: number; requests: number; missed: string[] }> {
  const s = host.sync;
  const object = s.shards()[shard];
  const out = { txs: 0, requests: 0, missed: [] as string[] };
  for (let after: string | null = ""; after !== null; ) {
    const page = await object.pooled(after);
    if ("error" in page) throw new Error(`rotation: shard ${shard}'s pool not read: ${page.error}`);
    after = page.next;
    if (page.txs.length === 0) continue;
    const body = JSON.stringify({ shard, txs: page.txs.map((t) => base64Encode(t.bytes)) });
    out.requests += s.peers.length;
    const answers = await Promise.all(
      s.peers.map((p) => peerJson(p, s.chainId, "/p2p/pool", "answer", { post: body, timeoutMs: PUSH_TIMEOUT_MS, maxBytes: MAX_HAND_ANSWER_BYTES })),
    );
    const lists = answers.map((a) => (a as { answers?: unknown } | null)?.answers);
    for (let k = 0; k < page.txs.length; k++) {
      if (lists.some((l) => Array.isArray(l) && taken(l[k], page.txs[k].hash))) out.txs++;
      else
        out.missed.push(
          answers.map((a, i) => (Array.isArray(lists[i]) ? String(lists[i][k]?.error) : String((a as { error?: unknown } | null)?.error))).join("; ") ||
            "no peers",
        );
    }
  }
  return out;
}

/** Shard `shard`'s pool handed over, then the shard dropped; false, and nothing dropped, while a tx no peer took lives. */
async function leave(host: RotationHost, state: RotationState, shard: number, plan: RotationPlan): Promise<boolean> {
  const { txs, requests, missed } = await handOver(host, shard);
  if (missed.length > 0) {
    console.warn(`${host.sync.label}: shard ${shard} not dropped yet: ${missed.length} pooled txs no peer took (${missed[0]})`);
    return false;
  }
  state.handed.push({ shard, epoch: plan.epoch, txs, requests });
  await dropLeft(host, shard, plan);
  return true;
}

/** Whether a peer's answer to tx `id` handed over says its pool has it: admitted (its id answered), or known there already. */
function taken(a: unknown, id: string): boolean {
  if (typeof a !== "object" || a === null) return false;
  const { hash, error } = a as { hash?: unknown; error?: unknown };
  return hash === id || (typeof error === "string" && error.startsWith("tx exists in "));
}

/**
 * A node holding part of the shards that is far behind (issue #18 item 4, docs/VALIDATOR.md
 * "Joining a long-running chain"): a new node, one wiped, or one down for a while. It follows its
 * peers block by block only while they serve the witnesses and receipts' proofs of the next block,
 * down to MAX_PROOF_DEPTH below their LIB; further behind, it leaps:
 * 1. the headers from its head to a peer's head, each checked as a peer block is (hash, parent,
 *    slot under the list that schedules it, signature, the list it hands on) and stored, its chunks
 *    not applied;
 * 2. the peer's endorsements of its LIB and above, counted: this node's LIB rises by its own rules
 *    (IOST's over the signed headers, and the endorsement certificates);
 * 3. the headers above that LIB dropped again (they come back whole, checked by witness, with the
 *    next pulls), and each held shard synced from a peer's snapshot at LIB, checked against the
 *    state root in this node's header (state-sync.ts `syncOne`); a shard it holds that is behind
 *    is dropped first. No object of another shard is created.
 * A producer of several groups leaps the same way (wiped, or down for a while), its held shards
 * those its rotation plan holds now, made from the headers (rotation.ts `planNow`) before step 3.
 * A restart in the middle leaves shards behind the stored headers: `alignHeld`, at every start,
 * does step 3 again.
 */
import { parsePeerBlock } from "../../src/block/wire";
import { MAX_CARRY, receiptsFromAfter } from "../../src/sharding/placeholder";
import type { PeerStatus } from "../api";
import { MAX_PROOF_DEPTH, MAX_RANGE } from "../config";
import { childFault, reject, type SyncHost, type SyncState } from "./chain-sync";
import { fetchBlocks, fetchEndorsements } from "./peers";
import { syncOne } from "./state-sync";
import { cursorOf, headerParts } from "./witness-check";

/**
 * Whether a peer final at `peerLib` no longer serves what adopting the block after `head` needs: the
 * receipts' proofs (/p2p/sent, /p2p/witness) of every height its chunks take in, from `head` or, after
 * placeholders, the cursor they carried (read from our header of `head`, `headInfo`), served down to
 * MAX_PROOF_DEPTH below the peer's LIB.
 */
export function farBehind(head: number, peerLib: number, headInfo: () => string | null): boolean {
  if (peerLib - head > MAX_PROOF_DEPTH) return true;
  // A carry reaches at most MAX_CARRY - 1 heights lower: only then is the header read.
  if (peerLib - head <= MAX_PROOF_DEPTH - MAX_CARRY + 1) return false;
  const info = headInfo();
  if (info === null) return false;
  const lowest = Math.min(head, ...headerParts(info).map((p) => receiptsFromAfter({ height: head, ...cursorOf(p) })));
  return peerLib - lowest > MAX_PROOF_DEPTH;
}

/** A peer's answer that it serves the height asked only from above it: `of height H: … from F`, F > H. */
const FROM_ABOVE = /of height ([0-9]+): (?:witnesses are served from|served from|its chunks start at) ([0-9]+)/;
/**
 * A peer's answer that it will never serve a chunk of a block it already has: it does not apply the
 * shard (dropped by rotation, or a holding node that does not serve it or serves no witness at all)
 * and holds no draft of it, which a producer keeps only of the blocks it made (`Coordinator.draftWitness`).
 */
const NEVER =
  /no draft of chunk [0-9]+\/[0-9]+(?: with id [0-9a-f]+)? here|holds nothing on this node \(dropped|is not served by this node|it serves no witness/;

/**
 * Whether `reason`, why a peer block's chunks could not be checked or take their receipts in (each
 * peer's answer, joined by "; "), says no peer will ever serve that witness or proof: some peer serves
 * it only from above the height asked (`Shard.witnessOf`, `sentProofsAt`: its history starts there,
 * after a snapshot sync or far below its LIB) and each other one the same, or never (`NEVER`). Only a
 * leap goes on then, however near their LIB is. A peer behind or failing (a timeout, a refused
 * connection) may serve it later: not gone.
 */
export function historyGone(reason: string): boolean {
  let above = false;
  for (const p of reason.split("; ")) {
    const m = FROM_ABOVE.exec(p);
    if (m !== null && Number(m[2]) > Number(m[1])) above = true;
    else if (!NEVER.test(p)) return false;
  }
  return above;
}

/**
 * Steps 1–3 from `peer` (its status `s`), inside the exclusive turn (no block is adopted on headers
 * whose chunks no shard applied), `plan` run once a block above our old head is final (a producer
 * sets the shards its objects apply from the chain), `aligned` once the shards are synced: null
 * once the held shards are at a final block above our old head, else why not.
 */
export async function leap(
  host: SyncHost,
  st: SyncState,
  peer: string,
  s: PeerStatus,
  plan: () => Promise<void>,
  aligned: () => Promise<void>,
): Promise<string | null> {
  const from = host.head().number;
  console.log(`${host.label}: ${s.lib - from} blocks behind ${peer}'s LIB ${s.lib}: taking headers, then its shards at a final block`);
  const fault = await takeHeaders(host, st, peer, s.head);
  if (fault !== null) return fault;
  const e = await fetchEndorsements(peer, Math.max(host.lib() + 1, s.lib));
  if ("error" in e) console.warn(`${host.label}: endorsements from ${peer} failed: ${e.error}`);
  else if (e.endorsements.length > 0) await host.countEndorsements(e.endorsements, peer);
  if (host.lib() <= from) return `no block above our head ${from} became final with ${peer}'s headers and endorsements`;
  await plan();
  const stuck = await alignHeld(host);
  if (stuck === null) await aligned();
  return stuck;
}

/** Step 1: `peer`'s main blocks from our head to `top` stored as headers, each checked as a peer block; null, or why it stopped. */
async function takeHeaders(host: SyncHost, st: SyncState, peer: string, top: number): Promise<string | null> {
  while (host.head().number < top) {
    const at = host.head().number + 1;
    const r = await fetchBlocks(peer, at, MAX_RANGE);
    if ("error" in r) return `headers from ${at}: ${r.error}`;
    if (r.blocks.length === 0) return null;
    for (const json of r.blocks) {
      const p = parsePeerBlock(json, host.shardCount);
      if ("error" in p) return reject(host, st, { number: host.head().number + 1, hash: "?" }, peer, p.error).error;
      const head = host.head();
      const fault = await childFault(host, p, head, host.witnessesAfter(head));
      if (fault !== null) return reject(host, st, p.block, peer, fault).error;
      await host.storeHeader(p.block);
    }
  }
  return null;
}

/**
 * The held shards (those whose objects apply the chain: `applies`) at the coordinator's head, or why
 * not: when any is not (a leap stored headers its shards did not apply, a restart cut a leap or a
 * sync short), the blocks above LIB are dropped and each shard not at LIB is synced there (dropped
 * first if it holds an older chain). Costs one status per held shard.
 */
export async function alignHeld(host: SyncHost): Promise<string | null> {
  const shards = host.shards();
  const held = host.applies() ?? [];
  const statuses = await Promise.all(held.map((i) => shards[i].status()));
  const head = host.head().number;
  if (statuses.every((x) => x.syncing === undefined && x.dropped !== true && x.head === head)) return null;
  const lib = host.lib();
  if (head > lib) host.truncate(lib);
  const faults: string[] = [];
  for (const x of statuses) {
    const shard = shards[x.shard];
    if (x.syncing === undefined && x.dropped !== true && x.head >= lib) {
      const back = x.head > lib ? await shard.revertTo(lib) : null;
      if (back !== null && "error" in back) faults.push(`shard ${x.shard}: ${back.error}`);
      continue;
    }
    if (x.syncing === undefined && x.dropped !== true && x.head > 0) {
      const dropped = await shard.drop();
      if ("error" in dropped) {
        faults.push(`shard ${x.shard}: ${dropped.error}`);
        continue;
      }
    }
    const done = await syncOne(host, x.shard, lib);
    if ("error" in done) faults.push(`shard ${x.shard}: ${done.error}`);
  }
  return faults.length === 0 ? null : `held shards not at block ${lib}: ${faults.join("; ")}`;
}

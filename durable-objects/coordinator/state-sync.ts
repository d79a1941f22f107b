/**
 * The coordinator's side of a shard's snapshot sync (issue #18 item 4, docs/VALIDATOR.md "Joining or
 * rotating onto a shard"; the shard's side and what is copied: durable-objects/shard/state-sync.ts).
 *
 * A shard with nothing (head 0: a wiped store or one never held) under a coordinator whose chain is
 * past genesis, or one whose import a restart interrupted, is synced instead of replayed: its target
 * is this node's own header of LIB (a block finality checked), whose `info` names the shard's state,
 * receipt and tx roots; the shard copies a peer's state and refuses it unless the roots agree. Then
 * the chunks above LIB come from the peers' /p2p/blocks, each block first matched to this node's
 * own header (same hash, hence the same tx and state roots), and are applied the normal way
 * (applyChunk re-executes them). All of it inside the coordinator's exclusive turn: no block is
 * produced or adopted meanwhile.
 */
import { parsePeerBlock } from "../../src/block/wire";
import type { Answer, Chunk, ChunkContext, StateSyncDone, StateSyncTarget } from "../api";
import { MAX_PROOF_DEPTH, MAX_RANGE } from "../config";
import { MAX_TX_LIFE_NS } from "../../src/pool/index";
import { fetchBlocks } from "./peers";
import type { HostBlock, SyncHost } from "./chain-sync";
import { errorText } from "../values";

type Roots = { tx_root: string; receipt_root: string; state_root: string; out_receipts_root?: string };

function rootsOf(b: HostBlock, shard: number): Roots {
  return (JSON.parse(b.info) as { chunks: Roots[] }).chunks[shard];
}

async function blockAt(host: SyncHost, n: number): Promise<HostBlock | null> {
  return host.mainBlock(n) ?? (await host.archivedBlock(n));
}

/** Shard `shard`'s target at main block `height`: its roots in our header, and the replay window's tx roots. */
export async function syncTarget(host: SyncHost, shard: number, height: number): Promise<StateSyncTarget> {
  const top = await blockAt(host, height);
  if (top === null) throw new Error(`no block ${height} on this node`);
  const roots = rootsOf(top, shard);
  const window: StateSyncTarget["window"] = [];
  // Every height whose txs a block above `height` could still take again: time within MAX_TX_LIFE_NS of it.
  for (let n = height; n >= 1; n--) {
    const b = n === height ? top : await blockAt(host, n);
    if (b === null || BigInt(b.time) + MAX_TX_LIFE_NS < BigInt(top.time)) break;
    window.unshift({ height: n, txRoot: rootsOf(b, shard).tx_root });
  }
  return {
    height,
    hash: top.hash,
    time: top.time,
    stateRoot: roots.state_root,
    receiptRoot: roots.receipt_root,
    ...(roots.out_receipts_root === undefined ? {} : { outReceiptsRoot: roots.out_receipts_root }),
    window,
  };
}

/** The chunks of shard `shard` above its head `from - 1` up to our head, from the peers' blocks that are ours. */
async function applyAbove(host: SyncHost, shard: number, from: number): Promise<string | null> {
  const s = host.shards()[shard];
  const top = host.head().number;
  const faults: string[] = [];
  for (const peer of host.peers) {
    while (from <= top) {
      const r = await fetchBlocks(peer, from, MAX_RANGE);
      if ("error" in r || r.blocks.length === 0) {
        faults.push("error" in r ? r.error : `${peer}: no block ${from}`);
        break;
      }
      let fault: string | null = null;
      for (const json of r.blocks) {
        const p = parsePeerBlock(json, host.shardCount);
        const ours = host.mainBlock(from);
        const parent = host.mainBlock(from - 1);
        if ("error" in p) fault = p.error;
        else if (ours === null || parent === null || p.block.hash !== ours.hash) fault = `its block ${p.block.number} is not our block ${from}`;
        if (fault !== null) break;
        const ctx: ChunkContext = {
          height: from,
          time: ours!.time,
          parentHash: ours!.parentHash,
          witness: ours!.witness,
          parentWitness: parent!.witness,
          parentTime: parent!.time,
        };
        const c = (p as Exclude<typeof p, { error: string }>).chunks[shard];
        const a = await s.applyChunk(ctx, c.txs, c.chunk as Chunk).catch((err: unknown) => ({ error: errorText(err) }));
        if ("error" in a) {
          fault = a.error;
          break;
        }
        if (++from > top) break;
      }
      if (fault !== null) {
        faults.push(`${peer}: ${fault}`);
        break;
      }
    }
    if (from > top) return null;
  }
  return `shard ${shard} cannot apply block ${from}: ${faults.join("; ")}`;
}

/**
 * Shard `index` synced from a peer's state at LIB (or at the block an interrupted import started
 * from, while peers can still serve it), then brought to our head. `fresh` (dev): even a shard that
 * holds a chain starts over.
 */
export async function resyncShard(host: SyncHost, index: number, fresh = false): Promise<Answer<StateSyncDone>> {
  const lib = host.lib();
  if (lib === 0) return { error: "nothing final to sync from yet (LIB 0): the shard replays from genesis" };
  const s = host.shards()[index];
  const status = await s.status();
  const at = status.syncing?.height;
  const height = at !== undefined && at >= lib - MAX_PROOF_DEPTH && !fresh ? at : lib;
  const done = await s.syncState(await syncTarget(host, index, height), fresh);
  if ("error" in done) return done;
  const stuck = await applyAbove(host, index, height + 1);
  if (stuck !== null) return { error: stuck };
  await s.finalize(lib, host.mainBlock(lib)?.hash);
  console.log(`${host.label}: shard ${index} synced from ${done.peer} at block ${height} (${done.rows} keys, ${done.pages} pages), then applied ${host.head().number - height} blocks`);
  return done;
}

/**
 * Once per coordinator instance, before it produces or adopts anything: each shard with nothing
 * under a chain past genesis, or with an import in progress, is synced. Costs one status request per
 * shard per start. Throws if one cannot be synced yet (the next tick tries again).
 */
export async function syncEmptyShards(host: SyncHost): Promise<void> {
  if (host.peers.length === 0 || host.head().number === 0) return;
  const statuses = await Promise.all(host.shards().map((s) => s.status()));
  for (const st of statuses) {
    if (st.syncing === undefined && st.head > 0) continue;
    const r = await resyncShard(host, st.shard);
    if ("error" in r) throw new Error(`shard ${st.shard} is empty and not synced yet: ${r.error}`);
  }
}

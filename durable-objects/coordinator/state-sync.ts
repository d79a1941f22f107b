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
import type { Answer, Chunk, StateSyncDone, StateSyncTarget } from "../api";
import { MAX_PROOF_DEPTH, MAX_RANGE } from "../config";
import { MAX_TX_LIFE_NS } from "../../src/pool/index";
import { fetchBlocks } from "./peers";
import { chunkContext, revertAll, type HostBlock, type SyncHost } from "./chain-sync";
import { errorText } from "../values";

type Roots = { tx_root: string; receipt_root: string; state_root: string; out_receipts_root?: string; placeholder?: true; receipts_from?: number };

function rootsOf(b: HostBlock, shard: number): Roots {
  return (JSON.parse(b.info) as { chunks: Roots[] }).chunks[shard];
}

async function blockAt(host: SyncHost, n: number): Promise<HostBlock | null> {
  return host.mainBlock(n) ?? (await host.archivedBlock(n));
}

/** Shard `shard`'s target at main block `height`: its roots in our header, and the replay window's tx roots and chunks that sent nothing. */
export async function syncTarget(host: SyncHost, shard: number, height: number): Promise<StateSyncTarget> {
  const top = await blockAt(host, height);
  if (top === null) throw new Error(`no block ${height} on this node`);
  const roots = rootsOf(top, shard);
  const window: StateSyncTarget["window"] = [];
  // Every height whose txs a block above `height` could still take again: time within MAX_TX_LIFE_NS of it.
  for (let n = height; n >= 1; n--) {
    const b = n === height ? top : await blockAt(host, n);
    if (b === null || BigInt(b.time) + MAX_TX_LIFE_NS < BigInt(top.time)) break;
    const r = rootsOf(b, shard);
    window.unshift({ height: n, txRoot: r.tx_root, ...(r.out_receipts_root ? {} : { sentNone: true as const }) });
  }
  return {
    height,
    hash: top.hash,
    time: top.time,
    stateRoot: roots.state_root,
    receiptRoot: roots.receipt_root,
    ...(roots.out_receipts_root === undefined ? {} : { outReceiptsRoot: roots.out_receipts_root }),
    ...(roots.placeholder === true ? { placeholder: true } : {}),
    ...(roots.receipts_from === undefined ? {} : { receiptsFrom: roots.receipts_from }),
    window,
  };
}

/** A peer's GET /p2p/blocks, unchecked: from the network (`fetchBlocks`) or, in tests, another chain's blocks. */
export type BlockSource = (peer: string, from: number, count: number) => Promise<{ blocks: unknown[] } | { error: string }>;

/**
 * Every shard of `only` (the applied ones by default) behind our head brought to it from the peers' blocks that are ours, height by height,
 * the shards behind at a height applying their chunks together: a chunk takes the receipts the
 * others' chunks of the height before sent, so several synced shards go in step. Null, or why not.
 *
 * A block of ours above LIB that no peer has (our own, made just before a shard lost its chunk to a
 * sync, a wipe or a drop, and never pushed; or one on a branch the network left) can never be
 * applied again: once a peer answers another block at that height, ours from there up are dropped
 * (the shards that hold them revert, as in a reorg) and the peers' chain is pulled as usual. Without
 * that the node would wait forever for a block nobody has, unable to produce or follow.
 */
export async function catchUp(host: SyncHost, source: BlockSource = fetchBlocks, only: readonly number[] | null = host.applies()): Promise<string | null> {
  const shards = host.shards();
  const applied = only ?? shards.map((_, i) => i);
  const top = host.head().number;
  // A shard not applied is never behind: it stands at the head.
  const heads = await Promise.all(shards.map(async (s, i) => (applied.includes(i) ? (await s.status()).head : top)));
  let from = Math.min(...heads) + 1;
  const faults: string[] = [];
  /** A peer answered a block of its own at `from`: the network went on without ours. */
  let forked = false;
  for (const peer of host.peers) {
    while (from <= top) {
      const r = await source(peer, from, MAX_RANGE);
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
        else if (ours === null || parent === null || p.block.hash !== ours.hash) {
          fault = `its block ${p.block.number} is not our block ${from}`;
          forked ||= p.block.number === from && ours !== null && parent !== null;
        }
        if (fault !== null || "error" in p) break;
        const ctx = chunkContext({ ...ours!, number: from }, parent!);
        const behind = shards.map((_, i) => i).filter((i) => heads[i] === from - 1);
        const answers = await Promise.all(
          behind.map((i) => shards[i].applyChunk(ctx, p.chunks[i].txs, p.chunks[i].chunk as Chunk).catch((err: unknown) => ({ error: errorText(err) }))),
        );
        const bad = answers.find((a) => "error" in a);
        // An applied chunk stays (it equals the header's): the next try starts above it.
        answers.forEach((a, k) => {
          if (!("error" in a)) heads[behind[k]] = from;
        });
        if (bad !== undefined) {
          fault = (bad as { error: string }).error;
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
  const fault = `cannot apply block ${from}: ${faults.join("; ")}`;
  if (!forked || from - 1 < host.lib()) return fault;
  console.warn(`${host.label}: dropping our blocks ${from} to ${top}, which no peer has: ${fault}`);
  host.dropProduction();
  await revertAll(host, from - 1);
  return null;
}

const errorOf = (a: Answer<unknown>): string | null => (typeof a === "object" && a !== null && "error" in a ? (a as { error: string }).error : null);

/** Shard `index` filled with a peer's state at our main block `height` (state-sync.ts `syncTarget`). */
export async function syncOne(host: SyncHost, index: number, height: number): Promise<Answer<StateSyncDone>> {
  const done = await host.shards()[index].syncState(await syncTarget(host, index, height));
  if (!("error" in done)) console.log(`${host.label}: shard ${index} synced from ${done.peer} at block ${height} (${done.rows} keys, ${done.pages} pages)`);
  return done;
}

/** Dev (/dev/resyncShard): shard `index` dropped (as rotation drops one) and synced from a peer's state at LIB, then the blocks since. */
export async function resyncShard(host: SyncHost, index: number): Promise<Answer<StateSyncDone>> {
  const lib = host.lib();
  if (lib === 0) return { error: "nothing final to sync from yet (LIB 0)" };
  const dropped = await host.shards()[index].drop();
  if ("error" in dropped) return dropped;
  const done = await syncOne(host, index, lib);
  if ("error" in done) return done;
  const stuck = await catchUp(host);
  if (stuck !== null) return { error: stuck };
  await host.shards()[index].finalize(lib, host.mainBlock(lib)?.hash);
  return done;
}

/**
 * Once per coordinator instance, before it produces or adopts anything: the shards with nothing under
 * a chain past genesis, or with an import a restart interrupted, are synced at one block (LIB, or the
 * block the interrupted imports started from while peers can still serve it); with LIB still 0 they
 * replay the few blocks instead. Then every shard behind our head catches up, in step. Only the
 * shards whose objects apply the chain (`applies`) are looked at: one status request each per start. Throws while it cannot be done (the next tick tries again).
 */
export async function syncEmptyShards(host: SyncHost, source: BlockSource = fetchBlocks): Promise<void> {
  if (host.peers.length === 0 || host.head().number === 0) return;
  const applies = host.applies();
  const shards = applies === null ? host.shards() : applies.map((i) => host.shards()[i]);
  const statuses = await Promise.all(shards.map((s) => s.status()));
  const empty = statuses.filter((st) => st.syncing !== undefined || st.head === 0);
  const lib = host.lib();
  if (empty.length > 0 && lib > 0) {
    const started = new Set(empty.map((st) => st.syncing?.height));
    const at = started.size === 1 ? [...started][0] : undefined;
    const height = at !== undefined && at >= lib - MAX_PROOF_DEPTH ? at : lib;
    for (const st of empty) {
      const fault = errorOf(await syncOne(host, st.shard, height));
      if (fault !== null) throw new Error(`shard ${st.shard} is empty and not synced yet: ${fault}`);
    }
  }
  if (statuses.some((st) => st.head < host.head().number)) {
    const stuck = await catchUp(host, source);
    if (stuck !== null) throw new Error(`shards behind the head: ${stuck}`);
    await Promise.all(shards.map((s) => s.finalize(lib, host.mainBlock(lib)?.hash)));
  }
}

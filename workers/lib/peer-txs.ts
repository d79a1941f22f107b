/**
 * Txs of shards this node's objects do not apply, through peers (docs/ARCHITECTURE.md "Reads through
 * peers"): /getTxByHash, /getTxReceiptByTxHash and complete blocks on a node holding part of the shards
 * or a producer of several groups. A peer sends a chunk's tx and receipt hashes and the txs asked
 * (`GET /p2p/tx?hash`, `GET /p2p/txs?shard&height`: ShardApi.chunkBody); src/block/chunk-body.ts checks
 * them against this node's own header of that height, which must be final here. A peer whose answer
 * does not check is passed over for the next; at most MAX_LOOKUP_PEERS are asked per lookup, so a
 * stranger's hash costs a bounded number of requests.
 */
import { isRpcError, type Json } from "../../durable-objects/api";
import { MAX_LOOKUP_PEERS, MAX_WITNESS_BYTES, PEER_TXS_TIMEOUT_MS, parsePeers } from "../../durable-objects/config";
import { peerJson } from "../../src/net/peer-json";
import { checkChunkBody, chunkFromPeers, type PeerAsk, type TxView } from "../../src/block/chunk-body";
import { type HeaderAt, joinedReceipts, type SettlesPart } from "../../src/sharding/joined";
import { receiptToJson } from "../../src/tx/view";
import type { Context } from "hono";
import type { AppEnv, Env } from "../env";
import { RpcFailure } from "./errors";
import { Quota, sourceOf } from "./quota";
import { chainInfoOf } from "../rpc/node";
import { appliedMask, coordinator, shard as shardObject } from "./nodes";
import { awaitsSettle, type CrossReceipt } from "../../src/sharding/receipts";

/**
 * Lookups through peers one client source may start per isolate: each costs up to MAX_LOOKUP_PEERS
 * requests counted against this node's own /p2p quota at its peers (p2p.ts P2P_QUOTA, 600 per 10 s),
 * which its block sync needs; a final answer is kept in the location's cache, so a client rereading
 * one does not count again.
 */
export const PEER_LOOKUP_QUOTA = new Quota("lookups through peers", 30, 10_000);

/** Counts one lookup through peers for the request's source, or refuses it once the source's quota is used up. */
export function takeLookup(c: Context<AppEnv>): void {
  const source = sourceOf((n) => c.req.header(n));
  if (!PEER_LOOKUP_QUOTA.take(source, Date.now()))
    throw new RpcFailure(`too many lookups through peers from ${source}: at most ${PEER_LOOKUP_QUOTA.limit} per ${PEER_LOOKUP_QUOTA.windowMs / 1000} s`);
}

/** A peer's answer to a tx it does not hold, as every node answers it: no reason to refuse the peer. */
const NOT_FOUND = "tx not found";

/** Our chain id (for the peers' X-Chain-Id check) and LIB, shared by the isolate's reads (chainInfoOf). */
async function chainOf(env: Env): Promise<{ chainId: number; lib: number }> {
  const info = (await chainInfoOf(env)) as { chain_id: number; lib_block: string };
  return { chainId: Number(info.chain_id), lib: Number(info.lib_block) };
}

/** GET `path` of `peer` (src/net/peer-json.ts: bounded like the coordinator's peer reads): its JSON body, or why none, naming the peer. */
async function askPeer(peer: string, chainId: number, path: string): Promise<{ body: unknown } | { error: string }> {
  const got = await peerJson(peer, chainId, path, "txs answer", { timeoutMs: PEER_TXS_TIMEOUT_MS, maxBytes: MAX_WITNESS_BYTES });
  return isRpcError(got) ? got : { body: got };
}

/** A checked view as the routes answer it: a plain copy, since Json has no room for the view's declared type. */
export function json(view: TxView): Json {
  return JSON.parse(JSON.stringify(view));
}

/** Our main block `n`'s header `info`, or null when we hold none there. */
async function infoAt(env: Env, n: number): Promise<string | null> {
  const got = await coordinator(env).getBlockByNumber(n);
  return isRpcError(got) ? null : (got.block as { orig_info: string }).orig_info;
}

/**
 * Why a peer's answer about tx `hash` is not taken, or its checked tx; `unknown`: it holds no such tx, or not in a
 * block final here, or settles its receipt joins are not final here yet; `unchecked`: its combined receipt needs its
 * home shard's state (src/sharding/joined.ts), as every peer's would.
 */
type PeerTx = { view: TxView; height: number } | { refused: string } | { unknown: true } | { unchecked: string };

async function txFrom(env: Env, peer: string, hash: string, chain: { chainId: number; lib: number }): Promise<PeerTx> {
  const answer = await askPeer(peer, chain.chainId, `/p2p/tx?hash=${encodeURIComponent(hash)}`);
  if ("error" in answer) return answer.error === `${peer}: ${NOT_FOUND}` ? { unknown: true } : { refused: answer.error };
  const got = answer.body;
  const { shard, height } = (got ?? {}) as { shard?: unknown; height?: unknown };
  if (typeof shard !== "number" || typeof height !== "number" || !Number.isSafeInteger(height)) return { refused: `${peer}: no shard and height` };
  // Not final here: our block at that height may still change, and a lie about a height above our head is no refusal either.
  if (height > chain.lib) return { unknown: true };
  const info = await infoAt(env, height);
  const checked = info === null ? `we hold no block ${height}` : checkChunkBody(info, shard, height, got, hash);
  if (typeof checked === "string") return { refused: `${peer}: ${checked}` };
  const shown = await joinedReceipts(shard, height, info!, checked.txs, await withOwnRuns(env, got), finalInfo(env, chain.lib));
  if ("refused" in shown) return { refused: `${peer}: ${shown.refused}` };
  if ("later" in shown) return { unknown: true };
  if ("unchecked" in shown) return shown;
  return { view: { ...checked.txs[0].view, tx_receipt: receiptToJson(shown.receipts.get(hash)!) }, height };
}

/**
 * A peer's checked chunk body with the runs of its joined txs' settles it gave none of, from this node's own objects
 * of the shards those went to: under shard groups a peer applying a tx's home may not apply the shard that settled it,
 * which this node may. One Shard call per such shard, no request; what they give is checked as a peer's.
 */
async function withOwnRuns(env: Env, body: unknown): Promise<SettlesPart> {
  const b = body as SettlesPart & { shard: number; height: number; tx_hashes: string[]; txs: { index: number; joined: boolean }[] };
  if (!Array.isArray(b.sent)) return b;
  const given = Array.isArray(b.settles) ? (b.settles as { shard?: unknown }[]) : [];
  const gave = new Set(given.map((r) => r?.shard));
  const joined = new Set(b.txs.filter((t) => t.joined).map((t) => b.tx_hashes[t.index]));
  const sent = b.sent.filter((r): r is CrossReceipt => typeof r === "object" && r !== null);
  const due = sent.filter((r) => joined.has(r.txHash) && awaitsSettle(r) && !gave.has(r.toShard));
  if (due.length === 0) return b;
  const mine = await appliedMask(env);
  const to = [...new Set(due.map((r) => r.toShard))].filter((t) => mine[t] === true);
  if (to.length === 0) return b;
  const ids = (t: number) => due.filter((r) => r.toShard === t).map((r) => r.id);
  const runs = await Promise.all(to.map((t) => shardObject(env, t).settleRuns(b.height, b.shard, ids(t))));
  return { ...b, settles: [...given, ...runs.flatMap((got, k) => (isRpcError(got) ? [] : got.map((r) => ({ shard: to[k], ...r }))))] };
}

/** Our final header `info` of a height (null above `lib`, or none held): what a settle's proof is checked against. */
function finalInfo(env: Env, lib: number): HeaderAt {
  return async (n) => (n > lib ? null : infoAt(env, n));
}

/**
 * Tx `hash` from the peers, checked: its view with its receipt (combined with its cross-shard settles as its home
 * shows it, src/sharding/joined.ts) and its block; null when every peer asked holds no such tx in a block final here;
 * else an error.
 */
export async function txFromPeers(env: Env, hash: string): Promise<{ view: TxView; height: number } | { error: string } | null> {
  const peers = parsePeers(env.PEERS).slice(0, MAX_LOOKUP_PEERS);
  if (peers.length === 0) return { error: `tx ${hash} is not on the shards this node applies, and it has no PEERS to ask` };
  const chain = await chainOf(env);
  const refused: string[] = [];
  for (const peer of peers) {
    const got = await txFrom(env, peer, hash, chain);
    if ("view" in got) return got;
    if ("unchecked" in got) return { error: uncheckedError(hash, got.unchecked) };
    if ("refused" in got) refused.push(got.refused);
  }
  if (refused.length === 0) return null;
  return { error: `tx ${hash} is not on the shards this node applies and no peer gave a verified answer: ${refused.join("; ")}` };
}

/** Why a tx whose combined receipt needs its home shard's state is not answered through peers. */
function uncheckedError(hash: string, why: string): string {
  return `tx ${hash}'s receipt joins cross-shard settles this node cannot check without its home shard (${why}): ask a node that applies it`;
}

/**
 * Shard `shard`'s txs of our block `height` (header `info`) from the peers, each with its receipt (combined as its
 * home shows it), as a shard's getChunk lists them; or why not. A chunk whose txs' settles are not all final here
 * is refused: a node with the shard shows it, its receipts not final yet.
 */
export async function chunkViaPeers(env: Env, shard: number, height: number, info: string): Promise<Json[] | { error: string }> {
  const chain = await chainOf(env);
  const ask: PeerAsk = (peer, path) => askPeer(peer, chain.chainId, path);
  const got = await chunkFromPeers(parsePeers(env.PEERS).slice(0, MAX_LOOKUP_PEERS), ask, shard, height, info, async (checked, body) =>
    joinedReceipts(shard, height, info, checked.txs, await withOwnRuns(env, body), finalInfo(env, chain.lib)),
  );
  if ("error" in got) return got;
  return got.txs.map((t) => json(t.view));
}

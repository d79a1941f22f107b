/**
 * Node-to-node routes (issue #7, docs/ARCHITECTURE.md "Between nodes"). Peers reach each other
 * through their edge Workers:
 * - POST /p2p/block: a PeerBlock (src/block/wire.ts) → the coordinator's
 *   receiveBlock; answers `{"result": "known"|"adopted"|"side"|"reorg"|"orphan"}`.
 * - GET /p2p/blocks?from=N&count=K: our main chain from N, K ≤ 50 blocks, each a
 *   PeerBlock (chunks and tx bytes from the shards): `{"blocks": [...]}`. From 0, the first is
 *   the genesis block, unsigned (what a node holding part of the shards takes the others' genesis
 *   chunks from); none from a node that holds part of the shards.
 * - GET /p2p/endorsements?from=N: the signed endorsements we hold of heights ≥ N,
 *   lowest first, at most MAX_BATCH: `{"endorsements": [...]}` (what a node back from
 *   a cut link or a restart asks for, chain-sync.ts `syncFromPeers`).
 * - GET /p2p/state?shard=S&height=H&after=K&limit=N: shard S's state at final block H in key
 *   order after key K ("" or absent: from the first), at most N (≤ 1000) rows and about 512 KiB,
 *   with the root it claims: `{shard, height, state_root, rows: [[key, value], …], next}`
 *   (`next`: the last key when more follow, else null). A snapshot sync's pages
 *   (durable-objects/shard/state-sync.ts); only for shards this node serves.
 * - GET /p2p/witness?shard=S&height=H[&chunk=C]: the state witness of shard S's chunk of H (the one whose id, chunk-sync.ts chunkId, is C) and what each
 *   shard's chunk of H - 1 sent it, proven: `{shard, height, witness, incoming}`, at most
 *   MAX_WITNESS_BYTES (durable-objects/coordinator/witness-check.ts); from MAX_PROOF_DEPTH below LIB to the head, only
 *   for shards this node serves, none on a node holding part of the shards.
 * - GET /p2p/sent?shard=S&from=F&height=H&to=A,B: what shard S's chunks of F … H (F absent: H alone;
 *   at most MAX_CARRY heights) sent to each of A, B, proven against their receipts roots:
 *   `{shard, from, height, sent: [SentProof, …]}`, height by height in `to` order, `height` the last
 *   one answered: as many from F as fit in MAX_WITNESS_BYTES (what a node that holds A and B but
 *   not S takes in, durable-objects/coordinator/holding.ts); only for shards this node serves.
 * - POST /p2p/chunk `{shard, height, time, parent_hash, witness, parent_witness, parent_time}`: shard
 *   S's chunk of that block, drafted on our head (its parent) and not stored, with its txs' full
 *   bytes, its state witness and what each shard's chunk of the height before sent S, proven:
 *   `{shard, height, chunk, txs: [base64, …], witness, incoming}`, or `{shard, height, empty: true}` when it
 *   would run nothing (no transaction drafted, no row billed); only with more than one group, for a shard in
 *   our producers' groups, a block its witness may make next (durable-objects/coordinator/group-chunks.ts);
 *   at most MAX_WITNESS_BYTES: the shard takes fewer pool txs into a draft past MAX_DRAFT_BYTES, a larger answer is refused.
 * - GET /p2p/status: `{chain_id, head, head_hash, head_time, lib, lib_hash, node_id, keys}`: `keys`, the node's
 *   producer keys (none: absent), whom a producer of another group asks first for a chunk (group-chunks.ts `askOrder`).
 * - POST /p2p/tx `{"tx": "<base64 full tx bytes>"}`: admitted as /sendTx, not
 *   forwarded again; refused when this node's objects do not apply its home shard.
 * - POST /p2p/pool `{"shard": S, "txs": [<base64 full tx bytes>, …]}` (1 to MAX_ADMIT_BATCH): a peer's
 *   pooled txs of shard S handed over before its rotation drops S (durable-objects/coordinator/
 *   rotation.ts `leave`), each checked as /p2p/tx, admitted in one call, never forwarded:
 *   `{"answers": [{"hash"} | {"error"}, …]}` in order; all refused when this node does not apply S.
 * - GET /p2p/tx?hash=H: the executed tx H as ShardApi.chunkBody gives it (`{shard, height, tx_hashes,
 *   receipt_hashes, txs: [{index, tx, receipt, joined, shown}], sent, in_flight}`) with the runs holding its
 *   settles (`settles`: ShardApi.settleRuns of the shards this node answers for), looked for on the
 *   shards this node serves and applies (the remembered one first), or "tx not found"; GET
 *   /p2p/txs?shard=S&height=N: every tx of that chunk, the runs only with `&settles=1` (raw blocks need
 *   none), at most MAX_WITNESS_BYTES. What a node without the shard checks against its headers
 *   (workers/lib/peer-txs.ts, src/sharding/joined.ts).
 * A request naming another chain (header X-Chain-Id) is refused.
 *
 * Mounted before the app's 512 KiB RPC body cap: a block of full chunks is
 * larger, so these routes have their own cap.
 *
 * The edge stops what it can before the coordinator sees it (issue 12 item 7):
 * a quota per source (workers/lib/quota.ts) on every /p2p route; a pushed
 * block must parse (shape, sizes, header over its chunks), be at most one
 * slot ahead of the clock, and carry a header hash and signature by its
 * witness, a producer of a list the coordinator knows (`p2pGate`, cached
 * GATE_MS). The coordinator checks again before it stores anything.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { base64Decode, base64Encode } from "../../src/codec/base64";
import { parsePeerBlock } from "../../src/block/wire";
import { MAX_CARRY, receiptHeights } from "../../src/sharding/placeholder";
import { incomingProofs, type SentProof } from "../../src/sharding/receipt-proof";
import type { Witness } from "../../src/state/witness";
import { aheadError, signedHeaderError } from "../../src/consensus/peer-block";
import { isRpcError, type Chunk, type ChunkBody, type P2pGate, type PeerDraft } from "../../durable-objects/api";
import { awaitsSettle } from "../../src/sharding/receipts";
import { MAX_ADMIT_BATCH, MAX_RANGE, MAX_STATE_ROWS, MAX_WITNESS_BYTES, parseGossipTo } from "../../durable-objects/config";
import type { AppEnv, Env } from "../env";
import { txShardOf } from "../lib/cache";
import { RpcFailure, unwrap } from "../lib/errors";
import { appliedMask, applies, coordinator, unappliedError, unreadyHere, shard, shardCount } from "../lib/nodes";
import { serves } from "../lib/peer-read";
import { holdsOf } from "../../durable-objects/config";
import { Quota } from "../lib/quota";
import { admitHanded, admitPeerTx } from "./intake";

/** A block of 1000 txs of up to 64 KiB, base64, per shard would be more; 8 MiB covers every block the gas cap allows. */
export const MAX_P2P_BODY_BYTES = 8 * 1024 * 1024;

/** Requests per source per window on /p2p/* (about 5 per second are a peer's share at two blocks a second). */
export const P2P_QUOTA = new Quota("/p2p", 600, 10_000);
/** Longest `after` key taken: longer than any state key a tx can write (a value and its key are capped at 1 MB together). */
const MAX_STATE_KEY = 65_536;
/** Room left in a /p2p/sent answer for what is around its proofs (`{shard, from, height, sent}` and the commas between heights). */
const SENT_ENVELOPE_BYTES = 1024;
/** How long (ms) the edge trusts its copy of the coordinator's gate. */
const GATE_MS = 1_000;

export const p2pRoutes = new Hono<AppEnv>();

p2pRoutes.use(
  "/p2p/*",
  bodyLimit({
    maxSize: MAX_P2P_BODY_BYTES,
    onError: () => {
      throw new RpcFailure(`request body too large: the limit is ${MAX_P2P_BODY_BYTES} bytes`);
    },
  }),
);

p2pRoutes.use("/p2p/*", P2P_QUOTA.middleware());

p2pRoutes.use("/p2p/*", async (c, next) => {
  const claimed = c.req.header("X-Chain-Id");
  const ours = c.env.CHAIN_ID;
  if (claimed !== undefined && ours !== undefined && ours !== "" && claimed.trim() !== ours) {
    throw new RpcFailure(`chain id mismatch: this node is on chain ${ours}, the request names ${claimed}`);
  }
  await next();
});

async function jsonBody(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RpcFailure(`invalid request body: ${(err as Error).message}`);
  }
}

/** Who sent a request, for logs: the peer's own X-Peer label, else its address. */
export function sender(h: (name: string) => string | undefined): string {
  return (h("X-Peer") ?? h("CF-Connecting-IP") ?? "unknown peer").slice(0, 200);
}

/** The sender's gossip headers (durable-objects/coordinator/peers.ts). */
export function origin(h: (name: string) => string | undefined): { node?: string; to: string[] } {
  const node = h("X-Node-Id")?.trim().slice(0, 64);
  return { ...(node ? { node } : {}), to: parseGossipTo(h("X-Gossip-To")) };
}

const gates = new WeakMap<object, { at: number; gate: P2pGate }>();

/** The coordinator's gate, at most GATE_MS old (one per coordinator binding, in this isolate). */
export async function gateOf(env: Env): Promise<P2pGate> {
  const now = Date.now();
  const cached = gates.get(env.COORDINATOR);
  if (cached && now - cached.at < GATE_MS) return cached.gate;
  const gate = await coordinator(env).p2pGate();
  gates.set(env.COORDINATOR, { at: now, gate });
  return gate;
}

p2pRoutes.post("/p2p/block", async (c) => {
  const body = await jsonBody(await c.req.text());
  const gate = await gateOf(c.env);
  const p = parsePeerBlock(body, gate.shardCount);
  if ("error" in p) throw new RpcFailure(p.error);
  const b = p.block;
  const refuse = (reason: string) => new RpcFailure(`rejected block ${b.number} ${b.hash}: ${reason}`);
  const early = aheadError(b, BigInt(Date.now()) * 1_000_000n, BigInt(gate.aheadMs) * 1_000_000n);
  if (early !== null) throw refuse(early);
  if (!gate.keys.includes(b.witness)) throw refuse(`witness ${b.witness} is not in the current, pending or irreversible witness list`);
  const bad = await signedHeaderError(b);
  if (bad !== null) throw refuse(bad);
  const h = (n: string) => c.req.header(n);
  return c.json(unwrap(await coordinator(c.env).receiveBlock(body, sender(h), origin(h))));
});

/** A query integer in [min, max], or `fallback` when absent. */
function intParam(text: string | undefined, name: string, min: number, max: number, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const n = Number(text);
  if (text === undefined || !/^[0-9]{1,15}$/.test(text) || n < min || n > max) {
    throw new RpcFailure(`invalid ${name} ${JSON.stringify(text ?? null)}: an integer from ${min} to ${max}`);
  }
  return n;
}

p2pRoutes.get("/p2p/blocks", async (c) => {
  const from = intParam(c.req.query("from"), "from", 0, Number.MAX_SAFE_INTEGER);
  const count = intParam(c.req.query("count"), "count", 1, MAX_RANGE, MAX_RANGE);
  const shard = c.req.query("shard");
  if (shard !== undefined) {
    const index = intParam(shard, "shard", 0, shardCount(c.env) - 1);
    return c.json({ blocks: await coordinator(c.env).shardChunks(from, count, index) });
  }
  return c.json({ blocks: await coordinator(c.env).peerBlocks(from, count) });
});

/**
 * Refuses a shard this node's objects do not apply (a producer of several groups: rotation dropped it,
 * or never made it after a leap): asked, an object never made would make its genesis.
 */
async function refuseUnapplied(env: Env, index: number): Promise<void> {
  if (!(await applies(env, index))) throw new RpcFailure(unappliedError(env, index));
}

p2pRoutes.get("/p2p/state", async (c) => {
  const index = intParam(c.req.query("shard"), "shard", 0, shardCount(c.env) - 1);
  const height = intParam(c.req.query("height"), "height", 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(c.req.query("limit"), "limit", 1, MAX_STATE_ROWS, MAX_STATE_ROWS);
  const after = c.req.query("after") ?? "";
  if (after.length > MAX_STATE_KEY) throw new RpcFailure(`invalid after: a state key of at most ${MAX_STATE_KEY} units`);
  if (!serves(c.env, index)) throw new RpcFailure(`shard ${index} is not served by this node`);
  await refuseUnapplied(c.env, index);
  return c.json(unwrap(await shard(c.env, index).statePage(height, after, limit)));
});

p2pRoutes.get("/p2p/witness", async (c) => {
  const count = shardCount(c.env);
  const index = intParam(c.req.query("shard"), "shard", 0, count - 1);
  const height = intParam(c.req.query("height"), "height", 1, Number.MAX_SAFE_INTEGER);
  const chunk = c.req.query("chunk");
  if (chunk !== undefined && !/^[0-9a-f]{64}$/.test(chunk)) throw new RpcFailure("invalid chunk: a chunk's id (64 hex digits)");
  if (!serves(c.env, index)) throw new RpcFailure(`shard ${index} is not served by this node`);
  // A witness carries every sender's receipts proof, which a node holding part of the shards does not have.
  if (holdsOf(c.env) !== null) throw new RpcFailure("this node holds part of the shards: it serves no witness");
  // A chunk after placeholders takes the receipts of every height from `from` (src/sharding/placeholder.ts); the checker knows which.
  const from = intParam(c.req.query("from") ?? String(height - 1), "from", Math.max(0, height - MAX_CARRY), Math.max(0, height - 1));
  // A shard our objects do not apply: the witness of a draft our own block took, which its builder serves only once it has the block.
  const drafted = async () => c.json({ shard: index, height, ...unwrap(await coordinator(c.env).draftWitness(index, height, chunk)) });
  if (!(await applies(c.env, index))) return drafted();
  const held = await shard(c.env, index).witnessOf(height, chunk);
  // Dropped since the edge last asked: its answer would name no chain; a draft our block took may still be kept.
  if (unreadyHere(held)) return drafted();
  const witness = unwrap(held);
  // What the chunk took in: each sender's chunk of those heights, proven against its receipts root.
  const senders = count === 1 || height === 1 ? [] : Array.from({ length: count }, (_, j) => j);
  const heights = receiptHeights(from, height);
  // The senders whose objects do not apply the chain here (a producer of several groups, or dropped since the edge asked): their proofs from peers, verified by the coordinator.
  const own = await Promise.all(senders.map((j) => applies(c.env, j)));
  const ours = await Promise.all(senders.map((j) => (own[j] ? shard(c.env, j).sentProofsOf(heights[0], height - 1, [index], MAX_WITNESS_BYTES) : null)));
  const away = senders.filter((j) => ours[j] === null || unreadyHere(ours[j]));
  const peered = away.length === 0 ? {} : unwrap(await coordinator(c.env).sentFromPeers(height, index));
  const bySender = senders.map((j) => (away.includes(j) ? (peered[j] ?? { error: `no peer proved shard ${j}'s receipts` }) : ours[j]!));
  const incoming = senders.length === 0 ? [] : unwrap(incomingProofs(bySender, heights.length, index));
  const body = JSON.stringify({ shard: index, height, witness, incoming });
  const bytes = new TextEncoder().encode(body).byteLength;
  if (bytes > MAX_WITNESS_BYTES) throw new RpcFailure(`the witness of chunk ${index}/${height} is ${bytes} bytes, above the cap of ${MAX_WITNESS_BYTES}`);
  return c.body(body, 200, { "Content-Type": "application/json" });
});

p2pRoutes.get("/p2p/sent", async (c) => {
  const count = shardCount(c.env);
  const index = intParam(c.req.query("shard"), "shard", 0, count - 1);
  const height = intParam(c.req.query("height"), "height", 1, Number.MAX_SAFE_INTEGER);
  // The heights a chunk after placeholders takes receipts from (src/sharding/placeholder.ts): at most MAX_CARRY.
  const from = intParam(c.req.query("from") ?? String(height), "from", Math.max(1, height + 1 - MAX_CARRY), height);
  const to = (c.req.query("to") ?? "").split(",");
  if (to.length > count || to.some((t) => !/^(0|[1-9][0-9]{0,5})$/.test(t) || Number(t) >= count)) {
    throw new RpcFailure(`invalid to: shard indexes below ${count}, comma-separated`);
  }
  if (!serves(c.env, index)) throw new RpcFailure(`shard ${index} is not served by this node`);
  await refuseUnapplied(c.env, index);
  const runs = unwrap(await shard(c.env, index).sentProofsOf(from, height, to.map(Number), MAX_WITNESS_BYTES - SENT_ENVELOPE_BYTES));
  return c.json({ shard: index, from, height: from + runs.length - 1, sent: runs.flat() });
});

p2pRoutes.post("/p2p/chunk", async (c) => {
  const b = (await jsonBody(await c.req.text())) as Record<string, unknown> | null;
  const index = b?.shard;
  const height = b?.height;
  const texts = ["time", "parent_hash", "witness", "parent_witness", "parent_time"].map((k) => b?.[k]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(height) || (height as number) < 1 || texts.some((t) => typeof t !== "string" || t.length > 128)) {
    throw new RpcFailure("invalid request body: expected {shard, height, time, parent_hash, witness, parent_witness, parent_time}");
  }
  if (!serves(c.env, index as number)) throw new RpcFailure(`shard ${String(index)} is not served by this node`);
  const [time, parentHash, witness, parentWitness, parentTime] = texts as string[];
  const ctx = { height: height as number, time, parentHash, witness, parentWitness, parentTime };
  const draft = unwrap(await coordinator(c.env).chunkFor(index as number, ctx));
  const body = JSON.stringify(draftJson(index as number, ctx.height, draft));
  // The draft's own part is at most MAX_DRAFT_BYTES (Shard.draftChunk); the proofs of the receipts it took in may still pass the cap.
  const bytes = new TextEncoder().encode(body).byteLength;
  if (bytes > MAX_WITNESS_BYTES)
    throw new RpcFailure(`the draft of chunk ${String(index)}/${ctx.height} is ${bytes} bytes, above the cap of ${MAX_WITNESS_BYTES}`);
  return c.body(body, 200, { "Content-Type": "application/json" });
});

p2pRoutes.get("/p2p/endorsements", async (c) => {
  const from = intParam(c.req.query("from"), "from", 1, Number.MAX_SAFE_INTEGER);
  return c.json({ endorsements: await coordinator(c.env).peerEndorsements(from) });
});

p2pRoutes.get("/p2p/status", async (c) => c.json({ ...(await coordinator(c.env).p2pStatus()), node_id: (await gateOf(c.env)).nodeId }));

p2pRoutes.post("/p2p/tx", async (c) => {
  const body = (await jsonBody(await c.req.text())) as { tx?: unknown } | null;
  if (typeof body?.tx !== "string" || body.tx === "") throw new RpcFailure('invalid request body: expected {"tx": "<base64 full tx bytes>"}');
  return c.json({ hash: await admitPeerTx(c, txBytesOf(body.tx)) });
});

/** One canonical base64 tx of a peer's body, its bytes. */
function txBytesOf(text: unknown): Uint8Array {
  if (typeof text !== "string" || text === "") throw new RpcFailure("invalid tx: expected base64 full tx bytes");
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(text);
  } catch (err) {
    throw new RpcFailure(`invalid tx: ${(err as Error).message}`);
  }
  if (base64Encode(bytes) !== text) throw new RpcFailure("invalid tx: not canonical base64");
  return bytes;
}

p2pRoutes.post("/p2p/pool", async (c) => {
  const body = (await jsonBody(await c.req.text())) as { shard?: unknown; txs?: unknown } | null;
  const home = body?.shard;
  const txs = body?.txs;
  if (
    typeof home !== "number" ||
    !Number.isInteger(home) ||
    home < 0 ||
    home >= shardCount(c.env) ||
    !Array.isArray(txs) ||
    txs.length < 1 ||
    txs.length > MAX_ADMIT_BATCH
  )
    throw new RpcFailure(`invalid request body: expected {"shard": <index>, "txs": [1 to ${MAX_ADMIT_BATCH} base64 full tx bytes]}`);
  return c.json({ answers: await admitHanded(c, home, txs.map(txBytesOf)) });
});

/** The shards whose txs this node answers a peer for: those it serves and its objects apply (a peer's lookup never hops on). */
async function answering(env: Env): Promise<number[]> {
  return (await appliedMask(env)).flatMap((on, i) => (on && serves(env, i) ? [i] : []));
}

p2pRoutes.get("/p2p/tx", async (c) => {
  const hash = c.req.query("hash") ?? "";
  if (!/^[1-9A-HJ-NP-Za-km-z]{1,64}$/.test(hash)) throw new RpcFailure(`invalid hash ${JSON.stringify(hash.slice(0, 80))}: a base58 tx hash`);
  const shards = await answering(c.env);
  // The shard this edge learnt the tx on first (one object call), else each it answers for once.
  const hinted = shardCount(c.env) > 1 ? await txShardOf(c, hash) : null;
  const order = hinted !== null && shards.includes(hinted) ? [hinted] : [];
  for (const group of [order, shards.filter((i) => !order.includes(i))]) {
    const answers = await Promise.all(group.map((i) => shard(c.env, i).chunkBody({ hash })));
    const found = answers.find((a): a is ChunkBody => !isRpcError(a));
    if (found !== undefined) return c.json(await withSettles(c.env, found, shards));
  }
  throw new RpcFailure("tx not found");
});

/**
 * `body` with the runs holding the settles its joined txs await (src/sharding/joined.ts), asked of each shard they went
 * to that this node answers for (`shards`), one call each; a shard it does not answer for gives none (the asker says
 * which settle is missing).
 */
async function withSettles(env: Env, body: ChunkBody, shards: readonly number[]): Promise<ChunkBody> {
  const joined = new Set(body.txs.filter((t) => t.joined).map((t) => body.tx_hashes[t.index]));
  const due = (body.sent ?? []).filter((r) => joined.has(r.txHash) && awaitsSettle(r));
  const to = [...new Set(due.map((r) => r.toShard))].filter((t) => shards.includes(t));
  if (to.length === 0) return body;
  const runs = await Promise.all(
    to.map((t) =>
      shard(env, t).settleRuns(
        body.height,
        body.shard,
        due.filter((r) => r.toShard === t).map((r) => r.id),
      ),
    ),
  );
  return { ...body, settles: runs.flatMap((got, k) => (isRpcError(got) ? [] : got.map((r) => ({ shard: to[k], ...r })))) };
}

p2pRoutes.get("/p2p/txs", async (c) => {
  const index = intParam(c.req.query("shard"), "shard", 0, shardCount(c.env) - 1);
  const height = intParam(c.req.query("height"), "height", 0, Number.MAX_SAFE_INTEGER);
  const shards = await answering(c.env);
  if (!shards.includes(index)) throw new RpcFailure(`shard ${index} is not applied by this node`);
  const body = unwrap(await shard(c.env, index).chunkBody({ height }));
  const text = JSON.stringify(c.req.query("settles") === "1" ? await withSettles(c.env, body, shards) : body);
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_WITNESS_BYTES) throw new RpcFailure(`the txs of chunk ${index}/${height} are ${bytes} bytes, above the cap of ${MAX_WITNESS_BYTES}`);
  return c.body(text, 200, { "Content-Type": "application/json" });
});

/** A draft of shard `shard`'s chunk of `height` as /p2p/chunk answers it. */
function draftJson(
  shard: number,
  height: number,
  d: PeerDraft,
): { shard: number; height: number } & ({ chunk: Chunk; txs: string[]; witness: Witness; incoming: SentProof[] } | { empty: true }) {
  return "empty" in d
    ? { shard, height, empty: true }
    : { shard, height, chunk: d.chunk, txs: d.txs.map((t) => base64Encode(t)), witness: d.witness, incoming: d.incoming };
}

/**
 * Tx intake: POST /sendTx, and POST /execTx in dev mode. Everything that can be
 * checked without state is checked here, before the tx reaches a shard, in
 * go-iost's order: lossless parse → CheckBadTx → pool time window → VerifySelf
 * (chain id, times, size, gas bounds, signatures through WebCrypto Ed25519;
 * errors prefixed "VerifyError " as the Go pool does) → hash → the publisher's
 * home shard, which admits it to its pool (duplicates, time window on its own
 * clock, publisher gas, pool size).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { parsePeers, productionMode, PUSH_TIMEOUT_MS } from "../../durable-objects/config";
import { base64Encode } from "../../src/codec/base64";
import { base58Encode } from "../../src/codec/base58";
import { loadSha3, sha3 } from "../../src/crypto/sha3";
import { admitTx, checkBadTx, decodeTx, parseTxRequest, replayKey, TxError, txEncoding, type Tx, type TxEncoding } from "../../src/tx";
import type { AppEnv, Env } from "../env";
import { CODE_INVALID_ARGUMENT, RpcFailure, unwrap } from "../lib/errors";
import { rememberTxShard } from "../lib/cache";
import { applies, coordinator, homeShard, shard, shardCount, unappliedError } from "../lib/nodes";
import { objectWait, peerFetches } from "../lib/usage";
import { admitBatched } from "../lib/admission";
import type { Admitted, Answer, Submitted } from "../../durable-objects/api";
import { shardOf } from "../../src/sharding/placement";
import { chainInfoOf } from "./node";
import { cappedText } from "../../src/net/peer-json";

export const intakeRoutes = new Hono<AppEnv>();

/** Most bytes of a peer's answer to a handed-over tx read: `{hash}` or a refusal's message, far below it; a stranger's longer body is not. */
const MAX_HANDOVER_ANSWER_BYTES = 64 * 1024;

let cachedChainId: number | undefined;

/** The chain id txs must carry: env CHAIN_ID, else what the coordinator says. */
async function chainIdOf(env: Env): Promise<number> {
  if (env.CHAIN_ID !== undefined && env.CHAIN_ID !== "") return Number(env.CHAIN_ID);
  if (cachedChainId === undefined) {
    const info = (await chainInfoOf(env)) as { chain_id?: number };
    cachedChainId = Number(info.chain_id);
  }
  return cachedChainId;
}

/**
 * Runs a tx check, turning TxError (IOST's message) into the RPC envelope: code 3
 * for a body that is not a TransactionRequest (src/tx marks it so, as grpc-gateway
 * answers it), code 2 for a tx IOST refuses.
 */
async function step<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TxError) {
      // code 3: the body could not be decoded as a TransactionRequest at all.
      throw err.code === 3 ? new RpcFailure(`invalid request body: ${err.message}`, CODE_INVALID_ARGUMENT) : new RpcFailure(err.message);
    }
    throw err;
  }
}

interface Checked {
  tx: Tx;
  bytes: Uint8Array;
  hash: string;
  /** Its replay key (src/tx replayKey). */
  key: string;
}

/** A checked tx's bytes, id and replay key, all of its one encoding (what VerifySelf measured and hashed). */
function checkedOf(tx: Tx, encoding: TxEncoding): Checked {
  return { tx, bytes: encoding.full, hash: base58Encode(sha3(encoding.full)), key: replayKey(tx, encoding.publish) };
}

/** What the shard admits of a checked tx: its bytes, id and replay key, computed here so the shard's one thread does not (api.ts `Submitted`). */
function submitted({ bytes, hash, key }: Checked): Submitted {
  return { bytes, hash, key };
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

async function parseAndCheck(text: string, env: Env, admit: boolean): Promise<Checked> {
  if (text.trim() === "") throw new RpcFailure("invalid request body: empty");
  await loadSha3(); // the checks below hash the tx four times: the wasm permutation once loaded (src/crypto/sha3.ts)
  const tx = await step(() => parseTxRequest(text));
  await step(() => checkBadTx(tx));
  if (!admit) return checkedOf(tx, txEncoding(tx));
  const chainId = await chainIdOf(env);
  return checkedOf(tx, await step(() => admitTx(tx, { chainId, now: nowNs() })));
}

let lastWake = -Infinity;

/**
 * Whether this tx should wake the coordinator. In "on-demand" (the default)
 * and "on-tx" modes a resting chain must start for the first tx its shard's
 * pool takes (`first`: the pool was empty). A later one finds the coordinator
 * armed: after a block it always looks at the pools again (Shard.hasWork) and
 * rests only when they are empty, so a tx that finds its pool non-empty is
 * either seen by that look or came before the wake of the tx already there.
 * So a burst costs one wake per shard, not one per tx. In "manual" mode only /dev/mine produces. In "interval" mode the
 * chain ticks by itself, so one wake per isolate every few seconds only covers
 * a coordinator that never started.
 */
function shouldWake(env: Env, first: boolean): boolean {
  const mode = productionMode(env);
  if (mode !== "interval") return mode !== "manual" && first;
  const now = Date.now();
  if (now - lastWake < 5_000) return false;
  lastWake = now;
  return true;
}

/**
 * One admission call of `txs` on shard `at` (at most MAX_ADMIT_BATCH), then the coordinator's wake as
 * the mode wants, once per call. In that order: a wake that overtook the admission could find the
 * pools empty and let the chain rest with the tx in one. The edge remembers the shard for the txs'
 * lookups (lib/cache.ts) when there is more than one.
 */
async function admitOn(c: Context<AppEnv>, at: number, txs: Submitted[]): Promise<Admitted> {
  const env = c.env;
  const r = unwrap(await shard(env, at).submitTxs(txs));
  if (shouldWake(env, r.first)) await coordinator(env).wake(true);
  // With one shard a lookup asks it anyway: remembering would only cost a cache write per tx.
  if (shardCount(env) > 1) await Promise.all(r.answers.flatMap((a) => ("error" in a ? [] : [rememberTxShard(c, a.hash, at)])));
  return r;
}

/** Pool admission of a checked tx on its publisher's home shard, in one call with the concurrent ones (lib/admission.ts). */
async function submit(c: Context<AppEnv>, checked: Checked): Promise<void> {
  const env = c.env;
  const at = shardOf(checked.tx.publisher, shardCount(env));
  // The batch carries other requests' txs: it runs to its end even if this request is cancelled.
  const keep = (work: Promise<unknown>) => {
    try {
      c.executionCtx.waitUntil(work.catch(() => {}));
    } catch {
      // no execution context (app.request in tests): the request awaits it anyway
    }
  };
  unwrap(
    await objectWait(
      env,
      admitBatched(env.SHARD, at, submitted(checked), (txs) => admitOn(c, at, txs), keep),
    ),
  );
}

/**
 * Sends an admitted tx on to the peer nodes (issue #7), after the answer: the
 * scheduled producer may be another node. Txs that came from a peer are not
 * sent on again (every node forwards only its own clients' txs, so no loops).
 */
function forward(c: Context<AppEnv>, bytes: Uint8Array): void {
  const peers = parsePeers(c.env.PEERS);
  if (peers.length === 0) return;
  const body = JSON.stringify({ tx: base64Encode(bytes) });
  // Best effort: a peer that is down, slow or refusing is simply not heard from.
  // The answers say nothing we use: dropped unread, whatever a peer sends.
  const task = Promise.allSettled(peers.map((p) => postTx(p, body).then((r) => r.body?.cancel())));
  peerFetches(c.env, peers.length);
  try {
    c.executionCtx.waitUntil(task);
  } catch {
    void task; // no execution context (app.request in tests): it runs on its own
  }
}

/** POST <peer>/p2p/tx with `body` (`{"tx": <base64 full bytes>}`), at most PUSH_TIMEOUT_MS. */
function postTx(peer: string, body: string): Promise<Response> {
  return fetch(`${peer}/p2p/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
}

/**
 * A tx whose home shard this node does not hold (workers/lib/nodes.ts `applies`): handed to every
 * peer at once, answered once one of them admitted it to its pool; else the peers' refusals.
 */
async function handOver(c: Context<AppEnv>, { bytes, hash }: Checked, home: number): Promise<void> {
  const peers = parsePeers(c.env.PEERS);
  const body = JSON.stringify({ tx: base64Encode(bytes) });
  peerFetches(c.env, peers.length);
  const answers = await Promise.all(
    peers.map(async (p): Promise<string | null> => {
      try {
        const r = await postTx(p, body);
        const text = await cappedText(r, MAX_HANDOVER_ANSWER_BYTES);
        if (text === null) return `${p}: its answer is above ${MAX_HANDOVER_ANSWER_BYTES} bytes`;
        const j = JSON.parse(text) as { hash?: unknown; message?: unknown } | null;
        if (r.ok && j?.hash === hash) return null;
        return `${p}: ${typeof j?.message === "string" ? j.message : `HTTP ${r.status}`}`;
      } catch (err) {
        return `${p}: ${(err as Error).message}`;
      }
    }),
  );
  if (answers.some((a) => a === null)) return;
  throw new RpcFailure(`shard ${home} is not held by this node and no peer took the tx: ${peers.length === 0 ? "no peers" : answers.join("; ")}`);
}

intakeRoutes.post("/sendTx", async (c) => {
  const checked = await parseAndCheck(await c.req.text(), c.env, true);
  const home = shardOf(checked.tx.publisher, shardCount(c.env));
  if (!(await applies(c.env, home))) {
    await handOver(c, checked, home);
    return c.json({ hash: checked.hash, pre_tx_receipt: null });
  }
  await submit(c, checked);
  forward(c, checked.bytes);
  return c.json({ hash: checked.hash, pre_tx_receipt: null });
});

/** A peer's tx bytes decoded and checked as /sendTx checks a tx (no pool yet). */
async function checkPeerTx(env: Env, bytes: Uint8Array): Promise<Checked> {
  await loadSha3();
  const tx = await step(() => {
    try {
      return decodeTx(bytes);
    } catch (err) {
      throw new RpcFailure(`invalid tx bytes: ${(err as Error).message}`);
    }
  });
  await step(() => checkBadTx(tx));
  return checkedOf(tx, await step(async () => admitTx(tx, { chainId: await chainIdOf(env), now: nowNs() })));
}

/**
 * A tx a peer forwarded (POST /p2p/tx, full tx bytes): the same checks and admission as /sendTx,
 * and no forwarding. Refused when this node's objects do not apply its home shard: a pool there
 * would build no chunk of it (the forwarder sent it to every peer, and the node that took it from its
 * client pooled it itself or handed it over only once a peer applying the shard admitted it).
 * Answers its hash.
 */
export async function admitPeerTx(c: Context<AppEnv>, bytes: Uint8Array): Promise<string> {
  const checked = await checkPeerTx(c.env, bytes);
  const home = shardOf(checked.tx.publisher, shardCount(c.env));
  if (!(await applies(c.env, home))) throw new RpcFailure(unappliedError(c.env, home));
  await submit(c, checked);
  return checked.hash;
}

/**
 * Txs of shard `home` a peer's rotation hands over before it drops the shard (POST /p2p/pool, at most
 * MAX_ADMIT_BATCH): each checked as /p2p/tx checks one, those passing admitted in one call, none
 * forwarded again. One answer per tx, in order; all refused when this node does not apply `home`
 * (its pool would be no better than the peer's).
 */
export async function admitHanded(c: Context<AppEnv>, home: number, txs: Uint8Array[]): Promise<Answer<{ hash: string }>[]> {
  if (!(await applies(c.env, home))) return txs.map(() => ({ error: unappliedError(c.env, home) }));
  const checked = await Promise.all(
    txs.map(async (bytes): Promise<Answer<Checked>> => {
      try {
        const k = await checkPeerTx(c.env, bytes);
        return shardOf(k.tx.publisher, shardCount(c.env)) === home ? k : { error: `tx ${k.hash} is not of shard ${home}` };
      } catch (err) {
        return { error: (err as Error).message };
      }
    }),
  );
  const passed = checked.flatMap((k) => ("error" in k ? [] : [submitted(k)]));
  const admitted = passed.length === 0 ? [] : (await objectWait(c.env, admitOn(c, home, passed))).answers;
  let next = 0;
  return checked.map((k) => ("error" in k ? k : admitted[next++]));
}

/**
 * Dry run on head state (go-iost ExecTransaction; enabled by rpc.exectx there,
 * DEV here). As in Go, no pool admission: signatures and times are not required.
 */
intakeRoutes.post("/execTx", async (c) => {
  if (c.env.DEV !== "true") throw new RpcFailure("the node has't enabled this method");
  const { tx, bytes, hash } = await parseAndCheck(await c.req.text(), c.env, false);
  const home = homeShard(c.env, tx.publisher);
  // On N shards the home runs it as one shard would, asking for the records of other shards it read: a round each.
  const fetched: [string, string | null][] = [];
  for (let round = 0; round < DRY_ROUNDS; round++) {
    const answer = unwrap(await home.execTx(bytes, hash, fetched)) as { missed?: [number, string[]][] };
    if (answer.missed === undefined) return c.json(answer);
    const more = await Promise.all(answer.missed.map(async ([s, keys]) => unwrap(await shard(c.env, s).stateValues(keys))));
    fetched.push(...more.flat());
    if (fetched.length > DRY_KEYS) break;
  }
  throw new RpcFailure(`execTx: the tx reads more records of other shards than a dry run fetches (${DRY_ROUNDS} rounds, ${DRY_KEYS} records)`);
});

/** A dry run's rounds of records of other shards, and their total: a tx reads a few, each round finds what its last value led to. */
const DRY_ROUNDS = 16;
const DRY_KEYS = 1024;

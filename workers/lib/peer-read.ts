/**
 * Reads of shards this node does not serve (SERVES; docs/ARCHITECTURE.md "Reads through peers"):
 * the read of src/query/reads.ts runs here, at the edge, over the state values a peer proves, each
 * checked with verifyProof against the shard's state root in this node's own header of its LIB.
 * A read may find which keys it needs only as it goes (a balance's token definition, an account's
 * permissions), so it runs in rounds: every key it reads that is not proven yet is asked for in one
 * /getProofs request, then it runs again, until a run reads only proven keys. A peer whose answer
 * does not verify (forged value, another block or root, a wrong proof) is refused and the next one
 * tried; when none is left the read fails with every peer's reason. Nothing a peer says but the
 * proven values is used: the root and the block's time come from this node's header.
 */
import type { Answer, Json, StateProofs } from "../../durable-objects/api";
import { isRpcError } from "../../durable-objects/api";
import { MAX_READS, MAX_WITNESS_BYTES, parsePeers, parseServes } from "../../durable-objects/config";
import { peerJson } from "../../src/net/peer-json";
import { namesBlock, reads, type ReadArgs, type ReadName } from "../../src/query/reads";
import { verifyProof } from "../../src/state/proof";
import { State } from "../../src/state/state";
import type { Env } from "../env";
import { chainInfoOf } from "../rpc/node";
import { HEAD_MEMO_MS, memoOwner } from "./cache";
import { applies, coordinator, unreadyHere, shard, shardCount } from "./nodes";

type ReadTable = { [K in ReadName]: (s: State, time: bigint, ...a: ReadArgs<K>) => unknown };

/** How long (ms) a peer may take to prove a batch of keys. */
export const PEER_READ_TIMEOUT_MS = 5_000;
/** Most /getProofs rounds of one read: a read whose keys depend on values it read needs one per step (getAccount: 2). */
const MAX_ROUNDS = 6;

/** Whether this node answers reads of shard `index` from its own objects (SERVES). */
export function serves(env: Env, index: number): boolean {
  return parseServes(env.SERVES, shardCount(env)).includes(index);
}

/**
 * The read `name` of shard `index`: from its object when this node serves it and the object applies
 * the chain, else verified through a peer. An object dropped since the edge last asked (rotation)
 * says so, and the read goes to a peer.
 */
export async function readAt<K extends ReadName>(env: Env, index: number, name: K, ...args: ReadArgs<K>): Promise<Answer<Json>> {
  if (serves(env, index) && (await applies(env, index))) {
    const own = await shard(env, index).read(name, ...args);
    if (!unreadyHere(own)) return own;
  }
  return peerRead(env, index, name, args);
}

/** This node's LIB block as the check needs it: its number, hash, time (ns) and the shards' state roots. */
interface Final {
  number: number;
  hash: string;
  time: bigint;
  roots: Map<number, string>;
}

/** Block `block` (getBlockByNumber's JSON) as the check needs it. */
function finalOf(block: { number: string; hash: string; time: string; orig_info: string }): Final {
  const chunks = (JSON.parse(block.orig_info) as { chunks: { shard: number; state_root: string }[] }).chunks;
  return { number: Number(block.number), hash: block.hash, time: BigInt(block.time), roots: new Map(chunks.map((c) => [c.shard, c.state_root])) };
}

/**
 * This node's LIB block, its number from the chain info /getChainInfo answers from (one memo): a read
 * through a peer is then never labelled below the LIB a client was just shown (a memo of its own,
 * loaded at another moment, lagged it by a block).
 */
async function finalBlock(env: Env): Promise<Final> {
  const n = Number(((await chainInfoOf(env)) as { lib_block: string }).lib_block);
  const got = await heldBlock(libSlot, env, n);
  if (got === null) throw new Error(`no final block here: block ${n} not found`);
  return got;
}

/** How `prove` begins a refusal of an answer at the peer's LIB that it was not asked for at ours: it is asked again there. */
const AGAIN = "its LIB";

type Slots = WeakMap<object, { n: number; at: number; value: Promise<Final | null> }>;
/**
 * Per isolate, the last block each use loaded (our LIB; the peers' LIB above it): one slot each, as
 * the LIB moves on (a memo key per block would grow without end), kept HEAD_MEMO_MS as a dev revert
 * may replace a block.
 */
const libSlot: Slots = new WeakMap();
const peerSlot: Slots = new WeakMap();

/** Our main block `n`, shared by the isolate's reads for HEAD_MEMO_MS; null when we hold none there. */
function heldBlock(slots: Slots, env: Env, n: number): Promise<Final | null> {
  const owner = memoOwner(env);
  const now = Date.now();
  const held = slots.get(owner);
  if (held !== undefined && held.n === n && now - held.at < HEAD_MEMO_MS) return held.value;
  const value = coordinator(env)
    .getBlockByNumber(n)
    .then((got) => (isRpcError(got) ? null : finalOf(got.block as Parameters<typeof finalOf>[0])));
  const entry = { n, at: now, value };
  slots.set(owner, entry);
  value.catch(() => {
    if (slots.get(owner) === entry) slots.delete(owner);
  });
  return value;
}

/**
 * The proven values of `keys` from `peer` at `height` (undefined: at the peer's LIB, where `final`
 * gives our block of that number, null when we do not take it), with that block; or why its answer is refused.
 */
async function prove(
  peer: string,
  chainId: number,
  index: number,
  keys: string[],
  height: number | undefined,
  final: (n: number) => Promise<Final | null>,
): Promise<{ at: Final; values: Map<string, string | null> } | string> {
  const body = await peerJson(peer, chainId, "/getProofs", "proofs answer", {
    post: JSON.stringify({ shard: index, keys, ...(height === undefined ? {} : { height }) }),
    timeoutMs: PEER_READ_TIMEOUT_MS,
    maxBytes: MAX_WITNESS_BYTES,
  });
  // peerJson names the peer, as peerRead does with every reason.
  if (isRpcError(body)) return body.error.slice(`${peer}: `.length);
  const p = (body ?? {}) as Partial<StateProofs>;
  const n = Number(p.block_number);
  if (p.shard !== index || !Number.isSafeInteger(n) || (height !== undefined && n !== height))
    return `it proved shard ${p.shard} at block ${p.block_number}, not shard ${index}${height === undefined ? "" : ` at ${height}`}`;
  const at = await final(n);
  const root = at?.roots.get(index);
  // Asked at its LIB: a block we hold none of (above our head, below our LIB) or another one there (a fork of ours) is no refusal yet (`AGAIN`).
  if (at === null) return `${AGAIN} ${n} is not a block of ours at or above our LIB`;
  if (root === undefined || p.state_root !== root)
    return `${height === undefined ? `${AGAIN}: ` : ""}root ${p.state_root} is not shard ${index}'s ${root} in block ${at.number}`;
  if (!Array.isArray(p.proofs) || p.proofs.length !== keys.length) return "it did not prove every key asked";
  const values = new Map<string, string | null>();
  for (const [i, e] of p.proofs.entries()) {
    const value = e?.value;
    if (e?.key !== keys[i] || (value !== null && typeof value !== "string") || !verifyProof(root, keys[i], value, e.proof))
      return `the proof of ${keys[i]} does not verify`;
    values.set(keys[i], value);
  }
  return { at, values };
}

/** Runs the read over the proven values; the keys it read that are not proven yet, or its answer. */
function attempt<K extends ReadName>(
  name: K,
  args: ReadArgs<K>,
  known: ReadonlyMap<string, string | null>,
  time: bigint,
): { missing: string[] } | { answer: Json } {
  const missing = new Set<string>();
  const store = {
    get(key: string): string | undefined {
      if (!known.has(key)) missing.add(key);
      return known.get(key) ?? undefined;
    },
    put() {
      throw new Error("a read wrote state");
    },
    del() {
      throw new Error("a read wrote state");
    },
  };
  const read = (reads as ReadTable)[name];
  try {
    const answer = read(new State(store), time, ...args);
    return missing.size > 0 ? { missing: [...missing] } : { answer: JSON.parse(JSON.stringify(answer ?? null)) as Json };
  } catch (err) {
    // A run on absent stand-ins for unproven keys may fail where the real state would not.
    if (missing.size > 0) return { missing: [...missing] };
    throw err;
  }
}

async function peerRead<K extends ReadName>(env: Env, index: number, name: K, args: ReadArgs<K>): Promise<Answer<Json>> {
  const peers = parsePeers(env.PEERS);
  const lib = await finalBlock(env);
  const chainId = Number(((await chainInfoOf(env)) as { chain_id: number }).chain_id);
  // At the peer's LIB when our main chain holds that block at or above ours: our LIB may lag the
  // others' (an endorsement missed while the chain rests: nothing carries it on until the next
  // content), and a read at it would then show a state older than every other node's until the
  // heartbeat. Else at our LIB, which the peer may prove too.
  const final = async (n: number) => (n === lib.number ? lib : n < lib.number ? null : heldBlock(peerSlot, env, n));
  let at = lib;
  const known = new Map<string, string | null>();
  const refused: string[] = [];
  for (const peer of peers) {
    let why: string | null = null;
    let height: number | undefined;
    for (let round = 0; round < MAX_ROUNDS && why === null; round++) {
      const run = attempt(name, args, height === undefined ? new Map() : known, at.time);
      if ("answer" in run) {
        const answer = run.answer;
        // As the shard labels a storage read: the block it reflects, here one final on this node or the peer.
        if (namesBlock.has(name) && typeof answer === "object" && answer !== null && !Array.isArray(answer)) {
          return { ...answer, block_hash: at.hash, block_number: String(at.number) };
        }
        return answer;
      }
      for (let i = 0; i < run.missing.length && why === null; i += MAX_READS) {
        const keys = run.missing.slice(i, i + MAX_READS);
        let got = await prove(peer, chainId, index, keys, height, final);
        if (typeof got === "string" && height === undefined && got.startsWith(AGAIN)) got = await prove(peer, chainId, index, keys, lib.number, final);
        if (typeof got === "string") why = got;
        else {
          // Values of another block than those proven before (another peer's LIB) never mix with them.
          if (got.at.number !== at.number) known.clear();
          at = got.at;
          height = at.number;
          for (const [k, v] of got.values) known.set(k, v);
        }
      }
    }
    refused.push(`${peer}: ${why ?? `still missing keys after ${MAX_ROUNDS} rounds`}`);
  }
  return {
    error: `shard ${index} is not served by this node and no peer gave a verified answer${refused.length === 0 ? " (no PEERS)" : `: ${refused.join("; ")}`}`,
  };
}

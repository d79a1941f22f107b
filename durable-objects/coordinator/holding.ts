/**
 * A node that holds part of the shards (NodeConfig `holds`: no producer key, SERVES naming some
 * shards, more than one group; docs/VALIDATOR.md "Shard groups", issue #18 item 2). It never
 * creates the objects of the others; what it needs of them comes from its peers and is checked
 * against what its own chain commits to:
 * - their genesis chunks, once, from a peer's block 0 (GET /p2p/blocks?from=0): taken when the
 *   header they make with our own held chunks has the peer's genesis hash. A peer that lies about
 *   them gives this node a genesis no block 1 extends: it adopts nothing, it accepts nothing false.
 * - the receipts their chunks of `height - 1` sent to the held shards (GET /p2p/sent), each run
 *   proven against the sender's `out_receipts_root` in our header of `height - 1`: a chunk that
 *   sent nothing (an empty root) costs no request.
 * Their chunks of a peer's block are checked by witness (witness-check.ts `checkUnheld`), not
 * applied; only their headers' roots stay, in the block's `info` (side blocks, until LIB prunes
 * them, are kept whole as on any node).
 */
import { merkleRoot } from "../../src/block/merkle";
import { parseGenesisChunk, parsePeerBlock } from "../../src/block/wire";
import { base58Decode } from "../../src/codec/base58";
import { ReceiptProofError, verifySent, type SentProof } from "../../src/sharding/receipt-proof";
import type { CrossReceipt } from "../../src/sharding/receipts";
import type { Answer, Chunk } from "../api";
import { MAX_RANGE } from "../config";
import { decodeTx, txKeyOf } from "../core";
import { errorText, hex } from "../values";
import { fetchBlocks } from "./peers";
import { fetchPeerJson, windowFrom, type WindowChunk } from "./witness-check";

/** One peer's answer to GET /p2p/sent, unchecked: from the network (`fetchSent`) or, in tests, a stand-in. */
export type SentSource = (peer: string, shard: number, height: number, to: readonly number[]) => Promise<Answer<unknown>>;

/** GET <peer>/p2p/sent?shard&height&to, its body at most MAX_WITNESS_BYTES: the parsed JSON, or why not. */
export function fetchSent(peer: string, chainId: number, shard: number, height: number, to: readonly number[]): Promise<Answer<unknown>> {
  return fetchPeerJson(peer, chainId, `/p2p/sent?shard=${shard}&height=${height}&to=${to.join(",")}`, "receipts answer");
}

/**
 * For each held shard, what every unheld shard's chunk of `height - 1` sent it, proven against
 * `parentInfo` (our header of `height - 1`): by held shard, applyChunk's `given` (null for the
 * held senders, whose objects are asked). Each unheld sender's peers are asked in turn until one's
 * proofs hold; with none, the reasons.
 */
export async function provenIncoming(o: {
  shardCount: number;
  holds: readonly number[];
  height: number;
  parentInfo: string;
  peers: readonly string[];
  source: SentSource;
}): Promise<Answer<Map<number, (CrossReceipt[] | null)[]>>> {
  const given = new Map(o.holds.map((s) => [s, Array.from<CrossReceipt[] | null>({ length: o.shardCount }).fill(null)]));
  if (o.height <= 1 || o.shardCount === 1) return given;
  const roots = (JSON.parse(o.parentInfo) as { chunks: { out_receipts_root?: string }[] }).chunks.map((c) => c.out_receipts_root ?? "");
  const senders = Array.from({ length: o.shardCount }, (_, s) => s).filter((s) => !o.holds.includes(s));
  const faults = await Promise.all(
    senders.map(async (from): Promise<string | null> => {
      if (roots[from] === "") {
        for (const to of o.holds) given.get(to)![from] = [];
        return null;
      }
      const reasons: string[] = [];
      for (const peer of o.peers) {
        const got = await o.source(peer, from, o.height - 1, o.holds);
        const r =
          typeof got === "object" && got !== null && "error" in got ? { error: String(got.error) } : sentOf(got, from, o.height - 1, o.holds, roots[from]);
        if (!("error" in r)) {
          o.holds.forEach((to, k) => {
            given.get(to)![from] = r[k];
          });
          return null;
        }
        reasons.push(`${peer}: ${r.error}`);
      }
      return `receipts of shard ${from}'s chunk ${o.height - 1}: ${o.peers.length === 0 ? "no peers" : reasons.join("; ")}`;
    }),
  );
  const bad = faults.filter((f) => f !== null);
  return bad.length === 0 ? given : { error: bad.join("; ") };
}

/** The receipts runs in a /p2p/sent answer `x`, each verified against `root`, in `to` order; or why not. */
function sentOf(x: unknown, from: number, height: number, to: readonly number[], root: string): Answer<CrossReceipt[][]> {
  const a = x as { shard?: unknown; height?: unknown; sent?: unknown } | null;
  if (typeof a !== "object" || a === null || a.shard !== from || a.height !== height) return { error: `not the receipts of chunk ${from}/${height}` };
  if (!Array.isArray(a.sent) || a.sent.length !== to.length) return { error: `not ${to.length} receipts proofs` };
  const proofs = a.sent as SentProof[];
  try {
    return to.map((t, k) => verifySent(root, from, t, proofs[k]));
  } catch (err) {
    if (err instanceof ReceiptProofError) return { error: err.message };
    return { error: `a malformed proof: ${errorText(err)}` };
  }
}

/** A peer's GET /p2p/blocks?from=0&count=1, unchecked: from the network (`fetchBlocks`) or, in tests, a stand-in. */
export type GenesisSource = (peer: string) => Promise<{ blocks: unknown[] } | { error: string }>;

/**
 * The genesis chunks of the shards this node does not hold, from the first peer whose block 0
 * makes, with our own held chunks, a header of that block's hash (`hashOf`); or why none did.
 */
export async function genesisFromPeers(
  peers: readonly string[],
  own: readonly Chunk[],
  shardCount: number,
  hashOf: (chunks: Chunk[]) => string,
  source: GenesisSource = (peer) => fetchBlocks(peer, 0, 1),
): Promise<Answer<Chunk[]>> {
  const reasons: string[] = [];
  for (const peer of peers) {
    const r = await source(peer);
    const b = "error" in r ? null : (r.blocks[0] as { block?: { number?: unknown; hash?: unknown }; chunks?: { chunk?: unknown }[] } | undefined);
    if (b?.block?.number !== 0 || !Array.isArray(b.chunks) || b.chunks.length !== shardCount) {
      reasons.push("error" in r ? r.error : `${peer}: no genesis block of ${shardCount} chunks`);
      continue;
    }
    const chunks: Chunk[] = [];
    let fault: string | null = null;
    for (let s = 0; s < shardCount && fault === null; s++) {
      const mine = own.find((c) => c.shard === s);
      const theirs = mine ?? parseGenesisChunk(b.chunks[s]?.chunk, s);
      if ("error" in theirs) fault = theirs.error;
      else chunks.push(theirs as Chunk);
    }
    if (fault === null && hashOf(chunks) !== b.block.hash) fault = "its genesis chunks with ours do not make its genesis hash";
    if (fault === null) return chunks;
    reasons.push(`${peer}: ${fault}`);
  }
  return { error: `no peer gave the genesis chunks of the shards this node does not hold: ${peers.length === 0 ? "no peers" : reasons.join("; ")}` };
}

/** A main block as `recentChunks` needs it: its hash, time and header info (each chunk's tx root). */
type Known = { hash: string; time: string; info: string };

/**
 * The chunks of the shards in `unheld` a check of the block after `head` may find repeated (a tx
 * runs at most MAX_TX_LIFE_NS after its time): from the last block that much older than `head`
 * (or block 1) to `head`, from the first peer whose blocks are ours (each block's hash ours, each
 * chunk's txs making the tx root of our header): by shard, lowest first; or why none.
 */
export async function recentChunks(o: {
  head: number;
  block: (n: number) => Known | null;
  shardCount: number;
  unheld: readonly number[];
  peers: readonly string[];
  source?: (peer: string, from: number, count: number) => Promise<{ blocks: unknown[] } | { error: string }>;
}): Promise<Answer<Map<number, WindowChunk[]>>> {
  if (o.head === 0 || o.block(o.head) === null || o.unheld.length === 0) return new Map();
  const first = windowFrom(o.head, (n) => o.block(n)?.time ?? null);
  const source = o.source ?? fetchBlocks;
  const reasons: string[] = [];
  for (const peer of o.peers) {
    const out = new Map(o.unheld.map((s) => [s, [] as WindowChunk[]]));
    let fault: string | null = null;
    for (let n = first; n <= o.head && fault === null; ) {
      const r = await source(peer, n, Math.min(MAX_RANGE, o.head - n + 1));
      if ("error" in r || r.blocks.length === 0) {
        fault = "error" in r ? r.error : `no block ${n}`;
        break;
      }
      for (const json of r.blocks) {
        fault = chunksOf(json, n, o.block(n), o.shardCount, o.unheld, out);
        if (fault !== null || ++n > o.head) break;
      }
    }
    if (fault === null) return out;
    reasons.push(`${peer}: ${fault}`);
  }
  return { error: `no peer gave the recent chunks of shards ${o.unheld.join(", ")}: ${o.peers.length === 0 ? "no peers" : reasons.join("; ")}` };
}

/** Block `json`'s chunks of `unheld` into `out` when it is our block `n` (`ours`); else why not. */
function chunksOf(json: unknown, n: number, ours: Known | null, shardCount: number, unheld: readonly number[], out: Map<number, WindowChunk[]>): string | null {
  const p = parsePeerBlock(json, shardCount);
  if ("error" in p) return p.error;
  if (ours === null || p.block.number !== n || p.block.hash !== ours.hash) return `its block ${p.block.number} is not our block ${n}`;
  const roots = (JSON.parse(ours.info) as { chunks: { tx_root: string }[] }).chunks;
  try {
    for (const s of unheld) {
      const txs = p.chunks[s].txs;
      const ids = txs.map((t) => base58Decode(txKeyOf(decodeTx(t)).hash));
      if (hex(merkleRoot(ids)) !== roots[s].tx_root) return `block ${n}: its txs of shard ${s} are not those of our header's tx root`;
      out.get(s)!.push({ height: n, time: BigInt(p.block.time), txs });
    }
  } catch (err) {
    return `block ${n}: ${errorText(err)}`;
  }
  return null;
}

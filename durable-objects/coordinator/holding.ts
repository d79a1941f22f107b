/**
 * A node that holds part of the shards (NodeConfig `holds`: no producer key, SERVES naming some
 * shards, more than one group; docs/VALIDATOR.md "Shard groups", issue #18 item 2). It never
 * creates the objects of the others; what it needs of them comes from its peers and is checked
 * against what its own chain commits to:
 * - their genesis chunks, once, from a peer's block 0 (GET /p2p/blocks?from=0): taken when the
 *   header they make with our own held chunks has the peer's genesis hash. A peer that lies about
 *   them gives this node a genesis no block 1 extends: it adopts nothing, it accepts nothing false.
 * - the receipts their chunks sent to the held shards (GET /p2p/sent) of every height a held shard's
 *   chunk takes in (`height - 1`, or from the cursor placeholders carried), each run proven against
 *   the sender's `out_receipts_root` in our header of its height: heights whose chunk sent nothing
 *   (an empty root) are asked nothing, one request per sender over the others.
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
import { receiptHeights, receiptsFromAfter } from "../../src/sharding/placeholder";
import { cursorOf, fetchPeerJson, headerParts, peersFor, sentRootsOf, windowFrom, type WindowChunk } from "./witness-check";

/** One peer's answer to GET /p2p/sent for heights `from` … `height`, unchecked: from the network (`fetchSent`) or, in tests, a stand-in. */
export type SentSource = (peer: string, shard: number, from: number, height: number, to: readonly number[]) => Promise<Answer<unknown>>;

/** GET <peer>/p2p/sent?shard&from&height&to, its body at most MAX_WITNESS_BYTES: the parsed JSON, or why not. */
export function fetchSent(peer: string, chainId: number, shard: number, from: number, height: number, to: readonly number[]): Promise<Answer<unknown>> {
  return fetchPeerJson(peer, chainId, `/p2p/sent?shard=${shard}&from=${from}&height=${height}&to=${to.join(",")}`, "receipts answer");
}

/**
 * What every unheld shard's chunks sent the held shards whose chunk of `height` takes receipts in
 * (`takers`: not a placeholder), over every height those chunks take them from (`height - 1`, or
 * from the cursor placeholders carried, read from our header of `height - 1`: src/sharding/placeholder.ts),
 * each run proven against the sender's `out_receipts_root` in our header of its height (`infoAt`):
 * by held shard, applyChunk's `given` (null for the held senders, whose objects are asked). Per
 * unheld sender, one request per peer over the heights from the first to the last whose chunk sent
 * anything (more when a peer answers part of the range: the 4 MiB cap); none when none did. The peers
 * are asked in turn from the first height not yet proven; with none left, the reasons.
 */
export async function provenIncoming(o: {
  shardCount: number;
  holds: readonly number[];
  takers: readonly number[];
  height: number;
  /** Our header `info` of main block `n` (below `height`), or null if not kept. */
  infoAt: (n: number) => string | null;
  /** The peers to ask, or their order by sender (witness-check.ts `orderAt`). */
  peers: readonly string[] | ((shard: number) => readonly string[]);
  source: SentSource;
  /** Filled, when given, with the proofs taken: by unheld sender, by height, one per taker (`takers` order); a chunk that sent nothing, its empty proof. */
  proofs?: Map<number, Map<number, SentProof[]>>;
}): Promise<Answer<Map<number, (Map<number, CrossReceipt[]> | null)[]>>> {
  const given = new Map(o.holds.map((s) => [s, Array.from<Map<number, CrossReceipt[]> | null>({ length: o.shardCount }).fill(null)]));
  if (o.height <= 1 || o.shardCount === 1 || o.takers.length === 0) return given;
  const parent = o.infoAt(o.height - 1);
  if (parent === null) return { error: `no header of block ${o.height - 1}` };
  const parts = headerParts(parent);
  const lo = Math.min(...o.takers.map((t) => receiptsFromAfter({ height: o.height - 1, ...cursorOf(parts[t]) })));
  const heights = receiptHeights(lo, o.height);
  const roots = new Map<number, string[]>();
  for (const n of heights) {
    const info = n === o.height - 1 ? parent : o.infoAt(n);
    if (info === null) return { error: `no header of block ${n}, whose receipts are carried to block ${o.height}` };
    roots.set(n, sentRootsOf(info));
  }
  const senders = Array.from({ length: o.shardCount }, (_, s) => s).filter((s) => !o.holds.includes(s));
  const faults = await Promise.all(
    senders.map(async (from): Promise<string | null> => {
      const runs = new Map<number, CrossReceipt[][]>();
      const proven = new Map<number, SentProof[]>();
      for (const t of o.takers) given.get(t)![from] = new Map();
      const due = heights.filter((n) => roots.get(n)![from] !== "");
      const none = o.takers.map((): CrossReceipt[] => []);
      for (const n of heights) if (!due.includes(n)) runs.set(n, none);
      for (const n of heights)
        if (!due.includes(n))
          proven.set(
            n,
            o.takers.map(() => NONE_SENT),
          );
      const reasons: string[] = [];
      const peers = peersFor(o.peers, from);
      if (due.length > 0) {
        const last = due[due.length - 1];
        const unproven = () => due.find((n) => !runs.has(n));
        for (const peer of peers) {
          for (let n = unproven(); n !== undefined; n = unproven()) {
            const got = await o.source(peer, from, n, last, o.takers);
            const r = typeof got === "object" && got !== null && "error" in got ? { error: String(got.error) } : sentOf(got, from, n, last, o.takers, roots);
            if ("error" in r) {
              reasons.push(`${peer}: ${r.error}`);
              break;
            }
            for (const [k, run] of r.runs.entries()) runs.set(n + k, run);
            for (const [k, p] of r.proofs.entries()) proven.set(n + k, p);
          }
          if (unproven() === undefined) break;
        }
        if (unproven() !== undefined) {
          const which = due[0] === last ? `chunk ${last}` : `chunks ${due[0]} to ${last}`;
          return `receipts of shard ${from}'s ${which}: ${peers.length === 0 ? "no peers" : reasons.join("; ")}`;
        }
      }
      for (const [n, run] of runs) for (const [k, t] of o.takers.entries()) given.get(t)![from]!.set(n, run[k]);
      o.proofs?.set(from, proven);
      return null;
    }),
  );
  const bad = faults.filter((f) => f !== null);
  return bad.length === 0 ? given : { error: bad.join("; ") };
}

/** The proof of a chunk that sent nothing (verifySent's for an empty receipts root). */
const NONE_SENT: SentProof = { count: 0, first: 0, receipts: [], before: null, after: null, siblings: [] };

/**
 * The receipts runs in a /p2p/sent answer `x` for shard `from`'s chunks of `lo` … at most `hi`,
 * by height (each in `to` order), each verified against that height's root in `roots`, with their
 * proofs; or why not.
 */
function sentOf(
  x: unknown,
  from: number,
  lo: number,
  hi: number,
  to: readonly number[],
  roots: ReadonlyMap<number, string[]>,
): Answer<{ runs: CrossReceipt[][][]; proofs: SentProof[][] }> {
  const a = x as { shard?: unknown; from?: unknown; height?: unknown; sent?: unknown } | null;
  if (typeof a !== "object" || a === null || a.shard !== from || a.from !== lo) return { error: `not the receipts of shard ${from}'s chunks from ${lo}` };
  const top = a.height;
  if (typeof top !== "number" || !Number.isSafeInteger(top) || top < lo || top > hi)
    return { error: `its last height ${String(top)} is not from ${lo} to ${hi}` };
  const count = (top - lo + 1) * to.length;
  if (!Array.isArray(a.sent) || a.sent.length !== count) return { error: `not ${count} receipts proofs` };
  const proofs = a.sent as SentProof[];
  try {
    const at = (k: number) => proofs.slice(k * to.length, (k + 1) * to.length);
    const runs = Array.from({ length: top - lo + 1 }, (_, k) => to.map((t, j) => verifySent(roots.get(lo + k)![from], from, t, at(k)[j])));
    return { runs, proofs: runs.map((_, k) => at(k)) };
  } catch (err) {
    if (err instanceof ReceiptProofError) return { error: `chunk ${from}/${lo}${top === lo ? "" : `…${top}`}: ${err.message}` };
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

/**
 * A tx's combined receipt (src/sharding/combine.ts) from a peer, checked against our own final
 * headers (docs/ARCHITECTURE.md "Reads through peers"): no header commits to the combined receipt,
 * but each of its parts is committed somewhere. The receipts the tx's home chunk sent are its
 * `out_receipts_root` (the peer sends the chunk's whole list, `sent`, so none is hidden), each one
 * awaiting a settle (a credit, an action) names the shard that answers it, and that shard's chunk
 * sent the settle to the home, proven against its own `out_receipts_root` as a whole run
 * (`verifySent`: no receipt of the run left out). The home folds the settles into the receipt as
 * executed in the order it applies them (by the sender's height, then shard, then as sent), which
 * this does with the same code; the receipt the peer says its home shows must be that fold, so a
 * home that combined otherwise is never shown wrong. Pure: runs in Node and workerd.
 *
 * Checked only where the settles alone make the receipt: a tx parked for reads of other shards (its
 * re-run), one whose credit's RAM decides it (a deciding half: the home holds receipts it sends
 * later), a settle bringing third shards' halves or giving way (the tx runs again at home), or a
 * credit a forwarded part sent home (charged there) depend on the home shard's state: `unchecked`,
 * which every peer would answer the same, since it follows from what our headers commit to.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { combineReceipt, countedTogether, countProbe } from "./combine.js";
import { type CrossReceipt, SETTLE, type Settlement, awaitsSettle } from "./receipts.js";
import { outReceiptsRoot, ReceiptProofError, type SentProof, verifySent } from "./receipt-proof.js";
import type { TxReceipt } from "../tx/types.js";
import type { Joined } from "../block/chunk-body.js";
import { receiptToJson } from "../tx/view.js";
import { receiptFromJson } from "../block/raw.js";

/** Shard `shard`'s `out_receipts_root` in the header of `info` ("" when it sent nothing, or with one shard). */
function sentRoot(info: string, shard: number): string {
  const c = (JSON.parse(info) as { chunks: { shard: number; out_receipts_root?: string }[] }).chunks.find((x) => x.shard === shard);
  return c?.out_receipts_root ?? "";
}

/** A settling chunk's run to the home as a peer sends it: what shard `shard`'s chunk of `height` sent the home, proven. */
interface SettleRun {
  shard: number;
  height: number;
  proof: SentProof;
}

/** What a peer adds to a chunk body (durable-objects/api.ts ChunkBody) so that its txs' combined receipts can be checked. */
export interface SettlesPart {
  /** Every receipt the home chunk sent (absent: its log is no longer kept, or it sent none). */
  sent?: unknown;
  /** The runs holding the settles of the txs sent that await one. */
  settles?: unknown;
  /** Txs whose settles have not all come home at the peer. */
  in_flight?: unknown;
  /** The chunk body's txs (each may carry `shown`, the receipt its home shows) and hashes, checked by checkChunkBody. */
  txs?: unknown;
  tx_hashes?: unknown;
}

/** Our final header `info` of `height`, or null when `height` is above our LIB or we hold no block there. */
export type HeaderAt = (height: number) => Promise<string | null>;

/**
 * The receipts of `txs` (each as executed and checked against the receipt root of shard `home`'s
 * chunk at `height`, header `info`, with the peer's `joined` flag) as the home shows them, given the
 * peer's `part`. `headerAt` gives the headers of the settles' heights.
 */
export async function joinedReceipts(
  home: number,
  height: number,
  info: string,
  txs: readonly { receipt: TxReceipt; joined: boolean }[],
  part: SettlesPart,
  headerAt: HeaderAt,
): Promise<Joined> {
  const root = sentRoot(info, home);
  const plain = new Map(txs.map((t) => [t.receipt.txHash, t.receipt]));
  if (root === "") {
    // Nothing sent: no receipt awaits a settle.
    const said = txs.find((t) => t.joined);
    return said === undefined ? { receipts: plain } : { refused: `it says tx ${said.receipt.txHash} joins settles, but its home chunk sent no receipt` };
  }
  if (part.sent === undefined) {
    // Its log is gone at the peer (archived): the peer's word that no tx joined settles is all there is. One that says
    // some did is passed over, not taken as final: a liar leaving `sent` out would stop the lookup at it.
    const said = txs.find((t) => t.joined);
    return said === undefined ? { receipts: plain } : { refused: `it gives no receipts tx ${said.receipt.txHash}'s home chunk sent (kept until archived)` };
  }
  if (!Array.isArray(part.sent) || !part.sent.every((r) => typeof r === "object" && r !== null)) return { refused: "malformed sent receipts" };
  const sent = part.sent as CrossReceipt[];
  let ours: string;
  try {
    ours = bytesToHex(outReceiptsRoot(sent));
  } catch {
    return { refused: "malformed sent receipts" };
  }
  if (ours !== root) return { refused: `the receipts it says shard ${home}'s chunk of ${height} sent are not its receipts root in our block ${height}` };
  const due = new Map<string, CrossReceipt[]>();
  for (const t of txs) {
    const hash = t.receipt.txHash;
    const mine = sent.filter((r) => r.txHash === hash && awaitsSettle(r));
    // Joined with nothing due: a tx parked at its home (its re-run there), or a lie; either way not one to take from this peer.
    if (mine.length > 0 !== t.joined) return { refused: `it ${t.joined ? "says" : "hides that"} tx ${hash}'s receipt joins cross-shard settles` };
    if (mine.length === 0) continue;
    if (mine.some((r) => r.kind === "read")) return { unchecked: `tx ${hash} was parked for reads of other shards and run again at its home` };
    if (mine.some((r) => r.payer?.reserve !== undefined))
      return { unchecked: `tx ${hash} waits at its home for its credit's RAM, which holds receipts it sends later` };
    due.set(hash, mine);
  }
  if (due.size === 0) return { receipts: plain };
  const inFlight = new Set(Array.isArray(part.in_flight) ? part.in_flight.filter((h) => typeof h === "string") : []);
  const runs = part.settles === undefined ? [] : part.settles;
  if (!Array.isArray(runs) || runs.length > MAX_RUNS) return { refused: "malformed settle runs" };
  /** Each settle of a tx asked: the receipt, where it was sent and its position there. */
  const settles = new Map<string, { r: CrossReceipt; height: number; shard: number; at: number }>();
  const seen = new Set<string>();
  for (const run of runs as SettleRun[]) {
    if (typeof run !== "object" || run === null || !Number.isSafeInteger(run.height) || !Number.isSafeInteger(run.shard) || run.shard === home)
      return { refused: "malformed settle run" };
    const where = `shard ${run.shard}'s chunk of ${run.height}`;
    if (run.height <= height) return { refused: `it sends the receipts of ${where}, not after the tx's block ${height}` };
    if (seen.has(`${run.shard}/${run.height}`)) return { refused: `it sends the receipts of ${where} twice` };
    seen.add(`${run.shard}/${run.height}`);
    const at = await headerAt(run.height);
    if (at === null) return { later: `block ${run.height} is not final here` };
    let got: CrossReceipt[];
    try {
      got = verifySent(sentRoot(at, run.shard), run.shard, home, run.proof);
    } catch (err) {
      if (err instanceof ReceiptProofError) return { refused: `${where}: ${err.message}` };
      throw err;
    }
    let useful = false;
    for (const [k, r] of got.entries()) {
      // What else of the tx comes home (registers, frees, notes…) joins no receipt; a credit or a read's answer would.
      if (!due.has(r.txHash) || (r.kind !== "settle" && r.kind !== "credit" && r.kind !== "values")) continue;
      useful = true;
      if (r.kind === "credit") return { unchecked: `tx ${r.txHash}'s forwarded part sent a credit home, charged there` };
      if (r.kind === "values") return { unchecked: `tx ${r.txHash} was parked for reads of other shards and run again at its home` };
      if (settles.has(r.id)) return { refused: `it sends settle ${r.id} twice` };
      settles.set(r.id, { r, height: run.height, shard: run.shard, at: k });
    }
    if (!useful) return { refused: `the receipts of ${where} settle none of the txs asked` };
  }
  const out = new Map(plain);
  for (const [hash, mine] of due) {
    const answers = new Set(mine.map((r) => r.id + SETTLE));
    const extra = [...settles.keys()].find((id) => settles.get(id)!.r.txHash === hash && !answers.has(id));
    if (extra !== undefined) return { refused: `settle ${extra} answers no receipt tx ${hash}'s home sent` };
    const missing = mine.find((r) => !settles.has(r.id + SETTLE));
    if (missing !== undefined) {
      if (inFlight.has(hash)) return { later: `tx ${hash}'s cross-shard receipts are in flight` };
      return { refused: `it omits the settle of receipt ${missing.id} of tx ${hash}` };
    }
    const got = mine.map((r) => ({ sent: r, ...settles.get(r.id + SETTLE)! }));
    for (const g of got) {
      if (g.shard !== g.sent.toShard) return { refused: `settle ${g.r.id} comes from shard ${g.shard}, not ${g.sent.toShard}, which its receipt went to` };
      if (g.r.halves !== undefined || g.r.gaveWay)
        return {
          unchecked: `tx ${hash}'s forwarded part ${g.r.gaveWay ? "gave way and ran again at its home" : "sent credits to third shards, which settle at its home"}`,
        };
    }
    // In the order the home applies them: by the height they were sent at, then the sender shard, then as sent.
    got.sort((a, b) => a.height - b.height || a.shard - b.shard || a.at - b.at);
    let receipt = plain.get(hash)!;
    // A failed tx's probes to two shards or more: the home counted their halves together (executor/probes.ts).
    const probes = mine.filter((r) => r.probe);
    let left = BigInt(probes[0]?.payer?.gasLeft ?? "0");
    const together = countedTogether(probes.length, left);
    for (const g of got) {
      const s = settlementOf(g.sent, g.r);
      if (together && s.result?.credit) [s.result, left] = countProbe(s.result, left);
      // The stored receipt goes through its JSON at each settle (core.ts settledPart): so does this one.
      receipt = combineReceipt(receiptFromJson(receiptToJson(receipt)), s);
    }
    // The home's own receipt must be this fold: one it combined otherwise (a settle applied late after a lock, a credit a
    // chain's last part sent home) would be shown wrong here, so such an answer is not taken.
    const claimed = shownOf(part, hash);
    if (claimed === undefined) return { refused: `it gives no receipt shown for tx ${hash}` };
    if (JSON.stringify(receiptToJson(receipt)) !== JSON.stringify(claimed))
      return { refused: `the receipt it shows for tx ${hash} is not the one its proven settles make` };
    out.set(hash, receipt);
  }
  return { receipts: out };
}

/** The receipt the peer says tx `hash`'s home shows (`shown` of its entry in the body's txs). */
function shownOf(part: SettlesPart, hash: string): unknown {
  if (!Array.isArray(part.txs) || !Array.isArray(part.tx_hashes)) return undefined;
  const hashes = part.tx_hashes;
  const e = part.txs.find((t: { index?: unknown } | null) => typeof t?.index === "number" && hashes[t.index] === hash) as { shown?: unknown } | undefined;
  return e?.shown;
}

/** The settlement a home takes from settle `s` answering its receipt `sent` (executor/incoming.ts, a settle's last branch). */
function settlementOf(sent: CrossReceipt, s: CrossReceipt): Settlement {
  return { txHash: s.txHash, receiptId: sent.id, ok: s.message === "", message: s.message, ...(s.result ? { result: s.result } : {}) };
}

/** Runs a peer may send for one answer: a chunk's txs settle from each other shard within a few heights. */
const MAX_RUNS = 256;

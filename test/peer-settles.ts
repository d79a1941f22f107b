/**
 * test/peer-chunk.ts's chunk (shard 1, block 9) as one that sent cross-shard receipts: tx 1's credit to
 * shard 2 and tx 2's to shard 3, settled by those shards' chunks of block 10 (shard 3's refused, the
 * account unknown), and tx 0's register, which awaits nothing. Our headers of blocks 9 and 10 commit
 * to what each chunk sent; `joinedAnswer` is a peer's honest /p2p/tx or /p2p/txs answer with the
 * settles' runs. What test/unit/block/joined.test.ts forges and test/node/edge-app.test.ts serves.
 */
import { chunkInfo, type ChunkSummary } from "../src/block/block";
import { combineReceipt } from "../src/sharding/combine";
import { outReceiptsRoot, sentProof } from "../src/sharding/receipt-proof";
import type { CrossReceipt } from "../src/sharding/receipts";
import { txId } from "../src/tx/bytes";
import { receiptToJson } from "../src/tx/view";
import { answer, chunk, receipts, txs } from "./peer-chunk";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const [h0, h1, h2] = txs.map((t) => txId(t));

const base = { token: "iost", amount: "0", message: "" };
const payer = { publisher: "admin", gasRatio: "100", time: "1700000000000000000" };
export const credit1: CrossReceipt = {
  ...base,
  id: `${h1}:0`,
  kind: "credit",
  txHash: h1,
  fromShard: 1,
  toShard: 2,
  account: "bob",
  counterpart: "admin",
  amount: "2",
  payer,
};
export const credit2: CrossReceipt = {
  ...base,
  id: `${h2}:0`,
  kind: "credit",
  txHash: h2,
  fromShard: 1,
  toShard: 3,
  account: "ghost",
  counterpart: "admin",
  amount: "3",
  payer,
};
const register0: CrossReceipt = { ...base, id: `${h0}:0`, kind: "register", txHash: h0, fromShard: 1, toShard: 2, account: "Contract1", counterpart: "admin" };
/** What block 9's chunk of shard 1 sent, in emission order. */
export const sent9 = [register0, credit1, credit2];

const half = (gasUsed: number, ram: Record<string, string>) => ({
  gasReserved: 0,
  gasUsed,
  gasRatio: "100",
  returns: [],
  receipts: [],
  ramUsage: ram,
  credit: { publisher: "admin" },
});
export const settle1: CrossReceipt = {
  ...base,
  id: `${credit1.id}:settle`,
  kind: "settle",
  txHash: h1,
  fromShard: 2,
  toShard: 1,
  account: "admin",
  counterpart: "bob",
  result: half(300, { admin: "0" }),
};
export const settle2: CrossReceipt = {
  ...base,
  id: `${credit2.id}:settle`,
  kind: "settle",
  txHash: h2,
  fromShard: 3,
  toShard: 1,
  account: "admin",
  counterpart: "ghost",
  amount: "3",
  message: "invalid account ghost",
};
/** Another tx's receipt shard 2's chunk of 10 sent to shard 0: the run to shard 1 has a neighbour. */
const other: CrossReceipt = { ...base, id: "X:0", kind: "register", txHash: "X", fromShard: 2, toShard: 0, account: "Contract2", counterpart: "bob" };
/** What shards 2 and 3 sent at block 10. */
export const sent10 = { 2: [other, settle1], 3: [settle2] } as Record<number, CrossReceipt[]>;

const quiet = (s: number, sent: CrossReceipt[] = []): ChunkSummary => ({
  shard: s,
  txHashes: [],
  receiptHashes: [],
  gasUsage: "0",
  stateRoot: "cd".repeat(32),
  receiptsRoot: hex(outReceiptsRoot(sent)),
});
/** Our headers of blocks 9 and 10. */
export const infos: Record<number, string> = {
  9: chunkInfo([0, 1, 2, 3].map((s) => (s === 1 ? { ...chunk, receiptsRoot: hex(outReceiptsRoot(sent9)) } : quiet(s)))),
  10: chunkInfo([0, 1, 2, 3].map((s) => quiet(s, sent10[s]))),
};

/** A peer's honest answer about tx `only` (or the whole chunk): sent receipts, the settles' runs, `joined` and `shown` set. */
export function joinedAnswer(only?: number) {
  const a = answer(only);
  const due = new Set(only === undefined ? [h1, h2] : [h1, h2].filter((h) => h === txId(txs[only])));
  const runs = [2, 3].filter((s) => sent10[s].some((r) => due.has(r.txHash))).map((s) => ({ shard: s, height: 10, proof: sentProof(sent10[s], 1) }));
  const listed = a.txs.map((t) => ({ ...t, joined: t.index > 0, ...(t.index > 0 ? { shown: combined[t.index] } : {}) }));
  return { ...a, txs: listed, sent: sent9, settles: runs } as Omit<ReturnType<typeof answer>, "txs"> & {
    txs: (ReturnType<typeof answer>["txs"][number] & { shown?: unknown })[];
    sent: unknown;
    settles: { shard: number; height: number; proof: ReturnType<typeof sentProof> }[];
    in_flight?: string[];
  };
}

/** The receipts the home shows once the settles came: tx 1's with its credit's half, tx 2's refused. */
export const combined = [
  receipts[0],
  combineReceipt(receipts[1], { txHash: h1, receiptId: credit1.id, ok: true, message: "", result: settle1.result }),
  combineReceipt(receipts[2], { txHash: h2, receiptId: credit2.id, ok: false, message: "invalid account ghost" }),
].map((r) => receiptToJson(r));

/** Our headers as peer-txs reads them, final up to `lib`. */
export const headerAt =
  (lib = 10) =>
  async (n: number) =>
    n <= lib ? (infos[n] ?? null) : null;

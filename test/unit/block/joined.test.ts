/**
 * src/sharding/joined.ts: a tx's combined receipt from a peer is shown only as its settles, each proven
 * against our header of the block that sent it, make it, all of them and no other; a peer that hides
 * the flag, omits, forges or adds a settle is refused with its reason.
 */
import { describe, expect, test } from "vitest";
import { checkChunkBody, type Joined } from "../../../src/block/chunk-body";
import { joinedReceipts, type SettlesPart } from "../../../src/sharding/joined";
import { outReceiptsRoot, sentProof } from "../../../src/sharding/receipt-proof";
import { txId } from "../../../src/tx/bytes";
import { receiptToJson } from "../../../src/tx/view";
import { receipts, txs } from "../../peer-chunk";
import { combined, credit1, headerAt, infos, joinedAnswer, sent10, sent9, settle1 } from "../../peer-settles";

const [h0, h1, h2] = txs.map((t) => txId(t));

/** What the edge shows for `body` (a /p2p/tx answer for tx `only`, or /p2p/txs), our LIB `lib`. */
async function shown(body: ReturnType<typeof joinedAnswer>, only?: number, lib = 10): Promise<Joined> {
  const checked = checkChunkBody(infos[9], 1, 9, body, only === undefined ? undefined : txId(txs[only]));
  if (typeof checked === "string") throw new Error(checked);
  return joinedReceipts(1, 9, infos[9], checked.txs, body as SettlesPart, headerAt(lib));
}
const json = (j: Joined) => ("receipts" in j ? [...j.receipts.values()].map((r) => receiptToJson(r)) : j);

describe("joinedReceipts", () => {
  test("an honest answer gives each receipt as its home shows it: combined with the settles, the others as executed", async () => {
    expect(json(await shown(joinedAnswer(1), 1))).toEqual([combined[1]]);
    // The half's gas is added: 5000 + 300 × 100 / 100 … as one shard charges the receiver's half.
    expect(combined[1].gas_usage).toBe(receiptToJson(receipts[1]).gas_usage + 300);
    expect(json(await shown(joinedAnswer(2), 2))).toEqual([combined[2]]);
    expect(combined[2]).toMatchObject({ status_code: "RUNTIME_ERROR", message: `cross-shard receipt ${h2}:0 failed: invalid account ghost; refunded` });
    expect(json(await shown(joinedAnswer()))).toEqual(combined);
    // A tx that sent only a register awaits nothing: as executed, no settle asked of it.
    const plain = { ...joinedAnswer(0), settles: [] };
    expect(json(await shown(plain, 0))).toEqual([receiptToJson(receipts[0])]);
  });

  test("a peer hiding that a receipt joins settles, or claiming it of one that does not, is refused", async () => {
    const hidden = joinedAnswer(1);
    hidden.txs[0].joined = false;
    expect(await shown(hidden, 1)).toEqual({ refused: `it hides that tx ${h1}'s receipt joins cross-shard settles` });
    const claimed = joinedAnswer(0);
    claimed.txs[0].joined = true;
    expect(await shown(claimed, 0)).toEqual({ refused: `it says tx ${h0}'s receipt joins cross-shard settles` });
    // Hiding by leaving out the sent receipts, or forging them, does not pass our header's receipts root.
    expect(await shown({ ...hidden, sent: sent9.filter((r) => r.txHash !== h1) }, 1)).toEqual({
      refused: "the receipts it says shard 1's chunk of 9 sent are not its receipts root in our block 9",
    });
  });

  test("a settle omitted is refused, unless the peer says it is still in flight: then not known here yet", async () => {
    const omitted = { ...joinedAnswer(1), settles: [] };
    expect(await shown(omitted, 1)).toEqual({ refused: `it omits the settle of receipt ${credit1.id} of tx ${h1}` });
    expect(await shown({ ...omitted, in_flight: [h1] }, 1)).toEqual({ later: `tx ${h1}'s cross-shard receipts are in flight` });
    // The run left short of the settle (a neighbour missing) does not prove.
    const short = joinedAnswer(1);
    short.settles[0].proof = { ...short.settles[0].proof, receipts: [], after: null };
    expect(await shown(short, 1)).toMatchObject({ refused: expect.stringMatching(/^shard 2's chunk of 10: receipts from shard 2: /) });
  });

  test("a forged settle, or one from a shard its receipt did not go to, is refused", async () => {
    const forged = joinedAnswer(1);
    const [r] = forged.settles[0].proof.receipts;
    forged.settles[0].proof.receipts = [{ ...r, result: { ...r.result!, gasUsed: 1 } }];
    expect(await shown(forged, 1)).toEqual({
      refused: "shard 2's chunk of 10: receipts from shard 2: the receipts and their neighbours are not the chunk's receipts root",
    });
    const moved = joinedAnswer(1);
    moved.settles[0] = { shard: 3, height: 10, proof: moved.settles[0].proof };
    expect(await shown(moved, 1)).toMatchObject({
      refused: expect.stringMatching(/^shard 3's chunk of 10: receipts from shard 3: receipt .* goes from 2 to 1, not 3 to 1$/),
    });
  });

  test("an added settle or run is refused: one answering no receipt the home sent, a run settling none asked, one sent twice", async () => {
    // Shard 3's run holds tx 2's settle only: for a lookup of tx 1 it settles nothing asked.
    const added = joinedAnswer(1);
    added.settles.push({ shard: 3, height: 10, proof: sentProof(sent10[3], 1) });
    expect(await shown(added, 1)).toEqual({ refused: "the receipts of shard 3's chunk of 10 settle none of the txs asked" });
    const twice = joinedAnswer(1);
    twice.settles.push(twice.settles[0]);
    expect(await shown(twice, 1)).toEqual({ refused: "it sends the receipts of shard 2's chunk of 10 twice" });
    // A settle of tx 1 answering a receipt its home never sent, proven by a header that commits to it.
    const stray = { ...settle1, id: `${h1}:5:settle` };
    const run = [...sent10[2], stray];
    const ours: Record<number, string> = { ...infos, 10: infos[10].replace(/("shard":2,[^}]*"out_receipts_root":")[0-9a-f]*/, `$1${rootOf(run)}`) };
    const body = { ...joinedAnswer(1), settles: [{ shard: 2, height: 10, proof: sentProof(run, 1) }] };
    const checked = checkChunkBody(infos[9], 1, 9, body, h1);
    if (typeof checked === "string") throw new Error(checked);
    expect(await joinedReceipts(1, 9, infos[9], checked.txs, body, async (n) => ours[n] ?? null)).toEqual({
      refused: `settle ${stray.id} answers no receipt tx ${h1}'s home sent`,
    });
  });

  test("a home chunk's sent receipts not given (archived at the peer): a tx it says joins settles is refused, one it says joins none shown", async () => {
    const { sent: _, ...archived } = joinedAnswer(1);
    expect(await shown(archived as ReturnType<typeof joinedAnswer>, 1)).toEqual({
      refused: `it gives no receipts tx ${h1}'s home chunk sent (kept until archived)`,
    });
    const { sent: __, ...plain } = joinedAnswer(0);
    expect(json(await shown(plain as ReturnType<typeof joinedAnswer>, 0))).toEqual([receiptToJson(receipts[0])]);
  });

  test("the receipt the peer says its home shows must be the fold of the proven settles: one the home combined otherwise is not shown", async () => {
    // A home that also charged a half it took from elsewhere (a credit a chain's last part sent home) shows more gas than
    // the settles proven here make: taken, it would be shown wrong, so it is passed over (every honest peer would be).
    const other = joinedAnswer(1);
    other.txs[0].shown = { ...combined[1], gas_usage: combined[1].gas_usage + 1 };
    expect(await shown(other, 1)).toEqual({ refused: `the receipt it shows for tx ${h1} is not the one its proven settles make` });
    const none = joinedAnswer(1);
    delete none.txs[0].shown;
    expect(await shown(none, 1)).toEqual({ refused: `it gives no receipt shown for tx ${h1}` });
  });

  test("what else of the tx comes home in the run joins nothing (a register); a credit its part sent home needs the home's state", async () => {
    const withRun = async (extra: typeof settle1) => {
      const run = [...sent10[2], extra];
      const ours: Record<number, string> = { ...infos, 10: infos[10].replace(/("shard":2,[^}]*"out_receipts_root":")[0-9a-f]*/, `$1${rootOf(run)}`) };
      const body = { ...joinedAnswer(1), settles: [{ shard: 2, height: 10, proof: sentProof(run, 1) }] };
      const checked = checkChunkBody(infos[9], 1, 9, body, h1);
      if (typeof checked === "string") throw new Error(checked);
      return joinedReceipts(1, 9, infos[9], checked.txs, body, async (n) => ours[n] ?? null);
    };
    const register = { ...settle1, id: `${h1}:reg`, kind: "register" as const, result: undefined };
    expect(json(await withRun(register))).toEqual([combined[1]]);
    const credit = { ...settle1, id: `${h1}:1`, kind: "credit" as const, result: undefined, payer: { ...credit1.payer!, atHome: true as const } };
    expect(await withRun(credit)).toEqual({ unchecked: `tx ${h1}'s forwarded part sent a credit home, charged there` });
  });

  test("a settle of a block not final here: not known here yet; a run of the tx's own block or before: refused", async () => {
    expect(await shown(joinedAnswer(1), 1, 9)).toEqual({ later: "block 10 is not final here" });
    const early = joinedAnswer(1);
    early.settles[0] = { ...early.settles[0], height: 9 };
    expect(await shown(early, 1)).toEqual({ refused: "it sends the receipts of shard 2's chunk of 9, not after the tx's block 9" });
  });

  test("a combination that needs the home shard's state is not taken from any peer: parked reads, a deciding half", async () => {
    for (const [change, why] of [
      [{ kind: "read" as const }, `tx ${h1} was parked for reads of other shards and run again at its home`],
      [
        { payer: { ...credit1.payer!, reserve: { ram: "0", paid: "0" } } },
        `tx ${h1} waits at its home for its credit's RAM, which holds receipts it sends later`,
      ],
    ] as const) {
      const sent = sent9.map((r) => (r === credit1 ? { ...r, ...change } : r));
      const ours: Record<number, string> = { ...infos, 9: infos[9].replace(/("shard":1,[^}]*"out_receipts_root":")[0-9a-f]*/, `$1${rootOf(sent)}`) };
      const body = { ...joinedAnswer(1), sent };
      const checked = checkChunkBody(ours[9], 1, 9, body, h1);
      if (typeof checked === "string") throw new Error(checked);
      expect(await joinedReceipts(1, 9, ours[9], checked.txs, body, async (n) => ours[n] ?? null)).toEqual({ unchecked: why });
    }
  });
});

function rootOf(sent: Parameters<typeof outReceiptsRoot>[0]): string {
  return Array.from(outReceiptsRoot(sent), (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The bill of a draft (Shard.draftChunk, POST /p2p/chunk with shard groups;
 * durable-objects/coordinator/group-chunks.ts) on a four-shard chain: a shard with nothing to run
 * (its pool empty, no receipt sent to it by the chunks below) answers `empty` without a
 * transaction, so an idle chain's drafts write no row; one with a tx in its pool drafts it.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { type CheckOptions, checkChunk } from "../../durable-objects/shard/witness";
import type { SentProof } from "../../src/sharding/receipt-proof";
import type { Witness } from "../../src/state/witness";
import type { ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx, nowNs } from "../workers/txs";

const N = 4;

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);

/** The context of the block after the head at `time` (now by default), as a peer's producer would ask it. */
async function nextCtxAt(c: Chain, time?: string): Promise<ChunkContext> {
  const head = (await c.coord.status()).head;
  const b = (await c.coord.storedBlock(head))!;
  const t = time ?? (nowNs() > BigInt(b.time) ? nowNs() : BigInt(b.time) + 1_000_000n).toString();
  return { height: head + 1, time: t, parentHash: b.hash, witness: b.witness, parentWitness: b.witness, parentTime: b.time };
}
const nextCtx = (c: Chain) => nextCtxAt(c);

describe("Shard.draftChunk's bill", () => {
  test("a shard with nothing to run answers empty and writes no row; one with a receipt in drafts it", async () => {
    const c = newChain("draft-bill");
    // Past height 3, where producer000's shard takes the `index` receipt of its first reward (once ever).
    await tick(c, 3);
    const home = shardOf("admin", N);
    const payee = ["producer000", "wit01", "wit02", "wit03", "wit04", "wit05"].find((n) => ![0, home].includes(shardOf(n, N)))!;
    const s = shardAt(c, shardOf(payee, N));
    const draft = async () => {
      const before = await s.meter();
      const d = await s.draftChunk(await nextCtx(c));
      const after = await s.meter();
      return { d, written: after.rowsWritten - before.rowsWritten, read: after.rowsRead - before.rowsRead };
    };

    const idle = await draft();
    console.log(`a draft of an empty chunk: ${idle.written} rows written, ${idle.read} read`);
    expect(idle.d).toEqual({ empty: true });
    expect(idle.written).toBe(0);

    const t = makeTx({ to: payee, amount: "3", memo: "in" });
    expect(await shardAt(c, home).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    const pending = async () => (await shardAt(c, home).status()).pool > 0;
    for (let i = 0; i < 10 && (await pending()); i++) await tick(c);
    expect(await pending()).toBe(false);
    // The block that ran the transfer sent its credit to the payee's shard: the next chunk there takes it in.
    const busy = await draft();
    console.log(`a draft of a chunk taking a receipt in: ${busy.written} rows written (rolled back), ${busy.read} read`);
    expect("chunk" in busy.d && busy.d.chunk.stateRoot).not.toBe((await s.status()).stateRoot);
    expect(busy.written).toBeGreaterThan(0);
    expect((await s.status()).head).toBe((await c.coord.status()).head);

    // The draft's witness is what a producer without the shard checks it by: another chain's object runs it.
    if (!("chunk" in busy.d)) throw new Error("no draft");
    const d = busy.d;
    const head = (await c.coord.status()).head;
    const [ctx, parent] = [await nextCtxAt(c, d.chunk.time), (await c.coord.storedBlock(head))!];
    const incoming: SentProof[] = [];
    for (let j = 0; j < N; j++) {
      const p = await shardAt(c, j).sentProofOf(head, d.chunk.shard);
      if ("error" in p) throw new Error(p.error);
      incoming.push(p);
    }
    const roots = (JSON.parse(parent.info) as { chunks: { state_root: string; out_receipts_root?: string }[] }).chunks;
    const o: CheckOptions = { chainId: 1020, place: { index: d.chunk.shard, count: N }, sentRoots: roots.map((r) => r.out_receipts_root ?? "") };
    const other = newChain("draft-check");
    const check = (w: Witness) =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${d.chunk.shard}`), () =>
        checkChunk(roots[d.chunk.shard].state_root, { ctx, txs: d.txs, incoming, chunk: d.chunk }, w, o),
      );
    expect(await check(d.witness)).not.toHaveProperty("error");
    const forged = { ...d.witness, entries: d.witness.entries.map(([k, v], i) => [k, i === 0 ? `${v ?? ""}0` : v] as [string, string | null]) };
    expect(await check(forged)).toEqual({ error: expect.stringMatching(/.+/) });
  });
});

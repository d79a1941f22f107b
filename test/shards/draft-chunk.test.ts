/**
 * The bill of a draft (Shard.draftChunk, POST /p2p/chunk with shard groups;
 * durable-objects/coordinator/group-chunks.ts) on a four-shard chain: a shard with nothing to run
 * (its pool empty, no receipt sent to it by the chunks below) answers `empty` without a
 * transaction, so an idle chain's drafts write no row; one with a tx in its pool drafts it.
 */
import { describe, expect, test } from "vitest";
import type { ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx, nowNs } from "../workers/txs";

const N = 4;

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);

/** The context of the block after the head, as a peer's producer would ask it. */
async function nextCtx(c: Chain): Promise<ChunkContext> {
  const head = (await c.coord.status()).head;
  const b = (await c.coord.storedBlock(head))!;
  const time = nowNs() > BigInt(b.time) ? nowNs() : BigInt(b.time) + 1_000_000n;
  return { height: head + 1, time: time.toString(), parentHash: b.hash, witness: b.witness, parentWitness: b.witness, parentTime: b.time };
}

describe("Shard.draftChunk's bill", () => {
  test("a shard with nothing to run answers empty and writes no row; one with a receipt in drafts it", async () => {
    const c = newChain("draft-bill");
    await tick(c, 2);
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
  });
});

/**
 * Storage reads name the block whose state they answer (go-iost rpc/api_service.go
 * getContractStorage: block_hash is block_number's hash), on a real Shard: between a chunk and
 * the coordinator naming its block's hash (its `finalize`), and after an eviction forgot the
 * names, a read answers as of the highest block whose hash the shard knows, with that block's
 * data (the chunks above it read undone), never the head's data under an older or empty label.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

type Obj = Record<string, unknown>;

describe("storage reads labelled with the block they reflect", () => {
  it("answer the highest block whose hash the shard knows, with its data", async () => {
    const c = newChain("label");
    await c.shard.status(); // genesis
    const times: bigint[] = [0n];
    const ctx = (h: number, parentHash: string) => {
      times[h] = nowNs() > times[h - 1] ? nowNs() : times[h - 1] + 1_000_000n;
      return { height: h, time: times[h].toString(), parentHash, witness: "w", parentWitness: "w", parentTime: times[h - 1].toString() };
    };
    const read = async () => {
      const r = (await c.shard.read("getContractStorage", "token.iost", "TBproducer000", "iost")) as Obj;
      const list = (await c.shard.listStorage("token.iost", "MAP", "TBproducer000", "", "", 10)) as Obj;
      const listed = (list.datas as { key: string; value: string }[]).find((d) => d.key === "TBproducer000-iost")?.value;
      expect(listed ?? "null", "listContractStorage reads the same block").toBe(r.data);
      expect({ block_number: list.block_number, block_hash: list.block_hash }).toEqual({ block_number: r.block_number, block_hash: r.block_hash });
      return { data: r.data, block_number: r.block_number, block_hash: r.block_hash };
    };
    const send = async (amount: string) => {
      const t = makeTx({ amount });
      expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    };

    await c.shard.finalize(0, "G0");
    const v0 = (await read()).data;
    expect(await read()).toEqual({ data: v0, block_number: "0", block_hash: "G0" });

    // Chunk 1 is built; its block's hash is not known here yet: block 0 answers, with block 0's data.
    await send("5");
    await c.shard.buildChunk(ctx(1, "G0"));
    expect(await read()).toEqual({ data: v0, block_number: "0", block_hash: "G0" });
    // The coordinator names block 1 (with LIB's rise): its data and hash.
    await c.shard.finalize(0, "G0", { number: 1, hash: "H1" });
    const v1 = (await read()).data;
    expect(v1).not.toBe(v0);
    expect(await read()).toEqual({ data: v1, block_number: "1", block_hash: "H1" });

    // Chunk 2's context names block 1, the one it is built on.
    await send("7");
    await c.shard.buildChunk(ctx(2, "H1"));
    expect(await read()).toEqual({ data: v1, block_number: "1", block_hash: "H1" });

    // An eviction forgets the names held in memory: LIB's (stored) is known, and its state is read.
    await abortAllDurableObjects();
    expect(await read()).toEqual({ data: v0, block_number: "0", block_hash: "G0" });
    await c.shard.finalize(1, "H1", { number: 2, hash: "H2" });
    const v2 = (await read()).data;
    expect(v2).not.toBe(v1);
    expect(await read()).toEqual({ data: v2, block_number: "2", block_hash: "H2" });

    // A revert forgets the names above it.
    expect(await c.shard.revertTo(1)).toEqual({ head: 1 });
    expect(await read()).toEqual({ data: v1, block_number: "1", block_hash: "H1" });
  });
});

/**
 * A producer of several groups archives its blocks with the chunks it kept of the shards its objects
 * do not apply (`blocks.kept`, durable-objects/archive.ts), four shards, one producer: after the
 * move to R2 it serves them as before. The project's chain has one group: the instance is given two
 * (the chain's stored shardGroups is checked against its consensus, made at its start), and its
 * retention (1024 heights) cut to 2-height segments, 1 below LIB, as setProduction switches its mode.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { markOf, type Segment } from "../../durable-objects/archive";
import { newChain, nodeEnv, rotateIn, tick } from "../workers/helpers";

type Inst = {
  config: { archive: { retain: number; seg: number }; genesis: { groups?: number } };
  mark: unknown;
  archive(): Promise<void>;
};

/** Two groups on the instance from now on (a new one has the project's one again): it reads `applies`. */
const grouped = (c: ReturnType<typeof newChain>) =>
  runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as Inst).config.genesis.groups = 2;
  });

/** Rotation with two groups and a key outside the list: the node's objects apply shard 0 only, the others' chunks of blocks 1 … head are kept. */
const leaveGroup = (c: ReturnType<typeof newChain>) => rotateIn(c, { groups: 2, keys: () => ["NotElected"] });

/** Segment 0 (heights 1–2) of the coordinator moved to R2: 2-height segments, 1 height kept below LIB (the head, one producer). */
const archiveFirst = (c: ReturnType<typeof newChain>) =>
  runInDurableObject(c.coordStub, async (inst, state) => {
    const coord = inst as unknown as Inst;
    coord.config.archive = { retain: 1, seg: 2 };
    coord.mark = markOf(undefined, 2);
    await coord.archive();
    return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM blocks WHERE number BETWEEN 1 AND 2").one().n;
  });

const served = async (c: ReturnType<typeof newChain>) => ({
  shards: await Promise.all([0, 1, 2, 3].map((s) => c.coord.shardChunks(1, 4, s))),
  blocks: await c.coord.peerBlocks(1, 4),
});

/** Four blocks, then the instance in two groups out of its own: shards 1–3's chunks of blocks 1–4 kept with the blocks. */
async function keptChain(label: string) {
  const c = newChain(label);
  await tick(c, 4);
  await grouped(c);
  await leaveGroup(c);
  return c;
}

describe("kept chunks in R2", () => {
  test("archived heights' chunks of shards not applied are served from the segment as before, whole blocks too; one R2 read for a range", async () => {
    const c = await keptChain("kept-r2");
    const before = await served(c);
    // Shards 1–3 not applied: their chunks of 1–4 come from the blocks' rows.
    for (const s of [1, 2, 3]) expect(before.shards[s].map((b) => b.chunks[s]?.chunk.height)).toEqual([1, 2, 3, 4]);
    expect(before.blocks).toHaveLength(4);

    expect(await archiveFirst(c)).toBe(0);
    expect(await served(c)).toEqual(before);
    const key = `${c.id}:coordinator/0000000000.json`;
    const seg = (await (await nodeEnv.ARCHIVE!.get(key))!.json()) as Segment;
    expect(seg.version).toBe(1);
    expect(seg.blocks!.map((b) => (JSON.parse(b.kept!) as { chunk: { shard: number } }[]).map((k) => k.chunk.shard))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    // A new instance (no segment cached): the same, its every shard's ranges and the blocks reading the segment once.
    await abortAllDurableObjects();
    await grouped(c);
    const gets: string[] = [];
    await runInDurableObject(c.coordStub, (inst) => {
      const reader = (inst as unknown as { segments: { bucket: R2Bucket } }).segments;
      const real = reader.bucket;
      reader.bucket = new Proxy(real, { get: (t, p) => (p === "get" ? (k: string) => (gets.push(k), t.get(k)) : Reflect.get(t, p)) });
    });
    expect(await served(c)).toEqual(before);
    expect(gets).toEqual([key]);
  });

  test("a range of whole blocks reads each block's kept row once, not once for each of the three shards it keeps", async () => {
    const c = await keptChain("kept-once");
    const { asked, chunks } = await runInDurableObject(c.coordStub, async (inst) => {
      const coord = inst as unknown as {
        keptOfBlock(n: number): unknown;
        peerBlocks(from: number, count: number): Promise<{ chunks: { chunk: { shard: number; height: number } }[] }[]>;
      };
      const asked: number[] = [];
      const own = coord.keptOfBlock.bind(coord);
      coord.keptOfBlock = (n) => (asked.push(n), own(n));
      const blocks = await coord.peerBlocks(1, 4);
      return { asked, chunks: blocks.map((b) => b.chunks.map((k) => `${k.chunk.shard}/${k.chunk.height}`)) };
    });
    expect(chunks).toEqual([1, 2, 3, 4].map((n) => [0, 1, 2, 3].map((s) => `${s}/${n}`)));
    expect(asked.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });

  test("a segment written without kept chunks (before they were archived) still reads: blocks served, none kept", async () => {
    const c = await keptChain("kept-old");
    const before = await served(c);
    expect(await archiveFirst(c)).toBe(0);
    const key = `${c.id}:coordinator/0000000000.json`;
    const seg = (await (await nodeEnv.ARCHIVE!.get(key))!.json()) as Segment;
    // As the segments were written before: `{number, hash, json, witnesses}` rows.
    const old = { ...seg, blocks: seg.blocks!.map(({ number, hash, json, witnesses }) => ({ number, hash, json, witnesses })) };
    await nodeEnv.ARCHIVE!.put(key, JSON.stringify(old));
    await abortAllDurableObjects();
    await grouped(c);
    expect(((await c.coord.storedBlock(2)) as { hash: string } | null)?.hash).toBe(JSON.parse(seg.blocks![1].json).hash);
    // Shard 0 is applied: its chunks come from its object whatever the segment holds.
    expect(await c.coord.shardChunks(1, 4, 0)).toEqual(before.shards[0]);
    // Shards not applied: nothing kept at 1–2 any more, so a range from 1 is empty and one from 3 as before.
    expect(await c.coord.shardChunks(1, 4, 1)).toEqual([]);
    expect(await c.coord.shardChunks(3, 2, 1)).toEqual(before.shards[1].slice(2));
    expect(await c.coord.peerBlocks(1, 4)).toEqual([]);
  });
});

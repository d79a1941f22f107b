/** Test helper: a coordinator that puts placeholder chunks (src/sharding/placeholder.ts) for chosen shards. */
import { runInDurableObject } from "cloudflare:test";
import type { Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import type { newChain } from "../workers/helpers";
import { placeholderChunk } from "../../src/sharding/placeholder";

/**
 * Makes `c`'s coordinator put a placeholder for each shard in the returned set while listed (its
 * object applies it instead of building), as a producer does for a shard no builder gave in time.
 */
export async function placeholdersOn(c: ReturnType<typeof newChain>, emptyRoot: string): Promise<Set<number>> {
  const listed = new Set<number>();
  await runInDurableObject(c.coordStub, (inst) => {
    const o = inst as unknown as { shards(): ShardInternal[] };
    const all = Object.getPrototypeOf(o).shards.bind(o) as () => ShardInternal[];
    o.shards = () =>
      all().map((s, i) => {
        const buildChunk = async (ctx: ChunkContext): Promise<Chunk> => {
          if (!listed.has(i)) return s.buildChunk(ctx);
          const p = placeholderChunk((await s.chunkAt(ctx.height - 1))!, i, ctx.time, emptyRoot)!;
          const r = await s.applyChunk(ctx, [], p);
          if ("error" in r) throw new Error(r.error);
          return r;
        };
        return new Proxy(s, { get: (t, k) => (k === "buildChunk" ? buildChunk : (t as unknown as Record<string | symbol, unknown>)[k]) });
      });
  });
  return listed;
}

/** Node and chain status: /getNodeInfo, /getChainInfo, /getGasRatio, /getRAMInfo, /getShardInfo. */
import { Hono } from "hono";
import type { Json } from "../../durable-objects/api";
import { parseServes } from "../../durable-objects/config";
import type { AppEnv, Env } from "../env";
import { headMemo, memoOwner } from "../lib/cache";
import { unwrap } from "../lib/errors";
import { coordinator, shardCount } from "../lib/nodes";
import { readAt } from "../lib/peer-read";
import { CONSENSUS_SHARD, shardOf } from "../../src/sharding/placement";

export const nodeRoutes = new Hono<AppEnv>();

/**
 * The coordinator's chain info, shared by this isolate's requests for HEAD_MEMO_MS (lib/cache.ts);
 * `fresh` asks the coordinator now (a client that sent `Cache-Control: no-cache`) and shares that answer:
 * a read through a peer labelled by the memo's LIB (lib/peer-read.ts) then never goes below the LIB
 * such a client was just shown (network groups.test.ts saw block 3 after a fresh LIB 4).
 */
export function chainInfoOf(env: Env, fresh = false): Promise<Json> {
  // Reading the chain is a good moment to make sure it is ticking: the same call wakes the coordinator.
  return headMemo.get(memoOwner(env), "chainInfo", Date.now(), () => coordinator(env).chainInfo(true), fresh);
}

nodeRoutes.get("/getNodeInfo", async (c) => {
  // One call: the coordinator sums the shards' pools itself.
  const info = await headMemo.get(memoOwner(c.env), "nodeInfo", Date.now(), () => coordinator(c.env).nodeInfo());
  const view = { ...(info as Record<string, Json>) };
  // The edge's clock is the one closest to the client; iost.js derives its
  // tx timestamps from server_time (iost.js IOST.setRPC).
  view.server_time = String(BigInt(Date.now()) * 1_000_000n);
  return c.json(view);
});

// One coordinator call (it also arms the block alarm), or none within HEAD_MEMO_MS of another request's
// unless the client asks for a fresh answer (a reader that must know the head its next reads see).
nodeRoutes.get("/getChainInfo", async (c) => c.json(await chainInfoOf(c.env, /\bno-cache\b/.test(c.req.header("cache-control") ?? ""))));

nodeRoutes.get("/getGasRatio", async (c) => c.json(await coordinator(c.env).getGasRatio()));

/**
 * Not in IOST: the shard count, and with a name, the shard that owns it
 * (`{"shard_count":4,"name":"admin","shard":2}`; docs/SHARDING.md). Without a name, also what this
 * node serves (docs/VALIDATOR.md "Shard groups"): `serves`, the shards whose reads it answers itself
 * (SERVES; the others through a peer, with proofs), and the genesis' `groups` with the head's
 * `epoch` and the shards its producer keys' groups hold in it (`holds`) and, once known, in the next
 * (`holds_next`, else null): one coordinator call, which the name form does not make.
 */
nodeRoutes.get("/getShardInfo/:name?", async (c) => {
  const count = shardCount(c.env);
  const name = c.req.param("name");
  if (name !== undefined) return c.json({ shard_count: count, name, shard: shardOf(name, count) });
  const g = await coordinator(c.env).groupView();
  return c.json({ shard_count: count, serves: parseServes(c.env.SERVES, count), groups: g.groups, epoch: g.epoch, holds: g.shards, holds_next: g.next });
});

nodeRoutes.get("/getRAMInfo", async (c) => c.json(unwrap(await readAt(c.env, CONSENSUS_SHARD, "getRAMInfo"))));

/**
 * Dev-only endpoints (env DEV = "true"): node status and the cost meter for tools and the bench,
 * the ceilings the bench compares its figures with (BENCHMARKS.md "Ceilings": Ed25519 verifies
 * and sha3 hashes in the Worker, a shard's raw SQLite rows), its bulk seed of accounts, and the
 * local-chain conveniences (README "Dev conveniences"): /dev/mine,
 * /dev/snapshot, /dev/revert, all carried out by the coordinator.
 */
import { Hono } from "hono";
import { sha3, sign, verify } from "../../src/crypto/index";
import { loadSha3 } from "../../src/crypto/sha3";
import { ED25519 } from "../../src/tx/types";
import type { MeterView, ShardApi } from "../../durable-objects/api";
import { holdsOf, MAX_BENCH_ROWS, MAX_SEED_ACCOUNTS, positiveInt } from "../../durable-objects/config";
import type { AppEnv, Env } from "../env";
import { headMemo, memoOwner, newGeneration } from "../lib/cache";
import { CODE_UNIMPLEMENTED, RpcFailure, unwrap } from "../lib/errors";
import { allShards, appliedMask, coordinator, homeShard, shard } from "../lib/nodes";
import { edgeUsage, type EdgeUsage } from "../lib/usage";

export const devRoutes = new Hono<AppEnv>();

devRoutes.use("/dev/*", async (c, next) => {
  if (c.env.DEV !== "true") throw new RpcFailure('Not Implemented: dev endpoints are off (DEV is not "true")', CODE_UNIMPLEMENTED);
  await next();
});

/**
 * The objects of the shards this node holds but those it never made (a producer that joined a long chain by
 * a leap: rotation.ts `unmade`), which a call would make, with a genesis no rotation drops. One coordinator
 * request, only with shard groups on a node with no SERVES list (a producer's): the bench's /dev/cost reads of
 * one group count nothing more.
 */
async function madeShards(env: Env): Promise<ShardApi[]> {
  const grouped = holdsOf(env) === null && positiveInt(env.SHARD_GROUPS?.trim(), 1) > 1;
  const unmade = grouped ? await coordinator(env).unmadeShards() : [];
  return allShards(env).filter((_, i) => !unmade.includes(i));
}

/** The cost meter (docs/COST.md): this isolate's edge counters as they stood when the request came in, and every object's (coordinator, validators, shards). */
async function cost(env: Env): Promise<{ edge: EdgeUsage; objects: MeterView[] }> {
  const edge = edgeUsage();
  const [meters, shards] = await Promise.all([coordinator(env).meters(), madeShards(env).then((all) => Promise.all(all.map((s) => s.meter())))]);
  return { edge, objects: [...meters, ...shards] };
}

devRoutes.get("/dev/status", async (c) => {
  const coord = coordinator(c.env);
  const [chain, producer, shards, meters] = await Promise.all([
    coord.chainInfo(),
    coord.status(),
    madeShards(c.env).then((all) => Promise.all(all.map((s) => s.status()))),
    cost(c.env),
  ]);
  return c.json({ chain, coordinator: producer, shards, cost: meters });
});

/** The cost meter alone: reading it is not counted on the objects (the bench reads this one). */
devRoutes.get("/dev/cost", async (c) => c.json(await cost(c.env)));

/**
 * iost conservation (the adversarial suite): every shard's iost balances and frozen balances, summed,
 * against the supply record. Equal on a quiet chain; while a cross-shard credit is in flight, or the
 * shards are at different heads (`heads`), the sum may lag. A full scan of each shard's state. Only
 * on a node whose objects apply every shard: elsewhere the sum would be a part's, and a call to a shard
 * never made here would make its object.
 */
devRoutes.get("/dev/supply", async (c) => {
  const mask = await appliedMask(c.env);
  if (!mask.every(Boolean)) {
    const applied = mask.flatMap((a, i) => (a ? [i] : []));
    throw new RpcFailure(`/dev/supply sums every shard, and this node applies shards ${applied.join(", ")} of ${mask.length}: ask a node that applies all`);
  }
  const parts = await Promise.all(allShards(c.env).map((s) => s.iostHeld()));
  const held = parts.reduce((sum, p) => sum + BigInt(p.held), 0n);
  const supply = parts.find((p) => p.supply !== null)?.supply ?? null;
  return c.json({ heads: parts.map((p) => p.head), supply, held: held.toString() });
});

devRoutes.get("/dev/bench/verify", async (c) => {
  const n = Math.min(Math.max(Number(c.req.query("n") ?? 1000) | 0, 1), 100_000);
  const hash = new Uint8Array(32).fill(9);
  const sig = sign(ED25519, new Uint8Array(32).fill(7), hash);
  const start = performance.now();
  for (let i = 0; i < n; i++) if (!(await verify(sig, hash))) throw new RpcFailure("benchmark signature did not verify");
  const ms = performance.now() - start;
  return c.json({ n, ms, per_second: (n * 1000) / ms });
});

/** `n` sha3-256 hashes of 256 bytes (about a transfer's publish bytes; intake hashes a tx three times), with the wasm permutation intake loads. */
devRoutes.get("/dev/bench/sha3", async (c) => {
  const n = Math.min(Math.max(Number(c.req.query("n") ?? 1000) | 0, 1), 1_000_000);
  await loadSha3();
  const data = new Uint8Array(256).fill(5);
  const start = performance.now();
  for (let i = 0; i < n; i++) data.set(sha3(data)); // each input depends on the last: nothing to hoist
  const ms = performance.now() - start;
  return c.json({ n, ms, per_second: (n * 1000) / ms });
});

/** Shard 0's raw SQLite rate: `n` rows inserted in one transaction and read back by key, timed inside the object. */
devRoutes.get("/dev/bench/rows", async (c) => {
  const n = Math.min(Math.max(Number(c.req.query("n") ?? 1000) | 0, 1), MAX_BENCH_ROWS);
  const r = unwrap(await shard(c.env, 0).benchRows(n));
  return c.json({ ...r, writes_per_second: (n * 1000) / r.writeMs, reads_per_second: (n * 1000) / r.readMs });
});

/**
 * Body `{"template":"<account>","from":F,"count":N}`: the template's state rows copied to accounts
 * `s<8 digits>` F … F+N−1 on its shard (durable-objects/shard/bench.ts; outside consensus, no state root covers them).
 */
devRoutes.post("/dev/bench/seed", async (c) => {
  const { template, from = 0, count } = await jsonBody(await c.req.text());
  if (typeof template !== "string") throw new RpcFailure(`invalid template ${JSON.stringify(template) ?? "(missing)"}: expected an account name`);
  if (!Number.isInteger(from) || !Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_SEED_ACCOUNTS) {
    throw new RpcFailure(`invalid from ${JSON.stringify(from)} count ${JSON.stringify(count) ?? "(missing)"}: integers, count from 1 to ${MAX_SEED_ACCOUNTS}`);
  }
  return c.json(unwrap(await homeShard(c.env, template).seedAccounts(template, from as number, count as number)));
});

/** A dev POST body: empty, or a JSON object. */
async function jsonBody(text: string): Promise<Record<string, unknown>> {
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new RpcFailure(`invalid request body: ${(err as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RpcFailure("invalid request body: expected a JSON object");
  return body as Record<string, unknown>;
}

/** Body `{"blocks":N}` (default 1, at most 100): N blocks now, in any production mode. Answers the new head. */
devRoutes.post("/dev/mine", async (c) => {
  const blocks = (await jsonBody(await c.req.text())).blocks ?? 1;
  if (typeof blocks !== "number") throw new RpcFailure(`invalid blocks ${JSON.stringify(blocks)}: expected a JSON number`);
  const head = unwrap(await coordinator(c.env).mine(blocks));
  headMemo.clear(memoOwner(c.env)); // the next getChainInfo shows the mined blocks
  return c.json(head);
});

/** Body `{"shard": i}`: shard i starts over from a peer's state at LIB, as after a wipe (docs/VALIDATOR.md "Joining or rotating onto a shard"); answers what it took. */
devRoutes.post("/dev/resyncShard", async (c) => {
  const index = ((await c.req.json().catch(() => null)) as { shard?: unknown } | null)?.shard;
  if (typeof index !== "number") throw new RpcFailure(`invalid shard ${JSON.stringify(index) ?? "(missing)"}: expected a shard index`);
  return c.json(unwrap(await coordinator(c.env).resyncShard(index)));
});

/** Captures the whole node; answers `{"id":"<n>"}` for /dev/revert. */
devRoutes.post("/dev/snapshot", async (c) => c.json(unwrap(await coordinator(c.env).snapshot())));

/** Body `{"id":"<n>"}`: every object back to that snapshot, which is consumed with all later ones. Answers the restored head. */
devRoutes.post("/dev/revert", async (c) => {
  const id = (await jsonBody(await c.req.text())).id;
  if (typeof id !== "string") throw new RpcFailure(`invalid id ${JSON.stringify(id) ?? "(missing)"}: expected the string /dev/snapshot answered`);
  const head = unwrap(await coordinator(c.env).revert(id));
  headMemo.clear(memoOwner(c.env));
  newGeneration(); // blocks and receipts cached as final may be gone
  return c.json(head);
});

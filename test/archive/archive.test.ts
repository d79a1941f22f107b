/**
 * Bounded storage (durable-objects/archive.ts, docs/COST.md "Storage"), in the "workerd-archive"
 * project: 4 heights kept below LIB, 8 heights per segment, one producer (LIB = head).
 */
import { abortAllDurableObjects, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { validatorStub } from "../../durable-objects/env";
import { base58Encode } from "../../src/codec/base58";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { newChain, nodeEnv } from "../workers/helpers";
import { makeTx } from "../workers/txs";
import { measure } from "./measure";

type Obj = Record<string, unknown>;
type Patchable = { setMeta(key: string, value: string): void };

const get = async (path: string) => {
  const r = await SELF.fetch(`http://node${path}`, { headers: { "X-Chain-Id": "1020" } });
  return { status: r.status, text: await r.text() };
};
const mine = async (blocks: number) => {
  const r = await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks }) });
  expect(r.status).toBe(200);
};
const count = (stub: DurableObjectStub, query: string, ...args: unknown[]) =>
  runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>(query, ...args).one().n);
const r2Keys = async () => (await nodeEnv.ARCHIVE!.list()).objects.map((o) => o.key).sort();

describe("old blocks move to R2", () => {
  test("blocks, txs, receipts and /p2p/blocks are served byte-identically before and after archiving and after a restart", async () => {
    const coord = nodeEnv.COORDINATOR.getByName("coordinator");
    const shard = nodeEnv.SHARD.getByName("shard-0");
    await mine(1);
    const t = makeTx({ amount: "3", memo: "archived" });
    const shardApi = shard as unknown as { submitTx(b: Uint8Array, h: string): Promise<unknown> };
    expect(await shardApi.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await mine(1);
    const height = Number((JSON.parse((await get(`/getTxByHash/${t.hash}`)).text) as Obj).block_number);
    expect(height).toBe(2);
    const hash = ((JSON.parse((await get(`/getBlockByNumber/${height}/false`)).text) as Obj).block as Obj).hash as string;
    const paths = [
      `/getBlockByNumber/${height}/true`,
      `/getBlockByNumber/${height}/false`,
      `/getBlockByNumber/1/true`,
      `/getBlockByHash/${hash}/true`,
      `/getTxByHash/${t.hash}`,
      `/getTxReceiptByTxHash/${t.hash}`,
      "/p2p/blocks?from=1&count=2",
    ];
    const before = await Promise.all(paths.map(get));
    for (const r of before) expect(r.status).toBe(200);
    expect(JSON.parse(before[0].text).block.transactions.map((x: Obj) => x.hash)).toContain(t.hash);
    expect((JSON.parse(before[6].text) as { blocks: unknown[] }).blocks).toHaveLength(2);

    await mine(30); // LIB 32: segments 1–8, 9–16, 17–24 end at least 4 below it; 25–32 does not
    expect(await r2Keys()).toEqual([
      "coordinator/0000000000.json",
      "coordinator/0000000001.json",
      "coordinator/0000000002.json",
      "shard-0/0000000000.json",
      "shard-0/0000000001.json",
      "shard-0/0000000002.json",
    ]);
    expect(await count(coord, "SELECT COUNT(*) AS n FROM blocks WHERE number BETWEEN 1 AND 24")).toBe(0);
    expect(await count(coord, "SELECT COUNT(*) AS n FROM blocks WHERE number > 24")).toBe(8);
    expect(await count(coord, "SELECT COUNT(*) AS n FROM archived_blocks")).toBe(24);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM chunks WHERE height BETWEEN 1 AND 24")).toBe(0);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM chunks WHERE height = 0 OR height > 24")).toBe(9);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM tx_index WHERE hash = ? AND length(bytes) = 0 AND receipt IS NULL", t.hash)).toBe(1);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM chunks WHERE height <= 24 AND events IS NOT NULL")).toBe(0);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM chunks WHERE height > 24 AND events IS NOT NULL")).toBeGreaterThan(0);
    expect(await count(shard, "SELECT COUNT(*) AS n FROM chunks WHERE height <= 24 AND (undo IS NOT NULL OR writes IS NOT NULL)")).toBe(0);

    expect(await Promise.all(paths.map(get))).toEqual(before);
    // A replay of the archived tx is still refused: its slim row stays.
    expect(await shardApi.submitTx(t.bytes, t.hash)).toEqual({ error: "tx exists in chain" });

    await abortAllDurableObjects(); // fresh instances over the same storage and bucket
    expect(await Promise.all(paths.map(get))).toEqual(before);
    expect(await get("/getBlockByNumber/25/true")).toMatchObject({ status: 200 });
  });

  test("a crash between the R2 put and the SQLite delete loses nothing; the next LIB rise writes the same segment and archives", async () => {
    const c = newChain("crash");
    const crash = (stub: DurableObjectStub) =>
      runInDurableObject(stub, (inst) => {
        const o = inst as unknown as Patchable;
        const real = o.setMeta.bind(o);
        o.setMeta = (key, value) => {
          if (key !== "archived") return real(key, value);
          o.setMeta = real;
          throw new Error("crash after the R2 put");
        };
      });
    await c.coord.mine(10);
    await crash(c.coordStub);
    await crash(c.shardRaw);
    await c.coord.mine(2); // LIB 12: segment 1–8 is due, both puts land, both transactions roll back
    const keys = [`${c.id}:coordinator/0000000000.json`, `${c.id}:shard-0/0000000000.json`];
    const first = await Promise.all(keys.map(async (k) => (await nodeEnv.ARCHIVE!.get(k))?.text()));
    expect(first.every((x) => typeof x === "string")).toBe(true);
    expect(await count(c.coordStub, "SELECT COUNT(*) AS n FROM blocks WHERE number BETWEEN 1 AND 8")).toBe(8);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks WHERE height BETWEEN 1 AND 8")).toBe(8);
    const block3 = await c.coord.getBlockByNumber(3);
    const chunk3 = await c.shard.chunkAt(3);
    expect("error" in block3).toBe(false);

    await c.coord.mine(1);
    const again = await Promise.all(keys.map(async (k) => (await nodeEnv.ARCHIVE!.get(k))?.text()));
    expect(again).toEqual(first);
    expect(await count(c.coordStub, "SELECT COUNT(*) AS n FROM blocks WHERE number BETWEEN 1 AND 8")).toBe(0);
    expect(await count(c.shardRaw, "SELECT COUNT(*) AS n FROM chunks WHERE height BETWEEN 1 AND 8")).toBe(0);
    expect(await c.coord.getBlockByNumber(3)).toEqual(block3);
    expect(await c.shard.chunkAt(3)).toEqual(chunk3);
  });

  test("a dev revert to before archived segments forgets them: heights built again are served, not the old ones", async () => {
    const c = newChain("revert");
    await c.coord.mine(2);
    const snap = (await c.coord.snapshot()) as { id: string };
    await c.coord.mine(30);
    const old = (await c.coord.getBlockByNumber(10)) as unknown as { block: { hash: string } };
    expect(await count(c.coordStub, "SELECT COUNT(*) AS n FROM blocks WHERE number = 10")).toBe(0); // archived
    expect(await c.coord.revert(snap.id)).not.toHaveProperty("error");
    expect(await c.coord.getBlockByNumber(10)).toEqual({ error: "block not found" });
    expect(await c.shard.chunkAt(10)).toBeNull();
    // A tx the old branch did not have: the blocks built again differ from the old ones whatever their times.
    const t = makeTx({ memo: "after the revert" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await c.coord.mine(10);
    const fresh = (await c.coord.getBlockByNumber(10)) as unknown as { block: { hash: string; time: string } };
    expect(fresh.block.hash).not.toBe(old.block.hash);
    expect((await c.shard.chunkAt(10))?.time).toBe(fresh.block.time);
  });

  test("databaseSize stays bounded: with R2 a block leaves only its slim rows, a tx its slim tx_index row", async () => {
    const m = await measure("r2");
    // Without R2 (no-r2.test.ts) a block adds ~1.1 KB to each. What stays: the coordinator's
    // archived_blocks row; the shard's slim tx_index row of the base tx (and of each transfer) and
    // its replay key. Whole 4 KB pages, so the figures move by a page over 100 txs.
    expect(m.block[0]).toBeLessThanOrEqual(160);
    expect(m.block[1]).toBeLessThanOrEqual(256);
    expect(m.tx[1]).toBeLessThanOrEqual(640);
  }, 180_000);
});

describe("validator signatures are bounded", () => {
  test("rows more than 4096 below a signed height are dropped every 256 heights, and nothing at or below the floor is signed", async () => {
    const c = newChain("signed");
    const pubkey = DEV_PRODUCERS[0].pubkey;
    const v = validatorStub(nodeEnv, `${c.id}:${pubkey}`);
    const hash = (n: number) => base58Encode(new Uint8Array(32).fill(n));
    const sig = await v.signBlock(100, hash(1), pubkey, "1");
    expect(sig).toHaveProperty("signature");
    expect(await v.signBlock(100, hash(1), pubkey, "1")).toEqual(sig); // a retry
    expect(await v.signBlock(4351, hash(2), pubkey, "2")).toHaveProperty("signature");
    expect(await v.signedAt(100)).toBe(hash(1)); // 4351 is not a pruning height
    expect(await v.signBlock(4352, hash(3), pubkey, "3")).toHaveProperty("signature");
    expect(await v.signedAt(100)).toBeNull();
    expect(await v.signBlock(100, hash(4), pubkey, "4")).toEqual({
      error: "double sign refused: height 100 is at or below 256, whose signatures are no longer kept",
    });
    expect(await v.signBlock(256, hash(4), pubkey, "4")).toHaveProperty("error");
    expect(await v.signBlock(257, hash(4), pubkey, "4")).toHaveProperty("signature");
    expect(await v.signBlock(4351, hash(5), pubkey, "2")).toEqual({ error: `double sign refused: height 4351 already signed for block ${hash(2)}` });
  });
});

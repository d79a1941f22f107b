/**
 * The shard's block log and checkpoint (durable-objects/sql-store.ts, shard/block-log.ts): a
 * height's state writes live in its chunk row and in memory until the checkpoint brings
 * `state_kv` up to date; a restart replays the rows above the checkpoint, a revert applies the
 * undo data to `state_kv` after a checkpoint at the head, and both give the same state and roots.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk } from "../../durable-objects/api";
import { logAt, PART, storeChunk } from "../../durable-objects/shard/block-log";
import { CHECKPOINT_BLOCKS } from "../../durable-objects/sql-store";
import { newChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

type Chain = ReturnType<typeof newChain>;
type Obj = Record<string, unknown>;

async function balance(c: Chain, account: string): Promise<number> {
  return ((await c.shard.read("getTokenBalance", account, "iost")) as Obj).balance as number;
}

/** The state_kv value of every key the logs of heights 1…upTo wrote (last write wins), and that last write. */
async function kvAgainstLogs(c: Chain, upTo: number): Promise<{ key: string; logged: string | null; kv: string | null }[]> {
  return runInDurableObject(c.shardRaw, (_obj, state) => {
    const sql = state.storage.sql;
    const last = new Map<string, string | null>();
    for (const r of sql.exec<{ writes: string }>("SELECT writes FROM chunks WHERE height BETWEEN 1 AND ? AND writes IS NOT NULL ORDER BY height", upTo)) {
      for (const [k, v] of JSON.parse(r.writes) as [string, string | null][]) last.set(k, v);
    }
    return [...last].map(([key, logged]) => {
      const rows = sql.exec<{ value: string }>("SELECT value FROM state_kv WHERE key = ?", key).toArray();
      return { key, logged, kv: rows.length === 0 ? null : rows[0].value };
    });
  });
}

const checkpointOf = (c: Chain) =>
  runInDurableObject(
    c.shardRaw,
    (_obj, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM shard_meta WHERE key = 'checkpoint'").one().value,
  );

describe("block log and checkpoint", () => {
  test("a restart replays the log above the checkpoint; a checkpoint and a revert keep state and roots", async () => {
    const c = newChain("block-log");
    // Block times as a live chain has them (a tx stamped now fits the next block); a rebuilt height reuses its own.
    const times: bigint[] = [0n];
    const ctx = (h: number) => {
      if (times[h] === undefined) times[h] = nowNs() > times[h - 1] ? nowNs() : times[h - 1] + 1_000_000n;
      return { height: h, time: times[h].toString(), parentHash: "", witness: "w", parentWitness: "w", parentTime: times[h - 1].toString() };
    };
    const before = await balance(c, "producer000");
    const chunks: Chunk[] = [];
    const t = makeTx({ amount: "5" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    chunks[1] = await c.shard.buildChunk(ctx(1));
    expect(chunks[1].txHashes).toContain(t.hash);

    // Height 1's writes are in its log row, not in state_kv yet.
    expect(await checkpointOf(c)).toBe("0");
    const lagging = await kvAgainstLogs(c, 1);
    expect(lagging.length).toBeGreaterThan(0);
    expect(lagging.some((w) => w.kv !== w.logged)).toBe(true);
    expect(await balance(c, "producer000")).toBe(before + 5);

    await abortAllDurableObjects();
    expect(await balance(c, "producer000")).toBe(before + 5);
    expect((await c.shard.status()).stateRoot).toBe(chunks[1].stateRoot);

    // Up to the checkpoint: state_kv then holds every logged write.
    for (let h = 2; h <= CHECKPOINT_BLOCKS + 2; h++) {
      if (h === 40) {
        const u = makeTx({ amount: "7", memo: "late" });
        expect(await c.shard.submitTx(u.bytes, u.hash)).toEqual({ hash: u.hash });
      }
      chunks[h] = await c.shard.buildChunk(ctx(h));
    }
    expect(await checkpointOf(c)).toBe(String(CHECKPOINT_BLOCKS));
    expect((await kvAgainstLogs(c, CHECKPOINT_BLOCKS)).filter((w) => w.kv !== w.logged)).toEqual([]);
    expect(await balance(c, "producer000")).toBe(before + 12);

    // A revert to below the checkpoint: state_kv goes back by the undo data; rebuilt heights are the same.
    expect(await c.shard.revertTo(30)).toEqual({ head: 30 });
    expect(await checkpointOf(c)).toBe("30");
    expect(await balance(c, "producer000")).toBe(before + 5);
    expect((await c.shard.status()).stateRoot).toBe(chunks[30].stateRoot);
    for (let h = 31; h <= CHECKPOINT_BLOCKS + 2; h++) {
      if (h === 50) await abortAllDurableObjects();
      expect((await c.shard.buildChunk(ctx(h))).stateRoot).toBe(chunks[h].stateRoot);
    }
    expect(await balance(c, "producer000")).toBe(before + 12);
    await abortAllDurableObjects();
    expect(await balance(c, "producer000")).toBe(before + 12);
    expect((await c.shard.status()).stateRoot).toBe(chunks[CHECKPOINT_BLOCKS + 2].stateRoot);
  });

  test("a log too large for one row is stored in parts and read back whole", async () => {
    const c = newChain("block-log-parts");
    await c.shard.status();
    const out = await runInDurableObject(c.shardRaw, (_obj, state) => {
      const sql = state.storage.sql;
      const big = JSON.stringify([["k", "€".repeat(PART)]]); // over PART characters (3 UTF-8 bytes each)
      const chunk: Chunk = { shard: 0, height: 7, time: "1", txHashes: [], receiptHashes: [], gasUsage: "0", stateRoot: "00" };
      let read: (string | null)[] = [];
      let parts = 0;
      try {
        state.storage.transactionSync(() => {
          storeChunk(sql, chunk, { writes: big, undo: "[]", events: null, sent: null });
          read = [logAt(sql, 7, "writes"), logAt(sql, 7, "undo"), logAt(sql, 7, "events")];
          parts = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM log_parts WHERE height = 7").one().n;
          throw new Error("roll back");
        });
      } catch {}
      return { same: read[0] === big, undo: read[1], events: read[2], parts };
    });
    expect(out).toEqual({ same: true, undo: "[]", events: null, parts: 3 });
  });
});

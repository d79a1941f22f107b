/**
 * Where a transfer's time goes inside a shard's chunk build (issue #17 item 2, BENCHMARKS.md
 * "Shard executor"). A pool of N transfers is built into one chunk by the real `buildChunk`
 * (its time from the shard's own work counter), after a dry pass over the same pool that times
 * each step of chunk-build.ts's loop on the shard's own store and SQLite, inside a transaction it
 * rolls back. Wall clock here is a measurement, never an input of execution.
 *
 * It asserts what the profile stands on: the dry pass's receipts are the real chunk's, and the
 * chunk build writes no more rows than its txs' index rows, their pool deletes and its own row,
 * and reads a few per tx.
 * It prints the table.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { executeTx } from "../../src/executor/index";
import { sha3 } from "../../src/crypto/sha3";
import { ShardState } from "../../src/executor/guard";
import { decodeTx, receiptBytes } from "../../src/tx/index";
import { receiptToJson } from "../../src/tx/view";
import * as core from "../../durable-objects/core";
import type { DecodedPool } from "../../durable-objects/shard/decoded";
import type { SqlStore } from "../../durable-objects/sql-store";
import { bytesOf } from "../../durable-objects/values";
import { newChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

/**
 * 200 transfers in two rounds (the second on a warm object, the one printed) keep this file to seconds in `npm test`;
 * BENCHMARKS.md's figures are of 900, under the block gas cap (about 965 transfers of this kind).
 */
const N = 200;
const ROUNDS = 2;

type Steps = Record<string, number>;

/** The shard's private parts the dry pass uses. */
interface ShardInside {
  sql: SqlStorage;
  kv: SqlStore;
  decoded: DecodedPool;
  head: number;
  ctx: DurableObjectState;
  work: { chunks: number; txs: number; ms: number };
}

describe("shard executor profile", () => {
  test(`${N} transfers a chunk: per-step time, same receipts as the real build, rows written`, async () => {
    const c = newChain("profile");
    await c.shard.status();
    let parent = 0n;
    // The first chunks warm the JIT up (the first is about 3× slower); the last one is reported.
    for (let height = 1; height <= ROUNDS; height++) parent = await round(c, height, parent, height === ROUNDS);
  }, 300_000);
});

/** One chunk of N transfers at `height`: the dry pass, then the real build; returns its time. */
async function round(c: ReturnType<typeof newChain>, height: number, parentTime: bigint, report: boolean): Promise<bigint> {
  const txs = Array.from({ length: N }, (_, i) => makeTx({ amount: "1", memo: `p${height}-${i}`, time: nowNs() - 1_000_000_000n + BigInt(i) }));
  for (const t of txs) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
  const time = nowNs();
  const block: core.BlockInfo = { number: BigInt(height), time, parentHash: "", witness: "w" };
  const place = { index: 0, count: 1 };

  const dry = await runInDurableObject(c.shardRaw, async (inst) => {
    const s = inst as unknown as ShardInside;
    await core.loadVm();
    const steps: Steps = {};
    const lap = (name: string, t0: number) => {
      const t1 = performance.now();
      steps[name] = (steps[name] ?? 0) + (t1 - t0);
      return t1;
    };
    const receipts: string[] = [];
    try {
      s.ctx.storage.transactionSync(() => {
        const state = new ShardState(s.kv, place);
        let t = performance.now();
        const hashes = s.sql.exec<{ hash: string }>("SELECT hash FROM mempool WHERE time <= ? ORDER BY ord", time.toString().padStart(20, "0")).toArray();
        t = lap("pool pick (one SELECT)", t);
        for (const { hash } of hashes) {
          // Every other tx as the build ran before admission's decoded txs reached it (`old`).
          const old = receipts.length % 2 === 0;
          const held = old ? undefined : s.decoded.get(hash);
          if (!old) expect(held).toBeDefined();
          const bytes = held?.bytes ?? s.sql.exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM mempool WHERE hash = ?", hash).one().bytes;
          t = lap(old ? "read tx bytes (SELECT) [before]" : "tx from admission's decoded cache [now]", t);
          const tx = held?.tx ?? decodeTx(bytesOf(bytes));
          if (old) t = lap("decode [before]", t);
          state.watch();
          state.checkpoint();
          const r = old
            ? executeTx(state, tx, base58Decode(hash), { ...block, chainId: 0, shard: place })
            : core.executeTx(0, place, state, tx, hash, block, { size: held?.size });
          t = lap(old ? "execute: id decoded, tx encoded again for Net gas [before]" : "execute: id and size given [now]", t);
          if ("dropped" in r) throw new Error(r.dropped);
          const json = JSON.stringify(receiptToJson(r.receipt));
          t = lap("receipt JSON", t);
          s.sql.exec(
            `INSERT INTO tx_index (hash, status, height, idx, bytes, receipt, message, gas_ratio, pending) VALUES (?, 'executed', ?, ?, ?, ?, '', ?, 0)
               ON CONFLICT(hash) DO UPDATE SET status = 'executed', height = excluded.height, idx = excluded.idx,
                 receipt = excluded.receipt, message = '', pending = excluded.pending`,
            hash,
            height,
            receipts.length,
            bytes,
            json,
            Number(tx.gasRatio),
          );
          t = lap("index INSERT", t);
          s.sql.exec("DELETE FROM mempool WHERE hash = ?", hash);
          t = lap("pool DELETE", t);
          base58Encode(sha3(receiptBytes(r.receipt)));
          t = lap("receipt hash (bytes + sha3)", t);
          state.release();
          receipts.push(json);
          t = lap("other", t);
        }
        const writes = state.writes();
        for (const [key] of writes) s.kv.get(key);
        const log = JSON.stringify(writes);
        state.commit();
        s.kv.seal();
        t = lap("chunk commit (write set, undo, log JSON, root)", t);
        steps.__log = log.length;
        throw new Error("rollback");
      });
    } catch (err) {
      if ((err as Error).message !== "rollback") throw err;
    } finally {
      s.kv.drop();
    }
    return { steps, receipts };
  });

  const before = await c.shard.meter();
  const workBefore = (await c.shard.status()).work.ms;
  const chunk = await c.shard.buildChunk({
    height,
    time: time.toString(),
    parentHash: "",
    witness: "w",
    parentWitness: "w",
    parentTime: parentTime.toString(),
  });
  const after = await c.shard.meter();
  const written = after.rowsWritten - before.rowsWritten;
  const read = after.rowsRead - before.rowsRead;
  expect(chunk.txHashes).toHaveLength(N + 1); // the base tx, then the pool
  const ms = (await c.shard.status()).work.ms - workBefore;
  await c.shard.finalize(height, `block-${height}`);
  // The dry pass ran the same txs on the same state: its receipts are the chunk's.
  for (const i of [0, N >> 1, N - 1]) {
    expect(await c.shard.getTxReceipt(chunk.txHashes[i + 1])).toEqual(JSON.parse(dry.receipts[i]));
  }
  if (report) {
    // A [before]/[now] step ran for every other tx: doubled, per tx of its kind.
    const per = (k: string, ms: number) => (ms * 1000 * (k.endsWith("]") ? 2 : 1)) / N;
    const rows = Object.entries(dry.steps).filter(([k]) => !k.startsWith("__"));
    const sum = (skip: string) => rows.filter(([k]) => !k.endsWith(skip)).reduce((a, [k, v]) => a + per(k, v), 0);
    console.log(
      [
        `| step (dry pass, ${N} transfers) | µs per tx |`,
        ...rows.map(([k, v]) => `| ${k} | ${per(k, v).toFixed(1)} |`),
        `| **dry pass total, before** | ${sum("[now]").toFixed(1)} |`,
        `| **dry pass total, now** | ${sum("[before]").toFixed(1)} |`,
        `| **the real buildChunk (its work.ms)** | ${((ms * 1000) / N).toFixed(1)} |`,
        `rows written by the build: ${written} (${(written / N).toFixed(2)} per tx), read: ${read} (${(read / N).toFixed(2)} per tx); write log ${dry.steps.__log} chars`,
        `executed tx/s (real build): ${Math.round((N / ms) * 1000)}`,
      ].join("\n"),
    );
  }
  // Per tx: its pool row out, its index row in (admission wrote it already as a replay key); per chunk a few.
  expect(written).toBeLessThanOrEqual(4 * N + 8);
  // Rows read: the state's records come from the store's read cache after their first read, the pick and expiry from
  // the pool's index (before: about 16 and 3 a transfer); what is left is each pool row's DELETE.
  expect(read).toBeLessThanOrEqual(2 * N);
  return time;
}

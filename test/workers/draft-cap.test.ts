/**
 * A draft bounded by the answer cap (Shard.draftChunk, POST /p2p/chunk with shard groups; the
 * attack on issue #18's builders). Big txs alone cannot pass it: the block's gas cap holds a chunk
 * to about 13 txs of 60 KB (tx bytes cost gas), 1 MB. A state witness can: a read costs the same
 * gas whatever the value's size, so a stranger's contract reading many big values makes a
 * chunk whose witness (every key read, with its value) no answer (MAX_WITNESS_BYTES) carries.
 * The shard takes no more pool txs into the draft once its chunk, txs and witness would pass
 * MAX_DRAFT_BYTES: the rest stays pooled for the next chunks; a tx over it on its own leaves the
 * pool with why. Every draft fits and carries txs, a node without the shard's state checks the cut
 * chunk by its witness alone, and no tx is lost.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext } from "../../durable-objects/api";
import { MAX_DRAFT_BYTES } from "../../durable-objects/config";
import { checkChunk } from "../../durable-objects/shard/witness";
import { base64Encode } from "../../src/codec/base64";
import { newChain, nodeEnv, transferChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

/** `fill` stores n values of 60,000 characters (under IOST's 65,536 input cap) from key `from`; `read` reads n of them. */
const CODE = `class Fat { init() {}
  fill(from, n) { for (let i = from; i < from + n; i++) storage.put("f" + i, "m".repeat(60000)); }
  read(from, n) { let s = 0; for (let i = from; i < from + n; i++) s += storage.get("f" + i).length; return s; } }
module.exports = Fat;`;
const abi = [
  { name: "fill", args: ["number", "number"], amountLimit: [] },
  { name: "read", args: ["number", "number"], amountLimit: [] },
];
const contract = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi }, code: CODE });
/** Values stored: 100 × 60 KB, 6 MB. */
const KEYS = 100;
/** Keys each attacking tx reads: 600 KB of witness for one tx's few thousand gas. */
const PER_TX = 10;
const utf8 = new TextEncoder();

describe("a draft bounded by the answer cap", () => {
  test("txs reading many big values: every draft fits and carries txs, the rest goes in the next chunks, a tx over the cap alone leaves with why", async () => {
    const { c, chunks } = await transferChain("draft-cap", 1);
    let head: Chunk = chunks[1];
    const ctxAfter = (): ChunkContext => {
      const time = (nowNs() > BigInt(head.time) ? nowNs() : BigInt(head.time) + 1_000_000n).toString();
      return { height: head.height + 1, time, parentHash: "", witness: "w", parentWitness: "w", parentTime: head.time };
    };
    /** Chunks built by the shard itself (one group: not bounded) until the pool is empty. */
    /** The receipts of the chunks built or applied since height `from`, by tx hash. */
    const receiptsSince = async (from: number) => {
      const out = new Map<string, { status_code: string; returns: string[] }>();
      for (let h = from; h <= head.height; h++) {
        for (const x of (await c.shard.getChunkTxs(h)) as { hash: string; tx_receipt: { status_code: string; returns: string[] } }[])
          out.set(x.hash, x.tx_receipt);
      }
      return out;
    };
    const buildAll = async () => {
      for (let i = 0; (await c.shard.status()).pool > 0; i++) {
        expect(i).toBeLessThan(10);
        head = await c.shard.buildChunk(ctxAfter());
      }
    };
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    expect(await c.shard.submitTx(deploy.bytes, deploy.hash)).toEqual({ hash: deploy.hash });
    await buildAll();
    const id = `Contract${deploy.hash}`;
    const call = (action: string, from: number, n: number, memo = 0, gasRatio = 100n) =>
      makeTx({
        time: nowNs() + BigInt(memo),
        actions: [{ contract: id, actionName: action, data: JSON.stringify([from, n]) }],
        gasLimit: 400_000_000n,
        gasRatio,
      });
    const ram = makeTx({ actions: [{ contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", "admin", 7_000_000]) }] });
    expect(await c.shard.submitTx(ram.bytes, ram.hash)).toEqual({ hash: ram.hash });
    await buildAll();
    const fills = Array.from({ length: KEYS / PER_TX }, (_, i) => call("fill", i * PER_TX, PER_TX, i));
    for (const t of fills) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    const filled = head.height + 1;
    await buildAll();
    const fillReceipts = await receiptsSince(filled);
    for (const t of fills) expect(fillReceipts.get(t.hash)).toMatchObject({ status_code: "SUCCESS" });

    // The attack: txs reading 10 values each, every one in several of them, and one reading all 100 (6 MB) alone, first in pool order.
    const reads = Array.from({ length: 30 }, (_, i) => call("read", (i % (KEYS / PER_TX)) * PER_TX, PER_TX, i));
    const all = call("read", 0, KEYS, 99, 200n);
    for (const t of [...reads, all]) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });

    const drafted = head.height + 1;
    const taken: string[] = [];
    for (let n = 0; (await c.shard.status()).pool > 0; n++) {
      expect(n).toBeLessThan(15);
      const ctx = ctxAfter();
      const d = await c.shard.draftChunk(ctx);
      if ("error" in d || "empty" in d) throw new Error(`height ${ctx.height}: ${JSON.stringify(d)}`);
      const answer = JSON.stringify({ shard: 0, height: ctx.height, chunk: d.chunk, txs: d.txs.map((t) => base64Encode(t)), witness: d.witness, incoming: [] });
      const bytes = utf8.encode(answer).length;
      console.log(`draft of height ${ctx.height}: ${d.chunk.txHashes.length - 1} txs, ${d.witness.entries.length} witness entries, ${bytes} bytes`);
      expect(bytes).toBeLessThanOrEqual(MAX_DRAFT_BYTES);
      // Cut, never emptied: the base tx and some of the pool's.
      expect(d.chunk.txHashes.length).toBeGreaterThan(1);
      if (n === 0) {
        // The cut is in the chunk: a node without the shard's state re-executes it from the witness to its roots.
        const other = newChain("draft-cap-check");
        const checked = await runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-0`), () =>
          checkChunk(head.stateRoot, { ctx, txs: d.txs, incoming: [], chunk: d.chunk }, d.witness, {
            chainId: 1020,
            place: { index: 0, count: 1 },
            sentRoots: [],
          }),
        );
        expect(checked).not.toHaveProperty("error");
        // The tx over the cap alone left the pool at once, not run again by the next drafts.
        expect(await c.shard.getTx(all.hash)).toMatchObject({
          error: expect.stringMatching(/tx results too large: its state witness and bytes take about \d+ bytes/),
        });
        expect((await c.shard.status()).pool).toBe(reads.length);
      }
      expect(await c.shard.applyChunk(ctx, d.txs, d.chunk)).toEqual(d.chunk);
      head = d.chunk;
      taken.push(...d.chunk.txHashes.slice(1));
    }
    // Every reading tx went in a chunk, once, and ran; the one over the cap alone is in none.
    expect(taken.toSorted()).toEqual(reads.map((t) => t.hash).toSorted());
    const readReceipts = await receiptsSince(drafted);
    for (const t of reads) expect(readReceipts.get(t.hash)).toMatchObject({ status_code: "SUCCESS", returns: ['["600000"]'] });
  });
});

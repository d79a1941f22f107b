/**
 * A draft bounded by the answer cap (Shard.draftChunk, POST /p2p/chunk with shard groups; the
 * attack on issue #18's builders). Big txs alone cannot pass it: the block's gas cap holds a chunk
 * to about 13 txs of 60 KB (tx bytes cost gas), 1 MB. A state witness can: a read costs the same
 * gas whatever the value's size, so a stranger's contract reading many big values makes a
 * chunk whose witness (every key read, with its value) no answer (MAX_WITNESS_BYTES) carries.
 * The shard takes no more pool txs into the draft once its chunk, txs and witness would pass
 * MAX_DRAFT_BYTES: the rest stays pooled for the next chunks; a tx over it on its own leaves the
 * pool with why; the witness made is measured, and a chunk the running count let past (it counts
 * characters, the answer UTF-8 bytes) runs again with fewer txs. Every draft fits and carries txs,
 * a node without the shard's state checks the cut chunk by its witness alone, and no tx is lost.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext } from "../../durable-objects/api";
import { MAX_DRAFT_BYTES } from "../../durable-objects/config";
import { checkChunk } from "../../durable-objects/shard/witness";
import { base64Encode } from "../../src/codec/base64";
import { newChain, nodeEnv, transferChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

/**
 * `fill` stores n values of `size` characters `unit` (under IOST's 65,536 input cap) from key `from`; `read` reads n
 * of them and answers their characters.
 */
const CODE = `class Fat { init() {}
  fill(from, n, unit, size) { for (let i = from; i < from + n; i++) storage.put("f" + i, unit.repeat(size)); }
  read(from, n) { let s = 0; for (let i = from; i < from + n; i++) s += storage.get("f" + i).length; return s; } }
module.exports = Fat;`;
const abi = [
  { name: "fill", args: ["number", "number", "string", "number"], amountLimit: [] },
  { name: "read", args: ["number", "number"], amountLimit: [] },
];
const contract = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi }, code: CODE });
/** Values stored: 100 of 60 KB, 6 MB. */
const KEYS = 100;
/** Keys each attacking tx reads: 600 KB of witness for one tx's few thousand gas. */
const PER_TX = 10;
const utf8 = new TextEncoder();

/** A one-shard chain whose contract holds KEYS values of 60 KB (UTF-8) made of `unit`, its chunks built by the shard itself (one group: not bounded). */
async function fatChain(label: string, unit: string) {
  const { c, chunks } = await transferChain(label, 1);
  let head: Chunk = chunks[1];
  const ctxAfter = (): ChunkContext => {
    const time = (nowNs() > BigInt(head.time) ? nowNs() : BigInt(head.time) + 1_000_000n).toString();
    return { height: head.height + 1, time, parentHash: "", witness: "w", parentWitness: "w", parentTime: head.time };
  };
  /** The receipts of the chunks built or applied from height `from` to the head, by tx hash. */
  const receiptsSince = async (from: number) => {
    const out = new Map<string, { status_code: string; returns: string[] }>();
    for (let h = from; h <= head.height; h++) {
      for (const x of (await c.shard.getChunkTxs(h)) as { hash: string; tx_receipt: { status_code: string; returns: string[] } }[])
        out.set(x.hash, x.tx_receipt);
    }
    return out;
  };
  const submit = async (...txs: { bytes: Uint8Array; hash: string }[]) => {
    for (const t of txs) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
  };
  const buildAll = async () => {
    const from = head.height + 1;
    for (let i = 0; (await c.shard.status()).pool > 0; i++) {
      expect(i).toBeLessThan(10);
      head = await c.shard.buildChunk(ctxAfter());
    }
    return receiptsSince(from);
  };
  const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
  const ram = makeTx({ actions: [{ contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", "admin", 7_000_000]) }] });
  await submit(deploy, ram);
  await buildAll();
  const id = `Contract${deploy.hash}`;
  const call = (action: string, args: unknown[], memo = 0, gasRatio = 100n) =>
    makeTx({ time: nowNs() + BigInt(memo), actions: [{ contract: id, actionName: action, data: JSON.stringify(args) }], gasLimit: 400_000_000n, gasRatio });
  const size = 60_000 / utf8.encode(unit).length;
  const fills = Array.from({ length: KEYS / PER_TX }, (_, i) => call("fill", [i * PER_TX, PER_TX, unit, size], i));
  await submit(...fills);
  const filled = await buildAll();
  for (const t of fills) expect(filled.get(t.hash)).toMatchObject({ status_code: "SUCCESS" });
  const reads = Array.from({ length: 30 }, (_, i) => call("read", [(i % (KEYS / PER_TX)) * PER_TX, PER_TX], i));

  /**
   * Drafts until the pool is empty, each applied as the block carrying it would be: each within
   * MAX_DRAFT_BYTES with its txs, carrying some; the first checked by its witness alone, after `first`.
   */
  const draftAll = async (first: () => Promise<void>) => {
    const from = head.height + 1;
    const taken: string[] = [];
    for (let n = 0; (await c.shard.status()).pool > 0; n++) {
      expect(n).toBeLessThan(15);
      const ctx = ctxAfter();
      const d = await c.shard.draftChunk(ctx);
      if ("error" in d || "empty" in d) throw new Error(`height ${ctx.height}: ${JSON.stringify(d)}`);
      const answer = JSON.stringify({ shard: 0, height: ctx.height, chunk: d.chunk, txs: d.txs.map((t) => base64Encode(t)), witness: d.witness, incoming: [] });
      const bytes = utf8.encode(answer).length;
      console.log(`${label}: draft of height ${ctx.height}: ${d.chunk.txHashes.length - 1} txs, ${d.witness.entries.length} witness entries, ${bytes} bytes`);
      expect(bytes).toBeLessThanOrEqual(MAX_DRAFT_BYTES);
      // Cut, never emptied: the base tx and some of the pool's.
      expect(d.chunk.txHashes.length).toBeGreaterThan(1);
      if (n === 0) {
        // The cut is in the chunk: a node without the shard's state re-executes it from the witness to its roots.
        const other = newChain(`${label}-check`);
        const checked = await runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-0`), () =>
          checkChunk(head.stateRoot, { ctx, txs: d.txs, incoming: [], chunk: d.chunk }, d.witness, {
            chainId: 1020,
            place: { index: 0, count: 1 },
            sentRoots: [],
          }),
        );
        expect(checked).not.toHaveProperty("error");
        await first();
      }
      expect(await c.shard.applyChunk(ctx, d.txs, d.chunk)).toEqual(d.chunk);
      head = d.chunk;
      taken.push(...d.chunk.txHashes.slice(1));
    }
    // Every reading tx went in a chunk, once, and ran.
    expect(taken.toSorted()).toEqual(reads.map((t) => t.hash).toSorted());
    const got = await receiptsSince(from);
    for (const t of reads) expect(got.get(t.hash)).toMatchObject({ status_code: "SUCCESS", returns: [`["${PER_TX * size}"]`] });
  };
  return { c, call, submit, reads, draftAll };
}

describe("a draft bounded by the answer cap", () => {
  test("txs reading many big values: every draft fits and carries txs, the rest goes in the next chunks, a tx over the cap alone leaves with why", async () => {
    const { c, call, submit, reads, draftAll } = await fatChain("draft-cap", "m");
    // The attack: txs reading 10 values each, every value in several, and one reading all 100 (6 MB) alone, first in pool order.
    const all = call("read", [0, KEYS], 99, 200n);
    await submit(...reads, all);
    await draftAll(async () => {
      // The tx over the cap alone left the pool with the first draft, not run again by the next.
      expect(await c.shard.getTx(all.hash)).toMatchObject({
        error: expect.stringMatching(/tx results too large: its state witness and bytes take about \d+ bytes/),
      });
      expect((await c.shard.status()).pool).toBe(reads.length);
    });
  });

  test("values of 2-byte characters, which the running count takes at half: the witness made is measured and the chunk cut again", async () => {
    const { submit, reads, draftAll } = await fatChain("draft-cap-utf8", "é");
    await submit(...reads);
    await draftAll(async () => {});
  });
});

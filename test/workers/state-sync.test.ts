/**
 * Snapshot sync, the shard's side (durable-objects/shard/state-sync.ts, docs/VALIDATOR.md "Joining or
 * rotating onto a shard"): the pages a shard serves of a final state below its head are that
 * state exactly (their tree has the height's chunk root), in key order, bounded; a page a peer
 * forged in its order or shape is refused before anything is written; a shard mid-import answers
 * no read and builds nothing. The import from real peers is test/network/state-sync.test.ts.
 */
import { runInDurableObject } from "cloudflare:test";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, test } from "vitest";
import type { StatePage } from "../../durable-objects/api";
import type { Shard } from "../../durable-objects/shard/shard";
import { MAX_STATE_ROWS } from "../../durable-objects/config";
import { pageError, type SyncMark } from "../../durable-objects/shard/state-sync";
import { treeRoot } from "../../src/state/tree";
import { transferChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

describe("snapshot sync: serving pages", () => {
  test("the pages of a final height below the head are its state: keys in order, their tree has that chunk's root", async () => {
    const { c, chunks } = await transferChain("state-pages", 3);
    await c.shard.finalize(3, "H3");
    for (const h of [1, 2, 3]) {
      const rows: [string, string][] = [];
      let after = "";
      let pages = 0;
      for (;;) {
        const p = await c.shard.statePage(h, after, 7);
        if ("error" in p) throw new Error(p.error);
        expect(p).toMatchObject({ shard: 0, height: h, state_root: chunks[h].stateRoot });
        expect(p.rows.length).toBeLessThanOrEqual(7);
        pages++;
        rows.push(...p.rows);
        if (p.next === null) break;
        expect(p.next).toBe(p.rows[p.rows.length - 1][0]);
        after = p.next;
      }
      expect(pages).toBeGreaterThan(5);
      const keys = rows.map((r) => r[0]);
      expect(keys).toEqual([...keys].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
      expect(new Set(keys).size).toBe(keys.length);
      expect(bytesToHex(treeRoot(rows))).toBe(chunks[h].stateRoot);
      // One height's state is not another's: each transfer changed a balance.
      if (h < 3) expect(bytesToHex(treeRoot(rows))).not.toBe(chunks[h + 1].stateRoot);
    }
  });

  test("refused: a height above LIB, a bad limit; a whole page by default", async () => {
    const { c } = await transferChain("state-pages-refused", 2);
    await c.shard.finalize(1, "H1");
    expect(await c.shard.statePage(2, "", 10)).toEqual({ error: "block 2 is not final on this node (LIB 1)" });
    expect(await c.shard.statePage(-1, "", 10)).toEqual({ error: "invalid height -1" });
    expect(await c.shard.statePage(1, "", 0)).toEqual({ error: `invalid limit 0: 1 to ${MAX_STATE_ROWS}` });
    expect(await c.shard.statePage(1, "", MAX_STATE_ROWS + 1)).toEqual({ error: `invalid limit ${MAX_STATE_ROWS + 1}: 1 to ${MAX_STATE_ROWS}` });
    const all = await c.shard.statePage(1, "", MAX_STATE_ROWS);
    if ("error" in all) throw new Error(all.error);
    expect(all.next).toBeNull(); // a genesis state is well under a page
  });
});

describe("snapshot sync: a page's checks and a shard mid-import", () => {
  const mark: SyncMark = { height: 5, root: "aa", peer: 0, after: "m-b", rows: 10, pages: 1 };
  const page = (over: Partial<StatePage>): StatePage => ({ shard: 1, height: 5, state_root: "aa", rows: [["m-c", "s1@x"]], next: "m-c", ...over });

  test("a page of another block or root, out of order, malformed or cut is refused", () => {
    expect(pageError(page({}), 1, mark)).toBeNull();
    expect(pageError(page({ rows: [["m-c", "s1@x"]], next: null }), 1, mark)).toBeNull();
    expect(pageError(page({ height: 4 }), 1, mark)).toBe("a page of shard 1 at block 4, not shard 1 at 5");
    expect(pageError(page({ shard: 2 }), 1, mark)).toBe("a page of shard 2 at block 5, not shard 1 at 5");
    expect(pageError(page({ state_root: "bb" }), 1, mark)).toBe("it claims root bb, not aa of our header");
    // Keys must come strictly after the last one taken, and in order within the page.
    expect(pageError(page({ rows: [["m-a", "s1@x"]], next: "m-a" }), 1, mark)).toMatch(/^key "m-a" is not after "m-b"/);
    expect(pageError(page({ rows: [["m-b", "s1@x"]], next: "m-b" }), 1, mark)).toMatch(/is not after/);
    expect(
      pageError(
        page({
          rows: [
            ["m-d", "s"],
            ["m-c", "s"],
          ],
          next: "m-c",
        }),
        1,
        mark,
      ),
    ).toMatch(/^key "m-c" is not after "m-d"/);
    expect(pageError(page({ rows: [["m-c", ""]] }), 1, mark)).toBe("a row that is not [key, value]");
    expect(pageError(page({ rows: [["m-c", 3 as unknown as string]] }), 1, mark)).toBe("a row that is not [key, value]");
    expect(pageError(page({ rows: [], next: "m-z" }), 1, mark)).toBe("a page that is not the last is empty");
    expect(pageError(page({ next: "m-z" }), 1, mark)).toBe("its next key is not its last row");
    expect(pageError(page({ rows: Array.from({ length: MAX_STATE_ROWS + 1 }, (_, i) => [`m-c${i}`, "s"] as [string, string]) }), 1, mark)).toMatch(
      /^more than/,
    );
    expect(pageError(null as unknown as StatePage, 1, mark)).toBe("not a state page");
  });

  test("mid-import the shard answers no read, no proof, no page and builds no chunk", async () => {
    const { c } = await transferChain("state-syncing", 1);
    await runInDurableObject(c.shardRaw, (obj) => {
      (obj as unknown as { syncing: SyncMark }).syncing = mark;
    });
    const busy = "shard-0 is syncing its state from peers (block 5): try again later";
    expect(await c.shard.read("getTokenBalance", "producer000", "iost")).toEqual({ error: busy });
    expect(await c.shard.proofs(["m-token.iost-TBproducer000-iost"])).toEqual({ error: busy });
    expect(await c.shard.statePage(0, "", 10)).toEqual({ error: busy });
    const t = makeTx({ amount: "1", memo: "busy" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ error: busy });
    // Inside the object: a rejection crossing the RPC boundary is also reported as unhandled by the pool.
    const built = await runInDurableObject(c.shardRaw, (obj) =>
      (obj as unknown as Shard).buildChunk({ height: 2, time: nowNs().toString(), parentHash: "", witness: "w", parentWitness: "w", parentTime: "1" }).then(
        () => "built",
        (e: unknown) => String(e),
      ),
    );
    expect(built).toBe(`Error: ${busy}`);
    expect((await c.shard.status()).syncing).toEqual({ height: 5, rows: 10, pages: 1 });
  });

  test("syncing or dropped, a shard applies and reverts no chunk and serves none, with a clear error before any table is touched", async () => {
    const { c, chunks } = await transferChain("state-unready", 2);
    const next = { height: 3, time: nowNs().toString(), parentHash: "", witness: "w", parentWitness: "w", parentTime: "1" };
    const txs = await c.shard.chunkTxs(2);
    const refusals = async () => ({
      apply: await c.shard.applyChunk(next, txs, chunks[2]),
      revert: await c.shard.revertTo(1),
      chunk: await c.shard.chunkAt(2),
      txs: await c.shard.chunkTxs(2),
      range: await c.shard.chunkRange(1, 2, 1 << 20),
      work: await c.shard.hasWork(),
    });
    const refused = (error: string) => ({ apply: { error }, revert: { error }, chunk: null, txs: [], range: [], work: false });
    await runInDurableObject(c.shardRaw, (obj) => {
      (obj as unknown as { syncing: SyncMark }).syncing = mark;
    });
    expect(await refusals()).toEqual(refused("shard-0 is syncing its state from peers (block 5): try again later"));
    await runInDurableObject(c.shardRaw, (obj) => {
      (obj as unknown as { syncing: SyncMark | null }).syncing = null;
    });
    // A block pushed to a dropped shard (its tables deleted): before, "no such table" from SQLite.
    expect(await c.shard.drop()).toEqual({ dropped: true, tables: 0 });
    expect(await refusals()).toEqual(refused("shard-0 holds nothing on this node (dropped: this node left its group)"));
    await c.shard.finalize(2, "H2");
    expect((await c.shard.status()).dropped).toBe(true);
  });
});

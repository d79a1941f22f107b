/**
 * /listContractStorage's scan on a real Shard (durable-objects/sql-store.ts `range`,
 * src/query/list.ts): keys in UTF-8 byte order as SQLite compares them, the in-memory
 * overlay (heights above the checkpoint) on top of `state_kv`, deletions skipped without
 * shortening the page, map field indexes shown as lists, and the rows read bounded by the
 * page, not by the contract's storage.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SqlStore } from "../../durable-objects/sql-store";
import { newChain } from "./helpers";

const ID = "Contractlist";

describe("listStorage", () => {
  it("pages a contract's KV and MAP storage in byte order with the overlay on top; rows read follow the page", async () => {
    const c = newChain("list");
    await c.coord.status(); // genesis
    await runInDurableObject(c.shardRaw, (obj, state) => {
      const put = (k: string, v: string) => state.storage.sql.exec("INSERT INTO state_kv (key, value) VALUES (?, ?)", k, v);
      for (let i = 0; i < 500; i++) put(`b-${ID}-k${String(i).padStart(3, "0")}`, `sv${i}@${ID}`);
      // "é" (C3 A9) sorts after "z" in UTF-8 and SQLite; "\u{1F600}" (F0 …) after "\uFFFD" (EF …), though not in UTF-16.
      put(`b-${ID}-z`, `i8@${ID}`);
      put(`b-${ID}-é`, `s?@${ID}`);
      put(`b-${ID}-\u{1F600}`, `semoji@${ID}`);
      put(`b-${ID}-\uFFFD`, `sreplacement@${ID}`);
      put(`m-${ID}-m`, "@f1@f2");
      put(`m-${ID}-m-f1`, `j{"a":1}@${ID}`);
      put(`m-${ID}-m-f2`, `bt@${ID}`);
      put(`b-${ID}x-k000`, `sother@${ID}`); // another contract whose id extends this one's
      // Heights above the checkpoint: k001 deleted, k0005 added, k002 changed.
      const kv = (obj as unknown as { kv: SqlStore }).kv;
      kv.put(`b-${ID}-k001`, "n");
      kv.del(`b-${ID}-k001`);
      kv.put(`b-${ID}-k0005`, `snew@${ID}`);
      kv.put(`b-${ID}-k002`, `schanged@${ID}`);
      kv.keep();
    });
    const page = await c.shard.listStorage(ID, "KV", "k", "", "", 4);
    expect(page.datas).toEqual([
      { key: "k000", value: "v0" },
      { key: "k0005", value: "new" },
      { key: "k002", value: "changed" },
      { key: "k003", value: "v3" },
    ]);
    expect(page.block_number).toBe("0");
    // `from` pages on (inclusive, as go-iost), `to` ends the window (exclusive).
    expect((await c.shard.listStorage(ID, "KV", "k", "k003", "k005", 10)).datas.map((d) => d.key)).toEqual(["k003", "k004"]);
    const tail = await c.shard.listStorage(ID, "KV", "", "k499", "", 10);
    expect(tail.datas).toEqual([
      { key: "k499", value: "v499" },
      { key: "z", value: "8" },
      { key: "é", value: "?" },
      { key: "\uFFFD", value: "replacement" },
      { key: "\u{1F600}", value: "emoji" },
    ]);
    expect((await c.shard.listStorage(ID, "MAP", "", "", "", 10)).datas).toEqual([
      { key: "m", value: '["f1","f2"]' },
      { key: "m-f1", value: '{"a":1}' },
      { key: "m-f2", value: "true" },
    ]);
    expect((await c.shard.listStorage(ID, "KV", "q", "", "", 10)).datas).toEqual([]);
    expect((await c.shard.listStorage(ID, "KV", "", "z", "k", 10)).datas).toEqual([]);
    // The limit is the shard's too: a caller asking more gets 100.
    expect((await c.shard.listStorage(ID, "KV", "", "", "", 10_000)).datas).toHaveLength(100);
    // A page of 4 out of 500 rows reads a handful of rows, not the contract's storage.
    const before = (await c.shard.meter()).rowsRead;
    await c.shard.listStorage(ID, "KV", "k", "", "", 4);
    const read = (await c.shard.meter()).rowsRead - before;
    expect(read).toBeGreaterThanOrEqual(4);
    expect(read).toBeLessThan(20);
  });
});

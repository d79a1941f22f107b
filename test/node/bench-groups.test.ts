/**
 * The shard groups bench's reading and arithmetic (bench/groups.ts): what it takes from /dev/status
 * and from the witness answers crossing the links, the per-node figures between two samples, the
 * probe pair it picks, and the table that sets each figure beside its 1-group counterpart.
 */
import { describe, expect, test } from "vitest";
import { errorKinds, groupsTable, nodeFigures, nodeSample, type NodeSample, probePair, type RunFigures, spread, times, witnessSeen } from "../../bench/groups";
import { shardOf } from "../../src/sharding/placement";

/** A /dev/status body of 2 shards, with the parts the bench reads and some it must ignore. */
const status = (o: {
  head: number;
  checked?: number;
  refused?: number;
  unserved?: number;
  taken?: number;
  chunks: [number, number];
  bytes: [number, number];
  rows: [number, number];
}) => ({
  chain: {},
  coordinator: {
    head: o.head,
    lib: o.head - 1,
    ...(o.checked === undefined
      ? {}
      : {
          witnessChecks: {
            chunks: o.checked,
            windowed: 0,
            placeholders: 0,
            refused: o.refused ?? 0,
            last: o.refused ? "block 9 X: chunk 1/9 not checked by witness: …" : null,
            unserved: o.unserved ?? 0,
            lastUnserved: null,
          },
          groupChunks: { asked: 9, taken: o.taken ?? 0, empty: 1, built: 0, last: null },
        }),
  },
  // Out of shard order, as nothing promises the order.
  shards: [
    { shard: 1, head: o.head, work: { chunks: o.chunks[1], txs: 0, ms: 1 } },
    { shard: 0, head: o.head, work: { chunks: o.chunks[0], txs: 0, ms: 1 } },
  ],
  cost: {
    edge: {},
    objects: [
      { object: "coordinator", bytes: 999_999, rowsWritten: 77 },
      { object: "validator-producer000", bytes: 1, rowsWritten: 1 },
      { object: "1020:shard-1", bytes: o.bytes[1], rowsWritten: o.rows[1] },
      { object: "1020:shard-0", bytes: o.bytes[0], rowsWritten: o.rows[0] },
    ],
  },
});

describe("shard groups bench", () => {
  test("a node's sample: each shard's chunks, bytes and rows by its index, the coordinator's checks (0 when it has none)", () => {
    expect(nodeSample(status({ head: 10, checked: 4, refused: 1, unserved: 2, taken: 3, chunks: [9, 8], bytes: [4096, 8192], rows: [30, 40] }), 2)).toEqual({
      head: 10,
      checked: 4,
      refused: 1,
      lastRefusal: "block 9 X: chunk 1/9 not checked by witness: …",
      unserved: 2,
      taken: 3,
      executed: [9, 8],
      bytes: [4096, 8192],
      rowsWritten: [30, 40],
    });
    expect(nodeSample(status({ head: 3, chunks: [1, 2], bytes: [1, 2], rows: [3, 4] }), 2)).toMatchObject({
      checked: 0,
      refused: 0,
      lastRefusal: null,
      unserved: 0,
      taken: 0,
    });
    expect(() => nodeSample(status({ head: 3, chunks: [1, 2], bytes: [1, 2], rows: [3, 4] }), 3)).toThrow("no shard 2");
  });

  test("a witness answer seen on a link: its bytes (UTF-8) and chunk; junk still counts its bytes", () => {
    const body = JSON.stringify({ shard: 3, height: 41, witness: { shape: "é", hashes: "", entries: [] }, incoming: [] });
    expect(witnessSeen(2, body)).toEqual({ node: 2, bytes: body.length + 1, shard: 3, height: 41, error: null });
    expect(witnessSeen(0, "<html>")).toEqual({ node: 0, bytes: 6, shard: null, height: null, error: "<html>" });
    expect(witnessSeen(0, '{"code":2,"message":"no"}')).toEqual({ node: 0, bytes: 25, shard: null, height: null, error: "no" });
  });

  test("the answers that were no witness, by message with numbers as #, most frequent first", () => {
    const late = (h: number) =>
      witnessSeen(0, JSON.stringify({ code: 2, message: `shard-1: no state witness of height ${h}: served up to the head ${h - 1}` }));
    const seen = [late(40), witnessSeen(1, "<html>"), late(52), witnessSeen(1, JSON.stringify({ shard: 1, height: 3, witness: {}, incoming: [] }))];
    expect(errorKinds(seen)).toEqual([
      "2 × shard-#: no state witness of height #: served up to the head # (first: shard-1: no state witness of height 40: served up to the head 39)",
      "1 × <html> (first: <html>)",
    ]);
    expect(errorKinds([])).toEqual([]);
  });

  test("spread: min, lower median, max; none for no samples", () => {
    expect(spread([5, 1, 9, 3])).toEqual({ min: 1, median: 3, max: 9 });
    expect(spread([7, 2, 4])).toEqual({ min: 2, median: 4, max: 7 });
    expect(spread([])).toBeNull();
  });

  test("a node's figures between two samples: per block, per check, its own witness answers only, errors apart", () => {
    const before: NodeSample = {
      head: 10,
      checked: 6,
      refused: 1,
      lastRefusal: "old",
      unserved: 2,
      taken: 2,
      executed: [10, 10],
      bytes: [100, 100],
      rowsWritten: [50, 60],
    };
    const after: NodeSample = {
      head: 20,
      checked: 26,
      refused: 1,
      lastRefusal: "old",
      unserved: 5,
      taken: 7,
      executed: [20, 25],
      bytes: [300, 200],
      rowsWritten: [80, 61],
    };
    const seen = [
      { node: 1, bytes: 113, shard: null, height: null, error: "not yet" },
      { node: 1, bytes: 1200, shard: 1, height: 11, error: null },
      { node: 0, bytes: 9000, shard: 1, height: 11, error: null },
      { node: 1, bytes: 4000, shard: 0, height: 12, error: null },
      { node: 1, bytes: 1300, shard: 1, height: 12, error: null },
      { node: 1, bytes: 1400, shard: 2, height: 12, error: null },
    ];
    // Chunk 1/12 carried no tx (absent), 2/12 none either.
    const txs = new Map([
      ["1/11", 3],
      ["0/12", 1],
      ["2/12", 0],
    ]);
    expect(nodeFigures(before, after, { transfers: 5, peerBlocks: 7, requests: 22, seen, txs, node: 1 })).toEqual({
      blocks: 10,
      peerBlocks: 7,
      executedPerBlock: 2.5,
      checkedPerBlock: 2,
      takenPerBlock: 0.5,
      refused: 0,
      lastRefusal: null,
      unserved: 3,
      requestsPerCheck: 1.1,
      witnessBytes: { loaded: { min: 1200, median: 1200, max: 4000 }, quiet: { min: 1300, median: 1300, max: 1400 } },
      notWitness: 1,
      bytes: [300, 200],
      rowsPerTx: [6, 0.2],
    });
    const refusedNow = nodeFigures(before, { ...after, refused: 3, lastRefusal: "new" }, { transfers: 5, peerBlocks: 7, requests: 22, seen, txs, node: 1 });
    expect([refusedNow.refused, refusedNow.lastRefusal]).toEqual([2, "new"]);
    const none = nodeFigures({ ...before, checked: 0 }, { ...after, checked: 0 }, { transfers: 5, peerBlocks: 7, requests: 0, seen: [], txs, node: 1 });
    expect([none.checkedPerBlock, none.requestsPerCheck, none.witnessBytes]).toEqual([0, null, { loaded: null, quiet: null }]);
    expect(() => nodeFigures(after, after, { transfers: 5, peerBlocks: 0, requests: 0, seen: [], txs, node: 1 })).toThrow("no block between the samples");
  });

  test("a ratio to the 1-group figure, none when that is zero or missing", () => {
    expect(times(3, 2)).toBe("1.50×");
    expect(times(2, 2)).toBe("1.00×");
    expect(times(5, 0)).toBe("—");
    expect(times(null, 2)).toBe("—");
    expect(times(2, null)).toBe("—");
  });

  test("the probe pair: a sender, a receiver on another shard of its group, one in another group", () => {
    const names = Array.from({ length: 20 }, (_, i) => `bench${String(i).padStart(4, "0")}`);
    const pair = probePair(names, 4, 2)!;
    const s = (n: string) => shardOf(n, 4);
    expect(s(pair.same)).not.toBe(s(pair.from));
    expect(s(pair.same) % 2).toBe(s(pair.from) % 2);
    expect(s(pair.other) % 2).not.toBe(s(pair.from) % 2);
    // Every account on one shard: no receiver in another group.
    const oneShard = names.filter((n) => s(n) === s(names[0]));
    expect(probePair(oneShard, 4, 2)).toBeNull();
  });

  test("the table: each figure beside its 1-group counterpart, the ratio of totals and of p50s", () => {
    const node = (checked: number, bytes: number[]) => ({
      blocks: 40,
      executedPerBlock: 4,
      checkedPerBlock: checked,
      takenPerBlock: checked / 2,
      refused: checked,
      lastRefusal: null,
      unserved: checked,
      requestsPerCheck: checked === 0 ? null : 1.05,
      witnessBytes:
        checked === 0 ? { loaded: null, quiet: null } : { loaded: { min: 9000, median: 15000, max: 25000 }, quiet: { min: 1300, median: 1400, max: 4100 } },
      notWitness: checked * 2,
      peerBlocks: 30,
      bytes,
      rowsPerTx: [2.5, 1.25],
    });
    const one: RunFigures = {
      groups: 1,
      nodes: [node(0, [2048, 2048]), node(0, [2048, 2048])],
      sameGroup: [900, 1000, 1100],
      otherGroup: [1000, 1000, 1200],
      errors: [],
      workloadMs: 8000,
      load: { before: 1, after: 1 },
    };
    const two: RunFigures = {
      groups: 2,
      nodes: [node(1, [3072, 3072]), node(1, [3072, 3072])],
      sameGroup: [1000, 1200, 1300],
      otherGroup: [1500, 1500, 1600],
      errors: ["2 × not yet"],
      workloadMs: 10000,
      load: { before: 1, after: 1 },
    };
    const lines = groupsTable(one, two);
    expect(lines[0]).toBe("| node | measure | 1 group | 2 groups | ratio |");
    const row = (measure: string) => lines.find((l) => l.includes(measure))!;
    expect(row("stored bytes")).toBe("| 0 | stored bytes per shard object (0 / 1 / …) | 2.0 KiB / 2.0 KiB | 3.0 KiB / 3.0 KiB | 1.50× |");
    expect(row("rows written per transfer per shard")).toContain("| 2.50 / 1.25 | 2.50 / 1.25 | 1.00× |");
    expect(row("blocks in the workload")).toContain("| 40 (30) | 40 (30) | 1.00× |");
    expect(row("re-executed")).toContain("| 4 | 4 | 1.00× |");
    // 1 per block over 40 blocks, 30 of them by other nodes: 1.33 per peer block.
    expect(row("checked by witness")).toContain("| 0 (0) | 1 (1.33) | — |");
    expect(row("not endorsed")).toContain("| 0 | 1 |");
    expect(row("witness bytes per chunk with txs")).toContain("| — | 9,000 / 15,000 / 25,000 |");
    expect(row("witness bytes per quiet chunk")).toContain("| — | 1,300 / 1,400 / 4,100 (+2 answers no witness) |");
    expect(row("requests per chunk")).toContain("| — | 1.05 |");
    expect(row("another shard of the sender's group")).toContain("| 1,000 ms / 1,100 ms | 1,200 ms / 1,300 ms | 1.20× |");
    expect(row("in the other group, p50")).toContain("| 1,000 ms / 1,200 ms | 1,500 ms / 1,600 ms | 1.50× |");
    expect(row("rows written per transfer by the shard objects of every node")).toContain("| 7.50 | 7.50 | 1.00× |");
    expect(row("chunks re-executed per block by every node")).toContain("| 8 | 8 | 1.00× |");
    expect(row("chunks checked by witness per block by every node")).toContain("| 0 | 2 | — |");
    expect(row("| 0 | peers' drafts")).toContain("| 0 | 0.50 |");
    expect(row("peers' drafts checked by witness and taken per block by every node")).toContain("| 0 | 1 |");
    expect(lines.filter((l) => l.startsWith("| 1 | stored bytes"))).toHaveLength(1);
    expect(row("first send → last receipt")).toBe("| all | workload, first send → last receipt | 8,000 ms | 10,000 ms | 1.25× |");
    expect(row("added latency")).toContain("| 0 ms | 300 ms |");
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryStore, compareKeys } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { treeRoot } from "../../../src/state/tree";
import { basicKey, cachedKeyChars, ContractDB, decodeValue, encodeValue, mapIndexKey, mapKey, ramLength, str, int } from "../../../src/state/storage";

describe("State", () => {
  it("reads see uncommitted writes and deletions", () => {
    const store = new MemoryStore();
    store.put("a", "1");
    const s = new State(store);
    expect(s.get("a")).toBe("1");
    s.put("a", "2");
    s.put("b", "3");
    expect(s.get("a")).toBe("2");
    s.del("a");
    expect(s.get("a")).toBeUndefined();
    expect(store.get("a")).toBe("1");
    expect(s.writes()).toEqual([
      ["a", null],
      ["b", "3"],
    ]);
    s.commit();
    expect(store.get("a")).toBeUndefined();
    expect(store.get("b")).toBe("3");
    expect(s.writes()).toEqual([]);
  });

  it("nested checkpoints roll back and release", () => {
    const s = new State(new MemoryStore());
    s.put("x", "0");
    s.checkpoint();
    s.put("x", "1");
    s.checkpoint();
    s.put("x", "2");
    s.put("y", "2");
    s.rollback();
    expect(s.get("x")).toBe("1");
    expect(s.get("y")).toBeUndefined();
    s.checkpoint();
    s.del("x");
    s.release();
    expect(s.get("x")).toBeUndefined();
    s.rollback();
    expect(s.get("x")).toBe("0");
    expect(() => s.rollback()).toThrow();
    expect(() => {
      s.checkpoint();
      s.commit();
    }).toThrow("commit with open checkpoints");
  });

  it("property: rollback restores exactly", () => {
    const op = fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.option(fc.string(), { nil: null }));
    fc.assert(
      fc.property(fc.array(op), fc.array(op), (before, inside) => {
        const s = new State(new MemoryStore());
        for (const [k, v] of before) v === null ? s.del(k) : s.put(k, v);
        const snapshot = ["a", "b", "c", "d"].map((k) => s.get(k));
        const ws = s.writes();
        s.checkpoint();
        for (const [k, v] of inside) v === null ? s.del(k) : s.put(k, v);
        s.rollback();
        expect(["a", "b", "c", "d"].map((k) => s.get(k))).toEqual(snapshot);
        expect(s.writes()).toEqual(ws);
      }),
    );
  });

  it("property: the undo logs read, roll back and release as a stack of layers does", () => {
    // The layered overlay State was before its undo logs, as the reference.
    class Layers {
      layers: Map<string, string | null>[] = [new Map()];
      constructor(readonly store: MemoryStore) {}
      from(top: number, k: string): string | undefined {
        for (let i = top; i >= 0; i--) if (this.layers[i].has(k)) return this.layers[i].get(k) ?? undefined;
        return this.store.get(k);
      }
      release() {
        const top = this.layers.pop()!;
        for (const [k, v] of top) this.layers[this.layers.length - 1].set(k, v);
      }
    }
    const keys = ["a", "b", "c", "d"];
    const op = fc.oneof(
      fc.tuple(fc.constant("put"), fc.constantFrom(...keys), fc.option(fc.string({ maxLength: 3 }), { nil: null })),
      fc.tuple(fc.constantFrom("checkpoint", "rollback", "release", "commit"), fc.constant("a"), fc.constant(null)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const store = new MemoryStore();
        store.put("a", "s");
        store.put("c", "s");
        const ref = new Layers(new MemoryStore());
        ref.store.put("a", "s");
        ref.store.put("c", "s");
        const s = new State(store);
        for (const [kind, k, v] of ops) {
          if (kind === "put") {
            v === null ? s.del(k) : s.put(k, v);
            ref.layers[ref.layers.length - 1].set(k, v);
          } else if (kind === "checkpoint") {
            s.checkpoint();
            ref.layers.push(new Map());
          } else if (s.depth === 0) {
            if (kind !== "commit") continue;
            s.commit();
            for (const [key, val] of ref.layers[0]) val === null ? ref.store.del(key) : ref.store.put(key, val);
            ref.layers[0] = new Map();
          } else if (kind === "rollback") {
            s.rollback();
            ref.layers.pop();
          } else if (kind === "release") {
            s.release();
            ref.release();
          } else continue;
          const top = ref.layers.length - 1;
          expect(s.depth).toBe(top);
          expect(keys.map((x) => s.get(x))).toEqual(keys.map((x) => ref.from(top, x)));
          expect(keys.map((x) => s.prior(x))).toEqual(keys.map((x) => ref.from(top - 1, x)));
          expect([...s.latest()]).toEqual([...ref.layers[top]]);
          const merged = new Map<string, string | null>();
          for (const l of ref.layers) for (const [key, val] of l) merged.set(key, val);
          expect(s.writes()).toEqual([...merged].sort((x, y) => compareKeys(x[0], y[0])));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("property: write set and root do not depend on write order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string(), fc.string()), { selector: (x) => x[0] }), (pairs) => {
        const a = new State(new MemoryStore());
        const b = new State(new MemoryStore());
        for (const [k, v] of pairs) a.put(k, v);
        for (const [k, v] of [...pairs].reverse()) b.put(k, v);
        expect(a.writes()).toEqual(b.writes());
        expect(treeRoot(a.writes())).toEqual(treeRoot(b.writes()));
        const keys = a.writes().map((w) => w[0]);
        expect([...keys].sort(compareKeys)).toEqual(keys);
      }),
    );
  });
});

describe("key order", () => {
  it("orders keys by code point (UTF-8 byte order), not UTF-16", () => {
    expect(compareKeys("\uffff", "\u{10000}")).toBe(-1);
    expect("\uffff" < "\u{10000}").toBe(false);
  });
});

describe("storage layout", () => {
  it("encodes IOST typed values with a payer and Go's RAM length", () => {
    expect(encodeValue(str("v"), "user_0")).toBe("sv@user_0");
    expect(ramLength("sv@user_0")).toBe(9);
    expect(encodeValue(int(99999990000n), "token.iost")).toBe("i99999990000@token.iost");
    expect(ramLength("i99999990000@token.iost")).toBe(1 + 8 + 1 + 10);
    expect(decodeValue("sa@b@c")).toEqual({ value: str("a@b"), payer: "c" });
    expect(ramLength(undefined)).toBe(1);
  });

  it("maintains the map index like go-iost MapHandler", () => {
    const s = new State(new MemoryStore());
    const db = new ContractDB(s);
    db.mputRaw("c.iost", "k", "f1", "s1@x");
    db.mputRaw("c.iost", "k", "f2", "s2@x");
    db.mputRaw("c.iost", "k", "f1", "s3@x");
    expect(s.get("m-c.iost-k")).toBe("@f1@f2");
    expect(db.mkeys("c.iost", "k")).toEqual(["f1", "f2"]);
    db.mdel("c.iost", "k", "f1");
    expect(db.mkeys("c.iost", "k")).toEqual(["f2"]);
    expect(s.get("m-c.iost-k@")).toBe("1");
    db.mdel("c.iost", "k", "f2");
    expect(s.get("m-c.iost-k")).toBeUndefined();
    expect(s.get("m-c.iost-k-f2")).toBeUndefined();
  });

  it("builds keys from their parts, cached or not", () => {
    const long = "k".repeat(300);
    for (let round = 0; round < 2; round++) {
      expect(basicKey("c.iost", "k")).toBe("b-c.iost-k");
      expect(mapIndexKey("c.iost", "k")).toBe("m-c.iost-k");
      expect(mapKey("c.iost", "k", "f")).toBe("m-c.iost-k-f");
      // The parts are not taken apart again: "a-b" + "c" and "a" + "b-c" are the same key, as in Go.
      expect(mapKey("c.iost", "a-b", "c")).toBe(mapKey("c.iost", "a", "b-c"));
      expect(basicKey("c.iost", long)).toBe(`b-c.iost-${long}`);
      expect(mapKey("c.iost", long, long)).toBe(`m-c.iost-${long}-${long}`);
    }
  });

  it("a flood of distinct keys (a query naming any key) keeps the key cache bounded", () => {
    const s = new State(new MemoryStore());
    const db = new ContractDB(s);
    const wide = "x".repeat(200);
    for (let i = 0; i < 20_000; i++) {
      expect(db.get("c.iost", `${wide}${i}`)).toBeUndefined();
      expect(db.mget("c.iost", `${i}`, wide)).toBeUndefined();
    }
    expect(cachedKeyChars()).toBeGreaterThan(0);
    expect(cachedKeyChars()).toBeLessThanOrEqual(1_000_000);
    // Keys too long to be cached are built each time: the cache does not move.
    const held = cachedKeyChars();
    const huge = "y".repeat(10_000);
    for (let i = 0; i < 1_000; i++) expect(db.mget("c.iost", `${huge}${i}`, "f")).toBeUndefined();
    expect(cachedKeyChars()).toBe(held);
    db.putRaw("c.iost", "k", "sv@x");
    expect(db.getRaw("c.iost", "k")).toBe("sv@x");
  });
});

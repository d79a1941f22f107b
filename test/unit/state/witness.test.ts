import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bytesToHex } from "@noble/hashes/utils.js";
import { base64Decode, base64Encode } from "../../../src/codec/base64";
import { MemoryStore } from "../../../src/state/memory-store";
import { PagedNodes, StateTree, treeRoot } from "../../../src/state/tree";
import { buildWitness, openWitness, type Witness, WitnessError, WitnessMissing, witnessBytes } from "../../../src/state/witness";

/** A tree holding `kv`, with its root (hex). */
function stateOf(kv: Map<string, string>) {
  const tree = new StateTree(new PagedNodes(new MemoryStore()));
  const root = bytesToHex(tree.update(kv));
  return { tree, root };
}

/** The witness of `keys` (their values in `kv`) for a chunk that writes `writes`. */
function witnessOf(kv: Map<string, string>, keys: Iterable<string>, writes: Map<string, string | null> = new Map()) {
  const { tree, root } = stateOf(kv);
  const all = new Set([...keys, ...writes.keys()]);
  const deleted = new Set([...writes].filter(([, v]) => v === null).map(([k]) => k));
  const w = buildWitness(
    tree,
    [...all].map((k) => [k, kv.get(k) ?? null] as const),
    deleted,
  );
  return { w, root };
}

/** The root of `kv` with `writes` applied, from a full tree. */
function fullRootAfter(kv: Map<string, string>, writes: Map<string, string | null>): string {
  const next = new Map(kv);
  for (const [k, v] of writes) v === null ? next.delete(k) : next.set(k, v);
  return bytesToHex(treeRoot(next));
}

const key = fc.string({ maxLength: 6 });
const state = fc.uniqueArray(fc.tuple(key, fc.string({ maxLength: 8 })), { selector: ([k]) => k, maxLength: 80 }).map((l) => new Map(l));
const writes = fc.array(fc.tuple(key, fc.option(fc.string({ maxLength: 8 }), { nil: null })), { maxLength: 20 }).map((l) => new Map(l));
const reads = fc.array(key, { maxLength: 20 });

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err;
  }
  return null;
};

describe("state witness", () => {
  it("verifies against its root, answers its keys (absent ones too), and the root after writes is the full tree's", () => {
    fc.assert(
      fc.property(state, reads, writes, (kv, rs, ws) => {
        const { w, root } = witnessOf(kv, rs, ws);
        const store = openWitness(root, w);
        for (const k of rs) expect(store.get(k)).toBe(kv.get(k));
        for (const [k, v] of ws) v === null ? store.del(k) : store.put(k, v);
        expect(store.root()).toBe(fullRootAfter(kv, ws));
      }),
      { numRuns: 200 },
    );
  });

  it("deletions that make leaves rise up several levels settle the same root as the full tree", () => {
    // Many keys, most of them deleted: long chains of rises.
    const kv = new Map(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
    const ws = new Map<string, string | null>(Array.from({ length: 190 }, (_, i) => [`k${i}`, null]));
    ws.set("new", "x");
    const { w, root } = witnessOf(kv, [], ws);
    const store = openWitness(root, w);
    for (const [k, v] of ws) v === null ? store.del(k) : store.put(k, v);
    expect(store.root()).toBe(fullRootAfter(kv, ws));
  });

  it("is the same whatever order its keys were given in", () => {
    fc.assert(
      fc.property(state, reads, (kv, rs) => {
        const { tree } = stateOf(kv);
        const entries = [...new Set(rs)].map((k) => [k, kv.get(k) ?? null] as const);
        expect(buildWitness(tree, [...entries].reverse())).toEqual(buildWitness(tree, entries));
      }),
      { numRuns: 100 },
    );
  });

  it("a key outside the witness is WitnessMissing, for reads and writes, and stays recorded", () => {
    const kv = new Map([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ]);
    const { w, root } = witnessOf(kv, ["a", "zz"]);
    const store = openWitness(root, w);
    expect(store.get("a")).toBe("1");
    expect(store.get("zz")).toBeUndefined();
    expect(() => store.get("b")).toThrow(WitnessMissing);
    expect(() => store.put("c", "9")).toThrow("the state witness does not cover key c");
    expect(store.missing).toBe("b");
    expect(() => store.root()).toThrow(WitnessMissing);
  });

  it("refuses a forged value, a dropped or changed hash, an extra or missing entry, a false absence, a wrong root", () => {
    const kv = new Map(Array.from({ length: 50 }, (_, i) => [`m-token.iost-TBuser${i}-iost`, `i${i}@user${i}`]));
    const { w, root } = witnessOf(kv, ["m-token.iost-TBuser3-iost", "m-token.iost-TBuser7-iost", "absent-key"]);
    expect(openWitness(root, w).get("m-token.iost-TBuser3-iost")).toBe("i3@user3");
    const forged = (f: (w: Witness) => Witness) => refusal(() => openWitness(root, f(structuredClone(w))));
    const hashes = base64Decode(w.hashes);
    const cases: [string, Error | unknown][] = [
      ["forged value", forged((x) => ({ ...x, entries: x.entries.map(([k, v]) => [k, k === "m-token.iost-TBuser3-iost" ? "i999999@user3" : v]) }))],
      ["dropped hash", forged((x) => ({ ...x, hashes: base64Encode(hashes.slice(32)) }))],
      ["changed hash", forged((x) => ({ ...x, hashes: base64Encode(Uint8Array.from(hashes, (b, i) => (i === 5 ? b ^ 1 : b))) }))],
      ["dropped tag", forged((x) => ({ ...x, shape: x.shape.slice(0, -1) }))],
      ["extra present entry", forged((x) => ({ ...x, entries: [...x.entries, ["zzz", "1"]] }))],
      ["missing entry", forged((x) => ({ ...x, entries: x.entries.filter(([k]) => k !== "m-token.iost-TBuser7-iost") }))],
      ["false absence", forged((x) => ({ ...x, entries: x.entries.map(([k, v]) => [k, k === "m-token.iost-TBuser7-iost" ? null : v]) }))],
      ["entries out of order", forged((x) => ({ ...x, entries: [...x.entries].reverse() }))],
      ["malformed", forged(() => ({ shape: 3 }) as unknown as Witness)],
    ];
    for (const [what, err] of cases) expect(err, what).toBeInstanceOf(WitnessError);
    // An absent entry added is refused unless the paths given already end it (then it is absent indeed).
    const extra = Array.from({ length: 20 }, (_, i) => forged((x) => ({ ...x, entries: [...x.entries, [`zz${i}`, null]] })));
    for (const err of extra) if (err !== null) expect((err as Error).message).toMatch(/is not covered/);
    expect(extra.filter((e) => e !== null).length).toBeGreaterThan(10);
    expect(refusal(() => openWitness("00".repeat(32), w))).toBeInstanceOf(WitnessError);
    expect((refusal(() => openWitness("11".repeat(32), w)) as Error).message).toMatch(/not the previous state root/);
  });

  it("a witness that hides the kind beside a deleted key cannot settle the root: refused, never another root", () => {
    // Every sibling off the paths by its hash only (no `deleted` given to the builder).
    const kv = new Map(Array.from({ length: 40 }, (_, i) => [`k${i}`, `v${i}`]));
    const { tree, root } = stateOf(kv);
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const w = buildWitness(tree, [[`k${i}`, `v${i}`]]);
      const store = openWitness(root, w);
      store.del(`k${i}`);
      const err = refusal(() => store.root());
      if (err === null) expect(store.root()).toBe(fullRootAfter(kv, new Map([[`k${i}`, null]])));
      else {
        expect(err).toBeInstanceOf(WitnessError);
        expect((err as Error).message).toMatch(/is not shown/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it("one multiproof is smaller than one proof per key", () => {
    const kv = new Map(Array.from({ length: 2_000 }, (_, i) => [`m-token.iost-TBuser${i}-iost`, `i${i}@user${i}`]));
    const { tree } = stateOf(kv);
    const keys = Array.from({ length: 60 }, (_, i) => `m-token.iost-TBuser${i * 31}-iost`);
    const w = buildWitness(
      tree,
      keys.map((k) => [k, kv.get(k)!]),
    );
    const perKey = keys.reduce((n, k) => n + tree.prove(k).siblings.length * 32, 0);
    expect(base64Decode(w.hashes).length).toBeLessThan(perKey * 0.8);
    expect(witnessBytes(w)).toBeGreaterThan(0);
  });
});

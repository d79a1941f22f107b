/**
 * `npx tsx bench/tree.ts [--sizes 1000,10000,100000]`: what the authenticated state tree
 * (src/state/tree.ts, docs/STATE.md "Authenticated state") costs in rows, on the in-memory store:
 * rows (pages) written per key write and per transfer-sized chunk, rows read per proof, proof size
 * and stored bytes per key, for states of each size. `treeCost` is also what
 * test/unit/state/tree.test.ts bounds.
 */
import { MemoryStore } from "../src/state/memory-store";
import { PagedNodes, StateTree } from "../src/state/tree";
import type { Store } from "../src/state/store";

/** A store that counts the rows written (puts and deletes). */
class Counting implements Store {
  readonly rows = new MemoryStore();
  written = 0;
  get(key: string) {
    return this.rows.get(key);
  }
  put(key: string, value: string) {
    this.written++;
    this.rows.put(key, value);
  }
  del(key: string) {
    this.written++;
    this.rows.del(key);
  }
}

export interface TreeCost {
  keys: number;
  /** Pages written by one key's new value, alone in its chunk. */
  rowsPerKeyWrite: number;
  /** Pages written by a chunk of one transfer's writes (6 keys: two balances, gas, RAM use, and the pair's records). */
  rowsPerTransfer: number;
  /** Pages read by one proof. */
  rowsPerProof: number;
  /** Siblings per proof, and its JSON bytes. */
  siblings: number;
  proofBytes: number;
  /** Key and value bytes of every page, per state key. */
  bytesPerKey: number;
}

const key = (i: number) => `m-token.iost-TBuser${i}-iost`;
const value = (i: number, v: number) => `i${v}@user${i}`;

export function treeCost(n: number, samples = 200): TreeCost {
  const store = new Counting();
  const nodes = new PagedNodes(store);
  const tree = new StateTree(nodes);
  const all: [string, string][] = [];
  for (let i = 0; i < n; i++) all.push([key(i), value(i, i)]);
  tree.update(all);
  let bytes = 0;
  for (const k of store.rows.keys()) bytes += k.length + store.rows.get(k)!.length;
  // Evenly spread samples: deterministic, no two the same.
  const pick = (s: number) => Math.floor(((s + 0.5) * n) / samples);
  let one = 0;
  let six = 0;
  let read = 0;
  let siblings = 0;
  let proofBytes = 0;
  for (let s = 0; s < samples; s++) {
    const i = pick(s);
    store.written = 0;
    tree.update([[key(i), value(i, i + 1)]]);
    one += store.written;
    store.written = 0;
    tree.update(Array.from({ length: 6 }, (_, j) => [key((i + j * 7919) % n), value(i, s)] as const));
    six += store.written;
    nodes.reads = 0;
    const p = tree.prove(key(i));
    read += nodes.reads;
    siblings += p.siblings.length;
    proofBytes += JSON.stringify(p).length;
  }
  return {
    keys: n,
    rowsPerKeyWrite: one / samples,
    rowsPerTransfer: six / samples,
    rowsPerProof: read / samples,
    siblings: siblings / samples,
    proofBytes: proofBytes / samples,
    bytesPerKey: bytes / n,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--sizes");
  const sizes = (at > 0 ? process.argv[at + 1] : "1000,10000,100000").split(",").map(Number);
  console.log(
    "| keys | rows written / key write | rows written / transfer chunk (6 keys) | rows read / proof | siblings / proof | proof JSON bytes | stored bytes / key |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const c = treeCost(n);
    const f = (x: number) => x.toFixed(1);
    console.log(
      `| ${n} | ${f(c.rowsPerKeyWrite)} | ${f(c.rowsPerTransfer)} | ${f(c.rowsPerProof)} | ${f(c.siblings)} | ${Math.round(c.proofBytes)} | ${Math.round(c.bytesPerKey)} |`,
    );
  }
}

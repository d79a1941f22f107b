/**
 * State witnesses (docs/STATE.md "State witnesses", issue #18): the part of a shard's tree that a
 * chunk touched, so that a node without the shard's state can re-execute the chunk and reach its
 * post-state root. A witness is every key the chunk read or wrote, with its value before the chunk
 * (or its absence), and one multiproof of them all against the previous state root: the partial
 * tree made of the keys' paths, each node on several paths given once, each subtree off the paths
 * by its hash only.
 *
 * The partial tree goes in pre-order, one tag per node:
 *   E  empty subtree
 *   H  a subtree off the paths, by its hash (32 bytes); its kind (leaf or inner) is not shown
 *   I  an inner node: its two children follow
 *   L  a leaf of a key not in `entries` that ends an entry's path or sits beside a deleted key's
 *      path: its key hash and value hash (64 bytes)
 *   V  the leaf of the next present entry, in key-hash order: nothing, both hashes come from the entry
 * The hashes go in `hashes`, in the order of their tags. A deletion can make a lone leaf rise (tree.ts),
 * which depends on the kind of the subtree beside it: the builder shows the siblings along the paths
 * of the keys the chunk deletes (an I with its children, or an L), and the tree refuses to settle a
 * rise that depends on an H, so a witness that hides a kind is refused, never read as another root.
 *
 * `openWitness` checks a witness against the previous root and gives a `WitnessStore`: reads answer
 * the covered keys, any other key is `WitnessMissing` (a builder that left a key out is caught, not
 * read as absent), and `root()` applies the chunk's writes to the partial tree.
 */
import { base64Decode, base64Encode } from "../codec/base64.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { compareKeys, MemoryStore } from "./memory-store.js";
import { bit, innerHash, keyHash, leafHash, valueHash } from "./proof.js";
import type { Store } from "./store.js";
import { type Child, type Node, PagedNodes, StateTree } from "./tree.js";

export interface Witness {
  /** The partial tree's tags, pre-order (above). */
  shape: string;
  /** base64 of the 32-byte hashes the tags take, in order. */
  hashes: string;
  /** Every key the chunk read or wrote, in canonical order, with its value before the chunk (null: absent). */
  entries: [key: string, value: string | null][];
}

/** A witness that does not hold, or does not prove what it claims. */
export class WitnessError extends Error {
  override name = "WitnessError";
}

/** Execution asked for a key the witness does not cover. */
export class WitnessMissing extends Error {
  override name = "WitnessMissing";
  constructor(readonly key: string) {
    super(`the state witness does not cover key ${key}`);
  }
}

interface Entry {
  key: string;
  kh: Uint8Array;
  value: string | null;
}

function compareHash(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const byHash = (a: Entry, b: Entry) => compareHash(a.kh, b.kh);

function hashOf(n: Node): Uint8Array {
  return n.leaf ? leafHash(n.kh, n.vh) : innerHash(n.l.hash, n.r.hash);
}

/** Whether `kh`'s first bits are `path`. */
function onPath(kh: Uint8Array, path: string): boolean {
  for (let i = 0; i < path.length; i++) if (bit(kh, i) !== path.charCodeAt(i) - 48) return false;
  return true;
}

/**
 * The witness of `entries` (key → value before the chunk, null: absent) in `tree`, the state before
 * the chunk. `deleted`: the keys the chunk deletes, whose siblings' kinds it shows. Throws if a value
 * disagrees with the tree (the caller's state and tree would differ: a node bug, never input).
 */
export function buildWitness(tree: StateTree, entries: Iterable<readonly [string, string | null]>, deleted: ReadonlySet<string> = new Set()): Witness {
  const list = [...entries].sort(([a], [b]) => compareKeys(a, b));
  for (let i = 1; i < list.length; i++) if (list[i - 1][0] === list[i][0]) throw new Error(`witness key ${list[i][0]} twice`);
  const items: (Entry & { del: boolean })[] = list.map(([key, value]) => ({ key, kh: keyHash(key), value, del: deleted.has(key) }));
  items.sort(byHash);
  let shape = "";
  const hashes: Uint8Array[] = [];
  const nodes = tree.nodes;
  const at = (path: string): Node => {
    const n = nodes.get(path);
    if (n === undefined) throw new Error(`state tree has no node at ${path}`);
    return n;
  };
  const walk = (path: string, child: Child, lo: number, hi: number, show: boolean): void => {
    if (child.kind === "E") {
      for (let i = lo; i < hi; i++) if (items[i].value !== null) throw new Error(`witness: ${items[i].key} has a value the tree does not hold`);
      shape += "E";
      return;
    }
    if (lo === hi && !show) {
      shape += "H";
      hashes.push(child.hash);
      return;
    }
    const node = at(path);
    if (node.leaf) {
      let mine = false;
      for (let i = lo; i < hi; i++) {
        if (compareHash(items[i].kh, node.kh) !== 0) continue;
        const v = items[i].value;
        if (v === null || compareHash(valueHash(v), node.vh) !== 0) throw new Error(`witness: ${items[i].key} disagrees with the tree`);
        mine = true;
      }
      for (let i = lo; i < hi; i++)
        if (items[i].value !== null && compareHash(items[i].kh, node.kh) !== 0) throw new Error(`witness: ${items[i].key} has a value the tree does not hold`);
      if (mine) shape += "V";
      else {
        shape += "L";
        hashes.push(node.kh, node.vh);
      }
      return;
    }
    shape += "I";
    if (lo === hi) {
      // A sibling of a deleted key's path: its kind shown, its children by hash.
      for (const c of [node.l, node.r]) {
        shape += c.kind === "E" ? "E" : "H";
        if (c.kind !== "E") hashes.push(c.hash);
      }
      return;
    }
    let mid = lo;
    while (mid < hi && bit(items[mid].kh, path.length) === 0) mid++;
    const del = (from: number, to: number) => items.slice(from, to).some((x) => x.del);
    walk(path + "0", node.l, lo, mid, lo === mid && del(mid, hi));
    walk(path + "1", node.r, mid, hi, mid === hi && del(lo, mid));
  };
  try {
    const top = nodes.get("");
    const root: Child = top === undefined ? { kind: "E", hash: new Uint8Array(32) } : { kind: top.leaf ? "L" : "I", hash: hashOf(top) };
    walk("", root, 0, items.length, false);
  } finally {
    nodes.settle();
  }
  const bytes = new Uint8Array(hashes.length * 32);
  for (let i = 0; i < hashes.length; i++) bytes.set(hashes[i], i * 32);
  return { shape, hashes: base64Encode(bytes), entries: list.map(([k, v]) => [k, v]) };
}

/** The size of a witness as it travels (JSON text), and what one proof per key would take instead. */
export function witnessBytes(w: Witness): number {
  return new TextEncoder().encode(JSON.stringify(w)).length;
}

/**
 * Checks `w` against `root` (hex, the state root before the chunk) and opens it as a store. Throws
 * WitnessError with the reason if it is malformed, does not hash to `root`, or claims a value or an
 * absence the tree does not hold.
 */
export function openWitness(root: string, w: Witness): WitnessStore {
  const bad = (why: string): never => {
    throw new WitnessError(`invalid state witness: ${why}`);
  };
  if (typeof w !== "object" || w === null || typeof w.shape !== "string" || typeof w.hashes !== "string" || !Array.isArray(w.entries)) bad("malformed");
  if (!/^[0-9a-f]{64}$/.test(root)) bad(`root ${String(root).slice(0, 80)} is not 32 bytes of hex`);
  const values = new Map<string, string | null>();
  const entries: Entry[] = [];
  let last: string | null = null;
  for (const e of w.entries) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || (e[1] !== null && typeof e[1] !== "string")) bad("malformed entry");
    const [key, value] = e as [string, string | null];
    if (last !== null && compareKeys(last, key) >= 0) bad(`entries out of order or repeated at ${key.slice(0, 80)}`);
    last = key;
    values.set(key, value);
    entries.push({ key, kh: keyHash(key), value });
  }
  let bytes: Uint8Array = new Uint8Array(0);
  try {
    bytes = base64Decode(w.hashes);
  } catch {
    bad("hashes are not base64");
  }
  if (bytes.length % 32 !== 0) bad("hashes are not whole 32-byte hashes");
  const present = entries.filter((e) => e.value !== null).sort(byHash);
  const nodes = new PagedNodes(new MemoryStore());
  const hidden = new Set<string>();
  let tag = 0;
  let used = 0;
  let next = 0;
  const take = (): Uint8Array => {
    if (used + 32 > bytes.length) bad("too few hashes");
    return bytes.slice(used, (used += 32));
  };
  const leaf = (path: string, kh: Uint8Array, vh: Uint8Array): Child => {
    if (!onPath(kh, path)) bad(`a leaf off its key's path at depth ${path.length}`);
    nodes.put(path, { leaf: true, kh, vh });
    return { kind: "L", hash: leafHash(kh, vh) };
  };
  const parse = (path: string): Child => {
    if (path.length > 256) bad("deeper than 256 levels");
    switch (w.shape[tag++]) {
      case "E":
        return { kind: "E", hash: new Uint8Array(32) };
      case "H":
        hidden.add(path);
        return { kind: "H", hash: take() };
      case "L":
        return leaf(path, take(), take());
      case "V": {
        const e = present[next++];
        if (e === undefined) bad("more present leaves than present entries");
        return leaf(path, e.kh, valueHash(e.value!));
      }
      case "I": {
        const l = parse(path + "0");
        const r = parse(path + "1");
        nodes.put(path, { leaf: false, l, r });
        return { kind: "I", hash: innerHash(l.hash, r.hash) };
      }
      default:
        return bad(tag > w.shape.length ? "shape ends early" : `unknown tag at ${tag - 1}`);
    }
  };
  const top = parse("");
  if (tag !== w.shape.length) bad("shape goes on after the tree");
  if (used !== bytes.length) bad("hashes left over");
  if (next !== present.length) bad(`entry ${present[next]?.key.slice(0, 80)} has no leaf`);
  if (bytesToHex(top.hash) !== root) bad(`it hashes to ${bytesToHex(top.hash)}, not the previous state root ${root}`);
  nodes.settle();
  // A present entry's leaf is on the tree; an absent one's path must end at an empty slot or another key's leaf.
  for (const e of entries) {
    if (e.value !== null) continue;
    for (let path = ""; ; path += bit(e.kh, path.length)) {
      if (hidden.has(path)) bad(`key ${e.key.slice(0, 80)} is not covered`);
      const n = nodes.get(path);
      if (n === undefined) break;
      if (n.leaf) {
        if (compareHash(n.kh, e.kh) === 0) bad(`key ${e.key.slice(0, 80)} is claimed absent but the tree holds it`);
        break;
      }
    }
  }
  nodes.settle();
  return new WitnessStore(new StateTree(nodes), values, root);
}

/**
 * The state before a chunk as a witness gives it (openWitness checked it): reads and writes of the
 * keys it covers; any other key throws WitnessMissing and is kept in `missing`, so a caller that
 * swallowed the throw (a contract's failure) still sees it.
 */
export class WitnessStore implements Store {
  private readonly writes = new Map<string, string | null>();
  /** The first key asked for that the witness does not cover. */
  missing: string | null = null;

  constructor(
    private readonly tree: StateTree,
    private readonly values: ReadonlyMap<string, string | null>,
    /** The root before the chunk: a witness of no key holds no node, not even the root. */
    private readonly before: string,
  ) {}

  private cover(key: string): void {
    if (this.values.has(key)) return;
    this.missing ??= key;
    throw new WitnessMissing(key);
  }

  get(key: string): string | undefined {
    if (this.writes.has(key)) return this.writes.get(key) ?? undefined;
    this.cover(key);
    return this.values.get(key) ?? undefined;
  }

  put(key: string, value: string): void {
    this.cover(key);
    this.writes.set(key, value);
  }

  del(key: string): void {
    this.cover(key);
    this.writes.set(key, null);
  }

  /** The state root after the writes made so far (hex); WitnessError if the witness cannot settle it. Reads keep seeing the writes. */
  root(): string {
    if (this.missing !== null) throw new WitnessMissing(this.missing);
    if (this.writes.size === 0) return this.before;
    try {
      return bytesToHex(this.tree.update(this.writes));
    } catch (err) {
      throw new WitnessError(`invalid state witness: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * The authenticated state of a shard (docs/STATE.md "Authenticated state"): a binary sparse
 * Merkle tree over sha3(key) with short-cut leaves (a leaf sits where its subtree holds no other
 * key), hashed as proof.ts says. Its root depends only on the key/value set, never on the order
 * of the writes that made it, so a revert or a replay may apply writes in any grouping.
 *
 * Nodes are stored in pages (`PagedNodes`): the page of a node at depth d is the node at depth
 * 4⌊d/4⌋ above it, and holds the nodes of its four levels (at most 15). A page is one row of a
 * `Store`, so a key's path of ~log2(n) nodes costs ~log2(n)/4 rows to read or write, while a
 * proof still carries binary siblings (32 bytes per level). Only the leaves hold key hashes; the
 * tree never holds values (the state does), only their hashes.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { base64Decode, STD, STD_INDEX } from "../codec/base64.js";
import { bit, EMPTY, innerHash, keyHash, leafHash, type Proof, valueHash } from "./proof.js";
import { MemoryStore } from "./memory-store.js";
import type { Store } from "./store.js";

/**
 * A child as its parent knows it: kind (Empty, Leaf, Inner) and hash. "H": a subtree a state
 * witness gives by its hash alone (witness.ts), a leaf or an inner node, which a stored tree never holds.
 */
export interface Child {
  kind: "E" | "L" | "I" | "H";
  hash: Uint8Array;
}

export type Node = { leaf: true; kh: Uint8Array; vh: Uint8Array } | { leaf: false; l: Child; r: Child };

/** A write as the tree takes it: the key's hash and its value's hash (null: deleted). */
interface Item {
  kh: Uint8Array;
  vh: Uint8Array | null;
}

const NONE: Child = { kind: "E", hash: EMPTY };

function hashOf(n: Node): Uint8Array {
  return n.leaf ? leafHash(n.kh, n.vh) : innerHash(n.l.hash, n.r.hash);
}

function childOf(n: Node | undefined): Child {
  return n === undefined ? NONE : { kind: n.leaf ? "L" : "I", hash: hashOf(n) };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareHash(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const B64_CODES = Uint8Array.from(STD, (c) => c.charCodeAt(0));

/** Writes the base64 of the 64 bytes a ‖ b (padded, standard alphabet: codec/base64.ts's output) into `buf` at `o`; returns the end. */
function put64(buf: Uint8Array, o: number, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 63; i += 3) {
    const n = ((i < 32 ? a[i] : b[i - 32]) << 16) | ((i + 1 < 32 ? a[i + 1] : b[i - 31]) << 8) | (i + 2 < 32 ? a[i + 2] : b[i - 30]);
    buf[o] = B64_CODES[n >> 18];
    buf[o + 1] = B64_CODES[(n >> 12) & 63];
    buf[o + 2] = B64_CODES[(n >> 6) & 63];
    buf[o + 3] = B64_CODES[n & 63];
    o += 4;
  }
  const last = b[31];
  buf[o] = B64_CODES[last >> 2];
  buf[o + 1] = B64_CODES[(last & 3) << 4];
  buf[o + 2] = 61; // "="
  buf[o + 3] = 61;
  return o + 4;
}

const ascii = new TextDecoder();
/** One node's text is built here: at most 'I', two kinds and 88 characters of base64. */
const NODE = new Uint8Array(91);

/** A node's stored text: `L<kh ‖ vh>` or `I<kinds><l ‖ r>`, the 64 bytes in base64. */
function encodeNode(n: Node): string {
  let o: number;
  if (n.leaf) {
    NODE[0] = 76; // "L"
    o = put64(NODE, 1, n.kh, n.vh);
  } else {
    NODE[0] = 73; // "I"
    NODE[1] = n.l.kind.charCodeAt(0);
    NODE[2] = n.r.kind.charCodeAt(0);
    o = put64(NODE, 3, n.l.hash, n.r.hash);
  }
  return ascii.decode(NODE.subarray(0, o));
}

/** A page's stored text: `<rel>:<node>` entries in `rel` order, `,`-separated; a node never decoded keeps the text it was read as. */
function pageText(page: Map<string, Node | string>): string {
  const rels = [...page.keys()].sort();
  const parts = new Array<string>(rels.length);
  for (let i = 0; i < rels.length; i++) {
    const n = page.get(rels[i])!;
    parts[i] = rels[i] + ":" + (typeof n === "string" ? n : encodeNode(n));
  }
  return parts.join(",");
}

/**
 * The 64 bytes of a node's base64 from `from` (88 characters, as `join` writes them), as two
 * 32-byte views; anything else is decoded by codec/base64.ts as it always was.
 */
function split(text: string, from: number): [Uint8Array, Uint8Array] {
  const out = new Uint8Array(64);
  if (text.length - from !== 88 || text.charCodeAt(from + 86) !== 61 || text.charCodeAt(from + 87) !== 61) return halves(base64Decode(text.slice(from)));
  for (let i = 0, o = 0; o < 64; i += 4) {
    const c0 = text.charCodeAt(from + i),
      c1 = text.charCodeAt(from + i + 1);
    const v0 = c0 < 128 ? STD_INDEX[c0] : -1,
      v1 = c1 < 128 ? STD_INDEX[c1] : -1;
    if (o === 63) {
      if ((v0 | v1) < 0) return halves(base64Decode(text.slice(from)));
      out[o++] = (v0 << 2) | (v1 >> 4);
      break;
    }
    const c2 = text.charCodeAt(from + i + 2),
      c3 = text.charCodeAt(from + i + 3);
    const v2 = c2 < 128 ? STD_INDEX[c2] : -1,
      v3 = c3 < 128 ? STD_INDEX[c3] : -1;
    if ((v0 | v1 | v2 | v3) < 0) return halves(base64Decode(text.slice(from)));
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  return halves(out);
}

const halves = (b: Uint8Array): [Uint8Array, Uint8Array] => [b.slice(0, 32), b.slice(32)];

function decodeNode(text: string): Node {
  if (text[0] === "L") {
    const [kh, vh] = split(text, 1);
    return { leaf: true, kh, vh };
  }
  const [l, r] = split(text, 3);
  return { leaf: false, l: { kind: text[1] as Child["kind"], hash: l }, r: { kind: text[2] as Child["kind"], hash: r } };
}

/** Levels per page: a page holds a node and the three levels below it. */
const LEVELS = 4;
const HEX = "0123456789abcdef";

/**
 * Nodes by path (a string of '0'/'1', the root ""), grouped in pages stored as rows of `store`:
 * key = the page's path as hex nibbles, value = `<rel>:<node>` entries, `,`-separated, in `rel`
 * order. Pages read are cached, pages changed written once, at `settle()`.
 */
export class PagedNodes {
  /**
   * Pages read, by key: a node as its stored text until it is read (a page holds up to 15 nodes and
   * an update reads the few on its paths; decoding and encoding the others again was most of an update).
   */
  private readonly pages = new Map<string, Map<string, Node | string>>();
  private readonly dirty = new Set<string>();
  /** Pages read from the store (for cost measurements). */
  reads = 0;

  constructor(private readonly store: Store) {}

  /** The page holding the node at `path`: its key, the path's whole groups of LEVELS bits as hex digits. */
  private page(path: string, cut: number): string {
    let key = "";
    for (let i = 0; i < cut; i += LEVELS) {
      const v = ((path.charCodeAt(i) & 1) << 3) | ((path.charCodeAt(i + 1) & 1) << 2) | ((path.charCodeAt(i + 2) & 1) << 1) | (path.charCodeAt(i + 3) & 1);
      key += HEX[v];
    }
    if (this.pages.has(key)) return key;
    const page = new Map<string, Node | string>();
    this.reads++;
    const text = this.store.get(key);
    if (text !== undefined) {
      for (const entry of text.split(",")) {
        const at = entry.indexOf(":");
        page.set(entry.slice(0, at), entry.slice(at + 1));
      }
    }
    this.pages.set(key, page);
    return key;
  }

  get(path: string): Node | undefined {
    const cut = path.length - (path.length % LEVELS);
    const n = this.pages.get(this.page(path, cut))!.get(path.slice(cut));
    return typeof n === "string" ? decodeNode(n) : n;
  }

  put(path: string, node: Node): void {
    const cut = path.length - (path.length % LEVELS);
    const key = this.page(path, cut);
    this.pages.get(key)!.set(path.slice(cut), node);
    this.dirty.add(key);
  }

  del(path: string): void {
    const cut = path.length - (path.length % LEVELS);
    const key = this.page(path, cut);
    this.pages.get(key)!.delete(path.slice(cut));
    this.dirty.add(key);
  }

  /** Writes the changed pages (an emptied page is deleted), in key order, and forgets the cache. */
  settle(): void {
    for (const key of [...this.dirty].sort()) {
      const page = this.pages.get(key)!;
      if (page.size === 0) this.store.del(key);
      else this.store.put(key, pageText(page));
    }
    this.dirty.clear();
    this.pages.clear();
  }
}

export class StateTree {
  constructor(readonly nodes: PagedNodes) {}

  /** The root hash (32 zero bytes for an empty state). */
  root(): Uint8Array {
    try {
      return childOf(this.nodes.get("")).hash;
    } finally {
      this.nodes.settle();
    }
  }

  /** Applies a write set (each key once; null = deleted) and returns the new root. */
  update(writes: Iterable<readonly [string, string | null]>): Uint8Array {
    const items: Item[] = [];
    for (const [k, v] of writes) items.push({ kh: keyHash(k), vh: v === null ? null : valueHash(v) });
    items.sort((a, b) => compareHash(a.kh, b.kh));
    try {
      if (items.length === 0) return childOf(this.nodes.get("")).hash;
      const old = childOf(this.nodes.get(""));
      const top = this.apply("", items, 0, items.length);
      const now = childOf(top);
      if (!same(now.hash, old.hash)) {
        if (top === undefined) this.nodes.del("");
        else this.nodes.put("", top);
      }
      return now.hash;
    } finally {
      this.nodes.settle();
    }
  }

  /** The proof of `key`'s value or absence (verifyProof in proof.ts checks it). */
  prove(key: string): Proof {
    const kh = keyHash(key);
    const siblings: string[] = [];
    try {
      let path = "";
      let node = this.nodes.get(path);
      while (node !== undefined) {
        if (node.leaf) return same(node.kh, kh) ? { siblings } : { siblings, leaf: { key: bytesToHex(node.kh), value: bytesToHex(node.vh) } };
        const b = bit(kh, path.length);
        siblings.push(bytesToHex(b === 0 ? node.r.hash : node.l.hash));
        if ((b === 0 ? node.l : node.r).kind === "E") break;
        path += b;
        node = this.nodes.get(path);
      }
      return { siblings };
    } finally {
      this.nodes.settle();
    }
  }

  /**
   * The new node at `path` for `items[lo, hi)` (all under `path`), having written every row
   * below `path`; the caller writes the row at `path` itself (it may move: a lone leaf rises).
   */
  private apply(path: string, items: Item[], lo: number, hi: number): Node | undefined {
    const cur = this.nodes.get(path);
    if (cur === undefined || cur.leaf) {
      // Nothing is stored below an empty slot or a leaf: build the subtree from its keys.
      const entries: { kh: Uint8Array; vh: Uint8Array }[] = [];
      let kept = cur;
      for (let i = lo; i < hi; i++) {
        const it = items[i];
        if (kept !== undefined && compareHash(kept.kh, it.kh) < 0) {
          entries.push(kept);
          kept = undefined;
        }
        if (kept !== undefined && same(kept.kh, it.kh)) kept = undefined;
        if (it.vh !== null) entries.push({ kh: it.kh, vh: it.vh });
      }
      if (kept !== undefined) entries.push(kept);
      return this.build(path, entries, 0, entries.length);
    }
    const d = path.length;
    let mid = lo;
    while (mid < hi && bit(items[mid].kh, d) === 0) mid++;
    const ranges = [
      [lo, mid],
      [mid, hi],
    ];
    const old = [cur.l, cur.r];
    const next: (Node | undefined)[] = [undefined, undefined];
    const kids = [cur.l, cur.r];
    for (const b of [0, 1]) {
      const [from, to] = ranges[b];
      if (from === to) continue;
      next[b] = this.apply(path + b, items, from, to);
      kids[b] = childOf(next[b]);
    }
    const changed = [0, 1].filter((b) => !same(kids[b].hash, old[b].hash));
    if (changed.length === 0) return cur;
    const empty = [0, 1].filter((b) => kids[b].kind === "E");
    // Whether a lone leaf rises depends on the other side's kind: a witness must have shown it.
    if (empty.length === 1 && kids[1 - empty[0]].kind === "H") throw new Error(`the kind of the subtree at ${path + (1 - empty[0])} is not shown`);
    if (empty.length === 2 || (empty.length === 1 && kids[1 - empty[0]].kind === "L")) {
      // At most one leaf is left under `path`: it rises to `path`, its old rows go.
      const other = empty.length === 2 ? -1 : 1 - empty[0];
      const lone = other < 0 ? undefined : changed.includes(other) ? next[other] : this.nodes.get(path + other);
      for (const b of [0, 1]) if (old[b].kind !== "E") this.nodes.del(path + b);
      return lone;
    }
    for (const b of changed) {
      const n = next[b];
      if (n === undefined) this.nodes.del(path + b);
      else this.nodes.put(path + b, n);
    }
    return { leaf: false, l: kids[0], r: kids[1] };
  }

  /** The subtree of `entries[lo, hi)` (sorted, present keys) at an empty `path`: rows below it written. */
  private build(path: string, entries: { kh: Uint8Array; vh: Uint8Array }[], lo: number, hi: number): Node | undefined {
    if (lo === hi) return undefined;
    if (hi - lo === 1) return { leaf: true, kh: entries[lo].kh, vh: entries[lo].vh };
    const d = path.length;
    let mid = lo;
    while (mid < hi && bit(entries[mid].kh, d) === 0) mid++;
    const l = this.build(path + "0", entries, lo, mid);
    const r = this.build(path + "1", entries, mid, hi);
    if (l !== undefined) this.nodes.put(path + "0", l);
    if (r !== undefined) this.nodes.put(path + "1", r);
    return { leaf: false, l: childOf(l), r: childOf(r) };
  }
}

/** The root of exactly these key/values (a whole state, e.g. genesis), built in memory. */
export function treeRoot(entries: Iterable<readonly [string, string | null]>): Uint8Array {
  return new StateTree(new PagedNodes(new MemoryStore())).update(entries);
}

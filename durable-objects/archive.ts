/**
 * Cold storage of old final blocks in R2 (docs/ARCHITECTURE.md "Storage", docs/COST.md "Storage").
 *
 * Heights are cut into segments of `seg` heights: segment k holds heights k·seg + 1 … (k + 1)·seg
 * (genesis, height 0, never leaves SQLite). Once a whole segment is `retain` heights below LIB, its
 * owner (the coordinator for block records, each shard for its chunks and tx bodies) writes it as
 * one R2 object `<owner>/<k, 10 digits>.json` and then, in one SQLite transaction, deletes what it
 * copied and advances its `archived` mark. A crash between the two leaves the rows in SQLite (reads
 * find them there first) and the next LIB rise writes the same object again: the content is final,
 * so the second put only replaces it with itself.
 *
 * Format (version 1), JSON: `{format: "iost-edge/segment", version: 1, owner, seg, k, from, to, …}`
 * with `blocks` (coordinator: `{number, hash, json, witnesses, kept?}` rows as stored) or `chunks`
 * (shard: the Chunk JSON texts) and `txs` (shard: executed txs `{hash, height, idx, bytes: hex,
 * receipt, hashed?, gasRatio}` in height, idx order).
 *
 * `kept` (a producer of several groups: `blocks.kept`, its chunks and txs of the shards its objects
 * did not apply) is absent where the row had none, so one group's segments are as before. Still
 * version 1, as neither side has to refuse the other's segments: one written before `kept` was
 * archived reads as keeping none (right for one group; a grouped producer's kept chunks of those
 * heights were dropped then), and a reader that knows no `kept` passes over it.
 */
export const SEGMENT_FORMAT = "iost-edge/segment";
export const SEGMENT_VERSION = 1;

export type BlockRow = {
  number: number;
  hash: string;
  json: string;
  witnesses: string | null;
  /** `blocks.kept` as stored; absent when null (and in segments written before it was archived). */
  kept?: string;
};

export interface TxRow {
  hash: string;
  height: number;
  idx: number;
  /** The tx bytes, hex. */
  bytes: string;
  /** receiptToJson JSON text. */
  receipt: string;
  /** The receipt as executed when a cross-shard settle changed `receipt` (tx_index.hashed); absent when equal. */
  hashed?: string;
  gasRatio: number;
}

export interface Segment {
  format: typeof SEGMENT_FORMAT;
  version: typeof SEGMENT_VERSION;
  owner: string;
  seg: number;
  k: number;
  from: number;
  to: number;
  blocks?: BlockRow[];
  chunks?: string[];
  txs?: TxRow[];
}

/** Where an object stands: segments below `next` are out of SQLite; `seg` is fixed by the first one. */
export interface Mark {
  next: number;
  seg: number;
}

export const segmentOf = (height: number, seg: number): number => Math.floor((height - 1) / seg);
export const rangeOf = (k: number, seg: number): { from: number; to: number } => ({ from: k * seg + 1, to: (k + 1) * seg });
export const segmentKey = (owner: string, k: number): string => `${owner}/${String(k).padStart(10, "0")}.json`;

/** The mark stored under `archived` (absent: nothing archived yet, `seg` from the config). */
export function markOf(text: string | undefined, seg: number): Mark {
  return text === undefined ? { next: 0, seg } : (JSON.parse(text) as Mark);
}

/** Is `height` in a segment that left SQLite? */
export function isArchived(m: Mark, height: number): boolean {
  return height >= 1 && segmentOf(height, m.seg) < m.next;
}

/** The next segment to archive if all of it is `retain` heights below `lib`, else null. */
export function due(m: Mark, lib: number, retain: number): { k: number; from: number; to: number } | null {
  const r = rangeOf(m.next, m.seg);
  return r.to <= lib - retain ? { k: m.next, ...r } : null;
}

/**
 * Reads segments through a small cache: a block page or a peer's sync reads the heights of one
 * segment in a row, one R2 read (class B) serves them all. Two segments at most per object. A read
 * under way is shared: a grouped producer's range reads every shard's kept chunks at once
 * (chain-sync.ts `chunkRanges`), and each would have read the segment itself.
 */
export class SegmentReader {
  private readonly held = new Map<string, Promise<Segment | null>>();

  constructor(
    private readonly bucket: R2Bucket | undefined,
    private readonly owner: string,
  ) {}

  get(k: number): Promise<Segment | null> {
    const key = segmentKey(this.owner, k);
    const cached = this.held.get(key);
    if (cached !== undefined) return cached;
    const s = this.read(k, key);
    this.held.set(key, s);
    if (this.held.size > 2) this.held.delete(this.held.keys().next().value!);
    // A missing or failed read is asked again next time.
    const forget = () => {
      if (this.held.get(key) === s) this.held.delete(key);
    };
    s.then((got) => got === null && forget(), forget);
    return s;
  }

  private async read(k: number, key: string): Promise<Segment | null> {
    if (this.bucket === undefined) {
      console.error(`${this.owner}: segment ${k} was archived to R2 but the ARCHIVE binding is missing`);
      return null;
    }
    const obj = await this.bucket.get(key);
    if (obj === null) {
      console.error(`${this.owner}: archived segment ${key} is missing from R2`);
      return null;
    }
    const s = (await obj.json()) as Segment;
    if (s.format !== SEGMENT_FORMAT || s.version !== SEGMENT_VERSION || s.k !== k) {
      throw new Error(`${this.owner}: R2 object ${key} is not a version ${SEGMENT_VERSION} segment ${k}`);
    }
    return s;
  }

  /** Writes segment `s` (class A); a retried write replaces the object with the same content. */
  async put(s: Segment): Promise<void> {
    await this.bucket!.put(segmentKey(this.owner, s.k), JSON.stringify(s), { httpMetadata: { contentType: "application/json" } });
    this.held.delete(segmentKey(this.owner, s.k));
  }
}

/**
 * The shard's block log (docs/ARCHITECTURE.md "Storage"): a height's chunk and everything else it
 * leaves that is not per tx — its state writes, undo data, events, the cross-shard receipts it
 * sent and the ids of those it applied — in one `chunks` row, so a chunk costs one row written, not one per key, event and
 * receipt (docs/COST.md "Rows written").
 *
 * A row is at most 2 MB (a limit of Durable Object SQLite), and a height's log has no
 * bound of its own (each value a tx writes is capped at ROW_BYTES, a block may hold many): a log
 * over PART characters goes to `log_parts` in pieces, its columns saying `#parts <n>`. Rare (a
 * transfer's log is a few hundred bytes); never a failure the chain could wedge on.
 */
import type { Chunk } from "../api";

/** UTF-16 units inline (≤ 3 UTF-8 bytes each: under 1 MB, leaving room for the chunk's own JSON) and per part. */
export const PART = 300_000;

export type LogColumn = "writes" | "undo" | "events" | "sent" | "reads" | "applied";

export interface Log {
  writes: string | null;
  undo: string | null;
  events: string | null;
  sent: string | null;
  /** The state keys read and not written (chunk-build.ts), for the height's state witness. */
  reads?: string | null;
  /** JSON: the ids of the cross-shard receipts the height applied (applied.ts). */
  applied?: string | null;
}

const MARK = "#parts ";

/** The chunk row of `chunk.height` with its log (none for genesis, whose state is written to `state_kv` directly). */
export function storeChunk(sql: SqlStorage, chunk: Chunk, log: Log = { writes: null, undo: null, events: null, sent: null }): void {
  const total =
    (log.writes?.length ?? 0) +
    (log.undo?.length ?? 0) +
    (log.events?.length ?? 0) +
    (log.sent?.length ?? 0) +
    (log.reads?.length ?? 0) +
    (log.applied?.length ?? 0);
  const put = (name: LogColumn): string | null => {
    const text = log[name] ?? null;
    if (text === null || total <= PART) return text;
    const n = Math.ceil(text.length / PART);
    for (let i = 0; i < n; i++) {
      sql.exec("INSERT INTO log_parts (height, name, part, text) VALUES (?, ?, ?, ?)", chunk.height, name, i, text.slice(i * PART, (i + 1) * PART));
    }
    return MARK + n;
  };
  sql.exec(
    "INSERT INTO chunks (height, time, state_root, json, writes, undo, events, sent, reads, applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    chunk.height,
    chunk.time,
    chunk.stateRoot,
    JSON.stringify(chunk),
    put("writes"),
    put("undo"),
    put("events"),
    put("sent"),
    put("reads"),
    put("applied"),
  );
  // The txs that left the pool expired or dropped while this chunk was made: placed at its height
  // (no idx), so the segment prune drops their records by range (shard.ts prune).
  sql.exec("UPDATE tx_index SET height = ? WHERE height IS NULL", chunk.height);
}

/**
 * The `reads` column: keys in canonical order, each as the length it shares with the key before it
 * and the rest (`[0, "b-base.iost-blockIntervalNs", 12, "locksPerSlot", …]`): IOST's keys share long
 * prefixes (`m-token.iost-TI…`), and shard 0's base tx reads the same dozen every block.
 */
export function packKeys(keys: readonly string[]): string {
  const out: (number | string)[] = [];
  let prev = "";
  for (const k of keys) {
    let n = 0;
    while (n < prev.length && n < k.length && prev.charCodeAt(n) === k.charCodeAt(n)) n++;
    out.push(n, k.slice(n));
    prev = k;
  }
  return JSON.stringify(out);
}

export function unpackKeys(text: string): string[] {
  const list = JSON.parse(text) as (number | string)[];
  const keys: string[] = [];
  let prev = "";
  for (let i = 0; i < list.length; i += 2) {
    prev = prev.slice(0, list[i] as number) + (list[i + 1] as string);
    keys.push(prev);
  }
  return keys;
}

/** A column's text as stored (`value` read from the chunk row), its parts joined. */
export function logText(sql: SqlStorage, height: number, name: LogColumn, value: string | null): string | null {
  if (value === null || !value.startsWith(MARK)) return value;
  return sql
    .exec<{ text: string }>("SELECT text FROM log_parts WHERE height = ? AND name = ? ORDER BY part", height, name)
    .toArray()
    .map((r) => r.text)
    .join("");
}

/** One column of the log of `height`, or null (no such chunk, nothing logged, or pruned). */
export function logAt(sql: SqlStorage, height: number, name: LogColumn): string | null {
  const rows = sql.exec<Record<string, string | null>>(`SELECT ${name} AS v FROM chunks WHERE height = ?`, height).toArray();
  return rows.length === 0 ? null : logText(sql, height, name, rows[0].v);
}

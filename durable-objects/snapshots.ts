/**
 * Dev snapshots (/dev/snapshot, /dev/revert) inside one Durable Object's own
 * SQLite, no external storage: snapshot `id` is a copy of every data table `t`
 * as table `snap_<id>_<t>`. A copy keeps every value exactly (blobs, TEXT
 * int64s) without a serialization format, and the set of tables is read from
 * sqlite_master, so a table added to schema.ts later is covered by itself.
 *
 * The callers run each function inside one `transactionSync`, and the
 * coordinator runs the whole operation with block production paused.
 */

/** Tables that are never snapshot data: copies, SQLite's, drizzle's `__drizzle_migrations`, workerd's `_cf_*`. */
const NOT_DATA = "name GLOB 'snap_*' OR name GLOB 'sqlite_*' OR name GLOB '_*'";

function tables(sql: SqlStorage, where: string): string[] {
  return sql
    .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${where} ORDER BY name`)
    .toArray()
    .map((r) => r.name);
}

const copyName = (id: number, table: string): string => `snap_${id}_${table}`;
const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Snapshot ids as the API spells them: a positive decimal integer. */
export function parseSnapshotId(text: unknown): number | null {
  if (typeof text !== "string" || !/^[1-9][0-9]{0,14}$/.test(text)) return null;
  return Number(text);
}

/** The snapshot ids held here, each with the copies that make it up. */
function copies(sql: SqlStorage): Map<number, string[]> {
  const byId = new Map<number, string[]>();
  for (const name of tables(sql, "name GLOB 'snap_[0-9]*_*'")) {
    const id = Number(/^snap_(\d+)_/.exec(name)![1]);
    byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  return byId;
}

/** Copies every data table as snapshot `id` (replacing a partial copy of the same id). */
export function takeSnapshot(sql: SqlStorage, id: number): void {
  for (const name of copies(sql).get(id) ?? []) sql.exec(`DROP TABLE ${quote(name)}`);
  for (const table of tables(sql, `NOT (${NOT_DATA})`)) {
    sql.exec(`CREATE TABLE ${quote(copyName(id, table))} AS SELECT * FROM ${quote(table)}`);
  }
}

export function hasSnapshot(sql: SqlStorage, id: number): boolean {
  return copies(sql).has(id);
}

/**
 * Every data table back to its rows of snapshot `id`, keeping the copy: a
 * revert restores every object first and drops copies only once all of them
 * succeeded, so a revert that fails half way can simply be run again. False,
 * with nothing changed, when `id` is not held here.
 */
export function restoreSnapshot(sql: SqlStorage, id: number): boolean {
  const held = copies(sql);
  if (!held.has(id)) return false;
  for (const table of tables(sql, `NOT (${NOT_DATA})`)) {
    sql.exec(`DELETE FROM ${quote(table)}`);
    // A table created after the snapshot by a migration was empty then.
    if (held.get(id)!.includes(copyName(id, table))) sql.exec(`INSERT INTO ${quote(table)} SELECT * FROM ${quote(copyName(id, table))}`);
  }
  return true;
}

/** As Anvil's evm_revert, a revert consumes snapshot `id` and every later one. */
export function dropSnapshotsFrom(sql: SqlStorage, id: number): void {
  for (const [later, names] of copies(sql)) if (later >= id) for (const name of names) sql.exec(`DROP TABLE ${quote(name)}`);
}

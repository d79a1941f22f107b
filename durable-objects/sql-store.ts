/**
 * The shard's state `Store` (src/state/store.ts) on the `state_kv` table, with
 * raw `sql.exec` (the hot path: every state read of every tx; drizzle's query
 * building costs ~40 µs per call, docs/ARCHITECTURE.md "Platform notes").
 */
import type { Store } from "../src/state/store";

export class SqlStore implements Store {
  constructor(private readonly sql: SqlStorage) {}

  get(key: string): string | undefined {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM state_kv WHERE key = ?", key).toArray();
    return rows.length === 0 ? undefined : rows[0].value;
  }

  put(key: string, value: string): void {
    this.sql.exec("INSERT INTO state_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  del(key: string): void {
    this.sql.exec("DELETE FROM state_kv WHERE key = ?", key);
  }
}

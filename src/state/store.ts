/**
 * The storage a state is built on: synchronous, so that execution never awaits
 * (Durable Object SQLite and the QuickJS VM are both synchronous). An in-memory
 * map in tests and in the edge, a SQLite table in a shard.
 */
export interface Store {
  get(key: string): string | undefined;
  put(key: string, value: string): void;
  del(key: string): void;
}

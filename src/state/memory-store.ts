import type { Store } from "./store.js";

/** An in-memory Store (tests, dry runs, the edge). `keys()` is sorted, never insertion-ordered. */
export class MemoryStore implements Store {
  private readonly map = new Map<string, string>();

  get(key: string): string | undefined {
    return this.map.get(key);
  }
  put(key: string, value: string): void {
    this.map.set(key, value);
  }
  del(key: string): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
  /** Every key in canonical (code point) order. */
  keys(): string[] {
    return [...this.map.keys()].sort(compareKeys);
  }
}

/**
 * Canonical key order: Unicode code point order, which equals UTF-8 byte order.
 * (Plain `<` on JS strings compares UTF-16 units and differs for astral characters.)
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

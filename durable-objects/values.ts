/**
 * Conversions between the shard's values and what SQLite and DO RPC carry:
 * blobs, hex text, plain JSON copies, error texts. Shared by shard.ts,
 * chunk-build.ts and shard-views.ts (shard/), and chain-sync.ts (coordinator/).
 */

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const unhex = (s: string): Uint8Array => new Uint8Array((s.match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** A Uint8Array as the ArrayBuffer SQLite binds as a BLOB (exactly its bytes). */
export function blob(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

export function bytesOf(value: SqlStorageValue | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error("expected a blob");
}

/** A JSON-shaped copy with plain prototypes (DO RPC cannot clone null-prototype objects). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

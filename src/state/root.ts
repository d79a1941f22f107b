import { sha3, utf8 } from "../crypto/sha3.js";
import type { WriteSet } from "./state.js";
import { compareKeys } from "./memory-store.js";

/**
 * State root of a chunk: `sha3(prev ‖ enc(writes sorted by key))` where each
 * write is encoded as
 *   u32be(len(key)) ‖ key ‖ 0x01 ‖ u32be(len(value)) ‖ value    (a put)
 *   u32be(len(key)) ‖ key ‖ 0x00                                (a deletion)
 * with key and value in UTF-8 and keys in code point (= UTF-8 byte) order.
 * The writes are sorted here too, so any order of input gives the same root.
 */
export function stateRoot(prev: Uint8Array, writes: WriteSet): Uint8Array {
  const sorted = [...writes].sort((a, b) => compareKeys(a[0], b[0]));
  const parts: Uint8Array[] = [prev];
  let total = prev.length;
  for (const [k, v] of sorted) {
    const kb = utf8(k);
    const head = new Uint8Array(5 + kb.length);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, kb.length);
    head.set(kb, 4);
    head[4 + kb.length] = v === null ? 0 : 1;
    parts.push(head);
    total += head.length;
    if (v !== null) {
      const vb = utf8(v);
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, vb.length);
      parts.push(len, vb);
      total += 4 + vb.length;
    }
  }
  const buf = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return sha3(buf);
}

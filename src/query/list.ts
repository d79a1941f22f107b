/**
 * /listContractStorage (go-iost rpc ListContractStorage): a contract's raw
 * storage keys in byte order within a prefix and an optional [from, to)
 * window, at most `limit` of them, values shown as /getContractStorage shows
 * them (a map's field index as its field list). The keys are IOST's raw keys
 * (state/storage.ts): `b-<id>-` for KV, `m-<id>-` for MAP, shown without it.
 * The scan itself is the store's (a bounded range read of its sorted keys).
 */
import { compareUtf8 } from "../codec/encoder.js";
import { decodeValue, displayValue } from "../state/storage.js";
import { DIRECTORY_KEYS } from "../sharding/directory.js";

export type StorageType = "KV" | "MAP";

/** [key, raw value] pairs of keys in [start, end), byte order, at most `limit`. */
export type Scan = (start: string, end: string, limit: number) => [string, string][];

/** The least string above every string that starts with `p` (p non-empty): its last code point plus one. */
export function prefixEnd(p: string): string {
  const cps = [...p];
  while (cps.length > 0) {
    let cp = cps.pop()!.codePointAt(0)! + 1;
    if (cp === 0xd800) cp = 0xe000; // no surrogates in UTF-8
    if (cp <= 0x10ffff) return cps.join("") + String.fromCodePoint(cp);
  }
  throw new Error("a prefix of U+10FFFF only has no end"); // ours start with "b-" or "m-"
}

function shown(type: StorageType, raw: string): string {
  if (type === "MAP" && raw.startsWith("@")) return JSON.stringify(raw.split("@").slice(1));
  try {
    return displayValue(decodeValue(raw)?.value);
  } catch {
    return "null"; // a marker, not a value (e.g. a map's "deleted once" flag)
  }
}

export function listStorage(
  scan: Scan,
  id: string,
  type: StorageType,
  prefix: string,
  from: string,
  to: string,
  limit: number,
): { key: string; value: string }[] {
  const base = (type === "KV" ? "b-" : "m-") + id + "-";
  let start = base + prefix;
  let end = prefixEnd(start);
  if (from !== "" && compareUtf8(base + from, start) > 0) start = base + from;
  if (to !== "" && compareUtf8(base + to, end) < 0) end = base + to;
  const out: { key: string; value: string }[] = [];
  for (const [a, b] of id === "system.iost" && type === "KV" ? withoutDirectory(base, start, end) : [[start, end]]) {
    if (out.length >= limit || compareUtf8(a, b) >= 0) continue;
    out.push(...scan(a, b, limit - out.length).map(([k, v]) => ({ key: k.slice(base.length), value: shown(type, v) })));
  }
  return out;
}

/** [start, end) less the ranges of the shards' directory entries in system.iost's storage (base `b-system.iost-`), which one shard never has. */
function withoutDirectory(base: string, start: string, end: string): [string, string][] {
  const out: [string, string][] = [];
  let at = start;
  for (const name of DIRECTORY_KEYS) {
    const [from, past] = [base + name, prefixEnd(base + name)];
    if (compareUtf8(from, at) > 0) out.push([at, compareUtf8(from, end) < 0 ? from : end]);
    if (compareUtf8(past, at) > 0) at = past;
  }
  out.push([at, end]);
  return out;
}

import { describe, expect, test } from "vitest";
import { compareUtf8 } from "../../../src/codec/encoder";
import { listStorage, type Scan } from "../../../src/query/list";
import { encodeValue, str } from "../../../src/state/storage";

/** A scan over sorted raw keys, counting the rows it reads. */
function store(keys: string[]): { scan: Scan; rows: () => number } {
  const sorted = [...keys].sort(compareUtf8);
  let rows = 0;
  const scan: Scan = (start, end, limit) => {
    const out = sorted.filter((k) => compareUtf8(k, start) >= 0 && compareUtf8(k, end) < 0).slice(0, limit);
    rows += out.length;
    return out.map((k) => [k, encodeValue(str(k), "")]);
  };
  return { scan, rows: () => rows };
}

describe("listStorage of system.iost: the shards' directory entries are not shown", () => {
  // What one shard has, and the entries N shards add (sharding/directory.ts DIRECTORY_KEYS).
  const own = ["a", "contract_owner", "contract_shard", "token72", "token_shard", "z"].map((k) => `b-system.iost-${k}`);
  const directory = [
    ...Array.from({ length: 30 }, (_, i) => `account_shard_user${i}`),
    "contract_shard_Contract1",
    "token721_shard_card",
    "token_shard_gold",
  ].map((k) => `b-system.iost-${k}`);
  const keys = (l: { key: string }[]) => l.map((d) => d.key);

  test("a page lists what one shard lists, past the entries, reading only its own rows", () => {
    const s = store([...own, ...directory]);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "", "", "", 100))).toEqual(["a", "contract_owner", "contract_shard", "token72", "token_shard", "z"]);
    expect(s.rows()).toBe(own.length);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "", "", "", 3))).toEqual(["a", "contract_owner", "contract_shard"]);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "", "b", "", 3))).toEqual(["contract_owner", "contract_shard", "token72"]);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "token", "", "", 10))).toEqual(["token72", "token_shard"]);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "account_shard_", "", "", 10))).toEqual([]);
    expect(keys(listStorage(s.scan, "system.iost", "KV", "", "", "contract_shard_", 10))).toEqual(["a", "contract_owner", "contract_shard"]);
  });

  test("other contracts, and system.iost's maps, list every key", () => {
    const s = store([...directory.map((k) => k.replace("system.iost", "Contractx")), "m-system.iost-account_shard_user1"]);
    expect(listStorage(s.scan, "Contractx", "KV", "", "", "", 100)).toHaveLength(directory.length);
    expect(keys(listStorage(s.scan, "system.iost", "MAP", "", "", "", 100))).toEqual(["account_shard_user1"]);
  });
});

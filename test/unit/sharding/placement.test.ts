/**
 * An account's shard (src/sharding/placement.ts shardOf): `u32be(sha3(name)[0..4]) mod N`, kept by
 * name so that the state's checks do not hash the same names again: what it keeps never changes an answer.
 */
import { describe, expect, it } from "vitest";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { shardOf } from "../../../src/sharding/placement";

const byHash = (name: string, count: number) => {
  const h = sha3(utf8(name));
  return (((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0) % count;
};

describe("shardOf", () => {
  it("is the hash's rule for every count, asked once or again, and after more names than it keeps", () => {
    // Past the names it keeps, and names too long to keep (a contract id is 52 characters).
    const names = [...Array.from({ length: 25_000 }, (_, i) => `user${i}`), ..."abc".split("").map((c) => c.repeat(65)), `Contract${"x".repeat(44)}`];
    for (const count of [2, 3, 4, 7]) {
      for (const n of names) expect(shardOf(n, count)).toBe(byHash(n, count));
      for (const n of names.slice(0, 50)) expect(shardOf(n, count)).toBe(byHash(n, count));
    }
    expect(shardOf("user0", 1)).toBe(0);
    // Fixed values, so that the rule and the reference above cannot drift together.
    expect([shardOf("admin", 2), shardOf("admin", 4)]).toEqual([0, 0]);
    expect(new Set(names.map((n) => shardOf(n, 4)))).toEqual(new Set([0, 1, 2, 3]));
  });
});

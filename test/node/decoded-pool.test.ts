/**
 * The shard's cache of admission's decoded txs (durable-objects/shard/decoded.ts) stays within its
 * byte bound whatever the pool holds: a flood of large txs cannot grow a Durable Object's memory
 * past it (they are read and decoded at the chunk build instead), and a tx that leaves frees its room.
 */
import { describe, expect, test } from "vitest";
import { DECODED_BYTES, DecodedPool } from "../../durable-objects/shard/decoded";
import type { Tx } from "../../src/tx/types";

const tx = {} as Tx;
const entry = (n: number) => ({ tx, bytes: new Uint8Array(n), size: n });

describe("decoded pool", () => {
  test("holds at most DECODED_BYTES of tx bytes; a dropped tx frees its room", () => {
    const d = new DecodedPool();
    const big = DECODED_BYTES / 4;
    for (let i = 0; i < 10; i++) d.put(`h${i}`, entry(big));
    expect([0, 1, 2, 3].map((i) => d.get(`h${i}`) !== undefined)).toEqual([true, true, true, true]);
    expect(d.get("h4")).toBeUndefined(); // full: left to the pool row
    d.drop("h0");
    d.drop("h0"); // twice: counted once
    d.put("h5", entry(big));
    expect(d.get("h5")).toBeDefined();
    d.put("h6", entry(1));
    expect(d.get("h6")).toBeUndefined();
    d.clear();
    d.put("h7", entry(DECODED_BYTES));
    expect(d.get("h7")).toBeDefined();
    d.put("h8", entry(DECODED_BYTES + 1));
    expect(d.get("h8")).toBeUndefined();
  });

  test("a hash already held keeps its entry and its count", () => {
    const d = new DecodedPool();
    d.put("a", entry(DECODED_BYTES - 10));
    d.put("a", entry(DECODED_BYTES - 10));
    d.put("b", entry(10));
    expect(d.get("b")).toBeDefined();
  });
});

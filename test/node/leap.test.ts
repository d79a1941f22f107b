/**
 * When a node holding part of the shards leaps instead of following block by block
 * (durable-objects/coordinator/leap.ts `farBehind`): once its peers no longer serve the receipts'
 * proofs the block after its head needs, which reach below its head when its shards' chunks there
 * were placeholders carrying receipts on.
 */
import { describe, expect, test } from "vitest";
import { farBehind, historyGone } from "../../durable-objects/coordinator/leap";
import { MAX_PROOF_DEPTH } from "../../durable-objects/config";
import { MAX_CARRY } from "../../src/sharding/placeholder";

const HEAD = 1_000;
/** Our header of the head: shard 2's chunk a placeholder carrying receipts from `from`, the others real. */
const info = (from?: number) =>
  JSON.stringify({
    chunks: [0, 1, 2, 3].map((s) => (s === 2 && from !== undefined ? { state_root: "R", placeholder: true, receipts_from: from } : { state_root: "R" })),
  });

describe("farBehind", () => {
  test("no carry: far once the peer's LIB is more than MAX_PROOF_DEPTH above the head", () => {
    expect(farBehind(HEAD, HEAD + MAX_PROOF_DEPTH, () => info())).toBe(false);
    expect(farBehind(HEAD, HEAD + MAX_PROOF_DEPTH + 1, () => info())).toBe(true);
  });

  test("a carry from below the head: far once the peer's LIB is more than MAX_PROOF_DEPTH above the carried cursor", () => {
    const from = HEAD - (MAX_CARRY - 1);
    expect(farBehind(HEAD, from + MAX_PROOF_DEPTH, () => info(from))).toBe(false);
    expect(farBehind(HEAD, from + MAX_PROOF_DEPTH + 1, () => info(from))).toBe(true);
    expect(farBehind(HEAD, from + MAX_PROOF_DEPTH + 1, () => info())).toBe(false);
  });

  test("the header is read only when a carry could matter", () => {
    let reads = 0;
    const read = () => {
      reads++;
      return info();
    };
    expect(farBehind(HEAD, HEAD + MAX_PROOF_DEPTH - MAX_CARRY + 1, read)).toBe(false);
    expect(farBehind(HEAD, HEAD + MAX_PROOF_DEPTH + 1, read)).toBe(true);
    expect(reads).toBe(0);
    expect(farBehind(HEAD, HEAD + MAX_PROOF_DEPTH - MAX_CARRY + 2, read)).toBe(false);
    expect(reads).toBe(1);
  });
});

describe("historyGone", () => {
  const below = "http://a: shard-1: no receipts proof of height 40: its chunks start at 90, where its state was synced from a peer";
  const deep = "http://b: shard-1: no state witness of height 40: witnesses are served from 50 (LIB 114) up to the head 120";
  test("every peer serving only from above the height asked: gone, whatever the peers' LIB", () => {
    expect(historyGone(`chunk 1/41 not checked by witness: ${below}; ${deep}`)).toBe(true);
    expect(historyGone(`receipts of shard 1's chunk 40: ${deep.replace("state witness", "receipts proof").replace("witnesses are served", "served")}`)).toBe(
      true,
    );
  });

  test("a peer that is behind, has dropped the shard, or failed otherwise: not gone", () => {
    expect(historyGone(`${below}; http://c: shard-1: no state witness of height 40: witnesses are served from 1 (LIB 0) up to the head 30`)).toBe(false);
    expect(historyGone(`${below}; http://c: shard-1 holds nothing on this node (dropped: this node left its group)`)).toBe(false);
    expect(historyGone(`${below}; http://c: connect ECONNREFUSED`)).toBe(false);
    expect(historyGone("chunk 1/41 not checked by witness: no peers")).toBe(false);
  });
});

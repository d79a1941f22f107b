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
  const noDraft = "http://c: http://c: shard-1: no draft of chunk 1/41 with id 75239240e6884f5ca782b68161114a4c9cdf9e337d4a419e066f9662b702f13c here";
  test("every peer serving only from above the height asked: gone, whatever the peers' LIB", () => {
    expect(historyGone(`chunk 1/41 not checked by witness: ${below}; ${deep}`)).toBe(true);
    expect(historyGone(`receipts of shard 1's chunk 40: ${deep.replace("state witness", "receipts proof").replace("witnesses are served", "served")}`)).toBe(
      true,
    );
  });

  test("the others never serving it (no draft of a block they have, the shard dropped or not served): gone", () => {
    // A restarted reader of a CI run refused block 95 for minutes, its peers final at 100 to 110 on a resting chain: two
    // served shard 1 from above, the third, a producer that had dropped it, held no draft of that chunk.
    expect(historyGone(`chunk 1/41 not checked by witness: ${below}; ${noDraft}; ${deep}; chunk 3/41 not checked by witness: ${below}; ${noDraft}`)).toBe(true);
    expect(historyGone(`${below}; http://c: shard-1 holds nothing on this node (dropped: this node left its group)`)).toBe(true);
    expect(historyGone(`${below}; http://c: http://c: shard 1 is not served by this node`)).toBe(true);
    expect(historyGone(`${below}; http://c: http://c: this node holds part of the shards: it serves no witness`)).toBe(true);
  });

  test("a peer that is behind or failed otherwise, or none serving it from above: not gone", () => {
    expect(historyGone(`${below}; http://c: shard-1: no state witness of height 40: witnesses are served from 1 (LIB 0) up to the head 30`)).toBe(false);
    expect(historyGone(`${below}; http://c: connect ECONNREFUSED`)).toBe(false);
    expect(historyGone(`${below}; ${noDraft}; http://d: The operation was aborted due to timeout`)).toBe(false);
    expect(historyGone(`chunk 1/41 not checked by witness: ${noDraft}`)).toBe(false);
    expect(historyGone("chunk 1/41 not checked by witness: no peers")).toBe(false);
  });
});

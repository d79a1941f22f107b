/**
 * Receipt proofs (src/sharding/receipt-proof.ts, docs/SHARDING.md "Receipt proofs"): every receipt a
 * chunk sent is proven against its root, a forged, moved, duplicated or foreign receipt is not, and
 * the receipts for one shard come out whole and in order, or not at all.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { merkleRoot } from "../../../src/block/merkle";
import { sha3 } from "../../../src/crypto/sha3";
import {
  outReceiptsRoot,
  ReceiptProofError,
  receiptProof,
  rootOrder,
  type SentProof,
  sentProof,
  verifyReceipt,
  verifySent,
} from "../../../src/sharding/receipt-proof";
import type { CrossReceipt } from "../../../src/sharding/receipts";

const SHARDS = 4;
const FROM = 1;

function receipt(n: number, to: number, amount = "1"): CrossReceipt {
  return {
    id: `tx${n}:0`,
    kind: "credit",
    txHash: `tx${n}`,
    fromShard: FROM,
    toShard: to,
    token: "iost",
    account: `acc${n}`,
    counterpart: "admin",
    amount,
    message: "",
  };
}

/** A chunk's sent list: receipts to random shards (never its own), in emission order. */
const sentArb = fc.array(fc.constantFrom(0, 2, 3), { minLength: 0, maxLength: 40 }).map((tos) => tos.map((to, n) => receipt(n, to)));

const rootOf = (sent: CrossReceipt[]) => bytesToHex(outReceiptsRoot(sent));

describe("receipt proofs", () => {
  it("every receipt is proven at its place, and nowhere else", () => {
    fc.assert(
      fc.property(
        sentArb.filter((s) => s.length > 0),
        fc.nat(),
        (sent, pick) => {
          const root = rootOf(sent);
          const order = rootOrder(sent);
          for (let i = 0; i < order.length; i++) expect(verifyReceipt(root, order[i], receiptProof(sent, i))).toBe(true);
          const i = pick % order.length;
          const p = receiptProof(sent, i);
          // Forged: one field changed.
          expect(verifyReceipt(root, { ...order[i], amount: "1000000" }, p)).toBe(false);
          // Moved: the same proof at another position, or another receipt's proof.
          if (order.length > 1) {
            const j = (i + 1) % order.length;
            expect(verifyReceipt(root, order[i], { ...p, at: j })).toBe(false);
            if (JSON.stringify(order[j]) !== JSON.stringify(order[i])) expect(verifyReceipt(root, order[j], p)).toBe(false);
          }
          // Duplicated past the end (the count is bound), a count changed, a sibling changed, dropped or added.
          expect(verifyReceipt(root, order[i], { ...p, at: order.length })).toBe(false);
          expect(verifyReceipt(root, order[i], { ...p, count: p.count + 1 })).toBe(false);
          if (p.siblings.length > 0) {
            expect(verifyReceipt(root, order[i], { ...p, siblings: p.siblings.slice(1) })).toBe(false);
            expect(
              verifyReceipt(root, order[i], {
                ...p,
                siblings: [`${p.siblings[0].slice(0, 63)}${p.siblings[0][63] === "0" ? "1" : "0"}`, ...p.siblings.slice(1)],
              }),
            ).toBe(false);
          }
          expect(verifyReceipt(root, order[i], { ...p, siblings: [...p.siblings, "00".repeat(32)] })).toBe(false);
          // Foreign: the root of another chunk.
          expect(verifyReceipt(rootOf([...sent, receipt(99, 0)]), order[i], p)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the receipts for each shard come out whole, in emission order", () => {
    fc.assert(
      fc.property(sentArb, (sent) => {
        const root = sent.length === 0 ? "" : rootOf(sent);
        for (let to = 0; to < SHARDS; to++) {
          const p = sentProof(sent, to);
          expect(verifySent(root, FROM, to, p)).toEqual(sent.filter((r) => r.toShard === to));
          // The run's hashes are given once: at most two per level, whatever its length.
          expect(p.siblings.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(sent.length + 1)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a run with a receipt left out, added, repeated or swapped is refused", () => {
    fc.assert(
      fc.property(
        sentArb.filter((s) => s.filter((r) => r.toShard === 2).length > 1),
        (sent) => {
          const root = rootOf(sent);
          const p = sentProof(sent, 2);
          const refused = (q: SentProof) => expect(() => verifySent(root, FROM, 2, q)).toThrow(ReceiptProofError);
          // The last one left out: its own leaf is no neighbour bound elsewhere.
          refused({ ...p, receipts: p.receipts.slice(0, -1) });
          // The first one left out.
          refused({ ...p, first: p.first + 1, receipts: p.receipts.slice(1) });
          // The neighbours dropped, as if the run were the whole list.
          if (p.before !== null || p.after !== null) refused({ ...p, before: null, after: null });
          // Repeated, swapped.
          refused({ ...p, receipts: [...p.receipts, p.receipts[0]] });
          // A hash beside the run changed, dropped or added.
          if (p.siblings.length > 0) {
            refused({ ...p, siblings: ["00".repeat(32), ...p.siblings.slice(1)] });
            refused({ ...p, siblings: p.siblings.slice(1) });
          }
          refused({ ...p, siblings: [...p.siblings, "00".repeat(32)] });
          refused({ ...p, receipts: [p.receipts[1], p.receipts[0], ...p.receipts.slice(2)] });
          // Another shard's run presented as shard 2's, or shard 2's from another sender.
          expect(() => verifySent(root, FROM, 3, p)).toThrow(/goes from 1 to 2, not 1 to 3/);
          expect(() => verifySent(root, 0, 2, p)).toThrow(/not 0 to 2/);
          // Receipts claimed from a chunk that sent none.
          expect(() => verifySent("", FROM, 2, p)).toThrow(/its chunk sent none/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a shard sent nothing is proven by the two neighbours around its place", () => {
    const sent = [receipt(0, 3), receipt(1, 0), receipt(2, 3)];
    const root = rootOf(sent);
    const p = sentProof(sent, 2);
    expect(p).toMatchObject({ first: 1, receipts: [], before: sent[1], after: sent[0] });
    expect(verifySent(root, FROM, 2, p)).toEqual([]);
    // Claiming shard 3's first receipt never was: its leaf is at 1 but bound for 3.
    expect(() => verifySent(root, FROM, 3, { ...p, first: 2, before: null, after: null })).toThrow(ReceiptProofError);
  });

  it("the root binds the count: IOST's Merkle root alone is the same for [a, b, c] and [a, b, c, c]", () => {
    const [a, b, c] = [receipt(0, 2), receipt(1, 2), receipt(2, 2)];
    const leaf = (r: CrossReceipt) => sha3(new TextEncoder().encode(JSON.stringify(r)));
    expect(merkleRoot([a, b, c, c].map(leaf))).toEqual(merkleRoot([a, b, c].map(leaf)));
    expect(rootOf([a, b, c, c])).not.toBe(rootOf([a, b, c]));
    const three = rootOf([a, b, c]);
    // c again at position 3 of a claimed 4: the count differs from the root's.
    expect(verifyReceipt(three, c, { ...receiptProof([a, b, c, c], 3) })).toBe(false);
    expect(outReceiptsRoot([])).toEqual(new Uint8Array(0));
  });

  it("malformed proofs are false, never a throw", () => {
    const sent = [receipt(0, 2), receipt(1, 3)];
    const root = rootOf(sent);
    for (const p of [
      null,
      {},
      { at: 0, count: 2 },
      { at: -1, count: 2, siblings: [] },
      { at: 0, count: 2, siblings: ["zz"] },
      { at: 0.5, count: 2, siblings: [] },
    ]) {
      expect(verifyReceipt(root, sent[0], p as never)).toBe(false);
    }
    expect(() => verifySent(root, FROM, 2, null as never)).toThrow(ReceiptProofError);
  });
});

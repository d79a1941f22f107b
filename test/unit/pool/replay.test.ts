/**
 * The replay window (src/pool/replay.ts, docs/STATE.md "Replay without the shard"): a checker
 * without the shard's tx index refuses what the index would refuse, for as long as a tx can still
 * be in a block (90 s of block time), and never claims to cover a check it cannot answer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayWindow } from "../../../src/pool/replay";
import { replayKey, txId } from "../../../src/tx/bytes";
import { anyTx } from "../tx/tx-arb";

const S = 1_000_000_000n;

describe("replay window", () => {
  it("refuses a tx seen in the window, by hash or by replay key, and forgets it 90 s of block time later", () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyTx, { minLength: 2, maxLength: 6, selector: (t) => replayKey(t) }), (txs) => {
        const [ran, ...rest] = txs;
        const w = new ReplayWindow(1, 0n);
        w.note(1, 100n * S, [ran]);
        expect(w.executed(txId(ran), ran)).toBe(`tx ${txId(ran)}: tx exists in chain`);
        // The same content with other publisher signature bytes: another hash, the same replay key.
        const twin = { ...ran, publisherSigs: [...ran.publisherSigs, ...ran.publisherSigs] };
        if (txId(twin) !== txId(ran)) {
          expect(w.executed(txId(twin), twin)).toBe(`tx ${txId(twin)}: tx exists in chain: ${txId(ran)} has the same content and publisher signature`);
        }
        for (const t of rest) expect(w.executed(txId(t), t)).toBeNull();
        // Still held at exactly 90 s, dropped after.
        w.note(2, 190n * S, []);
        expect(w.executed(txId(ran), ran)).not.toBeNull();
        w.note(3, 190n * S + 1n, []);
        expect(w.executed(txId(ran), ran)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it("covers a check only of the next height, and only 90 s after it started holding every chunk", () => {
    const fromGenesis = new ReplayWindow(1, 0n);
    expect(fromGenesis.covers(1, 5n * S)).toBe(true);
    expect(fromGenesis.covers(2, 5n * S)).toBe(false);
    const joined = new ReplayWindow(500, 1000n * S);
    expect(joined.covers(500, 1000n * S)).toBe(false);
    for (let h = 500; h < 560; h++) joined.note(h, 1000n * S + BigInt(h - 500) * S, []);
    expect(joined.covers(560, 1060n * S)).toBe(false);
    for (let h = 560; h < 590; h++) joined.note(h, 1000n * S + BigInt(h - 500) * S, []);
    expect(joined.covers(590, 1090n * S)).toBe(true);
    expect(joined.covers(591, 1090n * S)).toBe(false);
    expect(() => joined.note(592, 2000n * S, [])).toThrow(RangeError);
  });

  it("a fork's chunks are forgotten when reverted", () => {
    const [a, b] = fc.sample(anyTx, 2);
    const w = new ReplayWindow(1, 0n);
    w.note(1, S, [a]);
    w.note(2, 2n * S, [b]);
    w.revertTo(1);
    expect(w.height).toBe(1);
    expect(w.executed(txId(b), b)).toBeNull();
    expect(w.executed(txId(a), a)).not.toBeNull();
    w.note(2, 2n * S, []);
    expect(w.covers(3, 3n * S)).toBe(true);
  });
});

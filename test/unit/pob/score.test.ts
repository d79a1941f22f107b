/** The believability score: the worked examples of docs/POB.md, number for number. */
import { describe, expect, it } from "vitest";
import { contribution, decayRecord, reliability, score, selectProducers, serviCap } from "../../../src/consensus/score";

const IOST = 100_000_000n;
const CAP = serviCap(20, 4); // devnet: voteInterval 20, 4 producers

describe("score terms", () => {
  it("cap is the steady servi of a producer making its full share", () => {
    expect(CAP).toBe(40_000n);
    expect(serviCap(1200, 21)).toBe(457_000n);
    expect(serviCap(20, 100)).toBe(1_000n); // at least one block
    // 5 blocks a round forever: 5000 + 7/8 of the previous → 40000.
    let r = { servi: 0n, missed: 0n };
    for (let i = 0; i < 200; i++) r = decayRecord(r, 5n, 0n);
    expect(r.servi).toBe(39_993n); // truncation keeps it just under 8×5000
  });

  it("example 1: a reliable full-share producer", () => {
    const r = { servi: 40_000n, missed: 0n };
    expect(reliability(r)).toBe(1000n);
    expect(contribution(r, CAP)).toBe(200n);
    expect(score(3_000_000n * IOST, r, CAP)).toBe(3_600_000n * IOST);
  });

  it("example 2: a high-vote producer missing half its slots", () => {
    const r = { servi: 20_000n, missed: 20_000n };
    expect(reliability(r)).toBe(512n); // 1000·21000/41000 = 512.19…
    expect(contribution(r, CAP)).toBe(100n);
    expect(score(5_000_000n * IOST, r, CAP)).toBe(2_816_000n * IOST);
  });

  it("example 3: a newcomer counts its votes in full", () => {
    const r = { servi: 0n, missed: 0n };
    expect(reliability(r)).toBe(1000n);
    expect(contribution(r, CAP)).toBe(0n);
    expect(score(2_100_000n * IOST, r, CAP)).toBe(2_100_000n * IOST);
  });

  it("example 4: one bad round, then recovery", () => {
    let r = decayRecord({ servi: 40_000n, missed: 0n }, 0n, 5n);
    expect(r).toEqual({ servi: 35_000n, missed: 5_000n });
    expect(reliability(r)).toBe(878n);
    const rel: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      r = decayRecord(r, 5n, 0n);
      rel.push(reliability(r));
    }
    expect(r).toEqual({ servi: 37_067n, missed: 2_930n });
    expect(rel).toEqual([893n, 906n, 918n, 928n]);
  });
});

describe("selection", () => {
  const sA = score(5_000_000n * IOST, { servi: 20_000n, missed: 20_000n }, CAP);
  const sB = score(3_000_000n * IOST, { servi: 40_000n, missed: 0n }, CAP);

  it("example 2 loses its place to example 1 (one seat)", () => {
    expect(
      selectProducers(
        [
          { pubkey: "A", score: sA },
          { pubkey: "B", score: sB },
        ],
        [],
        [],
        1,
      ),
    ).toEqual(["B"]);
  });

  it("orders by score then pubkey, then fills from incumbents, dead ones last", () => {
    const elected = [
      { pubkey: "z", score: 5n },
      { pubkey: "b", score: 7n },
      { pubkey: "a", score: 5n },
    ];
    expect(selectProducers(elected, [{ pubkey: "f", score: 0n }], [{ pubkey: "d", score: 99n }], 5)).toEqual(["b", "a", "z", "f", "d"]);
    expect(selectProducers(elected, [{ pubkey: "f", score: 0n }], [{ pubkey: "d", score: 99n }], 4)).toEqual(["b", "a", "z", "f"]);
  });
});

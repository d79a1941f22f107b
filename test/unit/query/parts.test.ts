import { describe, expect, test } from "vitest";
import { indexParts, mergeData, mergeFields, valueParts } from "../../../src/query/parts";
import { agedPart, byAge, mergeByAge } from "../../../src/sharding/aged";
import { ageIn, hopIn, withAge, withoutAge } from "../../../src/state/storage";
import { CONSENSUS_SHARD, shardOf } from "../../../src/sharding/placement";

const N = 4;
/** An account of each kind of home: on the consensus shard, and off it. */
const onConsensus = ["admin", "foundation", "producer000", "producer001", "producer002", "user00", "user01"].find((a) => shardOf(a, N) === CONSENSUS_SHARD)!;
const offConsensus = ["admin", "foundation", "producer000", "producer001", "producer002", "user00", "user01"].find((a) => shardOf(a, N) !== CONSENSUS_SHARD)!;

describe("entries N shards keep in parts", () => {
  test("a system contract's balance and frozen balances are every shard's", () => {
    expect(valueParts("token.iost", "TBgas.iost", "iost", N)).toEqual({ shards: [0, 1, 2, 3], merge: "sum" });
    expect(valueParts("token.iost", "TFgas.iost", "iost", N)).toEqual({ shards: [0, 1, 2, 3], merge: "freezes" });
    expect(indexParts("token.iost", "TBgas.iost", N)).toEqual([0, 1, 2, 3]);
  });

  test("an account's token index is its home's, then the consensus shard's (its contribute)", () => {
    expect(indexParts("token.iost", "TB" + offConsensus, N)).toEqual([shardOf(offConsensus, N), CONSENSUS_SHARD]);
    expect(indexParts("token.iost", "TF" + offConsensus, N)).toEqual([shardOf(offConsensus, N), CONSENSUS_SHARD]);
    expect(indexParts("token.iost", "TB" + onConsensus, N)).toBeNull();
  });

  test("a pledger's index is its shard's, which keeps their order", () => {
    expect(indexParts("gas.iost", offConsensus + "gp", N)).toEqual([shardOf(offConsensus, N)]);
  });

  test("whole entries, and every entry of one shard, are read where they live", () => {
    expect(valueParts("token.iost", "TB" + offConsensus, "iost", N)).toBeNull();
    expect(valueParts("token.iost", "TBgas.iost", "", N)).toBeNull();
    expect(valueParts("token.iost", "TIiost", "supply", N)).toBeNull();
    expect(valueParts("Contractabc", "TBgas.iost", "iost", N)).toBeNull();
    expect(indexParts("token.iost", "TBContractabc", N)).toBeNull();
    expect(indexParts("gas.iost", "xgt", N)).toBeNull();
    expect(valueParts("token.iost", "TBgas.iost", "iost", 1)).toBeNull();
    expect(indexParts("token.iost", "TB" + offConsensus, 1)).toBeNull();
    expect(indexParts("gas.iost", offConsensus + "gp", 1)).toBeNull();
  });

  test("balances add up exactly, past 2^53", () => {
    expect(mergeData("sum", ["9007199254740993", "null", "7", "0"])).toBe("9007199254741000");
    expect(mergeData("sum", ["null", "null"])).toBe("null");
  });

  test("frozen items come out in Go's order, time then amount", () => {
    const a = '[{"Amount":5,"Ftime":30},{"Amount":9,"Ftime":50}]';
    const b = '[{"Amount":2,"Ftime":30},{"Amount":1,"Ftime":40}]';
    expect(mergeData("freezes", [a, "null", b])).toBe('[{"Amount":2,"Ftime":30},{"Amount":5,"Ftime":30},{"Amount":1,"Ftime":40},{"Amount":9,"Ftime":50}]');
  });

  test("fields keep the leading part's order, each further part adding its new ones", () => {
    expect(mergeFields([["ram", "iost"], ["contribute"]])).toEqual(["ram", "iost", "contribute"]);
    expect(mergeFields([["iost"], ["iost", "ram"], [], ["iost"]])).toEqual(["iost", "ram"]);
  });

  test("auth.iost's account index: every shard's, in the order of the accounts' ages, genesis's first, cut where one index stops", () => {
    expect(byAge("auth.iost", "auth", N)).toBe(true);
    expect(byAge("auth.iost", "auth", 1)).toBe(false);
    expect(byAge("auth.iost", "authx", N)).toBe(false);
    const merged = mergeByAge([
      { fields: ["admin", "producer000", "a1", "a3"], ages: [null, null, ["5", "k2"], ["12", "k1"]] },
      {
        fields: ["b1", "b2"],
        ages: [
          ["5", "k1"],
          ["9", "k9"],
        ],
      },
      // Block 10 before block 9 as text: heights compare as numbers.
      { fields: ["c1"], ages: [["10", "k0"]] },
    ]);
    expect(merged).toEqual(["admin", "producer000", "b1", "a1", "b2", "c1", "a3"]);
    // One shard's index stops at 257 fields; the merge keeps the oldest 257.
    const many = (p: string, from: number) => ({
      fields: Array.from({ length: 200 }, (_, i) => `${p}${i}`),
      ages: Array.from({ length: 200 }, (_, i) => [String(from + 2 * i), "k"] as [string, string]),
    });
    const cut = mergeByAge([many("x", 1), many("y", 2)]);
    expect(cut).toHaveLength(257);
    expect(cut.slice(0, 3)).toEqual(["x0", "y0", "x1"]);
    expect(cut.at(-1)).toBe("x128");
  });

  test("two names one tx created on two shards: the part of its chain each ran in orders them, as its actions ran", () => {
    const tx = ["7", "k"] as const;
    // Shard 1's name came from the chain's second part, shard 3's from its first: the lists' order would put it first.
    expect(
      mergeByAge([
        { fields: ["one"], ages: [[...tx, 2]] },
        { fields: ["three"], ages: [[...tx, 1]] },
      ]),
    ).toEqual(["three", "one"]);
    // The home's run (no hop) before any forwarded part of the same tx, and both after an older tx's.
    expect(
      mergeByAge([
        { fields: ["later"], ages: [[...tx, 1]] },
        { fields: ["home", "old"], ages: [tx, ["7", "a", 3]] },
      ]),
    ).toEqual(["old", "home", "later"]);
  });

  test("a record's age and hop (withAge): the age alone where a creator's age is compared, the hop for the index", () => {
    const raw = withAge("s{}@auth.iost", ["12", "1|00000000|0999900|5|ab"], 3);
    expect(ageIn(raw)).toEqual(["12", "1|00000000|0999900|5|ab"]);
    expect(hopIn(raw)).toBe(3);
    expect(withoutAge(raw)).toBe("s{}@auth.iost");
    const home = withAge("s{}@auth.iost", ["12", "1|00000000|0999900|5|ab"]);
    expect([ageIn(home), hopIn(home), withoutAge(home)]).toEqual([["12", "1|00000000|0999900|5|ab"], 0, "s{}@auth.iost"]);
    expect(hopIn("s{}@auth.iost")).toBe(0);
  });

  test("a shard's answer of its part (agedPart): ages of two strings and a positive hop, or the part reads as none", () => {
    const none = { fields: [], ages: [] };
    const part = (ages: unknown[]) => agedPart(JSON.stringify({ fields: ages.map((_, i) => `n${i}`), ages }));
    expect(part([null, ["1", "k"], ["1", "k", 2]])).toEqual({ fields: ["n0", "n1", "n2"], ages: [null, ["1", "k"], ["1", "k", 2]] });
    for (const bad of [["1", "k", 0], ["1", "k", -1], ["1", "k", 1.5], ["1", "k", "2"], ["1"], ["1", 2], ["1", "k", 2, 3]])
      expect(part([bad]), JSON.stringify(bad)).toEqual(none);
  });
});

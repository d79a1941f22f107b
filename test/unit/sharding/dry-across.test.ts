/**
 * /execTx on N shards (src/executor/dry-across.ts): the dry run of a tx whose records live on several shards answers
 * the receipt one shard's dry run gives, which is also the tx's final receipt on N shards, and writes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dryRunAcross } from "../../../src/executor/dry-across";
import { dryRun, type BlockContext } from "../../../src/executor/index";
import { shardOf } from "../../../src/sharding/placement";
import { ShardState } from "../../../src/executor/guard";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { ABI, BLOCK_TIME, CODE, config, N, on, run, txBy } from "./workload";

const block = (c: SimChain): BlockContext => ({ chainId: 1020, number: BigInt(c.height + 1), time: BLOCK_TIME, parentHash: "", witness: "" });

/** The receipt fields /execTx answers with. */
const fields = (r: unknown) => {
  const { statusCode, message, returns, receipts, gasUsage, ramUsage } = r as Record<string, unknown>;
  return { statusCode, message, returns, receipts, gasUsage, ramUsage };
};

/** The dry run on N shards as the edge drives it: fetch what a run missed from its shards, run again; with the rounds. */
function dryOnFour(c: SimChain, tx: Tx): { receipt: unknown; rounds: number } {
  const home = shardOf(tx.publisher, N);
  const fetched = new Map<string, string | null>();
  for (let rounds = 1; rounds <= 16; rounds++) {
    const r = dryRunAcross(c.shards[home].store, { index: home, count: N }, fetched, tx, txId(tx), { ...block(c), shard: { index: home, count: N } });
    if ("result" in r) return { receipt: "dropped" in r.result ? r.result : fields(r.result.receipt), rounds };
    for (const [s, keys] of r.missed) for (const k of keys) fetched.set(k, c.shards[s].store.get(k) ?? null);
  }
  throw new Error("no answer in 16 rounds");
}

function dryOnOne(c: SimChain, tx: Tx): unknown {
  const r = dryRun(new ShardState(c.shards[0].store, { index: 0, count: 1 }), tx, txId(tx), { ...block(c), shard: { index: 0, count: 1 } });
  return "dropped" in r ? r : fields(r.receipt);
}

describe("a dry run across shards answers one shard's receipt, the final one", () => {
  let one: SimChain;
  let four: SimChain;
  /** The contract of shard 3's user, on both chains. */
  let far = "";

  beforeAll(async () => {
    await vmReady();
    one = new SimChain(config(), 1);
    four = new SimChain(config(), N);
    const deploy = txBy(on(3), [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
    expect(run(four, deploy)).toEqual(run(one, deploy));
    far = "Contract" + txId(deploy);
  });

  const cases: [string, () => Tx][] = [
    ["a transfer to an account of another shard", () => txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(2), "5", ""])])],
    ["a call of a contract of another shard paying its caller's RAM", () => txBy(on(1), [act(far, "mine", ["v1"])])],
    ["a RAM buy off the market's shard for an account of a third shard", () => txBy(on(1), [act("ram.iost", "buy", [on(1), on(2), 200])])],
    [
      "a tx touching three shards that fails in its third action",
      () =>
        txBy(on(1), [
          act(far, "put", ["k", "v"]),
          act("token.iost", "transfer", ["iost", on(1), on(2), "1", ""]),
          act("token.iost", "transfer", ["iost", on(1), on(2), "99999999999", ""]),
        ]),
    ],
    ["a pledge for an account of another shard", () => txBy(on(2), [act("gas.iost", "pledge", [on(2), on(0, 1), "10"])])],
  ];

  for (const [name, make] of cases)
    it(name, () => {
      const tx = make();
      const keys = four.shards.map((s) => s.store.keys().length);
      const dry = dryOnFour(four, tx);
      expect(dry.receipt, "one shard's dry run").toEqual(dryOnOne(one, tx));
      expect(
        four.shards.map((s) => s.store.keys().length),
        "nothing written",
      ).toEqual(keys);
      // Records of other shards were read: the first run missed them.
      expect(dry.rounds).toBeGreaterThan(1);
      const final = run(four, tx);
      expect(dry.receipt, "the final receipt on four shards").toEqual(fields(final.receipt));
      run(one, tx);
    });

  it("a tx of this shard alone needs one run", () => {
    const tx = txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(1, 1), "1", ""])]);
    expect(dryOnFour(four, tx)).toEqual({ receipt: dryOnOne(one, tx), rounds: 1 });
  });
});

/**
 * Txs in flight together (docs/SHARDING.md, the rule at its top): N = 4's results must be one shard's for some order
 * of them. `orderGiving` (workload.ts) is how the in-flight property looks for that order; here it must find the order
 * N = 4 took when that order runs a younger tx of a block before an older one whose credit had not landed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { act } from "../executor/helpers";
import { vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, delta, genesisSupplies, N, on, orderGiving, reads, runAll, supplyCheck, txBy } from "./workload";

beforeAll(vmReady);

const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? String(v) : v));
const tok = (abi: string, args: unknown[]) => act("token.iost", abi, args);

describe("an order of txs in flight together (simulator)", () => {
  it("finds a transfer run before a freeze to its account in their block, with six txs decided after both", () => {
    const [giver, holder, payee] = [on(1), on(2), on(0)];
    // F: a freeze of shard 1 to the holder of shard 2, a plain transfer (one token.iost action): first in its block's
    // pool order. T: the holder's two transfers in the same block, after F in pool order; on N = 4 T runs at home
    // while F's credit is on its way there, reading the holder's frozen list without F's freeze (less gas).
    const freeze = txBy(giver, [tok("transferFreeze", ["iost", giver, holder, "2", Number(BLOCK_TIME + 10n ** 12n), ""])]);
    const spend = txBy(holder, [tok("transfer", ["iost", holder, payee, "1", ""]), tok("transfer", ["iost", holder, payee, "1", ""])]);
    // Six transfers between six other pairs of accounts, sent three blocks later: decided after F and T, in any order.
    const apart = [1, 2, 3].flatMap((k) =>
      [0, 1].map((s) => {
        const [from, to] = [on(s, k), on(s, k + 3)];
        return txBy(from, [tok("transfer", ["iost", from, to, "1", ""])]);
      }),
    );
    const txs = [freeze, spend, ...apart];
    const gaps = [0, 0, 3, 0, 0, 0, 0, 0];
    const start = new SimChain(config(), 1);
    const before = reads(start);
    const [one, four] = [start.fork(), new SimChain(config(), N)].map((chain) => runAll(chain, txs, supplyCheck(genesisSupplies(chain)), undefined, gaps));
    // The case: one shard running the block in pool order charges T for F's freeze, N = 4 does not.
    const gas = (r: unknown) => BigInt((r as { gasUsage: string }).gasUsage);
    expect(gas(one.receipts[1])).toBeGreaterThan(gas(four.receipts[1]));
    expect(one.receipts.filter((_, i) => i !== 1)).toEqual(four.receipts.filter((_, i) => i !== 1));
    // One shard running T, then F, then the rest gives every receipt and read N = 4 gave: the search finds it.
    const want = four.receipts.map(json);
    const fits = (c: SimChain) => json(delta(before, reads(c))) === json(four.changed);
    expect(orderGiving(start, txs, want, fits, supplyCheck(genesisSupplies(start)), [0, 1, 2, 3, 4, 5, 6, 7])).toEqual([1, 0, 2, 3, 4, 5, 6, 7]);
  });
});

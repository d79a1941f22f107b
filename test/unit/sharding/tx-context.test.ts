/**
 * What a contract reads of its tx (`blockchain.txInfo()`, `tx.authList`) in a part forwarded to another shard: the
 * whole tx, as one shard's run shows it (Forwarded `earlier`, `authList`), on the in-memory chain with N = 1 and N = 4.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { txId } from "../../../src/tx/bytes";
import { act } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, N, on, run, txBy } from "./workload";

const INFO = `class Info {
  init() {}
  ti() {
    const t = JSON.parse(blockchain.txInfo());
    return JSON.stringify([t.actions, t.auth_list, tx.authList, tx.gasLimit]);
  }
}
module.exports = Info;`;

describe("a forwarded part's view of its tx", () => {
  let one: SimChain;
  let four: SimChain;
  /** The contract on shards 0 and 1. */
  let ids: string[] = [];
  beforeAll(async () => {
    await vmReady();
    [one, four] = [new SimChain(config(), 1), new SimChain(config(), N)];
    const deploys = [0, 1].map((s) => txBy(on(s), [act("system.iost", "setCode", [contractJson(INFO, [{ name: "ti", args: [] }])])]));
    for (const chain of [one, four]) for (const d of deploys) expect((run(chain, d).receipt as { statusCode: string }).statusCode).toBe("SUCCESS");
    ids = deploys.map((d) => `Contract${txId(d)}`);
  }, 120_000);

  it("txInfo's actions and auth list and tx.authList are the whole tx's, on the way out and back home, as on one shard", () => {
    const [c0, c1] = ids;
    // From shard 1: a transfer at home, a call forwarded to shard 0, then one back on shard 1.
    const tx = txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(1, 1), "1", ""]), act(c0, "ti", []), act(c1, "ti", [])]);
    const b = run(four, tx);
    expect(b).toEqual(run(one, tx));
    const returns = (b.receipt as { returns: string[] }).returns.slice(1).map((r) => JSON.parse(JSON.parse(r)[0]) as unknown[]);
    for (const [actions, authList] of returns) {
      expect((actions as unknown[]).length).toBe(3);
      expect(Object.values(authList as object)).toEqual([2]);
    }
  });

  it("a part carrying a malformed earlier action or auth list is refused before it runs", () => {
    const chain = four.fork();
    chain.submit(txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(1, 1), "1", ""]), act(ids[0], "ti", [])]));
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight().filter((r) => r.kind === "action");
    expect(() => checkReceipt(action, N)).not.toThrow();
    const forged = [
      { earlier: [] },
      { earlier: [{ contract: "token.iost", actionName: "transfer" }] },
      { earlier: "x" },
      { authList: [["k", 3]] },
      { authList: [["k"]] },
      { authList: {} },
    ];
    for (const x of forged)
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, ...x } } as typeof action, N), JSON.stringify(x)).toThrow(ReceiptRefused);
  });
});

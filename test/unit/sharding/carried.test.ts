/**
 * A home part's credit to the shard its forwarded part runs on (docs/SHARDING.md "A credit's RAM"), in the
 * simulator: it rides in the action receipt, no credit receipt of its own, and lands there before the part's
 * actions, so they read it as one shard does; a failing part undoes it with the rest. A stranger's carried
 * credit is refused before anything lands.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { txId } from "../../../src/tx/bytes";
import { act } from "../executor/helpers";
import { vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, N, on, txBy } from "./workload";

const balanceOf = (acc: string) => act("token.iost", "balanceOf", ["iost", acc]);
const transfer = (from: string, to: string, amount: string) => act("token.iost", "transfer", ["iost", from, to, amount, ""]);

describe("a home part's credit seen by its forwarded part", () => {
  beforeAll(vmReady);

  it("rides in the action receipt, lands before the part's balanceOf, and no credit receipt is sent", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    const before = chain.iostBalance(to);
    const tx = txBy(from, [transfer(from, to, "1"), balanceOf(to)]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // home: debited, the rest forwarded to the receiver's shard with the credit
    const flying = chain.inFlight();
    expect(flying.map((r) => r.kind)).toEqual(["action"]);
    expect(flying[0].forward!.credits).toMatchObject([{ kind: "credit", toShard: shardOf(to, N), account: to, amount: "100000000" }]);
    for (let i = 0; i < 4 && !chain.quiet(); i++) chain.step({ time: BLOCK_TIME });
    const receipt = chain.shards[shardOf(from, N)].results.get(txId(tx))!.receipt!;
    expect(receipt.statusCode).toBe("SUCCESS");
    // One shard's answer: the balance with the credit.
    const one = new SimChain(config(), 1);
    one.submit(tx);
    one.step({ time: BLOCK_TIME });
    expect(receipt).toEqual(one.shards[0].results.get(txId(tx))!.receipt);
    expect(receipt.returns[1]).toBe(JSON.stringify([String((before + 100000000n) / 100000000n)]));
    expect(chain.iostBalance(to)).toBe(before + 100000000n);
  });

  it("a failing part undoes the credit it landed; the debit comes back at home", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    const was = [chain.iostBalance(from), chain.iostBalance(to)];
    // A transfer beyond the receiver's balance (credit included) fails on its shard, after the credit landed.
    const tx = txBy(from, [transfer(from, to, "1"), balanceOf(to), act("token.iost", "transfer", ["iost", to, from, "99999999", ""])]);
    chain.submit(tx);
    for (let i = 0; i < 6 && (i === 0 || !chain.quiet()); i++) chain.step({ time: BLOCK_TIME });
    const receipt = chain.shards[shardOf(from, N)].results.get(txId(tx))!.receipt!;
    expect(receipt.statusCode).toBe("RUNTIME_ERROR");
    expect(chain.iostBalance(to)).toBe(was[1]);
    expect(chain.iostBalance(from)).toBeGreaterThan(was[0] - 100000000n); // only the gas was paid
  });

  it("refuses a stranger's carried credit: another tx's, from a shard the tx did not run on, a probe, a bundle, another publisher's", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    chain.submit(txBy(from, [transfer(from, to, "1"), balanceOf(to)]));
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight();
    expect(() => checkReceipt(action, N)).not.toThrow();
    const credit = action.forward!.credits![0];
    const forged: CrossReceipt[] = [
      { ...credit, txHash: "other" },
      { ...credit, fromShard: 3 },
      { ...credit, probe: true },
      { ...credit, also: [credit] },
      { ...credit, payer: { ...credit.payer!, publisher: to } },
      { ...credit, amount: "-1" },
    ];
    for (const x of forged)
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, credits: [x] } }, N), JSON.stringify(x)).toThrow(ReceiptRefused);
  });
});

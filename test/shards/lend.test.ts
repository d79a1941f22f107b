/**
 * ram.iost `lend` inside a contract to an account of another shard, in the real Shard and Coordinator
 * Durable Objects (docs/SHARDING.md "RAM lent across shards"): the lender's records change where the
 * contract runs, the RAM and the borrower's total where the borrower lives, every object evicted while
 * the credit is in flight; a tx failing after the lend changes nothing but the gas; a lend's credit carried
 * to a later action on the borrower's shard lands there with the borrower's total.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick, tickUntilFinal } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
/** The dev admin's public key: new accounts sign with the admin's secret. */
const KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
const contract = JSON.stringify({
  ID: "",
  info: {
    lang: "javascript",
    version: "1.0.0",
    abi: [{ name: "lend", args: ["string", "number"], amountLimit: [{ token: "ram", val: "100" }] }],
  },
  code: `class Lender {
  init() {}
  lend(to, n) { blockchain.callWithAuth("ram.iost", "lend", [tx.publisher, to, n]); return "lent"; }
}
module.exports = Lender;`,
});
/** A borrower on another shard than admin's (the lender, whose shard the contract lives on). */
const borrower = ["lend01", "lend02", "lend03", "lend04", "lend05"].find((n) => shardOf(n, N) !== shardOf("admin", N))!;

type Ram = { ram_info: { available: string; used: string; total: string } };

describe("four shards: a contract lends its caller's RAM to an account of another shard", () => {
  test("the borrower's RAM and total grow on its shard, the lender's shrink on its own, across evictions; a tx failing after the lend changes neither", async () => {
    const c = newChain("lend");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    // Fresh stubs after every eviction.
    const home = () => at(shardOf("admin", N));
    const far = () => at(shardOf(borrower, N));
    const ram = async (s: ShardInternal, name: string) => ((await s.read("getAccount", name)) as Ram).ram_info;
    await c.coord.chainInfo();
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const create = makeTx({
      actions: [
        { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([borrower, KEY, KEY]) },
        { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", borrower, 1024]) },
        { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", borrower, "50"]) },
      ],
    });
    await home().submitTx(deploy.bytes, deploy.hash);
    await home().submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, home, [create.hash]); // the buy runs on the market's shard, between signUp and pledge
    expect(await home().getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    const id = "Contract" + deploy.hash;
    const [lender0, borrower0] = [await ram(home(), "admin"), await ram(far(), borrower)];

    const lend = makeTx({ actions: [{ contract: id, actionName: "lend", data: JSON.stringify([borrower, 30]) }] });
    expect(await home().submitTx(lend.bytes, lend.hash)).toEqual({ hash: lend.hash });
    await tick(c); // the lend ran at home, its RAM in flight
    await abortAllDurableObjects();
    expect(await home().getTxReceipt(lend.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    await tick(c); // the borrower's shard lands it
    await abortAllDurableObjects();
    await tick(c); // the settle home
    expect(await home().getTxReceipt(lend.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["lent"]'] });
    const [lender1, borrower1] = [await ram(home(), "admin"), await ram(far(), borrower)];
    expect(BigInt(lender1.total)).toBe(BigInt(lender0.total) - 30n);
    expect([BigInt(borrower1.available), BigInt(borrower1.total)]).toEqual([BigInt(borrower0.available) + 30n, BigInt(borrower0.total) + 30n]);

    const failing = makeTx({
      actions: [
        { contract: id, actionName: "lend", data: JSON.stringify([borrower, 30]) },
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", borrower, "99999999999", ""]) },
      ],
    });
    expect(await home().submitTx(failing.bytes, failing.hash)).toEqual({ hash: failing.hash });
    await tick(c, 3);
    expect(await home().getTxReceipt(failing.hash)).toMatchObject({ status_code: "RUNTIME_ERROR" });
    expect((await ram(home(), "admin")).total).toBe(lender1.total);
    expect(await ram(far(), borrower)).toEqual(borrower1);

    // A RAM buy for the borrower after the lend runs on its shard: the lend's credit rides there with the action
    // and lands before it, the borrower's total with it (docs/SHARDING.md "RAM lent across shards").
    const carried = makeTx({
      actions: [
        { contract: id, actionName: "lend", data: JSON.stringify([borrower, 30]) },
        { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", borrower, 100]) },
      ],
    });
    expect(await home().submitTx(carried.bytes, carried.hash)).toEqual({ hash: carried.hash });
    await tick(c); // the lend ran at home, its credit riding in the action receipt
    await abortAllDurableObjects();
    await tick(c, 3); // the borrower's shard lands it and runs the buy, the settle home
    expect(await home().getTxReceipt(carried.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    expect(BigInt((await ram(home(), "admin")).total)).toBe(BigInt(lender1.total) - 30n);
    const borrower2 = await ram(far(), borrower);
    expect([BigInt(borrower2.available), BigInt(borrower2.total)]).toEqual([BigInt(borrower1.available) + 130n, BigInt(borrower1.total) + 130n]);
  });
});

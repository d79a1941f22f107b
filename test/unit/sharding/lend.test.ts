/**
 * ram.iost `lend` inside a contract to an account of another shard (docs/SHARDING.md "RAM lent across
 * shards"), in the simulator: the lender's records change where the contract runs, the RAM leaves as a
 * credit of `ram` carrying the bytes lent (`lent`), and the borrower's shard adds them to its total as it
 * lands, or as a later part on its shard lands the credit carried to it. `lent` comes from another shard: only
 * the lend's own credit may carry it, carried or not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { decodeValue } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";

const N = 4;
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
const T0 = devGenesis().time + 10n * 1_000_000_000n;
const BLOCK_TIME = T0 + 100n * 1_000_000_000n;
const LENDER = `class Lender {
  init() {}
  lend(to, n) { blockchain.callWithAuth("ram.iost", "lend", [tx.publisher, to, n]); }
  ok() {}
  put(k, v) { storage.put(k, v); }
}
module.exports = Lender;`;

function config(): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: USERS.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 100000n })),
  };
}

const on = (s: number, k = 0) => USERS.filter((u) => shardOf(u, N) === s)[k];

let nonce = 0;
const txBy = (user: string, actions: ReturnType<typeof act>[]): Tx =>
  makeTx(actions, {
    publisher: user,
    key: fakeKey(USERS.indexOf(user)),
    time: T0 + BigInt(nonce++),
    gasLimit: 4_000_000n,
    amountLimit: [{ token: "*", value: "unlimited" }],
  });

/** A ram.iost record (`SR`/`TR`) of `acc` where it lives, as a number (absent: 0). */
const ABI = [
  { name: "lend", args: ["string", "number"], amountLimit: [{ token: "ram", val: "100" }] },
  { name: "ok", args: [] },
  { name: "put", args: ["string", "string"] },
];

const ramRecord = (chain: SimChain, kind: string, acc: string) => {
  const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`b-ram.iost-${kind}${acc}`))?.value;
  return v?.t === "s" ? BigInt(v.v) : 0n;
};

beforeAll(vmReady);

describe("ram.iost lend inside a contract to an account of another shard (simulator)", () => {
  it("the borrower's total grows on its shard by the credit, the lender's records where the contract runs; a forged `lent` is refused", () => {
    const chain = new SimChain(config(), N);
    const [deployer, borrower] = [on(1), on(2)];
    const deploy = txBy(deployer, [act("system.iost", "setCode", [contractJson(LENDER, ABI)])]);
    chain.submit(deploy);
    for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
    const lender = "Contract" + txId(deploy);
    const before = [ramRecord(chain, "SR", deployer), ramRecord(chain, "TR", deployer), ramRecord(chain, "TR", borrower)];
    const tx = txBy(deployer, [act(lender, "lend", [borrower, 30])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // shard 1: the lend ran, its RAM in flight to shard 2
    const [credit] = chain.inFlight().filter((r) => r.kind === "credit");
    expect(credit).toMatchObject({ toShard: 2, token: "ram", account: borrower, amount: "30", lent: "30" });
    expect(() => checkReceipt(credit, N)).not.toThrow();
    expect(() => checkReceipt({ ...credit, amount: "0", probe: true }, N)).not.toThrow();
    for (const forged of [
      { ...credit, lent: "31" },
      { ...credit, lent: "9", amount: "9" },
      { ...credit, lent: "-30" },
      { ...credit, lent: 30 as unknown as string },
      { ...credit, token: "iost" },
      { ...credit, freezeUntil: "1" },
      { ...credit, payer: { ...credit.payer!, op: "issue" as const } },
      { ...credit, payer: undefined },
      { ...credit, kind: "settle" as const },
      { ...credit, amount: "0", probe: true as const, lent: "0" },
    ] as CrossReceipt[])
      expect(() => checkReceipt(forged, N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
    const r = chain.shards[shardOf(deployer, N)].results.get(txId(tx))!;
    expect([r.pending, r.receipt?.statusCode]).toEqual([0, "SUCCESS"]);
    expect([ramRecord(chain, "SR", deployer), ramRecord(chain, "TR", deployer), ramRecord(chain, "TR", borrower)]).toEqual([
      before[0] - 30n,
      before[1] - 30n,
      before[2] + 30n,
    ]);
    // No record of the borrower was written off its shard.
    expect(chain.shards[1].store.get(`b-ram.iost-TR${borrower}`)).toBeUndefined();
  });

  it("a part on the borrower's shard lands the lend's carried credit with the borrower's total; a forged carried `lent` is refused", () => {
    const chain = new SimChain(config(), N);
    const [deployer, borrower] = [on(1), on(2)];
    const deploys = [deployer, borrower].map((by) => txBy(by, [act("system.iost", "setCode", [contractJson(LENDER, ABI)])]));
    for (const d of deploys) chain.submit(d);
    for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
    const [lender, there] = deploys.map((d) => "Contract" + txId(d));
    const before = ramRecord(chain, "TR", borrower);
    const tx = txBy(deployer, [act(lender, "lend", [borrower, 30]), act(there, "ok", [])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // shard 1: the lend ran, its credit riding to shard 2 in the action receipt
    const [action] = chain.inFlight().filter((r) => r.kind === "action");
    const [credit] = action.forward!.credits!;
    expect([action.toShard, chain.inFlight().filter((r) => r.kind === "credit")]).toEqual([2, []]);
    expect(credit).toMatchObject({ toShard: 2, token: "ram", account: borrower, amount: "30", lent: "30" });
    expect(() => checkReceipt(action, N)).not.toThrow();
    const carrying = (x: CrossReceipt): CrossReceipt => ({ ...action, forward: { ...action.forward!, credits: [x] } });
    for (const forged of [
      { ...credit, lent: "31" },
      { ...credit, lent: "9", amount: "9" },
      { ...credit, token: "iost" },
      { ...credit, payer: { ...credit.payer!, op: "issue" as const } },
    ] as CrossReceipt[])
      expect(() => checkReceipt(carrying(forged), N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
    const r = chain.shards[shardOf(deployer, N)].results.get(txId(tx))!;
    expect([r.pending, r.receipt?.statusCode]).toEqual([0, "SUCCESS"]);
    expect(ramRecord(chain, "TR", borrower)).toBe(before + 30n);
  });

  // In-flight property 83/12 (docs/SHARDING.md "Cross-shard effects", _RAM escrow_): a buy for the lender left its
  // `ram` record named token.iost's; its tx's home doPay then paid its contract's record from it, renaming it "", and
  // the escrow took that name to the borrower's shard, where the lend's transfer renamed it token.iost's for 10 bytes
  // one shard, paying after every action, never charges.
  it("a top-level lend after a call of the lender's own contract charges the bytes one shard charges", () => {
    const [lender, borrower, buyer] = [on(3), on(2), on(1)];
    const receipts = [1, N].map((count) => {
      nonce = 0;
      const chain = new SimChain(config(), count);
      const run = (tx: Tx) => {
        chain.submit(tx);
        for (let i = 0; i < 6; i++) chain.step({ time: BLOCK_TIME });
        const r = chain.shards[shardOf(tx.publisher, count)].results.get(txId(tx))!;
        expect([r.pending, r.receipt?.statusCode]).toEqual([0, "SUCCESS"]);
        return r.receipt!;
      };
      const deploy = txBy(lender, [act("system.iost", "setCode", [contractJson(LENDER, ABI)])]);
      run(deploy);
      run(txBy(buyer, [act("ram.iost", "buy", [buyer, lender, 1000])]));
      return run(txBy(lender, [act("Contract" + txId(deploy), "put", ["k", "v"]), act("ram.iost", "lend", [lender, borrower, 100])])).ramUsage;
    });
    expect(receipts[0]["token.iost"]).toBeUndefined();
    expect(receipts[1]).toEqual(receipts[0]);
  });
});

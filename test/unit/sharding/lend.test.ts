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
import type { Action, Tx } from "../../../src/tx/types";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";

const N = 4;
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
// Signed up with no RAM bought: no `ram` record at all (gas pledged for them). bare06 lives on shard 2, bare01 on 1.
const BARE = ["bare06", "bare01"];
const ACCOUNTS = [...USERS, ...BARE];
const T0 = devGenesis().time + 10n * 1_000_000_000n;
const BLOCK_TIME = T0 + 100n * 1_000_000_000n;
const LENDER = `class Lender {
  init() {}
  lend(to, n) { blockchain.callWithAuth("ram.iost", "lend", [tx.publisher, to, n]); }
  ok() {}
  put(k, v) { storage.put(k, v); }
  touch(who) { storage.put("t", "v", who); storage.del("t"); }
}
module.exports = Lender;`;

function config(): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: ACCOUNTS.map((id, i) => ({
      id,
      owner: fakeKey(i),
      active: fakeKey(i),
      balance: "1000000",
      gasPledge: "1000",
      ram: BARE.includes(id) ? 0n : 100000n,
    })),
  };
}

const on = (s: number, k = 0) => USERS.filter((u) => shardOf(u, N) === s)[k];

let nonce = 0;
const txBy = (user: string, actions: Action[], signer?: string): Tx =>
  makeTx(actions, {
    publisher: user,
    key: fakeKey(ACCOUNTS.indexOf(user)),
    time: T0 + BigInt(nonce++),
    gasLimit: 4_000_000n,
    amountLimit: [{ token: "*", value: "unlimited" }],
    ...(signer === undefined ? {} : { signers: [`${signer}@active`], signerKeys: [fakeKey(ACCOUNTS.indexOf(signer))] }),
  });

/** A ram.iost record (`SR`/`TR`) of `acc` where it lives, as a number (absent: 0). */
const ABI = [
  { name: "lend", args: ["string", "number"], amountLimit: [{ token: "ram", val: "100" }] },
  { name: "ok", args: [] },
  { name: "put", args: ["string", "string"] },
  { name: "touch", args: ["string"] },
];

const ramRecord = (chain: SimChain, kind: string, acc: string) => {
  const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`b-ram.iost-${kind}${acc}`))?.value;
  return v?.t === "s" ? BigInt(v.v) : 0n;
};

/**
 * On one shard and on N: contracts of `owner` and `other` deployed, a buy by `buyer` (if any) for the account `last` charges
 * (`signer`, else `pub`), which names its `ram` record token.iost's, then `last(mine, theirs)` published by `pub`
 * (co-signed by `signer`): its receipt, and the `ram` record, used RAM and ram.iost records of that account (and of
 * of the publisher and `borrower`) as stored.
 */
function oneAndN(o: {
  pub: string;
  signer?: string;
  owner: string;
  other?: string;
  buyer?: string;
  borrower?: string;
  last: (mine: string, theirs: string) => Action[];
}) {
  const charged = o.signer ?? o.pub;
  return [1, N].map((count) => {
    nonce = 0;
    const chain = new SimChain(config(), count);
    const run = (tx: Tx) => {
      chain.submit(tx);
      for (let i = 0; i < 8; i++) chain.step({ time: BLOCK_TIME });
      const r = chain.shards[shardOf(tx.publisher, count)].results.get(txId(tx))!;
      expect([r.pending, r.receipt?.statusCode, r.receipt?.message]).toEqual([0, "SUCCESS", ""]);
      return r.receipt!;
    };
    const deploy = (by: string) => {
      const tx = txBy(by, [act("system.iost", "setCode", [contractJson(LENDER, ABI)])]);
      run(tx);
      return "Contract" + txId(tx);
    };
    const mine = deploy(o.owner);
    const theirs = o.other === undefined ? mine : deploy(o.other);
    if (o.buyer !== undefined) run(txBy(o.buyer, [act("ram.iost", "buy", [o.buyer, charged, 1000])]));
    const receipt = run(txBy(o.pub, o.last(mine, theirs), o.signer));
    const { statusCode, gasUsage, ramUsage } = receipt;
    const records = [...new Set([charged, o.pub, ...(o.borrower === undefined ? [] : [o.borrower])])].flatMap((acc) =>
      [`m-token.iost-TB${acc}-ram`, ...["UR", "SR", "TR"].map((k) => `b-ram.iost-${k}${acc}`)].map((k) => chain.shards[shardOf(acc, count)].store.get(k)),
    );
    return { receipt: { statusCode, gasUsage, ramUsage }, records };
  });
}

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
    expect(() => checkReceipt({ ...credit, probe: true }, N)).not.toThrow();
    // A probe whose amount a sale's or lend's write absorbed (remote.ts absorb) keeps its bytes for its half's gas.
    expect(() => checkReceipt({ ...credit, amount: "0", probe: true }, N)).not.toThrow();
    for (const forged of [
      { ...credit, amount: "0" },
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
    const [lender, borrower] = [on(3), on(2)];
    const [one, four] = oneAndN({
      pub: lender,
      owner: lender,
      buyer: on(1),
      last: (mine) => [act(mine, "put", ["k", "v"]), act("ram.iost", "lend", [lender, borrower, 100])],
    });
    expect(one.receipt.ramUsage["token.iost"]).toBeUndefined();
    expect(four).toEqual(one);
  });

  // One shard's doPay writes every payer's used RAM, 0 bytes too (go-iost ChangeUsedRAMInfo): a publisher that paid
  // no RAM in a forwarded part had no `UR` where one shard writes "0", answered by getContractStorage as null, not "0".
  it("a publisher that pays no RAM in a forwarded part has the used RAM record one shard writes", () => {
    const [one, four] = oneAndN({ pub: on(2), owner: on(1), buyer: on(3), last: (mine) => [act(mine, "ok", [])] });
    expect(decodeValue(one.records[1])?.value).toEqual({ t: "s", v: "0" });
    expect(four).toEqual(one);
  });

  // And one with no `ram` record at all (signed up, no RAM bought): one shard's doPay writes its balance "0" (go-iost
  // SetTokenBalance of a payer's balance less 0), a record getContractStorage and storage.globalMapGet answer "0", not null.
  it("a publisher with no RAM record that pays none in a forwarded part has the RAM record one shard writes", () => {
    const [one, four] = oneAndN({ pub: BARE[0], owner: on(1), last: (mine) => [act(mine, "ok", [])] });
    expect(decodeValue(one.records[0])?.value).toEqual({ t: "i", v: 0n });
    expect(four).toEqual(one);
  });

  // A co-signer with no `ram` record that a contract charges 0 bytes (a record put and deleted): one shard's doPay
  // writes its balance "0" as the publisher's, with its RAM at home (escrowed along), where the contract runs, or on a third shard.
  it("a co-signer with no RAM record charged 0 bytes in a forwarded tx has the RAM record one shard writes", () => {
    const signer = BARE[1];
    for (const [pub, owner] of [
      [on(1), on(2)],
      [on(2), on(1)],
      [on(2), on(3)],
    ]) {
      const [one, four] = oneAndN({ pub, signer, owner, last: (mine) => [act(mine, "touch", [signer])] });
      expect(decodeValue(one.records[0])?.value, `${pub} ${owner}`).toEqual({ t: "i", v: 0n });
      expect(four, `${pub} ${owner}`).toEqual(one);
    }
  });

  // The same rewrite of a co-signer's record, charged by its contract in a part that sends the rest on: its RAM escrow
  // named the rewrite's none, and a sale of its RAM in a later part renamed it token.iost's (docs/SHARDING.md
  // "Co-signers' RAM escrow"), whether it lives on the home's shard or a middle part's.
  it("a co-signer's RAM sold in a later part after a call of its own contract charges the bytes one shard charges", () => {
    const signer = on(1, 1);
    for (const [pub, other] of [
      [on(1), on(2)],
      [on(2), on(3)],
    ]) {
      const last = (mine: string, theirs: string) => [act(mine, "put", ["k", "v"]), act(theirs, "ok", []), act("ram.iost", "sell", [signer, signer, 100])];
      const [one, four] = oneAndN({ pub, signer, owner: signer, other, buyer: on(3), last });
      expect(one.receipt.ramUsage["token.iost"], pub).toBeUndefined();
      expect(four, pub).toEqual(one);
    }
  });

  // And back on the record's own shard (a part coming back there): the escrow rejoined the record the first part's
  // doPay rewrote, and the lend's transfer renamed it token.iost's, the lender a co-signer or the publisher.
  it("a lend back on the lender's shard after a call of its own contract charges the bytes one shard charges", () => {
    const [lender, borrower] = [on(1, 1), on(1, 2)];
    for (const signer of [lender, undefined]) {
      const last = (mine: string, theirs: string) => [act(mine, "put", ["k", "v"]), act(theirs, "ok", []), act("ram.iost", "lend", [lender, borrower, 100])];
      const [one, four] = oneAndN({ pub: signer ? on(1) : lender, signer, owner: lender, other: on(2), buyer: on(3), last });
      expect(one.receipt.ramUsage["token.iost"], signer).toBeUndefined();
      expect(four, signer).toEqual(one);
    }
  });

  // Forwarded to the borrower's shard as the publisher's lend is, it found there no `SR` of the co-signer (only the
  // publisher's ram.iost records travel): `self ram amount 0, not enough for lend` where one shard lends. It runs
  // where the tx is, as a co-signer's sale does (docs/SHARDING.md "One RAM market"), its RAM leaving as a credit.
  it("a co-signer's top-level lend to an account of another shard lends as one shard does", () => {
    const lender = on(1, 1);
    // Lent at home (the borrower's shard, or the lender's), in a part on the lender's shard (a call of its contract
    // first) or in a part of a third shard (a call there first), its RAM escrowed from the home or fetched from its shard.
    for (const [pub, borrower, first] of [
      [on(1), on(2), "mine"],
      [on(2), on(0), "mine"],
      [on(2), on(2, 1), "mine"],
      [on(1), on(2), "theirs"],
      [on(2), on(0), "theirs"],
      [on(2), on(2, 1), ""],
    ]) {
      const lend = act("ram.iost", "lend", [lender, borrower, 100]);
      const last = (mine: string, theirs: string) => (first === "" ? [lend] : [act(first === "mine" ? mine : theirs, "ok", []), lend]);
      const [one, four] = oneAndN({ pub, signer: lender, owner: lender, other: on(3), buyer: on(3), borrower, last });
      expect(four, `${pub} ${borrower} ${first}`).toEqual(one);
    }
  });

  // Its records fetched where the tx is, the co-signer's own balance is a record the run writes there: the transfer's
  // credit to it joins that written value and goes as a probe, whose half (the total's bytes lent, a buy's bought and
  // held bytes) lands nothing. The total stayed short of the bytes lent (`ram.iost` charged a byte less where its
  // digits changed), and a buy after its sale lost the bytes bought.
  it("a co-signer's top-level lend to itself, or buy for itself after its sale, off its shard keeps the records one shard keeps", () => {
    const signer = on(1, 1);
    const lend = act("ram.iost", "lend", [signer, signer, 100]);
    const rebuy = [act("ram.iost", "sell", [signer, signer, 100]), act("ram.iost", "buy", [signer, signer, 100])];
    // Lent at a home off the lender's shard, or in a part on a third shard (a call there first) sent from that home or
    // from the lender's; bought back at a home off its shard, or on it.
    for (const [pub, what] of [
      [on(2), "lend"],
      [on(2), "theirs"],
      [on(1), "theirs"],
      [on(2), "rebuy"],
      [on(1), "rebuy"],
    ]) {
      const last = (_: string, theirs: string) => (what === "lend" ? [lend] : what === "theirs" ? [act(theirs, "ok", []), lend] : rebuy);
      const [one, four] = oneAndN({ pub, signer, owner: signer, other: on(3), buyer: on(3), last });
      // Bytes bought (`SR`) and held (`TR`): 1000 bought for it, 100 lent to itself or sold and bought back.
      expect(one.records.slice(2, 4), `${pub} ${what}`).toEqual([what === "rebuy" ? "s101000@ram.iost" : "s100900@ram.iost", "s101000@ram.iost"]);
      expect(four, `${pub} ${what}`).toEqual(one);
    }
  });
});

/**
 * One RAM market for the chain (docs/SHARDING.md "One RAM market"), in the simulator: ram.iost's globals and
 * balances live on the consensus shard only; a buy or sell published elsewhere is forwarded there; the bytes
 * bought for an account of another shard leave as a credit of `ram` carrying them (`bought`), which that shard
 * adds to the buyer's records; an account the tx signed up on another shard is known there by the `register`
 * its part carried (`forward.registers`). Both fields come from other shards: only the real ones are accepted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isRamMarketKey, RAM_MARKET_KEYS, shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { decodeValue, encodeValue, int, str } from "../../../src/state/storage";
import type { Tx } from "../../../src/tx/types";
import { txId } from "../../../src/tx/bytes";
import { act, fakeKey } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { ABI, BLOCK_TIME, CODE, config, N, on, run, txBy, USERS } from "./workload";

beforeAll(vmReady);

/** A ram.iost record (`SR`/`TR`) of `acc` where it lives, as a number (absent: 0). */
const ramRecord = (chain: SimChain, kind: string, acc: string) => {
  const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`b-ram.iost-${kind}${acc}`))?.value;
  return v?.t === "s" ? BigInt(v.v) : 0n;
};
const leftSpace = (chain: SimChain) => BigInt(decodeValue(chain.shards[0].store.get("b-ram.iost-leftSpace"))?.value.v as string);

describe("one RAM market for the chain (simulator)", () => {
  it("genesis keeps the market on the consensus shard only, as one chain's", () => {
    const [one, four] = [new SimChain(config(), 1), new SimChain(config(), N)];
    const marketOf = (chain: SimChain, s: number) => chain.shards[s].store.keys().filter(isRamMarketKey);
    expect(marketOf(one, 0).sort()).toEqual([...RAM_MARKET_KEYS].sort());
    expect(marketOf(four, 0).map((k) => [k, four.shards[0].store.get(k)])).toEqual(marketOf(one, 0).map((k) => [k, one.shards[0].store.get(k)]));
    for (const s of [1, 2, 3]) expect(marketOf(four, s)).toEqual([]);
  });

  it("the RAM token's supply is the market's: a co-signer's buy run off it past an increaseInterval issues there, and a contract of another shard reads that one, as on one shard", () => {
    const SUP = `class Sup {
  init() {}
  sup() { return String(storage.globalMapGet("token.iost", "TIram", "supply")) + "," + blockchain.call("token.iost", "supply", ["ram"])[0]; }
}
module.exports = Sup;`;
    const supplyOn = (chain: SimChain) => decodeValue(chain.shards[0].store.get("m-token.iost-TIram-supply"))?.value.v as string;
    // Past ram.iost's increaseInterval (600 s at genesis): the next buy issues.
    const later = () => BLOCK_TIME + 700n * 1_000_000_000n;
    const [by, mate] = [on(1, 5), on(2, 0)];
    const outcomes = [1, N].map((count) => {
      const chain = new SimChain(config(), count);
      const genesis = supplyOn(chain);
      const deployed = run(chain, txBy(by, [act("system.iost", "setCode", [contractJson(SUP, [{ name: "sup", args: [] }])])]));
      const id = JSON.parse((deployed.receipt as { returns: string[] }).returns[0])[0] as string;
      const buy = run(chain, txBy(by, [act("ram.iost", "buy", [mate, by, 100])], { signers: [mate] }), undefined, later);
      const read = run(chain, txBy(by, [act(id, "sup", [])]), undefined, later);
      const top = run(chain, txBy(by, [act("token.iost", "supply", ["ram"])]), undefined, later);
      return {
        genesis,
        buy: buy.receipt,
        read: read.receipt,
        top: top.receipt,
        supply: supplyOn(chain),
        shards: chain.shards.map((s) => s.store.get("m-token.iost-TIram-supply")),
      };
    });
    const [one, four] = outcomes;
    expect(BigInt(one.supply)).toBeGreaterThan(BigInt(one.genesis));
    expect(four.buy).toEqual(one.buy);
    expect(four.supply).toBe(one.supply);
    expect(four.read).toEqual(one.read);
    expect((four.read as { returns: string[] }).returns[0]).toBe(JSON.stringify([`${one.supply},${one.supply}`]));
    // A top-level supply read from shard 1 too: it answers the market's.
    expect(four.top).toEqual(one.top);
    expect((four.top as { returns: string[] }).returns[0]).toBe(JSON.stringify([String(one.supply)]));
    // The other shards' copies stay as genesis left them: nothing reads or writes them.
    expect(new Set(four.shards.slice(1)).size).toBe(1);
    expect(four.shards[1]).not.toBe(four.shards[0]);
  });

  it("a buy from shard 3 for an account of shard 2 runs on shard 0, the bytes land on shard 2 with its records; a forged `bought` is refused", () => {
    const chain = new SimChain(config(), N);
    const [buyer, receiver] = [on(3), on(2)];
    const before = [ramRecord(chain, "SR", receiver), ramRecord(chain, "TR", receiver), leftSpace(chain)];
    const tx = txBy(buyer, [act("ram.iost", "buy", [buyer, receiver, 1000])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight().filter((r) => r.kind === "action");
    expect([action.toShard, action.counterpart]).toEqual([0, "ram.iost"]);
    // Not the publisher's bytes: its ram.iost records stay home.
    expect(action.ramRecords).toBeUndefined();
    chain.step({ time: BLOCK_TIME });
    const [credit] = chain.inFlight().filter((r) => r.kind === "credit" && r.token === "ram");
    expect(credit).toMatchObject({ fromShard: 0, toShard: 2, token: "ram", account: receiver, amount: "1000", bought: "1000" });
    expect(() => checkReceipt(credit, N)).not.toThrow();
    expect(() => checkReceipt({ ...credit, probe: true }, N)).not.toThrow();
    // A probe whose amount a sale's or lend's write absorbed (remote.ts absorb) keeps its bytes for its half's gas.
    expect(() => checkReceipt({ ...credit, amount: "0", probe: true }, N)).not.toThrow();
    for (const forged of [
      { ...credit, amount: "0" },
      { ...credit, bought: "1001" },
      { ...credit, bought: "9", amount: "9" },
      { ...credit, bought: "-1000" },
      { ...credit, bought: 1000 as unknown as string },
      { ...credit, lent: "1000" },
      { ...credit, token: "iost" },
      { ...credit, freezeUntil: "1" },
      { ...credit, payer: { ...credit.payer!, op: "issue" as const } },
      { ...credit, payer: undefined },
      { ...credit, kind: "settle" as const },
    ] as CrossReceipt[])
      expect(() => checkReceipt(forged, N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    for (let i = 0; i < 4; i++) chain.step({ time: BLOCK_TIME });
    const r = chain.shards[3].results.get(txId(tx))!;
    expect([r.pending, r.receipt?.statusCode]).toEqual([0, "SUCCESS"]);
    expect([ramRecord(chain, "SR", receiver), ramRecord(chain, "TR", receiver)]).toEqual([before[0] + 1000n, before[1] + 1000n]);
    expect(leftSpace(chain)).toBe(before[2] - 1000n);
    // Nothing of the receiver was written off its shard, nor of the market off shard 0.
    for (const s of [0, 1, 3]) expect(chain.shards[s].store.get(`b-ram.iost-SR${receiver}`)).toBeUndefined();
    for (const s of [1, 2, 3]) expect(chain.shards[s].store.keys().filter(isRamMarketKey)).toEqual([]);
  });

  it("a signUp then a buy for the new account from shard 1: the part on shard 0 knows the account by the register it carried; a forged one is refused", () => {
    const chain = new SimChain(config(), N);
    const by = on(1);
    const name = Array.from({ length: 64 }, (_, i) => `fresh${i}`).find((n) => shardOf(n, N) === 3)!;
    const tx = txBy(by, [act("auth.iost", "signUp", [name, fakeKey(95), fakeKey(95)]), act("ram.iost", "buy", [by, name, 1000])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // shard 1 → shard 3: the signUp
    // Shard 3: the signUp asks the other shards whether an older tx may create the name (creators), then stands.
    for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
    // Shard 3 → shard 0: the buy, with the new account's register.
    const [action] = chain.inFlight().filter((r) => r.kind === "action");
    expect([action.fromShard, action.toShard]).toEqual([3, 0]);
    // The register to shard 0 is carried instead of sent; those to shards 1 and 2 go along as copies, for later parts.
    const [register] = action.forward!.registers!;
    expect(register).toMatchObject({ kind: "register", account: name, fromShard: 3, toShard: 0 });
    expect(action.forward!.registers!.map((x) => x.toShard)).toEqual([0, 1, 2]);
    expect(chain.inFlight().filter((r) => r.kind === "register")).toEqual([]);
    expect(() => checkReceipt(action, N)).not.toThrow();
    const carrying = (x: unknown): CrossReceipt => ({ ...action, forward: { ...action.forward!, registers: x as CrossReceipt[] } });
    for (const forged of [
      [],
      [{ ...register, fromShard: 2 }],
      [{ ...register, txHash: "other" }],
      [{ ...register, account: on(2), auth: register.auth!.replace(name, on(2)) }],
      [{ ...register, kind: "credit" }],
      [{ ...register, account: "Contract1" }],
      register,
    ])
      expect(() => checkReceipt(carrying(forged), N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...register, kind: "settle", forward: { ...action.forward! } } as CrossReceipt, N)).toThrow(ReceiptRefused);
    for (let i = 0; i < 8; i++) chain.step({ time: BLOCK_TIME });
    const r = chain.shards[1].results.get(txId(tx))!;
    expect([r.pending, r.receipt?.statusCode, r.receipt?.message]).toEqual([0, "SUCCESS", ""]);
    expect([ramRecord(chain, "SR", name), ramRecord(chain, "TR", name)]).toEqual([1000n, 1000n]);
  });

  it("a buy for the owner of a contract a part on its shard wrote to: the credit carries the ram record's payer before that part's doPay, and lands as one shard's; forged ones are refused", () => {
    const [owner, buyer] = [on(2), on(0)];
    const deploy = txBy(owner, [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
    const before = txBy(on(3), [act("ram.iost", "buy", [on(3), owner, 1000])]);
    const tx = txBy(buyer, [act("Contract" + txId(deploy), "put", ["k", "v"]), act("ram.iost", "buy", [buyer, owner, 1000])]);
    const ran = [1, N].map((n) => {
      const chain = new SimChain(config(), n);
      chain.submit(deploy);
      for (let i = 0; i < 2; i++) chain.step({ time: BLOCK_TIME });
      // Bought for it alone, token.iost names its record again: the rewrite one shard makes after both actions is free.
      chain.submit(before);
      for (let i = 0; i < 6; i++) chain.step({ time: BLOCK_TIME });
      expect(decodeValue(chain.shards[shardOf(owner, n)].store.get(`m-token.iost-TB${owner}-ram`))?.payer).toBe("token.iost");
      chain.submit(tx);
      const sent: CrossReceipt[] = [];
      for (let i = 0; i < 24 && chain.shards[shardOf(buyer, n)].results.get(txId(tx))?.pending !== 0; i++) {
        chain.step({ time: BLOCK_TIME });
        sent.push(...chain.inFlight());
      }
      const receipt = chain.shards[shardOf(buyer, n)].results.get(txId(tx))!.receipt!;
      return { sent, receipt, record: chain.shards[shardOf(owner, n)].store.get(`m-token.iost-TB${owner}-ram`) };
    });
    expect(ran[1].receipt).toEqual(ran[0].receipt);
    expect([ran[0].receipt.statusCode, ran[0].receipt.ramUsage["token.iost"]]).toEqual(["SUCCESS", undefined]);
    // Rewritten with no payer, as one shard's doPay after both actions.
    expect(ran[1].record).toBe(ran[0].record);
    expect(decodeValue(ran[1].record)?.payer).toBe("");
    const action = ran[1].sent.find((r) => r.kind === "action" && r.fromShard === 2)!;
    expect(action.forward!.paidRam).toEqual([[owner, "token.iost"]]);
    const credit = ran[1].sent.find((r) => r.kind === "credit" && r.token === "ram")!;
    expect(credit).toMatchObject({ toShard: 2, account: owner, bought: "1000", paidRam: "token.iost" });
    expect(() => checkReceipt(action, N)).not.toThrow();
    expect(() => checkReceipt(credit, N)).not.toThrow();
    const listing = (x: unknown): CrossReceipt => ({ ...action, forward: { ...action.forward!, paidRam: x as [string, string][] } });
    for (const forged of [
      { ...credit, paidRam: on(1) },
      { ...credit, paidRam: 1 as unknown as string },
      { ...credit, token: "iost", bought: undefined },
      { ...credit, payer: undefined },
      { ...credit, kind: "settle" as const },
      listing([]),
      listing([[owner, on(1)]]),
      listing([["Contract1", ""]]),
      listing([
        [on(3), ""],
        [owner, ""],
      ]),
      listing([
        [owner, ""],
        [owner, ""],
      ]),
      listing([owner, ""]),
      listing({ [owner]: "" }),
      { ...credit, forward: action.forward },
    ] as CrossReceipt[])
      expect(() => checkReceipt(forged, N), JSON.stringify(forged)).toThrow(ReceiptRefused);
  });
});

// deadaddr pays the genesis tokens' records (their info, copied to every shard). A RAM issue or an iost destroy
// rewrites a supply kept on the consensus shard, and one shard's doPay charges deadaddr 0 bytes for it, which writes its
// `ram` balance and used RAM, absent till then. N shards write them where deadaddr lives: a `free` of 0 bytes from the
// consensus shard (with 4 shards deadaddr lives on shard 1), or there itself (with 5, on shard 0).
describe("deadaddr's RAM records, written by the first rewrite of a genesis token's supply", () => {
  const later = () => BLOCK_TIME + 700n * 1_000_000_000n;
  const flows: [string, (count: number) => [Tx, (() => bigint) | undefined]][] = [
    [
      "a buy past increaseInterval issuing RAM on the market's shard",
      (count) => {
        const by = USERS.find((u) => shardOf(u, count) !== 0)!;
        return [txBy(by, [act("ram.iost", "buy", [by, by, 100])]), later];
      },
    ],
    [
      "an iost destroy on the consensus shard",
      (count) => {
        const by = USERS.find((u) => shardOf(u, count) === 0)!;
        return [txBy(by, [act("token.iost", "destroy", ["iost", by, "1"])]), undefined];
      },
    ],
    [
      "an iost destroy on another shard (its burn lands on the consensus shard)",
      (count) => {
        const by = USERS.find((u) => shardOf(u, count) !== 0 && shardOf(u, count) !== shardOf("deadaddr", count))!;
        return [txBy(by, [act("token.iost", "destroy", ["iost", by, "1"])]), undefined];
      },
    ],
  ];
  it.each(flows.flatMap(([what, make]) => [N, 5].map((count) => [what, count, make] as const)))("%s, %i shards: as one shard's", (_, count, make) => {
    const [tx, at] = make(count);
    const [one, many] = [new SimChain(config(), 1), new SimChain(config(), count)];
    const records = (chain: SimChain) => {
      const there = chain.shards[shardOf("deadaddr", chain.shards.length)].store;
      return [there.get("b-ram.iost-URdeadaddr"), there.get("m-token.iost-TBdeadaddr-ram")];
    };
    expect([records(one), records(many)]).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    const b = run(many, tx, undefined, at);
    expect(b).toEqual(run(one, tx, undefined, at));
    expect((b.receipt as { statusCode: string }).statusCode).toBe("SUCCESS");
    const zero = [encodeValue(str("0"), ""), encodeValue(int(0n), "")];
    expect([records(one), records(many)]).toEqual([zero, zero]);
  });
});

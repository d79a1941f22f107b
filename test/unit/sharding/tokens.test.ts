/**
 * Tokens across shards (docs/SHARDING.md "Tokens across shards"), in the
 * simulator: a token created after genesis lives on the shard of its symbol,
 * which creates and issues it (a top-level create or issue published elsewhere
 * is forwarded there) and announces it to every other shard; its holders on
 * any shard move it by credits; a destroy elsewhere lowers its supply by a
 * burn. Every SimChain step checks every token's supply against what exists
 * (sim.ts supplyGaps), so each height of these runs is checked too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { tokenShard, shardOf } from "../../../src/sharding/placement";
import { checkReceipt, ReceiptRefused, type CrossReceipt } from "../../../src/sharding/receipts";
import { DEFERRED, LOCKS, lockEntry, PART_WAIT } from "../../../src/executor/locks";
import { ageIn, decodeValue, encodeValue, int, withAge, withoutAge } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { bareForward } from "./workload";
import { READING } from "../../../src/sharding/reads";

const N = 4;
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
const T0 = devGenesis().time + 10n * 1_000_000_000n;
const BLOCK_TIME = T0 + 100n * 1_000_000_000n;

function config(): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: USERS.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 100000n })),
  };
}

const on = (s: number, k = 0) => USERS.filter((u) => shardOf(u, N) === s)[k];

let nonce = 0;
function txBy(user: string, actions: ReturnType<typeof act>[]): Tx {
  return makeTx(actions, {
    publisher: user,
    key: fakeKey(USERS.indexOf(user)),
    time: T0 + BigInt(nonce++),
    gasLimit: 4_000_000n,
    amountLimit: [{ token: "*", value: "unlimited" }],
  });
}

const raw = (chain: SimChain, shard: number, key: string) => decodeValue(chain.shards[shard].store.get(key))?.value;
const tokenBalance = (chain: SimChain, sym: string, acc: string) => {
  const v = raw(chain, chain.shards.length === 1 ? 0 : shardOf(acc, N), `m-token.iost-TB${acc}-${sym}`);
  return v?.t === "i" ? v.v : 0n;
};
const supply = (chain: SimChain, sym: string) => {
  const v = raw(chain, tokenShard(sym, chain.shards.length)!, `m-token.iost-TI${sym}-supply`);
  return v?.t === "i" ? v.v : null;
};

/** Submits `tx`, runs `n` blocks and returns its result on its publisher's shard. */
function run(chain: SimChain, tx: Tx, n = 4) {
  chain.submit(tx);
  for (let i = 0; i < n; i++) chain.step({ time: BLOCK_TIME });
  const r = chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!;
  expect(r.pending).toBe(0);
  return r.receipt!;
}

/**
 * Deploys `deploys`, then submits `txs` in one block, on a fresh chain of `count` shards, and steps until every tx is
 * final. `refused`: the txs whose claim a symbol's shard refused (forward.ts ClaimRefused), which ran again.
 */
const race = (count: number, deploys: Tx[], txs: Tx[]) => {
  const chain = new SimChain(config(), count);
  for (const d of deploys) expect(run(chain, d, 2).message).toBe("");
  for (const t of txs) chain.submit(t);
  const result = (t: Tx) => chain.shards[shardOf(t.publisher, count)].results.get(txId(t));
  const refused = new Set<string>();
  for (let i = 0; i < 30 && !txs.every((t) => result(t)?.pending === 0); i++) {
    chain.step({ time: BLOCK_TIME });
    for (const r of chain.inFlight()) if (r.gaveWay && r.message.includes("older in pool order created it")) refused.add(r.txHash);
  }
  expect(chain.supplyGaps()).toEqual({});
  return { chain, receipts: txs.map((t) => result(t)?.receipt), refused };
};
/** `race` on one shard and on N: N's receipts are one shard's, whole, and `refused` the txs whose claim was refused. */
const raceBoth = (deploys: Tx[], txs: Tx[], refused: Tx[]) => {
  const [one, four] = [race(1, deploys, txs), race(N, deploys, txs)];
  expect(four.refused).toEqual(new Set(refused.map((t) => txId(t))));
  expect(four.receipts).toEqual(one.receipts);
  return [one, four];
};
/**
 * Steps until a create published off its symbol's shard is final: forwarded there, it creates the symbol only once no
 * older tx that may create it is undecided (a round of asks, docs/SHARDING.md "Tokens across shards").
 */
const CREATED = 5;
const create = (user: string, sym: string) => txBy(user, [act("token.iost", "create", [sym, user, 1000, { decimal: 0 }])]);

beforeAll(vmReady);

describe("a token created after genesis (simulator)", () => {
  // gold's shard is 3: created, issued and moved from users of the other shards.
  const creator = on(0);
  it("is created and issued on its symbol's shard, announced to every shard, moved to every shard and destroyed anywhere: supply exact at every height", () => {
    expect(tokenShard("gold", N)).toBe(3);
    const chain = new SimChain(config(), N);
    const made = run(chain, create(creator, "gold"), CREATED);
    expect([made.statusCode, made.message]).toEqual(["SUCCESS", ""]);
    // The definition on every shard (the copies as the token's shard wrote them, RAM payer included).
    for (const s of chain.shards)
      expect([raw(chain, s.index, "m-token.iost-TIgold-issuer"), chain.shards[s.index].store.get("m-token.iost-TIgold-decimal")]).toEqual([
        { t: "s", v: creator },
        encodeValue(int(0n), creator),
      ]);
    expect(supply(chain, "gold")).toBe(0n);

    // The issue to a third shard charges the publisher its new record there: the forwarded part waits for that half (5 blocks).
    const issued = run(chain, txBy(creator, [act("token.iost", "issue", ["gold", creator, "100"]), act("token.iost", "issue", ["gold", on(2), "10"])]), 5);
    expect([issued.statusCode, issued.message]).toEqual(["SUCCESS", ""]);
    expect([tokenBalance(chain, "gold", creator), tokenBalance(chain, "gold", on(2)), supply(chain, "gold")]).toEqual([100n, 10n, 110n]);

    // Three first records on three shards charge the publisher: their halves chained, shards 1, 3, 2 and back (7 blocks).
    const moved = run(
      chain,
      txBy(creator, [
        act("token.iost", "transfer", ["gold", creator, on(1), "7", ""]),
        act("token.iost", "transfer", ["gold", creator, on(3), "5", ""]),
        act("token.iost", "transferFreeze", ["gold", creator, on(2), "3", Number(BLOCK_TIME + 10n ** 12n), ""]),
      ]),
      7,
    );
    expect([moved.statusCode, moved.message]).toEqual(["SUCCESS", ""]);
    expect([creator, on(1), on(3), on(2)].map((u) => tokenBalance(chain, "gold", u))).toEqual([85n, 7n, 5n, 10n]);
    expect(raw(chain, 2, `m-token.iost-TF${on(2)}-gold`)).toMatchObject({ t: "j" });

    // A holder of shard 1 destroys: its shard sends a burn, gold's shard lowers the supply a block later. Its balance
    // record, paid by the creator, is rewritten at the same size: 0 bytes the creator's shard pays as one shard's doPay
    // does (its `ram` record rewritten, a `free` of 0).
    const burnt = run(chain, txBy(on(1), [act("token.iost", "destroy", ["gold", on(1), "2"])]), 1);
    expect(burnt.statusCode).toBe("SUCCESS");
    expect(chain.inFlight()).toMatchObject([
      { kind: "burn", token: "gold", toShard: 3, amount: "2" },
      { kind: "free", account: creator, toShard: shardOf(creator, N), ram: "0" },
    ]);
    expect(supply(chain, "gold")).toBe(110n);
    chain.step({ time: BLOCK_TIME });
    expect([tokenBalance(chain, "gold", on(1)), supply(chain, "gold")]).toEqual([5n, 108n]);
    expect(chain.supplyGaps()).toEqual({});
    // The check is not vacuous: a balance nobody issued is a gap.
    chain.shards[1].store.put(`m-token.iost-TB${on(1)}-gold`, encodeValue(int(6n), ""));
    expect(chain.supplyGaps()).toEqual({ gold: "108 − 109" });
  });

  it("an issue forwarded to the token's shard for an account of a third shard: the half decides the tx there, one claiming more RAM than reserved is refused", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    const tx = txBy(creator, [act("token.iost", "issue", ["gold", on(2), "10"])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // home: forwarded to shard 3 with the creator's free RAM
    chain.step({ time: BLOCK_TIME }); // shard 3: issued; the credit takes what is left of the RAM escrow as its reservation
    const [credit] = chain.inFlight().filter((r) => r.kind === "credit");
    expect(credit).toMatchObject({ fromShard: 3, toShard: 2, payer: { publisher: creator, reserve: {} } });
    expect(credit.payer!.third).toBeUndefined();
    expect(chain.inFlight().filter((r) => r.kind === "settle")).toEqual([]); // shard 3's settle waits for the half
    const reserved = credit.payer!.reserve!.ram;
    chain.step({ time: BLOCK_TIME }); // shard 2: the half ran, its settle goes back to shard 3
    const [half] = chain.inFlight().filter((r) => r.kind === "settle");
    expect(half).toMatchObject({ toShard: 3, message: "", result: { credit: { publisher: creator, reserved } } });
    expect(BigInt(half.result!.ramUsage[creator])).toBeGreaterThan(0n);
    // A half claiming more of the publisher's RAM than shard 3 reserved would give RAM nobody had.
    half.result!.ramUsage[creator] = String(BigInt(reserved) + 1n);
    expect(() => chain.step({ time: BLOCK_TIME })).toThrow(ReceiptRefused);
  });

  it("two issues forwarded to the token's shard for accounts of one third shard: one reservation carries both halves, a forged bundle is refused", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    const tx = txBy(creator, [act("token.iost", "issue", ["gold", on(2), "10"]), act("token.iost", "issue", ["gold", on(2, 1), "3"])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // home: forwarded to shard 3
    chain.step({ time: BLOCK_TIME }); // shard 3: issued; one credit reserves the RAM for both halves
    const credits = chain.inFlight().filter((r) => r.kind === "credit");
    expect(credits).toHaveLength(1);
    const [credit] = credits;
    expect(credit).toMatchObject({ toShard: 2, account: on(2), amount: "10", payer: { reserve: {} }, also: [{ toShard: 2, account: on(2, 1), amount: "3" }] });
    expect(() => checkReceipt(credit, N)).not.toThrow();
    const other = credit.also![0];
    // Only the tx's own credits of its token to its shard, charged to its publisher and deciding nothing, ride in it.
    for (const forged of [
      { ...other, token: "iost" },
      { ...other, toShard: 1 },
      { ...other, txHash: "other" },
      { ...other, payer: { ...other.payer!, publisher: on(2) } },
      { ...other, payer: { ...other.payer!, reserve: { ram: "1", paid: "0" } } },
      { ...other, amount: "-3" },
      { ...other, kind: "settle" as const },
      { ...other, also: [other] },
    ])
      expect(() => checkReceipt({ ...credit, also: [forged] }, N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    const { reserve: _, ...payer } = credit.payer!;
    expect(() => checkReceipt({ ...credit, payer }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...credit, also: [] }, N)).toThrow(ReceiptRefused);
    chain.step({ time: BLOCK_TIME }); // shard 2: both halves ran, one settle back to shard 3 with their RAM
    const [half] = chain.inFlight().filter((r) => r.kind === "settle");
    expect(half).toMatchObject({ toShard: 3, message: "" });
    for (let i = 0; i < 4; i++) chain.step({ time: BLOCK_TIME });
    expect([tokenBalance(chain, "gold", on(2)), tokenBalance(chain, "gold", on(2, 1))]).toEqual([10n, 3n]);
    expect(chain.shards[shardOf(creator, N)].results.get(txId(tx))).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS" } });
  });

  it("issues forwarded to the token's shard for accounts of two other shards: their halves chained, each shard locked until the last decides, a forged chain refused", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    const tx = txBy(creator, [act("token.iost", "issue", ["gold", on(2), "10"]), act("token.iost", "issue", ["gold", on(1), "3"])]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // home: forwarded to shard 3
    const at = chain.height.toString();
    chain.step({ time: BLOCK_TIME }); // shard 3: issued; one credit carries the reservation, the other chained after it
    const [credit, ...others] = chain.inFlight().filter((r) => r.kind === "credit");
    expect(others).toEqual([]);
    // The tx's height rides along: the lock of a shard chaining a half on has its tx's age (locks.ts older).
    expect(credit.payer!.reserve!.at).toBe(at);
    expect(credit).toMatchObject({ fromShard: 3, toShard: 2, amount: "10", payer: { reserve: { next: [{ fromShard: 3, toShard: 1, amount: "3" }] } } });
    expect(() => checkReceipt(credit, N)).not.toThrow();
    const reserve = credit.payer!.reserve!;
    const next = reserve.next![0];
    // Only the tx's own credits charging its publisher, from the shard that sends the chain, deciding nothing on their own.
    for (const forged of [
      { ...next, txHash: "other" },
      { ...next, fromShard: 1 },
      { ...next, token: "iost" },
      { ...next, payer: { ...next.payer!, publisher: on(2) } },
      { ...next, payer: { ...next.payer!, gasRatio: "200" } },
      { ...next, payer: { ...next.payer!, reserve: { ram: "1", paid: "0" } } },
      { ...next, payer: { ...next.payer!, third: true as const } },
      { ...next, probe: true as const, amount: "0" },
      { ...next, amount: "-3" },
      { ...next, kind: "settle" as const },
    ])
      expect(() => checkReceipt({ ...credit, payer: { ...credit.payer!, reserve: { ...reserve, next: [forged] } } }, N), JSON.stringify(forged)).toThrow(
        ReceiptRefused,
      );
    for (const bad of [
      { ...reserve, next: [] },
      { ...reserve, used: "x" },
      { ...reserve, used: "1.5" },
      { ...reserve, at: "-1" },
      { ...reserve, at: "01" },
      { ...reserve, at: 3 as unknown as string },
      // Its age is a height and its tx's pool key, both or neither.
      { ...reserve, ord: undefined },
      { ...reserve, ord: reserve.ord!.replace(/\|[0-9a-f]*$/, "|00") },
      { ...reserve, ord: reserve.ord!.replace(/\|[0-9]{7}\|/, "|0000000|") },
    ])
      expect(() => checkReceipt({ ...credit, payer: { ...credit.payer!, reserve: bad } }, N), JSON.stringify(bad)).toThrow(ReceiptRefused);
    // A height of the receiving block or later would make the hop's lock younger than txs already waiting on it.
    const now = { number: BigInt(at) + 1n, time: BigInt(credit.payer!.time) };
    expect(() => checkReceipt(credit, N, undefined, now)).not.toThrow();
    const late = { ...credit, payer: { ...credit.payer!, reserve: { ...reserve, at: now.number.toString() } } };
    expect(() => checkReceipt(late, N, undefined, now)).toThrow(ReceiptRefused);
    chain.step({ time: BLOCK_TIME }); // shard 2: its half ran and is locked; the next goes on with the bytes it used
    expect(lockEntry(chain.shards[2].store, txId(tx))).toMatchObject({ hop: { sent: "10" }, at, ord: reserve.ord });
    const [onward] = chain.inFlight().filter((r) => r.kind === "credit");
    expect(onward).toMatchObject({ fromShard: 2, toShard: 1, amount: "3", payer: { reserve: { ram: reserve.ram } } });
    expect(onward.payer!.reserve!.next).toBeUndefined();
    expect(BigInt(onward.payer!.reserve!.used!)).toBeGreaterThan(0n);
    expect(tokenBalance(chain, "gold", on(2))).toBe(10n);
    chain.step({ time: BLOCK_TIME }); // shard 1: the last half decides both; its settle goes back to shard 2
    expect(chain.inFlight().filter((r) => r.kind === "settle")).toMatchObject([{ fromShard: 1, toShard: 2, message: "" }]);
    for (let i = 0; i < 4; i++) chain.step({ time: BLOCK_TIME });
    expect([tokenBalance(chain, "gold", on(2)), tokenBalance(chain, "gold", on(1)), supply(chain, "gold")]).toEqual([10n, 3n, 13n]);
    const r = chain.shards[shardOf(creator, N)].results.get(txId(tx))!;
    expect(r).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS" } });
    expect(r.receipt!.ramUsage[creator]).toBe(BigInt(onward.payer!.reserve!.used!) * 2n);
    for (const s of chain.shards) expect(s.store.get(LOCKS), `shard ${s.index} unlocked`).toBeUndefined();
  });

  it("chained halves the publisher's RAM cannot pay: every half undone on its shard, IOST's message counting them all, supply exact", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    // Keep RAM for one new record and not two.
    const free = () => (raw(chain, shardOf(creator, N), `m-token.iost-TB${creator}-ram`) as { v: bigint }).v;
    run(chain, txBy(creator, [act("ram.iost", "sell", [creator, creator, Number(free()) - 60])]));
    const tx = txBy(creator, [act("token.iost", "issue", ["gold", on(2), "10"]), act("token.iost", "issue", ["gold", on(1), "3"])]);
    const r = run(chain, tx, 9);
    expect(r.statusCode).toBe("BALANCE_NOT_ENOUGH");
    expect(r.message).toMatch(new RegExp(`^balance not enough after executing actions: pay ram failed\\. id: ${creator} need \\d+, actual \\d+$`));
    const [, need, actual] = /need (\d+), actual (\d+)$/.exec(r.message)!.map(Number);
    expect([need > 80, actual]).toEqual([true, 60]);
    expect(r.ramUsage).toEqual({});
    expect([tokenBalance(chain, "gold", on(2)), tokenBalance(chain, "gold", on(1)), supply(chain, "gold"), free()]).toEqual([0n, 0n, 0n, 60n]);
    for (const s of chain.shards) expect([s.store.get(LOCKS), s.store.get(DEFERRED)], `shard ${s.index}`).toEqual([undefined, undefined]);
  });

  const MAKER = `class M { init() {} issue(s, n) { blockchain.callWithAuth("token.iost", "issue", [s, tx.publisher, n]); } make(s) { blockchain.callWithAuth("token.iost", "create", [s, blockchain.contractName(), 10, {}]); } }
module.exports = M;`;
  /** The tx deploying MAKER from `by` (on its shard). */
  const deployOf = (by: string) =>
    txBy(by, [
      act("system.iost", "setCode", [
        contractJson(MAKER, [
          { name: "issue", args: ["string", "string"] },
          { name: "make", args: ["string"] },
        ]),
      ]),
    ]);
  /** Deploys MAKER from `by` (on its shard) and returns its id. */
  const maker = (chain: SimChain, by: string) => {
    const deploy = deployOf(by);
    expect(run(chain, deploy, 2).statusCode).toBe("SUCCESS");
    return "Contract" + txId(deploy);
  };
  const home = (chain: SimChain, shard: number, sym: string) => raw(chain, shard, `b-system.iost-token_shard_${sym}`);

  it("a contract of another shard than the symbol's creates the token there: its symbol's shard grants it, every shard learns its home, issues are local", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    const id = maker(chain, creator);
    // gold lives on shard 3 (created there): an issue from a contract of shard 0 fetches its supply from there and
    // writes it back there with the run's release; the caller's balance is written here, where it lives.
    const issued = run(chain, txBy(creator, [act(id, "issue", ["gold", "5"])]));
    expect([issued.statusCode, issued.message]).toEqual(["SUCCESS", ""]);
    expect([supply(chain, "gold"), raw(chain, 0, "m-token.iost-TIgold-supply"), tokenBalance(chain, "gold", creator)]).toEqual([5n, { t: "i", v: 0n }, 5n]);
    for (const s of chain.shards) expect(s.store.get(READING), `shard ${s.index} unlocked`).toBeUndefined();
    // pearl's shard is 3: the contract of shard 0 creates it at home, shard 3 grants it and tells shards 1 and 2.
    expect(run(chain, txBy(creator, [act(id, "make", ["pearl"])]), 5).statusCode).toBe("SUCCESS");
    expect([0, 1, 2, 3].map((s) => home(chain, s, "pearl"))).toEqual([0, 1, 2, 3].map(() => ({ t: "i", v: 0n })));
    expect([0, 1, 2, 3].map((s) => raw(chain, s, "m-token.iost-TIpearl-issuer"))).toEqual([0, 1, 2, 3].map(() => ({ t: "s", v: id })));
    // Issued by the contract to callers of its shard and of the symbol's: the supply grows on its home.
    // The caller of shard 3's issue: its credit's half, charged on shard 3, decides the part first (two blocks more).
    for (const by of [creator, on(3)]) expect(run(chain, txBy(by, [act(id, "issue", ["pearl", "4"])]), 6).statusCode).toBe("SUCCESS");
    expect([raw(chain, 0, "m-token.iost-TIpearl-supply"), raw(chain, 3, "m-token.iost-TIpearl-supply")]).toEqual([
      { t: "i", v: 8_0000_0000n },
      { t: "i", v: 0n },
    ]);
    // Destroyed on the symbol's shard: the burn goes to the home.
    expect(run(chain, txBy(on(3), [act("token.iost", "destroy", ["pearl", on(3), "1"])])).statusCode).toBe("SUCCESS");
    expect(raw(chain, 0, "m-token.iost-TIpearl-supply")).toEqual({ t: "i", v: 7_0000_0000n });
    expect([tokenBalance(chain, "pearl", creator), tokenBalance(chain, "pearl", on(3))]).toEqual([4_0000_0000n, 3_0000_0000n]);
    expect(chain.supplyGaps()).toEqual({});
  });

  it("a claim carrying a forged age for its symbol: the symbol's shard keeps and announces its tx's age, as the contract's shard stamped it", () => {
    const chain = new SimChain(config(), N);
    const id = maker(chain, creator);
    chain.submit(txBy(creator, [act(id, "make", ["pearl"])]));
    chain.step({ time: BLOCK_TIME });
    const key = "m-token.iost-TIpearl-issuer";
    const claim = chain.inFlight().find((r) => r.forward?.claims?.length)!.forward!.claims![0];
    claim.def[key] = withAge(withoutAge(claim.def[key]), ["1", "0|00000000|0000000|00000000000000000000|00"]);
    for (let i = 0; i < 5; i++) chain.step({ time: BLOCK_TIME });
    const made = ageIn(chain.shards[0].store.get(key));
    expect(made?.[0]).not.toBe("1");
    expect([1, 2, 3].map((s) => ageIn(chain.shards[s].store.get(key)))).toEqual([made, made, made]);
  });

  it("two contracts of two shards and the symbol's shard creating one symbol in one block: the oldest in pool order wins, the others fail at their call site as on one chain", () => {
    // pearl's shard is 3; the makers live on shards 0 and 1, and shard 3 creates it itself in the same block.
    const deploys = [deployOf(creator), deployOf(on(1))];
    const [a, b] = deploys.map((d) => "Contract" + txId(d));
    const txs = [txBy(creator, [act(a, "make", ["pearl"])]), txBy(on(1), [act(b, "make", ["pearl"])]), create(on(3), "pearl")];
    const [one, four] = raceBoth(deploys, txs, txs.slice(0, 2));
    // The create at the symbol's shard, a plain token.iost tx, is the oldest in pool order: it stands. On four shards
    // both makers created pearl where they run and claimed it; its shard refused both claims, and both txs ran again.
    expect(one.receipts.map((r) => [r?.statusCode, r?.message.replace(/^running action .* error: /s, "")])).toEqual([
      ["RUNTIME_ERROR", "token exists"],
      ["RUNTIME_ERROR", "token exists"],
      ["SUCCESS", ""],
    ]);
    expect([0, 1, 2, 3].map((s) => raw(four.chain, s, "m-token.iost-TIpearl-issuer"))).toEqual([0, 1, 2, 3].map(() => ({ t: "s", v: on(3) })));
    expect([0, 1, 2, 3].map((s) => home(four.chain, s, "pearl"))).toEqual([undefined, undefined, undefined, undefined]);
    // Without the symbol's own create, the older claim in pool order wins (the older time), though it comes from the
    // higher shard: the symbol's shard grants the younger only after the older tx is decided, and refuses it then.
    const next = [txBy(on(1), [act(b, "make", ["ruby"])]), txBy(creator, [act(a, "make", ["ruby"])])];
    expect(tokenShard("ruby", N)).toBe(2);
    const [one2, four2] = raceBoth(deploys, next, [next[1]]);
    expect(one2.receipts.map((r) => [r?.statusCode, r?.message.replace(/^running action .* error: /s, "")])).toEqual([
      ["SUCCESS", ""],
      ["RUNTIME_ERROR", "token exists"],
    ]);
    expect([0, 1, 2, 3].map((s) => home(four2.chain, s, "ruby"))).toEqual([0, 1, 2, 3].map(() => ({ t: "i", v: 1n })));
  });

  it("two shards creating one symbol in the same block: exactly one wins, the older in pool order, the other fails as IOST does; one shard, same result", () => {
    const [first, second] = [on(1), on(2)];
    const outcome = (count: number) => {
      const chain = new SimChain(config(), count);
      const a = create(first, "gold");
      const b = create(second, "gold");
      chain.submit(a);
      chain.submit(b);
      for (let i = 0; i < 5; i++) chain.step({ time: BLOCK_TIME });
      const home = (t: Tx) => chain.shards[shardOf(t.publisher, count)].results.get(txId(t))!.receipt!;
      const issuer = raw(chain, tokenShard("gold", count)!, "m-token.iost-TIgold-issuer");
      return { a: [home(a).statusCode, home(a).message], b: [home(b).statusCode, home(b).message], issuer };
    };
    const four = outcome(N);
    expect(four.a).toEqual(["SUCCESS", ""]);
    expect(four.b[0]).toBe("RUNTIME_ERROR");
    expect(four.b[1]).toContain("error: token exists");
    expect(four.issuer).toEqual({ t: "s", v: first });
    expect(outcome(1)).toEqual(four);
  });

  it("a create forwarded to the symbol's shard and one at home there, in one block: the older in pool order wins, on one shard as on four, both ways", () => {
    // gold's shard is 3: one create is published on shard 1 (forwarded there), the other on shard 3 (at home).
    const [away, at] = [on(1), on(3)];
    const outcome = (count: number, homeFirst: boolean) => {
      const chain = new SimChain(config(), count);
      // Equal data lengths: the older time is the older in pool order.
      const [older, younger] = homeFirst ? [create(at, "gold"), create(away, "gold")] : [create(away, "gold"), create(at, "gold")];
      chain.submit(younger);
      chain.submit(older);
      for (let i = 0; i < 5; i++) chain.step({ time: BLOCK_TIME });
      const seen = (t: Tx) => {
        const r = chain.shards[shardOf(t.publisher, count)].results.get(txId(t))!;
        expect(r.pending).toBe(0);
        const { statusCode, message, gasUsage, ramUsage, returns } = r.receipt!;
        return { statusCode, message, gasUsage, ramUsage, returns };
      };
      const issuer = raw(chain, tokenShard("gold", count)!, "m-token.iost-TIgold-issuer");
      return { older: seen(older), younger: seen(younger), issuer, gaps: chain.supplyGaps() };
    };
    for (const homeFirst of [false, true]) {
      const one = outcome(1, homeFirst);
      expect([one.older.statusCode, one.younger.statusCode, one.younger.message]).toEqual([
        "SUCCESS",
        "RUNTIME_ERROR",
        expect.stringContaining("error: token exists"),
      ]);
      expect(one.issuer).toEqual({ t: "s", v: homeFirst ? at : away });
      expect(outcome(N, homeFirst), homeFirst ? "the home's create older" : "the forwarded create older").toEqual(one);
    }
  });

  it("a symbol a create of its block makes, used by other txs of the block from other shards (one two hops away): it exists for the later in pool order only, on one shard as on four", () => {
    // gold's shard is 3, its creator's too; the users issue it (forwarded there) and move it (at home, shard 0).
    const at = on(3);
    const outcome = (count: number, createFirst: boolean) => {
      const chain = new SimChain(config(), count);
      const by = (user: string, gasRatio: bigint, a: ReturnType<typeof act>[]) =>
        makeTx(a, {
          publisher: user,
          key: fakeKey(USERS.indexOf(user)),
          time: T0 + BigInt(nonce++),
          gasLimit: 4_000_000n,
          gasRatio,
          amountLimit: [{ token: "*", value: "unlimited" }],
        });
      const issue = act("token.iost", "issue", ["gold", on(1), "1"]);
      const move = act("token.iost", "transfer", ["gold", on(0), on(2), "1", ""]);
      // Two actions each, and a higher gas ratio: after a plain create in pool order, before one with a second action.
      // The third issues tin first (its symbol's shard is 2, then gold's): its part reaches gold's shard two hops away.
      const far = [act("token.iost", "issue", ["tin", on(0, 1), "1"]), act("token.iost", "issue", ["gold", on(0, 1), "1"])];
      const users = [by(on(1), 200n, [issue, issue]), by(on(0), 200n, [move, move]), by(on(0, 1), 200n, far)];
      const made = createFirst
        ? create(at, "gold")
        : by(at, 100n, [create(at, "gold").actions[0], act("token.iost", "transfer", ["iost", at, on(2), "1", ""])]);
      expect(tokenShard("tin", N)).toBe(2);
      run(chain, create(on(0, 1), "tin"), CREATED);
      for (const t of [...users, made]) chain.submit(t);
      for (let i = 0; i < 8; i++) chain.step({ time: BLOCK_TIME });
      const seen = (t: Tx) => {
        const r = chain.shards[shardOf(t.publisher, count)].results.get(txId(t))!;
        expect(r.pending).toBe(0);
        const { statusCode, message, gasUsage, ramUsage } = r.receipt!;
        return { statusCode, message, gasUsage, ramUsage };
      };
      return [made, ...users].map(seen);
    };
    for (const createFirst of [true, false]) {
      const one = outcome(1, createFirst);
      expect(one.map((r) => r.message.replace(/^.*error: /s, ""))).toEqual(
        createFirst
          ? ["", "transaction has no permission", expect.stringContaining("balance not enough"), "transaction has no permission"]
          : ["", "token not exists", "token not exists", "token not exists"],
      );
      expect(outcome(N, createFirst), createFirst ? "the create older" : "the users older").toEqual(one);
    }
  });

  it("a symbol created and issued in one block, used from other shards one, two and three blocks later, before its announce lands: on one shard as on four", () => {
    // gold's shard is 3, its creator's too; the users live on shards 0, 1 and 2.
    const at = on(3);
    const outcome = (count: number, later: number) => {
      const chain = new SimChain(config(), count);
      const made = txBy(at, [create(at, "gold").actions[0], act("token.iost", "issue", ["gold", on(1), "5"])]);
      // A holder of another shard moves it; one with none, and one who may not issue it, fail as on one chain; its
      // creator issues it again at home.
      const users = [
        txBy(on(1), [act("token.iost", "transfer", ["gold", on(1), on(2), "2", ""])]),
        txBy(on(0, 1), [act("token.iost", "transfer", ["gold", on(0, 1), on(2), "1", ""])]),
        txBy(on(2), [act("token.iost", "issue", ["gold", on(2), "1"])]),
        txBy(at, [act("token.iost", "issue", ["gold", on(0), "3"])]),
      ];
      chain.submit(made);
      for (let i = 0; i < later; i++) chain.step({ time: BLOCK_TIME });
      for (const t of users) chain.submit(t);
      const result = (t: Tx) => chain.shards[shardOf(t.publisher, count)].results.get(txId(t));
      for (let i = 0; i < 20 && ![made, ...users].every((t) => result(t)?.pending === 0); i++) chain.step({ time: BLOCK_TIME });
      const seen = (t: Tx) => {
        const { statusCode, message, gasUsage, ramUsage } = result(t)!.receipt!;
        return { statusCode, message, gasUsage, ramUsage };
      };
      const held = [on(0), on(1), on(2)].map((u) => tokenBalance(chain, "gold", u));
      return { receipts: [made, ...users].map(seen), held, supply: supply(chain, "gold") };
    };
    for (const later of [1, 2, 3]) {
      const one = outcome(1, later);
      expect(one.receipts.map((r) => r.message.replace(/^.*error: /s, ""))).toEqual([
        "",
        "",
        expect.stringContaining("balance not enough"),
        "transaction has no permission",
        "",
      ]);
      expect([one.held, one.supply]).toEqual([[3n, 3n, 2n], 8n]);
      expect(outcome(N, later), `${later} blocks later`).toEqual(one);
    }
  });

  it("a create of an existing symbol from any shard fails with IOST's error, the definition unchanged", () => {
    const chain = new SimChain(config(), N);
    run(chain, create(creator, "gold"), CREATED);
    for (const s of [1, 3]) {
      const r = run(chain, create(on(s), "gold"));
      expect([r.statusCode, r.message]).toEqual([
        "RUNTIME_ERROR",
        `running action Action{Contract: token.iost, ActionName: create, Data: ["gold","${on(s)}",1000,{"decimal":0}]}\n error: token exists`,
      ]);
    }
    expect(raw(chain, 3, "m-token.iost-TIgold-issuer")).toEqual({ t: "s", v: creator });
  });
});

describe("a token721.iost collection a contract creates off its symbol's shard (simulator)", () => {
  const COLLECT = `class Collect {
  init() {}
  make(sym) { blockchain.callWithAuth("token721.iost", "create", [sym, blockchain.contractName(), 3]); return "made"; }
  give(sym) { return blockchain.callWithAuth("token721.iost", "issue", [sym, tx.publisher, "{}"]); }
}
module.exports = Collect;`;
  const collectorOf = (by: string) =>
    txBy(by, [
      act("system.iost", "setCode", [
        contractJson(COLLECT, [
          { name: "make", args: ["string"] },
          { name: "give", args: ["string"] },
        ]),
      ]),
    ]);
  const issuer = (chain: SimChain, s: number, sym: string) => raw(chain, s, `m-token721.iost-T721I${sym}-T721issuer`);
  const nftHomeOf = (chain: SimChain, s: number, sym: string) => raw(chain, s, `b-system.iost-token721_shard_${sym}`);

  it("two contracts of two shards creating one symbol in one block: the older claim in pool order wins, the other tx fails at its call site as on one chain", () => {
    // kart's shard is 2; the contracts live on shards 0 and 1.
    expect(shardOf("kart", N)).toBe(2);
    const deploys = [collectorOf(on(0)), collectorOf(on(1))];
    const [a, b] = deploys.map((d) => "Contract" + txId(d));
    const txs = [txBy(on(0), [act(a, "make", ["kart"])]), txBy(on(1), [act(b, "make", ["kart"])])];
    // On four shards the loser created kart on shard 1 and claimed it; shard 2 refused the claim and the tx ran again.
    const [one, four] = raceBoth(deploys, txs, [txs[1]]);
    expect(one.receipts.map((r) => [r?.statusCode, r?.message.replace(/^running action .* error: /s, "")])).toEqual([
      ["SUCCESS", ""],
      ["RUNTIME_ERROR", "token exists"],
    ]);
    const chain = four.chain;
    // The winner's issuer copied to every shard, its home (shard 0) recorded everywhere; nothing of the loser's left.
    expect([0, 1, 2, 3].map((s) => issuer(chain, s, "kart"))).toEqual([0, 1, 2, 3].map(() => ({ t: "s", v: a })));
    expect([0, 1, 2, 3].map((s) => nftHomeOf(chain, s, "kart"))).toEqual([0, 1, 2, 3].map(() => ({ t: "i", v: 0n })));
    expect(raw(chain, 1, "m-token721.iost-T721Ikart-supply")).toBeUndefined();
    expect(raw(chain, 0, "m-token721.iost-T721Ikart-supply")).toEqual({ t: "i", v: 0n });
    // Issued on its home to a caller of the loser's shard; a create of it anywhere fails where it is called.
    expect(run(chain, txBy(on(1), [act(a, "give", ["kart"])])).statusCode).toBe("SUCCESS");
    expect(raw(chain, 0, "m-token721.iost-T721Ikart-0")).toEqual({ t: "s", v: on(1) });
    const again = run(chain, txBy(on(1), [act(b, "make", ["kart"])]));
    expect([again.statusCode, again.message]).toEqual(["RUNTIME_ERROR", expect.stringMatching(/^running action .* error: token exists$/s)]);
    // The other way round: the claim of shard 1 is the older in pool order (the older time), and wins.
    expect(shardOf("ruby", N)).toBe(2);
    const next = [txBy(on(1), [act(b, "make", ["ruby"])]), txBy(on(0), [act(a, "make", ["ruby"])])];
    const [one2, four2] = raceBoth(deploys, next, [next[1]]);
    expect(one2.receipts.map((r) => r?.statusCode)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect([0, 1, 2, 3].map((s) => issuer(four2.chain, s, "ruby"))).toEqual([0, 1, 2, 3].map(() => ({ t: "s", v: b })));
  });

  it("a top-level create on its symbol's shard copies the issuer to every shard, no home recorded", () => {
    const chain = new SimChain(config(), N);
    expect(run(chain, txBy(on(0), [act("token721.iost", "create", ["kart", on(0), 2])]), CREATED).statusCode).toBe("SUCCESS");
    expect([0, 1, 2, 3].map((s) => issuer(chain, s, "kart"))).toEqual([0, 1, 2, 3].map(() => ({ t: "s", v: on(0) })));
    expect([0, 1, 2, 3].map((s) => nftHomeOf(chain, s, "kart"))).toEqual([undefined, undefined, undefined, undefined]);
    // Only the home keeps the rest.
    expect([0, 1, 2, 3].map((s) => raw(chain, s, "m-token721.iost-T721Ikart-totalSupply") !== undefined)).toEqual([false, false, true, false]);
  });
});

describe("receipts of a token's supply and definition", () => {
  const base = { id: "x:0", txHash: "x", account: "token.iost", counterpart: "user00", amount: "1", message: "" };
  it("refuses a burn to another shard than the token's and a definition from another shard than the token's", () => {
    const burn: CrossReceipt = { ...base, kind: "burn", fromShard: 1, toShard: 0, token: "gold" };
    expect(() => checkReceipt(burn, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...burn, toShard: 3 }, N)).not.toThrow();
    const def = { "m-token.iost-TIgold-issuer": encodeValue({ t: "s", v: "user00" }, "user00") };
    const token: CrossReceipt = { ...base, amount: "0", kind: "token", fromShard: 1, toShard: 0, token: "gold", def };
    expect(() => checkReceipt(token, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...token, fromShard: 3 }, N)).not.toThrow();
    // Only the token's own records.
    expect(() => checkReceipt({ ...token, fromShard: 3, def: { "m-token.iost-TIiost-supply": "i0@" } }, N)).toThrow(ReceiptRefused);
  });

  it("refuses announces riding in chained halves that are not the tx's to a shard of the chain, and a probe's unpaid bytes anywhere but a settle", () => {
    // gold's shard is 3: a tx there creates it and issues it to accounts of shards 0 and 2, the halves chained.
    const def = { "m-token.iost-TIgold-issuer": encodeValue({ t: "s", v: "user00" }, "user00") };
    const announce = (to: number): CrossReceipt => ({ ...base, amount: "0", kind: "token", fromShard: 3, toShard: to, token: "gold", def });
    const payer = { publisher: "user00", gasRatio: "100", time: "0", op: "issue" as const };
    const next: CrossReceipt = {
      ...base,
      id: "x:1",
      kind: "credit",
      fromShard: 3,
      toShard: 2,
      token: "gold",
      account: "user05",
      counterpart: "token.iost",
      payer,
    };
    const credit = (announces: CrossReceipt[]): CrossReceipt => ({
      ...next,
      id: "x:0",
      toShard: 0,
      account: "user02",
      payer: { ...payer, reserve: { ram: "100", paid: "0", next: [next], announces } },
    });
    expect(() => checkReceipt(credit([announce(0), announce(2)]), N)).not.toThrow();
    for (const forged of [
      announce(1), // a shard the chain does not go to
      { ...announce(0), txHash: "other" },
      { ...announce(0), fromShard: 1 }, // not from the symbol's shard
      { ...announce(0), kind: "burn" as const },
      { ...announce(0), kind: "register" as const, account: "user02" }, // permissions of an account of another shard
    ])
      expect(() => checkReceipt(credit([forged]), N), JSON.stringify(forged)).toThrow(ReceiptRefused);
    expect(() => checkReceipt(credit([]), N)).toThrow(ReceiptRefused);
    // A probe's half reports the publisher's bytes it would have charged, in its settle only.
    const result = { gasReserved: 0, gasUsed: 10, gasRatio: "100", returns: [], receipts: [], ramUsage: {} };
    const settle: CrossReceipt = { ...base, kind: "settle", id: "x:0:settle", fromShard: 0, toShard: 3, token: "gold", amount: "0" };
    const unpaid = (v: unknown, r = settle) => ({ ...r, result: { ...result, credit: { publisher: "user00", unpaid: v as string } } });
    expect(() => checkReceipt(unpaid("43"), N)).not.toThrow();
    expect(() => checkReceipt(unpaid("-43"), N)).not.toThrow();
    for (const v of ["0", "4.3", "x", 43, "1".repeat(20)]) expect(() => checkReceipt(unpaid(v), N), JSON.stringify(v)).toThrow(ReceiptRefused);
    expect(() => checkReceipt(unpaid("43", next), N)).toThrow(ReceiptRefused);
  });

  it("refuses a token's home naming its symbol's shard, the target or no shard, a burn to a shard that is not the home, and a forged claim", () => {
    const def = { "m-token.iost-TIgold-issuer": encodeValue({ t: "s", v: "user00" }, "user00") };
    const token: CrossReceipt = { ...base, amount: "0", kind: "token", fromShard: 3, toShard: 1, token: "gold", def };
    expect(() => checkReceipt({ ...token, home: 2 }, N)).not.toThrow();
    for (const home of [3, 1, 4, -1, 0.5, "2"]) expect(() => checkReceipt({ ...token, home: home as number }, N)).toThrow(ReceiptRefused);
    // A burn goes where the receiving shard knows the token lives.
    const burn: CrossReceipt = { ...base, kind: "burn", fromShard: 1, toShard: 0, token: "gold" };
    expect(() => checkReceipt(burn, N, () => 0)).not.toThrow();
    expect(() => checkReceipt({ ...burn, toShard: 3 }, N, () => 0)).toThrow(ReceiptRefused);
    // A claim names a shard the tx ran on (not the symbol's) as the home, and only the token's records.
    const forward = bareForward("user00", [], "x");
    const action = (claims: unknown, path?: number[]): CrossReceipt => ({
      ...base,
      amount: "0",
      kind: "action",
      fromShard: 1,
      toShard: 3,
      token: "iost",
      forward: { ...forward, ...(path ? { path } : {}), claims: claims as [] },
    });
    expect(() => checkReceipt(action([{ token: "gold", home: 1, def }]), N)).not.toThrow();
    expect(() => checkReceipt(action([{ token: "gold", home: 0, def }], [0]), N)).not.toThrow();
    for (const claims of [
      [{ token: "gold", home: 0, def }],
      [{ token: "gold", home: 3, def }],
      [{ token: "gold", home: 1, def: { "m-token.iost-TIiost-supply": "i0@" } }],
      [{ token: "Gold", home: 1, def: {} }],
      [{ token: 7, home: 1, def: {} }],
      [null],
    ])
      expect(() => checkReceipt(action(claims), N), JSON.stringify(claims)).toThrow(ReceiptRefused);
  });

  it("refuses a token721.iost announce or claim from or for the wrong shard, or carrying other records", () => {
    // kart's shard is 2.
    const def = { "m-token721.iost-T721Ikart-T721issuer": encodeValue({ t: "s", v: "user00" }, "user00") };
    const token: CrossReceipt = { ...base, account: "token721.iost", amount: "0", kind: "token", fromShard: 2, toShard: 1, token: "kart", def };
    expect(() => checkReceipt(token, N)).not.toThrow();
    expect(() => checkReceipt({ ...token, home: 3 }, N)).not.toThrow();
    for (const bad of [
      { fromShard: 3 },
      { home: 2 },
      { home: 1 },
      { account: "token.iost" },
      { account: "Contractx" },
      { def: { ...def, "m-token721.iost-T721Ikart-supply": "i0@" } },
      { def: { "m-token721.iost-T721Ikart-0": def["m-token721.iost-T721Ikart-T721issuer"] } },
      { def: { "m-token721.iost-T721Ikart-T721issuer": encodeValue(int(1n), "user00") } },
      { def: { "m-token721.iost-T721Ikart-T721issuer": "garbage" } },
      { def: undefined },
    ])
      expect(() => checkReceipt({ ...token, ...bad } as CrossReceipt, N), JSON.stringify(bad)).toThrow(ReceiptRefused);
    const forward = bareForward("user00", [], "x");
    const action = (claims: unknown): CrossReceipt => ({
      ...base,
      amount: "0",
      kind: "action",
      fromShard: 1,
      toShard: 2,
      token: "iost",
      forward: { ...forward, claims: claims as [] },
    });
    expect(() => checkReceipt(action([{ token: "kart", home: 1, def, nft: true }]), N)).not.toThrow();
    for (const claims of [
      [{ token: "kart", home: 2, def, nft: true }],
      [{ token: "kart", home: 3, def, nft: true }],
      [{ token: "kart", home: 1, def, nft: "yes" }],
      [{ token: "kart", home: 1, def: { "m-token.iost-TIkart-issuer": def["m-token721.iost-T721Ikart-T721issuer"] }, nft: true }],
      // A token.iost claim carrying token721.iost's record.
      [{ token: "kart", home: 1, def }],
    ])
      expect(() => checkReceipt(action(claims), N), JSON.stringify(claims)).toThrow(ReceiptRefused);
  });

  it("a credit of a symbol its target does not know waits PART_WAIT blocks for its announce, then is refunded, never merged", () => {
    const chain = new SimChain(config(), N);
    chain.step({ time: BLOCK_TIME });
    chain.shards[0].outgoing.get(chain.height)!.push({ ...base, kind: "credit", fromShard: 0, toShard: 1, token: "fake", account: on(1) });
    const at = chain.height + 1;
    for (let i = 0; i < PART_WAIT; i++) {
      chain.step({ time: BLOCK_TIME });
      expect(chain.inFlight(), `waiting, block ${i + 1}`).toEqual([]);
      expect(JSON.parse(chain.shards[1].store.get(DEFERRED)!)).toMatchObject([{ token: "fake", since: at }]);
    }
    chain.step({ time: BLOCK_TIME });
    expect(tokenBalance(chain, "fake", on(1))).toBe(0n);
    expect(chain.shards[1].store.get(DEFERRED)).toBeUndefined();
    expect(chain.inFlight()).toMatchObject([{ kind: "settle", token: "fake", amount: "1", message: "token not exists" }]);
  });

  it("a probe of a symbol its target does not know counts its half's gas and lands nothing; one charged at its publisher's home answers no settle", () => {
    const chain = new SimChain(config(), N);
    chain.step({ time: BLOCK_TIME });
    const payer = { publisher: on(1), gasRatio: "100", time: String(BLOCK_TIME), op: "issue" as const };
    const probe = { ...base, kind: "credit" as const, amount: "0", probe: true as const, token: "fake", account: on(1) };
    const keys = () => chain.shards.flatMap((s) => [...s.store.keys()].filter((k) => k.includes("fake")));
    // Sent by a tx at home to another shard: its settle brings the half's gas back, no refund.
    chain.shards[1].outgoing.get(chain.height)!.push({ ...probe, fromShard: 1, toShard: 2, account: on(2), payer });
    chain.step({ time: BLOCK_TIME });
    const [settle] = chain.inFlight();
    expect(settle).toMatchObject({ kind: "settle", amount: "0", message: "", result: { credit: { publisher: on(1) }, ramUsage: {} } });
    expect(settle.result!.gasUsed).toBeGreaterThan(0);
    expect(keys()).toEqual([]);
    // Sent by a part to its publisher's home (here from the home itself, as a last part back home sends it): charged
    // there, no settle to answer, nothing of the token written.
    chain.step({ time: BLOCK_TIME });
    chain.shards[1].outgoing.get(chain.height)!.push({ ...probe, id: "x:1", fromShard: 1, toShard: 1, payer: { ...payer, atHome: true } });
    chain.step({ time: BLOCK_TIME });
    expect(chain.inFlight()).toEqual([]);
    expect(keys()).toEqual([]);
  });
});

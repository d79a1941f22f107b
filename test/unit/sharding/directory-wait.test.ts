/**
 * The directory's wait (docs/SHARDING.md "Contracts", src/executor/reads.ts waitsForDirectory) on the
 * in-memory chain: a transfer whose receiver no shard's directory knows yet parks, uncharged, and runs
 * once more after every shard's chunk of its block was applied; a stranger's flood of transfers to
 * names nobody created costs one re-run each, every waiter in a row of its own that goes with its re-run,
 * every receipt one shard's. A name a tx may still create when its block ends (a forwarded signUp
 * or setCode, registers held until the settle: src/sharding/pending.ts) keeps its waiters waiting until its
 * register or cancel lands, so they run as on one chain (a creating tx behind its publisher's tx in flight is taken
 * into its block for it: executor/reads.ts parkBehind); strangers' notes and cancels are refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { totalGasAt } from "../../../src/contracts/gas";
import { devGenesis } from "../../../src/genesis/index";
import { dryRun } from "../../../src/executor/index";
import { ShardState } from "../../../src/executor/guard";
import { LOCKS } from "../../../src/executor/locks";
import { PoolOrder } from "../../../src/executor/reads";
import { shardOf } from "../../../src/sharding/placement";
import { parkedKey, READS, readParked, readReceipt } from "../../../src/sharding/reads";
import { State } from "../../../src/state/state";
import { ContractDB, encodeValue, str, withAge } from "../../../src/state/storage";
import { txHash, txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import type { Action } from "../../../src/tx/types";
import { applyIncoming } from "../../../src/executor/incoming";
import { answerOf, askOf } from "../../../src/sharding/asks";
import { applyPending, dropNote, isPending, pendingKey, pendingOf } from "../../../src/sharding/pending";
import { type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { MemoryStore } from "../../../src/state/memory-store";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { bareOrd } from "./workload";
import { SimChain, simGenesis } from "./sim";

const N = 4;
const USERS = Array.from({ length: 160 }, (_, i) => `flood${String(i).padStart(3, "0")}`);
/** A stranger's flood: this many txs of one block wait on one shard (more than the 8 a bound once let wait). */
const FLOOD = 30;
/** The stranger's accounts, all on shard 1. */
const SENDERS = USERS.filter((u) => shardOf(u, N) === 1).slice(0, FLOOD);
const T0 = devGenesis().time + 10n * 1_000_000_000n;
const TIME = T0 + 100n * 1_000_000_000n;

let nonce = 0;
const transfer = (from: string, to: string): Tx =>
  makeTx([act("token.iost", "transfer", ["iost", from, to, "1", ""])], {
    publisher: from,
    key: fakeKey(USERS.indexOf(from)),
    time: T0 + BigInt(nonce++),
    gasLimit: 1_000_000n,
    amountLimit: [{ token: "iost", value: "10" }],
  });
/**
 * A payment of `amount` twice to `to` in one tx of two actions: no plain transfer, so it runs after the txs made before
 * it in its block (src/pool poolOrder: plain transfers first, then by time), as one chain runs it after their creations.
 */
const paying = (from: string, to: string, amount = "1"): Tx =>
  makeTx(
    [0, 1].map(() => act("token.iost", "transfer", ["iost", from, to, amount, ""])),
    {
      publisher: from,
      key: fakeKey(USERS.indexOf(from)),
      time: T0 + BigInt(nonce++),
      gasLimit: 1_000_000n,
      amountLimit: [{ token: "iost", value: "10" }],
    },
  );
const gasOf = (chain: SimChain, user: string) =>
  totalGasAt(new ContractDB(new State(chain.shards[shardOf(user, chain.shards.length)].store)), user, TIME).value;
const result = (chain: SimChain, tx: Tx) => chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx));
const parkedOn = (chain: SimChain, s: number) => readParked(chain.shards[s].store);
/** The rows of parts parked on shard `s`: their list and one row each. */
const parkRows = (chain: SimChain, s: number) => chain.shards[s].store.keys().filter((k) => k === READS || k.startsWith(parkedKey("")));

beforeAll(vmReady);

describe("a receiver no directory knows yet (simulator)", () => {
  it("a flood of transfers to names nobody created: each waits in a row of its own for the directory and a round of asks, then fails and pays as on one shard, no row left", () => {
    expect(SENDERS).toHaveLength(FLOOD);
    // Names of every shard, the senders' own included.
    const txs = SENDERS.map((from, i) => transfer(from, `nobody${i}`));
    const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
    const g0 = SENDERS.map((u) => gasOf(four, u));
    for (const chain of [one, four]) for (const tx of txs) chain.submit(tx);
    four.step({ time: TIME });
    const waiting = parkedOn(four, 1);
    expect(waiting.map((p) => [p.txHash, p.until, p.round])).toEqual(txs.map((tx) => [txId(tx), 2, 1]));
    expect(waiting.every((p) => Object.keys(p.asked).length === 0)).toBe(true);
    // Each in its own row, listed in the order they parked: the list holds their ids, not their txs.
    expect(JSON.parse(four.shards[1].store.get(READS)!)).toEqual(txs.map(txId));
    expect(parkRows(four, 1)).toHaveLength(FLOOD + 1);
    // Parked: uncharged, in flight, each publisher's gas locked.
    for (const [i, tx] of txs.entries()) {
      expect(result(four, tx)!.pending).toBe(1);
      expect(gasOf(four, tx.publisher)).toBe(g0[i]);
    }
    expect(Object.keys(JSON.parse(four.shards[1].store.get(LOCKS)!))).toHaveLength(FLOOD);
    // The re-run (shard 1 losing its first build of it) finds each name nowhere, with no note: each asks the three
    // other shards whether an older tx running a contract's code is undecided there (sharding/asks.ts).
    four.step({ time: TIME, crash: 1 });
    expect(parkedOn(four, 1).map((p) => [p.txHash, p.until, p.ask])).toEqual(
      txs.map((tx, i) => [txId(tx), 3, { round: 1, left: [0, 2, 3], busy: [], names: [`nobody${i}`] }]),
    );
    expect(four.inFlight().filter((r) => r.kind === "ask")).toHaveLength(3 * FLOOD);
    four.step({ time: TIME });
    expect(four.inFlight().map((r) => [r.kind, r.toShard, r.undecided])).toEqual(Array(3 * FLOOD).fill(["ask", 1, false]));
    // Every answer in, none holding it: the re-run fails with one shard's error, charged once, nothing left waiting.
    four.step({ time: TIME });
    one.step({ time: TIME });
    expect(parkRows(four, 1)).toEqual([]);
    expect(four.shards[1].store.get(LOCKS)).toBeUndefined();
    for (const [i, tx] of txs.entries()) {
      const [a, b] = [one, four].map((chain) => result(chain, tx)!);
      expect(b.pending).toBe(0);
      expect(b.receipt!.statusCode).toBe("RUNTIME_ERROR");
      expect(b.receipt!.message).toMatch(new RegExp(`error: invalid account nobody${i}$`));
      expect(b.receipt).toEqual(a.receipt);
      expect(g0[i] - gasOf(four, tx.publisher)).toBe(b.receipt!.gasUsage);
    }
    expect(four.quiet()).toBe(true);
  });

  it("a stranger's values for a waiter, which asked no shard, are refused, its rows unchanged; it runs again and fails as on one shard", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const tx = transfer(SENDERS[0], "nobody0");
    chain.submit(tx);
    chain.step({ time: TIME });
    const hash = txId(tx);
    const rows = () => parkRows(chain, 1).map((k) => [k, chain.shards[1].store.get(k)]);
    const before = rows();
    expect(before.map(([k]) => k)).toEqual([READS, parkedKey(hash)]);
    const forged = { ...readReceipt("values", `${hash}:forged`, hash, hash, 2, 1), values: [["m-token.iost-TBnobody0-iost", null]] as [string, null][] };
    const at = { chainId: 1020, number: BigInt(chain.height + 1), time: TIME, parentHash: "", witness: "", shard: { index: 1, count: N } };
    const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
    expect(() => applyIncoming(state, 1, at, [forged], () => false)).toThrow(
      new ReceiptRefused(`receipt ${hash}:forged refused: values of ${hash} that no part parked here asked shard 2 for`),
    );
    state.discard();
    expect(rows()).toEqual(before);
    // Its re-run asks the other shards; once they answered, it fails.
    for (let i = 0; i < 3; i++) chain.step({ time: TIME });
    const r = result(chain, tx)!;
    expect([r.pending, r.receipt!.message.endsWith("error: invalid account nobody0")]).toEqual([0, true]);
    expect(parkRows(chain, 1)).toEqual([]);
  });

  it("a publisher's second transfer waits in the pool for its first's re-run (its gas locked), then runs as on one shard", () => {
    const [from] = SENDERS;
    const [first, second] = [transfer(from, "nobody0"), transfer(from, SENDERS[1])];
    const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
    for (const chain of [one, four]) {
      chain.submit(first);
      chain.submit(second);
    }
    four.step({ time: TIME });
    expect(parkedOn(four, 1).map((p) => p.txHash)).toEqual([txId(first)]);
    expect(result(four, second)).toBeUndefined();
    // The re-run asks the other shards (sharding/asks.ts), and runs again when they answered.
    for (let i = 0; i < 3; i++) four.step({ time: TIME });
    one.step({ time: TIME });
    for (const tx of [first, second]) expect(result(four, tx)!.receipt).toEqual(result(one, tx)!.receipt);
    expect(result(four, second)!.receipt!.statusCode).toBe("SUCCESS");
  });

  it("a Contract id no shard deployed waits once, then fails with IOST's `invalid account` (one shard keeps its tokens: by choice, docs/SHARDING.md)", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const id = "Contract" + "2".repeat(44);
    const tx = transfer(SENDERS[0], id);
    chain.submit(tx);
    chain.step({ time: TIME });
    expect(result(chain, tx)!.pending).toBe(1);
    for (let i = 0; i < 3; i++) chain.step({ time: TIME });
    const r = result(chain, tx)!;
    expect([r.pending, r.receipt!.statusCode, r.receipt!.message.endsWith(`error: invalid account ${id}`)]).toEqual([0, "RUNTIME_ERROR", true]);
    expect(chain.shards.every((s) => s.store.get(`m-token.iost-TB${id}-iost`) === undefined)).toBe(true);
  });

  it("a dry run answers on what its shard knows: the failure, nothing parked", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const tx = transfer(SENDERS[0], "nobody0");
    const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
    const r = dryRun(state, tx, txHash(tx), { chainId: 1020, number: 1n, time: TIME, parentHash: "", witness: "", shard: { index: 1, count: N } });
    expect("receipt" in r && [r.receipt.statusCode, r.receipt.message.endsWith("error: invalid account nobody0")]).toEqual(["RUNTIME_ERROR", true]);
    expect(chain.shards[1].store.get(READS)).toBeUndefined();
  });
});

/** A user of shard `s` that is none of `but`. */
const userOn = (s: number, ...but: string[]) => USERS.find((u) => shardOf(u, N) === s && !but.includes(u))!;
/** A fresh account name of shard `s`. */
const freshOn = (s: number, tag: string) => Array.from({ length: 64 }, (_, i) => `${tag}${i}`).find((n) => shardOf(n, N) === s)!;
const txBy = (user: string, actions: Action[], gasLimit = 4_000_000n): Tx =>
  makeTx(actions, {
    publisher: user,
    key: fakeKey(USERS.indexOf(user)),
    time: T0 + BigInt(nonce++),
    gasLimit,
    amountLimit: [{ token: "iost", value: "1000" }],
  });
/** No RAM buy: it runs on the market's shard ("One RAM market"), a part more before the tx stands. */
const signUp = (by: string, name: string): Action[] => [
  act("auth.iost", "signUp", [name, fakeKey(90), fakeKey(90)]),
  act("gas.iost", "pledge", [by, name, "10"]),
];
const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok:" + k; }
  hi(who) { return "hi " + who; }
  bal(who) { return blockchain.call("token.iost", "balanceOf", ["iost", who])[0]; }
}
module.exports = Box;`;
const setCode = () =>
  act("system.iost", "setCode", [
    contractJson(CODE, [
      { name: "put", args: ["string", "string"] },
      { name: "hi", args: ["string"] },
      { name: "bal", args: ["string"] },
    ]),
  ]);
/** Every pending name any shard keeps (sharding/pending.ts). */
const pendingRows = (chain: SimChain) => chain.shards.flatMap((s) => s.store.keys().filter((k) => k.startsWith("x-pending-")));

/**
 * One block of `txs` (in order) on one chain and on four shards after the blocks of `before`, then blocks until the
 * four shards are quiet: each tx's receipt, from both.
 */
function both(before: Tx[][], txs: Tx[], during?: (four: SimChain, step: number) => void): { one: SimChain; four: SimChain } {
  const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
  for (const chain of [one, four]) {
    for (const blk of before) {
      for (const tx of blk) chain.submit(tx);
      // Until quiet: a RAM buy off the market's shard takes a few blocks to stand.
      for (let i = 0; i < 20 && (i === 0 || !chain.quiet()); i++) chain.step({ time: TIME });
    }
    for (const tx of txs) chain.submit(tx);
  }
  one.step({ time: TIME });
  for (let i = 0; i < 12 && (i === 0 || !four.quiet()); i++) {
    four.step({ time: TIME });
    during?.(four, i + 1);
  }
  expect(four.quiet()).toBe(true);
  return { one, four };
}

const receiptsOf = (chain: SimChain, txs: Tx[]) => txs.map((tx) => result(chain, tx)!.receipt);

describe("a name a tx may still create when its block ends (sharding/pending.ts): waited for, as one chain runs that tx first", () => {
  it("an account admin's signUp forwards to its shard: a transfer to it from a third shard in the same block pays it, the note gone after", () => {
    const maker = userOn(1);
    const born = freshOn(3, "bornacct");
    const create = txBy(maker, signUp(maker, born));
    // Made in the order the shards land them (pool order: by time): the first writes the receiver's balance record, paying its RAM.
    const [there, home, same] = [userOn(3), userOn(1, maker), userOn(2)].map((from) => paying(from, born));
    const waiting: number[][] = [];
    // In the order the four shards land them (the first writes the receiver's balance record, paying its RAM): the
    // one of born's shard runs a block before the credits of the others, which land in shard order.
    const { one, four } = both([], [create, there, home, same], (four) => waiting.push([2, 1, 3].map((s) => parkedOn(four, s).length)));
    expect(receiptsOf(one, [create, same, home, there]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(receiptsOf(four, [create, same, home, there])).toEqual(receiptsOf(one, [create, same, home, there]));
    // Block 1 parks the three; block 2 (the note here) keeps them waiting while the signUp's part on shard 3 asks the
    // other shards (creators, sharding/asks.ts) until 4, where it stands after shard 3's waiter ran again; block 5 (the
    // register) runs them.
    expect(waiting.slice(0, 5)).toEqual([
      [1, 1, 1],
      [1, 1, 2],
      [1, 1, 2],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    expect(pendingRows(four)).toEqual([]);
  });

  it("an account admin's signUp forwards to its shard: a forwarded part's transfer to it waits for the note there too, as one chain", () => {
    const maker = userOn(1);
    const born = freshOn(3, "partacct");
    const create = txBy(maker, signUp(maker, born));
    // Its pledge runs on shard 0, and the transfer after it there: a part, parked and waiting on shard 0.
    const payer = userOn(2);
    const part = txBy(payer, [act("gas.iost", "pledge", [payer, userOn(0), "10"]), act("token.iost", "transfer", ["iost", payer, born, "1", ""])]);
    const waiting: number[] = [];
    const { one, four } = both([], [create, part], (four) => waiting.push(parkedOn(four, 0).length));
    expect(receiptsOf(one, [create, part]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(receiptsOf(four, [create, part])).toEqual(receiptsOf(one, [create, part]));
    // Block 2: the part finds born nowhere, waits for its chunk's receipts, then for the note while the signUp's part asks
    // (creators) until 4; block 5 (the register) runs it.
    expect(waiting.slice(0, 5)).toEqual([0, 1, 1, 1, 0]);
    expect(pendingRows(four)).toEqual([]);
  });

  it("an account a forwarded part creates, its register carried to the next part's shard (a RAM buy for it on the market's): a transfer to it from there pays it, and no shard keeps the note", () => {
    const maker = userOn(1);
    const born = freshOn(3, "carried");
    const create = txBy(maker, [act("auth.iost", "signUp", [born, fakeKey(90), fakeKey(90)]), act("ram.iost", "buy", [maker, born, 1000])]);
    const pay = paying(userOn(0), born);
    const { one, four } = both([], [create, pay]);
    expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
    expect(pendingRows(four)).toEqual([]);
  });

  it("a contract a setCode after a forwarded action deploys: a transfer to it and a call of it from a third shard in the same block run as on one chain", () => {
    const [deployer, maker, payer] = [userOn(2), userOn(1), userOn(3)];
    // The payer pays the RAM of the contract's balance record, as one chain's transfer charges it. Each buy its own
    // tx: one runs on the market's shard, and a setCode after it would too.
    const buy = [deployer, maker, payer].map((u) => txBy(u, [act("ram.iost", "buy", [u, u, 10_000])]));
    const first = txBy(deployer, [setCode()]);
    const there = "Contract" + txId(first);
    const deploy = txBy(maker, [act(there, "put", ["a", "b"]), setCode()]);
    const id = "Contract" + txId(deploy);
    const pay = paying(payer, id);
    const call = txBy(payer, [act(id, "hi", ["you"])]);
    const { one, four } = both([buy, [first]], [deploy, pay, call]);
    expect(receiptsOf(one, [...buy, first, deploy, pay, call]).every((r) => r!.statusCode === "SUCCESS")).toBe(true);
    expect(receiptsOf(four, [deploy, pay, call])).toEqual(receiptsOf(one, [deploy, pay, call]));
    // The contract lives where its setCode ran: the forwarded part's shard.
    expect(four.shards[2].store.get(`c-${id}`)).toBeDefined();
    expect(pendingRows(four)).toEqual([]);
  });

  it("an account whose tx holds its registers until its settle (a forwarded pledge after its signUp): a transfer to it from another shard in the same block pays it", () => {
    const maker = userOn(1);
    const born = freshOn(1, "heldacct");
    const create = txBy(maker, [...signUp(maker, born), act("gas.iost", "pledge", [maker, userOn(2), "10"])]);
    const pay = paying(userOn(3), born);
    const { one, four } = both([], [create, pay]);
    expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
    expect(pendingRows(four)).toEqual([]);
  });

  it("a creation that fails: the waiter waits for the failure, then fails with one chain's `invalid account`, and no shard keeps the note", () => {
    const maker = userOn(1);
    const born = freshOn(3, "failacct");
    // Its last action spends past the tx's amount_limit: the tx fails on shard 3, a block after its block.
    const create = txBy(maker, [...signUp(maker, born), act("token.iost", "transfer", ["iost", maker, born, "5000", ""])]);
    // Two transfers, no plain transfer: after the creator in its block's pool order (a plain one would run first).
    const pay = paying(userOn(2), born);
    const inFlight: number[] = [];
    const { one, four } = both([], [create, pay], (four) => inFlight.push(result(four, pay)!.pending));
    expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual(["RUNTIME_ERROR", "RUNTIME_ERROR"]);
    expect(result(one, pay)!.receipt!.message).toMatch(new RegExp(`error: invalid account ${born}$`));
    expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
    // Parked at 1, kept waiting by the note; the creator's part asks at 2 (creators, sharding/asks.ts), fails when the
    // answers are in at 4, the failure settled home at 5 reaches shard 2 at 6, where it asks, whose answers come at 8.
    expect(inFlight.slice(0, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(pendingRows(four)).toEqual([]);
  });

  it.each([
    ["forwards it to its shard, and stands", 3, [], "SUCCESS"],
    ["creates it at home, and stands", 1, [], "SUCCESS"],
    ["creates it at home, then fails there: its cancels go with its re-run", 1, ["5000"], "RUNTIME_ERROR"],
    ["forwards it, then fails there: its cancels go with the settle", 3, ["5000"], "RUNTIME_ERROR"],
  ])(
    "a creating tx that parks at home for reads first (its notes sent when it parks): %s; a transfer of its block runs as on one chain",
    (_, at, spend, status) => {
      const maker = userOn(1);
      const born = freshOn(at, `parked${at}${spend.length}x`);
      const deploy = txBy(maker, [setCode()]);
      const box = "Contract" + txId(deploy);
      // Its first action reads a balance of shard 2: the tx parks and runs again when the value came, two blocks on.
      const create = txBy(maker, [
        act(box, "bal", [userOn(2)]),
        ...signUp(maker, born),
        ...spend.map((amount) => act("token.iost", "transfer", ["iost", maker, born, amount, ""])),
      ]);
      const pay = paying(userOn(2), born);
      const { one, four } = both([[txBy(maker, [act("ram.iost", "buy", [maker, maker, 10_000])])], [deploy]], [create, pay]);
      expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual([status, status]);
      expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
      expect(pendingRows(four)).toEqual([]);
    },
  );

  /** A tx of `maker` whose pledge for an account of shard 2 runs there: its gas stays locked until its settle. */
  const pledgeAway = (maker: string) => txBy(maker, [act("gas.iost", "pledge", [maker, userOn(2), "10"])]);

  it.each([
    ["stands: the transfer pays it", [], "SUCCESS"],
    ["fails: the transfer fails with one chain's `invalid account`", ["5000"], "RUNTIME_ERROR"],
  ])(
    "a creating tx behind its publisher's tx in flight is taken into its block, its notes sent there, and runs once the lock goes: it %s, as on one chain",
    (_, spend, status) => {
      const maker = userOn(1);
      const born = freshOn(3, `behind${spend.length}x`);
      const first = pledgeAway(maker);
      const create = txBy(maker, [...signUp(maker, born), ...spend.map((amount) => act("token.iost", "transfer", ["iost", maker, born, amount, ""]))]);
      const pay = paying(userOn(0), born);
      const behind: string[][] = [];
      const { one, four } = both([], [first, create, pay], (four) => behind.push(parkedOn(four, 1).map((p) => p.behind ?? "")));
      expect(receiptsOf(one, [first, create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", status, status]);
      expect(receiptsOf(four, [first, create, pay])).toEqual(receiptsOf(one, [first, create, pay]));
      // Parked behind the pledge in block 1, holding no lock; it runs in block 3, when the pledge's settle came.
      expect(behind.slice(0, 3)).toEqual([[maker], [maker], []]);
      expect(pendingRows(four)).toEqual([]);
    },
  );

  it("behind its publisher's tx in flight: a later tx of the publisher parks behind the creating one, in order; one creating nothing before it parks behind too, so the creating one parks and its waiter pays, as on one chain", () => {
    const maker = userOn(1);
    const [born, late] = [freshOn(3, "behindord"), freshOn(3, "behindlate")];
    const first = pledgeAway(maker);
    const create = txBy(maker, signUp(maker, born));
    // Pays born, so it must run after the signUp, as on one chain (after the other payment: whose credit lands first
    // pays the RAM of born's balance record, and shard 0's lands before shard 1's).
    const other = paying(userOn(0), born);
    const after = paying(maker, born, "3");
    const parked: string[][] = [];
    const ordered = both([], [first, create, other, after], (four) => parked.push(parkedOn(four, 1).map((p) => p.txHash)));
    const txs = [create, after];
    expect(parked[0]).toEqual(txs.map(txId));
    expect(receiptsOf(ordered.one, txs).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(receiptsOf(ordered.four, txs)).toEqual(receiptsOf(ordered.one, txs));
    // A tx creating nothing, the signUp after it: both park behind in their block, in order, the signUp's notes sent there.
    const second = pledgeAway(maker);
    const plain = paying(maker, userOn(1, maker), "3");
    const creator = txBy(maker, signUp(maker, late));
    const pay = paying(userOn(0), late);
    const behind: string[][] = [];
    const held = both([], [second, plain, creator, pay], (four) => behind.push(parkedOn(four, 1).map((p) => `${p.txHash} ${p.behind}`)));
    expect(behind[0]).toEqual([plain, creator].map((tx) => `${txId(tx)} ${maker}`));
    expect(receiptsOf(held.one, [plain, creator, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(receiptsOf(held.four, [plain, creator, pay])).toEqual(receiptsOf(held.one, [plain, creator, pay]));
    expect(pendingRows(held.four)).toEqual([]);
  });

  it("behind its publisher's tx in flight, a tx creating nothing with no creating tx of its publisher after it waits in the pool, no row written for it", () => {
    const maker = userOn(1);
    const [plain, other] = [3, 4].map((n) => txBy(maker, [act("token.iost", "transfer", ["iost", maker, userOn(1, maker), String(n), ""])]));
    const behind: string[][] = [];
    const alone = both([], [pledgeAway(maker), plain, other], (four) => behind.push(parkRows(four, 1)));
    expect(behind[0]).toEqual([]);
    expect([result(alone.four, plain), result(alone.four, other)].map((r) => r!.receipt!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(receiptsOf(alone.four, [plain, other])).toEqual(receiptsOf(alone.one, [plain, other]));
  });

  it("the pool's look-ahead sees a later creating tx of the publisher only among the txs the chunk may still take", () => {
    const [maker, other] = [userOn(1), userOn(1, userOn(1))];
    const txs = [
      txBy(maker, [act("token.iost", "transfer", ["iost", maker, other, "1", ""])]),
      transfer(other, maker),
      txBy(maker, signUp(maker, freshOn(3, "aheadname"))),
    ].map((tx) => ({ tx, hash: txId(tx) }));
    const ahead = (room: number) => new PoolOrder((i) => txs[i]).createsLater(maker, 0, room);
    // Room for the first and the one after it only: the signUp is past what the chunk takes.
    expect([ahead(2), ahead(3)]).toEqual([false, true]);
    expect(new PoolOrder((i) => txs[i]).createsLater(other, 1, 2)).toBe(false);
    // Parked for it, the maker's txs up to the signUp are still taken past the gas cap; nobody else's, nothing after it.
    const order = new PoolOrder((i) => txs[i]);
    expect([order.awaits(0), order.createsLater(maker, 0, 3)]).toEqual([false, true]);
    expect([order.awaits(1), order.awaits(1, maker), order.awaits(1, other), order.awaits(2, maker), order.awaits(2), order.awaits(3, maker)]).toEqual([
      true,
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it("a transfer of the block before the creating tx's, which waits behind its publisher's tx in flight: it fails as on one chain, which runs it before the creation", () => {
    const maker = userOn(1);
    const born = freshOn(3, "behindprev");
    const first = pledgeAway(maker);
    const pay = transfer(userOn(0), born);
    const create = txBy(maker, signUp(maker, born));
    const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
    for (const chain of [one, four]) {
      chain.submit(first);
      chain.submit(pay);
      chain.step({ time: TIME });
      chain.submit(create);
      for (let i = 0; i < 12 && (i === 0 || !chain.quiet()); i++) chain.step({ time: TIME });
      expect(chain.quiet()).toBe(true);
    }
    expect(receiptsOf(one, [first, pay, create]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "RUNTIME_ERROR", "SUCCESS"]);
    expect(receiptsOf(four, [first, pay, create])).toEqual(receiptsOf(one, [first, pay, create]));
    expect(pendingRows(four)).toEqual([]);
  });

  it("a flood waiting for a pending name: every waiter waits for its register and pays as on one chain, no row left", () => {
    const maker = userOn(0);
    const born = freshOn(3, "floodacct");
    const create = txBy(maker, signUp(maker, born));
    const pays = SENDERS.map((from) => paying(from, born));
    const waiting: number[] = [];
    const { one, four } = both([], [create, ...pays], (four) => waiting.push(parkedOn(four, 1).length));
    expect(receiptsOf(one, pays).every((r) => r!.statusCode === "SUCCESS")).toBe(true);
    expect(receiptsOf(four, [create, ...pays])).toEqual(receiptsOf(one, [create, ...pays]));
    // Parked at 1, kept waiting by the note at 2, run when the register lands at 3.
    // Parked at 1, kept waiting by the note while the signUp's part asks (creators: 2 to 4), run when the register lands at 5.
    expect(waiting.slice(0, 5)).toEqual([FLOOD, FLOOD, FLOOD, FLOOD, 0]);
    expect(parkRows(four, 1)).toEqual([]);
    expect(pendingRows(four)).toEqual([]);
  });

  it("a note holds waiters until its tx's register or cancel, however late", () => {
    const state = new State(new MemoryStore());
    const [tx, other] = ["7".repeat(44), "8".repeat(44)];
    for (const t of [tx, other]) applyPending(state, pendingOf(t, "flood00", "bornacct1", 2, 1));
    expect(isPending(state, "bornacct1")).toBe(true);
    dropNote(state, "bornacct1", "9".repeat(44)); // another tx's register of the name: the notes stay
    applyPending(state, pendingOf(other, "flood00", "bornacct1", 2, 1, true));
    expect(JSON.parse(state.get(pendingKey("bornacct1"))!)).toEqual([[tx, 2]]);
    dropNote(state, "bornacct1", tx);
    expect([state.get(pendingKey("bornacct1")), isPending(state, "bornacct1")]).toEqual([undefined, false]);
  });

  it("a note carrying its tx's age holds only waiters younger than that tx: one chain ran an older waiter first", () => {
    const state = new State(new MemoryStore());
    const tx = "7".repeat(44);
    applyPending(state, pendingOf(tx, "flood00", "bornacct1", 2, 1, false, ["3", bareOrd(tx)]));
    expect(JSON.parse(state.get(pendingKey("bornacct1"))!)).toEqual([[tx, 2, "3", bareOrd(tx)]]);
    const [older, younger] = [["2", bareOrd("9".repeat(44))] as const, ["4", bareOrd("1".repeat(44))] as const];
    expect([isPending(state, "bornacct1", older), isPending(state, "bornacct1", younger), isPending(state, "bornacct1")]).toEqual([false, true, true]);
  });

  it("a note of a tx decided long after (the home's chunk is checked by every producer: a note passing checkReceipt is trusted): its waiter holds until the cancel, then fails as on a name nobody created, and no row stays", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const name = freshOn(1, "latecancel");
    const victim = transfer(userOn(1), name);
    chain.submit(victim);
    chain.step({ time: TIME });
    // Shard 2's note, applied before the victim's re-run, and its cancel 40 blocks later (its tx in flight that long).
    const tx = "7".repeat(44);
    const land = (r: CrossReceipt) => {
      const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
      applyPending(state, r);
      state.commit();
    };
    land(pendingOf(tx, userOn(2), name, 2, 1));
    for (let i = 0; i < 40; i++) chain.step({ time: TIME });
    expect([result(chain, victim)!.pending, parkedOn(chain, 1).map((p) => p.txHash)]).toEqual([1, [txId(victim)]]);
    land(pendingOf(tx, userOn(2), name, 2, 1, true));
    // The cancel in, its re-run asks the other shards; once they answered, it fails.
    for (let i = 0; i < 3; i++) chain.step({ time: TIME });
    const r = result(chain, victim)!;
    expect([r.pending, r.receipt!.statusCode, r.receipt!.message.endsWith(`error: invalid account ${name}`)]).toEqual([0, "RUNTIME_ERROR", true]);
    expect(chain.shards[1].store.keys().filter((k) => k.startsWith("x-pending") || k.startsWith("x-reads"))).toEqual([]);
  });
});

/** Shard 1 of `chain` refuses `receipts` applied at `at` with ReceiptRefused(`why`), its store unchanged. */
function refusedOn(chain: SimChain, at: Parameters<typeof applyIncoming>[2], receipts: CrossReceipt[], why: string): void {
  const before = chain.shards[1].store.keys().map((k) => [k, chain.shards[1].store.get(k)]);
  const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
  expect(() => applyIncoming(state, 1, at, receipts, () => false)).toThrow(new ReceiptRefused(why));
  state.discard();
  expect(chain.shards[1].store.keys().map((k) => [k, chain.shards[1].store.get(k)])).toEqual(before);
}

/** checkReceipt's text for an age that is not its tx's (a note's, a register's). */
const NOT_AGE = "is not its tx's pool key beside a creator's height";

describe("strangers' pending receipts: refused loudly, nothing of the chunk applied", () => {
  const HOME = 2;
  const pub = userOn(HOME);
  const tx = "7".repeat(44);
  const at = { chainId: 1020, number: 5n, time: TIME, parentHash: "", witness: "", shard: { index: 1, count: N } };
  const refused = (chain: SimChain, receipts: CrossReceipt[], why: string) => refusedOn(chain, at, receipts, why);
  const note = (name: string, o: Partial<CrossReceipt> = {}) => ({ ...pendingOf(tx, pub, name, HOME, 1), ...o });

  it.each([
    ["a note from a shard not its publisher's", note("bornacct1", { fromShard: 3 }), `a note of ${JSON.stringify(pub)}'s tx from shard 3`],
    ["a contract another tx deploys", note(`Contract${"8".repeat(44)}`), `a note of "Contract${"8".repeat(44)}", which its tx cannot create`],
    ["a name auth.iost refuses", note("Bad-Name"), 'a note of "Bad-Name", which its tx cannot create'],
    ["a system contract", note("token.iost"), 'a note of "token.iost", which its tx cannot create'],
    ["a note carrying a token", note("bornacct1", { token: "iost" }), "a note carrying a token or message"],
    ["a cancel on another kind", { ...note("bornacct1"), kind: "burn" as const, cancel: true as const }, "cancel true"],
    ["a cancel that is not true", note("bornacct1", { cancel: "yes" as unknown as true }), 'cancel "yes"'],
    ["a note whose age has no height", note("bornacct1", { ord: bareOrd(tx) }), `ord ${JSON.stringify(bareOrd(tx))} ${NOT_AGE}`],
    ["a note whose age has no pool key", note("bornacct1", { at: "3" }), `ord undefined ${NOT_AGE}`],
    [
      "a note with another tx's pool key",
      note("bornacct1", { at: "3", ord: bareOrd("8".repeat(44)) }),
      `ord ${JSON.stringify(bareOrd("8".repeat(44)))} ${NOT_AGE}`,
    ],
    ["a cancel carrying an age", note("bornacct1", { cancel: true, at: "3", ord: bareOrd(tx) }), `ord ${JSON.stringify(bareOrd(tx))} ${NOT_AGE}`],
    ["a note whose height is not of a block before", note("bornacct1", { at: "5", ord: bareOrd(tx) }), 'at "5" is not the height of a block before 5'],
  ])("%s", (_, bad, why) => {
    const chain = new SimChain(simGenesis(USERS), N);
    refused(chain, [note("bornacct2"), bad], `receipt ${bad.id} refused: ${why}`);
  });

  it("a cancel from another shard than the note's; a second note of one tx (a cancel of a note not kept here changes nothing)", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const cancel = (o: Partial<CrossReceipt> = {}) => ({ ...pendingOf(tx, pub, "bornacct1", HOME, 1, true), ...o });
    // Kept: the note alone.
    const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
    applyIncoming(state, 1, at, [note("bornacct1")], () => false);
    state.commit();
    const kept = chain.shards[1].store.get(pendingKey("bornacct1"));
    // A cancel of a note not kept here (the part that created the name here dropped it before a later part failed) changes nothing.
    for (const other of [cancel({ txHash: "9".repeat(44) }), cancel({ account: "bornacct2" })]) {
      const s = new ShardState(chain.shards[1].store, { index: 1, count: N });
      applyIncoming(s, 1, { ...at, number: 6n }, [other], () => false);
      s.commit();
    }
    expect([chain.shards[1].store.get(pendingKey("bornacct1")), chain.shards[1].store.get(pendingKey("bornacct2"))]).toEqual([kept, undefined]);
    const stranger = userOn(3);
    refused(
      chain,
      [cancel({ fromShard: 3, counterpart: stranger })],
      `receipt ${tx}:pending:bornacct1:cancel refused: "bornacct1" is not pending here for ${tx} from shard 3`,
    );
    refused(chain, [{ ...note("bornacct1"), id: "again" }], `receipt again refused: ${tx} noted "bornacct1" pending here already`);
  });
});

describe("strangers' asks and answers (sharding/asks.ts): refused loudly, nothing of the chunk applied; an honest ask writes nothing", () => {
  const tx = "7".repeat(44);
  const at = { chainId: 1020, number: 5n, time: TIME, parentHash: "", witness: "", shard: { index: 1, count: N } };
  const ask = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({ ...askOf(tx, tx, ["3", bareOrd(tx)], 1, 2, 1), ...o });
  /** The answer of shard `from` to shard 1's waiter `tx`. */
  const told = (from: number, o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...answerOf(askOf(tx, tx, ["3", bareOrd(tx)], 1, 1, from), from, false),
    ...o,
  });
  const apply = (chain: SimChain, receipts: CrossReceipt[]) => {
    const state = new ShardState(chain.shards[1].store, { index: 1, count: N });
    const out = applyIncoming(state, 1, at, receipts, () => false);
    state.commit();
    return out.outgoing;
  };
  const refused = (chain: SimChain, receipts: CrossReceipt[], why: string) => refusedOn(chain, at, receipts, why);
  /** Shard 1 with tx `tx` parked, asking shards 0 and 2 in round 1. */
  const waiting = () => {
    const chain = new SimChain(simGenesis(USERS), N);
    chain.shards[1].store.put(READS, JSON.stringify([tx]));
    chain.shards[1].store.put(
      parkedKey(tx),
      JSON.stringify({
        part: tx,
        txHash: tx,
        round: 1,
        asked: {},
        values: {},
        locked: [],
        until: 4,
        ask: { round: 1, left: [0, 2], busy: [], names: ["nobody1"] },
      }),
    );
    return chain;
  };

  it.each([
    ["an ask moving an amount", ask({ amount: "1" }), "not an ask of another shard by a part of its tx"],
    ["an ask of itself", ask({ fromShard: 1 }), "not an ask of another shard by a part of its tx"],
    ["an ask of another tx's part", ask({ account: "8".repeat(44) }), "not an ask of another shard by a part of its tx"],
    ["an ask carrying a token", ask({ token: "iost" }), "not an ask of another shard by a part of its tx"],
    ["an ask named for another part", ask({ id: "x:ask1" }), 'an ask "x:ask1" of another part'],
    ["an ask with no age", ask({ at: undefined }), "at undefined"],
    ["an answer with an age", told(2, { at: "3" }), 'at "3"'],
    ["an ask with no pool key", ask({ ord: undefined }), "ord undefined"],
    ["an ask with another tx's pool key", ask({ ord: bareOrd("8".repeat(44)) }), `ord ${JSON.stringify(bareOrd("8".repeat(44)))}`],
    ["an ask with a pool key of no shape", ask({ ord: "0|1|2" }), 'ord "0|1|2"'],
    ["an answer with a pool key", told(2, { ord: bareOrd(tx) }), `ord ${JSON.stringify(bareOrd(tx))}`],
    ["an answer that is not a yes or no", told(2, { undecided: "yes" as unknown as boolean }), 'undecided "yes"'],
    ["a yes or no on another kind", { ...ask(), kind: "release" as const, undecided: true }, "undecided true"],
  ])("%s", (_, bad, why) => {
    refused(new SimChain(simGenesis(USERS), N), [bad], `receipt ${bad.id} refused: ${why}`);
  });

  /** A register of contract `Contract<tx>` from nobody1's shard to shard 1, its creator of block `at`. */
  const contractRegister = (at: string): CrossReceipt => ({
    id: "nobody1:register",
    kind: "register",
    txHash: tx,
    fromShard: shardOf("nobody1", N),
    toShard: 1,
    token: "",
    account: "Contract" + tx,
    counterpart: userOn(2),
    amount: "0",
    message: "",
    at,
    ord: bareOrd(tx),
  });

  it("an ask or a register of a tx of this block or later", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    refused(chain, [ask({ at: "5" })], `receipt ${tx}:ask1 refused: at "5" is not the height of a block before 5`);
    const register = contractRegister("9");
    refused(chain, [register], `receipt nobody1:register refused: at "9" is not the height of a block before 5`);
  });

  it("a register whose creator's pool key is missing, another tx's or of no shape; a pool key on another kind", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const register = contractRegister("3");
    // Honest, it lands: the directory knows the contract.
    expect(() => apply(new SimChain(simGenesis(USERS), N), [register])).not.toThrow();
    const why = (ord: unknown) => `receipt nobody1:register refused: ord ${JSON.stringify(ord)} is not its tx's pool key beside a creator's height`;
    for (const ord of [undefined, bareOrd("8".repeat(44)), "1|00000000|0999900|x|00", 7]) refused(chain, [{ ...register, ord: ord as string }], why(ord));
    // A later waiter would read the name as a younger tx's: who runs first in a block is the pool's order, not the sender's.
    const { at: _, ...noAge } = register;
    refused(chain, [noAge], why(register.ord));
    // Nor with no age at all: the name would read as genesis's to every run older than its creator.
    const { at: __, ord: ___, ...neither } = register;
    refused(chain, [neither], why(undefined));
    const pending = { ...pendingOf(tx, userOn(2), "nobody1", 2, 1), ord: bareOrd(tx) };
    refused(chain, [pending], `receipt ${pending.id} refused: ord ${JSON.stringify(bareOrd(tx))} is not its tx's pool key beside a creator's height`);
  });

  it("an account's register whose record carries a creator's age of its own: the age is the register's", () => {
    const name = ["nobody1", "nobody2", "nobody3"].find((n) => shardOf(n, N) !== 1)!;
    const from = shardOf(name, N);
    const auth = encodeValue(str(JSON.stringify({ id: name, referrer: userOn(from), permissions: {}, groups: {} })), "auth.iost");
    const register: CrossReceipt = {
      id: `${tx}:auth:${name}`,
      kind: "register",
      txHash: tx,
      fromShard: from,
      toShard: 1,
      token: "",
      account: name,
      counterpart: userOn(from),
      amount: "0",
      message: "",
      at: "3",
      ord: bareOrd(tx),
      auth,
    };
    const honest = new SimChain(simGenesis(USERS), N);
    apply(honest, [register]);
    // Its entry starts with the register's age (storage.ts withAge), which only the guard reads.
    expect(honest.shards[1].store.get(`b-system.iost-account_shard_${name}`)).toBe(withAge(auth, ["3", bareOrd(tx)]));
    const aged = { ...register, auth: withAge(auth, ["0", bareOrd(tx)]) };
    refused(new SimChain(simGenesis(USERS), N), [aged], `receipt ${register.id} refused: permissions of "${name}" from shard ${from}`);
  });

  it("an answer from a shard the waiter did not ask, or of another round; one for a part no longer parked here changes nothing", () => {
    refused(waiting(), [told(3)], `receipt ${tx}:ask1:told3 refused: an answer of shard 3 to no ask of ${tx} parked here`);
    refused(waiting(), [told(2, { id: `${tx}:ask2:told2` })], `receipt ${tx}:ask2:told2 refused: an answer of shard 2 to no ask of ${tx} parked here`);
    const chain = waiting();
    apply(chain, [told(2)]);
    expect(parkedOn(chain, 1)[0].ask).toEqual({ round: 1, left: [0], busy: [], names: ["nobody1"] });
    // The same answer again is a second one: refused.
    refused(chain, [{ ...told(2), id: `${tx}:ask1:told2` }], `receipt ${tx}:ask1:told2 refused: an answer of shard 2 to no ask of ${tx} parked here`);
    const gone = new SimChain(simGenesis(USERS), N);
    apply(gone, [told(2)]);
    expect(gone.shards[1].store.get(READS)).toBeUndefined();
  });

  it("an ask is answered from what the shard holds, writing nothing", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const before = chain.shards[1].store.keys().map((k) => [k, chain.shards[1].store.get(k)]);
    expect(apply(chain, [ask()])).toEqual([told(1, { id: `${tx}:ask1:told1`, toShard: 2 })]);
    expect(chain.shards[1].store.keys().map((k) => [k, chain.shards[1].store.get(k)])).toEqual(before);
  });
});

describe("a waiter's gas lock and the creating tx's part (reads.ts runsAfresh)", () => {
  // Before, the part waited for the waiter's lock while the waiter waited for the part's tx: no block ever ended it.
  it.each([
    ["cyca", "after the creation (two transfers)", "SUCCESS"],
    ["cyce", "before it (a plain transfer: src/pool poolOrder)", "RUNTIME_ERROR"],
  ])(
    "the creating tx pledges for the waiter's publisher in a part (name %s, the waiter %s): the part passes the waiter's gas lock, both end as on one chain",
    (tag, _, status) => {
      const maker = userOn(1);
      const payer = userOn(2);
      const born = freshOn(3, tag);
      const create = txBy(maker, [...signUp(maker, born), act("gas.iost", "pledge", [maker, payer, "10"])]);
      const pay = (status === "SUCCESS" ? paying : transfer)(payer, born);
      const { one, four } = both([], [create, pay]);
      expect(four.quiet()).toBe(true);
      expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", status]);
      expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
      expect(pendingRows(four)).toEqual([]);
    },
  );

  it("the creating tx parks behind its publisher's tx in flight, whose part pledges for the waiter's publisher: all three stand as on one chain", () => {
    const maker = userOn(1);
    const payer = userOn(2);
    const born = freshOn(3, "cycbehind");
    const first = txBy(maker, [act("gas.iost", "pledge", [maker, payer, "10"])]);
    const create = txBy(maker, signUp(maker, born));
    const pay = paying(payer, born);
    const { one, four } = both([], [first, create, pay]);
    expect(four.quiet()).toBe(true);
    expect(receiptsOf(one, [first, create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(receiptsOf(four, [first, create, pay])).toEqual(receiptsOf(one, [first, create, pay]));
    expect(pendingRows(four)).toEqual([]);
  });
});

describe("a forwarded part waiting for a name its tx's own locks hold back (incoming.ts: it gives way after NAME_WAIT)", () => {
  const GIVE = `class Give {
  init() {}
  give(who) { blockchain.call("token.iost", "transfer", ["iost", tx.publisher, who, "1", ""]); return "ok"; }
}
module.exports = Give;`;
  // Before, the payer's part waited for the signUp's note while the signUp's pledge for the payer waited for the
  // payer's tx's locks at home: no block ever ended it.
  it.each(["deadla", "deadlb"])(
    "a contract of a third shard pays a name (%s: either age order) whose creating tx pledges for the payer: the part gives way, its tx runs again after the pledge, both stand as on one chain",
    (tag) => {
      const [deployer, maker, payer] = [userOn(3), userOn(1), userOn(2)];
      const buy = txBy(deployer, [act("ram.iost", "buy", [deployer, deployer, 10_000])]);
      const first = txBy(deployer, [
        act("system.iost", "setCode", [contractJson(GIVE, [{ name: "give", args: ["string"], amountLimit: [{ token: "iost", val: "10" }] }])]),
      ]);
      const born = freshOn(0, tag);
      const create = txBy(maker, [...signUp(maker, born), act("gas.iost", "pledge", [maker, payer, "10"])]);
      const pay = txBy(payer, [act(`Contract${txId(first)}`, "give", [born])]);
      const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
      for (const chain of [one, four]) {
        for (const tx of [buy, first]) {
          chain.submit(tx);
          for (let i = 0; i < 20 && (i === 0 || !chain.quiet()); i++) chain.step({ time: TIME });
        }
        chain.submit(create);
        chain.submit(pay);
      }
      one.step({ time: TIME });
      // One or two give-ways of NAME_WAIT (16) blocks each.
      for (let i = 0; i < 100 && (i === 0 || !four.quiet()); i++) four.step({ time: TIME });
      expect(four.quiet()).toBe(true);
      expect(receiptsOf(one, [create, pay]).map((r) => r!.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
      expect(receiptsOf(four, [create, pay])).toEqual(receiptsOf(one, [create, pay]));
      expect(pendingRows(four)).toEqual([]);
    },
  );
});

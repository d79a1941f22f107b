/**
 * Names a contract's code creates in a forwarded part (docs/SHARDING.md "Names a contract's code may create",
 * src/sharding/asks.ts), on the in-memory chain with N = 1 and N = 4: a contract of shard 0 whose code signs an account
 * of shard 0 up, called by a publisher of shard 1, and a transfer to that account by a publisher of shard 2 in the
 * same block. No home can tell the name before the code runs, so the transfer, finding it nowhere after the
 * directory's wait, asks the other shards whether an older tx running a contract's code is undecided; it pays once the
 * creator stands, and fails as one chain does when it is older than the creator or the creator fails.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { answerAsks } from "../../../src/executor/reads";
import { askOf } from "../../../src/sharding/asks";
import { shardOf } from "../../../src/sharding/placement";
import { READING } from "../../../src/sharding/reads";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import type { CrossReceipt } from "../../../src/sharding/receipts";
import { txId } from "../../../src/tx/bytes";
import { poolOrder } from "../../../src/pool/index";
import type { Tx } from "../../../src/tx/types";
import { act, fakeKey } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { config, N, on, runAll, txBy } from "./workload";

const MAKER = `class Maker {
  init() {}
  make(name, key) { blockchain.callWithAuth("auth.iost", "signUp", [name, key, key]); return "made " + name; }
  makeFail(name, key) { blockchain.callWithAuth("auth.iost", "signUp", [name, key, key]); throw new Error("changed my mind"); }
  put(k) { storage.put(k, "v"); return "put"; }
}
module.exports = Maker;`;
const LIMIT = [{ token: "iost", val: "100" }];
const MAKER_ABI = [
  { name: "make", args: ["string", "string"], amountLimit: LIMIT },
  { name: "makeFail", args: ["string", "string"], amountLimit: LIMIT },
  { name: "put", args: ["string"] },
];
/** Names of the contract's shard (0), one per case. */
const names = Array.from({ length: 64 }, (_, i) => `made${i}`).filter((n) => shardOf(n, N) === 0);
const [CALLER, PAYER] = [on(1), on(2)];

/** The two txs of a case, `first` first in their block's pool order (src/pool poolOrder), as one shard runs them. */
function ordered(first: () => Tx, second: () => Tx): [Tx, Tx] {
  const [a, b] = [first(), second()];
  expect(poolOrder(a, txId(a)) < poolOrder(b, txId(b)), "in pool order").toBe(true);
  return [a, b];
}
/** A payment of 2 to `x` in two transfers: no plain transfer, it runs after a creator made before it (poolOrder: by time). */
const paying = (x: string) => [0, 1].map(() => act("token.iost", "transfer", ["iost", PAYER, x, "1", ""]));

let base: SimChain[];
/** The maker on shard 0, and one on shard 3 (a creator's part going on there holds its register until that one settles). */
let maker = "";
let far = "";
/** A maker on shard 1. */
let third = "";
beforeAll(async () => {
  await vmReady();
  base = [new SimChain(config(), 1), new SimChain(config(), N)];
  const deploys = [0, 3, 1].map((s) => txBy(on(s), [act("system.iost", "setCode", [contractJson(MAKER, MAKER_ABI)])]));
  [maker, far, third] = deploys.map((d) => "Contract" + txId(d));
  for (const c of base) expect(status(runAll(c, deploys))).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
});

/**
 * Runs `txs` in one block on copies of both chains: every receipt, read and event, what N = 4 sent, and the state rows
 * each of its shards wrote (a key written in a block is a row).
 */
function both(txs: Tx[], next: Tx[] = []) {
  const sent: CrossReceipt[] = [];
  const rows = [0, 1, 2, 3].map(() => new Set<string>());
  /** Per chain, the blocks after its own each tx's receipt was final in (0: its block). */
  const blocks: number[][] = [];
  const [a, b] = base.map((c) => {
    const chain = c.fork();
    const final = new Map<string, number>();
    if (chain.shards.length > 1)
      for (const sh of chain.shards) {
        const { store } = sh;
        const [put, del] = [store.put.bind(store), store.del.bind(store)];
        store.put = (k, v) => (rows[sh.index].add(`${chain.height}:${k}`), put(k, v));
        store.del = (k) => (rows[sh.index].add(`${chain.height}:${k}`), del(k));
      }
    const start = chain.height;
    const out = runAll(chain, txs, (ch) => {
      // `next` goes in the block after `txs`'.
      if (ch.height === start + 1) for (const tx of next) ch.submit(tx);
      if (ch.shards.length > 1) sent.push(...ch.inFlight());
      for (const tx of txs) {
        const r = ch.shards[shardOf(tx.publisher, ch.shards.length)].results.get(txId(tx));
        if (r?.receipt && r.pending === 0 && !final.has(txId(tx))) final.set(txId(tx), ch.height - start - 1);
      }
    });
    blocks.push(txs.map((tx) => final.get(txId(tx)) ?? -1));
    const nextStatus = next.map((tx) => chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))?.receipt?.statusCode);
    return { ...out, next: nextStatus };
  });
  const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
  return { a: byTx(a), b: byTx(b), sent, rows: rows.map((r) => r.size), blocks };
}
const status = (o: { receipts: unknown[] }) => o.receipts.map((r) => (r as { statusCode: string }).statusCode);
/** The asks of `tx`'s parts and their answers. */
const asksOf = (sent: CrossReceipt[], tx: Tx) => sent.filter((r) => r.kind === "ask" && r.txHash === txId(tx));
const kinds = (sent: CrossReceipt[]) => {
  const n: Record<string, number> = {};
  for (const r of sent) n[r.kind] = (n[r.kind] ?? 0) + 1;
  return n;
};

describe("a name a contract's code creates in a forwarded part (simulator, N = 1 against N = 4)", () => {
  it("the payment later in the block than the creator waits for it and pays, as on one shard", () => {
    const x = names[0];
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(80)])]),
      () => txBy(PAYER, paying(x)),
    );
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(b).toEqual(a);
    // The payer asked the three other shards; the caller's said its tx was undecided (its part, a creator, asks too
    // before its signUp stands), and was asked again.
    expect(asksOf(sent, txs[1]).map((r) => [r.fromShard, r.toShard, r.undecided])).toEqual([
      [2, 0, undefined],
      [2, 1, undefined],
      [2, 3, undefined],
      [0, 2, false],
      [1, 2, true],
      [3, 2, false],
      [2, 1, undefined],
      [1, 2, false],
    ]);
    // The creator's part asked the three other shards once: no tx older than it was undecided.
    expect(asksOf(sent, txs[0]).map((r) => [r.fromShard, r.toShard, r.undecided])).toEqual([
      [0, 1, undefined],
      [0, 2, undefined],
      [0, 3, undefined],
      [1, 0, false],
      [2, 0, false],
      [3, 0, false],
    ]);
  });

  it("the transfer earlier in the block than the creator fails with `invalid account`, as on one shard, though the name exists when it runs again", () => {
    const x = names[1];
    const txs = ordered(
      () => txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, x, "2", ""])]),
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(81)])]),
    );
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["RUNTIME_ERROR", "SUCCESS"]);
    expect((a.receipts[0] as { message: string }).message).toMatch(new RegExp(`error: invalid account ${x}$`));
    expect(b).toEqual(a);
  });

  it("a permission change of an existing account of the payer's shard, later in the block than the payment waiting for the creator: the payment to that account too pays, as on one shard", () => {
    const x = names[9];
    const known = on(2, 1);
    const txs = [
      txBy(CALLER, [act(maker, "make", [x, fakeKey(84)])]),
      txBy(PAYER, [...paying(x), act("token.iost", "transfer", ["iost", PAYER, known, "1", ""])]),
      txBy(known, [act("auth.iost", "addPermission", [known, "perm1", 1])], { signers: [`${known}@owner`] }),
    ];
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    // The account's record keeps its creator's age (genesis: none), so the change does not hide it from older runs.
    expect(b).toEqual(a);
  });

  it("the creator's part going on to a third shard: the payment asks its home again until it is decided, then pays, as on one shard", () => {
    const x = names[3];
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(83)]), act(far, "put", ["k"])]),
      () => txBy(PAYER, paying(x)),
    );
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(b).toEqual(a);
    // The caller's shard said its tx was undecided, and was asked again until it was decided (its creating part waits
    // for its own answers first).
    const asks = asksOf(sent, txs[1]);
    expect(asks.filter((r) => r.toShard === 1).map((r) => r.id.split(":").at(-1))).toEqual(["ask1", "ask2", "ask3"]);
    expect(asks.filter((r) => r.fromShard === 1).map((r) => r.undecided)).toEqual([true, true, false]);
  });

  it.each([
    ["later", ["SUCCESS", "SUCCESS"]],
    ["earlier", ["RUNTIME_ERROR", "SUCCESS"]],
  ])("a forwarded part's transfer (a call of a contract of shard 3 first), %s in the block than the creator: as on one shard", (when, statuses) => {
    const x = names[when === "later" ? 4 : 5];
    const make = () => txBy(CALLER, [act(maker, "make", [x, fakeKey(84)])]);
    const pay = () => txBy(PAYER, [act(far, "put", ["p"]), act("token.iost", "transfer", ["iost", PAYER, x, "2", ""])]);
    const txs = when === "later" ? ordered(make, pay) : ordered(pay, make);
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(statuses);
    expect(b).toEqual(a);
    // The part waits on shard 3, and asks from there.
    const payer = txs.find((t) => t.publisher === PAYER)!;
    expect(
      new Set(
        asksOf(sent, payer)
          .filter((r) => r.undecided === undefined)
          .map((r) => r.fromShard),
      ),
    ).toEqual(new Set([3]));
  });

  // The name of another shard than the contract's: created by the contract's run as a callee of the name's shard
  // (auth.ts onItsShard), whose shard announces it when its record lands there, after the creator's home decided it.
  const away = Array.from({ length: 64 }, (_, i) => `away${i}`).filter((n) => shardOf(n, N) === 3);
  it.each([
    ["later", ["SUCCESS", "SUCCESS"]],
    ["earlier", ["RUNTIME_ERROR", "SUCCESS"]],
  ])("a name of shard 3 a contract of shard 0 signs up, a payment from shard 2 %s in the block: as on one shard", (when, statuses) => {
    const x = away[when === "later" ? 0 : 1];
    const make = () => txBy(CALLER, [act(maker, "make", [x, fakeKey(85)])]);
    const txs = when === "later" ? ordered(make, () => txBy(PAYER, paying(x))) : ordered(() => txBy(PAYER, paying(x)), make);
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(statuses);
    expect(b).toEqual(a);
    // Only the name's shard tells the others of it, once its record landed there.
    const registers = sent.filter((r) => r.kind === "register" && r.account === x);
    expect(registers.map((r) => [r.fromShard, r.toShard])).toEqual([
      [3, 0],
      [3, 1],
      [3, 2],
    ]);
  });

  it.each([
    ["a contract of the name's shard", 3],
    ["a contract of a third shard", 1],
  ])("a name of shard 3 a contract of shard 0 signs up, then %s runs, a payment from shard 2 later in the block: as on one shard", (_, at) => {
    const x = away[at === 3 ? 3 : 4];
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(87)]), act(at === 3 ? far : third, "put", ["k"])]),
      () => txBy(PAYER, paying(x)),
    );
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(b).toEqual(a);
  });

  it("the name's shard, holding its record for a part of an older tx, answers an ask that such a tx is undecided until the release lands", () => {
    const state = new State(new MemoryStore());
    const ask = askOf("waiter", "waiter", ["7", "b"], 1, 2, 3);
    const lock = (keys: string[], at: string) => state.put(READING, JSON.stringify({ creator: { from: 0, keys, write: true, at, ord: "a" } }));
    lock(["m-auth.iost-auth-" + away[5]], "7");
    expect(answerAsks(state, [ask], 3).map((r) => r.undecided)).toEqual([true]);
    // A younger part's, or one holding no account's record, tells it nothing.
    lock(["m-auth.iost-auth-" + away[5]], "8");
    expect(answerAsks(state, [ask], 3).map((r) => r.undecided)).toEqual([false]);
    lock(["m-Contract1-k"], "7");
    expect(answerAsks(state, [ask], 3).map((r) => r.undecided)).toEqual([false]);
  });

  it("a name of shard 3 a contract of shard 0 signs up, then fails: no shard is told of it, and the payment fails as on one shard", () => {
    const x = away[2];
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "makeFail", [x, fakeKey(86)])]),
      () => txBy(PAYER, paying(x)),
    );
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(["RUNTIME_ERROR", "RUNTIME_ERROR"]);
    expect(b).toEqual(a);
    expect(sent.filter((r) => r.kind === "register" && r.account === x)).toEqual([]);
  });

  it("the creator failing after its signUp: the payment fails as on one shard", () => {
    const x = names[2];
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "makeFail", [x, fakeKey(82)])]),
      () => txBy(PAYER, paying(x)),
    );
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["RUNTIME_ERROR", "RUNTIME_ERROR"]);
    expect((a.receipts[1] as { message: string }).message).toMatch(new RegExp(`error: invalid account ${x}$`));
    expect(b).toEqual(a);
  });

  it.each([
    ["on the waiter's shard", 2],
    ["on a fourth shard, its register landing on the waiter's", 3],
  ])("a name a tx of the next block signs up %s while the transfer waits for the creator: the transfer, needing it too, fails as on one shard", (_, s) => {
    const x = names[6];
    const y = Array.from({ length: 64 }, (_, i) => `later${i}`).find((n) => shardOf(n, N) === s)!;
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(86)])]),
      () => txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, x, "2", ""]), act("token.iost", "transfer", ["iost", PAYER, y, "2", ""])]),
    );
    const signUp = txBy(on(s, 1), [act("auth.iost", "signUp", [y, fakeKey(87), fakeKey(87)])]);
    const { a, b } = both(txs, [signUp]);
    expect(status(a)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect((a.receipts[1] as { message: string }).message).toMatch(new RegExp(`error: invalid account ${y}$`));
    expect(a.next).toEqual(["SUCCESS"]);
    expect(b).toEqual(a);
  });

  it("a contract a tx of the next block deploys on the waiter's shard while the transfer waits for the creator: the call of it after the transfer fails as on one shard", () => {
    const x = names[7];
    const deploy = txBy(on(2, 1), [act("system.iost", "setCode", [contractJson(MAKER, MAKER_ABI)])]);
    const id = "Contract" + txId(deploy);
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(88)])]),
      () => txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, x, "2", ""]), act(id, "put", ["k"])]),
    );
    const { a, b } = both(txs, [deploy]);
    expect(status(a)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect(a.next).toEqual(["SUCCESS"]);
    expect(b).toEqual(a);
  });

  it("a plain transfer, first in its block's pool order, to a name a signUp of its block creates at home on another shard: it fails as on one shard, though its shard learns the name while it waits", () => {
    const y = Array.from({ length: 64 }, (_, i) => `early${i}`).find((n) => shardOf(n, N) === 3)!;
    const txs = ordered(
      () => txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, y, "2", ""])]),
      () => txBy(on(3, 1), [act("auth.iost", "signUp", [y, fakeKey(89), fakeKey(89)])]),
    );
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["RUNTIME_ERROR", "SUCCESS"]);
    expect((a.receipts[0] as { message: string }).message).toMatch(new RegExp(`error: invalid account ${y}$`));
    // The register lands while it waits: a younger tx's, read absent (its directory entry keeps its creator's age).
    expect(b).toEqual(a);
  });

  it("a forwarded part signing a name up that a tx later in its block's pool order signs up at home: the signUp waits for the part and fails with `id existed`, as on one shard", () => {
    const x = Array.from({ length: 64 }, (_, i) => `twice${i}`).find((n) => shardOf(n, N) === 0)!;
    const txs = ordered(
      () => txBy(CALLER, [act(maker, "make", [x, fakeKey(82)])]),
      () => txBy(on(0, 1), [act("auth.iost", "signUp", [x, fakeKey(83), fakeKey(83)])]),
    );
    const { a, b, sent } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect((a.receipts[1] as { message: string }).message).toMatch(new RegExp(`id existed > ${x}$`));
    expect(b).toEqual(a);
    // The signUp asked while the part's tx was undecided at the caller's shard; run again once the part created the
    // name, it fails, creating nothing, and waits no more.
    expect(asksOf(sent, txs[1]).find((r) => r.fromShard === 1)?.undecided).toBe(true);
  });

  it.each([
    ["applied after it", 1, 3],
    ["applied before it", 3, 1],
  ])(
    "a forwarded part signing a name up, a younger tx's forwarded signUp of it %s on the name's shard: the younger fails with `id existed`, as on one shard",
    (_, older, younger) => {
      const x = Array.from({ length: 64 }, (_, i) => `both${older}${i}`).find((n) => shardOf(n, N) === 0)!;
      const txs = ordered(
        () => txBy(on(older, 1), [act(maker, "make", [x, fakeKey(84)])]),
        () => txBy(on(younger, 1), [act("auth.iost", "signUp", [x, fakeKey(85), fakeKey(85)])]),
      );
      const { a, b } = both(txs);
      expect(status(a)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
      expect((a.receipts[1] as { message: string }).message).toMatch(new RegExp(`id existed > ${x}$`));
      expect(b).toEqual(a);
    },
  );

  it("a top-level signUp forwarded to the name's shard, a tx later in its block's pool order signing it up at home there: the later fails with `id existed`, as on one shard", () => {
    const x = Array.from({ length: 64 }, (_, i) => `plain${i}`).find((n) => shardOf(n, N) === 0)!;
    const txs = ordered(
      () => txBy(on(2, 3), [act("auth.iost", "signUp", [x, fakeKey(86), fakeKey(86)])]),
      () => txBy(on(0, 3), [act("auth.iost", "signUp", [x, fakeKey(87), fakeKey(87)])]),
    );
    const { a, b } = both(txs);
    expect(status(a)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect(b).toEqual(a);
  });

  it("a forwarded part two hops away signing a name up that a tx of the next block signs up at home first: the later fails with `id existed`, as on one shard", () => {
    const x = Array.from({ length: 64 }, (_, i) => `next${i}`).find((n) => shardOf(n, N) === 0)!;
    // Through shard 3 first: the part reaches shard 0 two blocks after its tx, after the next block's signUp ran there.
    const { a, b } = both(
      [txBy(CALLER, [act(far, "put", ["n"]), act(maker, "make", [x, fakeKey(88)])])],
      [txBy(on(0, 4), [act("auth.iost", "signUp", [x, fakeKey(89), fakeKey(89)])])],
    );
    expect(status(a)).toEqual(["SUCCESS"]);
    expect(a.next).toEqual(["RUNTIME_ERROR"]);
    expect(b).toEqual(a);
  });

  it("rows: a signUp at home with nothing else in flight: final two blocks after its block, having asked each other shard once", () => {
    const y = Array.from({ length: 64 }, (_, i) => `quiet${i}`).find((n) => shardOf(n, N) === 3)!;
    const { a, b, sent, rows, blocks } = both([txBy(on(3, 1), [act("auth.iost", "signUp", [y, fakeKey(91), fakeKey(91)])])]);
    expect(b).toEqual(a);
    console.log(`a signUp at home: receipts ${JSON.stringify(kinds(sent))}, state rows by shard ${rows.join(", ")}, final after ${blocks[1][0]} blocks`);
    // Its notes (parked, sharding/pending.ts), the asks and answers of one round, its registers once it stands.
    expect(kinds(sent)).toEqual({ pending: N, ask: 2 * (N - 1), register: N - 1 });
    // Each other shard: its note, then the register writing the directory entry and dropping the note (directory.ts
    // applyRegister). Its own: 14 for the signUp, as before creators waited, and 8 for its park (its parked row and
    // their list, its gas lock, its note to itself: written, then dropped).
    expect(rows).toEqual([3, 3, 3, 22]);
    expect(blocks).toEqual([[0], [2]]);
  });

  it("rows: a plain transfer to another shard creates nothing and pays nothing more; a token created at its symbol's shard waits a round", () => {
    const plain = both([txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, CALLER, "2", ""])])]);
    expect(plain.b).toEqual(plain.a);
    // gold's shard is 3, its creator's too: the create parks, asks the others once and stands two blocks later.
    expect(shardOf("gold", N)).toBe(3);
    const made = both([txBy(on(3, 1), [act("token.iost", "create", ["gold", on(3, 1), 1000, { decimal: 0 }])])]);
    expect(made.b).toEqual(made.a);
    console.log(
      `state rows by shard: a plain transfer from shard 2 to 1 ${plain.rows.join(", ")} (${JSON.stringify(kinds(plain.sent))}); a create at its symbol's shard ${made.rows.join(", ")} (${JSON.stringify(kinds(made.sent))}), final after ${made.blocks[1][0]} blocks`,
    );
    // The transfer: its credit and settle, and the rows it wrote before token creates waited (measured on the tree before).
    expect(kinds(plain.sent)).toEqual({ credit: 1, settle: 1 });
    expect(plain.rows).toEqual([0, 1, 7, 0]);
    // The create: one round of asks and answers beside its announces; on its shard 6 rows more than before (13) for its
    // park, the others' rows the announce's as before; final two blocks after its block (in it before).
    expect(kinds(made.sent)).toEqual({ ask: 2 * (N - 1), token: N - 1 });
    expect(made.rows).toEqual([9, 9, 9, 19]);
    expect(made.blocks).toEqual([[0], [2]]);
  });

  it("receipts: a plain call of another shard's contract sends none more; a waiter asks N − 1 shards once, each answering once", () => {
    const { a, b, sent, rows } = both([txBy(CALLER, [act(maker, "put", ["k"])])]);
    expect(b).toEqual(a);
    expect(kinds(sent)).toEqual({ action: 1, settle: 1 });
    const typo = both([txBy(PAYER, [act("token.iost", "transfer", ["iost", PAYER, "nobody7", "2", ""])])]);
    expect(typo.b).toEqual(typo.a);
    expect(kinds(typo.sent)).toEqual({ ask: 2 * (N - 1) });
    console.log(`state rows by shard: a plain call of shard 0's contract from shard 1 ${rows.join(", ")}; a typo of shard 2 ${typo.rows.join(", ")}`);
    // The call writes what it wrote before asks were built (measured on the tree before them: 10 on the caller's shard
    // before its lock had a row of its own, locks.ts lockRow) and the caller's used RAM ("0") by its settle, as one
    // shard's doPay writes it whatever the caller paid; the typo on its own shard only: the shards it asks write nothing.
    expect(rows).toEqual([8, 13, 0, 0]);
    expect([typo.rows[0], typo.rows[1], typo.rows[3]]).toEqual([0, 0, 0]);
    // A symbol found nowhere waits and asks as a name does, final as late, and writes as much.
    const symbol = both([txBy(PAYER, [act("token.iost", "transfer", ["nosuch", PAYER, CALLER, "2", ""])])]);
    expect(symbol.b).toEqual(symbol.a);
    expect(kinds(symbol.sent)).toEqual({ ask: 2 * (N - 1) });
    expect([symbol.rows, symbol.blocks]).toEqual([typo.rows, typo.blocks]);
  });
});

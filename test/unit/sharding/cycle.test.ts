/**
 * Lock wait cycles of calls of another shard's contract (docs/SHARDING.md
 * "Calls of another shard's contract", item 6 _Locks_), in the simulator:
 * a writer whose run at home meets a key another tx in flight locked there
 * (`x-locks`), while that tx's part waits on the callee's shard for the
 * writer's locks. Both txs must finish, as on one shard. And the rings of
 * plain forwarded txs, broken by the parts that give way (locks.ts PART_WAIT).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../../../src/sharding/placement";
import { DEFERRED, LOCKS, PART_WAIT, readLocks } from "../../../src/executor/locks";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { readParked } from "../../../src/sharding/reads";
import { txId } from "../../../src/tx/bytes";
import { poolOrder } from "../../../src/pool";
import type { Tx, TxReceipt } from "../../../src/tx/types";
import { act, fakeKey } from "../executor/helpers";
import { type AbiSpec, contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { ABI as CODE_ABI, BLOCK_TIME, CODE, config, contractShard, delta, freeRam, genesisSupplies, N, on, reads, run, supplyCheck, txBy } from "./workload";

/** Whether tx `a` is older than `b` of the same block: a lower pool key (sharding/age.ts, locks and names alike). */
const olderTx = (a: Tx, b: Tx) => poolOrder(a, txId(a)) < poolOrder(b, txId(b));

/** What one shard's receipt of a tx must equal, block numbers and times aside. */
const pick = ({ statusCode, message, returns, receipts, gasUsage, ramUsage }: TxReceipt) => ({ statusCode, message, returns, receipts, gasUsage, ramUsage });

/** A contract that pays `who` 1 iost from its caller (then maybe has contract `c`, another shard's, write `k`). */
const PAYER = `class Payer {
  init() {}
  go(who, c, k) { blockchain.transfer(tx.publisher, who, "1", ""); blockchain.call(c, "put", [k, "v"]); return "went"; }
  pay(who) { blockchain.transfer(tx.publisher, who, "1", ""); return "paid"; }
}
module.exports = Payer;`;
const PAYER_ABI = [
  { name: "go", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "pay", args: ["string"], amountLimit: [{ token: "iost", val: "100" }] },
];

/** A contract that reads an account's iost balance (of any shard). */
const READER = `class Reader {
  init() {}
  read(who) { return blockchain.call("token.iost", "balanceOf", ["iost", who])[0]; }
}
module.exports = Reader;`;
const READER_ABI = [{ name: "read", args: ["string"] }];

let one: SimChain;
let four: SimChain;
const genesis: Map<string, bigint>[] = [];
/** The payer, on shard 1; the workload's CODE, on shard 2; a payer on each of shards 1 to 3. */
let payer = "";
const payers: Record<number, string> = {};
let store = "";

describe("lock wait cycles of calls of another shard's contract (simulator)", () => {
  beforeAll(async () => {
    await vmReady();
    one = new SimChain(config(), 1);
    four = new SimChain(config(), N);
    genesis.push(genesisSupplies(one), genesisSupplies(four));
    const deploy = (by: string, code: string, abi: AbiSpec[]) => txBy(by, [act("system.iost", "setCode", [contractJson(code, abi)])]);
    const deploys = [
      deploy(on(1, 3), PAYER, PAYER_ABI),
      deploy(on(2, 3), CODE, CODE_ABI),
      deploy(on(2, 4), PAYER, PAYER_ABI),
      deploy(on(3, 0), PAYER, PAYER_ABI),
    ];
    for (const tx of deploys) for (const chain of [one, four]) succeeds(chain, tx);
    [payer, store, payers[2], payers[3]] = deploys.map((tx) => `Contract${txId(tx)}`);
    payers[1] = payer;
    for (const [id, s] of [
      [payer, 1],
      [store, 2],
      [payers[2], 2],
      [payers[3], 3],
    ] as const)
      contractShard.set(id, s);
    // Keys the txs below write, there before them: their RAM does not depend on which writes first.
    for (const chain of [one, four]) for (const k of ["ka", "kb"]) run(chain, txBy(on(2, 3), [act(store, "put", [k, "w"])]));
  }, 120_000);

  it("a writer's run at home meets a key of a tx whose part waits for the writer's locks on the callee's shard: both end as on one shard", () => {
    // A (publisher of shard 1) pays b through the payer and has the store (shard 2) write ka: its run calls another
    // shard's contract, so it locks the store's keys there for writing. B (b, shard 1) pays a third account of
    // shard 1, locking b's balance at home, and has the store write kb: a part forwarded to shard 2.
    const [a, b, c] = [on(1, 0), on(1, 1), on(1, 2)];
    expect([a, b, c].map((x) => shardOf(x, N))).toEqual([1, 1, 1]);
    const A = txBy(a, [act(payer, "go", [b, store, "ka"])]);
    const B = txBy(b, [act("token.iost", "transfer", ["iost", b, c, "1", ""]), act(store, "put", ["kb", "v"])]);
    const seen = race([[A, B]], txId(A), txId(B));
    expect(seen).toEqual({ bWaited: true, aParkedOnB: true, restarts: 1 });
  });

  it("a writer's forwarded part meets a key of a tx whose part waits for its locks on the callee's shard: both end as on one shard", () => {
    // The same, A's call of the payer forwarded from shard 0 (its part parks on shard 1); B runs on shard 1 after it.
    const [a, b, c] = [on(0, 0), on(1, 1), on(1, 2)];
    expect([a, b, c].map((x) => shardOf(x, N))).toEqual([0, 1, 1]);
    const A = txBy(a, [act(payer, "go", [b, store, "ka"])]);
    const B = txBy(b, [act("token.iost", "transfer", ["iost", b, c, "1", ""]), act(store, "put", ["kb", "v"])]);
    const seen = race([[A], [B]], txId(A), txId(B));
    expect(seen).toEqual({ bWaited: true, aParkedOnB: true, restarts: 1 });
  });

  it("a writer's release held while its forwarded part waits on a third shard for the lock of a younger tx whose part waits for the writer's locks: the younger gives way, runs again, and both end as on one shard", () => {
    // W (shard 1) pays b through the payer and has the store (shard 2) write ka: its write locks stay there until
    // its release, held until its tx is decided; then its action pays x3 through shard 3's payer. V (shard 3, two
    // blocks later) pays x3 at home (locked there), then has the store write kb: its part waits on shard 2 for W's
    // locks, W's on shard 3 for V's.
    const [w, b, v, x3] = [on(1, 0), on(1, 1), on(3, 0), on(3, 1)];
    const W = txBy(w, [act(payer, "go", [b, store, "ka"]), act(payers[3], "pay", [x3])]);
    const V = txBy(v, [act("token.iost", "transfer", ["iost", v, x3, "1", ""]), act(store, "put", ["kb", "v"])]);
    const [hw, hv] = [txId(W), txId(V)];
    const [, ran] = asOnOneShard((chain) => {
      const seen = { vWaited: 0, wWaited: 0 };
      const waits = (s: number, hash: string) =>
        (JSON.parse(chain.shards[s].store.get(DEFERRED) ?? "[]") as CrossReceipt[]).some((r) => r.kind === "action" && r.txHash === hash);
      const watch = () => {
        if (chain.shards.length === 1) return;
        if (waits(2, hv)) seen.vWaited++;
        if (waits(3, hw)) seen.wWaited++;
      };
      return { batches: [[W], [], [V]], watch, seen };
    });
    // Both waited at once: V, the younger, gave way after PART_WAIT blocks (its re-run's part waits for W's settle); W
    // waited for V's undo.
    expect(ran.seen.vWaited).toBeGreaterThanOrEqual(PART_WAIT);
    expect(ran.seen.vWaited).toBeLessThan(PART_WAIT + 4);
    expect(ran.seen.wWaited).toBeGreaterThan(0);
  });

  // docs/SHARDING.md "Atomic txs", _Giving way_: no call of another shard's contract needed. Each part waits on the
  // next one's home for the key the next one's home part locked there; the parts meeting an older tx's lock give way,
  // and their txs run again from scratch at home.
  it.each([
    ["two txs of two shards", [1, 2]],
    ["three txs of three shards", [1, 2, 3]],
  ])("%s, each paying at home, then calling a contract of the next one's shard that pays there, in one block: all end as on one shard", (_, ring) => {
    // The tx of shard s pays x_s (an account of s), then has the payer of the next shard pay x of that shard.
    const x = ring.map((s) => on(s, 1));
    const txs = ring.map((s, i) => {
      const [by, next] = [on(s, 0), (i + 1) % ring.length];
      return txBy(by, [act("token.iost", "transfer", ["iost", by, x[i], "1", ""]), act(payers[ring[next]], "pay", [x[next]])]);
    });
    const hashes = txs.map((tx) => txId(tx));
    // The ring's waits: the part of tx i waits for tx i+1's lock; it gives way when that tx is older (one block: a lower pool key).
    const gives = txs.map((tx, i) => olderTx(txs[(i + 1) % ring.length], tx));
    expect(gives).toContain(true);
    const chain = four.fork();
    const check = supplyCheck(genesis[1]);
    const before = reads(chain);
    for (const tx of txs) chain.submit(tx);
    const waiting = ring.map(() => 0);
    let h = 0;
    const rows: number[] = [];
    const ringStart = bytesWritten;
    for (; h < 2 * PART_WAIT + 40 && (h < 4 || !chain.quiet()); h++) {
      rows.push(step(chain));
      check(chain);
      ring.forEach((_, i) => {
        const there = chain.shards[ring[(i + 1) % ring.length]].store;
        if ((JSON.parse(there.get(DEFERRED) ?? "[]") as CrossReceipt[]).some((r) => r.kind === "action" && r.txHash === hashes[i])) waiting[i]++;
      });
    }
    // The parts defer in the second block; waiting, the ring writes no row until one gives way.
    expect(rows.slice(2, PART_WAIT + 1)).toEqual(Array(PART_WAIT - 1).fill(0));
    expect(chain.quiet(), `quiet after ${h} blocks`).toBe(true);
    // Those that gave way waited PART_WAIT blocks (their re-runs' parts wait no more for an older tx in flight);
    // the others, waiting for a younger tx, longer: until its undo.
    expect(waiting.map((n, i) => (gives[i] ? n >= PART_WAIT && n < PART_WAIT + 4 : n > PART_WAIT))).toEqual(ring.map(() => true));
    const receipts = txs.map((tx) => {
      const r = chain.shards[shardOf(tx.publisher, N)].results.get(txId(tx))!;
      expect(r.pending).toBe(0);
      expect(r.failures).toEqual([]);
      return r.receipt!;
    });
    // One shard running them all in one block: the same receipts, and the same state.
    const ref = one.fork();
    const refBefore = reads(ref);
    for (const tx of txs) ref.submit(tx);
    for (let k = 0; k < 4; k++) ref.step({ time: BLOCK_TIME });
    expect(receipts.map((r) => r.statusCode)).toEqual(ring.map(() => "SUCCESS"));
    expect(receipts.map(pick)).toEqual(txs.map((tx) => pick(ref.shards[0].results.get(txId(tx))!.receipt!)));
    expect(delta(before, reads(chain))).toEqual(delta(refBefore, reads(ref)));
    // What a give-way costs: the rows the ring wrote beyond those of the same txs run one after the other (no wait).
    const alone = four.fork();
    let rowsAlone = 0;
    const bytesRing = bytesWritten;
    for (const tx of txs) {
      alone.submit(tx);
      for (let k = 0; k < 4 || !alone.quiet(); k++) rowsAlone += step(alone);
    }
    const extra = rows.reduce((a, b) => a + b, 0) - rowsAlone;
    const gave = gives.filter(Boolean).length;
    const bytes = `${bytesRing - ringStart} bytes, ${bytesWritten - bytesRing} alone`;
    console.log(`ring of ${ring.length}: ${rows.reduce((a, b) => a + b, 0)} rows, ${rowsAlone} alone: ${extra} more, ${gave} gave way; ${bytes}`);
    // The waiting parts' x-deferred rows (written when the waits start and end), and per give-way the home's undo
    // (x-locks, the publisher's balance), its re-run parked a block (its row, the parked list, its gas lock) and the
    // rows its parts write again (docs/SHARDING.md _Giving way_: 15 a give-way measured).
    expect(extra).toBeLessThanOrEqual(2 * ring.length + 18 * gave);
    // x's balance is free again: its own transfer runs.
    const X = txBy(x[0], [act("token.iost", "transfer", ["iost", x[0], on(ring[0], 0), "1", ""])]);
    chain.submit(X);
    for (let k = 0; k < 3; k++) chain.step({ time: BLOCK_TIME });
    expect(chain.shards[ring[0]].results.get(txId(X))?.receipt?.statusCode).toBe("SUCCESS");
  });

  // docs/SHARDING.md "Names a tx may still create": a waiter holds for a name its tx may create until the tx is decided,
  // however long it is in flight (here: a give-way, and a re-run waiting for the older tx's settle).
  it.each([
    ["", false],
    [", first parking at home for a read (so does its re-run after giving way)", true],
  ])(
    "a tx of a ring creating an account%s gives way and is decided more than 32 blocks after its block: a transfer to the account in its block pays it, as on one shard",
    (_, parks) => {
      // T (shard 1) pays x1 at home, has shard 2's payer pay x2, then signs up born (shard 3); U (shard 2, older) pays
      // x2 at home, then has shard 1's payer pay x1. W (shard 0), after T in their block, pays born. With `parks`, T
      // first reads a balance of shard 3 through a reader of its shard.
      const [t, x1, u, x2, w, y3] = [on(1, 0), on(1, 1), on(2, 0), on(2, 1), on(0, 0), on(3, 1)];
      const born = Array.from({ length: 64 }, (_, i) => `ringborn${i}`).find((n) => shardOf(n, N) === 3)!;
      let sharded: SimChain | undefined;
      const [, ran] = asOnOneShard((chain) => {
        const read = parks ? [act(deployReader(chain, on(1, 3)), "read", [y3])] : [];
        // With `parks`, U's part reaches shard 1 through shards 3 and 2: after T's re-run locked x1.
        const via = parks ? [act(payers[3], "pay", [on(3, 0)]), act(payers[2], "pay", [on(2, 2)])] : [];
        const U = txBy(u, [act("token.iost", "transfer", ["iost", u, x2, "1", ""]), ...via, act(payer, "pay", [x1])]);
        // Made after U, T is younger (a later time: src/pool poolOrder).
        const T = txBy(t, [
          ...read,
          act("token.iost", "transfer", ["iost", t, x1, "1", ""]),
          act(payers[2], "pay", [x2]),
          act("auth.iost", "signUp", [born, fakeKey(90), fakeKey(90)]),
          act("gas.iost", "pledge", [t, born, "10"]),
        ]);
        expect(olderTx(U, T)).toBe(true);
        // Two transfers, no plain one (src/pool poolOrder): it runs after T, made before it, as one chain runs it.
        const W = txBy(
          w,
          [0, 1].map(() => act("token.iost", "transfer", ["iost", w, born, "1", ""])),
        );
        const seen = { waited: 0, tWaited: 0 };
        const watch = () => {
          if (chain.shards.length === 1) return;
          sharded = chain;
          if (chain.shards[0].results.get(txId(W))?.pending) seen.waited++;
          const deferred = JSON.parse(chain.shards[2].store.get(DEFERRED) ?? "[]") as CrossReceipt[];
          if (deferred.some((r) => r.kind === "action" && r.txHash === txId(T))) seen.tWaited++;
        };
        return { batches: [[U, T, W]], watch, seen };
      });
      // T's part waited PART_WAIT blocks for U's lock and gave way; W waited for T all along, past any bound of 16.
      expect(ran.seen.tWaited).toBeGreaterThanOrEqual(PART_WAIT);
      expect(ran.seen.waited).toBeGreaterThan(PART_WAIT);
      expect(sharded!.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith("x-pending-")))).toEqual([]);
    },
  );

  it("a tx of a ring whose contract's code signs up an account at home waits, creating it, for the older tx of the ring, and its re-run does not sign it up: a transfer to the account in its block fails as on one shard, and no note stays", () => {
    // MAKER signs `name` up when `who`'s balance is `was`. T (shard 1) has it sign born (shard 1) up while x1 holds
    // `was`, pays x1, then has shard 2's payer pay x2; U (shard 2, older) pays x2, then has shard 1's payer pay x1. One
    // chain runs U first: x1 holds more, so T signs nobody up. Four shards ran T first (born noted to shards 0, 2, 3) and
    // T's part gave way to U until a run creating a name waited for older txs that may create one (creators).
    const [t, x1, u, x2, w] = [on(1, 0), on(1, 1), on(2, 0), on(2, 1), on(0, 0)];
    const born = Array.from({ length: 64 }, (_, i) => `goneborn${i}`).find((n) => shardOf(n, N) === 1)!;
    const MAKER = `class Maker {
  init() {}
  mk(name, who, was) {
    if (blockchain.call("token.iost", "balanceOf", ["iost", who])[0] === was) blockchain.call("auth.iost", "signUp", [name, "${fakeKey(90)}", "${fakeKey(90)}"]);
    return "made";
  }
}
module.exports = Maker;`;
    // One deploy for both chains: its id's base58 length (43 or 44) is in the gas of every tx naming it.
    const deploy = txBy(on(1, 3), [
      act("system.iost", "setCode", [
        contractJson(MAKER, [{ name: "mk", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "100" }] }]),
      ]),
    ]);
    const results = [one, four].map((base) => {
      const chain = base.fork();
      succeeds(chain, deploy);
      const maker = `Contract${txId(deploy)}`;
      contractShard.set(maker, 1);
      const read = run(chain, txBy(t, [act(deployReader(chain, on(1, 3)), "read", [x1])])).receipt as TxReceipt;
      const was = JSON.parse(read.returns[0])[0] as string;
      const U = txBy(u, [act("token.iost", "transfer", ["iost", u, x2, "1", ""]), act(payer, "pay", [x1])]);
      const T = txBy(t, [act(maker, "mk", [born, x1, was]), act("token.iost", "transfer", ["iost", t, x1, "1", ""]), act(payers[2], "pay", [x2])]);
      expect(olderTx(U, T)).toBe(true);
      const W = txBy(w, [act("token.iost", "transfer", ["iost", w, born, "1", ""])]);
      for (const tx of [U, T, W]) chain.submit(tx);
      let noted = 0;
      let h = 0;
      for (; h < 2 * PART_WAIT + 40 && (h < 6 || !chain.quiet()); h++) {
        chain.step({ time: BLOCK_TIME });
        if (chain.shards.length > 1 && chain.shards[0].store.get(`x-pending-${born}`) !== undefined) noted++;
      }
      expect(chain.quiet(), `quiet on N = ${chain.shards.length} after ${h} blocks`).toBe(true);
      expect(chain.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith("x-pending-")))).toEqual([]);
      const receipts = [U, T, W].map((tx) => pick(chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!.receipt!));
      return { receipts, noted };
    });
    expect(results[0].receipts.map((r) => r.statusCode)).toEqual(["SUCCESS", "SUCCESS", "RUNTIME_ERROR"]);
    expect(results[0].receipts[2].message).toMatch(new RegExp(`error: invalid account ${born}$`));
    expect(results[1].receipts).toEqual(results[0].receipts);
    // T's first run signs born up, so it parks and asks before it holds anything (creators, sharding/asks.ts): U, older,
    // is undecided on shard 2, and T runs after it is decided, signing nobody up. No ring forms, nothing is noted.
    expect(results[1].noted).toBe(0);
  });

  it("a parked part's read waits on a third shard for an older tx whose part waits for the reader's home lock: the reader gives way, runs again, and both end as on one shard", () => {
    // U (shard 3) pays y3 at home (locked there), then has shard 2's payer pay z2, then shard 1's payer pay x1: a chain
    // 3 → 2 → 1. T (shard 1, a block later) pays x1 at home (locked there), then has a reader of shard 2 read y3's
    // balance: its part parks there and its read waits on shard 3 for U's lock, while U's part waits on shard 1 for T's.
    const [u, y3, z2, t, x1] = [on(3, 0), on(3, 1), on(2, 1), on(1, 0), on(1, 1)];
    asOnOneShard((chain) => {
      const reader = deployReader(chain, on(2, 4));
      const U = txBy(u, [act("token.iost", "transfer", ["iost", u, y3, "1", ""]), act(payers[2], "pay", [z2]), act(payer, "pay", [x1])]);
      const T = txBy(t, [act("token.iost", "transfer", ["iost", t, x1, "1", ""]), act(reader, "read", [y3])]);
      return { batches: [[U], [T]] };
    });
  });

  it("a tx parked at its home for a read waiting for an older tx whose part pledges gas for the reader's publisher: the read gives way, the reader gives up its gas lock, and both end as on one shard", () => {
    // U (shard 3) pays y3 at home (locked there), then has shard 2's payer pay z2, then pledges gas for t (shard 1):
    // a chain 3 → 2 → 1. T (t's, a block later) has a reader of its own shard read y3's balance: parked at home, its
    // publisher's gas locked, its read waits on shard 3 for U's lock while U's pledge waits on shard 1 for t's gas.
    const [u, y3, z2, t] = [on(3, 0), on(3, 1), on(2, 1), on(1, 2)];
    const [, ran] = asOnOneShard((chain) => {
      const reader = deployReader(chain, on(1, 3));
      const U = txBy(u, [act("token.iost", "transfer", ["iost", u, y3, "1", ""]), act(payers[2], "pay", [z2]), act("gas.iost", "pledge", [u, t, "10"])]);
      const T = txBy(t, [act(reader, "read", [y3])]);
      return { batches: [[U], [T]] };
    });
    expect(ran.blocks).toBeGreaterThan(PART_WAIT);
  });

  // docs/SHARDING.md _Giving way_: a half deciding its tx keeps the shard that sent it locked (the home, or a chain's
  // last part: locks.ts Relay.half); U's part waits there for that lock while the half waits for U's.
  it.each([
    ["at its home", false],
    ["by a chain's last part", true],
  ])(
    "a credit's half decided %s waits for an older tx whose part waits for that tx's home lock: the half gives way, the tx runs again, and both end as on one shard",
    (_, chained) => {
      // U (shard 2) pays iost to the payer of shard 2 (a contract: its balance locked there), then has shard 3's payer
      // pay w3, then shard 1's payer pay x1: a chain 2 → 3 → 1. T (shard 1, a block later) pays x1 at home, then (maybe
      // from shard 3, after its payer paid v3 there) iost to shard 2's payer: its credit's half may charge T's publisher
      // RAM, so it decides T, whose home or last part stays locked until it settles. The half waits on shard 2 for U's
      // lock while U's part waits on shard 1 for T's.
      const [u, w3, t, x1, v3] = [on(2, 0), on(3, 0), on(1, 0), on(1, 1), on(3, 1)];
      const c2 = payers[2];
      const U = txBy(u, [act("token.iost", "transfer", ["iost", u, c2, "1", ""]), act(payers[3], "pay", [w3]), act(payer, "pay", [x1])]);
      const T = txBy(t, [
        act("token.iost", "transfer", ["iost", t, x1, "1", ""]),
        ...(chained ? [act(payers[3], "pay", [v3])] : []),
        act("token.iost", "transfer", ["iost", t, c2, "1", ""]),
      ]);
      const [, ran] = asOnOneShard(() => ({ batches: [[U], [T]] }));
      expect(ran.blocks).toBeGreaterThan(PART_WAIT);
    },
  );

  // docs/SHARDING.md "Not done yet", _Settles that never give way_: the closest case of that ring ends, because the
  // first tx's escrow locks what the second tx's home part needs. (Older by hash, the second tx was the older before
  // locks kept the pool key; of one shard and one block, the one run first is the older now.)
  it("a settle moving its publisher's pledgers' order, with a tx of a co-signer unpledging for that pledger in the same block: the co-signer's tx waits for the settle, both end as on one shard", () => {
    // p (shard 1) pledged for y1 (its shard) and o0 (shard 0): its pledgers' order is kept at home. In one block T
    // (p's, run first) pays x1 at home, then pledges for u2 (shard 2): its settle moves p's order at home. U (q's,
    // co-signed by p, run second) unpledges p's pledge for y1 (p's order rewritten at home), then pays
    // through shards 2 and 3 and pays x1 on shard 1. Were U's home part to run before T's settle, its part would
    // wait for T's lock on x1 and T's settle for U's on p's order; but the unpledge's refund, frozen for p, is paid
    // from p's RAM, which T's escrow took out and locked: U waits in the pool.
    const [p, q, y1, o0, u2, x1, z2, w3] = [on(1, 5), on(1, 6), on(1, 4), on(0, 1), on(2, 1), on(1, 1), on(2, 2), on(3, 1)];
    const T = txBy(p, [act("token.iost", "transfer", ["iost", p, x1, "1", ""]), act("gas.iost", "pledge", [p, u2, "10"])]);
    const U = txBy(q, [act("gas.iost", "unpledge", [p, y1, "10"]), act(payers[2], "pay", [z2]), act(payers[3], "pay", [w3]), act(payer, "pay", [x1])], {
      signers: [p],
    });
    const [alone, sharded] = asOnOneShard((chain) => {
      for (const tx of [txBy(p, [act("gas.iost", "pledge", [p, y1, "20"])]), txBy(p, [act("gas.iost", "pledge", [p, o0, "10"])])]) succeeds(chain, tx);
      const home = chain.shards[shardOf(p, chain.shards.length)];
      const seen = { T: 0, U: 0 };
      const watch = (h: number) => {
        if (!seen.T && home.results.has(txId(T))) seen.T = h + 1;
        if (!seen.U && home.results.has(txId(U))) seen.U = h + 1;
      };
      return { batches: [[T, U]], watch, seen };
    });
    // On one shard both run in the first block; on four U's home part runs once T's settle unlocked p's RAM.
    expect(alone.seen).toEqual({ T: 1, U: 1 });
    expect(sharded.seen.T).toBe(1);
    expect(sharded.seen.U).toBeGreaterThan(2);
  });

  it("a co-signer with no free RAM whose records one tx's part and a later tx's home part free in one block: the settle handing c's RAM back waits for no one, both end as on one shard", () => {
    // c (shard 1) stored a record in a contract of shard 1 and one in the store (shard 2), then sold all its free RAM.
    // In one block T (t's, run first, co-signed by c) pays x1 at home, then has the store shrink c's record: its part
    // frees c's RAM on shard 2, which its settle hands back at home. U (q's, co-signed by c, run second)
    // shrinks c's record on shard 1 at home, then pays through shards 2 and 3 and pays x1 on shard 1. U's home part
    // frees c's RAM into its own escrow (handed back by its settle), so it locks none of c's RAM at home: T's settle
    // does not wait, U's part waits for T's lock on x1 until then, and both end.
    const [t, q, c, x1, z2, w3] = [on(1, 0), on(1, 6), on(1, 7), on(1, 1), on(2, 2), on(3, 1)];
    // One deploy for both chains: the contract's id (and its keys) the same.
    const deploy = txBy(on(1, 3), [act("system.iost", "setCode", [contractJson(CODE, CODE_ABI)])]);
    const store1 = `Contract${txId(deploy)}`;
    contractShard.set(store1, 1);
    const stored = [txBy(c, [act(store1, "theirs", [c, "x".repeat(200)])]), txBy(c, [act(store, "theirs", [c, "x".repeat(200)])])];
    const runs = asOnOneShard((chain) => {
      for (const tx of [deploy, ...stored]) succeeds(chain, tx);
      sellAllRam(chain, c);
      const T = txBy(t, [act("token.iost", "transfer", ["iost", t, x1, "1", ""]), act(store, "theirs", [c, ""])], { signers: [c] });
      const U = txBy(q, [act(store1, "theirs", [c, ""]), act(payers[2], "pay", [z2]), act(payers[3], "pay", [w3]), act(payer, "pay", [x1])], { signers: [c] });
      const seen = { handed: false };
      const watch = () => {
        seen.handed ||= chain.inFlight().some((r) => r.kind === "settle" && r.txHash === txId(T) && BigInt(r.signerRam?.[c] ?? "0") > 0n);
      };
      return { batches: [[T, U]], watch, seen };
    });
    expect(runs.map((r) => r.seen.handed)).toEqual([false, true]);
  });

  it("a settle handing back RAM of a co-signer that had none, given RAM and charged by another tx's relaying part meanwhile, whose next part waits for the settle's tx: the co-signer's RAM stays locked for the settle, both end as on one shard", () => {
    // c (shard 1) stored a record in the store (shard 2), then sold all its free RAM. In one block T (t's, co-signed by
    // c) pays x1 at home, escrowing none of c's RAM (it has none), then has the store shrink c's record: its part frees
    // c's RAM, which its settle hands back at home. W lends c RAM after T. U (of shard 2, co-signed by c, run after
    // it) has a contract of shard 1 store a record paid by c, then shard 3's payer pay w3, then shard 1's payer pay
    // x1. Were c's RAM not locked for T, U's part on shard 1 would take it as escrow (locked, relaying on), T's settle
    // wait for it and U's last part for T's lock on x1, for good; locked, U's part waits for T's settle.
    const [t, w, c, x1, u, w3] = [on(1, 0), on(1, 6), on(1, 7), on(1, 1), on(2, 3), on(3, 1)];
    const deploy = txBy(on(1, 3), [act("system.iost", "setCode", [contractJson(CODE, CODE_ABI)])]);
    const store1 = `Contract${txId(deploy)}`;
    contractShard.set(store1, 1);
    const stored = txBy(c, [act(store, "theirs", [c, "x".repeat(200)])]);
    // One shard runs T first, freeing c's RAM for U: T is the older now (an earlier time, src/pool poolOrder), and U's part,
    // were it to take c's RAM, would wait for an older tx and give way; older by hash before, U's part waited for good.
    const T = txBy(t, [act("token.iost", "transfer", ["iost", t, x1, "1", ""]), act(store, "theirs", [c, ""])], { signers: [c] });
    const U = txBy(u, [act(store1, "theirs", [c, "x".repeat(50)]), act(payers[3], "pay", [w3]), act(payer, "pay", [x1])], { signers: [c] });
    const W = txBy(w, [act("ram.iost", "lend", [w, c, 500])]);
    asOnOneShard((chain) => {
      for (const tx of [deploy, stored]) succeeds(chain, tx);
      sellAllRam(chain, c);
      // W waits for T's lock on c's RAM and lands after U's part there: one shard runs T, U, W (only the order differs).
      return { batches: [[T, U, W]] };
    });
  });

  it("the same on a relaying shard: a co-signer of the relay with no RAM given some and charged by another tx's relaying part, whose next part waits for the settle's tx: locked for the relay's settle, both end as on one shard", () => {
    // c (shard 1) stored a record in the store (shard 2), then sold all its free RAM. T (of shard 0, co-signed by c)
    // pays x0 at home, then has shard 1's payer pay v1 (relaying there: c's RAM escrowed at 0), then has the store
    // shrink c's record (its settle hands c's RAM back on shard 1). U (of shard 3, same block) has shard 2's
    // payer pay z2, then a contract of shard 1 store a record paid by c, then shard 0's payer pay x0. W (shard 1, a
    // block later) lends c RAM before U's part reaches shard 1; U's part there would take it and relay on, T's settle
    // wait for it and U's last part for T's lock on x0.
    const [t, x0, v1, w, c, u, z2] = [on(0, 0), on(0, 1), on(1, 2), on(1, 6), on(1, 7), on(3, 1), on(2, 2)];
    const deploys = [
      txBy(on(1, 3), [act("system.iost", "setCode", [contractJson(CODE, CODE_ABI)])]),
      txBy(on(0, 2), [act("system.iost", "setCode", [contractJson(PAYER, PAYER_ABI)])]),
    ];
    const [store1, payer0] = deploys.map((tx) => `Contract${txId(tx)}`);
    contractShard.set(store1, 1);
    contractShard.set(payer0, 0);
    const stored = txBy(c, [act(store, "theirs", [c, "x".repeat(200)])]);
    // T first, as above: the older now.
    const T = txBy(t, [act("token.iost", "transfer", ["iost", t, x0, "1", ""]), act(payer, "pay", [v1]), act(store, "theirs", [c, ""])], { signers: [c] });
    const U = txBy(u, [act(payers[2], "pay", [z2]), act(store1, "theirs", [c, "x".repeat(50)]), act(payer0, "pay", [x0])], { signers: [c] });
    const W = txBy(w, [act("ram.iost", "lend", [w, c, 500])]);
    asOnOneShard((chain) => {
      for (const tx of [...deploys, stored]) succeeds(chain, tx);
      sellAllRam(chain, c);
      return { batches: [[T, U], [W]] };
    });
  });

  it("a chain's last part gives way to an older tx: undone on its relay too, the tx runs again, and both end as on one shard", () => {
    // U (shard 2) pays x2 at home (locked there), then has shard 3's payer pay w3, then shard 1's payer pay x1: a chain
    // 2 → 3 → 1. T (shard 1, a block later) pays x1 at home (locked there), then has shard 3's payer pay v0, an account
    // of shard 0 (a credit carried on from its relay), then shard 2's payer pay x2: a chain 1 → 3 → 2, whose last
    // part waits on shard 2 for U's lock while U's part waits on shard 1 for T's.
    const [u, x2, w3, t, x1, v0] = [on(2, 0), on(2, 1), on(3, 1), on(1, 0), on(1, 1), on(0, 1)];
    const U = txBy(u, [act("token.iost", "transfer", ["iost", u, x2, "1", ""]), act(payers[3], "pay", [w3]), act(payer, "pay", [x1])]);
    const T = txBy(t, [act("token.iost", "transfer", ["iost", t, x1, "1", ""]), act(payers[3], "pay", [v0]), act(payers[2], "pay", [x2])]);
    const [, ran] = asOnOneShard(() => ({ batches: [[U], [T]] }));
    expect(ran.blocks).toBeGreaterThan(PART_WAIT);
  });
});

/** What a run of `asOnOneShard` saw: the blocks it ran, and what its `watch` noted. */
type Ran<S> = { blocks: number; seen: S };

/**
 * Runs txs on a fork of one shard's chain and of four shards': `prepare` readies each fork and names its txs
 * (`batches[h]` submitted before block h) and what to note after each block (`watch`, into `seen`); steps until
 * quiet (6 blocks at least, 2 PART_WAIT + 40 at most), each block's supplies checked. Every tx must settle without
 * failures and succeed, and four shards end with one shard's receipts and state changes. Returns what each run saw,
 * one shard's first.
 */
function asOnOneShard<S = undefined>(prepare: (chain: SimChain) => { batches: Tx[][]; watch?: (h: number) => void; seen?: S }): Ran<S>[] {
  const results = [one, four].map((base, i) => {
    const chain = base.fork();
    const { batches, watch, seen } = prepare(chain);
    const check = supplyCheck(genesis[i]);
    const before = reads(chain);
    let h = 0;
    for (; h < 2 * PART_WAIT + 40 && (h < 6 || !chain.quiet()); h++) {
      for (const tx of batches[h] ?? []) chain.submit(tx);
      chain.step({ time: BLOCK_TIME });
      check(chain);
      watch?.(h);
    }
    expect(chain.quiet(), `quiet on N = ${chain.shards.length} after ${h} blocks`).toBe(true);
    const receipts = batches.flat().map((tx) => {
      const r = chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!;
      expect([r.pending, r.failures]).toEqual([0, []]);
      return pick(r.receipt!);
    });
    return { receipts, changed: delta(before, reads(chain)), ran: { blocks: h, seen: seen as S } };
  });
  expect(results[0].receipts.map((r) => r.statusCode)).toEqual(results[0].receipts.map(() => "SUCCESS"));
  expect(results[1].receipts).toEqual(results[0].receipts);
  expect(results[1].changed).toEqual(results[0].changed);
  return results.map((r) => r.ran);
}

/** Runs `tx` alone on `chain`, which must succeed. */
function succeeds(chain: SimChain, tx: Tx) {
  expect((run(chain, tx).receipt as { statusCode: string }).statusCode).toBe("SUCCESS");
}

/** Has `who` sell all its free RAM on `chain`. */
function sellAllRam(chain: SimChain, who: string) {
  succeeds(chain, txBy(who, [act("ram.iost", "sell", [who, who, Number(freeRam(chain, who))])]));
  expect(freeRam(chain, who)).toBe(0n);
}

/** One deploy tx per deployer for every chain of this file: the reader's id, and with it the length of every tx naming
 *  it (and its gas), the same on N = 1 and N = 4 whatever the shared tx counter stands at. */
const readerDeploys = new Map<string, Tx>();

/** Deploys a READER by `by` on `chain`; returns its id, placed on `by`'s shard. */
function deployReader(chain: SimChain, by: string): string {
  const deploy = readerDeploys.get(by) ?? readerDeploys.set(by, txBy(by, [act("system.iost", "setCode", [contractJson(READER, READER_ABI)])])).get(by)!;
  succeeds(chain, deploy);
  const reader = `Contract${txId(deploy)}`;
  contractShard.set(reader, shardOf(by, N));
  return reader;
}

/** Bytes of the rows `step` wrote so far (key and value; a deleted row's key): what they add to the block log. */
let bytesWritten = 0;

/** Steps `chain` one block; returns the state rows written in it (changed, added or deleted), on every shard. */
function step(chain: SimChain): number {
  const snap = chain.shards.map((s) => new Map(s.store.keys().map((k) => [k, s.store.get(k)])));
  chain.step({ time: BLOCK_TIME });
  let rows = 0;
  chain.shards.forEach((x, i) => {
    for (const k of new Set([...x.store.keys(), ...snap[i].keys()])) {
      const v = x.store.get(k);
      if (v === snap[i].get(k)) continue;
      rows++;
      bytesWritten += k.length + (v?.length ?? 0);
    }
  });
  return rows;
}

/**
 * Runs `batches` (one per block, from the next) to their final receipts on both chains, each block's supplies
 * checked, and compares them: receipts and reads as one shard's; events too, but the two txs' interleave in the
 * order they end (latency). Returns what was seen on four shards: B's forwarded part waiting on shard 2, A parked
 * while B's lock is on shard 1, and the blocks in which A, still parked, released its locks (its restarts).
 */
function race(batches: Tx[][], hashA: string, hashB: string) {
  const seen = { bWaited: false, aParkedOnB: false, restarts: 0 };
  const results = [one, four].map((chain, i) => {
    const check = supplyCheck(genesis[i]);
    const before = reads(chain);
    const events: unknown[] = [];
    const txs = batches.flat();
    for (let h = 0; h < PART_WAIT + 40 && (h < 4 || h < batches.length || !chain.quiet()); h++) {
      for (const tx of batches[h] ?? []) chain.submit(tx);
      chain.step({ time: BLOCK_TIME });
      check(chain);
      for (const s of chain.shards) events.push(...(s.posted.get(chain.height) ?? []));
      if (chain !== four) continue;
      const deferred = JSON.parse(chain.shards[2].store.get(DEFERRED) ?? "[]") as CrossReceipt[];
      if (deferred.some((r) => r.kind === "action" && r.txHash === hashB)) seen.bWaited = true;
      const parked = chain.shards.some((s) => readParked(s.store).some((p) => p.txHash === hashA));
      if (parked && readLocks(chain.shards[1].store.get(LOCKS))[hashB] !== undefined) seen.aParkedOnB = true;
      if (parked && chain.inFlight().some((r) => r.kind === "release" && r.txHash === hashA)) seen.restarts++;
    }
    const receipts = txs.map((tx) => {
      const r = chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx));
      expect(r?.pending, `${txId(tx)} settled on N = ${chain.shards.length}`).toBe(0);
      const { statusCode, message, returns, receipts, gasUsage, ramUsage } = r!.receipt!;
      return { statusCode, message, returns, receipts, gasUsage, ramUsage };
    });
    return { receipts, changed: delta(before, reads(chain)), events: events.map((e) => JSON.stringify(e)).sort() };
  });
  expect(results[0].receipts.map((r) => r.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
  expect(results[1]).toEqual(results[0]);
  return seen;
}

describe("a give-way's fields from a stranger (receipts.ts checkReceipt)", () => {
  const hash = "9".repeat(44);
  const settle = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    id: `${hash}:0:settle`,
    kind: "settle",
    txHash: hash,
    fromShard: 2,
    toShard: 1,
    token: "iost",
    account: on(1, 0),
    counterpart: "",
    amount: "100",
    message: `lock wait: m-token.iost-TBx-iost on shard 2 is locked by tx ${"1".repeat(44)}, in flight, which is older; this part gave way after ${PART_WAIT} blocks`,
    result: { gasReserved: 10, gasUsed: 0, gasRatio: "100", returns: [], receipts: [], ramUsage: {} },
    gaveWay: true,
    ...o,
  });
  const read = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    id: `${hash}:read.${hash}.1.2`,
    kind: "read",
    txHash: hash,
    fromShard: 1,
    toShard: 2,
    token: "",
    account: hash,
    counterpart: "",
    amount: "0",
    message: "",
    keys: ["b-ContractZ-k"],
    write: true,
    at: "9",
    ord: poolOrder({ actions: [], gasRatio: 100n, time: 1n } as unknown as Tx, hash),
    ...o,
  });
  const values = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...read(),
    id: `${hash}:read.${hash}.1.2:values`,
    kind: "values",
    fromShard: 2,
    toShard: 1,
    keys: undefined,
    write: undefined,
    at: undefined,
    ord: undefined,
    busy: true,
    gaveWay: true,
    ...o,
  });
  const now = { number: 10n, time: 1n };

  it("the shapes a shard sends pass", () => {
    const half = settle({ result: { ...settle().result!, gasReserved: 0, credit: { publisher: on(1, 0), reserved: "0" } } });
    for (const r of [settle(), half, read(), read({ write: undefined }), values()]) expect(() => checkReceipt(r, N, undefined, now)).not.toThrow();
  });

  it.each([
    ["a settle that gave way without failing", settle({ message: "" })],
    ["a gaveWay that is not true", settle({ gaveWay: "yes" as unknown as true })],
    ["a credit that gave way", { ...settle(), kind: "credit", result: undefined } as CrossReceipt],
    ["a credit's half deciding nothing that gave way", settle({ result: { ...settle().result!, credit: { publisher: on(1, 0) } } })],
    ["a deciding half that gave way without failing", settle({ message: "", result: { ...settle().result!, credit: { publisher: on(1, 0), reserved: "0" } } })],
    ["an age on values", values({ at: "9" })],
    ["values that gave way with values", values({ busy: undefined, values: [["b-ContractZ-k", null]] })],
    ["a read's age that is no height", read({ at: "-1" })],
    ["a read's age that is a number", read({ at: 9 as unknown as string })],
    ["a read's age of this block or later", read({ at: "10" })],
    ["a read's height without its pool key", read({ ord: undefined })],
    ["a read's pool key without its height", read({ at: undefined })],
    ["a read's pool key of another tx", read({ ord: poolOrder({ actions: [], gasRatio: 100n, time: 1n } as unknown as Tx, "1".repeat(44)) })],
  ])("%s is refused", (_, r) => {
    expect(() => checkReceipt(r, N, undefined, now)).toThrow(ReceiptRefused);
  });
});

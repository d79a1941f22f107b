/**
 * The lock rows (src/executor/locks.ts, docs/SHARDING.md "Atomic txs", _Cost_): `x-locks` keeps each in-flight
 * tx's age and locked keys, and each tx's undo values, held receipts and Redo live in a row of its own, written
 * when it starts holding and deleted when it is decided. So a lock change writes its own tx's bytes and a small
 * entry, however many txs are in flight and however large they are.
 */
import { describe, expect, it } from "vitest";
import { type LockEntry, LOCKS, lockAlso, lockEntry, lockOwners, lockRow, lockTx, readLocks, setLock, unlockTx } from "../../../src/executor/locks";
import type { CrossReceipt } from "../../../src/sharding/receipts";
import type { PledgeMove } from "../../../src/sharding/pledges";
import { Decimal } from "../../../src/amount";
import { GAS_DECIMAL, gasAtTime, readGas } from "../../../src/contracts/gas";
import { MemoryStore } from "../../../src/state/memory-store";
import { ContractDB, encodeValue, fixed, int } from "../../../src/state/storage";
import { State, type WriteSet } from "../../../src/state/state";

const BLOCK = { number: "10", time: "1700000000000000000", parentHash: "p", witness: "w" };
/** The base64 bytes of the largest tx (64 KiB). */
const BIG_TX = "A".repeat(87_384);
const hashOf = (i: number) => `TX${String(i).padStart(42, "0")}`;
/** Tx `hash`'s age in BLOCK: its height and a pool key of a tx of one action (src/pool poolOrder: 104 characters for a 32-byte hash). */
const ageOf = (hash: string): [string, string] => [BLOCK.number, `1|00000000|0999900|${BLOCK.time.padStart(20, "0")}|${hash.padEnd(64, "0")}`];
/** The publisher's gas stock, which the charge writes. */
const gasKey = (pub: string) => `b-gas.iost-${pub}gs`;
const balance = (pub: string) => `m-token.iost-TB${pub}-iost`;

/** Tx `hash` of `pub` writes its gas and balance and locks them, keeping its bytes `tx` for a re-run. Returns the chunk's writes. */
function lock(store: MemoryStore, hash: string, pub: string, tx = "AAAA"): WriteSet {
  const state = new State(store);
  state.checkpoint();
  state.put(gasKey(pub), `gas-after-${hash}`);
  state.put(balance(pub), `bal-after-${hash}`);
  const held: CrossReceipt[] = [
    { id: `${hash}:0`, kind: "burn", txHash: hash, fromShard: 1, toShard: 0, token: "iost", account: pub, counterpart: "", amount: "1", message: "" },
  ];
  lockTx(state, hash, pub, ageOf(hash), held, undefined, undefined, { tx, block: BLOCK });
  state.release();
  return state.commit();
}

function unlock(store: MemoryStore, hash: string, ok: boolean): { writes: WriteSet; out: ReturnType<typeof unlockTx> } {
  const state = new State(store);
  const out = unlockTx(state, hash, ok);
  return { writes: state.commit(), out };
}

const bytes = (ws: WriteSet) => ws.reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);

describe("lock rows", () => {
  it("with txs of 64 KiB in flight, a lock change writes its own tx's row and a small entry of the shared one, not every tx's bytes", () => {
    const store = new MemoryStore();
    const inFlight = 10;
    for (let i = 0; i < inFlight; i++) lock(store, hashOf(i), `pub${i}`, BIG_TX);
    // What one row of every tx's whole entry (before the split) rewrote at each lock change.
    const whole = JSON.stringify(Object.fromEntries(Object.keys(readLocks(store.get(LOCKS))).map((h) => [h, lockEntry(store, h)])));
    const small = lock(store, hashOf(inFlight), "late");
    const done = unlock(store, hashOf(inFlight), true);
    console.log(
      `${inFlight} txs of 64 KiB in flight: one row of every entry ${whole.length} bytes; a small tx's lock writes ${small.length} rows, ${bytes(small)} bytes, its settle ${done.writes.length} rows, ${bytes(done.writes)} bytes; x-locks ${store.get(LOCKS)!.length} bytes`,
    );
    expect(whole.length).toBeGreaterThan(inFlight * BIG_TX.length);
    // The shared row, its own row, the two keys it wrote; then the shared row and its row's deletion.
    expect(small.map(([k]) => k).sort()).toEqual([LOCKS, balance("late"), gasKey("late"), lockRow(hashOf(inFlight))].sort());
    expect(done.writes.map(([k, v]) => [k, v === null])).toEqual([
      [lockRow(hashOf(inFlight)), true],
      [LOCKS, false],
    ]);
    // Each entry of the shared row: a hash, an age (a height and a pool key) and the tx's keys, about 290 bytes here.
    expect(store.get(LOCKS)!.length).toBeLessThan(inFlight * 300);
    // The shared row twice, the tx's own row and keys: about 5.6 KB with eleven txs in flight, each age 105 bytes of it.
    expect(bytes(small) + bytes(done.writes)).toBeLessThan(6 * 1024);
  });

  it("the settles put back what failed txs wrote and hand back their held receipts and Redo; the last one leaves no row", () => {
    const store = new MemoryStore();
    store.put(balance("a"), "bal-before");
    lock(store, hashOf(1), "a", BIG_TX);
    lock(store, hashOf(2), "b");
    expect(lockOwners(readLocks(store.get(LOCKS)))).toEqual(
      new Map([
        [balance("a"), hashOf(1)],
        [gasKey("a"), hashOf(1)],
        [balance("b"), hashOf(2)],
        [gasKey("b"), hashOf(2)],
      ]),
    );
    const failed = unlock(store, hashOf(1), false).out;
    expect(failed.redo).toMatchObject({ tx: BIG_TX, block: BLOCK, gas: [[gasKey("a"), null]] });
    // A failed tx keeps its gas; its other writes are undone.
    expect([store.get(balance("a")), store.get(gasKey("a")), store.get(lockRow(hashOf(1)))]).toEqual(["bal-before", `gas-after-${hashOf(1)}`, undefined]);
    const stood = unlock(store, hashOf(2), true).out;
    expect(stood.held.map((r) => r.id)).toEqual([`${hashOf(2)}:0`]);
    expect(store.get(balance("b"))).toBe(`bal-after-${hashOf(2)}`);
    expect(store.keys().filter((k) => k.startsWith("x-"))).toEqual([]);
  });

  // docs/SHARDING.md "Pledges across shards": a pledger's moves of one tx reach its order in one receipt, in order.
  it("a held release moving a pledger's fields takes the later parts' moves of that pledger after its own as the tx stands, none when it failed", () => {
    const release = (to: number, o: Partial<CrossReceipt>): CrossReceipt => ({
      id: `${hashOf(3)}:release.${hashOf(3)}.1.${to}`,
      kind: "release",
      txHash: hashOf(3),
      fromShard: 1,
      toShard: to,
      token: "",
      account: hashOf(3),
      counterpart: "",
      amount: "0",
      message: "",
      ...o,
    });
    const later: PledgeMove[] = [
      ["fern", "card", false],
      ["dora", "card", true],
      ["fern", "moss", true],
    ];
    const settled = (ok: boolean) => {
      const state = new State(new MemoryStore());
      lockTx(state, hashOf(3), "a", ageOf(hashOf(3)), [release(2, { pledges: [["fern", "card", true]] }), release(3, { writes: [["b-Cz-a", null]] })]);
      return unlockTx(state, hashOf(3), ok, [], later).held.map((r) => r.pledges);
    };
    // dora's moves are another release's (its own part's, or one of a part before), not this one's.
    expect(settled(true)).toEqual([
      [
        ["fern", "card", true],
        ["fern", "card", false],
        ["fern", "moss", true],
      ],
      undefined,
    ]);
    expect(settled(false)).toEqual([undefined, undefined]);
  });

  it("a failed tx that pledged for its publisher puts its gas records back and charges them again, as one shard charges a failed tx", () => {
    const store = new MemoryStore();
    const key = (f: string) => `b-gas.iost-a${f}`;
    const was = { gt: new Decimal(1000n, 0), gl: new Decimal(3_000_000n, 0), gs: new Decimal(500_000n, 0) };
    for (const [f, v] of Object.entries(was)) store.put(key(f), encodeValue(fixed(v.rescale(GAS_DECIMAL)), "gas.iost"));
    store.put(key("gu"), encodeValue(int(BigInt(BLOCK.time) - 10n ** 9n), "gas.iost"));
    const before = readGas(new ContractDB(new State(store)), "a");
    const state = new State(store);
    state.checkpoint();
    // The pledge raised the total and the limit and gave gas; doPay charged 2,000 gas of it.
    state.put(key("gt"), encodeValue(fixed(new Decimal(1005n, 0).rescale(GAS_DECIMAL)), "gas.iost"));
    state.put(key("gl"), encodeValue(fixed(new Decimal(3_015_000n, 0).rescale(GAS_DECIMAL)), "gas.iost"));
    state.put(key("gs"), encodeValue(fixed(new Decimal(498_000n, 0).rescale(GAS_DECIMAL)), "gas.iost"));
    const paid = new Decimal(2000n, 0).rescale(GAS_DECIMAL);
    lockTx(state, hashOf(1), "a", ageOf(hashOf(1)), [], undefined, undefined, undefined, { gas: paid.value, time: BigInt(BLOCK.time) });
    state.release();
    state.commit();
    unlock(store, hashOf(1), false);
    const after = readGas(new ContractDB(new State(store)), "a");
    expect([after.pledgeTotal, after.limit]).toEqual([before.pledgeTotal, before.limit]);
    expect(after.stock).toEqual(gasAtTime(before, BigInt(BLOCK.time)).sub(paid));
    expect(after.updateTime).toBe(BigInt(BLOCK.time));
  });

  it("a failed tx that changed no gas limit keeps its charged gas records as they are", () => {
    const store = new MemoryStore();
    lock(store, hashOf(1), "a");
    expect(lockEntry(store, hashOf(1))?.gas).toBeUndefined();
    unlock(store, hashOf(1), false);
    expect(store.get(gasKey("a"))).toBe(`gas-after-${hashOf(1)}`);
  });

  it("a tx back on a shard stacks a frame in its own row; keys it also locks (lockAlso) join the shared row", () => {
    const store = new MemoryStore();
    lock(store, hashOf(1), "a");
    const state = new State(store);
    state.checkpoint();
    state.put("m-token.iost-TBother-iost", "x");
    lockTx(state, hashOf(1), "a", ageOf(hashOf(1)), []);
    lockAlso(state, hashOf(1), ["m-token.iost-TBsigner-ram"]);
    state.release();
    state.commit();
    expect(readLocks(store.get(LOCKS))[hashOf(1)].keys).toEqual([gasKey("a"), balance("a"), "m-token.iost-TBother-iost", "m-token.iost-TBsigner-ram"]);
    expect(lockEntry(store, hashOf(1))?.outer).toHaveLength(1);
    // The later frame pops first: the earlier one's keys stay locked.
    unlock(store, hashOf(1), true);
    expect(readLocks(store.get(LOCKS))[hashOf(1)].keys).toEqual([gasKey("a"), balance("a")]);
    unlock(store, hashOf(1), true);
    expect(store.get(LOCKS)).toBeUndefined();
  });

  it("an entry of kept keys alone (a parked tx's gas lock) has no row of its own, and setting it again writes nothing", () => {
    const store = new MemoryStore();
    const gas: LockEntry = { undo: [], keep: [gasKey("a")], held: [], at: "7" };
    const state = new State(store);
    setLock(state, "H:reads", gas);
    expect(state.commit().map(([k]) => k)).toEqual([LOCKS]);
    expect(lockEntry(store, "H:reads")).toEqual(gas);
    const again = new State(store);
    setLock(again, "H:reads", gas);
    expect(again.commit()).toEqual([]);
  });
});

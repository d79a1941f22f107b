import { describe, expect, it } from "vitest";
import { baseTx, baseTxData, isBaseTxOf } from "../../../src/consensus/base-tx";
import { slotOf, slotOwner } from "../../../src/consensus/schedule";
import { missedFrom, missedSlots } from "../../../src/contracts/base";
import { executeBaseTx } from "../../../src/executor/base";
import { executeTx } from "../../../src/executor/index";
import { devGenesis } from "../../../src/genesis/index";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { txHash } from "../../../src/tx/bytes";
import { act, makeTx } from "../executor/helpers";
import { BaseChain } from "./driver";

const KEYS = DEV_PRODUCERS.map((p) => p.pubkey);

describe("base tx", () => {
  it("is built from the block alone: base.iost publishes exec with the parent's witness and time, unsigned", () => {
    const b = { chainId: 1020, number: 7n, time: 5_000n, parentWitness: KEYS[1], parentTime: 4_500n };
    const tx = baseTx(b);
    expect(tx.publisher).toBe("base.iost");
    expect(tx.actions).toEqual([{ contract: "base.iost", actionName: "exec", data: `[{"parent":["${KEYS[1]}","4500"]}]` }]);
    expect(tx.time).toBe(5_000n);
    expect(tx.signatures).toEqual([]);
    expect(tx.publisherSigs).toEqual([]);
    expect(tx.amountLimit).toEqual([{ token: "*", value: "unlimited" }]);
    expect(tx.gasLimit).toBe(100_000_000n);
    expect(txHash(baseTx(b))).toEqual(txHash(tx));
    expect(isBaseTxOf(tx, b)).toBe(true);
    expect(isBaseTxOf(tx, { ...b, parentTime: 4_501n })).toBe(false);
    expect(baseTxData({ parentWitness: 'a"b', parentTime: 1n })).toBe('[{"parent":["a\\"b","1"]}]');
  });
});

describe("base.iost/exec", () => {
  it("counts each parent's witness as produced, none for the genesis parent", () => {
    const c = new BaseChain();
    c.next();
    expect(c.counts("witness_produced")).toEqual({});
    const made: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const parent = c.parent.witness;
      c.next();
      made[parent] = (made[parent] ?? 0) + 1;
    }
    expect(c.counts("witness_produced")).toEqual(made);
    expect(Object.values(made).reduce((a, b) => a + b, 0)).toBe(10);
    expect(c.counts("witness_missed")).toEqual({});
  });

  it("charges every skipped slot to its scheduled owner", () => {
    const c = new BaseChain();
    c.next();
    c.next();
    const list = c.pending();
    const from = slotOf(c.parent.time, c.config.consensus);
    c.next(3n); // slots from+1 and from+2 had no block
    const want: Record<string, number> = {};
    for (const s of [from + 1n, from + 2n]) {
      const k = slotOwner(list, s * 500_000_000n, c.config.consensus);
      want[k] = (want[k] ?? 0) + 1;
    }
    expect(c.counts("witness_missed")).toEqual(want);
  });

  it("counts a gap of many slots arithmetically, equal to slot-by-slot counting", () => {
    const c = new BaseChain();
    c.next();
    c.next();
    const list = c.pending();
    expect(list.length).toBe(4);
    const from = slotOf(c.parent.time, c.config.consensus);
    const gap = 10_007n;
    c.next(gap);
    const want: Record<string, number> = {};
    for (let s = from + 1n; s < from + gap; s++) {
      const k = list[Number(s % 4n)];
      want[k] = (want[k] ?? 0) + 1;
    }
    expect(c.counts("witness_missed")).toEqual(want);
    expect(Object.values(want).reduce((a, b) => a + b, 0)).toBe(10_006);
    // A gap of 10^15 slots costs as much as a short one.
    const huge = missedSlots(list, 3n, 3n + 1_000_000_000_000_001n);
    expect([...huge.values()].reduce((a, b) => a + b, 0n)).toBe(1_000_000_000_000_000n);
    expect(huge.get(list[0])).toBe(250_000_000_000_000n);
    expect(missedSlots(list, 5n, 6n).size).toBe(0);
    expect(missedSlots(list, 5n, 5n).size).toBe(0);
  });

  it("with a heartbeat, skipped slots before it fell due are idle; only those from the deadline on are missed", () => {
    const g = devGenesis(4);
    const c = new BaseChain({ ...g, consensus: { ...g.consensus, heartbeatNs: 5_000_000_000n } }); // 10 slots
    c.next();
    c.next();
    c.next(10n); // slots 1–9 after the parent: inside the heartbeat, idle
    expect(c.counts("witness_missed")).toEqual({});
    const list = c.pending();
    const from = slotOf(c.parent.time, c.config.consensus);
    c.next(13n); // the heartbeat fell due at slot from+10 and nobody made it until from+13
    const want: Record<string, number> = {};
    for (const s of [from + 10n, from + 11n, from + 12n]) want[list[Number(s % 4n)]] = (want[list[Number(s % 4n)]] ?? 0) + 1;
    expect(c.counts("witness_missed")).toEqual(want);
    expect(missedFrom(7n * 500_000_000n, 0n, c.config.consensus)).toBe(7n); // no heartbeat: IOST's rule, every skipped slot
    expect(missedFrom(7n * 500_000_000n + 1n, 5_000_000_000n, c.config.consensus)).toBe(17n); // the deadline inside slot 17: 18 on
  });

  it("runs vote_producer.iost/stat every voteInterval blocks and then starts a new round", () => {
    const c = new BaseChain();
    expect(c.config.consensus.voteInterval).toBe(20);
    for (let i = 0; i < 19; i++) c.next();
    expect(Object.keys(c.counts("witness_produced")).length).toBeGreaterThan(0);
    expect(c.db.get("vote_producer.iost", "producerScores")).toBeUndefined();
    const r = c.next(); // block 20
    expect(r.receipts.some((x) => x.funcName === "vote_producer.iost/stat")).toBe(true);
    expect(c.counts("witness_produced")).toEqual({});
    expect(c.counts("witness_missed")).toEqual({});
    expect(c.db.get("vote_producer.iost", "producerScores")).toBeDefined();
    c.next();
    expect(Object.values(c.counts("witness_produced"))).toEqual([1]);
  });

  it("runs once per block: a second exec in the same block changes nothing", () => {
    const c = new BaseChain();
    c.next();
    c.next();
    const before = c.counts("witness_produced");
    const tx = baseTx({ chainId: 1020, number: c.number, time: c.time, parentWitness: KEYS[0], parentTime: c.time - 1n });
    const r = executeBaseTx(c.state, tx, txHash(tx), { chainId: 1020, number: c.number, time: c.time, parentHash: "p", witness: "w" });
    expect(r.receipt.statusCode).toBe("SUCCESS");
    expect(c.counts("witness_produced")).toEqual(before);
  });

  it("refuses exec from a user tx and a user tx published as base.iost", () => {
    const c = new BaseChain();
    c.next();
    c.next();
    const before = c.counts("witness_produced");
    const data = `[{"parent":["${KEYS[0]}","1"]}]`;
    const r = c.receipt(makeTx([act("base.iost", "exec", data)], { time: c.time }));
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("base.iost/exec is run by the block's base tx only");
    expect(c.counts("witness_produced")).toEqual(before);
    const forged = makeTx([act("base.iost", "exec", data)], { publisher: "base.iost", time: c.time });
    const d = executeTx(c.state, forged, txHash(forged), c.block());
    // Dropped before any action: base.iost has no gas and no key anyone holds.
    expect("dropped" in d).toBe(true);
    expect(c.counts("witness_produced")).toEqual(before);
  });

  it("gives a failing base tx a receipt with its effects undone", () => {
    const c = new BaseChain(devGenesis(2));
    c.next();
    const tx = baseTx({ chainId: 1020, number: 2n, time: c.time + 500_000_000n, parentWitness: KEYS[0], parentTime: c.time });
    tx.actions[0] = { ...tx.actions[0], data: '[{"parent":[1]}]' };
    const r = executeBaseTx(c.state, tx, txHash(tx), { chainId: 1020, number: 2n, time: c.time + 500_000_000n, parentHash: "p", witness: "w" });
    expect(r.receipt.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt.message).toContain("invalid base data");
    expect(c.db.get("base.iost", "execBlockNumber")).toEqual({ t: "s", v: "1" });
  });
});

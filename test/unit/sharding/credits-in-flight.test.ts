/**
 * A decided tx's credit in flight and a parked run reading its target (docs/SHARDING.md "Remote state inside a
 * contract", _Credits in flight_), in the simulator: a run that sees such a tx's writes on one shard must see its
 * credit on another, as one chain shows both at once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { applyIncoming } from "../../../src/executor/incoming";
import { ShardState } from "../../../src/executor/guard";
import { CONSENSUS_SHARD, shardOf } from "../../../src/sharding/placement";
import { staleReaders } from "../../../src/executor/reads";
import { parkedPart, READING, readReceipt } from "../../../src/sharding/reads";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { poolOrder } from "../../../src/pool";
import { txId } from "../../../src/tx/bytes";
import { act } from "../executor/helpers";
import { vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, genesisSupplies, N, on, runAll, supplyCheck, txBy } from "./workload";

beforeAll(vmReady);

const [seller, cosigner, payee, buyer] = [on(1), on(0), on(2), on(3)];
/** S: a publisher of shard 1 sells its co-signer's RAM (of shard 0, the market's), the price to an account of shard 2. */
const sale = () => txBy(seller, [act("ram.iost", "sell", [cosigner, payee, 100])], { signers: [cosigner] });
/**
 * B: a publisher of shard 3 buys more than the payee's iost buys, the payee co-signing: it fails, its message naming
 * the balance it read. Its hash below the sale's: its read of the market waits for the sale's lock there (wait-die by
 * hash) instead of starting over.
 */
const purchase = (sell: ReturnType<typeof sale>) =>
  Array.from({ length: 16 }, (_, k) => txBy(buyer, [act("ram.iost", "buy", [payee, cosigner, 10_000_000_000 + k])], { signers: [payee] })).find(
    (tx) => txId(tx) < txId(sell),
  )!;

/** Rows whose value a block changed, every shard's (the simulator's stores). */
function rowsOf(chain: SimChain, block: () => void): number {
  const snap = chain.shards.map((s) => new Map(s.store.keys().map((k) => [k, s.store.get(k)])));
  block();
  let rows = 0;
  chain.shards.forEach((s, i) => {
    for (const k of new Set([...s.store.keys(), ...snap[i].keys()])) if (s.store.get(k) !== snap[i].get(k)) rows++;
  });
  return rows;
}

/** Applies `r` as one chunk of its shard in `chain` (the block after its last), committed: what it sends. */
function applyOne(chain: SimChain, r: CrossReceipt): CrossReceipt[] {
  const shard = { index: r.toShard, count: N };
  const state = new ShardState(chain.shards[r.toShard].store, shard);
  const block = { chainId: 1020, number: BigInt(chain.height + 1), time: BLOCK_TIME, parentHash: "", witness: "", shard };
  const { outgoing } = applyIncoming(state, r.toShard, block, [r], () => false);
  state.commit();
  return outgoing;
}

/** A credit of 1 iost from shard 3 to user01 of shard 2, by a tx of height `at` and pool key `ord`. */
const creditOf = (txHash: string, at: string, ord: string): CrossReceipt => ({
  id: `${txHash}:0`,
  kind: "credit",
  txHash,
  fromShard: 3,
  toShard: 2,
  token: "iost",
  account: "user01",
  counterpart: "user03",
  amount: "1",
  message: "",
  payer: { publisher: "user03", gasRatio: "100", time: "1", at, ord },
});

describe("credits in flight and a run reading their target (simulator)", () => {
  it("a co-signer's buy reading the market after a sale's writes reads the payee after the sale's proceeds landed", () => {
    // S runs where it is: its market writes land on shard 0 with its release, the price leaves as a credit to shard 2.
    // B, a block later, reads the market (waiting for S's lock there) and the payee, whose answer came before S's credit
    // landed. One chain runs S, then B: B sees both.
    expect([seller, cosigner, payee, buyer].map((u) => shardOf(u, N))).toEqual([1, CONSENSUS_SHARD, 2, 3]);
    const sell = sale();
    const buy = purchase(sell);
    const outcomes = [1, N].map((count) => {
      const chain = new SimChain(config(), count);
      const told: CrossReceipt[] = [];
      const each = supplyCheck(genesisSupplies(chain));
      const out = runAll(
        chain,
        [sell, buy],
        (c) => {
          each(c);
          told.push(...c.inFlight().filter((r) => r.kind === "values" && r.stale === true));
        },
        undefined,
        [0, 1],
      );
      return { ...out, told };
    });
    const [one, four] = outcomes;
    expect(one.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect((one.receipts[1] as { message: string }).message).toContain("balance not enough 1000001.02 <");
    expect(four.receipts).toEqual(one.receipts);
    expect(four.changed).toEqual(one.changed);
    expect(four.events).toEqual(one.events);
    // The payee's shard told the buy, once, that a credit of the older sale met what it read there.
    expect(four.told.map((r) => [r.txHash, r.account, r.fromShard, r.toShard])).toEqual([[txId(buy), txId(buy), 2, 3]]);
  });

  it("reading again costs a round of reads: rows and blocks against the same txs one after the other", () => {
    const sell = sale();
    const buy = purchase(sell);
    const final = (chain: SimChain) => chain.shards[3].results.get(txId(buy))?.pending === 0;
    /** Steps `chain` until quiet: the rows it changed, the blocks until the buy was final, whether a notice went. */
    const until = (chain: SimChain) => {
      let [rows, blocks, told] = [0, 0, false];
      for (let k = 0; k < 4 || !chain.quiet(); k++) {
        rows += rowsOf(chain, () => chain.step({ time: BLOCK_TIME }));
        told ||= chain.inFlight().some((r) => r.stale === true);
        if (!final(chain)) blocks++;
      }
      return { rows, blocks: blocks + 1, told };
    };
    const chain = new SimChain(config(), N);
    chain.submit(sell);
    const first = rowsOf(chain, () => chain.step({ time: BLOCK_TIME }));
    chain.submit(buy);
    const together = until(chain);
    expect(together.told).toBe(true);
    const alone = new SimChain(config(), N);
    alone.submit(sell);
    const sold = until(alone);
    alone.submit(buy);
    const after = until(alone);
    expect([sold.told, after.told]).toEqual([false, false]);
    const [rows, rowsAlone] = [first + together.rows, sold.rows + after.rows];
    console.log(`read again: ${rows} rows, the buy final in ${together.blocks} blocks; the buy after the sale: ${rowsAlone} rows, ${after.blocks} blocks`);
    // The buy's round again: its parked row, list and gas lock, the read locks on two shards and the deferred credit.
    expect(rows - rowsAlone).toBeLessThanOrEqual(12);
  });

  it("a stranger's stale notice changes nothing but a parked part's wish to read again, and only from a shard holding its lock", () => {
    const sell = sale();
    const buy = purchase(sell);
    const chain = new SimChain(config(), N);
    chain.submit(sell);
    chain.step({ time: BLOCK_TIME });
    chain.submit(buy);
    chain.step({ time: BLOCK_TIME });
    chain.step({ time: BLOCK_TIME });
    // The buy is parked at home, its reads of shards 0 and 2 sent; the sale's credit not landed yet.
    const hash = txId(buy);
    expect(parkedPart(chain.shards[3].store, hash)?.locked).toEqual([0, 2]);
    const notice = (from: number, o: Partial<CrossReceipt> = {}): CrossReceipt => ({
      ...readReceipt("values", `forged:${from}:${Object.keys(o).join()}`, hash, hash, from, 3),
      stale: true,
      ...o,
    });
    // Shapes: a notice carries no values, is no busy answer, and only a `values` is one.
    for (const bad of [notice(2, { values: [] }), notice(2, { busy: true }), { ...notice(2), kind: "release" as const }])
      expect(() => checkReceipt(bad, N), JSON.stringify(bad)).toThrow(ReceiptRefused);
    expect(() => checkReceipt(notice(2), N)).not.toThrow();
    // A credit naming its tx's height as this block's or later (no such tx has run yet) is refused.
    const credit = chain.inFlight().find((r) => r.kind === "credit" && r.txHash === txId(sell))!;
    const block = { number: BigInt(chain.height + 1), time: BLOCK_TIME };
    expect(() => checkReceipt(credit, N, undefined, block)).not.toThrow();
    expect(() => checkReceipt({ ...credit, payer: { ...credit.payer!, at: String(chain.height + 1) } }, N, undefined, block)).toThrow(
      /its tx's height .* is not a block before this one/,
    );
    // Its pool key orders it within its block: another tx's is refused, as is one without a height.
    expect(credit.payer!.ord).toBe(poolOrder(sell, txId(sell)));
    for (const payer of [
      { ...credit.payer!, ord: poolOrder(buy, txId(buy)) },
      { ...credit.payer!, at: undefined },
    ])
      expect(() => checkReceipt({ ...credit, payer }, N, undefined, block)).toThrow(/ord .* is not its tx's pool key beside its height/);
    const rows = (s: number) => new Map(chain.shards[s].store.keys().map((k) => [k, chain.shards[s].store.get(k)]));
    // From a shard that holds none of its locks, or to a shard where it is not parked: nothing changes.
    const before = [1, 2, 3].map(rows);
    applyOne(chain, notice(1));
    applyOne(chain, { ...notice(2), toShard: 1, id: "forged:elsewhere" });
    expect([1, 2, 3].map(rows)).toEqual(before);
    // From a shard holding one: it reads again once its round is in, nothing else.
    applyOne(chain, notice(2));
    const after = parkedPart(chain.shards[3].store, hash)!;
    expect(after).toEqual({ ...parkedPart({ get: (k) => before[2].get(k) }, hash)!, stale: true });
    // The sale's credit, landing on the payee's records the buy holds, tells it; one claiming it told the buy already
    // (as a credit waiting in x-deferred keeps it) tells it too: that list is the shard's own, never a sender's.
    for (const r of [credit, { ...credit, told: [hash] } as CrossReceipt]) {
      const there = chain.fork();
      expect(
        applyOne(there, r)
          .filter((x) => x.stale === true)
          .map((x) => [x.account, x.toShard]),
      ).toEqual([[hash, 3]]);
    }
  });

  it("a credit and a reader of one block are ordered by pool key, not by hash", () => {
    const key = "m-token.iost-TBuser01-iost";
    const [low, high] = ["1".repeat(44), "z".repeat(44)];
    /** A reader `part` of shard 1 holding `key` here, of height 7 and pool key `ord`. */
    const holding = (part: string, ord: string) => {
      const state = new State(new MemoryStore());
      state.put(READING, JSON.stringify({ [part]: { from: 1, keys: [key], at: "7", ord } }));
      return state;
    };
    const credit = (txHash: string, ord: string) => creditOf(txHash, "7", ord);
    const told = (state: State, r: CrossReceipt) => staleReaders(state, r, [key]).map((x) => [x.account, x.toShard]);
    // The credit's tx is the older (a plain transfer first) though its hash is the higher: the reader reads again.
    expect(told(holding(low, "1|b"), credit(high, "0|a"))).toEqual([[low, 1]]);
    // The younger by pool key tells too, being of the reader's block: the reader may have waited for its lock elsewhere.
    expect(told(holding(high, "0|a"), credit(low, "1|b"))).toEqual([[high, 1]]);
  });

  it("a credit of a tx of a later block than the reader's tells it nothing: no stream of new txs makes it read again", () => {
    const key = "m-token.iost-TBuser01-iost";
    const state = new State(new MemoryStore());
    state.put(READING, JSON.stringify({ ["1".repeat(44)]: { from: 1, keys: [key], at: "7", ord: "1|b" } }));
    const credit = (at: string) => creditOf("z".repeat(44), at, "2|c");
    expect(["6", "7", "8", "9"].map((at) => staleReaders(state, credit(at), [key]).length)).toEqual([1, 1, 0, 0]);
  });
});

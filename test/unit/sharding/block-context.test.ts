/**
 * The block an action receipt carries (docs/SHARDING.md "Cross-shard effects", block context): every
 * part of a tx runs in its tx's block, so a receipt naming a block its parts could not have come from
 * (after the receiving block, less than a block per part before it, a later time) or no block at all is
 * refused before any receipt of its chunk applies, and a forged one changes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { applyIncoming } from "../../../src/executor/incoming";
import { ShardState } from "../../../src/executor/guard";
import type { TxBlock } from "../../../src/sharding/forward";
import { shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import type { Tx } from "../../../src/tx/types";
import { act } from "../executor/helpers";
import { vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, N, on, txBy } from "./workload";

const SEC = 1_000_000_000n;

/** Chains of one and N shards. */
const chains = () => [new SimChain(config(), 1), new SimChain(config(), N)];

/** Runs `tx` on `chain` until nothing is in flight, each block at `timeAt(height)`. */
function runTo(chain: SimChain, tx: Tx, timeAt: (height: number) => bigint): void {
  chain.submit(tx);
  for (let i = 0; i < 8 && (i === 0 || !chain.quiet()); i++) chain.step({ time: timeAt(chain.height + 1) });
  expect(chain.quiet()).toBe(true);
}

describe("the tx's block in an action receipt, and its time in a credit", () => {
  beforeAll(vmReady);

  /** A pledge of on(1)'s for on(2): its action receipt in flight after one block at BLOCK_TIME, and the chain. */
  const sent = () => {
    const chain = new SimChain(config(), N);
    chain.submit(txBy(on(1), [act("gas.iost", "pledge", [on(1), on(2), "10"])]));
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight();
    return { chain, action };
  };

  it("carries the home block's number and time, and the part runs in it", () => {
    const { chain, action } = sent();
    expect(action.kind).toBe("action");
    expect(action.forward!.block).toEqual({ number: "1", time: String(BLOCK_TIME), parentHash: "", witness: "" });
    expect(() => checkReceipt(action, N, undefined, { number: 2n, time: BLOCK_TIME })).not.toThrow();
    chain.step({ time: BLOCK_TIME + 1n });
    // The pledge refreshed the user's gas at the tx's block time, not the one the part ran in.
    const gu = chain.shards[shardOf(on(2), N)].store.get(`b-gas.iost-${on(2)}gu`);
    expect(gu).toContain(String(BLOCK_TIME));
    expect(gu).not.toContain(String(BLOCK_TIME + 1n));
  });

  const at = { number: 2n, time: BLOCK_TIME };
  const forged: [string, (b: TxBlock) => unknown][] = [
    ["the receiving block's number", (b) => ({ ...b, number: "2" })],
    ["a later number", (b) => ({ ...b, number: "9" })],
    ["the genesis block", (b) => ({ ...b, number: "0" })],
    ["a later time", (b) => ({ ...b, time: String(BLOCK_TIME + 1n) })],
    ["a number that is not an integer", (b) => ({ ...b, number: "1.5" })],
    ["a number as a JSON number", (b) => ({ ...b, number: 1 })],
    ["a negative time", (b) => ({ ...b, time: "-1" })],
    ["a time beyond int64", (b) => ({ ...b, time: "9".repeat(20) })],
    ["a parent hash that is not base58", (b) => ({ ...b, parentHash: "0OIl" })],
    ["a witness that is not a string", (b) => ({ ...b, witness: 7 })],
    ["no block", () => undefined],
  ];

  it.each(forged)("with %s: refused loudly, nothing of the chunk applied", (_, forge) => {
    const { chain, action } = sent();
    const to = shardOf(on(2), N);
    const bad = { ...action, forward: { ...action.forward!, block: forge(action.forward!.block) } } as CrossReceipt;
    expect(() => checkReceipt(bad, N, undefined, at)).toThrow(ReceiptRefused);
    const state = new ShardState(chain.shards[to].store, { index: to, count: N });
    const before = chain.shards[to].store.keys().map((k) => [k, chain.shards[to].store.get(k)]);
    expect(() =>
      applyIncoming(
        state,
        to,
        { chainId: 1020, number: 2n, time: BLOCK_TIME, parentHash: "", witness: "", shard: { index: to, count: N } },
        [bad],
        () => false,
      ),
    ).toThrow(ReceiptRefused);
    state.discard();
    expect(chain.shards[to].store.keys().map((k) => [k, chain.shards[to].store.get(k)])).toEqual(before);
  });

  it("a credit's half runs at its tx's time: a frozen amount of the receiver falling due meanwhile stays frozen, as on one shard", () => {
    const [from, to] = [on(1), on(2)];
    // Due after the block that sends the plain transfer, before the one its half lands in on N = 4.
    const due = BigInt(Number(BLOCK_TIME + 10n * SEC));
    const frozen = chains().map((chain) => {
      runTo(chain, txBy(from, [act("token.iost", "transferFreeze", ["iost", from, to, "3", Number(due), ""])]), () => BLOCK_TIME);
      const sent = chain.height + 1;
      runTo(chain, txBy(from, [act("token.iost", "transfer", ["iost", from, to, "1", ""])]), (h) => (h === sent ? due - SEC : due + SEC));
      return chain.shards[shardOf(to, chain.shards.length)].store.get(`m-token.iost-TF${to}-iost`);
    });
    expect(frozen[0]).toContain(`"Ftime":${due}`);
    expect(frozen[1]).toEqual(frozen[0]);
  });

  it("a credit naming a tx's time after the receiving block, or none, is refused", () => {
    const chain = new SimChain(config(), N);
    chain.submit(txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(2), "1", ""])]));
    chain.step({ time: BLOCK_TIME });
    const [credit] = chain.inFlight();
    expect(credit.payer!.time).toBe(String(BLOCK_TIME));
    expect(() => checkReceipt(credit, N, undefined, at)).not.toThrow();
    for (const time of [String(BLOCK_TIME + 1n), "-1", "1.5", undefined])
      expect(() => checkReceipt({ ...credit, payer: { ...credit.payer!, time: time as string } }, N, undefined, at), String(time)).toThrow(ReceiptRefused);
  });

  it("a part sent on by a part before it is at least a block per part after its tx's block", () => {
    const { action } = sent();
    const onward: CrossReceipt = {
      ...action,
      fromShard: shardOf(on(2), N),
      toShard: 0,
      forward: { ...action.forward!, path: [shardOf(on(1), N), shardOf(on(2), N)] },
    };
    expect(() => checkReceipt(onward, N, undefined, { number: 3n, time: BLOCK_TIME })).not.toThrow();
    expect(() => checkReceipt(onward, N, undefined, { number: 2n, time: BLOCK_TIME })).toThrow(ReceiptRefused);
  });
});

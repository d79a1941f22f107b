/**
 * The directory's wait (docs/SHARDING.md "Contracts", src/executor/reads.ts waitsForDirectory) on the
 * in-memory chain: a transfer whose receiver no shard's directory knows yet parks, uncharged, and runs
 * once more after every shard's chunk of its block was applied; a stranger's flood of transfers to
 * names nobody created costs one re-run each, at most MAX_DIRECTORY_WAITS at a time, the rest failing
 * at once, every receipt one shard's.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { totalGasAt } from "../../../src/contracts/gas";
import { devGenesis } from "../../../src/genesis/index";
import { dryRun } from "../../../src/executor/index";
import { ShardState } from "../../../src/executor/guard";
import { LOCKS } from "../../../src/executor/locks";
import { MAX_DIRECTORY_WAITS } from "../../../src/executor/reads";
import { shardOf } from "../../../src/sharding/placement";
import { READS, readParked } from "../../../src/sharding/reads";
import { State } from "../../../src/state/state";
import { ContractDB } from "../../../src/state/storage";
import { txHash, txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { vmReady } from "../vm/helpers";
import { SimChain, simGenesis } from "./sim";

const N = 4;
const USERS = Array.from({ length: 64 }, (_, i) => `flood${String(i).padStart(2, "0")}`);
/** The stranger's accounts, all on shard 1: one more than may wait, and one more again. */
const SENDERS = USERS.filter((u) => shardOf(u, N) === 1).slice(0, MAX_DIRECTORY_WAITS + 2);
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
const gasOf = (chain: SimChain, user: string) =>
  totalGasAt(new ContractDB(new State(chain.shards[shardOf(user, chain.shards.length)].store)), user, TIME).value;
const result = (chain: SimChain, tx: Tx) => chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx));
const parkedOn = (chain: SimChain, s: number) => readParked(chain.shards[s].store.get(READS));

beforeAll(vmReady);

describe("a receiver no directory knows yet (simulator)", () => {
  it("a flood of transfers to names nobody created: each waits one block once, at most MAX_DIRECTORY_WAITS at a time, the rest fail at once, every receipt one shard's", () => {
    expect(SENDERS).toHaveLength(MAX_DIRECTORY_WAITS + 2);
    // Names of every shard, the senders' own included.
    const txs = SENDERS.map((from, i) => transfer(from, `nobody${i}`));
    const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
    const g0 = SENDERS.map((u) => gasOf(four, u));
    for (const chain of [one, four]) for (const tx of txs) chain.submit(tx);
    four.step({ time: TIME });
    const waiting = parkedOn(four, 1);
    expect(waiting.map((p) => [p.txHash, p.until, p.round])).toEqual(txs.slice(0, MAX_DIRECTORY_WAITS).map((tx) => [txId(tx), 2, 1]));
    expect(waiting.every((p) => Object.keys(p.asked).length === 0)).toBe(true);
    // Parked: uncharged, in flight, each publisher's gas locked; the two past the bound failed now.
    for (const [i, tx] of txs.entries()) {
      const r = result(four, tx)!;
      expect(r.pending).toBe(i < MAX_DIRECTORY_WAITS ? 1 : 0);
      expect(gasOf(four, tx.publisher)).toBe(i < MAX_DIRECTORY_WAITS ? g0[i] : g0[i] - r.receipt!.gasUsage);
    }
    expect(Object.keys(JSON.parse(four.shards[1].store.get(LOCKS)!))).toHaveLength(MAX_DIRECTORY_WAITS);
    // The re-run (shard 1 losing its first build of it): one shard's error, charged once, nothing left waiting.
    four.step({ time: TIME, crash: 1 });
    one.step({ time: TIME });
    expect(four.shards[1].store.get(READS)).toBeUndefined();
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
    four.step({ time: TIME });
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
    chain.step({ time: TIME });
    const r = result(chain, tx)!;
    expect([r.pending, r.receipt!.statusCode, r.receipt!.message.endsWith(`error: invalid account ${id}`)]).toEqual([0, "RUNTIME_ERROR", true]);
    expect(chain.shards.every((s) => s.store.get(`m-token.iost-TB${id}-iost`) === undefined)).toBe(true);
  });

  it('an account a forwarded part creates is not waited for in its tx\'s block (docs/SHARDING.md "Not done yet"); from the next block on it is', () => {
    const maker = SENDERS[0];
    const born = Array.from({ length: 64 }, (_, i) => `bornacct${i}`).find((n) => shardOf(n, N) === 3)!;
    // No RAM buy: it would run on the market's shard, and the tx would stand (and announce the account) blocks later.
    const create = makeTx([act("auth.iost", "signUp", [born, fakeKey(90), fakeKey(90)]), act("gas.iost", "pledge", [maker, born, "10"])], {
      publisher: maker,
      key: fakeKey(USERS.indexOf(maker)),
      time: T0 + BigInt(nonce++),
      gasLimit: 4_000_000n,
    });
    const payer = USERS.find((u) => shardOf(u, N) === 2)!;
    const [same, next] = [transfer(payer, born), transfer(payer, born)];
    const [one, four] = [1, N].map((n) => new SimChain(simGenesis(USERS), n));
    for (const chain of [one, four]) {
      chain.submit(create);
      chain.submit(same);
      chain.step({ time: TIME });
      chain.submit(next);
      for (let i = 0; i < 6; i++) chain.step({ time: TIME });
    }
    const status = (chain: SimChain) => [create, same, next].map((tx) => result(chain, tx)!.receipt!.statusCode);
    expect(status(one)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(status(four)).toEqual(["SUCCESS", "RUNTIME_ERROR", "SUCCESS"]);
    expect(result(four, same)!.receipt!.message).toMatch(new RegExp(`error: invalid account ${born}$`));
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

/**
 * Issue 12, item 1 on the in-memory multi-shard chain (sim.ts):
 * a negative amount_limit on a tx whose action is forwarded to another shard
 * used to become a negative escrow, i.e. a credit at home. Such limits are
 * dropped before anything runs, and a receipt moving anything but an int64 ≥ 0
 * is refused before any receipt of its chunk applies, and so is one carrying
 * anything but tokens and amounts as what its tx spent so far against its
 * amount_limit (docs/SHARDING.md "Escrow").
 */
import { describe, expect, it } from "vitest";
import { devGenesis } from "../../../src/genesis/index";
import type { BlockContext } from "../../../src/contracts/host";
import { shardOf } from "../../../src/sharding/placement";
import { applyIncoming } from "../../../src/executor/incoming";
import { ReceiptRefused, type CrossReceipt } from "../../../src/sharding/receipts";
import { SimChain, simGenesis } from "./sim";
import { bareForward } from "./workload";
import { BAD_LIMITS } from "../tx/bad-limits";
import { ShardState } from "../../../src/executor/guard";
import { encodeValue, int, json } from "../../../src/state/storage";
import { act, fakeKey, makeTx } from "../executor/helpers";

const N = 4;
const USERS = Array.from({ length: 8 }, (_, i) => `user${String(i).padStart(2, "0")}`);
const pub = USERS[0];
const other = USERS.find((u) => shardOf(u, N) !== shardOf(pub, N))!;
const HOME = shardOf(pub, N);

const pledge = (token: string, value: string) =>
  makeTx([act("gas.iost", "pledge", [pub, other, "10"])], {
    publisher: pub,
    key: fakeKey(0),
    time: devGenesis().time + 1n,
    amountLimit: [{ token, value }],
  });

describe("a forwarded action under a bad amount_limit", () => {
  it.each([...BAD_LIMITS, ["iost", "100000000000", "overflow error"] as const])(
    "%s %j is dropped before it runs: no escrow, no credit, supply unchanged",
    (token, value, reason) => {
      const chain = new SimChain(simGenesis(USERS), N);
      const supply = chain.totalIost();
      const [p0, o0] = [chain.iostBalance(pub), chain.iostBalance(other)];
      chain.submit(pledge(token, value));
      for (let i = 0; i < 3; i++) chain.step();
      const [result] = [...chain.shards[HOME].results.values()];
      expect(result).toMatchObject({ dropped: `invalid amountLimit, {${token} ${value}}: ${reason}` });
      expect(chain.shards.flatMap((s) => [...s.outgoing.values()].flat())).toEqual([]);
      expect([chain.iostBalance(pub), chain.iostBalance(other)]).toEqual([p0, o0]);
      expect(chain.totalIost()).toBe(supply);
    },
  );

  it("the same pledge under a valid limit is forwarded and settled (the test above is not vacuous)", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const supply = chain.totalIost();
    const p0 = chain.iostBalance(pub);
    chain.submit(pledge("iost", "10"));
    chain.step();
    expect(chain.inFlight()).toMatchObject([{ kind: "action", amount: String(p0) }]);
    chain.step();
    chain.step();
    const [result] = [...chain.shards[HOME].results.values()];
    expect(result).toMatchObject({ receipt: { statusCode: "SUCCESS" }, pending: 0 });
    expect(chain.totalIost()).toBe(supply);
  });
});

describe("applyIncoming refuses receipts no executor writes", () => {
  const block: BlockContext = { chainId: 1020, number: 5n, time: devGenesis().time + 5_000_000_000n, parentHash: "", witness: "" };
  const settle = (o: Partial<CrossReceipt>): CrossReceipt => ({
    id: "tx:0:settle",
    kind: "settle",
    txHash: "tx",
    fromShard: (HOME + 1) % N,
    toShard: HOME,
    token: "iost",
    account: pub,
    counterpart: other,
    amount: "0",
    message: "",
    ...o,
  });

  it.each([
    [{ amount: "-9000000000000000000" }, 'amount "-9000000000000000000"'],
    [{ amount: "-1" }, 'amount "-1"'],
    [{ amount: "1.5" }, 'amount "1.5"'],
    [{ amount: "1e3" }, 'amount "1e3"'],
    [{ amount: "01" }, 'amount "01"'],
    [{ amount: "9223372036854775808" }, 'amount "9223372036854775808"'],
    [{ kind: "credit" as const, amount: "-5" }, 'amount "-5"'],
    [{ kind: "credit" as const, amount: "5", freezeUntil: "-1" }, 'freezeUntil "-1"'],
    [{ kind: "free" as const, account: pub, ram: "-30" }, 'ram "-30"'],
    [{ kind: "free" as const, account: pub }, "ram undefined"],
    [{ result: { gasReserved: 10, gasUsed: 11, gasRatio: "100", returns: [], receipts: [], ramUsage: {} } }, "gasUsed 11"],
    [{ result: { gasReserved: -10, gasUsed: 0, gasRatio: "100", returns: [], receipts: [], ramUsage: {} } }, "gasReserved -10"],
  ])("%j: refused loudly, nothing of the chunk applied", (bad, what) => {
    const chain = new SimChain(simGenesis(USERS), N);
    const shard = chain.shards[HOME];
    const state = new ShardState(shard.store, { index: HOME, count: N });
    const b0 = chain.iostBalance(pub);
    const good = settle({ id: "ok:0:settle", amount: "7" });
    expect(() => applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [good, settle(bad)], () => false)).toThrow(
      new ReceiptRefused(
        `receipt tx:0:settle refused: ${what} is not an integer in [0, ${what.startsWith("gasUsed") ? "10" : what.startsWith("gas") ? String(Number.MAX_SAFE_INTEGER) : "9223372036854775807"}]`,
      ),
    );
    state.discard();
    expect(chain.iostBalance(pub)).toBe(b0);
    // The well-formed one alone applies.
    const ok = new ShardState(shard.store, { index: HOME, count: N });
    applyIncoming(ok, HOME, { ...block, shard: { index: HOME, count: N } }, [good], () => false);
    ok.commit();
    expect(chain.iostBalance(pub)).toBe(b0 + 7n);
  });

  it.each([
    [[["iost", "-3"]]],
    [
      [
        ["iost", "3"],
        ["iost", "4"],
      ],
    ],
    [[["iost", 3]]],
    [[["iost", "1e3"]]],
    [[["iost"]]],
    ["3"],
    [{ iost: "3" }],
  ])("an action receipt whose amounts spent so far are %j: refused loudly, nothing of the chunk applied", (spent) => {
    const chain = new SimChain(simGenesis(USERS), N);
    const state = new ShardState(chain.shards[HOME].store, { index: HOME, count: N });
    const b0 = chain.iostBalance(pub);
    const forward = { ...bareForward(other), spent: spent as [string, string][] };
    const bad: CrossReceipt = { ...settle({}), id: "tx:0", kind: "action", account: other, counterpart: pub, forward };
    expect(() =>
      applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [settle({ id: "ok:0:settle", amount: "7" }), bad], () => false),
    ).toThrow(new ReceiptRefused(`receipt tx:0 refused: spent ${JSON.stringify(spent)} is not a list of tokens and amounts`));
    state.discard();
    expect(chain.iostBalance(pub)).toBe(b0);
  });

  it.each([other, "deadaddr", "token.iost"])("a free of %s's RAM on the shard of another: refused loudly, nothing of the chunk applied", (who) => {
    const chain = new SimChain(simGenesis(USERS), N);
    const state = new ShardState(chain.shards[HOME].store, { index: HOME, count: N });
    const b0 = chain.iostBalance(pub);
    const bad: CrossReceipt = { ...settle({}), id: "tx:0", kind: "free", token: "ram", account: who, ram: "30" };
    expect(() =>
      applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [settle({ id: "ok:0:settle", amount: "7" }), bad], () => false),
    ).toThrow(new ReceiptRefused(`receipt tx:0 refused: a free of ${JSON.stringify(who)}'s RAM on shard ${HOME}`));
    state.discard();
    expect(chain.iostBalance(pub)).toBe(b0);
  });

  it.each(["1000000000", encodeValue(json('[{"Amount":-500,"Ftime":1}]'), pub), encodeValue(json('[{"Amount":5,"Ftime":1}'), pub)])(
    "a settle whose frozen record is %j: refused loudly, nothing of the chunk applied",
    (frozen) => {
      const chain = new SimChain(simGenesis(USERS), N);
      const state = new ShardState(chain.shards[HOME].store, { index: HOME, count: N });
      const b0 = chain.iostBalance(pub);
      const bad = settle({ amount: "7", frozen });
      const good = settle({ id: "ok:0:settle", amount: "7" });
      expect(() => applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [good, bad], () => false)).toThrow(
        new ReceiptRefused(`receipt tx:0:settle refused: frozen ${JSON.stringify(frozen)} is not a stored frozen list`),
      );
      state.discard();
      expect(chain.iostBalance(pub)).toBe(b0);
      expect(chain.shards[HOME].store.get(`m-token.iost-TF${pub}-iost`)).toBeUndefined();
    },
  );
  it.each([
    ["gold", { balance: encodeValue(int(-5n), pub) }],
    ["gold", { balance: "1000000000" }],
    ["gold", { frozen: encodeValue(json('[{"Amount":-500,"Ftime":1}]'), pub) }],
    ["iost", { balance: encodeValue(int(5n), pub) }],
    ["Gold!", { balance: encodeValue(int(5n), pub) }],
  ] as const)("a settle carrying %s records %j: refused loudly, nothing of the chunk applied", (sym, records) => {
    const chain = new SimChain(simGenesis(USERS), N);
    const state = new ShardState(chain.shards[HOME].store, { index: HOME, count: N });
    const b0 = chain.iostBalance(pub);
    const key = `m-token.iost-TB${pub}-${sym}`;
    const record = chain.shards[HOME].store.get(key);
    const bad = settle({ amount: "7", tokens: { [sym]: records } });
    const good = settle({ id: "ok:0:settle", amount: "7" });
    expect(() => applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [good, bad], () => false)).toThrow(
      new ReceiptRefused(`receipt tx:0:settle refused: ${JSON.stringify(sym)} records ${JSON.stringify(records)} are not a stored balance and frozen list`),
    );
    state.discard();
    expect(chain.iostBalance(pub)).toBe(b0);
    expect(chain.shards[HOME].store.get(key)).toBe(record);
  });
  // iost rides as a token only in place of an escrow (a publisher with no iost record): no amount beside it, and the
  // escrow's own `frozen` is iost's list.
  it("a settle carrying iost's record and a frozen list of its own beside it: refused loudly", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const state = new ShardState(chain.shards[HOME].store, { index: HOME, count: N });
    const records = { balance: encodeValue(int(5n), pub), frozen: encodeValue(json('[{"Amount":5,"Ftime":1}]'), pub) };
    const bad = settle({ amount: "0", tokens: { iost: records } });
    expect(() => applyIncoming(state, HOME, { ...block, shard: { index: HOME, count: N } }, [bad], () => false)).toThrow(
      new ReceiptRefused(`receipt tx:0:settle refused: "iost" records ${JSON.stringify(records)} are not a stored balance and frozen list`),
    );
    state.discard();
  });
});

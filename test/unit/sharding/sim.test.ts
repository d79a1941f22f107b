/**
 * The cross-shard receipt protocol, on the in-memory multi-shard chain
 * (sim.ts): random transfers among accounts on every shard,
 * including unknown targets and amounts nobody holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { devGenesis } from "../../../src/genesis/index";
import { Decimal } from "../../../src/amount";
import { GAS_LIMIT_PER_IOST, readGas, UNPLEDGE_FREEZE_NS } from "../../../src/contracts/gas";
import { parseFreezeList } from "../../../src/contracts/token";
import { shardOf } from "../../../src/sharding/placement";
import { SimChain, simGenesis } from "./sim";
import { State } from "../../../src/state/state";
import { ContractDB, decodeValue } from "../../../src/state/storage";
import { act, fakeKey, makeTx } from "../executor/helpers";

const N = 4;
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
/** Valid names nobody signed up; some land on every shard. */
const GHOSTS = ["ghost0", "ghost1", "ghost2", "ghost3", "ghost4", "ghost5"];
const START = 1_000_000n * 100_000_000n; // each user's IOST, smallest units

interface Transfer {
  from: number;
  to: string;
  /** smallest units */
  amount: bigint;
}

const transferArb: fc.Arbitrary<Transfer> = fc.record({
  from: fc.nat({ max: USERS.length - 1 }),
  to: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...USERS) }, { weight: 1, arbitrary: fc.constantFrom(...GHOSTS) }),
  // Affordable (≤ 100 IOST, never more than a start balance in total) or more than anyone holds.
  amount: fc.oneof({ weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 100n * 100_000_000n }) }, { weight: 1, arbitrary: fc.constant(10n ** 18n) }),
});

function txOf(t: Transfer, nonce: number) {
  const from = USERS[t.from];
  const amount = `${t.amount / 100_000_000n}.${(t.amount % 100_000_000n).toString().padStart(8, "0")}`;
  return makeTx([act("token.iost", "transfer", ["iost", from, t.to, amount, String(nonce)])], {
    publisher: from,
    key: fakeKey(t.from),
    time: devGenesis().time + BigInt(nonce),
  });
}

describe("cross-shard transfers (simulator)", () => {
  it("places the test accounts and ghosts on every shard", () => {
    expect(new Set(USERS.map((u) => shardOf(u, N))).size).toBe(N);
    expect(new Set(GHOSTS.map((u) => shardOf(u, N))).size).toBe(N);
  });

  it("conserves supply at every height, matches a sequential model, applies each receipt once", () => {
    let crossCredits = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(transferArb, { maxLength: 25 }), { minLength: 1, maxLength: 12 }),
        fc.option(fc.nat({ max: N - 1 }), { nil: undefined }),
        (blocks, crashShard) => {
          const chain = new SimChain(simGenesis(USERS), N);
          const supply = chain.totalIost();
          const model = new Map(USERS.map((u) => [u, START]));
          let nonce = 0;
          for (const [b, transfers] of blocks.entries()) {
            for (const t of transfers) {
              chain.submit(txOf(t, nonce++));
              const from = USERS[t.from];
              if (model.has(t.to) && model.get(from)! >= t.amount) {
                model.set(from, model.get(from)! - t.amount);
                model.set(t.to, model.get(t.to)! + t.amount);
              }
            }
            chain.step({ crash: b % 3 === 0 ? crashShard : undefined });
            expect(chain.totalIost()).toBe(supply);
          }
          // Until quiet: a credit settles in two blocks (credit at h+1, settle at h+2), and a tx to a ghost waits a
          // block for the directory and two for the other shards' answers, its publisher's next txs behind it; bounded
          // by three blocks per tx (two such txs of one publisher in one block took five).
          for (let i = 0; i < 3 * nonce + 2 && !chain.quiet(); i++) chain.step();
          chain.step({ crash: crashShard });
          expect(chain.totalIost()).toBe(supply);
          crossCredits += chain.shards.reduce((n, s) => n + [...s.applied.keys()].filter((id) => !id.endsWith(":settle")).length, 0);
          expect(chain.inFlight()).toEqual([]);
          for (const u of USERS) expect(chain.iostBalance(u)).toBe(model.get(u));
          for (const g of GHOSTS) expect(chain.iostBalance(g)).toBe(0n);
          const executed = chain.shards.flatMap((s) => [...s.results.values()]);
          expect(executed.filter((r) => r.dropped !== undefined)).toEqual([]);
          expect(executed.length).toBe(nonce);
          for (const s of chain.shards) {
            for (const [, times] of s.applied) expect(times).toBe(1);
            for (const [, r] of s.results) expect(r.pending).toBe(0);
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(crossCredits).toBeGreaterThan(100);
  });

  it("a transfer to an unknown account of another shard waits a block for the account directory and two for the other shards' answers, then fails with IOST's error, as on one shard", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const from = USERS.find((u) => shardOf(u, N) !== shardOf("ghost0", N))!;
    chain.submit(txOf({ from: USERS.indexOf(from), to: "ghost0", amount: 5n * 100_000_000n }, 1));
    for (let i = 0; i < 4; i++) chain.step();
    // The account directory says ghost0 does not exist: nothing leaves, nothing is in flight.
    expect(chain.inFlight()).toEqual([]);
    expect(chain.iostBalance(from)).toBe(START);
    const [result] = [...chain.shards[shardOf(from, N)].results.values()];
    expect(result.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(result.receipt?.message).toMatch(/^running action Action\{Contract: token\.iost, ActionName: transfer, .* error: invalid account ghost0$/s);
    expect(result).toMatchObject({ pending: 0 });
  });

  it("one shard is exactly the single-chain execution", () => {
    const chain = new SimChain(simGenesis(USERS), 1);
    chain.submit(txOf({ from: 0, to: "ghost0", amount: 1n }, 1));
    chain.submit(txOf({ from: 0, to: USERS[5], amount: 7n }, 2));
    chain.step();
    expect(chain.inFlight()).toEqual([]);
    const results = [...chain.shards[0].results.values()];
    expect(results.map((r) => r.receipt?.statusCode)).toEqual(["RUNTIME_ERROR", "SUCCESS"]);
  });
});

describe("account creation on another shard (action receipts)", () => {
  const ADMIN = "admin";
  const names = ["newacct1", "newacct2", "newacct3", "newacct4", "newacct5", "newacct6"];
  const remoteName = names.find((n) => shardOf(n, N) !== shardOf(ADMIN, N))!;
  const createTx = (name: string, limit: string, nonce: number, transfer = "10") =>
    makeTx(
      [
        act("auth.iost", "signUp", [name, fakeKey(77), fakeKey(77)]),
        act("ram.iost", "buy", [ADMIN, name, 1024]),
        act("gas.iost", "pledge", [ADMIN, name, "10"]),
        act("token.iost", "transfer", ["iost", ADMIN, name, transfer, ""]),
      ],
      { amountLimit: [{ token: "iost", value: limit }], time: devGenesis().time + BigInt(nonce) },
    );

  it("the iost SDK's newAccount actions work for a name on another shard; the unused escrow comes back", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const supply = chain.totalIost();
    const a0 = chain.iostBalance(ADMIN);
    chain.submit(createTx(remoteName, "1000", 1));
    chain.step();
    // The limit is a cap, not the escrow: the whole balance is away, as one shard lets the actions read it.
    expect(chain.iostBalance(ADMIN)).toBe(0n);
    expect(chain.totalIost()).toBe(supply);
    // The signUp's part asks the other shards whether an older tx may create the name (creators), then stands.
    for (let i = 0; i < 3; i++) chain.step();
    const target = chain.shards[shardOf(remoteName, N)];
    expect(target.store.get(`m-auth.iost-auth-${remoteName}`)).toBeDefined();
    expect(chain.totalIost()).toBe(supply);
    // The buy runs on the market's shard (shard 0), the pledge and transfer back on the name's: settled hop by hop.
    for (let i = 0; i < 10 && !chain.quiet(); i++) {
      chain.step();
      expect(chain.totalIost()).toBe(supply);
    }
    expect(chain.iostBalance(remoteName)).toBe(10n * 100_000_000n);
    expect(target.store.get(`m-token.iost-TB${remoteName}-ram`)).toBeDefined();
    expect(target.store.get(`b-gas.iost-${remoteName}gt`)).toBeDefined();
    expect(target.store.get(`m-token.iost-TB${ADMIN}-iost`)).toBeUndefined(); // the escrow left nothing behind
    const spent = a0 - chain.iostBalance(ADMIN);
    expect(spent).toBeGreaterThan(20n * 100_000_000n); // transfer 10 + pledge 10 + the RAM price
    expect(spent).toBeLessThan(1000n * 100_000_000n);
    const [result] = [...chain.shards[shardOf(ADMIN, N)].results.values()];
    expect(result).toMatchObject({ pending: 0, failures: [] });
  });

  it("a forwarded part that fails rolls back there and refunds the whole escrow", () => {
    const chain = new SimChain(simGenesis(USERS), N);
    const a0 = chain.iostBalance(ADMIN);
    chain.submit(createTx(remoteName, "1000", 1, "5000")); // the transfer exceeds the escrow
    for (let i = 0; i < 10 && (i < 3 || !chain.quiet()); i++) chain.step();
    expect(chain.iostBalance(ADMIN)).toBe(a0);
    expect(chain.shards[shardOf(remoteName, N)].store.get(`m-auth.iost-auth-${remoteName}`)).toBeUndefined();
    const [result] = [...chain.shards[shardOf(ADMIN, N)].results.values()];
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toContain("running action Action{Contract: token.iost, ActionName: transfer");
  });

  it.each(["unlimited", "above the balance"])("an amount_limit %s escrows the whole balance until the settle returns the rest", (limit) => {
    const chain = new SimChain(simGenesis(USERS), N);
    const a0 = chain.iostBalance(ADMIN);
    chain.submit(createTx(remoteName, limit === "unlimited" ? limit : String(a0 / 100_000_000n + 1n), 1));
    chain.step();
    expect(chain.iostBalance(ADMIN)).toBe(0n);
    for (let i = 0; i < 10 && !chain.quiet(); i++) chain.step();
    const spent = a0 - chain.iostBalance(ADMIN);
    expect(spent).toBeGreaterThan(20n * 100_000_000n);
    expect(spent).toBeLessThan(1000n * 100_000_000n);
    expect(chain.iostBalance(remoteName)).toBe(10n * 100_000_000n);
  });
});

describe("unpledge of a pledge for an account of another shard", () => {
  const pledger = USERS[0];
  const A = shardOf(pledger, N);
  const user = USERS.find((u) => shardOf(u, N) !== A)!;
  const B = shardOf(user, N);
  const peer = USERS.find((u) => u !== pledger && shardOf(u, N) === A)!;
  const key = fakeKey(USERS.indexOf(pledger));
  const T = devGenesis().time;
  const gasTx = (name: string, amount: string, limit: string, nonce: number) =>
    makeTx([act("gas.iost", name, [pledger, user, amount])], {
      publisher: pledger,
      key,
      time: T + BigInt(nonce),
      amountLimit: [{ token: "iost", value: limit }],
    });
  const frozen = (chain: SimChain, acc: string) => {
    const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`m-token.iost-TF${acc}-iost`));
    return parseFreezeList(v && v.value.t === "j" ? v.value.v : "[]");
  };
  const gasOf = (chain: SimChain) => readGas(new ContractDB(new State(chain.shards[B].store)), user);
  /** Balances, frozen balances and in-flight amounts (SimChain.totalIost): the refund is one of them at every height. */
  const supply = (chain: SimChain) => chain.totalIost();
  /** Pledges 100 for `user` (forwarded to B, settled home by height 3), the pledger with RAM for its frozen refund's list. */
  const pledged = () => {
    const chain = new SimChain(simGenesis(USERS), N);
    chain.submit(makeTx([act("ram.iost", "buy", [pledger, pledger, 1000])], { publisher: pledger, key, time: T }));
    chain.submit(gasTx("pledge", "100", "100", 1));
    for (let i = 0; i < 3; i++) chain.step();
    return chain;
  };

  it.each([undefined, 0, 1])("runs on the user's shard, the 3-day frozen refund lands home once (crash: %s)", (crash) => {
    const crashShard = crash === undefined ? undefined : [A, B][crash];
    const chain = pledged();
    const total = supply(chain);
    const before = gasOf(chain);
    const b0 = chain.iostBalance(pledger);
    chain.submit(gasTx("unpledge", "40", "0", 2));
    chain.step({ crash: crashShard }); // home: forwarded, with the pledger's frozen list and free RAM
    chain.step({ crash: crashShard }); // B: unpledged, the refund frozen into the list held there, its RAM paid as on one shard
    const after = gasOf(chain);
    expect(before.pledgeTotal.sub(after.pledgeTotal).toString()).toBe("40");
    expect(before.limit.sub(after.limit).toString()).toBe(Decimal.fromInt(40, 0).mul(GAS_LIMIT_PER_IOST).toString());
    expect(chain.inFlight().filter((r) => r.kind === "credit")).toEqual([]);
    const settle = chain.inFlight().find((r) => r.kind === "settle")!;
    expect(settle).toMatchObject({ toShard: A, account: pledger });
    const refund = parseFreezeList((decodeValue(settle.frozen)!.value as { v: string }).v);
    expect(refund).toMatchObject([{ Amount: 40n * 100_000_000n }]);
    expect(supply(chain)).toBe(total);
    const ftime = refund[0].Ftime;
    chain.step({ crash: crashShard }); // A: the frozen balance comes home with the settle
    expect(frozen(chain, pledger)).toEqual([{ Amount: 40n * 100_000_000n, Ftime: ftime }]);
    expect(supply(chain)).toBe(total);
    chain.step({ crash: crashShard });
    chain.step();
    expect(chain.inFlight()).toEqual([]);
    expect(supply(chain)).toBe(total);
    expect(frozen(chain, pledger)).toHaveLength(1);
    expect(chain.iostBalance(pledger)).toBe(b0);
    for (const s of chain.shards) for (const [, times] of s.applied) expect(times).toBe(1);
    const result = [...chain.shards[A].results.values()].at(-1)!;
    expect(result).toMatchObject({ pending: 0, failures: [] });
    expect(result.receipt?.statusCode).toBe("SUCCESS");

    // Frozen for IOST's 3 days from the block that unpledged (B's, a block after the tx's): spendable only then.
    expect(ftime - UNPLEDGE_FREEZE_NS).toBeGreaterThan(T);
    const spendAll = (time: bigint) =>
      makeTx([act("token.iost", "transfer", ["iost", pledger, peer, new Decimal(b0 + 40n * 100_000_000n, 8).toString(), ""])], {
        publisher: pledger,
        key,
        time,
      });
    chain.submit(spendAll(ftime - 2_000_000_000n));
    chain.step({ time: ftime - 1_000_000_000n });
    expect(chain.iostBalance(pledger)).toBe(b0);
    chain.submit(spendAll(ftime));
    chain.step({ time: ftime });
    expect(chain.iostBalance(pledger)).toBe(0n);
    expect(frozen(chain, pledger)).toEqual([]);
    expect(supply(chain)).toBe(total);
  });

  it("unpledging more than pledged fails on the user's shard: nothing refunded, nothing changed", () => {
    const chain = pledged();
    const total = supply(chain);
    const before = gasOf(chain);
    const b0 = chain.iostBalance(pledger);
    chain.submit(gasTx("unpledge", "101", "0", 2));
    for (let i = 0; i < 3; i++) {
      chain.step();
      expect(chain.inFlight().filter((r) => r.kind === "credit")).toEqual([]);
      expect(supply(chain)).toBe(total);
    }
    expect(gasOf(chain)).toEqual(before);
    expect(chain.iostBalance(pledger)).toBe(b0);
    expect(frozen(chain, pledger)).toEqual([]);
    const result = [...chain.shards[A].results.values()].at(-1)!;
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toContain("you cannot unpledge more than your pledge 101 > 100");
  });
});

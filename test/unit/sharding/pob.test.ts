/**
 * Proof of Believability across shards on the in-memory chain (sim.ts,
 * 4 shards): vote_producer.iost, vote.iost, issue.iost and bonus.iost keep their
 * state and balances on shard 0, actions on them from other shards are forwarded
 * there; token.iost's transferFreeze and issue reach accounts of other shards as
 * credits (frozen ones carry their unfreeze time); `contribute` lives on shard 0.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../../src/amount";
import { parseFreezeList } from "../../../src/contracts/freeze";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { ShardState } from "../../../src/executor/guard";
import { shardOf } from "../../../src/sharding/placement";
import { SimChain } from "./sim";
import { getVoterBonus } from "../../../src/query/pob";
import { getTokenBalance } from "../../../src/query/index";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { State } from "../../../src/state/state";
import { ContractDB, decodeValue, encodeValue, int } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";

const N = 4;
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
const IOST = 100_000_000n;
const SEC = 1_000_000_000n;
const T0 = devGenesis().time + 10n * SEC;
const BLOCK_TIME = T0 + 100n * SEC;
const PRODUCER = "producer000";

function config(): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: USERS.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 100000n })),
  };
}

const voter = USERS.find((u) => shardOf(u, N) === 2)!;
const onZero = USERS.find((u) => shardOf(u, N) === 0)!;
const onOne = USERS.find((u) => shardOf(u, N) === 1)!;

let nonce = 0;
function txBy(user: string | "admin", actions: ReturnType<typeof act>[], limit = "unlimited"): Tx {
  return makeTx(actions, {
    ...(user === "admin" ? {} : { publisher: user, key: fakeKey(USERS.indexOf(user)) }),
    time: T0 + BigInt(nonce++),
    gasLimit: 4_000_000n,
    amountLimit: [{ token: "iost", value: limit }],
  });
}

const raw = (chain: SimChain, shard: number, key: string) => decodeValue(chain.shards[shard].store.get(key))?.value;
function balance(chain: SimChain, acc: string, shard = shardOf(acc, N)): bigint {
  const v = raw(chain, shard, `m-token.iost-TB${acc}-iost`);
  return v && v.t === "i" ? v.v : 0n;
}
function frozen(chain: SimChain, acc: string, shard = shardOf(acc, N)) {
  const v = raw(chain, shard, `m-token.iost-TF${acc}-iost`);
  return v && v.t === "j" ? parseFreezeList(v.v) : [];
}
function supplyOn(chain: SimChain, shard: number): bigint {
  const v = raw(chain, shard, "m-token.iost-TIiost-supply");
  return v && v.t === "i" ? v.v : 0n;
}

/** Steps one block at a time checking the supply (balances + frozen + in flight) never changes. */
function steps(chain: SimChain, n: number, supply: bigint, crash?: number) {
  for (let i = 0; i < n; i++) {
    chain.step({ time: BLOCK_TIME, crash: i === 1 ? crash : undefined });
    expect(chain.totalIost()).toBe(supply);
  }
}

function result(chain: SimChain, tx: Tx) {
  const home = tx.publisher === "admin" ? 0 : shardOf(tx.publisher, chain.shards.length);
  return chain.shards[home].results.get(txId(tx))!;
}

beforeAll(vmReady);

describe("vote_producer.iost from another shard", () => {
  it("a vote runs on shard 0 (IOST locked there), an unvote's refund arrives frozen on the voter's shard", () => {
    const chain = new SimChain(config(), N);
    expect(shardOf(voter, N)).not.toBe(0);
    const supply = chain.totalIost();
    const [home0, vote0] = [balance(chain, voter), balance(chain, "vote.iost", 0)];

    const v = txBy(voter, [act("vote_producer.iost", "vote", [voter, PRODUCER, "1000"])], "1000");
    chain.submit(v);
    steps(chain, 3, supply, 0); // forward, run on shard 0 (which loses a build once), settle
    const r = result(chain, v);
    expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
    expect(r.pending).toBe(0);
    expect(balance(chain, voter)).toBe(home0 - 1000n * IOST);
    expect(balance(chain, "vote.iost", 0)).toBe(vote0 + 1000n * IOST);
    // The vote record is shard 0's; the voter's shard never wrote one.
    expect(chain.shards[0].store.get(`m-vote.iost-u_1-${voter}`)).toBeDefined();
    expect(chain.shards[shardOf(voter, N)].store.get(`m-vote.iost-u_1-${voter}`)).toBeUndefined();
    // No escrow of the voter stays on shard 0.
    expect(chain.shards[0].store.get(`m-token.iost-TB${voter}-iost`)).toBeUndefined();
    // The forwarded part's contract receipts join the voter's combined receipt.
    expect(r.receipt!.receipts.map((x) => x.funcName)).toContain("vote_producer.iost/vote");

    const u = txBy(voter, [act("vote_producer.iost", "unvote", [voter, PRODUCER, "400"])], "0");
    chain.submit(u);
    steps(chain, 4, supply); // forward, run on shard 0 (sends the frozen credit), credit applied, settles
    const ru = result(chain, u);
    expect(ru.receipt?.statusCode, ru.receipt?.message).toBe("SUCCESS");
    expect(balance(chain, "vote.iost", 0)).toBe(vote0 + 600n * IOST);
    expect(balance(chain, voter)).toBe(home0 - 1000n * IOST);
    // Frozen for vote_producer.iost's lock (voteLockSec) from the tx time, on the voter's own shard.
    expect(frozen(chain, voter)).toEqual([{ Amount: 400n * IOST, Ftime: u.time + config().consensus.voteLockSec * SEC }]);
    expect(frozen(chain, voter, 0)).toEqual([]);
    expect(chain.inFlight()).toEqual([]);
    // Issuance happens on shard 0 only: voting moved IOST, it created none.
    expect(supplyOn(chain, 0)).toBe(supplyOn(chain, 1));
  });

  it("voter bonus topped up from one shard is withdrawn to a voter of another; the RPC reads shard 0", () => {
    const chain = new SimChain(config(), N);
    const supply = chain.totalIost();
    const v = txBy(voter, [act("vote_producer.iost", "vote", [voter, PRODUCER, "1000"])], "1000");
    chain.submit(v);
    steps(chain, 3, supply);
    const top = txBy(onOne, [act("vote_producer.iost", "topupVoterBonus", [PRODUCER, "50", onOne])], "50");
    chain.submit(top);
    steps(chain, 3, supply);
    expect(result(chain, top).receipt?.statusCode, result(chain, top).receipt?.message).toBe("SUCCESS");
    expect(getVoterBonus(new State(chain.shards[0].store), voter)).toEqual({ bonus: 50, detail: { [PRODUCER]: 50 } });
    // Another shard's copy of vote_producer.iost knows nothing of it: the edge asks shard 0.
    expect(getVoterBonus(new State(chain.shards[1].store), voter)).toEqual({ bonus: 0, detail: {} });
    const [h0, vp0] = [balance(chain, voter), balance(chain, "vote_producer.iost", 0)];
    const w = txBy(voter, [act("vote_producer.iost", "voterWithdraw", [voter])], "0");
    chain.submit(w);
    steps(chain, 3, supply);
    expect(result(chain, w).receipt?.statusCode, result(chain, w).receipt?.message).toBe("SUCCESS");
    expect(balance(chain, voter)).toBe(h0 + 50n * IOST);
    expect(balance(chain, "vote_producer.iost", 0)).toBe(vp0 - 50n * IOST);
    expect(getVoterBonus(new State(chain.shards[0].store), voter)).toEqual({ bonus: 0, detail: {} });
  });

  it("a failing vote from another shard rolls back on shard 0 and refunds the escrow", () => {
    const chain = new SimChain(config(), N);
    const supply = chain.totalIost();
    const home0 = balance(chain, voter);
    const v = txBy(voter, [act("vote_producer.iost", "vote", [voter, "nobody01", "10"])], "10");
    chain.submit(v);
    steps(chain, 3, supply);
    const r = result(chain, v);
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt?.message).toMatch(/^running action Action\{Contract: vote_producer\.iost, ActionName: vote, .*\n error: .*producer not exists/s);
    expect(balance(chain, voter)).toBe(home0);
    expect(chain.shards[0].store.get(`m-vote.iost-u_1-${voter}`)).toBeUndefined();
  });

  it("a register from one shard is seen by a read from another: both run on shard 0", () => {
    const chain = new SimChain(config(), N);
    const supply = chain.totalIost();
    const reg = txBy(voter, [act("vote_producer.iost", "applyRegister", [voter, fakeKey(99), "loc", "url", "net", true])], "0");
    chain.submit(reg);
    steps(chain, 3, supply);
    expect(result(chain, reg).receipt?.statusCode, result(chain, reg).receipt?.message).toBe("SUCCESS");
    expect(chain.shards[0].store.get(`m-vote_producer.iost-producerTable-${voter}`)).toBeDefined();
    expect(chain.shards[shardOf(voter, N)].store.get(`m-vote_producer.iost-producerTable-${voter}`)).toBeUndefined();
    const get = txBy(onOne, [act("vote_producer.iost", "getProducer", [voter])], "0");
    chain.submit(get);
    steps(chain, 3, supply);
    const r = result(chain, get);
    expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
    expect(r.receipt!.returns[0]).toContain(fakeKey(99));
  });

  it("a contract of another shard calls vote_producer.iost synchronously and reads its storage, both from shard 0", () => {
    const chain = new SimChain(config(), N);
    const code = `class P {
  init() {}
  callVote() { return blockchain.call("vote_producer.iost", "getProducer", ["${PRODUCER}"]); }
  readVote() { return storage.globalGet("vote_producer.iost", "voteId"); }
}
module.exports = P;`;
    const abi = [
      { name: "callVote", args: [] },
      { name: "readVote", args: [] },
    ];
    const d = txBy(onOne, [act("system.iost", "setCode", [contractJson(code, abi)])]);
    chain.submit(d);
    chain.step({ time: BLOCK_TIME });
    chain.step({ time: BLOCK_TIME });
    expect(result(chain, d).receipt?.statusCode, result(chain, d).receipt?.message).toBe("SUCCESS");
    const id = "Contract" + txId(d);
    const call = txBy(onOne, [act(id, "callVote", [])]);
    const read = txBy(onOne, [act(id, "readVote", [])]);
    // Each fetches from shard 0 and runs again with what it fetched (docs/SHARDING.md "Remote state inside a
    // contract", "Calls of another shard's contract"): the call, vote_producer.iost's code being native, its records.
    chain.submit(call);
    chain.step({ time: BLOCK_TIME });
    expect(result(chain, call).pending).toBe(1);
    for (let i = 0; i < 8 && result(chain, call).pending > 0; i++) chain.step({ time: BLOCK_TIME });
    expect(result(chain, call)).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS" } });
    expect(result(chain, call).receipt?.returns[0]).toContain("pubkey");
    chain.submit(read);
    chain.step({ time: BLOCK_TIME });
    expect(result(chain, read).pending).toBe(1);
    chain.step({ time: BLOCK_TIME });
    chain.step({ time: BLOCK_TIME });
    expect(result(chain, read)).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS" } });
    expect(result(chain, read).receipt?.returns).toEqual([JSON.stringify([decodeValue(chain.shards[0].store.get("b-vote_producer.iost-voteId"))?.value.v])]);
  });
});

describe("property: votes and unvotes from every shard", () => {
  it("supply constant at every height (a shard losing a build), vote.iost on shard 0 holds the net votes, refunds frozen at home", () => {
    const op = fc.record({ user: fc.integer({ min: 0, max: USERS.length - 1 }), unvote: fc.boolean(), amount: fc.integer({ min: 1, max: 50 }) });
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 4 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: -1, max: N - 1 }), (blocks, crash) => {
        const chain = new SimChain(config(), N);
        const supply = chain.totalIost();
        const start = new Map(USERS.map((u) => [u, balance(chain, u)]));
        const vote0 = balance(chain, "vote.iost", 0);
        const votes = new Map(USERS.map((u) => [u, 0n]));
        const refunded = new Map(USERS.map((u) => [u, 0n]));
        const txs: [Tx, boolean][] = [];
        for (const ops of blocks) {
          for (const o of ops) {
            const u = USERS[o.user];
            const amount = BigInt(o.amount);
            const ok = !o.unvote || votes.get(u)! >= amount * IOST;
            if (ok && o.unvote) {
              votes.set(u, votes.get(u)! - amount * IOST);
              refunded.set(u, refunded.get(u)! + amount * IOST);
            } else if (ok) votes.set(u, votes.get(u)! + amount * IOST);
            const t = txBy(u, [act("vote_producer.iost", o.unvote ? "unvote" : "vote", [u, PRODUCER, String(o.amount)])], o.unvote ? "0" : String(o.amount));
            chain.submit(t);
            txs.push([t, ok]);
          }
          chain.step({ crash: crash < 0 ? undefined : crash });
          expect(chain.totalIost()).toBe(supply);
        }
        // A voter's next tx waits for its previous one's settle (executor/locks.ts).
        for (let i = 0; i < 60 && (i < 4 || !chain.quiet()); i++) {
          chain.step();
          expect(chain.totalIost()).toBe(supply);
        }
        expect(chain.quiet()).toBe(true);
        for (const [t, ok] of txs) {
          const r = result(chain, t);
          expect(r.pending).toBe(0);
          expect(r.receipt?.statusCode === "SUCCESS", r.receipt?.message).toBe(ok);
        }
        let net = 0n;
        for (const u of USERS) {
          net += votes.get(u)!;
          expect(balance(chain, u)).toBe(start.get(u)! - votes.get(u)! - refunded.get(u)!);
          expect(frozen(chain, u).reduce((a, f) => a + f.Amount, 0n)).toBe(refunded.get(u)!);
          for (const sh of chain.shards) expect(sh.applied.size === 0 || [...sh.applied.values()].every((n) => n === 1)).toBe(true);
        }
        expect(balance(chain, "vote.iost", 0)).toBe(vote0 + net);
      }),
      { numRuns: 15 },
    );
  });
});

describe("token.iost across shards", () => {
  it("transferFreeze to an account of another shard: debited here, frozen there with its unfreeze time", () => {
    const chain = new SimChain(config(), N);
    const supply = chain.totalIost();
    const [a0, b0] = [balance(chain, onZero), balance(chain, onOne)];
    const ftime = BLOCK_TIME + 3600n * SEC;
    const t = txBy(onZero, [act("token.iost", "transferFreeze", ["iost", onZero, onOne, "7", Number(ftime), ""])]);
    chain.submit(t);
    steps(chain, 1, supply);
    expect(balance(chain, onZero)).toBe(a0 - 7n * IOST);
    expect(chain.inFlight().map((x) => [x.kind, x.account, x.amount, x.freezeUntil])).toEqual([["credit", onOne, String(7n * IOST), String(ftime)]]);
    steps(chain, 2, supply);
    expect(result(chain, t).receipt?.statusCode).toBe("SUCCESS");
    expect(balance(chain, onOne)).toBe(b0);
    expect(frozen(chain, onOne)).toEqual([{ Amount: 7n * IOST, Ftime: ftime }]);
  });

  it("transferFreeze to a missing account of another shard writes its frozen record, as one shard does (IOST checks no account there)", () => {
    const chain = new SimChain(config(), N);
    const supply = chain.totalIost();
    const ghost = ["ghost0", "ghost1", "ghost2", "ghost3", "ghost4"].find((g) => shardOf(g, N) !== 0)!;
    const a0 = balance(chain, onZero);
    const t = txBy(onZero, [act("token.iost", "transferFreeze", ["iost", onZero, ghost, "7", Number(BLOCK_TIME), ""])]);
    chain.submit(t);
    steps(chain, 3, supply);
    expect(result(chain, t).receipt?.statusCode).toBe("SUCCESS");
    expect(balance(chain, onZero)).toBe(a0 - 7n * IOST);
    expect(frozen(chain, ghost)).toEqual([{ Amount: 7n * IOST, Ftime: BLOCK_TIME }]);
  });

  it("issue.iost issues to the foundation on another shard: supply grows on shard 0, the amount arrives by credit", () => {
    const chain = new SimChain(config(), N);
    const foundation = config().foundation.id;
    expect(shardOf(foundation, N)).not.toBe(0);
    const [s0, f0] = [supplyOn(chain, 0), balance(chain, foundation)];
    const t = txBy("admin", [act("issue.iost", "issueIOST", [])]);
    chain.submit(t);
    chain.step({ time: BLOCK_TIME });
    const r = result(chain, t);
    expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
    const grown = supplyOn(chain, 0) - s0;
    expect(grown).toBeGreaterThan(0n);
    const credits = chain.inFlight().filter((x) => x.kind === "credit" && x.account === foundation);
    expect(credits.length).toBeGreaterThan(0);
    const sent = credits.reduce((s, x) => s + BigInt(x.amount), 0n);
    chain.step({ time: BLOCK_TIME });
    chain.step({ time: BLOCK_TIME });
    expect(balance(chain, foundation)).toBe(f0 + sent);
    expect(chain.inFlight()).toEqual([]);
    // What shard 0's supply counts is exactly what exists on all shards together.
    const total = chain.totalIost();
    expect(total).toBe(supplyOn(chain, 0));
    // Other shards' copies of the token info never issue: they stay at genesis.
    expect(supplyOn(chain, 1)).toBe(s0);
  });

  it("destroy of iost on another shard lowers shard 0's supply by a burn receipt, once: supply = what exists at every height", () => {
    const chain = new SimChain(config(), N);
    const [before, copy] = [supplyOn(chain, 0), supplyOn(chain, 1)];
    expect(chain.totalIost()).toBe(before);
    const d = txBy(onOne, [act("token.iost", "destroy", ["iost", onOne, "2"])]);
    const none = txBy(onOne, [act("token.iost", "destroy", ["iost", onOne, "2000000"])]); // beyond the balance: no burn
    chain.submit(d);
    chain.submit(none);
    for (let i = 0; i < 3; i++) {
      chain.step({ time: BLOCK_TIME, crash: i === 1 ? 0 : undefined }); // shard 0 loses the build that applies the burn once
      // Balances, frozen balances and in-flight receipts (the burn too, until shard 0 applies it): the chain's supply.
      expect(chain.totalIost()).toBe(supplyOn(chain, 0));
    }
    expect(result(chain, d)).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS" } });
    expect(result(chain, none).receipt?.message).toContain("balance not enough");
    expect([supplyOn(chain, 0), supplyOn(chain, 1), chain.totalIost()]).toEqual([before - 2n * IOST, copy, before - 2n * IOST]);
    expect(chain.shards[0].applied.get(`${txId(d)}:0`)).toBe(1);
  });
});

/** A tx of onOne's with `action`, its amount limit any token's (contribute's among them). */
function anyToken(action: ReturnType<typeof act>): Tx {
  return makeTx([action], {
    publisher: onOne,
    key: fakeKey(USERS.indexOf(onOne)),
    time: T0 + BigInt(nonce++),
    gasLimit: 4_000_000n,
    amountLimit: [{ token: "*", value: "unlimited" }],
  });
}

/** 2 contribute held by onOne (bonus.iost's mint, as a producer's), on shard 0 where every contribute lives; the supply before. */
function holdContribute(chain: SimChain): bigint {
  const zero = new State(chain.shards[0].store);
  const db = new ContractDB(zero);
  db.mputRaw("token.iost", "TB" + onOne, "contribute", encodeValue(int(2n * IOST), ""));
  const supply = decodeValue(zero.get("m-token.iost-TIcontribute-supply"))!.value.v as bigint;
  db.mputRaw("token.iost", "TIcontribute", "supply", encodeValue(int(supply + 2n * IOST), "bonus.iost"));
  zero.commit();
  return supply;
}

describe("contribute lives on shard 0", () => {
  // As on one shard: contribute is untransferable (session 25's SDK run found another shard's own error, 900 gas less).
  it.each(["transfer", "transferFreeze"])("a %s of contribute on another shard fails as on one shard, before any write", (api) => {
    const data = api === "transfer" ? ["contribute", onOne, voter, "1", ""] : ["contribute", onOne, voter, "1", Number(BLOCK_TIME + 1n), ""];
    const t = txBy(onOne, [act("token.iost", api, data)]);
    const receipts = [1, N].map((count) => {
      const chain = new SimChain(config(), count);
      chain.submit(t);
      chain.step({ time: BLOCK_TIME });
      expect(chain.inFlight()).toEqual([]);
      return result(chain, t).receipt;
    });
    expect(receipts[1]).toEqual(receipts[0]);
    expect([receipts[1]?.statusCode, receipts[1]?.message]).toEqual(["RUNTIME_ERROR", expect.stringContaining("token can't transfer")]);
  });

  it("a destroy of contribute by its holder on another shard runs on shard 0, as on one shard", () => {
    const t = anyToken(act("token.iost", "destroy", ["contribute", onOne, "0.5"]));
    const outcomes = [1, N].map((count) => {
      const chain = new SimChain(config(), count);
      const supply = holdContribute(chain);
      chain.submit(t);
      for (let i = 0; i < 4; i++) chain.step({ time: BLOCK_TIME });
      const left = [raw(chain, 0, `m-token.iost-TB${onOne}-contribute`), raw(chain, 0, "m-token.iost-TIcontribute-supply")].map((v) => v?.v);
      return { receipt: result(chain, t).receipt, left: [left[0], (left[1] as bigint) - supply] };
    });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[1].receipt?.statusCode, outcomes[1].receipt?.message).toBe("SUCCESS");
    expect(outcomes[1].left).toEqual([IOST + IOST / 2n, IOST + IOST / 2n]);
  });

  it("a contract of another shard destroys its caller's contribute as on one shard; an issue of it fails as there", () => {
    const BURNER = `class Burner {
  init() {}
  burn(amount) { blockchain.call("token.iost", "destroy", ["contribute", tx.publisher, amount]); }
  mint(amount) { blockchain.call("token.iost", "issue", ["contribute", tx.publisher, amount]); }
}
module.exports = Burner;`;
    const abi = ["burn", "mint"].map((name) => ({ name, args: ["string"], amountLimit: [{ token: "*", val: "unlimited" }] }));
    const deploy = txBy(onOne, [act("system.iost", "setCode", [contractJson(BURNER, abi)])]);
    const id = `Contract${txId(deploy)}`;
    const calls = [anyToken(act(id, "burn", ["0.5"])), anyToken(act(id, "mint", ["1"]))];
    const outcomes = [1, N].map((count) => {
      const chain = new SimChain(config(), count);
      chain.submit(deploy);
      for (let i = 0; i < 3; i++) chain.step({ time: BLOCK_TIME });
      expect(result(chain, deploy).receipt?.statusCode).toBe("SUCCESS");
      const supply = holdContribute(chain);
      const receipts = calls.map((t) => {
        chain.submit(t);
        for (let i = 0; i < 5; i++) chain.step({ time: BLOCK_TIME });
        return result(chain, t).receipt;
      });
      expect(chain.inFlight()).toEqual([]);
      const left = [raw(chain, 0, `m-token.iost-TB${onOne}-contribute`), raw(chain, 0, "m-token.iost-TIcontribute-supply")].map((v) => v?.v);
      return { receipts, left: [left[0], (left[1] as bigint) - supply] };
    });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[1].receipts.map((r) => [r?.statusCode, r?.message])).toEqual([
      ["SUCCESS", ""],
      ["RUNTIME_ERROR", expect.stringContaining("transaction has no permission")],
    ]);
    expect(outcomes[1].left).toEqual([IOST + IOST / 2n, IOST + IOST / 2n]);
  });

  it("on shard 0 it is not transferable (bonus.iost creates it so)", () => {
    const chain = new SimChain(config(), N);
    const t = txBy(onZero, [act("token.iost", "transfer", ["contribute", onZero, onOne, "1", ""])]);
    chain.submit(t);
    chain.step({ time: BLOCK_TIME });
    expect(result(chain, t).receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(chain.inFlight()).toEqual([]);
  });

  it("the guard: shard 0 holds any account's contribute, other shards hold none", () => {
    const chain = new SimChain(config(), N);
    const key = `m-token.iost-TB${onOne}-contribute`;
    const zero = new ShardState(chain.shards[0].store, { index: 0, count: N });
    new ContractDB(zero).mputRaw("token.iost", "TB" + onOne, "contribute", encodeValue(int(5n), ""));
    expect(zero.get(key)).toBeDefined();
    zero.discard();
    const one = new ShardState(chain.shards[1].store, { index: 1, count: N });
    expect(() => one.put(key, encodeValue(int(5n), ""))).toThrow(`the contribute of account ${onOne} lives on shard 0, this tx runs on shard 1`);
    one.discard();
    // Its iost stays at home: shard 0 still refuses that.
    const zero2 = new ShardState(chain.shards[0].store, { index: 0, count: N });
    expect(() => zero2.put(`m-token.iost-TB${onOne}-iost`, encodeValue(int(5n), ""))).toThrow(`account ${onOne} lives on shard 1, this tx runs on shard 0`);
    zero2.discard();
  });
});

describe("rewards with base txs on shard 0", () => {
  const producer = DEV_PRODUCERS[0];

  it("contribute is minted on shard 0 for a producer of another shard and exchanged from its shard; shard 0's supply is the chain's", () => {
    const chain = new SimChain(config(), N, { baseWitness: producer.pubkey });
    expect(shardOf(producer.id, N)).not.toBe(0);
    const genesisSupply = supplyOn(chain, 0);
    expect(chain.totalIost()).toBe(genesisSupply);
    const blocks = config().consensus.issueInterval + 2;
    for (let i = 0; i < blocks; i++) {
      chain.step();
      const base = chain.baseTxs.get(chain.height)!;
      const r = chain.shards[0].results.get(txId(base))!;
      expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
      // Issuance happens on shard 0 only; what it issued is a balance or a credit in flight.
      expect(chain.totalIost()).toBe(supplyOn(chain, 0));
      expect(supplyOn(chain, 1)).toBe(genesisSupply);
    }
    expect(supplyOn(chain, 0)).toBeGreaterThan(genesisSupply);
    const contributeKey = `m-token.iost-TB${producer.id}-contribute`;
    const minted = raw(chain, 0, contributeKey);
    expect(minted?.t === "i" && minted.v > 0n).toBe(true);
    expect(chain.shards[shardOf(producer.id, N)].store.get(contributeKey)).toBeUndefined();
    // The edge reads it (and iost's supply) from shard 0.
    expect(getTokenBalance(new State(chain.shards[0].store), producer.id, "contribute", 0n).balance).toBeGreaterThan(0);

    const before = balance(chain, producer.id);
    const bonus0 = balance(chain, "bonus.iost", 0);
    const held = minted?.t === "i" ? minted.v : 0n;
    const amount = held < bonus0 ? held : bonus0;
    expect(amount).toBeGreaterThan(0n);
    const ex = makeTx([act("bonus.iost", "exchangeIOST", [producer.id, new Decimal(amount, 8).toString()])], {
      publisher: producer.id,
      key: producer.pubkey,
      time: T0 + BigInt(nonce++),
      gasLimit: 4_000_000n,
      amountLimit: [
        { token: "iost", value: "0" },
        { token: "contribute", value: "unlimited" },
      ],
    });
    chain.submit(ex);
    for (let i = 0; i < 3; i++) {
      chain.step();
      expect(chain.totalIost()).toBe(supplyOn(chain, 0));
    }
    const r = result(chain, ex);
    expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
    // The IOST bonus.iost paid on shard 0 reached the producer's own shard (through its escrow's settle).
    expect(balance(chain, producer.id) - before).toBe(amount);
    // The contribute destroyed was shard 0's (the base txs meanwhile minted some more).
    const left = raw(chain, 0, contributeKey);
    expect(left?.t === "i" ? left.v : -1n).toBeLessThan(held);
  });
});

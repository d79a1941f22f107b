import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { base58Decode, base58Encode } from "../../../src/codec/base58";
import { buildTxContext, executeTx, dryRun, checkPublisherGas } from "../../../src/executor/index";
import { poolOrder } from "../../../src/pool/index";
import { actionDesc } from "../../../src/executor/actions";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { ContractDB, mapKey } from "../../../src/state/storage";
import { totalGasAt } from "../../../src/contracts/gas";
import { txHash, txBytes, FULL } from "../../../src/tx/bytes";
import { SECP256K1, type Tx } from "../../../src/tx/types";
import { Chain, act, fakeKey, makeTx, SEC, block } from "./helpers";

const bal = (c: Chain, acc: string, tok = "iost") => {
  const v = new ContractDB(c.state).mget("token.iost", "TB" + acc, tok);
  return v && v.t === "i" ? v.v : 0n;
};

describe("golden: go-iost verifier_test TestTransfer", () => {
  // Rebuild the Go simulator's state: user_0/user_1 with secp256k1 keys stored by Go's
  // json.Marshal (len 389 serialized), token iost created by user_0 and 1000 issued to
  // user_0, 1e8 gas, 10000 RAM; head block 1 at 1541541540 s; gas limit 1,000,000.
  function setup() {
    const store = new MemoryStore();
    const state = new State(store);
    const db = new ContractDB(state);
    const keyBytes = (i: number) => {
      const b = new Uint8Array(33);
      b[0] = 3;
      for (let j = 1; j < 33; j++) b[j] = (j * 7 + i * 13) & 0xff;
      b[1] = 0xf0;
      return b;
    };
    const goAccount = (id: string, k: string) =>
      `{"id":"${id}","referrer":"","groups":{},"permissions":{"active":{"name":"active","groups":null,"items":[{"id":"${k}","permission":"","is_key_pair":true,"weight":1}],"threshold":1},"owner":{"name":"owner","groups":null,"items":[{"id":"${k}","permission":"","is_key_pair":true,"weight":1}],"threshold":1}}}`;
    const keys = [0, 1].map((i) => keyBytes(i));
    for (let i = 0; i < 2; i++) {
      const k = base58Encode(keys[i]);
      expect(k.length).toBe(45);
      const raw = "s" + goAccount("user_" + i, k) + "@";
      expect(raw.length).toBe(389);
      db.mputRaw("auth.iost", "auth", "user_" + i, raw);
      state.put("b-gas.iost-user_" + i + "gs", "f100000000.00@");
      state.put("b-gas.iost-user_" + i + "gl", "f100000000.00@");
      state.put(mapKey("token.iost", "TBuser_" + i, "ram"), "i10000@");
    }
    const ti = (f: string, raw: string) => db.mputRaw("token.iost", "TIiost", f, raw + "@user_0");
    ti("issuer", "suser_0");
    ti("totalSupply", "i100000000000000");
    ti("supply", "i100000000000");
    ti("canTransfer", "bt");
    ti("onlyIssuerCanTransfer", "bf");
    ti("defaultRate", "s1.0");
    ti("decimal", "i8");
    ti("fullName", "siost");
    db.mputRaw("token.iost", "TBuser_0", "iost", "i100000000000@token.iost");
    state.commit();
    const time = 1541541540n * SEC;
    const tx: Tx = {
      time,
      expiration: time + 400_000_000n,
      gasRatio: 100n,
      gasLimit: 100_000_000n,
      delay: 0n,
      chainId: 1024,
      signers: [],
      actions: [{ contract: "token.iost", actionName: "transfer", data: `["iost","user_0","user_1","0.0001",""]` }],
      amountLimit: [{ token: "*", value: "unlimited" }],
      signatures: [],
      publisher: "user_0",
      publisherSigs: [{ algorithm: SECP256K1, sig: new Uint8Array(64), pubkey: keys[0] }],
    };
    return { state, db, tx, blk: block(1n, time) };
  }

  it("transfer 0.0001 -> 99999990000 / 10000; gas = Go's 762900 + 300 for token 1.0.6's extra decimal read", () => {
    const { state, db, tx, blk } = setup();
    expect(txBytes(tx, FULL).length).toBe(286);
    const r = executeTx(state, tx, txHash(tx), blk);
    if ("dropped" in r) throw new Error(r.dropped);
    expect(r.receipt.message).toBe("");
    expect(r.receipt.statusCode).toBe("SUCCESS");
    expect(db.mget("token.iost", "TBuser_0", "iost")).toEqual({ t: "i", v: 99999990000n });
    expect(db.mget("token.iost", "TBuser_1", "iost")).toEqual({ t: "i", v: 10000n });
    // Go's golden 762900 is for token.iost 1.0.0 (the simulator's ABI); genesis deploys 1.0.6,
    // whose transfer (token_v3.go) reads the token decimal once more: +300 gas × ratio 100.
    expect(r.receipt.gasUsage).toBe(762900n + 30000n);
    expect(r.receipt.returns).toEqual(["[]"]);
    expect(r.receipt.receipts).toEqual([{ funcName: "token.iost/transfer", content: `["iost","user_0","user_1","0.0001",""]` }]);
  });

  it("memo > 512 bytes -> RUNTIME_ERROR memo too large, balances unchanged", () => {
    const { state, db, tx, blk } = setup();
    const memo = "test".repeat(1024);
    tx.actions = [{ contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "user_0", "user_1", "0.0001", memo]) }];
    const r = executeTx(state, tx, txHash(tx), blk);
    if ("dropped" in r) throw new Error(r.dropped);
    expect(r.receipt.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt.message).toContain("memo too large");
    expect(r.receipt.message.startsWith("running action Action{Contract: token.iost, ActionName: transfer, Data: [")).toBe(true);
    expect(r.receipt.message).toContain('..." error: memo too large'.slice(4));
    expect(db.mget("token.iost", "TBuser_0", "iost")).toEqual({ t: "i", v: 100000000000n });
    expect(r.receipt.returns).toEqual([]);
    expect(r.receipt.receipts).toEqual([]);
    expect(r.receipt.gasUsage > 0n).toBe(true);
  });
});

describe("a tx's pool key for names (TxContext.ord)", () => {
  const tx = makeTx([act("token.iost", "transfer", ["iost", "admin", "bob", "1", ""])]);
  const hash = base58Encode(txHash(tx));
  const on = (count: number) => ({ ...block(2n), shard: { index: 0, count } });

  it("with several shards: the caller's key (the pool index's) as given, else made from the tx; with one: none", () => {
    expect(buildTxContext(tx, hash, on(2), "given").ord).toBe("given");
    expect(buildTxContext(tx, hash, on(2)).ord).toBe(poolOrder(tx, hash));
    expect(buildTxContext(tx, hash, on(1), "given").ord).toBe("");
  });
});

describe("executeTx on the dev chain", () => {
  it("transfers and reports the receipt like IOST", () => {
    const c = new Chain();
    const r = c.receipt(makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "10.000", "a<b&c>"])]));
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.receipts[0].content).toBe('["iost","admin","foundation","10","a\\u003cb\\u0026c\\u003e"]');
    expect(bal(c, "foundation")).toBe(1_000_000_000n);
  });

  it("drops a tx whose publisher signature does not satisfy active, without touching state", () => {
    const c = new Chain();
    const before = c.state.writes().length;
    const r = c.run(makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "1", ""])], { key: fakeKey(9) }));
    expect(r).toEqual({ dropped: "unauthorized publisher: admin" });
    expect(c.state.writes().length).toBe(before);
  });

  it("drops bad signers, unknown amount_limit tokens and bad gas params with IOST texts", () => {
    const c = new Chain();
    const t = (o: Parameters<typeof makeTx>[1]) => c.run(makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "1", ""])], o));
    expect(t({ signers: ["admin"] })).toEqual({ dropped: "illegal signer: admin" });
    expect(t({ signers: ["producer000@owner"] })).toEqual({ dropped: "unauthorized signer: producer000@owner" });
    expect(t({ amountLimit: [{ token: "abc", value: "1" }] })).toEqual({ dropped: "token not exists in amountLimit, {abc 1}" });
    expect(
      t({
        amountLimit: [
          { token: "iost", value: "1" },
          { token: "iost", value: "2" },
        ],
      }),
    ).toEqual({ dropped: "duplicated token in amountLimit: iost" });
    expect(t({ gasRatio: 50n })).toEqual({ dropped: "gas ratio illegal, should in [1, 100]" });
    expect(t({ gasLimit: 100n })).toEqual({ dropped: "gas limit illegal, should in [6000, 4000000]" });
  });

  it("signer with the owner key satisfies id@owner", () => {
    const c = new Chain();
    const r = c.run(
      makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "1", ""])], {
        signers: ["foundation@owner"],
        signerKeys: [base58Encode(base58Decode("Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto"))],
      }),
    );
    expect("receipt" in r).toBe(true);
  });

  it("prepare contract errors", () => {
    const c = new Chain();
    const msg = (a: ReturnType<typeof act>) => c.receipt(makeTx([a])).message;
    expect(msg(act("nope.iost", "x", []))).toBe(
      "running action Action{Contract: nope.iost, ActionName: x, Data: []}\n error: prepare contract: contract nope.iost not found",
    );
    expect(msg(act("token.iost", "nope", []))).toContain("error: prepare contract: abi nope not found");
    expect(msg(act("token.iost", "transfer", ["iost"]))).toContain("error: prepare contract: args length unmatched to abi transfer. need 5, got 1");
    expect(msg(act("token.iost", "init", []))).toContain("error: prepare contract: cannot call 'init' manually");
    expect(msg(act("token.iost", "balanceOf", "[1,2]"))).toContain("prepare contract: error parse string arg &{1}, type assertion to string failed");
    expect(msg(act("token.iost", "balanceOf", "{"))).toContain("prepare contract: error in data:");
  });

  it("truncates the action description to 100 runes", () => {
    const d = actionDesc({ contract: "token.iost", actionName: "transfer", data: "x".repeat(200) });
    expect([...d].length).toBe(103);
    expect(d.endsWith("...")).toBe(true);
  });

  it("amount limits: tx and abi", () => {
    const c = new Chain();
    c.newAccount("alice", fakeKey(1));
    const tr = (lim: { token: string; value: string }[]) =>
      c.receipt(
        makeTx([act("token.iost", "transfer", ["iost", "admin", "alice", "5", ""]), act("token.iost", "transfer", ["iost", "admin", "alice", "6", ""])], {
          amountLimit: lim,
        }),
      );
    expect(tr([{ token: "iost", value: "10" }]).message).toContain("error: token iost exceed amountLimit in tx. need 6");
    expect(tr([]).message).toContain("error: token iost exceed amountLimit in tx. need 5");
    expect(tr([{ token: "iost", value: "11" }]).statusCode).toBe("SUCCESS");
    expect(tr([{ token: "*", value: "unlimited" }]).statusCode).toBe("SUCCESS");
    // signUp's ABI allows 10 iost for the creator's pledge
    const r = c.receipt(makeTx([act("auth.iost", "signUp", ["bobby", fakeKey(2), fakeKey(2)])], { amountLimit: [{ token: "iost", value: "9" }] }));
    expect(r.message).toContain("token iost exceed amountLimit in tx. need 10");
  });

  it("out of gas is exactly `out of gas` and charges the whole limit", () => {
    const c = new Chain();
    const tx = makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "1", ""])], { gasLimit: 6000n });
    const r = c.receipt(tx);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toBe("out of gas");
    expect(r.gasUsage).toBe(6000n * 100n);
    expect(r.returns).toEqual([]);
  });

  it("checkPublisherGas and the self-pledge exception", () => {
    const c = new Chain();
    c.newAccount("alice", fakeKey(1), "1000", 1000n, "10");
    const key = fakeKey(1);
    const big = makeTx([act("token.iost", "transfer", ["iost", "alice", "admin", "1", ""])], { publisher: "alice", key, gasLimit: 4_000_000n });
    expect(checkPublisherGas(c.state, big, c.time)).toMatch(/^gas not enough: user alice has \d+(\.\d+)? < 4000000$/);
    expect(c.run(big)).toEqual({ dropped: checkPublisherGas(c.state, big, c.time) });
    const pledge = makeTx([act("gas.iost", "pledge", ["alice", "alice", "100"])], { publisher: "alice", key, gasLimit: 4_000_000n });
    expect(checkPublisherGas(c.state, pledge, c.time)).toBe(null);
    const tooSmall = makeTx([act("gas.iost", "pledge", ["alice", "alice", "1"])], { publisher: "alice", key, gasLimit: 4_000_000n });
    expect(checkPublisherGas(c.state, tooSmall, c.time)).toMatch(/^gas not enough even if considering the new gas pledgement/);
  });

  // The publisher's gas is read once a tx and carried (contracts/gas.ts GasAt): a pledge in the tx must be seen by
  // the charge, and a pledge the failed tx undid must not.
  describe("the publisher's gas carried through a tx", () => {
    const gasOf = (c: Chain) => totalGasAt(new ContractDB(c.state), "alice", c.time).value;
    /** 100 IOST pledged: gas × 100, as gas.iost stores it. */
    const REWARD = 100n * 100_000n * 100n;

    it("is read again after an action pledges to the publisher: the charge comes out of the new stock", () => {
      const c = new Chain();
      c.newAccount("alice", fakeKey(1), "1000", 1000n, "10");
      const before = gasOf(c);
      const r = c.receipt(makeTx([act("gas.iost", "pledge", ["alice", "alice", "100"])], { publisher: "alice", key: fakeKey(1), gasLimit: 4_000_000n }));
      expect(r.statusCode).toBe("SUCCESS");
      expect(before < 4_000_000n * 100n).toBe(true); // only the pledge pays the gas limit
      expect(gasOf(c)).toBe(before + REWARD - r.gasUsage);
    });

    it("is read again after a failed tx undid its pledge: the charge comes out of the old stock", () => {
      const c = new Chain();
      c.newAccount("alice", fakeKey(1), "1000", 1000n, "10");
      const before = gasOf(c);
      const tx = makeTx([act("gas.iost", "pledge", ["alice", "alice", "100"]), act("token.iost", "transfer", ["iost", "alice", "admin", "5000", ""])], {
        publisher: "alice",
        key: fakeKey(1),
      });
      const r = c.receipt(tx);
      expect(r.statusCode).toBe("RUNTIME_ERROR");
      expect(r.gasUsage > 0n).toBe(true);
      expect(gasOf(c)).toBe(before - r.gasUsage);
    });
  });

  it("BALANCE_NOT_ENOUGH when RAM cannot be paid; only gas is charged", () => {
    const c = new Chain();
    c.newAccount("alice", fakeKey(1), "1000", 10n);
    const key = fakeKey(1);
    const r = c.receipt(
      makeTx([act("auth.iost", "addPermission", ["alice", "perm1", 1])], { publisher: "alice", key, signers: ["alice@owner"], signerKeys: [key] }),
    );
    expect(r.statusCode).toBe("BALANCE_NOT_ENOUGH");
    expect(r.message).toMatch(/^balance not enough after executing actions: pay ram failed\. id: alice need \d+, actual 10$/);
    expect(r.ramUsage).toEqual({});
    expect(r.gasUsage > 0n).toBe(true);
  });

  it("dryRun leaves no trace", () => {
    const c = new Chain();
    const before = JSON.stringify(c.state.writes());
    const tx = makeTx([act("token.iost", "transfer", ["iost", "admin", "foundation", "1", ""])]);
    const r = dryRun(c.state, tx, txHash(tx), c.block());
    expect("receipt" in r && r.receipt.statusCode).toBe("SUCCESS");
    expect(JSON.stringify(c.state.writes())).toBe(before);
  });

  it("property: failing txs change nothing but the publisher's gas; supply is conserved", () => {
    const names = ["admin", "alice", "bobby", "carol"];
    const base = new Chain();
    base.newAccount("alice", fakeKey(1));
    base.newAccount("bobby", fakeKey(2));
    base.newAccount("carol", fakeKey(3));
    const keys: Record<string, string> = { admin: "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto", alice: fakeKey(1), bobby: fakeKey(2), carol: fakeKey(3) };
    const snapshot = new Map(base.store.keys().map((k) => [k, base.store.get(k)!]));
    const transfer = fc.record({
      pub: fc.constantFrom(...names),
      from: fc.constantFrom(...names, "ghost"),
      to: fc.constantFrom(...names, "ghost"),
      amount: fc.oneof(fc.constantFrom("0", "1", "0.5", "1e3", "-1", "5000", "abc", "0.000000001"), fc.integer({ min: 1, max: 2000 }).map(String)),
    });
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 8 }), (txs) => {
        const store = new MemoryStore();
        for (const [k, v] of snapshot) store.put(k, v);
        const state = new State(store);
        const db = new ContractDB(state);
        const total = () =>
          names
            .concat(["gas.iost", "ram.iost", "deadaddr", "foundation", "producer000"])
            .reduce((s, n) => s + ((db.mget("token.iost", "TB" + n, "iost") as { v: bigint } | undefined)?.v ?? 0n), 0n);
        const supplyBefore = total();
        for (const t of txs) {
          const tx = makeTx([act("token.iost", "transfer", ["iost", t.from, t.to, t.amount, ""])], { publisher: t.pub, key: keys[t.pub], gasLimit: 100000n });
          const balances = names.map((n) => db.mget("token.iost", "TB" + n, "iost"));
          const gasOf = (n: string) => db.get("gas.iost", n + "gs");
          const gasBefore = names.map(gasOf);
          const r = executeTx(state, tx, txHash(tx), block(5n, 1541847845_000_000_000n + 100n * SEC));
          if ("receipt" in r && r.receipt.statusCode !== "SUCCESS") {
            expect(names.map((n) => db.mget("token.iost", "TB" + n, "iost"))).toEqual(balances);
            names.forEach((n, i) => {
              if (n !== t.pub) expect(gasOf(n)).toEqual(gasBefore[i]);
            });
          }
          expect(total()).toBe(supplyBefore);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("property: same inputs give the same write set and root", () => {
    const run = () => {
      const c = new Chain();
      c.newAccount("alice", fakeKey(1));
      c.receipt(makeTx([act("token.iost", "transfer", ["iost", "alice", "admin", "3", "x"])], { publisher: "alice", key: fakeKey(1) }));
      return JSON.stringify(c.store.keys().map((k) => [k, c.store.get(k)]));
    };
    expect(run()).toBe(run());
  });
});

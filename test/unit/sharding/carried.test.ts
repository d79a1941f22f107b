/**
 * A home part's credit to the shard its forwarded part runs on (docs/SHARDING.md "A credit's RAM"), in the
 * simulator: it rides in the action receipt, no credit receipt of its own, and lands there before the part's
 * actions, so they read it as one shard does; a failing part undoes it with the rest. A stranger's carried
 * credit is refused before anything lands. A callee's writes ride along a chain the same way, until a part of
 * their shard lands them or the last part's settle brings them back to their writer; a chain whose parts together read
 * past the read bound fails where one shard fails, with its receipt.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { decodeValue } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { act } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { ABI, BLOCK_TIME, CODE, config, N, on, run, runAll, txBy } from "./workload";

const balanceOf = (acc: string) => act("token.iost", "balanceOf", ["iost", acc]);
const transfer = (from: string, to: string, amount: string) => act("token.iost", "transfer", ["iost", from, to, amount, ""]);

describe("a home part's credit seen by its forwarded part", () => {
  beforeAll(vmReady);

  it("rides in the action receipt, lands before the part's balanceOf, and no credit receipt is sent", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    const before = chain.iostBalance(to);
    const tx = txBy(from, [transfer(from, to, "1"), balanceOf(to)]);
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME }); // home: debited, the rest forwarded to the receiver's shard with the credit
    const flying = chain.inFlight();
    expect(flying.map((r) => r.kind)).toEqual(["action"]);
    expect(flying[0].forward!.credits).toMatchObject([{ kind: "credit", toShard: shardOf(to, N), account: to, amount: "100000000" }]);
    for (let i = 0; i < 4 && !chain.quiet(); i++) chain.step({ time: BLOCK_TIME });
    const receipt = chain.shards[shardOf(from, N)].results.get(txId(tx))!.receipt!;
    expect(receipt.statusCode).toBe("SUCCESS");
    // One shard's answer: the balance with the credit.
    const one = new SimChain(config(), 1);
    one.submit(tx);
    one.step({ time: BLOCK_TIME });
    expect(receipt).toEqual(one.shards[0].results.get(txId(tx))!.receipt);
    expect(receipt.returns[1]).toBe(JSON.stringify([String((before + 100000000n) / 100000000n)]));
    expect(chain.iostBalance(to)).toBe(before + 100000000n);
  });

  it("a failing part undoes the credit it landed; the debit comes back at home", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    const was = [chain.iostBalance(from), chain.iostBalance(to)];
    // A transfer beyond the receiver's balance (credit included) fails on its shard, after the credit landed.
    const tx = txBy(from, [transfer(from, to, "1"), balanceOf(to), act("token.iost", "transfer", ["iost", to, from, "99999999", ""])]);
    chain.submit(tx);
    for (let i = 0; i < 6 && (i === 0 || !chain.quiet()); i++) chain.step({ time: BLOCK_TIME });
    const receipt = chain.shards[shardOf(from, N)].results.get(txId(tx))!.receipt!;
    expect(receipt.statusCode).toBe("RUNTIME_ERROR");
    expect(chain.iostBalance(to)).toBe(was[1]);
    expect(chain.iostBalance(from)).toBeGreaterThan(was[0] - 100000000n); // only the gas was paid
  });

  it("refuses a stranger's carried credit: another tx's, from a shard the tx did not run on, a probe, a bundle, another publisher's", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    chain.submit(txBy(from, [transfer(from, to, "1"), balanceOf(to)]));
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight();
    expect(() => checkReceipt(action, N)).not.toThrow();
    const credit = action.forward!.credits![0];
    const forged: CrossReceipt[] = [
      { ...credit, txHash: "other" },
      { ...credit, fromShard: 3 },
      { ...credit, probe: true },
      { ...credit, also: [credit] },
      { ...credit, payer: { ...credit.payer!, publisher: to } },
      { ...credit, amount: "-1" },
    ];
    for (const x of forged)
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, credits: [x] } }, N), JSON.stringify(x)).toThrow(ReceiptRefused);
  });

  it("refuses a stranger's count of the parts' reads (Forwarded `counted`) that is not one: keys out of order or repeated, no state keys, too many, bytes out of the bound", () => {
    const chain = new SimChain(config(), N);
    const [from, to] = [on(1, 2), on(2, 3)];
    chain.submit(txBy(from, [transfer(from, to, "1"), balanceOf(to)]));
    chain.step({ time: BLOCK_TIME });
    const [action] = chain.inFlight();
    const withCount = (counted: unknown) => ({ ...action, forward: { ...action.forward!, counted } }) as CrossReceipt;
    const [a, b] = [`m-token.iost-TB${from}-iost`, `m-token.iost-TB${to}-iost`].sort();
    expect(() => checkReceipt(withCount({ keys: [a, b], bytes: 30 }), N)).not.toThrow();
    const many = Array.from({ length: 257 }, (_, i) => `b-Contractx-k${String(i).padStart(3, "0")}`);
    const forged = [
      { keys: [b, a], bytes: 30 },
      { keys: [a, a], bytes: 30 },
      { keys: ["x-locks"], bytes: 0 },
      { keys: many, bytes: 0 },
      { keys: [a], bytes: -1 },
      { keys: [a], bytes: 65537 },
      { keys: [a], bytes: "30" },
      { keys: a, bytes: 30 },
      null,
    ];
    for (const x of forged) expect(() => checkReceipt(withCount(x), N), JSON.stringify(x)).toThrow(ReceiptRefused);
  });
});

/** A contract calling any contract's ABI (blockchain.call), deployed on shard 1. */
const CALLER = `class Caller {
  init() {}
  callee(id, abi, args) { return blockchain.call(id, abi, JSON.parse(args))[0]; }
}
module.exports = Caller;`;

/** A contract writing `n` records of its own (`<p>0` …), deployed on shard 3. */
const MANY = `class Many {
  init() {}
  many(p, n) { for (let i = 0; i < n; i++) storage.put(p + i, "v"); return "many"; }
}
module.exports = Many;`;

/** Runs each `setCode` tx on every chain, which must all succeed (one deploy for all: the same ids); the contracts' ids. */
function deployOn(chains: SimChain[], deploys: Tx[]): string[] {
  for (const tx of deploys) for (const chain of chains) expect((run(chain, tx).receipt as { statusCode: string }).statusCode).toBe("SUCCESS");
  return deploys.map((tx) => `Contract${txId(tx)}`);
}

describe("a callee's writes carried along a chain (docs/SHARDING.md \"Calls of another shard's contract\", landing)", () => {
  let one: SimChain;
  let four: SimChain;
  /** The caller (shard 1), and the workload's CODE on shards 2 and 3. */
  const ids: string[] = [];
  beforeAll(async () => {
    await vmReady();
    [one, four] = [new SimChain(config(), 1), new SimChain(config(), N)];
    const deploys = [
      txBy(on(1, 2), [act("system.iost", "setCode", [contractJson(CALLER, [{ name: "callee", args: ["string", "string", "string"] }])])]),
      txBy(on(2), [act("system.iost", "setCode", [contractJson(CODE, ABI)])]),
      txBy(on(3), [act("system.iost", "setCode", [contractJson(CODE, ABI)])]),
      txBy(on(3, 1), [act("system.iost", "setCode", [contractJson(MANY, [{ name: "many", args: ["string", "number"] }])])]),
    ];
    ids.push(...deployOn([one, four], deploys));
  }, 120_000);

  it("land at their shard's first later part, stay when the tx fails there, and the writer's release puts them back", () => {
    const [caller, two, three] = ids;
    const key = `b-${three}-k`;
    // 1 → 2 → 3 → 2: the home's callee writes k on shard 3; shard 3's part overwrites it; shard 2's last part fails.
    const tx = txBy(on(1, 2), [
      act(caller, "callee", [three, "put", JSON.stringify(["k", "x"])]),
      act(two, "put", ["k2", "y"]),
      act(three, "put", ["k", "z"]),
      act(two, "fail", ["no"]),
    ]);
    const seen: (string | undefined)[] = [];
    const restores: CrossReceipt[] = [];
    const b = run(four, tx, (chain) => {
      const v = decodeValue(chain.shards[3].store.get(key))?.value;
      seen.push(v?.t === "s" ? v.v : undefined);
      restores.push(...chain.inFlight().filter((r) => r.restore !== undefined));
    });
    expect(b).toEqual(run(one, tx));
    expect((b.receipt as { statusCode: string }).statusCode).toBe("RUNTIME_ERROR");
    // Landed (and overwritten) before the failure, kept while the failure settles back, put back by the home's release.
    const landed = seen.indexOf("z");
    expect(landed).toBeGreaterThan(0);
    expect(seen.slice(0, landed).every((v) => v === undefined)).toBe(true);
    // With the owner's RAM the callee paid on shard 3 (its records' payer there).
    expect(restores.map((r) => [r.kind, r.fromShard, r.toShard, r.restore!.map(([k]) => k)])).toEqual([
      ["release", 1, 3, [key, `b-ram.iost-UR${on(3)}`, `m-token.iost-TB${on(3)}-ram`]],
    ]);
    expect(restores[0].restore![0]).toEqual([key, null]);
    expect(seen.at(-1)).toBeUndefined();
    expect(seen.slice(landed, seen.lastIndexOf("z") + 1).every((v) => v === "z")).toBe(true);
  });

  it("a map field they add, or drop, is put back by the writer's release with its index as one shard's undo leaves it", () => {
    const [caller, two, three] = ids;
    const index = (chain: SimChain, s: number) => [`m-${three}-rec`, `m-${three}-rec@`].map((k) => chain.shards[s].store.get(k) ?? null);
    const failing = (who: string, method: string, args: string[]) =>
      txBy(who, [
        act(caller, "callee", [three, method, JSON.stringify(args)]),
        act(two, "put", ["j", "y"]),
        act(three, "put", ["j", "z"]),
        act(two, "fail", ["no"]),
      ]);
    const writes = (who: string) => txBy(who, [act(caller, "callee", [three, "mine", JSON.stringify(["v"])])]);
    // Added, landed on shard 3, then put back: no field, and no `@` mark (Go writes one at a map's first delete).
    expect(run(four, failing(on(1, 2), "mine", ["x"]))).toEqual(run(one, failing(on(1, 2), "mine", ["x"])));
    expect(index(four, 3)).toEqual(index(one, 0));
    // Two fields, the first dropped, landed, then put back: in its place.
    for (const who of [on(1, 2), on(1, 3)]) expect(run(four, writes(who))).toEqual(run(one, writes(who)));
    expect(run(four, failing(on(1, 2), "drop", []))).toEqual(run(one, failing(on(1, 2), "drop", [])));
    expect(index(four, 3)).toEqual(index(one, 0));
  });

  it("come back with the last part's settle when no later part ran on their shard, and land with the writer's release", () => {
    const [caller, two, three] = ids;
    const key = `b-${three}-m`;
    const tx = txBy(on(1, 2), [act(caller, "callee", [three, "put", JSON.stringify(["m", "x"])]), act(two, "put", ["m2", "y"])]);
    const settles: CrossReceipt[] = [];
    const b = run(four, tx, (chain) => settles.push(...chain.inFlight().filter((r) => r.kind === "settle" && r.writes !== undefined)));
    expect(b).toEqual(run(one, tx));
    expect(settles.map((r) => [r.fromShard, r.toShard, r.writes!.map(([k]) => k)])).toEqual([
      [2, 1, [key, `b-ram.iost-UR${on(3)}`, `m-token.iost-TB${on(3)}-ram`]],
    ]);
    expect(decodeValue(four.shards[3].store.get(key))?.value).toEqual({ t: "s", v: "x" });
  });

  it("past 256 records of other shards written along one chain, the part that reads one more fails as one shard does, and nothing lands", () => {
    const [caller, two, , many] = ids;
    // Each part's run stays within the read bounds (200, then 100 records); the last part counts on from what the
    // earlier counted (Forwarded \`counted\`), as one shard's one run counts the tx's, so it fails at the same record.
    const tx = txBy(on(1, 2), [
      act(caller, "callee", [many, "many", JSON.stringify(["a", 200])]),
      act(two, "put", ["n2", "y"]),
      act(caller, "callee", [many, "many", JSON.stringify(["b", 100])]),
      act(two, "put", ["n3", "z"]),
    ]);
    const counted: number[] = [];
    const b = run(four, tx, (chain) => {
      for (const r of chain.inFlight()) if (r.kind === "action" && r.forward!.counted) counted.push(r.forward!.counted.keys.length);
    });
    // The callee's code, its 200 records and its owner's (contract_owner, RAM, used RAM) went on from the home part.
    expect(counted[0]).toBe(204);
    expect(b).toEqual(run(one, tx));
    expect(b.receipt).toMatchObject({ statusCode: "RUNTIME_ERROR" });
    expect((b.receipt as { message: string }).message).toMatch(/error: read records exceed the limit. expected \[0, 256\], actual 257$/);
    expect(four.quiet()).toBe(true);
    expect([`b-${many}-a0`, `b-${many}-b0`].map((k) => four.shards[3].store.get(k))).toEqual([undefined, undefined]);
  });
});

describe('the publisher\'s records a forwarded part takes along (docs/SHARDING.md "Atomic txs", taken records)', () => {
  let one: SimChain;
  let four: SimChain;
  /** The workload's CODE on shards 2 and 1 (the publisher's). */
  const ids: string[] = [];
  beforeAll(async () => {
    await vmReady();
    [one, four] = [new SimChain(config(), 1), new SimChain(config(), N)];
    ids.push(
      ...deployOn(
        [one, four],
        [2, 1].map((s) => txBy(on(s), [act("system.iost", "setCode", [contractJson(CODE, ABI)])])),
      ),
    );
  }, 120_000);

  it("a frozen iost record the publisher had none of when its chain left: a freeze to it meanwhile waits for the settle, so the chain back home reads none", () => {
    const [away, home] = ids;
    const [publisher, freezer] = [on(1, 2), on(1, 3)];
    // 1 → 2 → 1: back home, `pay` reads the publisher's iost with its frozen list (token.iost getBalance), charged by its size.
    const chain = txBy(publisher, [act(away, "put", ["k", "v"]), act(home, "pay", ["3"])]);
    // A block later, while the chain is away: iost frozen to the publisher by an account of its shard.
    const freeze = txBy(freezer, [act("token.iost", "transferFreeze", ["iost", freezer, publisher, "2", Number(BLOCK_TIME + 10n ** 12n), ""])]);
    const sent = runAll(four.fork(), [chain, freeze], undefined, undefined, [0, 1]);
    // One shard runs the chain in its block, the freeze in the next.
    expect(sent).toEqual(runAll(one.fork(), [chain, freeze], undefined, undefined, [0, 1]));
  });

  it("a token the publisher held none of when its chain left, naming it: the token sent to it meanwhile waits for the settle, so the chain back home has none to send", () => {
    const [away, home] = ids;
    const [publisher, holder] = [on(1, 2), on(1, 3)];
    const tok = (abi: string, args: unknown[]) => act("token.iost", abi, args);
    const [a, b] = [one.fork(), four.fork()];
    const made = txBy(holder, [tok("create", ["gold", holder, 1000, { decimal: 0 }]), tok("issue", ["gold", holder, "100"])]);
    expect(run(b, made)).toEqual(run(a, made));
    // 1 → 2 → 1: back home, the publisher sends gold it had none of when the chain left.
    const chain = txBy(publisher, [act(away, "put", ["k", "v"]), act(home, "put", ["k", "v"]), tok("transfer", ["gold", publisher, holder, "1", ""])]);
    // A block later, while the chain is away: gold sent to the publisher by an account of its shard.
    const send = txBy(holder, [tok("transfer", ["gold", holder, publisher, "5", ""])]);
    const sent = runAll(b, [chain, send], undefined, undefined, [0, 1]);
    // One shard runs the chain in its block (it fails: balance not enough), the transfer in the next.
    expect((sent.receipts[0] as { statusCode: string }).statusCode).toBe("RUNTIME_ERROR");
    expect(sent).toEqual(runAll(a, [chain, send], undefined, undefined, [0, 1]));
  });
});

/**
 * Reads inside a contract of records another shard keeps, in the real Shard
 * and Coordinator Durable Objects (docs/SHARDING.md "Remote state inside a
 * contract", src/executor/reads.ts): a contract of admin's shard reads the
 * balance of an account of another shard; the tx parks in the state, every
 * object is evicted between park and re-run, and its receipt is in flight
 * until it ran again with the fetched value, then one shard's. The
 * publisher's next tx waits for it; the answering shard's read lock is
 * released. The same for token721.iost's reads of a token whose home is
 * another shard, and for a call of a contract of another shard that writes
 * its storage ("Calls of another shard's contract"): its write lands there;
 * for a chain coming back to the callee's shard: the writes land there before
 * its parts run, and are put back when the tx fails; and for a tx paying such a
 * callee, then having it spend: the amount lands once, with the callee's write
 * ("Credits to the callee"); the same for a freeze due at once, which the
 * callee's spend unfreezes. A writer whose re-run meets the lock of a tx
 * whose part waits for its locks gives them up, and both end (item 6, _Locks_).
 * Two txs whose parts wait for each other's locks: the one meeting the lower
 * hash's lock gives way ("Atomic txs").
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { contractJson } from "../unit/vm/helpers";
import { DEFERRED, LOCKS, PART_WAIT } from "../../src/executor/locks";
import { parkedKey, READING, READS } from "../../src/sharding/reads";
import { decodeValue } from "../../src/state/storage";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick, tickUntilFinal } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
const CODE = `class Reader {
  init() {}
  bal(who) { return blockchain.call("token.iost", "balanceOf", ["iost", who])[0]; }
  nft(sym) { return blockchain.call("token721.iost", "balanceOf", [sym, "admin"])[0] + ":" + blockchain.call("token721.iost", "ownerOf", [sym, "0"])[0]; }
}
module.exports = Reader;`;
const contract = contractJson(CODE, [
  { name: "bal", args: ["string"] },
  { name: "nft", args: ["string"] },
]);
const A = shardOf("admin", N);
const holder = ["rdr01", "rdr02", "rdr03", "rdr04", "rdr05", "rdr06"].find((n) => shardOf(n, N) !== A)!;

/** Shard i's object of chain `c` (`at`) and a raw state row of it (`row`). */
function shardsOf(c: { id: string }) {
  const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  const row = (i: number, key: string) =>
    runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
      (inst as unknown as { kv: { get(k: string): string | undefined } }).kv.get(key),
    );
  return { at, row };
}

/** A caller having a contract `put` its value under "k". */
const PUT_CALLER = contractJson(`class Caller {\n  init() {}\n  call(id, v) { return blockchain.call(id, "put", ["k", v])[0]; }\n}\nmodule.exports = Caller;`, [
  { name: "call", args: ["string", "string"] },
]);
/** A caller having a contract `spend`, and a spender sending its own iost to the publisher (for callerAndCallee). */
const SPEND_CALLER = contractJson(`class Caller {\n  init() {}\n  call(id, v) { return blockchain.call(id, "spend", [v])[0]; }\n}\nmodule.exports = Caller;`, [
  { name: "call", args: ["string", "string"] },
]);
const SPENDER = contractJson(
  `class Spender {\n  init() {}\n  spend(v) { blockchain.callWithAuth("token.iost", "transfer", ["iost", blockchain.contractName(), tx.publisher, v, ""]); return "spent:" + v; }\n}\nmodule.exports = Spender;`,
  [{ name: "spend", args: ["string"] }],
);

/**
 * Admin deploys `caller` on its shard A; `holder`, created by admin, deploys `callee` on its shard B. Returns both
 * deploying txs (the contracts are `"Contract" + hash`), the caller's final, the callee's just built.
 */
async function callerAndCallee(c: Parameters<typeof tick>[0] & { id: string }, caller: string, callee: string) {
  const { at } = shardsOf(c);
  const B = shardOf(holder, N);
  const deployCaller = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([caller]) }], gasLimit: 400_000_000n });
  const create = makeTx({
    actions: [
      { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([holder, KEY, KEY]) },
      { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", holder, 4096]) },
      { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", holder, "50"]) },
    ],
  });
  await at(A).submitTx(deployCaller.bytes, deployCaller.hash);
  await at(A).submitTx(create.bytes, create.hash);
  await tickUntilFinal(c, () => at(A), [create.hash]); // the buy runs on the market's shard, between signUp and the rest
  expect(await at(A).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
  const deployCallee = makeTx({
    publisher: holder,
    actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([callee]) }],
    gasLimit: 40_000_000n,
  });
  await at(B).submitTx(deployCallee.bytes, deployCallee.hash);
  await tick(c, 3);
  return { deployCaller, deployCallee };
}

describe("four shards: a contract reads a balance another shard keeps", () => {
  test("parked in the state, every object evicted between park and re-run: in flight, then one shard's receipt; the read lock released", async () => {
    const c = newChain("reads");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const create = makeTx({
      actions: [
        { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([holder, KEY, KEY]) },
        { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", holder, 1024]) },
        { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", holder, "50"]) },
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", holder, "7", ""]) },
      ],
    });
    await at(A).submitTx(deploy.bytes, deploy.hash);
    await at(A).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(A), [create.hash]); // the buy runs on the market's shard, between signUp and the rest
    expect(await at(A).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    const id = "Contract" + deploy.hash;

    const tx = makeTx({ actions: [{ contract: id, actionName: "bal", data: JSON.stringify([holder]) }] });
    const next = makeTx({ to: holder, amount: "1" });
    expect(await at(A).submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
    await tick(c); // the run misses the holder's balance: void, parked with its read to the holder's shard
    expect(JSON.parse((await row(A, READS))!)).toEqual([tx.hash]);
    expect(JSON.parse((await row(A, parkedKey(tx.hash)))!)).toMatchObject({ txHash: tx.hash, round: 1 });
    expect(await at(A).getTxReceipt(tx.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    await abortAllDurableObjects();
    expect(await at(A).submitTx(next.bytes, next.hash)).toEqual({ hash: next.hash });
    await tick(c); // the holder's shard answers and locks the keys; admin's next tx waits for the parked one (its gas)
    expect(Object.keys(JSON.parse((await row(shardOf(holder, N), READING))!))).toEqual([tx.hash]);
    expect(await at(A).poolSize()).toBe(1);
    await abortAllDurableObjects();
    await tick(c); // the values arrive: the tx runs again, first in the chunk, and its read locks are released
    await abortAllDurableObjects();
    await tick(c, 3);
    expect(await at(A).getTxReceipt(tx.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["7"]'] });
    expect([await row(A, READS), await row(A, parkedKey(tx.hash))]).toEqual([undefined, undefined]);
    expect(await row(shardOf(holder, N), READING)).toBeUndefined();
    expect(await at(A).getTxReceipt(next.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await at(shardOf(holder, N)).read("getTokenBalance", holder, "iost")).toMatchObject({ balance: 8 });
  });

  test("token721.iost's reads inside a contract of another shard than the token's home: fetched from the home, read-locked there", async () => {
    const c = newChain("reads721");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const sym = ["card", "deck", "pony"].find((s) => shardOf(s, N) !== A)!;
    const home = shardOf(sym, N);
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const make = makeTx({
      actions: [
        { contract: "token721.iost", actionName: "create", data: JSON.stringify([sym, "admin", 3]) },
        { contract: "token721.iost", actionName: "issue", data: JSON.stringify([sym, "admin", "{}"]) },
      ],
    });
    await at(A).submitTx(deploy.bytes, deploy.hash);
    await at(A).submitTx(make.bytes, make.hash);
    await tick(c, 6);
    expect(await at(A).getTxReceipt(make.hash)).toMatchObject({ status_code: "SUCCESS" });
    const tx = makeTx({ actions: [{ contract: "Contract" + deploy.hash, actionName: "nft", data: JSON.stringify([sym]) }] });
    await at(A).submitTx(tx.bytes, tx.hash);
    await tick(c); // parked: the token's records live on its home
    expect(JSON.parse((await row(A, READS))!)).toEqual([tx.hash]);
    expect(JSON.parse((await row(A, parkedKey(tx.hash)))!)).toMatchObject({ txHash: tx.hash, asked: { [home]: expect.any(Array) } });
    await abortAllDurableObjects();
    await tick(c); // the home answers and read-locks them
    expect(Object.keys(JSON.parse((await row(home, READING))!))).toEqual([tx.hash]);
    await tick(c, 3);
    expect(await at(A).getTxReceipt(tx.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["1:admin"]'] });
    expect(await row(home, READING)).toBeUndefined();
  });

  test("a contract calls a contract of another shard that writes its storage: code and records fetched, the write lands there with the release", async () => {
    const c = newChain("remotecall");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const B = shardOf(holder, N);
    const callee = contractJson(`class Store {\n  init() {}\n  put(k, v) { storage.put(k, v); return "put:" + v; }\n}\nmodule.exports = Store;`, [
      { name: "put", args: ["string", "string"] },
    ]);
    const { deployCaller, deployCallee } = await callerAndCallee(c, PUT_CALLER, callee);
    const deployed = (await at(B).getTxReceipt(deployCallee.hash)) as { status_code?: string; message?: string };
    expect([deployed.status_code, deployed.message]).toEqual(["SUCCESS", ""]);
    const id = "Contract" + deployCallee.hash;

    const tx = makeTx({ actions: [{ contract: "Contract" + deployCaller.hash, actionName: "call", data: JSON.stringify([id, "there"]) }] });
    await at(A).submitTx(tx.bytes, tx.hash);
    await tick(c); // parked: the callee's code lives on its shard
    expect(JSON.parse((await row(A, READS))!)).toEqual([tx.hash]);
    expect(JSON.parse((await row(A, parkedKey(tx.hash)))!)).toMatchObject({
      txHash: tx.hash,
      asked: { [B]: [`c-${id}`, `m-system.iost-contract_owner-${id}`] },
    });
    await abortAllDurableObjects();
    for (let i = 0; i < 10 && (await row(B, READING)) === undefined; i++) await tick(c);
    expect(Object.keys(JSON.parse((await row(B, READING))!))).toEqual([tx.hash]);
    await abortAllDurableObjects();
    for (let i = 0; i < 12 && ((await row(A, READS)) !== undefined || (await row(B, READING)) !== undefined); i++) await tick(c);
    expect(await at(A).getTxReceipt(tx.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["put:there"]'] });
    expect(decodeValue(await row(B, `b-${id}-k`))?.value).toEqual({ t: "s", v: "there" });
    expect(await row(A, `b-${id}-k`)).toBeUndefined();
    expect(await row(B, READING)).toBeUndefined();
  });

  test("a callee's writes go along a chain coming back to its shard: landed there before its parts run, put back when the tx fails", async () => {
    const c = newChain("carried");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const B = shardOf(holder, N);
    const callee = contractJson(
      `class Store {\n  init() {}\n  put(k, v) { storage.put(k, v); return "put:" + v; }\n  fail(m) { throw new Error(m); }\n}\nmodule.exports = Store;`,
      [
        { name: "put", args: ["string", "string"] },
        { name: "fail", args: ["string"] },
      ],
    );
    const { deployCaller, deployCallee } = await callerAndCallee(c, PUT_CALLER, callee);
    expect(await at(B).getTxReceipt(deployCallee.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    const [id, via] = ["Contract" + deployCallee.hash, "Contract" + deployCaller.hash];
    const act = (contract: string, actionName: string, args: string[]) => ({ contract, actionName, data: JSON.stringify(args) });
    const settled = async (hash: string) => {
      for (let i = 0; i < 40 && ((await at(A).getTxReceipt(hash)) as { error?: string }).error !== undefined; i++) await tick(c);
      await tick(c, 2);
      return at(A).getTxReceipt(hash);
    };
    // A → B → A → B: the home's callee writes k, B's part lands it before it writes k2; back home, the callee writes k
    // again (read through the tx's lock on B), and B's last part lands that before it overwrites k.
    const tx = makeTx({ actions: [act(via, "call", [id, "x"]), act(id, "put", ["k2", "y"]), act(via, "call", [id, "z"]), act(id, "put", ["k", "w"])] });
    await at(A).submitTx(tx.bytes, tx.hash);
    await tick(c);
    await abortAllDurableObjects();
    expect(await settled(tx.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["put:x"]', '["put:y"]', '["put:z"]', '["put:w"]'] });
    const value = async (k: string) => decodeValue(await row(B, `b-${id}-${k}`))?.value;
    expect([await value("k"), await value("k2")]).toEqual([
      { t: "s", v: "w" },
      { t: "s", v: "y" },
    ]);
    // A → B failing there: the home's write of k landed on B stays while the failure settles home, then its release puts it back.
    const failing = makeTx({ actions: [act(via, "call", [id, "q"]), act(id, "put", ["k3", "v"]), act(id, "fail", ["no"])] });
    await at(A).submitTx(failing.bytes, failing.hash);
    expect(await settled(failing.hash)).toMatchObject({ status_code: "RUNTIME_ERROR" });
    for (let i = 0; i < 10 && (await row(B, READING)) !== undefined; i++) await tick(c);
    expect([await value("k"), await value("k3"), await row(B, READING)]).toEqual([{ t: "s", v: "w" }, undefined, undefined]);
  });

  /**
   * admin's tx doing `first` to a spender contract of the holder's shard, then having admin's contract make it spend 0.5:
   * run until its read locks are gone, it succeeded, and the amount moved once (2 in, 0.5 back to admin: the credit went
   * as a probe, which moves nothing). The chain's rows, the shard and the contract, for more checks.
   */
  const spendAfter = async (label: string, first: (id: string) => { contract: string; actionName: string; data: string }) => {
    const c = newChain(label);
    const { at, row } = shardsOf(c);
    const iost = async (i: number, acc: string) => (decodeValue(await row(i, `m-token.iost-TB${acc}-iost`))?.value as { v: bigint } | undefined)?.v;
    await c.coord.chainInfo();
    const B = shardOf(holder, N);
    const { deployCaller, deployCallee: deploySpender } = await callerAndCallee(c, SPEND_CALLER, SPENDER);
    expect(await at(B).getTxReceipt(deploySpender.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    const id = "Contract" + deploySpender.hash;
    const before = (await iost(A, "admin"))!;

    const tx = makeTx({ actions: [first(id), { contract: "Contract" + deployCaller.hash, actionName: "call", data: JSON.stringify([id, "0.5"]) }] });
    await at(A).submitTx(tx.bytes, tx.hash);
    // Parked for the callee's code and records, run again, its write released there, the probe's settle home.
    for (let i = 0; i < 30 && ((await row(A, READS)) !== undefined || (await row(B, READING)) !== undefined || (await iost(B, id)) === undefined); i++)
      await tick(c);
    await tick(c, 3);
    expect(await at(A).getTxReceipt(tx.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ["[]", '["spent:0.5"]'] });
    expect(await iost(B, id)).toBe(150000000n);
    expect(before - (await iost(A, "admin"))!).toBe(150000000n);
    expect(await row(B, READING)).toBeUndefined();
    return { row, B, id };
  };

  test("admin pays a contract of another shard, then has its contract make it spend, in one tx: the amount joins the callee's write, the credit goes as a probe", async () => {
    await spendAfter("paythenspend", (id) => ({ contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", id, "2", ""]) }));
  });

  test("admin freezes iost to a contract of another shard, due at once, then has its contract make it spend, in one tx: the freeze joins the callee's write of its frozen list", async () => {
    const { row, B, id } = await spendAfter("freezethenspend", (id) => ({
      contract: "token.iost",
      actionName: "transferFreeze",
      data: JSON.stringify(["iost", "admin", id, "2", 1, ""]),
    }));
    // Frozen in and unfrozen by the spend: the list left empty, admin's (one shard's freeze half wrote it).
    expect(decodeValue(await row(B, `m-token.iost-TF${id}-iost`))).toMatchObject({ value: { t: "j", v: "[]" }, payer: "admin" });
  });

  test("a writer's re-run at home meets the lock of a tx whose part waits for the writer's locks on the callee's shard, objects evicted meanwhile: it gives its locks up, both end", async () => {
    const c = newChain("cycle");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const B = shardOf(holder, N);
    const caller = contractJson(
      `class Payer {\n  init() {}\n  go(who, id, k) { blockchain.transfer(tx.publisher, who, "1", ""); return blockchain.call(id, "put", [k, "v"])[0]; }\n}\nmodule.exports = Payer;`,
      [{ name: "go", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "10" }] }],
    );
    const callee = contractJson(`class Store {\n  init() {}\n  put(k, v) { storage.put(k, v); return "put:" + k; }\n}\nmodule.exports = Store;`, [
      { name: "put", args: ["string", "string"] },
    ]);
    const { deployCaller, deployCallee } = await callerAndCallee(c, caller, callee);
    const id = "Contract" + deployCallee.hash;
    // Another publisher of admin's shard.
    const other = ["cyc01", "cyc02", "cyc03", "cyc04", "cyc05", "cyc06"].find((n) => shardOf(n, N) === A)!;
    const create = makeTx({
      actions: [
        { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([other, KEY, KEY]) },
        { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", other, 1024]) },
        { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", other, "50"]) },
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", other, "5", ""]) },
      ],
    });
    await at(A).submitTx(create.bytes, create.hash);
    await tick(c, 5); // the signUp asks two blocks before it stands (creators)
    expect(await at(A).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });

    // The writer pays `other`, then has the callee write: it parks and locks the callee's keys on B for itself.
    const writer = makeTx({ actions: [{ contract: "Contract" + deployCaller.hash, actionName: "go", data: JSON.stringify([other, id, "ka"]) }] });
    await at(A).submitTx(writer.bytes, writer.hash);
    await tick(c);
    // `other` pays admin (its balance locked at home) and calls the callee: a part that waits on B for the writer's locks.
    const crossing = makeTx({
      publisher: other,
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", other, "admin", "1", ""]) },
        { contract: id, actionName: "put", data: JSON.stringify(["kb", "v"]) },
      ],
    });
    await at(A).submitTx(crossing.bytes, crossing.hash);
    const final = async (hash: string) => ((await at(A).getTxReceipt(hash)) as { status_code?: string }).status_code;
    let waited = false;
    for (let i = 0; i < 30 && ((await final(writer.hash)) === undefined || (await final(crossing.hash)) === undefined); i++) {
      await tick(c);
      waited ||= (await row(B, DEFERRED))?.includes(crossing.hash) === true;
      if (i % 3 === 0) await abortAllDurableObjects();
    }
    expect(waited, "the crossing part waited on B").toBe(true);
    expect(await at(A).getTxReceipt(writer.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["put:ka"]'] });
    expect(await at(A).getTxReceipt(crossing.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ["[]", '["put:kb"]'] });
    // The writer's release lands its write a block after its receipt.
    await tick(c, 2);
    for (const k of ["ka", "kb"]) expect(decodeValue(await row(B, `b-${id}-${k}`))?.value).toEqual({ t: "s", v: "v" });
    expect([await row(A, READS), await row(B, READING)]).toEqual([undefined, undefined]);
  });
});

describe("four shards: parts in flight that wait for each other's locks", () => {
  test("admin pays the holder and calls a contract of the holder's shard that pays it; the holder does the same the other way, in one block, objects evicted meanwhile: the part meeting the older tx's lock gives way, its tx runs again, both succeed", async () => {
    const c = newChain("crossing");
    const { at, row } = shardsOf(c);
    await c.coord.chainInfo();
    const B = shardOf(holder, N);
    const payer = contractJson(
      `class Payer {\n  init() {}\n  pay(who) { blockchain.transfer(tx.publisher, who, "1", ""); return "paid"; }\n}\nmodule.exports = Payer;`,
      [{ name: "pay", args: ["string"], amountLimit: [{ token: "iost", val: "10" }] }],
    );
    const { deployCaller, deployCallee } = await callerAndCallee(c, payer, payer);
    const fund = makeTx({ actions: [{ contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", holder, "5", ""]) }] });
    await at(A).submitTx(fund.bytes, fund.hash);
    await tick(c, 3);
    expect(await at(A).getTxReceipt(fund.hash)).toMatchObject({ status_code: "SUCCESS" });
    const iost = async (name: string) => ((await at(shardOf(name, N)).read("getTokenBalance", name, "iost")) as { balance: number }).balance;
    const before = [await iost("admin"), await iost(holder)];

    // Each debits its publisher at home (locked there), then has the other shard's payer pay the other publisher.
    const T = makeTx({
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", holder, "1", ""]) },
        { contract: "Contract" + deployCallee.hash, actionName: "pay", data: JSON.stringify([holder]) },
      ],
    });
    const U = makeTx({
      publisher: holder,
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", holder, "admin", "1", ""]) },
        { contract: "Contract" + deployCaller.hash, actionName: "pay", data: JSON.stringify(["admin"]) },
      ],
    });
    await at(A).submitTx(T.bytes, T.hash);
    await at(B).submitTx(U.bytes, U.hash);
    const [win, lose] = T.hash < U.hash ? [T, U] : [U, T];
    const homeOf = (t: typeof T) => at(t === T ? A : B);
    /** Where its part runs. */
    const partShard = (t: typeof T) => (t === T ? B : A);
    const final = async (t: typeof T) => ((await homeOf(t).getTxReceipt(t.hash)) as { status_code?: string }).status_code;
    // Heights, not ticks: a loaded machine's alarm may make more than one block in a tick.
    const deferredAt: number[] = [];
    for (let i = 0; i < PART_WAIT + 30 && ((await final(T)) === undefined || (await final(U)) === undefined); i++) {
      await tick(c);
      if ((await row(partShard(lose), DEFERRED))?.includes(lose.hash) === true) deferredAt.push((await c.coord.status()).head);
      if (i % 3 === 0) await abortAllDurableObjects();
    }
    const waited = (deferredAt.at(-1) ?? 0) - (deferredAt[0] ?? 0) + 1;
    // It gave way after PART_WAIT blocks; its re-run's part may wait a block or two more for the winner's settle.
    expect(waited, "the giving part waited PART_WAIT blocks").toBeGreaterThanOrEqual(PART_WAIT);
    expect(waited).toBeLessThan(PART_WAIT + 4);
    // Both end as one shard ends them: each moved 2 iost from its publisher to the other.
    for (const t of [win, lose])
      expect(await homeOf(t).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ["[]", '["paid"]'] });
    expect([await iost("admin"), await iost(holder)]).toEqual(before);
    for (const s of [A, B]) expect([await row(s, LOCKS), await row(s, DEFERRED), await row(s, READS)], `shard ${s}`).toEqual([undefined, undefined, undefined]);
  });
});

/**
 * Atomic cross-shard txs in the real Shard and Coordinator Durable Objects
 * (docs/SHARDING.md "Atomic txs", src/executor/locks.ts): a tx that transfers
 * at home and then fails in a forwarded action, with every object evicted while
 * its lock is held, ends as on one shard (the transfer undone, IOST's failing
 * receipt); a later tx of the same publisher waits in the pool across the
 * evictions and runs after the unlock, and a peer's chunk that runs it while
 * the lock is held is refused. RAM a contract charges to co-signers of other
 * shards is paid on theirs by parts with no actions ("Co-signers of other shards");
 * one of a shard a chain runs on between two parts pays from an escrow that part
 * sends along and the settle brings back ("Co-signers' RAM escrow"),
 * and a token a contract creates off its symbol's shard is claimed there the
 * same way, two claims of one symbol in one block deciding one winner across
 * evictions ("Tokens across shards"). An issue forwarded to its token's shard
 * whose credit's half charges the publisher RAM elsewhere is decided by that
 * half ("A credit's RAM"), and issues to two other shards by their chained halves.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { LOCKS } from "../../src/executor/locks";
import { shardOf, tokenShard } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick, tickUntilFinal } from "../workers/helpers";
import { makeTx, nowNs } from "../workers/txs";

const N = 4;
/** The dev admin's public key: new accounts sign with the admin's secret. */
const KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok"; }
  theirs(who, v) { storage.mapPut("their", who, v, who); return "theirs"; }
}
module.exports = Box;`;
const contract = JSON.stringify({
  ID: "",
  info: {
    lang: "javascript",
    version: "1.0.0",
    abi: [
      { name: "put", args: ["string", "string"], amountLimit: [] },
      { name: "theirs", args: ["string", "string"], amountLimit: [] },
    ],
  },
  code: CODE,
});

/** Two accounts of one shard other than admin's: the caller and the receiver of its home transfer. */
const names = ["atom01", "atom02", "atom03", "atom04", "atom05", "atom06", "atom07", "atom08", "atom09", "atom10", "atom11", "atom12"];
const side = [0, 1, 2, 3].find((s) => s !== shardOf("admin", N) && names.filter((n) => shardOf(n, N) === s).length >= 2)!;
const [caller, payee] = names.filter((n) => shardOf(n, N) === side);

function signUp(name: string, ram = 1024, pledge = "50") {
  return [
    { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([name, KEY, KEY]) },
    { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", name, ram]) },
    { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", name, pledge]) },
    { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", name, "7", ""]) },
  ];
}

type Chain = ReturnType<typeof newChain>;
const shardOfChain = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

/**
 * A peer syncing `a` is offered a chunk of shard `s` at `a`'s head with `tx`
 * added, a tx that touches a key locked at the height below: it must refuse it
 * (chunk-build.ts runTxs) and then accept `a`'s real chunk.
 */
async function refusesPeerChunkWith(a: Chain, s: number, tx: Uint8Array): Promise<void> {
  const head = (await a.coord.status()).head;
  const b = newChain("atomic-peer");
  for (let n = 1; n < head; n++) {
    const ctx = await ctxOf(a, n);
    for (let i = 0; i < N; i++) {
      const [txs, chunk] = await Promise.all([shardOfChain(a, i).chunkTxs(n), shardOfChain(a, i).chunkAt(n)]);
      expect(await shardOfChain(b, i).applyChunk(ctx, txs, chunk!)).toEqual(chunk);
    }
  }
  const [ctx, txs, chunk] = await Promise.all([ctxOf(a, head), shardOfChain(a, s).chunkTxs(head), shardOfChain(a, s).chunkAt(head)]);
  expect(await shardOfChain(b, s).applyChunk(ctx, [...txs, tx], chunk!)).toMatchObject({
    error: expect.stringMatching(/cannot be in this block: it touches \S+, locked by a cross-shard tx in flight$/),
  });
  expect(await shardOfChain(b, s).applyChunk(ctx, txs, chunk!)).toEqual(chunk);
}

describe("four shards: an atomic tx across evictions", () => {
  test("a home transfer then a failing forwarded action, every object evicted while locked: undone as on one shard; the next tx runs after, a peer chunk running it early is refused", async () => {
    const c = newChain("atomic");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const home = () => at(side);
    const iost = async (name: string) => ((await home().read("getTokenBalance", name, "iost")) as { balance: number }).balance;
    const locks = () =>
      // The shard's state as its txs see it: state_kv lags behind it until the checkpoint (shard/block-log.ts).
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${side}`), (inst) => {
        const v = (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS);
        return v === undefined ? [] : [v];
      });
    await c.coord.chainInfo();
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const create = makeTx({ actions: [...signUp(caller), ...signUp(payee)] });
    await at(shardOf("admin", N)).submitTx(deploy.bytes, deploy.hash);
    await at(shardOf("admin", N)).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(shardOf("admin", N)), [create.hash]); // each buy runs on the market's shard, between signUp and the rest
    expect(await at(shardOf("admin", N)).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    const id = "Contract" + deploy.hash;
    expect([await iost(caller), await iost(payee)]).toEqual([7, 7]);

    const tx = makeTx({
      publisher: caller,
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", caller, payee, "2", ""]) },
        { contract: id, actionName: "nope", data: "[]" },
      ],
    });
    const next = makeTx({ publisher: caller, to: payee, amount: "1" });
    expect(await home().submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
    await tick(c); // the home part runs and locks: its transfer is committed, undoable
    expect(await iost(payee)).toBe(9);
    expect(await locks()).toHaveLength(1);
    await abortAllDurableObjects();
    expect(await home().submitTx(next.bytes, next.hash)).toEqual({ hash: next.hash });
    await tick(c); // the forwarded part fails on admin's shard; the next tx touches the locked gas: it waits
    expect(await home().poolSize()).toBe(1);
    expect(await home().getTxReceipt(next.hash)).not.toMatchObject({ status_code: "SUCCESS" });
    await refusesPeerChunkWith(c, side, next.bytes);
    await abortAllDurableObjects();
    await tick(c); // the settle undoes the home part and unlocks; the waiting tx runs in the same chunk
    await abortAllDurableObjects();
    await tick(c, 2);

    // One shard: the transfer is rolled back with the failing action, the next tx moves 1.
    expect([await iost(caller), await iost(payee)]).toEqual([6, 8]);
    expect(await locks()).toEqual([]);
    expect(await home().poolSize()).toBe(0);
    const r = (await home().getTxReceipt(tx.hash)) as { status_code: string; message: string; returns: string[]; receipts: unknown[] };
    expect(r.status_code).toBe("RUNTIME_ERROR");
    expect(r.message).toMatch(/^running action Action\{Contract: Contract\w+, ActionName: nope, /);
    expect([r.returns, r.receipts]).toEqual([[], []]);
    expect(await home().getTxReceipt(next.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
  });

  test("a tx on three shards (home, admin's contract, a contract of a third shard), objects evicted mid-chain: one receipt, each write where its contract lives", async () => {
    const c = newChain("chain");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    const far = [0, 1, 2, 3].find((s) => s !== a && s !== side && names.some((n) => shardOf(n, N) === s))!;
    const deployer = names.find((n) => shardOf(n, N) === far)!;
    await c.coord.chainInfo();
    const setCode = (publisher?: string) =>
      makeTx({ publisher, actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const deployA = setCode();
    // One tx per shard: a newAccount's system actions are forwarded to the new account's shard only.
    const creates = [makeTx({ actions: [...signUp(caller), ...signUp(payee)] }), makeTx({ actions: signUp(deployer, 20_000, "500") })];
    await at(a).submitTx(deployA.bytes, deployA.hash);
    for (const t of creates) await at(a).submitTx(t.bytes, t.hash);
    await tickUntilFinal(
      c,
      () => at(a),
      creates.map((t) => t.hash),
    ); // admin's second tx waits for its first's settle (executor/locks.ts)
    for (const t of creates) expect(await at(a).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    const deployFar = setCode(deployer);
    expect(await at(far).submitTx(deployFar.bytes, deployFar.hash)).toEqual({ hash: deployFar.hash });
    await tick(c, 2);
    expect(await at(far).getTxReceipt(deployFar.hash)).toMatchObject({ status_code: "SUCCESS" });
    const [idA, idFar] = ["Contract" + deployA.hash, "Contract" + deployFar.hash];

    const tx = makeTx({
      publisher: caller,
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", caller, payee, "2", ""]) },
        { contract: idA, actionName: "put", data: JSON.stringify(["k", "a"]) },
        { contract: idFar, actionName: "put", data: JSON.stringify(["k", "far"]) },
      ],
    });
    expect(await at(side).submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
    for (let b = 0; b < 4; b++) {
      await tick(c);
      await abortAllDurableObjects(); // every object restarts at each step of the chain
      expect(await at(side).getTxReceipt(tx.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    }
    await tick(c);
    const r = await at(side).getTxReceipt(tx.hash);
    expect(r).toMatchObject({ status_code: "SUCCESS", message: "", returns: ["[]", '["ok"]', '["ok"]'] });
    expect(await at(a).read("getContractStorage", idA, "k", "")).toMatchObject({ data: "a" });
    expect(await at(far).read("getContractStorage", idFar, "k", "")).toMatchObject({ data: "far" });
    expect([await at(side).read("getTokenBalance", caller, "iost"), await at(side).read("getTokenBalance", payee, "iost")]).toMatchObject([
      { balance: 5 },
      { balance: 9 },
    ]);
  });

  test("RAM a contract of the publisher's shard charges to co-signers of two other shards, objects evicted mid-way: paid on their shards, one receipt; short of it, undone", async () => {
    const c = newChain("cosigners");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    // Two co-signers on the two shards that are neither admin's nor the caller's.
    const [s1, s2] = [0, 1, 2, 3].filter((s) => s !== a && s !== side);
    const [one, two] = [s1, s2].map((s) => names.find((n) => shardOf(n, N) === s)!);
    await c.coord.chainInfo();
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    await at(a).submitTx(deploy.bytes, deploy.hash);
    for (const name of [caller, one, two]) {
      const t = makeTx({ actions: signUp(name) });
      await at(a).submitTx(t.bytes, t.hash);
      await tickUntilFinal(c, () => at(a), [t.hash]);
      expect(await at(a).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    }
    const id = "Contract" + deploy.hash;
    const ram = async (name: string) => ((await at(shardOf(name, N)).read("getTokenBalance", name, "ram")) as { balance: number }).balance;
    const before = [await ram(one), await ram(two)];
    const theirs = (who: string, v: string) => ({ contract: id, actionName: "theirs", data: JSON.stringify([who, v]) });
    // The contract lives on admin's shard: admin publishes, the co-signers live on the two others.
    const tx = makeTx({ actions: [theirs(one, "x"), theirs(two, "y")], signers: [`${one}@active`, `${two}@active`] });
    expect(await at(a).submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
    for (let b = 0; b < 4; b++) {
      await tick(c);
      await abortAllDurableObjects();
      expect(await at(a).getTxReceipt(tx.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    }
    await tick(c);
    const r = (await at(a).getTxReceipt(tx.hash)) as { status_code: string; ram_usage: Record<string, number> };
    expect(r).toMatchObject({ status_code: "SUCCESS", returns: ['["theirs"]', '["theirs"]'] });
    const used = [r.ram_usage[one], r.ram_usage[two]];
    expect(used.every((u) => u > 0)).toBe(true);
    expect([await ram(one), await ram(two)]).toEqual([before[0] - used[0], before[1] - used[1]]);

    // More than the second co-signer holds: one shard's message, nothing written anywhere.
    const big = "z".repeat(before[1]);
    const short = makeTx({ actions: [theirs(one, "w"), theirs(two, big)], signers: [`${one}@active`, `${two}@active`] });
    const kept = [await ram(one), await ram(two)];
    expect(await at(a).submitTx(short.bytes, short.hash)).toEqual({ hash: short.hash });
    await tick(c, 5);
    const f = (await at(a).getTxReceipt(short.hash)) as { status_code: string; message: string };
    expect(f.status_code).toBe("BALANCE_NOT_ENOUGH");
    expect(f.message).toMatch(new RegExp(`^balance not enough after executing actions: pay ram failed\\. id: ${two} need \\d+, actual ${kept[1]}$`));
    expect([await ram(one), await ram(two)]).toEqual(kept);
    expect(await at(a).read("getContractStorage", id, "their", one)).toMatchObject({ data: "x" });
  });

  test("RAM a chain's last part charges to a co-signer of the shard between (home, admin's contract, home again), objects evicted between parts: paid from the escrow that shard sent, handed back there; short of it, undone", async () => {
    const c = newChain("between");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    const mid = names.find((n) => shardOf(n, N) === a)!;
    await c.coord.chainInfo();
    const setCode = (publisher?: string) =>
      makeTx({ publisher, actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const deployA = setCode();
    const create = [makeTx({ actions: signUp(caller, 20_000, "500") }), makeTx({ actions: signUp(mid) })];
    await at(a).submitTx(deployA.bytes, deployA.hash);
    for (const t of create) await at(a).submitTx(t.bytes, t.hash);
    await tickUntilFinal(
      c,
      () => at(a),
      create.map((t) => t.hash),
    );
    for (const t of create) expect(await at(a).getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    const deployHome = setCode(caller);
    expect(await at(side).submitTx(deployHome.bytes, deployHome.hash)).toEqual({ hash: deployHome.hash });
    await tick(c, 2);
    const [idA, idHome] = ["Contract" + deployA.hash, "Contract" + deployHome.hash];
    const ram = async () => ((await at(a).read("getTokenBalance", mid, "ram")) as { balance: number }).balance;
    const locks = (i: number) =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
        (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS),
      );
    const final = async (hash: string) => {
      for (let b = 0; b < 8; b++) {
        await tick(c);
        await abortAllDurableObjects(); // every object restarts between the parts
        const r = (await at(side).getTxReceipt(hash)) as { status_code?: string };
        if (r.status_code !== undefined) return r as { status_code: string; message: string; ram_usage: Record<string, string> };
      }
      throw new Error(`tx ${hash} never settled`);
    };
    const chain = (v: string) =>
      makeTx({
        publisher: caller,
        actions: [
          { contract: idA, actionName: "put", data: JSON.stringify(["m", v]) },
          { contract: idHome, actionName: "theirs", data: JSON.stringify([mid, v]) },
        ],
        signers: [`${mid}@active`],
      });

    const before = await ram();
    const ok = chain("x");
    expect(await at(side).submitTx(ok.bytes, ok.hash)).toEqual({ hash: ok.hash });
    const r = await final(ok.hash);
    expect(r).toMatchObject({ status_code: "SUCCESS", message: "" });
    const used = Number(r.ram_usage[mid]);
    expect(used).toBeGreaterThan(0);
    expect(await ram()).toBe(before - used);
    expect(await at(side).read("getContractStorage", idHome, "their", mid)).toMatchObject({ data: "x" });
    expect([await locks(side), await locks(a)]).toEqual([undefined, undefined]);

    // One byte more than it holds (the record's new value over "x"): one shard's message with its whole free RAM, nothing written anywhere.
    const kept = await ram();
    const short = chain("z".repeat(kept + 2));
    expect(await at(side).submitTx(short.bytes, short.hash)).toEqual({ hash: short.hash });
    const f = await final(short.hash);
    expect(f.status_code).toBe("BALANCE_NOT_ENOUGH");
    expect(f.message).toMatch(new RegExp(`^balance not enough after executing actions: pay ram failed\\. id: ${mid} need ${kept + 1}, actual ${kept}$`));
    expect(await ram()).toBe(kept);
    expect(await at(a).read("getContractStorage", idA, "m", "")).toMatchObject({ data: "x" });
    expect([await locks(side), await locks(a)]).toEqual([undefined, undefined]);
  });

  test("a tx whose actions come back home (home, admin's contract, home again), objects evicted between its parts: one receipt as on one shard; failing in its last action, every part undone", async () => {
    const c = newChain("back");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    const locks = (i: number) =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
        (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS),
      );
    await c.coord.chainInfo();
    const setCode = (publisher?: string) =>
      makeTx({ publisher, actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const deployA = setCode();
    const create = makeTx({ actions: [...signUp(caller, 20_000, "500"), ...signUp(payee)] });
    await at(a).submitTx(deployA.bytes, deployA.hash);
    await at(a).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(a), [create.hash]);
    expect(await at(a).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    const deployHome = setCode(caller);
    expect(await at(side).submitTx(deployHome.bytes, deployHome.hash)).toEqual({ hash: deployHome.hash });
    await tick(c, 2);
    expect(await at(side).getTxReceipt(deployHome.hash)).toMatchObject({ status_code: "SUCCESS" });
    const [idA, idHome] = ["Contract" + deployA.hash, "Contract" + deployHome.hash];
    const put = (id: string, k: string, v: string) => ({ contract: id, actionName: "put", data: JSON.stringify([k, v]) });
    const iost = async (name: string) => ((await at(side).read("getTokenBalance", name, "iost")) as { balance: number }).balance;
    const final = async (hash: string) => {
      for (let b = 0; b < 8; b++) {
        await tick(c);
        await abortAllDurableObjects(); // every object restarts between the parts
        const r = (await at(side).getTxReceipt(hash)) as { status_code?: string };
        if (r.status_code !== undefined) return r;
      }
      throw new Error(`tx ${hash} never settled`);
    };

    const back = makeTx({
      publisher: caller,
      actions: [
        { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", caller, payee, "2", ""]) },
        put(idA, "k", "a"),
        put(idHome, "k", "h"),
      ],
    });
    expect(await at(side).submitTx(back.bytes, back.hash)).toEqual({ hash: back.hash });
    expect(await final(back.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ["[]", '["ok"]', '["ok"]'] });
    expect(await at(a).read("getContractStorage", idA, "k", "")).toMatchObject({ data: "a" });
    expect(await at(side).read("getContractStorage", idHome, "k", "")).toMatchObject({ data: "h" });
    expect([await iost(caller), await iost(payee)]).toEqual([5, 9]);

    const failing = makeTx({ publisher: caller, actions: [put(idHome, "j", "h"), put(idA, "j", "a"), { contract: idHome, actionName: "nope", data: "[]" }] });
    expect(await at(side).submitTx(failing.bytes, failing.hash)).toEqual({ hash: failing.hash });
    const r = (await final(failing.hash)) as { status_code: string; message: string; returns: string[] };
    expect([r.status_code, r.returns]).toEqual(["RUNTIME_ERROR", []]);
    expect(r.message).toMatch(/^running action Action\{Contract: Contract\w+, ActionName: nope, /);
    expect(await at(a).read("getContractStorage", idA, "j", "")).toMatchObject({ data: "null" });
    expect(await at(side).read("getContractStorage", idHome, "j", "")).toMatchObject({ data: "null" });
    expect(await iost(caller)).toBe(5);
    expect([await locks(side), await locks(a)]).toEqual([undefined, undefined]);
  });

  test("two contracts creating one token off their shard in one block, objects evicted while the claims are in flight: one granted, the other undone with IOST's error", async () => {
    const c = newChain("claim");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    await c.coord.chainInfo();
    const create = makeTx({ actions: signUp(caller, 20_000, "500") });
    await at(a).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(a), [create.hash]);
    expect(await at(a).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    // agate's shard is 2: the admin's contract claims it from there; the caller's contract claims it or creates it there.
    expect(shardOf("agate", N)).toBe(2);
    const code = `class Reward { init() { blockchain.callWithAuth("token.iost", "create", ["agate", blockchain.contractName(), 100, {}]); } }
module.exports = Reward;`;
    const reward = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi: [] }, code });
    const setCode = (time: bigint, publisher?: string) =>
      makeTx({ time, publisher, actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([reward]) }], gasLimit: 400_000_000n });
    // The first is the older in pool order (its time); it wins wherever the claims and creates land first.
    const t = nowNs();
    const [first, second] = [setCode(t), setCode(t + 1n, caller)];
    await at(a).submitTx(first.bytes, first.hash);
    await at(side).submitTx(second.bytes, second.hash);
    const receipts: Record<string, string>[] = [];
    for (let b = 0; b < 8 && receipts.length < 2; b++) {
      await tick(c);
      await abortAllDurableObjects(); // every object restarts while a claim, its grant or its settle is in flight
      const got = await Promise.all([at(a).getTxReceipt(first.hash), at(side).getTxReceipt(second.hash)]);
      if (got.every((r) => (r as { status_code?: string }).status_code !== undefined)) receipts.push(...(got as Record<string, string>[]));
    }
    // The younger fails as on one shard at its call site when it creates on the symbol's shard (waiting there for the
    // older's grant), with the bare message when its own claim is refused there.
    const won = 0;
    expect(receipts.map((r) => [r.status_code, r.message])).toEqual([
      ["SUCCESS", ""],
      ["RUNTIME_ERROR", side === 2 ? expect.stringMatching(/^running action .* error: token exists$/s) : "token exists"],
    ]);
    const winner = `Contract${[first, second][won].hash}`;
    await tick(c, 2);
    for (let i = 0; i < N; i++) expect(await at(i).read("getTokenInfo", "agate")).toMatchObject({ issuer: winner });
    const locks = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
          (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS),
        ),
      ),
    );
    expect(locks).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("an issue forwarded to its token's shard for accounts of other shards, objects evicted while the part waits for the half: the half decides the tx, short of RAM undone", async () => {
    const c = newChain("half");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    const locks = (i: number) =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
        (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS),
      );
    const balance = async (name: string, sym: string) => ((await at(shardOf(name, N)).read("getTokenBalance", name, sym)) as { balance: number }).balance;
    // A symbol of neither the caller's shard nor admin's: the issues run there, their credits leave for the others.
    const sym = ["tin", "lead", "zinc", "iron", "opal", "ruby", "onyx", "jade"].find((t) => ![side, a].includes(tokenShard(t, N)!))!;
    const far = tokenShard(sym, N)!;
    await c.coord.chainInfo();
    const create = makeTx({ actions: [...signUp(caller, 20_000, "500"), ...signUp(payee)] });
    await at(a).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(a), [create.hash]);
    const made = makeTx({
      publisher: caller,
      actions: [{ contract: "token.iost", actionName: "create", data: JSON.stringify([sym, caller, 1000, { decimal: 0 }]) }],
    });
    await at(side).submitTx(made.bytes, made.hash);
    // Forwarded to the symbol's shard, the create stands there after a round of asks.
    await tick(c, 5);
    expect(await at(side).getTxReceipt(made.hash)).toMatchObject({ status_code: "SUCCESS" });
    const issue = (to: string) =>
      makeTx({ publisher: caller, actions: [{ contract: "token.iost", actionName: "issue", data: JSON.stringify([sym, to, "5"]) }] });
    const ram0 = await balance(caller, "ram");
    // Home (side) → far: issued there, the credit to admin's shard carries the caller's RAM left; its settle comes
    // back to far, which then settles home: five blocks, every object restarting at each.
    const ok = issue("admin");
    expect(await at(side).submitTx(ok.bytes, ok.hash)).toEqual({ hash: ok.hash });
    for (let b = 0; b < 4; b++) {
      await tick(c);
      await abortAllDurableObjects();
      expect(await at(side).getTxReceipt(ok.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    }
    await tick(c);
    const r = (await at(side).getTxReceipt(ok.hash)) as { status_code: string; ram_usage: Record<string, string> };
    expect(r).toMatchObject({ status_code: "SUCCESS", message: "" });
    const bytes = Number(r.ram_usage[caller]);
    expect(bytes).toBeGreaterThan(0);
    expect([await balance("admin", sym), await balance(caller, "ram")]).toEqual([5, ram0 - bytes]);
    expect(await Promise.all([0, 1, 2, 3].map(locks))).toEqual([undefined, undefined, undefined, undefined]);

    // Left with one byte less than payee's new record (its key holds the name, a byte longer than admin's): the half
    // fails where it lands (the caller's home), far's part is undone, the receipt is one shard's.
    const need = bytes + payee.length - "admin".length;
    const sell = makeTx({
      publisher: caller,
      actions: [{ contract: "ram.iost", actionName: "sell", data: JSON.stringify([caller, caller, ram0 - bytes - (need - 1)]) }],
    });
    await at(side).submitTx(sell.bytes, sell.hash);
    await tickUntilFinal(c, () => at(side), [sell.hash]); // forwarded to the market's shard
    expect(await balance(caller, "ram")).toBe(need - 1);
    const short = issue(payee);
    await at(side).submitTx(short.bytes, short.hash);
    for (let b = 0; b < 5; b++) {
      await tick(c);
      await abortAllDurableObjects();
    }
    expect(await at(side).getTxReceipt(short.hash)).toMatchObject({
      status_code: "BALANCE_NOT_ENOUGH",
      message: `balance not enough after executing actions: pay ram failed. id: ${caller} need ${need}, actual ${need - 1}`,
    });
    expect([await balance(payee, sym), await balance(caller, "ram")]).toEqual([0, need - 1]);
    const supply = (await at(far).read("getTokenInfo", sym)) as { current_supply: string };
    expect(supply.current_supply).toBe("5");
    expect(await Promise.all([0, 1, 2, 3].map(locks))).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("issues forwarded to its token's shard for accounts of two other shards, every object evicted at each block: their halves chained, decided together, short of RAM every one undone", async () => {
    const c = newChain("chained");
    const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const a = shardOf("admin", N);
    const locks = (i: number) =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${i}`), (inst) =>
        (inst as unknown as { kv: { get(key: string): string | undefined } }).kv.get(LOCKS),
      );
    const balance = async (name: string, sym: string) => ((await at(shardOf(name, N)).read("getTokenBalance", name, sym)) as { balance: number }).balance;
    const sym = ["tin", "lead", "zinc", "iron", "opal", "ruby", "onyx", "jade"].find((t) => ![side, a].includes(tokenShard(t, N)!))!;
    const far = tokenShard(sym, N)!;
    // Two accounts of the shard that is neither the caller's, admin's nor the token's.
    const [other, other2] = names.filter((n) => ![side, a, far].includes(shardOf(n, N)));
    await c.coord.chainInfo();
    const create = makeTx({ actions: [...signUp(caller, 20_000, "500"), ...signUp(payee), ...signUp(other), ...signUp(other2)] });
    await at(a).submitTx(create.bytes, create.hash);
    await tickUntilFinal(c, () => at(a), [create.hash]);
    expect(await at(a).getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
    const made = makeTx({
      publisher: caller,
      actions: [{ contract: "token.iost", actionName: "create", data: JSON.stringify([sym, caller, 1000, { decimal: 0 }]) }],
    });
    await at(side).submitTx(made.bytes, made.hash);
    // Forwarded to the symbol's shard, the create stands there after a round of asks.
    await tick(c, 5);
    expect(await at(side).getTxReceipt(made.hash)).toMatchObject({ status_code: "SUCCESS" });
    const issue = (...to: string[]) =>
      makeTx({ publisher: caller, actions: to.map((t) => ({ contract: "token.iost", actionName: "issue", data: JSON.stringify([sym, t, "5"]) })) });
    /** Runs blocks, every object evicted after each, until the tx's receipt is final. */
    const settle = async (hash: string) => {
      for (let b = 0; b < 12; b++) {
        await tick(c);
        await abortAllDurableObjects();
        const r = (await at(side).getTxReceipt(hash)) as { error?: string };
        if (r.error === undefined) return r as { status_code: string; message: string; ram_usage: Record<string, string> };
      }
      throw new Error(`${hash} still in flight`);
    };
    const ram0 = await balance(caller, "ram");
    // Home → far, whose credits chain admin's shard, then the other shard, and settle back along them.
    const ok = issue("admin", other);
    await at(side).submitTx(ok.bytes, ok.hash);
    const r = await settle(ok.hash);
    expect(r).toMatchObject({ status_code: "SUCCESS", message: "" });
    const bytes = Number(r.ram_usage[caller]);
    expect(bytes).toBeGreaterThan(0);
    expect([await balance("admin", sym), await balance(other, sym), await balance(caller, "ram")]).toEqual([5, 5, ram0 - bytes]);
    expect(await Promise.all([0, 1, 2, 3].map(locks))).toEqual([undefined, undefined, undefined, undefined]);

    // One byte short of two new records, one on the caller's own shard (its half runs under the tx's own lock there).
    const need = bytes + payee.length + other2.length - "admin".length - other.length;
    const sell = makeTx({
      publisher: caller,
      actions: [{ contract: "ram.iost", actionName: "sell", data: JSON.stringify([caller, caller, ram0 - bytes - (need - 1)]) }],
    });
    await at(side).submitTx(sell.bytes, sell.hash);
    await tickUntilFinal(c, () => at(side), [sell.hash]); // forwarded to the market's shard
    expect(await balance(caller, "ram")).toBe(need - 1);
    const short = issue(payee, other2);
    await at(side).submitTx(short.bytes, short.hash);
    expect(await settle(short.hash)).toMatchObject({
      status_code: "BALANCE_NOT_ENOUGH",
      message: `balance not enough after executing actions: pay ram failed. id: ${caller} need ${need}, actual ${need - 1}`,
    });
    expect([await balance(payee, sym), await balance(other2, sym), await balance(caller, "ram")]).toEqual([0, 0, need - 1]);
    expect(((await at(far).read("getTokenInfo", sym)) as { current_supply: string }).current_supply).toBe("10");
    expect(await Promise.all([0, 1, 2, 3].map(locks))).toEqual([undefined, undefined, undefined, undefined]);
  });
});

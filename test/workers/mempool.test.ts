import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Submitted } from "../../durable-objects/api";
import { MAX_ADMIT_BATCH } from "../../durable-objects/config";
import type { Shard } from "../../durable-objects/shard/shard";
import { newChain, poolDirectly, tick } from "./helpers";
import { replayKey } from "../../src/tx/bytes";
import { fundedSignUp, makeTx, nowNs, userTxs, withExtraSig } from "./txs";

type Obj = Record<string, unknown>;

async function balance(c: ReturnType<typeof newChain>, account: string): Promise<number> {
  return ((await c.shard.read("getTokenBalance", account, "iost")) as Obj).balance as number;
}

describe("txs through the mempool into blocks", () => {
  test("a signed transfer is admitted, executed in the next block, final and queryable", async () => {
    const c = newChain("transfer");
    const before = await balance(c, "producer000");
    const { hash, bytes } = makeTx({ amount: "12.5", memo: "hi" });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    expect(await c.shard.poolSize()).toBe(1);
    expect(await c.shard.getTx(hash)).toMatchObject({ status: "PENDING", block_number: "-1", transaction: { hash, publisher: "admin", tx_receipt: null } });
    expect(await c.shard.getTxReceipt(hash)).toEqual({ error: "failed to Get the receipt hash: tx is pending" });

    await tick(c);
    expect(await c.shard.poolSize()).toBe(0);
    const receipt = (await c.shard.getTxReceipt(hash)) as Obj;
    expect(receipt).toMatchObject({ tx_hash: hash, status_code: "SUCCESS", message: "" });
    expect(receipt.receipts).toEqual([{ func_name: "token.iost/transfer", content: '["iost","admin","producer000","12.5","hi"]' }]);
    expect(receipt.gas_usage as number).toBeGreaterThan(0);
    expect(await c.shard.getTx(hash)).toMatchObject({
      status: "IRREVERSIBLE",
      block_number: "1",
      transaction: { hash, tx_receipt: { status_code: "SUCCESS" } },
    });
    expect(await balance(c, "producer000")).toBe(before + 12.5);

    const block = (await c.coord.getBlockByNumber(1)) as { status: string; block: Obj };
    // Shard 0's chunk opens with the base tx (base.iost/exec), then the transfer.
    expect(block.block.tx_count).toBe("2");
    const txs = (await c.shard.getChunkTxs(1)) as Obj[];
    expect(txs).toHaveLength(2);
    expect(txs[0]).toMatchObject({ publisher: "base.iost", actions: [{ contract: "base.iost", action_name: "exec" }], tx_receipt: { status_code: "SUCCESS" } });
    expect(txs[1]).toMatchObject({ hash, tx_receipt: { status_code: "SUCCESS" } });
    const baseGas = (txs[0].tx_receipt as Obj).gas_usage as number;
    expect(block.block.gas_usage).toBe(baseGas + (receipt.gas_usage as number));
    expect(await c.coord.getGasRatio()).toEqual({ lowest_gas_ratio: 1, median_gas_ratio: 1 });
    const ev = await c.shard.eventsSince(0);
    expect(ev.height).toBe(1);
    expect(ev.events).toContainEqual({
      topic: "CONTRACT_RECEIPT",
      contract: "token.iost",
      data: '["iost","admin","producer000","12.5","hi"]',
      time: (await c.coord.storedBlock(1))!.time,
    });
    expect(await c.shard.eventsSince(1)).toEqual({ height: 1, events: [] });
  });

  test("dedup: tx exists in pending, then tx exists in chain", async () => {
    const c = newChain("dedup");
    const { hash, bytes } = makeTx();
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ error: "tx exists in pending" });
    await tick(c);
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ error: "tx exists in chain" });
  });

  test("a batch is admitted in one call and one transaction: each tx its own answer, in order, as if sent one by one", async () => {
    const c = newChain("batch");
    const setup = fundedSignUp("pender", "100");
    expect(await c.shard.submitTx(setup.bytes, setup.hash)).toEqual({ hash: setup.hash });
    await tick(c);
    const [a, b, d] = [makeTx({ memo: "a" }), makeTx({ memo: "b" }), makeTx({ memo: "d" })];
    const twin = withExtraSig(b.bytes);
    const pender = Array.from({ length: 5 }, (_, i) => makeTx({ publisher: "pender", to: "admin", amount: "0.01", memo: `p${i}` }));
    const poor = makeTx({ publisher: "nobody" });
    const batch = [
      a,
      b,
      a, // the same tx twice in one batch
      twin, // b's content and publisher signature under another hash
      { bytes: d.bytes.slice(0, 20), hash: d.hash },
      { bytes: d.bytes, hash: a.hash },
      poor,
      ...pender,
      d,
    ];
    const before = await c.shard.meter();
    const r = await c.shard.submitTxs(batch.map((t) => ({ bytes: t.bytes, hash: t.hash })));
    const after = await c.shard.meter();
    expect(after.requests - before.requests).toBe(1);
    if ("error" in r) throw new Error(r.error);
    expect(r.first).toBe(true);
    const admitted = r.answers.slice(7, 12).filter((x) => !("error" in x)).length;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(3);
    expect(r.answers).toEqual([
      { hash: a.hash },
      { hash: b.hash },
      { error: "tx exists in pending" },
      { error: `tx exists in pending: ${b.hash} has the same content and publisher signature` },
      { error: expect.stringContaining("invalid tx bytes") },
      { error: "tx hash does not match its bytes" },
      { error: expect.stringContaining("gas not enough: user nobody has 0") },
      ...pender.map((t, i) =>
        i < admitted
          ? { hash: t.hash }
          : { error: expect.stringMatching(/^gas not enough: user pender has [\d.]+ < [\d.]+ \(the gas limits of its \d pending txs included\)$/) },
      ),
      { hash: d.hash },
    ]);
    const pooled = [a, b, ...pender.slice(0, admitted), d].map((t) => t.hash).sort();
    expect(await c.shard.poolSize()).toBe(pooled.length);
    // Accepted means stored: the pool's rows outlive the object.
    abortAllDurableObjects();
    const rows = await runInDurableObject(c.shardRaw, (_obj, state) =>
      state.storage.sql
        .exec<{ hash: string }>("SELECT hash FROM mempool ORDER BY hash")
        .toArray()
        .map((x) => x.hash),
    );
    expect(rows).toEqual(pooled);
    // Not the first batch of the burst: the coordinator is armed already.
    const e = makeTx({ memo: "e" });
    expect(await c.shard.submitTxs([{ bytes: e.bytes, hash: e.hash }])).toEqual({ answers: [{ hash: e.hash }], first: false });
    await tick(c);
    expect(await c.shard.poolSize()).toBe(0);
    for (const t of [a, b, d, e]) expect(await c.shard.getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    const f = makeTx({ memo: "f" });
    expect(
      await c.shard.submitTxs([
        { bytes: f.bytes, hash: f.hash },
        { bytes: a.bytes, hash: a.hash },
      ]),
    ).toEqual({
      answers: [{ hash: f.hash }, { error: "tx exists in chain" }],
      first: true,
    });
  });

  test("a batch call refuses a malformed list whole, and a malformed entry alone", async () => {
    const c = newChain("batch-bad");
    const a = makeTx({ memo: "a" });
    const many = Array.from({ length: MAX_ADMIT_BATCH + 1 }, () => ({ bytes: a.bytes, hash: a.hash }));
    const whole = { error: `invalid batch: from 1 to ${MAX_ADMIT_BATCH} txs` };
    expect(await c.shard.submitTxs([])).toEqual(whole);
    expect(await c.shard.submitTxs(many)).toEqual(whole);
    expect(await c.shard.submitTxs("x" as unknown as Submitted[])).toEqual(whole);
    const odd = [null, { bytes: "AAAA", hash: a.hash }, { bytes: a.bytes }, { bytes: a.bytes, hash: a.hash }] as unknown as Submitted[];
    const bad = { error: "invalid tx: bytes and hash expected" };
    expect(await c.shard.submitTxs(odd)).toEqual({ answers: [bad, bad, bad, { hash: a.hash }], first: true });
    expect(await c.shard.poolSize()).toBe(1);
  });

  test("admission checks: time window, hash, bytes, full pool, publisher gas", async () => {
    const c = newChain("admission");
    const future = makeTx({ time: nowNs() + 60_000_000_000n });
    expect(await c.shard.submitTx(future.bytes, future.hash)).toMatchObject({ error: expect.stringContaining("TimeError: tx.time is too large") });
    const old = makeTx({ time: nowNs() - 100_000_000_000n, expiration: nowNs() + 10_000_000_000n });
    expect(await c.shard.submitTx(old.bytes, old.hash)).toMatchObject({ error: expect.stringContaining("TimeError: tx.time is expired") });
    const ok = makeTx();
    expect(await c.shard.submitTx(ok.bytes, makeTx({ memo: "other" }).hash)).toEqual({ error: "tx hash does not match its bytes" });
    expect(await c.shard.submitTx(ok.bytes.slice(0, 20), ok.hash)).toMatchObject({ error: expect.stringContaining("invalid tx bytes") });
    const poor = makeTx({ publisher: "nobody" });
    expect(await c.shard.submitTx(poor.bytes, poor.hash)).toMatchObject({ error: expect.stringContaining("gas not enough: user nobody has 0") });
    await runInDurableObject(c.shardRaw, (obj) => {
      (obj as unknown as { poolCount: number }).poolCount = 10_000;
    });
    expect(await c.shard.submitTx(ok.bytes, ok.hash)).toEqual({ error: "txpool is full" });
  });

  test("a tx that expires in the pool leaves it with a status that getTx and getTxReceipt report", async () => {
    const c = newChain("expiry");
    const t = nowNs();
    const { hash, bytes } = makeTx({ time: t, expiration: t + 5_000_000_000n });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    // The next block's time is past the expiration (as if the chain had stalled for 10 s).
    const later = (t + 10_000_000_000n).toString();
    await runInDurableObject(c.coordStub, async (_obj, state) => {
      state.storage.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES ('producing', ?)", JSON.stringify({ height: 1, time: later }));
    });
    await c.coord.status(); // genesis first
    await tick(c);
    expect((await c.coord.storedBlock(1))!.time).toBe(later);
    expect(await c.shard.poolSize()).toBe(0);
    expect(await c.shard.getTx(hash)).toEqual({ error: `tx expired: tx expired in the pool: expiration ${t + 5_000_000_000n} <= block time ${later}` });
    expect(await c.shard.getTxReceipt(hash)).toMatchObject({ error: expect.stringContaining("failed to Get the receipt hash: tx expired") });
  });

  test("a tx the executor drops leaves the pool with the reason", async () => {
    const c = newChain("dropped");
    // producer000 has gas (genesis pledge), but the admin key cannot sign for it: admission
    // refuses it as the block would drop it.
    const { tx, hash, bytes } = makeTx({ publisher: "producer000", to: "admin" });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ error: "unauthorized publisher: producer000" });
    // Pooled anyway (as if admitted before its publisher's key changed): the block drops it.
    await poolDirectly(c.shardRaw, [{ tx, hash, bytes }]);
    await tick(c);
    expect(await c.shard.poolSize()).toBe(0);
    expect((await c.coord.storedBlock(1))!.txCount).toBe(1); // the base tx only
    expect(await c.shard.getTx(hash)).toMatchObject({ error: expect.stringContaining("tx dropped: unauthorized publisher") });
  });

  // Was "at most 10 txs per publisher per block": a chunk now takes a publisher's txs up to its
  // capacity (issue 17; test/workers/block-limits.test.ts has the limits).
  test("one publisher's 12 txs all go in the next block", async () => {
    const c = newChain("perpublisher");
    const txs = Array.from({ length: 12 }, (_, i) => makeTx({ memo: `m${i}` }));
    for (const t of txs) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c);
    expect((await c.coord.storedBlock(1))!.txCount).toBe(13); // with the base tx
    expect(await c.shard.poolSize()).toBe(0);
    const all = userTxs(await c.shard.getChunkTxs(1)) as Obj[];
    expect(new Set(all.map((t) => t.hash))).toEqual(new Set(txs.map((t) => t.hash)));
  });

  test("the mempool survives a restart and its txs are executed after it", async () => {
    const c = newChain("restart");
    const a = makeTx({ memo: "a" });
    const b = makeTx({ memo: "b" });
    await c.shard.submitTx(a.bytes, a.hash);
    await c.shard.submitTx(b.bytes, b.hash);
    await abortAllDurableObjects();
    expect(await c.shard.poolSize()).toBe(2);
    expect(await c.shard.submitTx(a.bytes, a.hash)).toEqual({ error: "tx exists in pending" });
    await tick(c);
    await abortAllDurableObjects();
    expect(await c.shard.getTxReceipt(a.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.getTxReceipt(b.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.status()).toMatchObject({ head: 1, lib: 1, pool: 0 });
    await tick(c);
    expect((await c.coord.status()).head).toBe(2);
  });

  test("a tx with its edge's replay key is pooled on trust and runs as one checked here, after a restart too; without the key its id is checked", async () => {
    const edge = newChain("edge-key");
    const plain = newChain("no-key");
    const txs = [makeTx({ memo: "a" }), makeTx({ memo: "b", amount: "2" })];
    // As the edge submits: id and replay key from the tx it checked.
    const r = await edge.shard.submitTxs(txs.map((t) => ({ bytes: t.bytes, hash: t.hash, key: replayKey(t.tx) })));
    expect(r).toEqual({ answers: txs.map((t) => ({ hash: t.hash })), first: true });
    // Without the key, the shard computes it: a twin of a (same content, one signature more) is the same tx.
    const twin = withExtraSig(txs[0].bytes);
    expect(await edge.shard.submitTxs([twin])).toEqual({
      answers: [{ error: `tx exists in pending: ${txs[0].hash} has the same content and publisher signature` }],
      first: false,
    });
    // Nor is a hash that is not its bytes' taken.
    const c = makeTx({ memo: "c" });
    expect(await edge.shard.submitTxs([{ bytes: c.bytes, hash: txs[0].hash }])).toEqual({
      answers: [{ error: "tx hash does not match its bytes" }],
      first: false,
    });
    // A restart between admission and the build: the build reads and decodes the pool rows (no decoded txs in memory).
    await abortAllDurableObjects();
    await tick(edge);
    expect(await plain.shard.submitTxs(txs.map((t) => ({ bytes: t.bytes, hash: t.hash })))).toMatchObject({ first: true });
    await tick(plain);
    for (const t of txs) {
      const receipt = await edge.shard.getTxReceipt(t.hash);
      expect(receipt).toMatchObject({ status_code: "SUCCESS" });
      // Net gas on the trusted length, the id the edge gave: the receipt of the tx checked here.
      expect(receipt).toEqual(await plain.shard.getTxReceipt(t.hash));
    }
  });

  test("buildChunk is idempotent by height: the same chunk twice, the state written once", async () => {
    const c = newChain("idempotent");
    const { hash, bytes } = makeTx({ amount: "3" });
    await c.shard.submitTx(bytes, hash);
    const before = await balance(c, "producer000");
    const ctx = { height: 1, time: (nowNs() + 1_000_000n).toString(), parentHash: "", witness: "w", parentWitness: "0", parentTime: "0" };
    const first = await c.shard.buildChunk(ctx);
    const again = await c.shard.buildChunk(ctx);
    const other = await c.shard.buildChunk({ ...ctx, time: "1" });
    expect(again).toEqual(first);
    expect(other).toEqual(first);
    expect(first).toMatchObject({ shard: 0, height: 1, txHashes: [expect.any(String), hash] }); // the base tx first
    expect(first.receiptHashes).toHaveLength(2);
    expect(await balance(c, "producer000")).toBe(before + 3);
    // Built but not final yet: PACKED, and no receipt (IOST gives receipts of irreversible txs only).
    expect(await c.shard.getTx(hash)).toMatchObject({ status: "PACKED", block_number: "-1", transaction: { tx_receipt: { status_code: "SUCCESS" } } });
    expect(await c.shard.getTxReceipt(hash)).toEqual({ error: "failed to Get the receipt hash: tx is not irreversible yet" });
    const gap = await runInDurableObject(c.shardRaw, (obj) =>
      (obj as unknown as Shard).buildChunk({ ...ctx, height: 3 }).then(
        () => "built",
        (err: Error) => err.message,
      ),
    );
    expect(gap).toMatch(/cannot build height 3, head is 1/);
    // Its undo data is in its chunk row (the block log), for a revert until LIB passes it.
    const undo = await runInDurableObject(
      c.shardRaw,
      (_obj, state) => state.storage.sql.exec<{ undo: string | null }>("SELECT undo FROM chunks WHERE height = 1").one().undo,
    );
    expect(JSON.parse(undo!).length).toBeGreaterThan(0);
    await c.shard.finalize(1);
    expect(await c.shard.getTx(hash)).toMatchObject({ status: "IRREVERSIBLE", block_number: "1" });
    expect(await c.shard.getTxReceipt(hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await c.shard.revertTo(0)).toEqual({ error: "cannot revert to 0: below the irreversible block 1" });
  });

  test("execTx dry-runs on the head state and writes nothing", async () => {
    const c = newChain("dryrun");
    const before = await balance(c, "producer000");
    const root = (await c.shard.status()).stateRoot;
    const { hash, bytes } = makeTx({ amount: "7" });
    expect(await c.shard.execTx(bytes, hash)).toMatchObject({ tx_hash: hash, status_code: "SUCCESS" });
    expect(await balance(c, "producer000")).toBe(before);
    expect((await c.shard.status()).stateRoot).toBe(root);
    expect(await c.shard.poolSize()).toBe(0);
  });

  test("state queries answer from the head state", async () => {
    const c = newChain("queries");
    expect(await c.shard.read("getAccount", "admin")).toMatchObject({ name: "admin" });
    expect(await c.shard.read("getAccount", "nobody")).toEqual({ error: "account not found" });
    expect(await c.shard.read("getTokenInfo", "iost")).toMatchObject({ symbol: "iost" });
    expect(await c.shard.read("getTokenInfo", "nope")).toEqual({ error: "token not found" });
    expect(await c.shard.read("getRAMInfo")).toHaveProperty("total_ram");
    expect(await c.shard.read("getContract", "token.iost")).toMatchObject({ id: "token.iost", language: "native" });
    await tick(c);
    const b1 = (await c.coord.storedBlock(1))!;
    expect(await c.shard.read("getContractStorage", "token.iost", "TBadmin", "iost")).toMatchObject({ block_hash: b1.hash, block_number: "1" });
    expect(((await c.shard.read("getContractStorage", "token.iost", "TBadmin", "iost")) as Obj).data).toMatch(/^\d/);
    expect(await c.shard.read("getContractStorageFields", "token.iost", "TBadmin")).toHaveProperty("fields");
    for (const name of ["toString", "constructor", "nope"]) {
      // A name outside src/query/reads.ts, as an untyped caller could send it.
      expect(await c.shard.read(name as "getRAMInfo")).toEqual({ error: `unknown read "${name}"` });
    }
  });
});

describe("storage reads name the block they read", () => {
  test("a chunk built but its block not yet made: the read answers its parent block, with that block's data and hash, until the block is named", async () => {
    const c = newChain("read-label");
    await tick(c);
    const b1 = (await c.coord.storedBlock(1))!;
    const { hash, bytes } = makeTx({ amount: "3" });
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    const read = async () => (await c.shard.read("getContractStorage", "token.iost", "TBproducer000", "iost")) as Obj;
    const before = await read();
    expect(before).toMatchObject({ block_hash: b1.hash, block_number: "1" });
    // What the coordinator does between the shards' chunks and the block's finality. The next slot, or now if
    // that is past: a chunk older than the tx leaves it pooled (a loaded machine took over 500 ms to get here).
    const slot = BigInt(b1.time) + 500_000_000n;
    const time = String(nowNs() > slot ? nowNs() : slot);
    await c.shard.buildChunk({ height: 2, time, parentHash: b1.hash, witness: b1.witness, parentWitness: b1.witness, parentTime: b1.time });
    expect(await read()).toEqual(before);
    // The block is made; LIB stays at 1 (as with several producers) and the head's hash rides along.
    await c.shard.finalize(1, b1.hash, { number: 2, hash: "H2" });
    const after = await read();
    expect(after.data).not.toBe(before.data);
    expect(after).toMatchObject({ block_hash: "H2", block_number: "2" });
  });
});

describe("strings with NUL", () => {
  test("stored by a contract, they come back whole from SQLite, after a restart too, in the read and the receipt", async () => {
    const c = newChain("nul");
    const code = 'class S { init() {} put(v) { storage.put("k", v); return storage.get("k"); } }\nmodule.exports = S;';
    const abi = [{ name: "put", args: ["string"], amountLimit: [] }];
    const contract = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi }, code });
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    expect(await c.shard.submitTx(deploy.bytes, deploy.hash)).toEqual({ hash: deploy.hash });
    await tick(c);
    const id = "Contract" + deploy.hash;
    const put = makeTx({ actions: [{ contract: id, actionName: "put", data: JSON.stringify(["ab\u0000cd"]) }], gasLimit: 400_000_000n });
    expect(await c.shard.submitTx(put.bytes, put.hash)).toEqual({ hash: put.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(put.hash)).toMatchObject({ status_code: "SUCCESS", returns: [JSON.stringify(["ab\u0000cd"])] });
    expect(await c.shard.read("getContractStorage", id, "k", "")).toMatchObject({ data: "ab\u0000cd" });
    await abortAllDurableObjects();
    expect(await c.shard.read("getContractStorage", id, "k", "")).toMatchObject({ data: "ab\u0000cd" });
  });
});

describe("pool starvation", () => {
  test("a flood of txs the block would drop or could not charge is refused at admission; a funded transfer runs in the next block", async () => {
    const c = newChain("flood");
    const setup = fundedSignUp("flooder", "1000");
    expect(await c.shard.submitTx(setup.bytes, setup.hash)).toEqual({ hash: setup.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(setup.hash)).toMatchObject({ status_code: "SUCCESS" });

    const t = nowNs() - 1_000_000_000n; // older than the user's transfer: ahead of it in pool order
    const answers: Record<string, number> = {};
    const count = (a: object) => {
      const text =
        "error" in a
          ? String(a.error)
              .replace(/ has [\d.]+ < [\d.]+/, " has … < …")
              .replace(/its \d+ pending/, "its … pending")
          : "admitted";
      answers[text] = (answers[text] ?? 0) + 1;
    };
    // More than the builder's old 2,000-tx window: producer000 has gas, but not the signer's key.
    for (let i = 0; i < 2100; i++) {
      const x = makeTx({ publisher: "producer000", to: "admin", time: t + BigInt(i) });
      count(await c.shard.submitTx(x.bytes, x.hash));
    }
    for (let i = 0; i < 100; i++) {
      const x = makeTx({ publisher: "nobody", time: t + BigInt(i) });
      count(await c.shard.submitTx(x.bytes, x.hash));
    }
    for (let i = 0; i < 200; i++) {
      const x = makeTx({ publisher: "flooder", to: "admin", amount: "0.00000001", time: t + BigInt(i) });
      count(await c.shard.submitTx(x.bytes, x.hash));
    }
    const admitted = answers.admitted;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(3);
    expect(answers).toEqual({
      "unauthorized publisher: producer000": 2100,
      "gas not enough: user nobody has … < …": 100,
      admitted,
      "gas not enough: user flooder has … < … (the gas limits of its … pending txs included)": 200 - admitted,
    });
    expect(await c.shard.poolSize()).toBe(admitted);

    const user = makeTx({ memo: "funded" });
    expect(await c.shard.submitTx(user.bytes, user.hash)).toEqual({ hash: user.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(user.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(userTxs(await c.shard.getChunkTxs(2)).length).toBe(1 + admitted); // with the flooder's affordable ones
  });
});

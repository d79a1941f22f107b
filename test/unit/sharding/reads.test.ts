/**
 * Reads inside a contract of records another shard keeps (docs/SHARDING.md
 * "Remote state inside a contract", src/executor/reads.ts), in the
 * simulator: the tx parks, its reads go out and come back, it runs again
 * with them; the answering shard's read locks hold back a writer; a shard
 * losing its build at every height changes nothing; and every `read`,
 * `values` and `release` from a stranger is refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_READ_BYTES, RemoteReads } from "../../../src/contracts/remote";
import { ReceiptRefused, checkReceipt, type CrossReceipt } from "../../../src/sharding/receipts";
import { MAX_READ_KEYS, READING, READS, readParked, readsOf } from "../../../src/sharding/reads";
import { shardOf } from "../../../src/sharding/placement";
import { applyIncoming } from "../../../src/executor/incoming";
import { DEFERRED } from "../../../src/executor/locks";
import { landWrites, passingWrites } from "../../../src/executor/reads";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { ShardState } from "../../../src/executor/guard";
import { decodeValue, encodeValue, int, json, str } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { poolOrder } from "../../../src/pool";
import { act } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { ABI as CODE_ABI, BLOCK_TIME, CODE, config, delta, N, on, reads, runAll, txBy } from "./workload";

const READER = `class Reader {
  init() {}
  pair(a, b) { return [a, b].map((w) => blockchain.call("token.iost", "balanceOf", ["iost", w])[0]).join(","); }
  raw(who) { return String(storage.globalMapGet("token.iost", "TB" + who, "iost")); }
  gget(id, k) { return String(storage.globalGet(id, k)); }
}
module.exports = Reader;`;
const ABI = [
  { name: "pair", args: ["string", "string"] },
  { name: "raw", args: ["string"] },
  { name: "gget", args: ["string", "string"] },
];

let reader = "";
/** A contract of shard 2 (the workload's CODE) whose storage the reader reads. */
let store = "";
let one: SimChain;
let four: SimChain;
const [X, Y] = [on(2, 3), on(1, 3)];

/** Runs `tx` to its final receipt on both chains: the receipts and what changed. */
function both(tx: ReturnType<typeof txBy>, crash?: number) {
  return [one, four].map((chain) => {
    const before = reads(chain);
    chain.submit(tx);
    for (let i = 0; i < 40 && (i < 4 || !chain.quiet()); i++) chain.step({ time: BLOCK_TIME, crash: i % 2 === 0 ? crash : undefined });
    const r = chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!;
    return { receipt: r.receipt, pending: r.pending, changed: delta(before, reads(chain)) };
  });
}

describe("reads of another shard's records inside a contract (simulator)", () => {
  beforeAll(async () => {
    await vmReady();
    one = new SimChain(config(), 1);
    four = new SimChain(config(), N);
    const deploy = txBy(on(1, 2), [act("system.iost", "setCode", [contractJson(READER, ABI)])]);
    const [a, b] = both(deploy);
    expect([a.receipt?.statusCode, b.receipt?.statusCode]).toEqual(["SUCCESS", "SUCCESS"]);
    reader = "Contract" + txId(deploy);
    const deployStore = txBy(on(2), [act("system.iost", "setCode", [contractJson(CODE, CODE_ABI)])]);
    const [c, d] = both(deployStore);
    expect([c.receipt?.statusCode, d.receipt?.statusCode]).toEqual(["SUCCESS", "SUCCESS"]);
    store = "Contract" + txId(deployStore);
    expect(both(txBy(on(2), [act(store, "put", ["k", "old"])])).map((x) => x.receipt?.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
  }, 120_000);

  it("a contract of shard 1 reads a balance of shard 2: parked, fetched and run again, its receipt one shard's", () => {
    const tx = txBy(on(1, 2), [act(reader, "pair", [X, Y])]);
    const chain = four;
    chain.submit(tx);
    chain.step({ time: BLOCK_TIME });
    const home = chain.shards[1];
    // Parked: a placeholder receipt awaiting one read, the tx in x-reads, its publisher's gas locked.
    expect(home.results.get(txId(tx))).toMatchObject({ pending: 1, receipt: { gasUsage: 0n, returns: [] } });
    expect(readParked(home.store).map((p) => p.asked)).toEqual([{ 2: [`m-token.iost-TB${X}-iost`, `m-token.iost-TF${X}-iost`] }]);
    expect(home.outgoing.get(chain.height)!.map((r) => [r.kind, r.toShard])).toEqual([["read", 2]]);
    chain.step({ time: BLOCK_TIME });
    // Shard 2 answered and locked the keys for reading.
    expect(Object.keys(JSON.parse(chain.shards[2].store.get(READING)!))).toEqual([txId(tx)]);
    chain.step({ time: BLOCK_TIME });
    const r = home.results.get(txId(tx))!;
    expect(r.pending).toBe(0);
    expect(r.receipt!.statusCode).toBe("SUCCESS");
    expect(r.receipt!.returns).toEqual([`["${Number(chain.iostBalance(X)) / 1e8},${Number(chain.iostBalance(Y)) / 1e8}"]`]);
    expect(home.store.get(READS)).toBeUndefined();
    chain.step({ time: BLOCK_TIME });
    expect(chain.shards[2].store.get(READING), "released").toBeUndefined();
    // One shard's receipt, gas and all.
    one.submit(tx);
    one.step({ time: BLOCK_TIME });
    const single = one.shards[0].results.get(txId(tx))!.receipt!;
    expect(r.receipt).toEqual(single);
    while (one.height < four.height) one.step({ time: BLOCK_TIME });
  });

  it("a writer of a key read-locked for a parked reader waits until the reader ran: the reader sees what one shard shows", () => {
    const read = txBy(on(1, 2), [act(reader, "pair", [X, Y])]);
    const write = txBy(X, [act("token.iost", "transfer", ["iost", X, Y, "7", ""])]);
    const results = [one, four].map((chain) => {
      const before = reads(chain);
      chain.submit(read);
      chain.step({ time: BLOCK_TIME });
      const out = runAll(chain, [write]);
      const r = chain.shards[shardOf(read.publisher, chain.shards.length)].results.get(txId(read))!;
      return {
        reader: [r.receipt!.statusCode, r.receipt!.message, r.receipt!.returns, r.receipt!.gasUsage],
        writer: out.receipts[0],
        changed: delta(before, reads(chain)),
      };
    });
    expect(results[0].reader.slice(0, 2)).toEqual(["SUCCESS", ""]);
    expect(results[0].reader[2]).toEqual([`["${Number(one.iostBalance(X) + 700000000n) / 1e8},${Number(one.iostBalance(Y) - 700000000n) / 1e8}"]`]);
    expect(results[1]).toEqual(results[0]);
    while (one.height < four.height) one.step({ time: BLOCK_TIME });
  });

  it("a writer of a user contract's key read-locked for a parked reader waits in the pool until the reader ran", () => {
    const read = txBy(on(1, 2), [act(reader, "gget", [store, "k"])]);
    const write = txBy(on(2), [act(store, "put", ["k", "new"])]);
    const key = `b-${store}-k`;
    const results = [one, four].map((chain) => {
      const before = reads(chain);
      chain.submit(read);
      chain.step({ time: BLOCK_TIME });
      const ran = chain.height;
      chain.submit(write);
      chain.step({ time: BLOCK_TIME });
      if (chain === four) {
        // Shard 2 answered the read and holds the key for it, with the reader's age (height, pool key): the writer has not run.
        const age = { at: String(ran), ord: poolOrder(read, txId(read)) };
        expect(JSON.parse(chain.shards[2].store.get(READING)!)).toEqual({ [txId(read)]: { from: 1, keys: [key], ...age } });
        expect(chain.shards[2].results.get(txId(write))).toBeUndefined();
      }
      const out = runAll(chain, []);
      const r = chain.shards[shardOf(read.publisher, chain.shards.length)].results.get(txId(read))!.receipt!;
      const w = chain.shards[shardOf(write.publisher, chain.shards.length)].results.get(txId(write))!.receipt!;
      expect(out.receipts).toEqual([]);
      return { reader: [r.statusCode, r.returns, r.gasUsage], writer: [w.statusCode, w.returns, w.gasUsage], changed: delta(before, reads(chain)) };
    });
    expect(results[0].reader.slice(0, 2)).toEqual(["SUCCESS", ['["old"]']]);
    expect(results[0].writer.slice(0, 2)).toEqual(["SUCCESS", ['["ok:k"]']]);
    expect(results[1]).toEqual(results[0]);
    expect(four.shards[2].store.get(READING), "released").toBeUndefined();
    while (one.height < four.height) one.step({ time: BLOCK_TIME });
  });

  it("a shard losing its build at every other height, the reader's or the answering one, changes nothing", () => {
    for (const crash of [1, 2]) {
      const tx = txBy(on(1, 2), [act(reader, "raw", [on(2, 3)])]);
      const [a, b] = both(tx, crash);
      expect(b).toEqual(a);
      expect(a.receipt!.returns).toEqual([`["${four.iostBalance(on(2, 3))}"]`]);
    }
  });

  it("counts each record once and refuses the one past the limit", () => {
    const r = new RemoteReads();
    for (let i = 0; i < MAX_READ_KEYS; i++) r.count(`m-token.iost-TBu${i}-iost`, "x");
    r.count("m-token.iost-TBu0-iost", "x");
    expect(() => r.count("m-token.iost-TBnew-iost", undefined)).toThrow(
      `read records exceed the limit. expected [0, ${MAX_READ_KEYS}], actual ${MAX_READ_KEYS + 1}`,
    );
    // Bytes: the stored values' lengths, each record once.
    const b = new RemoteReads();
    b.count("m-auth.iost-auth-a", "x".repeat(MAX_READ_BYTES - 10));
    b.count("m-auth.iost-auth-a", "x".repeat(MAX_READ_BYTES - 10));
    b.count("m-auth.iost-auth-b", "x".repeat(10));
    expect(() => b.count("m-auth.iost-auth-c", "x")).toThrow(`read bytes exceed the limit. expected [0, ${MAX_READ_BYTES}], actual ${MAX_READ_BYTES + 1}`);
  });

  it("a later part counts on from what the earlier parts counted (Forwarded `counted`): a record read again once, the bytes summed", () => {
    const first = new RemoteReads();
    for (let i = 0; i < MAX_READ_KEYS - 1; i++) first.count(`m-token.iost-TBu${String(i).padStart(3, "0")}-iost`, "x");
    first.count("m-auth.iost-auth-a", "x".repeat(MAX_READ_BYTES - MAX_READ_KEYS - 10));
    const carried = first.counts()!;
    expect([carried.keys.length, carried.bytes, carried.keys.every((k, i) => i === 0 || carried.keys[i - 1] < k)]).toEqual([
      MAX_READ_KEYS,
      MAX_READ_BYTES - 11,
      true,
    ]);
    const later = new RemoteReads();
    later.seed(carried);
    later.count("m-token.iost-TBu000-iost", "x");
    expect(() => later.count("m-token.iost-TBnew-iost", undefined)).toThrow(
      `read records exceed the limit. expected [0, ${MAX_READ_KEYS}], actual ${MAX_READ_KEYS + 1}`,
    );
    const bytes = new RemoteReads();
    bytes.seed({ keys: ["m-auth.iost-auth-a"], bytes: MAX_READ_BYTES - 10 });
    bytes.count("m-auth.iost-auth-a", "x".repeat(100));
    bytes.count("m-auth.iost-auth-b", "x".repeat(10));
    expect(() => bytes.count("m-auth.iost-auth-c", "x")).toThrow(`read bytes exceed the limit. expected [0, ${MAX_READ_BYTES}], actual ${MAX_READ_BYTES + 1}`);
    // A credit's receiver half counts nothing (Host.uncounted).
    const half = new RemoteReads();
    half.uncounted++;
    half.count("m-auth.iost-auth-a", "x");
    expect(half.counts()).toBeUndefined();
  });

  it("a contract moving iost of an account of another shard: co-signed, fetched for writing and moved as on one shard; not signed, it fails at its permission check with nothing asked of that shard", () => {
    const MOVER = `class Mover {
  init() {}
  move(from, to, amount) { blockchain.callWithAuth("token.iost", "transfer", ["iost", from, to, amount, ""]); return "moved"; }
}
module.exports = Mover;`;
    const deploy = txBy(on(1, 2), [
      act("system.iost", "setCode", [
        contractJson(MOVER, [{ name: "move", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "100" }] }]),
      ]),
    ]);
    expect(both(deploy).map((x) => x.receipt?.statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    const mover = "Contract" + txId(deploy);
    const signed = txBy(on(1, 2), [act(mover, "move", [X, on(0), "1"])], { signers: [X] });
    const [a, b] = both(signed);
    expect(a.receipt?.statusCode).toBe("SUCCESS");
    expect(b).toEqual(a);
    // Unsigned: decided in its own block at home, no read of X's shard (a stranger's contract locks none of X's records).
    const unsigned = txBy(on(1, 2), [act(mover, "move", [X, on(0), "1"])]);
    const probe = four.fork();
    probe.submit(unsigned);
    probe.step({ time: BLOCK_TIME });
    expect(probe.shards[1].results.get(txId(unsigned))?.receipt?.message).toMatch(/error: transaction has no permission$/);
    probe.step({ time: BLOCK_TIME }); // a read sent by the block before would lock X's records now
    expect(probe.shards[shardOf(X, N)].store.keys().filter((k) => k.startsWith(READING))).toEqual([]);
    const [c, d] = both(unsigned);
    expect(c.receipt?.message).toMatch(/error: transaction has no permission$/);
    expect(d).toEqual(c);
  });
});

describe("reads from strangers are refused", () => {
  const hash = "HASH1";
  const base = { txHash: hash, token: "", counterpart: "", amount: "0", message: "" };
  const read = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...base,
    id: `${hash}:read.${hash}.1.2`,
    kind: "read",
    fromShard: 1,
    toShard: 2,
    account: hash,
    keys: [`m-token.iost-TB${X}-iost`],
    ...o,
  });
  const values = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...base,
    id: `${hash}:read.${hash}.1.2:values`,
    kind: "values",
    fromShard: 2,
    toShard: 1,
    account: hash,
    values: [[`m-token.iost-TB${X}-iost`, null]],
    ...o,
  });
  const release = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...base,
    id: `${hash}:release.${hash}.1.2`,
    kind: "release",
    fromShard: 1,
    toShard: 2,
    account: hash,
    ...o,
  });

  /** gas.iost's frozen refund of an unpledge to fern (shard 2). */
  const refund = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...base,
    id: `${hash}:1`,
    kind: "credit",
    fromShard: 1,
    toShard: 2,
    token: "iost",
    account: "fern",
    counterpart: "gas.iost",
    amount: "5",
    freezeUntil: "1",
    ...o,
  });

  /** An action's settle, bringing back `o`. */
  const settle = (o: Partial<CrossReceipt> = {}): CrossReceipt => ({
    ...base,
    id: `${hash}:0:settle`,
    kind: "settle",
    fromShard: 2,
    toShard: 1,
    token: "iost",
    account: X,
    counterpart: "c",
    ...o,
  });

  it.each([
    ["a read for another tx's part", read({ account: "OTHER" })],
    ["a read of nothing", read({ keys: [] })],
    ["a read of a row that is no contract's key", read({ keys: ["x-locks"] })],
    ["a read of one key twice", read({ keys: [`m-token.iost-TB${X}-iost`, `m-token.iost-TB${X}-iost`] })],
    ["a read of too many keys", read({ keys: Array.from({ length: MAX_READ_KEYS + 1 }, (_, i) => `m-token.iost-TBu${i}-iost`) })],
    ["a read moving an amount", read({ amount: "5" })],
    ["a read of its own shard", read({ toShard: 1 })],
    ["values that are not strings", values({ values: [[`m-token.iost-TB${X}-iost`, 5 as unknown as string]] })],
    ["values without keys", values({ values: [] })],
    ["values that are no list", values({ values: { k: "v" } as unknown as [string, string][] })],
    ["values whose entries are not pairs", values({ values: [null as unknown as [string, string]] })],
    ["a release carrying keys", release({ keys: ["m-token.iost-TBa-iost"] })],
    ["a read carrying writes", read({ writes: [[`m-token.iost-TB${X}-iost`, null]] })],
    ["a read whose write mode is not true", read({ write: "yes" as unknown as true })],
    ["values in write mode", values({ write: true })],
    ["busy values carrying values", values({ busy: true })],
    ["a busy read", read({ busy: true })],
    ["a busy that is not true", values({ busy: 1 as unknown as true, values: undefined })],
    ["values carrying writes", values({ writes: [[`m-token.iost-TB${X}-iost`, null]] })],
    ["a release writing nothing", release({ writes: [] })],
    [
      "a release writing keys out of order",
      release({
        writes: [
          ["b-Cz-b", null],
          ["b-Cz-a", null],
        ] as [string, null][],
      }),
    ],
    [
      "a release writing one key twice",
      release({
        writes: [
          ["b-Cz-a", null],
          ["b-Cz-a", null],
        ] as [string, null][],
      }),
    ],
    ["a release writing a row that is no contract's key", release({ writes: [["x-locks", "{}"]] })],
    ["a release writing a value that is no stored value", release({ writes: [["b-Cz-a", 5 as unknown as string]] })],
    ["a release writing entries that are not pairs", release({ writes: [["b-Cz-a"] as unknown as [string, string]] })],
    ["a release putting back nothing", release({ restore: [] })],
    ["a release both writing and putting back", release({ writes: [["b-Cz-a", null]], restore: [["b-Cz-a", null]] })],
    ["a release putting back a row that is no contract's key", release({ restore: [["x-reading", "{}"]] })],
    ["a read putting back", read({ restore: [["b-Cz-a", null]] })],
    ["a settle putting back", settle({ restore: [["b-Cz-a", null]] })],
    [
      "a settle bringing back writes out of order",
      settle({
        writes: [
          ["b-Cz-b", null],
          ["b-Cz-a", null],
        ] as [string, null][],
      }),
    ],
    ["a settle bringing back no writes", settle({ writes: [] })],
    // A failed chain's amounts owed (locks.ts owedBack): only on a settle, only records holding amounts.
    ["a settle owing nothing", settle({ putBack: [] })],
    ["a settle owing a record that holds no amount", settle({ putBack: [["b-Cz-a", null]] })],
    ["a settle owing an index of balances", settle({ putBack: [[`m-token.iost-TB${X}`, null]] })],
    ["a release owing amounts", release({ putBack: [[`m-token.iost-TB${X}-iost`, null]] })],
    ["a credit owing amounts", { ...settle({ putBack: [[`m-token.iost-TB${X}-iost`, null]] }), kind: "credit", id: `${hash}:1` } as CrossReceipt],
    ["a credit carrying writes", { ...settle({ writes: [["b-Cz-a", null]] }), kind: "credit", id: `${hash}:1` } as CrossReceipt],
    // Pledge moves ride only on a release of a tx that stood (none putting back), of pledgers living where it lands
    // (fern on shard 2, card on 3).
    ["a release moving pledges and putting back", release({ restore: [["b-Cz-a", null]], pledges: [["fern", "card", true]] })],
    ["a release moving pledges of a pledger of another shard", release({ writes: [["b-Cz-a", null]], pledges: [["card", "fern", true]] })],
    ["a release moving no pledges", release({ writes: [["b-Cz-a", null]], pledges: [] })],
    ["pledge moves that are not moves", release({ writes: [["b-Cz-a", null]], pledges: [["fern", "card", "yes"]] as unknown as [string, string, boolean][] })],
    ["a read moving pledges", read({ pledges: [["fern", "card", true]] })],
    [
      "a release writing too many keys",
      release({ writes: Array.from({ length: MAX_READ_KEYS + 1 }, (_, i): [string, null] => [`b-Cz-k${String(i).padStart(3, "0")}`, null]) }),
    ],
  ])("%s is refused by its shape", (_, r) => {
    expect(() => checkReceipt(r, N)).toThrow(ReceiptRefused);
  });

  // Nor on an unpledge's frozen refund to its pledger (fern, shard 2): the tx's moves of a pledger reach it on one release.
  it.each([
    ["a refund moving a field removed", refund({ pledges: [["fern", "card", false]] })],
    ["a refund moving a field added", refund({ pledges: [["fern", "card", true]] })],
    ["a refund moving another pledger's fields", refund({ pledges: [["card", "fern", false]] })],
    ["a probe moving pledges", refund({ probe: true, pledges: [["fern", "card", false]] })],
    ["a credit of a balance moving pledges", refund({ freezeUntil: undefined, pledges: [["fern", "card", false]] })],
  ])("%s is refused", (_, r) => {
    expect(() => checkReceipt(r, N)).toThrow(/refused: pledges/);
  });

  // A probe's receiver's records as the run that absorbed or joined its amount had them (remote.ts absorb, host.ts
  // sendCredit): only its own receiver's balance and frozen list, as token.iost stores them, sorted, on a probe of 0.
  it("a probe's found records pass only as its receiver's, sorted, on a probe moving nothing", () => {
    const probe = refund({ probe: true, amount: "0", freezeUntil: undefined });
    const [tb, tf] = ["m-token.iost-TBfern-iost", "m-token.iost-TFfern-iost"];
    const list = encodeValue(json('[{"Amount":5,"Ftime":1}]'), "fern");
    expect(() =>
      checkReceipt(
        {
          ...probe,
          found: [
            [tb, encodeValue(int(5n), "")],
            [tf, list],
          ],
        },
        N,
      ),
    ).not.toThrow();
    expect(() => checkReceipt({ ...probe, found: [[tb, null]] }, N)).not.toThrow();
    const forged: [string, string | null][][] = [
      [],
      [
        [tf, null],
        [tb, null],
      ],
      [
        [tb, null],
        [tb, null],
      ],
      [["m-token.iost-TBcard-iost", null]],
      [["m-token.iost-TBfern-gold", null]],
      [[tb, list]],
      [[tb, encodeValue(int(-1n), "")]],
      [[tf, encodeValue(int(5n), "")]],
      [[tb, 5 as unknown as string]],
    ];
    for (const found of forged) expect(() => checkReceipt({ ...probe, found }, N), JSON.stringify(found)).toThrow(/refused: found/);
    // A buy's probe reads ram.iost's records of the bytes too, first in key order, as ram.iost stores them.
    const bought = { ...probe, token: "ram", bought: "100", payer: { publisher: "card", gasRatio: "1", time: "1" } };
    const [sr, tr, rb] = ["b-ram.iost-SRfern", "b-ram.iost-TRfern", "m-token.iost-TBfern-ram"];
    const bytes = encodeValue(str("100"), "ram.iost");
    expect(() =>
      checkReceipt(
        {
          ...bought,
          found: [
            [sr, bytes],
            [tr, bytes],
            [rb, null],
          ],
        },
        N,
      ),
    ).not.toThrow();
    for (const found of [
      [[sr, bytes]],
      [[tr, encodeValue(str("-1"), "ram.iost")]],
      [[sr, encodeValue(int(5n), "")]],
      [
        [tr, null],
        [sr, null],
      ],
    ] as [string, string | null][][])
      expect(() => checkReceipt({ ...bought, lent: "100", bought: undefined, found }, N), JSON.stringify(found)).toThrow(/refused: found/);
    // Only a probe moving nothing reads them: a credit landing its amount reads the records as stored.
    expect(() => checkReceipt({ ...refund({ freezeUntil: undefined }), found: [[tb, null]] }, N)).toThrow(/refused: found/);
    expect(() => checkReceipt({ ...probe, amount: "5", found: [[tb, null]] }, N)).toThrow(/refused: found/);
  });

  it("the shapes a shard sends pass", () => {
    const writes: [string, string | null][] = [
      ["b-Cz-a", null],
      ["c-ContractZ", "{}"],
    ];
    const shapes = [
      read(),
      read({ write: true }),
      values(),
      values({ busy: true, values: undefined }),
      release(),
      release({ writes }),
      release({ writes, pledges: [["fern", "card", true]] }),
      // Its writes landed by a later part of the tx on this shard: the pledger's order takes the moves as the tx stands.
      release({ pledges: [["fern", "card", true]] }),
      // A pledge and its full unpledge by later parts of the tx, in the tx's order (pledges.ts withLater).
      release({
        pledges: [
          ["fern", "card", true],
          ["fern", "card", false],
        ],
      }),
      release({ restore: writes }),
      settle({ writes }),
      settle({
        putBack: [
          [`b-ram.iost-UR${X}`, null],
          [`m-token.iost-TB${X}-iost`, null],
          [`m-token.iost-TF${X}-iost`, null],
          ["m-token.iost-TIgold-supply", null],
        ],
      }),
    ];
    for (const r of shapes) expect(() => checkReceipt(r, N)).not.toThrow();
  });

  /** Applies `r` on a fresh copy of shard `to` of the four-shard chain. */
  const apply = (r: CrossReceipt) => {
    const s = four.fork().shards[r.toShard];
    const state = new ShardState(s.store, { index: r.toShard, count: N });
    const block = { chainId: 1020, number: 99n, time: BLOCK_TIME, parentHash: "", witness: "", shard: { index: r.toShard, count: N } };
    return applyIncoming(state, r.toShard, block, [r], () => false);
  };

  it("a read of keys another shard keeps is refused where it lands", () => {
    expect(() => apply(read({ keys: [`m-token.iost-TB${on(3)}-iost`] }))).toThrow(/which shard 2 does not keep/);
    expect(() => apply(read({ keys: ["m-token.iost-TIiost-decimal"] }))).toThrow(/which shard 2 does not keep/);
    expect(apply(read()).outgoing.map((r) => r.kind)).toEqual(["values"]);
  });

  it("a read of a token721.iost token's records is answered only by its home; its issuer record by none", () => {
    // card's home is its symbol's shard, 3.
    expect(shardOf("card", N)).toBe(3);
    expect(() => apply(read({ keys: ["m-token721.iost-T721Icard-0"] }))).toThrow(/which shard 2 does not keep/);
    expect(() => apply(read({ toShard: 3, keys: ["m-token721.iost-T721Icard-T721issuer"] }))).toThrow(/which shard 3 does not keep/);
    const keys = ["m-token721.iost-T721Icard-0", `m-token721.iost-T721B${X}-card`, `m-token721.iost-T721Mcard#${X}`];
    expect(apply(read({ toShard: 3, keys })).outgoing.map((r) => [r.kind, r.values])).toEqual([["values", keys.map((k) => [k, null])]]);
  });

  it("a read of a contract's storage is answered only by the contract's shard", () => {
    // The reader lives on shard 1, Proof of Believability's contracts on shard 0.
    expect(() => apply(read({ keys: [`b-${reader}-k`] }))).toThrow(/which shard 2 does not keep/);
    expect(() => apply(read({ keys: ["m-vote_producer.iost-producerTable-admin"] }))).toThrow(/which shard 2 does not keep/);
    const out = apply(read({ keys: [`b-${store}-k`, `m-${store}-rec`] })).outgoing;
    expect(out.map((r) => [r.kind, r.values?.map(([k, v]) => [k, v === null ? null : decodeValue(v)?.value])])).toEqual([
      [
        "values",
        [
          [`b-${store}-k`, { t: "s", v: "new" }],
          [`m-${store}-rec`, null],
        ],
      ],
    ]);
  });

  it("values no parked part asked for are refused", () => {
    expect(() => apply(values())).toThrow(/that no part parked here asked shard 2 for/);
  });

  it("a release of reads this shard does not hold for the sender is refused", () => {
    expect(() => apply(release())).toThrow(/does not hold here/);
  });

  /** Applies `r` as one chunk of shard 2 whose store is `store`, committed. */
  const onto = (store: ReturnType<SimChain["fork"]>["shards"][number]["store"], r: CrossReceipt) => {
    const state = new ShardState(store, { index: 2, count: N });
    const block = { chainId: 1020, number: 99n, time: BLOCK_TIME, parentHash: "", witness: "", shard: { index: 2, count: N } };
    applyIncoming(state, 2, block, [r], () => false);
    state.commit();
  };

  /** The pool key of tx `h` sent at `time` (src/pool poolOrder: an earlier time, an older tx of its block). */
  const ordOf = (h: string, time: number) => poolOrder({ actions: [], gasRatio: 100n, time: BigInt(time) } as unknown as Tx, h);
  /** A read by tx `h` (its part at home) of `keys`, write-mode when `write`, its tx of block 98 sent at `time` (by default its hash's digit). */
  const readBy = (h: string, keys: string[], write: boolean, time = Number(h.slice(4))): CrossReceipt =>
    read({ id: `${h}:read.${h}.1.2`, txHash: h, account: h, keys, at: "98", ord: ordOf(h, time), ...(write ? { write: true as const } : {}) });
  /** Applies `r` onto `store` as one chunk: its answer (values, busy) or, when it waits, none and its id deferred. */
  const answer = (store: ReturnType<SimChain["fork"]>["shards"][number]["store"], r: CrossReceipt) => {
    const state = new ShardState(store, { index: 2, count: N });
    const block = { chainId: 1020, number: 99n, time: BLOCK_TIME, parentHash: "", witness: "", shard: { index: 2, count: N } };
    const out = applyIncoming(state, 2, block, [r], () => false).outgoing;
    state.commit();
    const deferred = (JSON.parse(store.get(DEFERRED) ?? "[]") as CrossReceipt[]).map((x) => x.id);
    return out.length === 0 ? (deferred.includes(r.id) ? "waits" : "nothing") : out[0].busy ? "busy" : "values";
  };

  it("a part that may write locks its keys alone: a writer of a younger tx is answered busy, of an older one waits; a reader waits; a writer finding readers is busy", () => {
    const k = `b-${store}-k`;
    const s1 = four.fork().shards[2].store;
    expect(answer(s1, readBy("HASH5", [k], true))).toBe("values");
    expect(answer(s1, readBy("HASH7", [k, `b-${store}-j`], true))).toBe("busy");
    expect(Object.keys(JSON.parse(s1.get(READING)!))).toEqual(["HASH5"]);
    expect(answer(s1, readBy("HASH3", [k], true))).toBe("waits");
    expect(answer(s1, readBy("HASH9", [k], false))).toBe("waits");
    // Older and younger by age (sharding/age.ts: the pool key, as names), not by hash: a lower hash later in the pool is
    // answered busy, a higher one earlier waits.
    const s3 = four.fork().shards[2].store;
    expect(answer(s3, readBy("HASH5", [k], true))).toBe("values");
    expect(answer(s3, readBy("HASH1", [k], true, 6))).toBe("busy");
    expect(answer(s3, readBy("HASH8", [k], true, 2))).toBe("waits");
    expect(JSON.parse(s3.get(READING)!).HASH5).toMatchObject({ write: true, at: "98", ord: ordOf("HASH5", 5) });
    // Readers share; a writer of their keys gives up and starts over, whoever is higher.
    const s2 = four.fork().shards[2].store;
    expect(answer(s2, readBy("HASH5", [k], false))).toBe("values");
    expect(answer(s2, readBy("HASH7", [k], false))).toBe("values");
    expect(answer(s2, readBy("HASH1", [k], true))).toBe("busy");
    // A reader turning writer (its run called the contract in a later round) counts its shared keys too.
    expect(answer(s2, readBy("HASH5", [`b-${store}-j`], true))).toBe("busy");
    expect(Object.keys(JSON.parse(s2.get(READING)!))).toEqual(["HASH7"]);
  });

  it("an action receipt's writes land only on keys a part of its tx write-locked here; those of other shards pass on", () => {
    const k = `b-${store}-k`;
    const s1 = four.fork().shards[2].store;
    answer(s1, readBy("HASH5", [k], true));
    answer(s1, readBy("HASH6", [`b-${store}-r`], false));
    const written = encodeValue(str("carried"), store);
    const action = (fromShard: number, writes: [string, string | null][], txHash = "HASH5") =>
      ({ ...read({ id: `${txHash}:g0`, txHash, kind: "action", fromShard }), forward: { writes } }) as unknown as CrossReceipt;
    const land = (r: CrossReceipt) => {
      const state = new State(s1);
      landWrites(state, r, { index: 2, count: N });
      return state;
    };
    // From any shard of the chain: the lock is its tx's, whichever part took it.
    expect(land(action(3, [[k, written]])).get(k)).toBe(written);
    expect(
      passingWrites(
        new State(s1),
        action(3, [
          [k, written],
          [`m-token.iost-TB${on(3)}-iost`, null],
        ]),
        { index: 2, count: N },
      ),
    ).toEqual([[`m-token.iost-TB${on(3)}-iost`, null]]);
    // A key of this shard no part of the tx locked, only read-locked, or another tx's lock: refused, nothing written.
    for (const r of [action(1, [[`b-${store}-j`, written]]), action(1, [[`b-${store}-r`, written]], "HASH6"), action(1, [[k, written]], "HASH6")]) {
      const state = new State(s1);
      expect(() => landWrites(state, r, { index: 2, count: N })).toThrow(/did not lock here for writing/);
      expect([...state.latest().keys()]).toEqual([]);
    }
    // The shape: only an action receipt carries them, in key order; only a settle brings them back.
    expect(() => checkReceipt({ ...read(), forward: { writes: [[k, null]] } } as unknown as CrossReceipt, N)).toThrow(ReceiptRefused);
  });

  it("a key locked for writing makes a local tx wait, to read it as to write it", () => {
    const k = `b-${store}-k`;
    const s1 = four.fork().shards[2].store;
    answer(s1, readBy("HASH5", [k], true));
    const state = new ShardState(s1, { index: 2, count: N });
    state.watch();
    state.get(`b-${store}-j`);
    expect(state.conflict).toBeNull();
    state.get(k);
    expect(state.conflict).toBe(k);
    // Its own tx (a release, a part of it) does not wait.
    state.watch("HASH5", false);
    state.get(k);
    expect(state.conflict).toBeNull();
  });

  it("a release's writes land only on keys its part locked here; a stranger's write of any other changes nothing", () => {
    const locked = read({ keys: [`b-${store}-k`], write: true });
    const written = encodeValue(str("there"), store);
    const landed = four.fork().shards[2].store;
    onto(landed, locked);
    onto(landed, release({ writes: [[`b-${store}-k`, written]] }));
    expect(landed.get(`b-${store}-k`)).toBe(written);
    expect(landed.get(READING)).toBeUndefined();
    // What a failed tx's release puts back lands the same way, on its part's keys only.
    const undone = four.fork().shards[2].store;
    onto(undone, locked);
    onto(undone, release({ restore: [[`b-${store}-k`, null]] }));
    expect([undone.get(`b-${store}-k`), undone.get(READING)]).toEqual([undefined, undefined]);
    const stranger = four.fork().shards[2].store;
    onto(stranger, locked);
    const was = [stranger.get(`b-${store}-other`), stranger.get(READING)];
    expect(() => onto(stranger, release({ restore: [[`b-${store}-other`, written]] }))).toThrow(/which HASH1 did not lock here/);
    expect([stranger.get(`b-${store}-other`), stranger.get(READING)]).toEqual(was);
    // Another key of the same contract, never locked for the part; a key of another shard: refused, nothing written.
    for (const key of [`b-${store}-other`, `m-token.iost-TB${on(3)}-iost`]) {
      const s2 = four.fork().shards[2].store;
      onto(s2, locked);
      const before = [s2.get(key), s2.get(`b-${store}-k`), s2.get(READING)];
      expect(() =>
        onto(
          s2,
          release({
            writes: [
              [key, written],
              [`b-${store}-k`, written],
            ].sort() as [string, string][],
          }),
        ),
      ).toThrow(/which HASH1 did not lock here/);
      expect([s2.get(key), s2.get(`b-${store}-k`), s2.get(READING)]).toEqual(before);
    }
  });

  it("a release writing keys its part locked only for reading is refused and changes nothing; once its part asked write-mode, the same release lands", () => {
    const k = `b-${store}-k`;
    const written = encodeValue(str("there"), store);
    for (const lands of [{ writes: [[k, written]] }, { restore: [[k, null]] }] as Partial<CrossReceipt>[]) {
      const shared = four.fork().shards[2].store;
      onto(shared, read({ keys: [k] }));
      // Another part reads the key meanwhile, as a read lock lets it.
      onto(shared, readBy("HASH7", [k], false));
      const before = [shared.get(k), shared.get(READING)];
      expect(() => onto(shared, release(lands))).toThrow(/which HASH1 locked here only for reading/);
      expect([shared.get(k), shared.get(READING)]).toEqual(before);
    }
    // The honest upgrade: a reader whose run called this shard's contract asks write-mode (its shared keys with it).
    const upgraded = four.fork().shards[2].store;
    onto(upgraded, read({ keys: [k] }));
    onto(upgraded, read({ id: "HASH1:read.HASH1.2.2", keys: [`c-${store}`], write: true }));
    expect(JSON.parse(upgraded.get(READING)!).HASH1).toMatchObject({ keys: [k, `c-${store}`], write: true });
    onto(upgraded, release({ writes: [[k, written]] }));
    expect([upgraded.get(k), upgraded.get(READING)]).toEqual([written, undefined]);
  });

  it("a co-signer's RAM trade run where its tx is: a stranger's release of a co-signer's records its part did not lock for it, or of an account it never asked for, and values no part asked for, change nothing", () => {
    // X (shard 2) co-signs a buy of tx HASH1 at home on shard 1, which locked X's iost for writing (forward.ts armTrade).
    const iost = `m-token.iost-TB${X}-iost`;
    const paid = encodeValue(int(1n), "");
    const landed = four.fork().shards[2].store;
    onto(landed, read({ keys: [iost, `m-token.iost-TF${X}-iost`], write: true }));
    onto(landed, release({ writes: [[iost, paid]] }));
    expect([landed.get(iost), landed.get(READING)]).toEqual([paid, undefined]);
    // The co-signer's RAM and records, never asked; another account of the shard, no signer of the tx: refused.
    const other = on(2, 1);
    for (const key of [`m-token.iost-TB${X}-ram`, `b-ram.iost-SR${X}`, `m-token.iost-TB${other}-iost`]) {
      const forged = four.fork().shards[2].store;
      onto(forged, read({ keys: [iost], write: true }));
      const before = [forged.get(key), forged.get(iost), forged.get(READING)];
      expect(() =>
        onto(
          forged,
          release({
            writes: [
              [iost, paid],
              [key, paid],
            ].sort() as [string, string][],
          }),
        ),
      ).toThrow(/which HASH1 did not lock here/);
      expect([forged.get(key), forged.get(iost), forged.get(READING)]).toEqual(before);
    }
    // A balance claimed for the co-signer that no part parked on shard 1 asked for: refused there.
    expect(() => apply(values({ values: [[iost, encodeValue(int(10n ** 15n), "")]] }))).toThrow(/that no part parked here asked shard 2 for/);
  });

  it("a token's supply lands on its home only from a part that locked it there (an issue off the home); a stranger's write of it changes nothing", () => {
    // fern was never created: its home is its symbol's shard, 2.
    const supply = "m-token.iost-TIfern-supply";
    expect(shardOf("fern", N)).toBe(2);
    const written = encodeValue(int(7n), on(0));
    const landed = four.fork().shards[2].store;
    onto(landed, read({ keys: [supply], write: true }));
    onto(landed, release({ writes: [[supply, written]] }));
    expect([landed.get(supply), landed.get(READING)]).toEqual([written, undefined]);
    const forged = four.fork().shards[2].store;
    onto(forged, read({ keys: [`b-${store}-k`], write: true }));
    const before = forged.get(READING);
    expect(() => onto(forged, release({ writes: [[supply, written]] }))).toThrow(/which HASH1 did not lock here/);
    expect([forged.get(supply), forged.get(READING)]).toEqual([undefined, before]);
  });

  it("a round asks at most 256 keys of a shard: the missed ones first, then their companions while there is room", () => {
    const state = new State(new MemoryStore());
    const of2 = Array.from({ length: 2000 }, (_, i) => `acct${i}`).filter((a) => shardOf(a, N) === 2);
    const ram = (a: string) => `m-token.iost-TB${a}-ram`;
    const used = (a: string) => `b-ram.iost-UR${a}`;
    const asked = (missed: string[]) => readsOf(state, { part: "H", txHash: "H", round: 1 }, missed, { index: 1, count: N }).map((r) => [r.toShard, r.keys]);
    // Room: each account's free RAM comes with its used RAM (doPay reads both).
    const few = of2.slice(0, 3).map(ram);
    expect(asked(few)).toEqual([[2, [...few, ...of2.slice(0, 3).map(used)].sort()]]);
    // 256 missed: no companion fits; 257 missed (a run's uncounted reads beside its counted): the first 256 in key order.
    const full = of2.slice(0, MAX_READ_KEYS).map(ram);
    expect(asked(full)).toEqual([[2, [...full].sort()]]);
    const over = of2.slice(0, MAX_READ_KEYS + 1).map(ram);
    expect(asked(over)).toEqual([[2, [...over].sort().slice(0, MAX_READ_KEYS)]]);
    // 255 missed and one companion: every asked key is within one read's shape (readShapeError), which 257 is not.
    const near = of2.slice(0, MAX_READ_KEYS - 1).map(ram);
    const keys = asked(near)[0][1] as string[];
    expect(keys.length).toBe(MAX_READ_KEYS);
    expect(keys.filter((k) => k.startsWith("b-ram.iost-UR"))).toEqual([used(of2.slice(0, MAX_READ_KEYS - 1).sort()[0])]);
  });
});

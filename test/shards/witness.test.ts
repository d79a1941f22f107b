/**
 * State witnesses (docs/STATE.md "State witnesses"): every chunk of a four-shard chain (transfers,
 * a contract deployed and called, cross-shard credits and settles, shard 0's base tx) is served
 * with its witness by the shard that built it and checked by `checkChunk` inside another chain's
 * shard object, which holds none of that shard's state, the receipts it took in proven against
 * their senders' receipts roots in the block headers, its txs against a replay window kept from the
 * chunks checked before. A forged witness value, a witness missing a key the chunk reads, a chunk
 * announcing a wrong post-state root, a forged, left-out, repeated or foreign receipt and a replayed
 * tx are each refused.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { packKeys, unpackKeys } from "../../durable-objects/shard/block-log";
import { type CheckOptions, type ChunkCase, checkChunk } from "../../durable-objects/shard/witness";
import { base64Decode, base64Encode } from "../../src/codec/base64";
import { decodeTx } from "../../src/tx/bytes";
import type { Tx } from "../../src/tx/types";
import { ReplayWindow } from "../../src/pool/replay";
import { sentProof, type SentProof } from "../../src/sharding/receipt-proof";
import { shardOf } from "../../src/sharding/placement";
import { keyHash } from "../../src/state/proof";
import type { Witness } from "../../src/state/witness";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok"; }
  get(k) { return storage.get(k); }
}
module.exports = Box;`;
const contract = JSON.stringify({
  ID: "",
  info: {
    lang: "javascript",
    version: "1.0.0",
    abi: [
      { name: "put", args: ["string", "string"], amountLimit: [] },
      { name: "get", args: ["string"], amountLimit: [] },
    ],
  },
  code: CODE,
});
/** An account on another shard than admin's: its credits travel as receipts. */
const far = ["wit01", "wit02", "wit03", "wit04", "wit05"].find((n) => shardOf(n, N) !== shardOf("admin", N))!;

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

type Case = { prev: string; input: ChunkCase; witness: Witness; roots: string[] };

/**
 * Everything a node without shard `i`'s state gets to check its chunk of height `n`: from the
 * network, never from its own store, but the senders' receipts roots, which the block header of
 * `n - 1` gives.
 */
async function caseOf(c: Chain, i: number, n: number): Promise<Case> {
  const s = shardAt(c, i);
  const [ctx, txs, chunk, prev, witness, parent] = await Promise.all([
    ctxOf(c, n),
    s.chunkTxs(n),
    s.chunkAt(n),
    s.chunkAt(n - 1),
    s.witnessOf(n),
    c.coord.storedBlock(n - 1),
  ]);
  const incoming: SentProof[] = [];
  for (let j = 0; j < N && n > 1; j++) {
    const p = await shardAt(c, j).sentProofOf(n - 1, i);
    if ("error" in p) throw new Error(p.error);
    incoming.push(p);
  }
  if ("error" in witness) throw new Error(witness.error);
  const roots = (JSON.parse(parent!.info) as { chunks: { out_receipts_root?: string }[] }).chunks.map((x) => x.out_receipts_root ?? "");
  return { prev: prev!.stateRoot, input: { ctx, txs, incoming, chunk: chunk! }, witness, roots };
}

/** checkChunk run inside a shard object of another chain: no state of the chunk's shard is there. */
function checkElsewhere(other: Chain, i: number, k: Case, change: { input?: ChunkCase; witness?: Witness; replay?: ReplayWindow; prev?: string } = {}) {
  const o: CheckOptions = { chainId: 1020, place: { index: i, count: N }, sentRoots: k.roots, replay: change.replay };
  return runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${i}`), () =>
    checkChunk(change.prev ?? k.prev, change.input ?? k.input, change.witness ?? k.witness, o),
  );
}

/** Every receipt of `k` from any sender, with where it came from. */
function receiptsOf(k: Case) {
  return k.input.incoming.flatMap((p, from) => p.receipts.map((r, at) => ({ from, at, r })));
}

/** `w` without `key`'s entry, still a valid proof of the others: its leaf given by hashes instead. */
function dropEntry(w: Witness, key: string): Witness {
  const at = w.entries.findIndex(([k]) => k === key);
  const value = w.entries[at][1]!;
  const present = w.entries
    .filter(([, v]) => v !== null)
    .map(([k, v]) => ({ k, v: v!, kh: keyHash(k) }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.kh), Buffer.from(b.kh)));
  const rank = present.findIndex((e) => e.k === key);
  let v = -1;
  let hashes = 0;
  let tag = 0;
  for (; tag < w.shape.length; tag++) {
    const t = w.shape[tag];
    if (t === "V" && ++v === rank) break;
    hashes += t === "H" ? 1 : t === "L" ? 2 : 0;
  }
  const bytes = base64Decode(w.hashes);
  const leaf = new Uint8Array([...keyHash(key), ...sha3Of(value)]);
  const out = new Uint8Array([...bytes.slice(0, hashes * 32), ...leaf, ...bytes.slice(hashes * 32)]);
  return { shape: w.shape.slice(0, tag) + "L" + w.shape.slice(tag + 1), hashes: base64Encode(out), entries: w.entries.filter(([k]) => k !== key) };
}
const sha3Of = (v: string) => keyHash(v); // a value's hash is the same sha3 of its UTF-8 bytes

describe("state witnesses on four shards", () => {
  test("every chunk is checked from its witness alone; forged values, missing keys, a wrong root, forged or foreign receipts and replays are refused", async () => {
    const c = newChain("witness");
    const other = newChain("witness-checker");
    await c.coord.chainInfo();
    const admin = shardAt(c, shardOf("admin", N));
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const signUp = makeTx({
      actions: [
        { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([far, KEY, KEY]) },
        { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", far, 1024]) },
        { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", far, "50"]) },
      ],
    });
    const rounds: { label: string; txs: ReturnType<typeof makeTx>[] }[] = [
      { label: "deploy, sign up an account on another shard", txs: [deploy, signUp] },
      // Its signUp asks the other shards before it stands (docs/SHARDING.md, creators), its RAM buy runs on the market's
      // shard (shard 0), its pledge back on the account's: its parts settle hop by hop.
      ...Array.from({ length: 7 }, () => ({ label: "the sign-up's chain settling", txs: [] })),
      {
        label: "transfers, one to the other shard",
        txs: [makeTx({ to: far, amount: "5" }), makeTx({ amount: "2", memo: "a" }), makeTx({ amount: "3", memo: "b" })],
      },
      { label: "a contract call", txs: [makeTx({ actions: [{ contract: `Contract${deploy.hash}`, actionName: "put", data: JSON.stringify(["k", "v1"]) }] })] },
      { label: "settles and credits in flight", txs: [] },
      { label: "more settles", txs: [] },
    ];
    let checked = 0;
    let withIncoming: { i: number; k: Case } | null = null;
    let transfers: { i: number; k: Case; txs: Tx[] } | null = null;
    let contractCall: Case | null = null;
    // Each shard's replay window, from genesis, fed with what each check gives back.
    const windows = Array.from({ length: N }, () => new ReplayWindow(1, 0n));
    let done = 0;
    for (const r of rounds) {
      for (const t of r.txs) expect(await admin.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      await tick(c);
      const head = (await c.coord.status()).head;
      // The heights before the head, final already, as a checker joining now fetches them (their txs, checked against the chunks' tx roots).
      for (let h = done + 1; h < head; h++) {
        for (let i = 0; i < N; i++)
          windows[i].note(
            h,
            BigInt((await shardAt(c, i).chunkAt(h))!.time),
            (await shardAt(c, i).chunkTxs(h)).map(decodeTx).filter((t) => t.publisher !== "base.iost"),
          );
      }
      const n = head;
      for (let i = 0; i < N; i++) {
        const k = await caseOf(c, i, n);
        const res = await checkElsewhere(other, i, k, { replay: windows[i] });
        expect(res, `${r.label}: shard ${i}`).toEqual({
          stateRoot: k.input.chunk.stateRoot,
          receiptHashes: k.input.chunk.receiptHashes,
          outgoing: expect.any(Array),
          txs: expect.any(Array),
        });
        if ("error" in res) continue;
        windows[i].note(n, BigInt(k.input.ctx.time), res.txs);
        checked++;
        if (receiptsOf(k).length > 0) withIncoming = { i, k };
        if (res.txs.length > 0) transfers = { i, k, txs: res.txs };
        if (r.label === "a contract call" && i === shardOf("admin", N)) contractCall = k;
      }
      done = head;
    }
    expect(checked).toBe(rounds.length * N);
    expect(await admin.getTxReceipt(rounds.find((r) => r.label === "a contract call")!.txs[0].hash)).toMatchObject({
      status_code: "SUCCESS",
      returns: ['["ok"]'],
    });

    // Receipts: each checked against the sender's root from the header, never the prover's word.
    expect(withIncoming).not.toBeNull();
    {
      const { i, k } = withIncoming!;
      const refused = async (input: ChunkCase, why: RegExp | string) =>
        expect(await checkElsewhere(other, i, k, { input })).toEqual({ error: expect.stringMatching(why) });
      const { from, at, r } = receiptsOf(k)[0];
      const change = (p: Partial<SentProof>) => ({ ...k.input, incoming: k.input.incoming.map((q, j) => (j === from ? { ...q, ...p } : q)) });
      const mine = k.input.incoming[from];
      // Forged: an amount raised, its proof kept.
      const forged = { ...r, amount: `${r.amount}0`, ram: r.ram === undefined ? undefined : `${r.ram}0` };
      await refused(
        change({ receipts: mine.receipts.map((x, j) => (j === at ? forged : x)) }),
        /refused: receipts from shard \d: the receipts and their neighbours are not the chunk's receipts root/,
      );
      // Forged together with its proof: the prover's own list and root, but the header's root is what counts.
      const lie = sentProof([forged], i);
      await refused(change(lie), /refused: receipts from shard \d: /);
      // Left out (every receipt of the sender dropped), or all the incoming ones.
      await refused(change({ receipts: [] }), /refused: receipts from shard \d: /);
      await refused({ ...k.input, incoming: [] }, /refused: receipts proven from 0 shards, not 4/);
      // Repeated.
      await refused(change({ receipts: [...mine.receipts, r] }), /refused: receipts from shard \d: /);
      // Foreign: these real, proven receipts given to the next shard's chunk of the same height.
      const j = (i + 1) % N;
      const next = await caseOf(c, j, k.input.ctx.height);
      const foreign = { ...next.input, incoming: next.input.incoming.map((q, f) => (f === from ? mine : q)) };
      expect(await checkElsewhere(other, j, next, { input: foreign })).toEqual({
        error: expect.stringMatching(new RegExp(`refused: receipts from shard ${from}: receipt \\S+ goes from ${from} to ${i}, not ${from} to ${j}`)),
      });
      // Receipts claimed at a height where none can come (the first block): refused, not taken in.
      expect(await checkElsewhere(other, i, k, { input: { ...k.input, ctx: { ...k.input.ctx, height: 1 }, chunk: { ...k.input.chunk, height: 1 } } })).toEqual({
        error: expect.stringMatching(/refused: (receipts given where no chunk sent any|invalid state witness)/),
      });
    }

    // Replay: a window that saw the chunk's txs run in the block before refuses them; a window with a gap cannot check.
    expect(transfers).not.toBeNull();
    {
      const { i, k, txs } = transfers!;
      const n = k.input.ctx.height;
      const seen = new ReplayWindow(1, 0n);
      for (let h = 1; h < n; h++) seen.note(h, BigInt(h), h === n - 1 ? txs : []);
      expect(await checkElsewhere(other, i, k, { replay: seen })).toEqual({
        error: expect.stringMatching(new RegExp(`^chunk ${i}/${n} refused: tx \\w+: tx exists in chain$`)),
      });
      const late = new ReplayWindow(n - 1, BigInt(k.input.ctx.time));
      late.note(n - 1, BigInt(k.input.ctx.time), []);
      await expect(checkElsewhere(other, i, k, { replay: late })).rejects.toThrow(/the replay window \(up to height \d+\) does not cover chunk/);
    }

    const k = contractCall!;
    const { input, witness } = k;
    expect(witness.entries.length).toBeGreaterThan(5);
    // A forged value: the witness no longer hashes to the previous root.
    const stored = `c-Contract${deploy.hash}`;
    expect(witness.entries.some(([k]) => k === stored)).toBe(true);
    const forged = {
      ...witness,
      entries: witness.entries.map(([k, v]) => [k, k === stored ? v!.replace("storage.put", "storage.del") : v] as [string, string | null]),
    };
    expect(await checkElsewhere(other, input.chunk.shard, k, { witness: forged })).toEqual({
      error: expect.stringMatching(/^chunk \d\/\d+ refused: invalid state witness: it hashes to [0-9a-f]{64}, not the previous state root/),
    });
    // A key the run reads left out: the proof of the others still holds, the run reads past it.
    const missing = dropEntry(witness, stored);
    expect(await checkElsewhere(other, input.chunk.shard, k, { witness: missing })).toEqual({
      error: expect.stringContaining(`refused: the state witness does not cover key ${stored}`),
    });
    // The announced root differs from what the witness reaches.
    const wrong: Chunk = { ...input.chunk, stateRoot: "ab".repeat(32) };
    expect(await checkElsewhere(other, input.chunk.shard, k, { input: { ...input, chunk: wrong } })).toEqual({
      error: expect.stringMatching(/refused: chunk \d\/\d+: stateRoot differs: re-executed "[0-9a-f]{64}", announced "abab/),
    });
    // A witness against another root than the chunk's parent's.
    expect(await checkElsewhere(other, input.chunk.shard, k, { prev: input.chunk.stateRoot })).toMatchObject({
      error: expect.stringContaining("not the previous state root"),
    });
    // Malformed input from a peer.
    expect(await checkElsewhere(other, input.chunk.shard, k, { input: { ...input, txs: null as unknown as Uint8Array[] } })).toEqual({
      error: `chunk ${input.chunk.shard}/${input.ctx.height} refused: malformed chunk`,
    });
    // The real one again: nothing above changed what checking it gives.
    expect(await checkElsewhere(other, input.chunk.shard, k)).toMatchObject({ stateRoot: input.chunk.stateRoot });
  });

  test("witnesses and receipts proofs are served from MAX_PROOF_DEPTH below LIB up to the head", async () => {
    const c = newChain("witness-lib");
    await c.coord.chainInfo();
    await tick(c, 3);
    const { head, lib } = await c.coord.status();
    const w = await shardAt(c, 0).witnessOf(head);
    expect(w).toMatchObject({ shape: expect.any(String) });
    // Kept in the chunk row: a restart serves the same witness.
    await abortAllDurableObjects();
    expect(await shardAt(c, 0).witnessOf(head)).toEqual(w);
    // Below LIB too (a node holding part of the shards catching up), down to height 1 on a chain this short.
    expect(lib).toBeGreaterThan(1);
    expect(await shardAt(c, 0).witnessOf(lib - 1)).toMatchObject({ shape: expect.any(String) });
    expect(await shardAt(c, 0).witnessOf(0)).toMatchObject({ error: expect.stringContaining(`witnesses are served from 1 (LIB ${lib}) up to the head`) });
    expect(await shardAt(c, 0).witnessOf(head + 1)).toMatchObject({ error: expect.stringContaining("no state witness of height") });
    // To a shard shard 0 sent nothing: producer000's takes the `index` receipt of its first reward, at height 2.
    const quiet = [1, 2, 3].find((i) => i !== shardOf("producer000", N))!;
    expect(await shardAt(c, 0).sentProofOf(lib - 1, quiet)).toMatchObject({ count: expect.any(Number), receipts: [] });
    expect(await shardAt(c, 0).sentProofOf(1, quiet)).toMatchObject({ count: expect.any(Number) });
    expect(await shardAt(c, 0).sentProofOf(head + 1, quiet)).toMatchObject({ error: expect.stringContaining("no receipts proof of height") });
    expect(await shardAt(c, 0).sentProofOf(0, quiet)).toMatchObject({ error: expect.stringContaining(`served from 1 (LIB ${lib})`) });
  });
});

describe("the reads column", () => {
  test("keys packed by shared prefix come back the same, in order", () => {
    const keys = [
      "",
      "b-base.iost-blockIntervalNs",
      "b-base.iost-blocksPerSlot",
      "m-token.iost-TIiost-decimal",
      "m-token.iost-TIiost-issuer",
      "m-token.iost-TIiost-issuer\u{1F600}",
      "x",
    ];
    const text = packKeys(keys);
    expect(unpackKeys(text)).toEqual(keys);
    expect(text.length).toBeLessThan(JSON.stringify(keys).length);
  });
});

/**
 * State witnesses (docs/STATE.md "State witnesses"): every chunk of a four-shard chain (transfers,
 * a contract deployed and called, cross-shard credits and settles, shard 0's base tx) is served
 * with its witness by the shard that built it and checked by `checkChunk` inside another chain's
 * shard object, which holds none of that shard's state. A forged witness value, a witness missing
 * a key the chunk reads, and a chunk announcing a wrong post-state root are each refused.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { packKeys, unpackKeys } from "../../durable-objects/shard/block-log";
import { type ChunkCase, checkChunk } from "../../durable-objects/shard/witness";
import { base64Decode, base64Encode } from "../../src/codec/base64";
import type { CrossReceipt } from "../../src/sharding/receipts";
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

/** Everything a node without shard `i`'s state gets to check its chunk of height `n`: from the network, never from its own store. */
async function caseOf(c: Chain, i: number, n: number): Promise<{ prev: string; input: ChunkCase; witness: Witness }> {
  const s = shardAt(c, i);
  const [ctx, txs, chunk, prev, witness] = await Promise.all([ctxOf(c, n), s.chunkTxs(n), s.chunkAt(n), s.chunkAt(n - 1), s.witnessOf(n)]);
  const incoming: CrossReceipt[] = [];
  for (let j = 0; j < N && n > 1; j++) incoming.push(...(await shardAt(c, j).outgoingFor(n - 1, i)));
  if ("error" in witness) throw new Error(witness.error);
  return { prev: prev!.stateRoot, input: { ctx, txs, incoming, chunk: chunk! }, witness };
}

/** checkChunk run inside a shard object of another chain: no state of the chunk's shard is there. */
function checkElsewhere(other: Chain, i: number, prev: string, input: ChunkCase, witness: Witness) {
  return runInDurableObject(nodeEnv.SHARD.getByName(`${other.id}:shard-${i}`), () =>
    checkChunk(prev, input, witness, { chainId: 1020, place: { index: i, count: N } }),
  );
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
  test("every chunk is checked from its witness alone; forged values, missing keys and a wrong root are refused", async () => {
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
      {
        label: "transfers, one to the other shard",
        txs: [makeTx({ to: far, amount: "5" }), makeTx({ amount: "2", memo: "a" }), makeTx({ amount: "3", memo: "b" })],
      },
      { label: "a contract call", txs: [makeTx({ actions: [{ contract: `Contract${deploy.hash}`, actionName: "put", data: JSON.stringify(["k", "v1"]) }] })] },
      { label: "settles and credits in flight", txs: [] },
      { label: "more settles", txs: [] },
    ];
    let checked = 0;
    let withIncoming = 0;
    let contractCall: { prev: string; input: ChunkCase; witness: Witness } | null = null;
    for (const r of rounds) {
      for (const t of r.txs) expect(await admin.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      await tick(c);
      const n = (await c.coord.status()).head;
      for (let i = 0; i < N; i++) {
        const k = await caseOf(c, i, n);
        const res = await checkElsewhere(other, i, k.prev, k.input, k.witness);
        expect(res, `${r.label}: shard ${i}`).toEqual({
          stateRoot: k.input.chunk.stateRoot,
          receiptHashes: k.input.chunk.receiptHashes,
          outgoing: expect.any(Array),
        });
        checked++;
        if (k.input.incoming.length > 0) {
          withIncoming++;
          // Without the receipts it took in, the same chunk cannot come out.
          expect(await checkElsewhere(other, i, k.prev, { ...k.input, incoming: [] }, k.witness)).toMatchObject({
            error: expect.stringMatching(new RegExp(`^chunk ${i}/${n} refused: `)),
          });
        }
        if (r.label === "a contract call" && i === shardOf("admin", N)) contractCall = k;
      }
    }
    expect(checked).toBe(rounds.length * N);
    expect(withIncoming).toBeGreaterThan(0);
    expect(await admin.getTxReceipt(rounds[2].txs[0].hash)).toMatchObject({ status_code: "SUCCESS", returns: ['["ok"]'] });

    const { prev, input, witness } = contractCall!;
    expect(witness.entries.length).toBeGreaterThan(5);
    // A forged value: the witness no longer hashes to the previous root.
    const stored = `c-Contract${deploy.hash}`;
    expect(witness.entries.some(([k]) => k === stored)).toBe(true);
    const forged = {
      ...witness,
      entries: witness.entries.map(([k, v]) => [k, k === stored ? v!.replace("storage.put", "storage.del") : v] as [string, string | null]),
    };
    expect(await checkElsewhere(other, input.chunk.shard, prev, input, forged)).toEqual({
      error: expect.stringMatching(/^chunk \d\/\d+ refused: invalid state witness: it hashes to [0-9a-f]{64}, not the previous state root/),
    });
    // A key the run reads left out: the proof of the others still holds, the run reads past it.
    const missing = dropEntry(witness, stored);
    expect(await checkElsewhere(other, input.chunk.shard, prev, input, missing)).toEqual({
      error: expect.stringContaining(`refused: the state witness does not cover key ${stored}`),
    });
    // The announced root differs from what the witness reaches.
    const wrong: Chunk = { ...input.chunk, stateRoot: "ab".repeat(32) };
    expect(await checkElsewhere(other, input.chunk.shard, prev, { ...input, chunk: wrong }, witness)).toEqual({
      error: expect.stringMatching(/refused: chunk \d\/\d+: stateRoot differs: re-executed "[0-9a-f]{64}", announced "abab/),
    });
    // A witness against another root than the chunk's parent's.
    expect(await checkElsewhere(other, input.chunk.shard, input.chunk.stateRoot, input, witness)).toMatchObject({
      error: expect.stringContaining("not the previous state root"),
    });
    // Malformed input from a peer.
    expect(await checkElsewhere(other, input.chunk.shard, prev, { ...input, txs: null as unknown as Uint8Array[] }, witness)).toEqual({
      error: `chunk ${input.chunk.shard}/${input.ctx.height} refused: malformed chunk`,
    });
    // The real one again: nothing above changed what checking it gives.
    expect(await checkElsewhere(other, input.chunk.shard, prev, input, witness)).toMatchObject({ stateRoot: input.chunk.stateRoot });
  });

  test("witnesses are served from LIB up to the head", async () => {
    const c = newChain("witness-lib");
    await c.coord.chainInfo();
    await tick(c, 3);
    const { head, lib } = await c.coord.status();
    const w = await shardAt(c, 0).witnessOf(head);
    expect(w).toMatchObject({ shape: expect.any(String) });
    // Kept in the chunk row: a restart serves the same witness.
    await abortAllDurableObjects();
    expect(await shardAt(c, 0).witnessOf(head)).toEqual(w);
    expect(await shardAt(c, 0).witnessOf(lib - 1)).toMatchObject({ error: expect.stringContaining(`witnesses are served from LIB ${lib} up to the head`) });
    expect(await shardAt(c, 0).witnessOf(0)).toMatchObject({ error: expect.stringContaining("witnesses are served from LIB") });
    expect(await shardAt(c, 0).witnessOf(head + 1)).toMatchObject({ error: expect.stringContaining("no state witness of height") });
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

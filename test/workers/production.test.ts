import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { blockHash, headerOf } from "../../src/block/index";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { base64Decode } from "../../src/codec/base64";
import { ed25519VerifySync } from "../../src/crypto/ed25519";
import type { Coordinator } from "../../durable-objects/coordinator";
import { newChain, stopAlarms, tick, until } from "./helpers";
import { makeTx, nowNs } from "./txs";

const DEV_WITNESS = "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b";

describe("genesis and block production", () => {
  test("genesis block 0 exists before any alarm; chain info answers", async () => {
    const c = newChain("genesis");
    const info = (await c.coord.chainInfo()) as Record<string, unknown>;
    expect(info.head_block).toBe("0");
    expect(info.lib_block).toBe("0");
    expect(info.chain_id).toBe(1020);
    expect(info.witness_list).toEqual([DEV_WITNESS]);
    const g = await c.coord.storedBlock(0);
    expect(g).toMatchObject({ number: 0, version: 0, parentHash: "", witness: "0", sign: null, txCount: 0 });
    expect(g!.hash).toBe(base58Encode(blockHash(headerOf(g!))));
    const view = await c.coord.getBlockByNumber(0);
    expect(view).toMatchObject({ status: "IRREVERSIBLE", block: { number: "0", version: "0", hash: g!.hash } });
  });

  test("alarms produce signed blocks that chain on their parent", async () => {
    const c = newChain("alarms");
    await tick(c, 2);
    const status = await c.coord.status();
    expect(status.head).toBe(2);
    expect(status.lib).toBe(2);
    expect(status.producing).toBeNull();
    const [g, b1, b2] = await Promise.all([0, 1, 2].map((n) => c.coord.storedBlock(n)));
    for (const [b, parent] of [[b1!, g!], [b2!, b1!]] as const) {
      const hash = blockHash(headerOf(b));
      expect(base58Encode(hash)).toBe(b.hash);
      expect(b.parentHash).toBe(parent.hash);
      expect(BigInt(b.time)).toBeGreaterThan(BigInt(parent.time));
      expect(b.witness).toBe(DEV_WITNESS);
      expect(b.sign!.algorithm).toBe(2);
      expect(base64Decode(b.sign!.pubkey)).toEqual(base58Decode(DEV_WITNESS));
      expect(ed25519VerifySync(base58Decode(b.witness), hash, base64Decode(b.sign!.sig))).toBe(true);
      const info = JSON.parse(b.info);
      expect(info.chunks).toHaveLength(1);
      expect(info.chunks[0].shard).toBe(0);
    }
    const shard = await c.shard.status();
    expect(shard).toMatchObject({ head: 2, lib: 2 });
    expect(await c.coord.getBlockByHash(b2!.hash)).toMatchObject({ status: "IRREVERSIBLE", block: { number: "2" } });
    expect(await c.coord.getBlockByNumber(3)).toEqual({ error: "block not found" });
  });

  test("wake() arms the alarm and the chain ticks on its own every interval", async () => {
    const c = newChain("wake");
    await c.coord.wake();
    const status = await until(() => c.coord.status(), (s) => s.head >= 2);
    await stopAlarms(c);
    expect(status.head).toBeGreaterThanOrEqual(2);
    await c.coord.wake(); // idempotent: arms one alarm
    await c.coord.wake();
    await stopAlarms(c);
  });

  test("concurrent production attempts build one block", async () => {
    const c = newChain("concurrent");
    const results = await runInDurableObject(c.coordStub, (obj) => {
      const inst = obj as unknown as Coordinator;
      return Promise.all([inst.produce(), inst.produce(), inst.produce()]);
    });
    expect(results).toEqual([true, true, true]);
    expect((await c.coord.status()).head).toBe(1);
  });

  test("a re-fired alarm resumes the recorded height and time; the shard's stored chunk is reused", async () => {
    const c = newChain("refire");
    await tick(c);
    const { hash, bytes } = makeTx();
    expect(await c.shard.submitTx(bytes, hash)).toEqual({ hash });
    const head = (await c.coord.storedBlock(1))!;
    // A previous attempt persisted its job and the shard built the chunk, then the object died.
    const time = (nowNs() + 1_000_000_000n).toString(); // after the tx time, before its expiration
    await runInDurableObject(c.coordStub, (_inst, state) => {
      state.storage.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES ('producing', ?)", JSON.stringify({ height: 2, time, witness: DEV_WITNESS }));
    });
    const first = await c.shard.buildChunk({ height: 2, time, parentHash: head.hash, witness: DEV_WITNESS, parentWitness: head.witness, parentTime: head.time });
    expect(first.txHashes).toEqual([expect.any(String), hash]); // the base tx, then the transfer
    await abortAllDurableObjects(); // new instances over the same storage
    await tick(c);
    const b2 = (await c.coord.storedBlock(2))!;
    expect(b2.time).toBe(time);
    expect(b2.txCount).toBe(2);
    expect(await c.shard.buildChunk({ height: 2, time: "1", parentHash: "", witness: "", parentWitness: "", parentTime: "0" })).toEqual(first);
    expect((await c.coord.status()).producing).toBeNull();
  });
});

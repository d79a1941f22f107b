/**
 * The shard's authenticated state (docs/STATE.md "Authenticated state", durable-objects/sql-store.ts):
 * `proof` answers at LIB, not at the head, against the root of LIB's chunk; after a revert the
 * tree's stored pages are exactly those a tree built from scratch over `state_kv` has.
 */
import { runInDurableObject } from "cloudflare:test";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, test } from "vitest";
import type { Chunk } from "../../durable-objects/api";
import { MAX_PROOF_DEPTH } from "../../durable-objects/config";
import { MemoryStore } from "../../src/state/memory-store";
import { verifyProof } from "../../src/state/proof";
import { PagedNodes, StateTree } from "../../src/state/tree";
import { newChain, transferChain } from "./helpers";
import { makeTx, nowNs } from "./txs";

describe("state proofs on a shard", () => {
  test("answered at LIB: the value and root of LIB's chunk, not the head's; verified; the pages match a fresh build", async () => {
    const c = newChain("proof");
    const times: bigint[] = [0n];
    const ctx = (h: number) => {
      times[h] = nowNs() > times[h - 1] ? nowNs() : times[h - 1] + 1_000_000n;
      return { height: h, time: times[h].toString(), parentHash: "", witness: "w", parentWitness: "w", parentTime: times[h - 1].toString() };
    };
    const chunks: Chunk[] = [(await c.shard.chunkAt(0))!];
    for (let h = 1; h <= 3; h++) {
      const t = makeTx({ amount: String(h), memo: `h${h}` });
      expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
      chunks[h] = await c.shard.buildChunk(ctx(h));
      expect(chunks[h].txHashes).toContain(t.hash);
    }
    // The head's balance in smallest units (getContractStorage answers at the last block whose hash the shard knows).
    const headValue = async () => String(Math.round(((await c.shard.read("getTokenBalance", "producer000", "iost")) as { balance: number }).balance * 1e8));

    // LIB is genesis: the proof is of genesis's value against genesis's root.
    const atGenesis = await c.shard.proof("token.iost", "TBproducer000", "iost");
    expect(atGenesis).toMatchObject({ key: "m-token.iost-TBproducer000-iost", state_root: chunks[0].stateRoot, block_number: "0", shard: 0 });
    expect(verifyProof(atGenesis.state_root, atGenesis.key, atGenesis.value, atGenesis.proof)).toBe(true);

    await c.shard.finalize(2, "H2");
    const at2 = await c.shard.proof("token.iost", "TBproducer000", "iost");
    expect(at2).toMatchObject({ state_root: chunks[2].stateRoot, block_number: "2", block_hash: "H2" });
    expect(verifyProof(at2.state_root, at2.key, at2.value, at2.proof)).toBe(true);
    expect(verifyProof(chunks[3].stateRoot, at2.key, at2.value, at2.proof)).toBe(false);
    expect(at2.value).not.toBe(atGenesis.value);
    // The head (height 3) holds more: its value is not LIB's.
    expect(at2.value!.slice(1, at2.value!.lastIndexOf("@"))).not.toBe(await headValue());
    const absent = await c.shard.proof("token.iost", "TBnobody", "iost");
    expect(absent.value).toBeNull();
    expect(verifyProof(absent.state_root, absent.key, null, absent.proof)).toBe(true);

    // A revert to LIB writes state_kv and the pages whole: both as a tree built from scratch has them.
    expect(await c.shard.revertTo(2)).toEqual({ head: 2 });
    const stored = await runInDurableObject(c.shardRaw, (_obj, state) => {
      const sql = state.storage.sql;
      const kv = sql.exec<{ key: string; value: string }>("SELECT key, value FROM state_kv ORDER BY key").toArray();
      const pages = sql.exec<{ key: string; value: string }>("SELECT key, value FROM state_nodes ORDER BY key").toArray();
      return { kv: kv.map((r) => [r.key, r.value] as const), pages: pages.map((r) => [r.key, r.value]) };
    });
    const fresh = new MemoryStore();
    const root = new StateTree(new PagedNodes(fresh)).update(stored.kv);
    expect(bytesToHex(root)).toBe(chunks[2].stateRoot);
    expect(stored.pages).toEqual(fresh.keys().map((k) => [k, fresh.get(k)]));
  });

  test("proofs (a peer's read, workers/lib/peer-read.ts): several keys at a final height at or below LIB, never above", async () => {
    const { c, chunks } = await transferChain("proofs", 3);
    await c.shard.finalize(3, "H3");
    const keys = ["m-token.iost-TBproducer000-iost", "m-token.iost-TBnobody-iost"];
    const values: (string | null)[] = [];
    for (const h of [1, 2, 3]) {
      const got = await c.shard.proofs(keys, h);
      if ("error" in got) throw new Error(got.error);
      expect(got).toMatchObject({ shard: 0, block_number: String(h), state_root: chunks[h].stateRoot });
      for (const p of got.proofs) expect(verifyProof(chunks[h].stateRoot, p.key, p.value, p.proof)).toBe(true);
      expect(got.proofs.map((p) => p.key)).toEqual(keys);
      expect(got.proofs[1].value).toBeNull();
      values.push(got.proofs[0].value);
      // Another height's root does not verify this one's value.
      expect(verifyProof(chunks[h === 3 ? 2 : h + 1].stateRoot, keys[0], got.proofs[0].value, got.proofs[0].proof)).toBe(false);
    }
    expect(new Set(values).size).toBe(3); // each height its own balance
    expect(await c.shard.proofs(keys)).toMatchObject({ block_number: "3" }); // default: LIB
    expect(await c.shard.proofs(keys, 4)).toEqual({ error: "block 4 is not final on this node (LIB 3)" });
    expect(await c.shard.proofs(keys, -1)).toEqual({ error: "invalid height -1" });
  });

  test("proofs: not deeper than MAX_PROOF_DEPTH below LIB (the undo data of every height above is read)", async () => {
    const c = newChain("proofs-depth");
    let time = 0n;
    for (let h = 1; h <= MAX_PROOF_DEPTH + 2; h++) {
      const prev = time;
      time = nowNs() > prev ? nowNs() : prev + 1_000_000n;
      await c.shard.buildChunk({ height: h, time: time.toString(), parentHash: "", witness: "w", parentWitness: "w", parentTime: prev.toString() });
    }
    const lib = MAX_PROOF_DEPTH + 2;
    await c.shard.finalize(lib, "HL");
    const keys = ["m-token.iost-TBproducer000-iost"];
    expect(await c.shard.proofs(keys, lib - MAX_PROOF_DEPTH)).toMatchObject({ block_number: String(lib - MAX_PROOF_DEPTH) });
    expect(await c.shard.proofs(keys, lib - MAX_PROOF_DEPTH - 1)).toEqual({ error: `block 1 is too far below LIB ${lib} to prove` });
  });
});

/**
 * Four dev producers on one node (project workerd-rotation: GENESIS_PRODUCERS
 * "4", as wrangler.toml's devnet): producers take turns by slot, a node holding
 * only some keys leaves the others' slots empty, Validators never sign two
 * hashes for one height, a resumed production builds its height once, and LIB
 * follows IOST's ⌊2n/3⌋+1 rule.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { assembleHeader, blockHash, headerOf, type StoredBlock } from "../../src/block/index";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { base64Decode } from "../../src/codec/base64";
import { ed25519VerifySync } from "../../src/crypto/ed25519";
import { slotOf, slotOwner } from "../../src/consensus/schedule";
import { devConsensus } from "../../src/genesis/index";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { nodeConfig, validatorName, validatorStub } from "../../durable-objects/env";
import { alarmAt, footprint, newChain, nodeEnv, setProduction, stopAlarms, tick, until } from "./helpers";
import { makeTx } from "./txs";

const P = devConsensus(4);
const KEYS = DEV_PRODUCERS.map((p) => p.pubkey);
const LIST = [...KEYS].sort();

type Chain = ReturnType<typeof newChain>;

async function blocks(c: Chain, from: number, to: number): Promise<StoredBlock[]> {
  return Promise.all(Array.from({ length: to - from + 1 }, (_, i) => c.coord.storedBlock(from + i).then((b) => b!)));
}

/** Makes the coordinator instance hold only `keys` (as a node whose PRODUCER_SECRET lists them). */
async function holdOnly(c: Chain, keys: string[]): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as { held: Set<string> }).held = new Set(keys);
  });
}

function validator(c: Chain, pubkey: string) {
  return validatorStub(nodeEnv, validatorName(`${c.id}:coordinator`, pubkey));
}

describe("producer rotation with four genesis producers", () => {
  test("the node holds four validators; chain info lists the genesis witnesses", async () => {
    expect(nodeConfig(nodeEnv).genesis.producers.length).toBe(4);
    const c = newChain("rot-info");
    const info = (await c.coord.chainInfo()) as Record<string, unknown>;
    expect(info.witness_list).toEqual(LIST);
    expect(info.pending_witness_list).toEqual(LIST);
    expect(info.lib_witness_list).toEqual(LIST);
    expect((await c.coord.status()).validators).toEqual([...KEYS].sort());
  });

  test("witnesses take turns by slot, each block signed by its own key; LIB one block behind by endorsements", async () => {
    const c = newChain("rot-turns");
    expect(await c.coord.mine(8)).toMatchObject({ head_block: "8" });
    const chain = await blocks(c, 1, 8);
    for (const [i, b] of chain.entries()) {
      expect(b.witness).toBe(slotOwner(LIST, BigInt(b.time), P));
      if (i > 0) expect(slotOf(BigInt(b.time), P)).toBe(slotOf(BigInt(chain[i - 1].time), P) + 1n); // every slot used
      const hash = blockHash(headerOf(b));
      expect(base64Decode(b.sign!.pubkey)).toEqual(base58Decode(b.witness));
      expect(ed25519VerifySync(base58Decode(b.witness), hash, base64Decode(b.sign!.sig))).toBe(true);
    }
    for (let i = 0; i + 4 <= chain.length; i++) expect(new Set(chain.slice(i, i + 4).map((b) => b.witness)).size).toBe(4);
    // IOST's rule alone would stop at 6 (blocks 6, 7, 8: three distinct witnesses, confirmLimit 3);
    // the four held validators' endorsements finalize 7 once 8 certifies it (docs/FINALITY.md).
    expect(await c.coord.status()).toMatchObject({ head: 8, lib: 7 });
    expect(await c.shard.status()).toMatchObject({ head: 8, lib: 7 });
    expect(await c.coord.getBlockByNumber(7)).toMatchObject({ status: "IRREVERSIBLE" });
    expect(await c.coord.getBlockByNumber(8)).toMatchObject({ status: "PENDING" });
    const info = (await c.coord.chainInfo()) as Record<string, unknown>;
    expect(info).toMatchObject({ head_block: "8", lib_block: "7", lib_block_hash: chain[6].hash });
  });

  test("a node holding two of the four keys leaves the other slots empty and finalizes nothing", async () => {
    const c = newChain("rot-some");
    const mine = [LIST[0], LIST[2]];
    await holdOnly(c, mine);
    await c.coord.mine(6);
    const chain = await blocks(c, 0, 6);
    for (let i = 1; i < chain.length; i++) {
      const b = chain[i];
      expect(mine).toContain(b.witness);
      expect(b.witness).toBe(slotOwner(LIST, BigInt(b.time), P));
      // Every slot between two blocks belonged to a key this node does not hold: missed.
      const from = i === 1 ? slotOf(BigInt(b.time), P) : slotOf(BigInt(chain[i - 1].time), P) + 1n;
      for (let s = from; s < slotOf(BigInt(b.time), P); s++) expect(mine).not.toContain(slotOwner(LIST, s * 500_000_000n, P));
    }
    expect(new Set(chain.slice(1).map((b) => b.witness)).size).toBe(2);
    // Two distinct witnesses never reach confirmLimit 3: nothing after genesis is final.
    expect(await c.coord.status()).toMatchObject({ head: 6, lib: 0 });
    expect(await c.coord.getBlockByNumber(1)).toMatchObject({ status: "PENDING" });
  });

  test("a node holding no scheduled key refuses /dev/mine and its alarm idles", async () => {
    const c = newChain("rot-none");
    await holdOnly(c, [base58Encode(new Uint8Array(32).fill(1))]);
    expect(await c.coord.mine(1)).toEqual({ error: "this node holds no producer key scheduled in the witness list" });
    expect((await c.coord.status()).head).toBe(0);
  });

  test("in interval mode the alarm sleeps until the held key's slot", async () => {
    const c = newChain("rot-alarm");
    await c.coord.status(); // genesis
    await holdOnly(c, [LIST[1]]);
    await c.coord.wake();
    const status = await until(
      () => c.coord.status(),
      (s) => s.head >= 2,
      15_000,
    );
    await stopAlarms(c);
    expect(status.head).toBeGreaterThanOrEqual(2);
    const chain = await blocks(c, 1, 2);
    for (const b of chain) expect(b.witness).toBe(LIST[1]);
    // Its slots come every fourth slot: the three between belong to the others.
    expect(slotOf(BigInt(chain[1].time), P) - slotOf(BigInt(chain[0].time), P)).toBe(4n);
  });

  test("a Validator signs only as its key, once per height and turn: the same hash again gets the same signature", async () => {
    const c = newChain("rot-validator");
    await c.coord.mine(2);
    const b2 = (await c.coord.storedBlock(2))!;
    const v = validator(c, b2.witness);
    expect(await v.pubkey()).toBe(b2.witness);
    expect(await v.signedAt(2)).toBe(b2.hash);
    const again = await v.signBlock(2, b2.hash, b2.witness, b2.time);
    expect("signature" in again && base58Decode(again.signature)).toEqual(base64Decode(b2.sign!.sig));
    const other = base58Encode(new Uint8Array(32).fill(7));
    expect(await v.signBlock(2, other, b2.witness, b2.time)).toEqual({ error: `double sign refused: height 2 already signed for block ${b2.hash}` });
    const notMine = KEYS.find((k) => k !== b2.witness)!;
    expect(await v.signBlock(3, other, notMine, b2.time)).toEqual({ error: `validator ${b2.witness} does not sign for witness ${notMine}` });
    expect(await v.signBlock(3, "xyz0", b2.witness, b2.time)).toMatchObject({ error: expect.stringContaining("invalid block hash") });
    expect(await v.signedAt(3)).toBeNull(); // refusals sign nothing
    // Height 2 in an earlier turn: refused; in a later turn (its block lost a fork race): signed, and that turn is now the one kept.
    expect(await v.signBlock(2, other, b2.witness, String(BigInt(b2.time) - 1n))).toMatchObject({ error: expect.stringContaining("double sign refused") });
    const later = String(BigInt(b2.time) + 3_000_000_000n);
    expect(await v.signBlock(2, other, b2.witness, later)).toHaveProperty("signature");
    expect(await v.signedAt(2)).toBe(other);
    expect(await v.signBlock(2, b2.hash, b2.witness, later)).toEqual({ error: `double sign refused: height 2 already signed for block ${other}` });
    // A Validator for a key the node has no secret of signs nothing.
    const stranger = validator(c, base58Encode(new Uint8Array(32).fill(1)));
    expect(await stranger.pubkey()).toBeNull();
  });

  test("a production that crashed after signing resumes with the same height, time, witness and signature", async () => {
    const c = newChain("rot-resume");
    await c.coord.mine(1);
    const head = (await c.coord.storedBlock(1))!;
    // The job of height 2, persisted as a production would before asking anyone.
    const time = BigInt(head.time) + 500_000_000n;
    const witness = slotOwner(LIST, time, P);
    await runInDurableObject(c.coordStub, (_inst, state) => {
      state.storage.sql.exec(
        "INSERT INTO coordinator_meta (key, value) VALUES ('producing', ?)",
        JSON.stringify({ height: 2, time: time.toString(), witness }),
      );
    });
    // The shard built its chunk and the validator signed; then the coordinator died before storing the block.
    const ctx = { height: 2, time: time.toString(), parentHash: head.hash, witness, parentWitness: head.witness, parentTime: head.time };
    const chunk = await c.shard.buildChunk(ctx);
    const hash = base58Encode(blockHash(assembleHeader({ version: 1, number: 2, parentHash: head.hash, witness, time, chunks: [chunk] })));
    const signed = await validator(c, witness).signBlock(2, hash, witness, time.toString());
    expect(signed).toHaveProperty("signature");
    await abortAllDurableObjects();
    await tick(c);
    const b2 = (await c.coord.storedBlock(2))!;
    expect(b2).toMatchObject({ number: 2, hash, witness, time: time.toString() });
    expect("signature" in signed && base58Decode(signed.signature)).toEqual(base64Decode(b2.sign!.sig));
    expect(await c.shard.buildChunk({ ...ctx, time: "1" })).toEqual(chunk); // built once
    expect((await c.coord.status()).producing).toBeNull();
    expect((await c.coord.status()).head).toBe(2);
  });
});

describe("idle without cost, four producers on one node", () => {
  /** Submits a transfer as intake does (pool, then wake) and waits until LIB reaches its block; that block. */
  async function transferFinal(c: Chain): Promise<number> {
    const t = makeTx();
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    const from = (await c.coord.status()).head;
    await c.coord.wake();
    await until(
      () => c.coord.status(),
      (s) => s.head > from,
    );
    const txBlock = from + 1;
    expect((await c.coord.storedBlock(txBlock))!.txCount).toBe(2);
    const s = await until(
      () => c.coord.status(),
      (x) => x.lib >= txBlock,
    );
    expect(s.lib).toBeGreaterThanOrEqual(txBlock);
    return txBlock;
  }

  const rested = (c: Chain) =>
    until(
      () => alarmAt(c),
      (at) => at !== null && at > Date.now() + 60_000,
    );

  test("on-demand: idle makes no block and writes no row; a transfer is final, the producers make only the blocks finality needs, then rest; idle slots are not missed", async () => {
    const c = newChain("idle-4");
    await setProduction(c, "on-demand");
    await c.coord.wake();
    await rested(c); // after the heartbeat owed since genesis
    const validators = KEYS.map((k) => validator(c, k) as unknown as DurableObjectStub);
    const before = await footprint(c, validators);
    expect(before.head).toBe(1);
    await new Promise((r) => setTimeout(r, 3_000)); // six slots, each of a held key
    expect(await footprint(c, validators)).toEqual(before);

    const txBlock = await transferFinal(c);
    expect(txBlock).toBe(2);
    await rested(c);
    const s = await c.coord.status();
    // Block 3 certifies-and-finalizes 2 with four local endorsements; nothing after that is needed.
    expect(s.head).toBeLessThanOrEqual(txBlock + 2);
    expect(s.lib).toBeGreaterThanOrEqual(txBlock);
    const rest = await footprint(c, validators);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await footprint(c, validators)).toEqual(rest);
    await stopAlarms(c);

    // The slots between block 1 and the transfer's block (seconds of them) were idle, not missed:
    // with a heartbeat only slots past the heartbeat's deadline count (docs/POB.md).
    const b1 = (await c.coord.storedBlock(1))!;
    const b2 = (await c.coord.storedBlock(2))!;
    expect(slotOf(BigInt(b2.time), P) - slotOf(BigInt(b1.time), P)).toBeGreaterThan(4n);
    const missed = await c.shard.read("getContractStorage", "base.iost", "witness_missed", "");
    expect(missed).toMatchObject({ data: "{}" });
  });

  test("on-tx: one transfer on a chain of four producers ends with LIB at its block or later, with no further tx", async () => {
    const c = newChain("on-tx-4");
    await setProduction(c, "on-tx");
    const txBlock = await transferFinal(c);
    expect(txBlock).toBe(1);
    await until(
      () => alarmAt(c),
      (at) => at === null,
    );
    expect((await c.coord.status()).head).toBeLessThanOrEqual(txBlock + 2);
  });
});

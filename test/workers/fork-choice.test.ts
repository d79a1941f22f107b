/**
 * Fork choice by certificate (docs/FINALITY.md "What the integration must do",
 * item 1), with four genesis producers (project workerd-rotation): chains A and
 * C build competing branches X and Y on a common block 1; keyless node B holds
 * the longer Y as head. Peers' endorsements (signed with the public dev keys)
 * that certify a block of the shorter X make B reorganize onto X; a longer
 * branch without a higher certificate then no longer wins; a higher
 * certificate on Y brings B back to Y's best tip; nothing at or below LIB is
 * ever reverted.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { CoordinatorStatus } from "../../durable-objects/api";
import { nodeConfig } from "../../durable-objects/env";
import type { PeerStatus } from "../../durable-objects/api";
import type { StoredBlock } from "../../src/block/block";
import type { PeerBlock } from "../../src/block/wire";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { signEndorsement, type BlockRef } from "../../src/consensus/endorse";
import { slotNs, slotOwner } from "../../src/consensus/schedule";
import { ed25519PublicKey, ed25519SecretKey } from "../../src/crypto/ed25519";
import { devConsensus } from "../../src/genesis/index";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { forged } from "./forge";
import { newChain, nodeEnv } from "./helpers";
import { makeTx } from "./txs";

const LIST = DEV_PRODUCERS.map((p) => p.pubkey).sort();
const CHAIN = nodeConfig(nodeEnv).chainId;
const secretOf = (pubkey: string) => base58Decode(DEV_PRODUCERS.find((p) => p.pubkey === pubkey)!.secret);

type Chain = ReturnType<typeof newChain>;
interface Node {
  peerBlocks(from: number, count: number): Promise<PeerBlock[]>;
  receiveBlock(json: unknown, from: string): Promise<{ result: string } | { error: string }>;
  receiveEndorsement(e: unknown): Promise<{ result: string; final: number } | { error: string }>;
  p2pStatus(): Promise<PeerStatus>;
  status(): Promise<CoordinatorStatus>;
  storedBlock(n: number): Promise<StoredBlock | null>;
  mine(n: number): Promise<unknown>;
}
const node = (c: Chain): Node => c.coord as unknown as Node;

async function keyless(c: Chain): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as { held: Set<string> }).held = new Set();
  });
}

async function receive(to: Chain, blocks: PeerBlock[], from: string): Promise<string[]> {
  const out: string[] = [];
  for (const b of blocks) {
    const r = await node(to).receiveBlock(b, from);
    out.push("result" in r ? r.result : `error: ${r.error}`);
  }
  return out;
}

/** `producer`'s signed endorsement of block `b` relying on `justify` (a peer holding that key). */
function endorse(b: PeerBlock, justify: BlockRef, producer: string) {
  const x = b.block;
  return signEndorsement(CHAIN, { height: x.number, hash: x.hash, parent: x.parentHash, justify, producer }, secretOf(producer));
}

/** B's head is `tip` and its state is the state `owner` has at that head. */
async function onTip(b: Chain, tip: PeerBlock, owner: Chain): Promise<void> {
  expect(await node(b).p2pStatus()).toMatchObject({ head: tip.block.number, head_hash: tip.block.hash });
  expect((await node(owner).p2pStatus()).head_hash).toBe(tip.block.hash);
  expect((await b.shard.status()).stateRoot).toBe((await owner.shard.status()).stateRoot);
}

describe("fork choice prefers the highest certificate", () => {
  test("a certificate on the shorter branch wins; longer branches without one do not; never at or below LIB", async () => {
    const a = newChain("fc-a");
    const c = newChain("fc-c");
    const b = newChain("fc-b");
    await keyless(b);
    const genesis: BlockRef = { height: 0, hash: (await node(b).storedBlock(0))!.hash };

    // Common block 1, from A.
    await node(a).mine(1);
    const [common] = await node(a).peerBlocks(1, 1);
    expect(await receive(c, [common], "A")).toEqual(["adopted"]);
    expect(await receive(b, [common], "A")).toEqual(["adopted"]);

    // X: A's branch (a transfer makes it differ from C's); Y: C's, one block longer.
    const t = makeTx({ amount: "7", to: "producer001" });
    expect(await a.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await node(a).mine(1);
    await node(c).mine(2);
    const [x2] = await node(a).peerBlocks(2, 1);
    const [y2, y3] = await node(c).peerBlocks(2, 2);
    expect(x2.block.hash).not.toBe(y2.block.hash);

    expect(await receive(b, [y2, y3], "C")).toEqual(["adopted", "adopted"]);
    expect(await receive(b, [x2], "A")).toEqual(["side"]); // shorter, and no certificate yet
    await onTip(b, y3, c);
    const lib0 = (await node(b).status()).lib;
    expect(lib0).toBeLessThanOrEqual(1); // the fork point at 1 is not below LIB
    const kept = await node(b).storedBlock(1);

    // Endorsements of X2 from 3 of 4 producers: the third certifies it and B moves to X.
    for (const [i, p] of LIST.slice(0, 3).entries()) {
      expect(await node(b).receiveEndorsement(await endorse(x2, genesis, p))).toEqual({ result: "counted", final: 0 });
      if (i < 2) await onTip(b, y3, c);
    }
    expect((await node(b).status()).finality).toMatchObject({ certified: 2, conflicts: 0 });
    await onTip(b, x2, a);

    // Y grows longer without a higher certificate: it stays a side branch. X grows: adopted.
    await node(c).mine(1);
    const [y4] = await node(c).peerBlocks(4, 1);
    expect(await receive(b, [y4], "C")).toEqual(["side"]);
    await onTip(b, x2, a);
    await node(a).mine(1);
    const [x3] = await node(a).peerBlocks(3, 1);
    expect(await receive(b, [x3], "A")).toEqual(["adopted"]);
    await onTip(b, x3, a);
    expect(await node(b).storedBlock(1)).toEqual(kept);

    // A higher certificate on Y (Y3, height 3): B goes back to Y's best tip, Y4.
    for (const p of LIST.slice(0, 3)) expect(await node(b).receiveEndorsement(await endorse(y3, genesis, p))).toEqual({ result: "counted", final: 0 });
    await onTip(b, y4, c);
    expect(await node(b).storedBlock(1)).toEqual(kept);

    // Y4 endorsed relying on Y3 finalizes Y3: LIB 3. X's blocks fork below it and never come back.
    const ry3: BlockRef = { height: 3, hash: y3.block.hash };
    const answers = [];
    for (const p of LIST.slice(0, 3)) answers.push(await node(b).receiveEndorsement(await endorse(y4, ry3, p)));
    expect(answers.at(-1)).toEqual({ result: "final", final: 3 });
    expect((await node(b).status()).lib).toBe(3);
    const final = await Promise.all([1, 2, 3].map((n) => node(b).storedBlock(n)));
    await node(a).mine(2);
    const [x4, x5] = await node(a).peerBlocks(4, 2);
    const results = await receive(b, [x4, x5], "A");
    for (const r of results) expect(r).toMatch(/^side$|^orphan$|^error: .*irreversible/);
    // X4 is off the final block: the tracker does not link it, so endorsements of it never move B.
    await node(b).receiveEndorsement(await endorse(x4, { height: 1, hash: common.block.hash }, LIST[3]));
    await onTip(b, y4, c);
    expect((await node(b).status()).lib).toBe(3);
    expect(await Promise.all([1, 2, 3].map((n) => node(b).storedBlock(n)))).toEqual(final);
  });
});

describe("a side block's witness list (issue 12 item 4)", () => {
  test("a producer-signed fork block naming witnesses [K], then blocks and endorsements by K alone: nothing certified, nothing final", async () => {
    const a = newChain("wl-a");
    const b = newChain("wl-b");
    await keyless(b);
    // A makes blocks with two of the four keys: IOST's rule finalizes nothing, so a fork at 3 is above LIB.
    await runInDurableObject(a.coordStub, (inst) => {
      (inst as unknown as { held: Set<string> }).held = new Set(LIST.slice(0, 2));
    });
    await node(a).mine(6);
    const main = await node(a).peerBlocks(1, 6);
    expect(await receive(b, main, "A")).toEqual(Array(6).fill("adopted"));
    const before = await node(b).status();
    expect(before.lib).toBe(0);

    // K: a key in no list. F forks at 3 from block 2, made and signed by the genuine owner of its slot,
    // later than A's block 3 (so B does not reorganize onto it and execute it), naming [K] for its children.
    const k = ed25519SecretKey(new Uint8Array(32).fill(7));
    const kPub = base58Encode(ed25519PublicKey(k));
    const sched = devConsensus(4);
    const slot = slotNs(sched);
    const t3 = BigInt(main[2].block.time) + slot;
    const f3 = forged(main[1].block, t3, secretOf(slotOwner(LIST, t3, sched)), [kPub]);
    const g4 = forged(f3.block, t3 + slot, k, [kPub]);
    const g5 = forged(g4.block, t3 + 2n * slot, k, [kPub]);
    expect(await receive(b, [f3, g4, g5], "mallory")).toEqual(["side", "side", "side"]);

    // K endorses G4 and G5 (relying on G4): under a list of one, that would certify G4 and make it final.
    const genesis: BlockRef = { height: 0, hash: (await node(b).storedBlock(0))!.hash };
    const e4 = await node(b).receiveEndorsement(
      await signEndorsement(CHAIN, { height: 4, hash: g4.block.hash, parent: f3.block.hash, justify: genesis, producer: kPub }, k),
    );
    const e5 = await node(b).receiveEndorsement(
      await signEndorsement(CHAIN, { height: 5, hash: g5.block.hash, parent: g4.block.hash, justify: { height: 4, hash: g4.block.hash }, producer: kPub }, k),
    );
    expect(e4).toEqual({ error: expect.stringContaining(`producer ${kPub} is not in the current or pending witness list`) });
    expect(e5).toEqual({ error: expect.stringContaining(`producer ${kPub} is not in the current or pending witness list`) });

    const after = await node(b).status();
    expect(after.finality).toEqual(before.finality);
    expect(after.lib).toBe(before.lib);
    expect(after.head).toBe(6);
    expect((await node(b).p2pStatus()).head_hash).toBe(main[5].block.hash);
    expect(after.sync?.sideBlocks).toBe(3); // kept: a reorg would execute them, and F's chunk would fail
  });
});

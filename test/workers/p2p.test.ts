/**
 * Issue #7, the coordinator's part of syncing: chains side by side in one
 * workerd (`<a>:coordinator`, `<b>:coordinator`, …), chain B holding no
 * producer key. B adopts A's blocks with equal state, rejects tampered ones
 * with a logged reason and no change, and between forks adopts the preferred
 * branch, reorganizing its shards above LIB (never at or below it).
 * Runs with four genesis producers (vitest.config.ts), so LIB trails the head.
 */
import { runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { CoordinatorStatus } from "../../durable-objects/api";
import type { Rejection } from "../../durable-objects/chain-sync";
import type { PeerStatus } from "../../durable-objects/peers";
import { assembleHeader, signatureOf, storedBlock } from "../../src/block/block";
import { blockHash } from "../../src/block/header";
import type { PeerBlock } from "../../src/block/wire";
import { base58Decode } from "../../src/codec/base58";
import { ed25519PublicKey, ed25519Sign } from "../../src/crypto/ed25519";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { ED25519 } from "../../src/tx/types";
import { newChain } from "./helpers";
import { makeTx } from "./txs";

type Chain = ReturnType<typeof newChain>;

interface P2p {
  peerBlocks(from: number, count: number): Promise<PeerBlock[]>;
  receiveBlock(json: unknown, from: string): Promise<{ result: string } | { error: string }>;
  p2pStatus(): Promise<PeerStatus>;
  status(): Promise<CoordinatorStatus & { sync: { rejected: Rejection[]; sideBlocks: number } }>;
  mine(n: number): Promise<unknown>;
}

const p2p = (c: Chain): P2p => c.coord as unknown as P2p;

/** Test-only: the chain's coordinator instance forgets its producer keys (every chain of a test shares one env). */
async function keyless(c: Chain): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as { held: Set<string> }).held = new Set();
  });
  expect((await p2p(c).status()).validators).toEqual([]);
}

async function send(c: Chain, ...txs: ReturnType<typeof makeTx>[]): Promise<void> {
  for (const t of txs) expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
}

async function receiveAll(to: Chain, blocks: PeerBlock[], from: string): Promise<string[]> {
  const out: string[] = [];
  for (const b of blocks) {
    const r = await p2p(to).receiveBlock(b, from);
    out.push("result" in r ? r.result : `error: ${r.error}`);
  }
  return out;
}

const balance = async (c: Chain, who: string) => ((await c.shard.getTokenBalance(who, "iost", true)) as { balance: number }).balance;

/** A copy of `pb` with its chunks edited, the header rebuilt over them and signed again with the witness's (public, dev) key. */
function resigned(pb: PeerBlock, edit: (chunks: PeerBlock["chunks"]) => void): PeerBlock {
  const copy = JSON.parse(JSON.stringify(pb)) as PeerBlock;
  edit(copy.chunks);
  const b = copy.block;
  const chunks = copy.chunks.map((c) => c.chunk);
  const header = assembleHeader({ version: b.version, number: b.number, parentHash: b.parentHash, witness: b.witness, time: BigInt(b.time), chunks });
  const secret = base58Decode(DEV_PRODUCERS.find((p) => p.pubkey === b.witness)!.secret);
  const sign = signatureOf(ED25519, ed25519Sign(secret, blockHash(header)), ed25519PublicKey(secret));
  return { block: { ...storedBlock(header, chunks, sign), witnesses: b.witnesses }, chunks: copy.chunks };
}

/** Same head block and state. (LIB may differ: x's own validators endorse its blocks, and endorsements are not passed here.) */
async function sameState(x: Chain, y: Chain): Promise<void> {
  const [sx, sy] = await Promise.all([p2p(x).p2pStatus(), p2p(y).p2pStatus()]);
  expect({ ...sy, lib: 0, lib_hash: "" }).toEqual({ ...sx, lib: 0, lib_hash: "" });
  expect(sy.lib).toBeLessThanOrEqual(sy.head);
  expect((await y.shard.status()).stateRoot).toBe((await x.shard.status()).stateRoot);
  for (let n = 1; n <= sx.head; n++) {
    expect(await y.coord.storedBlock(n)).toEqual(await x.coord.storedBlock(n));
    expect(await y.shard.chunkAt(n)).toEqual(await x.shard.chunkAt(n));
  }
}

describe("adopting a peer's blocks", () => {
  test("B, holding no key, adopts A's blocks: same blocks, head, state root and balances; its LIB by IOST's rule", async () => {
    const a = newChain("p2p-a");
    const b = newChain("p2p-b");
    await keyless(b);
    await send(a, makeTx({ amount: "3" }), makeTx({ amount: "4", to: "producer001" }));
    await p2p(a).mine(1);
    await send(a, makeTx({ amount: "5", to: "producer002" }));
    await p2p(a).mine(3);
    const blocks = await p2p(a).peerBlocks(1, 50);
    expect(blocks.map((x) => x.block.number)).toEqual([1, 2, 3, 4]);
    expect(blocks[0].chunks[0].txs.length).toBeGreaterThanOrEqual(3); // base tx + two transfers
    expect(await receiveAll(b, blocks, "A")).toEqual(["adopted", "adopted", "adopted", "adopted"]);
    await sameState(a, b);
    // Without endorsements B finalizes by IOST's rule: 3 of 4 producers built on block 1 and on block 2.
    expect((await b.coord.status()).lib).toBe(2);
    for (const who of ["admin", "producer000", "producer001", "producer002"]) expect(await balance(b, who)).toBe(await balance(a, who));
    // Known blocks change nothing.
    expect(await receiveAll(b, blocks.slice(2), "A")).toEqual(["known", "known"]);
    // Out of order: block 6 before 5 waits as an orphan, then both are adopted.
    await p2p(a).mine(2);
    const [b5, b6] = await p2p(a).peerBlocks(5, 2);
    expect(await receiveAll(b, [b6, b5], "A")).toEqual(["orphan", "adopted"]);
    await sameState(a, b);
  });

  test("tampered or malformed blocks are rejected with a logged reason and B is unchanged", async () => {
    const a = newChain("tamper-a");
    const b = newChain("tamper-b");
    await keyless(b);
    await send(a, makeTx({ amount: "3" }));
    await p2p(a).mine(2);
    await send(a, makeTx({ amount: "6", to: "producer001" }));
    await p2p(a).mine(1);
    const [b1, b2, b3] = await p2p(a).peerBlocks(1, 3);
    expect(await receiveAll(b, [b1, b2], "A")).toEqual(["adopted", "adopted"]);
    const before = { status: await p2p(b).p2pStatus(), root: (await b.shard.status()).stateRoot, pool: await b.shard.poolSize() };

    const cases: [unknown, RegExp][] = [
      // Header and signature are fine, the state root is not what B's re-execution gives.
      [resigned(b3, (c) => (c[0].chunk.stateRoot = "00".repeat(32))), /shard 0: .*stateRoot differs/],
      // A receipt claimed that B's execution does not produce.
      [resigned(b3, (c) => (c[0].chunk.receiptHashes[1] = c[0].chunk.txHashes[0])), /shard 0: .*receiptHashes differs/],
      // Signed by someone else's key over the right hash.
      [{ ...b3, block: { ...b3.block, sign: b1.block.sign } }, /bad witness signature|signed by/],
      // The header does not match its chunks.
      [{ ...b3, block: { ...b3.block, txCount: b3.block.txCount + 1 } }, /invalid peer block: block\.txCount/],
      [{ block: {}, chunks: [] }, /invalid peer block: block: missing field number/],
    ];
    for (const [bad, reason] of cases) {
      const r = await p2p(b).receiveBlock(bad, "mallory");
      expect(r).toMatchObject({ error: expect.stringMatching(reason) });
      expect(await p2p(b).p2pStatus()).toEqual(before.status);
      expect((await b.shard.status()).stateRoot).toBe(before.root);
      expect(await b.shard.poolSize()).toBe(before.pool);
    }
    const rejected = (await p2p(b).status()).sync.rejected;
    expect(rejected).toHaveLength(cases.length);
    expect(rejected[0]).toMatchObject({ number: 3, from: "mallory", reason: expect.stringMatching(/stateRoot differs/) });
    // The genuine block still goes through.
    expect(await receiveAll(b, [b3], "A")).toEqual(["adopted"]);
    await sameState(a, b);
  });
});

describe("forks", () => {
  test("B follows the preferred branch, reorganizing its shards; a failing branch leaves it on the old one; never below LIB", async () => {
    const a = newChain("fork-a");
    const c = newChain("fork-c");
    const b = newChain("fork-b");
    await keyless(b);
    await send(a, makeTx({ amount: "7", to: "producer001" }));
    await p2p(a).mine(2);
    // C's blocks come in later slots than A's: between equal heights A's head is the earlier, preferred one.
    await new Promise((r) => setTimeout(r, 1_100));
    await send(c, makeTx({ amount: "9", to: "producer002" }));
    await p2p(c).mine(3);
    const fromA = await p2p(a).peerBlocks(1, 2);
    const fromC = await p2p(c).peerBlocks(1, 3);

    expect(await receiveAll(b, fromA, "A")).toEqual(["adopted", "adopted"]);
    expect((await b.coord.status()).lib).toBe(0); // two of four producers: nothing final yet
    expect(await balance(b, "producer001")).toBe(await balance(a, "producer001"));

    // C's first two blocks: a side branch, not preferred (same height, later head).
    expect(await receiveAll(b, fromC.slice(0, 2), "C")).toEqual(["side", "side"]);
    expect((await p2p(b).p2pStatus()).head_hash).toBe(fromA[1].block.hash);

    // A tampered third block makes C's branch longer, but it fails to apply: B goes back to A's branch.
    const bad = resigned(fromC[2], (ch) => (ch[0].chunk.stateRoot = "11".repeat(32)));
    expect(await p2p(b).receiveBlock(bad, "C")).toEqual({ error: expect.stringMatching(/stateRoot differs/) });
    await sameState(a, b);
    expect((await p2p(b).status()).sync.rejected.at(-1)).toMatchObject({ number: 3, hash: bad.block.hash, reason: expect.stringMatching(/stateRoot differs/) });

    // The genuine one: B reorganizes onto C's branch; balances follow it.
    expect(await receiveAll(b, [fromC[2]], "C")).toEqual(["reorg"]);
    await sameState(c, b);
    for (const who of ["admin", "producer001", "producer002"]) expect(await balance(b, who)).toBe(await balance(c, who));
    expect(await balance(b, "producer001")).not.toBe(await balance(a, "producer001"));
    expect((await b.coord.status()).lib).toBe(1); // three producers built on block 1

    // A's branch grows longer, but it forks at 0, below B's LIB: B stays on C's branch.
    await p2p(a).mine(2);
    const moreA = await p2p(a).peerBlocks(3, 2);
    const results = await receiveAll(b, moreA, "A");
    // Block 3 is refused too when its time happens to be earlier than C's (burst-mined heads get future times).
    expect(results[0]).toMatch(/^side$|^error: .*irreversible block 1/);
    expect(results[1]).toMatch(/^error: .*at or below the irreversible block 1/);
    expect((await p2p(b).status()).sync.rejected.at(-1)).toMatchObject({ number: 4, from: "A", reason: expect.stringMatching(/irreversible block 1/) });
    await sameState(c, b);
  });
});

describe("edge routes", () => {
  test("/p2p/status, /p2p/blocks and /p2p/block through the Worker", async () => {
    const status = (await (await SELF.fetch("http://node/p2p/status")).json()) as PeerStatus;
    expect(status).toMatchObject({ chain_id: 1020, lib: expect.any(Number), head: expect.any(Number) });
    await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks: 2 }) });
    const res = await SELF.fetch("http://node/p2p/blocks?from=1&count=2");
    const { blocks } = (await res.json()) as { blocks: PeerBlock[] };
    expect(blocks.map((x) => x.block.number)).toEqual([1, 2]);
    // Our own blocks come back as known.
    const again = await SELF.fetch("http://node/p2p/block", { method: "POST", body: JSON.stringify(blocks[1]) });
    expect(await again.json()).toEqual({ result: "known" });
    for (const [url, init, message] of [
      ["http://node/p2p/blocks?from=1&count=51", undefined, /invalid count "51"/],
      ["http://node/p2p/blocks?from=x", undefined, /invalid from "x"/],
      ["http://node/p2p/block", { method: "POST", body: "{" }, /invalid request body/],
      ["http://node/p2p/block", { method: "POST", body: "[]" }, /invalid peer block/],
      ["http://node/p2p/block", { method: "POST", body: JSON.stringify(blocks[1]), headers: { "X-Chain-Id": "1024" } }, /chain id mismatch/],
      ["http://node/p2p/tx", { method: "POST", body: JSON.stringify({ tx: "AAAA" }) }, /invalid tx bytes|decode/],
    ] as [string, RequestInit | undefined, RegExp][]) {
      const r = await SELF.fetch(url, init);
      expect(r.status, url).toBe(400);
      expect(((await r.json()) as { message: string }).message, url).toMatch(message);
    }
    // A forwarded tx is admitted like /sendTx.
    const t = makeTx({ amount: "2" });
    const { base64Encode } = await import("../../src/codec/base64");
    const ok = await SELF.fetch("http://node/p2p/tx", { method: "POST", body: JSON.stringify({ tx: base64Encode(t.bytes) }) });
    expect(await ok.json()).toEqual({ hash: t.hash });
  });
});

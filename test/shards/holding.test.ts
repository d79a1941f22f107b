/**
 * What a node holding part of the shards takes from peers (durable-objects/coordinator/holding.ts,
 * issue #18 item 2), against a real four-shard chain's objects standing in for the peers: the
 * receipts an unheld shard's chunk sent the held ones, each run proven against the sender's
 * receipts root in the taker's own header (a forged, cut, shifted or junk answer refused and the
 * next peer asked; a sender whose root is empty asked nothing), the others' genesis chunks,
 * taken only when with the taker's own they make the genesis hash, and the others' recent chunks
 * that fill its replay windows, taken only when their txs make its own headers' tx roots.
 */
import { describe, expect, test } from "vitest";
import type { Chunk, ShardInternal } from "../../durable-objects/api";
import { genesisFromPeers, provenIncoming, recentChunks, type GenesisSource, type SentSource } from "../../durable-objects/coordinator/holding";
import { byShard } from "../../durable-objects/coordinator/production";
import { shardStub } from "../../durable-objects/env";
import { assembleHeader, storedBlock } from "../../src/block/index";
import type { PeerBlock } from "../../src/block/wire";
import { base64Encode } from "../../src/codec/base64";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const ADMIN = shardOf("admin", N);
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== ADMIN)!;
const R = shardOf(remote, N);

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** What a holder of every shard of `c` answers to GET /p2p/sent (workers/rpc/p2p.ts). */
async function served(c: Chain, shard: number, height: number, to: readonly number[]) {
  const sent = await Promise.all(
    to.map(async (t) => {
      const p = await shardAt(c, shard).sentProofOf(height, t);
      if ("error" in p) throw new Error(p.error);
      return p;
    }),
  );
  return { shard, height, sent };
}

describe("a node holding part of the shards", () => {
  test("takes an unheld sender's receipts only with proofs against its own header; forged ones are refused and the next peer asked", async () => {
    const c = newChain("holding-receipts");
    await c.coord.chainInfo();
    // A cross-shard transfer: admin's chunk of `sent` sends `remote`'s shard a credit.
    const t = makeTx({ to: remote, amount: "2" });
    expect(await shardAt(c, ADMIN).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c);
    const sent = (await c.coord.status()).head;
    const parentInfo = (await c.coord.storedBlock(sent))!.info;
    const roots = (JSON.parse(parentInfo) as { chunks: { out_receipts_root?: string }[] }).chunks.map((x) => x.out_receipts_root ?? "");
    expect(roots[ADMIN]).not.toBe("");
    const truth = await shardAt(c, ADMIN).outgoingFor(sent, R);
    expect(truth.length).toBeGreaterThan(0);

    // The taker holds R (and not ADMIN): it needs ADMIN's receipts for R's chunk of `sent + 1`.
    const holds = [R];
    const honest = await served(c, ADMIN, sent, holds);
    const forged = (f: (x: typeof honest) => void) => {
      const x = clone(honest);
      f(x);
      return x;
    };
    const answers: Record<string, unknown> = {
      "http://cut": forged((x) => {
        x.sent[0].receipts = x.sent[0].receipts.slice(1);
        x.sent[0].first += 1;
      }),
      "http://altered": forged((x) => {
        (x.sent[0].receipts[0] as unknown as Record<string, unknown>).id = `${String(x.sent[0].receipts[0].id)}0`;
      }),
      "http://count": forged((x) => {
        x.sent[0].count += 1;
      }),
      "http://other-height": { ...clone(honest), height: sent - 1 },
      "http://short": { ...clone(honest), sent: [] },
      "http://junk": { shard: ADMIN, height: sent, sent: [null] },
      "http://down": { error: "http://down: connection refused" },
      "http://honest": honest,
    };
    const asked: string[] = [];
    const source: SentSource = async (peer, shard, height, to) => {
      asked.push(`${peer} ${shard}/${height}→${to.join(",")}`);
      return clone(answers[peer]);
    };
    const peers = Object.keys(answers);
    const r = await provenIncoming({ shardCount: N, holds, height: sent + 1, parentInfo, peers, source });
    if ("error" in r) throw new Error(r.error);
    expect(r.get(R)![ADMIN]).toEqual(truth);
    // Held senders are asked of their objects (null); unheld ones whose chunk sent nothing cost no request.
    expect(r.get(R)![R]).toBeNull();
    for (let s = 0; s < N; s++) if (s !== R && s !== ADMIN && roots[s] === "") expect(r.get(R)![s]).toEqual([]);
    expect(asked.filter((a) => a.includes(` ${ADMIN}/`))).toEqual(peers.map((p) => `${p} ${ADMIN}/${sent}→${R}`));
    expect(asked.every((a) => roots[Number(a.split(" ")[1].split("/")[0])] !== "")).toBe(true);

    // Every peer forging: refused, each one's reason named.
    const liars = peers.filter((p) => p !== "http://honest");
    const bad = await provenIncoming({ shardCount: N, holds, height: sent + 1, parentInfo, peers: liars, source });
    expect("error" in bad).toBe(true);
    const why = (bad as { error: string }).error;
    expect(why).toMatch(new RegExp(`^receipts of shard ${ADMIN}'s chunk ${sent}: `));
    for (const p of liars) expect(why).toContain(`${p}: `);
    expect(why).toContain("http://other-height: not the receipts of chunk");
    expect(why).toContain("http://short: not 1 receipts proofs");
    expect(why).toContain("http://down: connection refused");
    expect(why.match(/receipts from shard \d+: /g)?.length).toBeGreaterThanOrEqual(3);
    // At height 1 nothing came in: no request.
    asked.length = 0;
    expect(await provenIncoming({ shardCount: N, holds, height: 1, parentInfo, peers, source })).toEqual(new Map([[R, [null, null, null, null]]]));
    expect(asked).toEqual([]);
  });

  test("takes the others' genesis chunks from a peer only when, with its own, they make that peer's genesis hash", async () => {
    const c = newChain("holding-genesis");
    await c.coord.chainInfo();
    const b0 = (await c.coord.storedBlock(0))!;
    const chunks = (await Promise.all(Array.from({ length: N }, (_, i) => shardAt(c, i).chunkAt(0)))) as Chunk[];
    const hashOf = (x: Chunk[]) =>
      storedBlock(assembleHeader({ version: 0, number: 0, parentHash: "", witness: "0", time: BigInt(b0.time), chunks: byShard(x) }), x, null).hash;
    expect(hashOf(chunks)).toBe(b0.hash);
    const own = [chunks[0], chunks[2]];
    const block0 = { block: { ...b0, witnesses: [] }, chunks: chunks.map((chunk) => ({ chunk, txs: [] })) };
    const withChunk = (i: number, f: (x: Record<string, unknown>) => void) => {
      const b = clone(block0);
      f(b.chunks[i].chunk as unknown as Record<string, unknown>);
      return { blocks: [b] };
    };
    const answers: Record<string, { blocks: unknown[] } | { error: string }> = {
      "http://other-root": withChunk(1, (x) => {
        x.stateRoot = String(x.stateRoot).replace(/^./, (d) => (d === "0" ? "1" : "0"));
      }),
      "http://other-shard": withChunk(3, (x) => {
        x.shard = 1;
      }),
      "http://not-genesis": { blocks: [{ ...clone(block0), block: { ...b0, number: 1 } }] },
      "http://none": { blocks: [] },
      "http://down": { error: "http://down: connection refused" },
      "http://honest": { blocks: [clone(block0)] },
    };
    const source: GenesisSource = async (peer) => clone(answers[peer]);
    const got = await genesisFromPeers(Object.keys(answers), own, N, hashOf, source);
    if ("error" in got) throw new Error(got.error);
    expect(hashOf(got)).toBe(b0.hash);
    expect(got[0]).toBe(own[0]); // its own, not the peer's
    expect(got.map((x) => x.stateRoot)).toEqual(chunks.map((x) => x.stateRoot));

    const liars = Object.keys(answers).filter((p) => p !== "http://honest");
    const bad = await genesisFromPeers(liars, own, N, hashOf, source);
    expect("error" in bad).toBe(true);
    const why = (bad as { error: string }).error;
    expect(why).toMatch(/^no peer gave the genesis chunks of the shards this node does not hold: /);
    expect(why).toContain("http://other-root: its genesis chunks with ours do not make its genesis hash");
    expect(why).toContain("http://other-shard: genesis chunk 3: it is chunk 1 of height 0");
    expect(why).toContain("http://not-genesis: no genesis block of 4 chunks");
    expect(why).toContain("http://down: connection refused");
  });

  test("fills its replay windows from a peer's recent blocks only when they are its own blocks and their txs make its headers' tx roots", async () => {
    const c = newChain("holding-window");
    await c.coord.chainInfo();
    const t = makeTx({ to: remote, amount: "2", memo: "window" });
    expect(await shardAt(c, ADMIN).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c, 3);
    const head = (await c.coord.status()).head;
    const ours = await Promise.all(Array.from({ length: head + 1 }, (_, n) => c.coord.storedBlock(n)));
    const honest = await c.coord.peerBlocks(1, head);
    expect(honest).toHaveLength(head);
    const at = honest.findIndex((b) => b.chunks[ADMIN].chunk.txHashes.includes(t.hash));
    expect(at).toBeGreaterThanOrEqual(0);
    const edited = (f: (b: PeerBlock) => void) => {
      const x = clone(honest);
      f(x[at]);
      return { blocks: x };
    };
    const answers: Record<string, { blocks: unknown[] } | { error: string }> = {
      // The same header, another tx in the chunk: its bytes are not what the tx root commits to.
      "http://swapped": edited((b) => {
        const k = b.chunks[ADMIN].chunk.txHashes.indexOf(t.hash);
        b.chunks[ADMIN].txs[k] = base64Encode(makeTx({ to: remote, amount: "3", memo: "other" }).bytes);
      }),
      "http://other-block": edited((b) => {
        b.block.hash = "1".repeat(32); // base58 of 32 zero bytes
      }),
      "http://none": { blocks: [] },
      "http://down": { error: "http://down: connection refused" },
      "http://honest": { blocks: honest },
    };
    const asked: string[] = [];
    const source = async (peer: string, from: number, count: number) => {
      asked.push(`${peer} ${from}+${count}`);
      const a = clone(answers[peer]);
      return "error" in a ? a : { blocks: (a.blocks as PeerBlock[]).filter((b) => b.block.number >= from).slice(0, count) };
    };
    const o = { head, block: (n: number) => ours[n] ?? null, shardCount: N, unheld: [ADMIN, R], source };
    const got = await recentChunks({ ...o, peers: Object.keys(answers) });
    if ("error" in got) throw new Error(got.error);
    // A short chain: every block from 1 is within 90 s, so the window holds them all (it covers from genesis).
    for (const s of [ADMIN, R]) expect(got.get(s)!.map((x) => x.height)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const chunk = got.get(ADMIN)![at];
    expect(chunk.txs.map((x) => base64Encode(x))).toEqual(honest[at].chunks[ADMIN].txs);
    expect(chunk.time).toBe(BigInt(ours[at + 1]!.time));
    expect(asked).toEqual(Object.keys(answers).map((p) => `${p} 1+${head}`));

    const liars = Object.keys(answers).filter((p) => p !== "http://honest");
    const bad = await recentChunks({ ...o, peers: liars });
    expect("error" in bad).toBe(true);
    const why = (bad as { error: string }).error;
    expect(why).toMatch(new RegExp(`^no peer gave the recent chunks of shards ${ADMIN}, ${R}: `));
    expect(why).toContain(`http://swapped: block ${at + 1}: its txs of shard ${ADMIN} are not those of our header's tx root`);
    expect(why).toContain(`http://other-block: its block ${at + 1} is not our block ${at + 1}`);
    expect(why).toContain("http://none: no block 1");
    expect(why).toContain("http://down: connection refused");
  });
});

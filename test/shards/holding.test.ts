/**
 * What a node holding part of the shards takes from peers (durable-objects/coordinator/holding.ts,
 * issue #18 item 2), against a real four-shard chain's objects standing in for the peers: the
 * receipts an unheld shard's chunk sent the held ones, each run proven against the sender's
 * receipts root in the taker's own header (a forged, cut, shifted or junk answer refused and the
 * next peer asked; a sender whose root is empty asked nothing), after placeholders of a held shard
 * those of every carried height (one GET /p2p/sent range per sender, a follower replaying such a
 * chain on one shard's object alone), the others' genesis chunks,
 * taken only when with the taker's own they make the genesis hash, and the others' recent chunks
 * that fill its replay windows, taken only when their txs make its own headers' tx roots.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { Chunk, ChunkContext, ShardInternal } from "../../durable-objects/api";
import { genesisFromPeers, provenIncoming, recentChunks, type GenesisSource, type SentSource } from "../../durable-objects/coordinator/holding";
import { byShard } from "../../durable-objects/coordinator/production";
import { shardStub } from "../../durable-objects/env";
import { assembleHeader, storedBlock } from "../../src/block/index";
import type { PeerBlock } from "../../src/block/wire";
import { base64Encode } from "../../src/codec/base64";
import { shardOf } from "../../src/sharding/placement";
import { MAX_WITNESS_BYTES } from "../../durable-objects/config";
import { receiptsRoot } from "../../durable-objects/core";
import { hex } from "../../durable-objects/values";
import { MAX_CARRY } from "../../src/sharding/placeholder";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";
import { placeholdersOn } from "./placeholders";

const N = 4;
const ADMIN = shardOf("admin", N);
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== ADMIN)!;
const R = shardOf(remote, N);

const EMPTY_ROOT = hex(receiptsRoot([]));

type Chain = ReturnType<typeof newChain>;
const shardAt = (c: Chain, i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

/** What a holder of every shard of `c` answers to GET /p2p/sent for heights `from` … `height` (workers/rpc/p2p.ts). */
async function served(c: Chain, shard: number, from: number, height: number, to: readonly number[]) {
  const runs = await shardAt(c, shard).sentProofsOf(from, height, [...to], MAX_WITNESS_BYTES);
  if ("error" in runs) throw new Error(runs.error);
  return { shard, from, height: from + runs.length - 1, sent: runs.flat() };
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
    const [truth] = await shardAt(c, ADMIN).outgoingOver(sent, sent, R);
    expect(truth.length).toBeGreaterThan(0);

    // The taker holds R (and not ADMIN): it needs ADMIN's receipts for R's chunk of `sent + 1`.
    const holds = [R];
    const honest = await served(c, ADMIN, sent, sent, holds);
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
    const source: SentSource = async (peer, shard, from, height, to) => {
      asked.push(`${peer} ${shard}/${from}..${height}→${to.join(",")}`);
      return clone(answers[peer]);
    };
    const peers = Object.keys(answers);
    const o = { shardCount: N, holds, takers: holds, infoAt: (n: number) => (n === sent ? parentInfo : null) };
    const r = await provenIncoming({ ...o, height: sent + 1, peers, source });
    if ("error" in r) throw new Error(r.error);
    expect(r.get(R)![ADMIN]).toEqual(new Map([[sent, truth]]));
    // Held senders are asked of their objects (null); unheld ones whose chunk sent nothing cost no request.
    expect(r.get(R)![R]).toBeNull();
    for (let s = 0; s < N; s++) if (s !== R && s !== ADMIN && roots[s] === "") expect(r.get(R)![s]).toEqual(new Map([[sent, []]]));
    expect(asked.filter((a) => a.includes(` ${ADMIN}/`))).toEqual(peers.map((p) => `${p} ${ADMIN}/${sent}..${sent}→${R}`));
    expect(asked.every((a) => roots[Number(a.split(" ")[1].split("/")[0])] !== "")).toBe(true);

    // Every peer forging: refused, each one's reason named.
    const liars = peers.filter((p) => p !== "http://honest");
    const bad = await provenIncoming({ ...o, height: sent + 1, peers: liars, source });
    expect("error" in bad).toBe(true);
    const why = (bad as { error: string }).error;
    expect(why).toMatch(new RegExp(`^receipts of shard ${ADMIN}'s chunk ${sent}: `));
    for (const p of liars) expect(why).toContain(`${p}: `);
    expect(why).toContain(`http://other-height: its last height ${sent - 1} is not from ${sent} to ${sent}`);
    expect(why).toContain("http://short: not 1 receipts proofs");
    expect(why).toContain("http://down: connection refused");
    expect(why.match(/receipts from shard \d+: /g)?.length).toBeGreaterThanOrEqual(3);
    // At height 1 nothing came in: no request.
    asked.length = 0;
    expect(await provenIncoming({ ...o, height: 1, peers, source })).toEqual(new Map([[R, [null, null, null, null]]]));
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

  test("follows a chain whose held shard had placeholders for several heights while receipts were sent to it: every carried height proven, one request per sender over them", async () => {
    const c = newChain("holding-carry");
    const follower = newChain("holding-carry-follower");
    await tick(c, 2);
    const placeholders = await placeholdersOn(c, EMPTY_ROOT);
    const payee = ["producer000", "wit01", "wit02", "wit03", "wit04", "wit05"].find((n) => ![0, ADMIN].includes(shardOf(n, N)))!;
    const S = shardOf(payee, N);
    const pay = async (amount: string, memo: string) => {
      const t = makeTx({ to: payee, amount, memo });
      expect(await shardAt(c, ADMIN).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    };
    await pay("3", "before");
    await tick(c);
    const sent = (await c.coord.status()).head;
    placeholders.add(S);
    await tick(c);
    await pay("4", "during"); // sent while S has placeholders: carried too
    await tick(c, 2);
    placeholders.delete(S);
    await tick(c, 2);
    const head = (await c.coord.status()).head;
    const real = sent + 4;
    for (let n = sent + 1; n < real; n++) expect(await shardAt(c, S).chunkAt(n)).toMatchObject({ placeholder: true, receiptsFrom: sent });
    expect(await shardAt(c, S).chunkAt(real)).toMatchObject({ receiptsFrom: sent });
    const carried = await shardAt(c, ADMIN).outgoingOver(sent, real - 1, S);
    expect(carried[0]).toHaveLength(1);
    expect(carried[2]).toHaveLength(1);
    // /p2p/sent's answer is cut at its byte cap after a whole height: at least one, else refused.
    const first = await served(c, ADMIN, sent, sent, [S]);
    const cap = JSON.stringify(first.sent).length + 1;
    expect(await shardAt(c, ADMIN).sentProofsOf(sent, real - 1, [S], cap)).toEqual([first.sent]);
    expect(await shardAt(c, ADMIN).sentProofsOf(sent, real - 1, [S], cap - 2)).toEqual({ error: expect.stringMatching(/above the cap of/) });

    // A node holding S only follows c: each chunk of S applied with the others' receipts from a peer, proven against its own headers.
    const infos = (await Promise.all(Array.from({ length: head + 1 }, (_, n) => c.coord.storedBlock(n)))).map((b) => b!.info);
    const asked: string[] = [];
    const source: SentSource = async (peer, shard, from, height, to) => {
      asked.push(`${peer} ${shard}/${from}..${height}`);
      const honest = await served(c, shard, from, Math.min(height, from + 1), to); // at most two heights an answer, as a peer at its byte cap
      if (peer !== "http://cut" || shard !== ADMIN) return honest;
      honest.sent[0].receipts = honest.sent[0].receipts.slice(1); // the credit sent at `sent` left out
      honest.sent[0].first += 1;
      return honest;
    };
    const mine = shardAt(follower, S);
    let atReal: string[] = [];
    expect((await mine.chunkAt(0))!.stateRoot).toBe((await shardAt(c, S).chunkAt(0))!.stateRoot);
    for (let n = 1; n <= head; n++) {
      const chunk = (await shardAt(c, S).chunkAt(n))!;
      asked.length = 0;
      const given = await provenIncoming({
        shardCount: N,
        holds: [S],
        takers: chunk.placeholder ? [] : [S],
        height: n,
        infoAt: (m) => infos[m] ?? null,
        peers: n === real ? ["http://cut", "http://peer"] : ["http://peer"],
        source,
      });
      if ("error" in given) throw new Error(given.error);
      const r = await mine.applyChunk(await ctxOf(c, n), await shardAt(c, S).chunkTxs(n), chunk, given.get(S));
      if ("error" in r) throw new Error(`chunk ${S}/${n}: ${r.error}`);
      expect(r.stateRoot).toBe(chunk.stateRoot);
      if (chunk.placeholder) expect(asked).toEqual([]);
      if (n !== real) continue;
      // Per sender, the heights from its first chunk that sent S's shard anything to its last: two-height answers, the liar passed over.
      const want: string[] = [];
      for (let j = 0; j < N; j++) {
        const due = [sent, sent + 1, sent + 2, sent + 3].filter(
          (m) => (JSON.parse(infos[m]) as { chunks: { out_receipts_root?: string }[] }).chunks[j].out_receipts_root,
        );
        if (j === S || due.length === 0) continue;
        const last = due[due.length - 1];
        if (j === ADMIN) want.push(`http://cut ${j}/${sent}..${last}`);
        for (let m = due[0]; m <= last; m += 2) want.push(`http://peer ${j}/${m}..${last}`);
      }
      expect(asked.toSorted()).toEqual(want.toSorted());
      atReal = [...asked];
      expect(want.filter((w) => w.startsWith(`http://peer ${ADMIN}/${sent + 2}..`))).toHaveLength(1); // the second credit's height
    }
    const iost = async (x: ShardInternal) => ((await x.read("getTokenBalance", payee, "iost")) as { balance: number }).balance;
    expect(await iost(mine)).toBe(await iost(shardAt(c, S)));
    console.log(`follower: chunk ${S}/${real} took the receipts carried from ${sent}; its /p2p/sent asks: ${atReal.join(", ")}`);
  });

  test("GET /p2p/sent answers the heights from `from` to `height` (at most MAX_CARRY), height by height in `to` order; other ranges refused", async () => {
    await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks: 3 }) });
    const { head } = (await (await SELF.fetch("http://node/p2p/status")).json()) as { head: number };
    expect(head).toBeGreaterThanOrEqual(3);
    const get = async (query: string) => {
      const r = await SELF.fetch(`http://node/p2p/sent?${query}`);
      return { status: r.status, body: (await r.json()) as { shard?: number; from?: number; height?: number; sent?: unknown[]; message?: string } };
    };
    const one = await get(`shard=0&height=${head}&to=1,2`);
    expect(one.body).toMatchObject({ shard: 0, from: head, height: head });
    expect(one.body.sent).toHaveLength(2);
    const range = await get(`shard=0&from=${head - 2}&height=${head}&to=1,2`);
    expect(range.body).toMatchObject({ shard: 0, from: head - 2, height: head });
    expect(range.body.sent).toHaveLength(6);
    expect(range.body.sent!.slice(4)).toEqual(one.body.sent);
    for (const [query, why] of [
      [`shard=0&from=${head + 1}&height=${head}&to=1`, /invalid from/],
      [`shard=0&from=${100 - MAX_CARRY}&height=100&to=1`, new RegExp(`invalid from .*an integer from ${101 - MAX_CARRY} to 100`)],
      [`shard=0&from=${head}&height=${head + 1}&to=1`, /no receipts proof of height/],
    ] as const) {
      const r = await get(query);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(why);
    }
  });
});

/**
 * Checks by witness on the coordinator's side (durable-objects/coordinator/witness-check.ts, issue
 * #18 item 3): a node's GET /p2p/witness serves a chunk's state witness and its incoming receipts'
 * proofs; a checker that does not hold the shard runs the chunk from a peer's answer, taking the
 * previous root and the senders' receipts roots from its own header of the parent block. A peer
 * that forges the witness or a receipt proof, or answers junk, is refused and the next peer
 * asked; a chunk whose announced post-state root is wrong passes with no peer's witness.
 */
import { runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import {
  cappedText,
  checkByWitness,
  checkUnheld,
  type ChunkToCheck,
  type ChunkWitness,
  type WitnessSource,
} from "../../durable-objects/coordinator/witness-check";
import { MAX_WITNESS_BYTES } from "../../durable-objects/config";
import { parsePeerBlock, type ParsedPeerBlock } from "../../src/block/wire";
import { shardOf } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { newChain } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== shardOf("admin", N))!;
const R = shardOf(remote, N);

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await SELF.fetch(`http://node${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await SELF.fetch(`http://node${path}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}
async function blockAt(n: number): Promise<ParsedPeerBlock> {
  const { body } = await get(`/p2p/blocks?from=${n}&count=1`);
  const p = parsePeerBlock((body.blocks as unknown[])[0], N);
  if ("error" in p) throw new Error(p.error);
  return p;
}

/** Shard `shard`'s chunk of block `b` as a checker that adopted `b` on top of `parent` sees it. */
function toCheck(b: ParsedPeerBlock, parent: ParsedPeerBlock, shard: number): ChunkToCheck {
  const { block } = b;
  return {
    chainId: 1020,
    shardCount: N,
    shard,
    ctx: {
      height: block.number,
      time: block.time,
      parentHash: block.parentHash,
      witness: block.witness,
      parentWitness: parent.block.witness,
      parentTime: parent.block.time,
    },
    chunk: b.chunks[shard].chunk,
    txs: b.chunks[shard].txs,
    parentInfo: parent.block.info,
  };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("checks by witness before endorsing", () => {
  test("a forged witness, a forged receipt proof or junk from a peer is refused and the next peer asked; a wrong post-state root passes with none", async () => {
    // A cross-shard credit: block T debits admin, block T + 1 credits `remote` on shard R from T's receipt.
    const sent = await post("/sendTx", txToRequestJson(makeTx({ to: remote, amount: "2" }).tx));
    expect(sent.hash, JSON.stringify(sent)).toBeTypeOf("string");
    await post("/dev/mine", { blocks: 2 });
    const head = Number((await get("/getChainInfo")).body.head_block);
    const [b, parent] = await Promise.all([blockAt(head), blockAt(head - 1)]);

    // What a holder serves: the witness and one proof per sender shard, refused where it must be.
    const served = await get(`/p2p/witness?shard=${R}&height=${head}`);
    expect(served.status).toBe(200);
    const honest = served.body as unknown as ChunkWitness;
    expect(honest).toMatchObject({ shard: R, height: head, witness: { shape: expect.any(String) } });
    expect(honest.incoming).toHaveLength(N);
    const credit = honest.incoming.findIndex((p) => p.receipts.length > 0);
    expect(credit, "shard R took a receipt in").toBeGreaterThanOrEqual(0);
    expect((await get(`/p2p/witness?shard=${N}&height=${head}`)).status).toBe(400);
    expect((await get(`/p2p/witness?shard=${R}&height=${head + 5}`)).body.message).toMatch(/no state witness of height/);
    expect((await get(`/p2p/witness?shard=${R}&height=0`)).body.message).toMatch(/^invalid height/);

    const forgedValue = clone(honest);
    const at = forgedValue.witness.entries.findIndex(([, v]) => v !== null);
    forgedValue.witness.entries[at][1] = `${forgedValue.witness.entries[at][1]}0`;
    const forgedReceipt = clone(honest);
    const r0 = forgedReceipt.incoming[credit].receipts[0] as unknown as Record<string, unknown>;
    r0.amount = `${String(r0.amount)}0`;
    const answers: Record<string, unknown> = {
      "http://forged-value": forgedValue,
      "http://forged-receipt": forgedReceipt,
      "http://junk": { ...clone(honest), incoming: [null, 1, "x", {}] },
      "http://null": null,
      "http://other-chunk": { ...clone(honest), height: head - 1 },
      "http://down": { error: "http://down: connection refused" },
      "http://honest": honest,
    };
    const asked: string[] = [];
    const source: WitnessSource = async (peer, shard, height) => {
      asked.push(`${peer} ${shard}/${height}`);
      return clone(answers[peer]);
    };
    const checker = newChain("witness-checker").coordStub;
    const run = (c: ChunkToCheck, peers: string[]) => runInDurableObject(checker, () => checkByWitness(c, peers, source));
    const liars = Object.keys(answers).filter((p) => p !== "http://honest");

    // Each liar is refused with its reason; the honest peer, asked last, passes the chunk.
    expect(await run(toCheck(b, parent, R), [...liars, "http://honest"])).toEqual({ peer: "http://honest" });
    expect(asked).toEqual([...liars, "http://honest"].map((p) => `${p} ${R}/${head}`));
    const refused = await run(toCheck(b, parent, R), liars);
    expect(refused).toEqual({ error: expect.stringMatching(new RegExp(`^chunk ${R}/${head} not checked by witness: `)) });
    const why = (refused as { error: string }).error;
    expect(why).toMatch(/http:\/\/forged-value: chunk \d\/\d+ refused: .*root/);
    expect(why).toMatch(/http:\/\/forged-receipt: chunk \d\/\d+ refused: .*receipt/);
    expect(why).toMatch(/http:\/\/junk: /);
    expect(why).toMatch(/http:\/\/null: not a chunk witness/);
    expect(why).toMatch(new RegExp(`http://other-chunk: a witness of chunk ${R}/${head - 1}, not ${R}/${head}`));
    expect(why).toMatch(/http:\/\/down: http:\/\/down: connection refused/);

    // A chunk announcing a wrong post-state root: even the honest witness cannot make it pass.
    const wrong = toCheck(b, parent, R);
    wrong.chunk = { ...wrong.chunk, stateRoot: "00".repeat(32) };
    expect(await run(wrong, ["http://honest"])).toEqual({ error: expect.stringMatching(/http:\/\/honest: chunk \d\/\d+ refused: .*stateRoot differs/) });
    // The previous root is our own header's: against another one (here the block's own roots) the witness does not hold.
    const otherParent = { ...parent, block: { ...parent.block, info: b.block.info } };
    expect(await run(toCheck(b, otherParent, R), ["http://honest"])).toMatchObject({ error: expect.stringContaining("http://honest: chunk") });

    // checkUnheld asks only for the shards not held, and passes a block whose chunks all pass.
    const holders: Record<number, ChunkWitness> = {};
    for (let s = 0; s < N; s++) holders[s] = (await get(`/p2p/witness?shard=${s}&height=${head}`)).body as unknown as ChunkWitness;
    const byShard: WitnessSource = async (peer, shard, height) => {
      asked.push(`${peer} ${shard}/${height}`);
      return peer === "http://forged-value" ? forgedValue : clone(holders[shard]);
    };
    const parts = { chunks: b.chunks.map((c) => c.chunk), txs: b.chunks.map((c) => c.txs) };
    const unheldBy = (held: number[], peers: string[]) =>
      runInDurableObject(checker, () => checkUnheld(b.block, parent.block, parts, held, { chainId: 1020, shardCount: N, peers, source: byShard }));
    asked.length = 0;
    const held = [R];
    expect(await unheldBy(held, ["http://honest"])).toBeNull();
    expect(asked.sort()).toEqual(
      [0, 1, 2, 3]
        .filter((s) => s !== R)
        .map((s) => `http://honest ${s}/${head}`)
        .sort(),
    );
    expect(await unheldBy([0, 1, 2, 3], ["http://honest"])).toBeNull();
    expect(await unheldBy(held, ["http://forged-value"])).toMatch(/not checked by witness/);
  });

  test("a witness body above the cap is not read", async () => {
    expect(await cappedText(new Response("x".repeat(100)), 100)).toBe("x".repeat(100));
    expect(await cappedText(new Response("x".repeat(101)), 100)).toBeNull();
    // Without a Content-Length: counted as it streams.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(30));
        c.close();
      },
    });
    expect(await cappedText(new Response(stream), 100)).toBeNull();
    expect(MAX_WITNESS_BYTES).toBe(4 * 1024 * 1024);
  });
});

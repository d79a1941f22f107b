/**
 * Fuzzing the node-to-node routes of a running node: copies of a real block
 * (from GET /p2p/blocks) with fields mutated, blocks claiming unknown parents,
 * garbage JSON, huge lists and deep nesting on POST /p2p/block; forged
 * endorsements on /p2p/endorse; garbage on /p2p/tx, /p2p/pool and in /p2p/blocks' query.
 * Every answer is IOST's envelope or a success, nothing unsigned is adopted
 * or stored (/dev/status side blocks), the main chain keeps its blocks and
 * keeps growing, and iost is conserved. docs/SECURITY.md "p2p routes".
 * Replay a failure with FUZZ_SEED=<seed>.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { expectConserved, expectProducing, expectWellFormed, head, postText, replayHint, send, transferToFinality, fundedAccount } from "./helpers/adversary";
import { Bs58, uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

// Every slot (not the default on-demand): a head that keeps moving is the liveness these attacks must not break.
const node = useNode({ vars: { DEV: "true", BLOCK_PRODUCTION: "interval" } });
/** A real block of the node's main chain as peers receive it, and its height. */
let real: any;
let realNumber = 0;

beforeAll(async () => {
  // A block with a tx in it: the account creation below.
  await fundedAccount(node.client, uniqueName("p2p"));
  const h = await head(node.url);
  const r = await send(node.url, `/p2p/blocks?from=${Math.max(1, h - 8)}&count=8`);
  expect(r.status, r.text).toBe(200);
  real = r.body.blocks.find((b: any) => b.block.txCount > 1) ?? r.body.blocks[0];
  realNumber = real.block.number;
});

async function sideBlocks(): Promise<number> {
  const r = await send(node.url, "/dev/status");
  return r.body.coordinator.sync.sideBlocks;
}

const NEST = "__nest__";
const nested = (body: string) => body.replace(new RegExp(`"${NEST}(\\d+)"`, "g"), (_m, n) => "[".repeat(Number(n)) + "]".repeat(Number(n)));
const randomHash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Bs58.encode(Buffer.from(b)));

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 1e308, 2 ** 53, null, true, "", "NaN", "x".repeat(100_000), [], {}),
  fc.integer(),
  fc.string({ unit: "binary", maxLength: 60 }),
  randomHash,
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${NEST}${n}`),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A path into a PeerBlock: header fields, the signature, the witness list, chunk fields. */
const path: fc.Arbitrary<string[]> = fc.oneof(
  fc
    .constantFrom(
      "number",
      "hash",
      "parentHash",
      "time",
      "witness",
      "info",
      "txMerkleHash",
      "txReceiptMerkleHash",
      "gasUsage",
      "txCount",
      "version",
      "witnesses",
    )
    .map((f) => ["block", f]),
  fc.constantFrom("algorithm", "sig", "pubkey").map((f) => ["block", "sign", f]),
  fc
    .tuple(fc.nat(3), fc.constantFrom("shard", "height", "time", "txHashes", "receiptHashes", "gasUsage", "stateRoot", "receiptsRoot", "witnesses"))
    .map(([i, f]) => ["chunks", String(i), "chunk", f]),
  fc.tuple(fc.nat(3), fc.constantFrom("chunk", "txs", "receipts", "in")).map(([i, f]) => ["chunks", String(i), f]),
  fc.constantFrom("block", "chunks").map((f) => [f]),
);

function setPath(json: any, p: string[], value: unknown): void {
  let o = json;
  for (const k of p.slice(0, -1)) {
    if (o === null || typeof o !== "object" || !(k in o)) return;
    o = o[k];
  }
  if (o !== null && typeof o === "object") o[p[p.length - 1]] = value;
}

/** A peer answer to a block that is not a valid new block: the envelope, "known" or "orphan", never adopted. */
function expectNotAdopted(r: { status: number; body: any; text: string }, what: string): void {
  expectWellFormed(r, what);
  if (r.status === 200) expect(["known", "orphan"], `${what}: ${r.text}`).toContain(r.body.result);
}

describe("/p2p fuzz", () => {
  it("mutated copies of a real block: refused or known, never adopted", async () => {
    const { seed } = replayHint("fuzz-p2p block");
    const hashBefore = real.block.hash;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(path, hostile), { minLength: 1, maxLength: 3 }), async (changes) => {
        const copy = structuredClone(real);
        for (const [p, v] of changes) setPath(copy, p, v);
        const body = nested(JSON.stringify(copy));
        expectNotAdopted(await postText(node.url, "/p2p/block", body), `block ${body.slice(0, 300)}`);
      }),
      { seed, numRuns: 120 },
    );
    const r = await send(node.url, `/getBlockByNumber/${realNumber}/false`);
    expect(r.body.block.hash).toBe(hashBefore);
  });

  it("blocks claiming an unknown parent, with a forged signature, are not stored", async () => {
    const { seed } = replayHint("fuzz-p2p orphans");
    const before = await sideBlocks();
    await fc.assert(
      fc.asyncProperty(
        randomHash,
        randomHash,
        fc.integer({ min: 1, max: 90 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        async (parent, hash, ahead, sig) => {
          const copy = structuredClone(real);
          copy.block.number = (await head(node.url)) + ahead;
          for (const c of copy.chunks) c.chunk.height = copy.block.number; // well-formed, so only the missing parent stands out
          copy.block.parentHash = parent;
          copy.block.hash = hash;
          copy.block.sign.sig = Buffer.from(sig).toString("base64");
          expectNotAdopted(await postText(node.url, "/p2p/block", JSON.stringify(copy)), `orphan ${copy.block.number}`);
        },
      ),
      { seed, numRuns: 60 },
    );
    // Unsigned blocks cost the node nothing to keep: none of them is in its store (issue item 7).
    expect(await sideBlocks()).toBe(before);
  });

  it("garbage JSON, huge lists and deep nesting on every POST /p2p route", async () => {
    const { seed } = replayHint("fuzz-p2p garbage");
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.integer({ min: 1, max: 500_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
      fc.integer({ min: 1, max: 200_000 }).map((n) => '{"block":'.repeat(n) + "0" + "}".repeat(n)),
      fc
        .integer({ min: 1, max: 10_000 })
        .map((n) => JSON.stringify({ block: real.block, chunks: Array.from({ length: n }, () => real.chunks[0]) }).slice(0, 9_000_000)),
      fc.integer({ min: 1, max: 2_000 }).map((n) => JSON.stringify({ endorsements: Array.from({ length: n }, () => ({ height: 1 })) })),
      fc.integer({ min: 1, max: 600_000 }).map((n) => JSON.stringify({ tx: "A".repeat(n * 4) })),
      fc.integer({ min: 1, max: 300 }).map((n) => JSON.stringify({ shard: 0, txs: Array.from({ length: n }, (_, i) => "A".repeat(4 * (i + 1))) })),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("/p2p/block", "/p2p/endorse", "/p2p/tx", "/p2p/chunk", "/p2p/pool"), async (text, route) => {
        const r = await postText(node.url, route, text);
        const what = `${route} ${text.slice(0, 200)}`;
        if (route === "/p2p/block") return expectNotAdopted(r, what);
        expectWellFormed(r, what);
        // None of it is a valid tx, endorsement or chunk request: /p2p/tx and /p2p/chunk refuse, a batch of endorsements or handed txs answers an error for each.
        const each = (list: unknown) => Array.isArray(list) && list.every((e: any) => typeof e.error === "string");
        if (r.status === 200)
          expect(
            (route === "/p2p/endorse" && each(r.body.results)) || (route === "/p2p/pool" && each(r.body.answers)),
            `${what}: ${r.text.slice(0, 300)}`,
          ).toBe(true);
      }),
      { seed, numRuns: 60 },
    );
  });

  it("forged endorsements: refused, finality does not move past the head", async () => {
    const { seed } = replayHint("fuzz-p2p endorse");
    const producers: string[] = node.chainInfo.witness_list as string[];
    const endorsement = fc.record({
      height: fc.oneof(fc.constant(realNumber), fc.integer({ min: -5, max: 1_000_000 }), hostile),
      hash: fc.oneof(fc.constant(real.block.hash), randomHash, hostile),
      parent: fc.oneof(fc.constant(real.block.parentHash), randomHash),
      justify: fc.oneof(fc.record({ height: fc.nat(realNumber), hash: randomHash }), hostile),
      producer: fc.oneof(fc.constantFrom(...producers), randomHash, hostile),
      sig: fc.oneof(
        fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString("base64")),
        hostile,
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          endorsement,
          fc.array(endorsement, { minLength: 1, maxLength: 64 }).map((endorsements) => ({ endorsements })),
        ),
        async (e) => {
          const r = await postText(node.url, "/p2p/endorse", nested(JSON.stringify(e)));
          expectWellFormed(r, `endorse ${JSON.stringify(e).slice(0, 300)}`);
          // A random signature never verifies: no endorsement may count.
          if (r.status === 200) for (const one of r.body.results ?? [r.body]) expect(one.error, JSON.stringify(one)).toBeTypeOf("string");
        },
      ),
      { seed, numRuns: 60 },
    );
    const status = (await send(node.url, "/dev/status")).body;
    expect(status.coordinator.finality.final).toBeLessThanOrEqual(status.coordinator.head);
  });

  it("GET /p2p/blocks with arbitrary query parameters", async () => {
    const { seed } = replayHint("fuzz-p2p blocks query");
    const param = fc.oneof(
      fc.integer({ min: -10, max: 10 ** 9 }).map(String),
      fc.constantFrom("", "1e3", "0x10", "NaN", "-0", "9".repeat(40), "1 ", "%00"),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(param, param, async (from, count) => {
        const r = await send(node.url, `/p2p/blocks?from=${encodeURIComponent(from)}&count=${encodeURIComponent(count)}`);
        expectWellFormed(r, `/p2p/blocks from=${from} count=${count}`);
        if (r.status === 200) expect(r.body.blocks.length).toBeLessThanOrEqual(50);
      }),
      { seed, numRuns: 60 },
    );
  });

  it("afterwards: the node produces, a transfer reaches finality, iost is conserved", async () => {
    await expectProducing(node.url);
    const sender = await fundedAccount(node.client, uniqueName("p2pv"), { iost: "10" });
    expect(await transferToFinality(node.client, sender)).toBeLessThan(20_000);
    await expectConserved(node.url);
  });
});

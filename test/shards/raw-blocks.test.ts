/**
 * Raw blocks with four shards (durable-objects/coordinator/raw-blocks.ts): a
 * cross-shard tx's receipt, which its settle later combines (docs/SHARDING.md
 * "Receipt JSON"), is served as executed, so a raw block's receipts rebuild the
 * header's receipt root at any time; the RPC views keep the combined one.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { receiptMerkleRoot } from "../../src/block/index";
import { base58Encode } from "../../src/codec/base58";
import { sha3 } from "../../src/crypto/sha3";
import { shardOf } from "../../src/sharding/placement";
import { receiptBytes, type TxReceiptJson } from "../../src/tx/index";
import { receiptFromJson } from "../../src/block/raw";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";
import { rawReceiptHashes } from "../raw-receipts";
import { checkChunkBody } from "../../src/block/chunk-body";
import { joinedReceipts } from "../../src/sharding/joined";
import { receiptToJson } from "../../src/tx/view";

const N = 4;
const GENESIS = ["admin", "foundation", "producer000", "deadaddr"];
const remote = GENESIS.find((a) => shardOf(a, N) !== shardOf("admin", N))!;
const home = shardOf("admin", N);

/** A transfer and a pledge for `remote`: a credit and a forwarded action, whose settles add to the receipt. */
const crossTx = () =>
  makeTx({
    actions: [
      { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", remote, "3", ""]) },
      { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", remote, "10"]) },
    ],
  });

function chain(label: string) {
  const c = newChain(label);
  const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  return Object.assign(c, { shardAt });
}
type Chain = ReturnType<typeof chain>;

const b64 = (x: string) => new Uint8Array(Buffer.from(x, "base64"));

/** The tx_receipt of `hash` in a shard's chunk view of `height`. */
async function chunkReceipt(s: ShardInternal, height: number, hash: string, hashed: boolean): Promise<TxReceiptJson> {
  const txs = (await s.getChunkTxs(height, hashed)) as unknown as { hash: string; tx_receipt: TxReceiptJson }[];
  return txs.find((t) => t.hash === hash)!.tx_receipt;
}

const receiptHash = (r: TxReceiptJson) => base58Encode(sha3(receiptBytes(receiptFromJson(r))));

async function ctxOf(c: Chain, n: number): Promise<ChunkContext> {
  const [b, p] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
  return { height: n, time: b!.time, parentHash: b!.parentHash, witness: b!.witness, parentWitness: p!.witness, parentTime: p!.time };
}

describe("four shards: a chunk's txs as a node without the shard checks them (ShardApi.chunkBody, workers/lib/peer-txs.ts)", () => {
  test("a tx of one shard checks as the JSON its shard shows; a cross-shard one's receipt as executed, flagged joined; reads write no row", async () => {
    const c = chain("chunk-body");
    await c.coord.chainInfo();
    const local = makeTx({ actions: [{ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", "admin", "10"]) }] });
    const t = crossTx();
    for (const x of [local, t]) expect(await c.shardAt(home).submitTx(x.bytes, x.hash)).toEqual({ hash: x.hash });
    await tick(c, 3); // both at 1, the settle back at 3
    const found = (await c.coord.getBlockByNumber(1)) as unknown as { block: { orig_info: string } };
    const info = found.block.orig_info;
    const written = (await c.shardAt(home).meter()).rowsWritten;

    const one = checkChunkBody(info, home, 1, await c.shardAt(home).chunkBody({ hash: local.hash }), local.hash);
    const shown = (await c.shardAt(home).getTx(local.hash)) as { transaction: unknown };
    expect(typeof one === "string" ? one : one.txs.map((x) => [x.view, x.joined])).toEqual([[shown.transaction, false]]);
    // The settle rewrote the cross-shard tx's receipt: the one the chunk hashed checks, flagged so the node does not show it as final.
    const cross = checkChunkBody(info, home, 1, await c.shardAt(home).chunkBody({ hash: t.hash }), t.hash);
    const executed = await chunkReceipt(c.shardAt(home), 1, t.hash, true);
    expect(typeof cross === "string" ? cross : cross.txs.map((x) => [x.view.hash, x.view.tx_receipt, x.joined])).toEqual([[t.hash, executed, true]]);
    // By height, every tx of the chunk in its order.
    const all = checkChunkBody(info, home, 1, await c.shardAt(home).chunkBody({ height: 1 }));
    const listed = ((await c.shardAt(home).getChunkTxs(1)) as { hash: string }[]).map((x) => x.hash);
    expect(typeof all === "string" ? all : all.txs.map((x) => x.view.hash)).toEqual(listed);
    // Another shard's chunk is not this one.
    expect(checkChunkBody(info, (home + 1) % N, 1, await c.shardAt(home).chunkBody({ height: 1 }))).toMatch(/^it sent shard/);
    expect(await c.shardAt(home).chunkBody({ hash: "nope" })).toEqual({ error: "tx not found" });
    expect((await c.shardAt(home).meter()).rowsWritten).toBe(written);
  });

  test("a combined receipt from the home chunk's sent receipts and the settling shard's run (settleRuns), as its home shows it; no row written", async () => {
    const c = chain("joined");
    await c.coord.chainInfo();
    const t = crossTx();
    expect(await c.shardAt(home).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c, 4); // the tx at 1, its part at 2, the settle home at 3
    const infoAt = async (n: number) => ((await c.coord.getBlockByNumber(n)) as unknown as { block: { orig_info: string } }).block.orig_info;
    const info = await infoAt(1);
    const written = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        c
          .shardAt(i)
          .meter()
          .then((m) => m.rowsWritten),
      ),
    );
    // What GET /p2p/tx answers (workers/rpc/p2p.ts withSettles): the home's chunk body, then each target's runs.
    const body = await c.shardAt(home).chunkBody({ hash: t.hash });
    if ("error" in body) throw new Error(body.error);
    const due = (body.sent ?? []).filter((r) => r.txHash === t.hash && (r.kind === "action" || r.kind === "credit"));
    // The transfer's credit rides with the forwarded pledge (forward.ts carryCredits): one receipt awaits a settle.
    expect(due.map((r) => [r.kind, r.toShard])).toEqual([["action", shardOf(remote, N)]]);
    const runs = await c.shardAt(due[0].toShard).settleRuns(1, home, [due[0].id]);
    if ("error" in runs) throw new Error(runs.error);
    expect(runs.map((r) => r.height)).toEqual([2]);
    const part = { ...body, settles: runs.map((r) => ({ shard: due[0].toShard, ...r })) };
    const checked = checkChunkBody(info, home, 1, part, t.hash);
    if (typeof checked === "string") throw new Error(checked);
    const shown = await joinedReceipts(home, 1, info, checked.txs, part, infoAt);
    if (!("receipts" in shown)) throw new Error(JSON.stringify(shown));
    const combined = await c.shardAt(home).getTxReceipt(t.hash);
    expect(receiptToJson(shown.receipts.get(t.hash)!)).toEqual(combined);
    expect(body.txs[0].shown).toEqual(combined);
    expect(combined).not.toEqual(await chunkReceipt(c.shardAt(home), 1, t.hash, true));
    expect(
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          c
            .shardAt(i)
            .meter()
            .then((m) => m.rowsWritten),
        ),
      ),
    ).toEqual(written);
  });
});

describe("four shards: raw blocks of cross-shard txs", () => {
  test("after the settle, the raw block's receipts rebuild the header's receipt root; getTxReceipt shows the combined receipt", async () => {
    const c = chain("raw-settle");
    await c.coord.chainInfo();
    const t = crossTx();
    expect(await c.shardAt(home).submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c, 3); // debit at 1, credit at 2, settlement at 3
    const combined = (await c.shardAt(home).getTxReceipt(t.hash)) as unknown as TxReceiptJson;
    expect(combined).toMatchObject({ status_code: "SUCCESS" });

    const executed = await chunkReceipt(c.shardAt(home), 1, t.hash, true);
    // The settle changed the shown receipt: without `hashed` the raw block would serve that one.
    expect(receiptHash(combined)).not.toBe(receiptHash(executed));
    expect((await c.shardAt(home).chunkAt(1))!.receiptHashes).toContain(receiptHash(executed));
    // /getBlockByNumber's txs keep the combined receipt.
    expect(await chunkReceipt(c.shardAt(home), 1, t.hash, false)).toEqual(combined);

    const raw = (await c.coord.rawBlock(1, true)) as any;
    const hashes = rawReceiptHashes(raw.block.receipts);
    expect(base58Encode(receiptMerkleRoot(hashes))).toBe(base58Encode(b64(raw.block.head.txReceiptMerkleHash)));
    const onlyHash = (await c.coord.rawBlock(1, false)) as any;
    expect(onlyHash.block.receiptHashes.map(b64)).toEqual(hashes);
  });

  test("a revert below the settle height restores both receipts; the settle applied again keeps the executed one", async () => {
    const a = chain("raw-revert-a");
    await a.coord.chainInfo();
    const t = crossTx();
    await a.shardAt(home).submitTx(t.bytes, t.hash);
    await tick(a, 3);
    const b = chain("raw-revert-b");
    const apply = async (n: number) => {
      const ctx = await ctxOf(a, n);
      for (let i = 0; i < N; i++) {
        const [txs, chunk] = await Promise.all([a.shardAt(i).chunkTxs(n), a.shardAt(i).chunkAt(n)]);
        expect(await b.shardAt(i).applyChunk(ctx, txs, chunk!), `shard ${i} height ${n}`).toEqual(chunk);
      }
    };
    // The index row as it is stored: a revert must bring back this one, not only what the views show.
    const row = () =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${b.id}:shard-${home}`), (_i, state) =>
        state.storage.sql.exec("SELECT receipt, hashed, pending, visible FROM tx_index WHERE hash = ?", t.hash).one(),
      );
    for (const n of [1, 2]) await apply(n);
    const unsettled = await row();
    expect(unsettled.hashed).toBeNull();
    expect(unsettled.visible).toBeNull();
    await apply(3);
    expect((await row()).hashed).toBe(unsettled.receipt);
    // A settle comes back: nothing of the tx is still to land elsewhere.
    expect((await row()).visible).toBeNull();
    const executed = await chunkReceipt(a.shardAt(home), 1, t.hash, true);
    const combined = await chunkReceipt(a.shardAt(home), 1, t.hash, false);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, true)).toEqual(executed);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, false)).toEqual(combined);

    for (let i = 0; i < N; i++) expect(await b.shardAt(i).revertTo(2)).toEqual({ head: 2 });
    // Before the settle: the row as it was (no second copy of the receipt), one receipt for both views.
    expect(await row()).toEqual(unsettled);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, false)).toEqual(executed);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, true)).toEqual(executed);

    await apply(3);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, true)).toEqual(executed);
    expect(await chunkReceipt(b.shardAt(home), 1, t.hash, false)).toEqual(combined);
  });
});

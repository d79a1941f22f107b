/**
 * A RAM buy paid by a co-signer, published off the market's shard, in the real Shard and Coordinator Durable
 * Objects (docs/SHARDING.md "One RAM market", a co-signer's own iost or RAM): the trade runs on the publisher's
 * shard on the market's records fetched from shard 0 and the co-signer's from a third shard, every object
 * evicted while its reads are in flight; the bytes land with the publisher, the price leaves the co-signer's
 * balance on its shard, and the market's records change on shard 0 only. A co-signer's lend of its RAM runs
 * there too, on its records fetched from its shard ("RAM lent across shards").
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ChunkContext, ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { shardOf } from "../../src/sharding/placement";
import { newChain, nodeEnv, tick, tickUntilFinal } from "../workers/helpers";
import { ADMIN_KEY, makeTx } from "../workers/txs";

const N = 4;
const names = Array.from({ length: 40 }, (_, i) => `cosig${String(i).padStart(2, "0")}`);
/** The publisher, off the market's shard, and its co-signer, on a third shard. */
const pub = names.find((n) => shardOf(n, N) !== 0 && shardOf(n, N) !== shardOf("admin", N))!;
const mate = names.find((n) => ![0, shardOf(pub, N), shardOf("admin", N)].includes(shardOf(n, N)))!;

type Account = { balance: number; ram_info: { available: string; used: string; total: string } };
type Chain = ReturnType<typeof newChain>;

/** A chain where `pub` and `mate` exist, each with 1024 bytes it bought (`SR`), gas and iost; its shards' stubs. */
async function withAccounts(name: string): Promise<{ c: Chain; at: (i: number) => ShardInternal; account: (n: string) => Promise<Account> }> {
  const c = newChain(name);
  const at = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
  const account = async (n: string) => (await at(shardOf(n, N)).read("getAccount", n)) as Account;
  await c.coord.chainInfo();
  const admin = () => at(shardOf("admin", N));
  const create = makeTx({
    actions: [pub, mate].flatMap((n) => [
      { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([n, ADMIN_KEY, ADMIN_KEY]) },
      { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", n, 1024]) },
      { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", n, "50"]) },
      { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", n, "1000", ""]) },
    ]),
  });
  await admin().submitTx(create.bytes, create.hash);
  await tickUntilFinal(c, admin, [create.hash]);
  expect(await admin().getTxReceipt(create.hash)).toMatchObject({ status_code: "SUCCESS" });
  return { c, at, account };
}

/**
 * `action` published by `pub`, co-signed by `mate`, sent to its home and run there with every object evicted while its
 * reads (of the co-signer's shard, and the market's for a trade) are in flight; its final receipt.
 */
async function coSigned(c: Chain, at: (i: number) => ShardInternal, action: string, args: unknown[]): Promise<unknown> {
  const tx = makeTx({ publisher: pub, signers: [`${mate}@active`], actions: [{ contract: "ram.iost", actionName: action, data: JSON.stringify(args) }] });
  const home = () => at(shardOf(pub, N));
  expect(await home().submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
  await tick(c); // parked at home: the records it reads asked of their shards
  await abortAllDurableObjects();
  expect(await home().getTxReceipt(tx.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
  await tickUntilFinal(c, home, [tx.hash]);
  return await home().getTxReceipt(tx.hash);
}

describe("four shards: a co-signer of a third shard pays a RAM buy published off the market's shard", () => {
  test("the publisher gets the bytes, the co-signer pays the price on its shard, the market moves on shard 0", async () => {
    const { c, at, account } = await withAccounts("cosigner");
    const market = async () => (await at(0).read("getRAMInfo")) as { used_ram: string; available_ram: string };
    const [pub0, mate0, market0] = [await account(pub), await account(mate), await market()];

    const receipt = (await coSigned(c, at, "buy", [mate, pub, 100])) as { status_code: string; returns: string[] };
    expect(receipt).toMatchObject({ status_code: "SUCCESS", message: "" });
    const price = Number(JSON.parse(receipt.returns[0])[0]);
    expect(price).toBeGreaterThan(0);
    const [pub1, mate1, market1] = [await account(pub), await account(mate), await market()];
    expect([BigInt(pub1.ram_info.available), BigInt(pub1.ram_info.total)]).toEqual([
      BigInt(pub0.ram_info.available) + 100n,
      BigInt(pub0.ram_info.total) + 100n,
    ]);
    expect(mate1.balance).toBeCloseTo(mate0.balance - price, 8);
    expect(mate1.ram_info).toEqual(mate0.ram_info);
    expect(BigInt(market1.used_ram)).toBe(BigInt(market0.used_ram) + 100n);
  });

  test("a co-signer of a third shard lends its RAM to the publisher: the bytes move, the market does not", async () => {
    const { c, at, account } = await withAccounts("cosigner-lend");
    const market = async () => await at(0).read("getRAMInfo");
    const [pub0, mate0, market0] = [await account(pub), await account(mate), await market()];
    expect(await coSigned(c, at, "lend", [mate, pub, 100])).toMatchObject({ status_code: "SUCCESS", message: "" });
    const [pub1, mate1] = [await account(pub), await account(mate)];
    const ram = (a: Account) => [BigInt(a.ram_info.available), BigInt(a.ram_info.total)];
    expect(ram(pub1)).toEqual(ram(pub0).map((b) => b + 100n));
    expect(ram(mate1)).toEqual(ram(mate0).map((b) => b - 100n));
    expect(await market()).toEqual(market0);
  });

  test("the receipt waits for the chunk landing the co-signer's writes to be final; a revert takes the wait back", async () => {
    const { c, at, account } = await withAccounts("cosigner-landed");
    const mate0 = await account(mate);
    const tx = makeTx({
      publisher: pub,
      signers: [`${mate}@active`],
      actions: [{ contract: "ram.iost", actionName: "lend", data: JSON.stringify([mate, pub, 100]) }],
    });
    const home = () => at(shardOf(pub, N));
    const row = () =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${c.id}:shard-${shardOf(pub, N)}`), (_i, state) =>
        state.storage.sql.exec<{ pending: number; visible: number | null }>("SELECT pending, visible FROM tx_index WHERE hash = ?", tx.hash).one(),
      );
    expect(await home().submitTx(tx.bytes, tx.hash)).toEqual({ hash: tx.hash });
    let decided = 0;
    for (let i = 0; i < 10 && decided === 0; i++) {
      await tick(c);
      if ((await row()).visible !== null) decided = (await c.coord.status()).head;
    }
    // Decided at home in `decided`, its release sent then: the co-signer's shard lands it in the next chunk.
    expect(decided).toBeGreaterThan(0);
    expect(await row()).toEqual({ pending: 0, visible: decided + 1 });
    expect((await c.coord.status()).lib).toBe(decided);
    expect(await home().getTxReceipt(tx.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    expect((await account(mate)).ram_info).toEqual(mate0.ram_info);
    await tick(c);
    expect(await home().getTxReceipt(tx.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(BigInt((await account(mate)).ram_info.total)).toBe(BigInt(mate0.ram_info.total) - 100n);

    // A follower fed the chain's chunks keeps the same row; reverted below the decision, the row is as it was.
    const b = newChain("cosigner-landed-follower");
    const follower = (i: number): ShardInternal => shardStub(nodeEnv, `${b.id}:shard-${i}`);
    for (let n = 1; n <= decided + 1; n++) {
      const [block, parent] = await Promise.all([c.coord.storedBlock(n), c.coord.storedBlock(n - 1)]);
      const ctx: ChunkContext = {
        height: n,
        time: block!.time,
        parentHash: block!.parentHash,
        witness: block!.witness,
        parentWitness: parent!.witness,
        parentTime: parent!.time,
      };
      for (let i = 0; i < N; i++) {
        const [txs, chunk] = await Promise.all([at(i).chunkTxs(n), at(i).chunkAt(n)]);
        expect(await follower(i).applyChunk(ctx, txs, chunk!), `shard ${i} height ${n}`).toEqual(chunk);
      }
    }
    const followerRow = () =>
      runInDurableObject(nodeEnv.SHARD.getByName(`${b.id}:shard-${shardOf(pub, N)}`), (_i, state) =>
        state.storage.sql.exec<{ visible: number | null }>("SELECT visible FROM tx_index WHERE hash = ?", tx.hash).one(),
      );
    expect(await followerRow()).toEqual({ visible: decided + 1 });
    for (let i = 0; i < N; i++) expect(await follower(i).revertTo(decided - 1)).toEqual({ head: decided - 1 });
    expect(await followerRow()).toEqual({ visible: null });
  });
});

/**
 * Proof of Believability through the Durable Objects on four shards: a
 * producer placed on shard 1 votes (forwarded to shard 0, where vote.iost
 * locks the IOST), unvotes (the refund comes home frozen), and the PoB reads
 * are served by shard 0 and the edge routes. RAM a tx frees of a record an
 * account of another shard paid reaches that account's shard (a `free` receipt).
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { keyPairFromBase58 } from "../../src/crypto/keys";
import { shardOf } from "../../src/sharding/placement";
import { ED25519 } from "../../src/tx/types";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const producer = DEV_PRODUCERS[0];
const key = keyPairFromBase58(ED25519, producer.secret).secretKey;

type Balance = { balance: number; frozen_balances: { amount: number; time: string }[] };

describe("Proof of Believability on four shards", () => {
  test("a producer of shard 1 votes and unvotes through shard 0; the refund arrives frozen at home", async () => {
    expect(shardOf(producer.id, N)).not.toBe(0);
    const c = newChain("pob");
    const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const home = shardAt(shardOf(producer.id, N));
    const iost = async () => (await home.read("getTokenBalance", producer.id, "iost")) as Balance;
    await c.coord.chainInfo();

    const fund = makeTx({ to: producer.id, amount: "3000" });
    await shardAt(shardOf("admin", N)).submitTx(fund.bytes, fund.hash);
    await tick(c, 2);
    expect((await iost()).balance).toBe(3000);

    const actions = (name: string, amount: string) => [
      { contract: "vote_producer.iost", actionName: name, data: JSON.stringify([producer.id, producer.id, amount]) },
    ];
    const vote = makeTx({ publisher: producer.id, secretKey: key, actions: actions("vote", "1000") });
    expect(await home.submitTx(vote.bytes, vote.hash)).toEqual({ hash: vote.hash });
    await tick(c, 3); // forwarded, run on shard 0, settled
    expect(await home.getTxReceipt(vote.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect((await iost()).balance).toBe(2000);
    expect(await shardAt(0).read("getProducerVoteInfo", producer.id)).toMatchObject({ pubkey: producer.pubkey, votes: 1000 });
    // Other shards' copies of vote_producer.iost never see votes.
    expect(await shardAt(1).read("getProducerVoteInfo", producer.id)).toMatchObject({ votes: 0 });

    const unvote = makeTx({ publisher: producer.id, secretKey: key, actions: actions("unvote", "400") });
    await home.submitTx(unvote.bytes, unvote.hash);
    await tick(c, 4); // forwarded, run on shard 0 (a frozen credit leaves), credited home, settled
    expect(await home.getTxReceipt(unvote.hash)).toMatchObject({ status_code: "SUCCESS" });
    const after = await iost();
    expect(after.balance).toBe(2000);
    expect(after.frozen_balances.map((f) => f.amount)).toEqual([400]);
    expect(await shardAt(0).read("getProducerVoteInfo", producer.id)).toMatchObject({ votes: 600 });
    expect(await shardAt(0).read("getVoterBonus", producer.id)).toEqual({ bonus: 0, detail: {} });
  });

  test("RAM a tx frees of a frozen record an account of another shard paid goes back to that account's shard", async () => {
    const c = newChain("free");
    const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const [admin, payer] = [shardAt(shardOf("admin", N)), shardAt(shardOf(producer.id, N))];
    expect(shardOf("admin", N)).not.toBe(shardOf(producer.id, N));
    type Ram = { ram_info: { available: string; used: string } };
    const ram = async () => ((await payer.read("getAccount", producer.id)) as Ram).ram_info;
    await c.coord.chainInfo();
    const fund = makeTx({ to: producer.id, amount: "3000" });
    await admin.submitTx(fund.bytes, fund.hash);
    await tick(c, 2);
    // The producer freezes iost to admin, due at once: admin's frozen record is the producer's RAM.
    const freeze = makeTx({
      publisher: producer.id,
      secretKey: key,
      actions: [{ contract: "token.iost", actionName: "transferFreeze", data: JSON.stringify(["iost", producer.id, "admin", "2", 1, ""]) }],
    });
    await payer.submitTx(freeze.bytes, freeze.hash);
    await tick(c, 3);
    expect(await payer.getTxReceipt(freeze.hash)).toMatchObject({ status_code: "SUCCESS" });
    const before = await ram();
    // admin's transfer at home unfreezes it: the record goes, and so does the producer's RAM in it.
    const spend = makeTx({ to: "admin", amount: "1" });
    await admin.submitTx(spend.bytes, spend.hash);
    await tick(c);
    // The free receipt lands on the producer's shard in the next block, and the receipt waits for it.
    expect(await admin.getTxReceipt(spend.hash)).toEqual({ error: "failed to Get the receipt hash: tx has cross-shard receipts in flight" });
    await tick(c);
    const r = (await admin.getTxReceipt(spend.hash)) as { status_code: string; ram_usage: Record<string, number> };
    expect(r.status_code).toBe("SUCCESS");
    const freed = -r.ram_usage[producer.id];
    expect(freed).toBeGreaterThan(0);
    const after = await ram();
    expect(BigInt(after.available) - BigInt(before.available)).toBe(BigInt(freed));
    expect(BigInt(before.used) - BigInt(after.used)).toBe(BigInt(freed));
  });

  test("the edge serves the PoB reads from shard 0 with IOST's errors", async () => {
    const info = await SELF.fetch(`http://node/getProducerVoteInfo/${producer.id}/true`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ pubkey: producer.pubkey, is_producer: true, status: "APPROVED" });
    const none = await SELF.fetch("http://node/getProducerVoteInfo/nobody01/true");
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({ code: 2, message: "can't get producer vote info" });
    expect(await (await SELF.fetch("http://node/getVoterBonus/nobody01/1")).json()).toEqual({ bonus: 0, detail: {} });
    expect(await (await SELF.fetch("http://node/getCandidateBonus/nobody01/false")).json()).toEqual({ bonus: 0 });
    const bad = await SELF.fetch("http://node/getCandidateBonus/abc/true");
    expect(await bad.json()).toEqual({ code: 2, message: "id invalid. id length should be between 5,11 - 3 " });
    const contribute = await SELF.fetch(`http://node/getTokenBalance/${producer.id}/contribute/true`);
    expect(await contribute.json()).toMatchObject({ balance: expect.any(Number) });
  });
});

/**
 * Issue 12, item 1 against the Durable Objects with four shards: a tx of
 * admin's whose action is `gas.iost/pledge` for an account of another shard,
 * under a negative amount_limit, used to credit admin 90,000,000,000 IOST at
 * home (a negative escrow). Every door refuses it now: the edge (/sendTx,
 * /execTx), the shard's pool admission, a peer chunk carrying it; balances and
 * supply stay as they were.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { shardStub } from "../../durable-objects/env";
import { checkGivenTxs } from "../../durable-objects/shard/chunk-sync";
import { sign } from "../../src/crypto/signature";
import { shardOf } from "../../src/sharding/placement";
import { FULL, publishHash, txBytes, txId, txToRequestJson } from "../../src/tx/index";
import { ED25519, type AmountLimit } from "../../src/tx/types";
import { newChain, nodeEnv, tick } from "../workers/helpers";
import { admin, makeTx } from "../workers/txs";
import { BAD_LIMITS } from "../unit/tx/bad-limits";

const N = 4;
const GENESIS = ["admin", "foundation", "producer000", "deadaddr"];
const remote = GENESIS.find((a) => shardOf(a, N) !== shardOf("admin", N))!;

/** admin pledges 10 IOST for `remote` (forwarded to its shard) under `limits`. */
function attack(limits: AmountLimit[]) {
  const { tx } = makeTx({ actions: [{ contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", remote, "10"]) }] });
  tx.amountLimit = limits;
  tx.publisherSigs = [sign(ED25519, admin.secretKey, publishHash(tx))];
  return { tx, bytes: txBytes(tx, FULL), hash: txId(tx) };
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  return (await (await SELF.fetch(`http://node${path}`)).json()) as Record<string, unknown>;
}

/** Every genesis account's iost (whole units, as the RPC shows them) and the iost supply. */
async function holdings(): Promise<unknown[]> {
  const balances = await Promise.all(GENESIS.map(async (a) => (await getJson(`/getTokenBalance/${a}/iost/true`)).balance));
  return [...balances, (await getJson("/getTokenInfo/iost/true")).current_supply];
}

describe("a pledge for another shard's account under a bad amount_limit", () => {
  test("the edge answers IOST-style errors on /sendTx and /execTx; nothing enters a pool; balances and supply unchanged", async () => {
    await getJson("/getChainInfo");
    const before = await holdings();
    expect(before[0]).toBeGreaterThan(0);
    for (const [token, value, reason] of BAD_LIMITS) {
      const body = txToRequestJson(attack([{ token, value }]).tx);
      for (const path of ["/sendTx", "/execTx"]) {
        const res = await SELF.fetch(`http://node${path}`, { method: "POST", body });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ code: 2, message: `invalid amountLimit, {${token} ${value}}: ${reason}` });
      }
    }
    const home = nodeEnv.SHARD.getByName(`shard-${shardOf("admin", N)}`) as unknown as ShardInternal;
    expect(await home.poolSize()).toBe(0);
    await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks: 3 }) });
    expect(await holdings()).toEqual(before);
  });

  test("the shard's pool admission refuses it too (a caller that skips the edge); the chain runs on unchanged", async () => {
    const c = newChain("limit");
    const shardAt = (i: number): ShardInternal => shardStub(nodeEnv, `${c.id}:shard-${i}`);
    const home = shardAt(shardOf("admin", N));
    const iost = async (a: string) => ((await shardAt(shardOf(a, N)).read("getTokenBalance", a, "iost")) as { balance: number }).balance;
    const supply = async () => ((await shardAt(0).read("getTokenInfo", "iost")) as { current_supply: string }).current_supply;
    await c.coord.chainInfo();
    const [a0, r0, s0] = [await iost("admin"), await iost(remote), await supply()];
    for (const [token, value, reason] of [...BAD_LIMITS, ["iost", "100000000000", "overflow error"]]) {
      const t = attack([{ token, value }]);
      expect(await home.submitTx(t.bytes, t.hash)).toEqual({ error: `invalid amountLimit, {${token} ${value}}: ${reason}` });
    }
    expect(await home.poolSize()).toBe(0);
    await tick(c, 3);
    expect([await iost("admin"), await iost(remote), await supply()]).toEqual([a0, r0, s0]);
    // The same pledge under a valid limit goes through: the refusals above are the limits'.
    const ok = attack([{ token: "iost", value: "10" }]);
    expect(await home.submitTx(ok.bytes, ok.hash)).toEqual({ hash: ok.hash });
    await tick(c, 3);
    expect(await home.getTxReceipt(ok.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(await iost("admin")).toBe(a0 - 10);
  });

  test("under a valid limit, getAccount's pledged_info lists it on the pledger (held by the user's shard, in one shard's order)", async () => {
    const t = attack([{ token: "iost", value: "10" }]);
    expect((await SELF.fetch("http://node/sendTx", { method: "POST", body: txToRequestJson(t.tx) })).status).toBe(200);
    await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks: 3 }) });
    expect(await getJson(`/getTxReceiptByTxHash/${t.hash}`)).toMatchObject({ status_code: "SUCCESS" });
    const acc = await getJson("/getAccount/admin/true");
    // admin pledged 100 for each genesis account at genesis (those of other shards are held there too), now 10 more.
    const listed = (acc.gas_info as { pledged_info: { pledger: string; amount: number }[] }).pledged_info;
    // In genesis's pledge order, as one shard lists them, not by shard (src/sharding/pledges.ts).
    expect(listed.map((p) => p.pledger)).toEqual(GENESIS.filter((a) => a !== "deadaddr"));
    expect(listed).toContainEqual({ pledger: remote, amount: 110 });
    expect(acc).not.toHaveProperty("pledge_order");
  });

  test("a peer chunk carrying it cannot be valid: refused before it runs", async () => {
    const t = attack([{ token: "iost", value: "-90000000000" }]);
    const given = await checkGivenTxs([t.bytes], { chainId: 1020, blockTime: t.tx.time + 1_000_000_000n, base: null });
    expect(given).toEqual({ error: `tx 0 (${t.hash}): VerifyError invalid amountLimit, {iost -90000000000}: negative amount` });
  });
});

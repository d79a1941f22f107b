/**
 * amount_limit as IOST means it (docs/SHARDING.md "Escrow"), through the real
 * `iost` SDK on N = 4 (default; SHARD_COUNT=1 runs the same): with iwallet's
 * and itest's default `*:unlimited`, eight account creations admin sends at
 * once all land on chain — those whose account lives on another shard than
 * admin's forward their actions there, and none of them takes admin's balance
 * from the others. A limit above the balance is only a cap; a tx spending iost
 * without a limit for it fails with IOST's text and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { Algorithm, balanceOf, get, KeyPair, sendAndFollow, uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

/** iost.newAccount (signUp, buy, pledge) under `limits` as the tx's whole amount_limit. */
function create(name: string, limits: { token: string; value: string }[]): any {
  const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
  const tx = node.client.iost.newAccount(name, "admin", kp.B58PubKey(), kp.B58PubKey(), 1024, 10);
  // The SDK's addApprove refuses `*`: iwallet's and itest's default is set as they send it.
  tx.amount_limit = limits;
  return tx;
}

const shardOf = async (name: string): Promise<number> => (await get(node.url, `/getShardInfo/${name}`)).body.shard;

/** A fresh name on another shard than admin's (any name with N = 1), so its creation is forwarded there. */
async function awayName(prefix: string): Promise<string> {
  const home = await shardOf("admin");
  for (let i = 0; i < 64; i++) {
    const n = uniqueName(prefix);
    const info = (await get(node.url, `/getShardInfo/${n}`)).body;
    if (info.shard_count === 1 || info.shard !== home) return n;
  }
  throw new Error("no name of another shard");
}

describe("amount_limit (iost SDK)", () => {
  it("eight account creations admin sends at once under `*:unlimited`: all on chain", async () => {
    const names = Array.from({ length: 8 }, () => uniqueName("al"));
    const home = await shardOf("admin");
    const away = (await Promise.all(names.map(shardOf))).filter((s) => s !== home).length;
    const outs = await Promise.all(names.map((n) => sendAndFollow(node.client, create(n, [{ token: "*", value: "unlimited" }]))));
    expect(outs.map((o) => [o.ok, o.ok ? o.result.status_code : String(JSON.stringify(o.result)).slice(0, 200)])).toEqual(names.map(() => [true, "SUCCESS"]));
    for (const n of names) expect((await get(node.url, `/getAccount/${n}/true`)).body.name).toBe(n);
    // Names are placed by hash: with N = 4 most of the eight live away from admin.
    if ((await get(node.url, "/getShardInfo/admin")).body.shard_count > 1) expect(away).toBeGreaterThan(0);
  });

  it("a limit above admin's balance is only a cap: the account is created", async () => {
    const name = await awayName("alcap");
    const above = String(Math.ceil(await balanceOf(node.client, "admin")) + 1);
    const out = await sendAndFollow(node.client, create(name, [{ token: "iost", value: above }]));
    expect([out.ok, out.result.status_code]).toEqual([true, "SUCCESS"]);
    expect((await get(node.url, `/getAccount/${name}/true`)).body.name).toBe(name);
  });

  it.each([
    ["no limit for iost", []],
    ["a limit below what signUp pledges", [{ token: "iost", value: "5" }]],
  ])("%s: IOST's `exceed amountLimit` text, no account, admin's balance unchanged", async (_, limits) => {
    const name = await awayName("alno");
    const before = await balanceOf(node.client, "admin");
    const out = await sendAndFollow(node.client, create(name, limits));
    expect(out.ok).toBe(false);
    expect(out.result.status_code).toBe("RUNTIME_ERROR");
    expect(out.result.message).toContain("error: token iost exceed amountLimit in tx. need 10");
    expect((await get(node.url, `/getAccount/${name}/true`)).status).not.toBe(200);
    expect(await balanceOf(node.client, "admin")).toBe(before);
  });
});

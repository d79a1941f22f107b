/**
 * The shard's dev measuring aids (durable-objects/shard/bench.ts, BENCHMARKS.md "Ceilings" and
 * "State size"): the raw SQLite rate leaves no table or row behind; the bulk seed writes, under
 * each new name, the rows a real sign-up left for its template, so the seeded accounts read and
 * take transfers like it; bad input changes nothing.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { seedName } from "../../durable-objects/shard/bench";
import { dumpTables, newChain, tick } from "./helpers";
import { makeTx } from "./txs";

type Chain = ReturnType<typeof newChain>;

const KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto"; // the dev admin's public key

const tables = (c: Chain) =>
  runInDurableObject(c.shardRaw, (_o, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .toArray()
      .map((r) => r.name),
  );

const stateRows = (c: Chain) =>
  runInDurableObject(c.shardRaw, (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM state_kv").one().n);

/** A chain whose shard holds `tmpl01`, signed up, pledged for and funded by admin as the bench does its senders. */
async function withTemplate(label: string): Promise<Chain> {
  const c = newChain(label);
  const setup = makeTx({
    actions: [
      { contract: "auth.iost", actionName: "signUp", data: JSON.stringify(["tmpl01", KEY, KEY]) },
      { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", "tmpl01", "100"]) },
      { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", "tmpl01", "1000", ""]) },
    ],
  });
  expect(await c.shard.submitTx(setup.bytes, setup.hash)).toEqual({ hash: setup.hash });
  await tick(c);
  expect(await c.shard.getTxReceipt(setup.hash)).toMatchObject({ status_code: "SUCCESS" });
  return c;
}

describe("benchRows", () => {
  test("times n writes and reads inside the object and leaves no table or row behind", async () => {
    const c = newChain("bench-rows");
    await c.shard.status();
    const before = { tables: await tables(c), dump: await dumpTables(c.shardRaw) };
    const r = await c.shard.benchRows(2_000);
    expect(r).toMatchObject({ n: 2_000 });
    if ("error" in r) throw new Error(r.error);
    expect(r.writeMs).toBeGreaterThan(0);
    expect(r.readMs).toBeGreaterThan(0);
    expect(await tables(c)).toEqual(before.tables);
    expect(await dumpTables(c.shardRaw)).toEqual(before.dump);
  });

  test("refuses n outside 1..MAX_BENCH_ROWS", async () => {
    const c = newChain("bench-rows-bad");
    for (const n of [0, -3, 100_001, 1.5]) expect(await c.shard.benchRows(n)).toEqual({ error: `invalid n ${n}: an integer from 1 to 100000` });
  });
});

describe("seedAccounts", () => {
  test("seeded accounts read as the template does, take a transfer, and leave the state root alone", async () => {
    const c = await withTemplate("seed");
    const root = (await c.shard.status()).stateRoot;
    const rows = await stateRows(c);
    // Read before it exists: the shard's read cache (sql-store.ts) must not answer "absent" after the seed.
    expect(await c.shard.read("getAccount", seedName(33))).toEqual({ error: expect.stringContaining("not") });
    const seeded = await c.shard.seedAccounts("tmpl01", 10, 40);
    if ("error" in seeded) throw new Error(seeded.error);
    expect(seeded.accounts).toBe(40);
    const perAccount = seeded.rows / 40;
    expect(perAccount).toBeGreaterThanOrEqual(3); // the account, its balance, its gas pledge at least
    expect(await stateRows(c)).toBe(rows + seeded.rows);
    expect((await c.shard.status()).stateRoot).toBe(root);

    const name = seedName(33);
    const template = (await c.shard.read("getAccount", "tmpl01")) as Record<string, unknown>;
    const account = (await c.shard.read("getAccount", name)) as Record<string, unknown>;
    expect(account.name).toBe(name);
    expect(account.balance).toBe(template.balance);
    expect(account.permissions).toEqual(template.permissions);
    expect(account.gas_info).toEqual(template.gas_info);
    expect(await c.shard.read("getAccount", seedName(50))).toEqual({ error: expect.stringContaining("not") }); // past the range

    const t = makeTx({ to: name, amount: "7" });
    expect(await c.shard.submitTx(t.bytes, t.hash)).toEqual({ hash: t.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(t.hash)).toMatchObject({ status_code: "SUCCESS" });
    expect(((await c.shard.read("getTokenBalance", name, "iost")) as { balance: number }).balance).toBe(1007);

    // Again: the same rows, nothing added.
    const again = await stateRows(c);
    expect(await c.shard.seedAccounts("tmpl01", 10, 40)).toMatchObject({ accounts: 40, rows: seeded.rows });
    expect(await stateRows(c)).toBe(again);

    // The template's rows as they are now: read again once the state moved (the object keeps them between calls).
    const more = makeTx({ to: "tmpl01", amount: "5" });
    expect(await c.shard.submitTx(more.bytes, more.hash)).toEqual({ hash: more.hash });
    await tick(c);
    expect(await c.shard.seedAccounts("tmpl01", 60, 1)).toMatchObject({ accounts: 1 });
    expect(((await c.shard.read("getTokenBalance", seedName(60), "iost")) as { balance: number }).balance).toBe(1005);
  });

  test("bad input is refused and writes nothing", async () => {
    const c = await withTemplate("seed-bad");
    const before = await dumpTables(c.shardRaw);
    expect(await c.shard.seedAccounts("Tmpl-01", 0, 5)).toEqual({ error: 'invalid template "Tmpl-01": an account name' });
    expect(await c.shard.seedAccounts("nobody1", 0, 5)).toEqual({ error: "template account nobody1 is not on this shard" });
    for (const [from, count] of [
      [0, 0],
      [-1, 5],
      [0, 100_001],
      [99_999_999, 2],
      [0.5, 5],
    ]) {
      expect(await c.shard.seedAccounts("tmpl01", from, count)).toEqual({
        error: `invalid range from ${from} count ${count}: count 1 to 100000, names below 100000000`,
      });
    }
    expect(await dumpTables(c.shardRaw)).toEqual(before);

    // Rows are found by name prefix: a template that starts another account's name is refused.
    const other = makeTx({ actions: [{ contract: "auth.iost", actionName: "signUp", data: JSON.stringify(["tmpl01b", KEY, KEY]) }] });
    expect(await c.shard.submitTx(other.bytes, other.hash)).toEqual({ hash: other.hash });
    await tick(c);
    expect(await c.shard.getTxReceipt(other.hash)).toMatchObject({ status_code: "SUCCESS" });
    const after = await dumpTables(c.shardRaw);
    expect(await c.shard.seedAccounts("tmpl01", 0, 5)).toEqual({ error: "template account tmpl01 is the start of another account's name (tmpl01b)" });
    expect(await dumpTables(c.shardRaw)).toEqual(after);
  });
});

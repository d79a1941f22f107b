/**
 * Dev-only measuring aids of a shard (workers/rpc/dev.ts `/dev/bench/*`, BENCHMARKS.md "Ceilings"
 * and "State size"): the raw SQLite rate of this object, which bounds what a chunk build can do,
 * and a bulk seed of accounts, so a bench can see how execution and reads change with the size of
 * the state without a million sign-up txs.
 *
 * The seed is outside consensus: it copies a real account's rows (what its sign-up, pledge and
 * transfer wrote) under new names straight into `state_kv`, in one transaction per call. No
 * chunk's writes hold them, so no state root covers them and no peer has them: a bench node's
 * state, which is why only a DEV node takes it.
 */
import { shardOf } from "../../src/sharding/placement";
import { MAX_SEED_ACCOUNTS } from "../config";
import type { SqlStore } from "../sql-store";

/** Seeded names are `s` and 8 digits, so indexes stay below this. */
export const SEED_NAMES = 100_000_000;

/** The name of seeded account `i`: as long as a bench sender's (`bench0000`), so rows keep their size. */
export const seedName = (i: number): string => `s${String(i).padStart(8, "0")}`;

/** A state_kv-shaped table of its own: `_` names are no data for snapshots (snapshots.ts). */
const TABLE = "_bench_rows";

/** Keys in scattered order, as state keys arrive (a sequential key would only ever append). */
const benchKey = (i: number): string => `b-bench-${(Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, "0")}-${i}`;
/** About the size of an account's rows (a balance is ~20 bytes, an account's JSON ~300). */
const VALUE = "s".padEnd(100, "x");

export interface RowsRate {
  n: number;
  /** Inserting the n rows in one transaction, the commit included. */
  writeMs: number;
  /** Reading each row back by key, one statement each (as SqlStore.get does). */
  readMs: number;
}

/** Times `n` inserts in one transaction and `n` point reads, on a scratch table dropped afterwards. */
export function rowsRate(sql: SqlStorage, transaction: (run: () => void) => void, n: number): RowsRate {
  sql.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  sql.exec(`CREATE TABLE ${TABLE} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
  try {
    let start = performance.now();
    transaction(() => {
      for (let i = 0; i < n; i++) sql.exec(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?)`, benchKey(i), VALUE);
    });
    const writeMs = performance.now() - start;
    start = performance.now();
    for (let i = 0; i < n; i++) {
      if (sql.exec(`SELECT value FROM ${TABLE} WHERE key = ?`, benchKey(i)).toArray().length !== 1) throw new Error(`bench row ${i} missing`);
    }
    return { n, writeMs, readMs: performance.now() - start };
  } finally {
    sql.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}

/** An account name as IOST allows it (go-iost config/genesis/contract/account.js: 5–11 of a-z, 0-9, _). */
const ACCOUNT = /^[a-z0-9_]{5,11}$/;

/**
 * `name` (an ACCOUNT) in a key: after `-` or a prefix such as `TB`, and followed by anything (gas.iost
 * keys append `gt`, `gs`… to the name); in a value, standing whole (a payer, a JSON string).
 */
const inKey = (name: string): RegExp => new RegExp(`(?<![a-z0-9_.])${name}`, "g");
const inValue = (name: string): RegExp => new RegExp(`(?<![a-z0-9_.])${name}(?![a-z0-9_.])`, "g");

/** The state rows of account `template` at the head: its keys and values, in key order. */
function accountRows(sql: SqlStorage, kv: SqlStore, template: string): [string, string][] {
  const re = inKey(template);
  const rows = new Map<string, string | null>();
  for (const r of sql.exec<{ key: string; value: string }>("SELECT key, value FROM state_kv WHERE instr(key, ?) > 0", template)) rows.set(r.key, r.value);
  for (const [k, v] of kv.overlaid()) if (k.includes(template)) rows.set(k, v);
  const out: [string, string][] = [];
  for (const k of [...rows.keys()].sort()) {
    const v = rows.get(k);
    re.lastIndex = 0;
    if (v !== null && v !== undefined && re.test(k)) out.push([k, v]);
  }
  return out;
}

/** The last template's rows, by object: a scan of the whole state per call would grow with the seed itself. */
const templates = new WeakMap<SqlStorage, { template: string; root: string; rows: [string, string][] }>();

/** `accountRows`, again from memory while the state root is the same (a seed never writes the template's rows). */
function templateRows(sql: SqlStorage, kv: SqlStore, template: string, root: string): [string, string][] {
  const known = templates.get(sql);
  if (known?.template === template && known.root === root) return known.rows;
  const rows = accountRows(sql, kv, template);
  templates.set(sql, { template, root, rows });
  return rows;
}

export interface Seeded {
  /** Accounts written here (names of [from, from + count) placed on this shard). */
  accounts: number;
  rows: number;
  ms: number;
}

/**
 * Copies `template`'s rows to accounts `seedName(from) …` (`count` names; those placed on another
 * shard are skipped), the name replaced in keys and values, in one transaction. Seeding a range
 * again writes the same rows again.
 */
export function seedAccounts(
  sql: SqlStorage,
  kv: SqlStore,
  transaction: (run: () => void) => void,
  place: { index: number; count: number },
  root: string,
  template: string,
  from: number,
  count: number,
): Seeded | { error: string } {
  if (!ACCOUNT.test(template)) return { error: `invalid template ${JSON.stringify(template)}: an account name` };
  if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 1 || count > MAX_SEED_ACCOUNTS || from + count > SEED_NAMES) {
    return { error: `invalid range from ${from} count ${count}: count 1 to ${MAX_SEED_ACCOUNTS}, names below ${SEED_NAMES}` };
  }
  const start = performance.now();
  const rows = templateRows(sql, kv, template, root);
  if (!rows.some(([k]) => k === `m-auth.iost-auth-${template}`)) return { error: `template account ${template} is not on this shard` };
  // Its keys are found by name prefix, so another account's name must not start with it.
  const longer = rows.find(([k]) => k.startsWith(`m-auth.iost-auth-${template}`) && k !== `m-auth.iost-auth-${template}`);
  if (longer !== undefined) return { error: `template account ${template} is the start of another account's name (${longer[0].slice(17)})` };
  const key = inKey(template);
  const value = inValue(template);
  let accounts = 0;
  transaction(() => {
    for (let i = from; i < from + count; i++) {
      const name = seedName(i);
      if (shardOf(name, place.count) !== place.index) continue;
      for (const [k, v] of rows) {
        sql.exec(
          "INSERT INTO state_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
          k.replace(key, name),
          v.replace(value, name),
        );
      }
      accounts++;
    }
  });
  return { accounts, rows: accounts * rows.length, ms: performance.now() - start };
}

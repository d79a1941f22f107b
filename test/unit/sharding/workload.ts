/**
 * The differential workload's vocabulary, shared by differential.test.ts (one
 * scripted workload) and property.test.ts (random sequences of it): accounts
 * on every shard of N = 4, a contract that charges RAM to the contract, the
 * caller or a third account, the reads compared on N = 1 and N = 4 and how a
 * tx's outcome is measured.
 */
import { expect } from "vitest";
import { parseFreezeList } from "../../../src/contracts/freeze";
import type { PostedEvent } from "../../../src/sharding/events";
import { ridersOf } from "../../../src/sharding/receipts";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { CONSENSUS_SHARD, isConsensusTokenKey, isTokenIndexKey, keyAccount, nftKeySymbol, shardOf } from "../../../src/sharding/placement";
import { nftHome, tokenHome } from "../../../src/sharding/directory";
import { State } from "../../../src/state/state";
import { ShardState } from "../../../src/executor/guard";
import { LOCKS, lockEntry, readLocks } from "../../../src/executor/locks";
import { reads as rpc } from "../../../src/query/reads";
import { orderPledges, pledgeShards } from "../../../src/sharding/pledges";
import { decodeValue } from "../../../src/state/storage";
import { indexParts, mergeData, mergeFields, valueParts } from "../../../src/query/parts";
import { byAge, mergeByAge } from "../../../src/sharding/aged";
import { txId } from "../../../src/tx/bytes";
import type { Forwarded } from "../../../src/sharding/forward";
import { poolOrder } from "../../../src/pool/index";
import type { AmountLimit, Tx } from "../../../src/tx/types";
import { type act, fakeKey, makeTx } from "../executor/helpers";
import { frozenIn, type SimChain, tokensIn } from "./sim";

export const N = 4;
export const USERS = Array.from({ length: 24 }, (_, i) => `user${String(i).padStart(2, "0")}`);
export const T0 = devGenesis().time + 10n * 1_000_000_000n;
/** Every block at one time: gas does not regenerate between txs, so gas reads compare exactly. */
export const BLOCK_TIME = T0 + 100n * 1_000_000_000n;
export const PRODUCER = "producer000";

export const CODE = `class Rec {
  init() {}
  put(k, v) { storage.put(k, v); blockchain.event("put:" + k); return "ok:" + k; }
  mine(v) { storage.mapPut("rec", tx.publisher, v, tx.publisher); return "mine:" + v; }
  theirs(who, v) { storage.mapPut("their", who, v, who); return "theirs:" + v; }
  drop() { storage.mapDel("rec", tx.publisher); return "dropped"; }
  pay(amount) { blockchain.transfer(tx.publisher, blockchain.contractName(), amount, ""); return "paid"; }
  fail(m) { throw new Error(m); }
}
module.exports = Rec;`;
export const ABI = [
  { name: "put", args: ["string", "string"] },
  { name: "mine", args: ["string"] },
  { name: "theirs", args: ["string", "string"] },
  { name: "drop", args: [] },
  { name: "pay", args: ["string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "fail", args: ["string"] },
];

export function config(): GenesisConfig {
  return {
    ...devGenesis(),
    admin: { ...devGenesis().admin, owner: fakeKey(ADMIN_KEY), active: fakeKey(ADMIN_KEY) },
    devAccounts: USERS.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 100000n })),
  };
}

/** An account created by the workload (on shard 3 with N = 4), and a name of shard 1 that none has. */
export const FRESH = "fresh1";
export const GHOST_HOME = "ghost1";
/** An account created inside a forwarded part, on a third shard (3 with N = 4). */
export const NEWBIE = ["newbie1", "newbie2", "newbie3", "newbie4", "newbie5"].find((n) => shardOf(n, N) === 3)!;
/** Names the property test signs up, one of each shard (with N = 4): their reads are compared once they exist. */
export const JOINERS = [0, 1, 2, 3].map((s) => Array.from({ length: 40 }, (_, i) => `joiner${i}`).find((n) => shardOf(n, N) === s)!);

/** `on(s, k)`: the k-th user of shard s (with N = 4). */
export const on = (s: number, k = 0) => USERS.filter((u) => shardOf(u, N) === s)[k];

/** The key index of admin's key in this workload (the users' are their indexes). */
const ADMIN_KEY = 99;

/** Counts the txs made (`txBy`): each tx's time is T0 plus its count, so that ids differ. A property case sets it back to where every case starts, so that a case replays alone (fast-check's `path`). */
export const txCount = { next: 0 };
/**
 * A tx of `user`'s (co-signed by `signers`, users too: `name` for its active permission, else
 * `name@perm`, signed with their keys or the key indexes `keys`), each with its own time so that ids differ;
 * its amount_limit `*:<limit>` (default unlimited, iwallet's and itest's), or the list `limits`.
 */
export function txBy(
  user: string,
  actions: ReturnType<typeof act>[],
  o: { limit?: string; limits?: AmountLimit[]; signers?: string[]; keys?: number[] } = {},
): Tx {
  const signers = o.signers?.map((s) => (s.includes("@") ? s : `${s}@active`));
  return makeTx(actions, {
    publisher: user,
    key: fakeKey(user === "admin" ? ADMIN_KEY : USERS.indexOf(user)),
    time: T0 + BigInt(txCount.next++),
    gasLimit: 4_000_000n,
    amountLimit: o.limits ?? [{ token: "*", value: o.limit ?? "unlimited" }],
    signers,
    signerKeys: (o.keys ?? signers?.map((s) => USERS.indexOf(s.split("@")[0])))?.map(fakeKey),
  });
}

/** Deployed contracts' shards on N = 4 (ids are tx hashes: one map serves every chain of a file). */
export const contractShard = new Map<string, number>();

const homes = new Map<string, number>();
/** shardOf, remembered: reads place every key of every shard after every block. */
function placed(acc: string, count: number): number {
  const k = `${count}:${acc}`;
  return homes.get(k) ?? homes.set(k, shardOf(acc, count)).get(k)!;
}

/** Where a read key lives on a chain of `count` shards (null: not one of the ids compared). */
function homeOf(key: string, count: number, tokenAt: (sym: string) => number | null, nftAt: (sym: string) => number): number | null {
  if (key === "m-token.iost-TIiost-supply") return CONSENSUS_SHARD; // the chain's iost supply (docs/SHARDING.md)
  // A token created by the workload: its definition and supply on its home (docs/SHARDING.md "Tokens across shards").
  const created = /^m-token\.iost-TI((?!iost-|ram-|contribute-)[a-z0-9_]+)-/.exec(key);
  if (created) return tokenAt(created[1]);
  if (isTokenIndexKey(key)) return null; // a map's field list: per shard by design, not a read
  // token721.iost: every record of a token on its home; a holder's list of symbols is per shard.
  const nft = /^m-token721\.iost-([^-]+)(?:-(.+))?$/.exec(key);
  if (nft) {
    const sym = nftKeySymbol(nft[1], nft[2] ?? null);
    return sym === null ? null : nftAt(sym);
  }
  // The gas stock: what was charged is compared as each receipt's gas_usage; the stored stock also
  // depends on the gas cap met by earlier differences (KNOWN), which a delta would carry over.
  if (/^b-gas\.iost-.+g[su]$/.test(key)) return null;
  const acc = keyAccount(key);
  if (acc !== null && (USERS.includes(acc) || acc === FRESH || acc === NEWBIE || JOINERS.includes(acc) || acc === "deadaddr"))
    return isConsensusTokenKey(key) ? 0 : placed(acc, count);
  const id = acc ?? /^[bm]-(Contract[^-]+)-/.exec(key)?.[1];
  if (id === undefined || !contractShard.has(id)) return null;
  return count === 1 ? 0 : contractShard.get(id)!;
}

/** `m-<contract>-<key>` with no field: the index of a contract's (or token721.iost's) map's fields. */
const isMapIndex = (key: string) => /^m-(Contract[^-]+|token721\.iost)-[^-]+$/.test(key);

export type Reads = Map<string, { v: unknown; t: string; payer: string }>;

/** Every read of the users and contracts: key → value and payer. */
export function reads(chain: SimChain): Reads {
  const out: Reads = new Map();
  const count = chain.shards.length;
  for (const s of chain.shards) {
    // A token's home as this shard knows it: its own, once it created the token or was granted it.
    const state = new State(s.store);
    const tokenAt = (sym: string) => tokenHome(state, count, sym);
    const nftAt = (sym: string) => nftHome(state, count, sym);
    for (const key of s.store.keys()) {
      if (homeOf(key, count, tokenAt, nftAt) !== s.index) continue;
      const raw = s.store.get(key)!;
      // A map's field index (`@f1@f2`) is not an encoded value: compared as stored.
      const d = raw.startsWith("@") || isMapIndex(key) ? undefined : decodeValue(raw);
      out.set(key, d ? { v: d.value.v, t: d.value.t, payer: d.payer ?? "" } : { v: raw, t: "index", payer: "" });
    }
  }
  partsReads(chain, out);
  return out;
}

/** System contracts whose balances N shards keep in parts. */
const SYSTEM = ["gas.iost", "ram.iost", "token.iost", "vote.iost", "vote_producer.iost", "bonus.iost", "issue.iost", "exchange.iost"];

/**
 * The entries N shards keep in parts, read and merged as the edge does (src/query/parts.ts): the field lists, in order,
 * of every compared account's token maps and pledges, and system contracts' balances.
 */
function partsReads(chain: SimChain, out: Reads): void {
  const count = chain.shards.length;
  const states = chain.shards.map((s) => new State(s.store));
  const fields = (at: number[], contract: string, key: string) =>
    mergeFields(at.map((s) => (rpc.getContractStorageFields(states[s], 0n, contract, key) as { fields: string[] }).fields));
  const index = (contract: string, key: string, whole: number) => {
    const list = fields(indexParts(contract, key, count) ?? [whole], contract, key);
    out.set(`fields:${contract}-${key}`, { v: list.join(" "), t: "fields", payer: "" });
    return list;
  };
  // auth.iost's account index and system.iost's of contract owners as the edge merges them: every shard's, by the ages.
  const aged = (contract: string, key: string) => {
    const names = byAge(contract, key, count) ? mergeByAge(states.map((s) => rpc.getFieldAges(s, 0n, contract, key))) : fields([0], contract, key);
    out.set(`fields:${contract}-${key}`, { v: names.join(" "), t: "fields", payer: "" });
  };
  aged("auth.iost", "auth");
  aged("system.iost", "contract_owner");
  for (const acc of [...USERS, FRESH, NEWBIE, ...JOINERS, PRODUCER]) {
    aged("token721.iost", "T721B" + acc);
    const home = placed(acc, count);
    index("token.iost", "TB" + acc, home);
    index("token.iost", "TF" + acc, home);
    index("gas.iost", acc + "gp", CONSENSUS_SHARD);
  }
  for (const acc of SYSTEM) {
    for (const map of ["TB", "TF"]) {
      for (const sym of index("token.iost", map + acc, CONSENSUS_SHARD)) {
        const parts = valueParts("token.iost", map + acc, sym, count) ?? { shards: [CONSENSUS_SHARD], merge: map === "TB" ? "sum" : "freezes" };
        const v = mergeData(
          parts.merge,
          parts.shards.map((s) => (rpc.getContractStorage(states[s], 0n, "token.iost", map + acc, sym) as { data: string }).data),
        );
        out.set(`parts:token.iost-${map}${acc}-${sym}`, { v, t: map === "TB" ? "sum" : "freezes", payer: "" });
      }
    }
  }
}

const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? String(v) : v));

/** What a case changed: numbers as differences (earlier differences do not carry over), anything else as its new value. */
export function delta(before: Reads, after: Reads): Record<string, string> {
  const out: Record<string, string> = {};
  const num = (x: { v: unknown; t: string } | undefined) =>
    x === undefined ? 0n : x.t === "i" ? (x.v as bigint) : typeof x.v === "string" && /^-?\d+$/.test(x.v) ? BigInt(x.v) : null;
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    if (json(a) === json(b)) continue;
    if (a?.t === "index" || b?.t === "index") {
      // A map's field index as the fields added and removed (the rest may carry earlier differences).
      const fields = (x: typeof a) =>
        new Set(
          x === undefined
            ? []
            : String(x.v)
                .split("@")
                .filter((f) => f !== ""),
        );
      const [fb, fa] = [fields(b), fields(a)];
      out[key] = [...[...fa].filter((f) => !fb.has(f)).map((f) => `+${f}`), ...[...fb].filter((f) => !fa.has(f)).map((f) => `-${f}`)].join(" ");
      continue;
    }
    const nb = num(b);
    const na = num(a);
    // A raw record written with the number it already read as (absent reads 0): nothing a read can see. But a
    // contract's storage record (ram.iost's `UR<acc>` too) written or deleted: storage.get and getContractStorage
    // answer null for an absent one, not "0".
    // An account's iost or ram balance pays no RAM (token.ts balanceRecordPayer): its payer is no read either.
    const unpaid = /^m-token\.iost-TB(?!Contract)[^-]+-(iost|ram)$/.test(key);
    const samePayer = (a?.payer ?? "") === (b?.payer ?? "") || unpaid;
    const stored = key.startsWith("b-") && (a === undefined) !== (b === undefined);
    if (na !== null && na === nb && samePayer && !stored) continue;
    const payer = unpaid ? "" : ` (${a?.payer ?? "deleted"})`;
    out[key] = nb !== null && na !== null ? `${na - nb}${payer}` : a === undefined ? "deleted" : `${String(a.v)}${payer}`;
  }
  return out;
}

type Pledge = { pledger: string; amount: number };

/**
 * getAccount's `pledged_info` of `pledger` as the edge answers it (workers/rpc/accounts.ts): its home's
 * pledges, then those of the shards its home's pledge order names, sorted by that order.
 */
export function pledgedInfo(chain: SimChain, pledger: string): Pledge[] {
  const count = chain.shards.length;
  const state = (s: number) => new ShardState(chain.shards[s].store, { index: s, count });
  const home = shardOf(pledger, count);
  const a = rpc.getAccount(state(home), BLOCK_TIME, pledger) as { gas_info: { pledged_info: Pledge[] }; pledge_order?: string[] };
  if (a.pledge_order === undefined) return a.gas_info.pledged_info;
  const away = pledgeShards(a.pledge_order, home, count).flatMap((s) => rpc.getPledges(state(s), BLOCK_TIME, pledger) as Pledge[]);
  return orderPledges(a.pledge_order, [...a.gas_info.pledged_info, ...away]);
}

export interface Outcome {
  receipt: unknown;
  changed: Record<string, string>;
  /** getAccount's `pledged_info` of admin and of each tx's publisher afterwards. */
  pledged: Record<string, Pledge[]>;
  /** What /subscribe was given meanwhile (the tx's events: no other tx ran). */
  events: PostedEvent[];
}

/**
 * Runs txs (submitted together) to their final receipts: four blocks (forward, run, settle, and a
 * credit the forwarded part sent), more while one waits for another's settle (executor/locks.ts);
 * `each` is called after every block (the property test checks supplies there). `timeAt`: each
 * block's time by its height (BLOCK_TIME: every block at one time). `gaps`: tx i is submitted
 * `gaps[i]` blocks after tx i − 1 (absent: 0, in the same block), so later txs meet earlier ones in flight.
 */
export function runAll(
  chain: SimChain,
  txs: Tx[],
  each: (chain: SimChain) => void = () => {},
  timeAt: (height: number) => bigint = () => BLOCK_TIME,
  gaps: readonly number[] = [],
): { receipts: unknown[]; changed: Record<string, string>; events: PostedEvent[]; pledged: Record<string, Pledge[]> } {
  const before = reads(chain);
  const events: PostedEvent[] = [];
  const count = chain.shards.length;
  const result = (tx: Tx) => chain.shards[shardOf(tx.publisher, count)].results.get(txId(tx));
  const step = () => {
    chain.step({ time: timeAt(chain.height + 1) });
    for (const s of chain.shards) events.push(...(s.posted.get(chain.height) ?? []));
    each(chain);
  };
  for (const [i, tx] of txs.entries()) {
    for (let k = 0; k < (gaps[i] ?? 0); k++) step();
    chain.submit(tx);
  }
  // Eight signUps of one publisher under `*:unlimited` settle one after another, each asking before it stands
  // (docs/SHARDING.md "Names a contract's code may create", creators): 47 blocks with N = 4. Txs in flight together
  // may wait for each other until one gives way (PART_WAIT blocks) and runs again.
  for (let i = 0; i < 192 && (i < 4 || !chain.quiet()); i++) step();
  const receipts = txs.map((tx) => {
    const r = result(tx);
    expect(r, "the tx ran").toBeDefined();
    expect(r!.pending, "the tx settled").toBe(0);
    const rc = r!.receipt;
    return rc
      ? { statusCode: rc.statusCode, message: rc.message, returns: rc.returns, receipts: rc.receipts, gasUsage: rc.gasUsage, ramUsage: rc.ramUsage }
      : { dropped: r!.dropped };
  });
  const pledgers = [...new Set(["admin", ...txs.map((tx) => tx.publisher)])].sort();
  return { receipts, changed: delta(before, reads(chain)), events, pledged: Object.fromEntries(pledgers.map((p) => [p, pledgedInfo(chain, p)])) };
}

/** Runs one tx to its final receipt (runAll). */
export function run(chain: SimChain, tx: Tx, each: (chain: SimChain) => void = () => {}, timeAt?: (height: number) => bigint): Outcome {
  const { receipts, changed, events, pledged } = runAll(chain, [tx], each, timeAt);
  return { receipt: receipts[0], changed, events, pledged };
}

/**
 * An order in which one shard, running `txs` one at a time from `chain` (each to its final receipt), gives each the
 * receipt `want` holds for it and leaves a chain `fits`; null when none is found within `budget` runs. Orders are
 * tried by how far they stray from `first` (an order N = 4 suggests): none, then one tx run where
 * an earlier one of `first` would fit too, then two, … (limited discrepancy search). Depth first from `first` alone,
 * a tx fitting after none of the txs tried before it made the search walk every order of the rest, spending the
 * budget before it tried that tx earlier (in-flight 20/60: a transfer run before a freeze to its account, one block's).
 */
export function orderGiving(
  chain: SimChain,
  txs: Tx[],
  want: string[],
  fits: (c: SimChain) => boolean,
  check: (c: SimChain) => void,
  first: number[],
  budget = { runs: 1000 },
): number[] | null {
  /** An order of `left` from `at` that strays exactly `k` times: it runs a tx where one before it in `left` fits. */
  const go = (at: SimChain, left: number[], k: number): number[] | null => {
    if (left.length === 0) return k === 0 && fits(at) ? [] : null;
    if (k >= left.length) return null;
    let strays = false;
    for (const i of left) {
      if (strays && k === 0) return null;
      if (budget.runs-- <= 0) return null;
      const next = at.fork();
      if (json(run(next, txs[i], check).receipt) !== want[i]) continue;
      const rest = go(
        next,
        left.filter((j) => j !== i),
        strays ? k - 1 : k,
      );
      if (rest !== null) return [i, ...rest];
      // A tx of `left` fits here: running any later one here strays.
      strays = true;
    }
    return null;
  };
  for (let k = 0; k < txs.length && budget.runs > 0; k++) {
    const order = go(chain, first, k);
    if (order !== null) return order;
  }
  return null;
}

/** An account's free RAM (its token.iost `ram` balance) on `chain`. */
export function freeRam(chain: SimChain, user: string): bigint {
  const d = decodeValue(chain.shards[shardOf(user, chain.shards.length)].store.get(`m-token.iost-TB${user}-ram`));
  return d && d.value.t === "i" ? d.value.v : 0n;
}

/** Each token's supply as defined at genesis (on one shard: genesis copies token info to every shard). */
export function genesisSupplies(chain: SimChain): Map<string, bigint> {
  expect(chain.height, "read at genesis").toBe(0);
  const out = new Map<string, bigint>();
  for (const key of chain.shards[0].store.keys()) {
    const m = /^m-token\.iost-TI(.+)-supply$/.exec(key);
    const v = m && decodeValue(chain.shards[0].store.get(key))?.value;
    if (m && v?.t === "i") out.set(m[1], v.v);
  }
  return out;
}

/**
 * Every token's supply against what exists: per symbol, the supply recorded by
 * its definitions and the sum over shards of balances, frozen balances, RAM in
 * use and the amounts of receipts in flight. A definition copied to every
 * shard at genesis changes only where the token is issued or destroyed (iost
 * and contribute on shard 0, docs/SHARDING.md "Supply"; RAM by each shard's
 * market), so the chain's supply is the genesis one plus every shard's change;
 * a token created later is defined on one shard.
 */
export function supplies(chain: SimChain, genesis: Map<string, bigint>): Map<string, { supply: bigint; held: bigint }> {
  const out = new Map<string, { supply: bigint; held: bigint }>();
  const get = (sym: string) => out.get(sym) ?? out.set(sym, { supply: genesis.get(sym) ?? 0n, held: 0n }).get(sym)!;
  for (const s of chain.shards)
    for (const key of s.store.keys()) {
      // RAM in use left its payer's `ram` balance for ram.iost's used-RAM record (go-iost ChangeUsedRAMInfo).
      const used = /^b-ram\.iost-UR(.+)$/.exec(key);
      if (used) get("ram").held += BigInt(decodeValue(s.store.get(key))?.value.v as string);
      const m = /^m-token\.iost-T([IBF])(.+)-([^-]+)$/.exec(key);
      if (!m) continue;
      const [, kind, who, field] = m;
      const v = decodeValue(s.store.get(key))?.value;
      // A token created later keeps its supply on its own shard; the others hold copies of its definition.
      const counted = genesis.has(who) || tokenHome(new State(s.store), chain.shards.length, who) === s.index;
      if (kind === "I" && field === "supply" && v?.t === "i" && counted) get(who).supply += v.v - (genesis.get(who) ?? 0n);
      else if (kind === "B" && v?.t === "i") get(field).held += v.v;
      else if (kind === "F" && v?.t === "j") for (const f of parseFreezeList(v.v)) get(field).held += f.Amount;
    }
  // Held by a lock (a home part's credits) or deferred: in flight too.
  for (const r of [...chain.inFlight(), ...chain.parked()].flatMap(ridersOf)) {
    // A probe's amount never lands (its half is undone).
    if (!r.probe && (r.amount !== "0" || r.frozen !== undefined)) get(r.token).held += BigInt(r.amount) + frozenIn(r);
    for (const [sym, v] of tokensIn(r)) get(sym).held += v;
    for (const [sym, v] of chain.writesIn(r)) get(sym).held += v;
    // A `free` receipt's bytes are still its payer's used RAM until it lands.
    if (r.ram !== undefined && r.kind !== "free") get("ram").held += BigInt(r.ram);
    for (const bytes of Object.values(r.signerRam ?? {})) get("ram").held += BigInt(bytes);
    // What a chain's last part paid of the publisher's RAM escrow (or used of a co-signer's) becomes its used RAM
    // at home with the settle (a credit's half moves the publisher's RAM at home from its balance to its used RAM:
    // nothing in flight).
    // A credit's half that decides its tx carries the publisher's free RAM as its reservation, and its settle brings
    // it back: as free RAM and the half's used RAM, or to the undone home part (docs/SHARDING.md "A credit's RAM").
    if (r.payer?.reserve) get("ram").held += BigInt(r.payer.reserve.ram);
    if (r.kind === "settle" && r.result?.credit?.reserved !== undefined) get("ram").held += BigInt(r.result.credit.reserved);
    if (r.kind === "settle" && !r.result?.credit) {
      const used = [r.result?.ramPaid, ...Object.values(r.result?.signerPaid ?? {})];
      for (const u of used) if (u !== undefined) get("ram").held += BigInt(u);
    }
  }
  // So does what the part after a chain's last action paid of a co-signer's escrow when it sent the tx on to a part
  // with no actions: its relay holds it until that part settles (locks.ts), on every frame of a shard the tx came
  // back to. Every other part only adds a co-signer's bytes to the debt (docs/SHARDING.md "RAM of a chain").
  for (const s of chain.shards)
    for (const top of Object.keys(readLocks(s.store.get(LOCKS))).map((h) => lockEntry(s.store, h)!))
      for (const { relay } of [...(top.outer ?? []), top]) for (const u of Object.values(relay?.result.signerPaid ?? {})) get("ram").held += BigInt(u);
  return out;
}

/** What exists of each token beyond its supply (negative: short), the tokens where they differ. */
export function supplyGaps(chain: SimChain, genesis: Map<string, bigint>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [token, { supply, held }] of supplies(chain, genesis)) if (held !== supply) out[token] = String(held - supply);
  return out;
}

/**
 * A check that every token's supply equals what exists, or differs by no more than `from` (the gaps a
 * KNOWN difference left), at the height it is called.
 */
export function supplyCheck(genesis: Map<string, bigint>, from: Record<string, string> = {}): (chain: SimChain) => void {
  return (chain) => expect(supplyGaps(chain, genesis), `supplies on N = ${chain.shards.length}, height ${chain.height}`).toEqual(from);
}

/** The pool key of a tx `hash` of time 0 and gas ratio 1 that is no plain transfer: a receipt's `ord` in checkReceipt's tests. */
export const bareOrd = (hash: string): string => poolOrder({ actions: [], gasRatio: 100n, time: 0n } as unknown as Tx, hash);

/** An action receipt's `forward` with no action, at block 1 and time 0, of tx `hash`, signed by `publisher@active` unless `authority` says: a receipt checkReceipt's tests change one field of. */
export function bareForward(publisher: string, authority: Forwarded["authority"] = [{ account: publisher, signed: ["active"] }], hash = "tx"): Forwarded {
  return {
    actions: [],
    publisher,
    time: "0",
    expiration: "0",
    gasRatio: "100",
    ord: bareOrd(hash),
    vmGas: 0,
    block: { number: "1", time: "0", parentHash: "", witness: "" },
    amountLimit: [],
    authority,
  };
}

/**
 * Steps the lower of two chains (each block checked) until both are at one height. Contracts store block numbers
 * (vote.iost's records, say): the next tx then runs at one height on both, so a number's digits, and the RAM of the
 * record holding it, are the same on both.
 */
export function level(a: SimChain, b: SimChain, checkA: (c: SimChain) => void, checkB: (c: SimChain) => void): void {
  for (const [lo, hi, check] of [
    [a, b, checkA],
    [b, a, checkB],
  ] as const)
    while (lo.height < hi.height) {
      lo.step({ time: BLOCK_TIME });
      check(lo);
    }
}

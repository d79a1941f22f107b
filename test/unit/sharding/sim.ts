/**
 * An in-memory multi-shard chain: the chunk pipeline of the Shard and
 * Coordinator Durable Objects without SQLite or RPC, so properties of the
 * receipt protocol (supply conserved, each receipt applied once, results equal
 * a sequential model's) are cheap to check in Node and in workerd.
 *
 * Per height h every shard, independently: applies the receipts the other
 * shards emitted at h−1 to it, then its own txs; its outgoing receipts are
 * stored with its chunk. `step({ crash })` lets a shard build h, lose it
 * before the commit, and build it again from the same inputs.
 */
import { base58Encode } from "../../../src/codec/base58";
import { parseFreezeList } from "../../../src/contracts/freeze";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { fakeKey } from "../executor/helpers";
import { executeTx, type BlockContext } from "../../../src/executor/index";
import { executeBaseTx } from "../../../src/executor/base";
import { baseTx } from "../../../src/consensus/base-tx";
import { MemoryStore } from "../../../src/state/memory-store";
import { PagedNodes, StateTree } from "../../../src/state/tree";
import { decodeValue } from "../../../src/state/storage";
import { txHash } from "../../../src/tx/bytes";
import { inPoolOrder, poolOrder } from "../../../src/pool/index";
import type { Tx, TxReceipt } from "../../../src/tx/types";
import { applyShardGenesis } from "../../../src/genesis/shards";
import { ShardState } from "../../../src/executor/guard";
import { shardOf } from "../../../src/sharding/placement";
import { tokenHome } from "../../../src/sharding/directory";
import { State } from "../../../src/state/state";
import { combineReceipt } from "../../../src/sharding/combine";
import { applyIncoming } from "../../../src/executor/incoming";
import { DEFERRED, LOCKS, lockEntry, readLocks } from "../../../src/executor/locks";
import { readParked, remoteKeyShard } from "../../../src/sharding/reads";
import { PoolOrder } from "../../../src/executor/reads";
import { awaitsSettle, type CrossReceipt, pendingChange, ridersOf } from "../../../src/sharding/receipts";
import { eventsAtSettle, postedEvents, postsAtSettle, type PostedEvent } from "../../../src/sharding/events";

export interface SimTxResult {
  receipt?: TxReceipt;
  dropped?: string;
  /** Credits and actions sent and not settled yet. */
  pending: number;
  /** Messages of credits and actions that were refunded. */
  failures: string[];
}

export class SimShard {
  readonly store = new MemoryStore();
  /** The pages of the state's tree (src/state/tree.ts). */
  readonly nodes = new MemoryStore();
  private readonly tree = new StateTree(new PagedNodes(this.nodes));
  root: Uint8Array;
  private pool: Tx[] = [];
  /** Receipts emitted by the chunk of each height. */
  readonly outgoing = new Map<number, CrossReceipt[]>();
  /** Every receipt id applied here, with how many times (must stay 1). */
  readonly applied = new Map<string, number>();
  readonly results = new Map<string, SimTxResult>();
  /** What /subscribe is given per height, as the Shard's chunk records it (src/sharding/events.ts). */
  readonly posted = new Map<number, PostedEvent[]>();

  constructor(
    readonly index: number,
    readonly count: number,
    /** The genesis to start from, or a shard to copy (SimChain.fork). */
    from: GenesisConfig | SimShard,
  ) {
    if (!(from instanceof SimShard)) {
      applyShardGenesis(this.store, from, index, count);
      this.root = this.tree.update(this.store.keys().map((k) => [k, this.store.get(k)!] as const));
      return;
    }
    for (const key of from.store.keys()) this.store.put(key, from.store.get(key)!);
    for (const key of from.nodes.keys()) this.nodes.put(key, from.nodes.get(key)!);
    this.root = from.root;
    this.pool = [...from.pool];
    for (const [h, out] of from.outgoing) this.outgoing.set(h, out);
    for (const [id, n] of from.applied) this.applied.set(id, n);
    for (const [h, events] of from.posted) this.posted.set(h, events);
    for (const [hash, r] of from.results) this.results.set(hash, { ...r, failures: [...r.failures] });
  }

  submit(tx: Tx): void {
    this.pool.push(tx);
  }

  /** Txs waiting in the pool (for a lock), incoming receipts deferred and txs or parts parked for reads of other shards. */
  get waiting(): number {
    return this.pool.length + (JSON.parse(this.store.get(DEFERRED) ?? "[]") as unknown[]).length + readParked(this.store).length;
  }

  /**
   * Builds the chunk of `block.number`; with `commit` false it is lost (a crash before the SQLite commit).
   * `base`: the block's base tx (shard 0 only), run after the incoming receipts, before the pool.
   */
  buildChunk(block: BlockContext, incoming: readonly CrossReceipt[], commit = true, base?: Tx): CrossReceipt[] {
    const state = new ShardState(this.store, { index: this.index, count: this.count });
    const ctx: BlockContext = { ...block, shard: { index: this.index, count: this.count } };
    const inc = applyIncoming(state, this.index, ctx, incoming, (id) => this.applied.has(id));
    const out = [...inc.outgoing];
    const executed: [string, SimTxResult][] = [];
    // As the Shard's chunk orders them: the base tx's, then txs settled by the incoming receipts, then this chunk's txs.
    const [base0, settled, posted]: PostedEvent[][] = [[], [], []];
    if (base) {
      const hash = txHash(base);
      const r = executeBaseTx(state, base, hash, ctx);
      out.push(...r.outgoing);
      executed.push([base58Encode(hash), { receipt: r.receipt, pending: r.outgoing.filter(awaitsSettle).length, failures: [] }]);
      base0.push(...postedEvents(r.receipt.receipts, r.events));
    }
    const waiting: Tx[] = [];
    // In pool order, as the Shard's chunk runs them; each publisher's order kept (it takes the whole pool here).
    const pool = inPoolOrder(
      this.pool.map((tx) => {
        const hash = base58Encode(txHash(tx));
        const ord = poolOrder(tx, hash);
        return [ord, { tx, hash, ord }] as [string, { tx: Tx; hash: string; ord: string }];
      }),
    );
    const order = new PoolOrder((i) => pool[i]);
    for (const [i, { tx, hash, ord }] of pool.entries()) {
      if (order.holds(tx.publisher)) {
        waiting.push(tx);
        continue;
      }
      state.watch();
      state.checkpoint();
      // Its pool key given, as the Shard's pool index gives it.
      const r = executeTx(state, tx, { hash, ord }, ctx, true, () => order.createsLater(tx.publisher, i, Number.POSITIVE_INFINITY));
      // It touched what an in-flight tx locked: it stays in the pool for a later block (executor/locks.ts).
      if (state.conflict !== null) {
        order.met(state.conflict, tx.publisher);
        state.rollback();
        waiting.push(tx);
        continue;
      }
      state.release();
      if ("dropped" in r) {
        executed.push([hash, { dropped: r.dropped, pending: 0, failures: [] }]);
        continue;
      }
      out.push(...r.outgoing);
      executed.push([hash, { receipt: r.receipt, pending: r.outgoing.filter(awaitsSettle).length + (r.waits ?? 0), failures: [] }]);
      if (!postsAtSettle(r.outgoing)) posted.push(...postedEvents(r.receipt.receipts, r.events));
    }
    if (!commit) {
      state.discard();
      return out;
    }
    this.root = this.tree.update(state.commit());
    this.pool = waiting;
    for (const id of inc.applied) this.applied.set(id, (this.applied.get(id) ?? 0) + 1);
    for (const [hash, result] of executed) this.results.set(hash, result);
    for (const s of inc.settled) {
      // Only the tx's home tracks it (a forwarded part's credit is refunded where it was sent from).
      const t = this.results.get(s.txHash);
      if (!t) continue;
      t.pending += pendingChange(s);
      t.receipt = combineReceipt(t.receipt!, s);
      if (!s.ok) t.failures.push(s.message);
      settled.push(...eventsAtSettle(t.receipt, s));
    }
    this.posted.set(Number(block.number), [...base0, ...settled, ...posted]);
    this.outgoing.set(Number(block.number), out);
    return out;
  }
}

export class SimChain {
  readonly shards: SimShard[];
  height = 0;
  private time: bigint;
  /** Base txs run on shard 0, one per block, with this witness as every parent's (off: no base tx). */
  private readonly witness: string | null;
  /** The base tx of each height (its receipt is shard 0's result of its hash). */
  readonly baseTxs = new Map<number, Tx>();

  constructor(config: GenesisConfig, count: number, opts: { baseWitness?: string } = {}) {
    this.shards = Array.from({ length: count }, (_, i) => new SimShard(i, count, config));
    this.time = config.time;
    this.witness = opts.baseWitness ?? null;
  }

  /** A copy at this height: a costly prefix (genesis, deployments) is built once and many runs continue copies of it. */
  fork(): SimChain {
    const c: SimChain = Object.create(SimChain.prototype);
    Object.assign(c, this, { shards: this.shards.map((s) => new SimShard(s.index, s.count, s)), baseTxs: new Map(this.baseTxs) });
    return c;
  }

  /** The intake: a tx goes to its publisher's shard. */
  submit(tx: Tx): void {
    this.shards[shardOf(tx.publisher, this.shards.length)].submit(tx);
  }

  /** Receipts emitted at `height` for shard `to`, by source shard. */
  incoming(height: number, to: number): CrossReceipt[] {
    return this.shards.flatMap((s) => (s.outgoing.get(height) ?? []).filter((r) => r.toShard === to));
  }

  /** Produces one block; shard `crash` loses its first build of it and rebuilds. */
  step(opts: { crash?: number; time?: bigint } = {}): void {
    const h = this.height + 1;
    const parentTime = this.time;
    this.time = opts.time ?? this.time + 500_000_000n;
    const block: BlockContext = { chainId: 1020, number: BigInt(h), time: this.time, parentHash: "", witness: "" };
    const base = this.witness === null ? undefined : baseTx({ chainId: 1020, number: BigInt(h), time: this.time, parentWitness: this.witness, parentTime });
    if (base) this.baseTxs.set(h, base);
    for (const s of this.shards) {
      const inc = this.incoming(h - 1, s.index);
      const b = s.index === 0 ? base : undefined;
      if (opts.crash === s.index) s.buildChunk(block, inc, false, b);
      s.buildChunk(block, inc, true, b);
    }
    this.height = h;
    const gaps = this.supplyGaps();
    if (Object.keys(gaps).length > 0) throw new Error(`height ${h}: supply ≠ what exists: ${JSON.stringify(gaps)}`);
  }

  /**
   * Every token whose supply has one place (all but ram, per shard): its
   * supply on its shard minus what exists (balances and frozen balances on
   * every shard, amounts in flight). Empty when every supply is exact.
   */
  supplyGaps(): Record<string, string> {
    const count = this.shards.length;
    const held = new Map<string, bigint>();
    const add = (sym: string, v: bigint) => held.set(sym, (held.get(sym) ?? 0n) + v);
    const gaps: Record<string, string> = {};
    // A symbol two contracts of two shards created in one block has two homes until its shard refuses one's claim,
    // which undoes that tx: its supply is the sum of theirs meanwhile.
    const supplies = new Map<string, bigint>();
    for (const s of this.shards)
      for (const key of s.store.keys()) {
        const m = /^m-token\.iost-T([BFI])([^-]*)-(.+)$/.exec(key);
        if (!m) continue;
        const v = decodeValue(s.store.get(key))?.value;
        if (m[1] === "B" && v?.t === "i") add(m[3], v.v);
        if (m[1] === "F" && v?.t === "j") for (const f of parseFreezeList(v.v)) add(m[3], f.Amount);
        if (m[1] === "I" && m[3] === "supply" && v?.t === "i" && tokenHome(new State(s.store), count, m[2]) === s.index)
          supplies.set(m[2], (supplies.get(m[2]) ?? 0n) + v.v);
      }
    for (const r of [...this.inFlight(), ...this.parked()].flatMap(ridersOf)) {
      // A probe's amount never lands (its half is undone).
      if (!r.probe) add(r.token, BigInt(r.amount) + frozenIn(r));
      for (const [sym, v] of tokensIn(r)) add(sym, v);
      for (const [sym, v] of this.writesIn(r)) add(sym, v);
    }
    for (const [sym, supply] of supplies) if (supply !== (held.get(sym) ?? 0n)) gaps[sym] = `${supply} − ${held.get(sym) ?? 0n}`;
    return gaps;
  }

  /** Nothing in flight, deferred or pooled: every tx submitted has its final receipt. */
  quiet(): boolean {
    return this.inFlight().length === 0 && this.shards.every((s) => s.waiting === 0);
  }

  /** Every receipt emitted at the head height: in flight, not applied anywhere yet. */
  inFlight(): CrossReceipt[] {
    return this.shards.flatMap((s) => s.outgoing.get(this.height) ?? []);
  }

  /** `acc`'s iost balance on its shard, smallest units. */
  iostBalance(acc: string): bigint {
    const v = decodeValue(this.shards[shardOf(acc, this.shards.length)].store.get(`m-token.iost-TB${acc}-iost`));
    return v && v.value.t === "i" ? v.value.v : 0n;
  }

  /**
   * Every `iost` balance and frozen balance on every shard plus what is in
   * flight: constant if supply is conserved (frozen amounts count like balances).
   */
  totalIost(): bigint {
    let sum = 0n;
    for (const s of this.shards) {
      for (const key of s.store.keys()) {
        if (!key.endsWith("-iost")) continue;
        const v = decodeValue(s.store.get(key));
        if (key.startsWith("m-token.iost-TB") && v && v.value.t === "i") sum += v.value.v;
        if (key.startsWith("m-token.iost-TF") && v && v.value.t === "j") for (const f of parseFreezeList(v.value.v)) sum += f.Amount;
      }
    }
    for (const r of [...this.inFlight(), ...this.parked()].flatMap(ridersOf)) {
      if (r.token === "iost" && !r.probe) sum += BigInt(r.amount) + frozenIn(r);
      // The iost record of a publisher that had none at home rides as a carried token (executor/forward.ts sendActions).
      for (const [sym, v] of [...tokensIn(r), ...this.writesIn(r)]) if (sym === "iost") sum += v;
    }
    return sum;
  }

  /**
   * What a release's writes (or what it puts back), an action receipt's (callees' writes going along the chain:
   * executor/reads.ts) or a settle's (those no part landed, back to their writers, and a failed chain's amounts owed
   * until a release puts them back: `putBack`) change of balances and frozen
   * balances where each key lives, per symbol: their keys stay locked there until they land, so against what is
   * stored. A supply it raises (an issue off the token's home, contracts/token.ts) counts as that much less in existence.
   */
  writesIn(r: CrossReceipt): [string, bigint][] {
    const count = this.shards.length;
    const at = this.shards[r.toShard];
    const storeOf = (key: string) =>
      r.kind === "release" || at === undefined
        ? at?.store
        : this.shards[remoteKeyShard(new State(at.store), key, { index: r.toShard, count }) ?? r.toShard].store;
    const held = (key: string, raw: string | null | undefined): bigint => {
      const v = decodeValue(raw ?? undefined)?.value;
      if (key.startsWith("m-token.iost-TB") || key.startsWith("m-token.iost-TI")) return v?.t === "i" ? v.v : 0n;
      if (key.startsWith("b-ram.iost-UR")) return v === undefined ? 0n : BigInt(v.v as string);
      return v?.t === "j" ? parseFreezeList(v.v).reduce((a, f) => a + f.Amount, 0n) : 0n;
    };
    // RAM in use (ram.iost's used-RAM record) counts as ram, as supplies() in workload.ts counts it.
    return [...(r.writes ?? []), ...(r.restore ?? []), ...(r.putBack ?? []), ...(r.forward?.writes ?? [])].flatMap(([key, raw]): [string, bigint][] => {
      const store = storeOf(key)!;
      const supply = /^m-token\.iost-TI([^-]+)-supply$/.exec(key);
      if (supply) return [[supply[1], held(key, store.get(key)) - held(key, raw)]];
      const m = /^m-token\.iost-T[BF][^-]*-(.+)$|^b-ram\.iost-UR/.exec(key);
      return m === null ? [] : [[m[1] ?? "ram", held(key, raw) - held(key, store.get(key))]];
    });
  }

  /**
   * Receipts that wait on their shards (executor/locks.ts): incoming ones deferred by a lock, forwarded parts
   * parked for reads of other shards (executor/reads.ts), and
   * those a locked tx's part holds until its settle (each frame's, when the tx came back to the
   * shard: LockEntry.outer). They are in flight too.
   */
  parked(): CrossReceipt[] {
    return this.shards.flatMap((s) => [
      ...(JSON.parse(s.store.get(DEFERRED) ?? "[]") as CrossReceipt[]),
      ...readParked(s.store).flatMap((p) => (p.receipt ? [p.receipt] : [])),
      // A held release's `restore` is what it puts back only if its tx fails (locks.ts unlockTx): nothing in flight yet.
      ...Object.keys(readLocks(s.store.get(LOCKS)))
        .map((h) => lockEntry(s.store, h)!)
        .flatMap((e) => [...(e.outer ?? []), e].flatMap((f) => f.held.map(({ restore: _, ...x }) => x))),
    ]);
  }
}

/** The frozen iost an action receipt or its settle carries (the publisher's `TF` record travels with its escrow). */
export function frozenIn(r: CrossReceipt): bigint {
  const v = decodeValue(r.frozen)?.value;
  return v?.t === "j" ? parseFreezeList(v.v).reduce((a, f) => a + f.Amount, 0n) : 0n;
}

/** The publisher's balances and frozen balances of other tokens an action receipt or its settle carries, per symbol (forward.ts). */
export function tokensIn(r: CrossReceipt): [string, bigint][] {
  return Object.entries(r.tokens ?? {}).map(([sym, t]) => {
    const b = decodeValue(t.balance)?.value;
    const f = decodeValue(t.frozen)?.value;
    return [sym, (b?.t === "i" ? b.v : 0n) + (f?.t === "j" ? parseFreezeList(f.v).reduce((a, x) => a + x.Amount, 0n) : 0n)];
  });
}

/** The dev genesis plus `users`, each with 1,000,000 IOST, 1,000 pledged for gas and the key fakeKey(its index). */
export function simGenesis(users: readonly string[]): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: users.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 0n })),
  };
}

/**
 * The execution host for one transaction: storage with gas and RAM accounting,
 * authorization, the call stack, receipts and the per-payer cost ledger.
 * Mirrors go-iost vm/host (db_handler.go, authority.go, stack.go, teller.go,
 * gas_manager.go) closely enough that native gas matches the Go node.
 */
import type { Decimal } from "../amount.js";
import type { State } from "../state/state.js";
import {
  ageIn,
  basicKey,
  ContractDB,
  decodeValue,
  encodeValue,
  hopIn,
  mapKey,
  ramLength,
  byteLength,
  type Value,
  withAge,
  withoutAge,
} from "../state/storage.js";
import type { Age } from "../sharding/age.js";
import type { Action, AmountLimit, ContractEvent, ContractReceipt } from "../tx/types.js";
import { DOMAIN_CONTRACT, placedByName, POB_CONTRACTS, shardOf } from "../sharding/placement.js";
import { type CrossReceipt, probesOf } from "../sharding/receipts.js";
import type { GuestAuthority } from "../sharding/forward.js";
import { isDirectoryEntry, remoteAuth, remoteContractShard } from "../sharding/directory.js";
import { movePledge, type PledgeMove } from "../sharding/pledges.js";
import { COSTS, Cost, opCost } from "./cost.js";
import { VmError } from "./errors.js";
import type { BlockContext } from "../block/context.js";
import type { RemoteReads } from "./remote.js";
import { findContract, linkedContract } from "./monitor.js";

export type { BlockContext };

export interface TxContext {
  publisher: string;
  /** base58 tx hash. */
  hash: string;
  time: bigint;
  expiration: bigint;
  /** ×100. */
  gasRatio: bigint;
  /** ×100. */
  gasLimit: bigint;
  amountLimit: readonly AmountLimit[];
  /**
   * Its poolOrder key (src/pool): with its block's height, its age for the names it creates and reads (sharding/asks.ts);
   * empty with one shard, where no name keeps an age.
   */
  ord: string;
  /** The tx's actions, for blockchain.txInfo() (a forwarded part's too: Forwarded `earlier`, then its own). */
  actions: readonly Action[];
  /** base58 pubkey -> 1 (signer signature) or 2 (publisher signature). */
  authList: Map<string, number>;
  /** `name@perm` of every signer plus `publisher@active`. */
  signerList: Set<string>;
  /** Set when running an action receipt away from the publisher's shard: its signers' authority, resolved there. */
  guest?: GuestAuthority[];
  /** Co-signers whose RAM escrow a guest part holds here (executor/forward.ts escrowSigners). */
  ramEscrow?: ReadonlySet<string>;
  /**
   * Accounts whose `ram` record a doPay of the tx rewrote on their own shard before the rest ran, with the payer it
   * had before ("" or token.iost): a later `ram` credit to one of them lands there after that rewrite, not before it
   * as on one shard (docs/SHARDING.md "A credit's RAM", _Paid first_). Filled by doPay, carried by the action receipts.
   */
  paidRam?: Map<string, string>;
  /** A guest part's place in its tx's chain of shards (1: forwarded from home; docs/SHARDING.md "Atomic txs"). */
  hop?: number;
  /** An earlier part of the tx deployed its contract on another shard (Forwarded `deployed`). */
  deployed?: boolean;
  /** The `<pledger>gp` fields earlier parts of the tx moved that no pledger's order holds yet (Forwarded `pledges`). */
  pledges?: readonly PledgeMove[];
  /** How many times its tx ran again from scratch at home after a part gave way (executor/locks.ts Redo): its receipts' ids differ from the voided runs'. */
  run?: number;
  /** A guest part's tokens whose publisher's records it holds (the action receipt's `tokens`): they stay its balance here. */
  carried?: ReadonlySet<string>;
}

interface Frame {
  contract: string;
  abi: string;
  records: string[];
  caller: { name: string; isAccount: boolean };
  authContracts: Set<string>;
}

/** Account as stored by auth.iost (go-iost config/genesis/contract/account.js). */
export interface AccountJson {
  id: string;
  referrer?: string;
  permissions: Record<string, PermissionJson | undefined>;
  groups: Record<string, GroupJson | undefined>;
}
/**
 * Accounts parsed from their stored JSON, by that exact text: every tx checks its publisher's
 * auth, and parsing the record again was a tenth of a transfer's executor time. The same text
 * always gives the same account, and `auth` only reads it. At most PARSED_CHARS of text held;
 * full, it starts over.
 */
const parsed = new Map<string, AccountJson>();
const PARSED_CHARS = 1_000_000;
let parsedChars = 0;

function parsedAccount(text: string): AccountJson {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const a = JSON.parse(text) as AccountJson;
  if (parsedChars + text.length > PARSED_CHARS) {
    parsed.clear();
    parsedChars = 0;
  }
  if (text.length <= PARSED_CHARS) {
    parsed.set(text, a);
    parsedChars += text.length;
  }
  return a;
}

export interface ItemJson {
  id: string;
  permission?: string;
  is_key_pair: boolean;
  weight: number;
}
export interface PermissionJson {
  name: string;
  groups: string[];
  items: ItemJson[];
  threshold: number;
}
export interface GroupJson {
  name: string;
  items: ItemJson[];
}

const AUTH_NORMAL = 0;
const AUTH_SIGNER = 1;
const AUTH_PUBLISHER = 2;

export function isContractId(id: string): boolean {
  return id.startsWith("Contract") || id.includes(".");
}

/** go-iost host.IsValidKey: 1–64 chars 32..126 excluding '-' and '@'. */
export function checkStorageKey(key: string): void {
  if (key.length === 0 || byteLength(key) > 64) throw new VmError(`key or field length invalid. expected [1, 64], actual ${byteLength(key)}`);
  for (const ch of key) {
    const c = ch.codePointAt(0)!;
    if (c < 32 || c > 126 || ch === "-" || ch === "@") throw new VmError(`key or field has invalid char, ${c}`);
  }
}

/** Dispatches a call to a contract; set by the contract registry (monitor.ts) to avoid an import cycle. */
export type Dispatcher = (h: Host, contract: string, api: string, jarg: string, cost: Cost) => unknown[];

/** Go's storage handlers check keys first and charge one op when they fail (host/db_handler.go). */
function checkKeys(c: Cost, ...keys: string[]): void {
  try {
    for (const k of keys) checkStorageKey(k);
  } catch (e) {
    c.cpuAdd(opCost(1));
    throw e;
  }
}

/** Token decimals, -1 when the token does not exist (Visitor.Decimal). */
export function tokenDecimal(db: ContractDB, token: string): number {
  const v = db.mget("token.iost", "TI" + token, "decimal");
  return v && v.t === "i" ? Number(v.v) : -1;
}

export class Host {
  readonly db: ContractDB;
  readonly genesis: boolean;
  private readonly frames: Frame[] = [];
  /** Teller: cost per payer (CPU/Net for the publisher, RAM for every payer). Insertion-ordered, read sorted. */
  readonly costs = new Map<string, Cost>();
  cacheCost = new Cost();
  receipts: ContractReceipt[] = [];
  /** `blockchain.event` texts for /subscribe (CONTRACT_EVENT); cleared with `receipts` when the tx fails. */
  events: ContractEvent[] = [];
  /** Cross-shard credits this tx sends (cleared with `receipts` when it fails). */
  outbox: CrossReceipt[] = [];
  /** `<pledger>gp` fields this tx added or removed for pledgers of another shard, whose order lives there (sharding/pledges.ts). */
  pledgeMoves: PledgeMove[] = [];
  /** Tokens this part created off their symbol's shard, which the tx claims there (token.ts create; cleared when it fails). */
  claims = new Set<string>();
  /** The same for token721.iost's tokens (token721.ts create). */
  nftClaims = new Set<string>();
  /** Remaining VM gas of the running action (Go's GValue "gas_limit"). */
  gasLimit = 0;
  amountTotal = new Map<string, Decimal>();

  constructor(
    readonly state: State,
    readonly block: BlockContext,
    readonly tx: TxContext,
    readonly dispatch: Dispatcher,
  ) {
    this.db = new ContractDB(state);
    this.genesis = block.number === 0n;
  }

  // ---------------------------------------------------------------- stack

  initStack(): void {
    this.frames.length = 0;
    this.frames.push({
      contract: "",
      abi: "",
      records: ["direct_call"],
      caller: { name: this.tx.publisher, isAccount: true },
      authContracts: new Set(),
    });
  }
  private get frame(): Frame {
    return this.frames[this.frames.length - 1];
  }
  get stackHeight(): number {
    return this.frame.records.length;
  }
  get contractName(): string {
    return this.frame.contract;
  }
  get caller(): { name: string; isAccount: boolean } {
    return this.frame.caller;
  }
  setStackInfo(contract: string, abi: string): void {
    this.frame.contract = contract;
    this.frame.abi = abi;
  }

  /** A nested call (go-iost host.call); the callee's cost is added to `c` even when it fails. */
  call(c: Cost, contract: string, api: string, jarg: string, withAuth = false): unknown[] {
    const parent = this.frame;
    const record = contract + "-" + api;
    if (parent.records.includes(record)) throw new VmError("re-entering");
    const height = parent.records.length;
    const authContracts = withAuth ? new Set([...parent.authContracts, parent.contract]) : parent.authContracts;
    this.frames.push({
      contract: parent.contract,
      abi: parent.abi,
      records: [...parent.records, record],
      caller: { name: parent.contract, isAccount: false },
      authContracts,
    });
    c.cpuAdd(opCost(height));
    let away: RemoteReads | null = null;
    let counted: RemoteReads | null = null;
    try {
      const id = linkedContract(this.state, contract);
      away = this.remoteCallee(id, api);
      counted = this.countCallee(parent.contract, id);
      if (this.stackHeight > 5) throw new VmError(`stack height exceed. actual ${this.stackHeight}`);
      const sub = new Cost();
      try {
        return this.dispatch(this, contract, api, jarg, sub);
      } finally {
        c.add(sub);
      }
    } finally {
      if (away) disarm(away);
      if (counted) counted.counting--;
      this.frames.pop();
    }
  }

  /**
   * A user contract calls a contract with a place (a user contract, Proof of Believability's, domain.iost): what
   * the callee reads of placed records counts against the read bounds on every shard count, N = 1 included, as a
   * callee of another shard's reads count there (docs/SHARDING.md "Remote state inside a contract", _Bounds_).
   * Returns the run's reads, counting, or null when nothing counts.
   */
  private countCallee(caller: string, id: string): RemoteReads | null {
    const r = (this.state as { reads?: RemoteReads | null }).reads ?? null;
    const placed = id.startsWith("Contract") || POB_CONTRACTS.has(id) || id === DOMAIN_CONTRACT;
    if (r === null || !caller.startsWith("Contract") || !placed) return null;
    r.counting++;
    return r;
  }

  /**
   * Arms this run's reads as a callee of another shard runs (remoteCallee): its reads and writes of that
   * shard's records go with the run. null: this run reaches no other shard. `disarm` ends it.
   */
  armCallee(): RemoteReads | null {
    const r = (this.state as { reads?: RemoteReads | null }).reads ?? null;
    if (r) {
      r.armed++;
      r.calling++;
      r.writing = true;
    }
    return r;
  }

  /** Whether a callee of another shard is running (remoteCallee): records of its shard are the run's to write. */
  get inCallee(): boolean {
    return ((this.state as { reads?: RemoteReads | null }).reads?.calling ?? 0) > 0;
  }

  /**
   * A callee of another shard runs here, in this run, on its code and records fetched from its shard, and its
   * writes of them go back there with the run's release (docs/SHARDING.md "Calls of another shard's contract"):
   * the run's reads are armed while it runs. Returns them armed, or null for a callee of this shard.
   */
  private remoteCallee(id: string, api: string): RemoteReads | null {
    const there = remoteContractShard(this.state, this.block.shard, id, api);
    if (there === null) return null;
    const r = this.armCallee();
    if (!r)
      throw new VmError(
        `synchronous call to ${id}: the contract lives on shard ${there}, this tx runs on shard ${this.block.shard!.index}; only a tx's top-level actions reach contracts of another shard`,
      );
    return r;
  }

  callWithAuth(c: Cost, contract: string, api: string, jarg: string): unknown[] {
    return this.call(c, contract, api, jarg, true);
  }

  // ---------------------------------------------------------------- teller

  payCost(c: Cost, who: string): void {
    if (c.cpu > 0 || c.net > 0) this.book(who, new Cost(c.net, c.cpu));
    for (const item of c.dataList) {
      const x = new Cost();
      x.data = item.val;
      x.dataList.push(item);
      this.book(item.payer, x);
    }
  }
  // A method, not a closure per payCost: bundles keep function names, a closure costs a defineProperty each call.
  private book(payer: string, x: Cost): void {
    const old = this.costs.get(payer);
    if (old) old.add(x);
    else this.costs.set(payer, x);
  }
  gasPaid(who = this.tx.publisher): number {
    return this.costs.get(who)?.toGas() ?? 0;
  }
  /**
   * A failed tx keeps only its gas: its receipts, events, cross-shard receipts and RAM charges go.
   * The gas includes the receiver's half of each credit it sent, as on one shard: such a credit goes
   * on as a `probe` landing nothing (its amount kept), whose shard counts that half and undoes it (executor/incoming.ts).
   */
  discardEffects(): void {
    this.receipts = [];
    this.events = [];
    this.outbox = probesOf(this.outbox);
    this.claims.clear();
    this.nftClaims.clear();
    this.clearRAMCosts();
  }
  clearRAMCosts(): void {
    for (const [k, c] of [...this.costs]) {
      if (c.net !== 0 || c.cpu !== 0) this.costs.set(k, new Cost(c.net, c.cpu));
      else this.costs.delete(k);
    }
  }
  addCacheCost(c: Cost): void {
    this.cacheCost.add(c);
  }
  flushCacheCost(): void {
    this.payCost(this.cacheCost, "");
    this.cacheCost = new Cost();
  }

  // ---------------------------------------------------------------- storage (current contract)

  private payRAM(oldRaw: string | undefined, oLen: number, nLen: number, payer: string, half = false): void {
    const c = new Cost();
    if (oldRaw === undefined) {
      c.dataList.push({ payer, val: nLen });
      c.data = nLen;
    } else {
      let oldPayer = decodeValue(oldRaw)!.payer;
      if (oldPayer === "") oldPayer = this.contractName;
      if (oldPayer === payer) c.dataList.push({ payer, val: nLen - oLen });
      else c.dataList.push({ payer: oldPayer, val: -oLen }, { payer, val: nLen });
      c.data = nLen - oLen;
    }
    // One shard runs a credit's half where it is sent; it counts none of its reads (RemoteReads.uncounted).
    if (!half) for (const d of c.dataList) this.countOwnerRam(d.payer);
    this.addCacheCost(c);
  }
  /**
   * The RAM a credit's receiver half charges for rewriting token.iost record `key` (`m-token.iost-<key>-<field>`), or
   * ram.iost's of the bytes it carries (`b-ram.iost-<key>`), from `before` to `after`, booked in this run where its own
   * write of the record carries the credit (remote.ts absorb).
   */
  payHalf(key: string, before: string | undefined, after: string): void {
    const field = /^m-token\.iost-([^-]+)-([^-]+)$/.exec(key);
    const [contract, kl] = field
      ? ["token.iost", byteLength("token.iost") + 1 + byteLength(field[1]) + 2 * byteLength(field[2])]
      : ["ram.iost", byteLength(key) - 2];
    const payer = decodeValue(after)!.payer;
    this.payRAM(before, ramLength(before) + kl, ramLength(after) + kl, payer === "" ? contract : payer, true);
  }
  private releaseRAM(oldRaw: string | undefined, oLen: number): void {
    if (oldRaw === undefined) return;
    const p = decodeValue(oldRaw)!.payer;
    const c = new Cost();
    if (p !== "") c.dataList.push({ payer: p, val: -oLen });
    this.countOwnerRam(p);
    this.addCacheCost(c);
  }

  /**
   * RAM booked to user contract `payer` inside a callee whose reads count: what doPay reads to pay it (its owner,
   * the owner's RAM and used RAM) counts now, where the run is, on every shard count, as keys of no bytes
   * (RemoteReads.keysOnly). On N > 1 doPay pays a callee of another shard after its part's actions, on N = 1 after
   * the tx's: counted there, the bound would fall at another read (docs/SHARDING.md "Calls of another shard's
   * contract", its RAM).
   */
  private countOwnerRam(payer: string): void {
    const r = (this.state as { reads?: RemoteReads | null }).reads;
    if (!r || r.counting === 0 || r.uncounted > 0 || !payer.startsWith("Contract")) return;
    r.keysOnly++;
    try {
      const o = this.db.mget("system.iost", "contract_owner", payer);
      const owner = o && o.t === "s" ? o.v : payer;
      // An owner of another shard than a contract of this one (ramAway) is read absent here, counted as one shard
      // counts it (guard.ts); doPay, in the same run, fetches it.
      this.state.get(mapKey("token.iost", "TB" + owner, "ram"));
      this.state.get(basicKey("ram.iost", "UR" + owner));
    } finally {
      r.keysOnly--;
    }
  }

  /**
   * Whether `account`'s RAM records live on another shard and are not held here (as a forwarded part's publisher's
   * or a co-signer's escrow): a contract's owner there, its setCode having run in a forwarded part.
   */
  ramAway(account: string): boolean {
    return this.remoteShard(account) !== null && this.tx.ramEscrow?.has(account) !== true;
  }

  /** Runs `fn` with the run's reads counting nothing (RemoteReads.uncounted): a credit's receiver half. */
  uncounted<T>(fn: () => T): T {
    const r = (this.state as { reads?: RemoteReads | null }).reads;
    if (!r) return fn();
    r.uncounted++;
    try {
      return fn();
    } finally {
      r.uncounted--;
    }
  }
  private putCost(raw: string): number {
    return Math.max(COSTS.PutCost, Math.floor(ramLength(raw) / 10));
  }
  private logicalKeyLength(key: string): number {
    return byteLength(this.contractName) + 1 + byteLength(key);
  }

  get(c: Cost, key: string): Value | undefined {
    c.cpuAdd(COSTS.GetCost);
    return this.db.get(this.contractName, key);
  }
  has(c: Cost, key: string): boolean {
    c.cpuAdd(COSTS.GetCost);
    return this.db.has(this.contractName, key);
  }
  put(c: Cost, key: string, value: Value, payer?: string): void {
    checkKeys(c, key);
    const oldRaw = this.db.getRaw(this.contractName, key);
    const p = payer ?? (oldRaw !== undefined ? decodeValue(oldRaw)!.payer : "") ?? "";
    const who = p === "" ? this.contractName : p;
    const raw = encodeValue(value, who);
    const kl = this.logicalKeyLength(key);
    this.payRAM(oldRaw, ramLength(oldRaw) + kl, ramLength(raw) + kl, who);
    this.db.putRaw(this.contractName, key, raw);
    c.cpuAdd(this.putCost(raw));
  }
  del(c: Cost, key: string): void {
    checkKeys(c, key);
    const oldRaw = this.db.getRaw(this.contractName, key);
    this.releaseRAM(oldRaw, this.logicalKeyLength(key) + ramLength(oldRaw));
    this.db.del(this.contractName, key);
    c.cpuAdd(COSTS.DelCost);
  }
  mapGet(c: Cost, key: string, field: string): Value | undefined {
    c.cpuAdd(COSTS.GetCost);
    return this.db.mget(this.contractName, key, field);
  }
  mapHas(c: Cost, key: string, field: string): boolean {
    c.cpuAdd(COSTS.GetCost);
    return this.db.mhas(this.contractName, key, field);
  }
  mapPut(c: Cost, key: string, field: string, value: Value, payer?: string): void {
    checkKeys(c, key, field);
    const oldRaw = this.db.mgetRaw(this.contractName, key, field);
    const p = payer ?? (oldRaw !== undefined ? decodeValue(oldRaw)!.payer : "");
    const who = p === "" ? this.contractName : p;
    const raw = encodeValue(value, who);
    const kl = this.logicalKeyLength(key) + 2 * byteLength(field);
    this.payRAM(oldRaw, ramLength(oldRaw) + kl, ramLength(raw) + kl, who);
    this.db.mputRaw(this.contractName, key, field, raw);
    c.cpuAdd(this.putCost(raw));
  }
  mapDel(c: Cost, key: string, field: string): void {
    checkKeys(c, key, field);
    const oldRaw = this.db.mgetRaw(this.contractName, key, field);
    this.releaseRAM(oldRaw, this.logicalKeyLength(key) + 2 * byteLength(field) + ramLength(oldRaw));
    this.db.mdel(this.contractName, key, field);
    c.cpuAdd(COSTS.DelCost);
  }
  mapKeys(c: Cost, key: string): string[] {
    c.cpuAdd(COSTS.KeysCost);
    return this.db.mkeys(this.contractName, key);
  }
  globalGet(c: Cost, contract: string, key: string): Value | undefined {
    c.cpuAdd(COSTS.GetCost);
    // The shards' directory is kept in system.iost's storage, which one shard never has.
    if (isDirectoryEntry(contract, key)) return undefined;
    return this.reading(() => this.db.get(contract, key));
  }
  globalMapGet(c: Cost, contract: string, key: string, field: string): Value | undefined {
    c.cpuAdd(COSTS.GetCost);
    return this.reading(() => this.db.mget(contract, key, field));
  }
  globalMapKeys(c: Cost, contract: string, key: string): string[] {
    c.cpuAdd(COSTS.KeysCost);
    // One key, the map's field index (storage.ts mkeys): fetched whole from the contract's shard like any read.
    const r = (this.state as { reads?: RemoteReads | null }).reads;
    if (!r) return this.db.mkeys(contract, key);
    r.listing++;
    try {
      return this.reading(() => this.db.mkeys(contract, key));
    } finally {
      r.listing--;
    }
  }

  /**
   * Runs `fn`, a read of records that may live on another shard (token.iost's balanceOf and supply,
   * storage.global*): its placed keys are counted against the bounds and, when another shard keeps
   * them, answered from the run's fetched values (remote.ts; executor/guard.ts answers).
   */
  reading<T>(fn: () => T): T {
    const r = (this.state as { reads?: RemoteReads | null }).reads;
    if (!r) return fn();
    r.armed++;
    try {
      return fn();
    } finally {
      r.armed--;
    }
  }

  // ---------------------------------------------------------------- info

  blockTime(c: Cost): bigint {
    c.cpuAdd(COSTS.ContextCost);
    return this.block.time;
  }
  contractNameWithCost(c: Cost): string {
    c.cpuAdd(COSTS.ContextCost);
    return this.contractName;
  }
  event(content: string): void {
    this.events.push({ topic: "CONTRACT_EVENT", contract: this.contractName, data: content });
  }

  receipt(c: Cost | null, content: string): void {
    this.receipts.push({ funcName: this.contractName + "/" + this.frame.abi, content });
    if (c) c.net += byteLength(content);
  }

  /** The shard an account (or a user contract, by the directory) lives on when it is not this one, else null. */
  remoteShard(account: string): number | null {
    const sh = this.block.shard;
    // Tokens sent to a contract of another shard travel as a credit, like to an account there.
    if (account.startsWith("Contract")) return remoteContractShard(this.state, sh, account);
    // A forwarded tx's publisher holds its escrow here: it acts as a local account.
    if (!sh || sh.count === 1 || !placedByName(account) || (this.tx.guest && account === this.tx.publisher)) return null;
    const home = shardOf(account, sh.count);
    return home === sh.index ? null : home;
  }

  /**
   * The shard `account`'s own records (its permissions, its gas) live on when not this one: remoteShard's, and for a
   * forwarded part's publisher off its shard its home, since only its escrow (balances, RAM) is held here.
   */
  recordsShard(account: string): number | null {
    const sh = this.block.shard;
    if (!sh || !this.tx.guest || account !== this.tx.publisher) return this.remoteShard(account);
    const home = shardOf(account, sh.count);
    return home === sh.index ? null : home;
  }

  /**
   * A `<pledger>gp` field came or went: kept in the pledger's order at its home, here or by the settle. A part of a
   * chain back at its tx's home leaves its moves to the settle too: it brings the earlier parts' before them, in order.
   * So does one moving a field of a pledger of its shard that an earlier part moved: that part's release here, which
   * lands later, takes them after its own (pledges.ts pledgesAt, withLater).
   */
  notePledge(pledger: string, user: string, added: boolean): void {
    const sh = this.block.shard;
    if (!sh || sh.count === 1) return;
    const here = shardOf(pledger, sh.count) === sh.index;
    const chainAtHome = this.tx.guest !== undefined && shardOf(this.tx.publisher, sh.count) === sh.index;
    const earlier = (this.tx.pledges ?? []).some(([p]) => p === pledger);
    if (here && !chainAtHome && !earlier) movePledge(this.state, sh.index, sh.count, [pledger, user, added]);
    else this.pledgeMoves.push([pledger, user, added]);
  }
  /** The `<pledger>gp` fields the tx moved so far that no pledger's order holds yet: its earlier parts', then this run's. */
  pendingPledges(): PledgeMove[] {
    return [...(this.tx.pledges ?? []), ...this.pledgeMoves];
  }

  /** The id of the next receipt this tx sends. An action receipt's run sends its own ids ("g"): they must not meet the home's. */
  nextReceiptId(): string {
    return `${this.receiptPrefix()}${this.outbox.length}`;
  }

  /** What the ids of this run's receipts start with: its tx, its run, and its hop of a chain. */
  receiptPrefix(): string {
    // Each hop of a chain has its own prefix: two hops' receipts to one shard must not share an id.
    const hop = (this.tx.hop ?? 1) > 1 ? `${this.tx.hop}.` : "";
    return `${this.tx.hash}:${runPrefix(this.tx.run)}${this.tx.guest ? "g" + hop : ""}`;
  }

  /** Whether this run wrote record `key` of another shard (a callee of its shard did, guard.ts writeRemote): what joins it lands with it. */
  writesRemote(key: string): boolean {
    return (this.state as { writesRemote?: (key: string) => boolean }).writesRemote?.call(this.state, key) === true;
  }

  /**
   * Queues a credit of `amount` (smallest units) to an account on shard `to`, frozen until `freezeUntil` (ns) if given;
   * `ramPayer` names the RAM payer of the record it may create there, as token.iost names it on one shard.
   */
  sendCredit(
    to: number,
    token: string,
    account: string,
    from: string,
    amount: bigint,
    opts: { freezeUntil?: bigint; op?: "issue"; ramPayer?: string } = {},
  ): void {
    const { freezeUntil, op, ramPayer } = opts;
    // The run wrote the balance (a callee of its shard spent it): the amount joins the value written, which lands
    // there, and the credit goes as a probe, its half's gas only (docs/SHARDING.md "Calls of another shard's contract").
    // A frozen list the run wrote never gets here: the freeze joins it in the run (token.ts transferFreeze).
    const key = mapKey("token.iost", "TB" + account, token);
    const joined = freezeUntil === undefined && this.writesRemote(key);
    const guard = this.state as {
      creditRemote?: (key: string, amount: bigint, ramPayer?: string) => [string | undefined, string];
      foundFor?: (x: { account: string; token: string }) => [string, string | null][];
    };
    // Its half runs where the written value lands, maybe after it: on the records as the run had them before the credit.
    const found = joined ? guard.foundFor!.call(this.state, { account, token }) : [];
    if (joined) this.payHalf(key, ...guard.creditRemote!.call(this.state, key, amount, ramPayer));
    // A forwarded part's publisher pays from its escrow, which goes home when the actions end: a refund could not
    // find it. None comes: its tokens here are iost or ones it carries, which every shard knows (a symbol is
    // announced before any credit of it leaves), a transfer's receiver was found in the directory, and a freeze's
    // is not checked (docs/SHARDING.md "A forwarded part's payments").
    this.outbox.push({
      id: this.nextReceiptId(),
      kind: "credit",
      txHash: this.tx.hash,
      fromShard: this.block.shard!.index,
      toShard: to,
      token,
      account,
      counterpart: from,
      amount: joined ? "0" : amount.toString(),
      message: "",
      ...(joined ? { probe: true as const } : {}),
      ...(found.length > 0 ? { found } : {}),
      ...(freezeUntil === undefined ? {} : { freezeUntil: freezeUntil.toString() }),
      ...(ramPayer === undefined ? {} : { ramPayer }),
      ...(token === "ram" && this.tx.paidRam?.has(account) ? { paidRam: this.paidRamOf(account) } : {}),
      ...this.creditPayer(to, op),
    });
  }

  /**
   * The payer a `ram` credit's half names `account`'s record as from, where a doPay of the tx rewrote it first (`paidRam`):
   * as this run's actions see it when its RAM escrow is here (a lend or sale here may have named token.iost since), else
   * as before that rewrite.
   */
  private paidRamOf(account: string): string {
    const held = this.tx.ramEscrow?.has(account) === true || (this.tx.guest !== undefined && account === this.tx.publisher);
    const raw = held ? this.state.get(mapKey("token.iost", "TB" + account, "ram")) : undefined;
    return raw === undefined ? this.tx.paidRam!.get(account)! : (decodeValue(raw)!.payer ?? "");
  }

  /**
   * Who pays a credit's receiver half: the publisher. A credit sent at home settles there, which
   * charges it; one a forwarded part sends to the publisher's home is charged where it lands; one it
   * sends to a third shard settles at the home, which its part's settle told to await it (`halves`).
   */
  private creditPayer(to: number, op?: "issue"): Pick<CrossReceipt, "payer"> {
    const where =
      this.tx.guest === undefined ? {} : shardOf(this.tx.publisher, this.block.shard!.count) === to ? { atHome: true as const } : { third: true as const };
    const time = this.block.time.toString();
    // Every part runs in its tx's block: its height and pool key are the tx's age where the credit lands (executor/reads.ts staleReaders).
    const at = this.block.number.toString();
    const age = this.tx.ord === "" ? { at } : { at, ord: this.tx.ord };
    return { payer: { publisher: this.tx.publisher, gasRatio: this.tx.gasRatio.toString(), time, ...age, ...(op ? { op } : {}), ...where } };
  }

  isValidAccount(name: string): boolean {
    if (this.genesis) return true;
    if (this.tx.guest?.some((g) => g.account === name)) return true;
    if (name.startsWith("Contract")) {
      // With several shards a contract is only here once deployed here (a transfer to one that
      // lives elsewhere leaves as a credit, see remoteShard); anything else would strand the tokens,
      // e.g. sent in the block before this shard's directory learns of a new contract.
      const sh = this.block.shard;
      return !sh || sh.count === 1 || findContract(this, name) !== undefined;
    }
    // Told by the account's record here, its shard's copy or a forwarded part's publisher: never fetched, counted nowhere.
    return name.endsWith(".iost") || this.uncounted(() => this.db.mhas("auth.iost", "auth", name));
  }

  /**
   * A name this run found nowhere (an account, a contract, a token's symbol), noted (remote.ts `unknown`) when there are
   * several shards: another may have just created it.
   */
  noteUnknown(id: string): void {
    const sh = this.block.shard;
    if (sh && sh.count > 1) (this.state as { reads?: RemoteReads | null }).reads?.unknown.add(id);
  }

  /**
   * Stamps the record at `key` telling a name exists (an account's auth record, a token's issuer record, which every
   * shard copies) with its creator's age (`creatorAge` of `old`, the record it replaced), in place of any age it carried;
   * with `hop`, the part of the chain that created it too (an index merged by age: sharding/aged.ts).
   */
  stampAge(key: string, old?: string, hop = false): void {
    const made = this.creatorAge(old);
    const raw = this.state.get(key);
    if (made !== null && raw !== undefined) this.state.put(key, withAge(withoutAge(raw), made, hop ? this.creatorHop(old) : 0));
  }

  /** The part of the tx's chain a name's record was created in (storage.ts hopIn): `old`'s, else this run's. */
  creatorHop(old: string | undefined): number {
    return old === undefined ? (this.tx.hop ?? 0) : hopIn(old);
  }

  /**
   * The creator's age a name's record keeps (storage.ts withAge): `old`'s, the record it replaces (a permission change,
   * an updateCode), else this tx's age for names (a new name); null with one shard, at genesis, or when `old` has none.
   */
  creatorAge(old: string | undefined): Age | null {
    const sh = this.block.shard;
    if (this.genesis || !sh || sh.count === 1) return null;
    return old === undefined ? [this.block.number.toString(), this.tx.ord] : ageIn(old);
  }

  /**
   * A name this run created (an account, or a token's symbol on the shard that decides it), noted (remote.ts `creates`)
   * when there are several shards: an older tx may still create it too.
   */
  noteCreated(id: string): void {
    const sh = this.block.shard;
    if (sh && sh.count > 1) (this.state as { reads?: RemoteReads | null }).reads?.creates.add(id);
  }

  /** Token decimals, -1 when the token does not exist (Visitor.Decimal). */
  tokenDecimal(token: string): number {
    return tokenDecimal(this.db, token);
  }

  // ---------------------------------------------------------------- authority

  requireAuth(c: Cost, id: string, perm: string): boolean {
    return this.requireAuthOf(c, id, perm, AUTH_NORMAL);
  }
  requireSignerAuth(c: Cost, id: string, perm: string): boolean {
    return this.requireAuthOf(c, id, perm, AUTH_SIGNER);
  }
  requirePublisherAuth(c: Cost, id: string): boolean {
    return this.requireAuthOf(c, id, "active", AUTH_PUBLISHER);
  }

  private requireAuthOf(c: Cost, id: string, perm: string, type: number): boolean {
    if (this.genesis) return true;
    if (isContractId(id)) {
      c.cpuAdd(opCost(1));
      return this.frame.authContracts.has(id);
    }
    // Checked from the signer's record, its shard's copy, or a forwarded part's authority: never fetched, counted nowhere.
    return this.uncounted(() => this.auth(c, id, perm, new Set(), type));
  }

  readAuth(c: Cost, id: string): AccountJson | undefined {
    // An account of another shard: the copy of its record its shard sent here, read at the same cost (directory.ts).
    const raw = this.db.mgetRaw("auth.iost", "auth", id) ?? remoteAuth(this.state, this.block.shard, id);
    c.cpuAdd(ramLength(raw));
    const v = decodeValue(raw);
    if (!v) return undefined;
    return parsedAccount((v.value as { v: string }).v);
  }

  /** go-iost host/authority.go `auth`; note Go drops the ReadAuth cost when recursing into `active` for a missing permission. */
  private auth(c: Cost, id: string, permission: string, reenter: Set<string>, type: number): boolean {
    const rk = id + "@" + permission;
    if (reenter.has(rk)) {
      c.cpuAdd(opCost(1));
      return false;
    }
    reenter.add(rk);
    if (type === AUTH_NORMAL && this.tx.signerList.has(rk)) {
      c.cpuAdd(opCost(1));
      return true;
    }
    const local = new Cost();
    const a = this.readAuth(local, id);
    if (!a) {
      c.add(local);
      return false;
    }
    if (id.startsWith("0x") && id.length === 42) {
      // Ethereum-style ids (secp256k1 address match) are not supported yet: never authorized.
      c.add(local);
      return false;
    }
    const p = Object.hasOwn(a.permissions, permission) ? a.permissions[permission] : undefined;
    if (!p) {
      if (permission === "owner" || permission === "active") {
        c.add(local);
        return false;
      }
      return this.auth(c, id, "active", reenter, type);
    }
    const items: ItemJson[] = [...p.items];
    for (const g of p.groups ?? []) {
      const grp = a.groups?.[g];
      if (grp) items.push(...grp.items);
    }
    const atype = type === AUTH_PUBLISHER ? 1 : 0;
    let weight = 0;
    for (const item of items) {
      if (item.is_key_pair) {
        if (type === AUTH_NORMAL) continue;
        const lvl = this.tx.authList.get(item.id);
        if (lvl !== undefined && lvl > atype) {
          weight += item.weight;
          if (weight >= p.threshold) {
            c.add(local);
            return true;
          }
        }
      } else {
        const ok = this.auth(local, item.id, item.permission ?? "", reenter, type);
        if (ok) {
          weight += item.weight;
          if (weight >= p.threshold) {
            c.add(local);
            return true;
          }
        }
      }
    }
    if (weight >= p.threshold) {
      c.add(local);
      return true;
    }
    if (permission === "owner") {
      c.add(local);
      return false;
    }
    const ok = this.auth(local, id, permission === "active" ? "owner" : "active", reenter, type);
    c.add(local);
    return ok;
  }
}

/** Decimal from a stored "f" value, or the default. */
export function asDecimal(v: Value | undefined, dflt: Decimal): Decimal {
  return v && v.t === "f" ? v.v : dflt;
}
export function asInt(v: Value | undefined, dflt = 0n): bigint {
  return v && v.t === "i" ? v.v : dflt;
}
export function asString(v: Value | undefined): string | undefined {
  return v && v.t === "s" ? v.v : undefined;
}
export function asBool(v: Value | undefined): boolean {
  return !!v && v.t === "b" && v.v;
}

/** Ends Host.armCallee. */
export function disarm(r: RemoteReads): void {
  r.armed--;
  r.calling--;
}

/** Runs `fn` as a callee of another shard when `armed` (Host.armCallee's answer), disarmed after however it ends. */
export function asCallee<T>(armed: RemoteReads | null, fn: () => T): T {
  try {
    return fn();
  } finally {
    if (armed) disarm(armed);
  }
}

/** The part of a receipt id naming which run of its tx sent it (TxContext `run`): none for the first. */
export const runPrefix = (run: number | undefined) => (run ? `r${run}.` : "");

/** The run of its tx that sent receipt `id` (runPrefix), which a part it starts runs as. */
export const runOf = (id: string) => Number(/^[^:]+:r(\d+)\./.exec(id)?.[1] ?? 0);

/**
 * gas.iost (go-iost vm/native/gas.go) and the gas bookkeeping of
 * vm/host/gas_manager.go and vm/database/gas_handler.go.
 *
 * Storage (contract gas.iost, decimals): `<acc>gt` pledge total (IOST),
 * `<acc>gl` gas cap, `<acc>gu` last update time (int ns), `<acc>gs` gas stock
 * (scale 2); map `<pledger>gp` field `<user>` = IOST pledged by pledger for user.
 */
import { Decimal, DecimalError } from "../amount.js";
import type { State } from "../state/state.js";
import { basicKey, ContractDB, decodeValue, encodeValue, fixed, int, type Value } from "../state/storage.js";
import { argsJson, goMarshalArgs } from "./args.js";
import { type Cost, COSTS, opCost } from "./cost.js";
import { ERR, VmError } from "./errors.js";
import { asCallee, asDecimal, asInt, checkStorageKey, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract, type AbiEntry } from "./native.js";
import { accountKnown, authorizes, canUpdateAdmin, noop } from "./token.js";
import type { RemoteReads } from "./remote.js";

export const GAS = "gas.iost";
export const GAS_DECIMAL = 2;
const GAS_MAX_INCREASE_NS = 3n * 24n * 3600n * 1_000_000_000n;
export const GAS_MIN_PLEDGE_OF_USER = Decimal.fromInt(10, 8);
export const GAS_MIN_PLEDGE_PER_ACTION = Decimal.fromInt(1, 8);
export const GAS_IMMEDIATE_REWARD = Decimal.fromInt(100000, 2);
export const GAS_LIMIT_PER_IOST = Decimal.fromInt(300000, 2);
/** (300000 − 100000) / 172800 s at scale 2, truncated: 1.15 gas/s per IOST. */
export const GAS_INCREASE_RATE = GAS_LIMIT_PER_IOST.sub(GAS_IMMEDIATE_REWARD).divInt(2n * 24n * 3600n);
export const UNPLEDGE_FREEZE_NS = 3n * 24n * 3600n * 1_000_000_000n;

export interface GasRecord {
  pledgeTotal: Decimal;
  limit: Decimal;
  updateTime: bigint;
  stock: Decimal;
}

/** An account's gas records, in the order `gasRecord` reads them. */
const GAS_FIELDS = ["gt", "gl", "gu", "gs"];

function gasRecord(field: (i: number) => Value | undefined): GasRecord {
  return {
    pledgeTotal: asDecimal(field(0), Decimal.zero(GAS_DECIMAL)),
    limit: asDecimal(field(1), Decimal.zero(GAS_DECIMAL)),
    updateTime: asInt(field(2)),
    stock: asDecimal(field(3), Decimal.zero(GAS_DECIMAL)),
  };
}

export function readGas(db: ContractDB, name: string): GasRecord {
  return gasRecord((i) => db.get(GAS, name + GAS_FIELDS[i]));
}

/**
 * An account's gas at one time (totalGasAt), read once and read again only after one of its records was
 * written or rolled back (State.written). A tx asks for its publisher's in prepare's check, after each
 * action (`short`) and in doPay's charge: its records change only when an action pledges or unpledges.
 */
export class GasAt {
  private readonly keys: string[];
  private readonly seen: (string | null | undefined)[] = [];
  private gas: Decimal | null = null;

  constructor(
    private readonly state: State,
    name: string,
    private readonly t: bigint,
  ) {
    this.keys = GAS_FIELDS.map((k) => basicKey(GAS, name + k));
  }

  get value(): Decimal {
    if (this.gas === null || this.changed()) {
      this.gas = gasAtTime(
        gasRecord((i) => decodeValue(this.state.get(this.keys[i]))?.value),
        this.t,
      );
      for (let i = 0; i < this.keys.length; i++) this.seen[i] = this.state.written(this.keys[i]);
    }
    return this.gas;
  }

  private changed(): boolean {
    for (let i = 0; i < this.keys.length; i++) if (this.state.written(this.keys[i]) !== this.seen[i]) return true;
    return false;
  }
}

/**
 * Gas at time t (gas_handler.go PGasAtTime): stock + rate × elapsed seconds, at
 * most the cap, elapsed capped at 3 days, result truncated to 2 decimals.
 * Go computes `round(rate.Value × float64(Δns)/1e9)` in doubles; we compute the
 * same rounding (half away from zero) exactly in integers.
 */
export function gasAtTime(g: GasRecord, t: bigint): Decimal {
  let dur = 0n;
  if (g.updateTime > 0n) {
    dur = t - g.updateTime;
    if (dur > GAS_MAX_INCREASE_NS) dur = GAS_MAX_INCREASE_NS;
  }
  const rate = g.pledgeTotal.mul(GAS_INCREASE_RATE);
  const num = rate.value * dur;
  const den = 1_000_000_000n;
  const q = num >= 0n ? (2n * num + den) / (2n * den) : -((-2n * num + den) / (2n * den));
  const delta = new Decimal(q, rate.scale);
  const fin = delta.add(g.stock);
  const result = g.limit.lessThan(fin) ? g.limit : fin;
  return result.rescale(GAS_DECIMAL);
}

export function totalGasAt(db: ContractDB, name: string, t: bigint): Decimal {
  return gasAtTime(readGas(db, name), t).rescale(GAS_DECIMAL);
}

// ------------------------------------------------------------------ GasManager (with host costs)

function gmGet(h: Host, c: Cost, key: string): Decimal | undefined {
  const v = h.get(c, key);
  return v && v.t === "f" ? v.v : undefined;
}
function pledgeOf(h: Host, c: Cost, name: string, pledger: string): Decimal {
  if (!h.mapHas(c, pledger + "gp", name)) return Decimal.zero(8);
  const v = h.mapGet(c, pledger + "gp", name);
  return v && v.t === "f" ? v.v : Decimal.zero(8);
}

/** RefreshPGas: store the current gas and the update time. Runs in gas.iost's storage. */
function refreshPGas(h: Host, c: Cost, name: string): void {
  const g = gasAtTime(readGas(h.db, name), h.block.time);
  h.put(c, name + "gs", fixed(g));
  h.put(c, name + "gu", int(h.block.time));
}

/**
 * GasManager.CostGas (used by DoPay), `now` the payer's gas at the block's time. Go refreshes the stock (writes
 * it, reads it back) and then writes it less `gas`: the stock is written once here, as it ends. A refused charge
 * still writes the refresh: a write of a key another tx locked makes this one wait (executor/guard.ts).
 */
export function costGas(h: Host, name: string, gas: Decimal, now = totalGasAt(h.db, name, h.block.time)): void {
  if (now.lessThan(gas)) {
    writeStock(h, name, now);
    throw new VmError(`gas not enough! Now: ${now.toString()}(tgas:0,pgas:${now.toString()}), Need ${gas.toString()}`);
  }
  writeStock(h, name, now.sub(gas));
}

/**
 * RefreshPGas's writes, of `stock`, as Host.put writes them (the key checked, the record's payer kept, else
 * gas.iost) but without what it books: doPay drops both, the cost being local to the charge and no RAM booked
 * after the actions being paid.
 */
function writeStock(h: Host, name: string, stock: Decimal): void {
  for (const [key, value] of [
    [name + "gs", fixed(stock)],
    [name + "gu", int(h.block.time)],
  ] as const) {
    checkStorageKey(key);
    const payer = decodeValue(h.db.getRaw(GAS, key))?.payer ?? "";
    h.db.putRaw(GAS, key, encodeValue(value, payer === "" ? GAS : payer));
  }
}

/**
 * Gives back gas a tx reserved and did not use (a forwarded part's, settled a
 * block or two later; docs/SHARDING.md "Gas"): the stock as of `t` plus
 * `gas` (×100), at most the limit — gas regenerated meanwhile up to the limit
 * would have been capped there anyway. A negative `gas` charges a credit's
 * receiver half, down to an empty stock. Raw writes like go-iost's teller:
 * no gas, the keys keep their payer.
 */
export function refundGas(state: State, name: string, gas: bigint, t: bigint): void {
  if (gas === 0n) return;
  const g = readGas(new ContractDB(state), name);
  const after = gasAtTime(g, t).add(new Decimal(gas, GAS_DECIMAL));
  const sum = after.isNegative() ? Decimal.zero(GAS_DECIMAL) : after;
  const stock = g.limit.lessThan(sum) ? g.limit : sum;
  const put = (key: string, value: Value) => {
    const raw = basicKey(GAS, name + key);
    state.put(raw, encodeValue(value, decodeValue(state.get(raw))?.payer ?? ""));
  };
  put("gs", fixed(stock.rescale(GAS_DECIMAL)));
  put("gu", int(t));
}

function pledge(h: Host, c: Cost, pledger: string, name: string, amount: Decimal): void {
  if (amount.isZero()) throw new VmError(`invalid pledge amount ${amount.toString()}`);
  if (amount.isNegative()) {
    const un = amount.neg();
    const oldTotal = gmGet(h, c, name + "gt") ?? Decimal.zero(GAS_DECIMAL);
    if (oldTotal.sub(un).lessThan(GAS_MIN_PLEDGE_OF_USER))
      throw new VmError(`unpledge too much (${oldTotal.toString()} - ${un.toString()}) less than ${GAS_MIN_PLEDGE_OF_USER.toString()}`);
    const pledged = pledgeOf(h, c, name, pledger);
    if (pledged.sub(un).isNegative()) throw new VmError(`you cannot unpledge more than your pledge ${un.toString()} > ${pledged.toString()}`);
  }
  const limitDelta = amount.mul(GAS_LIMIT_PER_IOST);
  const totalDelta = amount;
  const gasDelta = amount.isNegative() ? Decimal.zero(GAS_DECIMAL) : amount.mul(GAS_IMMEDIATE_REWARD);
  const t = asInt(h.get(c, name + "gu"));
  if (t === 0n) {
    if (amount.isNegative()) throw new VmError("cannot unpledge! No pledge before");
    h.mapPut(c, pledger + "gp", name, fixed(amount));
    h.notePledge(pledger, name, true);
    h.put(c, name + "gu", int(h.block.time));
    h.put(c, name + "gt", fixed(totalDelta));
    h.put(c, name + "gl", fixed(limitDelta));
    h.put(c, name + "gs", fixed(gasDelta));
    return;
  }
  refreshPGas(h, c, name);
  const totalOld = gmGet(h, c, name + "gt") ?? Decimal.zero(GAS_DECIMAL);
  const totalNew = totalOld.add(totalDelta);
  if (totalNew.value <= 0n) throw new VmError(`change gasPledgeTotal failed! current: ${totalOld.toString()}, delta ${totalDelta.toString()}`);
  h.put(c, name + "gt", fixed(totalNew));
  const limitOld = gmGet(h, c, name + "gl") ?? Decimal.zero(GAS_DECIMAL);
  const limitNew = limitOld.add(limitDelta);
  if (limitNew.value <= 0n) throw new VmError(`change gasLimit failed! current: ${limitOld.toString()}, delta ${limitDelta.toString()}`);
  h.put(c, name + "gl", fixed(limitNew));
  const gasOld = gmGet(h, c, name + "gs") ?? Decimal.zero(GAS_DECIMAL);
  let gasNew = gasOld.add(gasDelta);
  if (limitNew.lessThan(gasNew)) gasNew = limitNew;
  h.put(c, name + "gs", fixed(gasNew));
  const pledged = pledgeOf(h, c, name, pledger);
  const np = pledged.add(totalDelta);
  if (np.isZero()) {
    h.mapDel(c, pledger + "gp", name);
    h.notePledge(pledger, name, false);
  } else if (np.isPositive()) {
    h.mapPut(c, pledger + "gp", name, fixed(np));
    if (pledged.isZero()) h.notePledge(pledger, name, true);
  }
}

function parsePledgeAmount(text: string): Decimal {
  try {
    return Decimal.parse(text, 8);
  } catch (e) {
    if (e instanceof DecimalError) throw new VmError(`invalid amount ${text}`);
    throw e;
  }
}

/**
 * A pledge or unpledge touching records of another shard runs as a callee of that shard's (docs/SHARDING.md "Calls of
 * another shard's contract"): they are fetched from there and written back with the run. Those of a user of another
 * shard (a contract's pledge for it: at top level the action runs on the user's shard), and those of a pledger of
 * another shard, not its publisher (a co-signer), when the tx authorizes it (token.ts armFor): else nothing is fetched,
 * and the pledge fails at the pledger's permission check as on one shard. The publisher's iost is here (its escrow),
 * but a pledge for it off its shard writes its gas records, which only its home keeps (Host.recordsShard, as auth.iost).
 * `armed`: the reads to disarm, or null; `away`: the names of another shard not armed for, checked in the directory.
 */
function armPledger(h: Host, pledger: string, user: string): { armed: RemoteReads | null; away: ReadonlySet<string> } {
  const remote = (name: string) => !h.inCallee && h.recordsShard(name) !== null;
  const names = [...(pledger !== h.tx.publisher && remote(pledger) ? [pledger] : []), ...(remote(user) ? [user] : [])];
  if (names.length === 0) return { armed: null, away: new Set() };
  const authorized = !names.includes(pledger) || authorizes(h, pledger);
  const armed = authorized ? h.armCallee() : null;
  return { armed, away: new Set(armed === null ? names : []) };
}

const pledgeAbi: NativeAbi["fn"] = (h, args, c) => {
  const { armed, away } = armPledger(h, args[0] as string, args[1] as string);
  return asCallee(armed, () => pledgeRun(h, args, c, away));
};

function pledgeRun(h: Host, args: Parameters<NativeAbi["fn"]>[1], c: Cost, away: ReadonlySet<string>): unknown[] {
  const pledger = args[0] as string;
  c.cpuAdd(opCost(1));
  if (!accountKnown(h, pledger, away.has(pledger))) throw new VmError(`invalid user name ${pledger}`);
  const user = args[1] as string;
  c.cpuAdd(opCost(1));
  if (!accountKnown(h, user, away.has(user))) throw new VmError(`invalid user name ${user}`);
  if (!h.requireAuth(c, pledger, "transfer")) throw new VmError(ERR.permissionLost);
  const amountStr = args[2] as string;
  c.cpuAdd(opCost(1));
  const amount = parsePledgeAmount(amountStr);
  if (amount.value <= 0n) throw new VmError(`invalid amount ${amountStr}`);
  if (amount.lessThan(GAS_MIN_PLEDGE_PER_ACTION)) throw new VmError(`min pledge num is ${GAS_MIN_PLEDGE_PER_ACTION.value}`);
  pledge(h, c, pledger, user, amount);
  const me = h.contractNameWithCost(c);
  if (pledger !== "token.iost") h.call(c, "token.iost", "transfer", argsJson(["iost", pledger, me, amountStr, ""]));
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

const unpledgeAbi: NativeAbi["fn"] = (h, args, c) => {
  const { armed, away } = armPledger(h, args[0] as string, args[1] as string);
  return asCallee(armed, () => unpledgeRun(h, args, c, away));
};

function unpledgeRun(h: Host, args: Parameters<NativeAbi["fn"]>[1], c: Cost, away: ReadonlySet<string>): unknown[] {
  const pledger = args[0] as string;
  const user = args[1] as string;
  c.cpuAdd(opCost(1));
  // Go swaps the two names in these two messages.
  if (!accountKnown(h, pledger, away.has(pledger))) throw new VmError(`invalid user name ${user}`);
  c.cpuAdd(opCost(1));
  if (!accountKnown(h, user, away.has(user))) throw new VmError(`invalid user name ${pledger}`);
  if (!h.requireAuth(c, pledger, "transfer")) throw new VmError(ERR.permissionLost);
  const amountStr = args[2] as string;
  c.cpuAdd(opCost(1));
  const amount = parsePledgeAmount(amountStr);
  if (amount.value <= 0n) throw new VmError(`invalid amount ${amountStr}`);
  if (amount.lessThan(GAS_MIN_PLEDGE_PER_ACTION)) throw new VmError(`min unpledge num is ${GAS_MIN_PLEDGE_PER_ACTION.value}`);
  const pledged = pledgeOf(h, c, user, pledger);
  if (pledged.isZero()) throw new VmError(`${pledger} did not pledge for ${user}`);
  pledge(h, c, pledger, user, amount.neg());
  if (pledger !== "token.iost") {
    const me = h.contractNameWithCost(c);
    const ftime = h.block.time + UNPLEDGE_FREEZE_NS;
    // To a pledger of another shard (an unpledge runs on the user's shard) transferFreeze sends the
    // amount home as a credit carrying the unfreeze time (token.ts, docs/SHARDING.md "Unpledge across shards").
    h.callWithAuth(c, "token.iost", "transferFreeze", `["iost", "${me}", "${pledger}", "${amount.toString()}", ${ftime}, ""]`);
  }
  c.cpuAdd(opCost(1));
  h.receipt(c, goMarshalArgs(args));
  return [];
}

nativeContract({
  id: GAS,
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  shared: [canUpdateAdmin],
  abis: {
    // Without the hint TypeScript types this key as Object.prototype.constructor.
    constructor: [[], noop] satisfies AbiEntry,
    pledge: [["string", "string", "string"], pledgeAbi],
    unpledge: [["string", "string", "string"], unpledgeAbi],
  },
});

void COSTS;

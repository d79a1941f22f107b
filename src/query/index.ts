/**
 * Read queries for the RPC (go-iost rpc/api_service.go, rpc/convert.go,
 * rpc/pb/rpc.proto). Plain functions over a State; nothing here writes.
 * Doubles appear only in the JSON shapes IOST gives as doubles (balances,
 * gas_info, RAM prices) and are computed from exact integers at the end.
 */
import { Decimal } from "../amount.js";
import "../contracts/index.js";
import type { AccountJson } from "../contracts/host.js";
import { findContract, nativeContracts, nativeDeployment } from "../contracts/monitor.js";
import { deployedContractJson } from "../vm/index.js";
import { gasAtTime, readGas, GAS_INCREASE_RATE, GAS_LIMIT_PER_IOST } from "../contracts/gas.js";
import { parseFreezeList } from "../contracts/token.js";
import { readRamGlobals } from "../contracts/ram.js";
import type { State } from "../state/state.js";
import { ContractDB, displayValue } from "../state/storage.js";
import { pledgeOrder } from "../sharding/pledges.js";
import { isDirectoryEntry } from "../sharding/directory.js";
import { type FieldAges, fieldAges } from "../sharding/aged.js";

const num = (d: Decimal): number => Number(d.toString());

export interface FrozenBalanceJson {
  amount: number;
  time: string;
}

export interface AccountInfoJson {
  name: string;
  balance: number;
  gas_info: {
    current_total: number;
    transferable_gas: number;
    pledge_gas: number;
    increase_speed: number;
    limit: number;
    pledged_info: { pledger: string; amount: number }[];
  };
  ram_info: { available: string; used: string; total: string };
  permissions: Record<string, { name: string; group_names: string[]; items: ItemView[]; threshold: string }>;
  groups: Record<string, { name: string; items: ItemView[] }>;
  frozen_balances: FrozenBalanceJson[];
  vote_infos: { option: string; votes: number; cleared_votes: number }[];
  balance_string: string;
}
interface ItemView {
  id: string;
  is_key_pair: boolean;
  weight: string;
  permission: string;
}

function tokenDecimal(db: ContractDB, token: string): number {
  const v = db.mget("token.iost", "TI" + token, "decimal");
  return v && v.t === "i" ? Number(v.v) : -1;
}

/** Balance including frozen entries already matured at `time`, and the still-frozen list (smallest units). */
function balanceParts(db: ContractDB, account: string, token: string, time: bigint) {
  const b = db.mget("token.iost", "TB" + account, token);
  let balance = b && b.t === "i" ? b.v : 0n;
  const f = db.mget("token.iost", "TF" + account, token);
  const frozen: { amount: bigint; time: bigint }[] = [];
  if (f && f.t === "j") {
    for (const item of parseFreezeList(f.v)) {
      if (item.Ftime <= time) balance += item.Amount;
      else frozen.push({ amount: item.Amount, time: item.Ftime });
    }
  }
  return { balance, frozen };
}

function itemView(i: { id: string; is_key_pair: boolean; weight: number; permission?: string }): ItemView {
  return { id: i.id, is_key_pair: i.is_key_pair, weight: String(i.weight), permission: i.permission ?? "" };
}

/**
 * getAccount's `pledged_info`: the gas pledges `name` made that this state
 * holds, in the map's order (go-iost names the user `pledger` there). A pledge
 * lives with its user, so on N shards each shard holds those for its accounts
 * (docs/SHARDING.md "Placement").
 */
export function pledgesOf(state: State, name: string): { pledger: string; amount: number }[] {
  const db = new ContractDB(state);
  const pledged: { pledger: string; amount: number }[] = [];
  const seen = new Set<string>();
  for (const user of db.mkeys("gas.iost", name + "gp")) {
    if (seen.has(user)) continue;
    seen.add(user);
    const v = db.mget("gas.iost", name + "gp", user);
    if (v?.t !== "f" || v.v.isZero()) continue;
    pledged.push({ pledger: user, amount: num(v.v) });
  }
  return pledged;
}

/** /getAccount: the account JSON of go-iost rpc/convert.go, or null when there is no such account. */
export function getAccount(state: State, name: string, blockTime: bigint): AccountInfoJson | null {
  const db = new ContractDB(state);
  const raw = db.mget("auth.iost", "auth", name);
  if (raw?.t !== "s") return null;
  const acc = JSON.parse(raw.v) as AccountJson;
  const dec = Math.max(tokenDecimal(db, "iost"), 0);
  const { balance, frozen } = balanceParts(db, name, "iost", blockTime);
  const bal = new Decimal(balance, dec);

  const g = readGas(db, name);
  const current = gasAtTime(g, blockTime);
  const pledged = pledgesOf(state, name);

  const ramBal = db.mget("token.iost", "TB" + name, "ram");
  const ramStr = (k: string) => {
    const v = db.get("ram.iost", k + name);
    return v && v.t === "s" && /^-?\d+$/.test(v.v) ? v.v : "0";
  };

  const permissions: AccountInfoJson["permissions"] = {};
  for (const key of Object.keys(acc.permissions).sort()) {
    const p = acc.permissions[key];
    if (!p) continue;
    permissions[key] = { name: p.name, group_names: [...(p.groups ?? [])], items: p.items.map(itemView), threshold: String(p.threshold) };
  }
  const groups: AccountInfoJson["groups"] = {};
  for (const key of Object.keys(acc.groups ?? {}).sort()) {
    const grp = acc.groups[key];
    if (!grp) continue;
    groups[key] = { name: grp.name, items: grp.items.map(itemView) };
  }

  return {
    name,
    balance: num(bal),
    gas_info: {
      current_total: num(current),
      transferable_gas: 0,
      pledge_gas: num(current),
      increase_speed: num(g.pledgeTotal.mul(GAS_INCREASE_RATE)),
      limit: num(g.limit),
      pledged_info: pledged,
    },
    ram_info: {
      available: (ramBal && ramBal.t === "i" ? ramBal.v : 0n).toString(),
      used: ramStr("UR"),
      total: ramStr("TR"),
    },
    permissions,
    groups,
    frozen_balances: frozen.map((f) => ({ amount: num(new Decimal(f.amount, dec)), time: f.time.toString() })),
    vote_infos: [],
    balance_string: bal.toString(),
  };
}

/** /getTokenBalance: the account need not exist; unknown token -> balance 0. */
export function getTokenBalance(state: State, account: string, token: string, blockTime: bigint): { balance: number; frozen_balances: FrozenBalanceJson[] } {
  const db = new ContractDB(state);
  const { balance, frozen } = balanceParts(db, account, token, blockTime);
  return balanceJson(Math.max(tokenDecimal(db, token), 0), balance, frozen);
}

/** getTokenBalance's answer for `balance` and `frozen` in smallest units of a token of `decimal` places. */
export function balanceJson(
  decimal: number,
  balance: bigint,
  frozen: readonly { amount: bigint; time: bigint }[],
): { balance: number; frozen_balances: FrozenBalanceJson[] } {
  return {
    balance: num(new Decimal(balance, decimal)),
    frozen_balances: frozen.map((f) => ({ amount: num(new Decimal(f.amount, decimal)), time: f.time.toString() })),
  };
}

/** An account's balance of `token` here in smallest units, frozen ones apart, and the token's decimal places: a part of a sum. */
export function balanceUnits(state: State, account: string, token: string, blockTime: bigint): BalanceUnits {
  const db = new ContractDB(state);
  const { balance, frozen } = balanceParts(db, account, token, blockTime);
  return {
    decimal: Math.max(tokenDecimal(db, token), 0),
    balance: balance.toString(),
    frozen: frozen.map((f) => ({ amount: f.amount.toString(), time: f.time.toString() })),
  };
}

export type BalanceUnits = {
  decimal: number;
  balance: string;
  frozen: { amount: string; time: string }[];
};

export interface TokenInfoJson {
  symbol: string;
  full_name: string;
  issuer: string;
  total_supply: string;
  current_supply: string;
  decimal: number;
  can_transfer: boolean;
  only_issuer_can_transfer: boolean;
  total_supply_float: number;
  current_supply_float: number;
}

/** /getTokenInfo, or null (RPC error `token not found`). */
export function getTokenInfo(state: State, symbol: string): TokenInfoJson | null {
  const db = new ContractDB(state);
  const f = (field: string) => db.mget("token.iost", "TI" + symbol, field);
  const issuer = f("issuer");
  if (issuer?.t !== "s") return null;
  const iv = (field: string) => {
    const v = f(field);
    return v && v.t === "i" ? v.v : 0n;
  };
  const bv = (field: string) => {
    const v = f(field);
    return !!v && v.t === "b" && v.v;
  };
  const fn = f("fullName");
  const dec = Number(iv("decimal"));
  const total = iv("totalSupply");
  const supply = iv("supply");
  return {
    symbol,
    full_name: fn && fn.t === "s" ? fn.v : symbol,
    issuer: issuer.v,
    total_supply: total.toString(),
    current_supply: supply.toString(),
    decimal: dec,
    can_transfer: bv("canTransfer"),
    only_issuer_can_transfer: bv("onlyIssuerCanTransfer"),
    total_supply_float: num(new Decimal(total, dec)),
    current_supply_float: num(new Decimal(supply, dec)),
  };
}

/** /getRAMInfo: buy = 1.02 × balance / left, sell = balance / left (IOST per byte). */
export function getRAMInfo(state: State): { used_ram: string; available_ram: string; total_ram: string; sell_price: number; buy_price: number } {
  const g = readRamGlobals(new ContractDB(state));
  if (!g) return { used_ram: "0", available_ram: "0", total_ram: "0", sell_price: 0, buy_price: 0 };
  const bal = num(g.balance);
  const left = Number(g.leftSpace);
  return {
    used_ram: g.usedSpace.toString(),
    available_ram: g.leftSpace.toString(),
    total_ram: (g.usedSpace + g.leftSpace).toString(),
    sell_price: left > 0 ? bal / left : 0,
    buy_price: left > 0 ? (1.02 * bal) / left : 0,
  };
}

/** /getContractStorage: `field` empty -> simple key, else map field. Strings verbatim, others JSON, missing "null". */
export function getContractStorage(state: State, id: string, key: string, field = ""): { data: string } {
  const db = new ContractDB(state);
  // The shards' directory entries: one shard has none.
  const v = field === "" ? (isDirectoryEntry(id, key) ? undefined : db.get(id, key)) : db.mget(id, key, field);
  return { data: displayValue(v) };
}

/**
 * /getContractStorageFields: the map's indexed field names. A pledger's pledges (gas.iost `<pledger>gp`) are indexed
 * where their users live; the pledger's shard keeps the order of all of them (src/query/parts.ts).
 */
export function getContractStorageFields(state: State, id: string, key: string): { fields: string[] } {
  const order = id === "gas.iost" && key.endsWith("gp") ? pledgeOrder(state, key.slice(0, -2)) : undefined;
  return { fields: order ?? new ContractDB(state).mkeys(id, key) };
}

/**
 * A map's indexed fields with the age each one's record starts with (storage.ts `withAge`; null: none, as a genesis
 * account's): auth.iost's account index, which each shard keeps of the accounts it created, and system.iost's of the
 * owners of the contracts deployed on it (the age their code keeps), merged by the edge in the order of the ages
 * (src/query/parts.ts `mergeByAge`).
 */
export function getFieldAges(state: State, id: string, key: string): FieldAges {
  return fieldAges((k) => state.get(k), id, key);
}

export interface ContractJson {
  id: string;
  code: string;
  language: string;
  version: string;
  orig_code: string;
  abis: { name: string; args: string[]; amount_limit: { token: string; value: string }[] }[];
}

/** /getContract: native system contracts (code "codes", language "native", ABIs sorted, `*` unlimited), else a deployed JS contract. */
export function getContract(state: State, id: string): ContractJson | null {
  const def = findContract(null, id);
  if (!def) return deployedContractJson(state, id);
  const deployed = nativeDeployment(state, def);
  if (deployed) {
    const abis = deployed.abi.map((a) => ({ name: a.name, args: [...a.args], amount_limit: a.amountLimit.map((l) => ({ token: l.token, value: l.val })) }));
    return { id: def.id, code: "codes", language: "native", version: deployed.version, orig_code: "", abis };
  }
  const abis = [...def.abis.values()]
    .filter((a) => !a.private)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => ({ name: a.name, args: [...a.args], amount_limit: [{ token: "*", value: "unlimited" }] }));
  return { id: def.id, code: "codes", language: "native", version: def.version, orig_code: "", abis };
}

/** Ids of every native contract (for listings). */
export function nativeContractIds(): string[] {
  return nativeContracts().map((c) => c.id);
}

void GAS_LIMIT_PER_IOST;

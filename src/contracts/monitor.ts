/**
 * Contract lookup and the call protocol of go-iost vm/monitor.go `Call`:
 * prepare (contract, abi, args), run, ABI/tx amount limits for the top-level
 * action, RAM flush and RAM-payer permission check.
 */
import { Decimal, DecimalError } from "../amount.js";
import { unmarshalArgs, type Arg } from "./args.js";
import { COSTS, Cost, opCost } from "./cost.js";
import { VmError } from "./errors.js";
import type { Host } from "./host.js";
import { isContractId } from "./host.js";
import type { State } from "../state/state.js";
import { decodeValue, mapKey } from "../state/storage.js";

export interface AbiAmountLimit {
  token: string;
  val: string;
}

export interface NativeAbi {
  name: string;
  args: readonly string[];
  /** The ABI's amountLimit (native Go contracts: `*` unlimited). */
  amountLimit: readonly AbiAmountLimit[];
  /** Private ABIs (`init`) are callable only by system.iost and not listed. */
  private?: boolean;
  fn: (h: Host, args: Arg[], c: Cost) => unknown[];
}

export interface ContractDef {
  id: string;
  version: string;
  /**
   * "native" = a Go native contract in IOST; "javascript" = a genesis JS contract
   * of IOST (auth.iost, ram.iost) implemented natively here, or a deployed one run
   * by src/vm: pays the JS flag-down JSCost and returns JS-style values (one string).
   */
  lang: "native" | "javascript";
  abis: ReadonlyMap<string, NativeAbi>;
  /** A native contract system.iost/updateNativeCode can set: each version's public ABIs (native.ts). */
  versions?: Readonly<Record<string, readonly string[]>>;
  genesisVersion?: string;
}

export const UNLIMITED_ALL: readonly AbiAmountLimit[] = [{ token: "*", val: "unlimited" }];

const registry = new Map<string, ContractDef>();

export function registerContract(def: ContractDef): void {
  registry.set(def.id, def);
}

/** What a versioned native contract runs as: its version and the public ABIs it answers, as go-iost stores them. */
export interface NativeDeployment {
  version: string;
  abi: { name: string; args: string[]; amountLimit: AbiAmountLimit[] }[];
}

/** Where updateNativeCode records a native contract's deployment (raw JSON; none: its genesis version). */
export const nativeKey = (id: string) => "n-" + id;

/** Version `version` of `def` as go-iost vm/native/abi.go `ABI` builds it (ABIs sorted, `*` unlimited), or null if it has none. */
export function nativeVersion(def: ContractDef, version: string): NativeDeployment | null {
  const names = def.versions && Object.hasOwn(def.versions, version) ? def.versions[version] : undefined;
  if (!names) return null;
  const abi = [...names].sort().map((name) => ({ name, args: [...def.abis.get(name)!.args], amountLimit: [...UNLIMITED_ALL] }));
  return { version, abi };
}

/** A versioned native contract's deployment in `state`, or null for a contract fixed at its registry version. */
export function nativeDeployment(state: State, def: ContractDef): NativeDeployment | null {
  if (def.genesisVersion === undefined) return null;
  const raw = state.get(nativeKey(def.id));
  return raw === undefined ? nativeVersion(def, def.genesisVersion) : (JSON.parse(raw) as NativeDeployment);
}

/** Deployed (JavaScript VM) contracts, read from state; set by src/vm (which imports this module). */
let resolver: ((state: State, id: string) => ContractDef | undefined) | undefined;

export function registerContractResolver(fn: (state: State, id: string) => ContractDef | undefined): void {
  resolver = fn;
}

/** Resolve a contract id: native/system contracts from the registry, deployed ones from the host's state. */
export function findContract(h: Host | null, id: string): ContractDef | undefined {
  return registry.get(id) ?? (h && resolver ? resolver(h.state, id) : undefined);
}

/**
 * The contract id a call names (go-iost vm/monitor.go prepareContract): a url linked by
 * domain.iost (src/contracts/domain.ts) stands for its contract. A system contract's id is
 * itself without a read: only admin may link a `.iost` url, and none shadows one.
 */
export function linkedContract(state: State, name: string): string {
  if (name.startsWith("Contract") || registry.has(name)) return name;
  const v = decodeValue(state.get(mapKey("domain.iost", "dns_table", name)))?.value;
  return v && v.t === "s" ? v.v : name;
}

export function nativeContracts(): ContractDef[] {
  return [...registry.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

type Limit = Decimal | "unlimited";

function amountLimitMap(h: Host, list: readonly { token: string; val: string }[]): Map<string, Limit> {
  const m = new Map<string, Limit>();
  for (const l of list) {
    if (l.val === "unlimited") {
      m.set(l.token, "unlimited");
      continue;
    }
    const dec = l.token === "*" ? 0 : h.tokenDecimal(l.token);
    try {
      m.set(l.token, Decimal.parse(l.val, dec));
    } catch (e) {
      if (e instanceof DecimalError) throw new VmError(e.message);
      throw e;
    }
  }
  return m;
}

function checkLimit(limits: Map<string, Limit>, token: string, amount: Decimal): boolean {
  if (!amount.isPositive()) return true;
  const l = limits.get(token) ?? limits.get("*");
  if (l === undefined) return false;
  return l === "unlimited" || !l.lessThan(amount);
}

function jsReturn(v: unknown): string {
  if (v === undefined || v === null) return v === null ? "null" : "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Monitor.Call. `c` receives every cost, also when it throws. */
export function monitorCall(h: Host, contractName: string, api: string, jarg: string, c: Cost): unknown[] {
  const callerName = h.caller.name;
  if (api === "init" && callerName !== "system.iost" && callerName !== "") {
    c.cpuAdd(opCost(1));
    throw new VmError("prepare contract: cannot call 'init' manually");
  }
  const def = findContract(h, linkedContract(h.state, contractName));
  let abi: NativeAbi | undefined;
  let args: Arg[];
  try {
    if (!def) throw new VmError(`contract ${contractName} not found`);
    abi = def.abis.get(api);
    const deployed = abi && !abi.private ? nativeDeployment(h.state, def) : null;
    if (!abi || (abi.private && callerName !== "system.iost") || (deployed && !deployed.abi.some((a) => a.name === api)))
      throw new VmError(`abi ${api} not found`);
    args = unmarshalArgs(api, abi.args, jarg);
  } catch (e) {
    c.cpuAdd(COSTS.GetCost);
    throw new VmError(`prepare contract: ${(e as Error).message}`);
  }
  h.setStackInfo(def.id, api);
  if (def.lang === "javascript") c.cpuAdd(COSTS.JSCost);

  const oldCache = h.cacheCost;
  h.cacheCost = new Cost();
  const oldReceiptLen = h.receipts.length;
  let abiLimit = new Map<string, Limit>();
  let txLimit = new Map<string, Limit>();
  const height = h.stackHeight;
  if (height === 1) {
    c.cpuAdd(opCost(abi.amountLimit.length));
    abiLimit = amountLimitMap(h, abi.amountLimit);
    txLimit = amountLimitMap(
      h,
      h.tx.amountLimit.map((l) => ({ token: l.token, val: l.value })),
    );
  }

  // Native LoadAndCall: the ABI's own cost, out of gas when it exceeds the action's gas.
  const own = new Cost();
  let rtn: unknown[];
  try {
    rtn = abi.fn(h, args, own);
  } catch (e) {
    c.add(own);
    throw e;
  }
  c.add(own);
  if (own.toGas() > h.gasLimit) throw new VmError("out of gas");
  if (def.lang === "javascript") rtn = [jsReturn(rtn[0])];

  if (height === 1) {
    const need = new Map<string, Decimal>();
    for (let i = oldReceiptLen; i < h.receipts.length; i++) {
      c.cpuAdd(opCost(1));
      const r = h.receipts[i];
      let token = "";
      let amount = Decimal.zero();
      let idx = -1;
      if (r.funcName === "token.iost/transfer" || r.funcName === "token.iost/transferFreeze") idx = 3;
      else if (r.funcName === "token.iost/destroy") idx = 2;
      if (idx >= 0) {
        const a = JSON.parse(r.content) as string[];
        token = a[0];
        if (!isContractId(a[1])) {
          try {
            amount = Decimal.parse(a[idx], h.tokenDecimal(token));
          } catch {
            amount = Decimal.zero();
          }
        }
      }
      if (token !== "" && amount.value >= 0n) need.set(token, (need.get(token) ?? Decimal.zero()).add(amount));
    }
    // Go iterates a map here; we go in token order so that the first error is deterministic.
    for (const token of [...need.keys()].sort()) {
      const amount = need.get(token)!;
      const total = (h.amountTotal.get(token) ?? Decimal.zero()).add(amount);
      h.amountTotal.set(token, total);
      if (!checkLimit(abiLimit, token, amount)) throw new VmError(`token ${token} exceed amountLimit in abi. need ${amount.toString()}`);
      if (!checkLimit(txLimit, token, total)) throw new VmError(`token ${token} exceed amountLimit in tx. need ${amount.toString()}`);
    }
  }

  const cache = h.cacheCost;
  h.flushCacheCost();
  const payers = new Set<string>();
  for (const d of cache.dataList) if (d.val > 0) payers.add(d.payer);
  for (const p of [...payers].sort()) {
    if (p === def.id) continue;
    if (!h.requireAuth(new Cost(), p, "active")) throw new VmError(`pay ram failed. no permission. need ${p}@active`);
  }
  h.addCacheCost(oldCache);
  return rtn;
}

/**
 * Declaring a native contract from one table: each ABI's argument types and
 * body, and its amount limit where it is not the contract's own. The ABIs are
 * registered in the order written (a private `init`, the shared ones, then the
 * table), the order the monitor and /getContract see.
 */
import { registerContract, type AbiAmountLimit, type ContractDef, type NativeAbi } from "./monitor.js";

/** `[args, fn]`, or `[args, fn, amountLimit]` for an ABI whose limit is not the contract's. */
export type AbiEntry = readonly [args: readonly string[], fn: NativeAbi["fn"], amountLimit?: readonly AbiAmountLimit[]];

export interface NativeContract {
  id: string;
  /** "1.0.0" unless given. */
  version?: string;
  lang: ContractDef["lang"];
  /** The amount limit of every ABI that names none. */
  amountLimit: readonly AbiAmountLimit[];
  /** The `init` ABI: callable by system.iost only, never listed. */
  init?: NativeAbi["fn"];
  /** ABIs declared once for several contracts (src/contracts/admin.ts, can_update). */
  shared?: readonly NativeAbi[];
  abis: Readonly<Record<string, AbiEntry>>;
  /**
   * Earlier versions system.iost/updateNativeCode can set (go-iost vm/native/abi.go
   * getABISetByVersion): each one's public ABIs besides the shared ones. A contract with versions
   * starts at `genesisVersion` (go-iost consensus/genesis/genesis.go deploys domain.iost 0.0.0).
   */
  versions?: Readonly<Record<string, readonly string[]>>;
  genesisVersion?: string;
}

/** Registers the contract; its ABI map stays open to `registerSystemAbi` (system.iost grows with the VM). */
export function nativeContract(c: NativeContract): ContractDef & { abis: Map<string, NativeAbi> } {
  const list: NativeAbi[] = [];
  if (c.init) list.push({ name: "init", args: [], amountLimit: c.amountLimit, private: true, fn: c.init });
  list.push(...(c.shared ?? []));
  for (const [name, [args, fn, amountLimit]] of Object.entries(c.abis)) list.push({ name, args, amountLimit: amountLimit ?? c.amountLimit, fn });
  const version = c.version ?? "1.0.0";
  const shared = (c.shared ?? []).map((a) => a.name);
  const publicAbis = list.filter((a) => !a.private).map((a) => a.name);
  const versions = c.versions && {
    ...Object.fromEntries(Object.entries(c.versions).map(([v, names]) => [v, [...shared, ...names]])),
    [version]: publicAbis,
  };
  const def = {
    id: c.id,
    version,
    lang: c.lang,
    abis: new Map(list.map((a) => [a.name, a])),
    ...(versions && { versions, genesisVersion: c.genesisVersion ?? version }),
  };
  registerContract(def);
  return def;
}

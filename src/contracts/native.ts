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
}

/** Registers the contract; its ABI map stays open to `registerSystemAbi` (system.iost grows with the VM). */
export function nativeContract(c: NativeContract): ContractDef & { abis: Map<string, NativeAbi> } {
  const list: NativeAbi[] = [];
  if (c.init) list.push({ name: "init", args: [], amountLimit: c.amountLimit, private: true, fn: c.init });
  list.push(...(c.shared ?? []));
  for (const [name, [args, fn, amountLimit]] of Object.entries(c.abis)) list.push({ name, args, amountLimit: amountLimit ?? c.amountLimit, fn });
  const def = { id: c.id, version: c.version ?? "1.0.0", lang: c.lang, abis: new Map(list.map((a) => [a.name, a])) };
  registerContract(def);
  return def;
}

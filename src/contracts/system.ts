/**
 * system.iost 1.0.0 (go-iost vm/native/system.go): requireAuth, receipt,
 * cancelDelaytx, can_update. Contract deployment (setCode, updateCode,
 * initSetCode, updateNativeCode, hostSettings) arrives with the JavaScript VM:
 * it registers those ABIs here through `registerSystemAbi`.
 */
import { COSTS } from "./cost.js";
import { VmError } from "./errors.js";
import { registerContract, UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { canUpdateAdmin } from "./token.js";

export const SYSTEM = "system.iost";

const abis = new Map<string, NativeAbi>();

/** Add an ABI to system.iost (for setCode/updateCode from the VM module). */
export function registerSystemAbi(abi: NativeAbi): void {
  abis.set(abi.name, abi);
}

registerSystemAbi(canUpdateAdmin);
registerSystemAbi({
  name: "requireAuth",
  args: ["string", "string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, args, c) => [h.requireAuth(c, args[0] as string, args[1] as string)],
});
registerSystemAbi({
  name: "receipt",
  args: ["string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, args, c) => {
    h.receipt(c, args[0] as string);
    return [];
  },
});
registerSystemAbi({
  name: "cancelDelaytx",
  args: ["string"],
  amountLimit: UNLIMITED_ALL,
  fn: (_h, _args, c) => {
    c.cpuAdd(COSTS.GetCost);
    throw new VmError("delaytx not exists");
  },
});

registerContract({ id: SYSTEM, version: "1.0.0", lang: "native", abis });

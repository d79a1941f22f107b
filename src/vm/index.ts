/**
 * The JavaScript contract VM. Importing this module registers setCode,
 * updateCode and updateNativeCode on system.iost and the resolver of deployed contracts; callers
 * must `await loadVm()` before executing transactions that reach a contract.
 */
import { registerContractResolver } from "../contracts/monitor.js";
import { registerSystemAbi } from "../contracts/system.js";
import type { State } from "../state/state.js";
import { loadContract, resolveContract } from "./contract.js";
import { setCode, updateCode, updateNativeCode } from "./deploy.js";

export { loadVm } from "./engine.js";

registerSystemAbi(setCode);
registerSystemAbi(updateCode);
registerSystemAbi(updateNativeCode);
registerContractResolver(resolveContract);

/** /getContract of a deployed contract: injected code, source, language "javascript", ABIs by name. */
export function deployedContractJson(state: State, id: string) {
  const c = loadContract(state, id);
  if (!c) return null;
  const abis = [...c.info.abi]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => ({ name: a.name, args: [...a.args], amount_limit: a.amountLimit.map((l) => ({ token: l.token, value: l.val })) }));
  return { id: c.ID, code: c.code, language: "javascript", version: c.info.version, orig_code: c.orig_code, abis };
}

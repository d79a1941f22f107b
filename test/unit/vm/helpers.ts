/** JS contract test helpers: a dev chain with the VM loaded, deploy and call shortcuts. */
import { loadVm } from "../../../src/vm/index";
import type { TxReceipt } from "../../../src/tx/types";
import { act, Chain, makeTx, type TxOpts } from "../executor/helpers";

export { act, Chain, makeTx };
export const vmReady = () => loadVm();

export interface AbiSpec {
  name: string;
  args: string[];
  amountLimit?: { token: string; val: string }[];
}

/** The contract JSON iost.js sends to system.iost/setCode. */
export function contractJson(code: string, abi: AbiSpec[], id = ""): string {
  return JSON.stringify({ ID: id, info: { lang: "javascript", version: "1.0.0", abi: abi.map((a) => ({ amountLimit: [], ...a })) }, code });
}

export function deploy(chain: Chain, code: string, abi: AbiSpec[], o: TxOpts = {}): { id: string; receipt: TxReceipt } {
  const r = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(code, abi)])], { gasLimit: 4_000_000n, ...o }));
  if (r.statusCode !== "SUCCESS") throw new Error(r.message);
  return { id: (JSON.parse(r.returns[0]) as string[])[0], receipt: r };
}

export function call(chain: Chain, id: string, abi: string, args: unknown[], o: TxOpts = {}): TxReceipt {
  chain.advance(1n);
  return chain.receipt(makeTx([act(id, abi, args)], { gasLimit: 1_000_000n, ...o }));
}

/** The one string a JS call returns. */
export const ret = (r: TxReceipt): string => (JSON.parse(r.returns[0]) as string[])[0];

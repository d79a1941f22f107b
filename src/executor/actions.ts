/**
 * The action loop of every executor path (go-iost vm/isolator.go Run /
 * runAction): each action through the monitor within the VM gas left, its
 * cost booked, the first failure ending the run. A user tx, the base tx and a
 * forwarded part differ only in what `ActionPath` gives: where an action runs,
 * who books its gas, and what else bounds that gas.
 */
import { Cost } from "../contracts/cost.js";
import { goJsonString } from "../contracts/args.js";
import { NodeFault } from "../contracts/errors.js";
import { asCallee, type Host } from "../contracts/host.js";
import { monitorCall } from "../contracts/monitor.js";
import type { RemoteReads } from "../contracts/remote.js";
import { byteLength } from "../state/storage.js";
import type { Action } from "../tx/types.js";

export interface ActionPath {
  /** Before each action: the shard it and the rest go to instead, or null to run it here; throws to refuse it. */
  route?(action: Action): number | null;
  /** Before an action runs here: the run's reads armed for it as a call of another shard's contract (Host.armCallee), or null. */
  arm?(action: Action): RemoteReads | null;
  /** Books the VM gas an action ran for (the gas left, when it ran out). */
  pay(c: Cost): void;
  /** Whether the publisher's own gas no longer covers what ran plus `left` (a user tx pays as it goes). */
  short?(left: number): boolean;
  /**
   * Whether a failed action that also overran the gas left is "out of gas",
   * charged the gas left (a user tx, as isolator.go); else it keeps its error
   * and its whole cost is booked.
   */
  overrunWins?: boolean;
}

export interface ActionsRun {
  /** The returns of the actions that ran (all of them, unless `failed` or `forward`). */
  returns: string[];
  /** VM gas left after them. */
  left: number;
  /** The first failure: the action's index and its message ("out of gas" or "running action … error: …"). */
  failed: { at: number; message: string; outOfGas: boolean } | null;
  /** Where the run stopped to forward the rest: the first action not run here and its shard. */
  forward: { from: number; target: number } | null;
}

/** `Action{Contract: C, ActionName: A, Data: D}\n`, cut to 100 code points + "..." (isolator.go runAction). */
export function actionDesc(a: Action): string {
  const s = `Action{Contract: ${a.contract}, ActionName: ${a.actionName}, Data: ${a.data}}\n`;
  const runes = [...s];
  return runes.length > 100 ? runes.slice(0, 100).join("") + "..." : s;
}

/** Go json.Marshal of a native return list. */
export function marshalReturn(rtn: unknown[]): string {
  return (
    "[" +
    rtn
      .map((v) => (typeof v === "string" ? goJsonString(v) : typeof v === "boolean" || typeof v === "bigint" || typeof v === "number" ? String(v) : "null"))
      .join(",") +
    "]"
  );
}

/** Runs `actions` on `h` within `gas` VM gas. Only a NodeFault (this node failed, not the tx) throws out of a call. */
export function runActions(h: Host, actions: readonly Action[], gas: number, path: ActionPath): ActionsRun {
  let left = gas;
  const returns: string[] = [];
  for (const [i, action] of actions.entries()) {
    const target = path.route ? path.route(action) : null;
    if (target !== null) return { returns, left, failed: null, forward: { from: i, target } };
    h.initStack();
    h.gasLimit = left;
    const cost = new Cost();
    let ret = "";
    let error: string | null = null;
    try {
      const armed = path.arm ? path.arm(action) : null;
      ret = marshalReturn(asCallee(armed, () => monitorCall(h, action.contract, action.actionName, action.data, cost)));
    } catch (e) {
      if (e instanceof NodeFault) throw e;
      error = `running action ${actionDesc(action)} error: ${(e as Error).message}`;
    }
    cost.net += byteLength(ret);
    const short = path.short ? path.short(left) : false;
    if ((left < cost.toGas() || short) && (error === null || path.overrunWins)) {
      path.pay(new Cost(0, left));
      return { returns, left, failed: { at: i, message: "out of gas", outOfGas: true }, forward: null };
    }
    path.pay(new Cost(cost.net, cost.cpu));
    if (error !== null) return { returns, left, failed: { at: i, message: error, outOfGas: false }, forward: null };
    returns.push(ret);
    left -= cost.toGas();
  }
  return { returns, left, failed: null, forward: null };
}

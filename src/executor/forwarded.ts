/**
 * Running an action receipt on the target shard (src/sharding/forward.ts):
 * the forwarded actions run with the publisher's authority from the receipt
 * and its escrow as the publisher's iost balance here. Afterwards the unused
 * escrow is taken back out (to return home); on any failure everything the
 * actions did rolls back and the whole escrow goes home. RAM is paid here by
 * the payers (accounts of this shard); gas was counted at home.
 */
import { NodeFault } from "../contracts/errors.js";
import { Cost } from "../contracts/cost.js";
import { Host, type BlockContext } from "../contracts/host.js";
import { monitorCall } from "../contracts/monitor.js";
import { balanceOf, addBalance, dropBalance } from "../sharding/balance.js";
import { asGuest } from "../sharding/guard.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { actionDesc, doPay } from "./index.js";

/** Runs the actions; returns the unused escrow, "" or the failure, and the credits the actions sent. */
export function runForwarded(state: State, r: CrossReceipt, block: BlockContext): { leftover: bigint; message: string; outgoing: CrossReceipt[] } {
  const f = r.forward!;
  const escrow = BigInt(r.amount);
  const h = new Host(
    state,
    block,
    {
      publisher: f.publisher,
      hash: r.txHash,
      time: BigInt(f.time),
      expiration: BigInt(f.expiration),
      gasRatio: BigInt(f.gasRatio),
      gasLimit: BigInt(f.vmGas) * BigInt(f.gasRatio),
      amountLimit: f.amountLimit,
      authList: new Map(),
      signerList: new Set(f.authority.flatMap((a) => a.signed.map((p) => `${a.account}@${p}`))),
      guest: f.authority,
    },
    monitorCall,
  );
  state.checkpoint();
  try {
    const leftover = asGuest(state, f.publisher, () => {
      addBalance(state, "iost", f.publisher, escrow);
      let gas = f.vmGas;
      for (const action of f.actions) {
        h.initStack();
        h.gasLimit = gas;
        const cost = new Cost();
        try {
          monitorCall(h, action.contract, action.actionName, action.data, cost);
        } catch (e) {
          if (e instanceof NodeFault) throw e;
          throw new Error(`running action ${actionDesc(action)} error: ${(e as Error).message}`);
        }
        gas -= cost.toGas();
        if (gas < 0) throw new Error("out of gas");
      }
      doPay(h, false);
      const left = balanceOf(state, "iost", f.publisher);
      dropBalance(state, "iost", f.publisher);
      return left;
    });
    state.release();
    return { leftover, message: "", outgoing: h.outbox };
  } catch (e) {
    state.rollback();
    if (e instanceof NodeFault) throw e; // this node failed, not the action: see executeTx
    return { leftover: escrow, message: (e as Error).message, outgoing: [] };
  }
}

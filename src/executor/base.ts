/**
 * Running a block's base tx (src/consensus/base-tx.ts). IOST exempts it from
 * the checks a user tx passes (signatures, publisher gas, gas payment): every
 * node builds the same tx from the block, so it authorizes nothing a node
 * could forge. Its action runs with base.iost as publisher and authority
 * (`base.iost@active`), its gas is counted for the receipt but paid by nobody
 * (base.iost holds no gas), and its RAM is the contracts' own.
 *
 * A contract error gives a RUNTIME_ERROR receipt with the action's effects
 * undone, the same on every node; only a node fault (NodeFault) throws.
 */
import { base58Encode } from "../codec/base58.js";
import { Cost } from "../contracts/cost.js";
import { NodeFault } from "../contracts/errors.js";
import { Host, type BlockContext } from "../contracts/host.js";
import "../contracts/index.js";
import { monitorCall } from "../contracts/monitor.js";
import type { State } from "../state/state.js";
import { byteLength } from "../state/storage.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { ContractEvent, StatusCode, Tx, TxReceipt } from "../tx/types.js";
import { actionDesc, buildTxContext, marshalReturn, ramUsageOf } from "./index.js";

export function executeBaseTx(
  state: State,
  tx: Tx,
  hash: Uint8Array,
  block: BlockContext,
): { receipt: TxReceipt; outgoing: CrossReceipt[]; events: ContractEvent[] } {
  const txHash = base58Encode(hash);
  // No signatures and no signers: base.iost@active is its only authority.
  const h = new Host(state, block, buildTxContext(tx, txHash), monitorCall);
  let vmGas = Number(tx.gasLimit / tx.gasRatio);
  h.gasLimit = vmGas;
  let status: StatusCode = "SUCCESS";
  let message = "";
  const returns: string[] = [];

  state.checkpoint();
  for (const action of tx.actions) {
    h.initStack();
    const cost = new Cost();
    let ret = "";
    try {
      ret = marshalReturn(monitorCall(h, action.contract, action.actionName, action.data, cost));
    } catch (e) {
      if (e instanceof NodeFault || !(e instanceof Error)) {
        state.rollback();
        throw e;
      }
      status = "RUNTIME_ERROR";
      message = `running action ${actionDesc(action)} error: ${e.message}`;
    }
    cost.net += byteLength(ret);
    if (status === "SUCCESS" && vmGas < cost.toGas()) {
      status = "RUNTIME_ERROR";
      message = "out of gas";
      cost.cpu = vmGas;
      cost.net = 0;
    }
    h.payCost(new Cost(cost.net, cost.cpu), tx.publisher);
    if (status !== "SUCCESS") break;
    returns.push(ret);
    vmGas -= cost.toGas();
    h.gasLimit = vmGas;
  }
  if (status !== "SUCCESS") {
    state.rollback();
    h.discardEffects();
  } else {
    state.release();
  }

  return {
    receipt: {
      txHash,
      gasUsage: BigInt(h.gasPaid(tx.publisher)) * tx.gasRatio,
      ramUsage: ramUsageOf(h),
      statusCode: status,
      message,
      returns: status === "SUCCESS" ? returns : [],
      receipts: h.receipts,
    },
    outgoing: h.outbox,
    events: h.events,
  };
}

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
import { NodeFault } from "../contracts/errors.js";
import { Host, type BlockContext } from "../contracts/host.js";
import "../contracts/index.js";
import { monitorCall } from "../contracts/monitor.js";
import type { State } from "../state/state.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { ContractEvent, Tx, TxReceipt } from "../tx/types.js";
import { runActions, type ActionsRun } from "./actions.js";
import { buildTxContext, ramUsageOf } from "./index.js";

export function executeBaseTx(
  state: State,
  tx: Tx,
  hash: Uint8Array,
  block: BlockContext,
): { receipt: TxReceipt; outgoing: CrossReceipt[]; events: ContractEvent[] } {
  const txHash = base58Encode(hash);
  // No signatures and no signers: base.iost@active is its only authority.
  const h = new Host(state, block, buildTxContext(tx, txHash, block), monitorCall);
  state.checkpoint();
  let run: ActionsRun;
  try {
    // Counted for the receipt, paid by nobody: no short-of-gas check.
    run = runActions(h, tx.actions, Number(tx.gasLimit / tx.gasRatio), { pay: (c) => h.payCost(c, tx.publisher) });
  } catch (e) {
    if (e instanceof NodeFault) state.rollback();
    throw e;
  }
  if (run.failed) {
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
      statusCode: run.failed ? "RUNTIME_ERROR" : "SUCCESS",
      message: run.failed?.message ?? "",
      returns: run.failed ? [] : run.returns,
      receipts: h.receipts,
    },
    outgoing: h.outbox,
    events: h.events,
  };
}

export * from "./types.js";
export { TxError } from "./errors.js";
export {
  BASE,
  PUBLISH,
  FULL,
  type TxBytesLevel,
  txBytes,
  txEncoding,
  type TxEncoding,
  signatureBytes,
  decodeTx,
  baseHash,
  publishHash,
  txHash,
  txId,
  replayKey,
  receiptBytes,
} from "./bytes.js";
export { gasToInternal, gasToDouble, gasForRequest } from "./gas.js";
export { parseTxRequest, txToRequestJson } from "./request.js";
export { txToJson, receiptToJson, type TransactionJson, type TxReceiptJson } from "./view.js";
export { checkBadTx } from "./badtx.js";
export { checkAmountLimit, limitValue, UNLIMITED } from "./amount-limit.js";
export { checkTxSelf, checkTxTime, verifyTxSignatures, admitTx, verifyTx, type AdmitOptions } from "./validate.js";

export * from "./types";
export { TxError } from "./errors";
export { BASE, PUBLISH, FULL, type TxBytesLevel, txBytes, signatureBytes, decodeTx, baseHash, publishHash, txHash, txId, replayKey, receiptBytes } from "./bytes";
export { gasToInternal, gasToDouble, gasForRequest } from "./gas";
export { parseTxRequest, txToRequestJson } from "./request";
export { txToJson, receiptToJson, type TransactionJson, type TxReceiptJson } from "./view";
export { checkBadTx } from "./badtx";
export { checkAmountLimit, limitValue, UNLIMITED } from "./amount-limit";
export { checkTxSelf, checkTxTime, verifyTxSignatures, admitTx, verifyTx, type AdmitOptions } from "./validate";

/**
 * What the RPC shows for a tx and a receipt (rpc/convert.go toPbTx,
 * toPbTxReceipt, serialized by protojson with proto names and unpopulated
 * fields): int64 as decimal strings, doubles as numbers, enums by name.
 * The caller JSON.stringify-s the result; JS number formatting matches Go's
 * protojson for doubles (shortest round-trip, exponent from 1e21 / below 1e-6).
 */
import { compareUtf8 } from "../codec/encoder.js";
import { txId } from "./bytes.js";
import { gasToDouble } from "./gas.js";
import type { Tx, TxReceipt } from "./types.js";

export interface TxReceiptJson {
  tx_hash: string;
  gas_usage: number;
  ram_usage: Record<string, string>;
  status_code: string;
  message: string;
  returns: string[];
  receipts: { func_name: string; content: string }[];
}

export interface TransactionJson {
  hash: string;
  time: string;
  expiration: string;
  gas_ratio: number;
  gas_limit: number;
  delay: string;
  chain_id: number;
  actions: { contract: string; action_name: string; data: string }[];
  signers: string[];
  publisher: string;
  referred_tx: string;
  amount_limit: { token: string; value: string }[];
  /** null here; /getTxByHash fills it once the tx is packed. */
  tx_receipt: TxReceiptJson | null;
}

/** `hash` is the base58 tx id; pass it when already known to skip re-hashing. Signatures are never shown. */
export function txToJson(tx: Tx, hash: string = txId(tx)): TransactionJson {
  return {
    hash,
    time: String(tx.time),
    expiration: String(tx.expiration),
    gas_ratio: gasToDouble(tx.gasRatio),
    gas_limit: gasToDouble(tx.gasLimit),
    delay: String(tx.delay),
    chain_id: tx.chainId,
    actions: tx.actions.map((a) => ({ contract: a.contract, action_name: a.actionName, data: a.data })),
    signers: [...tx.signers],
    publisher: tx.publisher,
    referred_tx: "",
    amount_limit: tx.amountLimit.map((a) => ({ token: a.token, value: a.value })),
    tx_receipt: null,
  };
}

/**
 * ram_usage keys are inserted in Go's (byte) order; note JS objects still put
 * integer-like keys (an account named "12345") first when stringified.
 */
export function receiptToJson(r: TxReceipt): TxReceiptJson {
  const ram: Record<string, string> = Object.create(null); // "__proto__" is a valid account name
  for (const key of Object.keys(r.ramUsage).sort(compareUtf8)) ram[key] = String(r.ramUsage[key]);
  return {
    tx_hash: r.txHash,
    gas_usage: gasToDouble(r.gasUsage),
    ram_usage: ram,
    status_code: r.statusCode,
    message: r.message,
    returns: [...r.returns],
    receipts: r.receipts.map((c) => ({ func_name: c.funcName, content: c.content })),
  };
}

/**
 * The transaction and receipt model shared by every layer. Field meanings and
 * units follow go-iost core/tx (tx.go, tx_receipt.go):
 * times are nanoseconds, gas ratio and gas limit are the internal ×100 values
 * that are hashed, byte fields are raw bytes (base64 on the wire, base58 for keys).
 */
import type { Signature } from "../crypto/algorithm.js";

export { ED25519, SECP256K1, type Algorithm, type Signature } from "../crypto/algorithm.js";

export interface Action {
  contract: string;
  actionName: string;
  /** JSON array text of the ABI arguments, kept byte-exact because it is hashed. */
  data: string;
}

export interface AmountLimit {
  token: string;
  /** Decimal text or "unlimited"; kept as sent because it is hashed. */
  value: string;
}

export interface Tx {
  time: bigint;
  expiration: bigint;
  /** ×100: 1.00 is 100n. */
  gasRatio: bigint;
  /** ×100: 2,000,000 gas is 200_000_000n. */
  gasLimit: bigint;
  delay: bigint;
  chainId: number;
  /** "account@permission" entries. */
  signers: string[];
  actions: Action[];
  amountLimit: AmountLimit[];
  /** Signers' signatures over the base hash. */
  signatures: Signature[];
  publisher: string;
  /** Publisher's signatures over the publish hash. */
  publisherSigs: Signature[];
}

/** go-iost core/tx/tx_receipt.go StatusCode, by name as the RPC shows it. */
export const STATUS_CODES = [
  "SUCCESS",
  "GAS_RUN_OUT",
  "BALANCE_NOT_ENOUGH",
  "WRONG_PARAMETER",
  "RUNTIME_ERROR",
  "TIMEOUT",
  "WRONG_TX_FORMAT",
  "DUPLICATE_SET_CODE",
  "UNKNOWN_ERROR",
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface ContractReceipt {
  funcName: string;
  content: string;
}

/** What `blockchain.event` emits: streamed by /subscribe, never stored in a receipt (as IOST). */
export interface ContractEvent {
  topic: "CONTRACT_EVENT";
  contract: string;
  data: string;
}

export interface TxReceipt {
  /** base58 of the full tx hash. */
  txHash: string;
  /** Internal units: gas × gasRatio(×100). JSON shows gasUsage / 100. */
  gasUsage: bigint;
  /** Non-zero RAM bytes per payer; negative when released. Keys in ascending order. */
  ramUsage: Record<string, bigint>;
  statusCode: StatusCode;
  message: string;
  /** One JSON array text per executed action. */
  returns: string[];
  receipts: ContractReceipt[];
}

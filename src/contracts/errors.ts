/** An error raised by a contract: its message becomes the receipt's `... error: <message>`. */
export class VmError extends Error {}

/** A JS-contract style exception (auth.iost, ram.iost are JS contracts in IOST); see docs/STATE.md. */
export function jsError(message: string): VmError {
  return new VmError("Uncaught exception: Error: " + message);
}
/** A `throw "text"` in an IOST JS contract. */
export function jsThrow(message: string): VmError {
  return new VmError("Uncaught exception: " + message);
}
export function jsTypeError(message: string): VmError {
  return new VmError("Uncaught exception: TypeError: " + message);
}

export const ERR = {
  outOfGas: "out of gas",
  permissionLost: "transaction has no permission",
  invalidAmount: "invalid amount",
  tokenExists: "token exists",
  tokenNotExists: "token not exists",
  tokenNoTransfer: "token can't transfer",
  memoTooLarge: "memo too large",
  reenter: "re-entering",
} as const;

/**
 * A failure of this node, not of the transaction (VM not loaded, wasm memory
 * exhausted): it must never become a receipt, so the executor rethrows it.
 */
export class NodeFault extends Error {}

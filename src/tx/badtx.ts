/**
 * go-iost core/tx/utils.go CheckBadTx: cheap argument checks that /sendTx and
 * block production run before anything else. Messages are Go's, including its
 * quirks ("invalid amount: <nil>, …" when only the float cross-check fails).
 * Parsing follows go-simplejson (json.Decoder + UseNumber): only the first JSON
 * value of `data` is read, and numbers are not strings. Beyond Go, the
 * amount_limit values are checked here too (amount-limit.ts), so that every
 * door a tx comes through refuses a limit that can never run.
 */
import { JsonError, parseJson, type JsonValue } from "../codec/json.js";
import { checkAmountLimit } from "./amount-limit.js";
import { TxError } from "./errors.js";
import type { Action, Tx } from "./types.js";

const AMOUNT = /^([0-9]+[.])?[0-9]+$/;
const MAX_I64 = (1n << 63n) - 1n;
const NOT_STRING = "type assertion to string failed";

/** common/decimal.go NewDecimalFromString for text that already matched AMOUNT. */
function decimal(amount: string): { value: bigint; scale: number } | null {
  let value = 0n;
  let scale = 0;
  let point = false;
  for (const c of amount) {
    if (c === ".") {
      point = true;
      continue;
    }
    value = value * 10n + BigInt(c.charCodeAt(0) - 48);
    if (value > MAX_I64) return null;
    if (point) scale++;
  }
  return { value, scale };
}

/** Go's math.Pow10: a table of exact-as-possible doubles, multiplied in two steps above 1e31. */
function pow10(n: number): number {
  if (n > 308) return Infinity;
  return Number(`1e${32 * Math.floor(n / 32)}`) * Number(`1e${n % 32}`);
}

function checkAmount(amount: string, token: string): void {
  if (!AMOUNT.test(amount)) throw new TxError(`invalid amount: ${amount}`);
  const d = decimal(amount);
  if (!d) throw new TxError(`invalid amount: overflow error, ${amount}`);
  if (Math.abs(Number(d.value) / pow10(d.scale) - Number(amount)) > 1e-4) throw new TxError(`invalid amount: <nil>, ${amount}`);
  if (token === "iost" && d.scale > 8) throw new TxError(`invalid decimal: ${amount}`);
}

function args(data: string): JsonValue[] {
  let value: JsonValue;
  try {
    value = parseJson(data, { firstValueOnly: true });
  } catch (e) {
    if (e instanceof JsonError) throw new TxError(`invalid json array: ${e.message}, ${data}`);
    throw e;
  }
  if (!Array.isArray(value)) throw new TxError(`invalid json array: type assertion to []interface{} failed, ${data}`);
  return value;
}

function checkAction(action: Action): void {
  const { data } = action;
  const arr = args(data);
  if (action.contract === "token.iost" && action.actionName === "transfer") {
    if (arr.length !== 5) throw new TxError(`wrong args num: ${data}`);
    const [token, , , amount] = arr;
    if (typeof token !== "string") throw new TxError(`invalid token: ${NOT_STRING}, ${data}`);
    if (typeof amount !== "string") throw new TxError(`invalid amount: ${NOT_STRING}, ${data}`);
    checkAmount(amount, token);
    return;
  }
  if (action.contract === "gas.iost" && (action.actionName === "pledge" || action.actionName === "unpledge")) {
    if (arr.length !== 3) throw new TxError(`wrong args num: ${data}`);
    const amount = arr[2];
    if (typeof amount !== "string") throw new TxError(`invalid amount: ${NOT_STRING}, ${data}`);
    try {
      checkAmount(amount, "iost");
    } catch (e) {
      throw new TxError(`invalid amount: ${(e as Error).message}, ${data}`);
    }
    // ShrinkScale: trailing zeros do not count, so "1.500" has 1 decimal.
    const fraction = amount.includes(".") ? amount.slice(amount.indexOf(".") + 1).replace(/0+$/, "") : "";
    if (fraction.length > 2) throw new TxError(`decimal should not exceed 2: ${data}`);
  }
}

export function checkBadTx(tx: Tx): void {
  for (const action of tx.actions) checkAction(action);
  checkAmountLimit(tx.amountLimit);
}

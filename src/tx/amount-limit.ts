/**
 * A tx's amount_limit, validated by one function for every path: the edge
 * (/sendTx, /execTx, /p2p/tx) and a peer chunk's txs check it without state
 * (checkBadTx), pool admission and execution (executor `prepare`) with the
 * tokens' decimals.
 *
 * go-iost (vm/host/host.go CheckAmountLimit) parses each value with
 * NewDecimalFromString, which also takes a leading '-': there a negative limit
 * only makes every transfer fail; here it once became a negative escrow,
 * i.e. a credit to the publisher (issue 12), and is refused. So a value is "unlimited" or
 * IOST's amount syntax `^([0-9]+[.])?[0-9]+$` (token.iost's rule for
 * amounts), within int64 at the token's scale. Messages are go-iost's where
 * it has one (duplicates, unknown tokens, the Decimal parser's texts).
 */
import { AMOUNT_RE, Decimal, DecimalError } from "../amount.js";
import { TxError } from "./errors.js";
import type { AmountLimit } from "./types.js";

export const UNLIMITED = "unlimited";

/**
 * One limit's value at `scale` decimals (the token's; 0 for "*", as go-iost's
 * monitor reads it; -1 for the value's own, when the token is not known).
 */
export function limitValue(l: AmountLimit, scale: number): Decimal | typeof UNLIMITED {
  if (l.value === UNLIMITED) return UNLIMITED;
  const bad = (why: string) => new TxError(`invalid amountLimit, {${l.token} ${l.value}}: ${why}`);
  if (l.value.startsWith("-")) throw bad("negative amount");
  try {
    if (AMOUNT_RE.test(l.value)) return Decimal.parse(l.value, scale);
    Decimal.parse(l.value, -1); // outside the syntax: the parser, reading every char, says why
  } catch (e) {
    if (e instanceof DecimalError) throw bad(e.message);
    throw e;
  }
  throw bad("amount format error"); // what the parser takes but the syntax does not ("1.")
}

/**
 * Every limit of a tx: no token twice, each value valid. With `decimalOf`
 * (-1 for a token that does not exist), also the tokens and each value's
 * range at its token's scale; without, what needs no state.
 */
export function checkAmountLimit(limits: readonly AmountLimit[], decimalOf?: (token: string) => number): void {
  const seen = new Set<string>();
  for (const l of limits) {
    if (seen.has(l.token)) throw new TxError(`duplicated token in amountLimit: ${l.token}`);
    seen.add(l.token);
    let scale = -1;
    if (decimalOf) {
      scale = l.token === "*" ? 0 : decimalOf(l.token);
      if (scale === -1) throw new TxError(`token not exists in amountLimit, {${l.token} ${l.value}}`);
    }
    limitValue(l, scale);
  }
}

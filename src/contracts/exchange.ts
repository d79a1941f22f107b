/**
 * exchange.iost: IOST's exchange.js 1.0.0 (go-iost config/genesis/contract/exchange.js)
 * implemented natively. `transfer(tokenSym, to, amount, memo)` moves the publisher's
 * tokens to `to`; with `to` "" and memo `create:<name>:<ownerKey>:<activeKey>` it creates
 * the account (signUp, which pledges 10 IOST of gas for it), buys it 1000 bytes of RAM and
 * sends it the rest of at least 100 IOST. No storage; `can_update` is admin@active.
 *
 * With several shards a creating transfer runs on the new account's shard (executor/forward.ts),
 * as a top-level signUp does; a plain one sends a credit to `to`'s shard through token.iost.
 */
import { Decimal, DecimalError } from "../amount.js";
import { argsJson } from "./args.js";
import { COSTS } from "./cost.js";
import { jsError } from "./errors.js";
import type { Host } from "./host.js";
import { requireAuthJs } from "./base.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { noop } from "./token.js";

export const EXCHANGE = "exchange.iost";
const MIN_AMOUNT = Decimal.fromInt(100, 0);
const INITIAL_RAM = 1000n;
const INITIAL_GAS_PLEDGED = Decimal.fromInt(10, 0);

/** BigNumber of the amount text, or null for what BigNumber reads as NaN (every comparison false). */
function bigNumber(text: string): Decimal | null {
  try {
    return Decimal.parse(text, -1);
  } catch (e) {
    if (e instanceof DecimalError) return null;
    throw e;
  }
}

const transfer: NativeAbi["fn"] = (h: Host, args, c) => {
  const [sym, to, amount, memo] = args as string[];
  c.cpuAdd(COSTS.ContextCost);
  const from = h.tx.publisher;
  if (to !== "") {
    h.call(c, "token.iost", "transfer", argsJson([sym, from, to, amount, memo]));
    return [];
  }
  const bamount = bigNumber(amount);
  if (bamount?.lessThan(MIN_AMOUNT)) throw jsError("transfer amount should be greater or equal to 100");
  if (!memo.startsWith("create:")) throw jsError(`unsupported command : ${memo}, use create:XX`);
  if (sym !== "iost") throw jsError("must transfer iost if you want to create a new account");
  const acc = memo.split(":").slice(1);
  if (acc.length !== 3) throw jsError("memo of transferring to a new account should be of format create:name:ownerKey:activeKey");
  h.call(c, "auth.iost", "signUp", argsJson(acc));
  const [price] = h.call(c, "ram.iost", "buy", argsJson([from, acc[0], INITIAL_RAM]));
  const paid = (bigNumber(String(price)) ?? Decimal.zero()).add(INITIAL_GAS_PLEDGED);
  if (bamount?.lessThan(paid)) throw jsError(`amount not enough to buy 1kB RAM and pledge 10 IOST Gas. need ${bamount.toString()}`);
  const rest = bamount === null ? "NaN" : bamount.sub(paid).toString();
  h.callWithAuth(c, "token.iost", "transfer", argsJson(["iost", from, acc[0], rest, memo]));
  return [];
};

nativeContract({
  id: EXCHANGE,
  lang: "javascript",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  abis: {
    // exchange.js.abi gives can_update no amountLimit: none (it moves nothing).
    can_update: [["string"], (h, _args, c) => (requireAuthJs(h, c, "admin", "active"), [true]), []],
    transfer: [["string", "string", "string", "string"], transfer],
  },
});

/**
 * Action receipts (docs/SHARDING.md "Cross-shard effects"): a tx whose action creates or funds an
 * account placed on another shard (auth.iost signUp, ram.iost buy for a
 * receiver, gas.iost pledge or unpledge for a user), calls a user contract that lives on
 * another shard (directory.ts) or creates or issues a token whose shard is another
 * (placement.ts tokenShard) runs on its publisher's shard up to that
 * action; the rest of its actions travel to the target shard as one `action`
 * receipt and run there in the next block, with
 * - the permissions its signers signed, checked at home at intake;
 * - an escrow of the publisher's iost (the tx's iost amount_limit), debited at
 *   home and held there as the publisher's balance while the actions run;
 * - the tx's remaining VM gas as their gas limit, charged at home as a
 *   reservation (executor/index.ts).
 * The target answers with a `settle` receipt returning the unused escrow (all
 * of it when the forwarded actions failed, which roll back) and the gas used.
 *
 * Here: what an action receipt carries and the rules on it (the escrow, the
 * guests' authority); executor/forward.ts sends it, executor/forwarded.ts runs it.
 */
import { limitValue, UNLIMITED } from "../tx/amount-limit.js";
import type { Action, AmountLimit, ContractEvent } from "../tx/types.js";

/**
 * The permissions a signer signed, as its home shard checked them: requireAuth there finds them
 * signed, and the rest of the account's permissions in the copy its shard sent (directory.ts).
 */
export interface GuestAuthority {
  account: string;
  /** Permissions named by the tx's signers (`publisher@active` at least). */
  signed: string[];
}

export interface Forwarded {
  actions: Action[];
  publisher: string;
  /** ns, ×100 and gas units as decimal text (JSON-safe). */
  time: string;
  expiration: string;
  gasRatio: string;
  /** VM gas left for the forwarded actions: reserved at home, their gas limit there. */
  vmGas: number;
  amountLimit: AmountLimit[];
  authority: GuestAuthority[];
  /** The RAM payer named by the publisher's iost record at home: the escrow's record names it too, so RAM and gas of its writes are one shard's. */
  escrowPayer?: string;
  /** The same for its `ram` record (the RAM escrow's). */
  ramPayer?: string;
  /** The home part's contract events: posted with the forwarded part's after the settle (events.ts). */
  events?: ContractEvent[];
  /** Sent on by a forwarded part (docs/SHARDING.md "Atomic txs"): the shards the tx ran on before the sender, home first. */
  path?: number[];
  /**
   * RAM the parts before owe (docs/SHARDING.md "RAM of a chain"): one shard pays a tx's RAM once, after
   * every action, so the last part pays it. Absent: none.
   */
  debt?: RamDebt;
  /**
   * Tokens the parts so far created inside a contract off their symbol's shard, in symbol order: each
   * waits for its symbol's shard to grant it (docs/SHARDING.md "Tokens across shards"). Absent: none.
   */
  claims?: TokenClaim[];
}

/** A token created on `home` (not its symbol's shard): its definition as created there, for the symbol's shard to grant. */
export interface TokenClaim {
  token: string;
  home: number;
  /** Raw `TI<token>` records (raw key → raw value), as the home wrote them. */
  def: Record<string, string>;
}

/** RAM the parts of a tx so far did not pay: the publisher's bytes (may be negative: freed), and payers of theirs who could not. */
export interface RamDebt {
  /** Bytes, decimal text. */
  owed: string;
  /** Payer (the key one shard sorts them by) → its `pay ram failed. …` message, in payer order. */
  short: [payer: string, message: string][];
  /**
   * Co-signers whose RAM lives on a shard the chain has not run on → their bytes (decimal text, may be
   * negative), in payer order: a part with no actions pays them there after the last action (docs/SHARDING.md
   * "Co-signers of other shards"). Absent: none.
   */
  away?: [payer: string, bytes: string][];
}

const IOST_SCALE = 8;

/**
 * The escrow: what the tx allows the publisher to spend in iost (its `iost`
 * amount_limit, else its `*` one, read as the monitor reads them, else
 * nothing), smallest units, never negative; "unlimited" escrows the whole
 * balance, which stays away from home until the settle receipt returns what
 * was not spent (two blocks).
 */
export function escrowOf(limits: readonly AmountLimit[], balance: bigint): bigint {
  const l = limits.find((x) => x.token === "iost") ?? limits.find((x) => x.token === "*");
  if (!l) return 0n;
  const v = limitValue(l, l.token === "*" ? 0 : IOST_SCALE);
  return v === UNLIMITED ? balance : v.rescale(IOST_SCALE).value;
}

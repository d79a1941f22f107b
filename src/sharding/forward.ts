/**
 * Action receipts (docs/SHARDING.md "Cross-shard effects"): a tx whose action creates or funds an
 * account placed on another shard (auth.iost signUp, ram.iost buy for a
 * receiver, gas.iost pledge or unpledge for a user), calls a user contract that lives on
 * another shard (directory.ts) or creates or issues a token whose shard is another
 * (placement.ts tokenShard) runs on its publisher's shard up to that
 * action; the rest of its actions travel to the target shard as one `action`
 * receipt and run there in the next block, with
 * - the permissions its signers signed, checked at home at intake;
 * - an escrow of the publisher's iost (its whole balance: amount_limit is a cap
 *   the monitor checks, not an amount), debited at home and held there as the
 *   publisher's balance while the actions run, and what the tx spent so far
 *   against its amount_limit (`spent`);
 * - the tx's remaining VM gas as their gas limit, charged at home as a
 *   reservation (executor/index.ts).
 * The target answers with a `settle` receipt returning the unused escrow (all
 * of it when the forwarded actions failed, which roll back) and the gas used.
 *
 * Here: what an action receipt carries and the rules on it (the escrow, the
 * guests' authority); executor/forward.ts sends it, executor/forwarded.ts runs it.
 */
import { AMOUNT_RE, Decimal } from "../amount.js";
import type { BlockContext } from "../block/context.js";
import type { Action, AmountLimit, ContractEvent } from "../tx/types.js";
import type { PledgeMove } from "./pledges.js";
import type { CrossReceipt } from "./receipts.js";
import type { Counted } from "./reads.js";

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
  /** The tx's actions before `actions` (its earlier parts'): `blockchain.txInfo()` lists every action of the tx, as one shard does. Absent: none. */
  earlier?: Action[];
  /** The tx's signatures' keys, base58 → 1 (a signer's) or 2 (the publisher's), in the tx's order (TxContext `authList`): `tx.authList` as one shard shows it. */
  authList?: [key: string, weight: number][];
  publisher: string;
  /** ns, ×100 and gas units as decimal text (JSON-safe). */
  time: string;
  expiration: string;
  gasRatio: string;
  /** Its tx's poolOrder key (src/pool), sent on unchanged: the part's age for names with `block`'s height (sharding/asks.ts). */
  ord: string;
  /** VM gas left for the forwarded actions: reserved at home, their gas limit there. */
  vmGas: number;
  /**
   * The block the tx ran in at home: every part runs with it (docs/SHARDING.md "Cross-shard effects",
   * block context), as one shard runs the whole tx in that block. Sent on unchanged by each part.
   */
  block: TxBlock;
  amountLimit: AmountLimit[];
  authority: GuestAuthority[];
  /** The RAM payer named by the publisher's iost record at home: the escrow's record names it too, so RAM and gas of its writes are one shard's. */
  escrowPayer?: string;
  /**
   * Accounts whose `ram` record a doPay of an earlier part rewrote on their own shard, with the payer it had before
   * ("" or token.iost), in name order (host.ts TxContext `paidRam`): a later `ram` credit to one of them carries it.
   */
  paidRam?: [account: string, payer: string][];
  /** The same for its `ram` record (the RAM escrow's). */
  ramPayer?: string;
  /** The same for each co-signer's `ram` record whose RAM escrow travels (CrossReceipt `signerRam`), "" naming none: held there even at 0. */
  signerPayers?: Record<string, string>;
  /** The home part's contract events: posted with the forwarded part's after the settle (events.ts). */
  events?: ContractEvent[];
  /** Sent on by a forwarded part (docs/SHARDING.md "Atomic txs"): the shards the tx ran on before the sender, home first. */
  path?: number[];
  /**
   * A part so far deployed the tx's contract (`Contract<tx hash>`, on its shard): a later setCode of the tx fails with
   * "contract exists" wherever it runs, as on one shard. Absent: none did.
   */
  deployed?: true;
  /**
   * The `<pledger>gp` fields the parts so far added or removed that no pledger's order holds yet (Host.notePledge), in
   * order: a later part lists a pledger's users as one shard does (executor/guard.ts readPledges). Absent: none.
   */
  pledges?: PledgeMove[];
  /**
   * RAM the parts before owe (docs/SHARDING.md "RAM of a chain"): one shard pays a tx's RAM once, after
   * every action, so the last part pays it. Absent: none.
   */
  debt?: RamDebt;
  /**
   * What the tx's earlier parts spent per token against its amount_limit (go-iost vm/monitor.go's running
   * sums, Host.amountTotal), in token order: one shard checks the limit over every action of the tx. Absent: nothing.
   */
  spent?: [token: string, amount: string][];
  /**
   * Tokens the parts so far created inside a contract off their symbol's shard, in symbol order: each
   * waits for its symbol's shard to grant it (docs/SHARDING.md "Tokens across shards"). Absent: none.
   */
  claims?: TokenClaim[];
  /**
   * Credits the parts so far sent whose halves may charge the publisher RAM, in order: not held where they
   * were sent but carried to the chain's last part, which sends them as its own and decides the tx with their
   * halves (docs/SHARDING.md "A credit's RAM"; their amounts were debited where they were sent). Absent: none.
   */
  credits?: CrossReceipt[];
  /**
   * What the parts so far wrote of records other shards keep (their callees of those shards: docs/SHARDING.md "Calls
   * of another shard's contract") and no part landed yet, in key order: those of the target land there before its
   * part runs, the others are its run's own writes and go on with it. Absent: none.
   */
  writes?: [key: string, raw: string | null][];
  /**
   * The `register` receipts of accounts the parts so far created or changed: those to the target land there before
   * the part's actions (undone with it), so those actions know the accounts as one shard does (a buy on the RAM
   * market's shard for an account the tx signed up). The sending part's own to the target are carried instead of
   * sent; those to other shards are copies, whose originals their parts hold until the tx stands: they ride on
   * and land where a later part runs (a requireAuth of an account an earlier part changed). Absent: none.
   */
  registers?: CrossReceipt[];
  /**
   * What the parts so far counted against the read bounds: this part counts on from there, so the tx is bounded
   * as one shard's one run is (docs/SHARDING.md "Remote state inside a contract", _Bounds_). Absent: nothing.
   */
  counted?: Counted;
}

/** What a contract sees of its tx's block (`block`, blockInfo()), as a receipt carries it: numbers as decimal text. */
export interface TxBlock {
  number: string;
  time: string;
  parentHash: string;
  witness: string;
}

/** The tx's block `b` as its action receipts carry it. */
export function txBlockOf(b: BlockContext): TxBlock {
  return { number: b.number.toString(), time: b.time.toString(), parentHash: b.parentHash, witness: b.witness };
}

/** The context a part runs in on the running block `running`: its tx's block `b`, on this shard. */
export function inTxBlock(running: BlockContext, b: TxBlock): BlockContext {
  return { ...running, number: BigInt(b.number), time: BigInt(b.time), parentHash: b.parentHash, witness: b.witness };
}

/** A token created on `home` (not its symbol's shard): its definition as created there, for the symbol's shard to grant. */
export interface TokenClaim {
  token: string;
  home: number;
  /** Raw `TI<token>` records (raw key → raw value), as the home wrote them; a token721.iost token's issuer record. */
  def: Record<string, string>;
  /** A token721.iost token (its own namespace of symbols, decided on nftShard): absent for token.iost's. */
  nft?: true;
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
  /**
   * Contracts the publisher owns → the bytes the parts so far charged them (decimal text, may be negative), in
   * payer order: the chain's last part pays them from the RAM escrow, each with its own check.
   * Absent: none.
   */
  contracts?: [contract: string, bytes: string][];
  /**
   * Contracts of another owner than the publisher that parts so far charged → the bytes charged and the bytes
   * paid of them (decimal text, may be negative), in payer order: a later part on the owner's shard charging the
   * contract again checks and pays the sum, as one shard's doPay checks each payer once after every action (a
   * chain coming back to a shard). Absent: none.
   */
  charged?: [contract: string, bytes: string, paid: string][];
}

/** `total` (Host.amountTotal) as a receipt carries it (Forwarded `spent`), or undefined when nothing was spent. */
export function spentOf(total: ReadonlyMap<string, Decimal>): [string, string][] | undefined {
  const out = [...total].filter(([, d]) => d.isPositive()).sort(([a], [b]) => (a < b ? -1 : 1));
  return out.length === 0 ? undefined : out.map(([token, d]) => [token, d.toString()]);
}

/** The running sums a receipt's `spent` carries, for the part's Host; null when one is not a token and an amount. */
export function spentMap(spent: readonly unknown[] | undefined): Map<string, Decimal> | null {
  const out = new Map<string, Decimal>();
  for (const e of spent ?? []) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || typeof e[1] !== "string" || !AMOUNT_RE.test(e[1]) || out.has(e[0])) return null;
    try {
      out.set(e[0], Decimal.parse(e[1], -1));
    } catch {
      return null;
    }
  }
  return out;
}

/** The tokens whose publisher's balances an action receipt escrows on its target: iost (frozen too) and its free RAM (executor/forwarded.ts). */
export const ESCROWED: readonly string[] = ["iost", "ram"];

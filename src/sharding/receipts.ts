/**
 * Cross-shard receipts (docs/SHARDING.md "Cross-shard effects", NEAR-style). A tx runs on its
 * publisher's shard; a token transfer to an account placed on another shard
 * debits at once and leaves the chunk as a `credit` receipt. The target shard
 * applies it in the next block and always answers with a `settle` receipt:
 * amount "0" when the credit landed, the full amount (a refund to the sender)
 * when it could not (no such account). The home shard applies the settle one
 * block later and completes the tx's combined result. `action` receipts carry
 * the rest of a tx to the shard of the account it creates or funds (forward.ts)
 * and are settled the same way, returning the unused escrow and gas.
 * `register` receipts announce a new contract to every other shard's
 * directory (directory.ts), `token` receipts a new token's definition (its
 * `TI<sym>` records, and its home when a contract created it elsewhere) from
 * its symbol's shard to every other one, and are not answered. `burn`
 * receipts carry an amount destroyed on another shard than the token's home
 * to the home, whose supply record is the chain's
 * (docs/SHARDING.md "Tokens across shards"), and are not answered either.
 * `free` receipts give an account the RAM a tx freed on another shard of a
 * record it paid (its `ram` balance up, its used RAM down), not answered.
 * `domain` receipts copy a url's domain.iost records from the consensus shard,
 * which decides them, to every other one (contracts/domain.ts), not answered.
 * `pending` receipts tell every shard a name a tx may still create, and a failed tx cancels them (pending.ts),
 * not answered. `wound` receipts tell every other shard that a credit of an older tx, or of a decided tx of its
 * block, waits for the lock of tx `txHash` where it lands: a part or deciding half of that tx applied with it there
 * gives way (executor/incoming.ts), not answered. `index` receipts tell an account's shard that the consensus shard wrote its first `contribute`
 * (contracts/token.ts listAtHome), which its token index there lists from then on, not answered.
 *
 * Supply: an amount is in exactly one place at every height — a balance or
 * one in-flight receipt — so the sum over shards of balances plus in-flight
 * amounts is constant. So every amount a receipt moves is an int64 ≥ 0: a
 * receipt with anything else is refused before any receipt of its chunk
 * applies (a negative settle would have minted, issue 12).
 *
 * Here: the receipts and the rules on them; executor/incoming.ts applies them.
 */
import { MAX_INT64 } from "../amount.js";
import type { Action, ContractEvent, ContractReceipt, TxReceipt } from "../tx/types.js";
import type { BlockContext } from "../block/context.js";
import { type Forwarded, spentMap, type TxBlock } from "./forward.js";
import type { PledgeMove } from "./pledges.js";
import { CONSENSUS_SHARD, CONSENSUS_TOKEN, nftShard, placedByName, shardOf, tokenShard } from "./placement.js";
import { ageIn, decodeValue, mapKey } from "../state/storage.js";
import { holdsAmount, isCounted, isWrites, readShapeError } from "./reads.js";
import { pendingShapeError } from "./pending.js";
import { askShapeError } from "./asks.js";
import { isPoolKey } from "../pool/index.js";
import { isDeployment, isDomainCopy } from "./dns-copies.js";

export interface CrossReceipt {
  /** Credits and actions: `<txHash>:<n>` (the tx's n-th receipt); settles: `<its id>:settle`. */
  id: string;
  kind:
    | "credit"
    | "action"
    | "settle"
    | "register"
    | "burn"
    | "token"
    | "free"
    | "domain"
    | "read"
    | "values"
    | "release"
    | "pending"
    | "ask"
    | "wound"
    | "index";
  txHash: string;
  fromShard: number;
  toShard: number;
  token: string;
  /** Credit: the account credited. Action: the publisher. Settle: the sender (refunded when amount ≠ 0; token.iost for an issue, whose refund lowers the supply). Register: the contract. Token: token.iost. Free: the payer given its RAM back. */
  account: string;
  /** Credit: the sender (token.iost for an issue). Action: the account or contract it works for. Settle: the credited account. Register, token: the publisher. */
  counterpart: string;
  /** Smallest units, decimal text. Action: the escrow. Burn: the amount destroyed. */
  amount: string;
  /**
   * RAM bytes, decimal text. Action: the publisher's free RAM, held on the target while its
   * actions run (a RAM escrow, as `amount` is for iost). Settle of an action: the unused part back.
   * Free: the bytes given back (still counted in the account's used RAM until it lands).
   */
  ram?: string;
  /**
   * Action: the free RAM of each co-signer of the shards that sent actions on (the publisher's, a
   * chain's middle ones; account → bytes, decimal text), held on the target as `ram` is, since a
   * contract there may charge it. Settle: what is left of it, each shard's handed back there.
   */
  signerRam?: Record<string, string>;
  /**
   * Settle: the payer a co-signer's escrowed `ram` record named where the chain left it, when a write there named
   * another than it went with (a lend or sale names token.iost); its record at home names it (executor/incoming.ts
   * handBack). Names only accounts of the settle's `signerRam`. Absent: none.
   */
  signerPayers?: Record<string, string>;
  /**
   * Action: the publisher's ram.iost records its forwarded ram.iost actions use (`b-ram.iost-SR<pub>`,
   * `-TR<pub>`: key → stored value), held on the target meanwhile. Settle: how much each changed there
   * (key → bytes, decimal text, may be negative), applied at home.
   */
  ramRecords?: Record<string, string>;
  /**
   * Action: the publisher's frozen iost (its `TF<pub>` record's stored value), held on the target
   * while its actions run, since token.iost reads it with the balance (and unfreezes what is due).
   * Settle: what is left of it there, put back at home.
   */
  frozen?: string;
  /**
   * Action: the publisher's records of each token (not iost, ram or contribute) its forwarded
   * token.iost actions name (symbol → its `TB` and `TF` records' stored values, none when it has
   * none), held on the target while they run, so that what it is issued or sent there can move on in
   * a later action of the tx, as on one shard. Settle: what is left of them there, put back at home.
   */
  tokens?: Record<string, CarriedToken>;
  /** Settle: "" when the credit landed or the actions succeeded, else why not. */
  message: string;
  /** Credit: the amount arrives frozen until this time (ns, decimal text), as a `TF` record (gas.iost's unpledge refund). */
  freezeUntil?: string;
  /** Credit: the RAM payer a new balance or frozen record names (token.iost's on one shard), else none. */
  ramPayer?: string;
  /**
   * Credit: who pays the receiver's half (its gas at the tx's ratio, ×100, and any RAM the publisher
   * pays there), and which token.iost action sent it. Sent by a tx at home, its settle's `result`
   * reports it; sent by a forwarded part to the publisher's home (`atHome`), it is charged there;
   * sent by a forwarded part to any other shard (`third`), its settle takes it to the home.
   * `reserve`: the tx at home (or the chain's last part that sent it, forwarded.ts reserveHalf, neither
   * `atHome` nor `third`: it settles back there) is locked until this half settles (executor/locks.ts),
   * with the publisher's free RAM left after its home part (or its RAM escrow after the last part's
   * doPay: `ram`) reserved for it, the RAM the tx charged it so far (`paid`, for IOST's message) and a
   * home part's events, posted only if the half can be paid (docs/SHARDING.md "A credit's RAM").
   */
  payer?: {
    publisher: string;
    gasRatio: string;
    /** The time of its tx's block (ns, decimal text): its receiver's half runs at it, as one shard ran the half in that tx. */
    time: string;
    /**
     * A failed tx's probe: the gas its tx had left (gas units, decimal text), the most its receiver's half counts (with
     * the halves bundled with it), as one shard's run stopped at the gas limit (a tx out of gas: none left).
     */
    gasLeft?: string;
    /**
     * Its tx's age, the height of its block (decimal text): a run this credit finds reading what it writes, younger,
     * reads it again (executor/reads.ts staleReaders). Absent (a shard that sends none): older than any.
     */
    at?: string;
    /** Its tx's pool key (src/pool poolOrder), which orders it after `at` among the txs of its block. Absent: the oldest of its block. */
    ord?: string;
    op?: "issue";
    atHome?: true;
    third?: true;
    reserve?: {
      ram: string;
      paid: string;
      events?: ContractEvent[];
      /** Bytes of the publisher's RAM the halves before this one in the chain charged (decimal text, may be negative). Absent: 0. */
      used?: string;
      /** Its tx's age, the height of its block (decimal text): that of the lock a shard chaining the next half on holds (age.ts older). */
      at?: string;
      /** With `at`, its tx's pool key (src/pool poolOrder): the rest of that age. */
      ord?: string;
      /**
       * The tx's announces (`token`, `register`) to the shards of the chain: each applies its own before its half, so
       * the half finds what the tx created, and undoes it with the half. Absent: none.
       */
      announces?: CrossReceipt[];
      /**
       * The tx's other credits whose halves may charge the publisher, on other shards or of other tokens (each with
       * its bundle): this half's shard runs its half, locks it and sends the next on with the rest; the last decides
       * them all against the one reservation (docs/SHARDING.md "A credit's RAM", chained halves). Absent: none.
       */
      next?: CrossReceipt[];
    };
  };
  /**
   * Credit of `ram` a contract's ram.iost `lend` sent: the bytes lent (decimal text, the amount's even in a
   * probe), which its shard adds to the borrower's total (`TR`) as well (ram.ts receiveLend).
   */
  lent?: string;
  /**
   * Credit of `ram` a ram.iost `buy` on the market's shard sent to a buyer of another shard: the bytes bought (as
   * `lent`), which its shard adds to the buyer's bought and held bytes (`SR`, `TR`) as well (ram.ts receiveBuy).
   */
  bought?: string;
  /**
   * Credit of `ram` to an account whose `ram` record a doPay of its tx rewrote (payer "") on the account's shard before
   * it landed: the payer the record had before ("" or token.iost). Its half counts token.iost's write against that
   * payer and leaves the record with none, as one shard's single doPay after every action (forwarded.ts receiveHalf).
   */
  paidRam?: string;
  /**
   * Credit of a tx that failed after sending it, or whose amount a callee's write of the balance carries (remote.ts
   * absorb): amount "0"; its receiver's half is counted for the gas, then undone.
   */
  probe?: true;
  /**
   * Probe of a tx whose doPay failed on a payer before its publisher: its half's bytes of the publisher's RAM are in
   * no `need` of the tx's message (no `unpaid`), as one shard stopped before the publisher. Absent: they are.
   */
  unnamed?: true;
  /**
   * Probe of a failed tx's run: the txs whose receipts had landed on its shard, unlocked, in the blocks before it
   * (executor/landed.ts): its half reads what such a tx locked where it lands after that tx, the others' before.
   * Sorted, at most MAX_SAW. Absent: none.
   */
  saw?: string[];
  /**
   * Probe whose amount a write of its receiver's balance or frozen list carries (remote.ts absorb, host.ts
   * sendCredit): the records its half reads (receiverKeys) as that run had them before the credit, null where absent;
   * its half runs on them, wherever the write landed by then. Sorted. Absent: a record the run never fetched, which
   * the half reads as stored.
   */
  found?: [string, string | null][];
  /**
   * Credit with a `payer.reserve`: the tx's other credits of the same token to the same shard whose halves may
   * charge the publisher RAM, and those beside them that charge none (bundle), run after it in order against the
   * one reservation and decided with it (one shard checks their RAM together; docs/SHARDING.md "A credit's RAM").
   * A probe's: the tx's other probes of the same token to the same shard, run after it in order and undone with it
   * (probesOf; remote.ts absorb). Absent: none.
   */
  also?: CrossReceipt[];
  /**
   * Settle of a failed part: the credits earlier parts carried to it (Forwarded `credits`), going back with the
   * failure; each shard that sent some drops its own, whose amounts its undo puts back. Absent: none.
   */
  returned?: CrossReceipt[];
  /** Action: what runs on the target shard. */
  forward?: Forwarded;
  /** Settle of an action: what the forwarded part did. */
  result?: ForwardResult;
  /**
   * Settle of an action: the credits its part and the parts after it sent to shards other than the
   * tx's home (`payer.third`), whose settles bring their receiver halves home: the tx awaits them too.
   */
  halves?: number;
  /**
   * Settle of a failed action: the probes its part and the parts it passed back through sent to the tx's home or to
   * third shards (each lands or settles at the home), whose halves the home counts together against the gas the parts
   * left (executor/probes.ts). Absent: any other settle (a deciding half failing its tx too).
   */
  probes?: number;
  /**
   * Token: the raw records of `TI<token>` (raw key → raw value) as its shard wrote them (`account`
   * token721.iost: its `T721I<token>` issuer record). Domain: the url's domain.iost records.
   */
  def?: Record<string, string>;
  /**
   * Token: the shard the token lives on (created there inside a contract, granted by its symbol's
   * shard, which sends this): its supply and issues are there. Absent: the symbol's shard.
   */
  home?: number;
  /** Pending (sharding/pending.ts): a failed tx's cancel of its note that the name is pending. */
  cancel?: true;
  /** Register of an account: its auth.iost record (raw stored value) as its shard wrote it (directory.ts). */
  auth?: string;
  /** Read: the raw state keys a parked part asks for (`account`: the part, reads.ts Parked). */
  keys?: string[];
  /** Read: the part may write them (it called a contract of that shard): they lock for it alone. */
  write?: true;
  /** Values: none, the keys are locked for another part; every lock of the part there was dropped (reads.ts answerRead). */
  busy?: true;
  /**
   * Values: none; a credit of an older tx met keys the part holds there (executor/reads.ts staleReaders): it reads
   * them again, once its round is in, if it has not run yet. Its lock there stays until its release.
   */
  stale?: true;
  /** Values: each key asked and its stored value there (payer and all), null when absent. */
  values?: [key: string, raw: string | null][];
  /**
   * Release: what the part's run wrote of the keys it locked there (a callee of that shard's writes), in key order; null
   * deletes. Settle of an action: the writes its part and those after it carried (Forwarded `writes`) that no part
   * landed, back to the parts that locked their keys (executor/locks.ts unlockTx).
   */
  writes?: [key: string, raw: string | null][];
  /**
   * Release of a failed tx: the values before the part's writes of the keys a later part of the tx landed there
   * (executor/reads.ts releasesNow), put back. Held at the part with all its keys until then.
   */
  restore?: [key: string, raw: string | null][];
  /**
   * Settle of a failed chain: amounts of other shards' records (holdsAmount) that parts changed after the part that
   * locked each, landed there, as they were before those parts. Their undo took out what they paid for, so these are in
   * flight until that part's release puts its records back (`restore`); its shard drops them (executor/locks.ts
   * owedBack). No shard applies them. Absent: none.
   */
  putBack?: [key: string, raw: string | null][];
  /**
   * Release carrying writes: the `<pledger>gp` fields the run added or removed for pledgers living on the release's
   * shard, whose records it wrote there (a co-signer's pledge), for their order (pledges.ts); taken when the tx stands.
   * Those later parts of the tx made of the same pledgers follow, in order (pledges.ts withLater).
   */
  pledges?: PledgeMove[];
  /**
   * Settle of a failed action: its part (or one after it) gave way to an older tx's lock, running nothing
   * (executor/locks.ts PART_WAIT): the tx's home runs it again instead of failing it. Busy values: the read
   * waited that long for an older tx's lock; the forwarded part that asked gives way.
   */
  gaveWay?: true;
  /** Read: its tx's age, the height of its block (decimal text): that of the write locks it takes, and of the read when it waits (age.ts older). Ask: its asker's. Register and pending: its creator's. */
  at?: string;
  /**
   * Register, pending, ask and read: beside `at`, its tx's poolOrder key (src/pool): the age is (at, ord), one chain's
   * order in a block (sharding/age.ts), for names and a read's locks alike.
   */
  ord?: string;
  /** The answer to an ask (sharding/asks.ts): whether a tx older than the asker is undecided at its home there and runs a contract's code. */
  undecided?: boolean;
}

/** A publisher's records of one token that travel with an action receipt (raw stored values). */
export interface CarriedToken {
  balance?: string;
  frozen?: string;
}

/** The tokens whose records travel with an escrow: every one but those with rules of their own (iost: `amount`; ram: `ram`; contribute: shard 0). */
export const isCarriedToken = (sym: string) => /^[a-z0-9_]{2,16}$/.test(sym) && sym !== "iost" && sym !== "ram" && sym !== "contribute";

/**
 * What a forwarded part did, for the tx's combined receipt and the gas refund
 * at home. Gas is VM gas units; the home shard reserved `gasReserved` × ratio
 * of the publisher's gas and gives back (`gasReserved` − `gasUsed`) × ratio.
 */
export interface ForwardResult {
  gasReserved: number;
  gasUsed: number;
  /** ×100, decimal text. */
  gasRatio: string;
  returns: string[];
  receipts: ContractReceipt[];
  /** A failed part's status when it is not RUNTIME_ERROR: its RAM could not be paid, as executeTx answers. */
  status?: "BALANCE_NOT_ENOUGH";
  /** RAM bytes per payer (the publisher, from its RAM escrow, or accounts of the target shard), decimal text. */
  ramUsage: Record<string, string>;
  /**
   * Bytes (decimal text, may be negative) of the publisher's RAM the chain's last part paid from its
   * escrow, for the parts before it that owed it too (Forwarded `debt`): the publisher's used RAM at home.
   * "0" too when it paid none: one shard's doPay writes the payer's used RAM record all the same.
   */
  ramPaid?: string;
  /**
   * Bytes (decimal text, may be negative) each co-signer paid from its RAM escrow (`signerRam`) for
   * every part, by the part after the last action: its used RAM where it lives, added there by the
   * settle (docs/SHARDING.md "Co-signers' RAM escrow"). Names only accounts of the settle's `signerRam`.
   */
  signerPaid?: Record<string, string>;
  /**
   * A credit's settle: the receiver's half of the token.iost action, whose gas (`gasUsed`, nothing
   * reserved) and the publisher's RAM in `ramUsage` the home charges to this publisher.
   */
  credit?: {
    publisher: string;
    reserved?: string;
    /**
     * A probe's half (its tx failed): the publisher's bytes it would have charged (decimal text, may be negative), which
     * one shard's doPay counts in its `pay ram failed … need <n>` when the tx failed for the publisher's RAM. Absent: 0.
     */
    unpaid?: string;
    /** A probe's half that would have counted more gas than its tx had left (`payer.gasLeft`): one shard's run ran out of gas. */
    ranOut?: true;
  };
  /** A part that succeeded: the tx's contract events, the home part's then its own (events.ts); absent when none. */
  events?: ContractEvent[];
  /** A part that succeeded: the `<pledger>gp` fields it added or removed, for the pledgers' order at home (pledges.ts). */
  pledges?: PledgeMove[];
}

/** The key of an account's ram.iost record `SR` (bytes bought) or `TR` (bytes held, lent ones included). */
export const ramRecordKey = (kind: "SR" | "TR", account: string) => `b-ram.iost-${kind}${account}`;

/** Whether a receipt is answered by a settle (a tx's receipt waits for those). */
/**
 * What a failed tx (or part) still sends of `out`: each credit goes on as a `probe` landing nothing, whose
 * shard counts the receiver's half of its gas (as one shard charges it) and undoes it; one a forwarded part
 * sent to the publisher's home is charged there, one to a third shard settles at the home.
 */
export function probesOf(out: readonly CrossReceipt[]): CrossReceipt[] {
  const probes: CrossReceipt[] = [];
  const heads = new Map<string, CrossReceipt>();
  for (const r of out) {
    if (r.kind !== "credit" || !r.payer) continue;
    // Its amount stays: the half it runs, undone, writes the record one shard wrote, and charges that record's bytes
    // (a frozen list of 2 iost is 8 bytes longer than one of 0: in-flight 70/113).
    const probe: CrossReceipt = { ...r, probe: true };
    // Those of one token to one shard run in one probe, in order (`also`), undone together: on one shard a second
    // freeze to an account rewrites the list the first wrote, and is charged that longer list's gas.
    const group = r.payer.reserve || r.also ? null : `${r.toShard}:${r.token}:${r.payer.atHome}:${r.payer.third}`;
    const head = group === null ? undefined : heads.get(group);
    if (head) head.also = [...(head.also ?? []), probe];
    else probes.push(probe);
    if (group !== null && !head) heads.set(group, probe);
  }
  return probes;
}

/**
 * Whether `r` is a credit whose receiver's half may charge its publisher RAM there (docs/SHARDING.md "A
 * credit's RAM"): a frozen list rewritten under its name, a new balance record of a token that has a payer
 * (every token but iost and ram of an account). A probe charges none.
 */
export function chargesPublisher(r: CrossReceipt, publisher: string): boolean {
  return (
    r.kind === "credit" &&
    !r.probe &&
    r.payer?.publisher === publisher &&
    (r.freezeUntil !== undefined || !["iost", "ram"].includes(r.token) || r.account.startsWith("Contract"))
  );
}

/**
 * The records a credit's receiver half reads, in key order: the bytes a buy or lend carries, ram.iost's records of them
 * (ram.ts receiveBuy: `SR` and `TR`; receiveLend: `TR`), then its balance and frozen list (token.ts getBalance, freezeBalance).
 */
export const receiverKeys = (x: Pick<CrossReceipt, "account" | "token" | "bought" | "lent">): string[] => [
  ...(x.bought !== undefined ? [ramRecordKey("SR", x.account)] : []),
  ...(x.bought !== undefined || x.lent !== undefined ? [ramRecordKey("TR", x.account)] : []),
  ...["TB", "TF"].map((m) => mapKey("token.iost", m + x.account, x.token)),
];

/** Whether probe `x` and those bundled with it moved nothing, as a write that absorbed them leaves them (remote.ts absorb). */
const absorbed = (x: CrossReceipt): boolean => (Array.isArray(x.also) || x.also === undefined) && bundleOf(x).every((y) => y?.amount === "0");

/** A credit and the credits bundled with it (`also`): what its shard lands. */
export const bundleOf = (r: CrossReceipt): CrossReceipt[] => [r, ...(r.also ?? [])];

/** What `r` moves in flight: itself, the credits bundled with it, those chained after it and those an action receipt carries (`forward.credits`). */
export const ridersOf = (r: CrossReceipt): CrossReceipt[] => [
  ...bundleOf(r),
  ...(r.payer?.reserve?.next ?? []).flatMap(bundleOf),
  ...(r.forward?.credits ?? []),
  ...(r.returned ?? []),
];

/**
 * The reservation for `charging` (credits of `out` whose halves may charge the publisher, none at home or to a
 * third shard): the first, with the others of its token to its shard bundled into it (`also`), and the heads of
 * the other such bundles (one per shard and token, in the order sent) to chain after it, all left out of `out`
 * but the first; undefined when there are none (docs/SHARDING.md "A credit's RAM").
 */
export function bundle(out: CrossReceipt[], charging: readonly CrossReceipt[]): { first: CrossReceipt; next: CrossReceipt[] } | undefined {
  // The tx's other credits of such a token to such a shard join the bundle, in the order sent: one shard ran their
  // halves in that order, and held until the settle theirs would run after (a transfer's half reads the frozen list a
  // later freeze's half creates, 320 gas more: token.ts getBalance).
  const joins = (x: CrossReceipt) =>
    x.kind === "credit" && !x.probe && x.also === undefined && charging.some((c) => c.toShard === x.toShard && c.token === x.token);
  const members = out.filter((x) => charging.includes(x) || joins(x));
  const groups: CrossReceipt[][] = [];
  for (const x of members) {
    const g = groups.find(([h]) => h.toShard === x.toShard && h.token === x.token);
    if (g) g.push(x);
    else groups.push([x]);
  }
  if (groups.length === 0) return undefined;
  const [first, ...next] = groups.map(([head, ...rest]) => {
    if (rest.length > 0) head.also = rest;
    return head;
  });
  out.splice(0, out.length, ...out.filter((x) => x === first || !members.includes(x)));
  return { first, next };
}

/** Takes out of `out` the announces (`token`, `register`) to the shards `chain` goes to: they ride in its reservation. */
export function riders(out: CrossReceipt[], chain: readonly CrossReceipt[]): CrossReceipt[] {
  const to = new Set(chain.map((x) => x.toShard));
  const taken = out.filter((x) => (x.kind === "token" || x.kind === "register") && to.has(x.toShard));
  out.splice(0, out.length, ...out.filter((x) => !taken.includes(x)));
  return taken;
}

/** The chained bundles `next` as shard `from` sends them on: every credit of them now leaves from there. */
export function chainFrom(next: readonly CrossReceipt[], from: number): CrossReceipt[] {
  return next.map((h) => ({ ...h, fromShard: from, ...(h.also ? { also: h.also.map((x) => ({ ...x, fromShard: from })) } : {}) }));
}

/** The credits of bundles `heads`, as a failed chain sends them back (`returned`): each on its own, deciding nothing. */
export function unchained(heads: readonly CrossReceipt[]): CrossReceipt[] {
  return heads.flatMap(bundleOf).map(({ also: _, ...x }) => {
    const { reserve: __, ...payer } = x.payer!;
    return { ...x, payer };
  });
}

/** Whether `r` is a forwarded part's credit to a third shard, whose settle goes to the tx's home (`halves`). */
export function settlesAtHome(r: CrossReceipt): boolean {
  return r.kind === "credit" && r.payer?.third === true;
}

/** A parked tx's `read` counts too: its `values` answer it (reads.ts). */
export function awaitsSettle(r: CrossReceipt): boolean {
  return r.kind === "credit" || r.kind === "action" || r.kind === "read";
}

/** The payer of the genesis tokens' records (their info, copied to every shard, rewritten only where a supply is kept). */
export const DEADADDR = "deadaddr";

/** A `free` receipt: `bytes` of RAM a tx freed here back to `account`, on its shard. */
export function freeOf(r: Pick<CrossReceipt, "id" | "txHash" | "fromShard" | "toShard" | "account" | "counterpart">, bytes: bigint): CrossReceipt {
  return { ...r, kind: "free", token: "ram", amount: "0", ram: bytes.toString(), message: "" };
}

/** The suffix of a settle's id: `<id of the receipt it answers>:settle`. */
export const SETTLE = ":settle";

/** A receipt that no executor writes: applying it could create or destroy iost or gas. */
export class ReceiptRefused extends Error {
  override name = "ReceiptRefused";
}

const UINT = /^(0|[1-9][0-9]*)$/;
/** At most this many txs ride in a probe's `saw` (executor/landed.ts): the latest landed. */
export const MAX_SAW = 256;
/** Tx hashes are only compared with lock holders': any short text will do. */
const isSaw = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.length <= MAX_SAW &&
  v.every((x, i) => typeof x === "string" && x.length > 0 && x.length <= 64 && (i === 0 || v[i - 1] < x));
/** A block's parent hash or witness key: base58 (empty in a chain without headers, the simulator's). */
const B58 = /^[1-9A-HJ-NP-Za-km-z]{0,64}$/;
/** Signed bytes of RAM (freed ones negative), within int64. */
const SIGNED = /^-?(0|[1-9][0-9]{0,17})$/;

/** The fields a `wound` or an `index` carries: those of every receipt, nothing more. */
const BARE_FIELDS = new Set(["id", "kind", "txHash", "fromShard", "toShard", "token", "account", "counterpart", "amount", "message"]);

/** Whether `r` carries only BARE_FIELDS, moving nothing and saying nothing: a `wound`'s or an `index`'s shape. */
const bare = (r: CrossReceipt) => Object.keys(r).every((k) => BARE_FIELDS.has(k)) && r.amount === "0" && r.counterpart === "" && r.message === "";

/** The payers a `ram` record can have when a doPay rewrites it (paidRam): token.iost, whose writes name it, or none. */
export const PAID_RAM: ReadonlySet<unknown> = new Set(["", "token.iost"]);

/** token.iost's frozen list (contracts/freeze.ts freezeListJson), amounts never negative. */
const FROZEN_LIST = /^\[(?:\{"Amount":(?:0|[1-9]\d{0,18}),"Ftime":-?\d{1,19}\}(?:,(?=\{)|(?=\])))*\]$/;

/** A stored `TF` record as token.iost writes it, whatever its payer. */
function isStoredFrozen(raw: string): boolean {
  try {
    const v = decodeValue(raw)?.value;
    return v?.t === "j" && FROZEN_LIST.test(v.v);
  } catch {
    return false;
  }
}

/** A stored `TB` record: an int64 ≥ 0, whatever its payer. */
function isStoredBalance(raw: string): boolean {
  try {
    const v = decodeValue(raw)?.value;
    return v?.t === "i" && v.v >= 0n && v.v <= MAX_INT64;
  } catch {
    return false;
  }
}

/** Whether a probe's `found` holds only records its half reads (receiverKeys), each as its contract stores it, sorted. */
function isFound(r: CrossReceipt): boolean {
  const keys = receiverKeys(r);
  const [balance, frozen] = keys.slice(-2);
  const stored = (k: string, v: string) => (k === balance ? isStoredBalance(v) : k === frozen ? isStoredFrozen(v) : isStoredBytes(v));
  return isWrites(r.found) && r.found!.every(([k, v]) => keys.includes(k) && (v === null || stored(k, v)));
}

/** A stored `SR` or `TR` record of ram.iost: a count of bytes as text, whatever its payer. */
function isStoredBytes(raw: string): boolean {
  try {
    const v = decodeValue(raw)?.value;
    return v?.t === "s" && /^(0|[1-9]\d{0,18})$/.test(v.v);
  } catch {
    return false;
  }
}

/** Whether `def` holds only records of `TI<sym>` (raw key → raw value) for a symbol token.iost accepts. */
function isDefinition(sym: string, def: unknown): boolean {
  const own = `m-token.iost-TI${sym}`;
  return (
    typeof sym === "string" &&
    /^[a-z0-9_]{2,16}$/.test(sym) &&
    typeof def === "object" &&
    def !== null &&
    Object.entries(def).every(([k, v]) => (k === own || k.startsWith(own + "-")) && typeof v === "string")
  );
}

/** Whether `def` is exactly a token721.iost token's issuer record (raw key → a stored string). */
function isNftDefinition(sym: unknown, def: unknown): boolean {
  if (typeof sym !== "string" || sym === "" || typeof def !== "object" || def === null) return false;
  const entries = Object.entries(def);
  if (entries.length !== 1 || entries[0][0] !== `m-token721.iost-T721I${sym}-T721issuer`) return false;
  try {
    return decodeValue(entries[0][1])?.value.t === "s";
  } catch {
    return false;
  }
}

/**
 * Throws ReceiptRefused unless every amount (and gas) `r` moves is an integer in range, and a
 * token's supply or definition comes from or goes to the token's shard of `count` (`homeOf`: where
 * a token's supply lives on the receiving shard, directory.ts tokenHome).
 */
/** An action as a tx carries it: contract, action name and data, each text. */
function isAction(a: unknown): boolean {
  const x = a as Partial<Action> | null;
  return typeof x === "object" && x !== null && typeof x.contract === "string" && typeof x.actionName === "string" && typeof x.data === "string";
}

export function checkReceipt(
  r: CrossReceipt,
  count: number,
  homeOf: (sym: string) => number | null = (sym) => tokenShard(sym, count),
  at?: Pick<BlockContext, "number" | "time">,
): void {
  const refuse = (what: string, v: unknown, max: bigint) => {
    throw new ReceiptRefused(`receipt ${r.id} refused: ${what} ${JSON.stringify(v)} is not an integer in [0, ${max}]`);
  };
  const int = (what: string, v: unknown, max = MAX_INT64) => {
    if (typeof v !== "string" || !UINT.test(v) || BigInt(v) > max) refuse(what, v, max);
  };
  const gas = (what: string, v: unknown, max = BigInt(Number.MAX_SAFE_INTEGER)) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0 || BigInt(v as number) > max) refuse(what, v, max);
  };
  int("amount", r.amount);
  const reading = readShapeError(r) ?? pendingShapeError(r, count) ?? askShapeError(r);
  if (reading !== null) throw new ReceiptRefused(`receipt ${r.id} refused: ${reading}`);
  // Only on a release of a tx that stands (its writes land, or a later part landed them), each of a pledger living there.
  if (
    r.pledges !== undefined &&
    !(
      r.kind === "release" &&
      r.restore === undefined &&
      Array.isArray(r.pledges) &&
      r.pledges.length > 0 &&
      r.pledges.every((m) => isMove(m) && shardOf(m[0], count) === r.toShard)
    )
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: pledges ${JSON.stringify(r.pledges)?.slice(0, 200)}`);
  // A wound names only the tx that is to give way: a lie makes that tx's parts it reaches give way, which a shard the
  // tx ran on (the only one they heed, incoming.ts) could do anyway by failing its own part with gaveWay.
  if (
    r.kind === "wound" &&
    (!bare(r) || typeof r.id !== "string" || !r.id.startsWith(`${r.txHash}:wound:`) || r.fromShard === r.toShard || r.token !== "" || r.account !== "")
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: not a wound of another shard's tx`);
  // Only the consensus shard keeps `contribute`, and tells only an account's shard: a lie can only list it, with no
  // record behind it, in the index of an account there.
  if (
    r.kind === "index" &&
    (!bare(r) ||
      r.fromShard !== CONSENSUS_SHARD ||
      r.token !== CONSENSUS_TOKEN ||
      typeof r.account !== "string" ||
      !placedByName(r.account) ||
      r.toShard === CONSENSUS_SHARD ||
      shardOf(r.account, count) !== r.toShard)
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: an index of ${JSON.stringify(r.token)} for ${JSON.stringify(r.account)} from shard ${r.fromShard}`);
  // A probe's half is undone whatever its amount (a failed tx's keeps it; one a write absorbed carries 0).
  if (r.probe && r.kind !== "credit") throw new ReceiptRefused(`receipt ${r.id} refused: a probe on a ${r.kind}`);
  // Only what its own half reads, undone with it: a lie charges its own tx another gas, as a lie in its amount does.
  if (r.found !== undefined && (!r.probe || r.amount !== "0" || !isFound(r)))
    throw new ReceiptRefused(`receipt ${r.id} refused: found ${JSON.stringify(r.found)?.slice(0, 200)} is not its receiver's records on a probe`);
  if (r.unnamed !== undefined && (r.unnamed !== true || !r.probe))
    throw new ReceiptRefused(`receipt ${r.id} refused: unnamed ${JSON.stringify(r.unnamed)} on no probe`);
  // Only which locks its own probe reads after: a lie charges its own tx another gas, as a lie in its amount does.
  if (r.saw !== undefined && (!r.probe || !isSaw(r.saw)))
    throw new ReceiptRefused(`receipt ${r.id} refused: saw ${JSON.stringify(r.saw)} is no sorted list of tx hashes on a probe`);
  // Only a token's home keeps the supply a burn lowers, and only its symbol's shard announces the token (and where
  // it lives: another shard, which created it and so knows it, or none).
  if (r.kind === "burn" && r.toShard !== homeOf(r.token))
    throw new ReceiptRefused(`receipt ${r.id} refused: a burn of ${JSON.stringify(r.token)} to shard ${r.toShard}`);
  const elsewhere = (home: unknown, by: number) => Number.isSafeInteger(home) && (home as number) >= 0 && (home as number) < count && home !== by;
  if (r.kind === "token") {
    // token721.iost's tokens are its own namespace of symbols, decided on their symbol's shard too.
    const nft = r.account === "token721.iost";
    const ok =
      (nft || r.account === "token.iost") &&
      r.fromShard === (nft ? nftShard(r.token, count) : tokenShard(r.token, count)) &&
      (nft ? isNftDefinition(r.token, r.def) : isDefinition(r.token, r.def)) &&
      (r.home === undefined || (elsewhere(r.home, r.fromShard) && r.home !== r.toShard));
    if (!ok || !r.def) throw new ReceiptRefused(`receipt ${r.id} refused: a definition of ${JSON.stringify(r.token)} from shard ${r.fromShard}`);
  }
  // A claim names a shard the tx ran on as the token's home (not the symbol's shard, which decides it), and its definition.
  const path = [...(r.forward?.path ?? []), r.fromShard];
  for (const c of (r.kind === "action" ? r.forward?.claims : undefined) ?? [])
    if (
      typeof c !== "object" ||
      c === null ||
      (c.nft !== undefined && c.nft !== true) ||
      !elsewhere(c.home, c.nft ? nftShard(c.token, count) : (tokenShard(c.token, count) ?? -1)) ||
      !path.includes(c.home) ||
      !(c.nft ? isNftDefinition(c.token, c.def) : isDefinition(c.token, c.def))
    )
      throw new ReceiptRefused(`receipt ${r.id} refused: a claim of ${JSON.stringify(c?.token)} for shard ${JSON.stringify(c?.home)}`);
  // Carried credits: the tx's own, sent by a shard it ran on, charged to its publisher, deciding nothing yet.
  // Going back with a failure (`returned`): the same, of the settle's publisher. A probe among them only as a write
  // absorbed it (remote.ts absorb, with those bundled into it: executor/forward.ts carryCredits), moving nothing.
  for (const [credits, kind, pub] of [
    [r.forward?.credits, "action", r.forward?.publisher],
    [r.returned, "settle", r.result?.credit?.publisher ?? r.account],
  ] as const) {
    if (credits === undefined) continue;
    const own = (x: CrossReceipt) =>
      typeof x === "object" &&
      x !== null &&
      x.kind === "credit" &&
      x.txHash === r.txHash &&
      (kind === "settle" || path.includes(x.fromShard)) &&
      x.payer !== undefined &&
      x.payer.publisher === pub &&
      x.payer.reserve === undefined &&
      x.payer.gasLeft === undefined &&
      (x.probe === undefined ? x.also === undefined : x.probe === true && x.saw === undefined && x.unnamed === undefined && absorbed(x));
    if (r.kind !== kind || !Array.isArray(credits) || credits.length === 0 || !credits.every(own))
      throw new ReceiptRefused(`receipt ${r.id} refused: carried credits that are not its tx's`);
    for (const x of credits) checkReceipt(x, count, homeOf, at);
  }
  // Carried registers: the tx's own, of accounts, tokens or urls, sent by a shard it ran on (each checked as if it came on
  // its own: only the account's shard sends its permissions, only a symbol's shard its token, only shard 0 a url's link).
  const registers = r.forward?.registers;
  if (registers !== undefined) {
    const own = (x: CrossReceipt) =>
      typeof x === "object" &&
      x !== null &&
      (x.kind === "register" || x.kind === "token" || x.kind === "domain") &&
      typeof x.account === "string" &&
      !x.account.startsWith("Contract") &&
      x.txHash === r.txHash &&
      path.includes(x.fromShard);
    if (r.kind !== "action" || !Array.isArray(registers) || registers.length === 0 || !registers.every(own))
      throw new ReceiptRefused(`receipt ${r.id} refused: carried registers that are not its tx's`);
    for (const x of registers) checkReceipt(x, count, homeOf, at);
  }
  // Only the consensus shard decides who owns a url, and only domain.iost's dns tables travel.
  if (
    r.kind === "domain" &&
    (r.fromShard !== CONSENSUS_SHARD ||
      !r.def ||
      !Object.entries(r.def).every(([k, v]) => isDomainCopy(k) && typeof v === "string" && (k.startsWith("m-") || isDeployment(v))))
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: domain records from shard ${r.fromShard}`);
  if (r.kind === "register" && !r.account.startsWith("Contract")) {
    // Only an account's shard writes its permissions: a copy from anywhere else would let a shard sign for it.
    const v = decodeValue(r.auth)?.value;
    let id: unknown;
    try {
      id = v?.t === "s" ? (JSON.parse(v.v) as { id?: unknown }).id : undefined;
    } catch {
      id = undefined;
    }
    // Its creator's age is the register's (`at`, `ord`), not one inside the record (storage.ts withAge).
    if (r.fromShard !== shardOf(r.account, count) || id !== r.account || ageIn(r.auth) !== null)
      throw new ReceiptRefused(`receipt ${r.id} refused: permissions of ${JSON.stringify(r.account)} from shard ${r.fromShard}`);
  }
  if (r.ram !== undefined) int("ram", r.ram);
  if (r.kind === "free" && r.ram === undefined) refuse("ram", r.ram, MAX_INT64);
  // RAM is given back only where its account lives: anywhere else it would be RAM nobody used.
  if (r.kind === "free" && !(placedByName(r.account) && shardOf(r.account, count) === r.toShard))
    throw new ReceiptRefused(`receipt ${r.id} refused: a free of ${JSON.stringify(r.account)}'s RAM on shard ${r.toShard}`);
  for (const [k, v] of Object.entries(r.signerRam ?? {})) {
    // Only a signer's RAM travels: an escrow of anyone else's would let a shard spend it.
    if (k === r.account || (r.kind === "action" && !r.forward?.authority.some((a) => a.account === k))) refuse("signerRam account", k, 0n);
    int(`signerRam ${k}`, v);
  }
  // A payer only for a co-signer's escrow the receipt carries (an action) or brings back (a settle): its record's, as the
  // publisher's `ramPayer`. "" for a record naming no payer: held there all the same, even at 0.
  for (const [payers, kind, how] of [
    [r.forward?.signerPayers, "action", "carries"],
    [r.signerPayers, "settle", "brings back"],
  ] as const)
    for (const [k, v] of Object.entries(payers ?? {}))
      if (r.kind !== kind || r.signerRam?.[k] === undefined || typeof v !== "string" || !/^[a-zA-Z0-9_.]{0,64}$/.test(v))
        throw new ReceiptRefused(
          `receipt ${r.id} refused: signerPayers ${JSON.stringify(k)}: ${JSON.stringify(v)} is no payer of a co-signer's RAM escrow it ${how}`,
        );
  for (const [k, v] of Object.entries(r.ramRecords ?? {})) {
    if (k !== ramRecordKey("SR", r.account) && k !== ramRecordKey("TR", r.account)) refuse("ramRecords key", k, 0n);
    if (r.kind === "settle" && !SIGNED.test(v)) refuse(`ramRecords ${k}`, v, MAX_INT64);
  }
  if (r.frozen !== undefined && !isStoredFrozen(r.frozen))
    throw new ReceiptRefused(`receipt ${r.id} refused: frozen ${JSON.stringify(r.frozen)} is not a stored frozen list`);
  for (const [sym, t] of Object.entries(r.tokens ?? {})) {
    // iost rides as a token only in place of an escrow (its publisher had no record: executor/forward.ts sendActions),
    // with no amount and no frozen list of its own (the escrow's `frozen` is iost's).
    const iost = sym === "iost" && r.token === "iost" && r.amount === "0" && t.frozen === undefined;
    const ok = (isCarriedToken(sym) || iost) && (t.balance === undefined || isStoredBalance(t.balance)) && (t.frozen === undefined || isStoredFrozen(t.frozen));
    if (!ok) throw new ReceiptRefused(`receipt ${r.id} refused: ${JSON.stringify(sym)} records ${JSON.stringify(t)} are not a stored balance and frozen list`);
  }
  if (r.freezeUntil !== undefined) int("freezeUntil", r.freezeUntil);
  for (const [what, bytes] of [
    ["lent", r.lent],
    ["bought", r.bought],
  ] as const) {
    if (bytes === undefined) continue;
    // Lent or bought RAM rides only in the lend's or buy's own credit of those bytes of ram (ram.iost's minimum or more), paid by its tx;
    // in a probe of 0 only as a write absorbed it (remote.ts absorb: the run wrote the bytes into the records), its half's gas counted.
    int(what, bytes);
    const ok =
      r.kind === "credit" &&
      r.token === "ram" &&
      r.freezeUntil === undefined &&
      r.payer !== undefined &&
      r.payer.op === undefined &&
      BigInt(bytes) >= 10n &&
      (r.amount === bytes || (r.probe === true && r.amount === "0")) &&
      (r.lent === undefined || r.bought === undefined);
    if (!ok)
      throw new ReceiptRefused(
        `receipt ${r.id} refused: ${JSON.stringify(bytes)} bytes ${what} by a ${r.kind} of ${JSON.stringify(r.amount)} ${JSON.stringify(r.token)}`,
      );
  }
  // A `ram` record's payer before a doPay rewrote it: token.iost's (its writes) or none (an earlier doPay's).
  if (r.paidRam !== undefined && (r.kind !== "credit" || r.token !== "ram" || r.payer === undefined || !PAID_RAM.has(r.paidRam)))
    throw new ReceiptRefused(`receipt ${r.id} refused: paidRam ${JSON.stringify(r.paidRam)} on a ${r.kind} of ${JSON.stringify(r.token)}`);
  const paid = r.forward?.paidRam;
  if (paid !== undefined) {
    const ok =
      r.kind === "action" &&
      Array.isArray(paid) &&
      paid.length > 0 &&
      paid.every(
        (p, i) =>
          Array.isArray(p) &&
          p.length === 2 &&
          typeof p[0] === "string" &&
          /^[a-z0-9_]{5,11}$/.test(p[0]) &&
          PAID_RAM.has(p[1]) &&
          (i === 0 || paid[i - 1][0] < p[0]),
      );
    if (!ok) throw new ReceiptRefused(`receipt ${r.id} refused: paidRam ${JSON.stringify(paid)} is no list of accounts and earlier payers in name order`);
  }
  /**
   * A tx's age a credit or its reservation carries: its height a block before this one (an age of now or later would
   * make a hop's lock younger than txs it must wait for, and a credit tell readers as if older than they are), and its
   * pool key beside it (`paired`: none without the other), so a lie moves only where that tx stands in its block.
   */
  const checkAge = (age: unknown, ord: unknown, paired: boolean) => {
    if (age !== undefined && (typeof age !== "string" || !UINT.test(age) || (at !== undefined && BigInt(age) >= at.number)))
      throw new ReceiptRefused(`receipt ${r.id} refused: its tx's height ${String(age)} is not a block before this one`);
    const ratio = typeof r.payer?.gasRatio === "string" && UINT.test(r.payer.gasRatio) ? BigInt(r.payer.gasRatio) : undefined;
    if (ord === undefined ? paired && age !== undefined : age === undefined || !isPoolKey(ord, r.txHash, undefined, ratio))
      throw new ReceiptRefused(`receipt ${r.id} refused: ord ${JSON.stringify(ord)} is not its tx's pool key beside its height`);
  };
  if (r.payer) {
    int("gasRatio", r.payer.gasRatio);
    int("payer time", r.payer.time);
    if (r.payer.gasLeft !== undefined && !r.probe) refuse("gasLeft of a credit that is no probe", r.payer.gasLeft, 0n);
    if (r.payer.gasLeft !== undefined) int("payer gasLeft", r.payer.gasLeft);
    // Its tx ran in a block before this one: block times never go back.
    if (at && BigInt(r.payer.time) > at.time)
      throw new ReceiptRefused(`receipt ${r.id} refused: its tx's time ${r.payer.time} is after this block's ${at.time}`);
    checkAge(r.payer.at, r.payer.ord, false);
  }
  if (r.payer?.reserve) {
    const { ram, paid, used, at: age, ord, next, announces } = r.payer.reserve;
    int("reserved ram", ram);
    checkAge(age, ord, true);
    if (typeof paid !== "string" || !SIGNED.test(paid)) refuse("paid ram", paid, MAX_INT64);
    if (used !== undefined && (typeof used !== "string" || !SIGNED.test(used))) refuse("used ram", used, MAX_INT64);
    // Chained halves: the tx's own credits charging its publisher, from this credit's shard, none deciding on its own.
    if (next !== undefined) {
      const chained = (x: CrossReceipt) =>
        typeof x === "object" &&
        x !== null &&
        x.kind === "credit" &&
        x.txHash === r.txHash &&
        x.fromShard === r.fromShard &&
        x.payer?.publisher === r.payer?.publisher &&
        x.payer?.gasRatio === r.payer?.gasRatio &&
        x.payer?.reserve === undefined &&
        !x.payer?.atHome &&
        !x.payer?.third &&
        x.probe === undefined &&
        bundleOf(x).some((y) => chargesPublisher(y, r.payer!.publisher));
      if (r.kind !== "credit" || r.probe || !Array.isArray(next) || next.length === 0 || !next.every(chained))
        throw new ReceiptRefused(`receipt ${r.id} refused: credits chained after it that are not its tx's`);
      // Each is checked as its shard gets it: sent on with the reservation by the shard before it.
      for (const x of next) checkReceipt({ ...x, payer: { ...x.payer!, reserve: { ram, paid } } }, count, homeOf, at);
    }
    // Announces: the tx's own, to a shard of the chain, each checked as if it came on its own.
    if (announces !== undefined) {
      const to = new Set([r.toShard, ...(next ?? []).map((x) => x.toShard)]);
      const own = (a: CrossReceipt) =>
        typeof a === "object" && a !== null && (a.kind === "token" || a.kind === "register") && a.txHash === r.txHash && to.has(a.toShard);
      if (r.kind !== "credit" || !Array.isArray(announces) || announces.length === 0 || !announces.every(own))
        throw new ReceiptRefused(`receipt ${r.id} refused: announces riding in it that are not its tx's to its chain`);
      for (const a of announces) checkReceipt(a, count, homeOf, at);
    }
  }
  if (r.result?.credit?.reserved !== undefined) int("reserved ram", r.result.credit.reserved);
  const unpaid = r.result?.credit?.unpaid;
  if (unpaid !== undefined && (r.kind !== "settle" || typeof unpaid !== "string" || !SIGNED.test(unpaid) || unpaid === "0"))
    refuse("unpaid ram", unpaid, MAX_INT64);
  const ranOut = r.result?.credit?.ranOut;
  if (ranOut !== undefined && (r.kind !== "settle" || ranOut !== true))
    throw new ReceiptRefused(`receipt ${r.id} refused: ranOut ${JSON.stringify(ranOut)} on no settle of a probe's half`);
  // Bundled credits: the reservation's (or probe's) tx's own, of its token, to its shard, charged to its publisher, none deciding.
  if (r.also !== undefined) {
    const same = (x: CrossReceipt) =>
      typeof x === "object" &&
      x !== null &&
      x.kind === "credit" &&
      x.txHash === r.txHash &&
      x.fromShard === r.fromShard &&
      x.toShard === r.toShard &&
      x.token === r.token &&
      x.payer?.publisher === r.payer?.publisher &&
      x.payer?.gasRatio === r.payer?.gasRatio &&
      x.payer?.reserve === undefined &&
      x.payer?.atHome === r.payer?.atHome &&
      x.payer?.third === r.payer?.third &&
      x.also === undefined &&
      x.probe === r.probe;
    // A reservation's (never at home nor to a third shard: receipts.ts bundle), or probes: a failed tx's (probesOf), those one write absorbed (remote.ts absorb).
    if (r.kind !== "credit" || !(r.payer?.reserve || r.probe) || !Array.isArray(r.also) || r.also.length === 0 || !r.also.every(same))
      throw new ReceiptRefused(`receipt ${r.id} refused: credits bundled with it that are not its tx's to its shard`);
    for (const x of r.also) checkReceipt(x, count, homeOf, at);
    int(
      "bundled amount",
      bundleOf(r)
        .reduce((a, x) => a + BigInt(x.amount), 0n)
        .toString(),
    );
  }
  if (r.forward) gas("vmGas", r.forward.vmGas);
  if (r.forward) {
    const b = r.forward.block as Partial<TxBlock> | undefined;
    const hash = (v: unknown) => typeof v === "string" && B58.test(v);
    if (typeof b !== "object" || b === null || !hash(b.parentHash) || !hash(b.witness))
      throw new ReceiptRefused(`receipt ${r.id} refused: block ${JSON.stringify(b)} is not a block's number, time, parent hash and witness`);
    int("block number", b.number);
    int("block time", b.time);
    // Each part runs at least a block after the part before it (the home part in the tx's block), and block times
    // never go back: a tx's block after what the parts so far allow is a lie (docs/SHARDING.md "Cross-shard effects").
    const hops = BigInt(Array.isArray(r.forward.path) ? r.forward.path.length : 1); // the parts before this one (path: from the home on)
    if (b.number === "0" || (at && (BigInt(b.number!) + hops > at.number || BigInt(b.time!) > at.time)))
      throw new ReceiptRefused(`receipt ${r.id} refused: block ${b.number} at ${b.time} is not before block ${at?.number} at ${at?.time} by ${hops}`);
  }
  // `true` or absent: anything else would read as one.
  if (r.forward?.deployed !== undefined && r.forward.deployed !== true)
    throw new ReceiptRefused(`receipt ${r.id} refused: deployed ${JSON.stringify(r.forward.deployed)}`);
  // The pledges the parts so far moved, which a listing of a pledger's users adds: a malformed one would break the part's run.
  const moves: unknown = r.forward?.pledges;
  if (moves !== undefined && !(Array.isArray(moves) && moves.length > 0 && moves.every(isMove)))
    throw new ReceiptRefused(`receipt ${r.id} refused: pledges ${JSON.stringify(moves)?.slice(0, 200)}`);
  // What a contract of the part reads of its tx (txInfo's actions, tx.authList): a malformed one would break the part's run.
  const earlier: unknown = r.forward?.earlier;
  if (earlier !== undefined && !(Array.isArray(earlier) && earlier.length > 0 && earlier.every(isAction)))
    throw new ReceiptRefused(`receipt ${r.id} refused: earlier actions ${JSON.stringify(earlier)?.slice(0, 200)}`);
  const keys: unknown = r.forward?.authList;
  if (
    keys !== undefined &&
    !(Array.isArray(keys) && keys.length > 0 && keys.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && (e[1] === 1 || e[1] === 2)))
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: auth list ${JSON.stringify(keys)?.slice(0, 200)}`);
  // The amounts the tx spent so far against its amount_limit: a forged one would change what the part may spend.
  const w = r.forward?.writes;
  if (w !== undefined && (r.kind !== "action" || !(Array.isArray(w) && (w.length === 0 || isWrites(w)))))
    throw new ReceiptRefused(`receipt ${r.id} refused: writes ${JSON.stringify(w)?.slice(0, 200)}`);
  // The writes no part landed come back with a settle; a release's are its shape's (reads.ts readShapeError).
  if (r.writes !== undefined && r.kind !== "release" && !(r.kind === "settle" && isWrites(r.writes)))
    throw new ReceiptRefused(`receipt ${r.id} refused: writes ${JSON.stringify(r.writes)?.slice(0, 200)}`);
  // What the parts so far counted against the read bounds: a forged one moves where the tx fails, no more.
  const counted = r.forward?.counted;
  if (counted !== undefined && (r.kind !== "action" || !isCounted(counted)))
    throw new ReceiptRefused(`receipt ${r.id} refused: counted ${JSON.stringify(counted)?.slice(0, 200)}`);
  if (r.putBack !== undefined && !(r.kind === "settle" && isWrites(r.putBack) && r.putBack.every(([k]) => holdsAmount(k))))
    throw new ReceiptRefused(`receipt ${r.id} refused: put back ${JSON.stringify(r.putBack)?.slice(0, 200)}`);
  if (r.restore !== undefined && r.kind !== "release") throw new ReceiptRefused(`receipt ${r.id} refused: restore ${JSON.stringify(r.restore)?.slice(0, 200)}`);
  if (r.forward && (!(r.forward.spent === undefined || Array.isArray(r.forward.spent)) || spentMap(r.forward.spent) === null))
    throw new ReceiptRefused(`receipt ${r.id} refused: spent ${JSON.stringify(r.forward.spent)} is not a list of tokens and amounts`);
  const debt = r.forward?.debt;
  if (debt !== undefined) {
    if (!SIGNED.test(debt.owed) || !Array.isArray(debt.short) || !Array.isArray(debt.away ?? [])) refuse("debt", debt, MAX_INT64);
    for (const e of debt.short) if (!Array.isArray(e) || e.length !== 2 || !e.every((x) => typeof x === "string")) refuse("debt short", e, 0n);
    // Only a signer's RAM is charged by a tx: a debt naming anyone else would let a shard spend it.
    for (const e of debt.away ?? []) {
      const ok = Array.isArray(e) && e.length === 2 && typeof e[1] === "string" && SIGNED.test(e[1]);
      if (!ok || !r.forward!.authority.some((a) => a.account === e[0])) refuse("debt away", e, MAX_INT64);
    }
    // Bytes of contracts (the publisher's own, as the last part finds: others' are not charged from its escrow).
    if (!Array.isArray(debt.contracts ?? [])) refuse("debt contracts", debt.contracts, MAX_INT64);
    for (const e of debt.contracts ?? [])
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || !e[0].startsWith("Contract") || typeof e[1] !== "string" || !SIGNED.test(e[1]))
        refuse("debt contracts", e, MAX_INT64);
    // Bytes of other owners' contracts: checked and paid only by a part on the owner's shard, where its RAM lives.
    if (!Array.isArray(debt.charged ?? [])) refuse("debt charged", debt.charged, MAX_INT64);
    for (const e of debt.charged ?? [])
      if (
        !Array.isArray(e) ||
        e.length !== 3 ||
        typeof e[0] !== "string" ||
        !e[0].startsWith("Contract") ||
        !e.slice(1).every((x) => typeof x === "string" && SIGNED.test(x))
      )
        refuse("debt charged", e, MAX_INT64);
  }
  if (r.result?.ramPaid !== undefined && !SIGNED.test(r.result.ramPaid)) refuse("ramPaid", r.result.ramPaid, MAX_INT64);
  // Only an escrow that came back was paid from: naming anyone else would let a shard change its used RAM.
  for (const [k, v] of Object.entries(r.result?.signerPaid ?? {}))
    if (r.kind !== "settle" || r.signerRam?.[k] === undefined || typeof v !== "string" || !SIGNED.test(v)) refuse(`signerPaid ${k}`, v, MAX_INT64);
  if (r.halves !== undefined) gas("halves", r.halves);
  // Only a failed part's: a lie moves how its own tx's probes count, as a lie in their gas does.
  if (
    r.probes !== undefined &&
    !(r.kind === "settle" && r.message !== "" && r.result !== undefined && !r.result.credit && Number.isSafeInteger(r.probes) && r.probes >= 0)
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: probes ${JSON.stringify(r.probes)} on no failed action's settle`);
  // A failed action's settle, or a failed half that decides its tx (`reserved`): the tx is undoable while it waits.
  const failed = r.kind === "settle" && r.message !== "" && r.result !== undefined && (!r.result.credit || r.result.credit.reserved !== undefined);
  if (r.gaveWay !== undefined && (r.gaveWay !== true || !(failed || (r.kind === "values" && r.busy === true))))
    throw new ReceiptRefused(`receipt ${r.id} refused: gaveWay ${JSON.stringify(r.gaveWay)} on no failed action's settle or busy values`);
  if (
    r.at !== undefined &&
    ((r.kind !== "read" && r.kind !== "ask" && r.kind !== "register" && r.kind !== "pending") ||
      typeof r.at !== "string" ||
      !UINT.test(r.at) ||
      (at !== undefined && BigInt(r.at) >= at.number))
  )
    throw new ReceiptRefused(`receipt ${r.id} refused: at ${JSON.stringify(r.at)} is not the height of a block before ${at?.number}`);
  // A register's creator's age (an ask's: askShapeError), `at` and its pool key: the name's, which older runs read absent.
  // A read's: its tx's, that of the locks it takes and of its wait.
  const aged = r.kind === "register" || (r.kind === "read" && (r.at !== undefined || r.ord !== undefined));
  if (aged ? r.at === undefined || !isPoolKey(r.ord, r.txHash) : r.kind !== "ask" && r.kind !== "pending" && r.ord !== undefined)
    throw new ReceiptRefused(
      `receipt ${r.id} refused: ord ${JSON.stringify(r.ord)} is not its tx's pool key beside ${r.kind === "read" ? "its" : "a creator's"} height`,
    );
  if (r.forward) {
    const f = r.forward;
    const num = (v: unknown) => (typeof v === "string" && UINT.test(v) ? BigInt(v) : undefined);
    if (!isPoolKey(f.ord, r.txHash, num(f.time), num(f.gasRatio)))
      throw new ReceiptRefused(`receipt ${r.id} refused: ord ${JSON.stringify(f.ord)} is not its tx's pool key`);
  }
  if (r.result) {
    if (r.result.status !== undefined && r.result.status !== "BALANCE_NOT_ENOUGH") refuse("status", r.result.status, 0n);
    int("gasRatio", r.result.gasRatio);
    gas("gasReserved", r.result.gasReserved);
    if (r.result.pledges !== undefined && !(Array.isArray(r.result.pledges) && r.result.pledges.every(isMove)))
      throw new ReceiptRefused(`receipt ${r.id} refused: pledges ${JSON.stringify(r.result.pledges)}`);
    // A credit's receiver half had nothing reserved: the home charges what it used.
    gas("gasUsed", r.result.gasUsed, r.result.credit ? undefined : BigInt(r.result.gasReserved));
  }
}

function isMove(m: unknown): m is PledgeMove {
  return Array.isArray(m) && m.length === 3 && typeof m[0] === "string" && typeof m[1] === "string" && typeof m[2] === "boolean";
}

/** What a settle receipt tells the tx's home shard about one of its credits. */
export interface Settlement {
  txHash: string;
  /** The id of the credit it answers. */
  receiptId: string;
  ok: boolean;
  message: string;
  /** An action's settle: the forwarded part's result, to combine into the tx's receipt. */
  result?: ForwardResult;
  /**
   * The receiver's half of a credit a forwarded part sent to the publisher's home: it joins the tx's
   * receipt (arriving with the part's settle) but answers none of the receipts the tx awaits.
   */
  extra?: true;
  /**
   * Receipts the tx's home part held until this settle and sends now (executor/locks.ts), and the
   * halves its forwarded parts' credits to third shards send home (`halves`): the tx awaits them too.
   */
  more?: number;
  /**
   * A parked tx run again with every value it asked for (reads.ts): its receipt now, replacing the one it
   * parked with, and its events when it posts them now (no part of it went on to settle later).
   */
  rerun?: { receipt: TxReceipt; events?: ContractEvent[] };
}

/**
 * How a settle changes the count of receipts its tx awaits: one fewer, but for the receiver half of a
 * credit joining it (`extra`), plus the receipts its home part held until now and sends with it (`more`).
 */
export function pendingChange(s: Settlement): number {
  return (s.more ?? 0) - (s.extra ? 0 : 1);
}

/** The settle receipt answering `r` (amount and message filled in by the caller). */
export function settleOf(r: CrossReceipt, shard: number): CrossReceipt {
  const [account, counterpart] = r.kind === "action" ? [r.account, r.counterpart] : [r.counterpart, r.account];
  return {
    id: r.id + SETTLE,
    kind: "settle",
    txHash: r.txHash,
    fromShard: shard,
    toShard: r.fromShard,
    token: r.token,
    account,
    counterpart,
    amount: "0",
    message: "",
  };
}

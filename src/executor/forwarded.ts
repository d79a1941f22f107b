/**
 * Running an action receipt on the target shard (src/sharding/forward.ts):
 * the forwarded actions run with the publisher's authority from the receipt
 * and its escrow as the publisher's iost and RAM balances here, within the VM
 * gas the home shard reserved. Afterwards the unused escrow is taken back out
 * (to return home) and the gas used is reported; on any failure (a charge
 * beyond the escrow or the reserved gas included) everything the actions did
 * rolls back and the whole escrow goes home, with the gas they burnt until
 * then. RAM is paid by the chain's last part, once after every action as one
 * shard pays it: a part that sends the rest on passes what it owes along
 * (`debt`); the last pays it with its own, by accounts of its shard or by the
 * publisher and the co-signers of its shard from their RAM escrows (their
 * used RAM is counted at home by the settle).
 * An action on a contract of another shard, or a system action for an
 * account of one (forward.ts forwardTarget), ends the part here: the rest
 * goes on with the unused escrow and gas (`onward`), and this part is locked
 * until that one settles (docs/SHARDING.md "Atomic txs"). The other shard may
 * be one the tx ran on already (its home included): there the part reads
 * through its tx's locks, and at home its escrow rejoins the publisher's
 * records (docs/SHARDING.md "Atomic txs", returns). On a symbol's shard the
 * part first decides the tx's claims of that symbol (forward.ts grantClaims:
 * docs/SHARDING.md "Tokens across shards"), and a part that created a token
 * off its symbol's shard sends the claim on. The last part's credit whose
 * half may charge the publisher RAM takes what is left of its RAM escrow
 * along and decides the tx the same way (reserveHalf).
 */
import type { Age } from "../sharding/age.js";
import { Cost } from "../contracts/cost.js";
import { ERR, NodeFault } from "../contracts/errors.js";
import { Host, runOf, type BlockContext } from "../contracts/host.js";
import { monitorCall } from "../contracts/monitor.js";
import { balanceOf, addBalance, dropBalance, putBalance, putFrozen, takeFrozen } from "../contracts/balance.js";
import {
  carryCredits,
  carryRegisters,
  claimTarget,
  countedOf,
  deployedOf,
  pledgesOf,
  paidRamOf,
  debtOf,
  escrowRam,
  escrowSigners,
  forwardTarget,
  namedRamPayer,
  armTrade,
  ClaimRefused,
  grantClaims,
  knowClaims,
  owedAway,
  payTarget,
  pendingClaims,
  sendActions,
  takeTokens,
} from "./forward.js";
import { RAM, receiveBuy, receiveLend } from "../contracts/ram.js";
import { receiveCredit, TOKEN } from "../contracts/token.js";
import { sawLanded } from "./landed.js";
import { asGuest, ShardState } from "./guard.js";
import { passingWrites, toldRiding } from "./reads.js";
import { type Forwarded, inTxBlock, spentMap, spentOf } from "../sharding/forward.js";
import type { CarriedToken, CrossReceipt, ForwardResult } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, mapKey } from "../state/storage.js";
import { bundle, bundleOf, chargesPublisher, PAID_RAM, probesOf, ramRecordKey, riders } from "../sharding/receipts.js";
import { runActions } from "./actions.js";
import { shardOf } from "../sharding/placement.js";
import { applyRegister, applyToken } from "../sharding/directory.js";
import { dropNote } from "../sharding/pending.js";
import { doPay, RamShort, ramUsageOf } from "./index.js";

/** A ram.iost `SR`/`TR` record's bytes (a JSON number in a string value; absent: 0). */
export function recordValue(raw: string | undefined): bigint {
  const v = decodeValue(raw)?.value;
  return v && v.t === "s" && /^-?\d+$/.test(v.v) ? BigInt(v.v) : 0n;
}

function isAccount(db: ContractDB, name: string): boolean {
  return name.startsWith("Contract") || name.endsWith(".iost") || db.mhas("auth.iost", "auth", name);
}

/** Why credit `r` cannot land here, or "". */
export function refusal(db: ContractDB, r: CrossReceipt): string {
  // A symbol is created once on the chain (on its shard, which announced it before any credit of
  // it could leave), so a known symbol is the sender's token; an unknown one is refunded, never merged.
  // A probe lands nothing and is undone: its half counts the gas one shard charged, even of a token whose claim its
  // failed tx undid (a contract's create off its symbol's shard, then an issue of it).
  if (!r.probe && !db.mhas("token.iost", "TI" + r.token, "issuer")) return ERR.tokenNotExists;
  // IOST checks the account of a transfer, not of a transferFreeze or an issue: those write the record whatever the name.
  const checked = r.freezeUntil === undefined && r.payer?.op !== "issue";
  return !checked || isAccount(db, r.account) ? "" : `invalid account ${r.account}`;
}

/**
 * `f` without the RAM it owes, the amounts spent, the tokens it claims, the credits and writes it carries, the reads
 * counted (the part sending it on says what they are now), and the registers (carryRegisters sets those going on).
 */
function withoutDebt(f: Forwarded): Forwarded {
  // The registers carried to it landed here (applyRegister) or ride on with the part's own (carryRegisters). The co-signers' payers go with their escrows (payersOf).
  const { debt: _, spent: __, claims: ___, credits: ____, writes: _____, registers: ______, counted: _______, signerPayers: ________, ...rest } = f;
  return rest;
}

/**
 * The payers the last part's settle brings back to the co-signers' records at home (`left`, CrossReceipt `signerPayers`):
 * a write along the chain may have named token.iost, as one shard's record would. None for one a doPay of the tx
 * rewrote (`paidRam`): one shard's doPay, after every action, leaves its record naming none, as the home's does; a
 * credit of its RAM landing there later runs from the payer its sender saw (Host paidRamOf, receiveHalf).
 */
function homePayers(left: Record<string, string>, paidRam: ReadonlyMap<string, string> | undefined): { signerPayers?: Record<string, string> } {
  const out = Object.fromEntries(Object.entries(left).filter(([acc]) => !paidRam?.has(acc)));
  return Object.keys(out).length > 0 ? { signerPayers: out } : {};
}

/** The payers of the co-signers' `ram` records whose escrows go on (`signers`): those that came here, then this shard's. */
function payersOf(
  signers: Record<string, string>,
  came: Record<string, string> | undefined,
  mine: Record<string, string> | undefined,
): { signerPayers?: Record<string, string> } {
  const out = Object.fromEntries(Object.entries({ ...came, ...mine }).filter(([acc]) => signers[acc] !== undefined));
  return Object.keys(out).length > 0 ? { signerPayers: out } : {};
}

/**
 * The first credit of a chain's last part whose receiver's half may charge the publisher RAM (the others of
 * its token to its shard bundled in, those to other shards or of other tokens chained after it, the tx's
 * announces to their shards riding along: receipts.ts bundle, riders), given the publisher's free RAM left
 * (`ram`, out of its escrow or its record at home) as their reservation and the RAM the tx charged it
 * (`paid`, for IOST's message); the part waits for the halves to decide the tx (incoming.ts).
 */
function reserveHalf(h: Host, ram: bigint, paid: bigint, [at, ord]: Age): CrossReceipt | undefined {
  const pub = h.tx.publisher;
  const b = bundle(
    h.outbox,
    h.outbox.filter((x) => chargesPublisher(x, pub)),
  );
  if (b === undefined) return undefined;
  // They settle back here, not at the home: this part sends the half home with its own settle.
  for (const x of [b.first, ...b.next].flatMap(bundleOf)) {
    const { atHome: _, third: __, ...payer } = x.payer!;
    x.payer = payer;
  }
  const next = b.next.length > 0 ? { next: b.next } : {};
  const announces = riders(h.outbox, [b.first, ...b.next]);
  const riding = announces.length > 0 ? { announces } : {};
  b.first.payer = { ...b.first.payer!, reserve: { ram: ram.toString(), paid: paid.toString(), at, ord, ...riding, ...next } };
  return b.first;
}

/**
 * Runs the receiver halves of the credits earlier parts sent to this shard (`landing`) before the part's actions,
 * with its host: one shard ran them in the actions that sent them, so the actions here read them, their RAM is
 * paid by the part's doPay with the rest, and a failure undoes them with the part (docs/SHARDING.md "A
 * credit's RAM", carried credits). Returns their gas, counted first as one shard counted it before the later actions.
 */
function landCarried(h: Host, landing: readonly CrossReceipt[]): number {
  let gas = 0;
  for (const x of landing) {
    h.initStack();
    const c = new Cost();
    if (x.probe) {
      // A probe (its amount in a write the tx made: remote.ts absorb) runs its half and those bundled with it for the
      // gas only, each on its `found`, undone, between the others' as one shard ran it; its RAM was booked where the
      // write was (payHalf).
      h.state.checkpoint();
      for (const y of bundleOf(x)) {
        h.initStack();
        asFound(h.state, y);
        receiveHalf(h, c, y);
      }
      h.cacheCost = new Cost();
      h.state.rollback();
    } else {
      receiveHalf(h, c, x);
      h.flushCacheCost();
    }
    gas += c.toGas();
  }
  return gas;
}

/** A probe's receiver's records as the run whose write absorbed it had them (CrossReceipt `found`), for its half. */
export function asFound(state: State, x: CrossReceipt): void {
  for (const [k, v] of x.found ?? []) {
    if (v === null) state.del(k);
    else state.put(k, v);
  }
}

/**
 * The `ram` records of `accounts` on their shard (an escrow rejoining them, or a lend's borrower here) that an earlier
 * part's doPay rewrote with no payer (`paidRam`): named as before that rewrite for this part's actions, since one
 * shard's doPay runs after every action (a lend or sale of the RAM here would otherwise rename the rewrite's none
 * token.iost's, 10 bytes one shard never charges). Returns those accounts, whose records the part names none again
 * after its actions (`nameNone`).
 */
function nameAsBefore(h: Host, accounts: string[], named: ReadonlyMap<string, string> = new Map()): string[] {
  const renamed: string[] = [];
  for (const acc of accounts) {
    const was = named.get(acc) ?? h.tx.paidRam?.get(acc);
    const key = mapKey(TOKEN, "TB" + acc, "ram");
    const cur = decodeValue(h.state.get(key));
    if (was === undefined || cur === undefined || cur.payer !== "") continue;
    if (was !== "") h.state.put(key, encodeValue(cur.value, was));
    renamed.push(acc);
  }
  return renamed;
}

/**
 * Leaves the records of `accounts` (nameAsBefore's) as the rewrite did, with no payer, and the payer the actions left
 * them as one shard's actions do, for later parts and credits (`paidRam`): a second lend to one, back here, charges
 * token.iost nothing more, as on one shard.
 */
function nameNone(h: Host, accounts: string[]): void {
  for (const acc of accounts) {
    const key = mapKey(TOKEN, "TB" + acc, "ram");
    const v = decodeValue(h.state.get(key));
    if (v === undefined || v.payer === "") continue;
    if (PAID_RAM.has(v.payer)) h.tx.paidRam?.set(acc, v.payer);
    h.state.put(key, encodeValue(v.value, ""));
  }
}

/**
 * A credit's receiver half, the steps one shard ran in the sending action, wherever it lands (a carried credit
 * before a part's actions, or alone where it is received, incoming.ts): the token moved in, and a lend's bytes
 * added to the borrower's total in ram.iost's name (ram.ts receiveLend), a buy's to the buyer's bought and held bytes
 * (receiveBuy), so both count the same gas.
 */
export function receiveHalf(h: Host, c: Cost, x: CrossReceipt): void {
  const op = x.payer!.op ?? "transfer";
  // A doPay of its tx rewrote the receiver's record here already (payer ""): the credit writes it as from before
  // that rewrite, then leaves it as the rewrite did, as one shard's doPay after every action.
  const key = mapKey("token.iost", "TB" + x.account, "ram");
  const rewritten = x.paidRam === undefined ? undefined : decodeValue(h.state.get(key));
  const was = rewritten?.payer === "" ? x.paidRam : undefined;
  if (was !== undefined) h.state.put(key, encodeValue(rewritten!.value, was));
  h.setStackInfo(TOKEN, op);
  receiveCredit(h, c, x.token, x.account, BigInt(x.amount), op, x.freezeUntil === undefined ? undefined : BigInt(x.freezeUntil));
  if (x.lent !== undefined) {
    h.setStackInfo(RAM, "lend");
    receiveLend(h, c, x.account, BigInt(x.lent));
  }
  if (x.bought !== undefined) {
    h.setStackInfo(RAM, "buy");
    receiveBuy(h, c, x.account, BigInt(x.bought));
  }
  if (was !== undefined) h.state.put(key, encodeValue(decodeValue(h.state.get(key))!.value, ""));
}

/**
 * The publisher (or a payer) could not pay the part's RAM: IOST's BALANCE_NOT_ENOUGH, as executeTx answers.
 * `before`: a payer before the publisher in payer order (executeTx's `unnamed` probes).
 */
class PayFailed extends Error {
  constructor(
    message: string,
    readonly before: boolean,
  ) {
    super(message);
  }
}

/**
 * Runs the actions; returns the unused escrow (iost, frozen iost, RAM), "" or the failure, the receipts the
 * actions sent, their result, and the action receipt carrying the rest to a third shard if the part ended there.
 */
export function runForwarded(
  state: State,
  r: CrossReceipt,
  block: BlockContext,
): {
  leftover: bigint;
  ram: bigint;
  signerRam?: Record<string, string>;
  /** The last part: the payers its writes named on co-signers' escrowed `ram` records (CrossReceipt `signerPayers`). */
  signerPayers?: Record<string, string>;
  ramRecords: Record<string, string>;
  frozen?: string;
  tokens?: Record<string, CarriedToken>;
  message: string;
  outgoing: CrossReceipt[];
  result: ForwardResult;
  onward?: CrossReceipt;
  /** With `onward`: the co-signers of this shard whose RAM the settle coming back hands back here. */
  escrowed?: string[];
  reserve?: CrossReceipt;
  /** With `onward`: the ids of this part's credits it carried on (forward.ts carryCredits). */
  carriedOn?: string[];
  /** With `onward`: the credits earlier parts carried here that landed here (landCarried) or a callee's write absorbed. */
  landed?: CrossReceipt[];
  /** A failure: the credits earlier parts carried here, back to them (CrossReceipt `returned`). */
  returned?: CrossReceipt[];
  /** The symbol of a claim this shard refused (forward.ts ClaimRefused): the part gives way, its tx runs again. */
  refused?: string;
} {
  const f = r.forward!;
  const shard = block.shard!.index;
  // Where the tx ran so far (a shard again when its actions came back there: receipt ids of each hop differ).
  const visited = [...(f.path ?? [r.fromShard]), shard];
  // The publisher's home, where its actions came back: its records live here, so the escrow rejoins them and
  // stays (the settles bring nothing of it home), unless the part sends the rest on, which escrows anew.
  const here = (acc: string) => shardOf(acc, block.shard!.count) === shard;
  const home = here(f.publisher);
  const escrow = BigInt(r.amount);
  const ramEscrow = BigInt(r.ram ?? "0");
  const signerRam = Object.entries(r.signerRam ?? {});
  const held = Object.entries(r.ramRecords ?? {});
  const carried = new Set(Object.keys(r.tokens ?? {}));
  // Credits earlier parts carried here: those to this shard land before the actions (landCarried); the last part
  // sends the others as its own, so their halves settle as its credits'.
  // One whose half may charge the publisher RAM lands where the part holds that RAM (its escrow, or at home);
  // one that cannot land (refusal) goes on and is refunded as before.
  const db = new ContractDB(state);
  const landing = (f.credits ?? []).filter(
    (x) => x.toShard === shard && (home || r.ram !== undefined || !chargesPublisher(x, f.publisher)) && refusal(db, x) === "",
  );
  const passing = (f.credits ?? []).filter((x) => !landing.includes(x));
  // The registers to this shard land before the actions; copies to others ride on with the chain (carryRegisters).
  const landingRegisters = (f.registers ?? []).filter((x) => x.toShard === shard);
  const ridingRegisters = (f.registers ?? []).filter((x) => x.toShard !== shard);
  const adopted = passing.map((x): CrossReceipt => {
    const { atHome: _, third: __, ...payer } = x.payer!;
    const where = x.toShard === shardOf(f.publisher, block.shard!.count) ? { atHome: true as const } : { third: true as const };
    return { ...x, fromShard: shard, payer: { ...payer, ...where } };
  });
  const changed: Record<string, string> = {};
  const h = new Host(
    state,
    // The tx's block, not this one: one shard runs every action of the tx in it (vote.iost's records, an unpledge's
    // unfreeze time, `block.number` in a contract). checkReceipt bounded it by this block.
    inTxBlock(block, f.block),
    {
      publisher: f.publisher,
      hash: r.txHash,
      time: BigInt(f.time),
      expiration: BigInt(f.expiration),
      gasRatio: BigInt(f.gasRatio),
      gasLimit: BigInt(f.vmGas) * BigInt(f.gasRatio),
      amountLimit: f.amountLimit,
      ord: f.ord,
      // The whole tx's, as one shard's run of it sees them (txInfo, tx.authList; no permission check here weighs key items).
      actions: [...(f.earlier ?? []), ...f.actions],
      authList: new Map(f.authList ?? []),
      signerList: new Set(f.authority.flatMap((a) => a.signed.map((p) => `${a.account}@${p}`))),
      guest: f.authority,
      ...(signerRam.length > 0 ? { ramEscrow: new Set(signerRam.map(([acc]) => acc)) } : {}),
      hop: visited.length - 1,
      ...(f.deployed ? { deployed: true } : {}),
      ...(f.pledges ? { pledges: f.pledges } : {}),
      ...(runOf(r.id) > 0 ? { run: runOf(r.id) } : {}),
      ...(carried.size > 0 ? { carried } : {}),
      paidRam: new Map(f.paidRam ?? []),
    },
    monitorCall,
  );
  // The cap is the tx's: this part's spending adds to the earlier parts' (checkReceipt refused a bad `spent`).
  h.amountTotal = spentMap(f.spent)!;
  // Credits passing through that absorb bundled into an earlier one's probe (`also`): absorbed here too.
  const bundled: CrossReceipt[] = [];
  // One shard landed the credits passing through before this part's actions: its reads count them (remote.ts withCredits).
  if (state instanceof ShardState && state.reads) {
    // The earlier parts' reads count, as one shard's one run counts every action's.
    state.reads.seed(f.counted);
    state.reads.sent = () => [...adopted, ...h.outbox];
    state.reads.pledged = () => h.pendingPledges();
    state.reads.payHalf = (key, before, after) => h.payHalf(key, before, after);
    state.reads.drop = (gone) => {
      h.outbox.splice(0, h.outbox.length, ...h.outbox.filter((x) => !gone.includes(x)));
      // A credit passing through goes from both lists, which stay aligned (riding).
      for (const x of gone) {
        const i = adopted.indexOf(x);
        if (i < 0) continue;
        bundled.push(passing[i]);
        adopted.splice(i, 1);
        passing.splice(i, 1);
      }
    };
  }
  // Those a callee's write of their balance here absorbed (remote.ts absorb) go from here as probes, the rest ride on.
  // What they moved rides in the write: a failure sends them back as they came (Relay `credits`), as those landed here.
  let absorbed: CrossReceipt[] = [];
  /** The payer each co-signer's escrowed `ram` record names as the part ends. */
  const payersLeft: Record<string, string> = {};
  // A probe carried here (its home's: forward.ts carryCredits) rides on as it came; one absorbed here goes after.
  const absorbedHere = (i: number) => adopted[i].probe === true && !passing[i].probe;
  const riding = () => {
    // A bundled one's amount rides in the write too: left out, a failure sent it back to no one, nowhere for a block.
    const first = passing.filter((_, i) => absorbedHere(i));
    absorbed = (f.credits ?? []).filter((x) => first.includes(x) || bundled.includes(x));
    return passing.filter((_, i) => !absorbedHere(i));
  };
  /** Those absorbed here go from here: their amounts ride in the write, which a failure sends back as they came (`landed`). */
  const sendAbsorbed = () => h.outbox.push(...adopted.filter((_, i) => absorbedHere(i)));
  let used = 0; // VM gas, at most f.vmGas: a failure burns what ran, as IOST charges a failed tx
  let returns: string[] = [];
  let ramPaid = 0n; // the publisher's RAM the last part paid for every part (its used RAM at home)
  // Whether it paid it from the escrow, 0 bytes too: one shard's doPay writes a payer's used RAM whatever it paid.
  let paysPublisher = false;
  let owned = 0n; // and of its contracts' records the last part wrote
  let signerPaid: Record<string, string> = {}; // what co-signers paid from their escrows (their used RAM where they live)
  const result = (ok: boolean): ForwardResult => {
    const ramUsage = ok ? Object.fromEntries(Object.entries(ramUsageOf(h)).map(([k, v]) => [k, String(v)])) : {};
    const events = ok ? [...(f.events ?? []), ...h.events] : [];
    return {
      gasReserved: f.vmGas,
      gasUsed: used,
      gasRatio: f.gasRatio,
      returns: ok ? returns : [],
      receipts: ok ? h.receipts : [],
      ramUsage,
      ...(ok && (paysPublisher || ramPaid + owned !== 0n) ? { ramPaid: (ramPaid + owned).toString() } : {}),
      ...(ok && Object.keys(signerPaid).length > 0 ? { signerPaid } : {}),
      ...(events.length > 0 ? { events } : {}),
      ...(ok && h.pledgeMoves.length > 0 ? { pledges: h.pledgeMoves } : {}),
    };
  };
  const spentSoFar = () => {
    const spent = spentOf(h.amountTotal);
    return spent === undefined ? {} : { spent };
  };
  const eventsSoFar = () => {
    const events = [...(f.events ?? []), ...h.events];
    return events.length > 0 ? { events } : {};
  };
  let onward: CrossReceipt | undefined;
  let escrowed: string[] | undefined;
  let reserve: CrossReceipt | undefined;
  let carriedOn: string[] = [];
  state.checkpoint();
  try {
    const [leftover, ram, frozen, tokens, signersLeft] = asGuest(
      state,
      { account: f.publisher, tokens: carried, ramGuests: signerRam.map(([acc]) => acc) },
      () => {
        // iost carried as a token (its publisher had no record): no escrow record, the carried one if any.
        if (!carried.has("iost")) addBalance(state, "iost", f.publisher, escrow, f.escrowPayer);
        if (r.frozen !== undefined) putFrozen(state, "iost", f.publisher, r.frozen);
        for (const [sym, t] of Object.entries(r.tokens ?? {})) {
          if (t.balance !== undefined) putBalance(state, sym, f.publisher, t.balance);
          if (t.frozen !== undefined) putFrozen(state, sym, f.publisher, t.frozen);
        }
        if (ramEscrow > 0n || f.ramPayer !== undefined) addBalance(state, "ram", f.publisher, ramEscrow, f.ramPayer);
        // On a co-signer's own shard (a return) its escrow rejoins its record.
        // Elsewhere it is held even at 0 when its record names a payer ("" too), as at home: a read of it counts one shard's bytes.
        for (const [acc, bytes] of signerRam) {
          const key = mapKey(TOKEN, "TB" + acc, "ram");
          const payer = f.signerPayers?.[acc];
          if (BigInt(bytes) > 0n || (payer !== undefined && state.get(key) === undefined)) addBalance(state, "ram", acc, BigInt(bytes), payer);
          // Back on its shard, a record no doPay of the tx rewrote names the payer its escrow's named where the chain
          // left it (a lend or sale there names token.iost), as the settle's hand-back names it (incoming.ts handBack):
          // one shard renamed its one record once; left naming none, a credit of its RAM carried here renamed it again.
          const cur = decodeValue(state.get(key));
          if (here(acc) && payer !== undefined && cur !== undefined && cur.payer !== payer && !h.tx.paidRam?.has(acc))
            state.put(key, encodeValue(cur.value, payer));
        }
        const rejoined = signerRam.filter(([acc, bytes]) => here(acc) && BigInt(bytes) > 0n).map(([acc]) => acc);
        // Any other account of this shard an earlier part's doPay rewrote: the actions may write its record here (a
        // lend to it back at home after a part elsewhere), which one shard's doPay rewrites after them.
        const paidHere = [...(h.tx.paidRam?.keys() ?? [])].filter((acc) => here(acc) && acc !== f.publisher && !rejoined.includes(acc));
        // The publisher's escrow names the payer its record names after the parts so far (a sale there names token.iost),
        // and keeps it past the actions: only the last part's doPay rewrites the publisher's record (an escrow sent on
        // from here named none again, and a lend on its next shard charged token.iost the 10 bytes once more).
        if (home && (ramEscrow > 0n || f.ramPayer !== undefined))
          nameAsBefore(h, [f.publisher], new Map(f.ramPayer === undefined ? [] : [[f.publisher, f.ramPayer]]));
        const renamed = nameAsBefore(h, [...rejoined, ...paidHere]);
        // At home the records' value before the tx's parts elsewhere changed them: what the settle adds must leave them as they are.
        const before = new Map(held.map(([key]) => [key, state.get(key)]));
        for (const [key, raw] of held) state.put(key, raw);
        // What earlier parts' callees wrote of other shards' records (those of this shard landed already, incoming.ts):
        // the part's run reads and writes them as one shard's state, and they go on with its own.
        if (state instanceof ShardState) state.carry(passingWrites(state, r, block.shard!));
        // Carried instead of sent, a register drops the note of its name here as it would landing (sharding/pending.ts).
        for (const x of landingRegisters) {
          if (x.kind === "token") {
            applyToken(state, x);
            continue;
          }
          if (x.kind === "domain") {
            for (const [key, raw] of Object.entries(x.def!)) state.put(key, raw);
            continue;
          }
          applyRegister(state, x);
          dropNote(state, x.account, x.txHash);
        }
        // The symbol's shard decides the tx's claims before its actions run, as one shard ran the creates before them.
        grantClaims(h, f.claims ?? []);
        knowClaims(h, f.claims ?? []);
        used = Math.min(f.vmGas, landCarried(h, landing));
        const run = runActions(h, f.actions, f.vmGas - used, {
          route: (action) => forwardTarget(h, action),
          arm: (action) => armTrade(h, action),
          pay: (c) => {
            used = Math.min(f.vmGas, used + c.toGas());
          },
          overrunWins: true, // a failing action that ran out of gas is "out of gas", as executeTx
        });
        if (run.failed) throw new Error(run.failed.message); // "out of gas" or IOST's "running action …", as executeTx
        returns = run.returns;
        nameNone(h, renamed);
        // One shard pays a tx's RAM once, after every action: the last part pays what the parts before it owe.
        // Co-signers of shards not run on yet pay theirs there, by a part with no actions after the last one.
        // Tokens created off their symbol's shard are claimed there first, by such a part too.
        const away = owedAway(h, f.debt?.away ?? [], visited);
        const claims = pendingClaims(h, f.claims ?? []);
        const claimAt = run.forward ? null : claimTarget(claims, block.shard!.count);
        const pays =
          run.forward || claimAt !== null
            ? null
            : payTarget(
                h,
                away,
                (f.debt?.short ?? []).map(([c]) => c),
                [...h.outbox, ...passing],
              );
        const next = run.forward ?? (claimAt !== null ? { from: f.actions.length, target: claimAt } : pays && { from: f.actions.length, target: pays.target });
        const claimed = claims.length > 0 ? { claims } : {};
        const debt = {
          owed: BigInt(f.debt?.owed ?? "0"),
          short: new Map(f.debt?.short ?? []),
          contracts: new Map((f.debt?.contracts ?? []).map(([id, b]) => [id, BigInt(b)] as const)),
          away,
          last: !next,
          done: !run.forward,
          paid: new Map<string, bigint>(),
          owned: 0n,
          charged: new Map((f.debt?.charged ?? []).map(([id, b, p]) => [id, { bytes: BigInt(b), paid: BigInt(p) }] as const)),
        };
        if (debt.last) ramPaid = BigInt(h.costs.get(f.publisher)?.data ?? 0) + debt.owed;
        // The home's doPay left the publisher to the part its escrow reached last (escrowRam); a *.iost account never pays RAM.
        paysPublisher = debt.last && r.ram !== undefined && !f.publisher.endsWith(".iost");
        try {
          doPay(h, false, debt);
        } catch (e) {
          throw new PayFailed(`balance not enough after executing actions: ${(e as Error).message}`, e instanceof RamShort && e.payer !== f.publisher);
        }
        owned = debt.owned;
        signerPaid = Object.fromEntries([...debt.paid].sort(([a], [b]) => (a < b ? -1 : 1)).map(([acc, b]) => [acc, b.toString()]));
        const owing = debtOf(debt);
        const owed = owing ? { debt: owing } : {};
        // The co-signers' escrows leave as they are now, none of their rows staying but on their own shard.
        const signersLeft: Record<string, string> = {};
        for (const [acc] of signerRam) {
          signersLeft[acc] = here(acc) ? "0" : balanceOf(state, "ram", acc).toString();
          const raw = here(acc) ? undefined : state.get(mapKey("token.iost", "TB" + acc, "ram"));
          if (raw === undefined) continue;
          // A write of it here may have named another payer (a lend or sale names token.iost): it goes with the escrow.
          payersLeft[acc] = decodeValue(raw)?.payer ?? "";
          dropBalance(state, "ram", acc);
        }
        // Sending actions on: the co-signers of this shard go along as the home's do (escrowSigners), and those of
        // other shards as they are; the settle hands this shard's back on its way home.
        const others = Object.fromEntries(Object.entries(signersLeft).filter(([acc]) => !here(acc)));
        if (!next) h.outbox.push(...adopted);
        if (home) {
          for (const [key, raw] of held) {
            const d = recordValue(before.get(key)) - recordValue(raw);
            if (d !== 0n) changed[key] = d.toString();
          }
          if (next) {
            // The rest goes on as from the home part: a new escrow of what is here now (executeTx), or a part
            // with no actions that pays co-signers' RAM on their shard.
            sendActions(h, f.actions.slice(next.from), next.target, run.left, run.forward ? undefined : (pays?.payer ?? TOKEN));
            escrowRam(h, debt);
            onward = h.outbox.pop()!;
            carriedOn = carryCredits(h, onward, riding());
            sendAbsorbed();
            carryRegisters(h, onward, [...ridingRegisters, ...toldRiding(state, r.txHash, block.shard!)]);
            const signers = { ...others, ...onward.signerRam };
            escrowed = [...Object.keys(onward.signerRam ?? {}), ...signerRam.map(([acc]) => acc)].filter(here);
            const payers = payersOf(signers, { ...f.signerPayers, ...payersLeft }, onward.forward!.signerPayers);
            onward.forward = { ...onward.forward!, path: visited, ...eventsSoFar(), ...claimed, ...payers };
            if (Object.keys(signers).length > 0) onward.signerRam = signers;
          } else {
            // The last part, back home: the publisher's free RAM is its record here, reserved out of it for a credit's
            // half as from an escrow; the settle brings back what the half left (docs/SHARDING.md "A credit's RAM").
            const free = balanceOf(state, "ram", f.publisher);
            reserve = reserveHalf(h, free, ramPaid, [f.block.number, f.ord]);
            if (reserve && free > 0n) addBalance(state, "ram", f.publisher, -free);
          }
          return [0n, 0n, undefined, undefined, signersLeft] as const;
        }
        const left = carried.has("iost") ? 0n : balanceOf(state, "iost", f.publisher);
        const ramLeft = balanceOf(state, "ram", f.publisher);
        // The payer its record names now, which a write of it here may have changed (a sale names token.iost): a later
        // part's write of it costs what one shard's does (escrowRam at home).
        const ramPayer = state.get(mapKey(TOKEN, "TB" + f.publisher, "ram")) === undefined ? f.ramPayer : namedRamPayer(h, f.publisher);
        if (!carried.has("iost")) dropBalance(state, "iost", f.publisher);
        const frozenLeft = takeFrozen(state, "iost", f.publisher, here(f.publisher));
        const tokensLeft = takeTokens(state, f.publisher, carried, here(f.publisher));
        const records: Record<string, string> = {};
        for (const key of [ramRecordKey("SR", f.publisher), ramRecordKey("TR", f.publisher)]) {
          const raw = state.get(key);
          const d = recordValue(raw) - recordValue(r.ramRecords?.[key]);
          if (d !== 0n) changed[key] = d.toString();
          if (raw !== undefined) {
            records[key] = raw;
            state.del(key);
          }
        }
        if (next) {
          const mine = run.forward ? escrowSigners(h) : undefined;
          const signers = { ...others, ...mine?.ram };
          escrowed = [...Object.keys(mine?.ram ?? {}), ...signerRam.map(([acc]) => acc).filter(here)];
          // The escrow left, the records as they are now and the gas left go on with the rest of the actions.
          onward = {
            id: h.nextReceiptId(),
            kind: "action",
            txHash: r.txHash,
            fromShard: shard,
            toShard: next.target,
            token: "iost",
            account: f.publisher,
            counterpart: run.forward ? f.actions[run.forward.from].contract : (pays?.payer ?? TOKEN),
            amount: left.toString(),
            ...(frozenLeft === undefined ? {} : { frozen: frozenLeft }),
            ...(tokensLeft === undefined ? {} : { tokens: tokensLeft }),
            ...(r.ram !== undefined || ramLeft > 0n ? { ram: ramLeft.toString() } : {}),
            ...(Object.keys(signers).length > 0 ? { signerRam: signers } : {}),
            ...(Object.keys(records).length > 0 ? { ramRecords: records } : {}),
            message: "",
            // The events so far (the home part's, then this part's) travel on: the last part's settle brings them home.
            forward: {
              ...withoutDebt(f),
              ...(ramPayer === undefined ? {} : { ramPayer }),
              actions: f.actions.slice(next.from),
              ...(f.earlier !== undefined || next.from > 0 ? { earlier: [...(f.earlier ?? []), ...f.actions.slice(0, next.from)] } : {}),
              vmGas: run.left,
              path: visited,
              ...payersOf(signers, { ...f.signerPayers, ...payersLeft }, mine?.payers),
              ...eventsSoFar(),
              ...owed,
              ...spentSoFar(),
              ...claimed,
              ...countedOf(h),
              ...paidRamOf(h),
              ...deployedOf(h),
              ...pledgesOf(h),
            },
          };
          carriedOn = carryCredits(h, onward, riding());
          sendAbsorbed();
          carryRegisters(h, onward, [...ridingRegisters, ...toldRiding(state, r.txHash, block.shard!)]);
        }
        // Written by the escrow or by the publisher's RAM payment: nothing of the publisher stays.
        if (state.get(mapKey("token.iost", "TB" + f.publisher, "ram")) !== undefined) dropBalance(state, "ram", f.publisher);
        // The last part holds all the publisher's free RAM: what is left is reserved for a credit's half that may
        // charge it, which decides the tx where its bytes are known (docs/SHARDING.md "A credit's RAM").
        reserve = next || r.ram === undefined ? undefined : reserveHalf(h, ramLeft, ramPaid, [f.block.number, f.ord]);
        return [left, reserve ? 0n : ramLeft, frozenLeft, tokensLeft, signersLeft] as const;
      },
    );
    state.release();
    return {
      leftover,
      ram,
      ...(signerRam.length > 0 ? { signerRam: signersLeft } : {}),
      ...(onward ? {} : homePayers(payersLeft, h.tx.paidRam)),
      ramRecords: changed,
      ...(frozen === undefined ? {} : { frozen }),
      ...(tokens === undefined ? {} : { tokens }),
      message: "",
      outgoing: h.outbox,
      result: result(true),
      ...(onward ? { onward, ...(escrowed && escrowed.length > 0 ? { escrowed: [...new Set(escrowed)].sort() } : {}) } : {}),
      ...(onward ? { onward } : {}),
      ...(reserve ? { reserve } : {}),
      ...(onward && carriedOn.length > 0 ? { carriedOn } : {}),
      ...(onward && landing.length + absorbed.length > 0 ? { landed: [...landing, ...absorbed] } : {}),
    };
  } catch (e) {
    state.rollback();
    if (e instanceof NodeFault) throw e; // this node failed, not the action: see executeTx
    // IOST's own text, as the tx would fail on one shard (combine.ts).
    const failed = e instanceof PayFailed ? { ...result(false), status: "BALANCE_NOT_ENOUGH" as const } : result(false);
    // Where they land, its probes read the records a tx it saw here locked with that tx's writes (landed.ts).
    const saw = block.shard ? sawLanded(state, Number(block.number), r.txHash) : [];
    return {
      leftover: escrow,
      ram: ramEscrow,
      ...(r.signerRam ? { signerRam: r.signerRam } : {}),
      ramRecords: {},
      ...(r.frozen === undefined ? {} : { frozen: r.frozen }),
      ...(r.tokens === undefined ? {} : { tokens: r.tokens }),
      message: (e as Error).message,
      // The receiver halves of the credits its actions sent are still its gas, as one shard charges a failed tx.
      // Each counts at most the gas the tx had left (executeTx's probes: gasLeft).
      outgoing: probesOf([...adopted.filter((x) => !h.outbox.includes(x)), ...h.outbox]).map((p) => ({
        ...p,
        ...(p.payer ? { payer: { ...p.payer, gasLeft: String(Math.max(0, f.vmGas - failed.gasUsed)) } } : {}),
        ...(e instanceof PayFailed && e.before ? { unnamed: true as const } : {}),
        ...(saw.length > 0 ? { saw } : {}),
      })),
      result: failed,
      ...(f.credits ? { returned: f.credits } : {}),
      ...(e instanceof ClaimRefused ? { refused: e.token } : {}),
    };
  }
}

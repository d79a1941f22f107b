/**
 * A chunk's incoming cross-shard receipts applied to its shard's state: the
 * receipt kinds and their rules are sharding/receipts.ts; applying them runs
 * token, gas and forwarded-action code, so it lives on this side.
 */
import { addBalance, addFrozen, balanceOf, balancePayer, putBalance, putFrozen } from "../contracts/balance.js";
import { refundGas } from "../contracts/gas.js";
import { Cost } from "../contracts/cost.js";
import { type BlockContext, Host, type TxContext } from "../contracts/host.js";
import { monitorCall } from "../contracts/monitor.js";
import { applyRegister, applyToken, tokenHome } from "../sharding/directory.js";
import { placedByName, shardOf } from "../sharding/placement.js";
import { movePledge, pledgesAt } from "../sharding/pledges.js";
import type { Asking } from "../sharding/asks.js";
import {
  awaitsSettle,
  bundleOf,
  checkReceipt,
  type CrossReceipt,
  type ForwardResult,
  DEADADDR,
  freeOf,
  ReceiptRefused,
  chainFrom,
  unchained,
  SETTLE,
  type Settlement,
  settleOf,
  settlesAtHome,
} from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, int, mapKey, str } from "../state/storage.js";
import { countProbe } from "../sharding/combine.js";
import { ERR } from "../contracts/errors.js";
import { takenKeys } from "./forward.js";
import { asFound, receiveHalf, recordValue, refusal, runForwarded } from "./forwarded.js";
import { ShardState } from "./guard.js";
import { addUsedRam, ramUsageOf } from "./index.js";
import { type Age, older } from "../sharding/age.js";
import { noteLanded } from "./landed.js";
import { countedHalf, keepLeft } from "./probes.js";
import {
  addUp,
  DEFERRED,
  LOCKS,
  lockAlso,
  lockTx,
  NAME_WAIT,
  ramKey,
  PART_WAIT,
  readLocks,
  type Relay,
  owedBack,
  relayed,
  supersedeRegisters,
  unlockTx,
} from "./locks.js";
import { RemoteReads } from "../contracts/remote.js";
import { holdsAmount, type Parked } from "../sharding/reads.js";
import {
  allWrites,
  answerRead,
  landWrites,
  parkPart,
  passingWrites,
  readyParts,
  releasesNow,
  partGaveWay,
  readGaveWay,
  giveUpGas,
  holderAge,
  redoTx,
  readOnlyKeys,
  rerunTx,
  restart,
  creditsLeaving,
  sawDecided,
  staleReaders,
  takeRelease,
  takeStale,
  takeValues,
  txWriteLocks,
  unpark,
  waitsForDirectory,
  waitsForName,
  asksOf,
  answerAsks,
  type Decided,
  takeAnswer,
  waitsSince,
  withoutLanded,
  woundParked,
  yields,
} from "./reads.js";
import { applyPending, dropNote } from "../sharding/pending.js";

/**
 * One shard's doPay of `bytes` (negative: freed) for `account`: its `ram` balance written raw, with no
 * payer whoever named itself before, and its used RAM (go-iost vm/host/teller.go DoPay).
 */
function payRam(state: State, account: string, bytes: bigint): void {
  state.put(mapKey("token.iost", "TB" + account, "ram"), encodeValue(int(balanceOf(state, "ram", account) - bytes), ""));
  addUsedRam(state, account, bytes);
}

/** A `register` or `token` receipt applied: the directory entry, or the token's definition and home. */
function announced(state: State, r: CrossReceipt): void {
  if (r.kind === "register") {
    applyRegister(state, r);
    dropNote(state, r.account, r.txHash);
    return;
  }
  applyToken(state, r);
}

/**
 * A token destroyed on another shard leaves the chain's supply (the record of this shard, the token's home), raw as Go's
 * SetTokenBalance. Its payer: one shard's doPay charges it for the rewrite.
 */
function applyBurn(state: State, r: CrossReceipt): string {
  const key = mapKey("token.iost", "TI" + r.token, "supply");
  const cur = decodeValue(state.get(key));
  const supply = cur && cur.value.t === "i" ? cur.value.v : 0n;
  state.put(key, encodeValue(int(supply - BigInt(r.amount)), cur?.payer ?? ""));
  return cur?.payer ?? "";
}

/**
 * One shard's destroy rewrites the supply in its own tx, and its doPay charges the record's payer 0 bytes (an int's
 * length is fixed), which still writes the payer's `ram` balance and used RAM. A token's creator has those already;
 * deadaddr, payer of the genesis tokens' records, has them from no other tx: written here or on its shard (a `free`).
 */
function payBurn(state: State, r: CrossReceipt, at: { index: number; count: number }, payer: string): CrossReceipt[] {
  if (payer !== DEADADDR) return [];
  const home = shardOf(DEADADDR, at.count);
  if (home !== at.index)
    return [freeOf({ id: `${r.id}:free`, txHash: r.txHash, fromShard: at.index, toShard: home, account: DEADADDR, counterpart: r.counterpart }, 0n)];
  payRam(state, DEADADDR, 0n);
  return [];
}

/**
 * The receiver's half of a credit sent by a tx at home (token.ts receiveCredit), counted as on one
 * shard: its gas and RAM go back in the settle for the publisher's home to charge. Records the
 * publisher pays carry its name, as on one shard; token.iost's own RAM is free, as there.
 */
function receiveCredit(
  state: State,
  block: BlockContext,
  r: CrossReceipt,
  payer: NonNullable<CrossReceipt["payer"]>,
): { half: ForwardResult; frees: CrossReceipt[] } {
  // Its tx's time, not this block's: token.iost unfreezes what is due by then, as one shard did in that tx.
  const at = { ...block, time: BigInt(payer.time) };
  const tx: TxContext = {
    publisher: payer.publisher,
    hash: r.txHash,
    time: at.time,
    expiration: at.time,
    gasRatio: BigInt(payer.gasRatio),
    gasLimit: 0n,
    amountLimit: [],
    // A half of token.iost creates no name: no age for names needed.
    ord: "",
    actions: [],
    authList: new Map(),
    signerList: new Set(),
  };
  const h = new Host(state, at, tx, monitorCall);
  h.initStack();
  const c = new Cost();
  receiveHalf(h, c, { ...r, payer });
  h.flushCacheCost();
  const ramUsage: Record<string, string> = {};
  const frees: CrossReceipt[] = [];
  for (const [k, v] of Object.entries(ramUsageOf(h))) {
    ramUsage[k] = v.toString();
    // The receiver's rewritten record (a frozen list now under the publisher's name) frees what another
    // payer paid: it gets it back, as on one shard, here or on its own shard (the publisher's RAM is chargeHalf's).
    if (v >= 0n || k === payer.publisher || !placedByName(k)) continue;
    const home = block.shard ? shardOf(k, block.shard.count) : 0;
    // A payer of this shard whose `ram` balance a part of the tx locked here for writing: that part's release, landing
    // after this half (held until the half decides the tx, or sent beside it), writes the balance as the part left it,
    // and the bytes given back here would be lost. They go back as to another shard's payer, in a `free` to this one,
    // which waits for that release as a receipt waits for any write lock.
    const held = txWriteLocks(state, r).has(ramKey(k));
    if (home === (block.shard?.index ?? 0) && !held) payRam(state, k, v);
    else
      frees.push(
        freeOf({ id: `${r.id}:free:${k}`, txHash: r.txHash, fromShard: block.shard!.index, toShard: home, account: k, counterpart: payer.publisher }, -v),
      );
  }
  const half = { gasReserved: 0, gasUsed: c.toGas(), gasRatio: payer.gasRatio, returns: [], receipts: [], ramUsage, credit: { publisher: payer.publisher } };
  return { half, frees };
}

/** The receiver halves of `r` and the credits bundled with it (`also`), in order: one half, their gas and RAM added up. */
function receiveAll(state: State, block: BlockContext, r: CrossReceipt): { half: ForwardResult; frees: CrossReceipt[] } {
  // Each probe's half on the records as its own run had them (`found`): a failed part's probes of one token to one
  // shard go as one (probesOf), and those a write absorbed or joined in different runs each carry their own.
  const all = bundleOf(r).map((x) => {
    if (x.probe) asFound(state, x);
    return receiveCredit(state, block, x, x.payer!);
  });
  const half = { ...all[0].half };
  for (const x of all.slice(1)) {
    half.gasUsed += x.half.gasUsed;
    half.ramUsage = addUp(half.ramUsage, x.half.ramUsage);
  }
  // A failed tx's probe counts no more gas than its tx had left: one shard's run stopped at the gas limit, out of gas
  // in the action that sent the credit, before the failure its tx met later (combine.ts takes that message).
  const left = r.payer?.gasLeft;
  return { half: left === undefined ? half : countProbe(half, BigInt(left))[0], frees: all.flatMap((x) => x.frees) };
}

/**
 * Charges the publisher, at its home, for a credit's receiver half: its gas, and the RAM of records it
 * pays there from its free RAM (down to none: it was spent meanwhile, docs/SHARDING.md "Not done yet").
 */
function chargeHalf(state: State, f: ForwardResult, time: bigint, ok = true): void {
  const pub = f.credit!.publisher;
  if (!placedByName(pub)) return; // a base tx (base.iost's): its gas is counted, paid by nobody
  refundGas(state, pub, -BigInt(f.gasRatio) * BigInt(f.gasUsed), time);
  const bytes = BigInt(f.ramUsage[pub] ?? "0");
  const reserved = f.credit!.reserved;
  if (reserved !== undefined) {
    // Reserved before the credit left: what the half did not use comes back (a failed one's was undone with its tx).
    if (!ok) return;
    if (BigInt(reserved) !== bytes) addBalance(state, "ram", pub, BigInt(reserved) - bytes);
    if (bytes !== 0n) addUsedRam(state, pub, bytes);
    return;
  }
  if (bytes === 0n) return;
  const free = decodeValue(state.get(mapKey("token.iost", "TB" + pub, "ram")));
  const have = free && free.value.t === "i" ? free.value.v : 0n;
  addBalance(state, "ram", pub, -(bytes < have ? bytes : have));
  addUsedRam(state, pub, bytes);
}

/** The half of a credit that did not run (refunded): no gas, no RAM, still its tx's half. */
function emptyHalf(payer: NonNullable<CrossReceipt["payer"]>): ForwardResult {
  return { gasReserved: 0, gasUsed: 0, gasRatio: payer.gasRatio, returns: [], receipts: [], ramUsage: {}, credit: { publisher: payer.publisher } };
}

/**
 * IOST's message when the RAM a credit's half charges its publisher exceeds what was reserved for it
 * at home, else "": one shard checks the home part's RAM and the half's at once (executor/index.ts doPay).
 */
function shortOf(half: ForwardResult, pub: string, reserve: { ram: string; paid: string; used?: string }): string {
  // The halves chained before this one charged `used` of it already (their shards hold them locked).
  const used = BigInt(reserve.used ?? "0") + BigInt(half.ramUsage[pub] ?? "0");
  if (used <= BigInt(reserve.ram)) return "";
  const [need, actual] = [BigInt(reserve.paid) + used, BigInt(reserve.paid) + BigInt(reserve.ram)];
  return `balance not enough after executing actions: pay ram failed. id: ${pub} need ${need}, actual ${actual}`;
}

/**
 * The publisher's `ram` balance when its tx's last part settled: the unused RAM escrow back, and the
 * record rewritten with no payer, as one shard's doPay rewrites it once after every action (go-iost
 * SetTokenBalance). The home part left the record's payer as it was (executor/index.ts doPay `debt`), so
 * the escrow's record on every part names it, as the record one shard's actions see. `paid`: the last part
 * paid the publisher's RAM from the escrow (its `ramPaid`), 0 bytes too: one shard's doPay writes the record
 * then even where the account had none (signed up with no RAM bought).
 */
function settleRam(state: State, pub: string, back: bigint, paid: boolean): void {
  const key = mapKey("token.iost", "TB" + pub, "ram");
  const cur = decodeValue(state.get(key));
  if (back === 0n && (cur === undefined ? !paid : cur.payer === undefined || cur.payer === "")) return;
  const have = cur && cur.value.t === "i" ? cur.value.v : 0n;
  new ContractDB(state).mputRaw("token.iost", "TB" + pub, "ram", encodeValue(int(have + back), ""));
}

/**
 * Gives `accounts` (co-signers of this shard) back what is left of their RAM escrow in settle `s`, and
 * counts what they paid from it as their used RAM (`signerPaid`), their `ram` record written as doPay
 * writes a payer's (go-iost SetTokenBalance, no payer) when they paid, else naming the payer a write of the
 * escrow named (`signerPayers`), as one shard's record would. Returns `s` without them.
 */
function handBack(state: State, s: CrossReceipt, accounts: readonly string[]): CrossReceipt {
  if (accounts.length === 0) return s;
  const signerRam = { ...s.signerRam };
  const payers = { ...s.signerPayers };
  const paid = { ...s.result?.signerPaid };
  for (const acc of accounts) {
    const left = BigInt(signerRam[acc] ?? "0");
    const used = paid[acc];
    const payer = used !== undefined ? "" : payers[acc];
    if (used !== undefined) addUsedRam(state, acc, BigInt(used));
    // Raw, as doPay writes it (go-iost SetTokenBalance); a payer to name is on the record the escrow left here.
    if (used !== undefined || (payer !== undefined && payer !== balancePayer(state, "ram", acc)))
      state.put(mapKey("token.iost", "TB" + acc, "ram"), encodeValue(int(balanceOf(state, "ram", acc) + left), payer!));
    else if (left !== 0n) addBalance(state, "ram", acc, left);
    delete signerRam[acc];
    delete payers[acc];
    delete paid[acc];
  }
  const { signerRam: _, signerPayers: __, ...rest } = s;
  const result = s.result && { ...s.result, ...(Object.keys(paid).length > 0 ? { signerPaid: paid } : {}) };
  if (result && Object.keys(paid).length === 0) delete result.signerPaid;
  return {
    ...rest,
    ...(Object.keys(signerRam).length > 0 ? { signerRam } : {}),
    ...(Object.keys(payers).length > 0 ? { signerPayers: payers } : {}),
    ...(result ? { result } : {}),
  };
}

/** `settle` telling the tx's home to await also the halves of the credits `sent` to third shards, and `after` more. */
function withHalves(settle: CrossReceipt, sent: readonly CrossReceipt[], after = 0): CrossReceipt {
  const halves = sent.filter(settlesAtHome).length + after;
  return halves > 0 ? { ...settle, halves } : settle;
}

/**
 * Failed `settle` telling the tx's home how many of `sent`, and `after` more (the later parts'), are probes coming home,
 * counted together there (probes.ts); `after` undefined: no part failed (a deciding half did), so none are counted.
 */
function withProbes(settle: CrossReceipt, sent: readonly CrossReceipt[], after: number | undefined): CrossReceipt {
  if (after === undefined) return settle;
  return { ...settle, probes: sent.filter((x) => x.probe && (x.payer?.atHome || x.payer?.third)).length + after };
}

/**
 * An incoming receipt waiting for a lock (`x-deferred`): a part that may give way, with the height it first waited at;
 * a credit, with the parts it told to read again (reads.ts staleReaders), each once, and the txs whose lock it waits
 * for that it wounded (`woundsOf`), each once.
 */
type Deferred = CrossReceipt & { since?: number; told?: string[]; wounded?: string[]; ran?: ForwardResult };

/** Why a part that waited `blocks` for an older tx (`why`) gave way. */
const waitedOut = (why: string, blocks = PART_WAIT) => `lock wait: ${why}; this part gave way after ${blocks} blocks`;

/**
 * The failing settle of forwarded part `r` that gave way to an older tx (`message`: its lock, locks.ts PART_WAIT, or
 * the symbol it created first, forward.ts ClaimRefused): it ran nothing, so it sends back all it was sent, as a failed
 * part does (forwarded.ts), the writes of other shards' records it carried included (incoming.ts `through`), used no
 * gas here, and says it gave way (`gaveWay`, carried back along the chain by locks.ts relayed): its home runs the tx again.
 */
function gaveWay(state: State, r: CrossReceipt, sh: { index: number; count: number }, message: string): CrossReceipt {
  const f = r.forward!;
  const writes = passingWrites(state, r, sh);
  return {
    ...settleOf(r, sh.index),
    ...(writes.length > 0 ? { writes } : {}),
    amount: r.amount,
    ...(r.ram !== undefined && r.ram !== "0" ? { ram: r.ram } : {}),
    ...(r.signerRam ? { signerRam: r.signerRam } : {}),
    ...(r.frozen === undefined ? {} : { frozen: r.frozen }),
    ...(r.tokens === undefined ? {} : { tokens: r.tokens }),
    message,
    result: { gasReserved: f.vmGas, gasUsed: 0, gasRatio: f.gasRatio, returns: [], receipts: [], ramUsage: {} },
    ...(f.credits ? { returned: f.credits } : {}),
    gaveWay: true,
  };
}

/**
 * The failing settle of the credit's half `r` deciding its tx (`payer.reserve`) that gave way to an older tx's lock
 * (`why`): it ran nothing, so what it moved goes back unlanded, chained halves with it, as a half that could not land,
 * and it says it gave way: the shard that sent it (the tx's home or last part) is undone, and the home runs the tx again.
 */
function halfGaveWay(r: CrossReceipt, shard: number, message: string): CrossReceipt {
  const reserve = r.payer!.reserve!;
  const sent = bundleOf(r).reduce((a, x) => a + BigInt(x.amount), 0n);
  return {
    ...settleOf(r, shard),
    amount: sent.toString(),
    message,
    result: { ...emptyHalf(r.payer!), credit: { publisher: r.payer!.publisher, reserved: reserve.ram } },
    ...(reserve.next ? { returned: unchained(reserve.next) } : {}),
    gaveWay: true,
  };
}

/**
 * Whether credit `r`, which has waited `waited` blocks, waits for the announce of a token it moves that this shard does
 * not know yet, rather than be refunded with `token not exists`. Its sender knew the token, so its announce is on its
 * way: a token's first holders of other shards get it with their credits (riders), and can move it on before its
 * symbol's shard, which announces it to the others once its creating tx is decided at home, is heard of here
 * (docs/SHARDING.md "Tokens across shards", _Moves_). A probe lands nothing, so it never waits. Past PART_WAIT blocks
 * it is refunded as before: no honest shard sends a symbol that is created nowhere.
 */
function awaitsAnnounce(db: ContractDB, r: CrossReceipt, shard: number, waited: number): boolean {
  if (r.probe || waited >= PART_WAIT) return false;
  const riding = new Set((r.payer?.reserve?.announces ?? []).filter((a) => a.toShard === shard && a.kind === "token").map((a) => a.token));
  return bundleOf(r).some((x) => !riding.has(x.token) && refusal(db, x) === ERR.tokenNotExists);
}

/** The age of the tx of a forwarded part or a forwarded part's read (sharding/age.ts older); null for other receipts. */
function ageOf(r: CrossReceipt): Age | null {
  if (r.kind === "action") return [r.forward!.block.number, r.forward!.ord];
  // A credit's half deciding its tx: the shard that sent it stays locked for it (locks.ts Relay.half, or the home).
  if (r.kind === "credit" && r.payer?.reserve?.at !== undefined && !r.probe) return [r.payer.reserve.at, r.payer.reserve.ord ?? ""];
  // A tx parked at its home (`<hash>`, `<hash>:r<k>`) too: its gas lock may stop the older tx's part (reads.ts giveUpGas).
  return r.kind === "read" && r.at !== undefined ? [r.at, r.ord ?? ""] : null;
}

/**
 * What a chain's last part sends when the half of the credit that decides its tx settled (`s`): its own
 * settle, held complete until now, with the half's bytes paid from the RAM it reserved (the rest back to
 * the publisher's free RAM at home, the bytes to its used RAM), or, when the half failed (the part was
 * undone), the failure and the whole escrow it was sent; and the half to the tx's home, which charges
 * its gas (the settle told the home to await it). The reserved bytes are this shard's record, not the
 * half's: a half claiming more than that is refused.
 */
function halfDecided(x: Relay, settled: CrossReceipt, held: CrossReceipt[], home: number): CrossReceipt[] {
  // The part's undo puts back what its credits moved (chained halves' `returned` too): only what was carried to it goes back.
  const { returned: _r, gaveWay: _g, ...s } = settled;
  const pub = x.settle.account;
  const f = s.result!;
  const bytes = BigInt(f.ramUsage[pub] ?? "0");
  const reserved = BigInt(x.half!);
  const { status: _, ...gas } = f;
  // Back at the publisher's home the part is on the home's shard, which applied `s` under its id already.
  const id = home === x.settle.fromShard ? s.id.slice(0, -SETTLE.length) + ":home" + SETTLE : s.id;
  const half = {
    ...s,
    id,
    fromShard: x.settle.fromShard,
    toShard: home,
    amount: "0",
    message: "",
    result: { ...gas, ramUsage: {}, credit: { publisher: pub } },
  };
  if (s.message !== "") {
    // A half that gave way: the tx runs again from its home (relayed carries gaveWay back).
    const back = { ...s, result: { ...f, gasUsed: 0 }, ...(x.credits ? { returned: x.credits } : {}), ...(settled.gaveWay ? { gaveWay: true as const } : {}) };
    return [withHalves(owedBack(x, relayed(x, back), undefined, held), held, 1), half, ...held];
  }
  if (bytes > reserved) throw new ReceiptRefused(`receipt ${s.id} refused: a half of ${bytes} bytes of RAM, ${reserved} reserved`);
  const [settle, ...rest] = held;
  const { ram: __, ...back } = settle;
  const { ramPaid, ...part } = settle.result!;
  const paid = BigInt(ramPaid ?? "0") + bytes;
  // Every payer's bytes join the part's: the publisher's from its reservation, others' were paid where the half ran.
  const result = { ...part, ramUsage: addUp(part.ramUsage, f.ramUsage) };
  return [
    {
      ...back,
      ...(reserved > bytes ? { ram: (reserved - bytes).toString() } : {}),
      result: { ...result, ...(ramPaid !== undefined || paid !== 0n ? { ramPaid: paid.toString() } : {}) },
    },
    half,
    ...rest,
  ];
}

/**
 * Applies a chunk's incoming receipts in their canonical order (by source
 * shard, then as the source emitted them), skipping ids in `seen`
 * (a receipt is applied once). Returns the receipts to send on (settles, and
 * credits sent by forwarded actions) and the settlements of this shard's txs.
 */
export function applyIncoming(
  state: State,
  shard: number,
  block: BlockContext,
  pulled: readonly CrossReceipt[],
  seen: (id: string) => boolean,
): { outgoing: CrossReceipt[]; settled: Settlement[]; applied: string[] } {
  const db = new ContractDB(state);
  const outgoing: CrossReceipt[] = [];
  const settled: Settlement[] = [];
  const applied: string[] = [];
  const done = new Set<string>();
  const guard = state instanceof ShardState ? state : null;
  // Receipts that waited for a lock come first, in the order they arrived (locks.ts).
  const before = state.get(DEFERRED);
  const waited = before === undefined ? [] : (JSON.parse(before) as Deferred[]);
  /** The height from which a part that may give way has waited (`gaveWay`). */
  const since = new Map(waited.flatMap((w) => (w.since === undefined ? [] : [[w.id, w.since] as const])));
  /** The parts a waiting credit told to read again (reads.ts staleReaders): kept here, never taken from a receipt. */
  const told = new Map(waited.flatMap((w) => (w.told === undefined ? [] : [[w.id, w.told] as const])));
  /** The txs a waiting credit wounded (`woundsOf`): kept here, never taken from a receipt. */
  const wounded = new Map(waited.flatMap((w) => (w.wounded === undefined ? [] : [[w.id, w.wounded] as const])));
  /**
   * A probe's half as it ran when it came, waiting (its bytes go in its tx's message after the settle): run again after
   * that settle undid the parts before it here, it would read their writes undone. Kept here, never taken from a receipt.
   */
  const ranFirst = new Map(waited.flatMap((w) => (w.ran === undefined ? [] : [[w.id, w.ran] as const])));
  const bare = ({ since: _, told: __, wounded: ___, ran: ____, ...r }: Deferred): CrossReceipt => r;
  const incoming = [...waited.map(bare), ...pulled.map(bare)];
  const deferred: Deferred[] = [];
  /** Asks of other shards' waiters (sharding/asks.ts), answered after the chunk's receipts. */
  const asks: CrossReceipt[] = [];
  const height = Number(block.number);
  const count = block.shard?.count ?? 1;
  for (const r of pulled) checkReceipt(r, count, (sym) => tokenHome(state, count, sym), block);
  /**
   * The txs a credit waits for on another shard, wounded (`wound`), with the shards that said so: their parts and
   * deciding halves applied here in this chunk give way rather than run (a wound is heeded before any receipt of it).
   */
  const wounds = new Map<string, number[]>();
  for (const r of pulled) if (r.kind === "wound") wounds.set(r.txHash, [...(wounds.get(r.txHash) ?? []), r.fromShard]);
  /**
   * Wounds of `holder`, whose lock `r` waits for here, to every other shard, once per credit and holder: that tx gives
   * way wherever a part or deciding half of it comes next, undone everywhere and run again from its home (docs/SHARDING.md
   * "Atomic txs", _Giving way_), so the credit lands before it, as its tx ran before it at home. The holder is younger
   * than `r`'s tx, or of its block when `r` is no deciding half: that tx is decided, its writes elsewhere stand unlocked
   * and txs run after them there, which a wait here would put after the holder's later parts too (docs/SHARDING.md
   * "Atomic txs", _Credits wound_). None for a probe (it lands nothing) or a credit with no age (a shard that sends none).
   */
  const woundsOf = (r: CrossReceipt, holder: string | null): CrossReceipt[] => {
    const at = r.payer?.at;
    const ord = r.payer?.ord;
    if (r.probe || at === undefined || ord === undefined || holder === null || holder === r.txHash) return [];
    const age = holderAge(state, holder);
    const decided = r.payer?.reserve === undefined;
    if (wounded.get(r.id)?.includes(holder) || !(older([at, ord], age) || (decided && BigInt(at) === BigInt(age[0])))) return [];
    return Array.from({ length: count }, (_, to) => to)
      .filter((to) => to !== shard)
      .map((to) => ({
        id: `${holder}:wound:${r.id}`,
        kind: "wound" as const,
        txHash: holder,
        fromShard: shard,
        toShard: to,
        token: "",
        account: "",
        counterpart: "",
        amount: "0",
        message: "",
      }));
  };
  /**
   * Whether a credit still waiting here wounded tx `hash` (`woundsOf`): this shard sends its wound to the others only, and
   * heeds it itself for as long as that credit waits, so a part or deciding half of that tx coming here gives way.
   */
  const woundedHere = (hash: string) => [...wounded].some(([id, txs]) => txs.includes(hash) && !applied.includes(id));
  /** The shard of a wound of `r`'s tx that `r` heeds: one its tx ran on (an action's path, a half's home or sender). */
  const woundedFrom = (r: CrossReceipt): number | undefined => {
    const deciding = r.kind === "credit" && r.payer?.reserve !== undefined && !r.probe;
    if (r.kind !== "action" && !deciding) return undefined;
    if (woundedHere(r.txHash)) return shard;
    const ran = r.kind === "action" ? [...(r.forward?.path ?? []), r.fromShard] : [r.fromShard, shardOf(r.payer!.publisher, count)];
    return wounds.get(r.txHash)?.find((from) => ran.includes(from));
  };
  let unlocked = false;
  /** What each credit tried in this chunk writes (or would, waiting): for the read locks taken after its try. */
  const tried = new Map<string, string[]>();
  /** What the forwarded parts whose credits leave with this chunk wrote (reads.ts sawDecided). */
  const decided: Decided[] = [];
  /**
   * Whether a tx of `publisher` whose writes stand here, its settle going back to shard `back`, holds locks past the
   * next block: its home is not `back`. (A run here after them sends its probes a block after that settle left: it
   * lands first at `back`, from this shard, before them, and unlocks.)
   */
  const afar = (publisher: string | undefined, back: number) => publisher !== undefined && back !== shardOf(publisher, count);
  // Receipts that waited and were unlocked by a settle of this chunk run in it: no later block need come for them.
  /** Applies one receipt; `rerun`: a forwarded part parked here, run again with the values it fetched (reads.ts). */
  const apply = (r: CrossReceipt, pass: number, rerun?: Parked): void => {
    // A block at the indentation of the loop body it was: edits of that body merge unchanged.
    {
      if (r.toShard !== shard) throw new Error(`receipt ${r.id} is for shard ${r.toShard}, not ${shard}`);
      if (!rerun && pass === 0 && (seen(r.id) || done.has(r.id))) return;
      done.add(r.id);
      // A settle, or a part of a tx whose actions came back here, may touch what its own tx locked.
      // So may a credit's half that decides its tx (forwarded.ts reserveHalf): that tx waits for it,
      // and a read of a parked part's keys (a part of its tx may have written them), and a release writing its part's;
      // and a probe, undone whole: a credit's half a callee's write carries runs before that write lands, as on one shard.
      const own = r.kind === "settle" || r.kind === "action" || r.kind === "read" || r.kind === "release" || r.payer?.reserve || r.probe;
      // A probe writes nothing, and its tx saw nothing an undecided tx wrote: it reads what such a tx locked here as it was
      // before it, not waiting (docs/SHARDING.md "Remote state inside a contract", _Credits in flight_), but for the txs
      // whose writes its tx saw at home (`saw`, landed.ts), whose locks it waits for.
      guard?.watch(own ? r.txHash : null, false, r.probe === true, r.saw);
      // What earlier parts' callees wrote here lands first and stays when the part fails (reads.ts landWrites).
      if (r.kind === "action" && block.shard) landWrites(state, r, block.shard);
      state.checkpoint();
      const woundedAt = woundedFrom(r);
      if (woundedAt !== undefined) {
        // A credit that wounded its tx waits for its tx's lock there: it gives way as a part (or half) that waited out an
        // older tx's lock does, so that credit lands before its tx runs again.
        state.rollback();
        applied.push(r.id);
        const why = `a credit of an older tx, or a decided one of its block, waits for its lock on shard ${woundedAt}; this ${r.kind === "credit" ? "half" : "part"} gave way`;
        if (r.kind === "credit") outgoing.push(halfGaveWay(r, shard, why));
        else outgoing.push(...(rerun ? partGaveWay(state, rerun, shard) : []), gaveWay(state, r, block.shard!, why));
        return;
      }
      const out: CrossReceipt[] = [];
      let settlement: Settlement | null = null;
      let wait = false;
      let missing: RemoteReads | null = null;
      let asking: Asking | undefined;
      /** A credit waiting for its token's announce (`awaitsAnnounce`), since the height it first waited at. */
      let announcing = false;
      /** Parked parts of other txs that read what this credit writes (reads.ts staleReaders): told to read it again. */
      let stale: CrossReceipt[] = [];
      /** A receipt landing its tx's writes here unlocked while its tx may still hold locks elsewhere (landed.ts). */
      let lands = false;
      const amount = BigInt(r.amount);
      if (r.kind === "register" || r.kind === "token") {
        announced(state, r);
      } else if (r.kind === "pending") {
        applyPending(state, r);
      } else if (r.kind === "wound") {
        // Heeded by every receipt of the chunk (`wounds`); a part of its tx parked here gives way once its round is in.
        woundParked(state, r.txHash, r.fromShard);
      } else if (r.kind === "ask") {
        // Answered once every receipt of the chunk is in: a settle among them decides its tx here first.
        if (r.undecided === undefined) asks.push(r);
        else takeAnswer(state, r);
      } else if (r.kind === "burn") {
        out.push(...payBurn(state, r, block.shard!, applyBurn(state, r)));
      } else if (r.kind === "index") {
        // Listed where the consensus shard first wrote it: after the tokens the account got before, before later ones.
        if (!db.mkeys("token.iost", "TB" + r.account).includes(r.token)) db.addField("token.iost", "TB" + r.account, r.token);
      } else if (r.kind === "free") {
        // The payer's RAM a tx freed elsewhere, back as one shard's doPay gives it.
        payRam(state, r.account, -BigInt(r.ram!));
      } else if (r.kind === "domain") {
        // The consensus shard's records as written there: this shard's copy for resolving urls (domain.ts).
        for (const [key, raw] of Object.entries(r.def!)) state.put(key, raw);
      } else if (r.kind === "read") {
        const answer = answerRead(guard!, r, block.shard!);
        if (answer === "wait") wait = true;
        else out.push(answer, ...(answer.values ? sawDecided(r, decided, shard) : []));
      } else if (r.kind === "values" && r.stale) {
        takeStale(state, r);
      } else if (r.kind === "values") {
        const p = takeValues(state, r);
        // Its tx's receipt awaits one answer fewer; the last one's is the re-run's (after these receipts).
        if (p.tx !== undefined && Object.keys(p.asked).length > 0) settlement = { txHash: r.txHash, receiptId: r.id, ok: true, message: "" };
      } else if (r.kind === "release") {
        out.push(...takeRelease(state, r, block.shard!.count));
      } else if (r.kind === "action") {
        // A publisher has one part in flight at a time: its next tx waits at home for this one's settle (locks.ts).
        const reads = guard && new RemoteReads(new Map(Object.entries(rerun?.values ?? {})));
        if (reads) reads.age = [r.forward!.block.number, r.forward!.ord];
        if (guard) guard.reads = reads;
        if (guard && rerun) guard.readOnly = readOnlyKeys(state, rerun, block.shard!);
        let ran: ReturnType<typeof runForwarded>;
        try {
          ran = runForwarded(state, r, block);
        } finally {
          if (guard) {
            guard.reads = null;
            guard.readOnly = new Set();
          }
        }
        if (ran.refused !== undefined) {
          // An older tx created the symbol it claims: the tx, undone everywhere, runs again from its home and fails its
          // create where one chain does. The symbol's announce left this shard no later than this chunk, so it lands
          // before the re-run (after its chunk's incoming receipts) or the re-run's forward reaches the contract.
          state.rollback();
          applied.push(r.id);
          if (rerun) outgoing.push(...partGaveWay(state, rerun, shard));
          outgoing.push(gaveWay(state, r, block.shard!, ran.message));
          return;
        }
        const name = reads && rerun ? waitsForName(state, reads, rerun, block.shard!) : null;
        if (name?.ask) asking = name.ask;
        if (reads && !(name ? name.wait : waitsForDirectory(reads))) reads.settled();
        if (reads && (reads.missing.size > 0 || reads.waits())) missing = reads;
        // What its callees wrote of other shards' records, and what earlier parts' wrote that no part landed: all go
        // on with the next part; else its own (keys it fetched) land with its releases, the others go back with its settle.
        const writes = guard && !missing ? guard.takeRemoteWrites() : new Map<number, [string, string | null][]>();
        const all = allWrites(writes);
        if (ran.onward && all.length > 0) ran.onward.forward = { ...ran.onward.forward!, writes: all };
        const own = new Map(
          [...writes].map(([to, w]) => [to, w.filter(([k]) => rerun !== undefined && k in rerun.values)] as const).filter(([, w]) => w.length > 0),
        );
        const passing = passingWrites(state, r, block.shard!);
        const through = ran.message === "" ? all.filter(([k]) => !(rerun !== undefined && k in rerun.values)) : passing;
        const back = ran.onward || through.length === 0 ? {} : { writes: through };
        const came = new Map(passing);
        const changed = all.filter(([k, v]) => holdsAmount(k) && came.has(k) && came.get(k) !== v).map(([k]): [string, string | null] => [k, came.get(k)!]);
        const before = changed.length > 0 ? { before: changed } : {};
        const ram = {
          ...(ran.ram > 0n ? { ram: ran.ram.toString() } : {}),
          ...(ran.signerRam ? { signerRam: ran.signerRam } : {}),
          ...(ran.signerPayers ? { signerPayers: ran.signerPayers } : {}),
        };
        const records = Object.keys(ran.ramRecords).length > 0 ? { ramRecords: ran.ramRecords } : {};
        const frozen = ran.frozen === undefined ? {} : { frozen: ran.frozen };
        const tokens = ran.tokens === undefined ? {} : { tokens: ran.tokens };
        const settle = {
          ...settleOf(r, shard),
          amount: ran.leftover.toString(),
          ...ram,
          ...records,
          ...frozen,
          ...tokens,
          message: ran.message,
          result: ran.result,
          ...(ran.returned ? { returned: ran.returned } : {}),
          ...back,
        };
        supersedeRegisters(state, r.txHash, ran.outgoing);
        if (ran.onward) {
          // The rest went on to a third shard: this part is undoable, its settle and credits held, until that one settles.
          const relay = {
            settle: settleOf(r, shard),
            escrow: r.amount,
            ram: r.ram ?? "0",
            ...(r.signerRam ? { signerRam: r.signerRam } : {}),
            ...(ran.escrowed ? { signers: ran.escrowed } : {}),
            frozen: r.frozen,
            tokens: r.tokens,
            result: ran.result,
            ramRecords: ran.ramRecords,
            ...(ran.carriedOn ? { sent: ran.carriedOn } : {}),
            ...(ran.landed ? { credits: ran.landed } : {}),
            ...before,
          };
          lockTx(state, r.txHash, r.account, [r.forward!.block.number, r.forward!.ord], ran.outgoing, relay);
          // This shard's co-signers escrowed at 0 were not written, so not locked: the settle hands back what later parts freed.
          const none = (ran.escrowed ?? []).filter((acc) => ran.onward!.signerRam?.[acc] === "0");
          // Back at its home, the chain takes the publisher's records along again (forward.ts takenKeys).
          const taken = shardOf(r.account, block.shard!.count) === shard ? takenKeys(r.account, ran.onward.forward!.actions) : [];
          lockAlso(state, r.txHash, [...none.map(ramKey), ...taken]);
          out.push(ran.onward);
        } else if (ran.reserve) {
          // Its credit's half decides the tx (forwarded.ts reserveHalf): this part is undoable, its settle (complete,
          // awaiting the half too, which it sends home) and other receipts held, until the half settles here.
          const others = ran.outgoing.filter((x) => x !== ran.reserve);
          const relay = {
            settle: { ...settleOf(r, shard), ...back },
            escrow: r.amount,
            ram: r.ram ?? "0",
            ...(r.signerRam ? { signerRam: r.signerRam } : {}),
            frozen: r.frozen,
            tokens: r.tokens,
            // For a failure only: what the part used (its charges are in the held settle).
            result: { ...ran.result, ramUsage: {} },
            ramRecords: {},
            half: ran.reserve.payer!.reserve!.ram,
            ...(r.forward?.credits ? { credits: r.forward.credits } : {}),
            ...before,
          };
          lockTx(state, r.txHash, r.account, [r.forward!.block.number, r.forward!.ord], [withHalves(settle, others, 1), ...others], relay);
          out.push(ran.reserve);
        } else {
          // The last part decided its tx: its writes stand here, unlocked, while the shards before it hold theirs.
          lands = ran.message === "" && afar(r.account, r.fromShard);
          // A failed part's probes go before its settle: one shard ran their halves in the actions, before the failure
          // undid the earlier parts' writes, which the settle undoes where it lands (a probe there after it would read
          // the records as before the tx: a balance an earlier part created, missing, costs less gas).
          if (ran.message !== "") out.push(...ran.outgoing, withProbes(withHalves(settle, ran.outgoing), ran.outgoing, 0));
          else out.push(withHalves(settle, ran.outgoing), ...ran.outgoing);
        }
        // After its lock (a part still to decide the tx): releases carrying writes wait with its receipts.
        const moved = pledgesAt(ran.result.pledges, block.shard!.count, shardOf(r.account, block.shard!.count), r.forward!.pledges);
        if (rerun && !missing) out.push(...releasesNow(state, rerun, shard, own, ran.onward ? came : null, moved));
      } else if (r.kind === "credit" && awaitsAnnounce(db, r, shard, height - (since.get(r.id) ?? height))) {
        announcing = true;
      } else if (r.kind === "credit") {
        const reserve = r.payer?.reserve;
        if (r.probe || reserve) state.checkpoint();
        // What the tx announced to this shard comes first, as it reached every shard before the half on one chain.
        for (const a of reserve?.announces ?? []) if (a.toShard === shard) announced(state, a);
        const why =
          bundleOf(r)
            .map((x) => refusal(db, x))
            .find((w) => w !== "") ?? "";
        const first = r.probe ? ranFirst.get(r.id) : undefined;
        const received = first
          ? { half: { ...first, credit: { ...first.credit! } }, frees: [] }
          : why === "" && r.payer
            ? receiveAll(state, block, r)
            : undefined;
        const result = received?.half;
        // Halves chained after this one: it is not the last, which decides them all (below, `hop`).
        const chained = result && reserve?.next ? reserve.next : undefined;
        const short = result && reserve && !chained ? shortOf(result, r.payer!.publisher, reserve) : "";
        // A failed tx's credit: the gas of its half only (a failed tx is charged no RAM, frees none).
        if (r.probe || short !== "" || (reserve && why !== "")) {
          state.rollback();
          // A failed tx's doPay counted this half's bytes in its message on one shard (combine.ts).
          const unpaid = r.probe && !r.unnamed && result ? (result.ramUsage[r.payer!.publisher] ?? "0") : "0";
          if (unpaid !== "0") result!.credit = { ...result!.credit!, unpaid };
          if (result) result.ramUsage = {};
        } else {
          if (reserve) state.release();
          if (!chained) out.push(...(received?.frees ?? []));
        }
        if (result && reserve) {
          // Its tx waits at home for this half (executor/index.ts reserveRam): it decides the tx.
          result.credit = { ...result.credit!, reserved: reserve.ram };
          if (short !== "") result.status = "BALANCE_NOT_ENOUGH";
          else if (reserve.events) result.events = reserve.events;
        }
        if (why === "" && !result) {
          if (r.freezeUntil === undefined) addBalance(state, r.token, r.account, amount, r.ramPayer);
          else addFrozen(state, r.token, r.account, amount, BigInt(r.freezeUntil), r.ramPayer);
        }
        // (A probe's bytes go in its failed tx's message, which its part's settle writes first.)
        const pays = result && r.payer?.atHome ? BigInt(result.ramUsage[r.payer.publisher] ?? result.credit?.unpaid ?? "0") : 0n;
        // A probe home waits for its part's settle too, which says how many probes count together (probes.ts).
        const probeHome = r.probe && r.payer?.atHome;
        if ((pays > 0n || probeHome) && readLocks(state.get(LOCKS))[r.txHash] !== undefined) {
          // Its tx's RAM escrow may be away (its chain has not settled back): the half's RAM waits for it.
          wait = true;
          if (r.probe && result) ranFirst.set(r.id, result);
        } else if (r.payer?.atHome) {
          // This is the publisher's home: charge its half here, into the receipt its part's settle completes.
          const half = probeHome ? countedHalf(state, r.txHash, result) : result;
          if (half) chargeHalf(state, half, block.time);
          if (half) settlement = { txHash: r.txHash, receiptId: r.id, ok: true, message: "", result: half, extra: true };
        }
        // A tx waiting for this half is unlocked by its settle, whatever happened: an empty half if none ran.
        const decided = result ?? (reserve ? { ...emptyHalf(r.payer!), credit: { publisher: r.payer!.publisher, reserved: reserve.ram } } : undefined);
        const back = decided && !r.payer?.atHome ? { result: decided } : {};
        // A probe moved nothing: nothing to refund, nothing failed.
        const message = r.probe ? "" : why || short;
        // A tx that waits for this half and fails with it gets its debit back by its undo, not by this amount.
        const sent = bundleOf(r).reduce((a, x) => a + BigInt(x.amount), 0n);
        const refund = { ...settleOf(r, shard), amount: message === "" ? "0" : sent.toString(), message };
        if (chained) {
          // Locked with its frees until the next half settles; that one gets the reservation and what this one used.
          const pub = r.payer!.publisher;
          const [head, ...rest] = chainFrom(chained, shard);
          const used = BigInt(reserve!.used ?? "0") + BigInt(result!.ramUsage[pub] ?? "0");
          const { next: _, announces, ...kept } = reserve!;
          const later = (announces ?? []).filter((a) => a.toShard !== shard);
          const onward = { ...kept, used: used.toString(), ...(later.length > 0 ? { announces: later } : {}), ...(rest.length > 0 ? { next: rest } : {}) };
          const { events: __, ...half } = result!; // the last half's settle brings the tx's events
          const hop = { settle: settleOf(r, shard), half, sent: sent.toString(), later: chained };
          // Its tx's age rides in the reservation (absent from a shard that sends none: older than any, locks.ts lockAge).
          const age: Age | undefined = reserve!.at === undefined ? undefined : [reserve!.at, reserve!.ord!];
          lockTx(state, r.txHash, pub, age, received!.frees, undefined, hop);
          out.push({ ...head, payer: { ...head.payer!, reserve: onward } });
        } else if (r.payer?.third) {
          // Sent by a forwarded part to a third shard: the tx's home awaits its half, or its failure (an
          // empty half, still a half for the wait below); a refund goes to the sender's shard.
          const half = result ?? emptyHalf(r.payer);
          out.push({ ...refund, toShard: shardOf(r.payer.publisher, block.shard!.count), amount: "0", result: half });
          if (message !== "") out.push(refund);
        } else if (!r.payer?.atHome || message !== "") {
          // But for one that landed at the home: charged here, it joined its receipt (`extra`), and a settle would
          // answer nothing its tx awaits; its sender may be this very shard (a last part back at home sends the
          // credits carried to it), where it would count as one more settle of the tx.
          // A half that could not land ends its chain: those after it go back (their amounts in flight) unrun.
          const later = message !== "" && reserve?.next ? { returned: unchained(reserve.next) } : {};
          out.push({ ...refund, ...back, ...later });
        }
        // A deciding half (the shards its settle goes back through locked until it passes), or a credit a chain's last
        // part sent to a third shard (its chain's shards, not knowable here, locked until that part's settle passes).
        lands = message === "" && !r.probe && !chained && r.payer !== undefined && (reserve ? afar(r.payer.publisher, r.fromShard) : r.payer.third === true);
        // What it writes (or would, waiting for a lock: a parked part's write lock, or another tx's) of records parts read.
        if (message === "") {
          const keys = [...state.latest().keys()];
          stale = staleReaders(state, r, keys, told.get(r.id));
          tried.set(r.id, keys);
        }
      } else if (r.result?.credit && r.result.credit.reserved === undefined && readLocks(state.get(LOCKS))[r.txHash] !== undefined) {
        // A half that overtook its part's settle (a chain settles back hop by hop, longer than the
        // half's two hops): it waits for that settle, which makes the tx await it (`halves`).
        wait = true;
      } else {
        const ok = r.message === "";
        // A tx's home part is undone when its forwarded part failed: its balances are back to before
        // the tx (escrow included), so only the unused gas is given back (locks.ts).
        const decides = r.result && (!r.result.credit || r.result.credit.reserved !== undefined);
        // Its held releases moving a pledger's fields take the moves the parts after it made of them (pledges.ts withLater).
        const freed = decides ? unlockTx(state, r.txHash, ok, r.writes, r.result!.pledges) : { held: [], locked: false, back: [] };
        const { held, locked, relay, hop, redo, back: carried } = freed;
        const undone = locked && !ok;
        unlocked ||= locked;
        // A hop of chained halves or a part of a chain, unlocked: its writes stand here while the shards before it hold theirs.
        const next = hop?.settle ?? relay?.settle;
        lands = ok && locked && next !== undefined && afar(hop ? hop.later[0]?.payer?.publisher : next.account, next.toShard);
        if (hop) {
          // One of chained halves: its settle goes back with the later ones' gas and RAM added to its own, or, when
          // they could not be paid, undone (its undo took its half out again) with what every later one moved.
          const f = r.result!;
          const result = { ...f, gasUsed: hop.half.gasUsed + f.gasUsed, ramUsage: ok ? addUp(hop.half.ramUsage, f.ramUsage) : {} };
          const back = ok ? { amount: "0" } : { amount: hop.sent, returned: unchained(hop.later) };
          out.push({ ...hop.settle, ...back, message: r.message, result, ...(!ok && r.gaveWay ? { gaveWay: true as const } : {}) }, ...held);
        } else if (relay?.half !== undefined) {
          // A chain's last part whose credit's half decided the tx: its settle goes back, the half home.
          out.push(...halfDecided(relay, r, held, shardOf(relay.settle.account, block.shard!.count)));
        } else if (relay) {
          // A middle part of a chain: its settle goes back along the chain; the tx is not this shard's. The
          // escrow of this shard's co-signers stops here (undone with the part when it failed).
          // The writes that came back of other parts' keys go on back. A failure's receipts go before it: a shard
          // the settle reaches puts back what a later part landed there before undoing its own part there.
          const plain = { ...relayed(relay, r), ...(carried.length > 0 ? { writes: carried } : {}) };
          const back = ok ? plain : owedBack(relay, plain, r.putBack, held);
          // A part after it gave way: the tx runs again, so this run's credits send no probes (nothing is charged for it).
          const sent = r.gaveWay ? held.filter((x) => !x.probe) : held;
          const settle = withHalves(ok ? handBack(state, back, relay.signers ?? []) : withProbes(back, sent, r.probes), sent, r.halves);
          out.push(...(ok ? [settle, ...sent] : [...sent, settle]));
        } else if (undone && r.gaveWay && redo) {
          // A part gave way to an older tx (locks.ts PART_WAIT): the tx, undone everywhere, runs again here from scratch
          // (reads.ts redoTx), charged nothing for this run: no probe charges its credits' halves. Its receipt awaits it.
          // Its notes' cancels stay with it: the names it may create are still pending until a run decides them.
          const sent = held.filter((x) => !x.probe && x.kind !== "pending");
          const noted = [...new Set(held.filter((x) => x.kind === "pending").map((x) => x.account))];
          out.push(...redoTx(state, r.txHash, r.account, redo, noted, height, block.shard!), ...sent);
          const more = 1 + sent.filter(awaitsSettle).length + (r.halves ?? 0);
          settlement = { txHash: r.txHash, receiptId: r.id.slice(0, -SETTLE.length), ok: true, message: "", more };
        } else {
          // An issue's credit comes back to token.iost: nothing was issued after all.
          if (amount > 0n && !undone && r.account === "token.iost") applyBurn(state, r);
          else if (amount > 0n && !undone) addBalance(state, r.token, r.account, amount);
          if (r.result && !r.result.credit) settleRam(state, r.account, r.ram !== undefined && !undone ? BigInt(r.ram) : 0n, r.result.ramPaid !== undefined);
          if (r.frozen !== undefined && !undone) putFrozen(state, "iost", r.account, r.frozen);
          // One shard's failed tx still pays its gas, and its doPay rewrites the publisher's `ram` balance
          // and used RAM, as the undone home part's doPay did.
          if (undone) payRam(state, r.account, 0n);
          // Pledges the part made or withdrew for users there: their pledgers' order, kept here (pledges.ts).
          const moves = ok && !undone ? (r.result?.pledges ?? []) : [];
          for (const [i, m] of moves.entries())
            if (block.shard && shardOf(m[0], block.shard.count) === shard) movePledge(state, shard, block.shard.count, m, moves.slice(0, i));
          for (const [sym, t] of Object.entries(undone ? {} : (r.tokens ?? {}))) {
            if (t.balance !== undefined) putBalance(state, sym, r.account, t.balance);
            if (t.frozen !== undefined) putFrozen(state, sym, r.account, t.frozen);
          }
          // What the forwarded ram.iost actions changed of the publisher's records, onto their value here now.
          for (const [key, d] of Object.entries(r.ramRecords ?? {})) {
            const raw = state.get(key);
            state.put(key, encodeValue(str((recordValue(raw) + BigInt(d)).toString()), decodeValue(raw)?.payer ?? ""));
          }
          // RAM the publisher's escrow paid (or freed) there, for every part of the chain, is its used RAM, which lives here.
          const ramUsed = r.result?.credit ? undefined : r.result?.ramPaid;
          if (ramUsed !== undefined) addUsedRam(state, r.account, BigInt(ramUsed));
          // So is what a co-signer's escrow paid there; what is left of the escrow comes back.
          if (!undone && !r.result?.credit) handBack(state, r, Object.keys(r.signerRam ?? {}));
          // The gas the home shard reserved and the forwarded part did not use goes back to the publisher;
          // a credit's receiver half reserved none and is charged.
          // A failed tx's probes in two receipts or more count no more than it had left together (probes.ts): a forwarded
          // part's, the gas given back here.
          if (undone && r.probes !== undefined && !r.gaveWay) keepLeft(state, r.txHash, BigInt(r.result!.gasReserved - r.result!.gasUsed), r.probes);
          const f = countedHalf(state, r.txHash, r.result);
          if (f?.credit) chargeHalf(state, f, block.time, !undone);
          else if (f) refundGas(state, r.account, BigInt(f.gasRatio) * BigInt(f.gasReserved - f.gasUsed), block.time);
          out.push(...held);
          settlement = {
            txHash: r.txHash,
            receiptId: r.id.slice(0, -SETTLE.length),
            ok,
            message: r.message,
            ...(f ? { result: f } : {}),
            ...(held.some(awaitsSettle) || r.halves ? { more: held.filter(awaitsSettle).length + (r.halves ?? 0) } : {}),
          };
        }
      }
      if (wait || announcing || guard?.conflict != null) {
        // It read or wrote what an in-flight tx may still undo, or its token's announce is on its way: it waits, as a
        // tx waits in the pool.
        state.rollback();
        // A forwarded part meeting the lock of an older tx may be in a wait cycle: it gives way after PART_WAIT blocks. So
        // does a forwarded part's read, and its re-run (parked: its tx holds locks on the shards before it).
        const age = ageOf(r);
        const holder = !wait && !announcing && age !== null && (!rerun || rerun.receipt) ? guard!.holder : null;
        const yieldsTo = holder !== null && older(holderAge(state, holder), age!);
        const waited = rerun ? rerun.since : since.get(r.id);
        if (yieldsTo && height - (waited ?? height) >= PART_WAIT) {
          applied.push(r.id);
          if (r.kind === "read") outgoing.push(readGaveWay(state, r, shard));
          else if (r.kind === "credit")
            outgoing.push(
              halfGaveWay(
                r,
                shard,
                `lock wait: ${guard!.conflict} on shard ${shard} is locked by tx ${holder}, in flight, which is older; this half gave way after ${PART_WAIT} blocks`,
              ),
            );
          else {
            if (rerun) outgoing.push(...partGaveWay(state, rerun, shard));
            outgoing.push(
              gaveWay(state, r, block.shard!, waitedOut(`${guard!.conflict} on shard ${shard} is locked by tx ${holder}, in flight, which is older`)),
            );
          }
          return;
        }
        // A parked part stays parked, run again in a later chunk: a writer without its locks elsewhere (reads.ts yields).
        if (!rerun) {
          const wounding = r.kind === "credit" && !wait && !announcing ? woundsOf(r, guard!.holder) : [];
          outgoing.push(...stale, ...wounding);
          const parts = [...(told.get(r.id) ?? []), ...stale.map((x) => x.account)];
          if (parts.length > 0) told.set(r.id, parts);
          const txs = [...(wounded.get(r.id) ?? []), ...wounding.slice(0, 1).map((x) => x.txHash)];
          if (txs.length > 0) wounded.set(r.id, txs);
          const kept = {
            ...withoutLanded(state, r, block.shard),
            ...(parts.length > 0 ? { told: parts } : {}),
            ...(txs.length > 0 ? { wounded: txs } : {}),
            ...(ranFirst.has(r.id) ? { ran: ranFirst.get(r.id) } : {}),
          };
          deferred.push(yieldsTo || announcing ? { ...kept, since: since.get(r.id) ?? height } : kept);
        } else if (yields(rerun)) outgoing.push(...restart(state, rerun, shard));
        else if (yieldsTo && rerun.since === undefined) waitsSince(state, rerun, height);
        return;
      }
      if (missing) {
        // It read records another shard keeps that it lacks: undone, parked with its receipt until they come.
        state.rollback();
        const p: Parked = rerun ?? { part: r.id, txHash: r.txHash, receipt: withoutLanded(state, r, block.shard), round: 1, asked: {}, values: {}, locked: [] };
        // Waiting for the directory: it runs again after this chunk's incoming receipts (reads.ts waitsForDirectory), or
        // once more after the next chunk's while what it misses is pending, or after the answers to its asks (waitsForName).
        if (missing.unknown.size > 0) p.until = Number(block.number) + (rerun ? 1 : 0);
        // A first run that created a name (and found none nowhere): it asks now whether an older tx may still create it too.
        else if (!rerun && missing.creates.size > 0) asking = waitsForName(state, missing, p, block.shard!).ask;
        // A part waiting for a name holds its tx's locks, which the creating tx's part may wait for (a pledge for the
        // waiter's publisher beside the signUp): it gives way after NAME_WAIT blocks, before one waiting for a lock does.
        if (rerun?.receipt?.forward && missing.waits()) {
          if (height - (rerun.since ?? height) >= NAME_WAIT) {
            applied.push(r.id);
            const why = `${[...missing.unknown, ...missing.creates].join(", ")} may still be created by a tx in flight`;
            outgoing.push(...partGaveWay(state, rerun, shard), gaveWay(state, r, block.shard!, waitedOut(why, NAME_WAIT)));
            return;
          }
          p.since ??= height;
        }
        if (asking !== undefined) p.ask = asking;
        outgoing.push(...parkPart(state, p, missing, block.shard!), ...asksOf(p, shard));
        return;
      }
      if (rerun) unpark(state, rerun.part);
      // A forwarded part does not wait for read locks: the younger txs' parts holding keys it wrote read them again.
      if (r.kind === "action") {
        const keys = new Set(state.latest().keys());
        stale = staleReaders(state, r, keys, [], ageOf(r)!);
        // Its credits leave now: a read answered after it in this chunk sees its writes a block before they land.
        if (out.some((x) => x.kind === "credit" && !x.probe)) decided.push({ age: ageOf(r)!, keys });
      }
      state.release();
      applied.push(r.id);
      // Noted at once: a receipt later in this chunk (a failing part's probes) runs after it too.
      if (lands) noteLanded(state, height, [r.txHash]);
      outgoing.push(...stale, ...out);
      if (settlement) settled.push(settlement);
    }
  };
  // What waits for a lock lands right after the receipt letting go of it, before receipts that came after it: a credit
  // waiting at its tx's home for the settle lands before a later tx's part that settle let through elsewhere (501/33).
  // The receipts of the same tx later in the chunk come first: they are of the tx it waited for (a failed part's probes
  // beside its settle), and a probe run after the waiter would read its writes (444/28).
  let freed = false;
  for (const [i, r] of incoming.entries()) {
    unlocked = false;
    apply(r, 0);
    if (!unlocked) continue;
    for (const same of incoming.slice(i + 1)) if (same.txHash === r.txHash) apply(same, 0);
    unlocked = false;
    for (const w of deferred.splice(0).map(bare)) apply(w, 1);
    freed ||= unlocked;
  }
  // Once more when a receipt that waited let go of a lock itself: what waits again stays deferred.
  if (freed) for (const r of deferred.splice(0).map(bare)) apply(r, 1);
  // A credit still waiting tells the parts whose reads this chunk answered after its try: its notice leaves with their
  // answer, not a block behind it, when they may have run (docs/SHARDING.md "Remote state inside a contract").
  for (const d of deferred) {
    const keys = tried.get(d.id);
    const more = keys === undefined ? [] : staleReaders(state, d, keys, d.told);
    outgoing.push(...more);
    if (more.length > 0) d.told = [...(d.told ?? []), ...more.map((x) => x.account)];
  }
  outgoing.push(...answerAsks(state, asks, shard));
  creditsLeaving(state, outgoing);
  // Parts whose every answer came run again, first in the chunk, in the order they parked.
  for (const p of guard ? readyParts(state, Number(block.number)) : []) {
    if (p.gaveWay && p.receipt) {
      // A read of it waited PART_WAIT blocks for an older tx's lock, or a credit waits for its tx's lock (a wound,
      // woundParked): it gives way as a part meeting that lock here would.
      applied.push(p.receipt.id);
      const why = "lock wait: a read of another shard waited for the lock of an older tx, or a credit that wounded its tx for its lock";
      outgoing.push(...partGaveWay(state, p, shard), gaveWay(state, p.receipt, block.shard!, `${why}; this part gave way`));
      continue;
    }
    if (p.gaveWay) giveUpGas(state, p);
    if ((p.busy && !p.receipt) || p.stale) {
      // A tx at home answered busy lets go of every lock and fetches anew a block later: sent now, its reads would take
      // again what it frees before the older tx it met, parked or deferred there, runs after the release (it did, for good).
      // So does any part told a credit met what it read: its new reads land after the release lets that credit land.
      p.until = height + 1;
      outgoing.push(...restart(state, p, shard));
      continue;
    }
    if (p.busy) outgoing.push(...restart(state, p, shard));
    if (p.receipt) {
      apply(p.receipt, 0, p);
      continue;
    }
    const ran = rerunTx(guard!, p, block);
    outgoing.push(...ran.outgoing);
    if (ran.settlement) settled.push(ran.settlement);
  }
  guard?.watch();
  const after = deferred.length === 0 ? undefined : JSON.stringify(deferred);
  if (after !== before) after === undefined ? state.del(DEFERRED) : state.put(DEFERRED, after);
  return { outgoing, settled, applied };
}

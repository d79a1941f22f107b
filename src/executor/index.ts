/**
 * Applying one transaction (go-iost vm/isolator.go PrepareTx / Run / PayCost,
 * gas units from core/contract/cost.go): tx-size gas, signer and publisher authorization,
 * actions through the native contracts, amount limits, rollback of everything
 * but the gas on failure, payment of gas and RAM.
 */
import { Decimal } from "../amount.js";
import { base58Encode } from "../codec/base58.js";
import { unmarshalArgs } from "../contracts/args.js";
import { Cost } from "../contracts/cost.js";
import { costGas, GAS_DECIMAL, GAS_IMMEDIATE_REWARD, GAS_MIN_PLEDGE_PER_ACTION, GasAt, totalGasAt } from "../contracts/gas.js";
import { disarm, Host, isContractId, runPrefix, tokenDecimal, type BlockContext, type TxContext } from "../contracts/host.js";
import "../contracts/index.js";
import "../vm/index.js";
import { NodeFault } from "../contracts/errors.js";
import { monitorCall } from "../contracts/monitor.js";
import { TOKEN } from "../contracts/token.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, int, encodeValue, str, mapKey, basicKey } from "../state/storage.js";
import { checkAmountLimit } from "../tx/amount-limit.js";
import { FULL, txBytes } from "../tx/bytes.js";
import { base64Encode } from "../codec/base64.js";
import { txBlockOf } from "../sharding/forward.js";
import { TxError } from "../tx/errors.js";
import type { Action, ContractEvent, StatusCode, Tx, TxReceipt } from "../tx/types.js";
import { bundle, chargesPublisher, type CrossReceipt, freeOf, PAID_RAM, riders } from "../sharding/receipts.js";
import { actionDesc, runActions, type ActionsRun } from "./actions.js";
import {
  carriesRam,
  carryCredits,
  carryRegisters,
  claimTarget,
  escrowRam,
  forwardTarget,
  armTrade,
  isSigner,
  owedAway,
  payTarget,
  paidRamOf,
  pendingClaims,
  sendActions,
  takenKeys,
} from "./forward.js";
import { sawLanded } from "./landed.js";
import { keepLeft } from "./probes.js";
import { lockAlso, lockTx, ramKey } from "./locks.js";
import { addBalance, balanceOf } from "../contracts/balance.js";
import { placedByName } from "../sharding/placement.js";
import { RemoteReads } from "../contracts/remote.js";
import { ShardState } from "./guard.js";
import { park, parkBehind, parksBehind, waitsForDirectory } from "./reads.js";
import { createdBy, pendingOf } from "../sharding/pending.js";
import type { PledgeMove } from "../sharding/pledges.js";
import { poolOrder } from "../pool/index.js";

export type { BlockContext } from "../contracts/host.js";

/**
 * `outgoing`: the cross-shard receipts the tx sent (empty unless it succeeded and reached other shards); `waits`:
 * settlements its receipt awaits that no receipt of its asks for (a tx parked for the directory: its re-run's).
 */
export type ExecuteResult =
  | {
      receipt: TxReceipt;
      outgoing: CrossReceipt[];
      events: ContractEvent[];
      waits?: number;
      /** A tx that succeeded: the `<pledger>gp` fields it moved of pledgers living on other shards (Host.notePledge). */
      pledges?: PledgeMove[];
    }
  | { dropped: string };

const MIN_GAS_RATIO = 100n;
const MAX_GAS_RATIO = 10000n;
const MIN_GAS_LIMIT = 600_000n;
const MAX_GAS_LIMIT = 400_000_000n;

class Dropped extends Error {}

/** doPay's failure for `payer`, the first in payer order whose RAM is short (its message names the account paying). */
export class RamShort extends Error {
  constructor(
    message: string,
    readonly payer: string,
  ) {
    super(message);
  }
}

/** A receipt's message keeps at most this many UTF-16 units (an uncaught `throw "m".repeat(3e6)` would be a 3 MB row). */
export const MAX_MESSAGE = 4096;
function capMessage(m: string): string {
  if (m.length <= MAX_MESSAGE) return m;
  const high = m.charCodeAt(MAX_MESSAGE - 1);
  return m.slice(0, high >= 0xd800 && high < 0xdc00 ? MAX_MESSAGE - 1 : MAX_MESSAGE) + "..."; // never half a surrogate pair
}

/** `ord`: the tx's pool key (src/pool poolOrder) when the caller holds it (a shard's pool index), so it is not made again. */
export function buildTxContext(tx: Tx, hash: string, block: BlockContext, ord?: string): TxContext {
  const authList = new Map<string, number>();
  for (const s of tx.signatures) authList.set(base58Encode(s.pubkey), 1);
  for (const s of tx.publisherSigs) authList.set(base58Encode(s.pubkey), 2);
  const signerList = new Set<string>();
  for (const s of tx.signers) if (s.split("@").length === 2) signerList.add(s);
  signerList.add(tx.publisher + "@active");
  return {
    publisher: tx.publisher,
    hash,
    time: tx.time,
    expiration: tx.expiration,
    gasRatio: tx.gasRatio,
    gasLimit: tx.gasLimit,
    amountLimit: tx.amountLimit,
    // Only names' ages use it, kept with several shards alone: its base58 decode is some 3 µs, a twentieth of a transfer.
    ord: (block.shard?.count ?? 1) > 1 ? (ord ?? poolOrder(tx, hash)) : "",
    actions: tx.actions,
    authList,
    signerList,
  };
}

function checkGasParams(tx: Tx): void {
  if (tx.gasRatio < MIN_GAS_RATIO || tx.gasRatio > MAX_GAS_RATIO)
    throw new Dropped(`gas ratio illegal, should in [${MIN_GAS_RATIO / 100n}, ${MAX_GAS_RATIO / 100n}]`);
  if (tx.gasLimit < MIN_GAS_LIMIT || tx.gasLimit > MAX_GAS_LIMIT)
    throw new Dropped(`gas limit illegal, should in [${MIN_GAS_LIMIT / 100n}, ${MAX_GAS_LIMIT / 100n}]`);
}

/**
 * The publisher's gas check of /sendTx and PrepareTx (go-iost vm/utils.go
 * CheckTxGasLimitValid): null when the publisher holds ≥ gas_limit gas at
 * `blockTime` (`current`), or when the tx's only action pledges enough to itself.
 */
export function checkPublisherGas(
  state: State,
  tx: Tx,
  blockTime: bigint,
  current = totalGasAt(new ContractDB(state), tx.publisher, blockTime),
): string | null {
  const db = new ContractDB(state);
  const limit = new Decimal(tx.gasLimit, 2);
  if (!current.lessThan(limit)) return null;
  const dflt = `gas not enough: user ${tx.publisher} has ${current.toString()} < ${limit.toString()}`;
  if (!(tx.actions.length === 1 && tx.actions[0].contract === "gas.iost" && tx.actions[0].actionName === "pledge")) return dflt;
  let args: unknown[];
  try {
    args = unmarshalArgs("pledge", ["string", "string", "string"], tx.actions[0].data);
  } catch (e) {
    return `invalid gas pledge args ${(e as Error).message} ${tx.actions[0].data}`;
  }
  if (!(args[0] === tx.publisher && args[1] === tx.publisher)) return dflt;
  const bal = db.mget("token.iost", "TB" + tx.publisher, "iost");
  const balance = new Decimal(bal && bal.t === "i" ? bal.v : 0n, 8);
  let amount: Decimal;
  try {
    amount = Decimal.parse(args[2] as string, 8);
  } catch (e) {
    return `invalid gas pledge amount ${(e as Error).message} ${args[2] as string}`;
  }
  if (amount.lessThan(GAS_MIN_PLEDGE_PER_ACTION)) return `invalid gas pledge amount <nil> ${args[2] as string}`;
  if (balance.lessThan(amount)) return `iost token amount not enough for pledgement ${balance.toString()} < ${amount.toString()}`;
  const extra = amount.mul(GAS_IMMEDIATE_REWARD);
  if (current.add(extra).lessThan(limit))
    return `gas not enough even if considering the new gas pledgement ${current.toString()} + ${extra.toString()} < ${limit.toString()}`;
  return null;
}

/**
 * The amount_limit check of PrepareTx on `state` (src/tx/amount-limit.ts: the
 * tokens exist, each value is valid at its token's scale), which pool
 * admission runs too: null, or IOST's message.
 */
function checkTxAmountLimit(state: State, tx: Tx): string | null {
  const db = new ContractDB(state);
  try {
    checkAmountLimit(tx.amountLimit, (token) => tokenDecimal(db, token));
    return null;
  } catch (e) {
    if (e instanceof TxError) return e.message;
    throw e;
  }
}

/**
 * How a caller names the tx it runs: its full-bytes hash, raw or base58 (a shard holds the
 * base58 id), with what the caller already made of it, so the executor does not make it again:
 * the length of its full bytes (src/tx txBytes FULL, what Net gas is charged on) and its pool key
 * (src/pool poolOrder, which admission stored with the pool's row).
 */
export type TxKey = Uint8Array | string | { hash: string; size?: number; ord?: string };

const hashOf = (key: TxKey): string => (typeof key === "string" ? key : key instanceof Uint8Array ? base58Encode(key) : key.hash);

function keyOf(tx: Tx, key: TxKey): { hash: string; size: number; ord?: string } {
  const known = typeof key === "object" && !(key instanceof Uint8Array) ? key : undefined;
  if (known?.size !== undefined) return known as { hash: string; size: number; ord?: string };
  return { hash: hashOf(key), size: txBytes(tx, FULL).length, ord: known?.ord };
}

function prepare(h: Host, tx: Tx, size: number, gas: GasAt): void {
  h.payCost(new Cost(size, 0), tx.publisher);
  if (h.genesis) return;
  checkGasParams(tx);
  const paid = BigInt(h.gasPaid(tx.publisher));
  if (paid * tx.gasRatio >= tx.gasLimit) throw new Dropped(`gas limit should be larger, paid: ${paid}, gas limit: ${tx.gasLimit}, gas ratio: ${tx.gasRatio}`);
  const gasErr = checkPublisherGas(h.state, tx, h.block.time, gas.value);
  if (gasErr !== null) throw new Dropped(gasErr);
  for (const item of tx.signers) {
    const ss = item.split("@");
    if (ss.length !== 2) throw new Dropped(`illegal signer: ${item}`);
    const c = new Cost();
    if (!h.requireSignerAuth(c, ss[0], ss[1])) throw new Dropped(`unauthorized signer: ${item}`);
    h.payCost(c, tx.publisher);
  }
  const c = new Cost();
  if (!h.requirePublisherAuth(c, tx.publisher)) throw new Dropped(`unauthorized publisher: ${tx.publisher}`);
  h.payCost(c, tx.publisher);
  const limitErr = checkTxAmountLimit(h.state, tx);
  if (limitErr !== null) throw new Dropped(limitErr);
}

/**
 * What `prepare` would drop `tx` with on `state` at `block`, or null: pool
 * admission runs the very checks a block applies (go-iost /sendTx runs part of
 * them in CheckTxGasLimitValid and VerifyTx), so a tx the next block would drop
 * uncharged never takes a pool slot. Reads only: every write is undone.
 */
export function prepareError(state: State, tx: Tx, txHash: TxKey, block: BlockContext): string | null {
  const key = keyOf(tx, txHash);
  const h = new Host(state, block, buildTxContext(tx, key.hash, block, key.ord), monitorCall);
  h.initStack();
  state.checkpoint();
  try {
    prepare(h, tx, key.size, new GasAt(state, tx.publisher, block.time));
    return null;
  } catch (e) {
    if (e instanceof Dropped) return e.message;
    throw e;
  } finally {
    state.rollback();
  }
}

/**
 * Whether the publisher's gas at `blockTime` pays `tx` on top of the gas
 * limits of its txs already pending (`pendingLimits`, internal units), or why
 * not. This node's own bound, not IOST's: without it one account could hold
 * any number of pool slots that the block would never charge it for.
 */
export function pendingGasError(state: State, tx: Tx, blockTime: bigint, pendingLimits: bigint, pendingCount: number): string | null {
  if (pendingCount === 0) return null;
  const current = totalGasAt(new ContractDB(state), tx.publisher, blockTime);
  const need = new Decimal(tx.gasLimit + pendingLimits, 2);
  if (!current.lessThan(need)) return null;
  return `gas not enough: user ${tx.publisher} has ${current.toString()} < ${need.toString()} (the gas limits of its ${pendingCount} pending txs included)`;
}

/**
 * DoPay (host/teller.go): gas from each payer's gas, RAM from each payer's `ram`
 * balance. Returns the publisher's paid gas. `chargeGas` false: RAM only (an
 * action receipt away from home, where the publisher's gas does not live).
 * `debt`: a part of a tx whose actions run on several shards (docs/SHARDING.md
 * "RAM of a chain"). One shard checks RAM once, after every action, so a part
 * that sends the rest on (`last` false) adds the publisher's bytes to `owed`
 * and a payer that cannot pay to `short` instead of failing; the last part
 * pays `owed` with the publisher's own bytes and fails on the first short
 * payer in payer order, as one shard's doPay does. A co-signer's bytes of every
 * part add up in `away` and are paid after the last action (`done`): from its
 * escrow when its RAM came along, here when it lives here, else by a part with
 * no actions on its shard. `publisherGas`: the publisher's gas at the block's time, as the tx read it before.
 */
export function doPay(h: Host, chargeGas = true, debt?: Debt, publisherGas?: GasAt): Decimal {
  const tx = h.tx;
  let paid = Decimal.zero(GAS_DECIMAL);
  h.initStack();
  const payers = new Set(h.costs.keys());
  // An inline filter: a named closure costs every tx a defineProperty in bundles that keep names.
  if (debt)
    for (const p of [
      tx.publisher,
      ...debt.short.keys(),
      ...debt.contracts.keys(),
      ...[...debt.away.keys()].filter((a) => tx.ramEscrow?.has(a) === true || h.remoteShard(a) === null),
    ])
      payers.add(p);
  for (const payer of [...payers].sort()) {
    const short = debt?.short.get(payer);
    // A contract an earlier part was short for, back here where its owner's RAM is (charged again, or after a credit of
    // `ram` to the owner landed: payTarget): checked below with the sum, as one shard checks it after every action.
    const again = debt?.charged.has(payer) === true && h.remoteShard(payer) === null;
    if (short !== undefined && !again) {
      if (debt!.last) throw new RamShort(short, payer);
      if (!h.costs.has(payer)) continue; // checked where its owner's RAM is, or failed by the last part
    }
    const c = h.costs.get(payer) ?? new Cost();
    const gas = new Decimal(tx.gasRatio * BigInt(c.toGas()), GAS_DECIMAL);
    if (chargeGas && !gas.isZero()) {
      h.setStackInfo("gas.iost", "");
      try {
        costGas(h, payer, gas, payer === tx.publisher ? publisherGas?.value : undefined);
      } catch (e) {
        throw new Error(`pay gas cost failed: ${(e as Error).message} ${payer} ${gas.toString()}`);
      }
    }
    if (payer === tx.publisher) paid = gas;
    // Global state copied on every shard can name a payer of another shard (token info's, deadaddr): its
    // RAM there cannot be charged here, so it is not; what is freed or 0 bytes go back as below
    // (docs/SHARDING.md). A signer of another shard cannot pay here either, unless its RAM escrow came
    // along: failing beats RAM nobody paid for.
    const held = tx.ramEscrow?.has(payer) === true;
    const away = !payer.endsWith(".iost") && !held && h.remoteShard(payer) !== null;
    // A co-signer's bytes of every part so far (owedAway): paid where its RAM lives by a later part, or
    // after the last action, here when its RAM is here or came along.
    const owes = payer === tx.publisher ? undefined : debt?.away.get(payer);
    if (owes !== undefined && (away || !debt!.done)) continue;
    if (away && isSigner(h, payer) && BigInt(c.data) > 0n) throw new RamShort(`pay ram failed. id: ${payer} need ${c.data}, actual 0`, payer);
    // RAM freed of a record an account of another shard paid (a frozen list it sent, rewritten here) is
    // given back there, as one shard does. Sent with the tx's other receipts: only if the tx stands (locks.ts).
    // 0 bytes too (a record it paid put and deleted; deadaddr's supply of a genesis token rewritten by a RAM issue or an
    // iost destroy): one shard's doPay rewrites its `ram` record and used RAM whatever it paid.
    if (away && placedByName(payer) && (BigInt(c.data) < 0n || (c.data === 0 && !isContractId(payer)))) h.outbox.push(freeTo(h, payer, -BigInt(c.data)));
    // Bytes an earlier part charged a contract the publisher owns: the publisher's, wherever this part runs.
    const carried = tx.guest ? debt?.contracts.get(payer) : undefined;
    // A contract of another shard pays for records its code wrote in this run (a callee of that shard): its owner,
    // who lives there, pays from its RAM fetched from there, written back there with the run (guard.ts writeRemote).
    let callee = away && carried === undefined && payer.startsWith("Contract") ? h.armCallee() : null;
    // Counted as the RAM was booked (host.ts countOwnerRam), in the actions, as on every shard count.
    if (callee) callee.uncounted++;
    if (!payer.endsWith(".iost") && (!away || carried !== undefined || callee)) {
      try {
        let ramPayer = carried === undefined ? payer : tx.publisher;
        if (carried === undefined && isContractId(payer)) {
          const o = h.db.mget("system.iost", "contract_owner", payer);
          ramPayer = o && o.t === "s" ? o.v : payer;
        }
        let ram = owes ?? BigInt(c.data);
        debt?.away.delete(payer);
        // Away from home a contract its publisher owns charges the publisher's RAM escrow: a part that sends the rest on
        // adds its bytes to the contract's debt; the last pays them with its own check (one shard's doPay checks each
        // contract before the publisher), counted as the publisher's used RAM at home.
        const owned = debt !== undefined && tx.guest && payer !== ramPayer && ramPayer === tx.publisher;
        if (owned) ram += carried ?? 0n;
        if (owned && !debt.last) {
          debt.contracts.set(payer, ram);
          continue;
        }
        // At home too: the publisher's record leaves with the escrow, so the last part checks the contract's bytes of
        // every part at once against it (a chain back home charging the contract again: 172/73's owner side).
        if (debt !== undefined && !tx.guest && !debt.last && payer !== ramPayer && ramPayer === tx.publisher) {
          debt.contracts.set(payer, (debt.contracts.get(payer) ?? 0n) + ram);
          continue;
        }
        // A contract of this shard whose owner lives on another (its setCode ran in a forwarded part): the owner's RAM
        // is fetched from there and written back with the run, as a callee's of another shard is.
        if (callee === null && !owned && ramPayer !== payer && h.ramAway(ramPayer)) {
          callee = h.armCallee();
          if (callee) callee.uncounted++;
        }
        const balKey = mapKey("token.iost", "TB" + ramPayer, "ram");
        const cur = decodeValue(h.state.get(balKey));
        const current = cur && cur.value.t === "i" ? cur.value.v : 0n;
        if (debt && payer === tx.publisher) {
          if (!debt.last) {
            debt.owed += ram;
            continue;
          }
          ram += debt.owed;
        }
        // One shard checks a contract's bytes of every action at once, against its owner's balance before any: a chain
        // charging another owner's contract in several parts (back on its shard) checks and pays the sum so far.
        let need = ram;
        let actual = current;
        const sum = debt && !owned && owes === undefined && ramPayer !== tx.publisher && isContractId(payer) ? debt.charged : undefined;
        if (sum) {
          const prior = sum.get(payer) ?? { bytes: 0n, paid: 0n };
          need = prior.bytes + ram;
          actual = current + prior.paid;
          sum.set(payer, { bytes: need, paid: need <= actual ? need : prior.paid });
          ram = need - prior.paid; // what this part pays, when the sum fits
        }
        if (actual < need) {
          const failed = `pay ram failed. id: ${ramPayer} need ${need}, actual ${actual}`;
          if (!debt || debt.last) throw new RamShort(failed, payer);
          debt.short.set(payer, failed); // checked where its RAM lives; the last part fails the tx with it
          continue;
        }
        if (sum) debt!.short.delete(payer);
        // A later part's `ram` credit to an account of this shard lands after this rewrite: it carries the payer before it.
        const own = !held && !(tx.guest && ramPayer === tx.publisher) && h.remoteShard(ramPayer) === null;
        if (h.block.shard !== undefined && h.block.shard.count > 1 && !debt?.last && own && cur && PAID_RAM.has(cur.payer ?? "") && !tx.paidRam?.has(ramPayer))
          (tx.paidRam ??= new Map()).set(ramPayer, cur.payer ?? "");
        // go-iost SetTokenBalance / ChangeUsedRAMInfo write these raw keys directly (payer "").
        h.state.put(balKey, encodeValue(int(current - ram), ""));
        // A forwarded part's publisher (or co-signer) pays from its RAM escrow; its used RAM is counted where it lives by the settle.
        if (held) debt?.paid.set(payer, (debt.paid.get(payer) ?? 0n) + ram);
        if (owned) debt.owned += ram;
        if (tx.guest && (ramPayer === tx.publisher || held)) continue;
        addUsedRam(h.state, ramPayer, ram);
      } finally {
        if (callee) {
          callee.uncounted--;
          disarm(callee);
        }
      }
    }
  }
  // What a co-signer of another shard freed, net over every part (0 too): given back there, as above.
  if (debt?.last) for (const [payer, bytes] of debt.away) if (bytes <= 0n && placedByName(payer)) h.outbox.push(freeTo(h, payer, -bytes));
  return paid;
}

/** A `free` receipt giving `bytes` back to `payer` on its shard. */
function freeTo(h: Host, payer: string, bytes: bigint): CrossReceipt {
  const to = { id: h.nextReceiptId(), txHash: h.tx.hash, fromShard: h.block.shard!.index, toShard: h.remoteShard(payer)! };
  return freeOf({ ...to, account: payer, counterpart: h.tx.publisher }, bytes);
}

/** RAM the parts of a tx so far did not pay (sharding/forward.ts RamDebt, as numbers), and whether this part is the last. */
export interface Debt {
  owed: bigint;
  short: Map<string, string>;
  away: Map<string, bigint>;
  last: boolean;
  /** No action runs after this part: the co-signers whose RAM is here or came along pay now. */
  done: boolean;
  /** Filled in: what each co-signer paid from its RAM escrow (its used RAM where it lives, by the settle). */
  paid: Map<string, bigint>;
  /** Contracts the publisher owns → the bytes the parts so far that sent actions on charged them (Forwarded `debt.contracts`). */
  contracts: Map<string, bigint>;
  /** Filled in by the last part: what contracts the publisher owns paid from its RAM escrow (its used RAM at home). */
  owned: bigint;
  /** Contracts of other owners → the bytes the parts so far charged them and paid of those (Forwarded `debt.charged`). */
  charged: Map<string, { bytes: bigint; paid: bigint }>;
}

/** Adds `delta` bytes to an account's used RAM (`UR<acc>`, the raw key go-iost ChangeUsedRAMInfo writes). */
export function addUsedRam(state: State, account: string, delta: bigint): void {
  const key = basicKey("ram.iost", "UR" + account);
  const ur = decodeValue(state.get(key));
  const used = ur && ur.value.t === "s" && /^-?\d+$/.test(ur.value.v) ? BigInt(ur.value.v) : 0n;
  state.put(key, encodeValue(str((used + delta).toString()), ""));
}

/**
 * Execute `tx` on `state`. A tx that fails its preconditions (gas parameters,
 * publisher gas, signer/publisher authorization, amount_limit tokens) is
 * dropped with IOST's message and leaves the state untouched; otherwise the
 * state holds its effects (or only its gas payment, when it failed) and a
 * receipt is returned. `txHash` is the full-bytes hash (see src/tx txHash), with or without the
 * bytes' length (TxKey). `later`: whether a later tx of its publisher in the chunk may create names (reads.ts PoolOrder).
 */
export function executeTx(state: State, tx: Tx, txHash: TxKey, block: BlockContext, waits = true, later?: () => boolean): ExecuteResult {
  const hash = hashOf(txHash);
  // Not for a dry run: it answers now.
  if (waits && state instanceof ShardState && parksBehind(state, tx, hash, later)) return parkBehind(state, tx, hash, block);
  const r = runTx(state, tx, txHash, block, undefined, waits);
  return "missing" in r ? park(state as ShardState, tx, hash, block, r.missing) : r;
}

/**
 * executeTx with `overlay`, the values of other shards' records a parked run fetched (reads.ts): or, when
 * the run read such a record it lacks, nothing done (every write undone, nothing charged) and the keys it missed;
 * so too, with `waits` (true: a first run, reads.ts waitsForDirectory; or a re-run's own rule), when it found a
 * receiver nowhere that the directory may not know yet.
 */
export function runTx(
  state: State,
  tx: Tx,
  txHash: TxKey,
  block: BlockContext,
  overlay?: ReadonlyMap<string, string | null>,
  waits: boolean | ((reads: RemoteReads) => boolean) = overlay === undefined,
  again = 0,
): ExecuteResult | { missing: RemoteReads } {
  const key = keyOf(tx, txHash);
  const hash = key.hash;
  const h = new Host(state, block, { ...buildTxContext(tx, hash, block, key.ord), ...(again > 0 ? { run: again } : {}) }, monitorCall);
  h.initStack();
  const gas = new GasAt(state, tx.publisher, block.time);
  state.checkpoint(); // T: the whole tx
  try {
    prepare(h, tx, key.size, gas);
  } catch (e) {
    state.rollback();
    if (e instanceof Dropped) return { dropped: e.message };
    throw e;
  }

  state.checkpoint(); // A: actions and payment
  let run: ActionsRun;
  const guard = state instanceof ShardState ? state : null;
  const reads = guard && new RemoteReads(overlay);
  if (guard) guard.reads = reads;
  if (reads) {
    // One shard writes no ages (Host.creatorAge): no read need be checked against one.
    if ((block.shard?.count ?? 1) > 1) reads.age = [block.number.toString(), h.tx.ord];
    reads.sent = () => h.outbox;
    reads.pledged = () => h.pendingPledges();
    reads.payHalf = (key, before, after) => h.payHalf(key, before, after);
    reads.drop = (gone) => h.outbox.splice(0, h.outbox.length, ...h.outbox.filter((x) => !gone.includes(x)));
  }
  try {
    run = runActions(h, tx.actions, Number(tx.gasLimit / tx.gasRatio) - h.gasPaid(), {
      route: (action) => forwardTarget(h, action),
      arm: (action) => armTrade(h, action),
      pay: (c) => h.payCost(c, tx.publisher),
      short: h.genesis ? undefined : (left) => gas.value.value / tx.gasRatio < BigInt(h.gasPaid() + left), // scale 2: gas × 100
      overrunWins: true,
    });
  } catch (e) {
    if (guard) guard.reads = null;
    if (e instanceof NodeFault) {
      // This node failed, not the tx: no receipt, the state as before the tx.
      state.rollback();
      state.rollback();
    }
    throw e;
  }
  // No wait (a re-run, a dry run): a receiver found nowhere fails this run, as on one shard.
  if (reads && !(typeof waits === "function" ? waits(reads) : waits && waitsForDirectory(reads))) reads.settled();
  if (reads && (reads.missing.size > 0 || reads.waits())) {
    if (guard) guard.reads = null;
    // It read records another shard keeps that it lacks, or waits for the directory: this run is void, the tx runs again.
    state.rollback();
    state.rollback();
    return { missing: reads };
  }
  let returns = run.returns;
  let status: StatusCode = run.failed ? "RUNTIME_ERROR" : "SUCCESS";
  let message = run.failed ? capMessage(run.failed.message) : "";
  let failed = run.failed !== null;
  const { left: vmGasLimit, forward } = run;
  // VM gas reserved for a forwarded part: charged here with the home part's (so the publisher's
  // gas can never be short when the part ran), given back as far as unused by the settle.
  let reserved = 0;
  if (forward && !failed) {
    try {
      sendActions(h, tx.actions.slice(forward.from), forward.target, vmGasLimit);
      reserved = vmGasLimit;
      h.payCost(new Cost(0, reserved), tx.publisher);
    } catch (e) {
      status = "RUNTIME_ERROR";
      message = capMessage(`forwarding ${actionDesc(tx.actions[forward.from])} to shard ${forward.target} error: ${(e as Error).message}`);
      failed = true;
    }
  }
  if (failed) {
    returns = [];
    state.rollback();
    state.checkpoint();
    h.discardEffects();
  }

  // RAM charged to co-signers of other shards is paid where it lives: after the last action, by a part with no
  // actions there when the tx has no other part (docs/SHARDING.md "Co-signers of other shards").
  // So does a token created inside a contract off its symbol's shard: its claim goes there first, in a part with
  // no actions, or with the forwarded part (docs/SHARDING.md "Tokens across shards").
  const away = owedAway(h, [], [block.shard?.index ?? 0]);
  const claims = pendingClaims(h, []);
  const claimAt = claimTarget(claims, block.shard?.count ?? 1);
  const pays = claimAt === null ? payTarget(h, away) : null;
  if (!forward && !failed && claimAt !== null) sendActions(h, [], claimAt, 0, TOKEN);
  else if (pays && !forward && !failed) sendActions(h, [], pays.target, 0, pays.payer);
  const part = h.outbox.find((r) => r.kind === "action");
  if (part && claims.length > 0) part.forward!.claims = claims;

  let paid: Decimal;
  try {
    // A forwarded part that can charge the publisher's RAM pays the home part's too, once after every action.
    const debt =
      carriesRam(h) || (pays && !failed)
        ? {
            owed: 0n,
            short: new Map<string, string>(),
            away,
            last: false,
            done: !forward,
            paid: new Map(),
            contracts: new Map(),
            owned: 0n,
            charged: new Map(),
          }
        : undefined;
    paid = doPay(h, true, debt, gas);
    escrowRam(h, debt); // after the home part paid its RAM: the rest goes with the forwarded part
    const sent = h.outbox.find((r) => r.kind === "action");
    if (sent) sent.forward = { ...sent.forward!, ...paidRamOf(h) };
    state.release();
  } catch (e) {
    state.rollback();
    state.checkpoint();
    returns = [];
    h.discardEffects();
    // One shard's doPay stopped at a payer before the publisher (a contract it owns is named as the publisher):
    // the halves' bytes, the publisher's, count in no need of its message.
    if (e instanceof RamShort && e.payer !== tx.publisher) for (const p of h.outbox) if (p.probe) p.unnamed = true;
    if (reserved > 0) h.costs.get(tx.publisher)!.cpu -= reserved; // nothing forwarded any more
    reserved = 0;
    status = "BALANCE_NOT_ENOUGH";
    message = capMessage("balance not enough after executing actions: " + (e as Error).message);
    try {
      paid = doPay(h, true, undefined, gas);
      state.release();
    } catch (e2) {
      if (guard) guard.reads = null;
      state.rollback();
      state.rollback();
      // Short of records it has not fetched yet (a callee's owner's RAM): void, as any run that missed some.
      if (reads && reads.missing.size > 0) return { missing: reads };
      return { dropped: (e2 as Error).message };
    }
  }
  // doPay read too: a contract of another shard pays its records' RAM from its owner's there.
  if (guard) guard.reads = null;
  if (reads && reads.missing.size > 0) {
    state.rollback();
    return { missing: reads };
  }
  // Where they land, its probes read the records a tx it saw here locked with that tx's writes (landed.ts).
  const saw = block.shard && status !== "SUCCESS" ? sawLanded(state, Number(block.number), hash) : [];
  if (saw.length > 0) for (const p of h.outbox) if (p.probe) p.saw = saw;
  // Atomic across shards: the home part stays undoable, and its other receipts wait, until the settle (locks.ts).
  let outgoing = h.outbox;
  const action = outgoing.find((r) => r.kind === "action");
  if (action) {
    carryCredits(h, action);
    carryRegisters(h, action);
  }
  const credit = action || status !== "SUCCESS" ? undefined : reserveRam(h);
  const first = action ?? credit;
  if (first) {
    const held = outgoing.filter((r) => r !== first);
    const { notes, cancels } = pendingNotes(h, held, action?.forward?.actions ?? []);
    // A forwarded part or a deciding half may give way (locks.ts PART_WAIT): the home keeps what it needs to run the tx again.
    const redo = block.shard ? { tx: base64Encode(txBytes(tx, FULL)), block: txBlockOf(block), ...(again > 0 ? { run: again } : {}) } : undefined;
    lockTx(state, hash, tx.publisher, [block.number.toString(), h.tx.ord], [...held, ...cancels], undefined, undefined, redo, {
      gas: paid.value,
      time: block.time,
    });
    // A co-signer's RAM escrowed at 0 was not written, so not locked: its settle hands back what the parts freed.
    const none = Object.entries(action?.signerRam ?? {}).filter(([, bytes]) => bytes === "0");
    lockAlso(state, hash, [...none.map(([acc]) => ramKey(acc)), ...takenKeys(tx.publisher, action?.forward?.actions ?? [])]);
    // Before the part: a shard it creates a name on keeps no note of it (the part drops it there, system.ts announce).
    outgoing = [...notes, first];
  }
  state.release(); // T

  // With a forwarded part, the tx's events are posted after it, with its own (sharding/events.ts).
  if (action && h.events.length > 0) action.forward!.events = h.events;
  if (credit && h.events.length > 0) credit.payer!.reserve!.events = h.events;
  const gasUsage = paid.rescale(GAS_DECIMAL).value - BigInt(reserved) * tx.gasRatio;
  // A failed tx's probes: their halves count at most the gas it had left (none when it ran out), as one shard's run stopped there.
  if (status !== "SUCCESS") {
    const left = (tx.gasLimit - gasUsage) / tx.gasRatio;
    const probes = outgoing.filter((p) => p.probe && p.payer);
    for (const p of probes) p.payer!.gasLeft = left.toString();
    // Probes in two receipts each count up to it where they land: only the home, where all settle, counts them together.
    keepLeft(state, hash, left, probes.length);
  }
  return {
    receipt: {
      txHash: hash,
      // The home part's: the settle adds what the forwarded part used (docs/SHARDING.md "Gas").
      gasUsage,
      ramUsage: ramUsageOf(h),
      statusCode: status,
      message,
      returns,
      receipts: h.receipts,
    },
    outgoing,
    events: first ? [] : h.events,
    ...(status === "SUCCESS" && h.pledgeMoves.length > 0 ? { pledges: h.pledgeMoves } : {}),
  };
}

/**
 * The first credit of a tx that stays home whose receiver's half may charge the publisher RAM there
 * (a frozen list rewritten under its name; a new balance record of a token that has a payer), if
 * any, the others bundled into it or chained after it: one shard checks that RAM with the home
 * part's in doPay, so the tx waits for the halves to decide it (docs/SHARDING.md "A credit's RAM").
 * The publisher's free RAM left goes along as their reservation; the caller locks the tx and holds
 * its other receipts until the settle.
 */
function reserveRam(h: Host): CrossReceipt | undefined {
  const pub = h.tx.publisher;
  // Those of one token to one shard are bundled, the others chained after them (receipts.ts bundle); the tx's
  // announces to their shards ride along, applied before the halves and undone with them (receipts.ts riders).
  if (!placedByName(pub)) return undefined;
  const b = bundle(
    h.outbox,
    h.outbox.filter((r) => chargesPublisher(r, pub) && !r.payer!.atHome && !r.payer!.third),
  );
  if (b === undefined) return undefined;
  const ram = balanceOf(h.state, "ram", pub);
  if (ram > 0n) addBalance(h.state, "ram", pub, -ram);
  const announces = riders(h.outbox, [b.first, ...b.next]);
  b.first.payer!.reserve = {
    ram: ram.toString(),
    paid: (h.costs.get(pub)?.data ?? 0).toString(),
    at: h.block.number.toString(),
    ord: h.tx.ord,
    ...(announces.length > 0 ? { announces } : {}),
    ...(b.next.length > 0 ? { next: b.next } : {}),
  };
  return b.first;
}

/**
 * The names a locked tx may still create when its block ends (sharding/pending.ts): those its forwarded actions
 * create, noted to every shard (its home too: no run of the tx there knows them), and those its home part created
 * whose registers it holds, noted to the shards those go to. Returns the notes, sent now, and their cancels, held
 * with the tx's other receipts and sent only if the tx fails (locks.ts unlockTx).
 */
function pendingNotes(h: Host, held: readonly CrossReceipt[], forwarded: readonly Action[]): { notes: CrossReceipt[]; cancels: CrossReceipt[] } {
  const sh = h.block.shard!;
  const to = new Map<string, number[]>();
  for (const name of createdBy(forwarded, h.tx.hash))
    to.set(
      name,
      Array.from({ length: sh.count }, (_, i) => i),
    );
  for (const r of held) {
    // A register of an account that existed before the tx is a change of its permissions: nothing is created.
    const created = r.kind === "register" && (r.account.startsWith("Contract") || h.state.prior(mapKey("auth.iost", "auth", r.account)) === undefined);
    if (created && !to.get(r.account)?.includes(r.toShard)) to.set(r.account, [...(to.get(r.account) ?? []), r.toShard]);
  }
  const [notes, cancels] = [false, true].map((cancel) =>
    [...to].flatMap(([name, shards]) =>
      shards.map((s) => {
        const r = pendingOf(h.tx.hash, h.tx.publisher, name, sh.index, s, cancel, [h.block.number.toString(), h.tx.ord]);
        // A run again's notes are new receipts (a shard applies an id once), its cancels cancel them.
        return h.tx.run ? { ...r, id: r.id.replace(":", `:${runPrefix(h.tx.run)}`) } : r;
      }),
    ),
  );
  return { notes, cancels };
}

/** RAM each payer was charged (bytes, negative when freed), payers in order; zero entries left out. */
export function ramUsageOf(h: Host): Record<string, bigint> {
  const usage: Record<string, bigint> = {};
  for (const k of [...h.costs.keys()].sort()) {
    const d = h.costs.get(k)!.data;
    if (d !== 0) usage[k] = BigInt(d);
  }
  return usage;
}

/** Execute and undo: the receipt a tx would get on this state (RPC /execTx, try-run). */
export function dryRun(state: State, tx: Tx, txHash: TxKey, block: BlockContext): ExecuteResult {
  state.checkpoint();
  try {
    // An answer now, on what this shard knows: a receiver found nowhere fails it, without a wait.
    return executeTx(state, tx, txHash, block, false);
  } finally {
    state.rollback();
  }
}

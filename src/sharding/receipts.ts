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
 * directory (directory.ts) and are not answered.
 *
 * Supply: an amount is in exactly one place at every height — a balance or
 * one in-flight receipt — so the sum over shards of balances plus in-flight
 * amounts is constant. So every amount a receipt moves is an int64 ≥ 0: a
 * receipt with anything else is refused before any receipt of its chunk
 * applies (a negative settle would have minted, issue 12).
 */
import { MAX_INT64 } from "../amount.js";
import { CROSS_SHARD_TOKEN } from "../contracts/token.js";
import type { BlockContext } from "../contracts/host.js";
import { refundGas } from "../contracts/gas.js";
import { runForwarded } from "../executor/forwarded.js";
import type { ContractReceipt } from "../tx/types.js";
import { applyRegister } from "./directory.js";
import { ContractDB } from "../state/storage.js";
import { addBalance, addFrozen } from "./balance.js";
import type { State } from "../state/state.js";
import type { Forwarded } from "./forward.js";

export interface CrossReceipt {
  /** Credits and actions: `<txHash>:<n>` (the tx's n-th receipt); settles: `<its id>:settle`. */
  id: string;
  kind: "credit" | "action" | "settle" | "register";
  txHash: string;
  fromShard: number;
  toShard: number;
  token: string;
  /** Credit: the account credited. Action: the publisher. Settle: the sender (refunded when amount ≠ 0). Register: the contract. */
  account: string;
  /** Credit: the sender. Action: the account or contract it works for. Settle: the credited account. Register: the deployer. */
  counterpart: string;
  /** Smallest units, decimal text. Action: the escrow. */
  amount: string;
  /** Settle: "" when the credit landed or the actions succeeded, else why not. */
  message: string;
  /** Credit: the amount arrives frozen until this time (ns, decimal text), as a `TF` record (gas.iost's unpledge refund). */
  freezeUntil?: string;
  /** Action: what runs on the target shard. */
  forward?: Forwarded;
  /** Settle of an action: what the forwarded part did. */
  result?: ForwardResult;
}

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
  /** RAM bytes per payer (all payers are accounts of the target shard), decimal text. */
  ramUsage: Record<string, string>;
}

/** Whether a receipt is answered by a settle (a tx's receipt waits for those). */
export function awaitsSettle(r: CrossReceipt): boolean {
  return r.kind === "credit" || r.kind === "action";
}

const SETTLE = ":settle";

/** A receipt that no executor writes: applying it could create or destroy iost or gas. */
export class ReceiptRefused extends Error {
  override name = "ReceiptRefused";
}

const UINT = /^(0|[1-9][0-9]*)$/;

/** Throws ReceiptRefused unless every amount (and gas) `r` moves is an integer in range. */
export function checkReceipt(r: CrossReceipt): void {
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
  if (r.freezeUntil !== undefined) int("freezeUntil", r.freezeUntil);
  if (r.forward) gas("vmGas", r.forward.vmGas);
  if (r.result) {
    int("gasRatio", r.result.gasRatio);
    gas("gasReserved", r.result.gasReserved);
    gas("gasUsed", r.result.gasUsed, BigInt(r.result.gasReserved));
  }
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
}

function isAccount(db: ContractDB, name: string): boolean {
  return name.startsWith("Contract") || name.endsWith(".iost") || db.mhas("auth.iost", "auth", name);
}

/** The settle receipt answering `r` (amount and message filled in by the caller). */
function settleOf(r: CrossReceipt, shard: number): CrossReceipt {
  const [account, counterpart] = r.kind === "action" ? [r.account, r.counterpart] : [r.counterpart, r.account];
  return { id: r.id + SETTLE, kind: "settle", txHash: r.txHash, fromShard: shard, toShard: r.fromShard, token: r.token, account, counterpart, amount: "0", message: "" };
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
  incoming: readonly CrossReceipt[],
  seen: (id: string) => boolean,
): { outgoing: CrossReceipt[]; settled: Settlement[]; applied: string[] } {
  const db = new ContractDB(state);
  const outgoing: CrossReceipt[] = [];
  const settled: Settlement[] = [];
  const applied: string[] = [];
  const done = new Set<string>();
  for (const r of incoming) checkReceipt(r);
  for (const r of incoming) {
    if (r.toShard !== shard) throw new Error(`receipt ${r.id} is for shard ${r.toShard}, not ${shard}`);
    if (seen(r.id) || done.has(r.id)) continue;
    done.add(r.id);
    applied.push(r.id);
    const amount = BigInt(r.amount);
    if (r.kind === "register") {
      applyRegister(state, r);
    } else if (r.kind === "action") {
      const ran = runForwarded(state, r, block);
      outgoing.push({ ...settleOf(r, shard), amount: ran.leftover.toString(), message: ran.message, result: ran.result }, ...ran.outgoing);
    } else if (r.kind === "credit") {
      // token.iost sends only iost across shards; anything else is refused here too, never merged.
      const why = r.token !== CROSS_SHARD_TOKEN ? `token ${r.token} does not cross shards` : isAccount(db, r.account) ? "" : `invalid account ${r.account}`;
      if (why === "") {
        if (r.freezeUntil === undefined) addBalance(state, r.token, r.account, amount);
        else addFrozen(state, r.token, r.account, amount, BigInt(r.freezeUntil));
      }
      outgoing.push({ ...settleOf(r, shard), amount: why === "" ? "0" : r.amount, message: why });
    } else {
      if (amount > 0n) addBalance(state, r.token, r.account, amount);
      // The gas the home shard reserved and the forwarded part did not use goes back to the publisher.
      if (r.result) refundGas(state, r.account, BigInt(r.result.gasRatio) * BigInt(r.result.gasReserved - r.result.gasUsed), block.time);
      settled.push({ txHash: r.txHash, receiptId: r.id.slice(0, -SETTLE.length), ok: r.message === "", message: r.message, ...(r.result ? { result: r.result } : {}) });
    }
  }
  return { outgoing, settled, applied };
}

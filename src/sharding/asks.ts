/**
 * Asking who may still create a name (docs/SHARDING.md "Names a contract's code may create"): a waiter whose re-run
 * still finds a receiver or contract nowhere, with no note of it, may be short of a name that a forwarded part of an
 * older tx creates inside a contract's code, where no home can tell the name before the code runs. So it asks every
 * other shard (`ask`, with its tx's age) whether a tx older than it is still undecided at its home there and runs a
 * contract's code; each answers in the chunk that applies the ask (`undecided`), and the waiter runs again once every
 * answer is in: it waits on while one says yes, and fails as one chain does once none does, blind to the names younger
 * txs created meanwhile (each record of a name keeps its creator's age: `isNameKey`). Nothing is written on the shards
 * answering.
 *
 * The age for names is a tx's block height, then its pool key (src/pool poolOrder): within a block, the order each chunk
 * runs its txs in and one shard runs the whole block in, so "older" here is "ran before it on one chain".
 */
import type { Age } from "./age.js";
import { isPoolKey, poolOrder } from "../pool/index.js";
import { base64Decode } from "../codec/base64.js";
import { decodeTx } from "../tx/bytes.js";
import type { Action } from "../tx/types.js";
import type { CrossReceipt } from "./receipts.js";
import type { Parked } from "./reads.js";
import { createdBy } from "./pending.js";
import { AUTH_RECORD } from "./placement.js";

/** The asks of one round: the shards not answered yet, and whether one (or this shard) said an older tx is undecided. */
export interface Asking {
  round: number;
  left: number[];
  /** Shards (this one too) that hold an older undecided tx running a contract's code: asked again next round. */
  busy: number[];
  /** The names the run found nowhere when it first asked. */
  names: string[];
}

/**
 * Whether a tx's actions may create a name where they are forwarded: they run a contract's code (a user contract's, or
 * a deployed one's init or can_update), or a top-level action creates one (pending.ts createdBy: a signUp forwarded to
 * its account's shard, whose creator at home there may be younger; a token's create, decided on its symbol's shard).
 */
export function mayCreateNames(actions: readonly Action[], txHash: string): boolean {
  return (
    actions.some(
      (a) =>
        a.contract.startsWith("Contract") ||
        (a.contract === "system.iost" && (a.actionName === "setCode" || a.actionName === "updateCode")) ||
        ((a.contract === "token.iost" || a.contract === "token721.iost") && a.actionName === "create"),
    ) || createdBy(actions, txHash).length > 0
  );
}

/**
 * Whether raw state key `key` tells that a name exists: its directory entries (sharding/directory.ts), its auth.iost
 * record, a contract's code (vm/contract.ts) on the shard that deployed it, a token's issuer record (token.iost's or
 * token721.iost's, on every shard). Each starts with its creator's age (storage.ts withAge), which a run older than the
 * creator reads as no name (executor/guard.ts).
 */
export const isNameKey = (key: string): boolean =>
  key.startsWith("c-") ||
  key.startsWith(AUTH_RECORD) ||
  key.startsWith("b-system.iost-account_shard_") ||
  key.startsWith("b-system.iost-contract_shard_") ||
  (key.startsWith("m-token.iost-TI") && key.endsWith("-issuer")) ||
  (key.startsWith("m-token721.iost-T721I") && key.endsWith("-T721issuer"));

/** The ask of round `round` from part `part` of tx `txHash` (its age `age`) on shard `from` to shard `to`. */
export function askOf(txHash: string, part: string, [at, ord]: Age, round: number, from: number, to: number): CrossReceipt {
  return {
    id: `${part}:ask${round}`,
    kind: "ask",
    txHash,
    fromShard: from,
    toShard: to,
    token: "",
    account: part,
    counterpart: "",
    amount: "0",
    message: "",
    at,
    ord,
  };
}

/** Shard `from`'s answer to ask `q`: whether a tx older than the asker is undecided at its home there and runs a contract's code. */
export function answerOf(q: CrossReceipt, from: number, undecided: boolean): CrossReceipt {
  const { at: _, ord: __, ...rest } = q;
  return { ...rest, id: `${q.id}:told${from}`, fromShard: from, toShard: q.fromShard, undecided };
}

/** The shape checks of an `ask` from a stranger (receipts.ts checkReceipt): ReceiptRefused's text, or null. */
export function askShapeError(r: CrossReceipt): string | null {
  if (r.undecided !== undefined && (r.kind !== "ask" || typeof r.undecided !== "boolean")) return `undecided ${JSON.stringify(r.undecided)}`;
  if (r.kind !== "ask") return null;
  const part = typeof r.account === "string" && (r.account === r.txHash || r.account.startsWith(`${r.txHash}:`));
  if (!part || r.fromShard === r.toShard || r.amount !== "0" || r.token !== "" || r.message !== "" || r.counterpart !== "")
    return "not an ask of another shard by a part of its tx";
  if (typeof r.id !== "string" || !r.id.startsWith(`${r.account}:ask`)) return `an ask ${JSON.stringify(r.id)} of another part`;
  const question = r.undecided === undefined;
  if (question !== (typeof r.at === "string" && /^(0|[1-9][0-9]{0,15})$/.test(r.at))) return `at ${JSON.stringify(r.at)}`;
  if (question !== (r.ord !== undefined) || (question && !isPoolKey(r.ord, r.txHash))) return `ord ${JSON.stringify(r.ord)}`;
  return null;
}

/** The age (age.ts older: names and locks alike) of parked part `p`: its tx's block height, then its pool key (the tx's, or its action receipt's). */
export const ageOf = (p: Pick<Parked, "block" | "receipt" | "tx" | "txHash">): Age => [
  p.block?.number ?? p.receipt?.forward?.block.number ?? "0",
  p.tx !== undefined ? poolOrder(decodeTx(base64Decode(p.tx)), p.txHash) : (p.receipt?.forward?.ord ?? p.txHash),
];

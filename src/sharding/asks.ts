/**
 * Asking who may still create a name (docs/SHARDING.md "Names a contract's code may create"): a waiter whose re-run
 * still finds a receiver or contract nowhere, with no note of it, may be short of a name that a forwarded part of an
 * older tx creates inside a contract's code, where no home can tell the name before the code runs. So it asks every
 * other shard (`ask`, with its tx's age) whether a tx older than it is still undecided at its home there and runs a
 * contract's code; each answers in the chunk that applies the ask (`undecided`), and the waiter runs again once every
 * answer is in: it waits on while one says yes, and fails as one chain does once none does, blind to the names younger
 * txs created meanwhile (`createdSince`: their `register`s carry their tx's age, `at`). Nothing is written on the
 * shards answering.
 */
import { type Age, older } from "./age.js";
import type { State } from "../state/state.js";
import { basicKey, mapKey } from "../state/storage.js";
import type { Action } from "../tx/types.js";
import type { CrossReceipt } from "./receipts.js";
import { type Parked, parkedKey, readParked } from "./reads.js";

/** The asks of one round: the shards not answered yet, and whether one (or this shard) said an older tx is undecided. */
export interface Asking {
  round: number;
  left: number[];
  /** Shards (this one too) that hold an older undecided tx running a contract's code: asked again next round. */
  busy: number[];
  /** The names the run found nowhere when it first asked. */
  names: string[];
  /** The names a younger tx created since it first asked (`createdSince`): the waiter's runs read them absent. */
  younger?: string[];
}

/** Whether a tx's actions run a contract's code where they are forwarded: a user contract's, or a deployed one's init or can_update. */
export function runsCode(actions: readonly Action[]): boolean {
  return actions.some(
    (a) => a.contract.startsWith("Contract") || (a.contract === "system.iost" && (a.actionName === "setCode" || a.actionName === "updateCode")),
  );
}

/**
 * The state keys that tell that `name` exists: its directory entries (sharding/directory.ts), its auth.iost record,
 * and a contract's code (vm/contract.ts), there on the shard that deployed it.
 */
export const nameKeys = (name: string) => [
  basicKey("system.iost", `account_shard_${name}`),
  basicKey("system.iost", `contract_shard_${name}`),
  mapKey("auth.iost", "auth", name),
  `c-${name}`,
];

/** The ask of round `round` from part `part` of tx `txHash` (its block at height `at`) on shard `from` to shard `to`. */
export function askOf(txHash: string, part: string, at: string, round: number, from: number, to: number): CrossReceipt {
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
  };
}

/** Shard `from`'s answer to ask `q`: whether a tx older than the asker is undecided at its home there and runs a contract's code. */
export function answerOf(q: CrossReceipt, from: number, undecided: boolean): CrossReceipt {
  const { at: _, ...rest } = q;
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
  return null;
}

/** The age of parked part `p`: its tx's block height, then its hash (age.ts older). */
export const ageOf = (p: Parked): Age => [p.block?.number ?? p.receipt?.forward?.block.number ?? "0", p.txHash];

/**
 * Name `name` created by the tx of age `age`, its register landing here or created here (contracts/system.ts
 * announce): each waiter here that asks already and is older than that tx reads it absent from then on
 * (executor/reads.ts hiddenFor), whichever name it is, as one chain, running the waiter first, did not know it.
 * Nothing is written while no waiter here asks.
 */
export function createdSince(state: State, name: string, age: Age): void {
  for (const p of readParked(state)) {
    if (p.ask === undefined || p.ask.younger?.includes(name) || !older(ageOf(p), age)) continue;
    p.ask.younger = [...(p.ask.younger ?? []), name];
    state.put(parkedKey(p.part), JSON.stringify(p));
  }
}

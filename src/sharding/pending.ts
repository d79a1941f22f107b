/**
 * Names a tx may still create when its block ends (docs/SHARDING.md "Contracts", "Names a tx may still
 * create"): an account or contract that a forwarded part of the tx creates (a top-level `auth.iost/signUp`
 * or an `exchange.iost` account creation, a `system.iost/setCode` after a forwarded action), or that its
 * home part created while the tx holds its `register` receipts until its settle (executor/locks.ts). One
 * chain, running the tx first, knows the name in the rest of the block; a shard learns it a block or more
 * later. So the tx's home sends a `pending` note for each such name, in its block's chunk and before the
 * forwarded part, to every shard that will not know it from the tx's own run, and holds a `cancel` of it
 * until the tx is decided, sent only when the tx failed; a tx that parks at home sends them when it parks
 * (executor/reads.ts park), one taken into its block behind its publisher's tx in flight when it parks behind it
 * (parkBehind). A shard keeps the note (`x-pending-<name>`, one row per name) until the name's
 * register from that tx lands (or comes carried by a later part: executor/forwarded.ts), the tx creates it there (system.ts announce), or the cancel comes; a waiter
 * whose receiver or contract is unknown but pending keeps waiting (executor/reads.ts waitsForName) until
 * then, however long the tx is in flight: one chain decides the tx before the waiter runs. Only the tx's home
 * sends a note (receipts.ts checkReceipt), in a chunk every producer checks, and every tx is decided once (the
 * oldest in flight never gives way), so every note meets its register or cancel.
 */
import type { State } from "../state/state.js";
import type { Action } from "../tx/types.js";
import { type CrossReceipt, ReceiptRefused } from "./receipts.js";
import { shardOf } from "./placement.js";
import { type Age, older } from "./age.js";
import { isPoolKey } from "../pool/index.js";

/** The row of a pending name: its notes, oldest first. */
export const pendingKey = (name: string) => `x-pending-${name}`;

/** One note: the creating tx, the shard that sent it (the tx's home) and the tx's age for names when the note carried it. */
type Note = [txHash: string, from: number, at?: string, ord?: string];

const notesOf = (state: State, name: string): Note[] => JSON.parse(state.get(pendingKey(name)) ?? "[]") as Note[];

/**
 * Whether a name some tx may still create holds a waiter of age `age` (a note of it here): a note of a tx younger than
 * the waiter does not, since one chain ran the waiter first, when the name did not exist (asks.ts); one with no age does.
 */
export const isPending = (state: State, name: string, age?: Age): boolean =>
  notesOf(state, name).some(([, , at, ord]) => age === undefined || at === undefined || older([at, ord!], age));

/** A name a tx can create: an account name auth.iost accepts (auth.ts checkAccountId), or the contract its setCode deploys. */
export function isCreatable(name: unknown, txHash: string): boolean {
  if (typeof name !== "string") return false;
  if (name === `Contract${txHash}`) return true;
  return /^[a-z0-9_]{5,11}$/.test(name) || (name.length === 42 && name.startsWith("0x") && name === name.toLowerCase());
}

/**
 * The names `actions` (a tx's forwarded ones) create when they succeed, in order: a top-level signUp's, an exchange.iost
 * transfer's `create:<name>` (go-iost exchange.iost), and a setCode's contract (`Contract` + the tx's hash, vm/deploy.ts).
 */
export function createdBy(actions: readonly Action[], txHash: string): string[] {
  const out: string[] = [];
  for (const a of actions) {
    let args: unknown;
    try {
      args = JSON.parse(a.data);
    } catch {
      continue;
    }
    if (!Array.isArray(args)) continue;
    const what = `${a.contract}/${a.actionName}`;
    const memo = args[3];
    const name =
      what === "auth.iost/signUp"
        ? args[0]
        : what === "system.iost/setCode"
          ? `Contract${txHash}`
          : what === "exchange.iost/transfer" && args[1] === "" && typeof memo === "string" && memo.startsWith("create:")
            ? memo.split(":")[1]
            : undefined;
    if (isCreatable(name, txHash) && !out.includes(name as string)) out.push(name as string);
  }
  return out;
}

/** A cancel of every note a failed tx's lock held (locks.ts unlockTx); a tx that stands sends none. */
export const cancelsOf = (held: readonly CrossReceipt[]): CrossReceipt[] => held.filter((r) => r.kind === "pending");

/** The note of `name` from tx `txHash`'s home `from` to shard `to`, or (`cancel`) the note's cancel. */
export function pendingOf(txHash: string, publisher: string, name: string, from: number, to: number, cancel = false, age?: Age): CrossReceipt {
  return {
    id: `${txHash}:pending:${name}${cancel ? ":cancel" : ""}`,
    kind: "pending",
    txHash,
    fromShard: from,
    toShard: to,
    token: "",
    account: name,
    counterpart: publisher,
    amount: "0",
    message: "",
    ...(cancel ? { cancel: true as const } : {}),
    // Its tx's age for names: a waiter older than it does not wait for it (isPending).
    ...(age && !cancel ? { at: age[0], ord: age[1] } : {}),
  };
}

/** The shape checks of a `pending` receipt from a stranger (receipts.ts checkReceipt): ReceiptRefused's text, or null. */
export function pendingShapeError(r: CrossReceipt, count: number): string | null {
  if (r.cancel !== undefined && (r.kind !== "pending" || r.cancel !== true)) return `cancel ${JSON.stringify(r.cancel)}`;
  if (r.kind !== "pending") return null;
  // Only a tx's home sends them (a tx runs on its publisher's shard), and only for a name the tx can create.
  if (typeof r.counterpart !== "string" || r.fromShard !== shardOf(r.counterpart, count))
    return `a note of ${JSON.stringify(r.counterpart)}'s tx from shard ${r.fromShard}`;
  if (!isCreatable(r.account, r.txHash)) return `a note of ${JSON.stringify(r.account)}, which its tx cannot create`;
  if (r.token !== "" || r.message !== "") return "a note carrying a token or message";
  // Its tx's age (checkReceipt checks `at` a block before): both or neither, on a note only, the pool key its tx's.
  const aged = r.at !== undefined || r.ord !== undefined;
  if (aged && (r.cancel || r.at === undefined || !isPoolKey(r.ord, r.txHash)))
    return `ord ${JSON.stringify(r.ord)} is not its tx's pool key beside a creator's height`;
  return null;
}

/**
 * A `pending` receipt applied: a note kept, or its cancel dropping it. A second note of one tx for one name, or a
 * cancel of a note kept here from another shard, is refused.
 */
export function applyPending(state: State, r: CrossReceipt): void {
  const notes = notesOf(state, r.account);
  const at = notes.findIndex(([tx]) => tx === r.txHash);
  if (!r.cancel) {
    if (at >= 0) throw new ReceiptRefused(`receipt ${r.id} refused: ${r.txHash} noted ${JSON.stringify(r.account)} pending here already`);
    notes.push(r.at === undefined ? [r.txHash, r.fromShard] : [r.txHash, r.fromShard, r.at, r.ord!]);
  } else {
    // Never kept: the part that created the name here dropped it (system.ts announce) before a later part failed.
    if (at < 0) return;
    if (notes[at][1] !== r.fromShard)
      throw new ReceiptRefused(`receipt ${r.id} refused: ${JSON.stringify(r.account)} is not pending here for ${r.txHash} from shard ${r.fromShard}`);
    notes.splice(at, 1);
  }
  putNotes(state, r.account, notes);
}

/** Tx `txHash` created `name` (its register landed here, or it ran here): its note, if any, goes. */
export function dropNote(state: State, name: string, txHash: string): void {
  const notes = notesOf(state, name);
  const left = notes.filter(([tx]) => tx !== txHash);
  if (left.length !== notes.length) putNotes(state, name, left);
}

function putNotes(state: State, name: string, notes: Note[]): void {
  if (notes.length === 0) state.del(pendingKey(name));
  else state.put(pendingKey(name), JSON.stringify(notes));
}

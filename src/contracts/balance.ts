/**
 * Token balances as receipts move them: raw writes with go-iost
 * SetTokenBalance semantics (no gas, RAM paid by nobody), since the moves were
 * paid for by the tx that sent them.
 */
import { freezeListJson, parseFreezeList, pushFreeze } from "./freeze.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, int, json, mapIndexKey, mapKey } from "../state/storage.js";

export function balanceOf(state: State, token: string, account: string): bigint {
  const cur = decodeValue(state.get(mapKey("token.iost", "TB" + account, token)));
  return cur && cur.value.t === "i" ? cur.value.v : 0n;
}

/** Adds `delta` (may be negative) to a balance; a new record names `payer` (an escrow: the home record's). */
export function addBalance(state: State, token: string, account: string, delta: bigint, payer = ""): void {
  const cur = decodeValue(state.get(mapKey("token.iost", "TB" + account, token)));
  const balance = cur && cur.value.t === "i" ? cur.value.v : 0n;
  new ContractDB(state).mputRaw("token.iost", "TB" + account, token, encodeValue(int(balance + delta), cur?.payer ?? payer));
}

/** The RAM payer named by a balance record ("" when none). */
export function balancePayer(state: State, token: string, account: string): string {
  return decodeValue(state.get(mapKey("token.iost", "TB" + account, token)))?.payer ?? "";
}

/**
 * Drops a balance held for a guest (an escrow), leaving no key of it behind;
 * other fields of its map index stay (on the consensus shard it can list the
 * account's `contribute`, which lives there).
 */
export function dropBalance(state: State, token: string, account: string): void {
  state.del(mapKey("token.iost", "TB" + account, token));
  const ik = mapIndexKey("token.iost", "TB" + account);
  const rest = (state.get(ik) ?? "")
    .split("@")
    .slice(1)
    .filter((f) => f !== token);
  if (rest.length === 0) state.del(ik);
  else state.put(ik, rest.map((f) => "@" + f).join(""));
}

/**
 * Adds a frozen balance record (unfrozen into the balance from `ftime` on by
 * token.iost), the same `TF<account>` list transferFreeze writes: a credit
 * carrying an unfreeze time (gas.iost's unpledge refund to a pledger of
 * another shard, executor/incoming.ts).
 */
export function addFrozen(state: State, token: string, account: string, amount: bigint, ftime: bigint, payer = ""): void {
  const cur = decodeValue(state.get(mapKey("token.iost", "TF" + account, token)));
  const list = parseFreezeList(cur && cur.value.t === "j" ? cur.value.v : "[]");
  pushFreeze(list, amount, ftime);
  new ContractDB(state).mputRaw("token.iost", "TF" + account, token, encodeValue(json(freezeListJson(list)), cur?.payer ?? payer));
}

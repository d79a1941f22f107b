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
  dropField(state, "TB" + account, token);
}

/** Deletes a token.iost map field raw: no key of it is left behind (mdel would mark its map index). */
function dropField(state: State, map: string, field: string): void {
  state.del(mapKey("token.iost", map, field));
  const ik = mapIndexKey("token.iost", map);
  const rest = (state.get(ik) ?? "")
    .split("@")
    .slice(1)
    .filter((f) => f !== field);
  if (rest.length === 0) state.del(ik);
  else state.put(ik, rest.map((f) => "@" + f).join(""));
}

/**
 * Takes `account`'s `token` balance record out of this shard's state (its
 * stored value, payer and all; undefined when it has none), as takeFrozen does
 * with a frozen record: the publisher's balances of the tokens a forwarded
 * part names travel with its escrow (executor/forward.ts). `home`: this is the
 * account's shard, where the record comes back; its map index keeps listing
 * the field meanwhile, so the field keeps its place in the order one shard's
 * index has (getContractStorageFields). Elsewhere the field leaves the index.
 */
export function takeBalance(state: State, token: string, account: string, home: boolean): string | undefined {
  return takeField(state, "TB" + account, token, home);
}

/** Puts a balance record taken by takeBalance back: as it is when the account has none here, else added to this one (its payer kept). */
export function putBalance(state: State, token: string, account: string, raw: string): void {
  const cur = decodeValue(state.get(mapKey("token.iost", "TB" + account, token)));
  if (cur === undefined) {
    putField(state, "TB" + account, token, raw);
    return;
  }
  const back = decodeValue(raw)?.value;
  addBalance(state, token, account, back && back.t === "i" ? back.v : 0n);
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

/**
 * Takes `account`'s frozen `token` record out of this shard's state (its stored
 * value, payer and all; undefined when it has none), its map index kept as
 * takeBalance keeps it: the record travels with an action receipt's escrow
 * (executor/forward.ts).
 */
export function takeFrozen(state: State, token: string, account: string, home: boolean): string | undefined {
  return takeField(state, "TF" + account, token, home);
}

/** A token.iost map field's record taken out; its index keeps the field when `listed`. */
function takeField(state: State, map: string, field: string, listed: boolean): string | undefined {
  const key = mapKey("token.iost", map, field);
  const raw = state.get(key);
  if (raw === undefined) return raw;
  if (listed) state.del(key);
  else dropField(state, map, field);
  return raw;
}

/** A token.iost map field's record put back: at the place its index kept for it, if it did. */
function putField(state: State, map: string, field: string, raw: string): void {
  const db = new ContractDB(state);
  if (db.mkeys("token.iost", map).includes(field)) state.put(mapKey("token.iost", map, field), raw);
  else db.mputRaw("token.iost", map, field, raw);
}

/**
 * Puts a frozen record taken by takeFrozen back: as it is when the account has
 * none here, else its items join the record here (credits that arrived
 * meanwhile wrote one), which keeps its payer.
 */
export function putFrozen(state: State, token: string, account: string, raw: string): void {
  const cur = decodeValue(state.get(mapKey("token.iost", "TF" + account, token)));
  if (cur === undefined) {
    putField(state, "TF" + account, token, raw);
    return;
  }
  const back = decodeValue(raw);
  const list = parseFreezeList(cur.value.t === "j" ? cur.value.v : "[]");
  for (const f of parseFreezeList(back && back.value.t === "j" ? back.value.v : "[]")) pushFreeze(list, f.Amount, f.Ftime);
  new ContractDB(state).mputRaw("token.iost", "TF" + account, token, encodeValue(json(freezeListJson(list)), cur.payer ?? ""));
}

/**
 * token721.iost's RPC reads (go-iost rpc/api_service.go GetToken721Balance,
 * GetToken721Metadata, GetToken721Owner over core database/token721_handler.go),
 * in rpc.proto's JSON shapes. With several shards every record of a token is
 * on its symbol's shard (sharding/placement.ts nftShard), which answers all
 * three; an account of another shard is known there from the directory.
 */
import { knownAccount } from "../sharding/directory.js";
import type { State } from "../state/state.js";
import { ContractDB } from "../state/storage.js";

const C = "token721.iost";

/** `{balance, tokenIDs}` (int64 balance: a string in JSON), or null when the account does not exist (`account not found`). */
export function getToken721Balance(state: State, account: string, sym: string): { balance: string; tokenIDs: string[] } | null {
  const db = new ContractDB(state);
  if (!db.mhas("auth.iost", "auth", account) && !knownAccount(state, account)) return null;
  const v = db.mget(C, "T721B" + account, sym);
  return { balance: (v?.t === "i" ? v.v : 0n).toString(), tokenIDs: db.mkeys(C, `T721M${sym}#${account}`) };
}

/** The owner of a token id, or null (`token <sym> <id> not found`). */
export function getToken721Owner(state: State, sym: string, id: string): { owner: string } | null {
  const v = new ContractDB(state).mget(C, "T721I" + sym, id);
  return v?.t === "s" && v.v !== "" ? { owner: v.v } : null;
}

/** The metadata of a token id ("" when its record is not a string), or null when the id has no owner. */
export function getToken721Metadata(state: State, sym: string, id: string): { metadata: string } | null {
  const o = getToken721Owner(state, sym, id);
  if (o === null) return null;
  const v = new ContractDB(state).mget(C, `T721M${sym}#${o.owner}`, id);
  return { metadata: v?.t === "s" ? v.v : "" };
}

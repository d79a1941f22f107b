/**
 * token721.iost 1.0.0, IOST's non-fungible token as its genesis deploys it
 * (go-iost vm/native/token721.go): create, issue, transfer, balanceOf,
 * ownerOf, tokenOfOwnerByIndex, tokenMetadata. Every host call is made in Go's
 * order so that gas and RAM match; no ABI writes a contract receipt (Go's
 * version 1 writes none).
 *
 * Storage (contract token721.iost): map `T721I<symbol>` fields `T721issuer`,
 * `totalSupply`(int), `supply`(int, also the next token id) and one field per
 * token id holding its owner; map `T721B<account>` field `<symbol>` (int, how
 * many the account holds); map `T721M<symbol>#<owner>` field `<token id>`
 * (the metadata string), whose field order is tokenOfOwnerByIndex's.
 *
 * With several shards every record of a token lives on its home
 * (sharding/directory.ts nftHome): its symbol's shard (placement.ts nftShard),
 * or the shard of the contract that created it there, which claims the symbol
 * from its symbol's shard as token.iost's create does. A top-level action is
 * forwarded to the home (a create to the symbol's shard, which decides it)
 * with the tx's authority and RAM escrow (executor/forward.ts), like an action
 * on a contract of that shard, so it runs and costs as on one chain. Every
 * shard keeps a copy of each token's issuer record, so that a create anywhere
 * fails with IOST's `token exists` where it is called. Inside a contract of
 * another shard than the home, the reads (balanceOf, ownerOf,
 * tokenOfOwnerByIndex, tokenMetadata) fetch the home's records as token.iost's
 * balanceOf does (docs/SHARDING.md "Remote state inside a contract"); issue
 * and transfer cannot write them there ("Tokens across shards").
 */
import { opCost, type Cost } from "./cost.js";
import { ERR, VmError } from "./errors.js";
import { asCallee, asInt, asString, type Host } from "./host.js";
import type { RemoteReads } from "./remote.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { noop, notExists } from "./token.js";
import { nftHome, setNftHome } from "../sharding/directory.js";
import { nftShard } from "../sharding/placement.js";
import type { CrossReceipt } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { int, mapKey, str } from "../state/storage.js";

export const TOKEN721 = "token721.iost";
const INFO = "T721I";
const BALANCE = "T721B";
const META = "T721M";
const ISSUER = "T721issuer";

const metaKey = (sym: string, owner: string) => `${META}${sym}#${owner}`;

function checkCost(h: Host, c: Cost): void {
  if (c.toGas() > h.gasLimit) throw new VmError(ERR.outOfGas);
}

function exists(h: Host, c: Cost, sym: string): boolean {
  return h.mapHas(c, INFO + sym, ISSUER);
}

function balanceOf(h: Host, c: Cost, sym: string, acc: string): bigint {
  return h.mapHas(c, BALANCE + acc, sym) ? asInt(h.mapGet(c, BALANCE + acc, sym)) : 0n;
}

/**
 * A nested call from a contract of another shard than the token's home runs as a callee of that shard does
 * (docs/SHARDING.md "Calls of another shard's contract"): the token's records are fetched from its home and
 * written back there with the run. Returns the armed reads to disarm, or null at the home. Checked after
 * `exists`, which every shard answers from its copy of the issuer: a token nobody created fails with IOST's
 * `token not exists` on every shard count.
 */
function atHome(h: Host, sym: string): RemoteReads | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return null;
  const home = nftHome(h.state, sh.count, sym);
  if (home === sh.index) return null;
  const r = h.armCallee();
  if (r === null)
    throw new VmError(
      `synchronous call to ${TOKEN721} for token ${sym}: the token lives on shard ${home}, this tx runs on shard ${sh.index}; only a tx's top-level actions reach it`,
    );
  return r;
}

const s = (a: unknown) => a as string;

const create: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const [sym, issuer] = [s(args[0]), s(args[1])];
  const total = args[2] as bigint;
  // Go asks for the issuer's `token721.iost` permission here (and `token.iost` in issue): both fall back to active.
  if (!h.requireAuth(c, issuer, TOKEN721)) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  if (exists(h, c, sym)) throw new VmError(ERR.tokenExists);
  h.mapPut(c, INFO + sym, ISSUER, str(issuer), issuer);
  h.stampAge(mapKey(TOKEN721, INFO + sym, ISSUER));
  h.mapPut(c, INFO + sym, "totalSupply", int(total), issuer);
  h.mapPut(c, INFO + sym, "supply", int(0n), issuer);
  // On its symbol's shard (every top-level create is forwarded there) the token is announced; off it (inside a
  // contract) it lives here and the tx claims the symbol there, whose refusal undoes it (docs/SHARDING.md "Tokens across shards").
  const sh = h.block.shard;
  if (sh && sh.count > 1 && nftShard(sym, sh.count) === sh.index) {
    const def = nftDefinition(h.state, sym);
    for (let to = 0; to < sh.count; to++) if (to !== sh.index) h.outbox.push(nftAnnounceOf(h, sym, to, def));
    h.noteCreated(sym);
  } else if (sh && sh.count > 1) {
    setNftHome(h.state, sym, sh.index);
    h.nftClaims.add(sym);
  }
  return [];
};

/** The raw record every shard copies of a token: its issuer, which is what `exists` reads (the rest stays on the home). */
export function nftDefinition(state: State, sym: string): Record<string, string> {
  const key = mapKey(TOKEN721, INFO + sym, ISSUER);
  return { [key]: state.get(key) ?? "" };
}

/** The `token` receipt (account token721.iost) announcing `sym`'s issuer record to shard `to`. */
export function nftAnnounceOf(h: Host, sym: string, to: number, def: Record<string, string>): CrossReceipt {
  return {
    id: `${INFO}${sym}:token`,
    kind: "token",
    txHash: h.tx.hash,
    fromShard: h.block.shard!.index,
    toShard: to,
    token: sym,
    account: TOKEN721,
    counterpart: h.tx.publisher,
    amount: "0",
    message: "",
    def,
  };
}

const issue: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const [sym, to, meta] = [s(args[0]), s(args[1]), s(args[2])];
  if (!exists(h, c, sym)) throw notExists(h, sym);
  return asCallee(atHome(h, sym), () => issueAt(h, c, sym, to, meta));
};

function issueAt(h: Host, c: Cost, sym: string, to: string, meta: string): unknown[] {
  const issuer = asString(h.mapGet(c, INFO + sym, ISSUER)) ?? "";
  const supply = asInt(h.mapGet(c, INFO + sym, "supply"));
  const total = asInt(h.mapGet(c, INFO + sym, "totalSupply"));
  checkCost(h, c);
  if (total - supply <= 0n) throw new VmError("supply too much");
  const id = supply.toString();
  if (!h.requireAuth(c, issuer, "token.iost")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  h.mapPut(c, INFO + sym, "supply", int(supply + 1n), issuer);
  h.mapPut(c, INFO + sym, id, str(to), issuer);
  const held = balanceOf(h, c, sym, to);
  putHeld(h, c, sym, to, held + 1n, issuer);
  h.mapPut(c, metaKey(sym, to), id, str(meta), issuer);
  return [id];
}

/**
 * `acc`'s count of `sym`. Its record keeps the age it was created with (host.ts stampAge): a holder's symbols are
 * indexed on their tokens' homes, and read as every shard's merged by those ages (sharding/aged.ts), the order in which
 * one shard's index added them.
 */
function putHeld(h: Host, c: Cost, sym: string, acc: string, held: bigint, payer: string): void {
  const key = mapKey(TOKEN721, BALANCE + acc, sym);
  const old = h.state.get(key);
  h.mapPut(c, BALANCE + acc, sym, int(held), payer);
  h.stampAge(key, old, true);
}

const transfer: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const [sym, from, to, id] = [s(args[0]), s(args[1]), s(args[2]), s(args[3])];
  // Go returns before any check: a transfer to oneself succeeds even for a token or id that does not exist.
  if (from === to) return [];
  if (!exists(h, c, sym)) throw notExists(h, sym);
  asCallee(atHome(h, sym), () => transferAt(h, c, sym, from, to, id));
  return [];
};

function transferAt(h: Host, c: Cost, sym: string, from: string, to: string, id: string): void {
  if (!h.requireAuth(c, from, "transfer")) throw new VmError(ERR.permissionLost);
  checkCost(h, c);
  const owner = asString(h.mapGet(c, INFO + sym, id));
  if (owner === undefined) throw new VmError(`error tokenID not exists. ${sym} ${id}`);
  if (owner !== from) throw new VmError(`error token owner isn't from. owner: ${owner}, from: ${from}`);
  // Version 1 charges `from` for every record it writes, the receiver's new ones included.
  h.mapPut(c, INFO + sym, id, str(to), from);
  const fromHeld = balanceOf(h, c, sym, from);
  const toHeld = balanceOf(h, c, sym, to);
  putHeld(h, c, sym, from, fromHeld - 1n, from);
  putHeld(h, c, sym, to, toHeld + 1n, from);
  // issue wrote the owner's metadata with the owner: it moves with the token.
  const meta = h.mapGet(c, metaKey(sym, from), id)!;
  h.mapDel(c, metaKey(sym, from), id);
  h.mapPut(c, metaKey(sym, to), id, meta, from);
}

const balanceOfAbi: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const sym = s(args[0]);
  if (!exists(h, c, sym)) throw notExists(h, sym);
  return [h.reading(() => balanceOf(h, c, sym, s(args[1])))];
};

/** The owner of a token id (read where the token lives: the caller runs it reading); Go answers a missing id with `token exists` (sic). */
function ownerOf(h: Host, c: Cost, sym: string, id: string): string {
  if (!exists(h, c, sym)) throw notExists(h, sym);
  if (!h.mapHas(c, INFO + sym, id)) throw new VmError(ERR.tokenExists);
  return asString(h.mapGet(c, INFO + sym, id)) ?? "";
}

const ownerOfAbi: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  return [h.reading(() => ownerOf(h, c, s(args[0]), s(args[1])))];
};

const tokenOfOwnerByIndex: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const [sym, owner] = [s(args[0]), s(args[1])];
  const index = args[2] as bigint;
  if (!exists(h, c, sym)) throw notExists(h, sym);
  const ids = h.reading(() => h.mapKeys(c, metaKey(sym, owner)));
  // Go indexes its slice with a negative index too (a panic): refused with the text of the other side.
  if (index < 0n || index >= BigInt(ids.length)) throw new VmError("out of range");
  return [ids[Number(index)]];
};

const tokenMetadata: NativeAbi["fn"] = (h, args, c) => {
  c.cpuAdd(opCost(1));
  const [sym, id] = [s(args[0]), s(args[1])];
  return [
    h.reading(() => {
      const owner = ownerOf(h, c, sym, id);
      if (!h.mapHas(c, metaKey(sym, owner), id)) throw new VmError(ERR.tokenExists);
      return asString(h.mapGet(c, metaKey(sym, owner), id)) ?? "";
    }),
  ];
};

nativeContract({
  id: TOKEN721,
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  abis: {
    create: [["string", "string", "number"], create],
    issue: [["string", "string", "string"], issue],
    transfer: [["string", "string", "string", "string"], transfer],
    balanceOf: [["string", "string"], balanceOfAbi],
    ownerOf: [["string", "string"], ownerOfAbi],
    tokenOfOwnerByIndex: [["string", "string", "number"], tokenOfOwnerByIndex],
    tokenMetadata: [["string", "string"], tokenMetadata],
  },
});

/**
 * The home side of action receipts (sharding/forward.ts): which action of a tx
 * must run on another shard, and the receipt that carries the rest of the tx
 * there with its escrow and authority. The target side is forwarded.ts.
 */
import { addBalance, balanceOf, balancePayer, takeBalance, takeFrozen } from "../contracts/balance.js";
import { type Host, isContractId } from "../contracts/host.js";
import { findContract, linkedContract } from "../contracts/monitor.js";
import type { RemoteReads } from "../contracts/remote.js";
import { announceOf, TOKEN, tokenDefinition } from "../contracts/token.js";
import { nftAnnounceOf, nftDefinition, TOKEN721 } from "../contracts/token721.js";
import { knowToken, nftHome, remoteContractShard, setNftHome, setTokenHome, tokenHome } from "../sharding/directory.js";
import { type Forwarded, type GuestAuthority, type RamDebt, spentOf, type TokenClaim, txBlockOf } from "../sharding/forward.js";
import { type CarriedToken, type CrossReceipt, isCarriedToken, ramRecordKey } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { contractKey, mapKey } from "../state/storage.js";
import {
  CONSENSUS_SHARD,
  CONSENSUS_TOKEN,
  nftShard,
  placedByName,
  RAM_CONTRACT,
  RAM_MARKET_APIS,
  RAM_MARKET_KEYS,
  shardOf,
  tokenShard,
} from "../sharding/placement.js";
import type { Action } from "../tx/types.js";
import type { Debt } from "./index.js";

/** The argument that names the account an action works for, per system action. */
const TARGET_ARG: Record<string, number> = {
  "auth.iost/signUp": 0,
  // An account's permissions and groups live with it: changed there, after a part on another shard too.
  "auth.iost/addPermission": 0,
  "auth.iost/dropPermission": 0,
  "auth.iost/assignPermission": 0,
  "auth.iost/revokePermission": 0,
  "auth.iost/addGroup": 0,
  "auth.iost/dropGroup": 0,
  "auth.iost/assignGroup": 0,
  "auth.iost/revokeGroup": 0,
  "auth.iost/assignPermissionToGroup": 0,
  "auth.iost/revokePermissionInGroup": 0,
  "gas.iost/pledge": 1,
  // The pledge lives with the user: unpledging runs there, the refund comes home frozen (gas.ts).
  "gas.iost/unpledge": 1,
  // Lent RAM is the borrower's: the lend runs there, on the lender's RAM and ram.iost records in escrow.
  "ram.iost/lend": 1,
};

/** token.iost actions that change a token's definition or supply: they run on the token's shard (symbol: argument 0). */
const TOKEN_HOME = new Set(["token.iost/create", "token.iost/issue"]);

/** The argument at `at` of an action when it is a string, else undefined (the action fails with the contract's own argument error). */
function stringArg(action: Action, at: number): string | undefined {
  let args: unknown;
  try {
    args = JSON.parse(action.data);
  } catch {
    return undefined;
  }
  const v = Array.isArray(args) ? args[at] : undefined;
  return typeof v === "string" ? v : undefined;
}

/**
 * The shard a top-level create (its symbol's, which decides it), token.iost issue or any other token721.iost
 * action (the token's home: every record of a token721.iost token lives there) must run on when not `sh`'s, else null.
 */
export function tokenHomeTarget(state: State, sh: { index: number; count: number }, action: Action): number | null {
  const nft = action.contract === TOKEN721;
  const what = `${action.contract}/${action.actionName}`;
  if (!nft && !TOKEN_HOME.has(what)) return null;
  const sym = stringArg(action, 0);
  const create = action.actionName === "create";
  const shard =
    sym === undefined
      ? null
      : nft
        ? create
          ? nftShard(sym, sh.count)
          : nftHome(state, sh.count, sym)
        : create
          ? tokenShard(sym, sh.count)
          : tokenHome(state, sh.count, sym);
  return shard === null || shard === sh.index ? null : shard;
}

/**
 * The claims of the tx after this part: those `carried` from the parts before, less the ones this shard
 * granted, and the tokens this part created off their symbol's shard and kept (a caught failure of the
 * call that created one undid it: the state says which stand), in symbol order.
 */
export function pendingClaims(h: Host, carried: readonly TokenClaim[]): TokenClaim[] {
  const sh = h.block.shard;
  if (!sh) return [];
  const out = carried.filter((c) => arbiterOf(c, sh.count) !== sh.index);
  for (const sym of h.claims)
    if (tokenHome(h.state, sh.count, sym) === sh.index && h.state.get(mapKey(TOKEN, "TI" + sym, "issuer")) !== undefined)
      out.push({ token: sym, home: sh.index, def: tokenDefinition(h.state, sym) });
  for (const sym of h.nftClaims)
    if (nftHome(h.state, sh.count, sym) === sh.index && h.state.get(mapKey(TOKEN721, "T721I" + sym, "T721issuer")) !== undefined)
      out.push({ token: sym, home: sh.index, def: nftDefinition(h.state, sym), nft: true });
  // token.iost's claims first, then token721.iost's, each in symbol order: every shard count sends them so.
  return out.sort((a, b) => (a.nft === b.nft ? (a.token < b.token ? -1 : 1) : a.nft ? 1 : -1));
}

/** The shard that decides a claim: its symbol's, in its contract's namespace. */
const arbiterOf = (c: TokenClaim, count: number) => (c.nft ? nftShard(c.token, count) : tokenShard(c.token, count));

/**
 * A claim the symbol's shard refuses: it knows the symbol, which a tx older in pool order created (a grant waits for
 * every older creator: docs/SHARDING.md "Tokens across shards"). One chain ran that tx first, so this tx's `create`
 * failed at its call site, where a contract may catch it: the part gives way and the tx runs again from its home,
 * where the symbol is known by then (incoming.ts), rather than fail here with the bare error after its run.
 */
export class ClaimRefused extends Error {
  constructor(readonly token: string) {
    super(`token ${token} exists: a tx older in pool order created it`);
  }
}

/**
 * The symbol's shard grants each claim of `claims` it decides (docs/SHARDING.md "Tokens across shards"): a
 * symbol known here (created here, or granted to an earlier claim) refuses it (`ClaimRefused`); else this shard keeps the definition and the token's home, and announces both to every
 * shard but the home (sent when the tx stands, as every receipt of a part).
 */
export function grantClaims(h: Host, claims: readonly TokenClaim[]): void {
  const sh = h.block.shard!;
  for (const c of claims) {
    if (arbiterOf(c, sh.count) !== sh.index) continue;
    const known = c.nft ? mapKey(TOKEN721, "T721I" + c.token, "T721issuer") : mapKey(TOKEN, "TI" + c.token, "issuer");
    if (h.state.get(known) !== undefined) throw new ClaimRefused(c.token);
    for (const [key, raw] of Object.entries(c.def)) h.state.put(key, raw);
    // Its age for names is its tx's, whatever age the claiming shard sent, and so is the copies'.
    h.stampAge(known);
    const def = { ...c.def, ...(known in c.def ? { [known]: h.state.get(known)! } : {}) };
    h.noteCreated(c.token);
    (c.nft ? setNftHome : setTokenHome)(h.state, c.token, c.home);
    const announce = c.nft ? nftAnnounceOf : announceOf;
    for (let to = 0; to < sh.count; to++) if (to !== sh.index && to !== c.home) h.outbox.push({ ...announce(h, c.token, to, def), home: c.home });
  }
}

/**
 * The tokens an earlier part created that their symbol's shard has not granted yet, known to a later part on a third
 * shard as one shard's later actions know them: the definition and the home, undone with the part; the grant's
 * announce writes the same when the tx stands (grantClaims).
 */
export function knowClaims(h: Host, claims: readonly TokenClaim[]): void {
  const sh = h.block.shard!;
  for (const c of claims) {
    if (arbiterOf(c, sh.count) === sh.index || c.home === sh.index) continue;
    knowToken(h.state, c.def, c.token, c.home, c.nft === true);
  }
}

/**
 * The payer `acc`'s `ram` record names as the tx's actions see it: as before any doPay rewrite of the tx (`paidRam`), which
 * one shard runs only after every action. An escrow of it names this payer where it goes.
 */
export function namedRamPayer(h: Host, acc: string): string {
  return h.tx.paidRam?.get(acc) ?? balancePayer(h.state, "ram", acc);
}

/** The shard the tx claims its first token on next, or null: none left. */
export function claimTarget(claims: readonly TokenClaim[], count: number): number | null {
  return claims.length === 0 ? null : arbiterOf(claims[0], count);
}

/**
 * The shard a top-level token.iost read answers from when not `sh`'s, else null: `balanceOf` where the
 * holder's records live (an account's shard, a user contract's by the directory, every `contribute` balance
 * on the consensus shard), `supply` on the token's home. Run here they would read this shard's empty
 * records or its copy of the supply, a wrong answer where one shard gives the right one.
 */
function readTarget(state: State, sh: { index: number; count: number }, action: Action): number | null {
  const what = `${action.contract}/${action.actionName}`;
  const sym = stringArg(action, 0);
  if (sym === undefined) return null;
  let shard: number | null = null;
  if (what === "token.iost/supply") shard = tokenHome(state, sh.count, sym);
  else if (what === "token.iost/balanceOf") {
    const acc = stringArg(action, 1);
    if (acc === undefined) return null;
    if (sym === CONSENSUS_TOKEN) shard = CONSENSUS_SHARD;
    else if (acc.startsWith("Contract")) shard = remoteContractShard(state, sh, acc);
    else if (placedByName(acc)) shard = shardOf(acc, sh.count);
  }
  return shard === null || shard === sh.index ? null : shard;
}

/** token.iost actions that debit the account of argument 1 (`from`): they run where its records live. */
const DEBITS = new Set(["token.iost/transfer", "token.iost/transferFreeze", "token.iost/destroy"]);

/**
 * The shard a top-level debit of another account than the publisher runs on when not this one, else null: that
 * account's (Host.remoteShard: a user contract's by the directory). A co-signer moving its own tokens (a dApp paying
 * the gas of its user's transfer) is debited where its records are, after its permission is checked there, as one
 * shard checks and debits it where the tx is; an account that did not sign fails there with go-iost's permission error. The
 * publisher's records are here (or its escrow, in a forwarded part); every `contribute` balance is on the consensus
 * shard, where a destroy of it runs.
 */
function debitTarget(h: Host, action: Action): number | null {
  if (!DEBITS.has(`${action.contract}/${action.actionName}`)) return null;
  // A destroy of an account's contribute runs where every contribute balance and its supply are; a transfer of it
  // fails here as anywhere (bonus.iost created it untransferable).
  if (stringArg(action, 0) === CONSENSUS_TOKEN) return action.actionName === "destroy" && h.block.shard!.index !== CONSENSUS_SHARD ? CONSENSUS_SHARD : null;
  const from = stringArg(action, 1);
  return from === undefined || from === h.tx.publisher ? null : h.remoteShard(from);
}

/** exchange.iost/transfer to "" creates the account its memo names (`create:<name>:…`): it runs on that account's shard. */
function createdAccount(action: Action): string | undefined {
  if (`${action.contract}/${action.actionName}` !== "exchange.iost/transfer" || stringArg(action, 1) !== "") return undefined;
  const memo = stringArg(action, 3);
  return memo?.startsWith("create:") ? memo.split(":")[1] : undefined;
}

/**
 * The contract a system.iost/updateCode replaces (the `ID` of its contract JSON), else undefined: it runs
 * where that contract lives, so its owner check and `can_update` run there (a bad argument fails there or
 * here with deploy.ts's own error).
 */
function updatedContract(action: Action): string | undefined {
  if (`${action.contract}/${action.actionName}` !== "system.iost/updateCode") return undefined;
  const code = stringArg(action, 0);
  try {
    const id = code === undefined ? undefined : (JSON.parse(code) as { ID?: unknown } | null)?.ID;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The other shard an action must run on, or null when it runs here. A
 * forwarded part routes its actions the same way (forwarded.ts): contracts
 * (and an updateCode of one), system actions for accounts of other shards,
 * token.iost create and issue, token.iost's reads of another shard's records, and
 * its debits of another account than the publisher's of another shard.
 */
export function forwardTarget(h: Host, action: Action): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return null;
  if (tradesHere(h, action)) return null;
  const id = updatedContract(action) ?? linkedContract(h.state, action.contract);
  const contract = remoteContractShard(h.state, sh, id, action.actionName);
  if (contract !== null) return contract;
  // Deployed on another shard in this very block, maybe: the run waits for the directory (reads.ts waitsForDirectory).
  if (id.startsWith("Contract") && findContract(h, id) === undefined) h.noteUnknown(id);
  // A native contract's version is read where its calls run: its shard (domain.iost's is the consensus shard).
  const native = `${action.contract}/${action.actionName}` === "system.iost/updateNativeCode" ? stringArg(action, 0) : undefined;
  const home = native === undefined ? null : remoteContractShard(h.state, sh, native);
  if (home !== null) return home;
  const token = tokenHomeTarget(h.state, sh, action) ?? readTarget(h.state, sh, action) ?? debitTarget(h, action);
  if (token !== null) return token;
  const at = TARGET_ARG[`${action.contract}/${action.actionName}`];
  const target = at === undefined ? createdAccount(action) : stringArg(action, at);
  const shard = target !== undefined && placedByName(target) ? shardOf(target, sh.count) : null;
  return shard === null || shard === sh.index ? null : shard;
}

/**
 * Whether an action is a RAM trade of a co-signer's own iost or RAM (`ram.iost/buy` paid by, or `sell` or `lend`
 * of, an account other than the publisher) on a chain of several shards: it runs where the tx is, on the market's
 * records fetched from the consensus shard and the co-signer's from its own, as such a call inside a contract does
 * (Host.armCallee; docs/SHARDING.md "One RAM market"). Forwarded, it would find the co-signer's records on
 * neither the market's shard (nor the borrower's) nor the escrow.
 */
export function tradesHere(h: Host, action: Action): boolean {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || action.contract !== RAM_CONTRACT || !(RAM_MARKET_APIS.has(action.actionName) || action.actionName === "lend")) return false;
  const trader = stringArg(action, 0);
  return trader !== undefined && trader !== h.tx.publisher;
}

/**
 * The run's reads armed for a co-signer's RAM trade (tradesHere), else null: runActions' `arm`. What the trade
 * reads of the trader's records and the market's is read first, so a run missing them asks for all of them in one
 * round (each would take a round of its own, the trade failing at the first one absent).
 */
export function armTrade(h: Host, action: Action): RemoteReads | null {
  if (!tradesHere(h, action)) return null;
  const r = h.armCallee();
  const trader = stringArg(action, 0)!;
  const sym = action.actionName === "buy" ? "iost" : "ram";
  const own = [mapKey(TOKEN, "TB" + trader, sym), mapKey(TOKEN, "TF" + trader, sym)];
  const records = action.actionName === "buy" ? [] : [ramRecordKey("SR", trader), ramRecordKey("TR", trader)];
  // One of the market's records brings the others (reads.ts withCompanion), the free RAM its used RAM. A lend reads none.
  const market = action.actionName === "lend" ? [] : [RAM_MARKET_KEYS[0]];
  if (r) for (const key of [mapKey("auth.iost", "auth", trader), ...own, ...records, ...market]) h.state.get(key);
  return r;
}

/** The tokens (not iost, ram or contribute) the token.iost actions among `actions` name, in symbol order. */
function namedTokens(actions: readonly Action[]): string[] {
  const out = new Set<string>();
  for (const a of actions) {
    const sym = a.contract === "token.iost" ? stringArg(a, 0) : undefined;
    if (sym !== undefined && isCarriedToken(sym)) out.add(sym);
  }
  return [...out].sort();
}

/**
 * The publisher's records sendActions takes along with the escrow, had it any here or not: its frozen iost and its
 * records of the tokens `actions` name. Locked for the tx (locks.ts lockAlso), so that none is written meanwhile by a
 * younger tx (a freeze to the publisher) that one of its parts back here would read: one shard runs the tx before it.
 */
export function takenKeys(publisher: string, actions: readonly Action[]): string[] {
  if (actions.length === 0) return [];
  const frozen = (sym: string) => mapKey(TOKEN, "TF" + publisher, sym);
  return [frozen("iost"), ...namedTokens(actions).flatMap((sym) => [mapKey(TOKEN, "TB" + publisher, sym), frozen(sym)])];
}

/**
 * Takes `publisher`'s records of the `carried` tokens out of this shard's state, to travel in a receipt (undefined: none
 * carried); `home`: this is its shard (takeBalance).
 */
export function takeTokens(state: State, publisher: string, carried: ReadonlySet<string>, home: boolean): Record<string, CarriedToken> | undefined {
  if (carried.size === 0) return undefined;
  const out: Record<string, CarriedToken> = {};
  for (const sym of carried) {
    const balance = takeBalance(state, sym, publisher, home);
    const frozen = takeFrozen(state, sym, publisher, home);
    out[sym] = { ...(balance === undefined ? {} : { balance }), ...(frozen === undefined ? {} : { frozen }) };
  }
  return out;
}

/** The permissions the tx's signers signed (checked at intake). */
function authorityOf(h: Host): GuestAuthority[] {
  const byAccount = new Map<string, string[]>();
  for (const s of [...h.tx.signerList].sort()) {
    const [account, perm] = s.split("@");
    byAccount.set(account, [...(byAccount.get(account) ?? []), perm]);
  }
  return [...byAccount].map(([account, signed]) => ({ account, signed }));
}

/**
 * The RAM the tx's co-signers owe after this part, net over its parts (`carried` from the parts
 * before added; docs/SHARDING.md "Co-signers of other shards", "RAM of a chain"): one shard charges
 * a signer once, after every action. Each is paid by the part that runs after the last action on
 * its RAM: from its escrow where that came along, on its own shard, or by a part with no actions
 * there when the tx has not run on that shard. One of a shard the tx ran on whose RAM did not come
 * along (a part that sent no actions on escrows none) is left out: doPay fails it where it is charged.
 */
export function owedAway(h: Host, carried: readonly [string, string][], visited: readonly number[]): Map<string, bigint> {
  const out = new Map(carried.map(([p, b]) => [p, BigInt(b)]));
  for (const [payer, c] of h.costs) {
    if (payer === h.tx.publisher || payer.endsWith(".iost") || c.data === 0 || !isSigner(h, payer)) continue;
    const there = h.tx.ramEscrow?.has(payer) ? null : h.remoteShard(payer);
    if (there !== null && visited.includes(there)) continue;
    out.set(payer, (out.get(payer) ?? 0n) + BigInt(c.data));
  }
  return out;
}

/** Whether `acc` signed the tx (a co-signer or its publisher). */
export const isSigner = (h: Host, acc: string) => [...h.tx.signerList].some((k) => k.startsWith(`${acc}@`));

/**
 * The shard of the first payer (in payer order) a part with no actions pays on after the last action, null for none:
 * a co-signer still owing RAM whose RAM is on none of the tx's parts, or a contract of another shard whose owner a part
 * there found short (`short`) when a credit of `ram` of the tx (`credits`: a buy or lend for the owner) lands there
 * after that part. One shard checks the owner after every action, those bytes in its balance: the part checks it there
 * again once the credit landed (doPay, `debt.charged`).
 */
export function payTarget(
  h: Host,
  away: ReadonlyMap<string, bigint>,
  short: Iterable<string> = [],
  credits: readonly CrossReceipt[] = [],
): { target: number; payer: string } | null {
  const owing = [...away.keys()].filter((p) => away.get(p)! > 0n && !h.tx.ramEscrow?.has(p) && h.remoteShard(p) !== null);
  const ram = new Set(credits.filter((x) => x.kind === "credit" && x.token === "ram" && !x.probe).map((x) => x.toShard));
  const grown = [...short].filter((c) => isContractId(c) && ram.has(h.remoteShard(c) ?? -1));
  const payer = [...owing, ...grown].sort()[0];
  return payer === undefined ? null : { target: h.remoteShard(payer)!, payer };
}

/**
 * Moves the credits of `h` into the action receipt `onward`, after those `earlier` parts carried, instead of
 * holding them until the chain settles: each part applies those to its own shard before its actions, so the
 * rest of the tx sees them as one shard does (forwarded.ts landCarried), and the chain's last part sends the
 * others as its own after its `doPay`, deciding the tx with the halves that may charge the publisher RAM as
 * one shard's `doPay` checks them with the rest (docs/SHARDING.md "A credit's RAM", carried credits).
 * Returns the ids of those `h` sent: a failure coming back drops them here, where the undo puts them back.
 */
export function carryCredits(h: Host, onward: CrossReceipt, earlier: readonly CrossReceipt[] = []): string[] {
  // Its probes (a write absorbed their amounts: remote.ts absorb) go too, in the order sent: one shard ran their halves
  // among the others'. Held until the settle, one would run after a later part's failure undid the half of a credit
  // before it (a frozen list that half created: token.ts getBalance, 320 gas less). They land as probes (landCarried).
  const mine = h.outbox.filter((x) => x !== onward && x.kind === "credit" && x.payer?.publisher === h.tx.publisher);
  const credits = [...earlier, ...mine];
  if (credits.length === 0) return [];
  h.outbox.splice(0, h.outbox.length, ...h.outbox.filter((x) => !mine.includes(x)));
  onward.forward = { ...onward.forward!, credits };
  return mine.map((x) => x.id);
}

/**
 * Carries the account `register` receipts, the token announces (`token`) and the url links (`domain`) of the tx so far
 * with the action receipt `onward` (Forwarded `registers`), so each later part knows the accounts the tx created or
 * changed, the tokens it created and the urls it linked, as one shard's later actions do. Those of `h` to the onward shard are moved (carried instead of sent);
 * those to other shards go as copies beside their originals, which `h` holds until the tx stands, with the copies
 * earlier parts carried here (`riding`) unless `h` wrote newer.
 */
export function carryRegisters(h: Host, onward: CrossReceipt, riding: readonly CrossReceipt[] = []): void {
  const mine = h.outbox.filter((x) => (x.kind === "register" && !x.account.startsWith("Contract")) || x.kind === "token" || x.kind === "domain");
  const moved = mine.filter((x) => x.toShard === onward.toShard);
  // A register or a token's announce replaces an older one of its name; a url's copy names its own records, and stays.
  const newer = (x: CrossReceipt) =>
    x.kind !== "domain" && mine.some((m) => m.kind === x.kind && m.account === x.account && m.token === x.token && m.toShard === x.toShard);
  const registers = [...riding.filter((x) => !newer(x)), ...mine];
  if (registers.length === 0) return;
  h.outbox.splice(0, h.outbox.length, ...h.outbox.filter((x) => !moved.includes(x)));
  onward.forward = { ...onward.forward!, registers };
}

/**
 * Sends `actions` to shard `target` as an action receipt: debits the escrow
 * from the publisher here and queues the receipt with the tx's authority.
 * No actions: a part that only claims tokens' symbols there (`payer` token.iost) or pays co-signers' RAM
 * there (`payer` the first), which takes no iost.
 *
 * The escrow is the publisher's whole iost balance, whatever the tx's amount_limit (docs/SHARDING.md
 * "Escrow"): the limit is a cap the monitor checks after each action against what the tx spent in all
 * its parts (`spent`), never an amount held, so the part reads, spends and fails as one shard does. The
 * publisher's later txs wait for the settle in any case (its gas is locked until the refund).
 */
export function sendActions(h: Host, actions: Action[], target: number, vmGas: number, payer?: string): void {
  const tx = h.tx;
  const escrow = actions.length === 0 ? 0n : balanceOf(h.state, "iost", tx.publisher);
  const spent = spentOf(h.amountTotal);
  const escrowPayer = balancePayer(h.state, "iost", tx.publisher);
  // A publisher with no iost record escrows none: its iost goes as a carried token, with no record, so that one a
  // payment creates there is created as one shard creates it (its bytes, its payer) and comes back as it is.
  const noRecord = actions.length > 0 && h.state.get(mapKey(TOKEN, "TB" + tx.publisher, "iost")) === undefined;
  if (actions.length > 0 && !noRecord) addBalance(h.state, "iost", tx.publisher, -escrow);
  // token.iost reads the frozen iost with the balance (and unfreezes what is due): it goes along, so the
  // forwarded part reads, charges and unfreezes as one shard would (docs/SHARDING.md "Proof of Believability across shards").
  const frozen = actions.length === 0 ? undefined : takeFrozen(h.state, "iost", tx.publisher, true);
  // An amount issued or sent to the publisher there stays its balance for the part's later actions, as on
  // one shard: its records of the tokens the actions name go along and come back with the settle.
  const tokens = takeTokens(h.state, tx.publisher, new Set([...namedTokens(actions), ...(noRecord ? ["iost"] : [])]), true);
  const at = actions.length === 0 ? undefined : TARGET_ARG[`${actions[0].contract}/${actions[0].actionName}`];
  // `actions` are the tx's last ones (here its TxContext lists all of them): what ran before goes along for txInfo.
  const earlier = actions.length === 0 ? [] : tx.actions.slice(0, tx.actions.length - actions.length);
  // Token actions name their symbol, not an account: the contract is the counterpart.
  h.outbox.push({
    id: h.nextReceiptId(),
    kind: "action",
    txHash: tx.hash,
    fromShard: h.block.shard!.index,
    toShard: target,
    token: "iost",
    account: tx.publisher,
    counterpart: actions.length === 0 ? payer! : at === undefined ? actions[0].contract : String((JSON.parse(actions[0].data) as unknown[])[at]),
    amount: escrow.toString(),
    ...(frozen === undefined ? {} : { frozen }),
    ...(tokens === undefined ? {} : { tokens }),
    message: "",
    forward: {
      actions,
      ...(earlier.length > 0 ? { earlier } : {}),
      ...(tx.authList.size > 0 ? { authList: [...tx.authList] } : {}),
      publisher: tx.publisher,
      time: tx.time.toString(),
      expiration: tx.expiration.toString(),
      gasRatio: tx.gasRatio.toString(),
      ord: tx.ord,
      vmGas,
      // A part that came back home runs in its tx's block already: the chain carries one block.
      block: txBlockOf(h.block),
      amountLimit: [...tx.amountLimit],
      authority: authorityOf(h),
      ...(escrowPayer === "" ? {} : { escrowPayer }),
      ...(spent === undefined ? {} : { spent }),
      ...countedOf(h),
      ...paidRamOf(h),
      ...deployedOf(h),
      ...pledgesOf(h),
    },
  });
}

/** Forwarded `deployed`: whether the tx's contract exists by now, deployed by this part or an earlier one. */
export function deployedOf(h: Host): { deployed?: true } {
  return h.tx.deployed || h.state.get(contractKey(`Contract${h.tx.hash}`)) !== undefined ? { deployed: true } : {};
}

/** Forwarded `pledges`: the `<pledger>gp` fields the tx moved so far that no pledger's order holds yet. */
export function pledgesOf(h: Host): Pick<Forwarded, "pledges"> {
  const pledges = h.pendingPledges();
  return pledges.length > 0 ? { pledges } : {};
}

/** The `ram` records doPays of the tx rewrote so far, for later parts' credits to carry (Forwarded `paidRam`). */
export function paidRamOf(h: Host): Pick<Forwarded, "paidRam"> {
  const paid = h.tx.paidRam;
  return paid === undefined || paid.size === 0 ? {} : { paidRam: [...paid].sort(byPayer) };
}

/** What the run counted against the read bounds so far, for its next part to count on (Forwarded `counted`). */
export function countedOf(h: Host): Pick<Forwarded, "counted"> {
  const counted = (h.state as { reads?: RemoteReads | null }).reads?.counts();
  return counted === undefined ? {} : { counted };
}

const byPayer = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : 1);

/** `debt` as an action receipt carries it, or undefined when nothing is owed. */
export function debtOf(debt: Debt): RamDebt | undefined {
  const away = [...debt.away].filter(([, b]) => b !== 0n);
  const contracts = [...debt.contracts].filter(([, b]) => b !== 0n);
  const charged = [...debt.charged].filter(([, c]) => c.bytes !== 0n || c.paid !== 0n);
  if (debt.owed === 0n && debt.short.size === 0 && away.length === 0 && contracts.length === 0 && charged.length === 0) return undefined;
  return {
    owed: debt.owed.toString(),
    short: [...debt.short].sort(byPayer),
    ...(away.length > 0 ? { away: away.sort(byPayer).map(([p, b]) => [p, b.toString()] as [string, string]) } : {}),
    ...(contracts.length > 0 ? { contracts: contracts.sort(byPayer).map(([p, b]) => [p, b.toString()] as [string, string]) } : {}),
    ...(charged.length > 0 ? { charged: charged.sort(byPayer).map(([p, c]) => [p, c.bytes.toString(), c.paid.toString()] as [string, string, string]) } : {}),
  };
}

/**
 * Whether a ram.iost action reads or changes the publisher's free RAM and its `SR`/`TR` records: all but a buy
 * for another account (the SDK's newAccount), whose bytes go to that account.
 */
const touchesPublisherRam = (a: Action, pub: string) => a.contract === "ram.iost" && (a.actionName !== "buy" || stringArg(a, 1) === pub);

/**
 * Whether the action receipt `h` sent takes the publisher's RAM along (escrowRam): only parts that
 * can charge it do (user contracts and updateCode, ram.iost but buy, token.iost create and issue, and a part
 * carrying the publisher's records of a token, takeTokens, which may be new there). The system
 * actions forwarded otherwise (signUp, buy, pledge, Proof of Believability) charge their own
 * contracts or the new account, and the publisher keeps its RAM at home meanwhile.
 */
export function carriesRam(h: Host): boolean {
  const r = h.outbox.find((x) => x.kind === "action");
  if (r?.tokens !== undefined) return true;
  const actions = r?.forward?.actions;
  if (actions?.length === 0) return true; // a part claiming symbols or paying co-signers' RAM: the publisher's owed bytes go with it
  return (actions ?? []).some(
    // token721.iost's actions charge their issuer or sender (the publisher, usually) for every record.
    (a) =>
      (a.contract === "ram.iost" && a.actionName !== "buy") ||
      a.contract === TOKEN721 ||
      TOKEN_HOME.has(`${a.contract}/${a.actionName}`) ||
      // balanceOf unfreezes what is due into the holder's balance record, charged to the publisher.
      `${a.contract}/${a.actionName}` === "token.iost/balanceOf" ||
      updatedContract(a) !== undefined ||
      isContractId(a.contract),
  );
}

/**
 * The RAM escrow of the action receipt `h` sent, when it carries one: the
 * free RAM of the publisher and of each co-signer of this shard, so a
 * forwarded part can charge their RAM as one shard would (docs/SHARDING.md "RAM escrow"); the settle brings back
 * what it did not use. `debt`: the home part's RAM the chain's last part
 * pays (docs/SHARDING.md "RAM of a chain"). No row is written when there is
 * no free RAM.
 */
export function escrowRam(h: Host, debt: Debt | undefined): void {
  const r = h.outbox.find((x) => x.kind === "action");
  if (!r || !debt) return;
  const pub = h.tx.publisher;
  const owed = debtOf(debt);
  if (owed) r.forward!.debt = owed;
  // ram.iost actions there read and change the publisher's bought and held RAM: copies travel, changes come back.
  // So may a contract: a lend of it, and a read of them (storage.globalGet), which one shard answers whatever the tx.
  if (r.forward!.actions.some((a) => touchesPublisherRam(a, pub) || a.contract.startsWith("Contract"))) {
    const held: Record<string, string> = {};
    for (const key of [ramRecordKey("SR", pub), ramRecordKey("TR", pub)]) {
      const raw = h.state.get(key);
      if (raw !== undefined) held[key] = raw;
    }
    if (Object.keys(held).length > 0) r.ramRecords = held;
  }
  // A part with no actions charges no co-signer: those of this shard were paid here.
  const signers = r.forward!.actions.length > 0 ? escrowSigners(h) : undefined;
  if (signers) r.signerRam = signers.ram;
  if (signers?.payers) r.forward!.signerPayers = signers.payers;
  const ram = balanceOf(h.state, "ram", pub);
  // "0" too: the part holds all the RAM the publisher has free, so the last part can reserve a credit's half from it.
  r.ram = ram.toString();
  // Its record is held there even at 0 (its payer named, "" too): a buy there writing it costs what one shard's
  // rewrite of it costs, not a new record's, and a read of it counts one shard's bytes (docs/SHARDING.md, _Bounds_).
  const held = h.state.get(mapKey(TOKEN, "TB" + pub, "ram")) !== undefined;
  if (ram <= 0n && !held) return;
  // The payer one shard's actions see: its doPay runs after them all, so a rewrite by this part's doPay ("") is not
  // theirs to see (a transfer of the publisher's RAM there would charge token.iost for renaming it back).
  const payer = namedRamPayer(h, pub);
  if (ram > 0n) addBalance(h.state, "ram", pub, -ram);
  if (payer !== "" || held) r.forward!.ramPayer = payer;
}

/**
 * The RAM escrow of the co-signers of this shard (not the publisher) when a part sends actions on:
 * a contract there may charge them (`storage.mapPut(k, f, v, who)`), and one shard pays a signer's
 * RAM once after every action, so their whole free RAM goes along (none: "0", its record held at 0) and
 * the part that runs after the last action pays what every part charged them from it
 * (docs/SHARDING.md "Co-signers' RAM escrow"). Undefined: none.
 */
export function escrowSigners(h: Host): { ram: Record<string, string>; payers?: Record<string, string> } | undefined {
  const ram: Record<string, string> = {};
  const payers: Record<string, string> = {};
  for (const acc of new Set([...h.tx.signerList].map((s) => s.split("@")[0]).sort())) {
    if (acc === h.tx.publisher || h.remoteShard(acc) !== null) continue;
    const bytes = balanceOf(h.state, "ram", acc);
    // Its escrow's record names the payer this one names ("" too), so a write of it there (a sale's) costs what one
    // shard's does; held there even at 0, as here, so a read of it counts one shard's bytes (docs/SHARDING.md, _Bounds_).
    // Named as before this tx's first doPay rewrite of it (a contract it owns paid here): one shard's doPay runs after
    // every action, so a sale there renaming the rewrite's none token.iost's would charge 10 bytes one shard never does.
    if (h.state.get(mapKey(TOKEN, "TB" + acc, "ram")) !== undefined) payers[acc] = namedRamPayer(h, acc);
    if (bytes > 0n) addBalance(h.state, "ram", acc, -bytes);
    ram[acc] = (bytes > 0n ? bytes : 0n).toString();
  }
  if (Object.keys(ram).length === 0) return undefined;
  return Object.keys(payers).length > 0 ? { ram, payers } : { ram };
}

/**
 * The home side of action receipts (sharding/forward.ts): which action of a tx
 * must run on another shard, and the receipt that carries the rest of the tx
 * there with its escrow and authority. The target side is forwarded.ts.
 */
import { Decimal } from "../amount.js";
import { addBalance, balanceOf, balancePayer, takeBalance, takeFrozen } from "../contracts/balance.js";
import { VmError } from "../contracts/errors.js";
import { type Host, isContractId } from "../contracts/host.js";
import { linkedContract } from "../contracts/monitor.js";
import { remoteContractShard } from "../sharding/directory.js";
import { escrowOf, type GuestAuthority } from "../sharding/forward.js";
import { type CarriedToken, isCarriedToken, ramRecordKey } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { placedByName, shardOf, tokenShard } from "../sharding/placement.js";
import type { Action } from "../tx/types.js";

/** The argument that names the account an action works for, per system action. */
const TARGET_ARG: Record<string, number> = {
  "auth.iost/signUp": 0,
  "ram.iost/buy": 1,
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

/** The shard a top-level token.iost create or issue must run on when not `sh`'s (its token's), else null. */
export function tokenHomeTarget(sh: { index: number; count: number }, action: Action): number | null {
  if (!TOKEN_HOME.has(`${action.contract}/${action.actionName}`)) return null;
  const sym = stringArg(action, 0);
  const shard = sym === undefined ? null : tokenShard(sym, sh.count);
  return shard === null || shard === sh.index ? null : shard;
}

/** exchange.iost/transfer to "" creates the account its memo names (`create:<name>:…`): it runs on that account's shard. */
function createdAccount(action: Action): string | undefined {
  if (`${action.contract}/${action.actionName}` !== "exchange.iost/transfer" || stringArg(action, 1) !== "") return undefined;
  const memo = stringArg(action, 3);
  return memo?.startsWith("create:") ? memo.split(":")[1] : undefined;
}

/** The other shard an action must run on, or null when it runs here. */
export function forwardTarget(h: Host, action: Action): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || h.tx.guest) return null;
  const contract = remoteContractShard(h.state, sh, linkedContract(h.state, action.contract));
  if (contract !== null) return contract;
  const token = tokenHomeTarget(sh, action);
  if (token !== null) return token;
  const at = TARGET_ARG[`${action.contract}/${action.actionName}`];
  const target = at === undefined ? createdAccount(action) : stringArg(action, at);
  const shard = target !== undefined && placedByName(target) ? shardOf(target, sh.count) : null;
  return shard === null || shard === sh.index ? null : shard;
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

/** Takes `publisher`'s records of the `carried` tokens out of this shard's state, to travel in a receipt (undefined: none carried). */
export function takeTokens(state: State, publisher: string, carried: ReadonlySet<string>): Record<string, CarriedToken> | undefined {
  if (carried.size === 0) return undefined;
  const out: Record<string, CarriedToken> = {};
  for (const sym of carried) {
    const balance = takeBalance(state, sym, publisher);
    const frozen = takeFrozen(state, sym, publisher);
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
 * Sends `actions` to shard `target` as an action receipt: debits the escrow
 * from the publisher here and queues the receipt with the tx's authority.
 */
export function sendActions(h: Host, actions: Action[], target: number, vmGas: number): void {
  const tx = h.tx;
  const have = balanceOf(h.state, "iost", tx.publisher);
  const escrow = escrowOf(tx.amountLimit, have);
  if (have < escrow) {
    throw new VmError(
      `balance not enough for the escrow of actions on shard ${target}: ${new Decimal(have, 8).toString()} < ${new Decimal(escrow, 8).toString()}`,
    );
  }
  const payer = balancePayer(h.state, "iost", tx.publisher);
  addBalance(h.state, "iost", tx.publisher, -escrow);
  // token.iost reads the frozen iost with the balance (and unfreezes what is due): it goes along, so the
  // forwarded part reads, charges and unfreezes as one shard would (docs/SHARDING.md "Proof of Believability across shards").
  const frozen = takeFrozen(h.state, "iost", tx.publisher);
  // An amount issued or sent to the publisher there stays its balance for the part's later actions, as on
  // one shard: its records of the tokens the actions name go along and come back with the settle.
  const tokens = takeTokens(h.state, tx.publisher, new Set(namedTokens(actions)));
  const at = TARGET_ARG[`${actions[0].contract}/${actions[0].actionName}`];
  // Token actions name their symbol, not an account: the contract is the counterpart.
  h.outbox.push({
    id: h.nextReceiptId(),
    kind: "action",
    txHash: tx.hash,
    fromShard: h.block.shard!.index,
    toShard: target,
    token: "iost",
    account: tx.publisher,
    counterpart: at === undefined ? actions[0].contract : String((JSON.parse(actions[0].data) as unknown[])[at]),
    amount: escrow.toString(),
    ...(frozen === undefined ? {} : { frozen }),
    ...(tokens === undefined ? {} : { tokens }),
    message: "",
    forward: {
      actions,
      publisher: tx.publisher,
      time: tx.time.toString(),
      expiration: tx.expiration.toString(),
      gasRatio: tx.gasRatio.toString(),
      vmGas,
      amountLimit: [...tx.amountLimit],
      authority: authorityOf(h),
      ...(payer === "" ? {} : { escrowPayer: payer }),
    },
  });
}

/**
 * The RAM escrow of the action receipt `h` sent: the free RAM of the publisher
 * and of each co-signer of this shard once the home part paid its own, so a
 * forwarded part can charge their RAM as one shard would (docs/SHARDING.md
 * "RAM escrow"); the settle brings back what it did not use. No row is
 * written when there is none.
 * Only parts that can charge it take it (user contracts, ram.iost but buy):
 * the system actions forwarded otherwise (signUp, buy, pledge, Proof of
 * Believability) charge their own contracts or the new account, and the
 * publisher keeps its RAM at home meanwhile.
 */
export function escrowRam(h: Host): void {
  const r = h.outbox.find((x) => x.kind === "action");
  if (!r) return;
  const pub = h.tx.publisher;
  const actions = r.forward!.actions;
  // A buy pays in iost for the receiver's RAM (the iost SDK's newAccount forwards one): the publisher's stays home.
  const ramIost = actions.some((a) => a.contract === "ram.iost" && a.actionName !== "buy");
  // token.iost's create and issue charge the publisher for the token's records, as on one shard, and so
  // does a balance or frozen record of a token it carries (takeTokens) that is new there.
  const tokenRam = r.tokens !== undefined || actions.some((a) => TOKEN_HOME.has(`${a.contract}/${a.actionName}`));
  if (!ramIost && !tokenRam && !actions.some((a) => isContractId(a.contract))) return;
  // ram.iost actions there read and change the publisher's bought and held RAM: copies travel, changes come back.
  if (ramIost) {
    const held: Record<string, string> = {};
    for (const key of [ramRecordKey("SR", pub), ramRecordKey("TR", pub)]) {
      const raw = h.state.get(key);
      if (raw !== undefined) held[key] = raw;
    }
    if (Object.keys(held).length > 0) r.ramRecords = held;
  }
  // A contract there may charge a co-signer's RAM too (`storage.mapPut(k, f, v, who)`): one of this shard goes along.
  const signerRam: Record<string, string> = {};
  for (const acc of new Set([...h.tx.signerList].map((s) => s.split("@")[0]).sort())) {
    const bytes = acc === pub || h.remoteShard(acc) !== null ? 0n : balanceOf(h.state, "ram", acc);
    if (bytes <= 0n) continue;
    addBalance(h.state, "ram", acc, -bytes);
    signerRam[acc] = bytes.toString();
  }
  if (Object.keys(signerRam).length > 0) r.signerRam = signerRam;
  const ram = balanceOf(h.state, "ram", pub);
  if (ram <= 0n) return;
  const payer = balancePayer(h.state, "ram", pub);
  addBalance(h.state, "ram", pub, -ram);
  r.ram = ram.toString();
  if (payer !== "") r.forward!.ramPayer = payer;
}

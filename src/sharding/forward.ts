/**
 * Action receipts (docs/SHARDING.md "Cross-shard effects"): a tx whose action creates or funds an
 * account placed on another shard (auth.iost signUp, ram.iost buy for a
 * receiver, gas.iost pledge or unpledge for a user) or calls a user contract that lives on
 * another shard (directory.ts) runs on its publisher's shard up to that
 * action; the rest of its actions travel to the target shard as one `action`
 * receipt and run there in the next block, with
 * - the publisher's authority, resolved at home where its permissions live;
 * - an escrow of the publisher's iost (the tx's iost amount_limit), debited at
 *   home and held there as the publisher's balance while the actions run;
 * - the tx's remaining VM gas as their gas limit, charged at home as a
 *   reservation (executor/index.ts).
 * The target answers with a `settle` receipt returning the unused escrow (all
 * of it when the forwarded actions failed, which roll back) and the gas used.
 */
import { Decimal } from "../amount.js";
import { VmError } from "../contracts/errors.js";
import type { Host } from "../contracts/host.js";
import { limitValue, UNLIMITED } from "../tx/amount-limit.js";
import type { Action, AmountLimit } from "../tx/types.js";
import { addBalance, balanceOf } from "./balance.js";
import { remoteContractShard } from "./directory.js";
import { placedByName, shardOf } from "./placement.js";

/** Which permissions of a signer the tx satisfies, as its home shard resolved them. */
export interface GuestAuthority {
  account: string;
  /** Permissions named by the tx's signers (`publisher@active` at least). */
  signed: string[];
  /** Permissions the account defines (an undefined one falls back to `active`, as host.auth does). */
  defined: string[];
}

export interface Forwarded {
  actions: Action[];
  publisher: string;
  /** ns, ×100 and gas units as decimal text (JSON-safe). */
  time: string;
  expiration: string;
  gasRatio: string;
  /** VM gas left for the forwarded actions: reserved at home, their gas limit there. */
  vmGas: number;
  amountLimit: AmountLimit[];
  authority: GuestAuthority[];
}

const IOST_SCALE = 8;

/** The argument that names the account an action works for, per system action. */
const TARGET_ARG: Record<string, number> = {
  "auth.iost/signUp": 0,
  "ram.iost/buy": 1,
  "gas.iost/pledge": 1,
  // The pledge lives with the user: unpledging runs there, the refund comes home frozen (gas.ts).
  "gas.iost/unpledge": 1,
};

/** The other shard an action must run on, or null when it runs here. */
export function forwardTarget(h: Host, action: Action): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || h.tx.guest) return null;
  const contract = remoteContractShard(h.state, sh, action.contract);
  if (contract !== null) return contract;
  const at = TARGET_ARG[`${action.contract}/${action.actionName}`];
  if (at === undefined) return null;
  let args: unknown;
  try {
    args = JSON.parse(action.data);
  } catch {
    return null; // the action fails here with the contract's own argument error
  }
  const target = Array.isArray(args) ? args[at] : undefined;
  if (typeof target !== "string" || !placedByName(target)) return null;
  const shard = shardOf(target, sh.count);
  return shard === sh.index ? null : shard;
}

/**
 * The escrow: what the tx allows the publisher to spend in iost (its `iost`
 * amount_limit, else its `*` one, read as the monitor reads them, else
 * nothing), smallest units, never negative; "unlimited" escrows the whole
 * balance, which stays away from home until the settle receipt returns what
 * was not spent (two blocks).
 */
export function escrowOf(limits: readonly AmountLimit[], balance: bigint): bigint {
  const l = limits.find((x) => x.token === "iost") ?? limits.find((x) => x.token === "*");
  if (!l) return 0n;
  const v = limitValue(l, l.token === "*" ? 0 : IOST_SCALE);
  return v === UNLIMITED ? balance : v.rescale(IOST_SCALE).value;
}

/** The authority of the tx's signers, resolved on their home shard. */
export function authorityOf(h: Host): GuestAuthority[] {
  const byAccount = new Map<string, string[]>();
  for (const s of [...h.tx.signerList].sort()) {
    const [account, perm] = s.split("@");
    byAccount.set(account, [...(byAccount.get(account) ?? []), perm]);
  }
  return [...byAccount].map(([account, signed]) => {
    const a = h.db.mget("auth.iost", "auth", account);
    const defined = a && a.t === "s" ? Object.keys((JSON.parse(a.v) as { permissions: object }).permissions).sort() : [];
    return { account, signed, defined };
  });
}

/** requireAuth for an account of another shard, from the authority the action receipt carries. */
export function guestAuth(guest: readonly GuestAuthority[], id: string, perm: string): boolean | undefined {
  const g = guest.find((x) => x.account === id);
  if (!g) return undefined;
  if (g.signed.includes(perm)) return true;
  return perm !== "owner" && perm !== "active" && !g.defined.includes(perm) && g.signed.includes("active");
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
    throw new VmError(`balance not enough for the escrow of actions on shard ${target}: ${new Decimal(have, 8).toString()} < ${new Decimal(escrow, 8).toString()}`);
  }
  addBalance(h.state, "iost", tx.publisher, -escrow);
  const at = TARGET_ARG[`${actions[0].contract}/${actions[0].actionName}`];
  h.outbox.push({
    id: `${tx.hash}:${h.outbox.length}`,
    kind: "action",
    txHash: tx.hash,
    fromShard: h.block.shard!.index,
    toShard: target,
    token: "iost",
    account: tx.publisher,
    counterpart: at === undefined ? actions[0].contract : String((JSON.parse(actions[0].data) as unknown[])[at]),
    amount: escrow.toString(),
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
    },
  });
}

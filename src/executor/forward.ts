/**
 * The home side of action receipts (sharding/forward.ts): which action of a tx
 * must run on another shard, and the receipt that carries the rest of the tx
 * there with its escrow and authority. The target side is forwarded.ts.
 */
import { Decimal } from "../amount.js";
import { addBalance, balanceOf, balancePayer, takeFrozen } from "../contracts/balance.js";
import { VmError } from "../contracts/errors.js";
import { type Host, isContractId } from "../contracts/host.js";
import { remoteContractShard } from "../sharding/directory.js";
import { escrowOf, type GuestAuthority } from "../sharding/forward.js";
import { ramRecordKey } from "../sharding/receipts.js";
import { placedByName, shardOf, tokenShard } from "../sharding/placement.js";
import type { Action } from "../tx/types.js";
import type { Debt } from "./index.js";

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

/**
 * The other shard an action must run on, or null when it runs here. A
 * forwarded part routes its system actions for accounts of other shards the
 * same way (forwarded.ts); token.iost's create and issue only at home.
 */
export function forwardTarget(h: Host, action: Action): number | null {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return null;
  const contract = remoteContractShard(h.state, sh, action.contract);
  if (contract !== null) return contract;
  const name = `${action.contract}/${action.actionName}`;
  if (h.tx.guest && TOKEN_HOME.has(name)) return null;
  const at = TOKEN_HOME.has(name) ? 0 : TARGET_ARG[name];
  if (at === undefined) return null;
  let args: unknown;
  try {
    args = JSON.parse(action.data);
  } catch {
    return null; // the action fails here with the contract's own argument error
  }
  const target = Array.isArray(args) ? args[at] : undefined;
  if (typeof target !== "string") return null;
  const shard = TOKEN_HOME.has(name) ? tokenShard(target, sh.count) : placedByName(target) ? shardOf(target, sh.count) : null;
  return shard === null || shard === sh.index ? null : shard;
}

/** The authority of the tx's signers, resolved on their home shard. */
function authorityOf(h: Host): GuestAuthority[] {
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
 * Whether the action receipt `h` sent takes the publisher's RAM along (escrowRam): only parts that
 * can charge it do (user contracts, ram.iost but buy, token.iost create and issue). The system
 * actions forwarded otherwise (signUp, buy, pledge, Proof of Believability) charge their own
 * contracts or the new account, and the publisher keeps its RAM at home meanwhile.
 */
export function carriesRam(h: Host): boolean {
  const actions = h.outbox.find((x) => x.kind === "action")?.forward?.actions ?? [];
  return actions.some(
    (a) => (a.contract === "ram.iost" && a.actionName !== "buy") || TOKEN_HOME.has(`${a.contract}/${a.actionName}`) || isContractId(a.contract),
  );
}

/**
 * The RAM escrow of the action receipt `h` sent, when it carries one: the
 * publisher's free RAM, so a forwarded part can charge the publisher's RAM
 * as one shard would (docs/SHARDING.md "RAM escrow"); the settle brings back
 * what it did not use. `debt`: the home part's RAM the chain's last part
 * pays (docs/SHARDING.md "RAM of a chain"). No row is written when there is
 * no free RAM.
 */
export function escrowRam(h: Host, debt: Debt | undefined): void {
  const r = h.outbox.find((x) => x.kind === "action");
  if (!r || !debt) return;
  const pub = h.tx.publisher;
  if (debt.owed !== 0n || debt.short.size > 0) r.forward!.debt = { owed: debt.owed.toString(), short: [...debt.short].sort(([a], [b]) => (a < b ? -1 : 1)) };
  // ram.iost actions there read and change the publisher's bought and held RAM: copies travel, changes come back.
  if (r.forward!.actions.some((a) => a.contract === "ram.iost" && a.actionName !== "buy")) {
    const held: Record<string, string> = {};
    for (const key of [ramRecordKey("SR", pub), ramRecordKey("TR", pub)]) {
      const raw = h.state.get(key);
      if (raw !== undefined) held[key] = raw;
    }
    if (Object.keys(held).length > 0) r.ramRecords = held;
  }
  const ram = balanceOf(h.state, "ram", pub);
  if (ram <= 0n) return;
  const payer = balancePayer(h.state, "ram", pub);
  addBalance(h.state, "ram", pub, -ram);
  r.ram = ram.toString();
  if (payer !== "") r.forward!.ramPayer = payer;
}

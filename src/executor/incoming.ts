/**
 * A chunk's incoming cross-shard receipts applied to its shard's state: the
 * receipt kinds and their rules are sharding/receipts.ts; applying them runs
 * token, gas and forwarded-action code, so it lives on this side.
 */
import { addBalance, addFrozen } from "../contracts/balance.js";
import { ERR } from "../contracts/errors.js";
import { refundGas } from "../contracts/gas.js";
import { Cost } from "../contracts/cost.js";
import { type BlockContext, Host, type TxContext } from "../contracts/host.js";
import { monitorCall } from "../contracts/monitor.js";
import { receiveCredit as receiveTokens, TOKEN } from "../contracts/token.js";
import { applyRegister } from "../sharding/directory.js";
import { placedByName } from "../sharding/placement.js";
import { checkReceipt, type CrossReceipt, type ForwardResult, SETTLE, type Settlement, settleOf } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, int, mapKey, str } from "../state/storage.js";
import { type Escrow, recordValue, runForwarded } from "./forwarded.js";
import { addUsedRam, ramUsageOf } from "./index.js";

function isAccount(db: ContractDB, name: string): boolean {
  return name.startsWith("Contract") || name.endsWith(".iost") || db.mhas("auth.iost", "auth", name);
}

/** A token destroyed on another shard leaves the chain's supply (this token's shard's record), raw as Go's SetTokenBalance. */
function applyBurn(state: State, r: CrossReceipt): void {
  const key = mapKey("token.iost", "TI" + r.token, "supply");
  const cur = decodeValue(state.get(key));
  const supply = cur && cur.value.t === "i" ? cur.value.v : 0n;
  state.put(key, encodeValue(int(supply - BigInt(r.amount)), cur?.payer ?? ""));
}

/**
 * The receiver's half of a credit sent by a tx at home (token.ts receiveCredit), counted as on one
 * shard: its gas and RAM go back in the settle for the publisher's home to charge. Records the
 * publisher pays carry its name, as on one shard; token.iost's own RAM is free, as there.
 */
function receiveCredit(state: State, block: BlockContext, r: CrossReceipt, payer: NonNullable<CrossReceipt["payer"]>): ForwardResult {
  const tx: TxContext = {
    publisher: payer.publisher,
    hash: r.txHash,
    time: block.time,
    expiration: block.time,
    gasRatio: BigInt(payer.gasRatio),
    gasLimit: 0n,
    amountLimit: [],
    actions: [],
    authList: new Map(),
    signerList: new Set(),
  };
  const h = new Host(state, block, tx, monitorCall);
  h.initStack();
  h.setStackInfo(TOKEN, payer.op ?? "transfer");
  const c = new Cost();
  const until = r.freezeUntil === undefined ? undefined : BigInt(r.freezeUntil);
  receiveTokens(h, c, r.token, r.account, BigInt(r.amount), payer.op ?? "transfer", until);
  h.flushCacheCost();
  const ramUsage: Record<string, string> = {};
  for (const [k, v] of Object.entries(ramUsageOf(h))) ramUsage[k] = v.toString();
  return { gasReserved: 0, gasUsed: c.toGas(), gasRatio: payer.gasRatio, returns: [], receipts: [], ramUsage, credit: { publisher: payer.publisher } };
}

/**
 * Charges the publisher, at its home, for a credit's receiver half: its gas, and the RAM of records it
 * pays there from its free RAM (down to none: it was spent meanwhile, docs/SHARDING.md "Not done yet").
 */
function chargeHalf(state: State, f: ForwardResult, time: bigint): void {
  const pub = f.credit!.publisher;
  if (!placedByName(pub)) return; // a base tx (base.iost's): its gas is counted, paid by nobody
  refundGas(state, pub, -BigInt(f.gasRatio) * BigInt(f.gasUsed), time);
  const bytes = BigInt(f.ramUsage[pub] ?? "0");
  if (bytes === 0n) return;
  const free = decodeValue(state.get(mapKey("token.iost", "TB" + pub, "ram")));
  const have = free && free.value.t === "i" ? free.value.v : 0n;
  addBalance(state, "ram", pub, -(bytes < have ? bytes : have));
  addUsedRam(state, pub, bytes);
}

/**
 * Applies a chunk's incoming receipts in their canonical order (by source
 * shard, then as the source emitted them), skipping ids in `seen`
 * (a receipt is applied once). Returns the receipts to send on (settles, and
 * credits sent by forwarded actions) and the settlements of this shard's txs.
 */
export function applyIncoming(
  state: State,
  shard: number,
  block: BlockContext,
  incoming: readonly CrossReceipt[],
  seen: (id: string) => boolean,
): { outgoing: CrossReceipt[]; settled: Settlement[]; applied: string[] } {
  const db = new ContractDB(state);
  const outgoing: CrossReceipt[] = [];
  const settled: Settlement[] = [];
  const applied: string[] = [];
  const done = new Set<string>();
  // A publisher's unused escrow, passed on to its next part in this chunk (docs/SHARDING.md "Escrow").
  const carry = new Map<string, Escrow>();
  const pending = (r: CrossReceipt) => !seen(r.id) && !done.has(r.id);
  for (const r of incoming) checkReceipt(r, block.shard?.count ?? 1);
  for (const [i, r] of incoming.entries()) {
    if (r.toShard !== shard) throw new Error(`receipt ${r.id} is for shard ${r.toShard}, not ${shard}`);
    if (seen(r.id) || done.has(r.id)) continue;
    done.add(r.id);
    applied.push(r.id);
    const amount = BigInt(r.amount);
    if (r.kind === "register") {
      applyRegister(state, r);
    } else if (r.kind === "burn") {
      applyBurn(state, r);
    } else if (r.kind === "token") {
      // The definition as its shard wrote it (payer and all): this shard's copy, never its supply.
      for (const [key, raw] of Object.entries(r.def!)) state.put(key, raw);
    } else if (r.kind === "action") {
      const who = `${r.fromShard}:${r.account}`;
      const ran = runForwarded(state, r, block, carry.get(who) ?? { iost: 0n, ram: 0n });
      carry.delete(who);
      // The publisher's next part here runs on what this one left, as its next tx would on one shard.
      const next = incoming.slice(i + 1).some((x) => x.kind === "action" && x.fromShard === r.fromShard && x.account === r.account && pending(x));
      if (next) carry.set(who, { iost: ran.leftover, ram: ran.ram });
      const [iost, left] = next ? [0n, 0n] : [ran.leftover, ran.ram];
      const ram = left > 0n ? { ram: left.toString() } : {};
      const records = Object.keys(ran.ramRecords).length > 0 ? { ramRecords: ran.ramRecords } : {};
      outgoing.push({ ...settleOf(r, shard), amount: iost.toString(), ...ram, ...records, message: ran.message, result: ran.result }, ...ran.outgoing);
    } else if (r.kind === "credit") {
      // A symbol is created once on the chain (on its shard, which announced it before any credit of
      // it could leave), so a known symbol is the sender's token; an unknown one is refunded, never merged.
      const known = db.mhas("token.iost", "TI" + r.token, "issuer");
      const why = !known ? ERR.tokenNotExists : isAccount(db, r.account) ? "" : `invalid account ${r.account}`;
      if (r.probe) state.checkpoint();
      const result = why === "" && r.payer ? receiveCredit(state, block, r, r.payer) : undefined;
      // A failed tx's credit: the gas of its half only (a failed tx is charged no RAM).
      if (r.probe) {
        state.rollback();
        if (result) result.ramUsage = {};
      }
      if (why === "" && !result) {
        if (r.freezeUntil === undefined) addBalance(state, r.token, r.account, amount, r.ramPayer);
        else addFrozen(state, r.token, r.account, amount, BigInt(r.freezeUntil), r.ramPayer);
      }
      if (result && r.payer?.atHome) {
        // This is the publisher's home: charge its half here, into the receipt its part's settle completes.
        chargeHalf(state, result, block.time);
        settled.push({ txHash: r.txHash, receiptId: r.id, ok: true, message: "", result, extra: true });
      }
      const back = result && !r.payer?.atHome ? { result } : {};
      // A probe moved nothing: nothing to refund, nothing failed.
      const message = r.probe ? "" : why;
      outgoing.push({ ...settleOf(r, shard), amount: message === "" ? "0" : r.amount, message, ...back });
    } else {
      // An issue's credit comes back to token.iost: nothing was issued after all.
      if (amount > 0n && r.account === "token.iost") applyBurn(state, r);
      else if (amount > 0n) addBalance(state, r.token, r.account, amount);
      if (r.ram !== undefined) addBalance(state, "ram", r.account, BigInt(r.ram));
      // What the forwarded ram.iost actions changed of the publisher's records, onto their value here now.
      for (const [key, d] of Object.entries(r.ramRecords ?? {})) {
        const raw = state.get(key);
        state.put(key, encodeValue(str((recordValue(raw) + BigInt(d)).toString()), decodeValue(raw)?.payer ?? ""));
      }
      // RAM the publisher's escrow paid (or freed) there is its used RAM, which lives here.
      const ramUsed = r.result?.credit ? undefined : r.result?.ramUsage[r.account];
      if (ramUsed !== undefined) addUsedRam(state, r.account, BigInt(ramUsed));
      // The gas the home shard reserved and the forwarded part did not use goes back to the publisher;
      // a credit's receiver half reserved none and is charged.
      const f = r.result;
      if (f?.credit) chargeHalf(state, f, block.time);
      else if (f) refundGas(state, r.account, BigInt(f.gasRatio) * BigInt(f.gasReserved - f.gasUsed), block.time);
      settled.push({
        txHash: r.txHash,
        receiptId: r.id.slice(0, -SETTLE.length),
        ok: r.message === "",
        message: r.message,
        ...(r.result ? { result: r.result } : {}),
      });
    }
  }
  return { outgoing, settled, applied };
}

/**
 * A chunk's incoming cross-shard receipts applied to its shard's state: the
 * receipt kinds and their rules are sharding/receipts.ts; applying them runs
 * token, gas and forwarded-action code, so it lives on this side.
 */
import { addBalance, addFrozen } from "../contracts/balance.js";
import { ERR } from "../contracts/errors.js";
import { refundGas } from "../contracts/gas.js";
import type { BlockContext } from "../contracts/host.js";
import { applyRegister } from "../sharding/directory.js";
import { checkReceipt, SETTLE, settleOf, type CrossReceipt, type Settlement } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, int, mapKey, str } from "../state/storage.js";
import { type Escrow, recordValue, runForwarded } from "./forwarded.js";
import { addUsedRam } from "./index.js";

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
      if (why === "") {
        if (r.freezeUntil === undefined) addBalance(state, r.token, r.account, amount, r.payer);
        else addFrozen(state, r.token, r.account, amount, BigInt(r.freezeUntil), r.payer);
      }
      outgoing.push({ ...settleOf(r, shard), amount: why === "" ? "0" : r.amount, message: why });
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
      const ramUsed = r.result?.ramUsage[r.account];
      if (ramUsed !== undefined) addUsedRam(state, r.account, BigInt(ramUsed));
      // The gas the home shard reserved and the forwarded part did not use goes back to the publisher.
      if (r.result) refundGas(state, r.account, BigInt(r.result.gasRatio) * BigInt(r.result.gasReserved - r.result.gasUsed), block.time);
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

/**
 * A chunk's incoming cross-shard receipts applied to its shard's state: the
 * receipt kinds and their rules are sharding/receipts.ts; applying them runs
 * token, gas and forwarded-action code, so it lives on this side.
 */
import { addBalance, addFrozen } from "../contracts/balance.js";
import { refundGas } from "../contracts/gas.js";
import type { BlockContext } from "../contracts/host.js";
import { CROSS_SHARD_TOKEN } from "../contracts/token.js";
import { applyRegister } from "../sharding/directory.js";
import { awaitsSettle, checkReceipt, SETTLE, settleOf, type CrossReceipt, type Settlement } from "../sharding/receipts.js";
import type { State } from "../state/state.js";
import { ContractDB, decodeValue, encodeValue, int, mapKey, str } from "../state/storage.js";
import { recordValue, runForwarded } from "./forwarded.js";
import { ShardState } from "./guard.js";
import { addUsedRam } from "./index.js";
import { DEFERRED, lockTx, relayed, unlockTx } from "./locks.js";

function isAccount(db: ContractDB, name: string): boolean {
  return name.startsWith("Contract") || name.endsWith(".iost") || db.mhas("auth.iost", "auth", name);
}

/** iost destroyed on another shard leaves the chain's supply (this consensus shard's record), raw as Go's SetTokenBalance. */
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
  pulled: readonly CrossReceipt[],
  seen: (id: string) => boolean,
): { outgoing: CrossReceipt[]; settled: Settlement[]; applied: string[] } {
  const db = new ContractDB(state);
  const outgoing: CrossReceipt[] = [];
  const settled: Settlement[] = [];
  const applied: string[] = [];
  const done = new Set<string>();
  const guard = state instanceof ShardState ? state : null;
  // Receipts that waited for a lock come first, in the order they arrived (locks.ts).
  const before = state.get(DEFERRED);
  const incoming = [...(before === undefined ? [] : (JSON.parse(before) as CrossReceipt[])), ...pulled];
  const deferred: CrossReceipt[] = [];
  for (const r of pulled) checkReceipt(r);
  let unlocked = false;
  // Receipts that waited and were unlocked by a settle of this chunk run in it: no later block need come for them.
  for (let pass = 0, queue = incoming; pass < 2 && queue.length > 0; pass++, queue = unlocked ? deferred.splice(0) : []) {
    for (const r of queue) {
      if (r.toShard !== shard) throw new Error(`receipt ${r.id} is for shard ${r.toShard}, not ${shard}`);
      if (pass === 0 && (seen(r.id) || done.has(r.id))) continue;
      done.add(r.id);
      guard?.watch(r.kind === "settle" ? r.txHash : null);
      state.checkpoint();
      const out: CrossReceipt[] = [];
      let settlement: Settlement | null = null;
      const amount = BigInt(r.amount);
      if (r.kind === "register") {
        applyRegister(state, r);
      } else if (r.kind === "burn") {
        applyBurn(state, r);
      } else if (r.kind === "action") {
        // A publisher has one part in flight at a time: its next tx waits at home for this one's settle (locks.ts).
        const ran = runForwarded(state, r, block);
        const ram = ran.ram > 0n ? { ram: ran.ram.toString() } : {};
        const records = Object.keys(ran.ramRecords).length > 0 ? { ramRecords: ran.ramRecords } : {};
        const settle = { ...settleOf(r, shard), amount: ran.leftover.toString(), ...ram, ...records, message: ran.message, result: ran.result };
        if (ran.onward) {
          // The rest went on to a third shard: this part is undoable, its settle and credits held, until that one settles.
          const relay = { settle: settleOf(r, shard), escrow: r.amount, ram: r.ram ?? "0", result: ran.result, ramRecords: ran.ramRecords };
          lockTx(state, r.txHash, r.account, ran.outgoing, relay);
          out.push(ran.onward);
        } else out.push(settle, ...ran.outgoing);
      } else if (r.kind === "credit") {
        // token.iost sends only iost across shards; anything else is refused here too, never merged.
        const why = r.token !== CROSS_SHARD_TOKEN ? `token ${r.token} does not cross shards` : isAccount(db, r.account) ? "" : `invalid account ${r.account}`;
        if (why === "") {
          if (r.freezeUntil === undefined) addBalance(state, r.token, r.account, amount);
          else addFrozen(state, r.token, r.account, amount, BigInt(r.freezeUntil));
        }
        out.push({ ...settleOf(r, shard), amount: why === "" ? "0" : r.amount, message: why });
      } else {
        const ok = r.message === "";
        // A tx's home part is undone when its forwarded part failed: its balances are back to before
        // the tx (escrow included), so only the unused gas is given back (locks.ts).
        const { held, locked, relay } = r.result ? unlockTx(state, r.txHash, ok) : { held: [], locked: false };
        const undone = locked && !ok;
        unlocked ||= locked;
        if (relay) {
          // A middle part of a chain: its settle goes back along the chain; the tx is not this shard's.
          out.push(relayed(relay, r), ...held);
        } else {
          if (amount > 0n && !undone) addBalance(state, r.token, r.account, amount);
          if (r.ram !== undefined && !undone) addBalance(state, "ram", r.account, BigInt(r.ram));
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
          out.push(...held);
          settlement = {
            txHash: r.txHash,
            receiptId: r.id.slice(0, -SETTLE.length),
            ok,
            message: r.message,
            ...(r.result ? { result: r.result } : {}),
            ...(held.some(awaitsSettle) ? { more: held.filter(awaitsSettle).length } : {}),
          };
        }
      }
      if (guard?.conflict != null) {
        // It read or wrote what an in-flight tx may still undo: it waits, as a tx waits in the pool.
        state.rollback();
        deferred.push(r);
        continue;
      }
      state.release();
      applied.push(r.id);
      outgoing.push(...out);
      if (settlement) settled.push(settlement);
    }
  }
  guard?.watch();
  const after = deferred.length === 0 ? undefined : JSON.stringify(deferred);
  if (after !== before) after === undefined ? state.del(DEFERRED) : state.put(DEFERRED, after);
  return { outgoing, settled, applied };
}

/**
 * system.iost 1.0.0 (go-iost vm/native/system.go): requireAuth, receipt,
 * cancelDelaytx, can_update. Contract deployment (setCode, updateCode,
 * initSetCode, updateNativeCode, hostSettings) arrives with the JavaScript VM:
 * it registers those ABIs here through `registerSystemAbi`.
 */
import { COSTS } from "./cost.js";
import type { Host } from "./host.js";
import { VmError } from "./errors.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { canUpdateAdmin } from "./token.js";
import { registerOf } from "../sharding/directory.js";
import { dropNote } from "../sharding/pending.js";

export const SYSTEM = "system.iost";

const def = nativeContract({
  id: SYSTEM,
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  shared: [canUpdateAdmin],
  abis: {
    requireAuth: [["string", "string"], (h, args, c) => [h.requireAuth(c, args[0] as string, args[1] as string)]],
    receipt: [
      ["string"],
      (h, args, c) => {
        h.receipt(c, args[0] as string);
        return [];
      },
    ],
    cancelDelaytx: [
      ["string"],
      (_h, _args, c) => {
        c.cpuAdd(COSTS.GetCost);
        throw new VmError("delaytx not exists");
      },
    ],
  },
});

/** Add an ABI to system.iost (for setCode/updateCode from the VM module). */
export function registerSystemAbi(abi: NativeAbi): void {
  def.abis.set(abi.name, abi.name === "setCode" ? announcing(abi) : abi);
}

/**
 * After a successful setCode, or a write of an account's auth.iost record (`auth`: the record as
 * stored): one `register` receipt to every other shard (in shard order), which writes the contract's
 * or account's directory entry (src/sharding/directory.ts). An account's later writes in the same tx
 * replace the record its receipts carry: only the last is the account's.
 */
export function announce(h: Host, id: string, auth?: string): void {
  const sh = h.block.shard;
  if (!sh || sh.count === 1) return;
  // Created here by a tx that noted it pending (sharding/pending.ts): no register comes here to drop the note.
  dropNote(h.state, id, h.tx.hash);
  for (let to = 0; to < sh.count; to++) {
    if (to === sh.index) continue;
    const sent = auth === undefined ? undefined : h.outbox.find((r) => r.kind === "register" && r.account === id && r.toShard === to);
    if (sent) {
      sent.auth = auth;
      continue;
    }
    // One per run of the tx: a later part back on the account's shard changing it again sends its own (the same id
    // would be taken for one already applied, and the change would never reach the other shards' copies).
    const rid = auth === undefined ? `${id}:register` : `${h.receiptPrefix()}auth:${id}`;
    h.outbox.push(registerOf(rid, h.tx.hash, [sh.index, to], id, h.tx.publisher, { at: h.block.number.toString(), ord: h.tx.ord }, auth));
  }
}

/**
 * setCode that also tells the other shards where the new contract lives
 * (src/sharding/directory.ts); the receipts leave only if the tx succeeds,
 * like every receipt of the tx.
 */
function announcing(setCode: NativeAbi): NativeAbi {
  return {
    ...setCode,
    fn: (h, args, c) => {
      const rtn = setCode.fn(h, args, c);
      announce(h, rtn[0] as string);
      return rtn;
    },
  };
}

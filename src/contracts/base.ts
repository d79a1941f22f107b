/**
 * base.iost: IOST's base.js (go-iost config/genesis/contract/base.js)
 * implemented natively. `exec` runs once per block, only from the block's base
 * tx (src/consensus/base-tx.ts): it counts the parent's witness as having
 * produced, counts the slots skipped since the parent as missed by their
 * scheduled owners (on a chain with a heartbeat only those from the parent's
 * time plus the heartbeat on: `missedFrom`), re-elects (vote_producer.iost/stat) every voteInterval
 * blocks, issues (issue.iost/issueIOST) every issueInterval blocks and pays
 * the parent's witness its block reward (bonus.iost/issueContribute).
 *
 * Storage (JSON text values as base.js writes them): `adminID`,
 * `execBlockNumber`, `witness_produced` / `witness_missed` ({pubkey: count},
 * the current round), consensus params `blockIntervalNs`, `blocksPerSlot`,
 * `voteInterval`, `issueInterval`, `heartbeatNs` (genesis, src/genesis/rewards.ts;
 * the last absent when 0).
 */
import { str } from "../state/storage.js";
import { slotOf, type Schedule } from "../consensus/schedule.js";
import type { Cost } from "./cost.js";
import { jsError } from "./errors.js";
import { asString, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { adminAbis } from "./admin.js";

export const BASE = "base.iost";
const VOTE_PRODUCER = "vote_producer.iost";

/** JSON value of a key written JS-style (a string holding JSON), null when absent. */
export function getJson(h: Host, c: Cost, key: string): unknown {
  const v = asString(h.get(c, key));
  return v === undefined || v === "" ? null : JSON.parse(v);
}
export function putJson(h: Host, c: Cost, key: string, v: unknown): void {
  h.put(c, key, str(JSON.stringify(v)));
}
export function requireAuthJs(h: Host, c: Cost, acc: string, perm: string): void {
  if (!h.requireAuth(c, acc, perm)) throw jsError("require auth failed. ret = false");
}

function paramInt(h: Host, c: Cost, key: string): bigint {
  const v = asString(h.get(c, key));
  if (v === undefined || !/^[0-9]+$/.test(v)) throw jsError(`consensus parameter ${key} not set`);
  return BigInt(v);
}

export interface BaseData {
  witness: string;
  parentTime: bigint;
}

/** `[{"parent":["<witness>","<time>"]}]` (the exec arg, as text). */
export function parseBaseData(text: string): BaseData {
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch {
    throw jsError("invalid base data " + text);
  }
  const p = (d as { parent?: unknown } | null)?.parent;
  if (!Array.isArray(p) || typeof p[0] !== "string" || typeof p[1] !== "string" || !/^[0-9]+$/.test(p[1])) throw jsError("invalid base data " + text);
  return { witness: p[0], parentTime: BigInt(p[1]) };
}

type Counts = Record<string, number>;

function readCounts(h: Host, c: Cost, key: string): Counts {
  const v = getJson(h, c, key);
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Counts) : {};
}
/** Keys sorted so every node writes the same text. */
function writeCounts(h: Host, c: Cost, key: string, m: Counts): void {
  const out: Counts = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  putJson(h, c, key, out);
}

/** How many s in [0, x] have s ≡ i (mod n). */
function upTo(x: bigint, i: bigint, n: bigint): bigint {
  return x < i ? 0n : (x - i) / n + 1n;
}

/**
 * Slots strictly between `from` and `to` (slot numbers), per owner of
 * `list` (slot s belongs to list[s mod n]): counted per list index, so a gap
 * of any length costs O(n).
 */
export function missedSlots(list: readonly string[], from: bigint, to: bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const n = BigInt(list.length);
  if (n === 0n || to - from < 2n) return out;
  for (let i = 0; i < list.length; i++) {
    const k = upTo(to - 1n, BigInt(i), n) - upTo(from, BigInt(i), n);
    if (k > 0n) out.set(list[i], (out.get(list[i]) ?? 0n) + k);
  }
  return out;
}

/** An optional consensus parameter: 0 when the genesis did not set it. */
function paramOr0(h: Host, c: Cost, key: string): bigint {
  const v = asString(h.get(c, key));
  return v === undefined || v === "" ? 0n : paramInt(h, c, key);
}

/**
 * The slot before the first one that counts as missed after a parent at
 * `parentTime`: the parent's own slot, or with a heartbeat (docs/POB.md) the
 * slot before the one where the heartbeat fell due. Until then no block was
 * owed, so skipped slots are idle, not missed.
 */
export function missedFrom(parentTime: bigint, heartbeatNs: bigint, sched: Schedule): bigint {
  const from = slotOf(parentTime, sched);
  if (heartbeatNs === 0n) return from;
  const len = sched.blockIntervalNs * BigInt(sched.blocksPerSlot);
  const due = (parentTime + heartbeatNs + len - 1n) / len; // first slot starting at or after the deadline
  return due - 1n > from ? due - 1n : from;
}

function pendingList(h: Host, c: Cost): string[] {
  const v = h.globalGet(c, VOTE_PRODUCER, "pendingProducerList");
  const text = v && (v.t === "s" || v.t === "j") ? v.v : "";
  if (text === "") return [];
  const list = JSON.parse(text) as unknown;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
}

const exec: NativeAbi["fn"] = (h, args, c) => {
  // Only the base tx: published by base.iost (no user can sign as a contract), as its top-level action.
  if (h.tx.publisher !== BASE || h.stackHeight !== 1 || !h.caller.isAccount) throw jsError("base.iost/exec is run by the block's base tx only");
  const bn = h.block.number;
  const done = getJson(h, c, "execBlockNumber");
  if (typeof done === "number" && BigInt(done) === bn) return [true];
  putJson(h, c, "execBlockNumber", Number(bn));

  const text = (args[0] as { json: string }).json;
  const data = parseBaseData(text);
  const sched: Schedule = { blockIntervalNs: paramInt(h, c, "blockIntervalNs"), blocksPerSlot: Number(paramInt(h, c, "blocksPerSlot")) };
  const voteInterval = paramInt(h, c, "voteInterval");
  const issueInterval = paramInt(h, c, "issueInterval");

  // Block 1's parent is the genesis block: nobody produced it in a slot, nobody earns it.
  if (bn > 1n) {
    const produced = readCounts(h, c, "witness_produced");
    produced[data.witness] = (produced[data.witness] ?? 0) + 1;
    writeCounts(h, c, "witness_produced", produced);
    // The list in the state now (after the parent) scheduled every slot since the parent.
    const from = missedFrom(data.parentTime, paramOr0(h, c, "heartbeatNs"), sched);
    const gap = missedSlots(pendingList(h, c), from, slotOf(h.block.time, sched));
    if (gap.size > 0) {
      const missed = readCounts(h, c, "witness_missed");
      for (const [k, n] of [...gap].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) missed[k] = (missed[k] ?? 0) + Number(n);
      writeCounts(h, c, "witness_missed", missed);
    }
  }
  if (voteInterval > 0n && bn % voteInterval === 0n) {
    h.callWithAuth(c, VOTE_PRODUCER, "stat", "[]");
    putJson(h, c, "witness_produced", {});
    putJson(h, c, "witness_missed", {});
  }
  if (issueInterval > 0n && bn % issueInterval === 0n) h.callWithAuth(c, "issue.iost", "issueIOST", "[]");
  if (bn > 1n) h.callWithAuth(c, "bonus.iost", "issueContribute", "[" + text + "]");
  return [true];
};

nativeContract({
  id: BASE,
  lang: "javascript",
  amountLimit: UNLIMITED_ALL,
  init: () => [],
  shared: adminAbis(UNLIMITED_ALL),
  abis: { exec: [["json"], exec] },
});

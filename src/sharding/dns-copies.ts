/**
 * domain.iost's records copied from the consensus shard, its one place, to every other shard (`domain`
 * receipts: docs/SHARDING.md "Domains across shards"): the dns maps a link or transfer wrote, and the
 * contract's version an updateNativeCode set, so that a url resolves and a call of domain.iost runs alike
 * everywhere.
 */
import type { CrossReceipt } from "./receipts.js";
import { CONSENSUS_SHARD, DOMAIN_CONTRACT } from "./placement.js";

/** Whether a raw key is a record of domain.iost that every shard keeps a copy of: a dns map's field, or its version. */
export const isDomainCopy = (key: string): boolean => /^m-domain\.iost-dns_(owner_|revert_)?table-/.test(key) || key === `n-${DOMAIN_CONTRACT}`;

/** Whether a raw value is a native contract's deployment as updateNativeCode stores it (monitor.ts NativeDeployment). */
export function isDeployment(raw: string): boolean {
  let d: unknown;
  try {
    d = JSON.parse(raw);
  } catch {
    return false;
  }
  const abi = (d as { abi?: unknown })?.abi;
  return (
    typeof (d as { version?: unknown })?.version === "string" &&
    Array.isArray(abi) &&
    abi.every(
      (a) => typeof a?.name === "string" && Array.isArray(a.args) && a.args.every((x: unknown) => typeof x === "string") && Array.isArray(a.amountLimit),
    )
  );
}

/** The `domain` receipts of records `def` (raw key → raw value) from the consensus shard to every other, in shard order (`id`: the i-th's). */
export function domainCopies(id: (i: number) => string, txHash: string, counterpart: string, count: number, def: Record<string, string>): CrossReceipt[] {
  const out: CrossReceipt[] = [];
  for (let to = 0; to < count; to++) {
    if (to === CONSENSUS_SHARD) continue;
    out.push({
      id: id(out.length),
      kind: "domain",
      txHash,
      fromShard: CONSENSUS_SHARD,
      toShard: to,
      token: "",
      account: DOMAIN_CONTRACT,
      counterpart,
      amount: "0",
      message: "",
      def,
    });
  }
  return out;
}

/**
 * domain.iost 1.0.0 (go-iost vm/native/domain.go, vm/host/domain.go): `link(url, cid)` names a
 * contract id with a url, `transfer(url, to)` hands a url to another owner. A contract name that
 * does not start with `Contract` is looked up in `dns_table` before it is taken as an id
 * (go-iost vm/monitor.go prepareContract): `resolveContract`.
 *
 * Storage (contract domain.iost, RAM paid by domain.iost as in Go): map `dns_table` url → cid,
 * `dns_revert_table` cid → url, `dns_owner_table` url → owner.
 *
 * IOST's genesis deploys 0.0.0 (only `init`) and its admin swaps in 1.0.0 with updateNativeCode;
 * this node has no updateNativeCode, so its genesis has 1.0.0 (README "System contracts").
 *
 * With several shards domain.iost lives on the consensus shard (sharding/placement.ts
 * DOMAIN), the one place that decides who owns a url; other shards do not resolve
 * urls yet (docs/SHARDING.md "Not done yet").
 */
import { COSTS, Cost, opCost } from "./cost.js";
import { VmError } from "./errors.js";
import { asString, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { noop } from "./token.js";
import { byteLength, str } from "../state/storage.js";

export const DOMAIN = "domain.iost";
const TABLE = "dns_table";
const REVERT = "dns_revert_table";
const OWNER = "dns_owner_table";

function checkUrl(url: string): void {
  const n = byteLength(url);
  if (n < 5 || n > 16) throw new VmError(`url invalid. url length should be between 5,16 got ${url}`);
  if (!url.includes(".")) throw new VmError("url invalid. url must contain '.'");
  for (const ch of url) {
    if (!((ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch === "_" || ch === "."))
      throw new VmError(`url invalid. url contains invalid character ${ch.codePointAt(0)}`);
  }
}

/** Go's DNS reads: GlobalMapGet whose cost Go drops. */
function owner(h: Host, url: string): string {
  return asString(h.db.mget(DOMAIN, OWNER, url)) ?? "";
}

/** The contract id a name stands for: its link in dns_table, else the name itself. */
export function resolveContract(h: Host, name: string): string {
  if (name.startsWith("Contract")) return name;
  return asString(h.db.mget(DOMAIN, TABLE, name)) ?? name;
}

/** Go's MapPut: the RAM to domain.iost, the CPU counted as PutCost by the caller. */
function put(h: Host, map: string, field: string, value: string): void {
  h.mapPut(new Cost(), map, field, str(value));
}

/** The publisher, and that it may claim `url` (its owner or nobody's, and its `domain` permission). */
function applicant(h: Host, c: Cost, url: string, mustExist: boolean): string {
  c.cpuAdd(COSTS.ContextCost);
  const pub = h.tx.publisher;
  const o = owner(h, url);
  if (mustExist && o === "") {
    c.cpuAdd(opCost(1));
    throw new VmError("url doesn't have owner. Link directly");
  }
  if (o !== "" && o !== pub) {
    c.cpuAdd(opCost(1));
    throw new VmError("no privilege of claimed url");
  }
  if (!h.requireAuth(c, pub, "domain")) throw new VmError("no permission of claimed url");
  return pub;
}

const link: NativeAbi["fn"] = (h, args, c) => {
  const url = args[0] as string;
  const cid = args[1] as string;
  c.cpuAdd(opCost(1));
  checkUrl(url);
  if (url.endsWith(".iost") && !h.requireAuth(c, "admin", "domain")) throw new VmError("only admin has permission to claim url .iost");
  const pub = applicant(h, c, url, false);
  put(h, TABLE, url, cid);
  put(h, REVERT, cid, url);
  put(h, OWNER, url, pub);
  c.cpuAdd(3 * COSTS.PutCost);
  return [];
};

const transfer: NativeAbi["fn"] = (h, args, c) => {
  const url = args[0] as string;
  applicant(h, c, url, true);
  put(h, OWNER, url, args[1] as string);
  c.cpuAdd(COSTS.PutCost);
  return [];
};

nativeContract({
  id: DOMAIN,
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  abis: {
    link: [["string", "string"], link],
    transfer: [["string", "string"], transfer],
  },
});

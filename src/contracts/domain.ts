/**
 * domain.iost 1.0.0 (go-iost vm/native/domain.go, vm/host/domain.go): `link(url, cid)` names a
 * contract id with a url, `transfer(url, to)` hands a url to another owner. A contract name that
 * does not start with `Contract` is looked up in `dns_table` before it is taken as an id
 * (go-iost vm/monitor.go prepareContract): monitor.ts `linkedContract`.
 *
 * Storage (contract domain.iost, RAM paid by domain.iost as in Go): map `dns_table` url → cid,
 * `dns_revert_table` cid → url, `dns_owner_table` url → owner.
 *
 * As IOST's, the genesis has 0.0.0 (only `init` and `can_update`: a link fails with `abi link not
 * found`) until admin sets 1.0.0 with system.iost/updateNativeCode (src/vm/deploy.ts).
 *
 * With several shards domain.iost lives on the consensus shard (sharding/placement.ts
 * DOMAIN_CONTRACT), the one place that decides who owns a url: a link or transfer from
 * another shard is forwarded there, and its records are copied to every other shard by
 * `domain` receipts, which resolve urls from their copy (docs/SHARDING.md "Domains across shards").
 */
import { COSTS, Cost, opCost } from "./cost.js";
import { VmError } from "./errors.js";
import { asString, type Host } from "./host.js";
import { UNLIMITED_ALL, type NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { canUpdateAdmin, noop } from "./token.js";
import { byteLength, mapKey, str } from "../state/storage.js";
import { CONSENSUS_SHARD, DOMAIN_CONTRACT } from "../sharding/placement.js";
import { domainCopies } from "../sharding/dns-copies.js";

const DOMAIN = DOMAIN_CONTRACT;
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

/** Go's MapPut: the RAM to domain.iost, the CPU counted as PutCost by the caller. Returns the record's raw key. */
function put(h: Host, map: string, field: string, value: string): string {
  h.mapPut(new Cost(), map, field, str(value));
  return mapKey(DOMAIN, map, field);
}

/**
 * After a link or transfer: one `domain` receipt to every other shard (in shard order) with the records written, which
 * they copy in the next block, so that a url resolves everywhere as here; like every receipt of the tx, they leave only
 * if it succeeds. Run off the consensus shard (a callee of it inside a contract), the records go there with the run,
 * and it sends them when they land (executor/reads.ts takeRelease): only it may.
 */
function announce(h: Host, keys: string[]): void {
  const sh = h.block.shard;
  if (!sh || sh.count === 1 || sh.index !== CONSENSUS_SHARD) return;
  const def = Object.fromEntries(keys.map((k) => [k, h.state.get(k) ?? ""]));
  const base = h.outbox.length;
  h.outbox.push(...domainCopies((i) => `${h.receiptPrefix()}${base + i}`, h.tx.hash, h.tx.publisher, sh.count, def));
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
  announce(h, [put(h, TABLE, url, cid), put(h, REVERT, cid, url), put(h, OWNER, url, pub)]);
  c.cpuAdd(3 * COSTS.PutCost);
  return [];
};

const transfer: NativeAbi["fn"] = (h, args, c) => {
  const url = args[0] as string;
  applicant(h, c, url, true);
  announce(h, [put(h, OWNER, url, args[1] as string)]);
  c.cpuAdd(COSTS.PutCost);
  return [];
};

nativeContract({
  id: DOMAIN,
  lang: "native",
  amountLimit: UNLIMITED_ALL,
  init: noop,
  shared: [canUpdateAdmin],
  abis: {
    link: [["string", "string"], link],
    transfer: [["string", "string"], transfer],
  },
  versions: { "0.0.0": [] },
  genesisVersion: "0.0.0",
});

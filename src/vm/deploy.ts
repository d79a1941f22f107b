/**
 * system.iost setCode / updateCode / updateNativeCode (go-iost vm/native/system.go, vm/host/host.go
 * SetCode/UpdateCode): compile, store, charge, run init / ask can_update.
 */
import { COSTS, Cost } from "../contracts/cost.js";
import { VmError } from "../contracts/errors.js";
import type { Host } from "../contracts/host.js";
import { opCost } from "../contracts/cost.js";
import { findContract, nativeDeployment, nativeKey, nativeVersion, UNLIMITED_ALL, type NativeAbi, type NativeDeployment } from "../contracts/monitor.js";
import { domainCopies } from "../sharding/dns-copies.js";
import { DOMAIN_CONTRACT } from "../sharding/placement.js";
import { byteLength, str } from "../state/storage.js";
import { compileContract, field, loadContract, parsePayload, protoLength, storeContract, type StoredContract } from "./contract.js";

/** RAM for the stored contract goes to the publisher, through the call's RAM cache like every other write. */
function chargeRAM(h: Host, bytes: number): void {
  const c = new Cost();
  c.data = bytes;
  c.dataList.push({ payer: h.tx.publisher, val: bytes });
  h.addCacheCost(c);
}

function codeCost(c: Cost, con: StoredContract): void {
  c.cpuAdd(COSTS.SetCodeBasePrice + COSTS.SetCodePrice * byteLength(con.orig_code));
  c.cpuAdd(protoLength(con) + byteLength(con.code));
}

export const setCode: NativeAbi = {
  name: "setCode",
  args: ["string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, args, c) => {
    const con = compileContract(h, args[0] as string);
    con.ID = "Contract" + h.tx.hash;
    codeCost(c, con);
    // Its id is the tx's: a part of the tx on another shard may have deployed it already.
    if (h.tx.deployed || loadContract(h.state, con.ID)) throw new VmError("contract exists");
    storeContract(h, con);
    chargeRAM(h, protoLength(con));
    h.mapPut(c, "contract_owner", con.ID, str(h.tx.publisher), h.tx.publisher);
    h.call(c, con.ID, "init", "[]");
    return [con.ID];
  },
};

export const updateCode: NativeAbi = {
  name: "updateCode",
  args: ["string", "string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, args, c) => {
    if (h.stackHeight !== 1) throw new VmError("updateCode can only be called directly by a transaction");
    const con = compileContract(h, args[0] as string);
    const old = loadContract(h.state, con.ID);
    if (!old) throw new VmError(`contract ${con.ID} not exists`);
    if (!old.info.abi.some((a) => a.name === "can_update")) throw new VmError("update refused");
    // Go builds the argument by concatenation, without escaping.
    const rtn = h.call(c, con.ID, "can_update", `["${args[1] as string}"]`);
    if (rtn[0] !== "true") throw new VmError("update refused");
    codeCost(c, con);
    storeContract(h, con);
    chargeRAM(h, protoLength(con) - protoLength(old));
    return [];
  },
};

/** A native contract as go-iost stores it (code compiled to ""): what its RAM is counted on. */
function nativeStored(id: string, d: NativeDeployment): StoredContract {
  return { ID: id, info: { lang: "native", ...d }, code: "", orig_code: "" };
}

/** The deployment a contract body names (go-iost json.Unmarshal into contract.Contract): its ID, version and ABIs. */
function nativeBody(text: string): { id: string; deployment: NativeDeployment; code: string } {
  const o = parsePayload(text);
  const info = field(o, "info") as Record<string, unknown> | undefined;
  const code = field(o, "code") ?? "";
  if (typeof info !== "object" || info === null) throw new VmError("invalid code info");
  const id = field(o, "id");
  const version = field(info, "version");
  const lang = field(info, "lang");
  const abis = field(info, "abi") ?? [];
  if (typeof id !== "string" || typeof version !== "string" || typeof code !== "string" || !Array.isArray(abis)) throw new VmError("invalid code info");
  // Replacing a native contract by a JavaScript one (which go-iost would allow) is not supported here.
  if (lang !== "native") throw new VmError(`update native code: lang ${String(lang)} not supported`);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const abi = abis.map((a: unknown) => {
    if (!isObject(a)) throw new VmError("invalid code info");
    const name = field(a, "name");
    const args = field(a, "args") ?? [];
    const limits = field(a, "amountlimit") ?? [];
    if (typeof name !== "string" || !Array.isArray(args) || !Array.isArray(limits) || !limits.every(isObject)) throw new VmError("invalid code info");
    const amountLimit = limits.map((l) => ({ token: String(field(l, "token") ?? ""), val: String(field(l, "val") ?? "") }));
    return { name, args: args.map(String), amountLimit };
  });
  return { id, deployment: { version, abi }, code };
}

/**
 * updateNativeCode(id, version, code): admin@system sets a native contract's version (its ABI set,
 * go-iost vm/native/abi.go getABISetByVersion), or with version "" the contract `code` describes
 * (its ID, which must be `id` here, version and a subset of that version's ABIs: a call of another
 * one is `abi … not found`).
 * Only contracts with versions here (domain.iost 0.0.0 and 1.0.0) can be set: for any other, or a
 * version this node does not implement, `invalid contractID or version`. Then as UpdateCode: the
 * old deployment's can_update (admin@system), the new one's ABI checks, RAM for the size change to
 * the publisher. It runs on the contract's shard (src/executor/forward.ts), where its calls run.
 */
export const updateNativeCode: NativeAbi = {
  name: "updateNativeCode",
  args: ["string", "string", "string"],
  amountLimit: UNLIMITED_ALL,
  fn: (h, args, c) => {
    const [id, version, code] = args as string[];
    if (!h.requireAuth(c, "admin", "system")) throw new VmError("update native code need admin@system permission");
    c.cpuAdd(opCost(1));
    let next: { id: string; deployment: NativeDeployment | null; code: string };
    if (version !== "") {
      const def = findContract(null, id);
      next = { id, deployment: def ? nativeVersion(def, version) : null, code: "codes" };
    } else next = code.startsWith("{") ? nativeBody(code) : { id, deployment: null, code };
    // The tx ran on the shard of `id` (forward.ts): the body must name that contract (go-iost reads only the body's).
    if (next.id !== id) throw new VmError(`update native code: the code's ID ${next.id} is not ${id}`);
    const def = findContract(null, next.id);
    const known = def && next.deployment && nativeVersion(def, next.deployment.version);
    if (!def || !next.deployment || !known) throw new VmError("invalid contractID or version");
    const old = nativeDeployment(h.state, def)!;
    if (!old.abi.some((a) => a.name === "can_update")) throw new VmError("update refused");
    const rtn = h.call(c, next.id, "can_update", '[""]');
    if (rtn[0] !== "true") throw new VmError("update refused");
    const stored = nativeStored(next.id, next.deployment);
    c.cpuAdd(protoLength(stored));
    for (const a of next.deployment.abi) c.cpuAdd(opCost(a.amountLimit.length));
    c.cpuAdd(byteLength(next.code));
    h.state.put(nativeKey(next.id), JSON.stringify(next.deployment));
    chargeRAM(h, protoLength(stored) - protoLength(nativeStored(next.id, old)));
    // domain.iost runs as a callee of its shard inside contracts of every other: they run its version too.
    const sh = h.block.shard;
    if (sh && sh.count > 1 && next.id === DOMAIN_CONTRACT) {
      const base = h.outbox.length;
      h.outbox.push(
        ...domainCopies((i) => `${h.receiptPrefix()}${base + i}`, h.tx.hash, h.tx.publisher, sh.count, {
          [nativeKey(next.id)]: JSON.stringify(next.deployment),
        }),
      );
    }
    return [];
  },
};

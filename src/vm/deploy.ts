/**
 * system.iost setCode / updateCode (go-iost vm/native/system.go, vm/host/host.go
 * SetCode/UpdateCode): compile, store, charge, run init / ask can_update.
 */
import { COSTS, Cost } from "../contracts/cost.js";
import { VmError } from "../contracts/errors.js";
import type { Host } from "../contracts/host.js";
import { UNLIMITED_ALL, type NativeAbi } from "../contracts/monitor.js";
import { byteLength, str } from "../state/storage.js";
import { compileContract, loadContract, protoLength, storeContract, type StoredContract } from "./contract.js";

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
    if (loadContract(h.state, con.ID)) throw new VmError("contract exists");
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

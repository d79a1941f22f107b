/**
 * auth.iost: IOST's account.js (go-iost config/genesis/contract/account.js)
 * implemented natively, with its behaviour, stored JSON and error texts
 * (including its quirks: dropGroup leaves the group name in permissions,
 * a bad permission name length throws `ReferenceError: id is not defined`).
 *
 * Storage: map `auth` field `<id>` = the account JSON (go-iost config/genesis/contract/account.js), key order as
 * JavaScript's JSON.stringify writes it; `adminID` = the admin account.
 * signUp stores with payer auth.iost (free); later edits with payer = the account.
 */
import { mapKey, str } from "../state/storage.js";
import { argsJson } from "./args.js";
import type { Arg } from "./args.js";
import type { Cost } from "./cost.js";
import { jsError, jsThrow, jsTypeError, VmError } from "./errors.js";
import { asCallee, type AccountJson, type Host, type ItemJson } from "./host.js";
import type { NativeAbi } from "./monitor.js";
import { nativeContract } from "./native.js";
import { announce } from "./system.js";

export const AUTH = "auth.iost";

/** account.js `_checkIdValid` outside genesis (also used by the RPC checks). Returns true for an Ethereum-style id. */
export function checkAccountId(id: string): boolean {
  if (id.startsWith("0x") && id.length === 42) {
    if (id.toLowerCase() !== id) throw jsError("id invalid. upper case not allowed");
    return true;
  }
  if (id.length < 5 || id.length > 11) throw jsError("id invalid. id length should be between 5,11 > " + id);
  if (id.startsWith("Contract")) throw jsError("id invalid. id shouldn't start with 'Contract'.");
  for (const ch of id) {
    if (!((ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch === "_")) throw jsError("id invalid. id contains invalid character > " + ch);
  }
  return false;
}

function checkPermValid(h: Host, perm: string): void {
  if (h.genesis) return;
  // account.js refers to an undefined `id` here, so a bad length is a ReferenceError.
  if (perm.length < 1 || perm.length > 32) throw new VmError("Uncaught exception: ReferenceError: id is not defined");
  for (const ch of perm) {
    if (!((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "_"))
      throw jsError("id invalid. id contains invalid character > " + ch);
  }
}

function checkWeight(w: bigint): void {
  if (w <= 0n) throw jsThrow("weight less than zero");
}

function ra(h: Host, c: Cost, id: string): void {
  if (!h.requireAuth(c, id, "owner")) throw jsError("require auth failed");
}

function load(h: Host, c: Cost, id: string): AccountJson {
  const v = h.mapGet(c, "auth", id);
  if (v?.t !== "s") throw new VmError("Uncaught exception: SyntaxError: Unexpected token n in JSON at position 0");
  return JSON.parse(v.v) as AccountJson;
}

function save(h: Host, c: Cost, acc: AccountJson, payer?: string): void {
  const key = mapKey(AUTH, "auth", acc.id);
  const old = h.state.get(key);
  h.mapPut(c, "auth", acc.id, str(JSON.stringify(acc)), payer ?? acc.id);
  if (h.genesis) return;
  if (old === undefined) h.noteCreated(acc.id);
  const raw = h.state.get(key)!;
  // The account keeps its creator's age through every change (one row: the record just written).
  h.stampAge(key, old, true);
  // Every other shard keeps a copy of the permissions: a co-signer of this shard is checked there as here. A record
  // written for the account's shard (onItsShard) is announced by that shard as it lands (executor/reads.ts landedAuths).
  if (h.recordsShard(acc.id) === null) announce(h, acc.id, raw);
}

/**
 * Inside a contract, an account of another shard is created or changed as a callee of its shard (Host.armCallee): its
 * record is fetched from there and written back with the run, as one shard writes it. At top level the action runs on
 * the account's shard (executor/forward.ts).
 */
const onItsShard =
  (fn: NativeAbi["fn"]): NativeAbi["fn"] =>
  (h, args, c) => {
    const armed = !h.inCallee && typeof args[0] === "string" && h.recordsShard(args[0]) !== null ? h.armCallee() : null;
    return asCallee(armed, () => fn(h, args, c));
  };

function find(items: ItemJson[], name: string): number {
  for (let i = 0; i < items.length; i++) if (items[i].id === name) return i;
  return -1;
}

function findPermission(items: ItemJson[], name: string): number {
  const len = name.indexOf("@");
  if (len < 0) {
    for (let i = 0; i < items.length; i++) if (items[i].id === name && items[i].permission === undefined) return i;
  } else if (len > 0) {
    const id = name.substring(0, len);
    const perm = name.substring(len + 1);
    for (let i = 0; i < items.length; i++) if (items[i].id === id && items[i].permission === perm) return i;
  } else {
    throw jsThrow("unexpected item");
  }
  return -1;
}

function permOf(acc: AccountJson, perm: string) {
  const p = Object.hasOwn(acc.permissions, perm) ? acc.permissions[perm] : undefined;
  return p;
}
function groupOf(acc: AccountJson, grp: string) {
  return Object.hasOwn(acc.groups, grp) ? acc.groups[grp] : undefined;
}
function num(x: Arg): number {
  return Number(x as bigint);
}

const receipt = (h: Host, args: unknown[]) => h.receipt(null, JSON.stringify(args));

const signUp: NativeAbi["fn"] = (h, args, c) => {
  const [id, owner, active] = args as string[];
  if (h.mapHas(c, "auth", id)) throw jsError("id existed > " + id);
  const isEth = h.genesis ? false : checkAccountId(id);
  if (isEth && (owner !== "" || active !== "")) throw jsError("permission should be empty");
  // account.js reads blockchain.contextInfo().caller of a JSON string (undefined), so the referrer is the publisher.
  const referrer = h.tx.publisher;
  const account = {
    id,
    referrer,
    permissions: {
      active: { name: "active", groups: [], items: [{ id: active, is_key_pair: true, weight: 100 }], threshold: 100 },
      owner: { name: "owner", groups: [], items: [{ id: owner, is_key_pair: true, weight: 100 }], threshold: 100 },
    },
    groups: {},
  };
  save(h, c, account, AUTH);
  if (!h.genesis) h.callWithAuth(c, "gas.iost", "pledge", argsJson([referrer, id, "10"]));
  receipt(h, [id, owner, active]);
  return [];
};

const addPermission: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm] = args as string[];
  const thres = num(args[2]);
  ra(h, c, id);
  checkPermValid(h, perm);
  const acc = load(h, c, id);
  if (permOf(acc, perm) !== undefined) throw jsError("permission already exist");
  acc.permissions[perm] = { name: perm, groups: [], items: [], threshold: thres };
  save(h, c, acc);
  receipt(h, [id, perm, thres]);
  return [];
};

const dropPermission: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm] = args as string[];
  ra(h, c, id);
  if (perm === "active" || perm === "owner") throw jsThrow("drop active or owner is forbidden");
  const acc = load(h, c, id);
  acc.permissions[perm] = undefined;
  save(h, c, acc);
  receipt(h, [id, perm]);
  return [];
};

function pushItem(items: ItemJson[], un: string, weight: number, strict: boolean): void {
  const len = un.indexOf("@");
  if (len < 0) items.push({ id: un, is_key_pair: true, weight });
  else if (len > 0 || !strict) items.push({ id: un.substring(0, len), permission: un.substring(len + 1), is_key_pair: false, weight });
  else throw jsThrow("unexpected item");
}

const assignPermission: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm, un] = args as string[];
  const weight = num(args[3]);
  ra(h, c, id);
  checkWeight(args[3] as bigint);
  const acc = load(h, c, id);
  const p = permOf(acc, perm);
  if (!p) throw jsTypeError("Cannot read property 'items' of undefined");
  const index = find(p.items, un);
  if (index < 0) pushItem(p.items, un, weight, true);
  else p.items[index].weight = weight;
  save(h, c, acc);
  receipt(h, [id, perm, un, weight]);
  return [];
};

const revokePermission: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm, un] = args as string[];
  ra(h, c, id);
  const acc = load(h, c, id);
  const p = permOf(acc, perm);
  if (!p) throw jsTypeError("Cannot read property 'items' of undefined");
  const index = findPermission(p.items, un);
  if (index < 0) throw jsError("item not found");
  p.items.splice(index, 1);
  save(h, c, acc);
  receipt(h, [id, perm, un]);
  return [];
};

const addGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, grp] = args as string[];
  ra(h, c, id);
  checkPermValid(h, grp);
  const acc = load(h, c, id);
  if (groupOf(acc, grp) !== undefined) throw jsError("group already exist");
  acc.groups[grp] = { name: grp, items: [] };
  save(h, c, acc);
  receipt(h, [id, grp]);
  return [];
};

const dropGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, grp] = args as string[];
  ra(h, c, id);
  const acc = load(h, c, id);
  acc.groups[grp] = undefined;
  // account.js loops over `acc.permissions.length` (undefined for an object): permissions keep the name.
  save(h, c, acc);
  receipt(h, [id, grp]);
  return [];
};

const assignGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, grp, un] = args as string[];
  const weight = num(args[3]);
  ra(h, c, id);
  checkWeight(args[3] as bigint);
  const acc = load(h, c, id);
  const g = groupOf(acc, grp);
  if (!g) throw jsTypeError("Cannot read property 'items' of undefined");
  const index = find(g.items, un);
  if (index < 0) pushItem(g.items, un, weight, false);
  else g.items[index].weight = weight;
  save(h, c, acc);
  receipt(h, [id, grp, un, weight]);
  return [];
};

const revokeGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, grp, un] = args as string[];
  ra(h, c, id);
  const acc = load(h, c, id);
  const g = groupOf(acc, grp);
  if (!g) throw jsTypeError("Cannot read property 'items' of undefined");
  const index = findPermission(g.items, un);
  if (index < 0) throw jsError("item not found");
  g.items.splice(index, 1);
  save(h, c, acc);
  receipt(h, [id, grp, un]);
  return [];
};

const assignPermissionToGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm, grp] = args as string[];
  ra(h, c, id);
  const acc = load(h, c, id);
  if (groupOf(acc, grp) === undefined) throw jsError("group does not exist");
  const p = permOf(acc, perm);
  if (!p) throw jsTypeError("Cannot read property 'groups' of undefined");
  p.groups.push(grp);
  save(h, c, acc);
  receipt(h, [id, perm, grp]);
  return [];
};

const revokePermissionInGroup: NativeAbi["fn"] = (h, args, c) => {
  const [id, perm, grp] = args as string[];
  ra(h, c, id);
  const acc = load(h, c, id);
  const p = permOf(acc, perm);
  if (!p) throw jsTypeError("Cannot read property 'groups' of undefined");
  const index = p.groups.indexOf(grp);
  if (index > -1) p.groups.splice(index, 1);
  save(h, c, acc);
  receipt(h, [id, perm, grp]);
  return [];
};

const initAdmin: NativeAbi["fn"] = (h, args, c) => {
  if (!h.genesis) throw jsError("init out of genesis block");
  h.put(c, "adminID", str(args[0] as string));
  return [];
};

const canUpdate: NativeAbi["fn"] = (h, _args, c) => {
  const admin = h.get(c, "adminID");
  return [h.requireAuth(c, admin && admin.t === "s" ? admin.v : "", "active")];
};

nativeContract({
  id: AUTH,
  lang: "javascript",
  amountLimit: [],
  init: () => [],
  abis: {
    can_update: [["string"], canUpdate],
    initAdmin: [["string"], initAdmin],
    signUp: [["string", "string", "string"], onItsShard(signUp), [{ token: "iost", val: "10" }]],
    addPermission: [["string", "string", "number"], onItsShard(addPermission)],
    dropPermission: [["string", "string"], onItsShard(dropPermission)],
    assignPermission: [["string", "string", "string", "number"], onItsShard(assignPermission)],
    revokePermission: [["string", "string", "string"], onItsShard(revokePermission)],
    addGroup: [["string", "string"], onItsShard(addGroup)],
    dropGroup: [["string", "string"], onItsShard(dropGroup)],
    assignGroup: [["string", "string", "string", "number"], onItsShard(assignGroup)],
    revokeGroup: [["string", "string", "string"], onItsShard(revokeGroup)],
    assignPermissionToGroup: [["string", "string", "string"], onItsShard(assignPermissionToGroup)],
    revokePermissionInGroup: [["string", "string", "string"], onItsShard(revokePermissionInGroup)],
  },
});

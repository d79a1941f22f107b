/**
 * What every IOST JavaScript system contract (base.js, bonus.js, issue.js,
 * vote_common.js, vote_producer.js) has alike: `initAdmin(adminID)` once in
 * the genesis block, `adminID` kept as plain text, and `can_update` granted to
 * the admin's active permission.
 */
import { str } from "../state/storage.js";
import type { Cost } from "./cost.js";
import { jsError } from "./errors.js";
import type { Host } from "./host.js";
import type { NativeAbi } from "./monitor.js";

export function adminOf(h: Host, c: Cost): string {
  const v = h.get(c, "adminID");
  return v && v.t === "s" ? v.v : "";
}

export function requireAdmin(h: Host, c: Cost): void {
  if (!h.requireAuth(c, adminOf(h, c), "active")) throw jsError("require auth failed. ret = false");
}

/** `initAdmin` and `can_update`; `onInit` writes what a contract stores besides adminID. */
export function adminAbis(amountLimit: NativeAbi["amountLimit"], onInit?: (h: Host, admin: string, c: Cost) => void): NativeAbi[] {
  return [
    {
      name: "initAdmin",
      args: ["string"],
      amountLimit,
      fn: (h, args, c) => {
        if (!h.genesis) throw jsError("init out of genesis block");
        h.put(c, "adminID", str(args[0] as string), "");
        onInit?.(h, args[0] as string, c);
        return [];
      },
    },
    { name: "can_update", args: ["string"], amountLimit, fn: (h, _args, c) => (requireAdmin(h, c), [true]) },
  ];
}

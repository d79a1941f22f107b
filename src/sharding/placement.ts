/**
 * Where things live (ARCHITECTURE §5): the one placement rule, shared by the
 * edge (routing), the shards (genesis split, remote targets) and the simulator.
 *
 * - An account lives on `u32be(sha3(name)[0..4]) mod N`, with every key
 *   derived from it (balances, frozen balances, gas, RAM, permissions).
 * - A user contract lives on the shard that ran its setCode, its deployer's;
 *   every other shard finds it in its directory (directory.ts).
 * - System contracts (`*.iost`) run on every shard; their global state
 *   (token info, the RAM market, admin ids) is per shard — see docs/SHARDING.md.
 */
import { sha3, utf8 } from "../crypto/sha3.js";

export function shardOf(name: string, count: number): number {
  if (count === 1) return 0;
  const h = sha3(utf8(name));
  const first = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
  return first % count;
}

/**
 * Whether an id is placed by the hash of its name: accounts yes; system
 * contracts (`*.iost`, on every shard) and user contracts (`Contract…`, on
 * their deployer's shard, found through the directory, directory.ts) no.
 */
export function placedByName(id: string): boolean {
  return !id.endsWith(".iost") && !id.startsWith("Contract");
}

/** System contracts whose storage has account-derived keys. */
const ACCOUNT_KEYED = new Set(["token.iost", "auth.iost", "gas.iost", "ram.iost"]);

/**
 * The account a raw state key belongs to, or null for global (system) state.
 * Covers the keys the native contracts derive from an account (docs/STATE.md):
 * token.iost `TB<acc>`/`TF<acc>` maps, auth.iost `auth`/<acc> field,
 * gas.iost `<acc>gt|gl|gs|gu`, ram.iost `SR|TR|UR<acc>`. A pledge record
 * (map `<pledger>gp`, field `<user>`) lives with the user it gives gas to, so
 * pledging for an account of another shard runs entirely there; the map's
 * field index is per shard (global).
 */
export function keyAccount(raw: string): string | null {
  const kind = raw.slice(0, 2);
  if (kind !== "b-" && kind !== "m-") return null;
  const rest = raw.slice(2);
  const dash = rest.indexOf("-");
  if (dash < 0) return null;
  const contract = rest.slice(0, dash);
  if (!ACCOUNT_KEYED.has(contract)) return null;
  const tail = rest.slice(dash + 1);
  // A map value key is `<key>-<field>`; the field index is `<key>` (or `<key>@`).
  const sep = kind === "m-" ? tail.indexOf("-") : -1;
  const key = sep < 0 ? tail.replace(/@$/, "") : tail.slice(0, sep);
  const field = sep < 0 ? null : tail.slice(sep + 1);
  switch (contract) {
    case "token.iost":
      return kind === "m-" && (key.startsWith("TB") || key.startsWith("TF")) ? key.slice(2) : null;
    case "auth.iost":
      return kind === "m-" && key === "auth" && field !== null ? field : null;
    case "gas.iost": {
      if (key.endsWith("gp")) return field;
      const m = /^(.+)(gt|gl|gs|gu)$/.exec(key);
      return kind === "b-" && m ? m[1] : null;
    }
    case "ram.iost": {
      const m = /^(SR|TR|UR)(.+)$/.exec(key);
      return kind === "b-" && m ? m[2] : null;
    }
  }
  return null;
}

/**
 * The order of a pledger's gas pledges across shards (docs/SHARDING.md
 * "Pledges across shards"). One shard lists getAccount's `pledged_info` in the
 * field order of gas.iost's `<pledger>gp` map: a pledge made is appended, one
 * withdrawn to nothing leaves. A pledge lives with its user, so on N shards
 * each shard's map holds its own users only; the pledger's shard keeps the
 * one-shard order in the state row `x-pledges-<pledger>` (fields as a map
 * index writes them, `@u1@u2`), and the edge sorts the pledges it gathers from
 * every shard by it. The row exists only while the pledger has pledges on
 * other shards (the map's own order is the answer otherwise); it is written
 * when a field comes or goes (a first pledge for a user, an unpledge of all of
 * it), at home by gas.iost or, for a user of another shard, by the settle of
 * the forwarded part that changed it (`ForwardResult.pledges`).
 */
import type { State } from "../state/state.js";
import { ContractDB, mapIndexKey } from "../state/storage.js";
import { shardOf } from "./placement.js";

/** A `<pledger>gp` field that came (`true`) or went (`false`) on a shard other than the pledger's. */
export type PledgeMove = [pledger: string, user: string, added: boolean];

/** The state row of `pledger`'s pledge order (outside any contract's storage: no RPC reads it as such). */
export const pledgeOrderKey = (pledger: string) => `x-pledges-${pledger}`;

const fields = (raw: string | undefined) => (raw === undefined ? [] : raw.split("@").slice(1));

/** The pledger whose pledge order a raw key is (pledgeOrderKey), else null. */
export const pledgeOrderOwner = (key: string): string | null => (key.startsWith("x-pledges-") ? key.slice("x-pledges-".length) : null);

/**
 * `<pledger>gp`'s field index as one shard lists it, read on the pledger's shard: its pledge order, else its own
 * map's (no pledge lives on another shard). A contract's `storage.globalMapKeys` of the map asks for it there by
 * the pledge order's key (executor/guard.ts), as the RPC's getContractStorageFields does (query getContractStorageFields).
 */
export function pledgeIndexRaw(get: (key: string) => string | undefined, pledger: string): string | undefined {
  return get(pledgeOrderKey(pledger)) ?? get(mapIndexKey("gas.iost", pledger + "gp"));
}

/** `pledger`'s pledge order here, or undefined when its own map's order is the answer. */
export function pledgeOrder(state: State, pledger: string): string[] | undefined {
  const raw = state.get(pledgeOrderKey(pledger));
  return raw === undefined ? undefined : fields(raw);
}

/**
 * A field of `pledger`'s map came or went (here, or on the user's shard and reported by its part's
 * settle), applied on the pledger's shard `here` of `count`. The first field of another shard starts
 * the row from the map's own order here, with the tx's `earlier` moves (of the same receipt) applied: a
 * field of this shard one made may land after it (with a release of a part that left after the settle);
 * the row goes when no user of another shard is left in it.
 */
export function movePledge(state: State, here: number, count: number, [pledger, user, added]: PledgeMove, earlier: readonly PledgeMove[] = []): void {
  const key = pledgeOrderKey(pledger);
  const raw = state.get(key);
  const away = shardOf(user, count) !== here;
  if (raw === undefined && !(added && away)) return;
  const db = new ContractDB(state);
  const own = () => [...new Set(db.mkeys("gas.iost", pledger + "gp"))].filter((f) => db.mhas("gas.iost", pledger + "gp", f));
  const base = raw === undefined ? earlier.filter(([p]) => p === pledger).reduce((o, [, u, a]) => moved(o, u, a), own()) : fields(raw);
  const order = moved(base, user, added);
  if (order.some((f) => shardOf(f, count) !== here)) state.put(key, order.map((f) => "@" + f).join(""));
  else if (raw !== undefined) state.del(key);
}

/** `order` after a field of `user` came (last) or went. */
const moved = (order: readonly string[], user: string, added: boolean) => [...order.filter((f) => f !== user), ...(added ? [user] : [])];

/**
 * `pledger`'s field index `raw` as its pledger's shard answers it (pledgeIndexRaw) with `moves` of the running tx that
 * no order holds yet applied: one shard's index lists them as made (executor/guard.ts readPledges).
 */
export function withMoves(raw: string | undefined, pledger: string, moves: readonly PledgeMove[]): string | undefined {
  const mine = moves.filter(([p]) => p === pledger);
  if (mine.length === 0) return raw;
  const order = mine.reduce((o, [, user, added]) => moved(o, user, added), fields(raw));
  return order.length === 0 ? undefined : order.map((f) => "@" + f).join("");
}

/**
 * The shards other than the pledger's `home` that hold pledges of its (their users'), by its order:
 * the edge asks each for them (getAccount's `pledged_info`). The order names every user the
 * pledger has a field for, here or by a settle, so no path of a pledge needs a hint of its own.
 */
export function pledgeShards(order: readonly string[], home: number, count: number): number[] {
  return [...new Set(order.map((u) => shardOf(u, count)))].filter((s) => s !== home).sort((a, b) => a - b);
}

/**
 * `moves` a run made of pledgers living elsewhere, by their shard: each goes with the release of the pledger's records
 * there (a co-signer's pledge, or its unpledge, which reads its account there), but those of pledgers living on
 * `settled`, the tx's home, to which the part's settle brings them (`ForwardResult.pledges`), and those of pledgers an
 * earlier part of the tx moved (`earlier`, Forwarded `pledges`): that part's release there, held until the settle
 * passes it, lands after this one's and takes them then (`withLater`), so the pledger's order gets the tx's moves in
 * one receipt, in order.
 */
export function pledgesAt(
  moves: readonly PledgeMove[] | undefined,
  count: number,
  settled?: number,
  earlier: readonly PledgeMove[] = [],
): Map<number, PledgeMove[]> {
  const before = new Set(earlier.map(([p]) => p));
  const by = new Map<number, PledgeMove[]>();
  for (const m of moves ?? []) {
    const at = shardOf(m[0], count);
    if (at !== settled && !before.has(m[0])) by.set(at, [...(by.get(at) ?? []), m]);
  }
  return by;
}

/**
 * A held release's `moves` as the tx stands, with the moves `later` parts made of the same pledgers after them (the
 * settle's `ForwardResult.pledges`): those parts left them to it (pledgesAt), and it lands after their receipts.
 */
export function withLater(moves: readonly PledgeMove[], later: readonly PledgeMove[]): PledgeMove[] {
  const mine = new Set(moves.map(([p]) => p));
  return [...moves, ...later.filter(([p]) => mine.has(p))];
}

/** The pledges in `order` (getAccount's `pledged_info`, gathered from every shard); any it does not name yet last, as gathered. */
export function orderPledges<T extends { pledger: string }>(order: readonly string[], pledges: readonly T[]): T[] {
  const at = new Map(order.map((u, i) => [u, i]));
  const rank = (p: T) => at.get(p.pledger) ?? order.length;
  return pledges
    .map((p, i) => [p, i] as const)
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([p]) => p);
}

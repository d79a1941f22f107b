/**
 * Where things live (docs/SHARDING.md "Placement"): the one placement rule, shared by the
 * edge (routing), the shards (genesis split, remote targets) and the simulator.
 *
 * - An account lives on `u32be(sha3(name)[0..4]) mod N`, with every key
 *   derived from it (balances, frozen balances, gas, RAM, permissions).
 * - A user contract lives on the shard that ran its setCode, its deployer's;
 *   every other shard finds it in its directory (directory.ts).
 * - System contracts (`*.iost`) run on every shard; their global state
 *   (admin ids) is per shard — see docs/SHARDING.md — except Proof of
 *   Believability's, which run on the consensus shard (0) only, where every
 *   account's `contribute` lives too, and ram.iost's market, one for the chain there.
 * - A token's creation is decided on its symbol's shard (tokenShard), its
 *   definition and supply live on its home (that shard, or the one a contract
 *   created it on: directory.ts tokenHome); every other shard holds a copy of
 *   its definition. A token721.iost token lives
 *   whole on its home, decided the same way in its own namespace (nftShard).
 */
import { sha3, utf8 } from "../crypto/sha3.js";

/** The raw key prefix of an account's auth.iost record (map `auth`, field its name), which lives with the account. */
export const AUTH_RECORD = "m-auth.iost-auth-";

/**
 * `u32be(sha3(name)[0..4])` by name. With several shards every state write asks where its account
 * lives (executor/guard.ts ShardState `check`), and Host.remoteShard every payer's and receiver's: a
 * transfer asks it again and again of the same few names, whose UTF-8 and hash were an eighth of its
 * CPU. A pure function of the name, so a hit never changes an answer; at most FIRSTS_MAX names, started
 * over when full, and only names up to NAME_KEPT characters (an account's at most 11, a contract id 52),
 * so that names a tx makes up cannot hold more than a MB or two here.
 */
const firsts = new Map<string, number>();
const FIRSTS_MAX = 10_000;
const NAME_KEPT = 64;

export function shardOf(name: string, count: number): number {
  if (count === 1) return 0;
  let first = firsts.get(name);
  if (first === undefined) {
    const h = sha3(utf8(name));
    first = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
    if (name.length <= NAME_KEPT) {
      if (firsts.size >= FIRSTS_MAX) firsts.clear();
      firsts.set(name, first);
    }
  }
  return first % count;
}

/**
 * Proof of Believability's contracts keep their state and balances on the
 * consensus shard (shard 0, which decides the blocks' witnesses): an action on
 * one of them from another shard is forwarded there like a call to a user
 * contract of that shard (directory.ts remoteContractShard, docs/SHARDING.md
 * "Proof of Believability across shards").
 */
export const CONSENSUS_SHARD = 0;
export const POB_CONTRACTS: ReadonlySet<string> = new Set(["vote_producer.iost", "vote.iost", "bonus.iost", "issue.iost", "base.iost"]);

/** domain.iost's url owners are the chain's: one shard, the consensus shard, decides them. */
export const DOMAIN_CONTRACT = "domain.iost";

/**
 * bonus.iost's token `contribute` (minted for producing blocks, destroyed by
 * exchangeIOST) is kept on the consensus shard for every account: bonus.iost
 * runs there only, so its balances and frozen balances (`TB<acc>`/`TF<acc>`
 * field `contribute`) are shard 0's, whatever the account's shard.
 */
export const CONSENSUS_TOKEN = "contribute";

/** The RAM token: the market issues it on the consensus shard, which keeps its supply (reads.ts keyShard), and it moves as credits. */
export const RAM_TOKEN = "ram";

/**
 * ram.iost's market is one for the chain, on the consensus shard (docs/SHARDING.md "One RAM market"): its
 * globals and ram.iost's balances live there only, and its actions that trade (`RAM_MARKET_APIS`) run there.
 * An account's own records (`SR|TR|UR<acc>`) stay with the account.
 */
export const RAM_CONTRACT = "ram.iost";
export const RAM_MARKET_APIS: ReadonlySet<string> = new Set(["buy", "sell"]);
/** The records a buy or sell reads: ram.iost's globals, its balances of ram and iost and their index. */
export const RAM_MARKET_KEYS: readonly string[] = [
  ...["balance", "increaseAmount", "increaseInterval", "lastUpdateBlockTime", "leftSpace", "usedSpace"].map((k) => `b-${RAM_CONTRACT}-${k}`),
  `m-token.iost-TB${RAM_CONTRACT}`,
  `m-token.iost-TB${RAM_CONTRACT}-iost`,
  `m-token.iost-TB${RAM_CONTRACT}-ram`,
];
const RAM_MARKET_GLOBALS = new Set(RAM_MARKET_KEYS.filter((k) => k.startsWith("b-")));

/** Whether a raw key is the RAM market's (a global of ram.iost's, or ram.iost's token.iost balances and their index). */
export function isRamMarketKey(raw: string): boolean {
  return RAM_MARKET_GLOBALS.has(raw) || raw === `m-token.iost-TB${RAM_CONTRACT}` || raw.startsWith(`m-token.iost-TB${RAM_CONTRACT}-`);
}

/**
 * The shard that keeps a token's supply and decides its creation (`TI<sym>`),
 * or null for the RAM token: every shard keeps its definition from genesis,
 * and only the market's runs issue it, on the consensus shard's supply
 * (reads.ts keyShard). A symbol names one
 * token on the whole chain, so the shard is a function of the symbol alone:
 * every shard agrees, with no lookup, on which one creates and issues it.
 * iost and `contribute` are issued on the consensus shard.
 */
export function tokenShard(sym: string, count: number): number | null {
  if (sym === RAM_TOKEN) return null;
  return count === 1 || sym === "iost" || sym === CONSENSUS_TOKEN ? CONSENSUS_SHARD : shardOf(sym, count);
}

/**
 * The shard that decides a token721.iost token's creation and keeps every record
 * of it (its owners, every holder's count and metadata: src/contracts/token721.ts)
 * unless a contract created it elsewhere (directory.ts nftHome), so that each of
 * its actions runs on one shard as on one chain. Unlike tokenShard no symbol is
 * special: token721.iost's symbols are its own.
 */
export function nftShard(sym: string, count: number): number {
  return shardOf(sym, count);
}

/**
 * The token a token721.iost storage key belongs to (`T721I<sym>`, `T721M<sym>#<owner>`, or `T721B<owner>` field
 * `<sym>`), whose home keeps it (directory.ts nftHome), or null when the key names no one token (a holder's list
 * of symbols: per shard).
 */
export function nftKeySymbol(key: string, field: string | null): string | null {
  if (key.startsWith("T721I")) return key.slice(5);
  if (key.startsWith("T721M") && key.includes("#")) return key.slice(5, key.lastIndexOf("#"));
  return key.startsWith("T721B") && field ? field : null;
}

/** Whether a raw key is an account's `contribute` balance or frozen balance (kept on the consensus shard). */
export function isConsensusTokenKey(raw: string): boolean {
  return raw.startsWith("m-token.iost-T") && raw.endsWith("-" + CONSENSUS_TOKEN) && (raw[14] === "B" || raw[14] === "F");
}

/**
 * Whether a raw key is the field index of an account's token map (`TB<acc>`,
 * `TF<acc>`, or its `@` mark): per shard, since the consensus shard lists an
 * account's `contribute` there while its home lists the rest.
 */
export function isTokenIndexKey(raw: string): boolean {
  return /^m-token\.iost-T[BF][^-]*$/.test(raw);
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

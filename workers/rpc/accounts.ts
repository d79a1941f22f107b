/**
 * Accounts and tokens: /getAccount, /getTokenBalance, /getTokenInfo. Account-keyed
 * reads go to the account's home shard (its `contribute` and its votes and
 * bonuses: shard 0, the consensus shard); token721.iost's reads go to the
 * token's shard. `by_longest_chain` is
 * checked as IOST checks it; both values read the head state (ShardApi.read).
 */
import { Hono } from "hono";
import type { Answer, Json, ShardApi } from "../../durable-objects/api";
import type { AppEnv, Env } from "../env";
import { unwrap } from "../lib/errors";
import { CONSENSUS_SHARD, CONSENSUS_TOKEN, nftShard, shardOf, tokenShard } from "../../src/sharding/placement";
import { orderPledges, pledgeShards } from "../../src/sharding/pledges";
import { type BalanceUnits, balanceJson } from "../../src/query/index";
import { accountShardIndex, shard, shardCount } from "../lib/nodes";
import { readAt } from "../lib/peer-read";
import { checkIdValid, parseBoolParam } from "../lib/params";

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get("/getAccount/:name/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const name = c.req.param("name");
  checkIdValid(name);
  // The account's votes are vote.iost's (shard 0), not its home shard's: both reads at once.
  const [account, votes] = await Promise.all([
    readAt(c.env, shardOf(name, shardCount(c.env)), "getAccount", name),
    readAt(c.env, CONSENSUS_SHARD, "getVoteInfos", name),
  ]);
  const a = unwrap(account);
  if (typeof a !== "object" || a === null || Array.isArray(a)) return c.json(a);
  // Pledges for accounts of other shards live with them: one read on each shard its order names, at most N − 1.
  // Sorted as one shard lists them, by that order (src/sharding/pledges.ts).
  type Pledge = { pledger: string; amount: number };
  const { pledge_order: order, ...info } = a as { pledge_order?: string[]; gas_info: { pledged_info: Pledge[] } };
  if (order !== undefined) {
    const count = shardCount(c.env);
    const away = pledgeShards(order, shardOf(name, count), count);
    const more = await Promise.all(away.map(async (s) => unwrap(await readAt(c.env, s, "getPledges", name)) as Pledge[]));
    info.gas_info = { ...info.gas_info, pledged_info: orderPledges(order, [...info.gas_info.pledged_info, ...more.flat()]) };
  }
  return c.json({ ...info, vote_infos: votes });
});

accountRoutes.get("/getTokenBalance/:account/:token/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const account = c.req.param("account");
  checkIdValid(account);
  const token = c.req.param("token");
  // Every account's `contribute` (bonus.iost's) lives on the consensus shard (src/sharding/placement.ts).
  // A contract's balance is on the contract's shard, found through the directory.
  if (token !== CONSENSUS_TOKEN && splitAccount(c.env, account)) return c.json(await everyShardBalance(c.env, account, token));
  const at = token === CONSENSUS_TOKEN ? CONSENSUS_SHARD : await accountShardIndex(c.env, account);
  return c.json(unwrap(await readAt(c.env, at, "getTokenBalance", account, token)));
});

/**
 * Whether `account` is a system contract's (`gas.iost`, …), whose balances are kept per shard (docs/SHARDING.md "Where
 * global state lives": a pledge moves IOST into gas.iost's balance on its user's shard): one shard's is their sum.
 */
const splitAccount = (env: Env, account: string) => account.endsWith(".iost") && shardCount(env) > 1;

/** getTokenBalance's answer of a system contract: every shard's balance and frozen amounts, summed in smallest units. */
async function everyShardBalance(env: Env, account: string, token: string): Promise<{ balance: number; frozen_balances: unknown[] }> {
  const parts = await Promise.all(
    Array.from({ length: shardCount(env) }, async (_, s) => unwrap(await readAt(env, s, "getBalanceUnits", account, token)) as BalanceUnits),
  );
  const total = parts.reduce((sum, p) => sum + BigInt(p.balance), 0n);
  const frozen = parts.flatMap((p) => p.frozen.map((f) => ({ amount: BigInt(f.amount), time: BigInt(f.time) })));
  return balanceJson(parts[0].decimal, total, frozen);
}

accountRoutes.get("/getTokenInfo/:symbol/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  // A token's supply is its shard's (iost's and contribute's: shard 0); every other shard holds a
  // copy of its definition only. The RAM token's market is the chain's one, on shard 0, as getRAMInfo.
  // A token a contract created off its symbol's shard lives on the contract's: the symbol's shard names it (`home`).
  const symbol = c.req.param("symbol");
  const at = tokenShard(symbol, shardCount(c.env)) ?? CONSENSUS_SHARD;
  const homeOf = (a: unknown) => (a as { home?: number }).home;
  let info = unwrap(await readAt(c.env, at, "getTokenInfo", symbol));
  const home = homeOf(info);
  if (home !== undefined && home !== at) info = unwrap(await readAt(c.env, home, "getTokenInfo", symbol));
  const { home: _, ...rest } = info as { home?: number };
  return c.json(rest);
});

/**
 * A token721.iost read: every record of a token is on its home, its symbol's shard (src/sharding/placement.ts
 * nftShard) or the shard of the contract that created it off that one, which the symbol's shard names in its
 * answer (`home`, dropped): one more object call for such a token, none otherwise.
 */
async function nftRead(env: Env, token: string, read: (s: ShardApi) => Promise<Answer<Json>>): Promise<Answer<Json>> {
  const at = nftShard(token, shardCount(env));
  let answer = (await read(shard(env, at))) as { home?: number };
  if (answer.home !== undefined && answer.home !== at) answer = (await read(shard(env, answer.home))) as { home?: number };
  const { home: _, ...rest } = answer;
  return rest as Answer<Json>;
}

accountRoutes.get("/getToken721Balance/:account/:token/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const account = c.req.param("account");
  checkIdValid(account);
  const token = c.req.param("token");
  return c.json(unwrap(await nftRead(c.env, token, (s) => s.read("getToken721Balance", account, token))));
});
for (const what of ["Metadata", "Owner"] as const)
  accountRoutes.get(`/getToken721${what}/:token/:token_id/:by_longest_chain`, async (c) => {
    parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
    const token = c.req.param("token");
    return c.json(unwrap(await nftRead(c.env, token, (s) => s.read(`getToken721${what}`, token, c.req.param("token_id")))));
  });

// Proof of Believability: vote_producer.iost and vote.iost keep their state on shard 0, the consensus shard.
accountRoutes.get("/getProducerVoteInfo/:account/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const account = c.req.param("account");
  checkIdValid(account);
  return c.json(unwrap(await readAt(c.env, CONSENSUS_SHARD, "getProducerVoteInfo", account)));
});
accountRoutes.get("/getVoterBonus/:name/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const name = c.req.param("name");
  checkIdValid(name);
  return c.json(unwrap(await readAt(c.env, CONSENSUS_SHARD, "getVoterBonus", name)));
});
accountRoutes.get("/getCandidateBonus/:name/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const name = c.req.param("name");
  checkIdValid(name);
  return c.json(unwrap(await readAt(c.env, CONSENSUS_SHARD, "getCandidateBonus", name)));
});
/** go-iost GetContractVote: the producer votes (vote.iost vote 1) an account or contract id holds, as getAccount's `vote_infos`. */
accountRoutes.get("/getContractVote/:id/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const id = c.req.param("id");
  checkIdValid(id);
  return c.json({ vote_infos: unwrap(await readAt(c.env, CONSENSUS_SHARD, "getVoteInfos", id)) });
});

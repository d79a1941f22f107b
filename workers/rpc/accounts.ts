/**
 * Accounts and tokens: /getAccount, /getTokenBalance, /getTokenInfo. Account-keyed
 * reads go to the account's home shard. Capabilities that do not exist on this
 * node yet (token721, producer votes, bonuses) answer an honest error.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notImplemented, unwrap } from "../lib/errors";
import { homeShard, shard } from "../lib/nodes";
import { parseBoolParam } from "../lib/params";

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get("/getAccount/:name/:by_longest_chain", async (c) => {
  const longest = parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const name = c.req.param("name");
  return c.json(unwrap(await homeShard(c.env, name).getAccount(name, longest)));
});

accountRoutes.get("/getTokenBalance/:account/:token/:by_longest_chain", async (c) => {
  const longest = parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const account = c.req.param("account");
  return c.json(unwrap(await homeShard(c.env, account).getTokenBalance(account, c.req.param("token"), longest)));
});

accountRoutes.get("/getTokenInfo/:symbol/:by_longest_chain", async (c) => {
  const longest = parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  // Token definitions are kept by token.iost, placed on shard 0.
  return c.json(unwrap(await shard(c.env, 0).getTokenInfo(c.req.param("symbol"), longest)));
});

const NO_TOKEN721 = "token721.iost is not available on this node yet";
accountRoutes.get("/getToken721Balance/:account/:token/:by_longest_chain", () => notImplemented(`getToken721Balance (${NO_TOKEN721})`));
accountRoutes.get("/getToken721Metadata/:token/:token_id/:by_longest_chain", () => notImplemented(`getToken721Metadata (${NO_TOKEN721})`));
accountRoutes.get("/getToken721Owner/:token/:token_id/:by_longest_chain", () => notImplemented(`getToken721Owner (${NO_TOKEN721})`));

const NO_VOTES = "vote_producer.iost and bonus.iost are not available on this node yet";
accountRoutes.get("/getProducerVoteInfo/:account/:by_longest_chain", () => notImplemented(`getProducerVoteInfo (${NO_VOTES})`));
accountRoutes.get("/getVoterBonus/:name/:by_longest_chain", () => notImplemented(`getVoterBonus (${NO_VOTES})`));
accountRoutes.get("/getCandidateBonus/:name/:by_longest_chain", () => notImplemented(`getCandidateBonus (${NO_VOTES})`));

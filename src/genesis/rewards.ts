/**
 * Genesis steps of the reward contracts (go-iost genesis.go deploys bonus.js and
 * base.js and calls their init and initAdmin): the `contribute` token, the first
 * block reward, base.iost's round counters and the consensus parameters its
 * exec needs. issue.iost's storage is written by the IOST steps in index.ts.
 */
import { argsJson } from "../contracts/args.js";
import { BASE, putJson } from "../contracts/base.js";
import { BONUS, initBonus } from "../contracts/bonus.js";
import { str } from "../state/storage.js";
import type { GenesisConfig, GenesisSteps } from "./index.js";

export function applyRewardsGenesis(steps: GenesisSteps, config: GenesisConfig): void {
  const { host: h, act, asContract } = steps;
  const admin = argsJson([config.admin.id]);
  asContract(BONUS, (c) => initBonus(h, c));
  act(BONUS, "initAdmin", admin);
  const p = config.consensus;
  asContract(BASE, (c) => {
    putJson(h, c, "execBlockNumber", 0);
    putJson(h, c, "witness_produced", {});
    putJson(h, c, "witness_missed", {});
    h.put(c, "blockIntervalNs", str(p.blockIntervalNs.toString()));
    h.put(c, "blocksPerSlot", str(String(p.blocksPerSlot)));
    h.put(c, "voteInterval", str(String(p.voteInterval)));
    h.put(c, "issueInterval", str(String(p.issueInterval)));
    // Absent is 0: chains started before the heartbeat keep their genesis state.
    if (p.heartbeatNs > 0n) h.put(c, "heartbeatNs", str(p.heartbeatNs.toString()));
    if ((p.shardGroups ?? 1) > 1) h.put(c, "shardGroups", str(String(p.shardGroups)));
  });
  act(BASE, "initAdmin", admin);
}

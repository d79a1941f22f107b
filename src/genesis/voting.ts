/**
 * Genesis steps of vote.iost and vote_producer.iost (go-iost genesis.go
 * deploys both, vote_producer.js `init` creates vote "1", then initAdmin and
 * initProducer per genesis producer). Our consensus params go to
 * vote_producer.iost's `params` so that every node elects the same way.
 */
import { argsJson } from "../contracts/args.js";
import { VOTE_PRODUCER, type VotingParams } from "../contracts/vote-producer.js";
import { VOTE } from "../contracts/vote.js";
import { str } from "../state/storage.js";
import type { GenesisConfig, GenesisSteps } from "./index.js";

export function applyVotingGenesis(steps: GenesisSteps, config: GenesisConfig): void {
  const { host: h, act, asContract } = steps;
  const p = config.consensus;
  asContract(VOTE, (c) => h.put(c, "current_id", str('"0"'), ""));
  act(VOTE, "initAdmin", argsJson([config.admin.id]));
  const params: VotingParams = {
    minVote: p.minVote.toString(),
    voteLockSec: p.voteLockSec.toString(),
    producerNumber: p.producerNumber,
    voteInterval: p.voteInterval,
  };
  asContract(VOTE_PRODUCER, (c) => {
    h.put(c, "currentProducerList", str("[]"), "");
    h.put(c, "pendingProducerList", str("[]"), "");
    h.put(c, "params", str(JSON.stringify(params)), "");
    const info = { resultNumber: 2000, minVote: params.minVote, options: [], anyOption: false, freezeTime: Number(p.voteLockSec), canVote: false };
    const r = h.callWithAuth(c, VOTE, "newVote", `[${JSON.stringify(VOTE_PRODUCER)},"vote for producer",${JSON.stringify(info)}]`);
    h.put(c, "voteId", str(String(r[0])), "");
  });
  act(VOTE_PRODUCER, "initAdmin", argsJson([config.admin.id]));
  for (const pr of config.producers) act(VOTE_PRODUCER, "initProducer", argsJson([pr.id, pr.signatureBlock]));
  // The witness list size is the consensus param, not the genesis producer count (IOST: equal).
  asContract(VOTE_PRODUCER, (c) => h.put(c, "producerNumber", str(String(p.producerNumber)), ""));
}

/** getAccount's `vote_infos`: an account's producer votes as vote.iost keeps them (go-iost GetAccountVoteInfo). */
import { describe, expect, it } from "vitest";
import { act, Chain, fakeKey, makeTx } from "../executor/helpers";
import { devGenesis } from "../../../src/genesis/index";
import { getVoteInfos } from "../../../src/query/pob";
import { ContractDB, encodeValue, json } from "../../../src/state/storage";
import type { Action } from "../../../src/tx/types";

const VP = "vote_producer.iost";
const KEY = fakeKey(2);

function ok(ch: Chain, actions: Action[]) {
  const r = ch.receipt(makeTx(actions, { publisher: "bobby", key: KEY, time: ch.time }));
  expect(r.message).toBe("");
  expect(r.statusCode).toBe("SUCCESS");
}

describe("getVoteInfos", () => {
  it("lists the account's votes per producer, sorted, net of unvotes; [] for a non-voter", () => {
    const ch = new Chain(devGenesis(2));
    ch.newAccount("bobby", KEY, "5000000");
    expect(getVoteInfos(ch.state, "bobby")).toEqual([]);
    ok(ch, [act(VP, "vote", ["bobby", "producer001", "300.5"])]);
    ok(ch, [act(VP, "vote", ["bobby", "producer000", "2100000"])]);
    expect(getVoteInfos(ch.state, "bobby")).toEqual([
      { option: "producer000", votes: 2100000, cleared_votes: 0 },
      { option: "producer001", votes: 300.5, cleared_votes: 0 },
    ]);
    ok(ch, [act(VP, "unvote", ["bobby", "producer001", "300.5"])]);
    expect(getVoteInfos(ch.state, "bobby")).toEqual([{ option: "producer000", votes: 2100000, cleared_votes: 0 }]);
    expect(getVoteInfos(ch.state, "producer000")).toEqual([]);
  });

  it("counts cleared votes apart from the votes still standing, as IOST", () => {
    const ch = new Chain(devGenesis(1));
    const db = new ContractDB(ch.state);
    // [votes, block of the last vote, cleared]: 10.5 voted of which 4.25 cleared.
    db.mputRaw("vote.iost", "u_1", "carol", encodeValue(json(JSON.stringify({ producer000: ["10.5", 3, "4.25"] })), "vote.iost"));
    expect(getVoteInfos(ch.state, "carol")).toEqual([{ option: "producer000", votes: 6.25, cleared_votes: 4.25 }]);
  });
});

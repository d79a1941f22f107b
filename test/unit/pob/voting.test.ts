/** vote_producer.iost / vote.iost scenarios (in the spirit of go-iost's vote_producer tests). */
import { describe, expect, it } from "vitest";
import { act, Chain, fakeKey, makeTx } from "../executor/helpers";
import { devGenesis } from "../../../src/genesis/index";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { Host } from "../../../src/contracts/host";
import { monitorCall } from "../../../src/contracts/monitor";
import { Cost } from "../../../src/contracts/cost";
import { ContractDB, encodeValue, json } from "../../../src/state/storage";
import { balanceOf } from "../../../src/contracts/balance";
import { currentProducerList, getCandidateBonus, getProducerVoteInfo, getVoterBonus, pendingProducerList } from "../../../src/query/pob";
import type { Action } from "../../../src/tx/types";

const VP = "vote_producer.iost";
const P = DEV_PRODUCERS.slice(0, 4);
const KEY = { alice: fakeKey(1), bobby: fakeKey(2), carol: fakeKey(3) } as const;
const U = 100_000_000n; // 1 IOST in units

function setup() {
  const ch = new Chain(devGenesis(4));
  ch.newAccount("alice", KEY.alice, "10000");
  ch.newAccount("bobby", KEY.bobby, "5000000");
  ch.newAccount("carol", KEY.carol, "5000000");
  return ch;
}
function send(ch: Chain, who: keyof typeof KEY | "admin", actions: Action[]) {
  const o = who === "admin" ? { time: ch.time } : { publisher: who, key: KEY[who], time: ch.time };
  return ch.receipt(makeTx(actions, o));
}
function ok(ch: Chain, who: keyof typeof KEY | "admin", actions: Action[]) {
  const r = send(ch, who, actions);
  expect(r.message).toBe("");
  expect(r.statusCode).toBe("SUCCESS");
  return r;
}
/** The tx fails with `msg` and the vote/producer state stays as it was. */
function fails(ch: Chain, who: keyof typeof KEY | "admin", actions: Action[], msg: string) {
  const snap = snapshot(ch);
  const r = send(ch, who, actions);
  expect(r.statusCode).not.toBe("SUCCESS");
  expect(r.message).toContain(msg);
  expect(snapshot(ch)).toEqual(snap);
}
function snapshot(ch: Chain) {
  const db = new ContractDB(ch.state);
  const accts = ["alice", "bobby", "carol", ...P.map((p) => p.id)];
  return {
    pending: pendingProducerList(ch.state),
    current: currentProducerList(ch.state),
    info: accts.map((a) => getProducerVoteInfo(ch.state, a)),
    bal: accts.map((a) => balanceOf(ch.state, "iost", a)),
    vote: balanceOf(ch.state, "iost", "vote.iost"),
    vp: balanceOf(ch.state, "iost", VP),
    uv: accts.map((a) => db.mget("vote.iost", "u_1", a)),
    keys: db.mkeys(VP, "producerKeyToId").sort(),
  };
}
/** base.iost's end of round: set its counters, call stat with base.iost's authority. */
function stat(ch: Chain, produced: Record<string, number>, missed: Record<string, number> = {}) {
  const db = new ContractDB(ch.state);
  db.putRaw("base.iost", "witness_produced", encodeValue(json(JSON.stringify(produced)), "base.iost"));
  db.putRaw("base.iost", "witness_missed", encodeValue(json(JSON.stringify(missed)), "base.iost"));
  const tx = {
    publisher: "base.iost",
    hash: "stat",
    time: ch.time,
    expiration: ch.time,
    gasRatio: 100n,
    gasLimit: 0n,
    amountLimit: [],
    ord: "",
    actions: [],
    authList: new Map(),
    signerList: new Set<string>(),
  };
  const h = new Host(ch.state, ch.block(), tx, monitorCall);
  h.gasLimit = Number.MAX_SAFE_INTEGER;
  h.initStack();
  h.setStackInfo("base.iost", "exec");
  h.callWithAuth(new Cost(), VP, "stat", "[]");
  ch.state.commit();
  ch.advance(10n);
}
const keyOf = (id: string) => P.find((p) => p.id === id)!.pubkey;
const sorted = (ids: string[]) => ids.map(keyOf).sort();
const register = (ch: Chain, who: "alice" | "carol", key = KEY[who]) => {
  ok(ch, who, [act(VP, "applyRegister", [who, key, "loc", "https://x", "net", true])]);
  ok(ch, "admin", [act(VP, "approveRegister", [who])]);
  ok(ch, who, [act(VP, "logInProducer", [who])]);
};

describe("vote_producer.iost genesis", () => {
  it("makes the genesis producers pending and current, sorted by pubkey", () => {
    const ch = new Chain(devGenesis(4));
    expect(pendingProducerList(ch.state)).toEqual(sorted(P.map((p) => p.id)));
    expect(currentProducerList(ch.state)).toEqual(pendingProducerList(ch.state));
    const db = new ContractDB(ch.state);
    for (const p of P) expect(db.mget(VP, "producerKeyToId", p.pubkey)).toEqual({ t: "s", v: p.id });
    expect(getProducerVoteInfo(ch.state, "producer001")).toEqual({
      pubkey: P[1].pubkey,
      loc: "",
      url: "",
      net_id: "",
      is_producer: true,
      status: "APPROVED",
      online: true,
      votes: 0,
    });
    expect(getProducerVoteInfo(ch.state, "nobody")).toBeNull();
  });
});

describe("register, approve, vote, unvote", () => {
  it("registers, approves and counts votes; unvote refunds frozen until the lock ends", () => {
    const ch = setup();
    ok(ch, "alice", [act(VP, "applyRegister", ["alice", KEY.alice, "loc", "url", "net", true])]);
    expect(getProducerVoteInfo(ch.state, "alice")!.status).toBe("APPLY");
    fails(ch, "alice", [act(VP, "applyRegister", ["alice", fakeKey(9), "", "", "", true])], "producer exists");
    fails(ch, "bobby", [act(VP, "applyRegister", ["bobby", KEY.alice, "", "", "", true])], "pubkey is used by another producer");
    fails(ch, "bobby", [act(VP, "applyRegister", ["carol", fakeKey(9), "", "", "", true])], "require auth failed.");
    fails(ch, "bobby", [act(VP, "approveRegister", ["alice"])], "require auth failed. ret = false");
    fails(ch, "admin", [act(VP, "approveRegister", ["nobody"])], "producer not exists");
    ok(ch, "admin", [act(VP, "approveRegister", ["alice"])]);
    expect(getProducerVoteInfo(ch.state, "alice")!.status).toBe("APPROVED");

    const bob0 = balanceOf(ch.state, "iost", "bobby");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2100000.123456789"])]);
    expect(balanceOf(ch.state, "iost", "bobby")).toBe(bob0 - 210000012345678n);
    expect(balanceOf(ch.state, "iost", "vote.iost")).toBe(210000012345678n);
    expect(getProducerVoteInfo(ch.state, "alice")!.votes).toBe(2100000.12345678);

    for (const bad of ["0", "-1", "abc", "0.000000001"]) fails(ch, "bobby", [act(VP, "vote", ["bobby", "alice", bad])], "amount must be positive");
    fails(ch, "bobby", [act(VP, "vote", ["bobby", "nobody", "1"])], "producer not exists");
    fails(ch, "alice", [act(VP, "vote", ["bobby", "alice", "1"])], "require auth failed. ret = false");
    fails(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "6000000"])], "balance not enough");
    fails(ch, "bobby", [act(VP, "unvote", ["bobby", "alice", "2100001"])], "amount too large. max amount = 2100000.12345678");
    fails(ch, "bobby", [act(VP, "unvote", ["bobby", "producer000", "1"])], "account didn't vote for this option.");
    fails(ch, "carol", [act(VP, "unvote", ["carol", "alice", "1"])], "account didn't vote.");

    const bob1 = balanceOf(ch.state, "iost", "bobby");
    ok(ch, "bobby", [act(VP, "unvote", ["bobby", "alice", "100"])]);
    expect(getProducerVoteInfo(ch.state, "alice")!.votes).toBe(2100000.12345678 - 100);
    // Nothing spendable yet: the 100 IOST are frozen for voteLockSec.
    expect(balanceOf(ch.state, "iost", "bobby")).toBe(bob1);
    const all = (bob1 + 100n * U).toString();
    const spend = [act("token.iost", "transfer", ["iost", "bobby", "admin", (Number(all) / 1e8).toFixed(8), ""])];
    fails(ch, "bobby", spend, "balance not enough");
    ch.advance(604_800n);
    ok(ch, "bobby", spend);
    expect(balanceOf(ch.state, "iost", "bobby")).toBe(0n);
  });

  it("logs out and in, and drops a logged-out producer at re-election when a replacement exists", () => {
    const ch = setup();
    register(ch, "alice");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2100000"])]);
    fails(ch, "bobby", [act(VP, "logOutProducer", ["alice"])], "require auth failed.");
    fails(ch, "admin", [act(VP, "logInProducer", ["nobody"])], "producer not exists, nobody");
    ok(ch, "admin", [act(VP, "logOutProducer", ["producer002"])]);
    expect(getProducerVoteInfo(ch.state, "producer002")!.online).toBe(false);
    const old = pendingProducerList(ch.state);
    stat(ch, { [keyOf("producer000")]: 5, [keyOf("producer001")]: 5, [keyOf("producer002")]: 5, [keyOf("producer003")]: 5 });
    expect(currentProducerList(ch.state)).toEqual(old);
    expect(pendingProducerList(ch.state)).toEqual([KEY.alice, ...sorted(["producer000", "producer001", "producer003"])]);
  });

  it("updates a producer's key (producerKeyToId follows) unless it is in the lists", () => {
    const ch = setup();
    register(ch, "alice");
    ok(ch, "alice", [act(VP, "updateProducer", ["alice", fakeKey(50), "l2", "u2", "n2"])]);
    const db = new ContractDB(ch.state);
    expect(db.mget(VP, "producerKeyToId", fakeKey(50))).toEqual({ t: "s", v: "alice" });
    expect(db.mhas(VP, "producerKeyToId", KEY.alice)).toBe(false);
    expect(getProducerVoteInfo(ch.state, "alice")).toMatchObject({ pubkey: fakeKey(50), loc: "l2", url: "u2", net_id: "n2" });
    fails(ch, "alice", [act(VP, "updateProducer", ["alice", P[0].pubkey, "", "", ""])], "pubkey is used by another producer");
    fails(ch, "admin", [act(VP, "updateProducer", ["producer001", fakeKey(51), "", "", ""])], "account in producerList, can't change pubkey");
    fails(ch, "admin", [act(VP, "updateProducer", ["nobody", fakeKey(51), "", "", ""])], "producer not exists");
  });

  it("refuses to unregister a producer still in the lists, then allows it once out", () => {
    const ch = setup();
    register(ch, "alice");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2100000"])]);
    fails(ch, "admin", [act(VP, "unregister", ["producer003"])], "producer can not unregister");
    fails(ch, "admin", [act(VP, "approveUnregister", ["producer003"])], "producer not unapplied");
    ok(ch, "admin", [act(VP, "applyUnregister", ["producer003"])]);
    expect(getProducerVoteInfo(ch.state, "producer003")!.status).toBe("UNAPPLY");
    ok(ch, "admin", [act(VP, "approveUnregister", ["producer003"])]);
    fails(ch, "admin", [act(VP, "unregister", ["producer003"])], "producer in pending list or in current list, can't unregister");
    // Two rounds: out of pending, then out of current.
    const all = Object.fromEntries(P.map((p) => [p.pubkey, 5]));
    stat(ch, all);
    expect(pendingProducerList(ch.state)).not.toContain(keyOf("producer003"));
    fails(ch, "admin", [act(VP, "unregister", ["producer003"])], "producer in pending list or in current list, can't unregister");
    stat(ch, all);
    ok(ch, "admin", [act(VP, "unregister", ["producer003"])]);
    expect(getProducerVoteInfo(ch.state, "producer003")).toBeNull();
    expect(new ContractDB(ch.state).mhas(VP, "producerKeyToId", keyOf("producer003"))).toBe(false);
  });
});

describe("re-election (stat)", () => {
  it("is callable only by base.iost", () => {
    const ch = setup();
    fails(ch, "admin", [act(VP, "stat", [])], "require auth failed. ret = false");
  });

  it("keeps a producer with no blocks when nobody can replace it, kicks it out when someone can", () => {
    const ch = setup();
    const three = { [keyOf("producer000")]: 5, [keyOf("producer001")]: 5, [keyOf("producer002")]: 5 };
    stat(ch, three, { [keyOf("producer003")]: 5 });
    // Kept, but after the producers that made blocks.
    const kept = [...sorted(["producer000", "producer001", "producer002"]), keyOf("producer003")];
    expect(pendingProducerList(ch.state)).toEqual(kept);
    register(ch, "alice");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2099999"])]);
    stat(ch, three, { [keyOf("producer003")]: 5 });
    // Below minVote: alice cannot take the seat.
    expect(pendingProducerList(ch.state)).toEqual(kept);
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "1"])]);
    stat(ch, three, { [keyOf("producer003")]: 5 });
    expect(pendingProducerList(ch.state)).toEqual([KEY.alice, ...sorted(["producer000", "producer001", "producer002"])]);
    const r = new ContractDB(ch.state).mget(VP, "pobStat", "producer003");
    expect(r).toEqual({ t: "s", v: JSON.stringify({ servi: "0", missed: String((((5000n * 7n) / 8n + 5000n) * 7n) / 8n + 5000n) }) });
  });

  it("a high-vote producer that misses slots loses its place to a reliable one", () => {
    const ch = new Chain({ ...devGenesis(4), consensus: { ...devGenesis(4).consensus, producerNumber: 4 } });
    ch.newAccount("alice", KEY.alice, "10000");
    ch.newAccount("bobby", KEY.bobby, "20000000");
    ch.newAccount("carol", KEY.carol, "20000000");
    register(ch, "alice");
    register(ch, "carol");
    // alice: 5,000,000 votes; carol: 3,000,000; both elected over the vote-less genesis producers.
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "5000000"]), act(VP, "vote", ["bobby", "carol", "3000000"])]);
    const all = Object.fromEntries(P.map((p) => [p.pubkey, 5]));
    stat(ch, { ...all });
    expect(pendingProducerList(ch.state).slice(0, 2)).toEqual([KEY.alice, KEY.carol]);
    // Both in the schedule; carol makes every block, alice misses half its slots.
    for (let i = 0; i < 8; i++) stat(ch, { ...all, [KEY.alice]: 3, [KEY.carol]: 5 }, { [KEY.alice]: 3 });
    expect(pendingProducerList(ch.state).slice(0, 2)).toEqual([KEY.carol, KEY.alice]);
  });
});

describe("bonus pools", () => {
  it("topupCandidateBonus takes nothing while no candidate has minVote", () => {
    const ch = setup();
    const before = snapshot(ch);
    const r = ok(ch, "admin", [act(VP, "topupCandidateBonus", ["1000", "admin"])]);
    expect(r.returns).toEqual(['["false"]']);
    expect(snapshot(ch)).toEqual(before);
  });

  it("topups and withdrawals sum exactly", () => {
    const ch = setup();
    register(ch, "alice");
    register(ch, "carol");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2100000"])]);
    ok(ch, "carol", [act(VP, "vote", ["carol", "carol", "3000000"]), act(VP, "vote", ["carol", "alice", "700000"])]);
    const accts = ["admin", "alice", "bobby", "carol", VP];
    const b0 = accts.map((a) => balanceOf(ch.state, "iost", a));
    fails(ch, "admin", [act(VP, "topupCandidateBonus", ["0", "admin"])], "amount must be positive");
    const r = ok(ch, "admin", [act(VP, "topupCandidateBonus", ["1000", "admin"])]);
    expect(r.returns).toEqual(['["true"]']);
    ok(ch, "admin", [act(VP, "topupVoterBonus", ["alice", "10", "admin"])]);
    // alice: 2.8M of 5.8M keys; carol 3M.
    const ca = getCandidateBonus(ch.state, "alice").bonus;
    const cc = getCandidateBonus(ch.state, "carol").bonus;
    expect(ca).toBeCloseTo((1000 * 2.8) / 5.8, 6);
    expect(cc).toBeCloseTo((1000 * 3) / 5.8, 6);
    fails(ch, "bobby", [act(VP, "candidateWithdraw", ["alice"])], "require auth failed.");
    ok(ch, "alice", [act(VP, "candidateWithdraw", ["alice"])]);
    ok(ch, "carol", [act(VP, "candidateWithdraw", ["carol"])]);
    expect(getCandidateBonus(ch.state, "alice").bonus).toBe(0);
    const vb = getVoterBonus(ch.state, "bobby");
    expect(Object.keys(vb.detail)).toEqual(["alice"]);
    ok(ch, "bobby", [act(VP, "voterWithdraw", ["bobby"])]);
    ok(ch, "carol", [act(VP, "voterWithdraw", ["carol"])]);
    expect(getVoterBonus(ch.state, "bobby")).toEqual({ bonus: 0, detail: {} });
    const b1 = accts.map((a) => balanceOf(ch.state, "iost", a));
    const d = b1.map((v, i) => v - b0[i]);
    expect(d.reduce((s, x) => s + x, 0n)).toBe(0n); // nothing created or lost
    expect(d[0]).toBe(-1010n * U);
    // What stays in the contract is truncation dust: a few 1e-8 IOST.
    expect(d[4] >= 0n && d[4] < 10n).toBe(true);
    expect(d[1] > 0n && d[2] > 0n && d[3] > 0n).toBe(true);
  });
});

describe("vote.iost", () => {
  it("answers reads and keeps vote 1 to vote_producer.iost", () => {
    const ch = setup();
    register(ch, "alice");
    ok(ch, "bobby", [act(VP, "vote", ["bobby", "alice", "2100000"])]);
    const r = ok(ch, "admin", [
      act("vote.iost", "getResult", ["1"]),
      act("vote.iost", "getOption", ["1", "alice"]),
      act("vote.iost", "getVote", ["1", "bobby"]),
    ]);
    expect(JSON.parse(JSON.parse(r.returns[0])[0])).toEqual([{ option: "alice", votes: "2100000" }]);
    expect(JSON.parse(JSON.parse(r.returns[1])[0])).toEqual({ votes: "2100000", deleted: 0, clearTime: -1 });
    expect(JSON.parse(JSON.parse(r.returns[2])[0])).toEqual([{ option: "alice", votes: "2100000", voteTime: 1, clearedVotes: "0" }]);
    fails(ch, "admin", [act("vote.iost", "getOption", ["2", "alice"])], "vote does not exist.");
    fails(ch, "bobby", [act("vote.iost", "vote", ["1", "bobby", "alice", "1"])], "vote 1 is voted through vote_producer.iost only");
    fails(ch, "bobby", [act("vote.iost", "unvote", ["1", "bobby", "alice", "1"])], "vote 1 is voted through vote_producer.iost only");
    fails(ch, "admin", [act("vote.iost", "addOption", ["1", "x", false])], "require auth failed. ret = false");
  });
});

/** User votes (vote_common.js newVote / vote / voteFor / unvote / removeOption / delVote); go-iost itest common_vote_case's figures. */
describe("vote.iost user votes", () => {
  const V = "vote.iost";
  const bal = (ch: Chain, a: string) => balanceOf(ch.state, "iost", a);
  const ret = (r: { returns: string[] }, i = 0) => JSON.parse(JSON.parse(r.returns[i])[0]);
  const info = { resultNumber: 2, minVote: "10", options: ["option1", "option2", "option3", "option4"], anyOption: false, freezeTime: 0 };

  it("newVote locks 1000 IOST; votes rank options ≥ minVote, top resultNumber; delVote returns the deposit", () => {
    const ch = setup();
    const [adminBefore, poolBefore] = [bal(ch, "admin"), bal(ch, V)];
    const made = ok(ch, "admin", [act(V, "newVote", ["admin", "test vote", info])]);
    const id = JSON.parse(made.returns[0])[0] as string;
    expect(id).toBe("2"); // vote 1 is vote_producer.iost's
    expect(bal(ch, "admin")).toBe(adminBefore - 1000n * U);
    expect(bal(ch, V)).toBe(poolBefore + 1000n * U);
    ok(ch, "bobby", [act(V, "vote", [id, "bobby", "option3", "100"]), act(V, "vote", [id, "bobby", "option1", "20"])]);
    ok(ch, "carol", [act(V, "vote", [id, "carol", "option3", "10"]), act(V, "vote", [id, "carol", "option2", "5"])]);
    expect(bal(ch, "bobby")).toBe(5_000_000n * U - 120n * U);
    const r = ok(ch, "admin", [act(V, "getResult", [id]), act(V, "getOption", [id, "option3"]), act(V, "getVote", [id, "carol"])]);
    expect(ret(r, 0)).toEqual([
      { option: "option3", votes: "110" },
      { option: "option1", votes: "20" },
    ]);
    expect(ret(r, 1)).toEqual({ votes: "110", deleted: 0, clearTime: -1 });
    expect(ret(r, 2)).toEqual([
      { option: "option3", votes: "10", voteTime: expect.any(Number), clearedVotes: "0" },
      { option: "option2", votes: "5", voteTime: expect.any(Number), clearedVotes: "0" },
    ]);
    // An option in the result is kept unless forced; one outside it goes.
    fails(ch, "admin", [act(V, "removeOption", [id, "option1", false])], "option in result, can't be removed.");
    ok(ch, "admin", [act(V, "removeOption", [id, "option4", false])]);
    fails(ch, "admin", [act(V, "getOption", [id, "option4"])], "option not exist");
    // Unvote: the votes come back frozen for freezeTime (0 s here), the totals drop.
    ok(ch, "bobby", [act(V, "unvote", [id, "bobby", "option3", "100"])]);
    expect(ret(ok(ch, "admin", [act(V, "getResult", [id])]))).toEqual([
      { option: "option1", votes: "20" },
      { option: "option3", votes: "10" },
    ]);
    const adminMid = bal(ch, "admin");
    ok(ch, "admin", [act(V, "delVote", [id])]);
    expect(bal(ch, "admin")).toBe(adminMid + 1000n * U);
    fails(ch, "carol", [act(V, "vote", [id, "carol", "option2", "1"])], "vote has been deleted.");
    fails(ch, "admin", [act(V, "delVote", [id])], "vote has been deleted.");
    // Votes of a deleted vote still come back.
    ok(ch, "carol", [act(V, "unvote", [id, "carol", "option2", "5"])]);
  });

  it("refuses bad votes with vote_common.js's texts and changes nothing", () => {
    const ch = setup();
    const bad = (i: object, msg: string) => fails(ch, "admin", [act(V, "newVote", ["admin", "d", { ...info, ...i }])], msg);
    bad({ resultNumber: 0 }, "resultNumber not valid.");
    bad({ resultNumber: 2001 }, "resultNumber not valid.");
    bad({ resultNumber: 1.5 }, "resultNumber not valid.");
    bad({ minVote: "0" }, "minVote not valid.");
    bad({ minVote: "abc" }, "minVote not valid.");
    bad({ options: "option1" }, "options not valid.");
    bad({ options: ["a", 1] }, "options has none string value.");
    bad({ options: ["x".repeat(2049)] }, "option too long. max length is 2048 Byte.");
    bad({ freezeTime: -1 }, "freezeTime not valid.");
    fails(ch, "admin", [act(V, "newVote", ["admin", "d".repeat(65537), info])], "description too long. max length is 65536 Byte.");
    fails(ch, "bobby", [act(V, "newVote", ["admin", "d", info])], "require auth failed. ret = false");
    // Any account may open a vote: the deposit is its own.
    const before = bal(ch, "alice");
    expect(JSON.parse(ok(ch, "alice", [act(V, "newVote", ["alice", "mine", { ...info, freezeTime: 60 }])]).returns[0])).toEqual(["2"]);
    expect(bal(ch, "alice")).toBe(before - 1000n * U);
  });

  it("voteFor: a fund account (the admin) may vote for another account with its own IOST; anyone else only for itself", () => {
    const ch = setup();
    const id = JSON.parse(ok(ch, "admin", [act(V, "newVote", ["admin", "v", info])]).returns[0])[0] as string;
    fails(ch, "bobby", [act(V, "voteFor", [id, "bobby", "carol", "option1", "5"])], "payer is not allowed to call voteFor.");
    fails(ch, "bobby", [act(V, "voteFor", [id, "bobby", "bobby", "nope", "5"])], "option does not exist");
    fails(ch, "bobby", [act(V, "voteFor", [id, "bobby", "bobby", "option1", "0"])], "amount must be positive");
    ok(ch, "bobby", [act(V, "voteFor", [id, "bobby", "bobby", "option1", "5"])]);
    const [admin, carol] = [bal(ch, "admin"), bal(ch, "carol")];
    ok(ch, "admin", [act(V, "voteFor", [id, "admin", "carol", "option1", "7"])]);
    expect(bal(ch, "admin")).toBe(admin - 7n * U);
    expect(bal(ch, "carol")).toBe(carol);
    const votes = ret(ok(ch, "admin", [act(V, "getVote", [id, "carol"])]));
    expect(votes.map((v: { option: string; votes: string }) => [v.option, v.votes])).toEqual([["option1", "7"]]);
    // The payer of a user vote's record pays its RAM (vote_common.js), not vote.iost.
    expect(new ContractDB(ch.state).mget(V, "u_" + id, "bobby")).toBeDefined();
  });
});

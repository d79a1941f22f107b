/**
 * vote.iost user votes through the real iost SDK against a node (issue #16): an
 * account (on another shard than shard 0 where vote.iost lives, when the node has
 * several) opens a vote, locking 1000 IOST, votes, reads the result and the option
 * through contract calls and storage, and deletes the vote, getting the deposit back;
 * a bad vote is refused with vote_common.js's text and costs no IOST.
 */
import { describe, expect, it } from "vitest";
import { accountWithKey, Algorithm, balanceOf, expectSuccess, get, KeyPair, newAccountTx, sendAndFollow } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

describe("vote.iost user votes (iost SDK)", () => {
  let voter: any;
  let name = "";
  let id = "";

  it("an account away from shard 0 opens a vote: 1000 IOST locked in vote.iost", async () => {
    for (let i = 0; i < 64 && name === ""; i++) {
      const n = `uvote${i}${(Date.now() % 1e4).toString(36)}`.slice(0, 11);
      const s = (await get(node.url, `/getShardInfo/${n}`)).body;
      if (s.shard_count === 1 || s.shard !== 0) name = n;
    }
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    await expectSuccess(node.client, newAccountTx(node.client, name, kp.B58PubKey(), kp.B58PubKey(), 4096, 40));
    const fund = node.client.iost.callABI("token.iost", "transfer", ["iost", "admin", name, "1500", ""]);
    fund.addApprove("iost", "1500");
    await expectSuccess(node.client, fund);
    voter = accountWithKey(name, kp);

    const bad = node.client.iost.callABI("vote.iost", "newVote", [name, "poll", { resultNumber: 0, minVote: "1", options: ["a"] }]);
    bad.addApprove("iost", "1000");
    const refused = await sendAndFollow(node.client, bad, voter);
    expect(JSON.stringify(refused.result)).toContain("resultNumber not valid.");
    expect(await balanceOf(node.client, name)).toBe(1500);

    const tx = node.client.iost.callABI("vote.iost", "newVote", [name, "poll", { resultNumber: 2, minVote: "1", options: ["a", "b", "c"] }]);
    tx.addApprove("iost", "1000");
    const out = await expectSuccess(node.client, tx, voter);
    id = JSON.parse(out.result.returns[0])[0];
    expect(Number(id)).toBeGreaterThan(1);
    expect(await balanceOf(node.client, name)).toBe(500);
  });

  it("votes rank the options; the option's record reads back through getContractStorage", async () => {
    const tx = node.client.iost.callABI("vote.iost", "vote", [id, name, "b", "30"]);
    tx.addApprove("iost", "30");
    await expectSuccess(node.client, tx, voter);
    const tx2 = node.client.iost.callABI("vote.iost", "vote", [id, name, "a", "20"]);
    tx2.addApprove("iost", "20");
    await expectSuccess(node.client, tx2, voter);
    const result = await expectSuccess(node.client, node.client.iost.callABI("vote.iost", "getResult", [id]));
    expect(JSON.parse(JSON.parse(result.result.returns[0])[0])).toEqual([
      { option: "b", votes: "30" },
      { option: "a", votes: "20" },
    ]);
    const stored = await node.client.rpc.blockchain.getContractStorage("vote.iost", `v_${id}`, "b", true);
    expect(JSON.parse(stored.data)).toEqual({ votes: "30", deleted: 0, clearTime: -1 });
  });

  it("delVote returns the deposit; the votes come back by unvote", async () => {
    await expectSuccess(node.client, node.client.iost.callABI("vote.iost", "delVote", [id]), voter);
    expect(await balanceOf(node.client, name)).toBe(1450);
    await expectSuccess(node.client, node.client.iost.callABI("vote.iost", "unvote", [id, name, "b", "30"]), voter);
    expect(await balanceOf(node.client, name)).toBe(1480);
  });
});

/**
 * Tokens across shards against the Durable Objects with four shards, through
 * the edge (docs/SHARDING.md "Tokens across shards"): admin (shard 0) creates
 * `coin`, whose symbol's shard is 2, and issues it to producer000 (shard 1).
 * The create and the issue run on shard 2, the amount reaches shard 1 as a
 * credit; `/getTokenInfo` and token.iost's `TI` storage answer from shard 2,
 * the balance from the holder's shard. Then `ruby` (shard 2) is created, issued
 * to admin and moved to shard 1 in one tx: admin's ruby records travel with
 * its escrow and come home with the settle. Last, a contract of admin's shard
 * creates `agate` (symbol's shard 2) in `init`: it lives on shard 0, shard 2
 * granted it, and the edge reads its info and storage on shard 0. The same
 * for a token721.iost collection `deck` (symbol's shard 2) made in `init`.
 * And `fern` (shard 2), created by admin at top level, issued by admin's
 * contract of shard 0: its supply written back on shard 2 with the run.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { nftShard, shardOf, tokenShard } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { makeTx } from "../workers/txs";

const N = 4;

async function get(path: string): Promise<Record<string, unknown>> {
  return (await (await SELF.fetch(`http://node${path}`)).json()) as Record<string, unknown>;
}
async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  return (await (await SELF.fetch(`http://node${path}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) })).json()) as Record<
    string,
    unknown
  >;
}
const act = (actionName: string, args: unknown[]) => ({ contract: "token.iost", actionName, data: JSON.stringify(args) });

/**
 * Mines a block at a time until tx `hash`'s receipt is final; the receipt. How many blocks a cross-shard tx takes depends
 * on what else is undecided (a create waits for an older one's round of asks), not only on its own path.
 */
async function final(hash: unknown): Promise<Record<string, unknown>> {
  for (let i = 0; i < 30 && (await get(`/getTxReceiptByTxHash/${hash}`)).status_code === undefined; i++) await post("/dev/mine", { blocks: 1 });
  return get(`/getTxReceiptByTxHash/${hash}`);
}

describe("a token created by an account of another shard than its symbol's", () => {
  test("is created and issued on its shard; getTokenInfo, its storage and a remote holder's balance are read where they live", async () => {
    expect([shardOf("admin", N), tokenShard("coin", N), shardOf("producer000", N)]).toEqual([0, 2, 1]);
    await get("/getChainInfo");
    const { tx } = makeTx({
      actions: [act("create", ["coin", "admin", 1000, { decimal: 2, fullName: "Coin" }]), act("issue", ["coin", "producer000", "12.5"])],
    });
    const sent = await post("/sendTx", txToRequestJson(tx));
    expect(sent.hash).toBeTypeOf("string");
    // Forwarded to shard 2, run there once no older create is undecided (a round of asks), the credit to shard 1 and the settles.
    const receipt = await final(sent.hash);
    expect([receipt.status_code, receipt.message]).toEqual(["SUCCESS", ""]);
    expect(await get("/getTokenInfo/coin/true")).toMatchObject({ symbol: "coin", full_name: "Coin", issuer: "admin", current_supply: "1250", decimal: 2 });
    expect(await get("/getTokenBalance/producer000/coin/true")).toMatchObject({ balance: 12.5 });
    const stored = await post("/getContractStorage", { id: "token.iost", key: "TIcoin", field: "supply", by_longest_chain: true });
    expect(stored.data).toBe("1250");
  });
  test("created, issued to the publisher and moved to a third shard in one tx: the issued balance moves on as on one shard", async () => {
    expect([shardOf("admin", N), tokenShard("ruby", N), shardOf("producer000", N)]).toEqual([0, 2, 1]);
    const { tx } = makeTx({
      actions: [
        act("create", ["ruby", "admin", 1000, { decimal: 0 }]),
        act("issue", ["ruby", "admin", "100"]),
        act("transfer", ["ruby", "admin", "producer000", "30", ""]),
      ],
    });
    const sent = await post("/sendTx", txToRequestJson(tx));
    expect(sent.hash).toBeTypeOf("string");
    // Forwarded to shard 2 with admin's ruby records (the create waits a round of asks there), the credit to shard 1, the
    // settles (admin's ruby comes home).
    const receipt = await final(sent.hash);
    expect([receipt.status_code, receipt.message]).toEqual(["SUCCESS", ""]);
    expect(await get("/getTokenInfo/ruby/true")).toMatchObject({ symbol: "ruby", current_supply: "100" });
    expect(await get("/getTokenBalance/admin/ruby/true")).toMatchObject({ balance: 70 });
    expect(await get("/getTokenBalance/producer000/ruby/true")).toMatchObject({ balance: 30 });
  });
  test("created in a contract's init off its symbol's shard: it lives on the contract's shard, issued there, read there through the edge", async () => {
    expect([shardOf("admin", N), tokenShard("agate", N), shardOf("producer000", N)]).toEqual([0, 2, 1]);
    const code = `class Reward {
  init() { blockchain.callWithAuth("token.iost", "create", ["agate", blockchain.contractName(), 1000, { decimal: 0, fullName: "Agate" }]); }
  claim() { blockchain.callWithAuth("token.iost", "issue", ["agate", "producer000", "9"]); return "claimed"; }
}
module.exports = Reward;`;
    const contract = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi: [{ name: "claim", args: [], amountLimit: [] }] }, code });
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const sent = await post("/sendTx", txToRequestJson(deploy.tx));
    // The claim goes to shard 2, granted after a round of asks, and its settle comes back: the tx decides three blocks
    // after its own, sending the contract's registers then, and its receipt shows once they landed, a block later.
    const receipt = await final(sent.hash);
    expect([receipt.status_code, receipt.message]).toEqual(["SUCCESS", ""]);
    const id = `Contract${sent.hash}`;
    const claim = makeTx({ actions: [{ contract: id, actionName: "claim", data: "[]" }] });
    const claimed = await post("/sendTx", txToRequestJson(claim.tx));
    expect(await final(claimed.hash)).toMatchObject({ status_code: "SUCCESS", returns: ['["claimed"]'] });
    // Shard 2 holds a copy at creation (supply 0) and names the home: the edge answers from shard 0.
    expect(await get("/getTokenInfo/agate/true")).toEqual(expect.objectContaining({ symbol: "agate", issuer: id, current_supply: "9", full_name: "Agate" }));
    expect(await get("/getTokenInfo/agate/true")).not.toHaveProperty("home");
    expect(await get("/getTokenBalance/producer000/agate/true")).toMatchObject({ balance: 9 });
    const stored = await post("/getContractStorage", { id: "token.iost", key: "TIagate", field: "supply", by_longest_chain: true });
    expect(stored.data).toBe("9");
  });
  test("a token721.iost collection created in a contract's init off its symbol's shard: issued to a holder of a third shard, read on the contract's shard through the edge", async () => {
    expect([shardOf("admin", N), nftShard("deck", N), shardOf("producer000", N)]).toEqual([0, 2, 1]);
    const code = `class Cards {
  init() { blockchain.callWithAuth("token721.iost", "create", ["deck", blockchain.contractName(), 5]); }
  give() { return blockchain.callWithAuth("token721.iost", "issue", ["deck", "producer000", "{\\"n\\":1}"]); }
}
module.exports = Cards;`;
    const contract = JSON.stringify({ ID: "", info: { lang: "javascript", version: "1.0.0", abi: [{ name: "give", args: [], amountLimit: [] }] }, code });
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const sent = await post("/sendTx", txToRequestJson(deploy.tx));
    // The claim goes to shard 2, granted after a round of asks, and its settle comes back; then its registers land.
    expect(await final(sent.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    const id = `Contract${sent.hash}`;
    const give = makeTx({ actions: [{ contract: id, actionName: "give", data: "[]" }] });
    const given = await post("/sendTx", txToRequestJson(give.tx));
    expect(await final(given.hash)).toMatchObject({ status_code: "SUCCESS", returns: ['["[\\"0\\"]"]'] });
    // Shard 2 names the home (shard 0), which answers; `home` is not part of IOST's answer.
    expect(await get("/getToken721Balance/producer000/deck/true")).toEqual({ balance: "1", tokenIDs: ["0"] });
    expect(await get("/getToken721Owner/deck/0/true")).toEqual({ owner: "producer000" });
    expect(await get("/getToken721Metadata/deck/0/true")).toEqual({ metadata: '{"n":1}' });
    const stored = await post("/getContractStorage", { id: "token721.iost", key: "T721Ideck", field: "0", by_longest_chain: true });
    expect(stored.data).toBe("producer000");
    // A top-level create of the symbol, forwarded to shard 2, fails there with IOST's error.
    const again = makeTx({ actions: [{ contract: "token721.iost", actionName: "create", data: JSON.stringify(["deck", "admin", 3]) }] });
    const dup = await post("/sendTx", txToRequestJson(again.tx));
    const r = await final(dup.hash);
    expect([r.status_code, r.message]).toEqual(["RUNTIME_ERROR", expect.stringMatching(/error: token exists$/)]);
  });
  test("created at top level and issued by a contract of another shard than its home: the supply fetched from its home and written back there, the balance on the holder's shard", async () => {
    expect([shardOf("admin", N), tokenShard("fern", N), shardOf("producer000", N)]).toEqual([0, 2, 1]);
    const create = makeTx({ actions: [act("create", ["fern", "admin", 1000, { decimal: 0 }])] });
    const created = await post("/sendTx", txToRequestJson(create.tx));
    expect(await final(created.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    const code = `class Giver {
  init() {}
  give(n) { blockchain.callWithAuth("token.iost", "issue", ["fern", "producer000", n]); return "given"; }
}
module.exports = Giver;`;
    const contract = JSON.stringify({
      ID: "",
      info: { lang: "javascript", version: "1.0.0", abi: [{ name: "give", args: ["string"], amountLimit: [] }] },
      code,
    });
    const deploy = makeTx({ actions: [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([contract]) }], gasLimit: 400_000_000n });
    const sent = await post("/sendTx", txToRequestJson(deploy.tx));
    expect(await final(sent.hash)).toMatchObject({ status_code: "SUCCESS", message: "" });
    // admin's contract lives on shard 0: the run parks for fern's supply (shard 2) and producer000's balance (shard 1),
    // runs again on them and sends each its write with the release.
    const give = makeTx({ actions: [{ contract: `Contract${sent.hash}`, actionName: "give", data: JSON.stringify(["7"]) }] });
    const given = await post("/sendTx", txToRequestJson(give.tx));
    expect(await final(given.hash)).toMatchObject({ status_code: "SUCCESS", message: "", returns: ['["given"]'] });
    expect(await get("/getTokenInfo/fern/true")).toMatchObject({ symbol: "fern", current_supply: "7" });
    expect(await get("/getTokenBalance/producer000/fern/true")).toMatchObject({ balance: 7 });
    const stored = await post("/getContractStorage", { id: "token.iost", key: "TIfern", field: "supply", by_longest_chain: true });
    expect(stored.data).toBe("7");
  });
});

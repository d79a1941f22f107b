/**
 * Compatibility suite, part 2 (issue #16 "How it is checked"): go-iost's itest scenarios
 * (itest/command/run/*_case.go over itest/client.go and itest/itest.go) as itest runs them: over
 * gRPC (IOST's rpcpb.ApiService, scripts/grpc/bridge.ts in front of one node), each tx with
 * itest's amount_limit `*:unlimited` (itest/transaction.go), accounts created with itest's four
 * actions (signUp, ram buy, gas pledge, transfer) and checked by GetAccount as CheckAccounts does.
 * Txs are signed with the iost SDK. A scenario this node does not pass is an `it.fails` whose
 * comment names the difference (README.md "Compatibility").
 */
import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, txRequest } from "../helpers/grpc";
import { startNode, type RunningNode } from "../../../scripts/node";
import { accountWithKey, connect, get, KeyPair, signTx, uniqueName, waitUntil, type Client } from "../helpers/sdk";
import { shardOf } from "../../../src/sharding/placement";

let node: RunningNode;
let client: Client;
let api: any;

beforeAll(async () => {
  node = await startNode({ grpcPort: 0 });
  client = await connect(node.url);
  api = grpcClient(node.grpc as string);
});
afterAll(async () => {
  api?.close();
  await node?.stop();
});

function rpc(method: string, request: object): Promise<any> {
  return new Promise((resolve, reject) => api[method](request, (err: grpc.ServiceError | null, res: any) => (err ? reject(err) : resolve(res))));
}

/** itest/transaction.go NewTransaction: its actions, amount_limit `*:unlimited`, as a TransactionRequest. */
function itx(actions: [contract: string, abi: string, args: unknown[]][]): any {
  const tx = client.iost.callABI(actions[0][0], actions[0][1], actions[0][2]);
  for (const [c, a, args] of actions.slice(1)) tx.addAction(c, a, JSON.stringify(args));
  // iost.js's addApprove refuses `*`; itest builds its txs in Go.
  tx.amount_limit.push({ token: "*", value: "unlimited" });
  return tx;
}

/** itest/client.go SendTransaction with check: SendTransaction, then GetTxReceiptByTxHash until it answers. */
async function send(tx: any, as: any = client.admin, timeoutMs = 30_000): Promise<any> {
  signTx(client, tx, as);
  const { hash } = await rpc("SendTransaction", txRequest(tx));
  return waitUntil(`receipt of ${hash}`, async () => rpc("GetTxReceiptByTxHash", { hash }).catch(() => undefined), timeoutMs);
}

async function sendOk(tx: any, as?: any): Promise<any> {
  const r = await send(tx, as);
  expect(r.status_code, r.message).toBe("SUCCESS");
  return r;
}

const balance = async (name: string): Promise<number> => (await rpc("GetAccount", { name, by_longest_chain: true })).balance;

interface Acc {
  name: string;
  account: any;
}

/** itest/client.go CreateAccount with account_round.go's amounts: 3000 bytes of RAM, 1000 IOST pledged, 1000 IOST. */
function createTx(name: string, kp: any): any {
  return itx([
    ["auth.iost", "signUp", [name, kp.id, kp.id]],
    ["ram.iost", "buy", ["admin", name, 3000]],
    ["gas.iost", "pledge", ["admin", name, "1000"]],
    ["token.iost", "transfer", ["iost", "admin", name, "1000", ""]],
  ]);
}

async function createAccounts(n: number, prefix: string): Promise<Acc[]> {
  return createNamed(Array.from({ length: n }, (_, i) => uniqueName(`${prefix}${i}`)));
}

async function createNamed(names: string[]): Promise<Acc[]> {
  const made = names.map((name) => ({ name, kp: KeyPair.newKeyPair() }));
  await Promise.all(made.map((m) => sendOk(createTx(m.name, m.kp))));
  return made.map((m) => ({ name: m.name, account: accountWithKey(m.name, m.kp) }));
}

/**
 * A fresh name on the shard `offset` after `beside`'s (src/sharding/placement.ts, the node's shard count):
 * a scenario whose result depends on placement spans the same shards every run.
 */
async function nameOn(beside: string, offset: number, prefix: string): Promise<string> {
  const { shard_count: count } = (await get(node.url, "/getShardInfo")).body as { shard_count: number };
  const shard = (shardOf(beside, count) + offset) % count;
  for (;;) {
    const name = uniqueName(prefix);
    if (shardOf(name, count) === shard) return name;
  }
}

/** itest's transfer contract (contract_case.go), published by admin: it lives on admin's shard. */
async function transferContract(): Promise<string> {
  const code = `class Transfer {
  init() {}
  transfer(from, to, amount, memo) { blockchain.transfer(from, to, amount, memo); }
}
module.exports = Transfer;`;
  // An ABI spending the caller's iost must allow it (go-iost vm/monitor.go: `exceed amountLimit in abi` otherwise).
  const abi = { name: "transfer", args: ["string", "string", "string", "string"], amountLimit: [{ token: "iost", val: "unlimited" }] };
  const info = { lang: "javascript", version: "1.0.0", abi: [abi] };
  const published = await sendOk(itx([["system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]]]));
  return JSON.parse(published.returns[0])[0];
}

describe("itest cases over gRPC", () => {
  let accs: Acc[] = [];

  it("itest/command/run/account_case.go: accounts created one after another, CheckAccounts sees itest's balances", async () => {
    accs = [];
    for (let i = 0; i < 3; i++) accs.push(...(await createAccounts(1, "ita")));
    // pledged_info lists whom an account pledged for (go-iost vm/database/gas_handler.go PledgerInfo).
    const admin = await rpc("GetAccount", { name: "admin", by_longest_chain: true });
    for (const a of accs) {
      const info = await rpc("GetAccount", { name: a.name, by_longest_chain: true });
      expect(info.balance).toBe(1000);
      expect(info.gas_info.pledge_gas).toBeGreaterThan(0);
      expect(info.gas_info.pledged_info).toEqual([]);
      // itest's 1000 and the 10 signUp pledges itself (go-iost config/genesis/contract/account.js).
      expect(admin.gas_info.pledged_info).toContainEqual({ pledger: a.name, amount: 1010 });
      expect(Number(info.ram_info.total)).toBeGreaterThanOrEqual(3000);
    }
  });

  // With `*:unlimited` on each, a forwarded part must not starve admin's other txs (issue #16 item 2).
  it("itest/itest.go CreateAccountN: eight creations sent at once all succeed", async () => {
    const made = Array.from({ length: 8 }, (_, i) => ({ name: uniqueName(`itc${i}`), kp: KeyPair.newKeyPair() }));
    // Each signUp waits for the older creators of its block, one after another under `*:unlimited`: 47 blocks of 500 ms
    // with N = 4 (docs/SHARDING.md "Names a contract's code may create", _Creators_), 24 s before the receipts are final.
    const receipts = await Promise.all(made.map((m) => send(createTx(m.name, m.kp), client.admin, 60_000)));
    expect(receipts.map((r) => r.status_code)).toEqual(Array(8).fill("SUCCESS"));
  });

  it("itest/command/run/transfer_case.go (TransferN, CheckAccounts): transfers with a memo between itest accounts", async () => {
    const [a, b, c] = accs;
    const before = await Promise.all(accs.map((x) => balance(x.name)));
    await sendOk(itx([["token.iost", "transfer", ["iost", a.name, b.name, "12.34", "m".repeat(32)]]]), a.account);
    await sendOk(itx([["token.iost", "transfer", ["iost", b.name, c.name, "2.5", ""]]]), b.account);
    const after = await Promise.all(accs.map((x) => balance(x.name)));
    expect(after[0]).toBeCloseTo(before[0] - 12.34, 8);
    expect(after[1]).toBeCloseTo(before[1] + 12.34 - 2.5, 8);
    expect(after[2]).toBeCloseTo(before[2] + 2.5, 8);
  });

  it("itest/client.go Transfer: more than the balance fails with IOST's text and moves nothing", async () => {
    const [a, b] = accs;
    const before = await balance(a.name);
    const r = await send(itx([["token.iost", "transfer", ["iost", a.name, b.name, "100000", ""]]]), a.account);
    expect(r.status_code).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("balance not enough");
    expect(await balance(a.name)).toBe(before);
  });

  it("itest/command/run/contract_case.go (ContractTransferN): a published transfer contract moves the caller's tokens", async () => {
    const cid = await transferContract();
    // The receiver on the contract's shard: a forwarded call sends none of the caller's tokens to another shard.
    const [a] = accs;
    const [b] = await createNamed([await nameOn("admin", 0, "itb")]);
    const [ba, bb] = [await balance(a.name), await balance(b.name)];
    await sendOk(itx([[cid, "transfer", [a.name, b.name, "3", "memo"]]]), a.account);
    expect(await balance(a.name)).toBeCloseTo(ba - 3, 8);
    expect(await balance(b.name)).toBeCloseTo(bb + 3, 8);
  });

  // The contract's shard sends the caller's tokens on as a credit (docs/SHARDING.md "A forwarded part's payments").
  it("itest/command/run/contract_case.go (ContractTransferN): the receiver on neither the caller's shard nor the contract's", async () => {
    const cid = await transferContract();
    const [a, b] = await createNamed([await nameOn("admin", 1, "itc"), await nameOn("admin", 2, "itd")]);
    const [ba, bb] = [await balance(a.name), await balance(b.name)];
    await sendOk(itx([[cid, "transfer", [a.name, b.name, "3", "memo"]]]), a.account);
    expect(await balance(a.name)).toBeCloseTo(ba - 3, 8);
    expect(await balance(b.name)).toBeCloseTo(bb + 3, 8);
  });

  it("itest/client.go ExchangeTransfer: exchange.iost moves tokens like token.iost/transfer", async () => {
    const [, b, c] = accs;
    const [bb, bc] = [await balance(b.name), await balance(c.name)];
    await sendOk(itx([["exchange.iost", "transfer", ["iost", c.name, "1.5", ""]]]), b.account);
    expect(await balance(b.name)).toBeCloseTo(bb - 1.5, 8);
    expect(await balance(c.name)).toBeCloseTo(bc + 1.5, 8);
  });

  it("itest/itest.go PledgeGasN and BuyRAMN: pledge, unpledge, buy and sell RAM for oneself", async () => {
    const c = accs[2];
    const gas = async () => (await rpc("GetAccount", { name: c.name, by_longest_chain: true })).gas_info.pledged_info;
    await sendOk(itx([["gas.iost", "pledge", [c.name, c.name, "10"]]]), c.account);
    expect(await gas()).toContainEqual({ pledger: c.name, amount: 10 });
    await sendOk(itx([["gas.iost", "unpledge", [c.name, c.name, "10"]]]), c.account);
    expect((await gas()).some((p: any) => p.pledger === c.name)).toBe(false);
    const ram = async () => Number((await rpc("GetAccount", { name: c.name, by_longest_chain: true })).ram_info.total);
    const r0 = await ram();
    await sendOk(itx([["ram.iost", "buy", [c.name, c.name, 100]]]), c.account);
    expect(await ram()).toBe(r0 + 100);
    await sendOk(itx([["ram.iost", "sell", [c.name, c.name, 100]]]), c.account);
    expect(await ram()).toBe(r0);
  });

  it("itest/command/run/vote_case.go (VoteN, CheckAccounts): votes for a producer take the amount; unvote gives the vote back", async () => {
    const a = accs[0];
    const votes = async () => Number((await rpc("GetProducerVoteInfo", { account: "producer000", by_longest_chain: true })).votes);
    const [v0, b0] = [await votes(), await balance(a.name)];
    await sendOk(itx([["vote_producer.iost", "vote", [a.name, "producer000", "20"]]]), a.account);
    expect(await votes()).toBe(v0 + 20);
    expect(await balance(a.name)).toBeCloseTo(b0 - 20, 8);
    await sendOk(itx([["vote_producer.iost", "unvote", [a.name, "producer000", "20"]]]), a.account);
    expect(await votes()).toBe(v0);
    // The unvoted amount comes back frozen (token.iost), not at once.
    const info = await rpc("GetAccount", { name: a.name, by_longest_chain: true });
    expect(info.frozen_balances.map((f: any) => f.amount)).toContain(20);
  });

  it("itest/command/run/common_vote_case.go: vote.iost newVote with itest's config, votes, getResult", async () => {
    const config = { resultNumber: 2, minVote: 10, options: ["option1", "option2", "option3", "option4"], anyOption: false, freezeTime: 0 };
    const made = await sendOk(itx([["vote.iost", "newVote", ["admin", "test vote", config]]]));
    const id = JSON.parse(made.returns[0])[0];
    const [a, b] = accs;
    await sendOk(itx([["vote.iost", "vote", [id, a.name, "option1", "15"]]]), a.account);
    await sendOk(itx([["vote.iost", "vote", [id, b.name, "option3", "11"]]]), b.account);
    const result = await sendOk(itx([["vote.iost", "getResult", [id]]]));
    expect(JSON.parse(JSON.parse(result.returns[0])[0])).toEqual([
      { option: "option1", votes: "15" },
      { option: "option3", votes: "11" },
    ]);
  });

  const storageContract = async (): Promise<{ cid: string; at: bigint }> => {
    const code = `class S {\n  init() {}\n  set(v) { storage.put("v", v); }\n}\nmodule.exports = S;`;
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "set", args: ["string"], amountLimit: [] }] };
    const cid = JSON.parse((await sendOk(itx([["system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]]]))).returns[0])[0];
    const r = await sendOk(itx([[cid, "set", ["x1"]]]));
    return { cid, at: BigInt((await rpc("GetTxByHash", { hash: r.tx_hash })).block_number) };
  };

  it("itest/client.go GetContractStorage: the data a tx just wrote, labelled with its block or a later one", async () => {
    const { cid, at } = await storageContract();
    const s = await rpc("GetContractStorage", { id: cid, key: "v", field: "", by_longest_chain: true });
    expect(s.data).toBe("x1");
    expect(BigInt(s.block_number)).toBeGreaterThanOrEqual(at);
  });

  // go-iost answers the head block's hash (rpc/api_service.go getContractStorage); a shard answers as of
  // the highest block whose hash it knows (durable-objects/shard/shard-views.ts `labelled`), never "".
  it("itest/client.go GetContractStorage: block_hash is the hash of block_number", async () => {
    const { cid } = await storageContract();
    const s = await rpc("GetContractStorage", { id: cid, key: "v", field: "", by_longest_chain: true });
    const block = await rpc("GetBlockByNumber", { number: s.block_number, complete: false });
    expect(s.block_hash).toBe(block.block.hash);
  });

  it("itest/block.go GetBlockByNumber: a block's txs and its receipts, as itest reads them", async () => {
    const r = await sendOk(itx([["token.iost", "transfer", ["iost", "admin", accs[1].name, "1", ""]]]));
    const at = (await rpc("GetTxByHash", { hash: r.tx_hash })).block_number;
    const b = await rpc("GetBlockByNumber", { number: at, complete: true });
    expect(b.block.number).toBe(at);
    const tx = b.block.transactions.find((t: any) => t.hash === r.tx_hash);
    expect(tx.tx_receipt.status_code).toBe("SUCCESS");
    expect(tx.amount_limit).toEqual([{ token: "*", value: "unlimited" }]);
  });
});

/**
 * iwallet's calls over gRPC (issue #16 item 1): a node started with its gRPC
 * endpoint (scripts/grpc/bridge.ts) and a native gRPC client built from
 * scripts/grpc/rpc.proto, as iwallet and the Go SDK dial `-s host:port`. Txs
 * are signed with the iost SDK and sent as protobuf TransactionRequests:
 * account creation, a transfer, a contract published and called, a vote, the
 * receipts read back, a Subscribe stream; and the errors iwallet shows (bad
 * signature, unknown tx, a method this node lacks) with IOST's texts and codes.
 */
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiService } from "../../scripts/grpc/bridge";
import { startNode, type RunningNode } from "../../scripts/node";
import { connect, KeyPair, newAccountTx, post, signTx, uniqueName, waitUntil, type Client } from "./helpers/sdk";
import { sdkTxHash } from "./helpers/txhash";

let node: RunningNode;
let client: Client;
let api: any;

beforeAll(async () => {
  node = await startNode({ grpcPort: 0 });
  client = await connect(node.url);
  api = new (apiService().ApiService as grpc.ServiceClientConstructor)(node.grpc as string, grpc.credentials.createInsecure());
});
afterAll(async () => {
  api?.close();
  await node?.stop();
});

interface Failure {
  code: number;
  details: string;
}

/** A unary call: its answer, or its gRPC status as a Failure. */
function call(method: string, request: object): Promise<any> {
  return new Promise((resolve) =>
    api[method](request, (err: grpc.ServiceError | null, res: any) => resolve(err ? ({ code: err.code, details: err.details } as Failure) : res)),
  );
}

async function ok(method: string, request: object): Promise<any> {
  const res = await call(method, request);
  if (res && typeof res.code === "number" && typeof res.details === "string") throw new Error(`${method}: ${res.code} ${res.details}`);
  return res;
}

/** A signed iost.js tx as iwallet's TransactionRequest (proto field names; int64 as decimal strings). */
function request(tx: any): object {
  const j = JSON.parse(JSON.stringify(tx));
  return {
    time: String(tx.time),
    expiration: String(tx.expiration),
    gas_ratio: j.gasRatio,
    gas_limit: j.gasLimit,
    delay: String(tx.delay),
    chain_id: j.chain_id,
    actions: j.actions.map((a: any) => ({ contract: a.contract, action_name: a.actionName, data: a.data })),
    amount_limit: j.amount_limit,
    signers: j.signers,
    signatures: j.signatures,
    publisher: j.publisher,
    publisher_sigs: j.publisher_sigs,
  };
}

/** Signs as admin, sends through SendTransaction, follows GetTxReceiptByTxHash as iwallet does. */
async function send(tx: any): Promise<any> {
  signTx(client, tx, client.admin);
  const sent = await ok("SendTransaction", request(tx));
  expect(sent.hash).toBe(sdkTxHash(tx)); // the same bytes, hash and checks as /sendTx
  return waitUntil(`receipt of ${sent.hash}`, async () => {
    const r = await call("GetTxReceiptByTxHash", { hash: sent.hash });
    return r.tx_hash ? r : undefined;
  });
}

async function sendOk(tx: any): Promise<any> {
  const receipt = await send(tx);
  expect(receipt.status_code, receipt.message).toBe("SUCCESS");
  return receipt;
}

describe("reads", () => {
  it("GetChainInfo and GetNodeInfo answer from the same node as its HTTP RPC", async () => {
    const info = await ok("GetChainInfo", {});
    expect(info.chain_id).toBe(1020);
    expect(info.net_name).toBe((node.chainInfo as { net_name: string }).net_name);
    expect(BigInt(info.head_block)).toBeGreaterThanOrEqual(BigInt(node.chainInfo.head_block as string));
    expect(info.witness_list.length).toBeGreaterThan(0);
    const nodeInfo = await ok("GetNodeInfo", {});
    expect(BigInt(nodeInfo.server_time)).toBeGreaterThan(0n); // int64 survives as a decimal string
  });

  it("GetAccount, GetTokenBalance, GetGasRatio, GetRAMInfo, GetContract", async () => {
    const admin = await ok("GetAccount", { name: "admin", by_longest_chain: true });
    expect(admin.name).toBe("admin");
    expect(admin.permissions.active.items[0].is_key_pair).toBe(true);
    const http = (await (await fetch(`${node.url}/getTokenBalance/admin/iost/true`)).json()) as { balance: number };
    expect((await ok("GetTokenBalance", { account: "admin", token: "iost", by_longest_chain: true })).balance).toBe(http.balance);
    expect((await ok("GetGasRatio", {})).lowest_gas_ratio).toBeGreaterThan(0);
    expect(BigInt((await ok("GetRAMInfo", {})).total_ram)).toBeGreaterThan(0n);
    const token = await ok("GetContract", { id: "token.iost", by_longest_chain: true });
    expect(token.abis.map((a: any) => a.name)).toContain("transfer");
  });

  it("GetBlockByNumber and GetBlockByHash agree", async () => {
    const byNumber = await ok("GetBlockByNumber", { number: "1", complete: true });
    expect(byNumber.block.number).toBe("1");
    expect(byNumber.block.transactions.length).toBeGreaterThan(0);
    const byHash = await ok("GetBlockByHash", { hash: byNumber.block.hash, complete: false });
    expect(byHash.block.number).toBe("1");
    expect(byHash.block.transactions).toEqual([]);
  });
});

describe("iwallet's writes", () => {
  const name = uniqueName("grpc");
  const key = KeyPair.newKeyPair();
  let contract = "";

  it("account create (signUp, ram, gas pledge) through SendTransaction", async () => {
    await sendOk(newAccountTx(client, name, key.id, key.id));
    const account = await ok("GetAccount", { name, by_longest_chain: true });
    expect(account.permissions.owner.items[0].id).toBe(key.id);
    expect(BigInt(account.ram_info.total)).toBeGreaterThan(0n);
  });

  it("transfer", async () => {
    const before = (await ok("GetTokenBalance", { account: name, token: "iost", by_longest_chain: true })).balance;
    const tx = client.iost.callABI("token.iost", "transfer", ["iost", "admin", name, "12.5", "via grpc"]);
    tx.addApprove("iost", "12.5");
    const receipt = await sendOk(tx);
    expect(receipt.receipts.some((r: any) => r.func_name === "token.iost/transfer")).toBe(true);
    expect((await ok("GetTokenBalance", { account: name, token: "iost", by_longest_chain: true })).balance).toBe(before + 12.5);
  });

  it("publish a contract, call it, read its storage", async () => {
    const code = `class C { init() { storage.put("n", "0"); } inc(by) { const n = Number(storage.get("n")) + by; storage.put("n", "" + n); blockchain.event("n=" + n); return n; } }\nmodule.exports = C;`;
    const info = { lang: "javascript", version: "1.0.0", abi: [{ name: "inc", args: ["number"], amountLimit: [] }] };
    const published = await sendOk(client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]));
    contract = JSON.parse(published.returns[0])[0];
    expect(contract).toBe(`Contract${published.tx_hash}`);
    const c = await ok("GetContract", { id: contract, by_longest_chain: true });
    expect(c.abis.map((a: any) => a.name)).toContain("inc");

    const called = await sendOk(client.iost.callABI(contract, "inc", [5]));
    expect(called.returns).toEqual(['["5"]']);
    const stored = await ok("GetContractStorage", { id: contract, key: "n", field: "", by_longest_chain: true });
    expect(stored.data).toBe("5");
  });

  it("vote for a producer", async () => {
    const tx = client.iost.callABI("vote_producer.iost", "vote", ["admin", "producer000", "3"]);
    tx.addApprove("iost", "3");
    const receipt = await sendOk(tx);
    expect(receipt.receipts.some((r: any) => r.func_name === "token.iost/transfer")).toBe(true);
  });

  it("ExecTransaction answers a receipt without committing anything", async () => {
    const tx = client.iost.callABI(contract, "inc", [100]);
    signTx(client, tx, client.admin);
    const receipt = await ok("ExecTransaction", request(tx));
    expect(receipt.status_code, receipt.message).toBe("SUCCESS");
    expect(receipt.returns).toEqual(['["105"]']);
    expect((await ok("GetContractStorage", { id: contract, key: "n", field: "", by_longest_chain: true })).data).toBe("5");
  });

  it("Subscribe streams the contract's events", async () => {
    const stream = api.Subscribe({ topics: ["CONTRACT_EVENT"], filter: { contract_id: contract } });
    let event: any;
    let failure: unknown;
    stream.on("data", (e: any) => {
      event ??= e;
    });
    stream.on("error", (err: unknown) => {
      failure = err;
    });
    // The stream starts at the head the node sees when it opens, which a loaded machine may reach
    // after the next tx: each round calls inc once more until an event arrives.
    for (let round = 0; round < 5 && event === undefined && failure === undefined; round++) {
      await sendOk(client.iost.callABI(contract, "inc", [1]));
      await waitUntil("an event", async () => event ?? failure, 5_000).catch(() => undefined);
    }
    stream.cancel();
    expect(failure).toBeUndefined();
    expect(event.event.topic).toBe("CONTRACT_EVENT");
    expect(event.event.data).toMatch(/n=\d+/);
    expect(BigInt(event.event.time)).toBeGreaterThan(0n);
  });
});

describe("errors as go-iost gives them", () => {
  it("a bad publisher signature: IOST's text in the gRPC status, the same as /sendTx, nothing sent", async () => {
    const tx = client.iost.callABI("token.iost", "transfer", ["iost", "admin", "producer000", "1", ""]);
    signTx(client, tx, client.admin);
    const req: any = request(tx);
    const sig = Buffer.from(req.publisher_sigs[0].signature, "base64");
    sig[0] ^= 0x40;
    req.publisher_sigs[0].signature = sig.toString("base64");
    const failure = (await call("SendTransaction", req)) as Failure;
    expect(failure.code).toBe(grpc.status.UNKNOWN);
    expect(failure.details).toMatch(/publisher error/);
    const http = await post(node.url, "/sendTx", JSON.stringify({ ...JSON.parse(JSON.stringify(tx)), publisher_sigs: req.publisher_sigs }));
    expect(failure.details).toBe(http.body.message);
    expect(await call("GetTxByHash", { hash: sdkTxHash(tx) })).toEqual({ code: grpc.status.UNKNOWN, details: "tx not found" });
  });

  it("a wrong chain id", async () => {
    const tx = client.iost.callABI("token.iost", "transfer", ["iost", "admin", "producer000", "1", ""]);
    signTx(client, tx, client.admin);
    tx.setChainID(1024);
    tx.publisher_sigs = [];
    client.admin.signTx(tx);
    const failure = (await call("SendTransaction", request(tx))) as Failure;
    expect(failure.details).toMatch(/invalid chain_id, should be 1020, yours:1024/);
  });

  it("what this node lacks answers UNIMPLEMENTED: a path the node answers with code 12, a method not in the service", async () => {
    // Raw blocks are not served yet (workers/rpc/blocks.ts): the node's code 12 passes through.
    const failure = (await call("GetRawBlockByNumber", { number: "1", complete: false })) as Failure;
    expect(failure.code).toBe(grpc.status.UNIMPLEMENTED);
    const generic = new grpc.Client(node.grpc as string, grpc.credentials.createInsecure());
    const unknown = await new Promise<grpc.ServiceError | null>((resolve) =>
      generic.makeUnaryRequest(
        "/rpcpb.ApiService/NoSuchMethod",
        (x: Buffer) => x,
        (x: Buffer) => x,
        Buffer.alloc(0),
        (err) => resolve(err),
      ),
    );
    generic.close();
    expect(unknown?.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

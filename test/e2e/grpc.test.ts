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
import { grpcClient, txRequest } from "./helpers/grpc";
import { startNode, type RunningNode } from "../../scripts/node";
import { CHAIN_ID, connect, get, KeyPair, newAccountTx, post, signTx, uniqueName, waitUntil, type Client } from "./helpers/sdk";
import { blockHash, receiptMerkleRoot, txMerkleRoot } from "../../src/block/index";
import { base58Encode } from "../../src/codec/base58";
import { ed25519VerifySync } from "../../src/crypto/ed25519";
import { txHash, txId, type Tx } from "../../src/tx/index";
import { sdkTxHash } from "./helpers/txhash";
import { rawReceiptHashes } from "../raw-receipts";

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

/** Signs as admin, sends through SendTransaction, follows GetTxReceiptByTxHash as iwallet does. */
async function send(tx: any): Promise<any> {
  signTx(client, tx, client.admin);
  const sent = await ok("SendTransaction", txRequest(tx));
  expect(sent.hash).toBe(sdkTxHash(tx)); // the same bytes, hash and checks as /sendTx
  return waitUntil(`receipt of ${sent.hash}`, async () => {
    const r = await call("GetTxReceiptByTxHash", { hash: sent.hash });
    return r.tx_hash ? r : undefined;
  });
}

/** Publisher signatures of `publisher` by `keys`, signer signatures by `signers` (iost.js's, retried until each is 64 bytes as in signTx). */
function sign(tx: any, publisher: string, keys: any[], signers: any[] = []): void {
  tx.setChainID(CHAIN_ID);
  tx.setGas(1, 1_000_000); // within a new account's pledged gas (the SDK's default limit is 2,000,000)
  for (let attempt = 0; attempt < 50; attempt++) {
    [tx.signatures, tx.publisher_sigs] = [[], []];
    for (const k of signers) tx.addSign(k);
    for (const k of keys) tx.addPublishSign(publisher, k);
    if ([...tx.signatures, ...tx.publisher_sigs].every((s: any) => s.sig.length === 64)) return;
    tx.setTime(90, 0, client.iost.serverTimeDiff + attempt + 1);
  }
  throw new Error("could not make 64-byte signatures");
}

/** Sends a tx of `publisher` signed by `keys` through SendTransaction and follows its receipt. */
async function sendAs(tx: any, publisher: string, keys: any[], signers: any[] = []): Promise<any> {
  sign(tx, publisher, keys, signers);
  const sent = await ok("SendTransaction", txRequest(tx));
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

  it("a multi-signature publisher (iwallet's multi_sig.sh): two of three keys meet its active permission, one is refused with IOST's text", async () => {
    const [k1, k2, k3] = [0, 1, 2].map(() => KeyPair.newKeyPair());
    // Three keys of weight 50 under a threshold of 100, the account's own key revoked: a change of `active` needs `owner`.
    const split = client.iost.callABI("auth.iost", "assignPermission", [name, "active", k1.id, 50]);
    for (const k of [k2, k3]) split.addAction("auth.iost", "assignPermission", JSON.stringify([name, "active", k.id, 50]));
    split.addAction("auth.iost", "revokePermission", JSON.stringify([name, "active", key.id]));
    split.addSigner(name, "owner");
    expect((await sendAs(split, name, [key], [key])).status_code).toBe("SUCCESS");
    const pay = () => {
      const tx = client.iost.callABI("token.iost", "transfer", ["iost", name, "admin", "1", ""]);
      tx.addApprove("iost", "1");
      return tx;
    };
    const paid = await sendAs(pay(), name, [k1, k3]);
    expect(paid.status_code, paid.message).toBe("SUCCESS");
    const one = pay();
    sign(one, name, [k2]);
    const refused = await call("SendTransaction", txRequest(one));
    expect(refused.details).toContain(`unauthorized publisher: ${name}`);
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
    const receipt = await ok("ExecTransaction", txRequest(tx));
    expect(receipt.status_code, receipt.message).toBe("SUCCESS");
    expect(receipt.returns).toEqual(['["105"]']);
    expect((await ok("GetContractStorage", { id: contract, key: "n", field: "", by_longest_chain: true })).data).toBe("5");
  });

  it("GetRawBlockByNumber: IOST's protobuf block; its head hashes to the block's hash, the producer's signature verifies, txs and receipts rebuild both merkle roots", async () => {
    const called = await sendOk(client.iost.callABI(contract, "inc", [2]));
    const at = (await get(node.url, `/getTxByHash/${called.tx_hash}`)).body.block_number as string;
    const view = await ok("GetBlockByNumber", { number: at, complete: false });
    const raw = await ok("GetRawBlockByNumber", { number: at, complete: true });
    expect(raw.status).toBe("IRREVERSIBLE");
    expect(raw.block.blockType).toBe("NORMAL");
    const h = raw.block.head;
    const b64 = (x: string) => new Uint8Array(Buffer.from(x, "base64"));
    const header = {
      version: BigInt(h.version),
      parentHash: b64(h.parentHash),
      txMerkleHash: b64(h.txMerkleHash),
      txReceiptMerkleHash: b64(h.txReceiptMerkleHash),
      info: b64(h.info),
      number: BigInt(h.number),
      witness: h.witness,
      time: BigInt(h.time),
    };
    const hash = blockHash(header);
    expect(base58Encode(hash)).toBe(view.block.hash);
    expect(base58Encode(header.parentHash)).toBe(view.block.parent_hash);
    expect(base58Encode(b64(raw.block.sign.pubKey))).toBe(h.witness);
    expect(ed25519VerifySync(b64(raw.block.sign.pubKey), hash, b64(raw.block.sign.sig))).toBe(true);
    // Every field of every tx is there: the hashes rebuilt from them are the node's, and so is the root.
    const txs: Tx[] = raw.block.txs.map((t: any) => ({
      time: BigInt(t.time),
      expiration: BigInt(t.expiration),
      gasRatio: BigInt(t.gasRatio),
      gasLimit: BigInt(t.gasLimit),
      delay: BigInt(t.delay),
      chainId: t.chain_id,
      signers: t.signers,
      actions: t.actions,
      amountLimit: t.amountLimit.map((l: any) => ({ token: l.token, value: l.val })),
      signatures: t.signs.map((x: any) => ({ algorithm: x.algorithm, sig: b64(x.sig), pubkey: b64(x.pubKey) })),
      publisher: t.publisher,
      publisherSigs: t.publishSigns.map((x: any) => ({ algorithm: x.algorithm, sig: b64(x.sig), pubkey: b64(x.pubKey) })),
    }));
    expect(txs.map(txId)).toContain(called.tx_hash);
    expect(raw.block.receipts.map((r: any) => base58Encode(b64(r.txHash)))).toEqual(txs.map(txId));
    expect(txMerkleRoot(txs.map(txHash))).toEqual(header.txMerkleHash);
    const receipts = rawReceiptHashes(raw.block.receipts);
    expect(receiptMerkleRoot(receipts)).toEqual(header.txReceiptMerkleHash);
    // Hashes only: the same head, the lists of hashes instead of the bodies; the HTTP path answers the same.
    const onlyHash = await ok("GetRawBlockByNumber", { number: at, complete: false });
    expect(onlyHash.block.blockType).toBe("ONLYHASH");
    expect(onlyHash.block.head).toEqual(h);
    expect(onlyHash.block.txs).toEqual([]);
    expect(onlyHash.block.txHashes.map((x: string) => base58Encode(b64(x)))).toEqual(txs.map(txId));
    expect(onlyHash.block.receiptHashes.map((x: string) => b64(x))).toEqual(receipts);
    const http = (await get(node.url, `/getRawBlockByNumber/${at}/false`)).body;
    expect(http.block.head).toEqual(h);
    expect(http.block.sign).toEqual(raw.block.sign);
    // The header range: irreversible blocks' heads and signatures only, end exclusive.
    const range = await ok("GetBlockHeaderByRange", { start: at, end: String(BigInt(at) + 1n) });
    expect(range.block_list).toHaveLength(1);
    expect(range.block_list[0].head).toEqual(h);
    expect(range.block_list[0].txHashes).toEqual([]);
    const bad = (await call("GetBlockHeaderByRange", { start: "5", end: "200" })) as Failure;
    expect(bad.details).toBe("invalid range 5 to 200");
  });

  it("ListContractStorage: the contract's KV entries by prefix, a map's field list and fields", async () => {
    const kv = await ok("ListContractStorage", { id: contract, prefix: "n", storageType: "KV", by_longest_chain: true });
    expect(kv.datas).toEqual([{ key: "n", value: (await ok("GetContractStorage", { id: contract, key: "n", field: "", by_longest_chain: true })).data }]);
    const balance = await ok("ListContractStorage", { id: "token.iost", prefix: `TB${name}`, storageType: "MAP", limit: "10", by_longest_chain: true });
    // The field index first (its key sorts before its fields), then each field, in byte order.
    const keys = balance.datas.map((d: any) => d.key);
    expect(keys[0]).toBe(`TB${name}`);
    expect(keys.slice(1)).toEqual(
      JSON.parse(balance.datas[0].value)
        .map((f: string) => `TB${name}-${f}`)
        .sort(),
    );
    expect(keys).toContain(`TB${name}-iost`);
    expect(BigInt(balance.block_number)).toBeGreaterThan(0n);
  });

  it("GetContractVote: an id's producer votes", async () => {
    const votes = await ok("GetContractVote", { id: "admin", by_longest_chain: true });
    expect(votes.vote_infos.find((v: any) => v.option === "producer000")?.votes).toBeGreaterThanOrEqual(3);
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
    const req: any = txRequest(tx);
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
    const failure = (await call("SendTransaction", txRequest(tx))) as Failure;
    expect(failure.details).toMatch(/invalid chain_id, should be 1020, yours:1024/);
  });

  it("a method not in the service answers UNIMPLEMENTED", async () => {
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

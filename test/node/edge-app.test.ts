/**
 * The edge Worker's own behaviour, in Node with its Durable Objects replaced by
 * recording fakes of durable-objects/api.ts: transport rules (CORS, envelope,
 * body cap, any Content-Type), parameter parsing, fan-out and intake order.
 * The same app runs for real, over HTTP, in test/e2e.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Answer, CoordinatorApi, Json, ShardApi, Submitted } from "../../durable-objects/api";
import type { ReadArgs, ReadName } from "../../src/query/reads";
import { tokenShard } from "../../src/sharding/placement";
import { createApp, MAX_BODY_BYTES } from "../../workers/app";
import { FINAL_CACHE_CONTROL, HEAD_CACHE_CONTROL, HEAD_MEMO_MS } from "../../workers/lib/cache";
import type { Env } from "../../workers/env";
import { accountFromSecret, ADMIN_SECRET, Algorithm, IOST, KeyPair } from "../e2e/helpers/sdk";
import { sdkTxHash } from "../e2e/helpers/txhash";
import { nftShard, shardOf } from "../../src/sharding/placement";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { signEndorsement } from "../../src/consensus/endorse";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { txId } from "../../src/tx/bytes";
import { parseTxRequest, txEncoding } from "../../src/tx";
import { receiptToJson, txToJson } from "../../src/tx/view";
import { MAX_LOOKUP_PEERS, MAX_WITNESS_BYTES } from "../../durable-objects/config";
import { PEER_LOOKUP_QUOTA } from "../../workers/lib/peer-txs";
import { answer, chunk, info, receiptOf, receipts, txs } from "../peer-chunk";
import { combined, credit1, infos, joinedAnswer, sent10, sent9 } from "../peer-settles";
import { outReceiptsRoot, sentProof } from "../../src/sharding/receipt-proof";

type Calls = { method: string; args: unknown[] }[];
/** Fakes of the shard's state reads (ShardApi.read), recorded as `shard.<read>` with the read's arguments. */
type Reads = { [K in ReadName]?: (...args: ReadArgs<K>) => Promise<Answer<Json>> };

function fakeEnv(overrides: { shard?: Partial<ShardApi>; reads?: Reads; coordinator?: Partial<CoordinatorApi>; vars?: Partial<Env> } = {}) {
  const calls: Calls = [];
  const block = (n: number) => ({
    hash: `H${n}`,
    version: "1",
    parent_hash: "P",
    tx_merkle_hash: "",
    tx_receipt_merkle_hash: "",
    number: String(n),
    witness: "W",
    time: "1",
    gas_usage: 0,
    tx_count: "2",
    info: null,
    orig_info: "",
  });
  const shardBase: ShardApi = {
    submitTx: async (_bytes, hash) => ({ hash }),
    submitTxs: async (txs) => ({ answers: txs.map((t) => ({ hash: t.hash })), first: true }),
    execTx: async () => ({ status_code: "SUCCESS" }),
    stateValues: async (keys) => keys.map((k): [string, string | null] => [k, null]),
    getTx: async () => ({ error: "tx not found" }),
    getTxReceipt: async () => ({ error: "failed to Get the receipt hash: not found" }),
    getChunkTxs: async (h) => [{ hash: `T${h}a` }, { hash: `T${h}b` }],
    getChunk: async (h) => ({ txs: [{ hash: `T${h}a` }, { hash: `T${h}b` }], settled: true }),
    chunkBody: async () => ({ error: "tx not found" }),
    read: async (name, ...args) => {
      calls.push({ method: `shard.${name}`, args });
      return (reads[name] as (...a: unknown[]) => Promise<Answer<Json>>)(...args);
    },
    readAll: async (name, argsList) => Promise.all(argsList.map((args) => shardBase.read(name, ...args))),
    txsByContract: async (from, to) =>
      Array.from({ length: Math.min(to, 10) - from + 1 }, (_, i) => ({
        height: from + i,
        txs: [{ hash: `T${from + i}a`, actions: [{ contract: "token.iost", action_name: "transfer" }] }],
        settled: true,
      })),
    listStorage: async (_id, _type, _prefix, _from, _to, limit) => ({
      datas: Array.from({ length: Math.min(limit, 3) }, (_, i) => ({ key: `k${i}`, value: String(i) })),
      block_hash: "BH",
      block_number: "7",
    }),
    proof: async (id, key) => ({
      key: `b-${id}-${key}`,
      value: null,
      proof: { siblings: [] },
      state_root: "00".repeat(32),
      shard: 0,
      block_number: "7",
      block_hash: "BH",
    }),
    statePage: async () => ({ error: "not served" }),
    witnessOf: async () => ({ error: "not served" }),
    sentProofOf: async () => ({ error: "not served" }),
    sentProofsOf: async () => ({ error: "not served" }),
    settleRuns: async () => ({ error: "not served" }),
    proofs: async (keys) => ({
      shard: 0,
      block_number: "7",
      state_root: "00".repeat(32),
      proofs: keys.map((key) => ({ key, value: null, proof: { siblings: [] } })),
    }),
    contractShard: async () => null,
    eventsSince: async (after) => ({ height: after + 1, events: [] }),
    poolSize: async () => 3,
    status: async () => ({ shard: 0, head: 10, lib: 10, pool: 3, stateRoot: "00", work: { chunks: 10, txs: 20, ms: 5 } }),
    iostHeld: async () => ({ shard: 0, head: 10, held: "0", supply: null }),
    benchRows: async (n) => ({ n, writeMs: n / 100, readMs: n / 200 }),
    seedAccounts: async (_template, _from, count) => ({ accounts: count, rows: count * 5, ms: 1 }),
    meter: async () => ({ object: "shard-0", requests: 0, rowsRead: 0, rowsWritten: 0, activeMs: 0, bytes: 0, spans: {} }),
    buildChunk: async () => {
      throw new Error("not for the edge");
    },
    finalize: async () => {},
  };
  const readBase: Required<Reads> = {
    getAccount: async (name): Promise<Answer<Json>> => (name === "admin" ? { name } : { error: "account not found" }),
    getTokenBalance: async () => ({ balance: 1, frozen_balances: [] }),
    getBalanceUnits: async () => ({ decimal: 8, balance: "150000000", frozen: [] }),
    getTokenInfo: async () => ({ error: "token not found" }),
    getTokenHome: async () => null,
    getToken721Home: async () => null,
    getRAMInfo: async () => ({ used_ram: "1", available_ram: "2", total_ram: "3", sell_price: 1, buy_price: 1 }),
    getContract: async () => ({ error: "contract not found" }),
    getContractStorage: async (_id, key, field) => ({ data: `${key}/${field}`, block_hash: "BH", block_number: "7" }),
    getContractStorageFields: async () => ({ fields: [], block_hash: "BH", block_number: "7" }),
    getFieldAges: async () => ({ fields: [], ages: [], block_hash: "BH", block_number: "7" }),
    getProducerVoteInfo: async (a): Promise<Answer<Json>> => (a === "producer000" ? { pubkey: "K", votes: 0 } : { error: "can't get producer vote info" }),
    getVoteInfos: async (a) => (a === "admin" ? [{ option: "producer000", votes: 2100000, cleared_votes: 0 }] : []),
    getVoterBonus: async () => ({ bonus: 0, detail: {} }),
    getCandidateBonus: async () => ({ bonus: 0 }),
    getPledges: async () => [],
    getToken721Balance: async (a): Promise<Answer<Json>> => (a === "admin" ? { balance: "1", tokenIDs: ["0"] } : { error: "account not found" }),
    getToken721Owner: async (t, id): Promise<Answer<Json>> => ({ error: `token ${t} ${id} not found` }),
    getToken721Metadata: async (t, id): Promise<Answer<Json>> => ({ error: `token ${t} ${id} not found` }),
  };
  const reads: Reads = { ...readBase, ...overrides.reads };
  const coordBase: CoordinatorApi = {
    wake: async () => {},
    chainInfo: async () => ({ chain_id: 1020, head_block: "10" }),
    nodeInfo: async () => ({ build_time: "", git_hash: "", mode: "ModeNormal", network: null, code_version: "", server_time: "1", tx_pool_size: "3" }),
    getBlockByNumber: async (n) => (n <= 10 ? { status: "IRREVERSIBLE", block: block(n) } : { error: "block not found" }),
    getBlockByHash: async (h) => (h === "H3" ? { status: "IRREVERSIBLE", block: block(3) } : { error: "block not found" }),
    getGasRatio: async () => ({ lowest_gas_ratio: 1, median_gas_ratio: 1 }),
    groupView: async () => ({ groups: 1, epoch: 0, shards: [0], next: null }),
    appliedShards: async () => null,
    unmadeShards: async () => [],
    sentFromPeers: async () => ({}),
    draftWitness: async () => ({ error: "no draft" }),
    rawBlock: async (n, complete): Promise<Answer<Json>> =>
      n <= 10
        ? { status: n <= 9 ? "IRREVERSIBLE" : "PENDING", block: { head: { number: String(n) }, blockType: complete ? "NORMAL" : "ONLYHASH" } }
        : { error: "block not found" },
    rawHeaders: async (start, end) => ({ block_list: Array.from({ length: Math.min(end, 10) - start }, (_, i) => ({ head: { number: String(start + i) } })) }),
    status: async () => ({ head: 10, lib: 10, producing: null, witness: null, work: { blocks: 0, ms: 0, ownMs: 0 } }),
    mine: async (n) => ({ head_block: String(10 + n), head_block_hash: "H" }),
    snapshot: async () => ({ id: "1" }),
    revert: async (id) => ({ error: `snapshot ${id} not found` }),
    resyncShard: async () => ({ error: "no peers" }),
    receiveEndorsement: async () => ({ error: "endorsement is not an object" }),
    receiveEndorsements: async (list) => list.map(() => ({ error: "endorsement is not an object" })),
    peerEndorsements: async () => [],
    p2pGate: async () => ({ keys: [], chainId: 1020, nodeId: "N", head: 10, final: 9, aheadMs: 500, shardCount: 1 }),
    receiveBlock: async () => ({ error: "block is not an object" }),
    peerBlocks: async () => [],
    shardChunks: async () => [],
    eventsSince: async (after) => {
      // The coordinator's own calls to the shards, not the edge's: not recorded.
      const batches = await Promise.all(after.map((a) => (overrides.shard?.eventsSince ?? shardBase.eventsSince)(a)));
      return { heights: batches.map((b) => b.height), events: batches.flatMap((b) => b.events) };
    },
    p2pStatus: async () => ({ chain_id: 1020, head: 10, head_hash: "H10", head_time: "1", lib: 10, lib_hash: "H10" }),
    chunkFor: async () => ({ error: "one shard group: every producer builds its own blocks' chunks" }),
    meters: async () => [],
  };
  const record = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(t, prop) {
        const fn = (t as any)[prop];
        if (typeof fn !== "function") return fn;
        return (...args: unknown[]) => {
          calls.push({ method: `${prefix}.${String(prop)}`, args });
          return fn(...args);
        };
      },
    });
  const shard = record({ ...shardBase, ...overrides.shard }, "shard");
  let at = "";
  const coord = record({ ...coordBase, ...overrides.coordinator }, "coordinator");
  const env: Env = {
    SHARD: {
      getByName: (name: string) => {
        calls.push({ method: "SHARD.getByName", args: [name] });
        // A read's fake answers for the shard last touched (`at`): the call follows the access at once.
        return new Proxy(shard, {
          get(t, prop) {
            at = name;
            return (t as any)[prop];
          },
        });
      },
    },
    COORDINATOR: { getByName: () => coord },
    CHAIN_ID: "1020",
    DEV: "true",
    SHARD_COUNT: "1",
    ...overrides.vars,
  };
  return { env, calls, at: () => at };
}

const app = createApp();

async function call(env: Env, path: string, init: RequestInit = {}) {
  const res = await app.request(path, init, env);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const postText = (body: BodyInit): RequestInit => ({ method: "POST", headers: { "Content-Type": "text/plain" }, body });

function signedTransfer(chainId = 1020, amount = "1") {
  const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
  const tx = iost.transfer("iost", "admin", "bob", amount, "");
  tx.setChainID(chainId);
  accountFromSecret("admin", ADMIN_SECRET, Algorithm.Ed25519).signTx(tx);
  return tx;
}

describe("transport", () => {
  let f: ReturnType<typeof fakeEnv>;
  beforeEach(() => {
    f = fakeEnv();
  });

  it("unknown routes answer code 12 Not Implemented with HTTP 400", async () => {
    for (const path of ["/nope", "/getTxReceiptByHash/abc", "/getAccount/admin"]) {
      const r = await call(f.env, path);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 12, message: "Not Implemented" });
    }
    const wrongMethod = await call(f.env, "/sendTx");
    expect(wrongMethod.body).toEqual({ code: 12, message: "Not Implemented" });
  });

  it("CORS: any origin, IOST's headers and methods, preflight answered", async () => {
    const pre = await app.request(
      "/sendTx",
      {
        method: "OPTIONS",
        headers: { Origin: "https://dapp.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
      },
      f.env,
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET,HEAD,POST,PUT,DELETE");
    expect(pre.headers.get("access-control-allow-headers")).toBe("Content-Type,Accept");
    const r = await call(f.env, "/getChainInfo", { headers: { Origin: "https://dapp.example" } });
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const err = await call(f.env, "/nope", { headers: { Origin: "https://dapp.example" } });
    expect(err.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("a Durable Object's {error} becomes HTTP 400 code 2 with IOST's message", async () => {
    const r = await call(f.env, "/getAccount/nobody/true");
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 2, message: "account not found" });
  });

  it("a thrown failure inside the node is still the envelope", async () => {
    vi.spyOn(console, "error").mockImplementationOnce(() => {});
    const g = fakeEnv({
      coordinator: {
        chainInfo: async () => {
          throw new Error("storage exploded");
        },
      },
    });
    const r = await call(g.env, "/getChainInfo");
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 2, message: "storage exploded" });
  });

  it("bool path params accept Go's ParseBool forms and reject others", async () => {
    for (const text of ["true", "false", "1", "0", "t", "f", "T", "F", "TRUE", "False"]) {
      const g = fakeEnv();
      const r = await call(g.env, `/getAccount/admin/${text}`);
      expect(r.status, text).toBe(200);
      expect(g.calls.find((c) => c.method === "shard.getAccount")?.args).toEqual(["admin"]);
    }
    // grpc-gateway's InvalidArgument (3), as go-iost answers a path parameter it cannot parse.
    const bad = await call(f.env, "/getAccount/admin/yes");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(3);
    expect(bad.body.message).toContain("by_longest_chain");
    const badNum = await call(f.env, "/getBlockByNumber/abc/true");
    expect(badNum.body.code).toBe(3);
    expect(badNum.body.message).toContain("number");
  });

  it("POST bodies are JSON whatever the Content-Type; malformed JSON or a field of the wrong type is code 3 (InvalidArgument), as grpc-gateway answers it", async () => {
    const body = JSON.stringify({ id: "token.iost", key: "TBadmin", field: "iost", by_longest_chain: true });
    for (const type of ["text/plain", "application/json", "application/x-www-form-urlencoded"]) {
      const r = await call(f.env, "/getContractStorage", { method: "POST", headers: { "Content-Type": type }, body });
      expect(r.status, type).toBe(200);
      expect(r.body).toEqual({ data: "TBadmin/iost", block_hash: "BH", block_number: "7" });
    }
    const camel = await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token.iost", key: "k", field: "f", byLongestChain: true })));
    expect(camel.status).toBe(200);
    expect(f.calls.filter((c) => c.method === "shard.getContractStorage").at(-1)?.args).toEqual(["token.iost", "k", "f"]);
    const badCamel = await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token.iost", key: "k", field: "f", byLongestChain: 7 })));
    expect([badCamel.status, badCamel.body.code, badCamel.body.message]).toEqual([400, 3, "invalid value for bool field by_longest_chain: 7"]);
    for (const bad of ["{", '{"id":', "not json", "[1,2]", '"text"']) {
      const r = await call(f.env, "/getContractStorage", postText(bad));
      expect(r.status, bad).toBe(400);
      expect(r.body.code).toBe(3);
      expect(r.body.message).toMatch(/invalid request body/);
    }
    const badTx = await call(f.env, "/sendTx", postText('{"time": 1,'));
    expect(badTx.status).toBe(400);
    expect(badTx.body.code).toBe(3);
    expect(f.calls.some((c) => c.method === "shard.submitTxs")).toBe(false);
  });

  it("bodies over the cap are refused with the envelope, with or without Content-Length", async () => {
    const big = "x".repeat(MAX_BODY_BYTES + 1);
    const r = await call(f.env, "/sendTx", postText(big));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.message).toContain("too large");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 9; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        controller.close();
      },
    });
    const s = await call(f.env, "/sendTx", { method: "POST", body: stream, headers: { "Content-Type": "text/plain" }, duplex: "half" } as RequestInit);
    expect(s.status).toBe(400);
    expect(s.body.message).toContain("too large");
    expect(f.calls.some((c) => c.method === "shard.submitTxs")).toBe(false);
  });

  it("getRawBlockByNumber: the coordinator's raw block, complete or hashes only; bad numbers refused before any call", async () => {
    const r = await call(f.env, "/getRawBlockByNumber/9/1");
    expect(r.body).toEqual({ status: "IRREVERSIBLE", block: { head: { number: "9" }, blockType: "NORMAL" } });
    expect(f.calls.filter((c) => c.method === "coordinator.rawBlock").map((c) => c.args)).toEqual([[9, true]]);
    expect((await call(f.env, "/getRawBlockByNumber/10/false")).body.block.blockType).toBe("ONLYHASH");
    expect((await call(f.env, "/getRawBlockByNumber/11/true")).body).toEqual({ code: 2, message: "block not found" });
    const before = f.calls.length;
    expect((await call(f.env, "/getRawBlockByNumber/x/true")).body.code).toBe(3);
    expect((await call(f.env, "/getRawBlockByNumber/-1/true")).body).toEqual({ code: 2, message: "block not found" });
    expect((await call(f.env, "/getRawBlockByNumber/1/maybe")).body.code).toBe(3);
    expect(f.calls.slice(before).some((c) => c.method === "coordinator.rawBlock")).toBe(false);
  });

  it("getBlockHeaderByRange: go-iost's range rule (end exclusive, at most 110) and text; int64 fields as numbers or strings", async () => {
    const r = await call(f.env, "/getBlockHeaderByRange", postText('{"start":"3","end":6}'));
    expect(r.body.block_list.map((b: any) => b.head.number)).toEqual(["3", "4", "5"]);
    for (const [start, end] of [
      [5, 5],
      [6, 5],
      [0, 111],
      ["-1", "200"],
    ]) {
      const bad = await call(f.env, "/getBlockHeaderByRange", postText(JSON.stringify({ start, end })));
      expect(bad.body, `${start} ${end}`).toEqual({ code: 2, message: `invalid range ${start} to ${end}` });
    }
    expect((await call(f.env, "/getBlockHeaderByRange", postText('{"start":0,"end":110}'))).status).toBe(200);
    expect((await call(f.env, "/getBlockHeaderByRange", postText('{"start":-5,"end":5}'))).body).toEqual({ block_list: [] });
    expect(f.calls.filter((c) => c.method === "coordinator.rawHeaders").map((c) => c.args)).toEqual([
      [3, 6],
      [0, 110],
    ]);
  });

  it("listContractStorage: go-iost's checks and texts; a user contract asks its shard once, the limit passed down", async () => {
    const ok = await call(f.env, "/listContractStorage", postText('{"id":"Contract1","prefix":"a","storageType":"MAP","limit":2}'));
    expect(ok.body).toEqual({
      datas: [
        { key: "k0", value: "0" },
        { key: "k1", value: "1" },
      ],
      block_hash: "BH",
      block_number: "7",
    });
    expect(f.calls.filter((c) => c.method === "shard.listStorage").map((c) => c.args)).toEqual([["Contract1", "MAP", "a", "", "", 2]]);
    expect((await call(f.env, "/listContractStorage", postText('{"id":"token.iost","storageType":1}'))).body.datas).toHaveLength(3);
    expect(f.calls.filter((c) => c.method === "shard.listStorage").at(-1)?.args).toEqual(["token.iost", "MAP", "", "", "", 100]);
    const before = f.calls.length;
    expect((await call(f.env, "/listContractStorage", postText("{}"))).body).toEqual({ code: 2, message: "invalid contract id" });
    expect((await call(f.env, "/listContractStorage", postText('{"id":"a.iost","limit":101}'))).body).toEqual({
      code: 2,
      message: "invalid limit in request. Max: 500",
    });
    expect((await call(f.env, "/listContractStorage", postText('{"id":"a.iost","limit":-1}'))).body.code).toBe(2);
    expect((await call(f.env, "/listContractStorage", postText('{"id":"a.iost","storageType":"LIST"}'))).body.code).toBe(2);
    expect(f.calls.slice(before).some((c) => c.method === "shard.listStorage")).toBe(false);
  });

  it("getProof: passed to the key's shard; an empty id or a key over 65,536 units is refused before any shard call", async () => {
    const ok = await call(f.env, "/getProof", postText('{"id":"Contract1","key":"k"}'));
    expect(ok.body).toMatchObject({ key: "b-Contract1-k", value: null, block_number: "7" });
    expect(f.calls.filter((c) => c.method === "shard.proof").map((c) => c.args)).toEqual([["Contract1", "k", ""]]);
    const before = f.calls.length;
    expect((await call(f.env, "/getProof", postText('{"key":"k"}'))).body).toEqual({ code: 2, message: "invalid contract id" });
    const long = JSON.stringify({ id: "token.iost", key: "TBadmin", field: "x".repeat(65_536) });
    expect((await call(f.env, "/getProof", postText(long))).body).toEqual({ code: 2, message: "key too long. max length is 65536 Byte." });
    expect((await call(f.env, "/getProof", postText('{"id":"a.iost","key":5}'))).body.code).toBe(3);
    expect(f.calls.slice(before).some((c) => c.method === "shard.proof")).toBe(false);
  });

  it("getContractVote: an id's producer votes read on shard 0, id checked first", async () => {
    expect((await call(f.env, "/getContractVote/admin/true")).body).toEqual({ vote_infos: [{ option: "producer000", votes: 2100000, cleared_votes: 0 }] });
    expect((await call(f.env, "/getContractVote/Contract1/0")).body).toEqual({ vote_infos: [] });
    const before = f.calls.length;
    expect((await call(f.env, "/getContractVote/ab/true")).body).toEqual({ code: 2, message: "id invalid. id length should be between 5,11 - 2 " });
    expect(f.calls.slice(before).some((c) => c.method === "shard.getVoteInfos")).toBe(false);
  });

  it("go-iost's id and hash checks (rpc/util.go) answer before any object call, on every route that runs them", async () => {
    const before = f.calls.length;
    const refused = [
      ["/getAccount/AB/true", "id invalid. id length should be between 5,11 - 2 "],
      ["/getAccount/Alicex0/true", "id invalid. id contains invalid character - 65"],
      ["/getTokenBalance/ab/iost/true", "id invalid. id length should be between 5,11 - 2 "],
      ["/getTokenBalance/Alicex0/iost/true", "id invalid. id contains invalid character - 65"],
      [`/getContract/Contract${"x".repeat(92)}/true`, "id invalid. ContractID length should be less then 100 - 100"],
      [`/getContract/${"y".repeat(95)}.iost/true`, "id invalid. ContractID length should be less then 100 - 100"],
      [`/getTxByHash/${"1".repeat(100)}`, "hash len(100) is greater then 100"],
      [`/getTxReceiptByTxHash/${"1".repeat(100)}`, "hash len(100) is greater then 100"],
      [`/getBlockByHash/${"1".repeat(100)}/false`, "hash len(100) is greater then 100"],
    ];
    for (const [path, message] of refused) expect((await call(f.env, path)).body, path).toEqual({ code: 2, message });
    expect(f.calls.length).toBe(before);
    // Accepted as go-iost accepts them: a system contract's id, a lowercase 0x address of 42 characters.
    for (const path of ["/getContractVote/vote_producer.iost/true", `/getContractVote/0x${"ab".repeat(20)}/true`])
      expect((await call(f.env, path)).body, path).toEqual({ vote_infos: [] });
  });
});

describe("reads", () => {
  it("getNodeInfo: server_time now in ns, tx_pool_size as a string", async () => {
    const f = fakeEnv();
    const before = BigInt(Date.now()) * 1_000_000n;
    const r = await call(f.env, "/getNodeInfo");
    expect(r.status).toBe(200);
    expect(typeof r.body.server_time).toBe("string");
    expect(BigInt(r.body.server_time) >= before).toBe(true);
    expect(r.body.tx_pool_size).toBe("3");
    expect(r.body.mode).toBe("ModeNormal");
  });

  it("getChainInfo is one coordinator call (which also wakes it); pollers within HEAD_MEMO_MS share it", async () => {
    const f = fakeEnv();
    const r = await call(f.env, "/getChainInfo");
    expect(r.body.chain_id).toBe(1020);
    expect(r.headers.get("X-Object-Calls")).toBe("1");
    expect(r.headers.get("cache-control")).toBe(HEAD_CACHE_CONTROL);
    const tabs = await Promise.all(Array.from({ length: 20 }, () => call(f.env, "/getChainInfo")));
    expect(tabs.every((t) => t.body.chain_id === 1020)).toBe(true);
    expect(f.calls.map((c) => c.method)).toEqual(["coordinator.chainInfo"]);
    expect(f.calls[0].args).toEqual([true]); // and wake
    await new Promise((r) => setTimeout(r, HEAD_MEMO_MS));
    await call(f.env, "/getChainInfo");
    expect(f.calls.map((c) => c.method)).toEqual(["coordinator.chainInfo", "coordinator.chainInfo"]);
  });

  it("getChainInfo with Cache-Control: no-cache asks the coordinator now, memo or not, and the memo keeps that answer", async () => {
    let head = 10;
    const f = fakeEnv({ coordinator: { chainInfo: async () => ({ chain_id: 1020, head_block: String(head++) }) } });
    expect((await call(f.env, "/getChainInfo")).body.head_block).toBe("10");
    await call(f.env, "/getChainInfo", { headers: { "Cache-Control": "no-cache" } });
    expect((await call(f.env, "/getChainInfo", { headers: { "Cache-Control": "no-cache" } })).body.head_block).toBe("12");
    expect(f.calls.map((c) => c.method)).toEqual(["coordinator.chainInfo", "coordinator.chainInfo", "coordinator.chainInfo"]);
    // Within HEAD_MEMO_MS, what the isolate answers next (and labels reads through peers by) is never below what a
    // no-cache client was just shown (network groups.test.ts: a peer read labelled block 3 after a fresh LIB 4).
    expect((await call(f.env, "/getChainInfo")).body.head_block).toBe("12");
    expect(f.calls).toHaveLength(3);
  });

  it("blocks: complete=true adds the chunk's transactions, false an empty array", async () => {
    const f = fakeEnv();
    const full = await call(f.env, "/getBlockByNumber/3/true");
    expect(full.body.status).toBe("IRREVERSIBLE");
    expect(full.body.block.number).toBe("3");
    expect(full.body.block.transactions).toEqual([{ hash: "T3a" }, { hash: "T3b" }]);
    const bare = await call(f.env, "/getBlockByNumber/3/0");
    expect(bare.body.block.transactions).toEqual([]);
    const byHash = await call(f.env, "/getBlockByHash/H3/1");
    expect(byHash.body.block.transactions).toEqual([{ hash: "T3a" }, { hash: "T3b" }]);
    const missing = await call(f.env, "/getBlockByNumber/99/true");
    expect(missing.body).toEqual({ code: 2, message: "block not found" });
    const negative = await call(f.env, "/getBlockByNumber/-1/true");
    expect(negative.body).toEqual({ code: 2, message: "block not found" });
  });

  it("getBatchContractStorage reads only the first 50 pairs", async () => {
    const f = fakeEnv();
    const keyFields = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, field: `f${i}` }));
    const r = await call(f.env, "/getBatchContractStorage", postText(JSON.stringify({ id: "c", key_fields: keyFields, by_longest_chain: true })));
    expect(r.status).toBe(200);
    expect(r.body.datas).toHaveLength(50);
    expect(r.body.datas[49]).toBe("k49/f49");
    expect(r.body.block_number).toBe("7");
    expect(f.calls.filter((c) => c.method === "shard.getContractStorage")).toHaveLength(50);
  });

  it("getTxByHash asks the shards and passes their error through", async () => {
    const f = fakeEnv();
    const r = await call(f.env, "/getTxByHash/abc");
    expect(r.body).toEqual({ code: 2, message: "tx not found" });
  });
});

describe("intake", () => {
  it("a valid SDK tx reaches the publisher's shard with IOST's hash", async () => {
    const f = fakeEnv();
    const tx = signedTransfer();
    const r = await call(f.env, "/sendTx", postText(JSON.stringify(tx)));
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ hash: sdkTxHash(tx), pre_tx_receipt: null });
    const submit = f.calls.find((c) => c.method === "shard.submitTxs")?.args[0] as Submitted[];
    expect(submit.map((t) => t.hash)).toEqual([sdkTxHash(tx)]);
    expect(submit[0].bytes).toBeInstanceOf(Uint8Array);
    expect(f.calls.some((c) => c.method === "coordinator.wake")).toBe(true);
  });

  it("on-demand: only the first tx of a burst (its pool was empty) wakes the coordinator: one object call per later tx", async () => {
    let pool = 0;
    const submitTxs = async (txs: Submitted[]) => {
      const first = pool === 0;
      pool += txs.length;
      return { answers: txs.map((t) => ({ hash: t.hash })), first };
    };
    const f = fakeEnv({ shard: { submitTxs } });
    const calls: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer(1020, String(i + 1)))));
      expect(r.status, r.text).toBe(200);
      calls.push(Number(r.headers.get("X-Object-Calls")));
    }
    expect(f.calls.filter((c) => c.method === "coordinator.wake")).toHaveLength(1);
    expect(calls).toEqual([2, 1, 1, 1]);
    pool = 0; // the block took them: the next tx wakes again
    expect((await call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer(1020, "9"))))).headers.get("X-Object-Calls")).toBe("2");
  });

  it("bad signature, wrong chain id and foreign keys stop at the edge", async () => {
    const f = fakeEnv();
    const tx = signedTransfer();
    const json = JSON.parse(JSON.stringify(tx));
    const sig = Buffer.from(json.publisher_sigs[0].signature, "base64");
    sig[5] ^= 1;
    json.publisher_sigs[0].signature = sig.toString("base64");
    const badSig = await call(f.env, "/sendTx", postText(JSON.stringify(json)));
    expect(badSig.status).toBe(400);
    expect(badSig.body.code).toBe(2);
    expect(badSig.body.message).toMatch(/publisher error/);

    const wrongChain = await call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer(1024))));
    expect(wrongChain.body.code).toBe(2);
    expect(wrongChain.body.message).toMatch(/invalid chain_id/);

    const other = KeyPair.newKeyPair(Algorithm.Ed25519);
    const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
    const t2 = iost.transfer("iost", "admin", "bob", "1", "");
    t2.setChainID(1020);
    const acc = new (await import("../e2e/helpers/sdk")).Account("admin");
    acc.addKeyPair(other, "active");
    acc.signTx(t2);
    // Signed consistently by another key: valid by itself, so the shard's auth check decides.
    const foreign = await call(f.env, "/sendTx", postText(JSON.stringify(t2)));
    expect(foreign.status).toBe(200);

    expect(f.calls.filter((c) => c.method === "shard.submitTxs")).toHaveLength(1);
  });

  it("a bad action (CheckBadTx) is refused before the signatures are checked", async () => {
    const f = fakeEnv();
    const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
    const tx = iost.callABI("token.iost", "transfer", ["iost", "admin", "bob", "1.123456789", ""]);
    tx.setChainID(1020);
    const r = await call(f.env, "/sendTx", postText(JSON.stringify(tx)));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.message).not.toMatch(/publisher/);
    expect(f.calls.some((c) => c.method === "shard.submitTxs")).toBe(false);
  });

  it("the shard's refusal (dedup, gas, pool) is passed through", async () => {
    const f = fakeEnv({ shard: { submitTxs: async (txs) => ({ answers: txs.map(() => ({ error: "tx exists in pending" })), first: false }) } });
    const r = await call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer())));
    expect(r.body).toEqual({ code: 2, message: "tx exists in pending" });
  });

  it("concurrent txs share shard calls: each request gets its own answer, the batch wakes once", async () => {
    const batches: string[][] = [];
    const refused = new Set<string>();
    const f = fakeEnv({
      shard: {
        submitTxs: async (txs) => {
          batches.push(txs.map((t) => t.hash));
          // Slow enough for the others to arrive while it is in flight.
          await new Promise((r) => setTimeout(r, 50));
          return { answers: txs.map((t) => (refused.has(t.hash) ? { error: `refused ${t.hash}` } : { hash: t.hash })), first: batches.length === 1 };
        },
      },
    });
    const txs = Array.from({ length: 12 }, (_, i) => signedTransfer(1020, String(i + 1)));
    for (const tx of txs.filter((_, i) => i % 3 === 0)) refused.add(sdkTxHash(tx));
    const answers = await Promise.all(txs.map((tx) => call(f.env, "/sendTx", postText(JSON.stringify(tx)))));
    answers.forEach((r, i) => {
      const hash = sdkTxHash(txs[i]);
      expect(r.body, String(i)).toEqual(refused.has(hash) ? { code: 2, message: `refused ${hash}` } : { hash, pre_tx_receipt: null });
    });
    expect(batches.flat().sort()).toEqual(txs.map(sdkTxHash).sort());
    expect(batches.length).toBeLessThan(txs.length);
    expect(f.calls.filter((c) => c.method === "shard.submitTxs")).toHaveLength(batches.length);
    expect(f.calls.filter((c) => c.method === "coordinator.wake")).toHaveLength(1);
  });

  it("a failed batch call fails each of its requests with the call's error", async () => {
    const f = fakeEnv({ shard: { submitTxs: async () => ({ error: "shard-0 is syncing its state from peers (block 5): try again later" }) } });
    const answers = await Promise.all([1, 2, 3].map((i) => call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer(1020, String(i)))))));
    for (const r of answers) expect(r.body).toEqual({ code: 2, message: "shard-0 is syncing its state from peers (block 5): try again later" });
  });

  it("an admitted tx goes on to every peer of PEERS as /p2p/tx with its full bytes; a refused one does not", async () => {
    const got: { url: string; body: string }[] = [];
    const servers = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<http.Server>((ready) => {
            const server = http.createServer((req, res) => {
              let body = "";
              req.on("data", (d) => (body += d));
              req.on("end", () => {
                got.push({ url: `${req.method} ${req.url}`, body });
                res.end('{"hash":"x"}');
              });
            });
            server.listen(0, "127.0.0.1", () => ready(server));
          }),
      ),
    );
    try {
      const peers = servers.map((sv) => `http://127.0.0.1:${(sv.address() as AddressInfo).port}/`).join(", ");
      const refused = fakeEnv({
        vars: { PEERS: peers },
        shard: { submitTxs: async (txs) => ({ answers: txs.map(() => ({ error: "tx exists in pending" })), first: false }) },
      });
      expect((await call(refused.env, "/sendTx", postText(JSON.stringify(signedTransfer())))).status).toBe(400);
      const f = fakeEnv({ vars: { PEERS: peers } });
      expect((await call(f.env, "/sendTx", postText(JSON.stringify(signedTransfer())))).status).toBe(200);
      await vi.waitFor(() => expect(got).toHaveLength(2));
      const { bytes } = (f.calls.find((c) => c.method === "shard.submitTxs")!.args[0] as Submitted[])[0];
      const sent = { url: "POST /p2p/tx", body: JSON.stringify({ tx: Buffer.from(bytes).toString("base64") }) };
      expect(got).toEqual([sent, sent]);
    } finally {
      for (const sv of servers) sv.close();
    }
  });

  it("execTx only in dev mode", async () => {
    const off = fakeEnv({ vars: { DEV: "false" } });
    const r = await call(off.env, "/execTx", postText(JSON.stringify(signedTransfer())));
    expect(r.body).toEqual({ code: 2, message: "the node has't enabled this method" });
    const on = fakeEnv();
    const ok = await call(on.env, "/execTx", postText(JSON.stringify(signedTransfer())));
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status_code).toBe("SUCCESS");
  });
});

describe("subscribe", () => {
  it("streams matching events as newline-delimited results and ends at its lifetime", async () => {
    let n = 0;
    const f = fakeEnv({
      vars: { SUBSCRIBE_MAX_SECONDS: "1.2" },
      shard: {
        eventsSince: async (after) => {
          n++;
          if (n > 1) return { height: after, events: [] };
          return {
            height: after + 1,
            events: [
              { topic: "CONTRACT_RECEIPT", data: "r1", time: "5", contract: "Cabc" },
              { topic: "CONTRACT_EVENT", data: "e1", time: "6", contract: "Cabc" },
              { topic: "CONTRACT_RECEIPT", data: "r2", time: "7", contract: "Cother" },
            ],
          };
        },
      },
    });
    const started = Date.now();
    const r = await call(f.env, "/subscribe", postText(JSON.stringify({ topics: ["CONTRACT_RECEIPT"], filter: { contract_id: "Cabc" } })));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.status).toBe(200);
    expect(r.text).toBe(JSON.stringify({ result: { event: { topic: "CONTRACT_RECEIPT", data: "r1", time: "5" } } }) + "\n");
    expect(f.calls.find((c) => c.method === "coordinator.eventsSince")?.args).toEqual([[10]]);
    // By number, in go-iost rpc.proto's enum order: CONTRACT_RECEIPT = 0, CONTRACT_EVENT = 1.
    n = 0;
    const byNumber = await call(f.env, "/subscribe", postText(JSON.stringify({ topics: [1], filter: { contract_id: "Cabc" } })));
    expect(byNumber.text).toBe(JSON.stringify({ result: { event: { topic: "CONTRACT_EVENT", data: "e1", time: "6" } } }) + "\n");
    const bad = await call(f.env, "/subscribe", postText(JSON.stringify({ topics: ["BLOCKS"] })));
    expect(bad.body.code).toBe(2);
  });
});

describe("Proof of Believability routes (shard 0, the consensus shard)", () => {
  it("ask shard 0 whatever the account's shard, after IOST's id check", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4" } });
    const ok = await call(f.env, "/getProducerVoteInfo/producer000/true");
    expect([ok.status, ok.body]).toEqual([200, { pubkey: "K", votes: 0 }]);
    const none = await call(f.env, "/getProducerVoteInfo/nobody01/true");
    expect([none.status, none.body]).toEqual([400, { code: 2, message: "can't get producer vote info" }]);
    expect((await call(f.env, "/getVoterBonus/producer000/1")).body).toEqual({ bonus: 0, detail: {} });
    expect((await call(f.env, "/getCandidateBonus/producer000/0")).body).toEqual({ bonus: 0 });
    const shards = f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect(shards).toEqual(["shard-0", "shard-0", "shard-0", "shard-0"]);
    const bad = await call(f.env, "/getVoterBonus/Admin/true");
    expect(bad.body).toEqual({ code: 2, message: "id invalid. id contains invalid character - 65" });
    expect((await call(f.env, "/getCandidateBonus/abc/true")).body).toEqual({ code: 2, message: "id invalid. id length should be between 5,11 - 3 " });
    expect((await call(f.env, "/getVoterBonus/admin/maybe")).status).toBe(400);
  });

  it("getAccount's vote_infos come from shard 0 while the account is read on its home shard", async () => {
    const votes = [{ option: "producer000", votes: 2100000, cleared_votes: 0 }];
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      reads: {
        getAccount: async (name): Promise<Answer<Json>> => (name === "alice" ? { name, vote_infos: [] } : { error: "account not found" }),
        getVoteInfos: async (a) => (a === "alice" ? votes : []),
      },
    });
    const r = await call(f.env, "/getAccount/alice/true");
    expect([r.status, r.body]).toEqual([200, { name: "alice", vote_infos: votes }]);
    expect(f.calls.filter((c) => c.method === "shard.getVoteInfos").map((c) => c.args)).toEqual([["alice"]]);
    // alice's home shard is 2 of 4; her votes are asked of shard 0.
    const shards = f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect(shards.sort()).toEqual(["shard-0", "shard-2"]);
    const none = await call(f.env, "/getAccount/nobody/true");
    expect([none.status, none.body]).toEqual([400, { code: 2, message: "account not found" }]);
  });

  // alice lives on shard 2 of 4; dave and grace on 1, carol on 2, trent on 3, bob on 0.
  it("getAccount's pledged_info adds the pledges held by the shards of the users its pledge order names, one read each, sorted by it", async () => {
    const held: Record<string, { pledger: string; amount: number }[]> = {
      "shard-1": [
        { pledger: "grace", amount: 3 },
        { pledger: "dave", amount: 5 },
      ],
      "shard-3": [{ pledger: "trent", amount: 7 }],
    };
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      reads: {
        getAccount: async (name): Promise<Answer<Json>> => ({
          name,
          gas_info: { limit: 1, pledged_info: [{ pledger: "carol", amount: 10 }] },
          pledge_order: ["dave", "carol", "trent", "grace"],
        }),
        getPledges: async () => held[f.at()] ?? [],
      },
    });
    const r = await call(f.env, "/getAccount/alice/true");
    expect(r.body).toEqual({
      name: "alice",
      gas_info: {
        limit: 1,
        pledged_info: [
          { pledger: "dave", amount: 5 },
          { pledger: "carol", amount: 10 },
          { pledger: "trent", amount: 7 },
          { pledger: "grace", amount: 3 },
        ],
      },
      vote_infos: [],
    });
    expect(f.calls.filter((c) => c.method === "shard.getPledges").map((c) => c.args)).toEqual([["alice"], ["alice"]]);
    const shards = f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect(shards.sort()).toEqual(["shard-0", "shard-1", "shard-2", "shard-3"]);
  });

  it("getAccount without a pledge order asks no other shard for pledges: all of them are at home", async () => {
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      reads: { getAccount: async (name): Promise<Answer<Json>> => ({ name, gas_info: { limit: 1, pledged_info: [{ pledger: "dave", amount: 10 }] } }) },
    });
    const r = await call(f.env, "/getAccount/alice/true");
    expect(r.body).toEqual({ name: "alice", gas_info: { limit: 1, pledged_info: [{ pledger: "dave", amount: 10 }] }, vote_infos: [] });
    expect(f.calls.filter((c) => c.method === "shard.getPledges")).toEqual([]);
  });

  it("contribute balances are read on shard 0, iost on the account's shard", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4" } });
    await call(f.env, "/getTokenBalance/producer000/contribute/true");
    await call(f.env, "/getTokenBalance/producer000/iost/true");
    const shards = f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect(shards).toEqual(["shard-0", "shard-1"]);
  });
});

describe("token721.iost's reads go to the token's shard (src/sharding/placement.ts nftShard)", () => {
  it("getToken721Balance, Owner, Metadata and its storage: one shard, the symbol's; IOST's id check first", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4" } });
    const home = `shard-${nftShard("pika", 4)}`;
    const shardsAsked = () => f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect((await call(f.env, "/getToken721Balance/admin/pika/true")).body).toEqual({ balance: "1", tokenIDs: ["0"] });
    expect((await call(f.env, "/getToken721Owner/pika/3/true")).body.message).toContain("token pika 3 not found");
    expect((await call(f.env, "/getToken721Metadata/pika/3/false")).body.message).toContain("token pika 3 not found");
    await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token721.iost", key: "T721Mpika#admin", field: "0" })));
    await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token721.iost", key: "T721Badmin", field: "pika" })));
    // Storage asks the symbol's shard where the token lives (getToken721Home), then there.
    expect(shardsAsked()).toEqual([home, home, home, home, home, home, home]);
    f.calls.length = 0;
    expect((await call(f.env, "/getToken721Balance/ab/pika/true")).body.message).toContain("id invalid. id length should be between 5,11 - 2");
    expect(shardsAsked()).toEqual([]);
  });

  it("a token a contract created off its symbol's shard: the symbol's shard names its home, which answers (`home` dropped)", async () => {
    const at = nftShard("pika", 4);
    const other = (at + 2) % 4;
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      reads: {
        getToken721Balance: async () => ({ balance: "1", tokenIDs: ["0"], home: other }),
        getToken721Owner: async () => ({ error: "token pika 0 not found", home: other }),
        getToken721Home: async () => other,
      },
    });
    const shardsAsked = () => f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    expect((await call(f.env, "/getToken721Balance/admin/pika/true")).body).toEqual({ balance: "1", tokenIDs: ["0"] });
    expect(shardsAsked()).toEqual([`shard-${at}`, `shard-${other}`]);
    f.calls.length = 0;
    await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token721.iost", key: "T721Ipika", field: "0" })));
    expect(shardsAsked()).toEqual([`shard-${at}`, `shard-${other}`]);
  });
});

describe('a contract\'s balances are read where the contract lives (docs/SHARDING.md "Contracts")', () => {
  const id = "ContractCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC0";
  // Deployed on a shard other than its id's hash: only shard 0's directory knows where.
  const deployed = (shardOf(id, 4) + 1) % 4;

  it("getTokenBalance and token.iost storage of TB<Contract…> ask the directory, then the contract's shard", async () => {
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      shard: { contractShard: async (c) => (c === id ? deployed : null) },
      reads: { getTokenBalance: async (a, t) => ({ balance: a === id && t === "iost" ? 3 : 0, frozen_balances: [] }) },
    });
    const shardsAsked = () => f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0]);
    const balance = await call(f.env, `/getTokenBalance/${id}/iost/true`);
    expect(balance.body).toEqual({ balance: 3, frozen_balances: [] });
    expect(f.calls.filter((c) => c.method === "shard.contractShard").map((c) => c.args)).toEqual([[id]]);
    expect(shardsAsked()).toEqual(["shard-0", `shard-${deployed}`]);

    f.calls.length = 0;
    await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token.iost", key: `TB${id}`, field: "iost" })));
    expect(shardsAsked()).toEqual(["shard-0", `shard-${deployed}`]);
    expect(f.calls.filter((c) => c.method === "shard.getContractStorage").map((c) => c.args)).toEqual([["token.iost", `TB${id}`, "iost"]]);

    // Accounts keep being read on their home shard, with no directory lookup.
    f.calls.length = 0;
    await call(f.env, "/getContractStorage", postText(JSON.stringify({ id: "token.iost", key: "TBadmin", field: "iost" })));
    expect(shardsAsked()).toEqual([`shard-${shardOf("admin", 4)}`]);
  });
});

describe("reads from the edge (issue 14 item 4)", () => {
  /** The object calls the edge made (a fake's own calls to the shards are not its). */
  const objectCalls = (calls: Calls) => calls.filter((c) => /^(coordinator|shard)\./.test(c.method)).length;

  it("Cache-Control: immutable only for final answers; head reads short; errors, not-found and writes never kept", async () => {
    const f = fakeEnv({
      coordinator: {
        getBlockByNumber: async (n) =>
          n <= 5
            ? { status: "IRREVERSIBLE", block: { number: String(n) } }
            : n <= 10
              ? { status: "PENDING", block: { number: String(n) } }
              : { error: "block not found" },
      },
      shard: {
        getTx: async (h): Promise<Answer<Json>> =>
          h === "final"
            ? { status: "IRREVERSIBLE", transaction: {}, block_number: "3" }
            : h === "packed"
              ? { status: "PACKED", transaction: {}, block_number: "-1" }
              : { error: "tx not found" },
        getTxReceipt: async (h): Promise<Answer<Json>> =>
          h === "final" ? { tx_hash: h, status_code: "SUCCESS" } : { error: "failed to Get the receipt hash: tx is not irreversible yet" },
      },
    });
    const cc = async (path: string, init?: RequestInit) => {
      const r = await call(f.env, path, init);
      return [r.status, r.headers.get("cache-control")];
    };
    expect(await cc("/getBlockByNumber/3/true")).toEqual([200, FINAL_CACHE_CONTROL]);
    expect(await cc("/getBlockByNumber/8/true")).toEqual([200, HEAD_CACHE_CONTROL]); // reversible: never immutable
    expect(await cc("/getBlockByNumber/99/true")).toEqual([400, "no-store"]);
    expect(await cc("/getBlockByNumber/3/maybe")).toEqual([400, "no-store"]);
    expect(await cc("/getTxByHash/final")).toEqual([200, FINAL_CACHE_CONTROL]);
    expect(await cc("/getTxByHash/packed")).toEqual([200, HEAD_CACHE_CONTROL]);
    expect(await cc("/getTxByHash/nothing")).toEqual([400, "no-store"]);
    expect(await cc("/getTxReceiptByTxHash/final")).toEqual([200, FINAL_CACHE_CONTROL]);
    expect(await cc("/getTxReceiptByTxHash/packed")).toEqual([400, "no-store"]);
    expect(await cc("/getAccount/admin/true")).toEqual([200, HEAD_CACHE_CONTROL]);
    expect(await cc("/getChainInfo")).toEqual([200, HEAD_CACHE_CONTROL]);
    expect(await cc("/getContractStorage", postText(JSON.stringify({ id: "c", key: "k", field: "" })))).toEqual([200, HEAD_CACHE_CONTROL]);
    const range = (to: number) => postText(JSON.stringify({ from_block: 0, to_block: to, contract: "token.iost" }));
    // The fake's LIB: chain info has no lib_block, so 0; a range reaching above it is not final.
    expect(await cc("/getBlockTxsByContract", range(0))).toEqual([200, FINAL_CACHE_CONTROL]);
    expect(await cc("/getBlockTxsByContract", range(5))).toEqual([200, HEAD_CACHE_CONTROL]);
    expect(await cc("/sendTx", postText(JSON.stringify(signedTransfer())))).toEqual([200, "no-store"]);
    expect(await cc("/p2p/status")).toEqual([200, "no-store"]);
  });

  it("a tx lookup asks the one shard the edge admitted it to, not every shard", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4" }, shard: { getTx: async (h) => ({ status: "PACKED", transaction: { hash: h }, block_number: "-1" }) } });
    const tx = signedTransfer(1020, "2");
    expect((await call(f.env, "/sendTx", postText(JSON.stringify(tx)))).status).toBe(200);
    f.calls.length = 0;
    const r = await call(f.env, `/getTxByHash/${sdkTxHash(tx)}`);
    expect(r.body.status).toBe("PACKED");
    expect(f.calls.filter((c) => c.method === "shard.getTx")).toHaveLength(1);
    expect(f.calls.filter((c) => c.method === "SHARD.getByName").map((c) => c.args[0])).toEqual([`shard-${shardOf("admin", 4)}`]);
    expect(r.headers.get("X-Object-Calls")).toBe("1");
    // A hash this edge never saw: every shard once (bounded by the shard count), then it knows.
    f.calls.length = 0;
    await call(f.env, "/getTxByHash/elsewhere");
    expect(f.calls.filter((c) => c.method === "shard.getTx")).toHaveLength(4);
    f.calls.length = 0;
    await call(f.env, "/getTxByHash/elsewhere");
    expect(f.calls.filter((c) => c.method === "shard.getTx")).toHaveLength(1);
  });

  it("a tx lookup passes over the remembered shard once rotation dropped it here, and asks the shards this node applies", async () => {
    const tx = signedTransfer(1020, "2");
    const home = shardOf("admin", 4);
    let applied = [0, 1, 2, 3];
    // The fake's shards are one object: the first ask after the drop answers as dropped (a shard the memo listed a moment ago).
    let dropped = false;
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2" },
      shard: {
        getTx: async () => {
          if (!dropped) return { error: "tx not found" };
          dropped = false;
          return { error: `shard-${home} holds nothing on this node (dropped: this node left its group)` };
        },
      },
      coordinator: { appliedShards: async () => applied },
    });
    expect((await call(f.env, "/sendTx", postText(JSON.stringify(tx)))).status).toBe(200);
    // Rotation drops the tx's home here; the edge's memo of the applied set expires.
    applied = applied.filter((i) => i !== home);
    dropped = true;
    const later = vi.spyOn(Date, "now").mockReturnValue(Date.now() + HEAD_MEMO_MS + 1);
    f.calls.length = 0;
    try {
      const r = await call(f.env, `/getTxByHash/${sdkTxHash(tx)}`);
      // The remembered shard, dropped, is not asked: each applied one once.
      expect(f.calls.filter((c) => c.method === "shard.getTx")).toHaveLength(applied.length);
      // Before: the dropped object's answer, as if it were the tx's. Not on the applied shards, and no PEERS to ask.
      expect(r.body).toEqual({ code: 2, message: `tx ${sdkTxHash(tx)} is not on the shards this node applies, and it has no PEERS to ask` });
    } finally {
      later.mockRestore();
    }
  });

  /** Fake peers answering with `body(path, request body)`, the requests they got recorded. */
  async function peers(bodies: ((path: string, sent: string) => { status: number; json: unknown })[]) {
    const got: string[] = [];
    const servers = await Promise.all(
      bodies.map(
        (body, i) =>
          new Promise<http.Server>((ready) => {
            const server = http.createServer((req, res) => {
              got.push(`${i} ${req.url}`);
              let sent = "";
              req.on("data", (d) => (sent += d));
              req.on("end", () => {
                const { status, json } = body(req.url ?? "", sent);
                res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
              });
            });
            server.listen(0, "127.0.0.1", () => ready(server));
          }),
      ),
    );
    const list = servers.map((sv) => `http://127.0.0.1:${(sv.address() as AddressInfo).port}`).join(",");
    return { list, got, close: () => servers.forEach((sv) => sv.close()) };
  }

  it("a tx of a shard not applied here is handed to the peers; an answer above 64 KiB is dropped unread", async () => {
    const tx = signedTransfer(1020, "3");
    const hash = sdkTxHash(tx);
    const home = shardOf("admin", 4);
    const huge = () => ({ status: 200, json: { hash, pad: "x".repeat(64 * 1024) } });
    const p = await peers([huge, () => ({ status: 200, json: { hash } })]);
    const only = await peers([huge]);
    const node = (list: string) =>
      fakeEnv({
        vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", PEERS: list },
        coordinator: { appliedShards: async () => [0, 1, 2, 3].filter((i) => i !== home) },
      });
    try {
      const taken = await call(node(p.list).env, "/sendTx", postText(JSON.stringify(tx)));
      expect(taken.body).toEqual({ hash, pre_tx_receipt: null });
      expect(p.got).toEqual(["0 /p2p/tx", "1 /p2p/tx"]);
      const r = await call(node(only.list).env, "/sendTx", postText(JSON.stringify(tx)));
      expect(r.body).toEqual({
        code: 2,
        message: `shard ${home} is not held by this node and no peer took the tx: ${only.list}: its answer is above 65536 bytes`,
      });
    } finally {
      for (const x of [p, only]) x.close();
    }
  });

  it("POST /p2p/pool: a peer's handed txs of one shard admitted in one call, none forwarded; each bad or foreign tx its own refusal; a node not applying the shard refuses all, and /p2p/tx too, asking no object", async () => {
    const from = (publisher: string, amount: string) => {
      const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
      const tx = iost.transfer("iost", publisher, "bob", amount, "");
      tx.setChainID(1020);
      accountFromSecret(publisher, ADMIN_SECRET, Algorithm.Ed25519).signTx(tx);
      return tx;
    };
    const b64 = (tx: unknown) => Buffer.from(txEncoding(parseTxRequest(JSON.stringify(tx))).full).toString("base64");
    const [a, b] = [from("admin", "1"), from("admin", "2")];
    const away = from("producer000", "1");
    expect([shardOf("admin", 4), shardOf("producer000", 4)]).toEqual([0, 1]);
    const p = await peers([() => ({ status: 200, json: { hash: "x" } })]);
    const node = (applied: number[]) =>
      fakeEnv({ vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", PEERS: p.list }, coordinator: { appliedShards: async () => applied } });
    const pool = (f: ReturnType<typeof fakeEnv>, body: unknown) =>
      call(f.env, "/p2p/pool", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    try {
      const f = node([0, 2]);
      const r = await pool(f, { shard: 0, txs: [b64(a), b64(away), "AAAA", b64(b)] });
      expect(r.status, r.text).toBe(200);
      expect(r.body.answers).toEqual([
        { hash: sdkTxHash(a) },
        { error: `tx ${sdkTxHash(away)} is not of shard 0` },
        { error: expect.stringMatching(/^invalid tx bytes: /) },
        { hash: sdkTxHash(b) },
      ]);
      const admitted = f.calls.filter((c) => c.method === "shard.submitTxs");
      expect(admitted.map((c) => (c.args[0] as Submitted[]).map((t) => t.hash))).toEqual([[sdkTxHash(a), sdkTxHash(b)]]);
      // Not a page: no shard, too many txs, base64 not canonical.
      for (const bad of [{ txs: [b64(a)] }, { shard: 4, txs: [b64(a)] }, { shard: 0, txs: Array(257).fill(b64(a)) }, { shard: 0, txs: [`${b64(a)}\n`] }])
        expect((await pool(f, bad)).status).toBe(400);
      // Shard 1 is not applied here: its pool would build nothing, and be dropped in turn.
      const g = node([0, 2]);
      const refused = "shard 1 is not applied on this node: its producers' groups do not hold it now";
      expect((await pool(g, { shard: 1, txs: [b64(away)] })).body).toEqual({ answers: [{ error: refused }] });
      expect((await call(g.env, "/p2p/tx", { method: "POST", body: JSON.stringify({ tx: b64(away) }) })).body).toEqual({ code: 2, message: refused });
      expect(g.calls.filter((c) => c.method.startsWith("shard."))).toEqual([]);
      await new Promise((done) => setTimeout(done, 100));
      expect(p.got).toEqual([]);
    } finally {
      p.close();
    }
  });

  describe("a read of a shard not served here, proven by peers (workers/lib/peer-read.ts)", () => {
    const EMPTY_ROOT = "00".repeat(32);
    /** An account of shard 1 of 4, which a node serving shard 0 only reads through peers. */
    const name = ["alice", "bobby", "carol", "darla", "emily"].find((n) => shardOf(n, 4) === 1) as string;
    /** Proves every key asked absent from shard 1 at block 10, whose state our header says is empty. */
    const empty = (_path: string, sent: string) => ({
      status: 200,
      json: {
        shard: 1,
        block_number: "10",
        state_root: EMPTY_ROOT,
        proofs: (JSON.parse(sent) as { keys: string[] }).keys.map((key) => ({ key, value: null, proof: { siblings: [] } })),
      },
    });
    const node = (list: string) =>
      fakeEnv({
        vars: { SHARD_COUNT: "4", SERVES: "0", PEERS: list },
        coordinator: {
          chainInfo: async () => ({ chain_id: 1020, head_block: "10", lib_block: "10" }),
          getBlockByNumber: async (n) => ({
            status: "IRREVERSIBLE",
            block: { number: String(n), hash: `H${n}`, time: "1", orig_info: JSON.stringify({ chunks: [{ shard: 1, state_root: EMPTY_ROOT }] }) },
          }),
        },
      });

    it("a peer's answer above MAX_WITNESS_BYTES is passed over unread, and one that is no object is refused, not a crash", async () => {
      const huge = () => ({ status: 200, json: { pad: "x".repeat(MAX_WITNESS_BYTES) } });
      const p = await peers([huge, () => ({ status: 200, json: null }), empty]);
      const only = await peers([huge]);
      try {
        const proven = await call(node(p.list).env, `/getAccount/${name}/true`);
        // The third peer proves the account absent against our root: the shard's own answer to a name it does not hold.
        expect(proven.body).toEqual({ code: 2, message: "account not found" });
        expect(p.got).toEqual([`0 /getProofs`, `1 /getProofs`, `2 /getProofs`]);
        const r = await call(node(only.list).env, `/getAccount/${name}/true`);
        expect(r.body.message).toBe(
          `shard 1 is not served by this node and no peer gave a verified answer: ${only.list}: its proofs answer is above ${MAX_WITNESS_BYTES} bytes`,
        );
      } finally {
        for (const x of [p, only]) x.close();
      }
    });
  });

  describe("a tx or block of a shard not applied here, through peers (workers/lib/peer-txs.ts)", () => {
    // Shard 1's chunk is the fixture's, shard 3's is empty.
    const honest = (path: string) => ({
      status: 200,
      json: path.includes("shard=3") ? { shard: 3, height: 9, tx_hashes: [], receipt_hashes: [], txs: [] } : path.startsWith("/p2p/txs") ? answer() : answer(1),
    });
    const notFound = () => ({ status: 400, json: { code: 2, message: "tx not found" } });
    const forged = () => {
      const a = answer(1);
      a.txs[0].receipt = receiptToJson(receiptOf(txs[1], 1n));
      return { status: 200, json: a };
    };
    /** A node applying shards 0 and 2 of 4 (a producer of two groups), LIB `lib`, our block 9 the fixture's header (or `headers`). */
    const node = (list: string, lib = 10, headers?: Record<number, string>) =>
      fakeEnv({
        vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", PEERS: list },
        shard: { getTxReceipt: async () => ({ error: "failed to Get the receipt hash: tx not found" }) },
        coordinator: {
          appliedShards: async () => [0, 2],
          chainInfo: async () => ({ chain_id: 1020, head_block: "10", lib_block: String(lib) }),
          getBlockByNumber: async (n) => ({
            status: n <= lib ? "IRREVERSIBLE" : "PENDING",
            block: { number: String(n), hash: `H${n}`, orig_info: headers?.[n] ?? info },
          }),
        },
      });
    const hash = txId(txs[1]);
    const view = { ...txToJson(txs[1]), tx_receipt: receiptToJson(receipts[1]) };

    it("a lying peer is passed over; the next one's answer, checked against our header, is the JSON of a node applying the shard", async () => {
      const p = await peers([notFound, forged, honest]);
      try {
        const f = node(p.list);
        const r = await call(f.env, `/getTxByHash/${hash}`);
        expect(r.body).toEqual({ status: "IRREVERSIBLE", transaction: view, block_number: "9" });
        // One request per peer until one checks; the applied shards asked once each, our header once.
        expect(p.got).toEqual([0, 1, 2].map((i) => `${i} /p2p/tx?hash=${hash}`));
        expect(f.calls.filter((c) => c.method === "shard.getTx")).toHaveLength(2);
        const receipt = await call(f.env, `/getTxReceiptByTxHash/${hash}`);
        expect(receipt.body).toEqual(receiptToJson(receipts[1]));
      } finally {
        p.close();
      }
    });

    it("every peer lying is a clear error; no peer holding it final here, the endpoint's not-found", async () => {
      const liars = await peers([forged, forged]);
      const behind = await peers([honest]);
      const none = await peers([notFound, notFound]);
      try {
        const r = await call(node(liars.list).env, `/getTxByHash/${hash}`);
        expect(r.body.message).toMatch(new RegExp(`^tx ${hash} is not on the shards this node applies and no peer gave a verified answer: http`));
        expect(r.body.message.match(/is not the one shard 1's chunk hashed/g)).toHaveLength(2);
        // Our LIB 8: block 9 is not final here, so the tx is not known yet (a pending tx is not looked for either).
        expect((await call(node(behind.list, 8).env, `/getTxByHash/${hash}`)).body).toEqual({ code: 2, message: "tx not found" });
        expect((await call(node(none.list).env, `/getTxReceiptByTxHash/${hash}`)).body).toEqual({
          code: 2,
          message: "failed to Get the receipt hash: tx not found",
        });
      } finally {
        for (const p of [liars, behind, none]) p.close();
      }
    });

    it("a peer's answer above MAX_WITNESS_BYTES is passed over unread; the next one's checks", async () => {
      const huge = () => ({ status: 200, json: { pad: "x".repeat(MAX_WITNESS_BYTES) } });
      const p = await peers([huge, honest]);
      const only = await peers([huge]);
      try {
        expect((await call(node(p.list).env, `/getTxByHash/${hash}`)).body).toEqual({ status: "IRREVERSIBLE", transaction: view, block_number: "9" });
        const r = await call(node(only.list).env, `/getTxByHash/${hash}`);
        expect(r.body.message).toMatch(
          new RegExp(`no peer gave a verified answer: http://127.0.0.1:[0-9]+: its txs answer is above ${MAX_WITNESS_BYTES} bytes$`),
        );
      } finally {
        for (const x of [p, only]) x.close();
      }
    });

    it("a stranger's hash costs at most MAX_LOOKUP_PEERS requests, whatever PEERS holds; a source's lookups through peers are capped", async () => {
      const p = await peers(Array.from({ length: MAX_LOOKUP_PEERS + 2 }, () => notFound));
      try {
        const f = node(p.list);
        const from = { headers: { "CF-Connecting-IP": "203.0.113.9" } };
        expect((await call(f.env, "/getTxByHash/3xYz", from)).body).toEqual({ code: 2, message: "tx not found" });
        expect(p.got).toHaveLength(MAX_LOOKUP_PEERS);
        for (let i = 1; i < PEER_LOOKUP_QUOTA.limit; i++) await call(f.env, `/getTxByHash/3xYz${i}`, from);
        expect(p.got).toHaveLength(PEER_LOOKUP_QUOTA.limit * MAX_LOOKUP_PEERS);
        // Past the quota: refused before any peer request, so a stranger cannot spend this node's /p2p quota at its peers.
        const r = await call(f.env, "/getTxByHash/3xYzLast", from);
        expect(r.body).toEqual({ code: 2, message: "too many lookups through peers from 203.0.113.9: at most 30 per 10 s" });
        expect(p.got).toHaveLength(PEER_LOOKUP_QUOTA.limit * MAX_LOOKUP_PEERS);
      } finally {
        p.close();
      }
    });

    it("a receipt combined with cross-shard settles is shown as its home shows it, each settle checked; a peer hiding one passed over", async () => {
      const omits = () => ({ status: 200, json: { ...joinedAnswer(1), settles: [] } });
      const hides = () => {
        const a = joinedAnswer(1);
        a.txs[0].joined = false;
        return { status: 200, json: a };
      };
      const p = await peers([omits, hides, () => ({ status: 200, json: joinedAnswer(1) })]);
      const behind = await peers([() => ({ status: 200, json: joinedAnswer(1) })]);
      try {
        const f = node(p.list, 10, infos);
        const r = await call(f.env, `/getTxByHash/${hash}`);
        expect(r.body).toEqual({ status: "IRREVERSIBLE", transaction: { ...view, tx_receipt: combined[1] }, block_number: "9" });
        // One request per peer until one checks; our headers of the tx's block and of the settle's, once per answer checked.
        expect(p.got).toEqual([0, 1, 2].map((i) => `${i} /p2p/tx?hash=${hash}`));
        expect(f.calls.filter((c) => c.method === "coordinator.getBlockByNumber").map((c) => c.args[0])).toEqual([9, 9, 9, 10]);
        expect((await call(f.env, `/getTxReceiptByTxHash/${hash}`)).body).toEqual(combined[1]);
        // Its settle in a block not final here (our LIB 9): not known here yet, as a tx in a block above our LIB.
        expect((await call(node(behind.list, 9, infos).env, `/getTxByHash/${hash}`)).body).toEqual({ code: 2, message: "tx not found" });
      } finally {
        p.close();
        behind.close();
      }
    });

    it("a settle the peer gives no run of (it does not apply the settling shard) comes from this node's own object of that shard", async () => {
      const p = await peers([() => ({ status: 200, json: { ...joinedAnswer(1), settles: [] } })]);
      try {
        // This node applies shard 2, which settled tx 1's credit: its object gives the run, checked as a peer's.
        const own = fakeEnv({
          vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", PEERS: p.list },
          shard: {
            settleRuns: async (height, to, ids) => (height === 9 && to === 1 && ids[0] === credit1.id ? [{ height: 10, proof: sentProof(sent10[2], 1) }] : []),
          },
          coordinator: {
            appliedShards: async () => [0, 2],
            chainInfo: async () => ({ chain_id: 1020, head_block: "10", lib_block: "10" }),
            getBlockByNumber: async (n) => ({ status: "IRREVERSIBLE", block: { number: String(n), hash: `H${n}`, orig_info: infos[n] } }),
          },
        });
        const r = await call(own.env, `/getTxByHash/${hash}`);
        expect(r.body).toEqual({ status: "IRREVERSIBLE", transaction: { ...view, tx_receipt: combined[1] }, block_number: "9" });
        expect(p.got).toHaveLength(1);
        expect(own.calls.filter((c) => c.method === "shard.settleRuns").map((c) => c.args)).toEqual([[9, 1, [credit1.id]]]);
      } finally {
        p.close();
      }
    });

    it("every peer omitting or hiding settles is a clear error; one needing the home shard's state is refused with why", async () => {
      const liars = await peers([() => ({ status: 200, json: { ...joinedAnswer(1), settles: [] } })]);
      const archived = await peers([() => ({ status: 200, json: { ...joinedAnswer(1), sent: undefined } })]);
      try {
        const r = await call(node(liars.list, 10, infos).env, `/getTxByHash/${hash}`);
        expect(r.body.message).toMatch(
          new RegExp(`no peer gave a verified answer: http://127.0.0.1:[0-9]+: it omits the settle of receipt ${hash}:0 of tx ${hash}$`),
        );
        // The home chunk's sent receipts not given (archived at the peer, or withheld): nothing to check the combination with.
        expect((await call(node(archived.list, 10, infos).env, `/getTxByHash/${hash}`)).body.message).toMatch(
          new RegExp(`no peer gave a verified answer: http://127.0.0.1:[0-9]+: it gives no receipts tx ${hash}'s home chunk sent \\(kept until archived\\)$`),
        );
        // One needing its home shard's state (a deciding half: its home holds receipts it sends later) is refused with why, by
        // the first peer: every peer would answer the same.
        const reserved = sent9.map((r) => (r === credit1 ? { ...r, payer: { ...r.payer!, reserve: { ram: "0", paid: "0" } } } : r));
        const headers = {
          ...infos,
          9: infos[9].replace(/("shard":1,[^}]*"out_receipts_root":")[0-9a-f]*/, `$1${Buffer.from(outReceiptsRoot(reserved)).toString("hex")}`),
        };
        const deciding = await peers([() => ({ status: 200, json: { ...joinedAnswer(1), sent: reserved } }), () => ({ status: 200, json: joinedAnswer(1) })]);
        try {
          expect((await call(node(deciding.list, 10, headers).env, `/getTxByHash/${hash}`)).body.message).toBe(
            `tx ${hash}'s receipt joins cross-shard settles this node cannot check without its home shard (tx ${hash} waits at its home for its credit's RAM, which holds receipts it sends later): ask a node that applies it`,
          );
          expect(deciding.got).toHaveLength(1);
        } finally {
          deciding.close();
        }
      } finally {
        liars.close();
        archived.close();
      }
    });

    it("a complete block shows shard 1's combined receipts from a peer, its settles checked; a peer saying they are in flight passed over", async () => {
      const inFlight = () => ({ status: 200, json: { ...joinedAnswer(), settles: [], in_flight: txs.map((t) => txId(t)) } });
      const p = await peers([inFlight, () => ({ status: 200, json: joinedAnswer() })]);
      try {
        const r = await call(node(p.list, 10, infos).env, "/getBlockByNumber/9/true");
        expect(r.status, r.text).toBe(200);
        expect(r.body.block.transactions.slice(2, 5).map((t: { tx_receipt: Json }) => t.tx_receipt)).toEqual(combined);
        expect(p.got).toEqual(["0 /p2p/txs?shard=1&height=9&settles=1", "1 /p2p/txs?shard=1&height=9&settles=1"]);
      } finally {
        p.close();
      }
    });

    it("a complete block lists shard 1's txs from a peer, checked, between the applied shards' own", async () => {
      const p = await peers([forged, honest]);
      try {
        const f = node(p.list);
        const r = await call(f.env, "/getBlockByNumber/9/true");
        expect(r.status, r.text).toBe(200);
        const hashes = r.body.block.transactions.map((t: { hash: string }) => t.hash);
        // Shards 0 and 2 from their objects (the fake's two txs each), shard 1's three from the second peer, shard 3's none.
        expect(hashes).toEqual(["T9a", "T9b", ...chunk.txHashes, "T9a", "T9b"]);
        expect(r.body.block.transactions[2]).toEqual({ ...txToJson(txs[0]), tx_receipt: receiptToJson(receipts[0]) });
        // Shard 3's chunk has the empty tx root in our header: no peer asked for it.
        expect(p.got).toEqual(["0 /p2p/txs?shard=1&height=9&settles=1", "1 /p2p/txs?shard=1&height=9&settles=1"]);
      } finally {
        p.close();
      }
    });
  });

  it("/dev/supply is refused on a node whose objects do not apply every shard, without asking any", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2" }, coordinator: { appliedShards: async () => [0, 2] } });
    expect((await call(f.env, "/dev/supply")).body).toEqual({
      code: 2,
      message: "/dev/supply sums every shard, and this node applies shards 0, 2 of 4: ask a node that applies all",
    });
    expect(f.calls.filter((c) => c.method.startsWith("shard."))).toEqual([]);
    const all = fakeEnv({ vars: { SHARD_COUNT: "4" } });
    expect((await call(all.env, "/dev/supply")).body).toEqual({ heads: [10, 10, 10, 10], supply: null, held: "0" });
  });

  it("/p2p/state and /p2p/sent refuse a shard a producer's objects do not apply without asking its object, which a call would make", async () => {
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2" },
      shard: { statePage: async (height) => ({ shard: 2, height, state_root: "", rows: [], next: null }) },
      coordinator: { appliedShards: async () => [0, 2] },
    });
    const refused = (i: number) => ({ code: 2, message: `shard ${i} is not applied on this node: its producers' groups do not hold it now` });
    expect((await call(f.env, "/p2p/state?shard=1&height=5")).body).toEqual(refused(1));
    expect((await call(f.env, "/p2p/sent?shard=3&height=5&to=0")).body).toEqual(refused(3));
    expect(f.calls.filter((c) => c.method.startsWith("shard."))).toEqual([]);
    // One it applies is asked.
    expect((await call(f.env, "/p2p/state?shard=2&height=5")).status).toBe(200);
    expect(f.calls.filter((c) => c.method === "shard.statePage")).toHaveLength(1);
  });

  it("getBlockTxsByContract over go-iost's largest range makes at most 50 object calls (one per shard)", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "16" } });
    const r = await call(f.env, "/getBlockTxsByContract", postText(JSON.stringify({ from_block: 0, to_block: 100, contract: "token.iost" })));
    expect(r.status, r.text).toBe(200);
    // Each of the 16 (same fake) shards matches heights 0..10: one block entry per height, every shard's txs in it.
    expect(r.body.blocktx_list).toHaveLength(11);
    expect(r.body.blocktx_list[3].tx_list).toHaveLength(16);
    expect(objectCalls(f.calls)).toBe(17);
    expect(Number(r.headers.get("X-Object-Calls"))).toBe(17);
    expect((await call(f.env, "/getBlockTxsByContract", postText(JSON.stringify({ from_block: 0, to_block: 101 })))).body.message).toBe(
      "invalid range 0 to 101",
    );
  });

  it("getBatchContractStorage: 50 pairs cost at most one call per shard (and the contract's directory lookup)", async () => {
    const f = fakeEnv({ vars: { SHARD_COUNT: "4" } });
    const keyFields = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, field: `f${i}` }));
    const r = await call(f.env, "/getBatchContractStorage", postText(JSON.stringify({ id: "Contractabc", key_fields: keyFields })));
    expect(r.body.datas).toHaveLength(50);
    expect(r.body.datas[7]).toBe("k7/f7");
    expect(Number(r.headers.get("X-Object-Calls"))).toBeLessThanOrEqual(5);
  });

  it("getBatchContractStorage: a system contract's balance, kept on every shard, is their sum, still at most one call per shard", async () => {
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4" },
      reads: {
        getContractStorage: async (_id, key, field) => ({
          data: key === "TBgas.iost" ? (field === "iost" ? "7" : "null") : "x",
          block_hash: "BH",
          block_number: "7",
        }),
      },
    });
    const keyFields = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? { key: "TBgas.iost", field: i % 4 === 0 ? "iost" : "ram" } : { key: `TBuser${i}`, field: "iost" },
    );
    const r = await call(f.env, "/getBatchContractStorage", postText(JSON.stringify({ id: "token.iost", key_fields: keyFields })));
    expect(r.status, r.text).toBe(200);
    expect(r.body.datas.slice(0, 4)).toEqual(["28", "x", "null", "x"]);
    expect(Number(r.headers.get("X-Object-Calls"))).toBeLessThanOrEqual(4);
  });

  it("listContractStorage on a node holding shard 0 only: a definition of a token of another shard is listed as held, no shard it lacks asked", async () => {
    const sym = Array.from({ length: 40 }, (_, i) => `lt${i}`).find((t) => tokenShard(t, 4) !== 0)!;
    const f = fakeEnv({
      vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", SERVES: "0" },
      shard: {
        listStorage: async () => ({ datas: [{ key: `TI${sym}-supply`, value: "0" }], block_hash: "BH", block_number: "7" }),
      },
    });
    const r = await call(f.env, "/listContractStorage", postText(JSON.stringify({ id: "token.iost", storageType: "MAP", limit: 10 })));
    expect(r.status, r.text).toBe(200);
    expect(r.body.datas).toEqual([{ key: `TI${sym}-supply`, value: "0" }]);
  });

  it("POST /p2p/endorse with 64 endorsements makes two object calls (the gate, one batch), each answered in order", async () => {
    const producer = DEV_PRODUCERS[0];
    const secret = base58Decode(producer.secret);
    const hashOf = (i: number) => base58Encode(new Uint8Array(32).fill(i + 3));
    const taken: unknown[][] = [];
    const f = fakeEnv({
      coordinator: {
        p2pGate: async () => ({ keys: [producer.pubkey], chainId: 1020, nodeId: "N", head: 100, final: 9, aheadMs: 500, shardCount: 1 }),
        receiveEndorsements: async (list) => (taken.push([...list]), list.map(() => ({ result: "counted" as const, final: 9 }))),
      },
    });
    const list: unknown[] = Array.from({ length: 63 }, (_, i) =>
      signEndorsement(
        1020,
        { height: 10 + i, hash: hashOf(i), parent: hashOf(i - 1), justify: { height: 5, hash: hashOf(-2) }, producer: producer.pubkey },
        secret,
      ),
    );
    list.splice(5, 0, { ...(list[0] as object), sig: "AAAA" }); // refused at the edge, never reaches the coordinator
    const r = await call(f.env, "/p2p/endorse", postText(JSON.stringify({ endorsements: list })));
    expect(r.status, r.text).toBe(200);
    expect(r.body.results).toHaveLength(64);
    expect(r.body.results[5]).toEqual({ error: expect.stringContaining("invalid endorsement signature") });
    expect(r.body.results.filter((x: { result?: string }) => x.result === "counted")).toHaveLength(63);
    expect(taken.map((t) => t.length)).toEqual([63]);
    expect(f.calls.filter((c) => c.method === "coordinator.receiveEndorsement")).toHaveLength(0);
    expect(Number(r.headers.get("X-Object-Calls"))).toBe(2);
  });

  it("/subscribe on 16 shards makes at most 50 object calls however long it runs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    try {
      const f = fakeEnv({ vars: { SHARD_COUNT: "16", SUBSCRIBE_MAX_SECONDS: "86400" } });
      const res = await app.request("/subscribe", postText('{"topics":["CONTRACT_EVENT"]}'), f.env);
      const reader = res.body!.getReader();
      for (;;) {
        const next = reader.read();
        let r: Awaited<typeof next> | null = null;
        while (r === null) r = await Promise.race([next, vi.advanceTimersByTimeAsync(1_000).then(() => null)]);
        if (r.done) break;
      }
      expect(objectCalls(f.calls)).toBeLessThanOrEqual(50);
      expect(f.calls.filter((c) => c.method === "coordinator.eventsSince").length).toBeGreaterThan(40);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("bench aids (issue 17 item 5, BENCHMARKS.md)", () => {
  const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

  it("X-Worker-Ms: the Worker's own time, the wait for objects left out; dev only", async () => {
    const slow = {
      reads: {
        getTokenBalance: async () => {
          await new Promise((r) => setTimeout(r, 120));
          return { balance: 1, frozen_balances: [] };
        },
      },
    };
    const f = fakeEnv(slow);
    const start = performance.now();
    const r = await call(f.env, "/getTokenBalance/admin/iost/true");
    const wall = performance.now() - start;
    expect(r.status).toBe(200);
    expect(wall).toBeGreaterThanOrEqual(110);
    const own = Number(r.headers.get("X-Worker-Ms"));
    expect(own).toBeGreaterThanOrEqual(0);
    expect(own).toBeLessThan(wall - 100); // the 120 ms inside the object is not the Worker's
    const off = fakeEnv({ ...slow, vars: { DEV: "false" } });
    expect((await call(off.env, "/getTokenBalance/admin/iost/true")).headers.get("X-Worker-Ms")).toBeNull();
  });

  it("ceilings: n is capped (sha3 in the Worker, shard 0's SQLite rows at MAX_BENCH_ROWS)", async () => {
    const f = fakeEnv();
    const sha = await call(f.env, "/dev/bench/sha3?n=20");
    expect(sha.body).toMatchObject({ n: 20 });
    expect(sha.body.per_second).toBeGreaterThan(0);
    expect((await call(f.env, "/dev/bench/sha3?n=-5")).body.n).toBe(1);
    const rows = await call(f.env, "/dev/bench/rows?n=999999999");
    expect(rows.body).toEqual({ n: 100_000, writeMs: 1000, readMs: 500, writes_per_second: 100_000, reads_per_second: 200_000 });
    expect(f.calls.filter((c) => c.method === "shard.benchRows")).toEqual([{ method: "shard.benchRows", args: [100_000] }]);
  });

  it("seed: a bad body is refused with an IOST error and reaches no object; a good one goes to the template's shard", async () => {
    const f = fakeEnv();
    for (const [body, message] of [
      [{ from: 0, count: 10 }, "invalid template (missing): expected an account name"],
      [{ template: "bench0000", count: 0 }, "invalid from 0 count 0: integers, count from 1 to 100000"],
      [{ template: "bench0000", count: 100_001 }, "invalid from 0 count 100001: integers, count from 1 to 100000"],
      [{ template: "bench0000", from: 1.5, count: 10 }, "invalid from 1.5 count 10: integers, count from 1 to 100000"],
      [[1], "invalid request body: expected a JSON object"],
    ] as const) {
      const r = await call(f.env, "/dev/bench/seed", post(body));
      expect([r.status, r.body]).toEqual([400, { code: 2, message }]);
    }
    expect(f.calls.filter((c) => c.method === "shard.seedAccounts")).toEqual([]);
    const ok = await call(f.env, "/dev/bench/seed", post({ template: "bench0000", from: 5, count: 10 }));
    expect(ok.body).toEqual({ accounts: 10, rows: 50, ms: 1 });
    expect(f.calls.filter((c) => c.method === "shard.seedAccounts")).toEqual([{ method: "shard.seedAccounts", args: ["bench0000", 5, 10] }]);
    const off = fakeEnv({ vars: { DEV: "false" } });
    expect((await call(off.env, "/dev/bench/seed", post({ template: "bench0000", count: 10 }))).status).toBe(400);
  });
});

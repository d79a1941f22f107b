/**
 * Contracts and their storage: /getContract, POST /getContractStorage,
 * /getContractStorageFields, /getBatchContractStorage (first 50 key/field pairs,
 * as go-iost), /listContractStorage, and /getProof (not IOST's). An account's entries (balances, permissions, gas, RAM) are read
 * on the account's shard, other contract state on the contract's (lib/nodes.ts).
 * `by_longest_chain` is checked as IOST checks it; both values read the head
 * state (ShardApi.read).
 */
import { Hono } from "hono";
import type { Json } from "../../durable-objects/api";
import type { AppEnv } from "../env";
import { RpcFailure, unwrap } from "../lib/errors";
import { MAX_LIST, MAX_PROOF_KEY, MAX_READS } from "../../durable-objects/config";
import { compareUtf8 } from "../../src/codec/encoder";
import { allShards, contractHome, contractHomeIndex, shard, shardCount, storageShard, storageShardIndex } from "../lib/nodes";
import { readAt, serves } from "../lib/peer-read";
import { boolField, checkIdValid, field, int64Field, parseBoolParam, parseJsonBody, stringField } from "../lib/params";

export const contractRoutes = new Hono<AppEnv>();

contractRoutes.get("/getContract/:id/:by_longest_chain", async (c) => {
  parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  const id = c.req.param("id");
  checkIdValid(id);
  return c.json(unwrap(await readAt(c.env, await contractHomeIndex(c.env, id), "getContract", id)));
});

contractRoutes.post("/getContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  const key = stringField(body, "key");
  const fieldName = stringField(body, "field");
  const at = await storageShardIndex(c.env, id, key, fieldName);
  boolField(body, "by_longest_chain");
  return c.json(unwrap(await readAt(c.env, at, "getContractStorage", id, key, fieldName)));
});

contractRoutes.post("/getContractStorageFields", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const [id, key] = [stringField(body, "id"), stringField(body, "key")];
  const at = await storageShardIndex(c.env, id, key, null);
  boolField(body, "by_longest_chain");
  return c.json(unwrap(await readAt(c.env, at, "getContractStorageFields", id, key)));
});

contractRoutes.post("/getBatchContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  boolField(body, "by_longest_chain");
  const pairs = field(body, "key_fields") ?? [];
  if (!Array.isArray(pairs)) throw new RpcFailure("invalid value for repeated field key_fields");
  const home = contractHomeIndex(c.env, id); // one directory lookup for the whole batch
  const reads = await Promise.all(
    pairs.slice(0, MAX_READS).map(async (p) => {
      const kf = (typeof p === "object" && p !== null ? p : {}) as Record<string, unknown>;
      const [key, fieldName] = [stringField(kf, "key"), stringField(kf, "field")];
      return { at: await storageShardIndex(c.env, id, key, fieldName, home), args: [id, key, fieldName] as [string, string, string] };
    }),
  );
  // One readAll per shard involved, so a batch costs at most one call per shard (and the directory lookup).
  const shards = [...new Set(reads.map((r) => r.at))].sort((a, b) => a - b);
  const batches = await Promise.all(
    shards.map((i) =>
      shard(c.env, i).readAll(
        "getContractStorage",
        reads.filter((r) => r.at === i).map((r) => r.args),
      ),
    ),
  );
  const next = new Map(shards.map((i, j) => [i, { batch: batches[j], used: 0 }]));
  const answers = reads.map((r) => {
    const b = next.get(r.at)!;
    return b.batch[b.used++];
  });
  const views = answers.map((a) => unwrap(a) as Record<string, Json>);
  let blockHash: Json = "";
  let blockNumber: Json = "0";
  if (views.length > 0) {
    blockHash = views[0].block_hash ?? "";
    blockNumber = views[0].block_number ?? "0";
  }
  return c.json({ datas: views.map((v) => v.data ?? "null"), block_hash: blockHash, block_number: blockNumber });
});

/**
 * Not IOST's: a storage entry's raw value (null: absent) with its proof against the state root of
 * its shard's chunk in a block (docs/STATE.md "Authenticated state"), on the entry's shard as
 * /getContractStorage reads it. `npx iost-edge proof` fetches and checks one.
 */
contractRoutes.post("/getProof", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const [id, key, fieldName] = [stringField(body, "id"), stringField(body, "key"), stringField(body, "field")];
  if (id === "") throw new RpcFailure("invalid contract id");
  // The raw key is `m-<id>-<key>-<field>` at most.
  const length = id.length + key.length + fieldName.length + 4;
  if (length > MAX_PROOF_KEY) throw new RpcFailure(`key too long. max length is ${MAX_PROOF_KEY} Byte.`);
  const at = await storageShard(c.env, id, key, fieldName);
  return c.json(await at.proof(id, key, fieldName));
});

/**
 * Not IOST's: raw state keys of one shard (at most MAX_READS, each at most MAX_PROOF_KEY units) with
 * their values and proofs against the shard's root in final block `height` (default LIB, at most
 * MAX_PROOF_DEPTH below it): what a node reads through a peer (lib/peer-read.ts). Only a shard this
 * node serves is proved, so a read never travels on from peer to peer.
 */
contractRoutes.post("/getProofs", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const index = field(body, "shard");
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= shardCount(c.env)) throw new RpcFailure("invalid shard");
  const keys = field(body, "keys");
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_READS || !keys.every((k) => typeof k === "string" && k.length <= MAX_PROOF_KEY)) {
    throw new RpcFailure(`invalid keys: 1 to ${MAX_READS} raw state keys of at most ${MAX_PROOF_KEY} units`);
  }
  const height = field(body, "height");
  if (height !== undefined && (typeof height !== "number" || !Number.isInteger(height) || height < 0)) throw new RpcFailure("invalid height");
  if (!serves(c.env, index)) throw new RpcFailure(`shard ${index} is not served by this node`);
  return c.json(unwrap(await shard(c.env, index).proofs(keys as string[], height)));
});

/**
 * go-iost ListContractStorage: a contract's raw storage keys (KV or MAP) in byte order, at most
 * `limit` (≤ MAX_LIST, 0 = MAX_LIST). A user contract's storage is on its shard: one call. A system
 * contract's is spread over the shards (accounts' entries with their accounts, definitions copied on
 * each): one call per shard, each at most `limit` rows, merged in key order, a copy counted once.
 */
contractRoutes.post("/listContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  const [from, to, prefix] = [stringField(body, "from"), stringField(body, "to"), stringField(body, "prefix")];
  const type = storageType(field(body, "storageType"));
  let limit = int64Field(body, "limit");
  boolField(body, "by_longest_chain");
  if (id === "") throw new RpcFailure("invalid contract id");
  // go-iost's text says 500 while it checks 100.
  if (limit > BigInt(MAX_LIST) || limit < 0n) throw new RpcFailure("invalid limit in request. Max: 500");
  if (limit === 0n) limit = BigInt(MAX_LIST);
  const at = id.startsWith("Contract") ? [await contractHome(c.env, id)] : allShards(c.env);
  const parts = await Promise.all(at.map((s) => s.listStorage(id, type, prefix, from, to, Number(limit))));
  const seen = new Map<string, string>();
  for (const p of parts) for (const d of p.datas) if (!seen.has(d.key)) seen.set(d.key, d.value);
  const datas = [...seen.keys()]
    .sort(compareUtf8)
    .slice(0, Number(limit))
    .map((key) => ({ key, value: seen.get(key)! }));
  return c.json({ datas, block_hash: parts[0].block_hash, block_number: parts[0].block_number });
});

/** The StorageType enum as the gateway takes it: its name or its number. */
function storageType(v: unknown): "KV" | "MAP" {
  if (v === undefined || v === null || v === "KV" || v === 0) return "KV";
  if (v === "MAP" || v === 1) return "MAP";
  throw new RpcFailure(`invalid value for enum type: ${JSON.stringify(v)}`);
}

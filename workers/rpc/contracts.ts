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
import type { AppEnv, Env } from "../env";
import { indexParts, mergeData, mergeFields, valueParts, type ValueParts } from "../../src/query/parts";
import { byAge, type FieldAges, mergeByAge } from "../../src/sharding/aged";
import { RpcFailure, unwrap } from "../lib/errors";
import { MAX_LIST, MAX_PROOF_KEY, MAX_READS } from "../../durable-objects/config";
import { compareUtf8 } from "../../src/codec/encoder";
import { CONSENSUS_SHARD, tokenShard } from "../../src/sharding/placement";
import { contractHomeIndex, heldShards, shard, shardCount, storageShard, storageShardIndex } from "../lib/nodes";
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
  boolField(body, "by_longest_chain");
  const parts = valueParts(id, key, fieldName, shardCount(c.env));
  if (parts !== null) return c.json(await partsData(c.env, parts, id, key, fieldName));
  const at = await storageShardIndex(c.env, id, key, fieldName);
  return c.json(unwrap(await readAt(c.env, at, "getContractStorage", id, key, fieldName)));
});

contractRoutes.post("/getContractStorageFields", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const [id, key] = [stringField(body, "id"), stringField(body, "key")];
  boolField(body, "by_longest_chain");
  if (byAge(id, key, shardCount(c.env))) return c.json(await agedFields(c.env, id, key));
  const parts = indexParts(id, key, shardCount(c.env));
  if (parts !== null) return c.json(await partsFields(c.env, parts, id, key));
  const at = await storageShardIndex(c.env, id, key, null);
  return c.json(unwrap(await readAt(c.env, at, "getContractStorageFields", id, key)));
});

type Labelled = { block_hash: string; block_number: string };

/** getContractStorage of an entry N shards keep in parts (src/query/parts.ts): each part read, merged, labelled as the first. */
async function partsData(env: Env, parts: ValueParts, id: string, key: string, fieldName: string): Promise<Labelled & { data: string }> {
  const reads = await Promise.all(
    parts.shards.map(async (s) => unwrap(await readAt(env, s, "getContractStorage", id, key, fieldName)) as Labelled & { data: string }),
  );
  return {
    ...reads[0],
    data: mergeData(
      parts.merge,
      reads.map((r) => r.data),
    ),
  };
}

type Aged = Labelled & FieldAges;

/** getContractStorageFields of auth.iost's account index: every shard's, merged by the accounts' ages, labelled as shard 0's. */
async function agedFields(env: Env, id: string, key: string): Promise<Labelled & { fields: string[] }> {
  const reads = await Promise.all(Array.from({ length: shardCount(env) }, async (_, s) => unwrap(await readAt(env, s, "getFieldAges", id, key)) as Aged));
  return { block_hash: reads[0].block_hash, block_number: reads[0].block_number, fields: mergeByAge(reads) };
}

/** getContractStorageFields of a field index N shards keep in parts, as partsData. */
async function partsFields(env: Env, shards: number[], id: string, key: string): Promise<Labelled & { fields: string[] }> {
  const reads = await Promise.all(
    shards.map(async (s) => unwrap(await readAt(env, s, "getContractStorageFields", id, key)) as Labelled & { fields: string[] }),
  );
  return { ...reads[0], fields: mergeFields(reads.map((r) => r.fields)) };
}

contractRoutes.post("/getBatchContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  boolField(body, "by_longest_chain");
  const pairs = field(body, "key_fields") ?? [];
  if (!Array.isArray(pairs)) throw new RpcFailure("invalid value for repeated field key_fields");
  const home = contractHomeIndex(c.env, id); // one directory lookup for the whole batch
  const held = heldShards(c.env);
  const reads = await Promise.all(
    pairs.slice(0, MAX_READS).map(async (p) => {
      const kf = (typeof p === "object" && p !== null ? p : {}) as Record<string, unknown>;
      const [key, fieldName] = [stringField(kf, "key"), stringField(kf, "field")];
      // An entry kept in parts (a system contract's balance) is read on each shard holding a part, and merged; on a node
      // holding some of the shards, apart, each part where it is served (partsData), as /getContractStorage reads it.
      const parts = valueParts(id, key, fieldName, shardCount(c.env));
      const apart = parts !== null && !parts.shards.every((s) => held.includes(s));
      const at = apart ? [] : (parts?.shards ?? [await storageShardIndex(c.env, id, key, fieldName, home)]);
      return { at, parts, apart, args: [id, key, fieldName] as [string, string, string] };
    }),
  );
  // One readAll per shard involved, so a batch costs at most one call per shard (and the directory lookup).
  const shards = [...new Set(reads.flatMap((r) => r.at))].sort((a, b) => a - b);
  const batches = await Promise.all(
    shards.map((i) =>
      shard(c.env, i).readAll(
        "getContractStorage",
        reads.filter((r) => r.at.includes(i)).map((r) => r.args),
      ),
    ),
  );
  const next = new Map(shards.map((i, j) => [i, { batch: batches[j], used: 0 }]));
  const views = await Promise.all(
    reads.map((r) => {
      if (r.apart) return partsData(c.env, r.parts!, ...r.args);
      const got = r.at.map((i) => {
        const b = next.get(i)!;
        return unwrap(b.batch[b.used++]) as Labelled & { data: string };
      });
      return r.parts === null
        ? got[0]
        : {
            ...got[0],
            data: mergeData(
              r.parts.merge,
              got.map((g) => g.data),
            ),
          };
    }),
  );
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
  const at = id.startsWith("Contract") ? [await contractHomeIndex(c.env, id)] : heldShards(c.env);
  const lists = await Promise.all(at.map((s) => shard(c.env, s).listStorage(id, type, prefix, from, to, Number(limit))));
  // Each shard's copy of a key by shard: a key among the first `limit` of all of them is among each holder's first `limit`.
  const copies = new Map<string, Map<number, string>>();
  lists.forEach((l, j) => {
    for (const d of l.datas) copies.set(d.key, (copies.get(d.key) ?? new Map()).set(at[j], d.value));
  });
  const keys = [...copies.keys()].sort(compareUtf8).slice(0, Number(limit));
  const values = type === "MAP" ? await mergedCopies(c.env, id, keys, copies) : new Map<string, string>();
  const datas = keys.map((key) => ({ key, value: values.get(key) ?? copies.get(key)!.values().next().value! }));
  return c.json({ datas, block_hash: lists[0].block_hash, block_number: lists[0].block_number });
});

/**
 * listContractStorage's values of map entries N shards keep in parts (src/query/parts.ts), merged from the shards'
 * copies; a pledger's field index is read from the pledger's shard, which alone knows its order (one readAll a shard).
 */
async function mergedCopies(env: Env, id: string, keys: readonly string[], copies: Map<string, Map<number, string>>): Promise<Map<string, string>> {
  const count = shardCount(env);
  const out = new Map<string, string>();
  if (count === 1) return out;
  const held = heldShards(env);
  const pledgeIndexes = new Map<number, string[]>();
  // A token's definition: every shard holds a copy, its home the supply (`TI<sym>-supply`), which the copies keep at 0.
  const definitions = new Map<string, string[]>();
  // auth.iost's account index: every shard's, merged by age; on a node holding some of the shards the copy stays listed.
  const aged = keys.filter((key) => byAge(id, key, count) && held.length === count);
  for (const key of keys) {
    const dash = key.indexOf("-");
    const copy = copies.get(key)!;
    if (id === "token.iost" && key.startsWith("TI")) {
      const sym = key.slice(2, dash < 0 ? undefined : dash).replace(/@$/, "");
      definitions.set(sym, [...(definitions.get(sym) ?? []), key]);
      continue;
    }
    if (dash >= 0) {
      const parts = valueParts(id, key.slice(0, dash), key.slice(dash + 1), count);
      if (parts !== null)
        out.set(
          key,
          mergeData(
            parts.merge,
            parts.shards.map((s) => copy.get(s) ?? "null"),
          ),
        );
      continue;
    }
    const shards = key.endsWith("@") ? null : indexParts(id, key, count);
    if (shards === null) continue;
    // The listing reads the shards this node holds: a pledger's index on another keeps the copy listed.
    if (id !== "gas.iost") setFields(out, key, mergeFields(shards.map((s) => shownFields(copy.get(s)))));
    else if (held.includes(shards[0])) pledgeIndexes.set(shards[0], [...(pledgeIndexes.get(shards[0]) ?? []), key]);
  }
  const asks = [...pledgeIndexes].flatMap(([s, names]) => chunks(names, MAX_READS).map((part) => [s, part] as const));
  await Promise.all([
    ...aged.map(async (key) => setFields(out, key, (await agedFields(env, id, key)).fields)),
    ...asks.map(async ([s, names]) => {
      const reads = await shard(env, s).readAll(
        "getContractStorageFields",
        names.map((k) => [id, k] as [string, string]),
      );
      for (const [i, r] of reads.entries()) setFields(out, names[i], (unwrap(r) as { fields: string[] }).fields);
    }),
    tokenHomes(env, [...definitions.keys()], held).then((homes) => {
      for (const [sym, names] of definitions)
        for (const key of names) {
          const home = homes.has(sym) ? copies.get(key)!.get(homes.get(sym)!) : undefined;
          if (home !== undefined) out.set(key, home);
        }
    }),
  ]);
  return out;
}

/**
 * Each token's home (workers/lib/nodes.ts storageShardIndex): its symbol's shard, or the one that shard names (a token
 * a contract created off it), asked in one readAll per symbols' shard; of those `held` only (the listing reads the
 * held shards: a symbol of another keeps its copy listed).
 */
async function tokenHomes(env: Env, syms: readonly string[], held: readonly number[]): Promise<Map<string, number>> {
  const count = shardCount(env);
  const at = (sym: string) => tokenShard(sym, count) ?? CONSENSUS_SHARD;
  const by = new Map<number, string[]>();
  for (const sym of syms.filter((s) => held.includes(at(s)))) by.set(at(sym), [...(by.get(at(sym)) ?? []), sym]);
  const homes = new Map<string, number>();
  await Promise.all(
    [...by].flatMap(([s, all]) =>
      chunks(all, MAX_READS).map(async (part) => {
        const reads = await shard(env, s).readAll(
          "getTokenHome",
          part.map((sym) => [sym] as [string]),
        );
        for (const [i, r] of reads.entries()) homes.set(part[i], (unwrap(r) as number | null) ?? s);
      }),
    ),
  );
  return homes;
}

/** A field index as listContractStorage shows it; one left empty keeps the copy a shard listed. */
function setFields(out: Map<string, string>, key: string, fields: string[]): void {
  if (fields.length > 0) out.set(key, JSON.stringify(fields));
}

/** The fields of an index as a shard's listing shows it (absent, or emptied: none). */
function shownFields(shown: string | undefined): string[] {
  const fields: unknown = shown === undefined ? [] : JSON.parse(shown);
  return Array.isArray(fields) ? (fields as string[]) : [];
}

const chunks = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/** The StorageType enum as the gateway takes it: its name or its number. */
function storageType(v: unknown): "KV" | "MAP" {
  if (v === undefined || v === null || v === "KV" || v === 0) return "KV";
  if (v === "MAP" || v === 1) return "MAP";
  throw new RpcFailure(`invalid value for enum type: ${JSON.stringify(v)}`);
}

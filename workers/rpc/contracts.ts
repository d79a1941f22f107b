/**
 * Contracts and their storage: /getContract, POST /getContractStorage,
 * /getContractStorageFields, /getBatchContractStorage (first 50 key/field pairs,
 * as go-iost). Contract state is read on shard 0 (system contracts; with one
 * shard, everything).
 */
import { Hono } from "hono";
import type { Json } from "../../durable-objects/api";
import type { AppEnv } from "../env";
import { notImplemented, RpcFailure, unwrap } from "../lib/errors";
import { shard } from "../lib/nodes";
import { boolField, field, parseBoolParam, parseJsonBody, stringField } from "../lib/params";

export const contractRoutes = new Hono<AppEnv>();

const BATCH_LIMIT = 50;

contractRoutes.get("/getContract/:id/:by_longest_chain", async (c) => {
  const longest = parseBoolParam("by_longest_chain", c.req.param("by_longest_chain"));
  return c.json(unwrap(await shard(c.env, 0).getContract(c.req.param("id"), longest)));
});

contractRoutes.post("/getContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  const answer = await shard(c.env, 0).getContractStorage(id, stringField(body, "key"), stringField(body, "field"), boolField(body, "by_longest_chain"));
  return c.json(unwrap(answer));
});

contractRoutes.post("/getContractStorageFields", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const answer = await shard(c.env, 0).getContractStorageFields(stringField(body, "id"), stringField(body, "key"), boolField(body, "by_longest_chain"));
  return c.json(unwrap(answer));
});

contractRoutes.post("/getBatchContractStorage", async (c) => {
  const body = parseJsonBody(await c.req.text());
  const id = stringField(body, "id");
  const longest = boolField(body, "by_longest_chain");
  const pairs = field(body, "key_fields") ?? [];
  if (!Array.isArray(pairs)) throw new RpcFailure("invalid value for repeated field key_fields");
  const s = shard(c.env, 0);
  const answers = await Promise.all(
    pairs.slice(0, BATCH_LIMIT).map((p) => {
      const kf = (typeof p === "object" && p !== null ? p : {}) as Record<string, unknown>;
      return s.getContractStorage(id, stringField(kf, "key"), stringField(kf, "field"), longest);
    }),
  );
  const views = answers.map((a) => unwrap(a) as Record<string, Json>);
  let blockHash: Json = "";
  let blockNumber: Json = "0";
  if (views.length > 0) {
    blockHash = views[0].block_hash ?? "";
    blockNumber = views[0].block_number ?? "0";
  }
  return c.json({ datas: views.map((v) => v.data ?? "null"), block_hash: blockHash, block_number: blockNumber });
});

contractRoutes.post("/listContractStorage", () =>
  notImplemented("listContractStorage (storage listing by prefix is not available on this node yet; use getContractStorageFields)"),
);

contractRoutes.get("/getContractVote/:id/:by_longest_chain", () =>
  notImplemented("getContractVote (vote.iost is not available on this node yet)"),
);

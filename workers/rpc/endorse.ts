/**
 * POST /p2p/endorse (issue #7, docs/FINALITY.md "Wiring"): peers' signed
 * endorsements → the coordinator's receiveEndorsement, which checks form,
 * producer list, duplicates and signature, counts and relays each.
 *
 * Body: one SignedEndorsement (answer `{"result": "counted"|"final", "final": N}`
 * or IOST's error envelope with the reason), or `{"endorsements": [...]}` with
 * at most 64 (what nodes send; answer `{"results": [<answer or {"error"}>, …]}`
 * in order). Mounted next to the other /p2p routes, which check X-Chain-Id.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_BATCH } from "../../durable-objects/finality";
import type { AppEnv } from "../env";
import { RpcFailure, unwrap } from "../lib/errors";
import { coordinator } from "../lib/nodes";

/** 64 endorsements of about 400 bytes each, with room to spare. */
export const MAX_ENDORSE_BODY_BYTES = 64 * 1024;

export const endorseRoutes = new Hono<AppEnv>();

endorseRoutes.post(
  "/p2p/endorse",
  bodyLimit({
    maxSize: MAX_ENDORSE_BODY_BYTES,
    onError: () => {
      throw new RpcFailure(`request body too large: the limit is ${MAX_ENDORSE_BODY_BYTES} bytes`);
    },
  }),
  async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (err) {
      throw new RpcFailure(`invalid request body: ${(err as Error).message}`);
    }
    const list = (body as { endorsements?: unknown } | null)?.endorsements;
    if (list === undefined) return c.json(unwrap(await coordinator(c.env).receiveEndorsement(body)));
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
      throw new RpcFailure(`invalid request body: "endorsements" must be a list of 1 to ${MAX_BATCH} endorsements`);
    }
    const results = [];
    for (const e of list) results.push(await coordinator(c.env).receiveEndorsement(e));
    return c.json({ results });
  },
);

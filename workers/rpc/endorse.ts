/**
 * POST /p2p/endorse (issue #7, docs/FINALITY.md "Wiring"): peers' signed
 * endorsements → the coordinator's receiveEndorsement, which checks form,
 * producer list, duplicates and signature, counts and relays each.
 *
 * Body: one SignedEndorsement (answer `{"result": "counted"|"final", "final": N}`
 * or IOST's error envelope with the reason), or `{"endorsements": [...]}` with
 * at most 64 (what nodes send; answer `{"results": [<answer or {"error"}>, …]}`
 * in order; the survivors of the edge's checks reach the coordinator in one call,
 * `receiveEndorsements`). Mounted next to the other /p2p routes, which check X-Chain-Id
 * and the per-source quota.
 *
 * The edge refuses before the coordinator hears of it (issue 12 item 7):
 * bad form, a producer outside the lists the coordinator knows (`p2pGate`),
 * a height at or below the final block or more than MAX_AHEAD above the
 * head, an endorsement this isolate already saw (no signature check, no
 * coordinator call), and a bad signature. So only new, valid endorsements of
 * listed producers reach the coordinator's queue.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { endorsementError, verifyEndorsement, type SignedEndorsement } from "../../src/consensus/endorse";
import type { Answer, EndorseResult, P2pGate } from "../../durable-objects/api";
import { MAX_AHEAD, MAX_BATCH } from "../../durable-objects/config";
import type { AppEnv } from "../env";
import { RpcFailure, unwrap } from "../lib/errors";
import { coordinator } from "../lib/nodes";
import { gateOf, origin } from "./p2p";

/** 64 endorsements of about 400 bytes each, with room to spare. */
export const MAX_ENDORSE_BODY_BYTES = 64 * 1024;
/** Endorsements (by signature) this isolate remembers having decided; the oldest go first. */
const SEEN_MAX = 8_192;

/** Signature → the refusal that stays true for the same bytes (null: it was taken). */
const seen = new Map<string, string | null>();

function remember(sig: string, refusal: string | null): void {
  seen.set(sig, refusal);
  if (seen.size > SEEN_MAX) seen.delete(seen.keys().next().value!);
}

/** The cheap refusals against the gate, or null. */
function gateError(e: SignedEndorsement, gate: P2pGate): string | null {
  if (!gate.keys.includes(e.producer)) return `producer ${e.producer} is not in the current, pending or irreversible witness list`;
  if (e.height <= gate.final) return `endorsement of height ${e.height} is not above the final height ${gate.final}`;
  if (e.height > gate.head + MAX_AHEAD) return `endorsement of height ${e.height} is too far above the head ${gate.head}`;
  return null;
}

/** The edge's checks of one endorsement: the endorsement for the coordinator, or the refusal. */
async function screen(gate: P2pGate, chainId: number, x: unknown): Promise<SignedEndorsement | { error: string }> {
  const bad = endorsementError(x);
  if (bad) return { error: bad };
  const e = x as SignedEndorsement;
  if (typeof e.sig !== "string" || e.sig === "" || e.sig.length > 200) return { error: "invalid endorsement sig" };
  const refused = gateError(e, gate);
  if (refused) return { error: refused };
  // The signature covers every field, so the same signature is the same endorsement.
  const prior = seen.get(e.sig);
  if (prior !== undefined) return { error: prior ?? `duplicate endorsement: producer ${e.producer} already endorsed block ${e.hash}` };
  if (!(await verifyEndorsement(chainId, e))) {
    const reason = `invalid endorsement signature of producer ${e.producer}`;
    remember(e.sig, reason);
    return { error: reason };
  }
  return e;
}

/** The coordinator's answer to `e`: taken, or a duplicate there, a later copy is one too. Other refusals (a block not yet known) may pass later. */
function settle(e: SignedEndorsement, r: Answer<EndorseResult>): Answer<EndorseResult> {
  if (!("error" in r) || r.error.startsWith("duplicate endorsement")) remember(e.sig, null);
  return r;
}

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
    const gate = await gateOf(c.env);
    const from = origin((n) => c.req.header(n));
    const list = (body as { endorsements?: unknown } | null)?.endorsements;
    if (list === undefined) {
      const e = await screen(gate, gate.chainId, body);
      return c.json(unwrap("error" in e ? e : settle(e, await coordinator(c.env).receiveEndorsement(e, from))));
    }
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
      throw new RpcFailure(`invalid request body: "endorsements" must be a list of 1 to ${MAX_BATCH} endorsements`);
    }
    // Two object calls however long the batch (the gate, then the survivors at once): within the Free plan's 50 subrequests.
    const screened = [];
    for (const e of list) screened.push(await screen(gate, gate.chainId, e));
    const passed = screened.filter((e): e is SignedEndorsement => !("error" in e));
    const answers = passed.length === 0 ? [] : await coordinator(c.env).receiveEndorsements(passed, from);
    if (answers.length !== passed.length) throw new RpcFailure(answers[0] && "error" in answers[0] ? answers[0].error : "endorsement batch refused");
    let i = 0;
    const results = screened.map((e) => ("error" in e ? e : settle(e, answers[i++])));
    return c.json({ results });
  },
);

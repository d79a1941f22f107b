/**
 * HTTP client to peer nodes (issue #7, docs/ARCHITECTURE.md "Between nodes"): their edge Workers'
 * /p2p routes (workers/rpc/p2p.ts). Every call has a short timeout and never
 * throws: a peer that is down, slow or answering garbage is simply not heard
 * from, so gossip never stalls production or sync for long.
 *
 * Used from the coordinator (push, status, ranges); only fetch(), no Durable
 * Object APIs. The edge forwards txs itself (workers/rpc/intake.ts).
 *
 * Gossip (`Gossip`): each block and endorsement goes to each peer at most
 * once, never back to the node it came from, nor to nodes its sender already
 * sent it to. A node names itself in pushes by a node id (X-Node-Id, also in
 * its /p2p/status, which is how peers map it to the URL they know it by) and
 * lists the node ids it knows to have the item (X-Gossip-To); in a full mesh
 * nobody relays at all. A peer that missed a push (a cut link, a stopped node)
 * is left out of X-Gossip-To, so the others relay to it meanwhile, and gets our
 * head again (chain-sync.ts `repushHead`) until a push of a block reaches it.
 */
import type { PeerBlock } from "../../src/block/wire";
import type { PeerStatus } from "../api";
import { MAX_BATCH, MAX_GOSSIP_TO, MAX_PEER_ANSWER_BYTES, MAX_RANGE, PUSH_TIMEOUT_MS } from "../config";
import { cappedText } from "../../src/net/peer-json";

/** Most items gossip remembers recipients of. */
const GOSSIP_ITEMS = 4_096;

/** The gossip headers of a push from node `self`, naming the nodes `to` known to have the item. */
export function gossipHeaders(self: string, to: readonly string[]): Record<string, string> {
  return { "X-Node-Id": self, "X-Gossip-To": to.join(",") };
}

/**
 * Which peer (URL) has which item (a block hash, an endorsement key): it sent
 * it to us, we sent it, or its sender sent it there too. Bounded (the
 * oldest items are forgotten first) and in memory: after a restart a peer may
 * get an item once more, and answers it is known.
 */
export class Gossip {
  private readonly has = new Map<string, Set<string>>();
  private readonly urls = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  /** Peers that missed a push: a failed push of anything adds one, only a block push that got through takes it out (`reached`). */
  private readonly down = new Set<string>();

  /** The producer keys each peer (URL) states in its /p2p/status: only an order of asking, never trusted. */
  private readonly keys = new Map<string, readonly string[]>();

  /** Peer `url` calls itself `nodeId` and states producer keys `keys` (its /p2p/status). */
  learn(url: string, nodeId: string | undefined, keys?: readonly string[]): void {
    this.keys.set(url, keys ?? []);
    if (nodeId === undefined || nodeId === "") return;
    this.urls.set(nodeId, url);
    this.ids.set(url, nodeId);
  }

  /** The producer keys peer `url` last stated (none heard: []). */
  keysOf(url: string): readonly string[] {
    return this.keys.get(url) ?? [];
  }

  private peersOf(item: string): Set<string> {
    let s = this.has.get(item);
    if (!s) {
      s = new Set();
      this.has.set(item, s);
      if (this.has.size > GOSSIP_ITEMS) this.has.delete(this.has.keys().next().value!);
    }
    return s;
  }

  /** Node `from` sent us `item` and also sent it to nodes `to`. */
  heard(item: string, from: string | undefined, to: readonly string[] = []): void {
    const s = this.peersOf(item);
    for (const id of from === undefined ? to : [from, ...to]) {
      const url = this.urls.get(id);
      if (url !== undefined) s.add(url);
    }
  }

  /** We fetched `item` from peer `url`. */
  heardFrom(item: string, url: string): void {
    this.peersOf(item).add(url);
  }

  /**
   * The peers `item` still has to go to (counted as having it from now on),
   * and the node ids to name in X-Gossip-To: every peer that has it now (its
   * sender, the others it went to, these targets), but not one whose last
   * push failed.
   */
  take(item: string, peers: readonly string[]): { targets: string[]; to: string[] } {
    const s = this.peersOf(item);
    const targets = peers.filter((p) => !s.has(p));
    for (const p of targets) s.add(p);
    const to = [...s]
      .filter((p) => !this.down.has(p))
      .map((p) => this.ids.get(p))
      .filter((x): x is string => x !== undefined);
    return { targets, to: to.slice(0, MAX_GOSSIP_TO) };
  }

  /** Peers that missed a push and no block push reached since, in `peers` order. */
  missed(peers: readonly string[]): string[] {
    return peers.filter((p) => this.down.has(p));
  }

  /**
   * How a push to `url` went. Only a block push reports `ok`: a peer that answered a push of endorsements
   * may still miss our blocks (cut off while they went out, healed before the endorsements), and it
   * must get our head again; a resting peer that was cut off sent nothing that failed, so it does not
   * know to ask (timing.test.ts "a node cut off").
   */
  reached(url: string, ok: boolean): void {
    if (ok) this.down.delete(url);
    else this.down.add(url);
  }
}

export const STATUS_TIMEOUT_MS = 1_500;
export const RANGE_TIMEOUT_MS = 10_000;

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ ok: boolean; status: number; json: unknown } | { error: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await cappedText(res, MAX_PEER_ANSWER_BYTES);
    if (text === null) return { error: `${url}: its answer is above ${MAX_PEER_ANSWER_BYTES} bytes` };
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: `${url}: HTTP ${res.status}, not JSON` };
    }
    return { ok: res.ok, status: res.status, json };
  } catch (err) {
    return { error: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function errorText(json: unknown): string {
  const m = (json as { message?: unknown } | null)?.message;
  return typeof m === "string" ? m : JSON.stringify(json);
}

/** POST a block to `peers` at once, from node `self` (gossip headers); waits at most `timeoutMs`; tells `gossip` who answered. */
export async function pushBlock(
  gossip: Gossip,
  peers: readonly string[],
  block: PeerBlock,
  self: string,
  to: readonly string[],
  timeoutMs = PUSH_TIMEOUT_MS,
): Promise<void> {
  const body = JSON.stringify(block);
  const headers = { "Content-Type": "application/json", ...gossipHeaders(self, to) };
  await Promise.all(
    peers.map(async (p) => {
      const r = await call(`${p}/p2p/block`, { method: "POST", headers, body }, timeoutMs);
      gossip.reached(p, !("error" in r) && r.status < 500); // a 400 is the peer refusing it: reached
    }),
  );
}

/** Most producer keys a peer's status may state (a node runs a few). */
const MAX_STATUS_KEYS = 16;

function isStatus(v: unknown): v is PeerStatus {
  const s = v as PeerStatus;
  return (
    typeof s === "object" &&
    s !== null &&
    (s.keys === undefined ||
      (Array.isArray(s.keys) && s.keys.length <= MAX_STATUS_KEYS && s.keys.every((k) => typeof k === "string" && /^[1-9A-HJ-NP-Za-km-z]{1,64}$/.test(k)))) &&
    Number.isSafeInteger(s.chain_id) &&
    Number.isSafeInteger(s.head) &&
    s.head >= 0 &&
    typeof s.head_hash === "string" &&
    typeof s.head_time === "string" &&
    /^[0-9]{1,19}$/.test(s.head_time) &&
    Number.isSafeInteger(s.lib) &&
    s.lib >= 0 &&
    typeof s.lib_hash === "string"
  );
}

/** GET /p2p/status of one peer, or null when it does not answer sensibly in time. */
export async function peerStatus(peer: string, timeoutMs = STATUS_TIMEOUT_MS): Promise<PeerStatus | null> {
  const r = await call(`${peer}/p2p/status`, { method: "GET" }, timeoutMs);
  return "error" in r || !r.ok || !isStatus(r.json) ? null : r.json;
}

/** GET /p2p/blocks?from&count: the peer's main-chain blocks from `from` (unparsed; the caller parses each), or why not. */
export async function fetchBlocks(peer: string, from: number, count: number, timeoutMs = RANGE_TIMEOUT_MS): Promise<{ blocks: unknown[] } | { error: string }> {
  const n = Math.max(1, Math.min(MAX_RANGE, count));
  const r = await call(`${peer}/p2p/blocks?from=${from}&count=${n}`, { method: "GET" }, timeoutMs);
  if ("error" in r) return r;
  if (!r.ok) return { error: `${peer}: ${errorText(r.json)}` };
  const blocks = (r.json as { blocks?: unknown })?.blocks;
  return Array.isArray(blocks) ? { blocks } : { error: `${peer}: /p2p/blocks answered no blocks array` };
}

/** GET /p2p/endorsements?from: the peer's signed endorsements of heights from `from` on (unchecked; the caller checks each), or why not. */
export async function fetchEndorsements(peer: string, from: number, timeoutMs = STATUS_TIMEOUT_MS): Promise<{ endorsements: unknown[] } | { error: string }> {
  const r = await call(`${peer}/p2p/endorsements?from=${from}`, { method: "GET" }, timeoutMs);
  if ("error" in r) return r;
  if (!r.ok) return { error: `${peer}: ${errorText(r.json)}` };
  const list = (r.json as { endorsements?: unknown })?.endorsements;
  return Array.isArray(list) && list.length <= MAX_BATCH
    ? { endorsements: list }
    : { error: `${peer}: /p2p/endorsements answered no list of at most ${MAX_BATCH}` };
}

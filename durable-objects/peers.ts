/**
 * HTTP client to peer nodes (issue #7, ARCHITECTURE §8): their edge Workers'
 * /p2p routes (workers/rpc/p2p.ts). Every call has a short timeout and never
 * throws: a peer that is down, slow or answering garbage is simply not heard
 * from, so gossip never stalls production or sync for long.
 *
 * Used from the coordinator (push, status, ranges) and the edge Worker (tx
 * forwarding); only fetch(), no Durable Object APIs.
 */
import { base64Encode } from "../src/codec/base64";
import type { PeerBlock } from "../src/block/wire";

/** GET /p2p/status. */
export interface PeerStatus {
  chain_id: number;
  head: number;
  head_hash: string;
  /** ns, decimal */
  head_time: string;
  lib: number;
  lib_hash: string;
}

/** Most blocks one GET /p2p/blocks returns. */
export const MAX_RANGE = 50;

export const PUSH_TIMEOUT_MS = 2_000;
export const STATUS_TIMEOUT_MS = 1_500;
export const RANGE_TIMEOUT_MS = 10_000;

/** Peer URLs from PEERS (comma-separated, trailing slashes dropped); as durable-objects/env.ts parses them. */
export function parsePeers(text: string | undefined): string[] {
  return (text ?? "").split(",").map((x) => x.trim().replace(/\/+$/, "")).filter((x) => x !== "");
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ ok: boolean; json: unknown } | { error: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: `${url}: HTTP ${res.status}, not JSON` };
    }
    return { ok: res.ok, json };
  } catch (err) {
    return { error: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function errorText(json: unknown): string {
  const m = (json as { message?: unknown } | null)?.message;
  return typeof m === "string" ? m : JSON.stringify(json);
}

/** POST a block to every peer at once; waits at most `timeoutMs`. */
export async function pushBlock(peers: readonly string[], block: PeerBlock, timeoutMs = PUSH_TIMEOUT_MS): Promise<void> {
  const body = JSON.stringify(block);
  await Promise.allSettled(peers.map((p) => call(`${p}/p2p/block`, { method: "POST", headers: { "Content-Type": "application/json" }, body }, timeoutMs)));
}

function isStatus(v: unknown): v is PeerStatus {
  const s = v as PeerStatus;
  return (
    typeof s === "object" && s !== null &&
    Number.isSafeInteger(s.chain_id) && Number.isSafeInteger(s.head) && s.head >= 0 &&
    typeof s.head_hash === "string" && typeof s.head_time === "string" && /^[0-9]{1,19}$/.test(s.head_time) &&
    Number.isSafeInteger(s.lib) && s.lib >= 0 && typeof s.lib_hash === "string"
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

/** POST a tx (full bytes) to every peer; best effort. */
export async function forwardTx(peers: readonly string[], fullBytes: Uint8Array, timeoutMs = PUSH_TIMEOUT_MS): Promise<void> {
  const body = JSON.stringify({ tx: base64Encode(fullBytes) });
  await Promise.allSettled(peers.map((p) => call(`${p}/p2p/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body }, timeoutMs)));
}

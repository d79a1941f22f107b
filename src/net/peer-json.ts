/**
 * A peer's JSON answer, bounded in time and bytes before anything parses it: a peer is a stranger,
 * and a body read whole (`res.json()`) lets it fill the reader's memory. What the coordinator's
 * checks by witness, holding and raw blocks (durable-objects/coordinator/witness-check.ts
 * `fetchPeerJson`), the edge's lookups through peers (workers/lib/peer-txs.ts) and its reads proven by
 * peers (workers/lib/peer-read.ts) fetch with.
 */

/** Reads at most `max` bytes of `res`'s body as text; null when it is longer. */
export async function cappedText(res: Response, max: number): Promise<string | null> {
  const declared = Number(res.headers.get("Content-Length") ?? "0");
  if (declared > max || res.body === null) {
    await res.body?.cancel();
    return declared > max ? null : "";
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * GET <peer><path> for chain `chainId` (POST of `post` when given), within `timeoutMs`, its body at
 * most `maxBytes` (`what` it is, for the error): the parsed JSON, or why not, naming the peer.
 */
export async function peerJson(
  peer: string,
  chainId: number,
  path: string,
  what: string,
  { post, timeoutMs, maxBytes }: { post?: string; timeoutMs: number; maxBytes: number },
): Promise<unknown> {
  try {
    const headers = { "X-Chain-Id": String(chainId), ...(post === undefined ? {} : { "Content-Type": "application/json" }) };
    const init = post === undefined ? { headers } : { method: "POST", headers, body: post };
    const res = await fetch(`${peer}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await cappedText(res, maxBytes);
    if (text === null) return { error: `${peer}: its ${what} is above ${maxBytes} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: `${peer}: HTTP ${res.status}, not JSON` };
    }
    if (!res.ok) {
      const m = (json as { message?: unknown } | null)?.message;
      return { error: `${peer}: ${typeof m === "string" ? m : `HTTP ${res.status}`}` };
    }
    return json;
  } catch (err) {
    return { error: `${peer}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The same run's ceilings (BENCHMARKS.md "Ceilings"), measured on the bench's running node, and the
 * table that sets each figure beside the ceiling it is bound by:
 *   - Ed25519 verifies/s and sha3 hashes/s inside the Worker (/dev/bench/verify, /dev/bench/sha3):
 *     /sendTx verifies a tx once and hashes it three times;
 *   - requests/s to a route that does nothing (the HTTP path: client, relay, workerd, routing), and
 *     its latency one at a time;
 *   - raw SQLite rows/s inside the shard's Durable Object (/dev/bench/rows): rows written in one
 *     transaction, rows read back by key.
 * On a shared machine every absolute figure moves with the load; the ratios within one run are
 * what compares across runs.
 */
import { percentile, pool, request, rpc } from "./lib";

export interface Ceilings {
  verifyPerSec: number;
  sha3PerSec: number;
  /** Requests/s to an unknown route with `concurrency` in flight. */
  barePerSec: number;
  /** One bare request at a time: latency p50 (ms) and the Worker's own ms per request (X-Worker-Ms, mean: bench/cpu.ts). */
  bareP50: number;
  bareWorkerMs: number;
  rowWritesPerSec: number;
  rowReadsPerSec: number;
}

/** A bench table row: a figure, the ceiling it is bound by, and the share of it reached. */
export interface Row {
  measure: string;
  value: string;
  ceiling: string;
  ratio: string;
}

export const int = (x: number): string => Math.round(x).toLocaleString("en-US");
export const ms = (x: number): string => `${x.toFixed(1)} ms`;

/** Share of a ceiling reached, as a percentage: `value / ceiling` for rates, `floor / value` for times (`lowerIsBetter`). */
export function ratio(value: number, ceiling: number, lowerIsBetter = false): string {
  const r = lowerIsBetter ? ceiling / value : value / ceiling;
  if (!Number.isFinite(r) || r < 0) return "—";
  return `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;
}

/** The tightest of several rate ceilings (the smallest), named. */
export function tightest(candidates: { name: string; perSec: number }[]): { name: string; perSec: number } {
  return candidates.reduce((a, b) => (b.perSec < a.perSec ? b : a));
}

/** Rows as a Markdown table (measure | value | ceiling it is bound by | ratio). */
export function table(rows: Row[]): string[] {
  return [
    "| measure | value | ceiling it is bound by (same run) | ratio |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.ceiling} | ${r.ratio} |`),
  ];
}

/** The ceilings' own rows: what they are, with nothing above them. */
export function ceilingRows(c: Ceilings): Row[] {
  const self = (measure: string, value: string): Row => ({ measure, value, ceiling: "(a ceiling)", ratio: "" });
  return [
    self("HTTP ceiling: requests/s to an unknown route (routing only)", `${int(c.barePerSec)} req/s`),
    self("HTTP floor: an unknown route one at a time, latency p50 (Worker's own time, mean)", `${ms(c.bareP50)} (${c.bareWorkerMs.toFixed(3)} ms)`),
    self("WebCrypto Ed25519 verify in the Worker", `${int(c.verifyPerSec)} /s`),
    self("sha3-256 of 256 bytes in the Worker", `${int(c.sha3PerSec)} /s`),
    self("SQLite rows written in one transaction / read by key, inside the shard object", `${int(c.rowWritesPerSec)} / ${int(c.rowReadsPerSec)} rows/s`),
  ];
}

/** Bare requests sent one at a time (their latency and X-Worker-Ms). */
const BARE_SERIAL = 1000;

/** The ceilings of the node at `url`, now. */
export async function measureCeilings(url: string, concurrency: number): Promise<Ceilings> {
  const floodCount = 3000;
  const floodStart = performance.now();
  // The floods' client, as /sendTx's (lib.ts `request`): the ratios compare the node's work, not two clients'.
  await pool(Array.from({ length: floodCount }), concurrency, async () => {
    await request(url, "/benchUnknownRoute");
  });
  const floodMs = performance.now() - floodStart;

  const times: number[] = [];
  let own = 0;
  for (let i = 0; i < BARE_SERIAL; i++) {
    const start = performance.now();
    const res = await fetch(`${url}/benchUnknownRoute`);
    await res.text();
    times.push(performance.now() - start);
    own += Number(res.headers.get("X-Worker-Ms"));
  }
  times.sort((a, b) => a - b);

  const verify = (await rpc(url, "/dev/bench/verify?n=5000")).json;
  const sha3 = (await rpc(url, "/dev/bench/sha3?n=50000")).json;
  // Best of three: the rate SQLite sustains here, less the moments the machine was busy elsewhere.
  let rows = { writes_per_second: 0, reads_per_second: 0 };
  for (let i = 0; i < 3; i++) {
    const r = await rpc(url, "/dev/bench/rows?n=20000");
    if (r.status !== 200) throw new Error(`/dev/bench/rows: ${JSON.stringify(r.json)}`);
    rows = {
      writes_per_second: Math.max(rows.writes_per_second, r.json.writes_per_second),
      reads_per_second: Math.max(rows.reads_per_second, r.json.reads_per_second),
    };
  }
  return {
    verifyPerSec: verify.per_second,
    sha3PerSec: sha3.per_second,
    barePerSec: (floodCount * 1000) / floodMs,
    bareP50: percentile(times, 50),
    bareWorkerMs: own / BARE_SERIAL,
    rowWritesPerSec: rows.writes_per_second,
    rowReadsPerSec: rows.reads_per_second,
  };
}

/** What a signed transfer's intake needs of each ceiling: a request, one verify, three sha3 hashes. */
export function intakeCeiling(c: Ceilings): { name: string; perSec: number } {
  return tightest([
    { name: "bare-route req/s", perSec: c.barePerSec },
    { name: "Ed25519 verifies/s", perSec: c.verifyPerSec },
    { name: "sha3/s ÷ 3", perSec: c.sha3PerSec / 3 },
  ]);
}

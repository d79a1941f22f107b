/**
 * The believability score of a producer (docs/POB.md): pure bigint arithmetic.
 *
 *   servi, missed   decayed counts of blocks produced / slots missed, in thousandths
 *                   of a block (×1000), each multiplied by 7/8 every round
 *   reliability‰  = 1000·(servi+1)/(servi+missed+1)
 *   bonus‰        = min(servi, cap)·200/cap
 *   score         = votes·reliability‰·(1000+bonus‰)/1e6       (votes in 1e-8 IOST)
 *
 * Every division truncates toward zero.
 */

/** Fixed-point scale of servi and missed: thousandths of a block. */
export const MILLI = 1000n;

export interface Record {
  /** Decayed blocks produced, ×1000. */
  servi: bigint;
  /** Decayed slots missed, ×1000. */
  missed: bigint;
}

/** One round: old values decay by 7/8 (truncated), this round's counts are added. */
export function decayRecord(r: Record, produced: bigint, missed: bigint): Record {
  return { servi: (r.servi * 7n) / 8n + produced * MILLI, missed: (r.missed * 7n) / 8n + missed * MILLI };
}

/** Reliability in ‰: 1000 with no misses, → 0 as misses dominate; +1 block so a newcomer starts at 1000. */
export function reliability(r: Record): bigint {
  return (1000n * (r.servi + MILLI)) / (r.servi + r.missed + MILLI);
}

/**
 * Contribution bonus in ‰ (0..200): full once servi reaches `cap` (×1000).
 * cap = the steady servi of a producer making its whole share every round:
 * 8·voteInterval/producerNumber blocks (the 7/8 decay's geometric sum is 8×).
 */
export function contribution(r: Record, cap: bigint): bigint {
  if (cap <= 0n) return 0n;
  const s = r.servi < cap ? r.servi : cap;
  return (s * 200n) / cap;
}

export function serviCap(voteInterval: number, producerNumber: number): bigint {
  const blocks = (8n * BigInt(voteInterval)) / BigInt(Math.max(1, producerNumber));
  return (blocks > 0n ? blocks : 1n) * MILLI;
}

/** The score: votes (1e-8 IOST units) weighted by reliability and contribution. */
export function score(votes: bigint, r: Record, cap: bigint): bigint {
  return (votes * reliability(r) * (1000n + contribution(r, cap))) / 1_000_000n;
}

export interface Candidate {
  pubkey: string;
  score: bigint;
}

/**
 * The next witness list from three tiers: `elected` (≥ minVote, online, not
 * dead), then `fill` (alive incumbents without enough votes), then `last`
 * (dead or offline incumbents, kept only when nobody else exists). Each tier
 * is ordered by score desc then pubkey asc; the result is cut to `n`.
 */
export function selectProducers(elected: Candidate[], fill: Candidate[], last: Candidate[], n: number): string[] {
  const ord = (a: Candidate, b: Candidate) => (a.score !== b.score ? (a.score > b.score ? -1 : 1) : a.pubkey < b.pubkey ? -1 : a.pubkey > b.pubkey ? 1 : 0);
  const out: string[] = [];
  for (const tier of [elected, fill, last]) for (const c of [...tier].sort(ord)) if (out.length < n && !out.includes(c.pubkey)) out.push(c.pubkey);
  return out;
}

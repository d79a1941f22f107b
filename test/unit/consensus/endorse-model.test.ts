/**
 * Model test of the endorsement finality rule (docs/FINALITY.md): n producers
 * take slots round-robin; up to f = ⌊(n−1)/3⌋ of them are byzantine (equivocate
 * blocks, endorse everything, lie about justify, send to whom they like);
 * messages are delayed at random, "dropped" (held until the network heals —
 * the partial-synchrony model: retransmission after GST) and cut by a
 * partition until GST. Honest nodes run the real decide() and FinalityTracker.
 *
 * Checked: no two honest nodes ever see conflicting final blocks and no tracker
 * ever meets a conflicting candidate; after GST, once the common branch has climbed
 * past the heights honest validators spent before it, every honest node endorses and
 * finalizes again within a bounded number of slots. Two weakened rules (one
 * certificate = final; no lock) are run through the same checker to show it does
 * find violations.
 */
import { test, expect } from "vitest";
import fc from "fast-check";
import { seededRandom as rng } from "../../../durable-objects/coordinator/jitter";
import {
  decide,
  FinalityTracker,
  initialVoteState,
  quorum,
  type BlockRef,
  type Endorsement,
  type VoteState,
  type Decision,
  type Proposal,
  type VoteView,
} from "../../../src/consensus/endorse";

const TICKS = 4; // ticks per slot; honest delivery after GST takes 1–2 ticks

interface Block {
  height: number;
  hash: string;
  parent: string;
  producer: string;
}

type Msg = { kind: "block"; b: Block } | { kind: "endorse"; e: Endorsement };

interface Params {
  n: number;
  byz: number[];
  seed: number;
  gst: number; // slot at which the network heals
  maxDelay: number; // ticks, before GST
  dropPct: number;
  partition: number[]; // group id per node before GST
  slots: number; // slots after GST
  pickAny: boolean; // honest validators endorse any valid block (true) or only their fork choice's branch
}

interface Variant {
  /** Replaces the honest voting rule (weakened variants). */
  decide?: (s: VoteState, producer: string, p: Proposal, v: VoteView) => Decision;
  /** Finality as the variant defines it, per node: final = certified. */
  oneQc?: boolean;
}

const GENESIS: BlockRef = { height: 0, hash: "G" };

interface Result {
  conflict: string | null;
  trackerConflicts: number;
  /** Stress actually applied: equivocations seen by honest trackers, heights with competing blocks. */
  equivocations: number;
  forkedHeights: number;
  finalAt: (node: number, slot: number) => number;
  finalAtTick: (node: number, tick: number) => number;
  made: Map<string, { height: number; tick: number }>;
  lastHeightAt: (node: number, slot: number) => number;
  /** Height of the node's fork-choice head at the end of a slot. */
  headAt: (node: number, slot: number) => number;
  honest: number[];
  end: number;
}

function simulate(p: Params, v: Variant = {}): Result {
  const rand = rng(p.seed);
  const names = Array.from({ length: p.n }, (_, i) => `p${i}`);
  const byz = new Set(p.byz);
  const honest = names.map((_, i) => i).filter((i) => !byz.has(i));
  const all = new Map<string, Block>(); // every block ever made, for the global conflict check
  const trackers = names.map(() => new FinalityTracker(GENESIS));
  const states: VoteState[] = names.map(() => initialVoteState(GENESIS));
  const pending = names.map(() => new Map<string, Block[]>()); // waiting for parent
  const arrived = names.map(() => new Map<string, number>());
  const known = names.map(() => new Map<string, Block>());
  const queue: { to: number; m: Msg }[][] = []; // by delivery tick
  const seen = names.map(() => new Set<string>()); // endorsements already relayed
  const finals: BlockRef[] = [];
  const finalLog = names.map(() => [] as number[]); // final height per slot
  const lastLog = names.map(() => [] as number[]);
  const headLog = names.map(() => [] as number[]);
  const tickLog = names.map(() => [] as number[]); // final height at the end of each tick
  const made = new Map<string, { height: number; tick: number }>();
  const end = p.gst + p.slots;
  const gstTick = p.gst * TICKS;

  const send = (from: number, to: number, m: Msg, t: number) => {
    let at: number;
    if (to === from) at = t;
    else if (byz.has(from))
      at = t + 1 + Math.floor(rand() * p.maxDelay); // the adversary owns the network
    else if (t >= gstTick) at = t + 1 + Math.floor(rand() * 2);
    else {
      const cut = p.partition[from] !== p.partition[to] || rand() * 100 < p.dropPct;
      at = cut ? gstTick + 1 + Math.floor(rand() * 2) : t + 1 + Math.floor(rand() * p.maxDelay);
    }
    (queue[at] ??= []).push({ to, m });
  };
  const broadcast = (from: number, m: Msg, t: number, subset?: number[]) => {
    for (const to of subset ?? names.map((_, i) => i)) send(from, to, m, t);
  };

  const ancestorOf = (a: string, b: string): boolean => {
    for (let h: string | undefined = b; h !== undefined; h = all.get(h)?.parent) if (h === a) return true;
    return false;
  };
  let conflict: string | null = null;
  const noteFinal = (r: BlockRef) => {
    if (conflict) return;
    for (const f of finals) {
      if (!ancestorOf(f.hash, r.hash) && !ancestorOf(r.hash, f.hash)) {
        conflict = `final ${f.hash}@${f.height} conflicts with ${r.hash}@${r.height}`;
        return;
      }
    }
    if (!finals.some((f) => f.hash === r.hash)) finals.push(r);
  };

  // Fork choice: the longest branch above the highest certified block.
  const head = (i: number): Block | BlockRef => {
    const tr = trackers[i];
    const hc = tr.highestCertified();
    let best: Block | BlockRef = hc;
    for (const b of known[i].values()) {
      if (b.height > best.height || (b.height === best.height && b.hash < best.hash && best.hash !== hc.hash)) {
        if (tr.extends(b.hash, hc.hash)) best = b;
      }
    }
    return best;
  };

  const accept = (i: number, b: Block, t: number) => {
    if (known[i].has(b.hash)) return;
    const tr = trackers[i];
    if (b.parent !== GENESIS.hash && !known[i].has(b.parent)) {
      const w = pending[i].get(b.parent) ?? [];
      w.push(b);
      pending[i].set(b.parent, w);
      return;
    }
    known[i].set(b.hash, b);
    arrived[i].set(b.hash, t);
    if (!byz.has(i))
      broadcast(
        i,
        { kind: "block", b },
        t,
        names.map((_, j) => j).filter((j) => j !== i && j !== Number(b.producer.slice(1))),
      );
    const r = tr.addBlock({ height: b.height, hash: b.hash, parent: b.parent, witnesses: names });
    if (r.ok && r.final) noteFinal(r.final);
    for (const c of pending[i].get(b.hash) ?? []) accept(i, c, t);
    pending[i].delete(b.hash);
    if (byz.has(i)) {
      // Byzantine: pass blocks on to whom it likes, endorse whatever arrives, claiming the parent as justify, to a random subset.
      const e: Endorsement = { height: b.height, hash: b.hash, parent: b.parent, justify: { height: b.height - 1, hash: b.parent }, producer: names[i] };
      broadcast(
        i,
        { kind: "endorse", e },
        t,
        names.map((_, j) => j).filter(() => rand() < 0.7),
      );
      broadcast(
        i,
        { kind: "block", b },
        t,
        names.map((_, j) => j).filter((j) => j !== i && rand() < 0.5),
      );
    }
  };

  const vote = v.decide ?? decide;
  const endorsed = names.map(() => new Set<string>());
  const tryEndorse = (i: number, t: number) => {
    const tr = trackers[i];
    // Candidates reach down to the last endorsed height: rule E1 is decide()'s job, not the model's.
    let chain: Block[];
    if (p.pickAny) {
      // Endorse whatever valid block comes, in arrival order: safety must not rest on the fork choice.
      chain = [...known[i].values()]
        .filter((x) => x.height >= states[i].lastHeight && !endorsed[i].has(x.hash))
        .sort((a, b) => arrived[i].get(a.hash)! - arrived[i].get(b.hash)! || a.height - b.height || (a.hash < b.hash ? -1 : 1));
    } else {
      chain = [];
      for (let x = known[i].get(head(i).hash); x && x.height >= states[i].lastHeight; x = known[i].get(x.parent))
        if (!endorsed[i].has(x.hash)) chain.unshift(x);
    }
    for (const x of chain) {
      // Wait a little for the parent's certificate, so this endorsement can finalize it.
      const parentCert = tr.certified(x.parent);
      if (!parentCert && arrived[i].get(x.hash)! + 2 > t) {
        if (p.pickAny) continue;
        return;
      }
      const d = vote(states[i], names[i], x, { ancestors: tr.ancestors(x.hash, 0), certified: tr.certifiedHashes() });
      if (!d.ok) continue;
      states[i] = d.state;
      endorsed[i].add(x.hash);
      broadcast(i, { kind: "endorse", e: d.endorsement }, t);
      if (!parentCert && !p.pickAny) return;
    }
  };

  const drain = (t: number) => {
    // Messages delivered now may send more at this same tick (to oneself); drain until quiet.
    for (let k = 0; k < (queue[t]?.length ?? 0); k++) {
      const { to, m } = queue[t][k];
      if (m.kind === "block") accept(to, m.b, t);
      else {
        const key = `${m.e.producer}|${m.e.hash}|${m.e.justify.hash}`;
        if (seen[to].has(key)) continue;
        seen[to].add(key);
        const r = trackers[to].addEndorsement(m.e);
        if (r.ok && r.final && !byz.has(to)) noteFinal(r.final);
        // Honest nodes gossip what they hear, so a byzantine subset-send reaches everyone eventually.
        if (r.ok && !byz.has(to))
          broadcast(
            to,
            m,
            t,
            names.map((_, j) => j).filter((j) => j !== to),
          );
      }
    }
    queue[t] = [];
  };

  let blockNo = 0;
  for (let t = 0; t < end * TICKS; t++) {
    if (t % TICKS === 0) {
      const slot = t / TICKS;
      const owner = slot % p.n;
      if (byz.has(owner)) {
        // Equivocate: 0–2 blocks on random known parents, each to a random subset.
        // Parents: the tips of the branches it knows (a branch's tip keeps it competitive) or its head.
        const parents = new Set([...known[owner].values()].map((x) => x.parent));
        const opts = [GENESIS as BlockRef, ...[...known[owner].values()].filter((x) => !parents.has(x.hash))];
        const k = Math.floor(rand() * 3);
        for (let j = 0; j < k; j++) {
          const par = rand() < 0.5 ? head(owner) : opts[Math.floor(rand() * opts.length)];
          const b: Block = { height: par.height + 1, hash: `b${blockNo++}`, parent: par.hash, producer: names[owner] };
          all.set(b.hash, b);
          broadcast(
            owner,
            { kind: "block", b },
            t,
            names.map((_, x) => x).filter(() => rand() < 0.7),
          );
        }
      } else {
        const par = head(owner);
        const b: Block = { height: par.height + 1, hash: `b${blockNo++}`, parent: par.hash, producer: names[owner] };
        all.set(b.hash, b);
        made.set(b.hash, { height: b.height, tick: t });
        broadcast(owner, { kind: "block", b }, t);
      }
    }
    drain(t);
    for (const i of honest) tryEndorse(i, t);
    drain(t); // one's own endorsements reach one's own tracker at once
    if (v.oneQc && t % TICKS === TICKS - 1) {
      for (const i of honest) for (const h of trackers[i].certifiedHashes()) if (all.has(h)) noteFinal({ height: all.get(h)!.height, hash: h });
    }
    for (const i of names.keys()) tickLog[i].push(trackers[i].final().height);
    if (t % TICKS === TICKS - 1) {
      for (const i of names.keys()) {
        finalLog[i].push(trackers[i].final().height);
        lastLog[i].push(states[i].lastHeight);
        headLog[i].push(head(i).height);
      }
    }
  }
  return {
    conflict,
    trackerConflicts: honest.reduce((s, i) => s + trackers[i].conflicts.length, 0),
    equivocations: honest.reduce((s, i) => s + trackers[i].equivocations.length, 0),
    forkedHeights: (() => {
      const c = new Map<number, number>();
      for (const b of all.values()) c.set(b.height, (c.get(b.height) ?? 0) + 1);
      return [...c.values()].filter((x) => x > 1).length;
    })(),
    finalAt: (i, slot) => finalLog[i][Math.min(slot, finalLog[i].length - 1)],
    finalAtTick: (i, tick) => tickLog[i][Math.min(tick, tickLog[i].length - 1)],
    made,
    lastHeightAt: (i, slot) => lastLog[i][Math.min(slot, lastLog[i].length - 1)],
    headAt: (i, slot) => headLog[i][Math.min(slot, headLog[i].length - 1)],
    honest,
    end,
  };
}

function params(n: number): fc.Arbitrary<Params> {
  const f = Math.floor((n - 1) / 3);
  return fc.record({
    n: fc.constant(n),
    byz: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: f }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    gst: fc.integer({ min: 0, max: 24 }),
    maxDelay: fc.integer({ min: 1, max: 3 * TICKS }),
    dropPct: fc.integer({ min: 0, max: 40 }),
    partition: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    slots: fc.constant(4 * n),
    pickAny: fc.boolean(),
  });
}

const stress = { runs: 0, equivocations: 0, forked: 0 };

/**
 * The height debt of GST (docs/FINALITY.md "Why it is live"): how far the highest
 * height an honest validator endorsed lies above the lowest honest fork-choice head,
 * the worst until every message sent before GST has arrived (the adversary's own
 * take up to maxDelay ticks). Those heights were spent on branches the fork choice
 * left (E1), so the common branch must be built past them before all endorse again.
 */
function heightDebt(r: Result, p: Params): number {
  let debt = 0;
  for (let slot = p.gst; slot <= p.gst + Math.ceil((p.maxDelay + 2) / TICKS); slot++) {
    const spent = Math.max(...r.honest.map((i) => r.lastHeightAt(i, slot)));
    const head = Math.min(...r.honest.map((i) => r.headAt(i, slot)));
    debt = Math.max(debt, spent - head);
  }
  return debt;
}

/** Slots the common branch needs to climb `debt` heights: a byzantine slot may add none. */
function climbSlots(p: Params, debt: number): number {
  return Math.ceil((debt * p.n) / (p.n - p.byz.length));
}

function checkSafeAndLive(p: Params): void {
  let r = simulate(p);
  // The run's prefix does not depend on its length, so a longer run replays it and goes on.
  const climb = climbSlots(p, heightDebt(r, p));
  if (climb > 0) r = simulate({ ...p, slots: p.slots + climb });
  stress.runs++;
  if (r.equivocations > 0) stress.equivocations++;
  if (r.forkedHeights > 0) stress.forked++;
  expect(r.conflict).toBeNull();
  expect(r.trackerConflicts).toBe(0);
  // Liveness: from GST + 2n slots (the forks of the bad period settled) plus the climb
  // past the heights spent before GST, within 2n more slots every honest node endorses
  // again and sees finality move.
  const from = p.gst + 2 * p.n + climb;
  expect(r.end).toBe(from + 2 * p.n);
  for (const i of r.honest) {
    expect(r.lastHeightAt(i, r.end - 1)).toBeGreaterThan(r.lastHeightAt(i, from));
    expect(r.finalAt(i, r.end - 1)).toBeGreaterThan(r.finalAt(i, from));
  }
}

test("model n=4, f≤1: no conflicting finals; after GST every honest node endorses and finalizes", () => {
  Object.assign(stress, { runs: 0, equivocations: 0, forked: 0 });
  fc.assert(fc.property(params(4), checkSafeAndLive), { numRuns: 150 });
  // Not vacuous: many runs really had byzantine double endorsements and forks.
  expect(stress.equivocations).toBeGreaterThan(stress.runs / 4);
  expect(stress.forked).toBeGreaterThan(stress.runs / 2);
});

test("model n=7, f≤2: no conflicting finals; after GST every honest node endorses and finalizes", () => {
  Object.assign(stress, { runs: 0, equivocations: 0, forked: 0 });
  fc.assert(fc.property(params(7), checkSafeAndLive), { numRuns: 60 });
  expect(stress.equivocations).toBeGreaterThan(stress.runs / 4);
  expect(stress.forked).toBeGreaterThan(stress.runs / 2);
});

/**
 * Found by CI (fast-check seed 839591807). Before GST, p1 and p3 endorsed up to height
 * 11 on a branch from byzantine b0 that never got a certificate; the endorsements that
 * certify b1 (height 1, another branch) were held back and arrive at GST. The fork choice
 * moves to b1's branch, and p1 and p3 refuse every block on it up to height 11 (E1):
 * nothing is certified until that branch reaches height 12, 10 heights later.
 */
test("a certificate arriving at GST on a short branch: honest validators wait for it to climb past the heights they spent", () => {
  const p: Params = { n: 4, byz: [0], seed: 1244894450, gst: 21, maxDelay: 8, dropPct: 8, partition: [1, 0, 1, 0], slots: 16, pickAny: false };
  const short = simulate(p);
  expect(short.conflict).toBeNull();
  expect(heightDebt(short, p)).toBe(10);
  for (const i of short.honest) expect(short.headAt(i, p.gst + 1)).toBe(1);
  // The debt stalls p1 and p3 for 13 slots, past GST + 2n, and finality past GST + 4n.
  for (const i of [1, 3]) for (let slot = p.gst; slot <= p.gst + 13; slot++) expect(short.lastHeightAt(i, slot)).toBe(11);
  for (const i of short.honest) expect(short.finalAt(i, short.end - 1)).toBe(0);
  checkSafeAndLive(p);
});

/**
 * Found by a soak run (seed 33) when the debt was taken at GST alone: the byzantine
 * p0's endorsement completing b1's certificate arrives a slot after GST, moving every
 * head from height 12 to 1. The debt counts until the adversary's messages are in.
 */
test("a certificate the adversary completes after GST moves the heads down as well", () => {
  const p: Params = { n: 4, byz: [0], seed: 1376968898, gst: 24, maxDelay: 8, dropPct: 3, partition: [0, 1, 0, 1], slots: 16, pickAny: false };
  const r = simulate(p);
  for (const i of r.honest) expect([r.headAt(i, p.gst), r.headAt(i, p.gst + 1)]).toEqual([12, 1]);
  expect(heightDebt(r, p)).toBe(11);
  checkSafeAndLive(p);
});

test("model, no faults, delays up to half a slot: every block is final within 2 block intervals", () => {
  for (const n of [4, 7]) {
    const r = simulate({ n, byz: [], seed: n, gst: 0, maxDelay: 1, dropPct: 0, partition: Array(n).fill(0), slots: 20, pickAny: false });
    expect(r.conflict).toBeNull();
    let checked = 0;
    for (const { height, tick } of r.made.values()) {
      if (tick + 2 * TICKS >= r.end * TICKS) continue;
      for (const i of r.honest) expect(r.finalAtTick(i, tick + 2 * TICKS)).toBeGreaterThanOrEqual(height);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(17);
  }
});

test("the checker finds conflicts when one certificate counts as final", () => {
  const out = fc.check(
    fc.property(params(4), (p) => simulate(p, { oneQc: true }).conflict === null),
    { numRuns: 400, seed: 7 },
  );
  expect(out.failed).toBe(true);
});

/**
 * Rule E2 dropped: random schedules rarely line up the attack, so it is scripted
 * here, with the real tracker as the checker. Producers p0–p2 honest, p3
 * byzantine; branch 1 = B, C; branch 2 = X1…X4, all from genesis. p0 and p1
 * finalize B (C endorsed with justify B); p2 only saw branch 2. Then p0 is shown
 * X3 (height 3 > its last endorsed height 2): with its lock it refuses, without
 * it it endorses, X3 gets p0 + p2 + p3 and X4 finalizes it: two conflicting finals.
 */
function lockAttack(vote: typeof decide): { tracker: FinalityTracker; refused: string[] } {
  const ws = ["p0", "p1", "p2", "p3"];
  const t = new FinalityTracker(GENESIS);
  const blocks = [
    { height: 1, hash: "B", parent: "G" },
    { height: 2, hash: "C", parent: "B" },
    { height: 1, hash: "X1", parent: "G" },
    { height: 2, hash: "X2", parent: "X1" },
    { height: 3, hash: "X3", parent: "X2" },
    { height: 4, hash: "X4", parent: "X3" },
  ];
  for (const b of blocks) expect(t.addBlock({ ...b, witnesses: ws }).ok).toBe(true);
  const byHash = new Map(blocks.map((b) => [b.hash, b]));
  const states = ws.map(() => initialVoteState(GENESIS));
  const refused: string[] = [];
  const honest = (i: number, hash: string) => {
    const d = vote(states[i], ws[i], byHash.get(hash)!, { ancestors: t.ancestors(hash, 0), certified: t.certifiedHashes() });
    if (!d.ok) return refused.push(`p${i} ${hash}: ${d.reason}`);
    states[i] = d.state;
    expect(t.addEndorsement(d.endorsement).ok).toBe(true);
  };
  const byzantine = (hash: string, justify: BlockRef) => {
    const b = byHash.get(hash)!;
    expect(t.addEndorsement({ height: b.height, hash, parent: b.parent, justify, producer: "p3" }).ok).toBe(true);
  };
  honest(2, "X1"), byzantine("X1", GENESIS);
  honest(0, "B"), honest(1, "B"), byzantine("B", GENESIS);
  honest(0, "C"), honest(1, "C"), byzantine("C", { height: 1, hash: "B" });
  expect(t.final()).toEqual({ height: 1, hash: "B" });
  honest(2, "X2"), byzantine("X2", GENESIS);
  honest(0, "X3"), honest(2, "X3"), byzantine("X3", GENESIS);
  honest(0, "X4"), honest(2, "X4"), byzantine("X4", { height: 3, hash: "X3" });
  return { tracker: t, refused };
}

test("with the lock, the scripted attack fails: p0 refuses X3 and only B is final", () => {
  const { tracker, refused } = lockAttack(decide);
  expect(refused[0]).toMatch(/^p0 X3: block X3 neither extends lock B \(height 1\) nor a newer certified block$/);
  expect(tracker.certified("X3")).toBe(false);
  expect(tracker.final()).toEqual({ height: 1, hash: "B" });
  expect(tracker.conflicts).toEqual([]);
});

test("the checker finds conflicting finals when validators ignore their lock", () => {
  const noLock: typeof decide = (s, producer, p, v) =>
    decide({ lastHeight: s.lastHeight, lock: { height: 0, hash: GENESIS.hash } }, producer, p, { ...v, certified: [...v.certified, GENESIS.hash] });
  const { tracker, refused } = lockAttack(noLock);
  expect(refused).toEqual([]);
  expect(tracker.certified("X3")).toBe(true);
  // X3 met the final rule while B is final: the tracker refuses to revert and reports it.
  expect(tracker.conflicts).toEqual([{ height: 3, hash: "X3" }]);
  expect(tracker.final()).toEqual({ height: 1, hash: "B" });
});

test("quorum intersections used by the proof hold: 2q − n ≥ f + 1", () => {
  for (let n = 1; n <= 101; n++) expect(2 * quorum(n) - n).toBeGreaterThanOrEqual(Math.floor((n - 1) / 3) + 1);
});

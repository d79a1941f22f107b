/**
 * Fast finality by signed endorsements (docs/FINALITY.md has the rule and its
 * safety proof). Pure: no clock, no I/O; every value here is plain JSON so the
 * Validator and Coordinator Durable Objects can store and gossip it as is.
 *
 * In one line: a producer endorses at most one block per height, naming with
 * each endorsement the highest certified ancestor it relied on (`justify`); it
 * never relies on a certificate lower than the highest one it relied on before
 * (its lock). A block B is final once ⌊2n/3⌋+1 producers of its list endorsed
 * a child of B with justify = B (HotStuff's two-chain, heights as rounds).
 */
import { base64Decode, base64Encode } from "../codec/base64.js";
import { base58Decode, base58Encode } from "../codec/base58.js";
import { SimpleEncoder } from "../codec/encoder.js";
import { ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519VerifySync } from "../crypto/ed25519.js";
import { utf8 } from "../crypto/sha3.js";

/** Domain tag: endorsement bytes can never be mistaken for a tx or a block header. */
export const ENDORSE_DOMAIN = "iost-edge/endorse/v1";

/** Endorsements needed from a list of n producers: more than two thirds, IOST's ⌊2n/3⌋+1. */
export function quorum(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`endorse: invalid witness count ${n}`);
  return Math.floor((2 * n) / 3) + 1;
}

/** A block as finality needs it: number and base58 hash. */
export interface BlockRef {
  height: number;
  hash: string;
}

/** What a producer signs. */
export interface Endorsement {
  height: number;
  /** base58 hash of the endorsed block. */
  hash: string;
  /** base58 hash of its parent (lets a tracker link a child to the block it finalizes). */
  parent: string;
  /** The highest certified ancestor the endorser relied on (docs/FINALITY.md, rule E2). */
  justify: BlockRef;
  /** base58 ed25519 pubkey of the producer (its witness key). */
  producer: string;
}

export interface SignedEndorsement extends Endorsement {
  /** base64 ed25519 signature over endorsementBytes(chainId, e). */
  sig: string;
}

/** domain ‖ Int32(chainId) ‖ Int64(height) ‖ String(hash) ‖ String(parent) ‖ Int64(justify.height) ‖ String(justify.hash) ‖ String(producer) */
export function endorsementBytes(chainId: number, e: Endorsement): Uint8Array {
  return new SimpleEncoder()
    .raw(utf8(ENDORSE_DOMAIN))
    .int32(chainId)
    .int64(BigInt(e.height))
    .string(e.hash)
    .string(e.parent)
    .int64(BigInt(e.justify.height))
    .string(e.justify.hash)
    .string(e.producer)
    .finish();
}

/** Why an endorsement is malformed, or null. Checked before any signature work. */
export function endorsementError(e: unknown): string | null {
  if (typeof e !== "object" || e === null) return "endorsement is not an object";
  const x = e as Record<string, unknown>;
  const j = x.justify as Record<string, unknown> | null | undefined;
  const height = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!height(x.height) || (x.height as number) < 1) return `invalid endorsement height ${String(x.height)}`;
  for (const k of ["hash", "parent", "producer"] as const) {
    if (typeof x[k] !== "string" || x[k] === "") return `invalid endorsement ${k}`;
  }
  if (typeof j !== "object" || j === null || !height(j.height) || typeof j.hash !== "string" || j.hash === "") {
    return "invalid endorsement justify";
  }
  if ((j.height as number) >= (x.height as number)) {
    return `endorsement justify height ${String(j.height)} is not below the block's ${String(x.height)}`;
  }
  if ((j.height as number) === (x.height as number) - 1 && j.hash !== x.parent) {
    return "endorsement justify at the parent's height is not the parent";
  }
  return null;
}

/** An endorsement's own fields, nothing else a sender attached: what is signed and what is stored. */
export function endorsementFields(e: Endorsement): Endorsement {
  return { height: e.height, hash: e.hash, parent: e.parent, justify: { height: e.justify.height, hash: e.justify.hash }, producer: e.producer };
}

/** Signs as the producer whose secret (64-byte IOST layout or 32-byte seed) is given; `e.producer` must be its key. */
export function signEndorsement(chainId: number, e: Endorsement, secret: Uint8Array): SignedEndorsement {
  const bad = endorsementError(e);
  if (bad) throw new Error(bad);
  if (base58Encode(ed25519PublicKey(secret)) !== e.producer) throw new Error(`endorse: secret does not belong to producer ${e.producer}`);
  const unsigned = endorsementFields(e);
  return { ...unsigned, sig: base64Encode(ed25519Sign(secret, endorsementBytes(chainId, unsigned))) };
}

function verifyParts(e: SignedEndorsement): { pubkey: Uint8Array; sig: Uint8Array } | null {
  if (endorsementError(e) !== null || typeof e.sig !== "string") return null;
  try {
    return { pubkey: base58Decode(e.producer), sig: base64Decode(e.sig) };
  } catch {
    return null;
  }
}

/** Well-formed and signed by `e.producer` for this chain. (Membership in the block's list is the tracker's check.) */
export async function verifyEndorsement(chainId: number, e: SignedEndorsement): Promise<boolean> {
  const p = verifyParts(e);
  return p !== null && ed25519Verify(p.pubkey, endorsementBytes(chainId, e), p.sig);
}

export function verifyEndorsementSync(chainId: number, e: SignedEndorsement): boolean {
  const p = verifyParts(e);
  return p !== null && ed25519VerifySync(p.pubkey, endorsementBytes(chainId, e), p.sig);
}

// ---------------------------------------------------------------------------
// The voting rule (one per producer; the Validator DO persists VoteState).

/** A validator's persisted voting memory. Start: `initialVoteState(genesis)`. */
export interface VoteState {
  /** Highest height endorsed (rule E1: never again at or below it). */
  lastHeight: number;
  /** Highest justify ever used (rule E2: never rely on a lower certificate). Always a certified block. */
  lock: BlockRef;
}

export function initialVoteState(genesis: BlockRef): VoteState {
  return { lastHeight: genesis.height, lock: { height: genesis.height, hash: genesis.hash } };
}

/** The block to endorse (already fully validated by the caller: schedule, signature, chunks). */
export interface Proposal {
  height: number;
  hash: string;
  parent: string;
}

/** What the caller knows about the proposal's branch. */
export interface VoteView {
  /** The proposal's ancestors, parent first, consecutive heights, at least down to the lock's height (or to genesis). */
  ancestors: readonly BlockRef[];
  /** Hashes of blocks whose quorum certificate the caller holds (FinalityTracker.certified). */
  certified: readonly string[];
}

/** A refusal; `endorsed`: the height already endorsed, when that is why (E1), for a caller to stop asking below it. */
export type Decision = { ok: true; state: VoteState; endorsement: Endorsement } | { ok: false; reason: string; endorsed?: number };

/**
 * Rules E1 (one endorsement per height, heights rising) and E2 (justify =
 * highest certified ancestor, at least as high as the lock). The returned state
 * must be persisted before the endorsement leaves the validator.
 */
export function decide(state: VoteState, producer: string, p: Proposal, view: VoteView): Decision {
  if (!Number.isSafeInteger(p.height) || p.height < 1) return { ok: false, reason: `invalid block height ${p.height}` };
  if (p.height <= state.lastHeight) {
    return { ok: false, reason: `already endorsed height ${state.lastHeight}, block ${p.hash} is at ${p.height}`, endorsed: state.lastHeight };
  }
  const a = view.ancestors;
  if (a.length === 0 || a[0].hash !== p.parent) return { ok: false, reason: `ancestors of ${p.hash} do not start at its parent ${p.parent}` };
  for (let i = 0; i < a.length; i++) {
    if (a[i].height !== p.height - 1 - i) return { ok: false, reason: `ancestor ${a[i].hash} is at height ${a[i].height}, expected ${p.height - 1 - i}` };
  }
  const certified = new Set(view.certified);
  // The lock's certificate was known when it was locked; it stays usable.
  certified.add(state.lock.hash);
  let justify: BlockRef | null = null;
  for (const b of a) {
    if (b.height < state.lock.height) break;
    if (certified.has(b.hash)) {
      justify = b;
      break;
    }
  }
  if (justify === null) {
    return { ok: false, reason: `block ${p.hash} neither extends lock ${state.lock.hash} (height ${state.lock.height}) nor a newer certified block` };
  }
  return {
    ok: true,
    state: { lastHeight: p.height, lock: justify.height > state.lock.height ? { height: justify.height, hash: justify.hash } : state.lock },
    endorsement: { height: p.height, hash: p.hash, parent: p.parent, justify: { height: justify.height, hash: justify.hash }, producer },
  };
}

// ---------------------------------------------------------------------------
// Counting: which blocks are certified, which is final.

/** A block the tracker counts for: `witnesses` is the list that scheduled it (its endorsers). */
export interface TrackedBlock {
  height: number;
  hash: string;
  parent: string;
  witnesses: readonly string[];
}

/** Two producers' signatures on different blocks of one height: proof of a faulty producer. */
export interface Equivocation {
  producer: string;
  a: Endorsement;
  b: Endorsement;
}

export interface TrackerJson {
  genesis: BlockRef;
  final: BlockRef;
  blocks: TrackedBlock[];
  endorsements: Endorsement[];
}

export type AddResult = { ok: true; final: BlockRef | null } | { ok: false; reason: string };

/**
 * One node's view: the block tree above the final block and the endorsements
 * it heard (signatures verified by the caller with verifyEndorsement). Finality
 * only moves forward: a candidate that conflicts with the current final block is
 * refused and reported in `conflicts` (it can only happen with ≥ n/3 faulty).
 */
export class FinalityTracker {
  private readonly genesis: BlockRef;
  private fin: BlockRef;
  private readonly blocks = new Map<string, TrackedBlock>();
  /** block hash → producer → endorsement (kept before the block arrives). */
  private readonly votes = new Map<string, Map<string, Endorsement>>();
  /** producer → height → first endorsement seen. */
  private readonly byHeight = new Map<string, Map<number, Endorsement>>();
  private readonly certs = new Set<string>();
  readonly equivocations: Equivocation[] = [];
  readonly conflicts: BlockRef[] = [];

  constructor(genesis: BlockRef) {
    this.genesis = { height: genesis.height, hash: genesis.hash };
    this.fin = this.genesis;
    this.certs.add(genesis.hash);
  }

  final(): BlockRef {
    return { ...this.fin };
  }

  certified(hash: string): boolean {
    return this.certs.has(hash);
  }

  /** Certified blocks known, hashes sorted (for VoteView.certified). */
  certifiedHashes(): string[] {
    return [...this.certs].sort();
  }

  block(hash: string): TrackedBlock | undefined {
    return this.blocks.get(hash);
  }

  /** The highest certified block on the branch of `hash` (itself included), or null when the branch is unknown below it. */
  highestCertifiedAncestor(hash: string): BlockRef | null {
    for (let h: string | undefined = hash; h !== undefined; ) {
      if (this.certs.has(h)) return h === this.genesis.hash ? { ...this.genesis } : this.ref(h);
      h = this.blocks.get(h)?.parent;
    }
    return null;
  }

  /** The highest certified block known (ties: smaller hash); the branch a producer should build on. */
  highestCertified(): BlockRef {
    let best = this.fin;
    for (const h of this.certs) {
      const b = this.blocks.get(h);
      if (b && (b.height > best.height || (b.height === best.height && b.hash < best.hash))) best = this.ref(h);
    }
    return { ...best };
  }

  /** `hash`'s ancestors, parent first, down to height `downTo` (for VoteView.ancestors); stops where the tree is unknown. */
  ancestors(hash: string, downTo: number): BlockRef[] {
    const out: BlockRef[] = [];
    let h = this.blocks.get(hash)?.parent;
    while (h !== undefined) {
      if (h === this.genesis.hash) {
        if (this.genesis.height >= downTo) out.push({ ...this.genesis });
        break;
      }
      const b = this.blocks.get(h);
      if (!b || b.height < downTo) break;
      out.push({ height: b.height, hash: b.hash });
      h = b.parent;
    }
    return out;
  }

  /** Is `a` equal to or an ancestor of `b`? (Both must be known, or `a` the final block.) */
  extends(b: string, a: string): boolean {
    const target = a === this.fin.hash ? this.fin : a === this.genesis.hash ? this.genesis : this.blocks.get(a);
    if (!target) return false;
    for (let h: string | undefined = b; h !== undefined; ) {
      if (h === a) return true;
      const x = this.blocks.get(h);
      if (!x || x.height <= target.height) return false;
      h = x.parent;
    }
    return false;
  }

  addBlock(b: TrackedBlock): AddResult {
    if (!Number.isSafeInteger(b.height) || b.height < 1) return { ok: false, reason: `invalid block height ${b.height}` };
    if (b.witnesses.length === 0) return { ok: false, reason: `block ${b.hash} has an empty witness list` };
    if (b.height <= this.fin.height) return { ok: false, reason: `block ${b.hash} at ${b.height} is not above the final height ${this.fin.height}` };
    const known = this.blocks.get(b.hash);
    if (known)
      return known.parent === b.parent && known.height === b.height
        ? { ok: true, final: null }
        : { ok: false, reason: `block ${b.hash} already known with another parent` };
    const parentHeight = b.parent === this.fin.hash ? this.fin.height : this.blocks.get(b.parent)?.height;
    if (parentHeight === undefined) return { ok: false, reason: `parent ${b.parent} of block ${b.hash} is unknown` };
    if (parentHeight !== b.height - 1) return { ok: false, reason: `block ${b.hash} at ${b.height} does not follow its parent at ${parentHeight}` };
    this.blocks.set(b.hash, { height: b.height, hash: b.hash, parent: b.parent, witnesses: [...b.witnesses] });
    return { ok: true, final: this.recount(b.hash) };
  }

  /** Adds a signature-checked endorsement; it waits if its block is still unknown. */
  addEndorsement(e: Endorsement): AddResult {
    const bad = endorsementError(e);
    if (bad) return { ok: false, reason: bad };
    if (e.height <= this.fin.height) return { ok: false, reason: `endorsement of height ${e.height} is not above the final height ${this.fin.height}` };
    const b = this.blocks.get(e.hash);
    if (b && (b.parent !== e.parent || b.height !== e.height)) return { ok: false, reason: `endorsement does not match block ${e.hash}` };
    if (b && !b.witnesses.includes(e.producer)) return { ok: false, reason: `producer ${e.producer} is not in the witness list of block ${e.hash}` };
    let mine = this.byHeight.get(e.producer);
    if (!mine) this.byHeight.set(e.producer, (mine = new Map()));
    const first = mine.get(e.height);
    if (first && (first.hash !== e.hash || first.justify.hash !== e.justify.hash)) this.equivocations.push({ producer: e.producer, a: first, b: e });
    if (!first) mine.set(e.height, e);
    let votes = this.votes.get(e.hash);
    if (!votes) this.votes.set(e.hash, (votes = new Map()));
    // A producer's first endorsement of a block counts; a second one (another justify) only
    // replaces it when it names the parent, the one that can finalize.
    const prev = votes.get(e.producer);
    if (prev && (prev.justify.hash === e.parent || e.justify.hash !== e.parent)) return { ok: true, final: null };
    votes.set(e.producer, { height: e.height, hash: e.hash, parent: e.parent, justify: { ...e.justify }, producer: e.producer });
    return { ok: true, final: b ? this.recount(e.hash) : null };
  }

  /** Endorsements of `hash` from its witness list, sorted by producer: its quorum certificate once quorum(n) are there. */
  endorsementsOf(hash: string): Endorsement[] {
    const b = this.blocks.get(hash);
    const votes = this.votes.get(hash);
    if (!b || !votes) return [];
    return [...votes.values()]
      .filter((e) => e.parent === b.parent && e.height === b.height && b.witnesses.includes(e.producer))
      .sort((x, y) => (x.producer < y.producer ? -1 : x.producer > y.producer ? 1 : 0));
  }

  /** Re-evaluates block `hash` and the children waiting for it; returns the new final block if it moved. */
  private recount(hash: string): BlockRef | null {
    const b = this.blocks.get(hash)!;
    const votes = this.endorsementsOf(hash);
    const q = quorum(new Set(b.witnesses).size);
    let moved: BlockRef | null = null;
    if (!this.certs.has(hash) && votes.length >= q) {
      this.certs.add(hash);
      // Children endorsed before this block's certificate was counted may now finalize it.
      for (const c of this.blocks.values()) if (c.parent === hash) moved = this.recount(c.hash) ?? moved;
    }
    // Two-chain: quorum on `hash` naming its parent as justify, the parent certified, both of one list.
    const parent = this.blocks.get(b.parent);
    if (parent && this.certs.has(parent.hash) && sameList(parent.witnesses, b.witnesses)) {
      const n = votes.filter((e) => e.justify.hash === b.parent).length;
      if (n >= q) moved = this.finalize(parent.hash) ?? moved;
    }
    return moved;
  }

  private finalize(hash: string): BlockRef | null {
    const b = this.blocks.get(hash)!;
    if (b.height <= this.fin.height) {
      if (!this.extends(this.fin.hash, hash)) this.conflicts.push(this.ref(hash));
      return null;
    }
    if (!this.extends(hash, this.fin.hash)) {
      this.conflicts.push(this.ref(hash));
      return null;
    }
    this.fin = this.ref(hash);
    return { ...this.fin };
  }

  private ref(hash: string): BlockRef {
    const b = this.blocks.get(hash)!;
    return { height: b.height, hash: b.hash };
  }

  /** Forgets blocks and endorsements at or below the final height except the final block itself. */
  prune(): void {
    for (const [h, b] of this.blocks) if (b.height < this.fin.height || (b.height === this.fin.height && h !== this.fin.hash)) this.drop(h);
    // Blocks that no longer link to the final block are off its branch for good.
    const keep = new Set<string>([this.fin.hash]);
    const byHeight = [...this.blocks.values()].sort((x, y) => x.height - y.height);
    for (const b of byHeight) if (b.hash === this.fin.hash || keep.has(b.parent)) keep.add(b.hash);
    for (const b of byHeight) if (!keep.has(b.hash)) this.drop(b.hash);
    for (const [h, e] of this.votes) if (!this.blocks.has(h) && [...e.values()][0].height <= this.fin.height) this.votes.delete(h);
    for (const m of this.byHeight.values()) for (const h of [...m.keys()]) if (h <= this.fin.height) m.delete(h);
  }

  private drop(hash: string): void {
    this.blocks.delete(hash);
    this.votes.delete(hash);
    if (hash !== this.fin.hash && hash !== this.genesis.hash) this.certs.delete(hash);
  }

  toJSON(): TrackerJson {
    const blocks = [...this.blocks.values()].sort((x, y) => x.height - y.height || (x.hash < y.hash ? -1 : 1));
    const endorsements: Endorsement[] = [];
    for (const h of [...this.votes.keys()].sort()) for (const p of [...this.votes.get(h)!.keys()].sort()) endorsements.push(this.votes.get(h)!.get(p)!);
    return { genesis: { ...this.genesis }, final: { ...this.fin }, blocks, endorsements };
  }

  /**
   * Rebuilds from toJSON() (the node's own persisted view): blocks, endorsements
   * and the final block as stored; certificates are recounted, not trusted.
   * Equivocation evidence is not persisted.
   */
  static fromJSON(j: TrackerJson): FinalityTracker {
    const t = new FinalityTracker(j.genesis);
    t.fin = { ...j.final };
    t.certs.add(j.final.hash);
    for (const b of j.blocks) t.blocks.set(b.hash, { height: b.height, hash: b.hash, parent: b.parent, witnesses: [...b.witnesses] });
    for (const e of j.endorsements) {
      let votes = t.votes.get(e.hash);
      if (!votes) t.votes.set(e.hash, (votes = new Map()));
      votes.set(e.producer, { ...e, justify: { ...e.justify } });
      let mine = t.byHeight.get(e.producer);
      if (!mine) t.byHeight.set(e.producer, (mine = new Map()));
      if (!mine.has(e.height)) mine.set(e.height, votes.get(e.producer)!);
    }
    for (const b of [...t.blocks.values()].sort((x, y) => x.height - y.height)) {
      if (t.endorsementsOf(b.hash).length >= quorum(new Set(b.witnesses).size)) t.certs.add(b.hash);
    }
    return t;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

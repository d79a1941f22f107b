/**
 * Endorsement finality inside the node (issue #7, docs/FINALITY.md "Wiring"):
 * the coordinator's FinalityTracker (src/consensus/endorse.ts), persisted in
 * its SQLite; the endorsements of the producer keys this node holds; intake of
 * peers' endorsements; gossip to peers (POST <peer>/p2p/endorse).
 *
 * Functions of a `FinalityHost` (what the coordinator lends), so coordinator.ts
 * keeps three hooks only: onNewHead, the LIB rule, receiveEndorsement (plus
 * the fork-choice views chain-sync borrows: trackSide, tracks, certifiedHeight).
 *
 * Storage (private tables, created here outside the drizzle migrations like
 * chain-sync's side_blocks; dev snapshots copy them as every data table):
 * - finality_blocks: the tracker's blocks above and at its final block, each
 *   with the list that scheduled it;
 * - finality_votes: the signed endorsements it counts or holds for a block
 *   still unknown (signature kept: evidence, and what a relay forwards);
 * - coordinator_meta `finality_root` (the tracker's genesis: block 0, or the
 *   LIB when the tracker first started on an older chain) and `finality_final`.
 *   The tracker is cached in memory and dropped (`forget`) when a write's
 *   transaction fails (its rows rolled back, the tracker did not) or a dev
 *   revert restores the tables: no generation row written per block.
 */
import {
  endorsementError,
  endorsementFields,
  FinalityTracker,
  verifyEndorsement,
  type BlockRef,
  type Endorsement,
  type SignedEndorsement,
  type TrackedBlock,
} from "../../src/consensus/endorse";
import type { Answer, EndorserApi, EndorseResult, FinalityStatus } from "../api";
import { MAX_AHEAD, MAX_BATCH, PUSH_TIMEOUT_MS } from "../config";
import { gossipHeaders, type Gossip } from "./peers";

/** A main-chain block as finality needs it. */
export interface HeadBlock {
  number: number;
  hash: string;
  parentHash: string;
}

/** What the coordinator lends the finality functions. */
export interface FinalityHost {
  /** For logs and the X-Peer header. */
  label(): string;
  readonly chainId: number;
  readonly sql: SqlStorage;
  readonly peers: readonly string[];
  /** Who has which endorsement (durable-objects/coordinator/peers.ts), and our id in it. */
  readonly gossip: Gossip;
  nodeId(): string;
  /** Pubkeys of the producer keys this node holds. */
  held(): ReadonlySet<string>;
  transactionSync<T>(run: () => T): T;
  mainBlock(n: number): HeadBlock | null;
  head(): number;
  lib(): number;
  /** The witness list that schedules main-chain block `height` (the one stored with its parent). */
  listFor(height: number): string[];
  endorser(pubkey: string): EndorserApi;
  /** Keeps a task (gossip) alive after the call that started it returns. */
  background(task: Promise<unknown>): void;
}

/** What taking in one endorsement did: counted, and the final block if it moved. */
type Intake = { moved: BlockRef | null; e: SignedEndorsement } | { error: string };

export class Finality {
  private cached: FinalityTracker | null = null;
  /** Conflicts already logged, so each alarm is logged once per block. */
  private readonly reported = new Set<string>();
  /** Final blocks found off the main chain (finalOnMain). */
  private readonly offMain = new Set<string>();
  /**
   * Per held key, the highest height its Validator said it endorsed (in memory): a head at or below it, a fork's block
   * taken after ours, is not asked for, as the Validator refuses a second endorsement of a height. A request saved each.
   */
  private readonly endorsed = new Map<string, number>();

  constructor(private readonly host: FinalityHost) {}

  // ---- storage -------------------------------------------------------------

  private meta(key: string): string | undefined {
    return this.host.sql.exec<{ value: string }>("SELECT value FROM coordinator_meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string): void {
    this.host.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** The tracker, loaded from SQLite when this instance has none or an outdated one. */
  tracker(): FinalityTracker {
    if (this.cached !== null) return this.cached;
    const sql = this.host.sql;
    let root = this.meta("finality_root");
    if (root === undefined) {
      // First use: start from IOST's LIB, final by the rule the chain had until now.
      const lib = this.host.lib();
      const b = this.host.mainBlock(lib);
      if (!b) throw new Error(`finality: no main block at LIB ${lib}`);
      root = JSON.stringify({ height: lib, hash: b.hash });
      this.setMeta("finality_root", root);
    }
    const genesis = JSON.parse(root) as BlockRef;
    const blocks = sql
      .exec<{ hash: string; height: number; parent: string; witnesses: string }>(
        "SELECT hash, height, parent, witnesses FROM finality_blocks ORDER BY height, hash",
      )
      .toArray()
      .map((r): TrackedBlock => ({ height: r.height, hash: r.hash, parent: r.parent, witnesses: JSON.parse(r.witnesses) as string[] }));
    const endorsements = sql
      .exec<{ json: string }>("SELECT json FROM finality_votes ORDER BY hash, producer")
      .toArray()
      .map((r) => JSON.parse(r.json) as Endorsement);
    const final = JSON.parse(this.meta("finality_final") ?? root) as BlockRef;
    this.cached = FinalityTracker.fromJSON({ genesis, final, blocks, endorsements });
    return this.cached;
  }

  /** The tables changed under the cached tracker (a dev revert): load it again when next needed. */
  forget(): void {
    this.cached = null;
  }

  /** `run` (which changes the cached tracker and its rows) in one transaction; a failure rolls the rows back and drops the tracker. */
  private write(run: () => void): void {
    try {
      this.host.transactionSync(run);
    } catch (err) {
      this.cached = null;
      throw err;
    }
  }

  /** After the final block moved: persist it, prune the tracker and drop the rows it forgot. */
  private saveFinal(t: FinalityTracker): void {
    t.prune();
    const j = t.toJSON();
    const sql = this.host.sql;
    this.setMeta("finality_final", JSON.stringify(j.final));
    const blocks = new Set(j.blocks.map((b) => b.hash));
    for (const r of sql.exec<{ hash: string }>("SELECT hash FROM finality_blocks").toArray()) {
      if (!blocks.has(r.hash)) sql.exec("DELETE FROM finality_blocks WHERE hash = ?", r.hash);
    }
    const votes = new Set(j.endorsements.map((e) => `${e.hash}/${e.producer}`));
    for (const r of sql.exec<{ hash: string; producer: string }>("SELECT hash, producer FROM finality_votes").toArray()) {
      if (!votes.has(`${r.hash}/${r.producer}`)) sql.exec("DELETE FROM finality_votes WHERE hash = ? AND producer = ?", r.hash, r.producer);
    }
  }

  // ---- blocks and own endorsements ---------------------------------------------

  /**
   * Tracks main-chain block `b` (and any ancestors the tracker missed, down to
   * its final block); the new final block if pending endorsements moved it.
   */
  private track(b: HeadBlock): BlockRef | null {
    const t = this.tracker();
    const fin = t.final().height;
    if (b.number <= fin || t.block(b.hash)) return null;
    const path: HeadBlock[] = [b];
    for (let n = b.number - 1, parent = b.parentHash; n > fin && !t.block(parent); n--) {
      const m = this.host.mainBlock(n);
      if (!m || m.hash !== parent) break;
      path.push(m);
      parent = m.parentHash;
    }
    const blocks = path.reverse().map((x) => ({ height: x.number, hash: x.hash, parent: x.parentHash, witnesses: this.host.listFor(x.number) }));
    return this.addAll(t, blocks, null, "block", (m) => console.error(m));
  }

  /**
   * Adds `blocks` (lowest first) to the tracker and its table in one
   * transaction, stopping at the first it refuses; the final block if it moved
   * (from `moved` on).
   */
  private addAll(t: FinalityTracker, blocks: readonly TrackedBlock[], moved: BlockRef | null, what: string, log: (m: string) => void): BlockRef | null {
    this.write(() => {
      for (const x of blocks) {
        const r = t.addBlock(x);
        if (!r.ok) {
          log(`finality ${this.host.label()}: ${what} ${x.height} ${x.hash} not tracked: ${r.reason}`);
          break;
        }
        this.host.sql.exec(
          "INSERT OR IGNORE INTO finality_blocks (hash, height, parent, witnesses) VALUES (?, ?, ?, ?)",
          x.hash,
          x.height,
          x.parent,
          JSON.stringify(x.witnesses),
        );
        moved = r.final ?? moved;
      }
      if (moved) this.saveFinal(t);
    });
    return moved;
  }

  /**
   * Side blocks (lowest first, each with the list that scheduled it) that
   * passed the header checks: tracked like main blocks, so peers' endorsements
   * can certify them and fork choice can prefer their branch
   * (chain-sync.ts). The main block the first one forks from is tracked
   * first if the tracker missed it. Returns the final block if it moved.
   * Never throws: a branch the tracker cannot link (below its final block) is
   * simply not tracked and loses every fork choice.
   */
  trackSide(path: readonly TrackedBlock[]): BlockRef | null {
    try {
      let t = this.tracker();
      const todo = path.filter((b) => b.height > t.final().height && !t.block(b.hash));
      if (todo.length === 0) return null;
      const m = this.host.mainBlock(todo[0].height - 1);
      const moved = m !== null && m.hash === todo[0].parent ? this.track(m) : null;
      t = this.tracker();
      return this.addAll(t, todo, moved, "side block", (msg) => console.warn(msg));
    } catch (err) {
      console.error(`finality ${this.host.label()}: tracking side blocks failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return null;
    }
  }

  finalHeight(): number {
    return this.tracker().final().height;
  }

  /** Whether the tracker holds block `hash` (or it is the final block). */
  tracks(hash: string): boolean {
    const t = this.tracker();
    return t.block(hash) !== undefined || t.final().hash === hash;
  }

  /** Height of the highest certified block `hash` descends from (itself included); -1 when not known to extend the final block. */
  certifiedHeight(hash: string): number {
    return this.tracker().highestCertifiedAncestor(hash)?.height ?? -1;
  }

  /**
   * The new head `b` (produced here or adopted from a peer): tracked, endorsed
   * by every held key in the list that scheduled it (each Validator applies its
   * voting rule), and those endorsements sent to the peers — only when `endorse`
   * (the node has caught up with its peers, chain-sync.ts `caughtUp`). Returns
   * the final block if it moved (the caller raises LIB). Never throws: finality
   * is advisory to production, which already stored the block.
   */
  async onNewHead(b: HeadBlock, endorse: boolean): Promise<BlockRef | null> {
    try {
      let moved = this.track(b);
      const t = this.tracker();
      if (!endorse || !t.block(b.hash)) return moved;
      const list = this.host.listFor(b.number);
      const voters = [...this.host.held()].filter((k) => list.includes(k) && (this.endorsed.get(k) ?? 0) < b.number).sort();
      if (voters.length === 0) return moved;
      const start = t.final();
      const view = { ancestors: t.ancestors(b.hash, start.height), certified: t.certifiedHashes() };
      const proposal = { height: b.number, hash: b.hash, parent: b.parentHash };
      const answers = await Promise.all(voters.map((k) => this.host.endorser(k).endorse(proposal, view, start)));
      const own: SignedEndorsement[] = [];
      for (const [i, a] of answers.entries()) {
        if ("error" in a) {
          if (a.endorsed !== undefined) this.endorsed.set(voters[i], a.endorsed);
          console.warn(`finality ${this.host.label()}: ${voters[i]} did not endorse block ${b.number} ${b.hash}: ${a.error}`);
          continue;
        }
        this.endorsed.set(voters[i], b.number);
        const r = await this.admit(a);
        if ("error" in r) console.error(`finality ${this.host.label()}: own endorsement of block ${b.number} refused: ${r.error}`);
        else {
          own.push(a);
          moved = r.moved ?? moved;
        }
      }
      this.send(own);
      return moved;
    } catch (err) {
      console.error(`finality ${this.host.label()}: endorsing block ${b.number} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return null;
    }
  }

  // ---- intake ----------------------------------------------------------------

  /** Checks and counts one signed endorsement (`check`, then `count`). */
  private async admit(x: unknown): Promise<Intake> {
    const e = await this.check(x);
    return "error" in e ? e : this.count(e);
  }

  /**
   * The checks that need no turn of the coordinator's queue: form, height
   * window, the producer's list, duplicates, then the signature (the only
   * costly one, reached only by a new endorsement of a listed producer).
   */
  async check(x: unknown): Promise<SignedEndorsement | { error: string }> {
    const bad = endorsementError(x);
    if (bad) return { error: bad };
    const e = x as SignedEndorsement;
    if (typeof e.sig !== "string" || e.sig === "") return { error: "invalid endorsement sig" };
    const pre = this.precheck(e);
    if (pre) return { error: pre };
    if (!(await verifyEndorsement(this.host.chainId, e))) return { error: `invalid endorsement signature of producer ${e.producer}` };
    return e;
  }

  /**
   * Counts endorsement `e`, whose signature `check` verified; on any refusal
   * the reason, and nothing stored. Synchronous, inside the queue's turn.
   */
  count(e: SignedEndorsement): Intake {
    // The tracker may have moved since `check`: look again before writing.
    const again = this.precheck(e);
    if (again) return { error: again };
    const t = this.tracker();
    const clean: SignedEndorsement = { ...endorsementFields(e), sig: e.sig };
    let out: Intake = { moved: null, e: clean };
    this.write(() => {
      const r = t.addEndorsement(clean);
      if (!r.ok) {
        out = { error: r.reason };
        return;
      }
      this.host.sql.exec(
        "INSERT INTO finality_votes (hash, producer, height, json) VALUES (?, ?, ?, ?) ON CONFLICT(hash, producer) DO UPDATE SET json = excluded.json",
        clean.hash,
        clean.producer,
        clean.height,
        JSON.stringify(clean),
      );
      if (r.final) this.saveFinal(t);
      out = { moved: r.final, e: clean };
    });
    return out;
  }

  /** The cheap refusals (see admit), or null. */
  private precheck(e: SignedEndorsement): string | null {
    const t = this.tracker();
    const fin = t.final().height;
    if (e.height <= fin) return `endorsement of height ${e.height} is not above the final height ${fin}`;
    const head = this.host.head();
    if (e.height > head + MAX_AHEAD) return `endorsement of height ${e.height} is too far above the head ${head}`;
    const b = t.block(e.hash);
    if (b) {
      if (b.height !== e.height || b.parent !== e.parent) return `endorsement does not match block ${e.hash}`;
      if (!b.witnesses.includes(e.producer)) return `producer ${e.producer} is not in the witness list of block ${e.hash}`;
    } else {
      // A block we do not have yet: only producers of the current or pending list, one block per height.
      const lists = [this.host.listFor(head), this.host.listFor(head + 1)];
      if (!lists.some((l) => l.includes(e.producer))) return `producer ${e.producer} is not in the current or pending witness list`;
      const other = this.host.sql
        .exec<{ hash: string }>("SELECT hash FROM finality_votes WHERE producer = ? AND height = ? AND hash <> ?", e.producer, e.height, e.hash)
        .toArray()[0];
      if (other) return `producer ${e.producer} already endorsed block ${other.hash} at height ${e.height}`;
    }
    const prior = this.host.sql.exec<{ json: string }>("SELECT json FROM finality_votes WHERE hash = ? AND producer = ?", e.hash, e.producer).toArray()[0];
    if (prior) {
      const p = JSON.parse(prior.json) as Endorsement;
      // A second endorsement of one block counts only when it names the parent and the first did not (the tracker's rule).
      if (p.justify.hash === e.justify.hash || p.justify.hash === p.parent || e.justify.hash !== e.parent) {
        return `duplicate endorsement: producer ${e.producer} already endorsed block ${e.hash}`;
      }
    }
    return null;
  }

  /**
   * A peer's endorsement (POST /p2p/endorse) that `check` passed: counted
   * and relayed to the peers that do not have it (gossip: not its sender,
   * nor those its sender also sent it to).
   */
  receive(e: SignedEndorsement, from?: string, to?: readonly string[]): Answer<EndorseResult & { moved: BlockRef | null; hash: string }> {
    this.host.gossip.heard(gossipKey(e), from, to);
    const r = this.count(e);
    if ("error" in r) return r;
    this.send([r.e]);
    const final = this.tracker().final().height;
    return { result: r.moved ? "final" : "counted", final, moved: r.moved, hash: r.e.hash };
  }

  /** Each endorsement to the peers that lack it, one POST per set of targets. Fire and forget: a slow or dead peer never holds up production. */
  private send(list: SignedEndorsement[]): void {
    if (list.length === 0 || this.host.peers.length === 0) return;
    const batches = new Map<string, { targets: string[]; to: string[]; list: SignedEndorsement[] }>();
    for (const e of list) {
      const { targets, to } = this.host.gossip.take(gossipKey(e), this.host.peers);
      if (targets.length === 0) continue;
      const key = targets.join(" ");
      const batch = batches.get(key) ?? { targets, to, list: [] };
      batch.list.push(e);
      batches.set(key, batch);
    }
    for (const b of batches.values()) {
      this.host.background(
        postEndorsements(b.targets, this.host.chainId, this.host.label(), b.list, gossipHeaders(this.host.nodeId(), b.to), this.host.gossip),
      );
    }
  }

  // ---- LIB and views -----------------------------------------------------------

  /** The signed endorsements held of heights ≥ `from`, lowest first, at most MAX_BATCH (GET /p2p/endorsements). */
  heldFrom(from: number): SignedEndorsement[] {
    return this.host.sql
      .exec<{ json: string }>("SELECT json FROM finality_votes WHERE height >= ? ORDER BY height, hash, producer LIMIT ?", from, MAX_BATCH)
      .toArray()
      .map((r) => JSON.parse(r.json) as SignedEndorsement);
  }

  /**
   * The endorsement-final height to combine with IOST's LIB: the tracker's
   * final block if it is on the main chain, else 0 and an alarm in the log
   * (a final block off our chain means more than a third of a list misbehaved,
   * or a fork choice that left a final branch; never a reason to revert).
   */
  finalOnMain(): number {
    const fin = this.tracker().final();
    const main = this.host.mainBlock(fin.height);
    if (main?.hash === fin.hash) return fin.height;
    if (main && !this.offMain.has(fin.hash)) {
      this.offMain.add(fin.hash);
      console.error(
        `finality ${this.host.label()}: ALARM endorsement-final block ${fin.height} ${fin.hash} is not on the main chain (${main.hash}); LIB follows IOST's rule only`,
      );
    }
    return 0;
  }

  status(): FinalityStatus {
    const t = this.tracker();
    const fin = t.final();
    for (const c of t.conflicts) {
      if (!this.reported.has(c.hash)) {
        this.reported.add(c.hash);
        console.error(`finality ${this.host.label()}: ALARM candidate final block ${c.height} ${c.hash} conflicts with final ${fin.height} ${fin.hash}`);
      }
    }
    return {
      final: fin.height,
      finalHash: fin.hash,
      certified: t.highestCertified().height,
      equivocations: t.equivocations.length,
      conflicts: t.conflicts.length + this.offMain.size,
    };
  }
}

/** An endorsement as gossip knows it: a second one of a block counts only with another justify. */
export const gossipKey = (e: Endorsement) => `${e.hash}/${e.producer}/${e.justify.hash}`;

/** POST endorsements to `peers`; waits at most PUSH_TIMEOUT_MS; never throws; tells `gossip` who missed them. */
export async function postEndorsements(
  peers: readonly string[],
  chainId: number,
  label: string,
  list: readonly SignedEndorsement[],
  headers: Record<string, string> = {},
  gossip?: Gossip,
): Promise<void> {
  const body = JSON.stringify({ endorsements: list });
  const all = { "Content-Type": "application/json", "X-Chain-Id": String(chainId), "X-Peer": label, ...headers };
  await Promise.all(
    peers.map(async (p) => {
      try {
        const res = await fetch(`${p}/p2p/endorse`, { method: "POST", headers: all, body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
        // The answer says nothing we use: dropped unread, whatever a peer sends.
        await res.body?.cancel();
        // A 400 is the peer refusing it: reached. An answer clears no missed block (Gossip.reached).
        if (res.status >= 500) gossip?.reached(p, false);
      } catch {
        gossip?.reached(p, false);
      }
    }),
  );
}

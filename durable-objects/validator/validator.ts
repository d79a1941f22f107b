/**
 * Validator Durable Object (docs/ARCHITECTURE.md "The Durable Objects"): one per producer key this node
 * holds, named by its base58 pubkey (`<chain>:<pubkey>` for a test chain, see
 * env.ts `validatorName`). It keeps the secret away from the coordinator's
 * logic: it loads its own key from env (PRODUCER_SECRET, or the public dev keys
 * when DEV is "true") by matching its name, and signs block hashes only as that
 * witness.
 *
 * Double-sign protection: what it signed is one SQLite row per height, written
 * in the same synchronous step as the signature is made, so no restart, retry
 * or second caller ever gets a signature for another hash at that height and
 * time (or an earlier time); only a later turn at that height replaces it (the
 * first block lost a fork race). The same hash again gets the stored signature
 * (idempotent retries). The rows are
 * bounded: every SIGNED_PRUNE heights, rows more than SIGNED_KEEP below the height
 * just signed are dropped at once (one range delete) and that height becomes the
 * floor (`signed_floor`), at or below which it signs nothing: the coordinator
 * builds only above LIB, so only a reorg more than SIGNED_KEEP heights deep
 * (34 minutes of blocks without finality) would ask for such a height.
 *
 * Endorsements (issue #7, docs/FINALITY.md): `endorse` applies the voting
 * rule (src/consensus/endorse.ts `decide`: one endorsement per height, never
 * against its lock) to its VoteState, kept with the last endorsement as one
 * coordinator_meta row (`vote`: one row written per endorsement). The new state is
 * written in the same synchronous step as the signature is made, so a restart
 * never endorses a height twice; the same block again gets the stored
 * endorsement.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../drizzle/migrations";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { ed25519PublicKey, ed25519Sign } from "../../src/crypto/ed25519";
import {
  decide,
  initialVoteState,
  signEndorsement,
  type BlockRef,
  type Proposal,
  type SignedEndorsement,
  type VoteState,
  type VoteView,
} from "../../src/consensus/endorse";
import type { Answer, EndorseRefusal, EndorserApi, MeterView, ValidatorApi } from "../api";
import { DEV_PRODUCER_SECRETS, nodeConfig, type NodeEnv } from "../env";
import { allOf, countEntries, meterObject } from "../meter";
import * as schema from "../schema";

/** Signed heights kept below the latest one, and how often the rows below are dropped. */
const SIGNED_KEEP = 4096;
const SIGNED_PRUNE = 256;

/** What `endorse` keeps: the voting rule's state and the endorsement it made last (retries get it again). */
interface Vote {
  state: VoteState;
  last: SignedEndorsement;
}

interface Key {
  secret: Uint8Array;
  pubkey: string;
}

/** The key among `secrets` whose pubkey is `pubkey`; invalid entries are skipped. */
function findKey(secrets: readonly string[], pubkey: string): Key | null {
  for (const text of secrets) {
    try {
      const secret = base58Decode(text);
      if (base58Encode(ed25519PublicKey(secret)) === pubkey) return { secret, pubkey };
    } catch {
      // not a valid ed25519 secret: the coordinator reports bad PRODUCER_SECRET entries
    }
  }
  return null;
}

/** Is `v` a {height, hash} with a safe non-negative height and a non-empty hash? */
function isRef(v: unknown): v is BlockRef {
  const r = v as BlockRef | null;
  return typeof r === "object" && r !== null && Number.isSafeInteger(r.height) && r.height >= 0 && typeof r.hash === "string" && r.hash !== "";
}

export class Validator extends DurableObject<NodeEnv> implements ValidatorApi, EndorserApi {
  private readonly sql: SqlStorage;
  private readonly dev: boolean;
  private readonly chainId: number;
  private key: Key | null = null;
  /** Heights at or below it are refused: their rows were pruned. */
  private floor = 0;

  private readonly cost = meterObject(this);

  constructor(ctx: DurableObjectState, env: NodeEnv) {
    super(ctx, env);
    ctx = this.ctx; // the counting storage (meter.ts), for every statement below
    this.sql = ctx.storage.sql;
    const config = nodeConfig(env);
    this.dev = config.dev;
    this.chainId = config.chainId;
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(drizzle(ctx.storage, { schema }), migrations);
      const known = this.sql.exec<{ v: string }>("SELECT value AS v FROM coordinator_meta WHERE key = 'name'").toArray()[0]?.v;
      if (known === undefined && ctx.id.name !== undefined) {
        this.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES ('name', ?)", ctx.id.name);
      }
      const name = known ?? ctx.id.name ?? "";
      this.floor = Number(this.metaValue("signed_floor") ?? "0");
      const pubkey = name.slice(name.lastIndexOf(":") + 1);
      // A dev node may sign as any public dev producer its coordinator asks for.
      const secrets = config.dev ? [...config.producerSecrets, ...DEV_PRODUCER_SECRETS] : config.producerSecrets;
      this.key = findKey(secrets, pubkey);
      if (this.key === null) console.error(`validator ${name}: no producer secret for pubkey ${pubkey}; signing nothing`);
    });
  }

  async pubkey(): Promise<string | null> {
    return this.key?.pubkey ?? null;
  }

  async signBlock(height: number, hash: string, witness: string, time: string): Promise<Answer<{ signature: string }>> {
    const key = this.key;
    if (key === null) return { error: "validator holds no producer key" };
    if (witness !== key.pubkey) return { error: `validator ${key.pubkey} does not sign for witness ${witness}` };
    if (!Number.isSafeInteger(height) || height < 1) return { error: `invalid block height ${String(height)}` };
    if (!/^[0-9]{1,20}$/.test(time)) return { error: `invalid block time ${JSON.stringify(time)}` };
    let digest: Uint8Array;
    try {
      digest = base58Decode(hash);
    } catch {
      return { error: `invalid block hash ${JSON.stringify(hash)}` };
    }
    if (digest.length !== 32) return { error: `invalid block hash ${JSON.stringify(hash)}: not 32 bytes` };
    if (height <= this.floor) return { error: `double sign refused: height ${height} is at or below ${this.floor}, whose signatures are no longer kept` };
    const prior = this.sql
      .exec<{ hash: string; time: string; signature: string }>("SELECT hash, time, signature FROM validator_signed WHERE height = ?", height)
      .toArray()[0];
    if (prior !== undefined) {
      if (prior.hash === hash) return { signature: prior.signature };
      // A later time is a later turn: the block signed before lost a fork race (its height is built
      // again on the chain that won), as a go-iost witness builds on the new head. Two blocks of one
      // turn stay refused; finality's safety rests on endorsements, one per height (`endorse`).
      if (BigInt(time) <= BigInt(prior.time)) return { error: `double sign refused: height ${height} already signed for block ${prior.hash}` };
    }
    // No await between the check and the insert: one caller at a time reaches this line.
    const signature = base58Encode(ed25519Sign(key.secret, digest));
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO validator_signed (height, hash, witness, time, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT(height) DO UPDATE SET hash = excluded.hash, time = excluded.time, signature = excluded.signature",
        height,
        hash,
        witness,
        time,
        signature,
      );
      if (height % SIGNED_PRUNE === 0 && height - SIGNED_KEEP > this.floor) {
        this.sql.exec("DELETE FROM validator_signed WHERE height <= ?", height - SIGNED_KEEP);
        this.putMeta("signed_floor", String(height - SIGNED_KEEP));
      }
    });
    if (height % SIGNED_PRUNE === 0) this.floor = Math.max(this.floor, height - SIGNED_KEEP);
    return { signature };
  }

  /** The hash signed at `height`, if any (tests, operators). */
  async signedAt(height: number): Promise<string | null> {
    return this.sql.exec<{ hash: string }>("SELECT hash FROM validator_signed WHERE height = ?", height).toArray()[0]?.hash ?? null;
  }

  private metaValue(key: string): string | undefined {
    return this.sql.exec<{ v: string }>("SELECT value AS v FROM coordinator_meta WHERE key = ?", key).toArray()[0]?.v;
  }

  private putMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  private vote(): Vote | null {
    const text = this.metaValue("vote");
    return text === undefined ? null : (JSON.parse(text) as Vote);
  }

  async voteState(): Promise<VoteState | null> {
    return this.vote()?.state ?? null;
  }

  async endorse(p: Proposal, view: VoteView, start: BlockRef): Promise<SignedEndorsement | EndorseRefusal> {
    const key = this.key;
    if (key === null) return { error: "validator holds no producer key" };
    if (typeof p !== "object" || p === null || typeof p.hash !== "string" || typeof p.parent !== "string") return { error: "invalid proposal" };
    if (typeof view !== "object" || view === null || !Array.isArray(view.ancestors) || !view.ancestors.every(isRef) || !Array.isArray(view.certified)) {
      return { error: "invalid vote view" };
    }
    const stored = this.vote();
    if (stored !== null && stored.last.hash === p.hash && stored.last.height === p.height) return stored.last; // a retry: the endorsement already made
    if (stored === null && !isRef(start)) return { error: "invalid start block" };
    const state = stored === null ? initialVoteState(start) : stored.state;
    const d = decide(state, key.pubkey, p, view);
    if (!d.ok) return d.endorsed === undefined ? { error: d.reason } : { error: d.reason, endorsed: d.endorsed };
    // No await between the decision, the write and the signature: one caller at a time, and the
    // state is committed before the answer leaves (output gate).
    const signed = signEndorsement(this.chainId, d.endorsement, key.secret);
    this.putMeta("vote", JSON.stringify({ state: d.state, last: signed }));
    return signed;
  }

  async meter(): Promise<MeterView> {
    return this.cost.view(`validator:${this.key?.pubkey ?? "none"}`);
  }

  /**
   * Dev revert only (/dev/revert): the chain went back to `height`, so heights
   * above it are built again with new hashes. Never available outside dev.
   * A vote state above it is dropped too: the next endorsement starts again from
   * the coordinator's (restored) final block.
   */
  async forgetAbove(height: number): Promise<boolean> {
    if (!this.dev) return false;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM validator_signed WHERE height > ?", height);
      if (height < this.floor) {
        this.floor = height;
        this.putMeta("signed_floor", String(height));
      }
      const vote = this.vote();
      if (vote !== null && vote.state.lastHeight > height) {
        this.sql.exec("DELETE FROM coordinator_meta WHERE key = 'vote'");
      }
    });
    return true;
  }
}

countEntries(Validator, allOf<ValidatorApi & EndorserApi>()(["pubkey", "signBlock", "signedAt", "voteState", "endorse", "forgetAbove"]));

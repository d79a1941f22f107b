/**
 * Endorsement finality wired into the node (issue #7, docs/FINALITY.md
 * "Wiring"), with four genesis producers (project workerd-rotation): held
 * Validators endorse every new head by their voting rule, the coordinator
 * counts them and peers' (POST /p2p/endorse), and LIB is the higher of IOST's
 * rule and the endorsement-final block.
 */
import { abortAllDurableObjects, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { EndorserApi, FinalityStatus } from "../../durable-objects/api";
import { nodeConfig, validatorName, validatorStub } from "../../durable-objects/env";
import type { StoredBlock } from "../../src/block/index";
import type { PeerBlock } from "../../src/block/wire";
import { base58Decode, base58Encode } from "../../src/codec/base58";
import { signEndorsement, type Endorsement, type SignedEndorsement } from "../../src/consensus/endorse";
import { ed25519PublicKey, ed25519SecretKey } from "../../src/crypto/ed25519";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { newChain, nodeEnv } from "./helpers";

const LIST = DEV_PRODUCERS.map((p) => p.pubkey).sort();
const CHAIN = nodeConfig(nodeEnv).chainId;
const secretOf = (pubkey: string) => base58Decode(DEV_PRODUCERS.find((p) => p.pubkey === pubkey)!.secret);

type Chain = ReturnType<typeof newChain>;
type Status = { head: number; lib: number; finality: FinalityStatus };
type Answer = { result: string; final: number } | { error: string };
interface Node {
  status(): Promise<Status>;
  storedBlock(n: number): Promise<StoredBlock | null>;
  mine(n: number): Promise<unknown>;
  receiveEndorsement(e: unknown): Promise<Answer>;
  receiveEndorsements(list: unknown[]): Promise<Answer[]>;
  getBlockByNumber(n: number): Promise<unknown>;
  chainInfo(): Promise<unknown>;
  peerBlocks(from: number, count: number): Promise<PeerBlock[]>;
  receiveBlock(json: unknown, from: string): Promise<{ result: string } | { error: string }>;
}
const node = (c: Chain): Node => c.coord as unknown as Node;
/** The coordinator's finality as a test reaches it: its host's Validator stubs, and a new head taken. */
type FinalityView = {
  host: { endorser(pubkey: string): EndorserApi };
  onNewHead(b: StoredBlock, endorse: boolean): Promise<unknown>;
  endorsed: Map<string, number>;
};

function validator(c: Chain, pubkey: string) {
  return validatorStub(nodeEnv, validatorName(`${c.id}:coordinator`, pubkey)) as unknown as EndorserApi;
}

/** Makes the coordinator instance hold only `keys` (as a node whose PRODUCER_SECRET lists them). */
async function holdOnly(c: Chain, keys: string[]): Promise<void> {
  await runInDurableObject(c.coordStub, (inst) => {
    (inst as unknown as { held: Set<string> }).held = new Set(keys);
  });
}

async function block(c: Chain, n: number): Promise<StoredBlock> {
  return (await node(c).storedBlock(n))!;
}

/** What `producer` signs for block `n` relying on block `justify` (a peer holding that key). */
async function endorsement(c: Chain, n: number, justify: number, producer: string, chainId = CHAIN, secret = secretOf(producer)): Promise<SignedEndorsement> {
  const [b, j] = await Promise.all([block(c, n), block(c, justify)]);
  const e: Endorsement = { height: n, hash: b.hash, parent: b.parentHash, justify: { height: j.number, hash: j.hash }, producer };
  return signEndorsement(chainId, e, secret);
}

/** The coordinator's finality tables and meta rows: equal dumps, equal tracker state. */
async function finalityRows(c: Chain): Promise<unknown> {
  return runInDurableObject(c.coordStub, (_inst, state) => {
    const sql = state.storage.sql;
    return {
      blocks: sql.exec("SELECT * FROM finality_blocks ORDER BY hash").toArray(),
      votes: sql.exec("SELECT * FROM finality_votes ORDER BY hash, producer").toArray(),
      meta: sql.exec("SELECT * FROM coordinator_meta WHERE key GLOB 'finality_*' ORDER BY key").toArray(),
    };
  });
}

describe("endorsement finality on one node", () => {
  test("four held keys: a block is final one block after it (LIB = head − 1), not IOST's head − 2", async () => {
    const c = newChain("fin-four");
    await node(c).mine(8);
    const b7 = await block(c, 7);
    expect(await node(c).status()).toMatchObject({ head: 8, lib: 7, finality: { final: 7, finalHash: b7.hash, certified: 8, equivocations: 0, conflicts: 0 } });
    expect(await c.shard.status()).toMatchObject({ head: 8, lib: 7 });
    expect(await node(c).getBlockByNumber(7)).toMatchObject({ status: "IRREVERSIBLE" });
    expect(await node(c).getBlockByNumber(8)).toMatchObject({ status: "PENDING" });
    expect(await node(c).chainInfo()).toMatchObject({ head_block: "8", lib_block: "7", lib_block_hash: b7.hash });
    // Steady state: every new block finalizes its parent.
    for (let head = 9; head <= 11; head++) {
      await node(c).mine(1);
      expect(await node(c).status()).toMatchObject({ head, lib: head - 1, finality: { final: head - 1 } });
    }
    // Every validator endorsed the head, locked on its parent.
    const b10 = await block(c, 10);
    for (const k of LIST) expect(await validator(c, k).voteState()).toEqual({ lastHeight: 11, lock: { height: 10, hash: b10.hash } });
  });

  test("two of four keys: endorsements stall below quorum 3 as IOST's rule does; a peer's third endorsement finalizes", async () => {
    const c = newChain("fin-two");
    const mine = [LIST[0], LIST[2]];
    await holdOnly(c, mine);
    await node(c).mine(4);
    // Two endorsements per block, two distinct witnesses: neither rule finalizes anything.
    expect(await node(c).status()).toMatchObject({ head: 4, lib: 0, finality: { final: 0, certified: 0 } });
    const rows = (await finalityRows(c)) as { votes: { producer: string }[] };
    expect(rows.votes).toHaveLength(8);
    expect(new Set(rows.votes.map((v) => v.producer))).toEqual(new Set(mine));
    expect(await validator(c, LIST[1]).voteState()).toBeNull(); // keys not held never endorse

    // A peer holding LIST[1] endorses head 4 (relying on genesis, all it knows certified): 4 is certified.
    expect(await node(c).receiveEndorsement(await endorsement(c, 4, 0, LIST[1]))).toEqual({ result: "counted", final: 0 });
    expect(await node(c).status()).toMatchObject({ lib: 0, finality: { final: 0, certified: 4 } });
    // Block 5: the held validators rely on 4; the peer's endorsement of 5 relying on 4 completes the two-chain.
    await node(c).mine(1);
    expect((await node(c).status()).lib).toBe(0);
    expect(await node(c).receiveEndorsement(await endorsement(c, 5, 4, LIST[1]))).toEqual({ result: "final", final: 4 });
    const b4 = await block(c, 4);
    expect(await node(c).status()).toMatchObject({ head: 5, lib: 4, finality: { final: 4, finalHash: b4.hash } });
    expect(await c.shard.status()).toMatchObject({ lib: 4 });
  });

  test("forged, duplicate, out-of-list, malformed and out-of-window endorsements are refused with a reason and change nothing", async () => {
    const c = newChain("fin-refuse");
    await holdOnly(c, [LIST[0], LIST[2]]);
    await node(c).mine(3);
    const good = await endorsement(c, 3, 0, LIST[1]);
    expect(await node(c).receiveEndorsement(good)).toEqual({ result: "counted", final: 0 });
    const before = { status: await node(c).status(), rows: await finalityRows(c) };

    const stranger = ed25519SecretKey(new Uint8Array(32).fill(9));
    const strangerKey = base58Encode(ed25519PublicKey(stranger));
    const flipped = base58Decode(good.hash);
    flipped[0] ^= 1;
    const cases: [unknown, string | RegExp][] = [
      [good, `duplicate endorsement: producer ${LIST[1]} already endorsed block ${good.hash}`],
      // LIST[1]'s endorsement signed by LIST[3]'s key, or for another chain, or edited after signing.
      [{ ...(await endorsement(c, 2, 0, LIST[3])), producer: LIST[1] }, `invalid endorsement signature of producer ${LIST[1]}`],
      [await endorsement(c, 2, 0, LIST[1], CHAIN + 1), `invalid endorsement signature of producer ${LIST[1]}`],
      [
        { ...(await endorsement(c, 2, 0, LIST[3])), justify: { height: 1, hash: (await block(c, 1)).hash } },
        `invalid endorsement signature of producer ${LIST[3]}`,
      ],
      [{ ...(await endorsement(c, 2, 0, LIST[3])), sig: "AAAA" }, `invalid endorsement signature of producer ${LIST[3]}`],
      // A valid signature by a key outside the list that scheduled the block.
      [await endorsement(c, 2, 0, strangerKey, CHAIN, stranger), `producer ${strangerKey} is not in the witness list of block ${(await block(c, 2)).hash}`],
      [
        { ...(await endorsement(c, 2, 0, strangerKey, CHAIN, stranger)), hash: base58Encode(flipped), height: 4 },
        `producer ${strangerKey} is not in the current or pending witness list`,
      ],
      // Our own validator's endorsement, replayed.
      [(before.rows as { votes: { producer: string; json: string }[] }).votes.find((v) => v.producer === LIST[0])!.json, "endorsement is not an object"],
      [
        JSON.parse((before.rows as { votes: { producer: string; json: string }[] }).votes.find((v) => v.producer === LIST[0])!.json),
        /^duplicate endorsement: producer /,
      ],
      [{ ...good, parent: good.hash }, `endorsement does not match block ${good.hash}`],
      [
        { ...good, height: 3 + 65, hash: base58Encode(flipped), justify: { height: 0, hash: good.justify.hash } },
        "endorsement of height 68 is too far above the head 3",
      ],
      [{ ...good, height: 0 }, "invalid endorsement height 0"],
      [{ ...good, justify: { height: 3, hash: good.hash } }, "endorsement justify height 3 is not below the block's 3"],
      [{ ...good, sig: undefined }, "invalid endorsement sig"],
      [null, "endorsement is not an object"],
    ];
    for (const [bad, reason] of cases) {
      const r = await node(c).receiveEndorsement(bad);
      expect(r).toEqual({ error: typeof reason === "string" ? reason : expect.stringMatching(reason) });
    }
    expect(await node(c).status()).toEqual(before.status);
    expect(await finalityRows(c)).toEqual(before.rows);
  });

  test("a head at a height its keys endorsed asks no Validator again (each would refuse it); the next height asks each once", async () => {
    const c = newChain("fin-asked");
    await node(c).mine(3);
    const b3 = await block(c, 3);
    const asked = (run: (f: FinalityView) => Promise<unknown>) =>
      runInDurableObject(c.coordStub, async (inst) => {
        const f = (inst as unknown as { finality: FinalityView }).finality;
        const endorser = f.host.endorser;
        let calls = 0;
        f.host.endorser = (k) => {
          calls++;
          return endorser(k);
        };
        try {
          await run(f);
        } finally {
          f.host.endorser = endorser;
        }
        return calls;
      });
    // Taken again (a fork switch back to it): every held key endorsed height 3 already.
    expect(await asked((f) => f.onNewHead(b3, true))).toBe(0);
    expect(await asked(() => node(c).mine(1))).toBe(LIST.length);
    expect(await node(c).status()).toMatchObject({ head: 4, lib: 3 });
  });

  test("a refusal names the height its key endorsed: an instance that forgot it (a restart) asks each Validator once, then no more", async () => {
    const c = newChain("fin-refused");
    await node(c).mine(3);
    const b2 = await block(c, 2);
    // A block below the height each key endorsed (3), as a fork's taken after ours: each Validator refuses it.
    const offer = () =>
      runInDurableObject(c.coordStub, async (inst) => {
        const f = (inst as unknown as { finality: FinalityView }).finality;
        const endorser = f.host.endorser;
        const refused: unknown[] = [];
        f.host.endorser = (k) => ({
          ...endorser(k),
          endorse: async (...args) => {
            const a = await endorser(k).endorse(...args);
            if ("error" in a) refused.push(a.endorsed);
            return a;
          },
        });
        try {
          await f.onNewHead(b2, true);
        } finally {
          f.host.endorser = endorser;
        }
        return { refused, memo: [...f.endorsed.values()] };
      });
    await runInDurableObject(c.coordStub, (inst) => (inst as unknown as { finality: FinalityView }).finality.endorsed.clear());
    expect(await offer()).toEqual({ refused: LIST.map(() => 3), memo: LIST.map(() => 3) });
    expect(await offer()).toEqual({ refused: [], memo: LIST.map(() => 3) });
  });

  test("a Validator keeps its vote state across restarts: never two endorsements for one height, never against its lock", async () => {
    const c = newChain("fin-restart");
    await node(c).mine(3);
    const [b0, b1, b2, b3] = await Promise.all([0, 1, 2, 3].map((n) => block(c, n)));
    const k = LIST[0];
    const state = await validator(c, k).voteState();
    expect(state).toEqual({ lastHeight: 3, lock: { height: 2, hash: b2.hash } });
    const own = ((await finalityRows(c)) as { votes: { hash: string; producer: string; json: string }[] }).votes.find(
      (v) => v.hash === b3.hash && v.producer === k,
    )!;

    await abortAllDurableObjects();
    expect(await validator(c, k).voteState()).toEqual(state);
    const view = {
      ancestors: [
        { height: 2, hash: b2.hash },
        { height: 1, hash: b1.hash },
      ],
      certified: [b2.hash],
    };
    const start = { height: 0, hash: b0.hash };
    // The same block again: the endorsement it made (a retry), nothing new signed.
    expect(await validator(c, k).endorse({ height: 3, hash: b3.hash, parent: b2.hash }, view, start)).toEqual(JSON.parse(own.json));
    // Another block at height 3: refused.
    const other = base58Encode(new Uint8Array(32).fill(3));
    expect(await validator(c, k).endorse({ height: 3, hash: other, parent: b2.hash }, view, start)).toEqual({
      error: `already endorsed height 3, block ${other} is at 3`,
      endorsed: 3,
    });
    // A height-4 block on a branch whose only certified block is below the lock (2): refused.
    const x3 = base58Encode(new Uint8Array(32).fill(4));
    const x4 = base58Encode(new Uint8Array(32).fill(5));
    const fork = {
      ancestors: [
        { height: 3, hash: x3 },
        { height: 2, hash: base58Encode(new Uint8Array(32).fill(6)) },
        { height: 1, hash: b1.hash },
      ],
      certified: [b1.hash],
    };
    expect(await validator(c, k).endorse({ height: 4, hash: x4, parent: x3 }, fork, start)).toEqual({
      error: `block ${x4} neither extends lock ${b2.hash} (height 2) nor a newer certified block`,
    });
    expect(await validator(c, k).voteState()).toEqual(state); // refusals change nothing

    // The coordinator restarted too: its tracker comes back from SQLite and finality carries on.
    await node(c).mine(2);
    expect(await node(c).status()).toMatchObject({ head: 5, lib: 4, finality: { final: 4 } });
  });
});

describe("endorsement finality across nodes", () => {
  test("two nodes holding two keys each, exchanging blocks and endorsements (either order), both finalize at head − 1", async () => {
    const a = newChain("fin-net-a");
    const b = newChain("fin-net-b");
    const keys = new Map<Chain, string[]>([
      [a, [LIST[0], LIST[2]]],
      [b, [LIST[1], LIST[3]]],
    ]);
    for (const [c, k] of keys) await holdOnly(c, k);
    const sent = new Set<string>();
    /** What `from`'s own validators endorsed and `to` has not heard yet, as gossip would carry it: a's one by one, b's as one batch (with a bogus one, refused in its place). */
    const relay = async (from: Chain, to: Chain) => {
      const votes = ((await finalityRows(from)) as { votes: { hash: string; producer: string; json: string }[] }).votes;
      const fresh = votes.filter((v) => keys.get(from)!.includes(v.producer) && !sent.has(`${v.hash}/${v.producer}`));
      for (const v of fresh) sent.add(`${v.hash}/${v.producer}`);
      const taken = { result: expect.stringMatching(/^(counted|final)$/) };
      if (from === a) {
        for (const v of fresh) expect(await node(to).receiveEndorsement(JSON.parse(v.json))).toMatchObject(taken);
      } else if (fresh.length > 0) {
        const answers = await node(to).receiveEndorsements([null, ...fresh.map((v) => JSON.parse(v.json))]);
        expect(answers).toEqual([{ error: "endorsement is not an object" }, ...fresh.map(() => expect.objectContaining(taken))]);
      }
    };
    for (let h = 1; h <= 6; h++) {
      const [maker, other] = h % 2 === 1 ? [a, b] : [b, a];
      await node(maker).mine(1);
      const [pb] = await node(maker).peerBlocks(h, 1);
      // Odd heights: the block first; even: its endorsements first (held until the block arrives).
      if (h % 2 === 0) await relay(maker, other);
      expect(await node(other).receiveBlock(pb, "peer")).toEqual({ result: "adopted" });
      await relay(a, b);
      await relay(b, a);
      if (h >= 2) for (const c of [a, b]) expect(await node(c).status()).toMatchObject({ head: h, lib: h - 1, finality: { final: h - 1 } });
    }
    expect((await node(a).status()).finality).toEqual((await node(b).status()).finality);
  });
});

describe("POST /p2p/endorse", () => {
  test("answers counted or IOST's error envelope; a batch answers each; another chain's request is refused", async () => {
    await SELF.fetch("http://node/dev/mine", { method: "POST", body: JSON.stringify({ blocks: 2 }) });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      SELF.fetch("http://node/p2p/endorse", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    const garbage = await post("{not json");
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ code: 2, message: expect.stringContaining("invalid request body") });
    const forged = { height: 1, hash: "x", parent: "y", justify: { height: 0, hash: "y" }, producer: LIST[1], sig: "AAAA" };
    const one = await post(forged);
    expect(one.status).toBe(400);
    expect(await one.json()).toEqual({ code: 2, message: expect.stringMatching(/^(invalid endorsement signature|endorsement of height 1 is not above)/) });
    const batch = await post({ endorsements: [forged, null] });
    expect(batch.status).toBe(200);
    expect(await batch.json()).toEqual({ results: [{ error: expect.any(String) }, { error: "endorsement is not an object" }] });
    expect((await post({ endorsements: [] })).status).toBe(400);
    const other = await post(forged, { "X-Chain-Id": String(CHAIN + 1) });
    expect(await other.json()).toMatchObject({ code: 2, message: expect.stringContaining("chain id mismatch") });
  });
});

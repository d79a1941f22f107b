import { describe, expect, it } from "vitest";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { act, DEV_ADMIN_PUBKEY, makeTx } from "../executor/helpers";
import { BaseChain } from "./driver";

const P0 = DEV_PRODUCERS[0];
const YEAR_NS = 31_536_000n * 1_000_000_000n;
const ID: Record<string, string> = Object.fromEntries(DEV_PRODUCERS.map((p) => [p.pubkey, p.id]));

/** The issue rule written out independently: 2.96 %/year, 1/3 (33333333e-8) to each pool. */
function expectedIssue(supply: bigint, dt: bigint) {
  const amount = (supply * 296n * dt) / (10_000n * YEAR_NS);
  const bonus = (amount * 33_333_333n) / 100_000_000n;
  return { amount, bonus, foundation: amount - 2n * bonus };
}

function contribOf(c: BaseChain): bigint {
  const v = c.db.get("bonus.iost", "blockContrib");
  return BigInt(Math.round(Number(JSON.parse(v!.v as string)) * 1e8));
}

describe("issue.iost/issueIOST", () => {
  it("issues supply × 2.96 % × Δt/year exactly; the candidates' third goes to the foundation when nobody may take it", () => {
    const c = new BaseChain();
    const s0 = c.supply();
    expect(s0).toBe(21_000_000_000n * 100_000_000n);
    const f0 = c.bal("foundation");
    const r = c.receipt(makeTx([act("issue.iost", "issueIOST", [])], { time: c.time }));
    expect(r.statusCode).toBe("SUCCESS");
    // Δt = 10 s: 19710806697 units, 6570268833 each to the two pools.
    const e = expectedIssue(s0, 10n * 1_000_000_000n);
    expect(e).toEqual({ amount: 19_710_806_697n, bonus: 6_570_268_833n, foundation: 6_570_269_031n });
    expect(c.supply() - s0).toBe(e.amount);
    expect(c.bal("bonus.iost")).toBe(e.bonus);
    expect(c.bal("foundation") - f0).toBe(e.amount - e.bonus);
    expect(c.bal("issue.iost")).toBe(0n);
    expect(c.db.get("issue.iost", "IOSTLastIssueTime")).toEqual({ t: "s", v: c.time.toString() });
    // Same block again: Δt = 0, nothing more.
    expect(c.receipt(makeTx([act("issue.iost", "issueIOST", [])], { time: c.time })).statusCode).toBe("SUCCESS");
    expect(c.supply() - s0).toBe(e.amount);
  });

  it("hands the candidates' third to vote_producer.iost once a candidate has enough votes", () => {
    const c = new BaseChain();
    const v = c.receipt(makeTx([act("vote_producer.iost", "vote", ["admin", P0.id, "2100000"])], { time: c.time }));
    expect(v.statusCode, v.message).toBe("SUCCESS");
    const vp0 = c.bal("vote_producer.iost");
    const f0 = c.bal("foundation");
    const s0 = c.supply();
    c.time += 86_400n * 1_000_000_000n;
    c.height += 1n;
    const r = c.receipt(makeTx([act("issue.iost", "issueIOST", [])], { time: c.time }));
    expect(r.statusCode, r.message).toBe("SUCCESS");
    const e = expectedIssue(s0, 86_400n * 1_000_000_000n + 10n * 1_000_000_000n);
    expect(c.bal("vote_producer.iost") - vp0).toBe(e.bonus);
    expect(c.bal("foundation") - f0).toBe(e.foundation);
    expect(c.bal("bonus.iost")).toBe(e.bonus);
    expect(c.bal("issue.iost")).toBe(0n);
  });

  it("refuses issueIOST without admin or base.iost, and issueIOSTTo without auth.iost", () => {
    const c = new BaseChain();
    c.newAccount("alice", P0.pubkey);
    const s0 = c.supply();
    const a = c.receipt(makeTx([act("issue.iost", "issueIOST", [])], { publisher: "alice", key: P0.pubkey, time: c.time }));
    expect(a.statusCode).toBe("RUNTIME_ERROR");
    expect(a.message).toContain("require auth failed");
    const b = c.receipt(makeTx([act("issue.iost", "issueIOSTTo", ["admin", "100"])], { time: c.time }));
    expect(b.statusCode).toBe("RUNTIME_ERROR");
    expect(b.message).toContain("issue iost permission denied");
    expect(c.supply()).toBe(s0);
  });
});

describe("rewards over many blocks", () => {
  it("reconcile exactly: issued = foundation + block pool + vote pool; contribute = Σ blockContrib", () => {
    const c = new BaseChain();
    const start = { f: c.bal("foundation"), b: c.bal("bonus.iost"), v: c.bal("vote_producer.iost"), s: c.supply() };
    let last = c.config.time;
    let issued = 0n;
    let minted = 0n;
    const perAccount: Record<string, bigint> = {};
    for (let n = 1; n <= 100; n++) {
      if (n === 30) {
        // From here on the candidates' third goes to vote_producer.iost.
        const r = c.receipt(makeTx([act("vote_producer.iost", "vote", ["admin", P0.id, "2100000"])], { time: c.time }));
        expect(r.statusCode, r.message).toBe("SUCCESS");
      }
      const parent = c.parent.witness;
      const supplyBefore = c.supply();
      c.next(n % 7 === 0 ? 3n : 1n); // some missed slots on the way
      if (n % 20 === 0) {
        const e = expectedIssue(supplyBefore, c.time - last);
        expect(c.supply() - supplyBefore).toBe(e.amount);
        issued += e.amount;
        last = c.time;
      }
      if (n > 1) {
        minted += 328_513_441n;
        perAccount[ID[parent]] = (perAccount[ID[parent]] ?? 0n) + 328_513_441n;
      }
    }
    expect(issued).toBeGreaterThan(0n);
    const d = { f: c.bal("foundation") - start.f, b: c.bal("bonus.iost") - start.b, v: c.bal("vote_producer.iost") - start.v };
    expect(d.v).toBeGreaterThan(0n);
    expect(d.f + d.b + d.v).toBe(issued);
    expect(c.supply() - start.s).toBe(issued);
    expect(c.bal("issue.iost")).toBe(0n);
    expect(c.supply("contribute")).toBe(minted);
    for (const p of DEV_PRODUCERS) expect(c.bal(p.id, "contribute")).toBe(perAccount[p.id] ?? 0n);

    // Exchange: producer000 swaps all its contribute for the same IOST from the block pool.
    const held = c.bal(P0.id, "contribute");
    const pool = c.bal("bonus.iost");
    const iost0 = c.bal(P0.id);
    expect(held).toBeGreaterThan(0n);
    expect(pool).toBeGreaterThan(held);
    const r = c.receipt(makeTx([act("bonus.iost", "exchangeIOST", [P0.id, "0"])], { publisher: P0.id, key: P0.pubkey, time: c.time, gasLimit: 100_000n }));
    expect(r.statusCode, r.message).toBe("SUCCESS");
    expect(c.bal(P0.id, "contribute")).toBe(0n);
    expect(c.bal(P0.id) - iost0).toBe(held);
    expect(pool - c.bal("bonus.iost")).toBe(held);
    expect(c.supply("contribute")).toBe(minted - held);
  });

  it("recomputes blockContrib from the supply after 7 days of block time", () => {
    const c = new BaseChain();
    for (let i = 0; i < 19; i++) c.next();
    expect(contribOf(c)).toBe(328_513_441n);
    const week = (7n * 86_400n * 1_000_000_000n) / 500_000_000n;
    const parent = c.parent.witness;
    const before = c.bal(ID[parent], "contribute");
    const s0 = c.supply();
    c.next(week + 1n); // block 20: issues a week's IOST first, then pays the new rate
    const supply = c.supply();
    expect(supply).toBeGreaterThan(s0);
    const want = (supply * 1_564_349_722_223n) / 10n ** 22n;
    expect(want).toBeGreaterThan(328_513_441n);
    expect(contribOf(c)).toBe(want);
    expect(c.bal(ID[parent], "contribute") - before).toBe(want);
    expect(c.db.get("bonus.iost", "lastTime")).toEqual({ t: "s", v: c.time.toString() });
    const parent2 = c.parent.witness;
    const b2 = c.bal(ID[parent2], "contribute");
    c.next();
    expect(c.bal(ID[parent2], "contribute") - b2).toBe(want);
  });

  it("pays no contribute for a witness pubkey without an account", () => {
    const c = new BaseChain();
    c.next();
    c.parent = { ...c.parent, witness: "NoSuchKey1111111111111111111111111111111111" };
    c.next();
    expect(c.supply("contribute")).toBe(0n);
  });
});

describe("bonus.iost/exchangeIOST errors change nothing", () => {
  function snapshot(c: BaseChain) {
    return [c.bal(P0.id), c.bal(P0.id, "contribute"), c.bal("bonus.iost"), c.supply("contribute"), c.supply()];
  }
  const ex = (c: BaseChain, args: string[], publisher = P0.id, key = P0.pubkey) =>
    c.receipt(makeTx([act("bonus.iost", "exchangeIOST", args)], { publisher, key, time: c.time, gasLimit: 100_000n }));

  it("pool empty, more than held, wrong auth, not transferable", () => {
    const c = new BaseChain();
    for (let i = 0; i < 10; i++) c.next();
    const held = c.bal(P0.id, "contribute");
    expect(held).toBeGreaterThan(0n);
    expect(c.bal("bonus.iost")).toBe(0n);
    let s = snapshot(c);
    let r = ex(c, [P0.id, "0"]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("left bonus not enough, please wait");
    expect(snapshot(c)).toEqual(s);

    for (let i = 0; i < 10; i++) c.next(); // block 20 issues
    expect(c.bal("bonus.iost")).toBeGreaterThan(0n);
    s = snapshot(c);
    const over = (c.bal(P0.id, "contribute") + 1n).toString(); // one unit more than held
    r = ex(c, [P0.id, `${over.slice(0, -8) || "0"}.${over.slice(-8).padStart(8, "0")}`]);
    expect(r.message).toContain("invalid amount: negative or greater than contribute");
    r = ex(c, [P0.id, "-1"]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    r = ex(c, [P0.id, "abc"]);
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    r = ex(c, [P0.id, "0"], "admin", DEV_ADMIN_PUBKEY); // admin signs, not producer000
    expect(r.statusCode).toBe("RUNTIME_ERROR");
    expect(r.message).toContain("require auth failed");
    r = c.receipt(
      makeTx([act("token.iost", "transfer", ["contribute", P0.id, "admin", "1", ""])], { publisher: P0.id, key: P0.pubkey, time: c.time, gasLimit: 100_000n }),
    );
    expect(r.message).toContain("token can't transfer");
    expect(snapshot(c)).toEqual(s);
  });
});

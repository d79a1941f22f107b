import { test, expect } from "vitest";
import {
  decide,
  endorsementBytes,
  endorsementError,
  ENDORSE_DOMAIN,
  FinalityTracker,
  initialVoteState,
  quorum,
  signEndorsement,
  verifyEndorsement,
  verifyEndorsementSync,
  type BlockRef,
  type Endorsement,
  type VoteState,
} from "../../../src/consensus/endorse";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { base58Decode } from "../../../src/codec/base58";

const G: BlockRef = { height: 0, hash: "G" };
const W = ["p0", "p1", "p2", "p3"];
const e = (producer: string, height: number, hash: string, parent: string, justify: BlockRef): Endorsement => ({ height, hash, parent, justify, producer });

test("quorum is ⌊2n/3⌋+1 and refuses a bad count", () => {
  expect([1, 2, 3, 4, 5, 6, 7, 21].map(quorum)).toEqual([1, 2, 3, 3, 4, 5, 5, 15]);
  expect(() => quorum(0)).toThrow("endorse: invalid witness count 0");
  expect(() => quorum(2.5)).toThrow("endorse: invalid witness count 2.5");
});

test("endorsement bytes: domain tag first, then chain id; every field is committed", () => {
  const x = e("p0", 5, "H5", "H4", { height: 4, hash: "H4" });
  const b = endorsementBytes(1024, x);
  expect(Buffer.from(b.subarray(0, ENDORSE_DOMAIN.length)).toString()).toBe(ENDORSE_DOMAIN);
  expect([...b.subarray(ENDORSE_DOMAIN.length, ENDORSE_DOMAIN.length + 4)]).toEqual([0, 0, 4, 0]);
  const variants: Endorsement[] = [
    { ...x, height: 6 },
    { ...x, hash: "H5'" },
    { ...x, parent: "H4'" },
    { ...x, justify: { height: 3, hash: "H4" } },
    { ...x, justify: { height: 4, hash: "H3" } },
    { ...x, producer: "p1" },
  ];
  const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
  for (const v of variants) expect(hex(endorsementBytes(1024, v))).not.toBe(hex(b));
  expect(hex(endorsementBytes(1023, x))).not.toBe(hex(b));
});

test("sign and verify with a dev producer key; chain id, fields and signer all matter", async () => {
  const [a, b] = DEV_PRODUCERS;
  const x = e(a.pubkey, 5, "H5", "H4", { height: 4, hash: "H4" });
  const s = signEndorsement(1024, x, base58Decode(a.secret));
  expect(verifyEndorsementSync(1024, s)).toBe(true);
  expect(await verifyEndorsement(1024, s)).toBe(true);
  expect(await verifyEndorsement(1023, s)).toBe(false);
  expect(await verifyEndorsement(1024, { ...s, hash: "H5'" })).toBe(false);
  expect(await verifyEndorsement(1024, { ...s, justify: { height: 3, hash: "H3" } })).toBe(false);
  expect(await verifyEndorsement(1024, { ...s, producer: b.pubkey })).toBe(false);
  expect(await verifyEndorsement(1024, { ...s, sig: "not base64!" })).toBe(false);
  expect(await verifyEndorsement(1024, { ...s, producer: "0OIl" })).toBe(false);
  expect(verifyEndorsementSync(1024, { ...s, height: 0 })).toBe(false);
  expect(() => signEndorsement(1024, x, base58Decode(b.secret))).toThrow(`endorse: secret does not belong to producer ${a.pubkey}`);
  expect(() => signEndorsement(1024, { ...x, justify: { height: 5, hash: "H5" } }, base58Decode(a.secret))).toThrow(
    "endorsement justify height 5 is not below the block's 5",
  );
  // Plain JSON: survives the wire unchanged.
  expect(await verifyEndorsement(1024, JSON.parse(JSON.stringify(s)))).toBe(true);
});

test("endorsementError names the bad field", () => {
  expect(endorsementError(null)).toBe("endorsement is not an object");
  expect(endorsementError({ ...e("p0", 0, "H", "P", G) })).toBe("invalid endorsement height 0");
  expect(endorsementError({ ...e("p0", 1, "", "P", G) })).toBe("invalid endorsement hash");
  expect(endorsementError({ ...e("p0", 1, "H", "P", G), producer: 7 })).toBe("invalid endorsement producer");
  expect(endorsementError({ ...e("p0", 1, "H", "P", G), justify: null })).toBe("invalid endorsement justify");
  expect(endorsementError(e("p0", 2, "H", "P", { height: 1, hash: "Q" }))).toBe("endorsement justify at the parent's height is not the parent");
  expect(endorsementError(e("p0", 2, "H", "P", { height: 1, hash: "P" }))).toBeNull();
});

// Chain: G ← A1 ← A2 ← A3 and G ← B1 ← B2 ← B3 ← B4.
const chain = (prefix: string, len: number, from = 1): BlockRef[] =>
  Array.from({ length: len }, (_, i) => ({ height: from + i, hash: `${prefix}${from + i}` }));
const anc = (prefix: string, height: number): BlockRef[] => [...chain(prefix, height - 1).reverse(), G];
const prop = (prefix: string, height: number) => ({ height, hash: `${prefix}${height}`, parent: height === 1 ? "G" : `${prefix}${height - 1}` });

test("decide: rule E1, one endorsement per height, heights rising", () => {
  const s0 = initialVoteState(G);
  const d = decide(s0, "p0", prop("A", 1), { ancestors: [G], certified: [] });
  expect(d).toEqual({ ok: true, state: { lastHeight: 1, lock: G }, endorsement: e("p0", 1, "A1", "G", G) });
  if (!d.ok) return;
  expect(decide(d.state, "p0", prop("B", 1), { ancestors: [G], certified: [] })).toEqual({
    ok: false,
    reason: "already endorsed height 1, block B1 is at 1",
    endorsed: 1,
  });
  expect(decide(s0, "p0", prop("A", 1), { ancestors: [], certified: [] })).toEqual({ ok: false, reason: "ancestors of A1 do not start at its parent G" });
  expect(decide(s0, "p0", prop("A", 3), { ancestors: [{ height: 2, hash: "A2" }, G], certified: [] })).toEqual({
    ok: false,
    reason: "ancestor G is at height 0, expected 1",
  });
});

test("decide: rule E2, the lock holds until a higher certificate on the other branch", () => {
  // p0 endorsed A3 relying on certified A2: lock A2.
  let s: VoteState = { lastHeight: 2, lock: G };
  const d = decide(s, "p0", prop("A", 3), { ancestors: anc("A", 3), certified: ["A1", "A2"] });
  expect(d.ok && d.endorsement.justify).toEqual({ height: 2, hash: "A2" });
  if (!d.ok) return;
  s = d.state;
  expect(s).toEqual({ lastHeight: 3, lock: { height: 2, hash: "A2" } });
  // B4: its branch's best certificate is B1 (below the lock): refused, state unchanged.
  const no = decide(s, "p0", prop("B", 4), { ancestors: anc("B", 4), certified: ["A1", "A2", "B1"] });
  expect(no).toEqual({ ok: false, reason: "block B4 neither extends lock A2 (height 2) nor a newer certified block" });
  expect(s).toEqual({ lastHeight: 3, lock: { height: 2, hash: "A2" } });
  // Once B3 is certified (height 3 > 2), the lock moves to it.
  const yes = decide(s, "p0", prop("B", 4), { ancestors: anc("B", 4), certified: ["A1", "A2", "B1", "B3"] });
  expect(yes.ok && yes.state).toEqual({ lastHeight: 4, lock: { height: 3, hash: "B3" } });
  // Extending the lock needs no certificate list: the lock's own certificate counts.
  const ext = decide(s, "p0", prop("A", 4), {
    ancestors: [
      { height: 3, hash: "A3" },
      { height: 2, hash: "A2" },
    ],
    certified: [],
  });
  expect(ext.ok && ext.endorsement.justify).toEqual({ height: 2, hash: "A2" });
  // The state is plain JSON (the Validator DO stores it as is).
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
});

function tracker(): FinalityTracker {
  const t = new FinalityTracker(G);
  for (const p of ["A", "B"]) for (let h = 1; h <= 4; h++) expect(t.addBlock({ ...prop(p, h), witnesses: W })).toEqual({ ok: true, final: null });
  return t;
}

test("tracker: a certificate needs ⌊2n/3⌋+1 of the block's list; the two-chain makes the parent final", () => {
  const t = tracker();
  for (const p of ["p0", "p1"]) t.addEndorsement(e(p, 1, "A1", "G", G));
  expect(t.certified("A1")).toBe(false);
  expect(t.addEndorsement(e("px", 1, "A1", "G", G))).toEqual({ ok: false, reason: "producer px is not in the witness list of block A1" });
  expect(t.certified("A1")).toBe(false);
  t.addEndorsement(e("p2", 1, "A1", "G", G));
  expect(t.certified("A1")).toBe(true);
  expect(t.endorsementsOf("A1").map((x) => x.producer)).toEqual(["p0", "p1", "p2"]);
  expect(t.final()).toEqual(G); // genesis: A1's certificate alone is not finality
  // A2 endorsed by three, but two relied on G (had not seen A1's certificate): not yet.
  t.addEndorsement(e("p0", 2, "A2", "A1", { height: 1, hash: "A1" }));
  t.addEndorsement(e("p1", 2, "A2", "A1", G));
  t.addEndorsement(e("p2", 2, "A2", "A1", G));
  expect(t.certified("A2")).toBe(true);
  expect(t.final()).toEqual(G);
  expect(t.addEndorsement(e("p3", 2, "A2", "A1", { height: 1, hash: "A1" }))).toEqual({ ok: true, final: null });
  // A3 with justify A2 from three: A2 final (and A1 with it).
  t.addEndorsement(e("p0", 3, "A3", "A2", { height: 2, hash: "A2" }));
  t.addEndorsement(e("p1", 3, "A3", "A2", { height: 2, hash: "A2" }));
  expect(t.addEndorsement(e("p3", 3, "A3", "A2", { height: 2, hash: "A2" }))).toEqual({ ok: true, final: { height: 2, hash: "A2" } });
  expect(t.final()).toEqual({ height: 2, hash: "A2" });
  expect(t.extends("A3", "A1")).toBe(true);
  expect(t.extends("B3", "A1")).toBe(false);
  // Nothing at or below the final height is taken any more.
  expect(t.addEndorsement(e("p0", 2, "B2", "B1", G))).toEqual({ ok: false, reason: "endorsement of height 2 is not above the final height 2" });
  expect(t.addBlock({ height: 2, hash: "C2", parent: "A1", witnesses: W })).toEqual({ ok: false, reason: "block C2 at 2 is not above the final height 2" });
});

test("tracker: endorsements may come before their block; the parent certificate may come after the child's", () => {
  const t = new FinalityTracker(G);
  // Child endorsements (justify A1) first, then A1's own, then the blocks.
  for (const p of ["p0", "p1", "p2"]) expect(t.addEndorsement(e(p, 2, "A2", "A1", { height: 1, hash: "A1" }))).toEqual({ ok: true, final: null });
  expect(t.addBlock({ ...prop("A", 1), witnesses: W })).toEqual({ ok: true, final: null });
  expect(t.addBlock({ ...prop("A", 2), witnesses: W })).toEqual({ ok: true, final: null });
  for (const p of ["p0", "p1"]) t.addEndorsement(e(p, 1, "A1", "G", G));
  expect(t.addEndorsement(e("p3", 1, "A1", "G", G))).toEqual({ ok: true, final: { height: 1, hash: "A1" } });
});

test("tracker: bad blocks and endorsements are refused and change nothing", () => {
  const t = tracker();
  const before = JSON.stringify(t.toJSON());
  expect(t.addBlock({ height: 2, hash: "Z2", parent: "Z1", witnesses: W })).toEqual({ ok: false, reason: "parent Z1 of block Z2 is unknown" });
  expect(t.addBlock({ height: 3, hash: "Z3", parent: "A1", witnesses: W })).toEqual({ ok: false, reason: "block Z3 at 3 does not follow its parent at 1" });
  expect(t.addBlock({ height: 2, hash: "A2", parent: "B1", witnesses: W })).toEqual({ ok: false, reason: "block A2 already known with another parent" });
  expect(t.addBlock({ height: 2, hash: "Z2", parent: "A1", witnesses: [] })).toEqual({ ok: false, reason: "block Z2 has an empty witness list" });
  expect(t.addEndorsement(e("p0", 2, "A2", "B1", G))).toEqual({ ok: false, reason: "endorsement does not match block A2" });
  expect(t.addEndorsement(e("p0", 2, "A2", "A1", { height: 2, hash: "A2" }))).toEqual({
    ok: false,
    reason: "endorsement justify height 2 is not below the block's 2",
  });
  expect(JSON.stringify(t.toJSON())).toBe(before);
});

test("tracker: equivocating endorsements are recorded as evidence", () => {
  const t = tracker();
  t.addEndorsement(e("p3", 1, "A1", "G", G));
  t.addEndorsement(e("p3", 1, "B1", "G", G));
  expect(t.equivocations).toEqual([{ producer: "p3", a: e("p3", 1, "A1", "G", G), b: e("p3", 1, "B1", "G", G) }]);
});

test("tracker: across a witness-list change the two-chain does not count; the new list finalizes on its own", () => {
  const t = new FinalityTracker(G);
  const W2 = ["p0", "p1", "p2", "q3"];
  t.addBlock({ ...prop("A", 1), witnesses: W });
  t.addBlock({ ...prop("A", 2), witnesses: W2 });
  t.addBlock({ ...prop("A", 3), witnesses: W2 });
  for (const p of ["p0", "p1", "p3"]) t.addEndorsement(e(p, 1, "A1", "G", G));
  expect(t.certified("A1")).toBe(true);
  // p3 is not in A2's list: refused; q3 is.
  expect(t.addEndorsement(e("p3", 2, "A2", "A1", { height: 1, hash: "A1" })).ok).toBe(false);
  for (const p of ["p0", "p1", "q3"]) t.addEndorsement(e(p, 2, "A2", "A1", { height: 1, hash: "A1" }));
  expect(t.certified("A2")).toBe(true);
  expect(t.final()).toEqual(G);
  for (const p of ["p0", "p2", "q3"]) t.addEndorsement(e(p, 3, "A3", "A2", { height: 2, hash: "A2" }));
  expect(t.final()).toEqual({ height: 2, hash: "A2" });
});

test("tracker: JSON round trip recounts to the same answers; prune keeps the final branch", () => {
  const t = tracker();
  for (const p of ["p0", "p1", "p2"]) t.addEndorsement(e(p, 1, "A1", "G", G));
  for (const p of ["p0", "p1", "p2"]) t.addEndorsement(e(p, 2, "A2", "A1", { height: 1, hash: "A1" }));
  t.addEndorsement(e("p3", 3, "B3", "B2", G));
  expect(t.final()).toEqual({ height: 1, hash: "A1" });
  const j = JSON.parse(JSON.stringify(t.toJSON()));
  const u = FinalityTracker.fromJSON(j);
  expect(u.final()).toEqual(t.final());
  expect(u.certifiedHashes()).toEqual(t.certifiedHashes());
  expect(u.toJSON()).toEqual(t.toJSON());
  u.prune();
  expect(u.toJSON().blocks.map((b) => b.hash)).toEqual(["A1", "A2", "A3", "A4"]);
  expect(u.block("B3")).toBeUndefined();
  expect(u.highestCertified()).toEqual({ height: 2, hash: "A2" });
  expect(u.ancestors("A4", 0)).toEqual([{ height: 3, hash: "A3" }, { height: 2, hash: "A2" }, { height: 1, hash: "A1" }, G]);
  expect(u.ancestors("A4", 2)).toEqual([
    { height: 3, hash: "A3" },
    { height: 2, hash: "A2" },
  ]);
  expect(u.highestCertifiedAncestor("A4")).toEqual({ height: 2, hash: "A2" });
  // Still counts after pruning and reloading.
  const v = FinalityTracker.fromJSON(JSON.parse(JSON.stringify(u.toJSON())));
  for (const p of ["p0", "p1", "p2"]) v.addEndorsement(e(p, 3, "A3", "A2", { height: 2, hash: "A2" }));
  expect(v.final()).toEqual({ height: 2, hash: "A2" });
});

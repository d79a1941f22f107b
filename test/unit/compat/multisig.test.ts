/**
 * Compatibility (issue 16 "Multi-signature publishers", iwallet's examples/multi_sig.sh): IOST's
 * rule (go-iost vm/host/authority.go `auth`, host.go CheckPublisher): the publisher's `active`
 * is met when the weights of its satisfied items reach the threshold; a key item counts when
 * one of `publisher_sigs` is by that key (a signer's signature does not), an `acc@perm` item
 * when that permission of acc is met the same way, recursively; `active` falls back to
 * `owner`. Pool admission (/sendTx, src/executor prepareError) and the block (executeTx) run
 * the same check, so what one refuses the other drops, with IOST's text.
 */
import { describe, expect, it } from "vitest";
import { base58Encode } from "../../../src/codec/base58";
import { ED25519 } from "../../../src/crypto/algorithm";
import { ed25519SecretKey } from "../../../src/crypto/ed25519";
import { sign } from "../../../src/crypto/signature";
import { prepareError } from "../../../src/executor/index";
import { publishHash, txHash } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { verifyTx } from "../../../src/tx/validate";
import { act, Chain, makeTx, sig } from "../executor/helpers";

/** A real ed25519 key from a one-byte seed. */
function key(n: number): { secret: Uint8Array; pub: string } {
  const secret = ed25519SecretKey(new Uint8Array(32).fill(n));
  return { secret, pub: base58Encode(secret.subarray(32)) };
}
const [own, k1, k2, k3, stranger] = [1, 2, 3, 4, 9].map(key);
const M = [5, 6, 7].map(key);

function setUp(): Chain {
  const c = new Chain();
  c.newAccount("multi", own.pub);
  c.newAccount("keys23", own.pub);
  M.forEach((k, i) => c.newAccount(`manager${i + 1}`, k.pub));
  const owner = (id: string) => ({ publisher: id, key: own.pub, signers: [`${id}@owner`], signerKeys: [own.pub] });
  // multi_sig.sh's split: three manager@active items of weight 34 (threshold 100), the own key revoked.
  const split = ["active", "owner"].flatMap((p) => [
    ...[1, 2, 3].map((i) => act("auth.iost", "assignPermission", ["multi", p, `manager${i}@active`, 34])),
    act("auth.iost", "revokePermission", ["multi", p, own.pub]),
  ]);
  expect(c.receipt(makeTx(split, owner("multi"))).statusCode).toBe("SUCCESS");
  // A 2-of-3 of keys: three key items of weight 50 (threshold 100).
  const keys = [
    ...[k1, k2, k3].map((k) => act("auth.iost", "assignPermission", ["keys23", "active", k.pub, 50])),
    act("auth.iost", "revokePermission", ["keys23", "active", own.pub]),
    act("auth.iost", "revokePermission", ["keys23", "owner", own.pub]),
    act("auth.iost", "assignPermission", ["keys23", "owner", k1.pub, 100]),
  ];
  expect(c.receipt(makeTx(keys, owner("keys23"))).statusCode).toBe("SUCCESS");
  c.advance(1n);
  return c;
}

const transfer = (from: string) => act("token.iost", "transfer", ["iost", from, "admin", "1", ""]);

/** A tx of `publisher` with publisher signatures (fake, as the executor never checks them) by `pubs`, signer signatures by `signerPubs`. */
function tx(c: Chain, publisher: string, pubs: string[], signerPubs: string[] = []): Tx {
  const t = makeTx([transfer(publisher)], { publisher, time: c.time, signerKeys: signerPubs });
  return { ...t, publisherSigs: pubs.map(sig) };
}

/** What /sendTx answers (null: taken) and what the block does with it. */
function outcome(c: Chain, t: Tx): { intake: string | null; block: string } {
  const intake = prepareError(c.state, t, txHash(t), c.block());
  const r = c.run(t);
  return { intake, block: "dropped" in r ? `dropped: ${r.dropped}` : r.receipt.statusCode };
}

describe("multi-signature publishers (go-iost authority.go)", () => {
  it("2-of-3 keys: two publisher signatures pass at /sendTx and in the block, one is refused with IOST's text", () => {
    const c = setUp();
    expect(outcome(c, tx(c, "keys23", [k1.pub, k3.pub]))).toEqual({ intake: null, block: "SUCCESS" });
    c.advance(1n);
    expect(outcome(c, tx(c, "keys23", [k2.pub]))).toEqual({
      intake: "unauthorized publisher: keys23",
      block: "dropped: unauthorized publisher: keys23",
    });
  });

  it("acc@active items: met by the item accounts' keys among the publisher signatures; 34 + 34 < 100 is not enough", () => {
    const c = setUp();
    expect(
      outcome(
        c,
        tx(
          c,
          "multi",
          M.map((k) => k.pub),
        ),
      ),
    ).toEqual({ intake: null, block: "SUCCESS" });
    c.advance(1n);
    expect(outcome(c, tx(c, "multi", [M[0].pub, M[2].pub])).intake).toBe("unauthorized publisher: multi");
    // The revoked own key no longer counts (multi_sig.sh test_singlesig_fail).
    expect(outcome(c, tx(c, "multi", [own.pub])).intake).toBe("unauthorized publisher: multi");
  });

  it("a signer's signature (over the base hash) does not count for the publisher, as IOST's auth_list levels say", () => {
    const c = setUp();
    expect(outcome(c, tx(c, "keys23", [k2.pub], [k3.pub])).intake).toBe("unauthorized publisher: keys23");
    expect(outcome(c, tx(c, "multi", [M[0].pub, M[1].pub], [M[2].pub])).intake).toBe("unauthorized publisher: multi");
  });

  it("active falls back to owner: k1 alone meets keys23's owner (weight 100)", () => {
    const c = setUp();
    // 50 < 100 on active, then owner: k1's item weighs 100.
    expect(outcome(c, tx(c, "keys23", [k1.pub]))).toEqual({ intake: null, block: "SUCCESS" });
  });

  it("an extra signature by an unrelated key changes nothing", () => {
    const c = setUp();
    expect(outcome(c, tx(c, "keys23", [k2.pub, stranger.pub])).intake).toBe("unauthorized publisher: keys23");
    expect(outcome(c, tx(c, "keys23", [k2.pub, stranger.pub, k3.pub]))).toEqual({ intake: null, block: "SUCCESS" });
  });

  it("a forged publisher signature (a key of the permission over the wrong hash) is refused at /sendTx before any state is read", async () => {
    const c = setUp();
    const t = tx(c, "keys23", []);
    const h = publishHash(t);
    t.publisherSigs = [sign(ED25519, k2.secret, h), sign(ED25519, k3.secret, h)];
    await expect(verifyTx(t, { chainId: 1020, now: t.time })).resolves.toBeUndefined();
    const forged = { ...sign(ED25519, k3.secret, h), sig: sign(ED25519, k3.secret, txHash(t)).sig };
    await expect(verifyTx({ ...t, publisherSigs: [t.publisherSigs[0], forged] }, { chainId: 1020, now: t.time })).rejects.toThrow(
      "VerifyError publisher error",
    );
  });
});

import { describe, expect, test } from "vitest";
import { keyPairFromSecret } from "../../src/crypto/keys";
import { sign } from "../../src/crypto/signature";
import { FULL, publishHash, txBytes, txId } from "../../src/tx/bytes";
import { ED25519, type Tx } from "../../src/tx/types";
import { newChain, tick } from "./helpers";
import { makeTx } from "./txs";

type Obj = Record<string, unknown>;

/** What a third party can do to an accepted tx: the publisher signatures are not signed over. */
function malleate(tx: Tx, how: "repeat" | "add"): { bytes: Uint8Array; hash: string } {
  const extra = how === "repeat" ? tx.publisherSigs[0] : sign(ED25519, keyPairFromSecret(ED25519, new Uint8Array(32).fill(3)).secretKey, publishHash(tx));
  const copy: Tx = { ...tx, publisherSigs: [...tx.publisherSigs, extra] };
  return { bytes: txBytes(copy, FULL), hash: txId(copy) };
}

describe("replays with altered publisher signatures", () => {
  test("a copy with a signature repeated or added is refused, pending and in chain; the transfer happens once", async () => {
    const c = newChain("replay");
    const balance = async () => ((await c.shard.read("getTokenBalance", "producer000", "iost")) as Obj).balance as number;
    const before = await balance();
    const original = makeTx({ amount: "7" });
    expect(await c.shard.submitTx(original.bytes, original.hash)).toEqual({ hash: original.hash });
    for (const how of ["repeat", "add"] as const) {
      const copy = malleate(original.tx, how);
      expect(copy.hash).not.toBe(original.hash);
      expect(await c.shard.submitTx(copy.bytes, copy.hash)).toEqual({
        error: `tx exists in pending: ${original.hash} has the same content and publisher signature`,
      });
    }
    await tick(c);
    const copy = malleate(original.tx, "repeat");
    expect(await c.shard.submitTx(copy.bytes, copy.hash)).toEqual({
      error: `tx exists in chain: ${original.hash} has the same content and publisher signature`,
    });
    await tick(c);
    expect(await balance()).toBe(before + 7);
    expect(await c.shard.poolSize()).toBe(0);
  });
});

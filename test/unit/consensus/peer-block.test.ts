import { describe, expect, test } from "vitest";
import { assembleHeader, signatureOf, storedBlock, type StoredBlock } from "../../../src/block/block";
import { blockHash } from "../../../src/block/header";
import { base58Decode, base58Encode } from "../../../src/codec/base58";
import { ed25519PublicKey, ed25519Sign } from "../../../src/crypto/ed25519";
import { peerBlockError, preferred, type ParentView } from "../../../src/consensus/peer-block";
import { DEV_PRODUCERS } from "../../../src/genesis/dev-keys";
import { ED25519 } from "../../../src/tx/types";

const P = { blockIntervalNs: 500_000_000n, blocksPerSlot: 1 };
const list = DEV_PRODUCERS.map((p) => p.pubkey).sort();
const secretOf = (pubkey: string) => base58Decode(DEV_PRODUCERS.find((p) => p.pubkey === pubkey)!.secret);

const parent: ParentView = {
  number: 7,
  hash: base58Encode(new Uint8Array(32).fill(9)),
  time: 1000n * 500_000_000n,
  witness: list[0],
  inSlot: 1,
  witnesses: list,
};

/** A block at slot `slot` signed by `signer` (default: the slot's owner). */
function block(slot: bigint, signer?: string, over: Partial<{ parentHash: string; number: number }> = {}): StoredBlock {
  const witness = signer ?? list[Number(slot % BigInt(list.length))];
  const header = assembleHeader({
    version: 1,
    number: over.number ?? parent.number + 1,
    parentHash: over.parentHash ?? parent.hash,
    witness,
    time: slot * 500_000_000n + 1n,
    chunks: [{ shard: 0, txHashes: [], receiptHashes: [], gasUsage: "0", stateRoot: "00" }],
  });
  const secret = secretOf(witness);
  return storedBlock(header, [], signatureOf(ED25519, ed25519Sign(secret, blockHash(header)), ed25519PublicKey(secret)));
}

describe("a peer's block header", () => {
  test("the slot owner's signed block that extends its parent passes", async () => {
    expect(await peerBlockError(block(1001n), parent, P)).toBeNull();
  });

  test("each broken rule is named", async () => {
    const good = block(1001n);
    expect(await peerBlockError({ ...good, time: String(BigInt(good.time) + 1n) }, parent, P)).toMatch(/is not the hash of its header/);
    expect(await peerBlockError(block(1001n, undefined, { parentHash: base58Encode(new Uint8Array(32)) }), parent, P)).toMatch(/does not extend block 7/);
    expect(await peerBlockError(block(1001n, undefined, { number: 9 }), parent, P)).toMatch(/does not extend/);
    const intruder = list[3];
    expect(await peerBlockError(block(1001n, intruder), parent, P)).toMatch(/does not own slot 1001/);
    expect(await peerBlockError(block(999n), parent, P)).toMatch(/not after its parent/);
    // Signed by someone else than the witness it names.
    const forged = { ...good, sign: block(1002n).sign };
    expect(await peerBlockError(forged, parent, P)).toMatch(/not by its witness/);
    const badSig = { ...good, sign: { ...good.sign!, sig: block(1005n).sign!.sig } };
    expect(await peerBlockError(badSig, parent, P)).toMatch(/bad witness signature/);
  });

  test("a witness makes at most blocksPerSlot blocks in a row in its slot", async () => {
    const owner = list[Number(1000n % 4n)];
    const full = { ...parent, witness: owner, inSlot: 1 };
    // The parent (at the slot's first instant) was the owner's one block of slot 1000.
    expect(await peerBlockError(block(1000n, owner), full, P)).toMatch(/already made 1 blocks in slot 1000/);
    expect(await peerBlockError(block(1000n, owner), { ...full, witness: list[1] === owner ? list[2] : list[1] }, P)).toBeNull();
  });
});

describe("fork choice", () => {
  const a = { number: 10, time: "100", hash: "b" };
  test("longer wins, then earlier head, then smaller hash; never both", () => {
    expect(preferred({ ...a, number: 11, time: "999" }, a)).toBe(true);
    expect(preferred({ ...a, time: "99" }, a)).toBe(true);
    expect(preferred({ ...a, hash: "a" }, a)).toBe(true);
    expect(preferred(a, a)).toBe(false);
    expect(preferred(a, { ...a, hash: "a" })).toBe(false);
  });
});

import { test, expect } from "vitest";
import { admitTx, checkTxSelf, checkTxTime, verifyTx, verifyTxSignatures } from "../../../src/tx/validate";
import { checkBadTx } from "../../../src/tx/badtx";
import { TxError } from "../../../src/tx/errors";
import { FULL, baseHash, publishHash, txBytes } from "../../../src/tx/bytes";
import { newKeyPair } from "../../../src/crypto/keys";
import { sign } from "../../../src/crypto/signature";
import { ED25519, SECP256K1, type Tx } from "../../../src/tx/types";

const S = 1_000_000_000n;
const NOW = 1_700_000_000n * S;
const alice = newKeyPair(ED25519);
const bob = newKeyPair(SECP256K1);

function signed(patch: Partial<Tx> = {}, signers = true): Tx {
  const tx: Tx = {
    time: NOW,
    expiration: NOW + 90n * S,
    gasRatio: 100n,
    gasLimit: 200000000n,
    delay: 0n,
    chainId: 1020,
    signers: signers ? ["bob@active"] : [],
    actions: [{ contract: "token.iost", actionName: "transfer", data: '["iost","alice","bob","1.5",""]' }],
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: "alice",
    publisherSigs: [],
    ...patch,
  };
  if (signers) tx.signatures.push(sign(SECP256K1, bob.secretKey, baseHash(tx)));
  tx.publisherSigs.push(sign(ED25519, alice.secretKey, publishHash(tx)));
  return tx;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TxError);
    expect((e as TxError).code).toBe(2);
    return (e as TxError).message;
  }
  return "no error";
}

async function asyncMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TxError);
    return (e as TxError).message;
  }
  return "no error";
}

test("a well-formed signed tx passes every check", async () => {
  const tx = signed();
  checkTxSelf(tx, 1020);
  checkTxTime(tx, NOW);
  checkBadTx(tx);
  await verifyTxSignatures(tx);
  await admitTx(tx, { chainId: 1020, now: NOW });
  await verifyTx(tx, { chainId: 1020, now: NOW });
});

test("checkTxSelf: go-iost VerifySelf messages, in its order", () => {
  expect(message(() => checkTxSelf(signed({ chainId: 1024 }), 1020))).toBe("invalid chain_id, should be 1020, yours:1024");
  expect(message(() => checkTxSelf(signed({ time: 0n }), 1020))).toBe("invalid time and expiration");
  expect(message(() => checkTxSelf(signed({ expiration: NOW }), 1020))).toBe("invalid time and expiration");
  expect(message(() => checkTxSelf(signed({ delay: 1n }), 1020))).toBe("invalid delay time");
  expect(message(() => checkTxSelf(signed({ gasRatio: 99n }), 1020))).toBe("gas ratio illegal, should in [1, 100]");
  expect(message(() => checkTxSelf(signed({ gasRatio: 10001n }), 1020))).toBe("gas ratio illegal, should in [1, 100]");
  expect(message(() => checkTxSelf(signed({ gasLimit: 599999n }), 1020))).toBe("gas limit illegal, should in [6000, 4000000]");
  expect(message(() => checkTxSelf(signed({ gasLimit: 400000001n }), 1020))).toBe("gas limit illegal, should in [6000, 4000000]");
  checkTxSelf(signed({ gasRatio: 10000n, gasLimit: 600000n }), 1020);
  // Order: chain id is reported before time, time before delay.
  expect(message(() => checkTxSelf(signed({ chainId: 1, time: 0n, delay: 5n }), 1020))).toBe("invalid chain_id, should be 1020, yours:1");
});

test("checkTxSelf: size limit is on the Full bytes, 65536 allowed", () => {
  const withData = (n: number) => signed({ actions: [{ contract: "c", actionName: "a", data: "x".repeat(n) }] }, false);
  const overhead = txBytes(withData(0), FULL).length;
  const exact = withData(65536 - overhead);
  expect(txBytes(exact, FULL).length).toBe(65536);
  checkTxSelf(exact, 1020);
  expect(message(() => checkTxSelf(withData(65537 - overhead), 1020))).toBe("tx size illegal, should <= 65536, got 65537");
});

test("checkTxTime: pool window (30 s ahead, stale after 90 s or at expiration)", () => {
  const at = (time: bigint, expiration = time + 90n * S) => ({ ...signed(), time, expiration });
  checkTxTime(at(NOW + 30n * S), NOW);
  expect(message(() => checkTxTime(at(NOW + 30n * S + 1n), NOW))).toBe(
    `TimeError: tx.time is too large(tx.time: ${NOW + 30n * S + 1n}, now: ${NOW}). Please sync time`,
  );
  checkTxTime(at(NOW - 90n * S, NOW + S), NOW);
  expect(message(() => checkTxTime(at(NOW - 90n * S - 1n, NOW + 1000n * S), NOW))).toBe(
    `TimeError: tx.time is expired(tx.time: ${NOW - 90n * S - 1n}, now: ${NOW}). Please sync time`,
  );
  expect(message(() => checkTxTime(at(NOW - S, NOW), NOW))).toBe(`TimeError: tx.time is expired(tx.time: ${NOW - S}, now: ${NOW}). Please sync time`);
  // Like Go, a long expiration is not itself an error.
  checkTxTime(at(NOW, NOW + 3600n * S), NOW);
});

test("verifyTxSignatures: signer error, publisher empty error, publisher error", async () => {
  const tx = signed();
  const flip = (b: Uint8Array) => b.map((x, i) => (i === 10 ? x ^ 1 : x));
  expect(await asyncMessage(verifyTxSignatures({ ...tx, signatures: [{ ...tx.signatures[0], sig: flip(tx.signatures[0].sig) }] }))).toBe("signer error");
  expect(await asyncMessage(verifyTxSignatures({ ...tx, publisherSigs: [] }))).toBe("publisher empty error");
  expect(await asyncMessage(verifyTxSignatures({ ...tx, publisherSigs: [{ ...tx.publisherSigs[0], sig: flip(tx.publisherSigs[0].sig) }] }))).toBe(
    "publisher error",
  );
  // A publisher signature over the base hash is not a publisher signature.
  expect(await asyncMessage(verifyTxSignatures({ ...tx, publisherSigs: [sign(ED25519, alice.secretKey, baseHash(tx))] }))).toBe("publisher error");
  // A 63-byte secp256k1 signature (iost.js's unpadded r) is rejected like any bad one.
  expect(await asyncMessage(verifyTxSignatures({ ...tx, signatures: [{ ...tx.signatures[0], sig: tx.signatures[0].sig.subarray(1) }] }))).toBe("signer error");
  // Go's priority: signer errors first, then the empty publisher list.
  expect(await asyncMessage(verifyTxSignatures({ ...tx, signatures: [{ ...tx.signatures[0], sig: flip(tx.signatures[0].sig) }], publisherSigs: [] }))).toBe(
    "signer error",
  );
});

test("admitTx / verifyTx: the message go-iost's /sendTx shows", async () => {
  const opts = { chainId: 1020, now: NOW };
  expect(await asyncMessage(admitTx(signed({ chainId: 1 }), opts))).toBe("VerifyError invalid chain_id, should be 1020, yours:1");
  expect(await asyncMessage(admitTx({ ...signed(), publisherSigs: [] }, opts))).toBe("VerifyError publisher empty error");
  expect(await asyncMessage(admitTx(signed({ delay: 1n }), opts))).toBe("VerifyError invalid delay time");
  // The time window comes first and has no prefix.
  expect(await asyncMessage(admitTx(signed({ chainId: 1, time: NOW + 60n * S, expiration: NOW + 100n * S }), opts))).toBe(
    `TimeError: tx.time is too large(tx.time: ${NOW + 60n * S}, now: ${NOW}). Please sync time`,
  );
  // CheckBadTx runs before everything, unprefixed.
  const bad = signed({ chainId: 1, actions: [{ contract: "token.iost", actionName: "transfer", data: "[]" }] });
  expect(await asyncMessage(verifyTx(bad, opts))).toBe("wrong args num: []");
  expect(await asyncMessage(verifyTx(signed({ gasLimit: 1n }), opts))).toBe("VerifyError gas limit illegal, should in [6000, 4000000]");
});

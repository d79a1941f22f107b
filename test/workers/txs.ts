/** Test transactions, signed like iost.js does: the publisher's ed25519 signature over the publish hash. */
import { keyPairFromBase58, keyPairFromSecret } from "../../src/crypto/keys";
import { sign } from "../../src/crypto/signature";
import { baseHash, decodeTx, FULL, publishHash, txBytes, txId } from "../../src/tx/bytes";
import { ED25519, type Tx } from "../../src/tx/types";

/** IOST's public dev admin key (go-iost config/dev_admin_key.json). */
export const ADMIN_SECRET = "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";
export const admin = keyPairFromBase58(ED25519, ADMIN_SECRET);

export interface TxOptions {
  publisher?: string;
  time?: bigint;
  expiration?: bigint;
  to?: string;
  amount?: string;
  memo?: string;
  actions?: Tx["actions"];
  gasRatio?: bigint;
  gasLimit?: bigint;
  secretKey?: Uint8Array;
  /** Co-signers (`name@perm`), each signing with the admin's key (the test accounts' key). */
  signers?: string[];
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export interface SignedTx {
  tx: Tx;
  bytes: Uint8Array;
  hash: string;
}

/** By default: admin transfers 1 iost to producer000. */
export function makeTx(o: TxOptions = {}): SignedTx {
  const time = o.time ?? nowNs();
  const publisher = o.publisher ?? "admin";
  const tx: Tx = {
    time,
    expiration: o.expiration ?? time + 90_000_000_000n,
    gasRatio: o.gasRatio ?? 100n,
    gasLimit: o.gasLimit ?? 100_000_000n,
    delay: 0n,
    chainId: 1020,
    signers: o.signers ?? [],
    actions: o.actions ?? [
      { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", publisher, o.to ?? "producer000", o.amount ?? "1", o.memo ?? ""]) },
    ],
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher,
    publisherSigs: [],
  };
  if (tx.signers.length > 0) tx.signatures = [sign(ED25519, admin.secretKey, baseHash(tx))];
  tx.publisherSigs = [sign(ED25519, o.secretKey ?? admin.secretKey, publishHash(tx))];
  return { tx, bytes: txBytes(tx, FULL), hash: txId(tx) };
}

/** A chunk's user txs: without shard 0's base tx (publisher base.iost, always tx 0 after genesis). */
export function userTxs<T>(txs: T[]): T[] {
  return txs.filter((t) => (t as { publisher?: string }).publisher !== "base.iost");
}

/** A tx with one more publisher signature: a new id, the same replay key (test/workers/replay.test.ts). */
export function withExtraSig(bytes: Uint8Array): { bytes: Uint8Array; hash: string } {
  const tx = decodeTx(bytes);
  const extra = sign(ED25519, keyPairFromSecret(ED25519, new Uint8Array(32).fill(3)).secretKey, publishHash(tx));
  const copy = { ...tx, publisherSigs: [...tx.publisherSigs, extra] };
  return { bytes: txBytes(copy, FULL), hash: txId(copy) };
}

/** The dev admin's public key: new test accounts take it as owner and active key. */
export const ADMIN_KEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";

/**
 * Admin's tx creating `name` (admin's key) with 1,024 bytes of RAM, 10 IOST pledged for its gas
 * (3,000,000 gas at most: room for 3 pending txs asking 1,000,000 each) and `iost` IOST.
 */
export function fundedSignUp(name: string, iost: string): SignedTx {
  return makeTx({
    actions: [
      { contract: "auth.iost", actionName: "signUp", data: JSON.stringify([name, ADMIN_KEY, ADMIN_KEY]) },
      { contract: "ram.iost", actionName: "buy", data: JSON.stringify(["admin", name, 1024]) },
      { contract: "gas.iost", actionName: "pledge", data: JSON.stringify(["admin", name, "10"]) },
      { contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", name, iost, ""]) },
    ],
  });
}

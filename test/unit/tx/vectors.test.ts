import { test, expect } from "vitest";
import { base58Decode, base58Encode } from "../../../src/codec/base58";
import { base64Decode, base64Encode } from "../../../src/codec/base64";
import { sha3, utf8 } from "../../../src/crypto/sha3";
import { keyPairFromBase58, keyPairFromSecret } from "../../../src/crypto/keys";
import { sign, verify, verifySync } from "../../../src/crypto/signature";
import { BASE, FULL, PUBLISH, baseHash, decodeTx, publishHash, signatureBytes, txBytes, txHash, txId } from "../../../src/tx/bytes";
import { parseTxRequest } from "../../../src/tx/request";
import { ED25519, type Tx } from "../../../src/tx/types";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

// Vector A of iost.js lib/struct_test.js. That vector predates the `reserved`
// field: its 107 bytes lack the Bytes(reserved) = 00000000 that current go-iost and iost.js 0.1.22
// write after chain_id (Vector B and test/node/sdk-tx.test.ts prove the field is there). So the
// vendor bytes, hashes and signatures are checked on our bytes with those 4 bytes cut out, and
// the current layout is checked to differ from them by exactly that field.
const SECRET_A = "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB";
const BASE_A =
  "156d700a27e12ac0" +
  "156d701f1c4c2ec0" +
  "0000000000000064" +
  "000000000001e208" +
  "0000000000000000" +
  "00000000" +
  "00000001" +
  "00000003616263" +
  "00000001" +
  "00000015" +
  "00000004636f6e74" +
  "00000003616269" +
  "000000025b5d" +
  "00000001" +
  "0000000f" +
  "00000004696f7374" +
  "00000003313233";
const RESERVED_AT = 44;
const legacy = (bytes: Uint8Array) => {
  expect(hex(bytes.subarray(RESERVED_AT, RESERVED_AT + 4))).toBe("00000000");
  return new Uint8Array([...bytes.subarray(0, RESERVED_AT), ...bytes.subarray(RESERVED_AT + 4)]);
};

function unsignedA(): Tx {
  return {
    time: 1544013436179000000n,
    expiration: 1544013526179000000n,
    gasRatio: 100n,
    gasLimit: 123400n,
    delay: 0n,
    chainId: 0,
    signers: ["abc"],
    actions: [{ contract: "cont", actionName: "abi", data: "[]" }],
    amountLimit: [{ token: "iost", value: "123" }],
    signatures: [],
    publisher: "def",
    publisherSigs: [],
  };
}

/** Signed over the legacy (pre-reserved) bytes, as the vendor vector was. */
function legacyA(): Tx {
  const kp = keyPairFromBase58(ED25519, SECRET_A);
  const tx = unsignedA();
  tx.signatures.push(sign(ED25519, kp.secretKey, sha3(legacy(txBytes(tx, BASE)))));
  tx.publisherSigs.push(sign(ED25519, kp.secretKey, sha3(legacy(txBytes(tx, PUBLISH)))));
  return tx;
}

test("vector A: key pair", () => {
  const kp = keyPairFromBase58(ED25519, SECRET_A);
  expect(hex(kp.publicKey)).toBe("5731adeb5d1a807ec9c43825389e5edff70412e4643a94629a652af1bfcf2f08");
  expect(kp.id).toBe("6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b");
  expect(base58Encode(kp.secretKey)).toBe(SECRET_A);
});

test("vector A: base bytes and base hash", () => {
  const bytes = txBytes(unsignedA(), BASE);
  expect(bytes.length).toBe(111);
  expect(legacy(bytes).length).toBe(107);
  expect(hex(legacy(bytes))).toBe(BASE_A);
  expect(hex(sha3(legacy(bytes)))).toBe("5b75a2e0a5e7c8c462604d90df60893e9714702bd5c0dd1448dd017ed4aa0bc4");
});

test("vector A: signer signature, publish bytes and hash", () => {
  const tx = legacyA();
  const sig = tx.signatures[0];
  expect(hex(sig.sig)).toBe("b41b996ea0a47c0a14dd5d6e473828dea4966bc1d8823205b7af6b6ca19626f46c1e86957a6fa2510bb1bf42125368c4add823bcba9c56eb888b5cd23f544203");
  const sigBytes = signatureBytes(sig);
  expect(hex(sigBytes)).toBe("02" + "00000040" + hex(sig.sig) + "00000020" + hex(sig.pubkey));
  expect(hex(legacy(txBytes(tx, PUBLISH)))).toBe(BASE_A + "00000001" + "00000069" + hex(sigBytes));
  expect(hex(sha3(legacy(txBytes(tx, PUBLISH))))).toBe("1990bf1492c2f9d0ae57c5350a4fe9517ee6889808e534f81f2b28549ebe81fb");
});

test("vector A: publisher signature, full bytes, hash and id", () => {
  const tx = legacyA();
  const psig = tx.publisherSigs[0];
  expect(hex(signatureBytes(psig))).toBe(
    "0200000040c0302c52371cabf010af3b3a537e46ed6ed68cfe8b59dcfd7106d63cebf2c9f9f354ca8c40955ee0ee7373d458cea22a9657b44d2e78451df5833d8148e24807000000205731adeb5d1a807ec9c43825389e5edff70412e4643a94629a652af1bfcf2f08",
  );
  const full = legacy(txBytes(tx, FULL));
  expect(full.length).toBe(344);
  expect(hex(full)).toBe(hex(legacy(txBytes(tx, PUBLISH))) + "00000000" + "00000003646566" + "00000001" + "00000069" + hex(signatureBytes(psig)));
  expect(hex(sha3(full))).toBe("a4dcf755afde9dfb67e087e5fe811a5a47cc52ea1a780e121e91ca042d593150");
  expect(base58Encode(sha3(full))).toBe("C6ZHbANyYt1iPDffRrZZXpsCHZwPspd6GPt2mWivdgTZ");
});

test("vector A in the current layout: signs, verifies, decodes", async () => {
  const kp = keyPairFromBase58(ED25519, SECRET_A);
  const tx = unsignedA();
  tx.signatures.push(sign(ED25519, kp.secretKey, baseHash(tx)));
  tx.publisherSigs.push(sign(ED25519, kp.secretKey, publishHash(tx)));
  expect(hex(baseHash(tx))).toBe(hex(sha3(txBytes(tx, BASE))));
  expect(txBytes(tx, FULL).length).toBe(348);
  expect(txId(tx)).toBe(base58Encode(txHash(tx)));
  expect(decodeTx(txBytes(tx, FULL))).toEqual(tx);
  expect(await verify(tx.signatures[0], baseHash(tx))).toBe(true);
  expect(await verify(tx.publisherSigs[0], publishHash(tx))).toBe(true);
  expect(await verify(tx.publisherSigs[0], baseHash(tx))).toBe(false);
});

// Vector B: docs 6-reference/API.md request example (the doc's JSON has trailing commas; Go would reject those).
const REQUEST_B = `{
  "time": 1544709662543340000, "expiration": 1544709692318715000,
  "gas_ratio": 1, "gas_limit": 500000, "delay": 0, "chain_id": 1024, "signers": [],
  "actions": [{"contract": "token.iost", "action_name": "transfer",
    "data": "[\\"iost\\", \\"testaccount\\", \\"anothertest\\", \\"100\\", \\"this is an example transfer\\"]"}],
  "amount_limit": [{"token": "*", "value": "unlimited"}],
  "signatures": [], "publisher": "testaccount",
  "publisher_sigs": [{"algorithm": "ED25519", "public_key": "lDS+SdM+aiVHbDyXapvrsgyKxFg9mJuHWPZb/INBRWY=",
    "signature": "/K1HM0OEbfJ4+D3BmalpLmb03WS7BeCz4nVHBNbDrx3/A31aN2RJNxyEKhv+VSoWctfevDNRnL1kadRVxSt8CA=="}]
}`;

test("vector B: publish hash and the doc's signature", async () => {
  const tx = parseTxRequest(REQUEST_B);
  expect(tx.time).toBe(1544709662543340000n);
  expect(tx.gasLimit).toBe(50000000n);
  expect(base64Encode(publishHash(tx))).toBe("/gB8TJQibGI7Kem1v4vJPcJ7vHP48GuShYfd/7NhZ3w=");
  const sig = tx.publisherSigs[0];
  expect(await verify(sig, publishHash(tx))).toBe(true);
  expect(verifySync(sig, publishHash(tx))).toBe(true);
  expect(await verify(sig, baseHash(tx))).toBe(false);
  // ed25519 is deterministic: the doc's private key re-creates the doc's signature.
  const kp = keyPairFromSecret(ED25519, base64Decode("gkpobuI3gbFGstgfdymLBQAGR67ulguDzNmLXEJSWaGUNL5J0z5qJUdsPJdqm+uyDIrEWD2Ym4dY9lv8g0FFZg=="));
  expect(sign(ED25519, kp.secretKey, publishHash(tx)).sig).toEqual(sig.sig);
});

test("vector C: IOSTCrypto.sha3", () => {
  expect(base58Encode(sha3(utf8("Fule will be expensive. Everyone will have a small car.")))).toBe("EBNarfcGkAczpeiSJwtUfH9FEVd1xFhdZis83erU9WNu");
});

test("dev keys (go-iost config/genesis/genesis.yml, config/dev_admin_key.json)", () => {
  const admin = keyPairFromBase58(ED25519, "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1");
  expect(admin.id).toBe("Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto");
  expect(base58Decode(admin.id)).toEqual(admin.publicKey);
});

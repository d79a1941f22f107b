export { sha3, utf8 } from "./sha3.js";
export { sign, verify, verifySync } from "./signature.js";
export { type KeyPair, keyPairFromSecret, keyPairFromBase58, newKeyPair, publicKeyOf } from "./keys.js";
export {
  ed25519Seed,
  ed25519PublicKey,
  ed25519SecretKey,
  ed25519Sign,
  ed25519Verify,
  ed25519VerifySync,
  ed25519WellFormed,
  ed25519WebCrypto,
} from "./ed25519.js";
export { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "./secp256k1.js";

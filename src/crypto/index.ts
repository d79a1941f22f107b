export { sha3, utf8 } from "./sha3";
export { sign, verify, verifySync } from "./signature";
export { type KeyPair, keyPairFromSecret, keyPairFromBase58, newKeyPair, publicKeyOf } from "./keys";
export { ed25519Seed, ed25519PublicKey, ed25519SecretKey, ed25519Sign, ed25519Verify, ed25519VerifySync, ed25519WellFormed, ed25519WebCrypto } from "./ed25519";
export { secp256k1PublicKey, secp256k1Sign, secp256k1Verify } from "./secp256k1";

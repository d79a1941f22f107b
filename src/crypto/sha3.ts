/**
 * FIPS-202 SHA3-256 (not Keccak), IOST's only hash. From noble because workerd
 * has no SHA3 in WebCrypto or node:crypto.
 */
import { sha3_256 } from "@noble/hashes/sha3.js";

export function sha3(data: Uint8Array): Uint8Array {
  return sha3_256(data);
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

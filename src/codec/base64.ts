/**
 * Base64 for the RPC `bytes` fields (signatures, public keys). Decoding follows
 * protobuf-go's protojson: URL-safe alphabet if the text has '-' or '_', padding
 * required exactly when the length is a multiple of 4, CR/LF ignored as Go's
 * decoder does, non-zero trailing bits tolerated (Go is not Strict).
 */
/** The standard alphabet (what `base64Encode` writes). */
export const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function table(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
/** Each character code below 128 to its value in the standard alphabet, -1 for none. */
export const STD_INDEX = table(STD);
const URL_INDEX = table(URL);

export function base64Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += STD[n >> 18] + STD[(n >> 12) & 63];
    out += i + 1 < bytes.length ? STD[(n >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? STD[n & 63] : "=";
  }
  return out;
}

export function base64Decode(text: string): Uint8Array {
  const padded = text.length % 4 === 0;
  const index = /[-_]/.test(text) ? URL_INDEX : STD_INDEX;
  let body = text.replace(/[\r\n]/g, "");
  if (padded && body.length % 4 === 0 && body.endsWith("=")) {
    body = body.slice(0, body.endsWith("==") ? -2 : -1);
  }
  if (body.length % 4 === 1) throw new Error(`illegal base64 data: bad length ${text.length}`);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? index[c] : -1;
    if (v < 0) throw new Error(`illegal base64 data at input byte ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

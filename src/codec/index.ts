export { base58Encode, base58Decode } from "./base58.js";
export { base64Encode, base64Decode } from "./base64.js";
export { SimpleEncoder, compareUtf8 } from "./encoder.js";
export { SimpleDecoder, DecodeError } from "./decoder.js";
export { parseJson, isJsonObject, JsonNumber, JsonError, type JsonValue, type JsonObject, type ParseOptions } from "./json.js";

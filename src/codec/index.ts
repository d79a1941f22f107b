export { base58Encode, base58Decode } from "./base58";
export { base64Encode, base64Decode } from "./base64";
export { SimpleEncoder, compareUtf8 } from "./encoder";
export { SimpleDecoder, DecodeError } from "./decoder";
export { parseJson, isJsonObject, JsonNumber, JsonError, type JsonValue, type JsonObject, type ParseOptions } from "./json";

/** Path-parameter and request-body parsing with grpc-gateway's rules: what it cannot decode is code 3 (INVALID_ARGUMENT). */
import { CODE_INVALID_ARGUMENT, RpcFailure } from "./errors";

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go strconv.ParseBool, as grpc-gateway applies it to bool path params. */
export function parseBoolParam(name: string, text: string): boolean {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new RpcFailure(`type mismatch, parameter: ${name}, error: strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`, CODE_INVALID_ARGUMENT);
}

/** Go strconv.ParseInt(text, 10, 64) for int64 path params. */
export function parseInt64Param(name: string, text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new RpcFailure(`type mismatch, parameter: ${name}, error: strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`, CODE_INVALID_ARGUMENT);
  }
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) {
    throw new RpcFailure(
      `type mismatch, parameter: ${name}, error: strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`,
      CODE_INVALID_ARGUMENT,
    );
  }
  return value;
}

/**
 * Parses a POST body as JSON whatever its Content-Type (iost.js sends
 * text/plain). An empty body is an empty request message, as in grpc-gateway.
 */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RpcFailure(`invalid request body: malformed JSON (${(err as Error).message})`, CODE_INVALID_ARGUMENT);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RpcFailure("invalid request body: a JSON object is required", CODE_INVALID_ARGUMENT);
  }
  return value as Record<string, unknown>;
}

/** protobuf-JSON field lookup: proto name (snake_case) or its lowerCamelCase json name. */
export function field(body: Record<string, unknown>, protoName: string): unknown {
  if (protoName in body) return body[protoName];
  const camel = protoName.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  return body[camel];
}

export function stringField(body: Record<string, unknown>, protoName: string): string {
  const value = field(body, protoName);
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new RpcFailure(`invalid value for string field ${protoName}: ${JSON.stringify(value)}`, CODE_INVALID_ARGUMENT);
  return value;
}

export function boolField(body: Record<string, unknown>, protoName: string): boolean {
  const value = field(body, protoName);
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  // protojson accepts only JSON booleans; iost.js always sends them. Be lenient
  // with the textual forms the path params accept.
  if (typeof value === "string") return parseBoolParam(protoName, value);
  if (value === 0 || value === 1) return value === 1;
  throw new RpcFailure(`invalid value for bool field ${protoName}: ${JSON.stringify(value)}`, CODE_INVALID_ARGUMENT);
}

/** int64 request fields: JSON number or decimal string. */
export function int64Field(body: Record<string, unknown>, protoName: string): bigint {
  const value = field(body, protoName);
  if (value === undefined || value === null) return 0n;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new RpcFailure(`invalid value for int64 field ${protoName}: ${JSON.stringify(value)}`, CODE_INVALID_ARGUMENT);
}

/**
 * go-iost rpc checkIDValid (rpc/util.go), which its account, token, contract and vote reads run before reading
 * anything: a lowercase `0x` address of 42 characters, a `Contract…` or `….iost` id under 100 bytes, or a name of 5 to 11
 * bytes of a-z, 0-9 and `_`. The texts are IOST's (the length one ends in a space).
 */
export function checkIdValid(id: string): void {
  const bytes = new TextEncoder().encode(id).length;
  if (id.startsWith("0x") && bytes === 42 && id.toLowerCase() === id) return;
  if (id.startsWith("Contract") || id.endsWith(".iost")) {
    if (bytes >= 100) throw new RpcFailure(`id invalid. ContractID length should be less then 100 - ${bytes}`);
    return;
  }
  if (bytes < 5 || bytes > 11) throw new RpcFailure(`id invalid. id length should be between 5,11 - ${bytes} `);
  for (const ch of id) {
    if (!/[a-z0-9_]/.test(ch)) throw new RpcFailure(`id invalid. id contains invalid character - ${ch.codePointAt(0)}`);
  }
}

/** go-iost rpc checkHashValid (rpc/util.go), run by its tx, receipt and block-by-hash reads first. */
export function checkHashValid(hash: string): void {
  const bytes = new TextEncoder().encode(hash).length;
  if (bytes >= 100) throw new RpcFailure(`hash len(${bytes}) is greater then 100`);
}

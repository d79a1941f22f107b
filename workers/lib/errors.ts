/**
 * IOST's RPC error envelope (go-iost rpc/server.go errorHandler): every error is
 * HTTP 400 with `{"code":N,"message":"…"}`. code 2 (UNKNOWN) for plain errors,
 * 3 (INVALID_ARGUMENT) for a request grpc-gateway could not decode (a path parameter
 * of the wrong type, a body that is not the request's JSON), 12 (UNIMPLEMENTED) for
 * unknown routes and capabilities this node lacks.
 */
import { isRpcError, type Answer } from "../../durable-objects/api";

export const CODE_UNKNOWN = 2;
export const CODE_INVALID_ARGUMENT = 3;
export const CODE_UNIMPLEMENTED = 12;

export class RpcFailure extends Error {
  constructor(
    message: string,
    readonly code: number = CODE_UNKNOWN,
  ) {
    super(message);
    this.name = "RpcFailure";
  }
}

export function envelope(code: number, message: string): Response {
  return new Response(JSON.stringify({ code, message }), {
    status: 400,
    headers: { "content-type": "application/json", "cache-control": "no-store" }, // an error is never kept (lib/cache.ts)
  });
}

/** Unwraps a DO answer, turning `{error}` into the IOST envelope. */
export function unwrap<T>(answer: Answer<T>): T {
  if (isRpcError(answer)) throw new RpcFailure(answer.error);
  return answer;
}

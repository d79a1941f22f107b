/**
 * The one error type of the tx layer. `message` is exactly what go-iost puts
 * in its RPC error body `{"code":<code>,"message":<message>}` (HTTP 400).
 * code 2 (UNKNOWN) is what the gateway shows for plain errors; code 3
 * (INVALID_ARGUMENT) is what grpc-gateway shows when the request body cannot
 * be decoded.
 */
export class TxError extends Error {
  override name = "TxError";
  constructor(
    message: string,
    readonly code: 2 | 3 = 2,
  ) {
    super(message);
  }
}

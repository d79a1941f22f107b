/**
 * A native gRPC client of IOST's rpcpb.ApiService (scripts/grpc/rpc.proto), as iwallet and the Go
 * SDK dial `-s host:port`, and an iost.js tx in the TransactionRequest form iwallet sends.
 */
import * as grpc from "@grpc/grpc-js";
import { apiService } from "../../../scripts/grpc/bridge";

/** The ApiService client of a node's gRPC endpoint (`host:port`), without TLS as iwallet dials it. */
export function grpcClient(address: string): any {
  return new (apiService().ApiService as grpc.ServiceClientConstructor)(address, grpc.credentials.createInsecure());
}

/** A signed iost.js tx as iwallet's TransactionRequest (proto field names; int64 as decimal strings). */
export function txRequest(tx: any): object {
  const j = JSON.parse(JSON.stringify(tx));
  return {
    time: String(tx.time),
    expiration: String(tx.expiration),
    gas_ratio: j.gasRatio,
    gas_limit: j.gasLimit,
    delay: String(tx.delay),
    chain_id: j.chain_id,
    actions: j.actions.map((a: any) => ({ contract: a.contract, action_name: a.actionName, data: a.data })),
    amount_limit: j.amount_limit,
    signers: j.signers,
    signatures: j.signatures,
    publisher: j.publisher,
    publisher_sigs: j.publisher_sigs,
  };
}

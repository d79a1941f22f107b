/**
 * The gRPC endpoint iwallet, the Go SDK and go-iost's itest speak
 * (`rpcpb.ApiService`, scripts/grpc/rpc.proto): a native HTTP/2 gRPC server in
 * Node that answers each call by calling the node's own HTTP RPC, along the
 * HTTP path go-iost's gateway maps the method to (go-iost rpc/pb/rpc.proto's
 * google.api.http options). The node has one implementation of each method;
 * this is only a codec: protobuf in → the gateway's JSON → the node → JSON →
 * protobuf out. Errors keep the node's code and message (`{"code":N,"message"}`
 * is already a gRPC status), so a bad signature reads the same as on go-iost.
 *
 * Why a bridge and not the Worker: see docs/DEPLOY.md "gRPC". `npm start` and
 * `npm run network` start one per node; `npm run grpc -- --node URL` runs one
 * in front of any node, a deployed one included.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as loader from "@grpc/proto-loader";
import { onInterrupt } from "../shutdown";

const HERE = dirname(fileURLToPath(import.meta.url));

/** How a method reaches the node: go-iost's google.api.http mapping. */
interface Route {
  post: boolean;
  /** Path template; `{field}` takes the request's field. */
  path: string;
}

const get = (path: string): Route => ({ post: false, path });
const post = (path: string): Route => ({ post: true, path });

const ROUTES: Record<string, Route> = {
  GetNodeInfo: get("/getNodeInfo"),
  GetChainInfo: get("/getChainInfo"),
  GetRAMInfo: get("/getRAMInfo"),
  GetTxByHash: get("/getTxByHash/{hash}"),
  GetTxReceiptByTxHash: get("/getTxReceiptByTxHash/{hash}"),
  GetBlockByHash: get("/getBlockByHash/{hash}/{complete}"),
  GetBlockByNumber: get("/getBlockByNumber/{number}/{complete}"),
  GetRawBlockByNumber: get("/getRawBlockByNumber/{number}/{complete}"),
  GetBlockHeaderByRange: post("/getBlockHeaderByRange"),
  GetAccount: get("/getAccount/{name}/{by_longest_chain}"),
  GetTokenBalance: get("/getTokenBalance/{account}/{token}/{by_longest_chain}"),
  GetToken721Balance: get("/getToken721Balance/{account}/{token}/{by_longest_chain}"),
  GetToken721Metadata: get("/getToken721Metadata/{token}/{token_id}/{by_longest_chain}"),
  GetToken721Owner: get("/getToken721Owner/{token}/{token_id}/{by_longest_chain}"),
  GetGasRatio: get("/getGasRatio"),
  GetProducerVoteInfo: get("/getProducerVoteInfo/{account}/{by_longest_chain}"),
  GetContract: get("/getContract/{id}/{by_longest_chain}"),
  GetContractVote: get("/getContractVote/{id}/{by_longest_chain}"),
  GetContractStorage: post("/getContractStorage"),
  GetBatchContractStorage: post("/getBatchContractStorage"),
  ListContractStorage: post("/listContractStorage"),
  GetContractStorageFields: post("/getContractStorageFields"),
  SendTransaction: post("/sendTx"),
  ExecTransaction: post("/execTx"),
  Subscribe: post("/subscribe"),
  GetVoterBonus: get("/getVoterBonus/{name}/{by_longest_chain}"),
  GetCandidateBonus: get("/getCandidateBonus/{name}/{by_longest_chain}"),
  GetTokenInfo: get("/getTokenInfo/{symbol}/{by_longest_chain}"),
  GetBlockTxsByContract: post("/getBlockTxsByContract"),
};

/**
 * Requests decode to the gateway's JSON form: proto field names, int64 as
 * decimal strings (no precision lost on nanosecond times), enums by name,
 * bytes as base64, defaults present. Responses encode from that same form.
 */
const LOADER_OPTIONS: loader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  includeDirs: [HERE],
};

/** The loaded service definition, shared with test clients. */
export function apiService(): grpc.GrpcObject {
  const def = loader.loadSync(resolve(HERE, "rpc.proto"), LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def).rpcpb as grpc.GrpcObject;
}

type Fields = Record<string, unknown>;

function target(node: string, route: Route, req: Fields): { url: string; init: RequestInit } {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(req[name] ?? "")));
  const init: RequestInit = route.post ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req) } : {};
  return { url: node + path, init };
}

/** The node's error envelope as a gRPC status; anything else is the bridge failing to reach it. */
function statusOf(httpStatus: number, text: string): grpc.StatusObject {
  try {
    const { code, message } = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof code === "number" && typeof message === "string") return { code, details: message, metadata: new grpc.Metadata() };
  } catch {
    // not the envelope: below
  }
  return { code: grpc.status.UNAVAILABLE, details: `node answered HTTP ${httpStatus}: ${text.slice(0, 200)}`, metadata: new grpc.Metadata() };
}

function unreachable(node: string, err: unknown): grpc.StatusObject {
  return { code: grpc.status.UNAVAILABLE, details: `node ${node} unreachable: ${(err as Error).message}`, metadata: new grpc.Metadata() };
}

function unary(node: string, route: Route): grpc.handleUnaryCall<Fields, Fields> {
  return (call, callback) => {
    const { url, init } = target(node, route, call.request);
    fetch(url, init)
      .then(async (res) => {
        const text = await res.text();
        if (res.ok) callback(null, JSON.parse(text) as Fields);
        else callback(statusOf(res.status, text));
      })
      .catch((err: unknown) => callback(unreachable(node, err)));
  };
}

/** Subscribe: the node's newline-delimited `{"result":…}` / `{"error":…}` stream, one message per line. */
function stream(node: string, route: Route): grpc.handleServerStreamingCall<Fields, Fields> {
  return (call) => {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    const { url, init } = target(node, route, call.request);
    const run = async () => {
      const res = await fetch(url, { ...init, signal: abort.signal });
      if (!res.ok || !res.body) {
        call.emit("error", statusOf(res.status, await res.text()));
        return;
      }
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl = buffered.indexOf("\n");
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf("\n");
          if (line === "") continue;
          const frame = JSON.parse(line) as { result?: Fields; error?: { code: number; message: string } };
          if (frame.error) {
            call.emit("error", { code: frame.error.code, details: frame.error.message, metadata: new grpc.Metadata() });
            return;
          }
          if (frame.result) call.write(frame.result);
        }
      }
      call.end();
    };
    run().catch((err: unknown) => {
      if (!abort.signal.aborted) call.emit("error", unreachable(node, err));
    });
  };
}

export interface GrpcBridge {
  /** host:port, as iwallet's `-s` takes it. */
  address: string;
  port: number;
  stop(): Promise<void>;
}

export interface BridgeOptions {
  /** The node's HTTP RPC, e.g. http://127.0.0.1:30001. */
  node: string;
  /** 0 picks a free one. */
  port: number;
  /** Default 127.0.0.1 (a local node is loopback only). */
  host?: string;
}

export async function startGrpcBridge(options: BridgeOptions): Promise<GrpcBridge> {
  const node = options.node.replace(/\/$/, "");
  const host = options.host ?? "127.0.0.1";
  const service = (apiService().ApiService as grpc.ServiceClientConstructor).service;
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(service)) {
    const route = ROUTES[name];
    if (!route) continue; // grpc-js answers UNIMPLEMENTED
    handlers[name] = method.responseStream ? stream(node, route) : unary(node, route);
  }
  const server = new grpc.Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((ok, fail) =>
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? fail(err) : ok(bound))),
  );
  return {
    address: `${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((ok) => {
        // Open Subscribe streams would hold a graceful shutdown: a second's grace, then force.
        const timer = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          ok();
        });
      }),
  };
}

function usage(message?: string): never {
  if (message) console.error(`grpc: ${message}`);
  console.error("usage: npm run grpc -- [--node URL] [--port N] [--host H]   (default http://127.0.0.1:30001, 30002, 127.0.0.1)");
  process.exit(2);
}

/** `npm run grpc`: a bridge in front of a node already running (or deployed). */
async function main(argv: string[]): Promise<void> {
  const options: BridgeOptions = { node: "http://127.0.0.1:30001", port: 30002 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (flag: string) => (arg.includes("=") ? arg.slice(flag.length + 1) : (argv[++i] ?? usage(`${flag} needs a value`)));
    if (arg === "--node" || arg.startsWith("--node=")) options.node = value("--node");
    else if (arg === "--host" || arg.startsWith("--host=")) options.host = value("--host");
    else if (arg === "--port" || arg.startsWith("--port=")) {
      const text = value("--port");
      options.port = Number(text);
      if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) usage(`invalid port ${JSON.stringify(text)}`);
    } else usage(arg === "--help" || arg === "-h" ? undefined : `unknown option ${arg}`);
  }
  const bridge = await startGrpcBridge(options);
  console.log(`gRPC rpcpb.ApiService on ${bridge.address} → ${options.node} (iwallet -s ${bridge.address})`);
  onInterrupt("the gRPC bridge", () => bridge.stop(), 5_000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`grpc: ${(err as Error).message}`);
    process.exit(1);
  });
}

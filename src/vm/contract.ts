/**
 * Deployed JavaScript contracts: how they are stored, compiled at deploy
 * (validation + gas injection) and called (one sandbox run per call).
 *
 * State: `c-<id>` = JSON `{"ID","info":{"lang","version","abi"},"code","orig_code"}`
 * (go-iost keeps the protobuf Contract under the same prefix; RAM is charged
 * on the protobuf length, see `protoLength`).
 */
import { COSTS, type Cost } from "../contracts/cost.js";
import { VmError } from "../contracts/errors.js";
import type { Host } from "../contracts/host.js";
import type { Arg } from "../contracts/args.js";
import type { ContractDef, NativeAbi } from "../contracts/monitor.js";
import type { State } from "../state/state.js";
import { byteLength, contractKey, withAge, withoutAge } from "../state/storage.js";
import { parseSource } from "./ast.js";
import { blockObject, hostApi, txObject } from "./host-api.js";
import { contractLogger } from "./console.js";
import { decodeProtoContract } from "./contract-proto.js";
import { injectGas } from "./inject.js";
import { runSandbox } from "./sandbox.js";
import { validateContract, type AbiJson } from "./validate.js";

export interface StoredContract {
  ID: string;
  info: { lang: string; version: string; abi: AbiJson[] };
  code: string;
  orig_code: string;
}

const MAX_CODE_BYTES = 49_152;
const MAX_RESULT_BYTES = 65_536;

/** Go's json is case-insensitive on keys: `{"ID","info","code"}` in any case. */
export function field(o: Record<string, unknown>, name: string): unknown {
  for (const k of Object.keys(o)) if (k.toLowerCase() === name) return o[k];
  return undefined;
}

/** The contract JSON iost.js sends; anything not starting with `{` is base64 protobuf, as go-iost decides. */
export function parsePayload(text: string): Record<string, unknown> {
  if (!text.startsWith("{")) return decodeProtoContract(text);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new VmError(`compile contract: ${(e as Error).message}`);
  }
}

/** Parse and compile a setCode/updateCode payload. */
export function compileContract(h: Host, text: string): StoredContract {
  const o = parsePayload(text);
  const info = field(o, "info") as Record<string, unknown> | undefined;
  const src = field(o, "code");
  if (typeof info !== "object" || info === null) throw new VmError("compile contract: info is required");
  if (typeof src !== "string" || src.length === 0 || byteLength(src) > MAX_CODE_BYTES) throw new VmError("code size invalid");
  const lang = field(info, "lang");
  if (lang !== "javascript") throw new VmError(`compile contract: lang ${String(lang)} not supported`);
  const program = parseSource(src);
  const abi = validateContract(program, field(info, "abi") ?? []);
  for (const a of abi)
    for (const l of a.amountLimit)
      if (l.token !== "*" && h.tokenDecimal(l.token) === -1) throw new VmError(`compile contract: token not exists in amountLimit: ${l.token}`);
  const version = field(info, "version");
  const id = field(o, "id");
  return {
    ID: typeof id === "string" ? id : "",
    info: { lang: "javascript", version: typeof version === "string" ? version : "", abi },
    code: injectGas(src, program),
    orig_code: src,
  };
}

// Protobuf length of go-iost contract.Contract without origCode (what RAM is charged on).
const varintLen = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
const strField = (s: string) => (s === "" ? 0 : 1 + varintLen(byteLength(s)) + byteLength(s));
const msgField = (n: number) => 1 + varintLen(n) + n;
export function protoLength(c: StoredContract): number {
  const abiLen = (a: AbiJson) =>
    strField(a.name) +
    a.args.reduce((n, s) => n + 1 + varintLen(byteLength(s)) + byteLength(s), 0) +
    a.amountLimit.reduce((n, l) => n + msgField(strField(l.token) + strField(l.val)), 0);
  const info = strField(c.info.lang) + strField(c.info.version) + c.info.abi.reduce((n, a) => n + msgField(abiLen(a)), 0);
  return strField(c.ID) + msgField(info) + strField(c.code);
}

export function loadContract(state: State, id: string): StoredContract | undefined {
  const raw = state.get(contractKey(id));
  return raw === undefined ? undefined : (JSON.parse(withoutAge(raw)) as StoredContract);
}

export function storeContract(h: Host, c: StoredContract): void {
  const key = contractKey(c.ID);
  const raw = JSON.stringify(c);
  // Its creator's age, kept by an updateCode (storage.ts withAge).
  const made = h.creatorAge(h.state.get(key));
  h.state.put(key, made === null ? raw : withAge(raw, made));
}

/** JS calls in progress, outermost first: a nested call's budget is the action's remaining gas less what they have spent. */
const active: { cost: Cost; jsGas: number }[] = [];

function jsLiteral(a: Arg): string {
  if (typeof a === "string") return JSON.stringify(a);
  if (typeof a === "object") return a.json;
  return String(a);
}

/** IOST's sandbox.go Prepare, as the function the sandbox calls, with `values` as the arguments' sources. */
const prepareFn = (abi: string, values: string[]) =>
  `() => { const obj = new module.exports(); let rs = obj[${JSON.stringify(abi)}](${values.join(", ")}); ` +
  `if (typeof rs === "function" || typeof rs === "object") { _IOSTInstruction_counter.incr(12); rs = JSON.stringify(rs); } ` +
  `return rs === undefined ? "" : "" + rs; }`;

/** Factory sources by ABI and argument count, the same text for every call of that shape (at most FACTORIES_MAX kept). */
const factories = new Map<string, string>();
const FACTORIES_MAX = 1024;
function factorySource(abi: string, n: number): string {
  const key = `${n}/${abi}`;
  let src = factories.get(key);
  if (src === undefined) {
    const params = Array.from({ length: n }, (_, i) => `_IOSTArg${i}`);
    src = `(${params.join(", ")}) => ${prepareFn(abi, params)}`;
    if (factories.size >= FACTORIES_MAX) factories.clear();
    factories.set(key, src);
  }
  return src;
}

/** Run `abi(args)` of a deployed contract: IOST's sandbox.go Prepare script, returning one string. */
function callContract(h: Host, c: StoredContract, abi: string, args: Arg[], cost: Cost): string {
  const spent = active.reduce((n, f) => n + f.cost.toGas() + f.jsGas + COSTS.JSCost, 0);
  const budget = h.gasLimit - spent - COSTS.JSCost;
  if (budget <= 0) throw new VmError("out of gas");
  const frame = { cost, jsGas: 0 };
  const checkGas = (jsGas: number) => {
    frame.jsGas = jsGas;
    if (jsGas + cost.toGas() > budget) throw new VmError("out of gas");
  };
  // Plain values need no parsing: one factory per ABI then serves every call (sandbox.ts), its
  // parameters standing where the literals stood, in a frame of the same size.
  const plain = args.every((a) => typeof a !== "object");
  const factory = plain
    ? { source: factorySource(abi, args.length), values: args.map((a) => (typeof a === "bigint" ? Number(a) : (a as string | boolean))) }
    : undefined;
  active.push(frame);
  let r;
  try {
    r = runSandbox({
      code: c.code,
      // Read only when the call is compiled (a JSON argument, or no image): not built for the rest.
      get call() {
        return prepareFn(abi, args.map(jsLiteral));
      },
      factory,
      budget,
      txJson: JSON.stringify(txObject(h, false)),
      blockJson: JSON.stringify(blockObject(h, false)),
      host: hostApi(h, cost, { abi, checkGas }),
      log: contractLogger(c.ID),
    });
  } finally {
    active.pop();
  }
  cost.cpuAdd(r.gas);
  if (r.error) throw r.error;
  const value = r.value ?? "";
  if (byteLength(value) > MAX_RESULT_BYTES) throw new VmError("result too long");
  return value;
}

function jsAbi(c: StoredContract, name: string, args: readonly string[], amountLimit: AbiJson["amountLimit"], priv = false): NativeAbi {
  return { name, args, amountLimit, private: priv, fn: (h, a, cost) => [callContract(h, c, name, a, cost)] };
}

/** Decoded contracts by id, reused while the stored text is unchanged (decoding is a pure function of it). */
const cache = new Map<string, { raw: string; def: ContractDef }>();
const CACHE_MAX = 256;

export function resolveContract(state: State, id: string): ContractDef | undefined {
  if (!id.startsWith("Contract")) return undefined;
  const raw = state.get(contractKey(id));
  if (raw === undefined) return undefined;
  const hit = cache.get(id);
  if (hit && hit.raw === raw) return hit.def;
  const c = JSON.parse(withoutAge(raw)) as StoredContract;
  const abis = new Map<string, NativeAbi>([["init", jsAbi(c, "init", [], [], true)]]);
  for (const a of c.info.abi) abis.set(a.name, jsAbi(c, a.name, a.args, a.amountLimit));
  const def: ContractDef = { id, version: c.info.version, lang: "javascript", abis };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(id, { raw, def });
  return def;
}

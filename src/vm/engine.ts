/**
 * The QuickJS wasm module of the contract VM: loaded once per isolate/process,
 * lazily, and reloaded after a node fault. Loading is asynchronous while
 * execution is synchronous, so whoever executes transactions awaits `loadVm()`
 * first (tests in beforeAll, a shard before it executes a chunk).
 *
 * Wasm memory never shrinks, so an instance that once grew keeps its size:
 * `loadVm()` replaces one above RELOAD_BYTES by a fresh instance (a few ms),
 * so every chunk starts with the headroom docs/STATE.md "Memory bound" argues.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import { NodeFault } from "../contracts/errors.js";

/** An instance above this is replaced before the next chunk; the sandbox's guard is 96 MB. */
export const RELOAD_BYTES = 48 * 1024 * 1024;

let module: QuickJSWASMModule | undefined;
let loading: Promise<QuickJSWASMModule> | undefined;

/** workerd cannot compile wasm from bytes: it needs the module imported through the CompiledWasm rule (wrangler.toml). */
async function workerdWasm(): Promise<WebAssembly.Module | undefined> {
  if (typeof navigator === "undefined" || navigator.userAgent !== "Cloudflare-Workers") return undefined;
  return (await import("@jitl/quickjs-wasmfile-release-sync/wasm")).default as WebAssembly.Module;
}

export function loadVm(): Promise<QuickJSWASMModule> {
  if (module && module.getWasmMemory().buffer.byteLength > RELOAD_BYTES) module = undefined;
  if (module) return Promise.resolve(module);
  loading ??= (async () => {
    const wasmModule = await workerdWasm();
    const m = await newQuickJSWASMModuleFromVariant(wasmModule ? newVariant(releaseSync, { wasmModule }) : releaseSync);
    module = m;
    loading = undefined;
    return m;
  })();
  return loading;
}

export function quickjs(): QuickJSWASMModule {
  if (!module) throw new NodeFault("contract VM not loaded: await loadVm() before executing transactions");
  return module;
}

/** Wasm memory never shrinks: after a memory fault the instance is dropped and the next loadVm() makes a fresh one. */
export function dropVm(): void {
  module = undefined;
}

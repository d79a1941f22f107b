/** The QuickJS wasm as a compiled module (wrangler.toml CompiledWasm rule; only imported in workerd). */
declare module "@jitl/quickjs-wasmfile-release-sync/wasm" {
  const wasmModule: WebAssembly.Module;
  export default wasmModule;
}

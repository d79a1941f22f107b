/** A wasm file of this repository as a compiled module (wrangler.toml CompiledWasm rule; only imported in workerd). */
declare module "*.wasm" {
  const wasmModule: WebAssembly.Module;
  export default wasmModule;
}

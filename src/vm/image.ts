/**
 * Memory images of the QuickJS wasm instance: a call starts from a copy of the
 * bytes its instance had once its runtime, context and prelude were set up,
 * instead of building them again (docs/ARCHITECTURE.md "Platform notes").
 *
 * The live state of the instance is its linear memory below the heap's break
 * (the wasm's only global, the stack pointer, is back at its base between
 * calls). The layout is the pinned build's (@jitl/quickjs-wasmfile-release-sync
 * 0.32.0, emscripten's default order): static data and bss, a 5 MiB stack, then
 * the heap, whose break sbrk keeps in a static word. An image holds the static
 * area and the heap up to the break; restoring one also zeroes what the heap
 * grew into since, so every byte below the highest break ever reached is the
 * image's. What stays is the stack below its base: dead frames that no C code
 * reads before writing. test/unit/vm/image.test.ts checks the layout against
 * the wasm file.
 */
import type { QuickJSWASMModule } from "quickjs-emscripten-core";
import { NodeFault } from "../contracts/errors.js";

/** End of static data and bss (where the stack's 5 MiB end). */
export const STATIC_END = 90_208;
/** The stack pointer's initial value: the stack's base and the heap's start (`__heap_base`). */
export const HEAP_BASE = 5_333_088;
/** emscripten's `sbrk_val`: the heap's current break. */
export const BRK_AT = 86_864;

export interface Image {
  readonly static: Uint8Array;
  readonly heap: Uint8Array;
  readonly brk: number;
}

const brkOf = (mem: WebAssembly.Memory) => new Uint32Array(mem.buffer, BRK_AT, 1)[0];

/** The instance's state now; call it between calls only (no wasm frame active). */
export function takeImage(q: QuickJSWASMModule): Image {
  const mem = q.getWasmMemory();
  const brk = brkOf(mem);
  if (brk < HEAP_BASE || brk > mem.buffer.byteLength) throw new NodeFault(`contract VM layout: break ${brk} outside the heap`);
  const bytes = new Uint8Array(mem.buffer);
  return { static: bytes.slice(0, STATIC_END), heap: bytes.slice(HEAP_BASE, brk), brk };
}

/** Puts the instance back as it was when `img` was taken (same instance, between calls). */
export function restoreImage(q: QuickJSWASMModule, img: Image): void {
  const mem = q.getWasmMemory();
  const brk = brkOf(mem);
  const bytes = new Uint8Array(mem.buffer);
  if (brk > img.brk) bytes.fill(0, img.brk, brk);
  bytes.set(img.static, 0);
  bytes.set(img.heap, HEAP_BASE);
}

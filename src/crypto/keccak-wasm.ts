/**
 * The bytes of a WebAssembly module that absorbs whole SHA3-256 blocks (sha3.ts uses it). Written
 * out here instead of compiled from another language: keccak-f[1600] is 64-bit lanes, xor, and,
 * not and rotate, which wasm has as single i64 instructions, so the module holds the 25 lanes in
 * locals and runs about four times faster than the 32-bit halves JavaScript has to use.
 * `scripts/keccak-wasm.ts` writes these bytes to keccak.wasm, the file workerd imports (it cannot
 * compile wasm from bytes at run time); test/unit/crypto/sha3.test.ts checks the file is these bytes.
 *
 * Memory (one 64 KiB page): the state's 25 lanes at 0 (little-endian, the digest is its first 32
 * bytes), the round constants at 256, the blocks to absorb from 512 on. `absorb(blocks)` xors each
 * block's first 17 lanes into the state and permutes, `blocks` times; the caller pads.
 */

/** Rotation offsets ρ by lane (x, y): ROT[x][y]. */
const ROT = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
];

/** Round constants ι. */
const RC = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
];

/** Where the blocks to absorb start in the module's memory. */
export const INPUT_AT = 512;
const RC_AT = 256;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 127;
    n >>>= 7;
    out.push(n === 0 ? low : low | 128);
  } while (n !== 0);
  return out;
}

function sleb(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const low = Number(n & 127n);
    n >>= 7n;
    if ((n === 0n && (low & 64) === 0) || (n === -1n && (low & 64) !== 0)) return [...out, low];
    out.push(low | 128);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

// Opcodes.
const BLOCK = 0x02,
  LOOP = 0x03,
  END = 0x0b,
  BR = 0x0c,
  BR_IF = 0x0d,
  LOCAL_GET = 0x20,
  LOCAL_SET = 0x21,
  LOCAL_TEE = 0x22,
  I64_LOAD = 0x29,
  I64_STORE = 0x37,
  I32_CONST = 0x41,
  I64_CONST = 0x42,
  I32_EQZ = 0x45,
  I32_NE = 0x47,
  I32_ADD = 0x6a,
  I32_SUB = 0x6b,
  I32_SHL = 0x74,
  I64_AND = 0x83,
  I64_XOR = 0x85,
  I64_ROTL = 0x89,
  VOID = 0x40,
  I32 = 0x7f,
  I64 = 0x7e;

/** The function body of `absorb(blocks: i32)`. */
function absorbBody(): number[] {
  // Locals: the parameter, then the block pointer and the round (i32), then lanes a, b (ρπ's output), c and d (θ's).
  const BLOCKS = 0,
    PTR = 1,
    ROUND = 2,
    A = 3,
    B = 28,
    C = 53,
    D = 58;
  const c: number[] = [];
  const get = (i: number) => c.push(LOCAL_GET, ...uleb(i));
  const set = (i: number) => c.push(LOCAL_SET, ...uleb(i));
  const i32 = (n: number) => c.push(I32_CONST, ...sleb(BigInt(n)));
  const i64 = (n: bigint) => c.push(I64_CONST, ...sleb(n));
  const load = (offset: number) => c.push(I64_LOAD, 3, ...uleb(offset));
  for (let i = 0; i < 25; i++) {
    i32(0);
    load(8 * i);
    set(A + i);
  }
  i32(INPUT_AT);
  set(PTR);
  c.push(BLOCK, VOID, LOOP, VOID);
  get(BLOCKS);
  c.push(I32_EQZ, BR_IF, 1);
  for (let i = 0; i < 17; i++) {
    get(PTR);
    load(8 * i);
    get(A + i);
    c.push(I64_XOR);
    set(A + i);
  }
  i32(0);
  set(ROUND);
  c.push(LOOP, VOID);
  // θ: column parities, then each lane xored with its neighbours' mix.
  for (let x = 0; x < 5; x++) {
    get(A + x);
    for (let y = 1; y < 5; y++) {
      get(A + x + 5 * y);
      c.push(I64_XOR);
    }
    set(C + x);
  }
  for (let x = 0; x < 5; x++) {
    get(C + ((x + 4) % 5));
    get(C + ((x + 1) % 5));
    i64(1n);
    c.push(I64_ROTL, I64_XOR);
    set(D + x);
  }
  // ρ and π: lane (x, y) rotated into b at (y, 2x + 3y).
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      get(A + x + 5 * y);
      get(D + x);
      c.push(I64_XOR);
      if (ROT[x][y] !== 0) {
        i64(BigInt(ROT[x][y]));
        c.push(I64_ROTL);
      }
      set(B + y + 5 * ((2 * x + 3 * y) % 5));
    }
  }
  // χ, then ι from the table at RC_AT.
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      get(B + x + 5 * y);
      get(B + ((x + 1) % 5) + 5 * y);
      i64(-1n);
      c.push(I64_XOR);
      get(B + ((x + 2) % 5) + 5 * y);
      c.push(I64_AND, I64_XOR);
      set(A + x + 5 * y);
    }
  }
  get(A);
  get(ROUND);
  i32(3);
  c.push(I32_SHL);
  load(RC_AT);
  c.push(I64_XOR);
  set(A);
  get(ROUND);
  i32(1);
  c.push(I32_ADD, LOCAL_TEE, ...uleb(ROUND));
  i32(24);
  c.push(I32_NE, BR_IF, 0, END);
  get(PTR);
  i32(136);
  c.push(I32_ADD);
  set(PTR);
  get(BLOCKS);
  i32(1);
  c.push(I32_SUB);
  set(BLOCKS);
  c.push(BR, 0, END, END);
  for (let i = 0; i < 25; i++) {
    i32(0);
    get(A + i);
    c.push(I64_STORE, 3, ...uleb(8 * i));
  }
  c.push(END);
  return [
    ...vec([
      [...uleb(2), I32],
      [...uleb(60), I64],
    ]),
    ...c,
  ];
}

/** The module: `memory` (one page) and `absorb(blocks)`, the round constants as its data. */
export function keccakWasm(): Uint8Array {
  const body = absorbBody();
  const rc = RC.flatMap((r) => Array.from({ length: 8 }, (_, i) => Number((r >> BigInt(8 * i)) & 255n)));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec([[0x60, 1, I32, 0]])), // type: (i32) -> ()
    ...section(3, vec([[0]])), // function 0 of type 0
    ...section(5, vec([[0, 1]])), // memory: at least one page
    ...section(
      7,
      vec([
        [...name("memory"), 2, 0],
        [...name("absorb"), 0, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
    ...section(11, vec([[0, I32_CONST, ...uleb(RC_AT), END, ...uleb(rc.length), ...rc]])),
  ]);
}

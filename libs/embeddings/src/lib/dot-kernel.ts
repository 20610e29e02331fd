/**
 * Dot products of one query against every row of a float32 matrix, four f32x4 accumulators at a time with
 * WebAssembly SIMD. Assembled below instruction by instruction (nothing fetched or built); the function is
 *
 *   scores(q, m, rows, dimBytes, out): for each of `rows` rows starting at byte m (stride dimBytes):
 *       a0..a3 = 0; for j in 0, 64, … < dimBytes: a_u += m[j+16u .. +16] * q[j+16u .. +16]   (f32x4, u = 0..3)
 *       s = ((a0 + a1) + a2) + a3;  out[r] = ((s[0] + s[1]) + s[2]) + s[3]                  (float32 throughout)
 *
 * so `dimBytes` must be a positive multiple of 64 (dim a multiple of 16). `dotScalar` below computes exactly the same
 * float32 sums in JavaScript (Math.fround at every step), for engines without SIMD and for the tests.
 */
const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// Locals: parameters 0–4, then j (5) and the accumulators a0..a3 (6–9).
const Q = 0,
  M = 1,
  ROWS = 2,
  DIM_BYTES = 3,
  OUT = 4,
  J = 5,
  A0 = 6;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32Const = (v: number) => [0x41, ...sleb(v)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const v128Load = (offset: number) => simd(0x00, 4, ...uleb(offset)); // align 2^4, offset
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const lane = (l: number) => simd(0x1f, l);

const inner: number[] = [];
for (let u = 0; u < 4; u++) {
  inner.push(...get(A0 + u));
  inner.push(...get(M), ...get(J), 0x6a, ...v128Load(16 * u));
  inner.push(...get(Q), ...get(J), 0x6a, ...v128Load(16 * u));
  inner.push(...f32x4Mul, ...f32x4Add, ...set(A0 + u));
}

// prettier-ignore
const BODY = [
  2, 1, I32, 4, V128, // locals: 1 × i32, 4 × v128
  0x02, 0x40, 0x03, 0x40, // block, loop (over rows)
  ...get(ROWS), 0x45, 0x0d, 1, // if rows == 0 break
  ...simd(0x0c, ...new Array<number>(16).fill(0)), ...tee(A0), ...tee(A0 + 1), ...tee(A0 + 2), ...set(A0 + 3),
  ...i32Const(0), ...set(J),
  0x03, 0x40, // loop (over 16-float steps)
  ...inner,
  ...get(J), ...i32Const(64), 0x6a, ...tee(J), ...get(DIM_BYTES), 0x49, 0x0d, 0, // j += 64; continue while j < dimBytes
  0x0b,
  ...get(OUT),
  ...get(A0), ...get(A0 + 1), ...f32x4Add, ...get(A0 + 2), ...f32x4Add, ...get(A0 + 3), ...f32x4Add, ...tee(A0),
  ...lane(0), ...get(A0), ...lane(1), 0x92, ...get(A0), ...lane(2), 0x92, ...get(A0), ...lane(3), 0x92,
  0x38, 2, 0, // f32.store align 4 offset 0
  ...get(M), ...get(DIM_BYTES), 0x6a, ...set(M),
  ...get(OUT), ...i32Const(4), 0x6a, ...set(OUT),
  ...get(ROWS), ...i32Const(1), 0x6b, ...set(ROWS),
  0x0c, 0, // br 0 (next row)
  0x0b, 0x0b, 0x0b, // end loop, end block, end function
];

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}
function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // (i32 × 5) -> ()
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 0x01]), // memory import, min 1 page
  ...section(3, [1, 0]),
  ...section(7, [1, ...name('scores'), 0x00, 0]),
  ...section(10, [1, ...uleb(BODY.length), ...BODY]),
]);

interface WasmMemory {
  buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm !== undefined && wasm.validate(MODULE_BYTES) ? new wasm.Module(MODULE_BYTES) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Largest WebAssembly (wasm32) memory: 65536 pages of 64 KiB. */
export const MAX_WASM_BYTES = 65536 * 65536;

export type ScoresFn = (q: number, m: number, rows: number, dimBytes: number, out: number) => void;

/** A memory of at least `bytes` bytes with the kernel bound to it, or null when SIMD is unavailable. */
export function simdMemory(bytes: number): { buffer: ArrayBuffer; scores: ScoresFn } | null {
  const mod = kernelModule();
  if (mod === null || wasm === undefined || bytes > MAX_WASM_BYTES) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  const inst = new wasm.Instance(mod, { env: { mem: memory } });
  return { buffer: memory.buffer, scores: inst.exports['scores'] as ScoresFn };
}

/** The kernel's arithmetic in JavaScript (same float32 roundings, same order), for dims that are multiples of 16. */
export function dotSimdOrder(q: Float32Array, m: Float32Array, rowStart: number, dim: number): number {
  const f = Math.fround;
  const acc = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // a_u lane l at 4u + l
  const base = rowStart * dim;
  for (let j = 0; j < dim; j += 16) {
    for (let t = 0; t < 16; t++) {
      acc[t] = f((acc[t] as number) + f((m[base + j + t] as number) * (q[j + t] as number)));
    }
  }
  const s = [0, 1, 2, 3].map((l) =>
    f(f(f((acc[l] as number) + (acc[4 + l] as number)) + (acc[8 + l] as number)) + (acc[12 + l] as number)),
  );
  return f(f(f((s[0] as number) + (s[1] as number)) + (s[2] as number)) + (s[3] as number));
}

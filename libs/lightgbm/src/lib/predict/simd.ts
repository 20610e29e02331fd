/**
 * Word-wise AND of int32 vectors, 128 bits at a time with WebAssembly SIMD (V8 does not vectorise the plain JavaScript
 * loop: measured here 1.7–2 ns per word in JavaScript, 0.2 ns in WebAssembly).
 *
 * The module is a dozen instructions, assembled below byte by byte so that nothing is fetched or built:
 *
 *   (func (export "and") (param $dst i32) (param $src i32) (param $bytes i32)
 *     (block (loop
 *       (br_if 1 (i32.eqz (local.get $bytes)))
 *       (v128.store (local.get $dst) (v128.and (v128.load (local.get $dst)) (v128.load (local.get $src))))
 *       (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
 *       (local.set $src (i32.add (local.get $src) (i32.const 16)))
 *       (local.set $bytes (i32.sub (local.get $bytes) (i32.const 16)))
 *       (br 0))))
 *
 * with its memory imported as `env.mem`.
 */
const BODY = [
  0x00, // no locals besides the parameters
  0x02,
  0x40,
  0x03,
  0x40, // block, loop
  0x20,
  0x02,
  0x45,
  0x0d,
  0x01, // br_if 1 (bytes == 0)
  0x20,
  0x00, // dst (store address)
  0x20,
  0x00,
  0xfd,
  0x00,
  0x04,
  0x00, // v128.load dst
  0x20,
  0x01,
  0xfd,
  0x00,
  0x04,
  0x00, // v128.load src
  0xfd,
  0x4e, // v128.and
  0xfd,
  0x0b,
  0x04,
  0x00, // v128.store
  0x20,
  0x00,
  0x41,
  0x10,
  0x6a,
  0x21,
  0x00, // dst += 16
  0x20,
  0x01,
  0x41,
  0x10,
  0x6a,
  0x21,
  0x01, // src += 16
  0x20,
  0x02,
  0x41,
  0x10,
  0x6b,
  0x21,
  0x02, // bytes -= 16
  0x0c,
  0x00,
  0x0b,
  0x0b,
  0x0b, // br 0, end loop, end block, end function
];

/**
 * `and2(dst, a, b, bytes)`: `dst &= a & b`, 16 bytes at a time — one pass where two calls of `and` make two.
 */
const V128_LOAD = [0xfd, 0x00, 0x04, 0x00];
const V128_AND = [0xfd, 0x4e];
const AND2 = [
  0x00,
  ...[0x02, 0x40, 0x03, 0x40], // block, loop
  ...[0x20, 3, 0x45, 0x0d, 1], // br_if 1 (bytes == 0)
  ...[0x20, 0], // the store's address
  ...[0x20, 0, ...V128_LOAD, 0x20, 1, ...V128_LOAD, ...V128_AND, 0x20, 2, ...V128_LOAD, ...V128_AND],
  ...[0xfd, 0x0b, 0x04, 0x00], // v128.store
  ...[0, 1, 2].flatMap((p) => [0x20, p, 0x41, 0x10, 0x6a, 0x21, p]), // dst, a, b += 16
  ...[0x20, 3, 0x41, 0x10, 0x6b, 0x21, 3], // bytes -= 16
  ...[0x0c, 0, 0x0b, 0x0b, 0x0b], // br 0, end loop, end block, end function
];

/** `set3(dst, a, b, c, bytes)`: `dst = a & b & c` — a row's masks from a stored state, the base and a snapshot. */
const SET3 = [
  0x00,
  ...[0x02, 0x40, 0x03, 0x40],
  ...[0x20, 4, 0x45, 0x0d, 1], // br_if 1 (bytes == 0)
  ...[0x20, 0],
  ...[0x20, 1, ...V128_LOAD, 0x20, 2, ...V128_LOAD, ...V128_AND, 0x20, 3, ...V128_LOAD, ...V128_AND],
  ...[0xfd, 0x0b, 0x04, 0x00],
  ...[0, 1, 2, 3].flatMap((p) => [0x20, p, 0x41, 0x10, 0x6a, 0x21, p]),
  ...[0x20, 4, 0x41, 0x10, 0x6b, 0x21, 4],
  ...[0x0c, 0, 0x0b, 0x0b, 0x0b],
];

/**
 * `sum1(masks, leaves, nTrees) -> f64` and `sum2(…)`: the exit leaves' values summed in tree order, for trees of one
 * and of two 32-bit words of leaf bits (QuickScorer's last step). Byte offsets into the same memory:
 *
 *   sum1: for t in 0…n: s += f64[leaves + 8·((t << 5) + clz(i32[masks + 4t]))]
 *   sum2: for t in 0…n: hi = i32[masks + 8t]; p = hi ≠ 0 ? clz(hi) : 32 + clz(i32[masks + 8t + 4])
 *                       s += f64[leaves + 8·((t << 6) + p)]
 *
 * The same additions in the same order as the JavaScript loops, so the same bits.
 */
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_LOAD = [0x28, 0x02]; // align 4, then the offset
const F64_LOAD = [0x2b, 0x03, 0x00];
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_CLZ = 0x67;
const I32_GE_U = 0x4f;
const F64_ADD = 0xa0;
const SELECT = 0x1b;
// params: 0 masks, 1 leaves, 2 n; locals: 3 s (f64), 4 t, 5 a, 6 hi (i32)
const loopOver = (body: number[]): number[] => [
  0x02,
  0x40,
  0x03,
  0x40, // block, loop
  LOCAL_GET,
  4,
  LOCAL_GET,
  2,
  I32_GE_U,
  0x0d,
  1, // t >= n: break
  LOCAL_GET,
  3,
  ...body,
  F64_ADD,
  LOCAL_SET,
  3, // s += …
  LOCAL_GET,
  4,
  I32_CONST,
  1,
  I32_ADD,
  LOCAL_SET,
  4, // t++
  0x0c,
  0,
  0x0b,
  0x0b, // br loop, end, end
  LOCAL_GET,
  3,
  0x0b, // return s
];
const SUM1 = [
  2,
  1,
  0x7c,
  3,
  0x7f, // locals: one f64, three i32
  ...loopOver([
    LOCAL_GET,
    1, // leaves +
    LOCAL_GET,
    4,
    I32_CONST,
    5,
    I32_SHL, // (t << 5) +
    LOCAL_GET,
    0,
    LOCAL_GET,
    4,
    I32_CONST,
    2,
    I32_SHL,
    I32_ADD,
    ...I32_LOAD,
    0,
    I32_CLZ, // clz(mask)
    I32_ADD,
    I32_CONST,
    3,
    I32_SHL,
    I32_ADD,
    ...F64_LOAD, // ·8, load
  ]),
];
const SUM2 = [
  2,
  1,
  0x7c,
  3,
  0x7f,
  ...loopOver([
    LOCAL_GET,
    1,
    LOCAL_GET,
    4,
    I32_CONST,
    6,
    I32_SHL, // (t << 6) +
    LOCAL_GET,
    0,
    LOCAL_GET,
    4,
    I32_CONST,
    3,
    I32_SHL,
    I32_ADD,
    LOCAL_TEE,
    5, // a = masks + 8t
    ...I32_LOAD,
    0,
    LOCAL_TEE,
    6,
    I32_CLZ, // clz(hi)
    LOCAL_GET,
    5,
    ...I32_LOAD,
    4,
    I32_CLZ,
    I32_CONST,
    32,
    I32_ADD, // 32 + clz(lo)
    LOCAL_GET,
    6,
    SELECT, // hi ≠ 0 ? … : …
    I32_ADD,
    I32_CONST,
    3,
    I32_SHL,
    I32_ADD,
    ...F64_LOAD,
  ]),
];

/**
 * `sum1x4(m, stride, leaves, n, out)` and `sum2x4(…)`: the same sums for four rows at once, whose masks start at
 * `m`, `m + stride`, `m + 2·stride` and `m + 3·stride`; the four sums go to `f64[out … out + 32)`. Each row keeps its own
 * accumulator, added in tree order as above (the same bits); four independent chains of additions run in the time of
 * one, whose latency bounds {@link sum1}.
 */
const F64_STORE = 0x39;
function sumX4(words: 1 | 2): number[] {
  // params: 0 m, 1 stride, 2 leaves, 3 n, 4 out; locals: 5–8 s0–s3 (f64), 9 t, 10 l, 11–14 p0–p3, 15 hi (i32)
  const S = 5;
  const T = 9;
  const L = 10;
  const P = 11;
  const HI = 15;
  const code: number[] = [2, 4, 0x7c, 7, 0x7f];
  // p0 = m; p1 = p0 + stride; …
  code.push(LOCAL_GET, 0, LOCAL_SET, P);
  for (let k = 1; k < 4; k++) code.push(LOCAL_GET, P + k - 1, LOCAL_GET, 1, I32_ADD, LOCAL_SET, P + k);
  code.push(0x02, 0x40, 0x03, 0x40, LOCAL_GET, T, LOCAL_GET, 3, I32_GE_U, 0x0d, 1); // block, loop, t >= n: break
  // l = leaves + t · 8 · 32 · words
  code.push(LOCAL_GET, 2, LOCAL_GET, T, I32_CONST, words === 1 ? 8 : 9, I32_SHL, I32_ADD, LOCAL_SET, L);
  for (let k = 0; k < 4; k++) {
    code.push(LOCAL_GET, S + k, LOCAL_GET, L);
    if (words === 1) {
      code.push(LOCAL_GET, P + k, ...I32_LOAD, 0, I32_CLZ);
    } else {
      code.push(LOCAL_GET, P + k, ...I32_LOAD, 0, LOCAL_TEE, HI, I32_CLZ);
      code.push(LOCAL_GET, P + k, ...I32_LOAD, 4, I32_CLZ, I32_CONST, 32, I32_ADD, LOCAL_GET, HI, SELECT);
    }
    code.push(I32_CONST, 3, I32_SHL, I32_ADD, ...F64_LOAD, F64_ADD, LOCAL_SET, S + k);
  }
  for (let k = 0; k < 4; k++) code.push(LOCAL_GET, P + k, I32_CONST, 4 * words, I32_ADD, LOCAL_SET, P + k);
  code.push(LOCAL_GET, T, I32_CONST, 1, I32_ADD, LOCAL_SET, T, 0x0c, 0, 0x0b, 0x0b); // t++, br loop, end, end
  for (let k = 0; k < 4; k++) code.push(LOCAL_GET, 4, LOCAL_GET, S + k, F64_STORE, 0x03, 8 * k);
  code.push(0x0b);
  return code;
}

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...leb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

const fn = (body: number[]): number[] => [...leb(body.length), ...body];

const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  // types: 0 = (i32, i32, i32) -> (), 1 = (i32, i32, i32) -> f64, 2 = (i32 × 5) -> (), 3 = (i32 × 4) -> ()
  ...section(1, [
    4,
    ...[0x60, 3, 0x7f, 0x7f, 0x7f, 0],
    ...[0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7c],
    ...[0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0],
    ...[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0],
  ]),
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 0x01]), // import memory, min 1 page
  // and: type 0; sum1, sum2: type 1; sum1x4, sum2x4, set3: type 2; and2: type 3
  ...section(3, [7, 0, 1, 1, 2, 2, 3, 2]),
  ...section(7, [
    7,
    ...[...name('and'), 0x00, 0],
    ...[...name('sum1'), 0x00, 1],
    ...[...name('sum2'), 0x00, 2],
    ...[...name('sum1x4'), 0x00, 3],
    ...[...name('sum2x4'), 0x00, 4],
    ...[...name('and2'), 0x00, 5],
    ...[...name('set3'), 0x00, 6],
  ]),
  ...section(10, [
    7,
    ...fn(BODY),
    ...fn(SUM1),
    ...fn(SUM2),
    ...fn(sumX4(1)),
    ...fn(sumX4(2)),
    ...fn(AND2),
    ...fn(SET3),
  ]),
]);

/** The part of the WebAssembly API used here (the workspace compiles without the DOM typings that declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}

const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

function simdModule(): object | null {
  if (compiled === undefined) {
    compiled = wasm !== undefined && wasm.validate(MODULE_BYTES) ? new wasm.Module(MODULE_BYTES) : null;
  }
  return compiled;
}

/**
 * A block of int32 words (a multiple of 4 long) and `and(dst, src, n)`: `words[dst + i] &= words[src + i]` for
 * `i < n`, where dst, src and n are multiples of 4. Backed by WebAssembly memory when the engine has SIMD, otherwise by
 * a plain Int32Array and a JavaScript loop (same results).
 */
export class WordArena {
  /**
   * Every word of the arena: the `length` words it was made with, then (past the leaf values) the regions of
   * {@link allocate}. A new view after each allocation: never keep it across one.
   */
  words: Int32Array;
  /** `leafCount` leaf values after the words (what {@link sum1} / {@link sum2} add up). */
  leaves: Float64Array;
  /** Where {@link sum1x4} / {@link sum2x4} put their four sums. */
  sums: Float64Array;
  readonly simd: boolean;
  private readonly memory: { buffer: ArrayBuffer; grow(pages: number): number } | null;
  private readonly leafCount: number;
  /** Words in use: the first free word of the next {@link allocate}. */
  private end: number;
  private readonly andBytes: ((dst: number, src: number, bytes: number) => void) | null;
  private readonly and2Bytes: ((dst: number, a: number, b: number, bytes: number) => void) | null;
  private readonly set3Bytes: ((dst: number, a: number, b: number, c: number, bytes: number) => void) | null;
  private readonly sum1Bytes: ((masks: number, leaves: number, n: number) => number) | null;
  private readonly sum2Bytes: ((masks: number, leaves: number, n: number) => number) | null;
  private readonly sum1x4Bytes: ((m: number, stride: number, leaves: number, n: number, out: number) => void) | null;
  private readonly sum2x4Bytes: ((m: number, stride: number, leaves: number, n: number, out: number) => void) | null;
  private readonly leavesAt: number;
  private readonly sumsAt: number;

  constructor(length: number, useSimd = true, leafCount = 0) {
    const n = Math.ceil(length / 4) * 4;
    const mod = useSimd ? simdModule() : null;
    this.leavesAt = n * 4; // a multiple of 16 bytes: the doubles are aligned
    this.sumsAt = this.leavesAt + leafCount * 8;
    this.leafCount = leafCount;
    this.end = Math.ceil((this.sumsAt + 4 * 8) / 16) * 4; // in words, 16-byte aligned
    if (mod !== null && wasm !== undefined) {
      const bytes = this.end * 4;
      const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
      this.memory = memory;
      const inst = new wasm.Instance(mod, { env: { mem: memory } });
      this.andBytes = inst.exports['and'] as (dst: number, src: number, bytes: number) => void;
      this.and2Bytes = inst.exports['and2'] as (dst: number, a: number, b: number, bytes: number) => void;
      this.set3Bytes = inst.exports['set3'] as (dst: number, a: number, b: number, c: number, bytes: number) => void;
      this.sum1Bytes = inst.exports['sum1'] as (masks: number, leaves: number, n: number) => number;
      this.sum2Bytes = inst.exports['sum2'] as (masks: number, leaves: number, n: number) => number;
      type X4 = (m: number, stride: number, leaves: number, n: number, out: number) => void;
      this.sum1x4Bytes = inst.exports['sum1x4'] as X4;
      this.sum2x4Bytes = inst.exports['sum2x4'] as X4;
      this.words = new Int32Array(memory.buffer);
      this.leaves = new Float64Array(memory.buffer, this.leavesAt, leafCount);
      this.sums = new Float64Array(memory.buffer, this.sumsAt, 4);
    } else {
      this.memory = null;
      this.andBytes = null;
      this.and2Bytes = null;
      this.set3Bytes = null;
      this.sum1Bytes = null;
      this.sum2Bytes = null;
      this.sum1x4Bytes = null;
      this.sum2x4Bytes = null;
      this.words = new Int32Array(this.end);
      this.leaves = new Float64Array(leafCount);
      this.sums = new Float64Array(4);
    }
    this.simd = mod !== null;
  }

  /**
   * A new region of `n` words (a multiple of 4), zeroed, at the word offset returned: the memory grows (the views
   * {@link words}, {@link leaves} and {@link sums} are replaced; the kernels see the region like any other words).
   */
  allocate(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n % 4 !== 0) throw new Error(`allocate: ${n} is not a multiple of 4 words`);
    const at = this.end;
    const end = at + n;
    if (this.memory !== null) {
      const have = this.memory.buffer.byteLength;
      if (end * 4 > have) this.memory.grow(Math.ceil((end * 4 - have) / 65536));
      const buf = this.memory.buffer;
      this.words = new Int32Array(buf);
      this.leaves = new Float64Array(buf, this.leavesAt, this.leafCount);
      this.sums = new Float64Array(buf, this.sumsAt, 4);
    } else {
      const words = new Int32Array(end);
      words.set(this.words);
      this.words = words;
    }
    this.end = end;
    return at;
  }

  /** `words[dst + i] = words[a + i] & words[b + i] & words[c + i]` for `i < n` (multiples of 4), in one pass. */
  set3(dst: number, a: number, b: number, c: number, n: number): void {
    if (this.set3Bytes !== null) {
      this.set3Bytes(dst << 2, a << 2, b << 2, c << 2, n << 2);
      return;
    }
    const w = this.words;
    for (let i = 0; i < n; i++) w[dst + i] = (w[a + i] as number) & (w[b + i] as number) & (w[c + i] as number);
  }

  and(dst: number, src: number, n: number): void {
    if (this.andBytes !== null) {
      this.andBytes(dst << 2, src << 2, n << 2);
      return;
    }
    const w = this.words;
    for (let i = 0; i < n; i++) w[dst + i] = (w[dst + i] as number) & (w[src + i] as number);
  }

  /** `words[dst + i] &= words[a + i] & words[b + i]` for `i < n` (multiples of 4), in one pass. */
  and2(dst: number, a: number, b: number, n: number): void {
    if (this.and2Bytes !== null) {
      this.and2Bytes(dst << 2, a << 2, b << 2, n << 2);
      return;
    }
    const w = this.words;
    for (let i = 0; i < n; i++) w[dst + i] = (w[dst + i] as number) & (w[a + i] as number) & (w[b + i] as number);
  }

  /** Σ over trees t < n of leaves[(t << 5) + clz(words[t])], in tree order (one 32-bit word of leaf bits per tree). */
  sum1(n: number): number {
    if (this.sum1Bytes !== null) return this.sum1Bytes(0, this.leavesAt, n);
    const { words, leaves } = this;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += leaves[(t << 5) + Math.clz32(words[t] as number)] as number;
    return sum;
  }

  /**
   * {@link sum1} of the four mask vectors at words `m + k·stride` (k < 4) into `sums[k]`, each in tree order: the same
   * bits as four calls, with the four chains of additions interleaved.
   */
  sum1x4(m: number, stride: number, n: number): void {
    if (this.sum1x4Bytes !== null) {
      this.sum1x4Bytes(m << 2, stride << 2, this.leavesAt, n, this.sumsAt);
      return;
    }
    const { words, leaves, sums } = this;
    for (let k = 0; k < 4; k++) {
      const at = m + k * stride;
      let sum = 0;
      for (let t = 0; t < n; t++) sum += leaves[(t << 5) + Math.clz32(words[at + t] as number)] as number;
      sums[k] = sum;
    }
  }

  /** {@link sum2} of four mask vectors, as {@link sum1x4}. */
  sum2x4(m: number, stride: number, n: number): void {
    if (this.sum2x4Bytes !== null) {
      this.sum2x4Bytes(m << 2, stride << 2, this.leavesAt, n, this.sumsAt);
      return;
    }
    const { words, leaves, sums } = this;
    for (let k = 0; k < 4; k++) {
      const at = m + k * stride;
      let sum = 0;
      for (let t = 0; t < n; t++) {
        const hi = words[at + (t << 1)] as number;
        const p = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(words[at + (t << 1) + 1] as number);
        sum += leaves[(t << 6) + p] as number;
      }
      sums[k] = sum;
    }
  }

  /** The same for two words per tree: the first set bit of the pair words[2t], words[2t + 1]. */
  sum2(n: number): number {
    if (this.sum2Bytes !== null) return this.sum2Bytes(0, this.leavesAt, n);
    const { words, leaves } = this;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const hi = words[t << 1] as number;
      const p = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(words[(t << 1) + 1] as number);
      sum += leaves[(t << 6) + p] as number;
    }
    return sum;
  }
}

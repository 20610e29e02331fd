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

function section(id: number, bytes: number[]): number[] {
  return [id, bytes.length, ...bytes]; // every section here is shorter than 128 bytes: a one-byte LEB128 length
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]), // type: (i32, i32, i32) -> ()
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 0x01]), // import memory, min 1 page
  ...section(3, [1, 0]), // one function of type 0
  ...section(7, [1, ...name('and'), 0x00, 0]), // export it as "and"
  ...section(10, [1, BODY.length, ...BODY]),
]);

/** The part of the WebAssembly API used here (the workspace compiles without the DOM typings that declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
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
  readonly words: Int32Array;
  readonly simd: boolean;
  private readonly andBytes: ((dst: number, src: number, bytes: number) => void) | null;

  constructor(length: number, useSimd = true) {
    const n = Math.ceil(length / 4) * 4;
    const mod = useSimd ? simdModule() : null;
    if (mod !== null && wasm !== undefined) {
      const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil((n * 4) / 65536)) });
      const inst = new wasm.Instance(mod, { env: { mem: memory } });
      this.andBytes = inst.exports['and'] as (dst: number, src: number, bytes: number) => void;
      this.words = new Int32Array(memory.buffer, 0, n);
    } else {
      this.andBytes = null;
      this.words = new Int32Array(n);
    }
    this.simd = mod !== null;
  }

  and(dst: number, src: number, n: number): void {
    if (this.andBytes !== null) {
      this.andBytes(dst << 2, src << 2, n << 2);
      return;
    }
    const w = this.words;
    for (let i = 0; i < n; i++) w[dst + i] = (w[dst + i] as number) & (w[src + i] as number);
  }
}

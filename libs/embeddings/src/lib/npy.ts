import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { EmbeddingsError } from './errors';

/**
 * numpy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) for float matrices:
 * written as version 1.0 (2.0 when the header needs it), little-endian float32, C order, byte-identical to
 * `np.save`; read from versions 1.0, 2.0 and 3.0 with dtype `<f4` (straight into the destination, no copy), `>f4`,
 * `<f8`, `>f8` (converted to float32) and C or Fortran order.
 */
export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

export interface NpyMatrix {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  data: Float32Array;
}

/** Allocates the destination of a read (e.g. inside WebAssembly memory); must return exactly `length` floats. */
export type FloatAllocator = (length: number) => Float32Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES: Record<string, { bytes: number; little: boolean; float64: boolean }> = {
  '<f4': { bytes: 4, little: true, float64: false },
  '>f4': { bytes: 4, little: false, float64: false },
  '<f8': { bytes: 8, little: true, float64: true },
  '>f8': { bytes: 8, little: false, float64: true },
};

function fail(where: string, what: string): never {
  throw new EmbeddingsError('NPY_FORMAT', `${where}: ${what}`);
}

/** Parses the header at the start of `bytes` (which must hold at least the whole header). */
export function parseNpyHeader(bytes: Uint8Array, where = '.npy'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail(where, 'not a .npy file (magic \\x93NUMPY missing)');
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(where, 'truncated header');
    headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
    start = 12;
  } else {
    fail(where, `unsupported format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`);
  }
  if (bytes.length < start + headerLen) fail(where, `truncated header (${headerLen} bytes announced)`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(where, `header is not a numpy header dict: ${text.trim().slice(0, 120)}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(v) || v < 0) fail(where, `bad dimension "${s}" in shape (${shapeText})`);
      return v;
    });
  return { version: [major, minor], descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

function checkMatrixHeader(h: NpyHeader, where: string): { rows: number; cols: number } {
  if (DTYPES[h.descr] === undefined) {
    fail(where, `dtype ${h.descr} is not a float matrix (float32 or float64 expected: arr.astype(np.float32))`);
  }
  if (h.shape.length !== 2) {
    fail(where, `expected a 2-D array [rows, dim], got shape (${h.shape.join(', ')})`);
  }
  return { rows: h.shape[0] as number, cols: h.shape[1] as number };
}

/** Reads a 2-D float matrix. `alloc` places the result (default: a new Float32Array). */
export function readNpyMatrixSync(path: string, alloc?: FloatAllocator): NpyMatrix {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readFully(fd, head, 0, head.length, 0);
    const h = parseNpyHeader(head, path);
    const { rows, cols } = checkMatrixHeader(h, path);
    const dtype = DTYPES[h.descr] as { bytes: number; little: boolean; float64: boolean };
    const n = rows * cols;
    const dataBytes = n * dtype.bytes;
    if (size !== h.dataOffset + dataBytes) {
      fail(path, `data is ${size - h.dataOffset} bytes, shape (${rows}, ${cols}) of ${h.descr} needs ${dataBytes}`);
    }
    const out = allocate(alloc, n, path);
    if (!dtype.float64 && dtype.little && !h.fortranOrder && littleEndianHost) {
      readFully(fd, new Uint8Array(out.buffer, out.byteOffset, dataBytes), 0, dataBytes, h.dataOffset);
    } else {
      const raw = new Uint8Array(dataBytes);
      readFully(fd, raw, 0, dataBytes, h.dataOffset);
      convert(raw, dtype, h.fortranOrder, rows, cols, out);
    }
    return { rows, cols, data: out };
  } finally {
    closeSync(fd);
  }
}

/** The same as readNpyMatrixSync, without blocking the event loop on large files. */
export async function readNpyMatrix(path: string, alloc?: FloatAllocator): Promise<NpyMatrix> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    await fh.read(head, 0, head.length, 0);
    const h = parseNpyHeader(head, path);
    const { rows, cols } = checkMatrixHeader(h, path);
    const dtype = DTYPES[h.descr] as { bytes: number; little: boolean; float64: boolean };
    const n = rows * cols;
    const dataBytes = n * dtype.bytes;
    if (size !== h.dataOffset + dataBytes) {
      fail(path, `data is ${size - h.dataOffset} bytes, shape (${rows}, ${cols}) of ${h.descr} needs ${dataBytes}`);
    }
    const out = allocate(alloc, n, path);
    const direct = !dtype.float64 && dtype.little && !h.fortranOrder && littleEndianHost;
    const target = direct ? new Uint8Array(out.buffer, out.byteOffset, dataBytes) : new Uint8Array(dataBytes);
    // Four ranges read concurrently (libuv's thread pool): most of a large load is the kernel faulting in fresh
    // destination pages, which then happens on both cores (measured here for 154 MB: 95 ms serial, 60 ms in four).
    const CHUNK = 1 << 24;
    const parts = dataBytes >= 4 * CHUNK ? 4 : 1;
    const per = Math.ceil(dataBytes / parts);
    await Promise.all(
      Array.from({ length: parts }, async (_, k) => {
        const end = Math.min(dataBytes, (k + 1) * per);
        for (let off = k * per; off < end;) {
          const { bytesRead } = await fh.read(target, off, Math.min(CHUNK, end - off), h.dataOffset + off);
          if (bytesRead === 0) fail(path, 'file shrank while being read');
          off += bytesRead;
        }
      }),
    );
    if (!direct) convert(target, dtype, h.fortranOrder, rows, cols, out);
    return { rows, cols, data: out };
  } finally {
    await fh.close();
  }
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function allocate(alloc: FloatAllocator | undefined, n: number, where: string): Float32Array {
  const out = alloc ? alloc(n) : new Float32Array(n);
  if (out.length !== n) fail(where, `allocator returned ${out.length} floats for ${n}`);
  return out;
}

function readFully(fd: number, buf: Uint8Array, off: number, len: number, pos: number): void {
  while (len > 0) {
    const r = readSync(fd, buf, off, Math.min(len, 1 << 30), pos);
    if (r === 0) throw new EmbeddingsError('NPY_FORMAT', 'unexpected end of file');
    off += r;
    pos += r;
    len -= r;
  }
}

function convert(
  raw: Uint8Array,
  dtype: { bytes: number; little: boolean; float64: boolean },
  fortran: boolean,
  rows: number,
  cols: number,
  out: Float32Array,
): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let k = 0; k < rows * cols; k++) {
    const v = dtype.float64 ? view.getFloat64(k * 8, dtype.little) : view.getFloat32(k * 4, dtype.little);
    // Fortran order: element k is (k mod rows, k div rows).
    const at = fortran ? (k % rows) * cols + Math.floor(k / rows) : k;
    out[at] = v;
  }
}

/** The header numpy writes for a C-order little-endian float32 array of `shape`. */
export function npyHeader(shape: readonly number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new EmbeddingsError('INVALID_INPUT', `bad npy dimension ${d}`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy pads with spaces so that magic + version + length + dict + "\n" is a multiple of 64 bytes.
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  const text = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  return out;
}

/**
 * Writes `data` as a float32 .npy of `shape` atomically: a temporary file beside the target, fsync, rename. Readers
 * see the old file or the new one, never a partial write.
 */
export function writeNpySync(path: string, data: Float32Array, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new EmbeddingsError(
      'INVALID_INPUT',
      `shape (${shape.join(', ')}) holds ${n} values, data has ${data.length}`,
    );
  }
  if (!littleEndianHost)
    throw new EmbeddingsError('INVALID_INPUT', 'writing .npy on a big-endian host is not supported');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, npyHeader(shape));
    writeAll(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 30));
}

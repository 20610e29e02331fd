import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, loadNpyGoldenIndex } from '../testing';
import { npyHeader, parseNpyHeader, readNpyMatrix, readNpyMatrixSync, writeNpySync } from './npy';

const NPY = join(FIXTURES_DIR, 'npy');
const golden = loadNpyGoldenIndex();
const f32 = (xs: number[]): number[] => Array.from(new Float32Array(xs));

describe('.npy files written by numpy', () => {
  const matrices = Object.entries(golden.files).filter(([, g]) => g.shape.length === 2 && /f[48]$/.test(g.descr));

  it.each(matrices)('reads %s like numpy does', async (file, g) => {
    for (const m of [readNpyMatrixSync(join(NPY, file)), await readNpyMatrix(join(NPY, file))]) {
      expect([m.rows, m.cols]).toEqual(g.shape);
      expect(Array.from(m.data)).toEqual(f32(g.values_c_order)); // float64 files are rounded to float32
    }
  });

  it('covers versions 1.0 and 2.0, both byte orders, both memory orders and both float widths', () => {
    const seen = matrices.map(([file]) => parseNpyHeader(readFileSync(join(NPY, file))));
    expect(new Set(seen.map((h) => h.version[0]))).toEqual(new Set([1, 2]));
    expect(new Set(seen.map((h) => h.descr))).toEqual(new Set(['<f4', '>f4', '<f8']));
    expect(seen.some((h) => h.fortranOrder)).toBe(true);
  });

  it('refuses arrays that are not float matrices, naming what they are', () => {
    expect(() => readNpyMatrixSync(join(NPY, 'i64_2x2.npy'))).toThrow(/dtype <i8 is not a float matrix/);
    expect(() => readNpyMatrixSync(join(NPY, 'f32_1d_6.npy'))).toThrow(
      /expected a 2-D array \[rows, dim\], got shape \(6\)/,
    );
  });

  it('writes the bytes np.save writes', () => {
    const g = golden.files['f32_5x7.npy'];
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      writeNpySync(join(dir, 'x.npy'), new Float32Array(g?.values_c_order ?? []), [5, 7]);
      expect(readFileSync(join(dir, 'x.npy')).equals(readFileSync(join(NPY, 'f32_5x7.npy')))).toBe(true);
      writeNpySync(join(dir, 'e.npy'), new Float32Array(0), [0, 16]);
      expect(readFileSync(join(dir, 'e.npy')).equals(readFileSync(join(NPY, 'f32_0x16.npy')))).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['e.npy', 'x.npy']); // no temporary files left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pads headers to 64 bytes and switches to version 2.0 only when the header needs it', () => {
    for (const shape of [[1, 1], [100000, 384], [0, 3], [7]]) {
      const h = npyHeader(shape);
      expect(h.length % 64).toBe(0);
      expect(h[6]).toBe(1);
      expect(parseNpyHeader(h).shape).toEqual(shape);
    }
  });
});

describe('.npy errors', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'npy-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says a truncated or padded file has the wrong data size', () => {
    const good = readFileSync(join(NPY, 'f32_5x7.npy'));
    writeFileSync(join(dir, 'short.npy'), good.subarray(0, good.length - 4));
    expect(() => readNpyMatrixSync(join(dir, 'short.npy'))).toThrow(
      /data is 136 bytes, shape \(5, 7\) of <f4 needs 140/,
    );
    writeFileSync(join(dir, 'long.npy'), Buffer.concat([good, Buffer.alloc(4)]));
    return expect(readNpyMatrix(join(dir, 'long.npy'))).rejects.toThrow(/data is 144 bytes/);
  });

  it('says a file is not .npy at all, or has a header it cannot read', () => {
    writeFileSync(join(dir, 'a.npy'), 'hello world, not numpy');
    expect(() => readNpyMatrixSync(join(dir, 'a.npy'))).toThrow(/not a \.npy file/);
    const bad = Buffer.from(npyHeader([2, 2]));
    bad[6] = 9;
    writeFileSync(join(dir, 'b.npy'), bad);
    expect(() => readNpyMatrixSync(join(dir, 'b.npy'))).toThrow(/unsupported format version 9\.0/);
    const junk = Buffer.from(npyHeader([2, 2]));
    junk.write('{"nonsense": 1}', 10, 'latin1');
    writeFileSync(join(dir, 'c.npy'), junk);
    expect(() => readNpyMatrixSync(join(dir, 'c.npy'))).toThrow(/header is not a numpy header dict/);
  });

  it('refuses a write whose shape does not match the data', () => {
    expect(() => writeNpySync(join(dir, 'x.npy'), new Float32Array(5), [2, 3])).toThrow(/holds 6 values, data has 5/);
  });

  it('reads into memory the caller allocates', () => {
    const target = new Float32Array(35);
    const m = readNpyMatrixSync(join(NPY, 'f32_5x7.npy'), (n) => (n === 35 ? target : new Float32Array(n)));
    expect(m.data).toBe(target);
    expect(() => readNpyMatrixSync(join(NPY, 'f32_5x7.npy'), () => new Float32Array(3))).toThrow(
      /allocator returned 3/,
    );
  });
});

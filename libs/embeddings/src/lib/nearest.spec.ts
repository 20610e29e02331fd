import { randomUnitRows } from '../testing';
import { dotSimdOrder } from './dot-kernel';
import { DotProductIndex } from './nearest';

function filled(rows: number, dim: number, simd: boolean, seed = 3): DotProductIndex {
  const idx = new DotProductIndex(rows, dim, { simd });
  randomUnitRows(rows, dim, seed, idx.matrix);
  return idx;
}

/** The exact answer in double precision: all rows sorted by score, ties by row. */
function brute(idx: DotProductIndex, q: Float32Array): { index: number; score: number }[] {
  const out: { index: number; score: number }[] = [];
  for (let r = 0; r < idx.rows; r++) {
    let s = 0;
    for (let j = 0; j < idx.dim; j++) s += (idx.matrix[r * idx.dim + j] as number) * (q[j] as number);
    out.push({ index: r, score: s });
  }
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}

describe('DotProductIndex', () => {
  it('uses the WebAssembly SIMD kernel when the engine has it and dim is a multiple of 16', () => {
    expect(new DotProductIndex(10, 32).simd).toBe(true);
    expect(new DotProductIndex(10, 30).simd).toBe(false);
    expect(new DotProductIndex(10, 32, { simd: false }).simd).toBe(false);
  });

  it('scores exactly as the documented float32 summation order', () => {
    const idx = filled(9000, 48, true); // more than one block of rows
    const q = randomUnitRows(1, 48, 99);
    const scores = idx.scoreAll(q);
    for (const r of [0, 1, 4095, 4096, 8191, 8999]) expect(scores[r]).toBe(dotSimdOrder(q, idx.matrix, r, 48));
  });

  it.each([
    [true, 384],
    [false, 384],
    [false, 37],
    [true, 16],
  ])('returns the exact top k (simd %s, dim %d)', (simd, dim) => {
    const idx = filled(10_000, dim, simd);
    const q = randomUnitRows(1, dim, 7);
    const want = brute(idx, q);
    const got = idx.search(q, 10);
    expect(got.map((n) => n.index)).toEqual(want.slice(0, 10).map((n) => n.index));
    got.forEach((n, i) => expect(n.score).toBeCloseTo((want[i] as { score: number }).score, 5));
  });

  it('breaks ties by the lower row and is stable across blocks', () => {
    const idx = new DotProductIndex(10_000, 16);
    for (const r of [9_000, 5, 4_500, 77]) idx.matrix[r * 16] = 1; // four identical best rows
    const q = new Float32Array(16);
    q[0] = 1;
    expect(idx.search(q, 3).map((n) => n.index)).toEqual([5, 77, 4_500]);
  });

  it('applies a filter and a minimum score, and handles k beyond the row count', () => {
    const idx = filled(500, 32, true);
    const q = randomUnitRows(1, 32, 5);
    const all = brute(idx, q);
    const even = idx.search(q, 5, { filter: (i) => i % 2 === 0 });
    expect(even.map((n) => n.index)).toEqual(
      all
        .filter((n) => n.index % 2 === 0)
        .slice(0, 5)
        .map((n) => n.index),
    );
    const above = idx.search(q, 500, { minScore: 0.2 });
    expect(above.every((n) => n.score >= 0.2)).toBe(true);
    expect(above.map((n) => n.index)).toEqual(all.filter((n) => n.score >= 0.2).map((n) => n.index)); // seeded: no row sits at 0.2
    expect(idx.search(q, 10_000).length).toBe(500);
    expect(idx.search(q, 0)).toEqual([]);
    expect(new DotProductIndex(0, 32).search(q, 5)).toEqual([]);
  });

  it('names a wrong query width or k', () => {
    const idx = filled(10, 32, true);
    expect(() => idx.search(new Float32Array(31), 3)).toThrow('query has 31 values, the index has dim 32');
    expect(() => idx.search(new Float32Array(32), -1)).toThrow(/k must be a non-negative integer/);
  });
});

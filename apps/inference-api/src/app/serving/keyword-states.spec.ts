import { Predictor } from '@adrank/lightgbm';
import { loadGoldenCases } from '@adrank/lightgbm/testing';
import { KeywordStateCache } from './keyword-states';

const c = loadGoldenCases().find((x) => x.name === 'regression_nan');
if (c === undefined) throw new Error('golden case regression_nan missing');
const p = Predictor.fromText(c.modelText, { batch: 'quickscorer' });
const nf = p.numFeatures;
const group = () => {
  const g = p.featureGroup([1, 2]);
  if (g === null) throw new Error('no group');
  return g;
};
const rowsFor = (n: number, v: number) => {
  const rows = c.rows.slice(0, n * nf);
  for (let r = 0; r < n; r++) {
    rows[r * nf + 1] = v + r;
    rows[r * nf + 2] = v - r;
  }
  return rows;
};

describe('KeywordStateCache', () => {
  it('computes a state per new keyword, reuses it while the values match, recomputes when they change', () => {
    const g = group();
    const cache = new KeywordStateCache({ a: g, b: g }, 1 << 20);
    const rows = rowsFor(3, 10);
    const s1 = cache.statesFor(['x', 'y', 'z'], rows, nf);
    expect([cache.hits, cache.misses, cache.size]).toEqual([0, 3, 3]);
    for (let r = 0; r < 3; r++) expect(s1.a[r]).toEqual(g.state(rows, r * nf));
    const s2 = cache.statesFor(['x', 'y', 'z'], rows, nf);
    expect([cache.hits, cache.misses]).toEqual([3, 3]);
    expect(s2.b[1]).toBe(s1.b[1]); // the same object: nothing recomputed
    // keyword "y" now comes with other values for the group: never the stale state
    const changed = rowsFor(3, 50);
    const s3 = cache.statesFor(['q', 'y'], changed.subarray(0, 2 * nf), nf);
    expect([cache.hits, cache.misses]).toEqual([3, 5]);
    expect(s3.a[1]).toEqual(g.state(changed, nf));
    expect(s3.a[1]).not.toBe(s1.a[1]); // recomputed, not the entry for the old values
    // NaN matches NaN
    const nan = rowsFor(1, NaN);
    cache.statesFor(['n'], nan, nf);
    cache.statesFor(['n'], nan, nf);
    expect(cache.hits).toBe(4);
  });

  it('holds at most what its byte budget allows, evicting the least recently used', () => {
    const g = group();
    const perEntry = 8 * 2 + 200 + 4 * g.stateLength + 80;
    const cache = new KeywordStateCache({ a: g }, 2 * perEntry);
    expect(cache.capacity).toBe(2);
    const rows = rowsFor(1, 1);
    cache.statesFor(['x'], rows, nf);
    cache.statesFor(['y'], rows, nf);
    cache.statesFor(['x'], rows, nf); // x is now the most recent
    cache.statesFor(['z'], rows, nf); // evicts y
    expect(cache.size).toBe(2);
    const misses = cache.misses;
    cache.statesFor(['x'], rows, nf);
    expect(cache.misses).toBe(misses);
    cache.statesFor(['y'], rows, nf);
    expect(cache.misses).toBe(misses + 1);
  });

  it('with no budget still returns correct states and keeps none', () => {
    const g = group();
    const cache = new KeywordStateCache({ a: g }, 0);
    expect(cache.capacity).toBe(0);
    const rows = rowsFor(2, 3);
    expect(cache.statesFor(['x', 'y'], rows, nf).a[1]).toEqual(g.state(rows, nf));
    expect(cache.size).toBe(0);
  });

  it('refuses models whose groups cover different features', () => {
    const other = p.featureGroup([0]);
    if (other === null) throw new Error('no group');
    expect(() => new KeywordStateCache({ a: group(), b: other }, 1 << 20)).toThrow('share one feature group');
  });
});

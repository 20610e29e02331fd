import { Predictor } from '@adrank/lightgbm';
import { loadGoldenCases } from '@adrank/lightgbm/testing';
import { KeywordStateCache, VARIANTS_PER_KEYWORD } from './keyword-states';

const c = loadGoldenCases().find((x) => x.name === 'regression_nan');
if (c === undefined) throw new Error('golden case regression_nan missing');
const p = Predictor.fromText(c.modelText, { batch: 'quickscorer' });
const nf = p.numFeatures;
const group = () => {
  const g = p.featureGroup([1, 2]);
  if (g === null) throw new Error('no group');
  return g;
};
/** n rows whose group values are v + r and v - r. */
const rowsFor = (n: number, v: number) => {
  const rows = c.rows.slice(0, n * nf);
  for (let r = 0; r < n; r++) {
    rows[r * nf + 1] = v + r;
    rows[r * nf + 2] = v - r;
  }
  return rows;
};

describe('KeywordStateCache', () => {
  it('computes an entry per new keyword, reuses it while the values match, adds one when they change', () => {
    const g = group();
    const cache = new KeywordStateCache({ a: g, b: g }, 64);
    const rows = rowsFor(3, 10);
    const s1 = Int32Array.from(cache.slotsFor(['x', 'y', 'z'], rows, nf) as Int32Array); // the array is reused
    expect([cache.hits, cache.misses, cache.size]).toEqual([0, 3, 3]);
    for (let r = 0; r < 3; r++) {
      expect(cache.store('a').get(s1[r] as number)).toEqual(g.state(rows, r * nf));
      expect(cache.store('b').get(s1[r] as number)).toEqual(g.state(rows, r * nf));
    }
    const s2 = cache.slotsFor(['x', 'y', 'z'], rows, nf) as Int32Array;
    expect([cache.hits, cache.misses]).toEqual([3, 3]);
    expect(Array.from(s2)).toEqual(Array.from(s1)); // nothing recomputed
    // keyword "y" now comes with other values for the group: never the entry of the old ones
    const changed = rowsFor(3, 50);
    const s3 = Int32Array.from(cache.slotsFor(['q', 'y'], changed.subarray(0, 2 * nf), nf) as Int32Array);
    expect([cache.hits, cache.misses]).toEqual([3, 5]);
    expect(cache.store('a').get(s3[1] as number)).toEqual(g.state(changed, nf));
    expect(s3[1]).not.toBe(s1[1]);
    // NaN matches NaN
    const nan = rowsFor(1, NaN);
    cache.slotsFor(['n'], nan, nf);
    cache.slotsFor(['n'], nan, nf);
    expect(cache.hits).toBe(4);
    // predictions from the slots are the model's
    const mixed = rowsFor(3, 10);
    const slots = cache.slotsFor(['x', 'y', 'z'], mixed, nf) as Int32Array;
    expect(Array.from(cache.store('a').predict(mixed, 3, slots))).toEqual(Array.from(p.predict(mixed, 3)));
  });

  it('keeps value variants per keyword, most recent first, at most VARIANTS_PER_KEYWORD', () => {
    const g = group();
    const cache = new KeywordStateCache({ a: g }, 64);
    const variant = (v: number) => rowsFor(1, v);
    cache.slotsFor(['k'], variant(1), nf); // the keyword's usual values
    cache.slotsFor(['k'], variant(2), nf); // a search term with history: another variant
    expect([cache.hits, cache.misses, cache.size]).toEqual([0, 2, 2]);
    for (let i = 0; i < 3; i++) {
      const one = cache.slotsFor(['k'], variant(1), nf) as Int32Array;
      expect(cache.store('a').get(one[0] as number)).toEqual(g.state(variant(1)));
      const two = cache.slotsFor(['k'], variant(2), nf) as Int32Array;
      expect(cache.store('a').get(two[0] as number)).toEqual(g.state(variant(2)));
    }
    expect([cache.hits, cache.misses]).toEqual([6, 2]);
    // more variants than a keyword keeps: the least recently used one goes
    for (let v = 3; v < 3 + VARIANTS_PER_KEYWORD; v++) cache.slotsFor(['k'], variant(v), nf);
    expect(cache.size).toBe(VARIANTS_PER_KEYWORD);
    const misses = cache.misses;
    cache.slotsFor(['k'], variant(2 + VARIANTS_PER_KEYWORD), nf);
    expect(cache.misses).toBe(misses);
    cache.slotsFor(['k'], variant(1), nf);
    expect(cache.misses).toBe(misses + 1);
    // one call may use more variants of a keyword than that: each row gets its own, right entry
    const many = VARIANTS_PER_KEYWORD + 3;
    const rows = rowsFor(many, 100);
    const slots = cache.slotsFor(new Array<string>(many).fill('k'), rows, nf) as Int32Array;
    expect(new Set(slots).size).toBe(many);
    expect(Array.from(cache.store('a').predict(rows, many, slots))).toEqual(Array.from(p.predict(rows, many)));
  });

  it('holds at most its capacity, evicting the least recently used, never an entry the running call uses', () => {
    const g = group();
    const cache = new KeywordStateCache({ a: g }, 2);
    const rows = rowsFor(1, 1);
    cache.slotsFor(['x'], rows, nf);
    cache.slotsFor(['y'], rows, nf);
    cache.slotsFor(['x'], rows, nf); // x is now the most recent
    cache.slotsFor(['z'], rows, nf); // evicts y
    expect(cache.size).toBe(2);
    const misses = cache.misses;
    cache.slotsFor(['x'], rows, nf);
    expect(cache.misses).toBe(misses);
    cache.slotsFor(['y'], rows, nf);
    expect(cache.misses).toBe(misses + 1);
    // a call of two new keywords in a full cache: the second must not take the first's entry
    const two = rowsFor(2, 30);
    const slots = cache.slotsFor(['p', 'q'], two, nf) as Int32Array;
    expect(slots[0]).not.toBe(slots[1]);
    expect(Array.from(cache.store('a').predict(two, 2, slots))).toEqual(Array.from(p.predict(two, 2)));
    // more rows than entries: no slots (the caller evaluates every split)
    expect(cache.slotsFor(['a', 'b', 'c'], rowsFor(3, 1), nf)).toBeNull();
  });

  it('evicts by CLOCK: entries used since the hand passed get a second chance; when all did, the hand goes round', () => {
    const cache = new KeywordStateCache({ a: group() }, 3);
    const rows = rowsFor(1, 1);
    const use = (k: string) => cache.slotsFor([k], rows, nf);
    for (const k of ['a', 'b', 'c']) use(k); // three misses, nothing referenced yet
    for (const k of ['a', 'b', 'c']) use(k); // three hits: every reference bit set
    use('d'); // the hand clears a, b, c and comes back to a
    expect([cache.hits, cache.misses, cache.size]).toEqual([3, 4, 3]);
    use('b');
    use('c');
    expect(cache.misses).toBe(4); // b and c stayed
    use('a'); // a was the one evicted; coming back, the hand clears b's and c's bits and evicts d (unused since it came)
    expect(cache.misses).toBe(5);
    use('d'); // d was evicted; coming back, it takes b's entry (b's bit is still clear)
    expect(cache.misses).toBe(6);
    use('c');
    expect(cache.misses).toBe(6); // c stayed
    use('b');
    expect(cache.misses).toBe(7); // b did not
  });

  it('a large cache under many keywords keeps the most used ones (approximate LRU)', () => {
    const cache = new KeywordStateCache({ a: group() }, 100);
    const rows = rowsFor(1, 1);
    for (let i = 0; i < 1000; i++) {
      cache.slotsFor(['hot'], rows, nf);
      cache.slotsFor([`cold ${i}`], rows, nf);
    }
    expect(cache.size).toBe(100);
    expect(cache.misses).toBe(1001); // "hot" computed once, never evicted
  });

  it('finds keywords by their dense keys as it does by name: the same entries, hits and evictions', () => {
    // two caches over the same random calls (30 keywords, 3 value variants each, 5 of them without a key), one given
    // the keys and one only the names: every call must get the same slots, and the slots the model's predictions
    const g = group();
    const byKey = new KeywordStateCache({ a: g }, 24);
    const byName = new KeywordStateCache({ a: g }, 24);
    let seed = 12345;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    for (let call = 0; call < 400; call++) {
      const n = 1 + rand(12);
      const words: string[] = [];
      const keys = new Int32Array(n);
      const rows = rowsFor(n, 0);
      for (let r = 0; r < n; r++) {
        const w = rand(30);
        words.push(`kw ${w}`);
        keys[r] = w < 25 ? 1000 + w * 7 : -1; // sparse keys: the head array grows
        const v = w * 10 + rand(3);
        rows[r * nf + 1] = v;
        rows[r * nf + 2] = -v;
      }
      const a = Array.from(byKey.slotsFor(words, rows, nf, keys) as Int32Array);
      const b = Array.from(byName.slotsFor(words, rows, nf) as Int32Array);
      expect(a).toEqual(b);
      expect(Array.from(byKey.store('a').predict(rows, n, Int32Array.from(a)))).toEqual(Array.from(p.predict(rows, n)));
    }
    expect([byKey.hits, byKey.misses, byKey.size]).toEqual([byName.hits, byName.misses, byName.size]);
    expect(byKey.hits).toBeGreaterThan(100);
    expect(byKey.misses).toBeGreaterThan(100); // evictions: 90 variants, 24 entries
    expect(() => byKey.slotsFor(['x', 'y'], rowsFor(2, 1), nf, new Int32Array(1))).toThrow(
      'keys holds 1 values, 2 needed',
    );
  });

  it('sizes itself from a byte budget and refuses models whose groups cover different features', () => {
    const g = group();
    const per = KeywordStateCache.bytesPerEntry({ a: g, b: g });
    expect(per).toBe(120 + 2 * 4 * g.stateLength + 8 * 2);
    expect(KeywordStateCache.capacityFor({ a: g, b: g }, 10 * per + 1)).toBe(10);
    expect(KeywordStateCache.capacityFor({ a: g }, 0)).toBe(0);
    expect(() => new KeywordStateCache({ a: g }, 0)).toThrow('capacity must be ≥ 1');
    const other = p.featureGroup([0]);
    if (other === null) throw new Error('no group');
    expect(() => new KeywordStateCache({ a: g, b: other }, 8)).toThrow('share one feature group');
  });
});

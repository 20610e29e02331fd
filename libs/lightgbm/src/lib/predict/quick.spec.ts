import { PredictInputError, Predictor, numFeatures, parseModel } from '../../index';
import { loadGoldenCases } from '../../testing';
import { FlatForest } from './flat';
import { QuickOptions, QuickScorer } from './quick';

const cases = loadGoldenCases().filter((c) => c.numClass === 1);

/** Every layout variant: SIMD or plain loops; snapshots by cost, on every feature (several steps), or none. */
const variants: Array<[string, QuickOptions]> = [
  ['auto', {}],
  ['no SIMD', { simd: false }],
  ['snapshots everywhere, step 1', { snapshots: 'all', step: 1 }],
  ['snapshots everywhere, step 3, no SIMD', { snapshots: 'all', step: 3, simd: false }],
  ['no snapshots', { snapshots: 'none' }],
];

describe('QuickScorer: raw scores bit-identical to LightGBM on every single-output golden case', () => {
  it('covers one- and two-word trees', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['wide_leaves', 'early_stopping', 'categorical']));
    const wide = cases.find((c) => c.name === 'wide_leaves');
    expect(Math.max(...parseModel(wide?.modelText ?? '').trees.map((t) => t.numLeaves))).toBeGreaterThan(32);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const model = parseModel(c.modelText);
    const nf = numFeatures(model);

    it.each(variants)('%s', (_v, options) => {
      const q = QuickScorer.build(model, nf, options) as QuickScorer;
      expect(q).not.toBeNull();
      // without `simd: false` the kernels (vector ANDs, leaf sums) must be the WebAssembly ones: a module that fails
      // validation would fall back to JavaScript silently
      expect(q.simd).toBe(options.simd !== false);
      for (let r = 0; r < c.nRows; r++) {
        const got = q.score(c.rows, r * nf);
        if (!Object.is(got, c.raw[r])) {
          throw new Error(
            `row ${r}: got ${got}, LightGBM ${c.raw[r]} (row ${Array.from(c.rows.subarray(r * nf, (r + 1) * nf))})`,
          );
        }
      }
    });

    it.each(variants)('scoreRows with columns held constant (a value, 0, NaN) equals row by row: %s', (_v, options) => {
      const q = QuickScorer.build(model, nf, options) as QuickScorer;
      const flat = new FlatForest(model);
      const n = Math.min(c.nRows, 40);
      for (const fill of [c.rows[0] as number, 0, NaN, -0]) {
        for (const held of [[0], [nf - 1], Array.from({ length: nf }, (_, f) => f).filter((f) => f % 2 === 0)]) {
          const rows = c.rows.slice(0, n * nf);
          for (let r = 0; r < n; r++) for (const f of held) rows[r * nf + f] = fill;
          const out = new Float64Array(n);
          q.scoreRows(rows, n, nf, out);
          const one = new Float64Array(1);
          for (let r = 0; r < n; r++) {
            one[0] = 0;
            flat.addRow(rows, r * nf, 0, model.trees.length, one, 0, 1);
            if (!Object.is(out[r], one[0]))
              throw new Error(`fill ${fill}, held ${held}: row ${r}: scoreRows ${out[r]}, walk ${one[0]}`);
          }
        }
      }
    });

    it('the lock-step walk agrees too', () => {
      const flat = new FlatForest(model);
      const out = new Float64Array(1);
      for (let r = 0; r < c.nRows; r++) {
        out[0] = 0;
        flat.addRow(c.rows, r * nf, 0, model.trees.length, out, 0, 1);
        expect(Object.is(out[0], c.raw[r])).toBe(true);
      }
    });
  });
});

describe('engine choice', () => {
  const wide = loadGoldenCases().find((c) => c.name === 'wide_leaves');
  const multi = loadGoldenCases().find((c) => c.name === 'multiclass');
  if (wide === undefined || multi === undefined) throw new Error('fixtures missing');

  it.each([
    [{ singleRow: 'quickscorer', batch: 'quickscorer' }],
    [{ singleRow: 'walk', batch: 'codegen' }],
    [{ singleRow: 'walk', batch: 'quickscorer' }],
  ] as const)('%j gives the same bits as the default', (engines) => {
    const p = Predictor.fromText(wide.modelText, engines);
    expect(p.engines).toEqual(engines);
    const batch = p.predict(wide.rows, wide.nRows, { raw: true });
    expect(Array.from(batch)).toEqual(Array.from(wide.raw));
    for (let r = 0; r < wide.nRows; r++) {
      expect(
        Object.is(
          p.predictRow(wide.rows.subarray(r * p.numFeatures, (r + 1) * p.numFeatures), { raw: true }),
          wide.raw[r],
        ),
      ).toBe(true);
    }
  });

  it('refuses quickscorer for a multi-output model, naming why', () => {
    expect(() => Predictor.fromText(multi.modelText, { batch: 'quickscorer' })).toThrow(
      new PredictInputError('the quickscorer engine takes single-output models; this one has 3 outputs per row'),
    );
    expect(Predictor.fromText(multi.modelText).engines).toEqual({ singleRow: 'walk', batch: 'codegen' });
  });

  it('rejects an unknown engine name', () => {
    expect(() => Predictor.fromText(wide.modelText, { batch: 'gpu' as 'codegen' })).toThrow(
      /batch auto\|quickscorer\|codegen/,
    );
  });

  it('iteration slices bypass quickscorer and stay exact', () => {
    const p = Predictor.fromText(wide.modelText, { singleRow: 'quickscorer', batch: 'quickscorer' });
    const got = p.predict(wide.rows, wide.nRows, {
      raw: true,
      startIteration: wide.slice.start,
      numIteration: wide.slice.num,
    });
    expect(Array.from(got)).toEqual(Array.from(wide.slice.raw));
  });
});

describe('QuickScorer: states stored in the arena (scoreRowsFromStore) give the same bits as scoreRows', () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const model = parseModel(c.modelText);
    const nf = numFeatures(model);
    it.each(variants)('%s', (_v, options) => {
      const q = QuickScorer.build(model, nf, options) as QuickScorer;
      const n = Math.min(c.nRows, 30);
      const group = Array.from({ length: nf }, (_, f) => f).filter((f) => f % 2 === 1);
      const covered = new Uint8Array(nf);
      for (const f of group) covered[f] = 1;
      // two stores: the second allocation grows the memory under the first, whose states must survive it
      const a = q.allocateStates(n);
      for (let r = 0; r < n; r++) q.putState(a, n - 1 - r, c.rows, r * nf, group);
      const before = q.readState(a, 0);
      const b = q.allocateStates(4096);
      expect(Array.from(q.readState(a, 0))).toEqual(Array.from(before));
      q.putState(b, 4095, c.rows, 0, group);
      const want = new Float64Array(n);
      q.scoreRows(c.rows.slice(0, n * nf), n, nf, want);
      const got = new Float64Array(n);
      q.scoreRowsFromStore(
        c.rows,
        n,
        nf,
        covered,
        a,
        Int32Array.from({ length: n }, (_, r) => n - 1 - r),
        got,
      );
      for (let r = 0; r < n; r++) if (!Object.is(got[r], want[r])) throw new Error(`row ${r}: ${got[r]} vs ${want[r]}`);
      // row 0's state from the other store, on a batch of copies of row 0 (the base vector takes every other feature)
      const rows0 = new Float64Array(5 * nf);
      for (let r = 0; r < 5; r++) rows0.set(c.rows.subarray(0, nf), r * nf);
      q.scoreRowsFromStore(rows0, 5, nf, covered, b, new Int32Array(5).fill(4095), got);
      for (let r = 0; r < 5; r++) expect(Object.is(got[r], want[0])).toBe(true);
    });
  });
});

describe('FeatureGroup: precomputed split states of a feature group give the same bits as predict()', () => {
  const single = loadGoldenCases().filter((c) => c.numClass === 1);

  describe.each(single.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const p = Predictor.fromText(c.modelText, { batch: 'quickscorer' });
    const nf = p.numFeatures;
    const groups = [
      [0],
      Array.from({ length: nf }, (_, f) => f).filter((f) => f % 2 === 1),
      Array.from({ length: nf }, (_, f) => f),
    ];

    it.each(groups.map((g) => [g.join(','), g] as const))('group [%s], a state reused on other rows', (_g, group) => {
      const fg = p.featureGroup(group);
      expect(fg).not.toBeNull();
      const n = Math.min(c.nRows, 60);
      // rows that share the group's values with row 0 (or with 0 / NaN / -0) but keep their own other features,
      // except one outside the group held at one value in every row (the batch applies it once, to a base vector)
      const outside = Array.from({ length: nf }, (_, f) => f).find((f) => !group.includes(f));
      for (const source of ['row 0', 0, NaN, -0] as const) {
        const rows = c.rows.slice(0, n * nf);
        for (let r = 0; r < n; r++) {
          for (const f of group) rows[r * nf + f] = source === 'row 0' ? (c.rows[f] as number) : source;
          if (outside !== undefined) rows[r * nf + outside] = c.rows[nf + outside] as number;
        }
        const state = fg?.state(rows, 0) as Int32Array;
        const got = fg?.predict(rows, n, new Array<Int32Array>(n).fill(state), { raw: true }) as Float64Array;
        const want = p.predict(rows, n, { raw: true });
        for (let r = 0; r < n; r++) {
          if (!Object.is(got[r], want[r]))
            throw new Error(`source ${String(source)}, row ${r}: ${got[r]} vs ${want[r]}`);
        }
      }
      // per-row states on the golden rows themselves, transformed outputs included
      const states = Array.from({ length: c.nRows }, (_, r) => fg?.state(c.rows, r * nf) as Int32Array);
      expect(Array.from(fg?.predict(c.rows, c.nRows, states, { raw: true }) ?? [])).toEqual(Array.from(c.raw));
      expect(Array.from(fg?.predict(c.rows, c.nRows, states) ?? [])).toEqual(Array.from(p.predict(c.rows, c.nRows)));
      // the same from a store: slots in another order than the rows, one slot shared by two rows
      const store = fg?.createStore(c.nRows + 1);
      if (store === undefined) throw new Error('no store');
      const slotOf = (r: number) => (r * 7 + 3) % (c.nRows + 1);
      for (let r = 0; r < c.nRows; r++) store.put(slotOf(r), c.rows, r * nf);
      expect(Array.from(store.get(slotOf(1)))).toEqual(Array.from(states[1] as Int32Array));
      const slots = Int32Array.from({ length: c.nRows }, (_, r) => slotOf(r));
      expect(Array.from(store.predict(c.rows, c.nRows, slots, { raw: true }))).toEqual(Array.from(c.raw));
      expect(Array.from(store.predict(c.rows, c.nRows, slots))).toEqual(Array.from(p.predict(c.rows, c.nRows)));
    });
  });

  it('validates its inputs and names what is wrong', () => {
    const c = single[0] as (typeof single)[number];
    const p = Predictor.fromText(c.modelText, { batch: 'quickscorer' });
    const nf = p.numFeatures;
    expect(() => p.featureGroup([nf])).toThrow(`feature index ${nf} is outside 0…${nf - 1}`);
    expect(() => p.featureGroup([0, 0])).toThrow('feature index 0 is listed twice');
    const fg = p.featureGroup([0]);
    if (fg === null) throw new Error('no group');
    expect(() => fg.state(new Float64Array(nf - 1))).toThrow(`needs a Float64Array holding ${nf} features`);
    const rows = c.rows.slice(0, 2 * nf);
    const s = fg.state(rows);
    expect(() => fg.predict(rows, 2, [s])).toThrow('2 rows need 2 states, got 1');
    expect(() => fg.predict(rows, 2, [s, new Int32Array(1)])).toThrow('state 1 is not a state of this group');
    expect(() => fg.predict(rows, 3, [s, s, s])).toThrow(`rows must be a Float64Array of 3 × ${nf} values`);
    expect(fg.predict(new Float64Array(0), 0, [])).toEqual(new Float64Array(0));
    expect(() => fg.createStore(0)).toThrow('capacity must be a positive integer, got 0');
    const store = fg.createStore(2);
    expect(() => store.put(2, rows)).toThrow('slot 2 is outside 0…1');
    expect(() => store.put(0, new Float64Array(1))).toThrow(`needs a Float64Array holding ${nf} features`);
    expect(() => store.predict(rows, 2, new Int32Array([0, -1]))).toThrow('slot -1 is outside 0…1');
    expect(() => store.predict(rows, 2, new Int32Array(1))).toThrow('2 rows need an Int32Array of 2 slots');
    expect(store.predict(new Float64Array(0), 0, new Int32Array(0))).toEqual(new Float64Array(0));
  });

  it('is null when batches do not run on the QuickScorer layout', () => {
    const c = single[0] as (typeof single)[number];
    expect(Predictor.fromText(c.modelText, { singleRow: 'walk', batch: 'codegen' }).featureGroup([0])).toBeNull();
  });
});

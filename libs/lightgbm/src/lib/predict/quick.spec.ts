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
      if (options.simd === false) expect(q.simd).toBe(false);
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

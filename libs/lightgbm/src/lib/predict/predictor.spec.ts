import { PredictInputError, Predictor, parseModel, serializeModel } from '../../index';
import { loadGoldenCases, maxAbsDiff } from '../../testing';

const TOL = 1e-9;
const cases = loadGoldenCases();

describe('golden parity with LightGBM 4.7 (committed fixtures)', () => {
  it('has the full committed set of cases', () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'regression_nan',
        'binary_zero_missing',
        'cross_entropy',
        'lambdarank',
        'multiclass',
        'poisson',
        'categorical',
        'single_leaf',
        'early_stopping',
      ]),
    );
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const p = Predictor.fromText(c.modelText);

    it('reads the shape LightGBM reports', () => {
      expect(p.numFeatures).toBe(c.numFeatures);
      expect(p.numOutputs).toBe(c.numClass);
      expect(p.numIterations).toBe(c.numIterations);
    });

    it('raw scores are bit-identical to LightGBM', () => {
      expect(maxAbsDiff(p.predict(c.rows, c.nRows, { raw: true }), c.raw)).toBe(0);
    });

    it('transformed predictions match within 1e-9', () => {
      expect(maxAbsDiff(p.predict(c.rows, c.nRows), c.pred)).toBeLessThanOrEqual(TOL);
    });

    it('an iteration slice matches LightGBM start_iteration/num_iteration', () => {
      const got = p.predict(c.rows, c.nRows, { raw: true, startIteration: c.slice.start, numIteration: c.slice.num });
      expect(maxAbsDiff(got, c.slice.raw)).toBe(0);
    });

    it('contributions (TreeSHAP) match pred_contrib within 1e-9', () => {
      expect(maxAbsDiff(p.contributions(c.rows, c.nRows), c.contrib)).toBeLessThanOrEqual(TOL);
    });

    it('the single-row fast path equals the batch path', () => {
      if (p.numOutputs !== 1)
        return expect(() => p.predictRow(c.rows.subarray(0, p.numFeatures))).toThrow(PredictInputError);
      const batch = p.predict(c.rows, c.nRows);
      for (let r = 0; r < c.nRows; r++) {
        const row = c.rows.subarray(r * p.numFeatures, (r + 1) * p.numFeatures);
        expect(Object.is(p.predictRow(row), batch[r])).toBe(true);
        expect(Object.is(p.predictRow(Array.from(row)), batch[r])).toBe(true);
      }
      return undefined;
    });

    it('serialise → parse gives a model with identical predictions and identical text', () => {
      const text = serializeModel(parseModel(c.modelText));
      const again = Predictor.fromText(text);
      expect(maxAbsDiff(again.predict(c.rows, c.nRows, { raw: true }), c.raw)).toBe(0);
      expect(serializeModel(again.model)).toBe(text);
    });
  });
});

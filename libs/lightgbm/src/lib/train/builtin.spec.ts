import { Predictor, TrainInputError, TrainParamError, evaluate, parseModel, serializeModel, train } from '../../index';
import type { ObjectiveName, TrainData } from '../../index';
import { labelsFor, syntheticPart, syntheticSet } from '../../testing';

const all = syntheticSet(2000, 7);
const cut = 1600;
const part = (labels: Float64Array, from: number, to: number, groups = false): TrainData =>
  syntheticPart(all, labels, from, to, groups);
const ranking = (o: ObjectiveName) => o === 'lambdarank';

describe('built-in engine', () => {
  describe.each(['regression', 'binary', 'cross_entropy', 'lambdarank'] as const)('%s', (objective) => {
    const labels = labelsFor(all, objective);
    const trainSet = part(labels, 0, cut, ranking(objective));
    const validSet = part(labels, cut, 2000, ranking(objective));
    const result = train({
      engine: 'builtin',
      objective,
      params: { num_iterations: 30, num_leaves: 15, min_data_in_leaf: 10 },
      train: trainSet,
      valid: validSet,
      featureNames: ['x0', 'x1', 'x2', 'x3', 'x4'],
    });
    const p = Predictor.fromText(result.modelText);

    it('writes a model.txt that parses, round-trips, and names the features and objective', () => {
      const model = parseModel(result.modelText);
      expect(model.trees).toHaveLength(30);
      expect(model.featureNames).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
      expect(model.objective?.name).toBe(objective);
      expect(serializeModel(model)).toBe(result.modelText);
      expect(result.modelText).toMatch(/^feature_importances:$/m);
      expect(result.modelText).toMatch(/^parameters:$/m);
      expect(model.trees[0]?.numLeaves).toBe(15);
      expect(Array.from(model.trees[0]?.internalCount ?? [])[0]).toBe(cut); // root count = all rows
    });

    it('the model scores the validation rows exactly as the engine did while training', () => {
      const pred = p.predict(validSet.rows, validSet.nRows);
      // labels are float32 inside, as in LightGBM (label_t)
      const value = evaluate(result.evals.metric ?? 'l2', pred, Float32Array.from(validSet.labels), {
        groups: validSet.groups,
      });
      expect(result.evals.values).toHaveLength(30);
      expect(value).toBe(result.evals.values[29]);
    });

    it('learns: the validation metric improves on the first iteration', () => {
      const v = result.evals.values;
      const higher = objective === 'lambdarank';
      expect(higher ? (v[29] as number) > (v[0] as number) : (v[29] as number) < (v[0] as number)).toBe(true);
    });

    it('learns a default direction for NaN on x1', () => {
      const model = parseModel(result.modelText);
      const nanSplits = model.trees.flatMap((t) =>
        Array.from(t.splitFeature).flatMap((f, k) => (f === 1 ? [(t.decisionType[k] as number) >> 2] : [])),
      );
      expect(nanSplits.length).toBeGreaterThan(0);
      expect(nanSplits.every((mt) => mt === 2)).toBe(true); // missing type NaN
    });
  });

  it('is deterministic for a seed; bagging and feature_fraction follow the seed', () => {
    const opts = {
      engine: 'builtin' as const,
      objective: 'regression' as const,
      train: part(all.y, 0, cut),
      params: { num_iterations: 10, bagging_fraction: 0.7, bagging_freq: 1, feature_fraction: 0.6, seed: 3 },
    };
    const a = train(opts).modelText;
    expect(train(opts).modelText).toBe(a);
    expect(train({ ...opts, params: { ...opts.params, seed: 4 } }).modelText).not.toBe(a);
  });

  it('early stopping keeps the best iteration', () => {
    const r = train({
      engine: 'builtin',
      objective: 'regression',
      train: part(all.y, 0, 400),
      valid: part(all.y, cut, 2000),
      params: { num_iterations: 400, learning_rate: 0.5, num_leaves: 31, min_data_in_leaf: 2, early_stopping_round: 5 },
    });
    expect(r.bestIteration).toBeLessThan(r.evals.values.length);
    expect(r.evals.values.length - r.bestIteration).toBe(5);
    expect(parseModel(r.modelText).trees).toHaveLength(r.bestIteration);
    const best = Math.min(...r.evals.values);
    expect(r.evals.values[r.bestIteration - 1]).toBe(best);
  });

  it('honours num_leaves, max_depth, min_data_in_leaf and lambda_l2', () => {
    const r = train({
      engine: 'builtin',
      objective: 'regression',
      train: part(all.y, 0, cut),
      params: { num_iterations: 3, num_leaves: 63, max_depth: 3, min_data_in_leaf: 100 },
    });
    const m = parseModel(r.modelText);
    for (const t of m.trees) {
      expect(t.numLeaves).toBeLessThanOrEqual(8);
      expect(Math.min(...t.leafCount)).toBeGreaterThanOrEqual(100);
    }
    const plain = parseModel(
      train({ engine: 'builtin', objective: 'regression', train: part(all.y, 0, cut), params: { num_iterations: 1 } })
        .modelText,
    );
    const shrunk = parseModel(
      train({
        engine: 'builtin',
        objective: 'regression',
        train: part(all.y, 0, cut),
        params: { num_iterations: 1, lambda_l2: 1000 },
      }).modelText,
    );
    const spread = (t: { leafValue: Float64Array }) => Math.max(...t.leafValue) - Math.min(...t.leafValue);
    expect(spread(shrunk.trees[0] as never)).toBeLessThan(spread(plain.trees[0] as never));
  });

  it('sample weights change the model', () => {
    const w = Float64Array.from({ length: cut }, (_, i) => (i % 2 ? 3 : 0.2));
    const base = { engine: 'builtin' as const, objective: 'binary' as const, params: { num_iterations: 5 } };
    const a = train({ ...base, train: part(all.binary, 0, cut) }).modelText;
    const b = train({ ...base, train: { ...part(all.binary, 0, cut), weights: w } }).modelText;
    expect(b).not.toBe(a);
  });
});

describe('train() input checks (before any work starts)', () => {
  const ok = part(all.y, 0, 100);
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'NaN label',
      () =>
        train({
          engine: 'builtin',
          objective: 'regression',
          train: { ...ok, labels: Float64Array.from(ok.labels, (v, i) => (i === 7 ? NaN : v)) },
        }),
      /labels\[7\] is NaN/,
    ],
    [
      'binary label 2',
      () => train({ engine: 'builtin', objective: 'binary', train: { ...ok, labels: new Float64Array(100).fill(2) } }),
      /binary labels must be 0 or 1/,
    ],
    [
      'cross_entropy label 1.5',
      () =>
        train({
          engine: 'builtin',
          objective: 'cross_entropy',
          train: { ...ok, labels: new Float64Array(100).fill(1.5) },
        }),
      /in \[0, 1\]/,
    ],
    [
      'groups not summing to rows',
      () =>
        train({
          engine: 'builtin',
          objective: 'lambdarank',
          train: { ...ok, labels: new Float64Array(100), groups: [50, 40] },
        }),
      /groups sum to 90, but there are 100 rows/,
    ],
    [
      'lambdarank without groups',
      () => train({ engine: 'builtin', objective: 'lambdarank', train: { ...ok, labels: new Float64Array(100) } }),
      /needs query groups/,
    ],
    [
      'zero rows',
      () =>
        train({
          engine: 'builtin',
          objective: 'regression',
          train: { ...ok, rows: new Float64Array(0), nRows: 0, labels: [] },
        }),
      /nRows must be a positive integer/,
    ],
    [
      'wrong width',
      () => train({ engine: 'builtin', objective: 'regression', train: { ...ok, nFeatures: 4 } }),
      /expected nRows × nFeatures = 400/,
    ],
    [
      'valid width',
      () =>
        train({
          engine: 'builtin',
          objective: 'regression',
          train: ok,
          valid: { ...ok, rows: new Float64Array(400), nFeatures: 4 },
        }),
      /valid: 4 features, but the training set has 5/,
    ],
    [
      'unknown objective',
      () => train({ engine: 'builtin', objective: 'poisson' as 'regression', train: ok }),
      /objective must be one of/,
    ],
    [
      'unknown engine',
      () => train({ engine: 'gpu' as 'auto', objective: 'regression', train: ok }),
      /engine must be auto, native or builtin/,
    ],
    [
      'negative weight',
      () =>
        train({
          engine: 'builtin',
          objective: 'regression',
          train: { ...ok, weights: new Float64Array(100).fill(-1) },
        }),
      /weights\[0\] is -1/,
    ],
    [
      'feature name with space',
      () => train({ engine: 'builtin', objective: 'regression', train: ok, featureNames: ['a', 'b c', 'd', 'e', 'f'] }),
      /"b c" is empty or contains whitespace/,
    ],
  ];
  it.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(TrainInputError);
    expect(fn).toThrow(message);
  });

  it.each([
    [{ num_leavs: 31 }, /unknown parameter "num_leavs"/],
    [{ num_leaves: 1 }, /num_leaves must be >= 2, got 1/],
    [{ learning_rate: 'fast' }, /learning_rate must be a number, got "fast"/],
    [{ bagging_fraction: 1.5 }, /bagging_fraction must be <= 1/],
    [{ metric: 'mape' }, /unknown metric "mape"/],
    [{ num_leaves: 31, max_leaves: 15 }, /given twice/],
  ])('parameters %j are rejected', (params, message) => {
    const fn = () => train({ engine: 'builtin', objective: 'regression', train: ok, params });
    expect(fn).toThrow(TrainParamError);
    expect(fn).toThrow(message);
  });

  it('engine native without the library fails saying how to install it', () => {
    const env = { LIGHTGBM_LIB: '/nonexistent/lib_lightgbm.so', ADRANK_PYTHON: '/nonexistent/python' };
    expect(() => train({ engine: 'native', objective: 'regression', train: ok, env })).toThrow(/pip install lightgbm/);
  });

  it('engine auto falls back to built-in when the library is missing', () => {
    const env = { ADRANK_PYTHON: '/nonexistent/python' };
    expect(
      train({ engine: 'auto', objective: 'regression', train: ok, params: { num_iterations: 2 }, env }).engine,
    ).toBe('builtin');
  });
});

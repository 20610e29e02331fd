import {
  ModelFormatError,
  PredictInputError,
  Predictor,
  UnsupportedModelError,
  parseModel,
  serializeModel,
} from '../../index';
import { loadGoldenCase, FIXTURES_DIR } from '../../testing';
import { join } from 'node:path';

const good = loadGoldenCase(join(FIXTURES_DIR, 'categorical')).modelText;

function errorOf(text: string): Error {
  try {
    parseModel(text);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected parseModel to throw');
}

function lineOf(text: string, prefix: string): number {
  return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

describe('parseModel', () => {
  it('reads header, objective and trees', () => {
    const m = parseModel(good);
    expect(m.version).toBe('v4');
    expect(m.objective).toEqual({ name: 'binary', options: { sigmoid: '1' } });
    expect(m.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(m.trees).toHaveLength(20);
    expect(m.trees.some((t) => t.numCat > 0)).toBe(true);
    expect(m.parameters).toContain('boosting: gbdt');
    expect(m.pandasCategorical).toBe('null');
  });

  it('writes tree_sizes equal to the byte length of each tree block it writes (as LightGBM does)', () => {
    for (const text of [good, serializeModel(parseModel(good))]) {
      const sizes = (text.split('\n').find((l) => l.startsWith('tree_sizes=')) as string)
        .slice(11)
        .split(' ')
        .map(Number);
      const starts = [...text.matchAll(/^Tree=\d+$/gm)].map((m) => m.index as number);
      starts.push(text.indexOf('end of trees'));
      expect(starts.slice(1).map((s, i) => Buffer.byteLength(text.slice(starts[i], s)))).toEqual(sizes);
    }
  });

  it('rejects text that is not a model', () => {
    const e = errorOf('hello\n');
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toBe('line 1: expected "tree" (the first line of a LightGBM text model), found "hello"');
    expect(errorOf('').message).toMatch(/empty model text/);
  });

  it('names the line of a truncated file', () => {
    const cut = good.slice(0, good.indexOf('Tree=3'));
    const e = errorOf(cut) as ModelFormatError;
    expect(e.message).toMatch(/unexpected end of model text after 3 tree\(s\): expected "Tree=3" or "end of trees"/);
    expect(e.line).toBeGreaterThan(0);
  });

  it('detects a tree list shorter than tree_sizes', () => {
    const start = good.indexOf('Tree=19');
    const end = good.indexOf('end of trees');
    const e = errorOf(good.slice(0, start) + good.slice(end));
    expect(e.message).toMatch(/tree_sizes lists 20 trees but the file has 19/);
  });

  it('names a bad number, its key and line', () => {
    const text = good.replace(/^threshold=(\S+)/m, 'threshold=abc');
    const e = errorOf(text) as ModelFormatError;
    expect(e.line).toBe(lineOf(good, 'threshold='));
    expect(e.message).toMatch(/Tree=0: "threshold" value 0 is "abc", expected a number/);
  });

  it('checks array lengths against num_leaves', () => {
    const text = good.replace(/^leaf_value=(\S+) /m, 'leaf_value=');
    expect(errorOf(text).message).toMatch(/Tree=0: "leaf_value" has 14 values, expected 15/);
  });

  it('rejects children that do not form a tree', () => {
    const text = good.replace(/^left_child=1 /m, 'left_child=0 ');
    expect(errorOf(text).message).toMatch(/Tree=0: node 0 has an invalid or repeated child node 0/);
  });

  it('rejects a split on a feature the model does not have', () => {
    const text = good.replace(/^split_feature=0 /m, 'split_feature=9 ');
    expect(errorOf(text).message).toMatch(/split_feature\[0\]=9 is outside the model's 6 features/);
  });

  it('rejects feature_names that disagree with max_feature_idx', () => {
    expect(errorOf(good.replace('max_feature_idx=5', 'max_feature_idx=6')).message).toMatch(
      /feature_names has 6 names but max_feature_idx=6 means 7 features/,
    );
  });

  it('refuses linear trees with a clear error', () => {
    const e = errorOf(good.replace('is_linear=0', 'is_linear=1'));
    expect(e).toBeInstanceOf(UnsupportedModelError);
    expect(e.message).toMatch(/linear tree .* retrain with linear_tree=false/);
  });

  it('accepts inf and nan spellings in numeric arrays', () => {
    const text = good.replace(/^split_gain=(\S+)/m, 'split_gain=inf');
    expect(parseModel(text).trees[0]?.splitGain[0]).toBe(Infinity);
  });
});

describe('Predictor input checks', () => {
  const p = Predictor.fromText(good);

  it('says which width it expected', () => {
    expect(() => p.predict(new Float64Array(7), 1)).toThrow(
      new PredictInputError('expected 1 row(s) × 6 features (f0, f1, f2, f3, f4, f5) = 6 values, got 7'),
    );
    expect(() => p.predictRow([1, 2])).toThrow(/expected 1 row\(s\) × 6 features/);
  });

  it('refuses non-typed input, bad row counts and short output buffers', () => {
    expect(() => p.predict([1, 2, 3, 4, 5, 6] as unknown as Float64Array, 1)).toThrow(/must be a Float64Array/);
    expect(() => p.predict(new Float64Array(6), 1.5)).toThrow(/nRows must be a non-negative integer/);
    expect(() => p.predict(new Float64Array(12), 2, { out: new Float64Array(1) })).toThrow(/at least 2 values/);
    expect(() => p.predict(new Float64Array(6), 1, { startIteration: -1 })).toThrow(
      /startIteration must be an integer >= 0/,
    );
  });

  it('fills a caller-provided buffer and returns it', () => {
    const out = new Float64Array(4);
    const rows = new Float64Array(12).fill(0.5);
    expect(p.predict(rows, 2, { out })).toBe(out);
    expect(out[0]).toBe(p.predictRow(rows.subarray(0, 6)));
    expect(p.predict(new Float64Array(0), 0)).toHaveLength(0);
  });

  it('an unknown objective still serves raw scores and says why transformed ones fail', () => {
    const q = Predictor.fromText(good.replace('objective=binary sigmoid:1', 'objective=my_custom_loss'));
    expect(Number.isFinite(q.predictRow(new Float64Array(6), { raw: true }))).toBe(true);
    expect(() => q.predictRow(new Float64Array(6))).toThrow(/objective "my_custom_loss" has no known output transform/);
  });
});

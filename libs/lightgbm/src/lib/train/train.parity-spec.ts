/**
 * Built-in engine models read by the real LightGBM (Python package, as the acceptance asks): every model the built-in
 * engine writes is loaded by `lightgbm.Booster(model_str=…)` and its predictions equal @adrank/lightgbm's within 1e-9.
 * Part of the parity suite (npm run test:parity; CI runs it with ADRANK_REQUIRE_NATIVE=1); fails when Python's
 * lightgbm is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Predictor, train } from '../../index';
import type { ObjectiveName, TrainParams } from '../../index';
import { labelsFor, maxAbsDiff, syntheticSet } from '../../testing';

const PY = `
import sys, numpy as np, lightgbm as lgb
d = sys.argv[1]
for name in sys.argv[2:]:
    b = lgb.Booster(model_str=open(f"{d}/{name}.txt").read())
    X = np.fromfile(f"{d}/rows.f64", dtype="<f8").reshape(-1, b.num_feature())
    b.predict(X, raw_score=True, num_threads=1).astype("<f8").tofile(f"{d}/{name}.raw.f64")
    b.predict(X, num_threads=1).astype("<f8").tofile(f"{d}/{name}.pred.f64")
`;

const all = syntheticSet(3000, 23);
const nf = all.nFeatures;
const variants: Array<[string, ObjectiveName, TrainParams]> = [
  ['regression', 'regression', { num_iterations: 40, num_leaves: 31 }],
  [
    'regression_regularised',
    'regression',
    { num_iterations: 20, lambda_l1: 0.5, lambda_l2: 2, max_depth: 4, min_gain_to_split: 0.01 },
  ],
  [
    'regression_bagged',
    'regression',
    { num_iterations: 20, bagging_fraction: 0.6, bagging_freq: 2, feature_fraction: 0.6, max_bin: 15 },
  ],
  ['binary', 'binary', { num_iterations: 30, sigmoid: 1.5 }],
  ['cross_entropy', 'cross_entropy', { num_iterations: 30, num_leaves: 7 }],
  ['lambdarank', 'lambdarank', { num_iterations: 30, lambdarank_truncation_level: 10 }],
  ['single_leaf', 'regression', { num_iterations: 3, min_data_in_leaf: 3000 }],
];

describe('LightGBM (Python) loads every built-in-engine model and predicts as @adrank/lightgbm does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adrank-train-parity-'));
  const models = new Map<string, string>();
  for (const [name, objective, params] of variants) {
    const r = train({
      engine: 'builtin',
      objective,
      params,
      train: {
        rows: all.rows,
        nRows: all.nRows,
        nFeatures: nf,
        labels: labelsFor(all, objective),
        groups: objective === 'lambdarank' ? all.groups : undefined,
      },
    });
    models.set(name, r.modelText);
    writeFileSync(join(dir, `${name}.txt`), r.modelText);
  }
  // probe rows: the training rows plus NaN, zero, huge and infinite values in every feature
  const extra = [NaN, 0, -0, 1e-40, 1e300, -1e300, Infinity, -Infinity];
  const probe = new Float64Array((all.nRows + extra.length * nf) * nf);
  probe.set(all.rows);
  let at = all.rows.length;
  for (const v of extra) {
    for (let f = 0; f < nf; f++) {
      probe.set(all.rows.subarray(f * nf, (f + 1) * nf), at);
      probe[at + f] = v;
      at += nf;
    }
  }
  const nProbe = probe.length / nf;
  writeFileSync(join(dir, 'rows.f64'), probe);
  execFileSync(process.env['ADRANK_PYTHON'] || 'python3', ['-c', PY, dir, ...models.keys()], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const read = (file: string) => {
    const b = readFileSync(join(dir, file));
    return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  };

  it.each([...models.keys()])('%s', (name) => {
    const p = Predictor.fromText(models.get(name) as string);
    expect(maxAbsDiff(p.predict(probe, nProbe, { raw: true }), read(`${name}.raw.f64`))).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(p.predict(probe, nProbe), read(`${name}.pred.f64`))).toBeLessThanOrEqual(1e-9);
  });
});

/**
 * npm run bench:train — the built-in TypeScript engine against LightGBM itself (the native engine: lib_lightgbm.so,
 * the library the peer's Python trainer runs), training the three seed models on the same data in the same run.
 *
 * Data: tools/fixtures/lightgbm/generate.py --train-set (200,000 rows × 8 seed features, queries of 100 rows:
 * 1,600 training / 400 holdout queries), generated when missing (needs `pip install lightgbm numpy`).
 * Parameters: LightGBM's defaults + the seed's sizes (CTR regression 400 trees × 63 leaves, conversion binary 300 × 31,
 * ranker lambdarank 300 × 31), num_threads=1. Each (engine, model) trains in a fresh process, so that wall time and
 * peak RSS are its own. Holdout metrics are computed by @adrank/lightgbm's metrics on @adrank/lightgbm predictions.
 *
 * Options: --models ctr,conv,ranker (default all), --data DIR.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Predictor, auc, logloss, ndcgAt, rmse, train } from '@adrank/lightgbm';
import type { ObjectiveName } from '@adrank/lightgbm';
import { fmt, runFresh, table } from './common';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const DATA_DIR = resolve(opt('data', '.adrank/bench/train'));

interface Spec {
  key: string;
  label: string;
  objective: ObjectiveName;
  target: 'ctr' | 'conv' | 'rel';
  iterations: number;
  leaves: number;
}
const SPECS: Spec[] = [
  { key: 'ctr', label: 'CTR regression 400×63', objective: 'regression', target: 'ctr', iterations: 400, leaves: 63 },
  { key: 'conv', label: 'conversion binary 300×31', objective: 'binary', target: 'conv', iterations: 300, leaves: 31 },
  {
    key: 'ranker',
    label: 'ranker lambdarank 300×31',
    objective: 'lambdarank',
    target: 'rel',
    iterations: 300,
    leaves: 31,
  },
];

interface Meta {
  features: string[];
  rows: number;
  train_rows: number;
  group_size: number;
}

interface RunResult {
  seconds: number;
  maxRssMb: number;
  metrics: Record<string, number>;
  trees: number;
}

function f64(file: string): Float64Array {
  const b = readFileSync(join(DATA_DIR, file));
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

function ensureData(): void {
  if (existsSync(join(DATA_DIR, 'meta.json'))) return;
  console.log(`generating the training set into ${DATA_DIR} (real numpy generator) …`);
  execFileSync(
    process.env['ADRANK_PYTHON'] || 'python3',
    ['tools/fixtures/lightgbm/generate.py', '--train-set', DATA_DIR],
    {
      stdio: 'inherit',
    },
  );
}

/** One engine × one model, in this (fresh) process. */
function runOne(engine: 'native' | 'builtin', spec: Spec): RunResult {
  const meta = JSON.parse(readFileSync(join(DATA_DIR, 'meta.json'), 'utf8')) as Meta;
  const nf = meta.features.length;
  const X = f64('X.f64');
  const y = f64(`${spec.target}.f64`);
  const nTrain = meta.train_rows;
  const nHold = meta.rows - nTrain;
  const groups = (n: number) => new Int32Array(n / meta.group_size).fill(meta.group_size);
  const t0 = process.hrtime.bigint();
  const result = train({
    engine,
    objective: spec.objective,
    params: { num_iterations: spec.iterations, num_leaves: spec.leaves, num_threads: 1, seed: 1 },
    train: {
      rows: X.subarray(0, nTrain * nf),
      nRows: nTrain,
      nFeatures: nf,
      labels: y.subarray(0, nTrain),
      groups: spec.objective === 'lambdarank' ? groups(nTrain) : undefined,
    },
    featureNames: meta.features,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const p = Predictor.fromText(result.modelText);
  const hold = X.subarray(nTrain * nf);
  const yh = y.subarray(nTrain);
  const metrics: Record<string, number> = {};
  if (spec.objective === 'regression') metrics['rmse'] = rmse(p.predict(hold, nHold), yh);
  if (spec.objective === 'binary') {
    const prob = p.predict(hold, nHold);
    metrics['auc'] = auc(prob, yh);
    metrics['logloss'] = logloss(prob, yh);
  }
  if (spec.objective === 'lambdarank') metrics['ndcg@10'] = ndcgAt(10, p.predict(hold, nHold), yh, groups(nHold));
  return { seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, metrics, trees: p.model.trees.length };
}

function main(): void {
  const one = args.indexOf('--one');
  if (one >= 0) {
    const engine = args[one + 1] as 'native' | 'builtin';
    const spec = SPECS.find((s) => s.key === args[one + 2]);
    if (!spec || (engine !== 'native' && engine !== 'builtin')) throw new Error('usage: --one native|builtin MODEL');
    console.log(JSON.stringify(runOne(engine, spec)));
    return;
  }
  ensureData();
  const wanted = opt('models', 'ctr,conv,ranker').split(',');
  const unknown = wanted.filter((w) => !SPECS.some((s) => s.key === w));
  if (unknown.length) {
    console.error(`--models: unknown ${unknown.join(', ')} (known: ${SPECS.map((s) => s.key).join(', ')})`);
    process.exit(2);
  }
  const metricRows: string[][] = [];
  const timeRows: string[][] = [];
  const verdicts: string[] = [];
  for (const spec of SPECS.filter((s) => wanted.includes(s.key))) {
    const run = (engine: string): RunResult =>
      runFresh<RunResult>(__filename, ['--data', DATA_DIR, '--one', engine, spec.key]);
    const native = run('native');
    const builtin = run('builtin');
    for (const [name, nv] of Object.entries(native.metrics)) {
      const bv = builtin.metrics[name] as number;
      const rel = (bv - nv) / Math.abs(nv);
      const worse = name === 'auc' || name.startsWith('ndcg') ? -rel : rel;
      metricRows.push([spec.label, name, fmt(nv, 5), fmt(bv, 5), `${rel >= 0 ? '+' : ''}${fmt(rel * 100, 2)}%`]);
      if (worse > 0.01) verdicts.push(`${spec.label}: built-in holdout ${name} more than 1% worse than native`);
    }
    const ratio = builtin.seconds / native.seconds;
    timeRows.push([
      spec.label,
      fmt(native.seconds, 2),
      fmt(builtin.seconds, 2),
      `${fmt(ratio, 2)}×`,
      fmt(native.maxRssMb, 0),
      fmt(builtin.maxRssMb, 0),
      `${native.trees} / ${builtin.trees}`,
    ]);
    if (ratio > 3) verdicts.push(`${spec.label}: built-in wall time above 3× native`);
  }
  console.log(`\ntraining on ${DATA_DIR}: LightGBM defaults + seed sizes, num_threads=1, one fresh process per run\n`);
  console.log(table(['model', 'holdout metric', 'native (LightGBM)', 'built-in', 'built-in vs native'], metricRows));
  console.log('');
  console.log(
    table(
      ['model', 'native s', 'built-in s', 'ratio', 'native peak RSS MB', 'built-in peak RSS MB', 'trees'],
      timeRows,
    ),
  );
  console.log(
    "\nwall time = train() call (dataset construction, binning, all iterations, model text); peak RSS = the process's max",
  );
  console.log(
    verdicts.length === 0
      ? 'targets: all met (built-in metrics within 1% of native, built-in ≤ 3× native wall time)'
      : `targets missed:\n- ${verdicts.join('\n- ')}`,
  );
}

main();

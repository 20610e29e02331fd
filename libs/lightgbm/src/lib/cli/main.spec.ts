import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Predictor, parseModel, runCli } from '../../index';
import { FIXTURES_DIR, loadGoldenCase, syntheticSet } from '../../testing';

const c = loadGoldenCase(join(FIXTURES_DIR, 'multiclass'));
const dir = mkdtempSync(join(tmpdir(), 'adrank-cli-'));
const modelPath = join(dir, 'model.txt');
writeFileSync(modelPath, c.modelText);

function run(args: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => stdin });
  return { code, out, err };
}

describe('adrank-lgbm', () => {
  const p = Predictor.fromText(c.modelText);
  const names = p.featureNames;
  // columns in reverse order, first row with an empty (missing) field and NaN
  const csv = [[...names].reverse().join(','), '0.3,,NaN,-1.5,2,0.25', '1,2,3,4,5,6'].join('\n');
  const rows = Float64Array.from([0.25, 2, -1.5, NaN, NaN, 0.3, 6, 5, 4, 3, 2, 1]);

  it('predict: matches columns by name, one line per row, classes comma-separated', () => {
    const r = run(['predict', '--model', modelPath, '--data', '-'], csv);
    expect(r.code).toBe(0);
    const expected = p.predict(rows, 2);
    expect(r.out).toBe(
      `${Array.from(expected.subarray(0, 3)).join(',')}\n${Array.from(expected.subarray(3)).join(',')}\n`,
    );
  });

  it('predict --contrib and --raw', () => {
    const contrib = run(['predict', '--model', modelPath, '--data', '-', '--contrib'], csv);
    expect(contrib.out.split('\n')[0]?.split(',')).toHaveLength(3 * 7);
    const raw = run(['predict', `--model=${modelPath}`, '--data', '-', '--raw', '--num-iteration', '2'], csv);
    expect(raw.out.split('\n')[1]).toBe(
      Array.from(p.predict(rows, 2, { raw: true, numIteration: 2 }).subarray(3)).join(','),
    );
  });

  it('names a missing feature column, an extra column and a bad cell', () => {
    expect(run(['predict', '--model', modelPath, '--data', '-'], 'f0,f1\n1,2\n')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no column for feature(s) f2, f3, f4, f5'),
    });
    const extra = `${csv.split('\n')[0]},id\n1,2,3,4,5,6,x\n`;
    expect(run(['predict', '--model', modelPath, '--data', '-'], extra).err).toContain(
      'column(s) id are not model features',
    );
    expect(run(['predict', '--model', modelPath, '--data', '-', '--ignore-extra-columns'], extra).code).toBe(0);
    const bad = `${names.join(',')}\n1,2,x3,4,5,6\n`;
    expect(run(['predict', '--model', modelPath, '--data', '-'], bad).err).toContain(
      'line 2, column "f2": "x3" is not a number',
    );
  });

  it('usage errors exit 2 with the usage text', () => {
    expect(run(['predict', '--data', '-'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('predict needs --model'),
    });
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['predict', '--model', modelPath, '--data', '-', '--num-iteration', 'x']).err).toContain(
      '--num-iteration must be an integer',
    );
    expect(run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage:') });
  });

  it('a file that is not a model exits 1 naming the file and line', () => {
    const notModel = join(dir, 'rows.csv');
    writeFileSync(notModel, csv);
    expect(run(['inspect', '--model', notModel])).toMatchObject({
      code: 1,
      err: expect.stringContaining(`${notModel}: line 1: expected "tree"`),
    });
    expect(run(['inspect', '--model', join(dir, 'nope.txt')]).err).toContain('cannot read model file');
  });

  it('inspect: summary and JSON', () => {
    expect(run(['inspect', '--model', modelPath]).out).toMatch(
      /objective\s+multiclass num_class:3\n[\s\S]*classes\s+3/,
    );
    const j = JSON.parse(run(['inspect', '--model', modelPath, '--json']).out);
    expect(j).toMatchObject({ numClass: 3, numIterations: 12, numTrees: 36, numFeatures: 6 });
    expect(j.features).toHaveLength(6);
  });
});

describe('adrank-lgbm train', () => {
  const set = syntheticSet(400, 5);
  const header = 'query,x0,x1,label,x2,x3,x4,w';
  const lines = [header];
  for (let r = 0; r < set.nRows; r++) {
    const x = Array.from(set.rows.subarray(r * 5, r * 5 + 5), (v) => (Number.isNaN(v) ? '' : String(v)));
    lines.push([`q${Math.floor(r / 20)}`, x[0], x[1], set.rel[r], x[2], x[3], x[4], 1 + (r % 3)].join(','));
  }
  const trainCsv = join(dir, 'train.csv');
  const validCsv = join(dir, 'valid.csv');
  writeFileSync(trainCsv, lines.slice(0, 301).join('\n'));
  writeFileSync(validCsv, [header, ...lines.slice(301)].join('\n'));
  const out = join(dir, 'trained.txt');

  it('trains with label, weight and group columns, a validation file and --param; the model predicts', () => {
    const r = run([
      'train',
      '--data',
      trainCsv,
      '--label',
      'label',
      '--weight',
      'w',
      '--group',
      'query',
      '--objective',
      'lambdarank',
      '--valid',
      validCsv,
      '--param',
      'num_iterations=12',
      '--param=num_leaves=7',
      '--engine',
      'builtin',
      '--out',
      out,
    ]);
    expect(r.err).toMatch(/trained 12 iteration\(s\) with the builtin engine; best valid ndcg@10: 0\.\d+/);
    expect(r.code).toBe(0);
    const model = parseModel(readFileSync(out, 'utf8'));
    expect(model.featureNames).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
    expect(model.objective?.name).toBe('lambdarank');
    expect(model.trees).toHaveLength(12);
    const pr = run(['predict', '--model', out, '--data', validCsv, '--ignore-extra-columns']);
    expect(pr.code).toBe(0);
    expect(pr.out.trim().split('\n')).toHaveLength(100);
  });

  it.each([
    [['--label', 'nope'], /has no column "nope" \(--label\)/, 1],
    [['--label', 'label', '--group', 'query', '--param', 'num_leavs=3'], /unknown parameter "num_leavs"/, 1],
    [['--label', 'label'], /column "query": "q0" is not a number/, 1],
    [['--label', 'label', '--param', 'oops'], /--param needs key=value/, 2],
    [['--label', 'label', '--engine', 'gpu'], /--engine must be auto, native or builtin/, 2],
    [['--label', 'label', '--group', 'query', '--objective', 'binary'], /binary labels must be 0 or 1/, 1],
  ])('%j fails clearly', (extra, message, code) => {
    const args = [
      'train',
      '--data',
      trainCsv,
      '--objective',
      'regression',
      '--engine',
      'builtin',
      '--out',
      out,
      ...extra,
    ];
    const r = run(args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  it('refuses a query id that comes back after other queries', () => {
    const bad = join(dir, 'bad-groups.csv');
    writeFileSync(bad, ['q,x,label', 'a,1,0', 'b,2,1', 'a,3,0'].join('\n'));
    const r = run([
      'train',
      '--data',
      bad,
      '--label',
      'label',
      '--group',
      'q',
      '--objective',
      'lambdarank',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 4: query "a" appears again after other queries/);
  });
});

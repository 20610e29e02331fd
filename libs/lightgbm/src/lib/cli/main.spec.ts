import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Predictor, runCli } from '../../index';
import { FIXTURES_DIR, loadGoldenCase } from '../../testing';

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

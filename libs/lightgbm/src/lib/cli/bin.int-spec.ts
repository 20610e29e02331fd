import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../testing';

// The real bin as users run it after `npm ci`: node_modules/.bin/adrank-lgbm → libs/lightgbm/bin/adrank-lgbm.cjs.
const root = join(__dirname, '..', '..', '..', '..', '..');
const bin = join(root, 'node_modules', '.bin', 'adrank-lgbm');
const model = join(FIXTURES_DIR, 'regression_nan', 'model.txt');

describe('adrank-lgbm bin', () => {
  it('predicts from standard input', () => {
    const out = execFileSync(bin, ['predict', '--model', model, '--data', '-'], {
      input: 'f0,f1,f2,f3,f4,f5\n0.1,0.2,1,,0,NaN\n',
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(Number.isFinite(Number(out.trim()))).toBe(true);
  });

  it('exits non-zero with a message on bad input', () => {
    const r = spawnSync(bin, ['predict', '--model', model, '--data', '-'], { input: 'f0\n1\n', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no column for feature(s) f1, f2, f3, f4, f5');
  });
});

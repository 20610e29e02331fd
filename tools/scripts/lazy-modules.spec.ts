/**
 * The bundles' lazy-module plugin (tools/scripts/lazy-modules.mjs), through esbuild as bundle-app.mjs runs it: a
 * listed module is not evaluated when its importer loads, is evaluated once on first use, and then behaves as itself
 * — checked with a module that records its own evaluation, and with the one the app bundles list
 * (libphonenumber-js/max, as class-validator's isPhoneNumber uses it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Bundles `entry` (in `dir`) with the plugin for `lazy`, then runs `check` (CommonJS) beside the bundle. */
function bundleAndRun(dir: string, entry: string, lazy: string[], check: string): string {
  writeFileSync(join(dir, 'entry.js'), entry);
  writeFileSync(join(dir, 'check.js'), check);
  const build = `
    import { build } from 'esbuild';
    import { lazyModules } from ${JSON.stringify(join(ROOT, 'tools/scripts/lazy-modules.mjs'))};
    await build({ entryPoints: [${JSON.stringify(join(dir, 'entry.js'))}], outfile: ${JSON.stringify(join(dir, 'out.js'))},
      bundle: true, platform: 'node', format: 'cjs', keepNames: true, logLevel: 'error',
      nodePaths: [${JSON.stringify(join(ROOT, 'node_modules'))}], plugins: [lazyModules(${JSON.stringify(lazy)})] });`;
  execFileSync(process.execPath, ['--input-type=module', '-e', build], { cwd: ROOT });
  return execFileSync(process.execPath, [join(dir, 'check.js')], { encoding: 'utf8' }).trim();
}

describe('lazyModules (esbuild plugin of the app bundles)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-modules-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates a listed module on first use, once, and reads its exports', () => {
    mkdirSync(join(dir, 'node_modules', 'noisy'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'noisy', 'index.js'),
      'globalThis.noisyLoads = (globalThis.noisyLoads ?? 0) + 1; exports.twice = (x) => 2 * x; exports.answer = 42;',
    );
    mkdirSync(join(dir, 'node_modules', 'plain'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'plain', 'index.js'), 'globalThis.plainLoads = 1; exports.x = 1;');
    const out = bundleAndRun(
      dir,
      "const noisy = require('noisy'); const plain = require('plain'); module.exports = { noisy, plain };",
      ['noisy'],
      `const { noisy, plain } = require('./out.js');
       const before = [globalThis.noisyLoads ?? 0, globalThis.plainLoads ?? 0];
       const results = [noisy.twice(21), noisy.answer, 'answer' in noisy, 'other' in noisy, plain.x];
       console.log(JSON.stringify({ before, results, loads: globalThis.noisyLoads }));`,
    );
    expect(JSON.parse(out)).toEqual({ before: [0, 1], results: [42, 42, true, false, 1], loads: 1 });
  }, 60_000);

  it("keeps class-validator's isPhoneNumber working with libphonenumber-js/max required lazily", () => {
    const out = bundleAndRun(
      dir,
      "module.exports = require('class-validator');",
      ['libphonenumber-js/max'],
      `const cv = require('./out.js');
       console.log(JSON.stringify([cv.isPhoneNumber('+82 10-1234-5678'), cv.isPhoneNumber('+14155552671'),
         cv.isPhoneNumber('12345'), cv.isPhoneNumber('+82 10-1234-5678', 'US')]));`,
    );
    expect(JSON.parse(out)).toEqual([true, true, false, false]);
  }, 60_000);
});

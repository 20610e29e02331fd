#!/usr/bin/env node
// npm test          unit suites (parallel) then integration suites (serial): everything that needs nothing outside npm
// npm run test:parity   the suites that check against the real LightGBM (Python wheel / lib_lightgbm.so); fail if missing
// Extra arguments go to Jest (e.g. `npm test -- libs/lightgbm`). Ends with one line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const parity = args[0] === '--parity';
const jestArgs = parity ? args.slice(1) : args;
const runs = parity
  ? [
      {
        kind: 'parity',
        extra: ['--runInBand'],
        env: { ADRANK_REQUIRE_NATIVE: process.env.ADRANK_REQUIRE_NATIVE ?? '1' },
      },
    ]
  : [
      { kind: 'unit', extra: ['--maxWorkers=2'], env: {} },
      { kind: 'int', extra: ['--runInBand'], env: {} },
    ];

const outDir = join('tmp', 'test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
let passed = 0;
let failed = 0;
let ok = true;
for (const run of runs) {
  const outputFile = join(outDir, `${run.kind}.json`);
  const r = spawnSync(
    process.execPath,
    [
      'node_modules/jest/bin/jest.js',
      '-c',
      'jest.config.ts',
      '--ci',
      '--passWithNoTests',
      '--json',
      `--outputFile=${outputFile}`,
      ...run.extra,
      ...jestArgs,
    ],
    { stdio: 'inherit', env: { ...process.env, ...run.env, TZ: 'UTC', ADRANK_TEST_KIND: run.kind } },
  );
  try {
    const res = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += res.numPassedTests;
    failed += res.numFailedTests;
    if (res.numRuntimeErrorTestSuites > 0) failed += res.numRuntimeErrorTestSuites;
  } catch {
    failed += 1; // Jest did not get as far as writing results
  }
  if (r.status !== 0) ok = false;
}
if (!ok && failed === 0) failed = 1;
console.log(`\n${parity ? 'parity' : 'tests'}: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);

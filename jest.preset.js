// Shared Jest settings for every project (each project's jest.config.ts names this preset).
//
// ADRANK_TEST_KIND picks the test files:
//   unit   *.spec.ts         fast, no I/O beyond committed fixtures (npm test)
//   int    *.int-spec.ts     real components that npm installs (child processes, servers on 127.0.0.1); serial (npm test)
//   parity *.parity-spec.ts  against the real LightGBM via Python / lib_lightgbm.so (npm run test:parity, CI)
const nxPreset = require('@nx/jest/preset').default;

const KINDS = {
  unit: '**/?(*.)spec.ts',
  int: '**/?(*.)int-spec.ts',
  parity: '**/?(*.)parity-spec.ts',
};
const kind = process.env.ADRANK_TEST_KIND ?? 'unit';
if (!KINDS[kind]) {
  throw new Error(`ADRANK_TEST_KIND must be one of ${Object.keys(KINDS).join(', ')} (got "${kind}")`);
}
// Dates must not depend on the machine: npm test and the nx targets pin TZ; a run that forgot fails loudly.
if (process.env.TZ !== 'UTC') {
  throw new Error(`Tests must run with TZ=UTC (got TZ=${process.env.TZ ?? '<unset>'}); use npm test or nx test`);
}

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testMatch: [`<rootDir>/${KINDS[kind]}`],
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  coverageReporters: ['text-summary', 'html'],
};

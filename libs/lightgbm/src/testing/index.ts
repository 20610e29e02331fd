export type { GoldenCase } from './fixtures';
export { FIXTURES_DIR, loadGoldenCase, loadGoldenCases, maxAbsDiff } from './fixtures';
export type { SyntheticSet } from './synthetic';
export { labelsFor, syntheticPart, syntheticSet } from './synthetic';

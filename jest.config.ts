import { getJestProjectsAsync } from '@nx/jest';

// One Jest run over every project. Which files run is chosen by ADRANK_TEST_KIND (see jest.preset.js):
// unit (*.spec.ts, default), int (*.int-spec.ts) or parity (*.parity-spec.ts).
export default async () => ({
  projects: await getJestProjectsAsync(),
});

export default {
  displayName: 'inference-api',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/inference-api',
};

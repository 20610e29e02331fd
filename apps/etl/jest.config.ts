export default {
  displayName: 'etl',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/etl',
};

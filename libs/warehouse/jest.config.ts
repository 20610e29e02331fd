export default {
  displayName: 'warehouse',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/warehouse',
};

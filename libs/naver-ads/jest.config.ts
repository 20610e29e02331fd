export default {
  displayName: 'lightgbm',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/lightgbm',
};

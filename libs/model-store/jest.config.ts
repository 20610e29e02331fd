export default {
  displayName: 'model-store',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/model-store',
};

export default {
  displayName: 'job',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/job',
};

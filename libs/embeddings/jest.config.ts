export default {
  displayName: 'embeddings',
  preset: '../../jest.preset.js',
  // onnxruntime-node needs the outer realm's typed arrays (see the environment's header).
  testEnvironment: '../../tools/jest/node-realm-environment.cjs',
  coverageDirectory: '../../coverage/libs/embeddings',
};

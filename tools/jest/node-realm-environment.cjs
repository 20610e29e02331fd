// Jest's node environment gives each test file its own realm, with its own Float32Array, BigInt64Array, ... .
// onnxruntime-node checks tensor data with `instanceof` against the outer realm's constructors and fails with
// "A float32 tensor's data must be type of function Float32Array()". This environment hands the test context the
// outer realm's typed-array constructors so that arrays made in tests and in the libraries are the same kind.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;

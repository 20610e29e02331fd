#!/usr/bin/env node
// Usage: node tools/scripts/ts-run.cjs path/to/script.ts [args...]
require('./ts-register.cjs');
const path = require('node:path');
const script = process.argv[2];
if (!script) {
  console.error('usage: ts-run.cjs <script.ts> [args...]');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(script));
require(path.resolve(script));

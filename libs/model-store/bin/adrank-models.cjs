#!/usr/bin/env node
// `adrank-models` — see `adrank-models --help`. Runs the compiled JavaScript of a built package (dist), or the
// TypeScript sources inside the adrank workspace.
const path = require('node:path');
const fs = require('node:fs');

const built = path.join(__dirname, '..', 'src', 'lib', 'cli.js');
if (fs.existsSync(built)) {
  require(built).main();
} else {
  require(path.join(__dirname, '..', '..', '..', 'tools', 'scripts', 'ts-register.cjs'));
  require(path.join(__dirname, '..', 'src', 'lib', 'cli.ts')).main();
}

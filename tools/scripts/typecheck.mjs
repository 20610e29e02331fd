#!/usr/bin/env node
// npm run typecheck — type-checks every project including its tests and the tools (Jest runs ts-jest without
// diagnostics for speed, and the build covers library code only). Ends with one line per failing config.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const configs = [];
for (const group of ['libs', 'apps']) {
  if (!existsSync(group)) continue;
  for (const p of readdirSync(group)) {
    const spec = join(group, p, 'tsconfig.spec.json');
    const lib = join(group, p, 'tsconfig.lib.json');
    const app = join(group, p, 'tsconfig.app.json');
    if (existsSync(spec)) configs.push(spec);
    else if (existsSync(lib)) configs.push(lib);
    else if (existsSync(app)) configs.push(app);
  }
}
for (const t of ['tools/tsconfig.json', 'tools/tsconfig.spec.json', 'infra/tsconfig.json']) if (existsSync(t)) configs.push(t);

const failed = [];
for (const c of configs) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', c, '--noEmit'], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(c);
}
console.log(
  failed.length === 0 ? `typecheck: ${configs.length} configs clean` : `typecheck failed: ${failed.join(', ')}`,
);
process.exit(failed.length === 0 ? 0 : 1);

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The architecture's import rules are enforced by lint, not by convention: prove each one rejects a violation.
// Runs the real eslint CLI with the workspace's eslint.config.mjs on code given through standard input.
const root = join(__dirname, '..', '..');

async function ruleIds(file: string, code: string): Promise<string[]> {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      join(root, file),
      '--format',
      'json',
    ],
    { cwd: root, input: code, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (!r.stdout) throw new Error(`eslint produced no report (exit ${r.status}): ${r.stderr}`);
  const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it('rejects a deep import into a lib', async () => {
    const msgs = await ruleIds(
      'tools/bench/deep-import-probe.ts',
      "import { parseModel } from '@adrank/lightgbm/src/lib/model/parse';\nexport const x = parseModel;\n",
    );
    expect(msgs.join('\n')).toMatch(/no-restricted-imports: .*Import a lib through its public entry point/);
  });

  it('accepts the public door and the testing door', async () => {
    const msgs = await ruleIds(
      'tools/bench/public-import-probe.ts',
      "import { parseModel } from '@adrank/lightgbm';\nimport { maxAbsDiff } from '@adrank/lightgbm/testing';\nexport const x = [parseModel, maxAbsDiff];\n",
    );
    expect(
      msgs.filter((m) => m.startsWith('no-restricted-imports') || m.startsWith('@nx/enforce-module-boundaries')),
    ).toEqual([]);
  });

  it('rejects a lib reaching into an app by relative path', async () => {
    const msgs = await ruleIds(
      'libs/lightgbm/src/lib/probe.ts',
      "import { x } from '../../../../apps/trainer/src/main';\nexport const y = x;\n",
    );
    expect(msgs.join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  });
});

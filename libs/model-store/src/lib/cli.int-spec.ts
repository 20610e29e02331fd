import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDir, input } from '../testing';
import { BundleStore } from './bundles';
import { run } from './cli';
import { FileSystemStore } from './store';

describe('adrank-models', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const cli = (...argv: string[]) => run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'models-cli-'));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists, shows, verifies, promotes and collects garbage', async () => {
    const store = join(dir, 'store');
    const b = new BundleStore(new FileSystemStore(store));
    const v1 = await b.publish(bundleDir(dir, 'one'), input({ version: '2026-11-20T00-00-00Z-000001' }));
    const v2 = await b.publish(bundleDir(dir, 'two'), input({ version: '2026-11-21T00-00-00Z-000002' }));
    const v3 = await b.publish(bundleDir(dir, 'three'), input({ version: '2026-11-22T00-00-00Z-000003' }));
    expect(await cli('list', '--store', store)).toBe(0);
    expect(out.map((l) => l.slice(0, 2 + v3.version.length))).toEqual([
      `* ${v3.version}`,
      `  ${v2.version}`,
      `  ${v1.version}`,
    ]);
    expect(await cli('show', '--store', `file://${store}`)).toBe(0);
    expect(JSON.parse(out.at(-1) as string).version).toBe(v3.version);
    expect(await cli('verify', '--store', store, '--json')).toBe(0);
    expect(JSON.parse(out.at(-1) as string)).toEqual({ version: v3.version, ok: true, problems: [] });
    writeFileSync(join(store, v1.version, 'ctr_model.txt'), 'tampered');
    expect(await cli('verify', '--store', store, '--version', v1.version)).toBe(1);
    expect(out.at(-1)).toMatch(/ctr_model\.txt: 8 bytes/);
    expect(await cli('promote', '--store', store, '--version', v1.version)).toBe(1);
    expect(err.at(-1)).toMatch(/refusing to promote/);
    expect(await cli('promote', '--store', store, '--version', v2.version)).toBe(0);
    expect(out.at(-1)).toBe(`latest.json → ${v2.version}`);
    expect(await cli('gc', '--store', store, '--retain', '1', '--dry-run', '--json')).toBe(0);
    expect(JSON.parse(out.at(-1) as string)).toEqual({ deleted: [], dryRun: true }); // v3 newest, v2 current, v1 its parent
  });

  it('says what is wrong with its arguments (exit 2)', async () => {
    expect(await cli()).toBe(2);
    expect(await cli('frobnicate', '--store', dir)).toBe(2);
    expect(err.at(-1)).toContain('unknown command "frobnicate"');
    expect(await cli('list')).toBe(2);
    expect(err.at(-1)).toContain('--store URL is required');
    expect(await cli('gc', '--store', dir, '--retain', '0')).toBe(2);
    expect(await cli('list', '--store', dir, '--bogus', 'x')).toBe(2);
    expect(await cli('list', '--store', 'ftp://x')).toBe(1);
  });

  it('runs as a command', () => {
    const bin = join(__dirname, '..', '..', 'bin', 'adrank-models.cjs');
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toContain('adrank-models list');
    expect(execFileSync(process.execPath, [bin, 'list', '--store', dir], { encoding: 'utf8' }).trim()).toBe(
      '(no versions)',
    );
  });
});

/**
 * The AWS SDK is required on first S3 use only: a process that serves from a local store never loads it (~100 ms of
 * the inference API's start-up). Checked in a Node process of its own, whose module cache is the real one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

function loadedAfter(code: string): { sdk: boolean; ok: unknown } {
  const script = `
    const { openStore } = require('@adrank/model-store');
    (async () => {
      const ok = await (async () => { ${code} })();
      const sdk = Object.keys(require.cache).some((k) => k.includes('${join('@aws-sdk', 'client-s3')}'));
      process.stdout.write(JSON.stringify({ sdk, ok }));
    })().catch((e) => { process.stderr.write(String(e.stack)); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-r', join(ROOT, 'tools/scripts/ts-register.cjs'), '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { sdk: boolean; ok: unknown };
}

describe('openStore loads the AWS SDK only for s3:// URLs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-lazy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a local store puts and gets without loading @aws-sdk/client-s3', () => {
    const r = loadedAfter(`
      const s = openStore(${JSON.stringify(dir)});
      await s.put('a/b.txt', 'hello');
      return (await s.get('a/b.txt')).toString();`);
    expect(r).toEqual({ sdk: false, ok: 'hello' });
  }, 30_000);

  it('an s3:// store loads it when opened', () => {
    const r = loadedAfter(`
      const s = openStore('s3://bucket/prefix', { s3: { region: 'us-east-1' } });
      const url = s.url;
      s.destroy();
      return url;`);
    expect(r).toEqual({ sdk: true, ok: 's3://bucket/prefix' });
  }, 30_000);
});

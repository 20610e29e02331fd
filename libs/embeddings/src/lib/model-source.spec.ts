import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fetchS3Model, parseModelLocation } from './model-source';

describe('parseModelLocation', () => {
  it.each([
    [
      's3://bucket/models/minilm/',
      { kind: 's3', bucket: 'bucket', prefix: 'models/minilm', url: 's3://bucket/models/minilm' },
    ],
    ['s3://bucket', { kind: 's3', bucket: 'bucket', prefix: '', url: 's3://bucket/' }],
    ['file:///opt/models/minilm', { kind: 'local', dir: '/opt/models/minilm' }],
    ['/opt/models/minilm', { kind: 'local', dir: '/opt/models/minilm' }],
    ['Xenova/all-MiniLM-L6-v2', { kind: 'hub', id: 'Xenova/all-MiniLM-L6-v2' }],
  ])('reads %s', (input, want) => expect(parseModelLocation(input)).toEqual(want));

  it('refuses what is none of them', () => {
    expect(() => parseModelLocation('')).toThrow(/hub id, a directory or an s3:\/\/ URL/);
    expect(() => parseModelLocation('s3:///x')).toThrow(/has no bucket/);
    expect(() => parseModelLocation('a b c')).toThrow(/neither a hub id/);
  });
});

// moto always serves what was stored, so a corrupted transfer cannot be produced with it: these cases answer with
// aws-sdk-client-mock (the happy path and the cache run against moto in model-source.int-spec.ts).
describe('fetchS3Model checksums', () => {
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"hidden_size": 4}'),
    'tokenizer.json': Buffer.from('{}'),
    'tokenizer_config.json': Buffer.from('{}'),
    'onnx/model.onnx': Buffer.from('onnx bytes'),
  };
  const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
  const loc = { kind: 's3' as const, bucket: 'b', prefix: 'm', url: 's3://b/m' };
  let cacheDir: string;
  const s3 = mockClient(S3Client);
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'model-cache-'));
    s3.reset();
    s3.on(ListObjectsV2Command).resolves({
      Contents: Object.entries(files).map(([k, b]) => ({ Key: `m/${k}`, ETag: `"${md5(b)}"`, Size: b.length })),
    });
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  function serve(corrupt?: { key: string; sha256?: string }): void {
    for (const [k, b] of Object.entries(files)) {
      const body = corrupt?.key === k && corrupt.sha256 === undefined ? Buffer.from('tampered!!') : b;
      s3.on(GetObjectCommand, { Key: `m/${k}` }).callsFake(() => ({
        Body: Readable.from([body]),
        ETag: `"${md5(b)}"`,
        ContentLength: body.length,
        ...(corrupt?.key === k && corrupt.sha256 !== undefined
          ? { ChecksumSHA256: corrupt.sha256, ChecksumType: 'FULL_OBJECT' }
          : {}),
      }));
    }
  }

  it('accepts files whose MD5 matches the ETag and records their sha256', async () => {
    serve();
    const dir = await fetchS3Model(loc, {
      cacheDir,
      onnxFile: 'model.onnx',
      client: new S3Client({ region: 'us-east-1' }),
    });
    const record = JSON.parse(readFileSync(join(dir, '.adrank-model-source.json'), 'utf8'));
    expect(record.files['onnx/model.onnx'].sha256).toBe(
      createHash('sha256')
        .update(files['onnx/model.onnx'] as Buffer)
        .digest('hex'),
    );
  });

  it('refuses a body whose MD5 differs from the ETag and leaves no partial file', async () => {
    serve({ key: 'onnx/model.onnx' });
    await expect(
      fetchS3Model(loc, { cacheDir, onnxFile: 'model.onnx', client: new S3Client({ region: 'us-east-1' }) }),
    ).rejects.toMatchObject({
      code: 'MODEL_CHECKSUM',
      message: expect.stringContaining('s3://b/m/onnx/model.onnx: MD5'),
    });
    const onnxDir = join(cacheDir, 's3', 'b', 'm', 'onnx');
    expect(existsSync(onnxDir) ? readdirSync(onnxDir) : []).toEqual([]);
    expect(existsSync(join(cacheDir, 's3', 'b', 'm', '.adrank-model-source.json'))).toBe(false);
  });

  it('prefers S3 full-object SHA-256 checksums when S3 returns them', async () => {
    serve({ key: 'config.json', sha256: Buffer.alloc(32).toString('base64') });
    await expect(
      fetchS3Model(loc, { cacheDir, onnxFile: 'model.onnx', client: new S3Client({ region: 'us-east-1' }) }),
    ).rejects.toThrow(/config\.json: SHA-256 .* S3 says AAAA/);
  });
});

describe('the S3 client is loaded on first S3 use', () => {
  it('a process that imports @adrank/embeddings and embeds lexically never loads @aws-sdk/client-s3', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const script = `
      const { LexicalEmbedder } = require('@adrank/embeddings');
      const e = new LexicalEmbedder({ dim: 64 });
      Promise.resolve(e.embed(['신발 추천'])).then((v) => {
        const sdk = Object.keys(require.cache).some((k) => k.includes('${join('@aws-sdk', 'client-s3')}'));
        process.stdout.write(JSON.stringify({ sdk, values: v.length }));
      });`;
    const out = execFileSync(process.execPath, ['-r', join(root, 'tools/scripts/ts-register.cjs'), '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ sdk: false, values: 64 });
  }, 30_000);
});

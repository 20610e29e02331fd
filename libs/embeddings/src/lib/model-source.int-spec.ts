/**
 * Models from an S3 prefix, against moto's real S3 API. Part of `npm test`: skipped with a notice only on a machine
 * without moto outside CI; CI installs moto[server] and fails here if it is missing.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeIfAvailable, motoAvailable, startMoto, type Moto } from '@adrank/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TINY_BERT_DIR } from '../testing';
import { TransformersEmbedder } from './transformers';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

describeIfAvailable(motoAvailable(), 'S3 model source suite')('TransformersEmbedder from s3:// (moto)', () => {
  let moto: Moto;
  let s3: S3Client;
  let cacheDir: string;
  const url = 's3://models/embedders/tiny-bert';

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client(moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
    for (const f of filesUnder(TINY_BERT_DIR)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'models',
          Key: `embedders/tiny-bert/${f}`,
          Body: readFileSync(join(TINY_BERT_DIR, f)),
        }),
      );
    }
    // Other ONNX variants at the prefix are not downloaded for dtype fp32.
    await s3.send(new PutObjectCommand({ Bucket: 'models', Key: 'embedders/tiny-bert/onnx/model_q4.onnx', Body: 'x' }));
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });
  beforeEach(() => (cacheDir = mkdtempSync(join(tmpdir(), 'model-cache-'))));
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('downloads once, verified, and embeds exactly as the local copy', async () => {
    const local = await TransformersEmbedder.load({ model: TINY_BERT_DIR });
    const remote = await TransformersEmbedder.load({ model: url, cacheDir, s3: moto.clientConfig });
    expect(remote.id.replace(url, 'tiny-bert')).toBe(local.id);
    const texts = ['나이키 운동화', 'running shoes'];
    expect(Array.from(await remote.embed(texts))).toEqual(Array.from(await local.embed(texts)));
    const dir = remote.modelDir;
    expect(relative(cacheDir, dir)).toBe(join('s3', 'models', 'embedders', 'tiny-bert'));
    expect(filesUnder(dir).sort()).toEqual([...filesUnder(TINY_BERT_DIR), '.adrank-model-source.json'].sort());
    await Promise.all([local.close(), remote.close()]);

    // Second load: S3 is not contacted (a dead endpoint would fail) because the cache verifies.
    const again = await TransformersEmbedder.load({
      model: url,
      cacheDir,
      s3: { ...moto.clientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
    });
    expect(again.id).toBe(remote.id);
    await again.close();
  });

  it('downloads again when a cached file is corrupt, and fails clearly when S3 cannot be reached', async () => {
    const first = await TransformersEmbedder.load({ model: url, cacheDir, s3: moto.clientConfig });
    await first.close();
    const onnx = join(first.modelDir, 'onnx', 'model.onnx');
    const good = readFileSync(onnx);
    writeFileSync(onnx, Buffer.concat([good.subarray(0, 100), Buffer.from('garbage')]));
    const dead = { ...moto.clientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 };
    await expect(TransformersEmbedder.load({ model: url, cacheDir, s3: dead })).rejects.toThrow(
      /^s3:\/\/models\/embedders\/tiny-bert: .*ECONNREFUSED/,
    );
    const repaired = await TransformersEmbedder.load({ model: url, cacheDir, s3: moto.clientConfig });
    expect(readFileSync(onnx).equals(good)).toBe(true);
    await repaired.close();
  });

  it('names the files a prefix lacks', async () => {
    await expect(
      TransformersEmbedder.load({ model: 's3://models/embedders/nothing-here', cacheDir, s3: moto.clientConfig }),
    ).rejects.toThrow(/s3:\/\/models\/embedders\/nothing-here does not hold config\.json, tokenizer\.json/);
  });
});

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTinyBertGolden, TINY_BERT_DIR } from '../testing';
import { MicroBatchingEmbedder } from './micro-batch';
import { loadTransformersEmbedder, TransformersEmbedder } from './transformers';

const golden = loadTinyBertGolden();
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('TransformersEmbedder on the tiny BERT fixture (onnxruntime-node, offline)', () => {
  let e: TransformersEmbedder;
  // loading onnxruntime and transformers.js took over 5 s (Jest's default) once, while the unit suites ran two at a
  // time on two vCPUs
  beforeAll(async () => {
    e = await TransformersEmbedder.load({ model: TINY_BERT_DIR, batchSize: 4 });
  }, 60_000);
  afterAll(() => (e as TransformersEmbedder | undefined)?.close()); // undefined when the load failed

  it('equals PyTorch mean pooling + normalisation within 1e-5, at max_length 128 and 16', async () => {
    for (const [len, want] of golden.embeddings) {
      const emb = len === e.maxLength ? e : await TransformersEmbedder.load({ model: TINY_BERT_DIR, maxLength: len });
      expect(emb.maxLength).toBe(len);
      const got = await emb.embed(golden.texts);
      expect(want.cols).toBe(32);
      expect(maxDiff(got, want.data)).toBeLessThan(1e-5);
      if (emb !== e) await emb.close();
    }
  });

  it('has an id naming the model, weights digest, pooling and length, and dim 32', () => {
    expect(e.dim).toBe(32);
    expect(e.id).toMatch(/^transformers:tiny-bert:fp32:sha256-[0-9a-f]{12}:mean:len128$/);
  });

  it('gives the same rows whatever the batch size and order, and unit rows for Korean, mixed, empty and long inputs', async () => {
    const texts = ['나이키 운동화', 'running shoes 러닝화', '', 'x'.repeat(100_000), '뷁 unknown', '나이키운동화'];
    const one = await TransformersEmbedder.load({ model: TINY_BERT_DIR, batchSize: 1 });
    const a = await one.embed(texts);
    const b = await e.embed([...texts].reverse());
    for (let i = 0; i < texts.length; i++) {
      const ra = a.subarray(i * 32, (i + 1) * 32);
      const rb = b.subarray((texts.length - 1 - i) * 32, (texts.length - i) * 32);
      expect(maxDiff(ra, rb)).toBeLessThan(1e-5);
      expect(Math.hypot(...ra)).toBeCloseTo(1, 5);
    }
    await one.close();
  });

  it('embeds 10,000 duplicate inputs once and reports progress', async () => {
    const seen: number[] = [];
    const p = await TransformersEmbedder.load({
      model: TINY_BERT_DIR,
      batchSize: 2,
      onProgress: (x) => seen.push(x.done),
    });
    const texts = Array.from(
      { length: 10_000 },
      (_, i) => ['나이키 운동화', 'coffee maker', '커피 머신'][i % 3] as string,
    );
    const rows = await p.embed(texts);
    expect(rows.length).toBe(10_000 * 32);
    expect(Array.from(rows.subarray(9_999 * 32))).toEqual(Array.from(rows.subarray(0, 32)));
    expect(seen).toEqual([2, 3]);
    await p.close();
  });

  it('serves concurrent callers through the micro-batcher with the same rows', async () => {
    const mb = await loadTransformersEmbedder({ model: TINY_BERT_DIR, microBatch: { windowMs: 5 } });
    expect(mb).toBeInstanceOf(MicroBatchingEmbedder);
    const texts = golden.texts.slice(0, 6);
    const rows = await Promise.all(texts.map((t) => mb.embed([t])));
    expect((mb as MicroBatchingEmbedder).stats.batches).toBe(1);
    const want = golden.embeddings.get(128)?.data as Float32Array;
    rows.forEach((r, i) => expect(maxDiff(r, want.subarray(i * 32, (i + 1) * 32))).toBeLessThan(1e-5));
    await mb.close?.();
    await expect(mb.embed(['x'])).rejects.toThrow('embedder is closed');
  });

  it('rejects bad input per call without breaking the embedder', async () => {
    await expect(e.embed([1 as unknown as string])).rejects.toThrow('texts[0] must be a string, got number 1');
    expect((await e.embed(['ok'])).length).toBe(32);
  });
});

describe('TransformersEmbedder model resolution', () => {
  it('names the missing files of a directory that is not a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-'));
    try {
      cpSync(TINY_BERT_DIR, dir, { recursive: true });
      rmSync(join(dir, 'onnx'), { recursive: true });
      await expect(TransformersEmbedder.load({ model: dir })).rejects.toThrow(/missing onnx\/model\.onnx/);
      await expect(TransformersEmbedder.load({ model: dir, dtype: 'q8' })).rejects.toThrow(
        /onnx\/model_quantized\.onnx/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not go to the hub unless allowRemoteModels is set', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cache-'));
    try {
      await expect(TransformersEmbedder.load({ cacheDir })).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        message: expect.stringContaining('Xenova/all-MiniLM-L6-v2 is not in'),
      });
      // A copy placed under <cacheDir>/hub/<id> (e.g. by an image build) is used without any download.
      cpSync(TINY_BERT_DIR, join(cacheDir, 'hub', 'acme', 'tiny'), { recursive: true });
      const e = await TransformersEmbedder.load({ model: 'acme/tiny', cacheDir });
      expect(e.id).toMatch(/^transformers:acme\/tiny:/);
      await e.close();
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('validates its options', async () => {
    await expect(TransformersEmbedder.load({ model: TINY_BERT_DIR, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(TransformersEmbedder.load({ model: TINY_BERT_DIR, maxLength: 1 })).rejects.toThrow(/maxLength/);
    await expect(TransformersEmbedder.load({ model: 'not a model id!' })).rejects.toThrow(/neither a hub id/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from './embedder';
import { KEYWORD_CACHE_FILES, KeywordEmbeddingCache } from './keyword-cache';
import { LexicalEmbedder } from './lexical';
import { writeNpySync } from './npy';

/** The lexical embedder with a count of texts it was asked to embed. */
class Counting implements Embedder {
  texts = 0;
  calls = 0;
  constructor(readonly inner: LexicalEmbedder = new LexicalEmbedder()) {}
  get id(): string {
    return this.inner.id;
  }
  get dim(): number {
    return this.inner.dim;
  }
  embed(texts: readonly string[]): Promise<Float32Array> {
    this.calls++;
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
}

const KEYWORDS = [
  '나이키운동화',
  '나이키 운동화',
  'Running Shoes',
  'running shoes',
  '커피 머신',
  '러닝화',
  '등산화 추천',
  'coffee maker',
];

describe('KeywordEmbeddingCache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kwcache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('embeds each normalised keyword once, finds it however it is spelled, and round-trips through disk', async () => {
    const e = new Counting();
    const cache = await KeywordEmbeddingCache.build(KEYWORDS, e, { batchSize: 3 });
    expect(cache.size).toBe(7); // "Running Shoes" and "running shoes" are one keyword
    expect(cache.keywords).toEqual(KEYWORDS.filter((k) => k !== 'running shoes'));
    expect(e.texts).toBe(7);
    expect(e.calls).toBe(3);
    expect(cache.indexOf('  RUNNING   shoes ')).toBe(2);
    expect(cache.indexOf('ＲＵＮＮＩＮＧ shoes')).toBe(2);
    expect(cache.has('unknown')).toBe(false);
    cache.save(dir);
    const loaded = await KeywordEmbeddingCache.load(dir, { embedder: e });
    expect(loaded.keywords).toEqual(cache.keywords);
    expect(Array.from(loaded.matrix)).toEqual(Array.from(cache.matrix));
    expect(loaded.meta).toEqual(cache.meta);
    expect(Array.from(loaded.vector('러닝화') ?? [])).toEqual(Array.from(new LexicalEmbedder().embedSync(['러닝화'])));
    expect(JSON.parse(readFileSync(join(dir, KEYWORD_CACHE_FILES.keywords), 'utf8'))).toEqual(cache.keywords);
  });

  it('finds the nearest keywords, with exclusions and filters', async () => {
    const e = new LexicalEmbedder();
    const cache = await KeywordEmbeddingCache.build(KEYWORDS, e);
    const q = e.embedSync(['나이키 운동화']);
    const top = cache.nearest(q, 3);
    expect(top.map((n) => n.keyword).slice(0, 2)).toEqual(['나이키 운동화', '나이키운동화']);
    expect(top[0]?.score).toBeCloseTo(1, 6);
    const others = cache.nearest(q, 2, { exclude: ['나이키  운동화'] });
    expect(others[0]?.keyword).toBe('나이키운동화');
    const latin = cache.nearest(q, 10, { filter: (k) => /^[a-z ]+$/i.test(k) });
    expect(latin.map((n) => n.keyword).sort()).toEqual(['Running Shoes', 'coffee maker']);
  });

  it('embeds keywords outside the cache on demand, once, into a bounded LRU', async () => {
    const e = new Counting();
    const cache = await KeywordEmbeddingCache.build(KEYWORDS.slice(0, 3), e, { missingCapacity: 2 });
    e.texts = 0;
    const a = await cache.embedMissing(['나이키운동화', '캠핑 의자', '캠핑  의자', '텐트']);
    expect(a.known).toEqual([true, false, false, false]);
    expect(e.texts).toBe(2); // "캠핑 의자" once, "텐트" once; the cached keyword is not embedded
    const lex = new LexicalEmbedder();
    expect(Array.from(a.vectors.subarray(256, 512))).toEqual(Array.from(lex.embedSync(['캠핑 의자'])));
    expect(Array.from(a.vectors.subarray(512, 768))).toEqual(Array.from(a.vectors.subarray(256, 512)));
    await cache.embedMissing(['텐트']);
    expect(e.texts).toBe(2); // from the LRU
    await cache.embedMissing(['의자', '캠핑 의자']); // "의자" evicts "텐트" (capacity 2); "캠핑 의자" is kept
    expect(e.texts).toBe(3);
    expect(cache.vector('텐트')).toBeUndefined();
    expect(cache.missingStats).toMatchObject({ size: 2, capacity: 2 });
    expect(cache.missingStats.hits).toBeGreaterThan(0);
  });

  it('similarities: the trainer formula (float64, dimension order) straight from the matrix, unknown ones embedded', async () => {
    const e = new Counting();
    const cache = await KeywordEmbeddingCache.build(KEYWORDS.slice(0, 3), e);
    const q = new LexicalEmbedder().embedSync(['나이키 운동화']);
    // 7 keywords: one group of four and three left over; cached, unknown and repeated ones mixed
    const words = [
      '캠핑 의자',
      KEYWORDS[0] as string,
      KEYWORDS[2] as string,
      '텐트',
      KEYWORDS[1] as string,
      '캠핑  의자',
      KEYWORDS[0] as string,
    ];
    e.texts = 0;
    const out = new Float64Array(words.length);
    const known = await cache.similarities(q, words, out);
    expect(e.texts).toBe(2);
    const { vectors, known: k2 } = await cache.embedMissing(words);
    expect(known).toEqual(k2);
    const dim = cache.dim;
    words.forEach((_, i) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (q[d] as number) * (vectors[i * dim + d] as number);
      expect(Object.is(out[i], s)).toBe(true);
    });
    expect(out[1]).toBeCloseTo(out[6] as number, 15);
    await expect(cache.similarities(new Float32Array(3), words, out)).rejects.toThrow(/dim 256/);
    await expect(cache.similarities(q, words, new Float64Array(2))).rejects.toThrow(/at least 7/);
  });

  it('reuses rows of a cache made by the same embedder and embeds only new keywords', async () => {
    const e = new Counting();
    const old = await KeywordEmbeddingCache.build(KEYWORDS.slice(0, 4), e);
    e.texts = 0;
    const progress: number[] = [];
    const next = await KeywordEmbeddingCache.build(KEYWORDS, e, {
      reuse: old,
      onProgress: (p) => progress.push(p.reused),
    });
    expect(e.texts).toBe(4); // the three old keywords (four spellings) are copied
    expect(progress).toEqual([3]);
    const fresh = await KeywordEmbeddingCache.build(KEYWORDS, new LexicalEmbedder());
    expect(Array.from(next.matrix)).toEqual(Array.from(fresh.matrix));
    const other = await KeywordEmbeddingCache.build(KEYWORDS, new LexicalEmbedder({ dim: 128 }));
    await expect(KeywordEmbeddingCache.build(KEYWORDS, e, { reuse: other })).rejects.toThrow(
      /cannot reuse a cache of lexical-v1:ngram1-3:dim128/,
    );
  });

  it('refuses an embedder with another id or dim', async () => {
    const cache = await KeywordEmbeddingCache.build(KEYWORDS, new LexicalEmbedder());
    cache.save(dir);
    await expect(KeywordEmbeddingCache.load(dir, { embedder: new LexicalEmbedder({ seed: 1 }) })).rejects.toMatchObject(
      {
        code: 'CACHE_MISMATCH',
        message: expect.stringContaining('was made by lexical-v1:ngram1-3:dim256:murmur3-seed0 (dim 256)'),
      },
    );
    expect(() => cache.useEmbedder(new LexicalEmbedder({ dim: 64 }))).toThrow(/dim 64/);
    const bare = await KeywordEmbeddingCache.load(dir);
    await expect(bare.embedMissing(['없는 키워드'])).rejects.toThrow(/no embedder is attached/);
  });

  it('names each inconsistency between the files of a cache directory', async () => {
    const cache = await KeywordEmbeddingCache.build(KEYWORDS, new LexicalEmbedder());
    cache.save(dir);
    const kw = join(dir, KEYWORD_CACHE_FILES.keywords);
    const meta = join(dir, KEYWORD_CACHE_FILES.meta);
    const npy = join(dir, KEYWORD_CACHE_FILES.matrix);

    writeFileSync(kw, JSON.stringify([...cache.keywords, 'extra']));
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toThrow(
      /holds 1792 values; 8 keywords × dim 256 = 2048 expected/,
    );
    writeFileSync(kw, JSON.stringify(['a', 2]));
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toThrow(/entry 1 is number 2, not a string/);
    writeFileSync(kw, '{not json');
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toMatchObject({ code: 'CACHE_FORMAT' });
    writeFileSync(kw, JSON.stringify(cache.keywords));
    writeNpySync(npy, new Float32Array(7 * 128), [7, 128]);
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toThrow(/holds 896 values/);
    cache.save(dir);
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    writeFileSync(meta, JSON.stringify({ ...m, count: 3, normalization: 'other' }));
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toThrow(/count|normalization/);
    unlinkSync(meta);
    await expect(KeywordEmbeddingCache.load(dir)).rejects.toThrow(/meta.json is missing/);
    const seed = await KeywordEmbeddingCache.load(dir, { assume: { id: cache.embedderId, dim: 256 } });
    expect(seed.size).toBe(7);
    expect(existsSync(meta)).toBe(false);
  });

  it('refuses keywords that are empty after normalisation or not strings', async () => {
    const e = new LexicalEmbedder();
    await expect(KeywordEmbeddingCache.build(['ok', ' \u3000 '], e)).rejects.toThrow(
      'keywords[1] is empty after normalisation',
    );
    await expect(KeywordEmbeddingCache.build(['ok', null as unknown as string], e)).rejects.toThrow(
      'texts[1] must be a string, got null',
    );
  });
});

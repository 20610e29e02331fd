import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkTexts, describe, type Embedder } from './embedder';
import { EmbeddingsError } from './errors';
import { Lru } from './lru';
import { DotProductIndex } from './nearest';
import { normalizeText } from './normalize';
import { readNpyMatrix, writeNpySync } from './npy';
import type { CacheStats } from './query-cache';

/** File names inside a cache directory (the bundle layout of ARCHITECTURE.md). */
export const KEYWORD_CACHE_FILES = {
  matrix: 'keyword_embeddings.npy',
  keywords: 'keywords.json',
  meta: 'keyword_embeddings.meta.json',
} as const;

export const NORMALIZATION = 'nfkc-lower-ws-v1';

export interface KeywordCacheMeta {
  format: 'adrank.keyword-embeddings';
  version: 1;
  embedder: { id: string; dim: number };
  normalization: string;
  count: number;
  created_at: string;
}

export interface NearestKeyword {
  keyword: string;
  index: number;
  score: number;
}

export interface NearestOptions {
  /** Keep only keywords for which this returns true. */
  filter?: (keyword: string, index: number) => boolean;
  /** Keywords to leave out (compared after normalisation), e.g. the search term itself. */
  exclude?: Iterable<string>;
  minScore?: number;
}

export interface BuildOptions {
  /** Texts per embed() call (default 1024). */
  batchSize?: number;
  onProgress?: (p: { done: number; total: number; reused: number; elapsedMs: number }) => void;
  /** A cache made by the same embedder: its rows are copied instead of embedded again (incremental builds). */
  reuse?: KeywordEmbeddingCache;
  /** Capacity of the LRU that holds keywords embedded by embedMissing (default 10,000). */
  missingCapacity?: number;
}

export interface LoadOptions {
  /** The embedder this cache will be used with; its id and dim must match the cache's. */
  embedder?: Embedder;
  /** For a directory without the meta file (the seed's layout): the embedder id and dim it is known to hold. */
  assume?: { id: string; dim: number };
  missingCapacity?: number;
}

/**
 * Keyword embeddings computed once (by the trainer) and read by every API pod: keyword strings in row order
 * (`keywords.json`), a float32 matrix (`keyword_embeddings.npy`, numpy-compatible) and a meta file naming the embedder
 * (id, dim) — a cache refuses an embedder with another id or dim. Lookups go by `normalizeText(keyword)`. Keywords
 * outside the cache are embedded on demand (`embedMissing`) and kept in a bounded LRU. `nearest()` is an exact top-k by
 * dot product over the whole matrix (WebAssembly SIMD when available).
 */
export class KeywordEmbeddingCache {
  readonly meta: KeywordCacheMeta;
  private readonly byKey: Map<string, number>;
  /** The cache's keywords as stored → their row: a request that spells a keyword as stored skips normalisation. */
  private readonly byRaw: Map<string, number>;
  private readonly extra: Lru<Float32Array>;
  private embedder: Embedder | undefined;
  /** {@link similarities}' scratch (filled and read without an await in between). */
  private dimScratch: Int32Array | undefined;
  private queryScratch: Float64Array | undefined;

  private constructor(
    readonly keywords: readonly string[],
    private readonly index: DotProductIndex,
    meta: KeywordCacheMeta,
    missingCapacity: number,
  ) {
    this.meta = meta;
    this.byKey = new Map();
    keywords.forEach((k, i) => {
      const key = normalizeText(k);
      if (!this.byKey.has(key)) this.byKey.set(key, i); // a later spelling of the same keyword is shadowed
    });
    this.byRaw = new Map();
    for (const k of keywords) if (!this.byRaw.has(k)) this.byRaw.set(k, this.byKey.get(normalizeText(k)) as number);
    this.extra = new Lru(missingCapacity);
  }

  get size(): number {
    return this.keywords.length;
  }
  get dim(): number {
    return this.meta.embedder.dim;
  }
  get embedderId(): string {
    return this.meta.embedder.id;
  }
  /** The matrix (size × dim, row-major); a view, not a copy. */
  get matrix(): Float32Array {
    return this.index.matrix;
  }
  get simd(): boolean {
    return this.index.simd;
  }

  /** Embeds `keywords` (normalised, de-duplicated, empty ones refused) with `embedder`. */
  static async build(
    keywords: Iterable<string>,
    embedder: Embedder,
    options: BuildOptions = {},
  ): Promise<KeywordEmbeddingCache> {
    const list = [...keywords];
    checkTexts(list);
    const seen = new Set<string>();
    const unique: string[] = [];
    list.forEach((k, i) => {
      const key = normalizeText(k);
      if (key === '') throw new EmbeddingsError('INVALID_INPUT', `keywords[${i}] is empty after normalisation`);
      if (!seen.has(key)) {
        seen.add(key);
        unique.push(k);
      }
    });
    const dim = embedder.dim;
    const reuse = options.reuse;
    if (reuse !== undefined && (reuse.embedderId !== embedder.id || reuse.dim !== dim)) {
      throw new EmbeddingsError(
        'CACHE_MISMATCH',
        `cannot reuse a cache of ${reuse.embedderId} (dim ${reuse.dim}) with ${embedder.id} (dim ${dim})`,
      );
    }
    const index = new DotProductIndex(unique.length, dim);
    const todo: number[] = [];
    let reused = 0;
    unique.forEach((k, i) => {
      const r = reuse?.indexOf(k) ?? -1;
      if (r >= 0 && reuse !== undefined) {
        index.matrix.set(reuse.row(r), i * dim);
        reused++;
      } else todo.push(i);
    });
    const batchSize = options.batchSize ?? 1024;
    const started = performance.now();
    for (let b = 0; b < todo.length; b += batchSize) {
      const rows = todo.slice(b, b + batchSize);
      const vecs = await embedder.embed(rows.map((i) => unique[i] as string));
      if (vecs.length !== rows.length * dim) {
        throw new EmbeddingsError(
          'MODEL_FAILED',
          `embedder returned ${vecs.length} values for ${rows.length} × ${dim}`,
        );
      }
      rows.forEach((i, k) => index.matrix.set(vecs.subarray(k * dim, (k + 1) * dim), i * dim));
      options.onProgress?.({
        done: Math.min(b + batchSize, todo.length),
        total: todo.length,
        reused,
        elapsedMs: performance.now() - started,
      });
    }
    const meta: KeywordCacheMeta = {
      format: 'adrank.keyword-embeddings',
      version: 1,
      embedder: { id: embedder.id, dim },
      normalization: NORMALIZATION,
      count: unique.length,
      created_at: new Date().toISOString(),
    };
    const cache = new KeywordEmbeddingCache(unique, index, meta, options.missingCapacity ?? 10_000);
    cache.embedder = embedder;
    return cache;
  }

  /** Reads a cache directory; every file is checked against the others before anything is returned. */
  static async load(dir: string, options: LoadOptions = {}): Promise<KeywordEmbeddingCache> {
    const metaPath = join(dir, KEYWORD_CACHE_FILES.meta);
    let meta: KeywordCacheMeta;
    if (existsSync(metaPath)) {
      meta = parseMeta(readFileSync(metaPath, 'utf8'), metaPath);
    } else if (options.assume !== undefined) {
      meta = {
        format: 'adrank.keyword-embeddings',
        version: 1,
        embedder: { ...options.assume },
        normalization: NORMALIZATION,
        count: -1,
        created_at: new Date(0).toISOString(),
      };
    } else {
      throw new EmbeddingsError(
        'CACHE_FORMAT',
        `${metaPath} is missing: without it the embedder of this cache is unknown (pass assume: {id, dim} for a seed-layout cache)`,
      );
    }
    if (options.embedder !== undefined) checkEmbedder(meta, options.embedder, dir);
    const kwPath = join(dir, KEYWORD_CACHE_FILES.keywords);
    let keywords: unknown;
    try {
      keywords = JSON.parse(readFileSync(kwPath, 'utf8'));
    } catch (e) {
      throw new EmbeddingsError('CACHE_FORMAT', `${kwPath}: ${(e as Error).message}`, { cause: e });
    }
    if (!Array.isArray(keywords))
      throw new EmbeddingsError('CACHE_FORMAT', `${kwPath} must hold a JSON array of strings`);
    const bad = keywords.findIndex((k) => typeof k !== 'string');
    if (bad >= 0)
      throw new EmbeddingsError('CACHE_FORMAT', `${kwPath}: entry ${bad} is ${describe(keywords[bad])}, not a string`);
    const npyPath = join(dir, KEYWORD_CACHE_FILES.matrix);
    let index: DotProductIndex | undefined;
    const m = await readNpyMatrix(npyPath, (n) => {
      const rows = keywords.length;
      if (n !== rows * meta.embedder.dim) {
        throw new EmbeddingsError(
          'CACHE_FORMAT',
          `${npyPath} holds ${n} values; ${rows} keywords × dim ${meta.embedder.dim} = ${rows * meta.embedder.dim} expected`,
        );
      }
      index = new DotProductIndex(rows, meta.embedder.dim);
      return index.matrix;
    });
    if (index === undefined || m.cols !== meta.embedder.dim || m.rows !== keywords.length) {
      throw new EmbeddingsError(
        'CACHE_FORMAT',
        `${npyPath} is ${m.rows} × ${m.cols}; ${keywords.length} keywords × dim ${meta.embedder.dim} expected`,
      );
    }
    if (meta.count >= 0 && meta.count !== keywords.length) {
      throw new EmbeddingsError(
        'CACHE_FORMAT',
        `${metaPath} says ${meta.count} keywords, ${kwPath} has ${keywords.length}`,
      );
    }
    const cache = new KeywordEmbeddingCache(
      keywords as string[],
      index,
      { ...meta, count: keywords.length },
      options.missingCapacity ?? 10_000,
    );
    if (options.embedder !== undefined) cache.embedder = options.embedder;
    return cache;
  }

  /** Writes the three files (each atomically; the meta file last). */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeNpySync(join(dir, KEYWORD_CACHE_FILES.matrix), this.index.matrix, [this.size, this.dim]);
    atomicWrite(join(dir, KEYWORD_CACHE_FILES.keywords), JSON.stringify(this.keywords));
    atomicWrite(join(dir, KEYWORD_CACHE_FILES.meta), JSON.stringify(this.meta, null, 2) + '\n');
  }

  /** Uses `embedder` for embedMissing (its id and dim must match the cache's). */
  useEmbedder(embedder: Embedder): void {
    checkEmbedder(this.meta, embedder, 'this cache');
    this.embedder = embedder;
  }

  /** Row of `keyword` (any spelling that normalises the same), or −1. */
  indexOf(keyword: string): number {
    return this.byRaw.get(keyword) ?? this.byKey.get(normalizeText(keyword)) ?? -1;
  }

  has(keyword: string): boolean {
    return this.indexOf(keyword) >= 0;
  }

  /** Row `i` of the matrix (a view). */
  row(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size)
      throw new EmbeddingsError('INVALID_INPUT', `row ${i} is out of range`);
    return this.index.matrix.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** The embedding of `keyword` from the cache or from the LRU of earlier embedMissing calls (no model call). */
  vector(keyword: string): Float32Array | undefined {
    const key = normalizeText(keyword);
    const i = this.byKey.get(key);
    return i !== undefined ? this.row(i) : this.extra.peek(key);
  }

  /**
   * Embeddings of `keywords` (keywords.length × dim, row-major): cached rows are copied, the others come from the LRU
   * or are embedded in one call of the embedder and added to the LRU. `known[i]` says whether keyword i is in the cache.
   */
  async embedMissing(keywords: readonly string[]): Promise<{ vectors: Float32Array; known: boolean[] }> {
    checkTexts(keywords);
    const dim = this.dim;
    const vectors = new Float32Array(keywords.length * dim);
    const known: boolean[] = [];
    const todo = new Map<string, number[]>();
    keywords.forEach((k, i) => {
      const raw = this.byRaw.get(k);
      const key = raw === undefined ? normalizeText(k) : k;
      const r = raw ?? this.byKey.get(key);
      known.push(r !== undefined);
      if (r !== undefined) {
        vectors.set(this.row(r), i * dim);
        return;
      }
      const v = this.extra.get(key);
      if (v !== undefined) vectors.set(v, i * dim);
      else {
        const rows = todo.get(key);
        if (rows) rows.push(i);
        else todo.set(key, [i]);
      }
    });
    if (todo.size > 0) {
      if (this.embedder === undefined) {
        throw new EmbeddingsError(
          'INVALID_INPUT',
          `${todo.size} keyword(s) are not in the cache and no embedder is attached`,
        );
      }
      const texts = [...todo.keys()];
      const rows = await this.embedder.embed(texts);
      texts.forEach((key, r) => {
        const v = rows.slice(r * dim, (r + 1) * dim);
        this.extra.set(key, v);
        for (const i of todo.get(key) as number[]) vectors.set(v, i * dim);
      });
    }
    return { vectors, known };
  }

  /**
   * Dot products of `query` (a unit vector: cosine similarities) with the embedding of each keyword, into `out`, and
   * whether each keyword is in the cache. Each is summed in float64 in dimension order — the trainer's formula, so the
   * same bits as its similarity feature — straight from the matrix (nothing copied), four keywords at a time, over
   * the query's non-zero dimensions only.
   * Keywords outside the cache come from the LRU or are embedded, as in {@link embedMissing}.
   */
  async similarities(query: Float32Array, keywords: readonly string[], out: Float64Array): Promise<boolean[]> {
    const dim = this.dim;
    if (!(query instanceof Float32Array) || query.length !== dim)
      throw new EmbeddingsError('INVALID_INPUT', `the query must be a Float32Array of dim ${dim}`);
    if (!(out instanceof Float64Array) || out.length < keywords.length)
      throw new EmbeddingsError('INVALID_INPUT', `out must be a Float64Array of at least ${keywords.length} values`);
    checkTexts(keywords);
    const n = keywords.length;
    const known: boolean[] = new Array<boolean>(n);
    // per keyword: its offset in the matrix (cached keywords) or in `extra` below. Plain arrays: no ArrayBuffer per
    // call (short-lived buffers count as external memory, which brings V8's full collections forward under load).
    const at: number[] = new Array<number>(n);
    const inExtra: boolean[] = new Array<boolean>(n).fill(false);
    let missing: string[] | null = null;
    for (let i = 0; i < n; i++) {
      const k = keywords[i] as string;
      const raw = this.byRaw.get(k);
      const r = raw ?? this.byKey.get(normalizeText(k));
      known[i] = r !== undefined;
      if (r !== undefined) at[i] = r * dim;
      else (missing ??= []).push(k);
    }
    let extra: Float32Array | null = null;
    if (missing !== null) {
      const { vectors } = await this.embedMissing(missing);
      extra = vectors;
      let j = 0;
      for (let i = 0; i < n; i++) {
        if (known[i] === true) continue;
        at[i] = j++ * dim;
        inExtra[i] = true;
      }
    }
    // Only the query's non-zero dimensions: a zero term adds ±0, which leaves a float64 sum as it is (the sum starts at
    // +0 and +0 + -0 is +0), so skipping them gives the same bits — and a lexical query has a few dozen of 256.
    const dims = (this.dimScratch ??= new Int32Array(dim));
    const qv = (this.queryScratch ??= new Float64Array(dim));
    let nd = 0;
    for (let d = 0; d < dim; d++) {
      const x = query[d] as number;
      if (x !== 0) {
        dims[nd] = d;
        qv[nd++] = x;
      }
    }
    const matrix = this.index.matrix;
    const src = (i: number): Float32Array => (inExtra[i] === true ? (extra as Float32Array) : matrix);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a = src(i);
      const b = src(i + 1);
      const c = src(i + 2);
      const e = src(i + 3);
      const a0 = at[i] as number;
      const b0 = at[i + 1] as number;
      const c0 = at[i + 2] as number;
      const e0 = at[i + 3] as number;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < nd; j++) {
        const d = dims[j] as number;
        const q = qv[j] as number;
        s0 += q * (a[a0 + d] as number);
        s1 += q * (b[b0 + d] as number);
        s2 += q * (c[c0 + d] as number);
        s3 += q * (e[e0 + d] as number);
      }
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
      out[i + 3] = s3;
    }
    for (; i < n; i++) {
      const a = src(i);
      const a0 = at[i] as number;
      let s = 0;
      for (let j = 0; j < nd; j++) s += (qv[j] as number) * (a[a0 + (dims[j] as number)] as number);
      out[i] = s;
    }
    return known;
  }

  /** Hits and misses of the LRU that holds keywords outside the cache. */
  get missingStats(): CacheStats {
    return { hits: this.extra.hits, misses: this.extra.misses, size: this.extra.size, capacity: this.extra.capacity };
  }

  /** The k cached keywords closest to `query` (a unit vector of dim values), best first; ties by row order. */
  nearest(query: ArrayLike<number>, k: number, options: NearestOptions = {}): NearestKeyword[] {
    const { filter, exclude, minScore } = options;
    const excluded = exclude === undefined ? null : new Set([...exclude].map(normalizeText));
    const keep =
      filter === undefined && excluded === null
        ? undefined
        : (i: number): boolean => {
            const kw = this.keywords[i] as string;
            if (excluded !== null && excluded.has(normalizeText(kw))) return false;
            return filter === undefined || filter(kw, i);
          };
    return this.index
      .search(query, k, { ...(keep ? { filter: keep } : {}), ...(minScore !== undefined ? { minScore } : {}) })
      .map((n) => ({ keyword: this.keywords[n.index] as string, index: n.index, score: n.score }));
  }
}

function checkEmbedder(meta: KeywordCacheMeta, embedder: Embedder, where: string): void {
  if (embedder.id !== meta.embedder.id || embedder.dim !== meta.embedder.dim) {
    throw new EmbeddingsError(
      'CACHE_MISMATCH',
      `${where} was made by ${meta.embedder.id} (dim ${meta.embedder.dim}); the embedder in use is ${embedder.id} (dim ${embedder.dim})`,
    );
  }
}

function parseMeta(text: string, where: string): KeywordCacheMeta {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new EmbeddingsError('CACHE_FORMAT', `${where}: ${(e as Error).message}`, { cause: e });
  }
  const o = m as Partial<KeywordCacheMeta> | null;
  const problems: string[] = [];
  if (o === null || typeof o !== 'object') problems.push('not an object');
  else {
    if (o.format !== 'adrank.keyword-embeddings') problems.push(`format is ${JSON.stringify(o.format)}`);
    if (o.version !== 1) problems.push(`version ${JSON.stringify(o.version)} is not 1`);
    if (typeof o.embedder?.id !== 'string' || o.embedder.id === '') problems.push('embedder.id missing');
    if (!Number.isInteger(o.embedder?.dim) || (o.embedder?.dim ?? 0) < 1) problems.push('embedder.dim missing');
    if (!Number.isInteger(o.count) || (o.count ?? -1) < 0) problems.push('count missing');
    if (o.normalization !== NORMALIZATION)
      problems.push(`normalization ${JSON.stringify(o.normalization)} is not ${NORMALIZATION}`);
  }
  if (problems.length > 0) throw new EmbeddingsError('CACHE_FORMAT', `${where}: ${problems.join('; ')}`);
  return o as KeywordCacheMeta;
}

function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpyMatrixSync, type NpyMatrix } from '../lib/npy';

/** Fixtures written by tools/fixtures/embeddings/generate.py (see its header for how each was made). */
export const FIXTURES_DIR = join(__dirname, 'fixtures');
/** The tiny BERT (hidden 32, 2 layers, WordPiece vocab with Hangul), loadable fully offline. */
export const TINY_BERT_DIR = join(FIXTURES_DIR, 'tiny-bert');

export interface TinyBertGolden {
  texts: string[];
  torch: string;
  transformers: string;
  /** max_length → PyTorch's mean-pooled, normalised embeddings of `texts`. */
  embeddings: Map<number, NpyMatrix>;
}

export function loadTinyBertGolden(): TinyBertGolden {
  const g = JSON.parse(readFileSync(join(FIXTURES_DIR, 'tiny-bert-golden.json'), 'utf8')) as {
    texts: string[];
    torch: string;
    transformers: string;
    max_length: Record<string, string>;
  };
  const embeddings = new Map<number, NpyMatrix>();
  for (const [len, file] of Object.entries(g.max_length)) {
    embeddings.set(Number(len), readNpyMatrixSync(join(FIXTURES_DIR, file)));
  }
  return { texts: g.texts, torch: g.torch, transformers: g.transformers, embeddings };
}

export interface LexicalGoldenCase {
  dim: number;
  seed: number;
  ngram: [number, number];
  normalized: string[];
  grams: string[][];
  /** Sparse rows: index → float32 value. */
  rows: Record<string, number>[];
}

export function loadLexicalGolden(): { texts: string[]; cases: LexicalGoldenCase[] } {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'lexical-golden.json'), 'utf8')) as {
    texts: string[];
    cases: LexicalGoldenCase[];
  };
}

export interface NpyGoldenFile {
  shape: number[];
  descr: string;
  fortran_order: boolean;
  values_c_order: number[];
  note: string;
}

export function loadNpyGoldenIndex(): { numpy: string; files: Record<string, NpyGoldenFile> } {
  // Non-finite values are written as the strings "NaN", "Infinity", "-Infinity".
  const text = readFileSync(join(FIXTURES_DIR, 'npy', 'index.json'), 'utf8');
  return JSON.parse(text, (_k, v: unknown) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  ) as { numpy: string; files: Record<string, NpyGoldenFile> };
}

/** Unit vectors for benchmarks and tests: rows × dim, deterministic in `seed`. */
export function randomUnitRows(
  rows: number,
  dim: number,
  seed = 1,
  out: Float32Array = new Float32Array(rows * dim),
): Float32Array {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 4294967296) * 2 - 1;
  };
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let j = 0; j < dim; j++) {
      const v = next();
      out[r * dim + j] = v;
      ss += v * v;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < dim; j++) out[r * dim + j] = (out[r * dim + j] as number) * inv;
  }
  return out;
}

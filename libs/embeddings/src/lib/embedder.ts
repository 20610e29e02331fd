import { EmbeddingsError } from './errors';

/**
 * Turns texts into unit vectors. `embed(texts)` resolves to one Float32Array of `texts.length × dim` values, row-major
 * (row i is `texts[i]`), every row L2-normalised — or all zeros for a text with nothing to embed (the lexical embedder
 * on an empty or punctuation-only string). `id` names the model and every setting that changes its output, so two
 * embedders with the same id give the same vectors; caches record it and refuse a different one.
 */
export interface Embedder {
  readonly id: string;
  readonly dim: number;
  embed(texts: readonly string[]): Promise<Float32Array>;
  /** Releases native resources (model sessions, timers). Embedding after close() fails. */
  close?(): Promise<void>;
}

/** A view of row `i` of a row-major matrix (no copy). */
export function rowOf(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, (i + 1) * dim);
}

/** Checks that `texts` is an array of strings; the error names the first offending index. */
export function checkTexts(texts: unknown): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) {
    throw new EmbeddingsError('INVALID_INPUT', `texts must be an array of strings, got ${describe(texts)}`);
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') {
      throw new EmbeddingsError('INVALID_INPUT', `texts[${i}] must be a string, got ${describe(texts[i])}`);
    }
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v).slice(0, 40)}`;
}

import { simdMemory, type ScoresFn } from './dot-kernel';
import { EmbeddingsError } from './errors';

export interface Neighbour {
  /** Row of the matrix. */
  index: number;
  /** Dot product with the query (the cosine similarity, rows and query being unit vectors). */
  score: number;
}

export interface SearchOptions {
  /** Only rows for which this returns true are candidates (called only for rows that would enter the top k). */
  filter?: (index: number) => boolean;
  /** Rows whose score is below this are left out. */
  minScore?: number;
}

/** Rows scored per block: the block's scores stay in cache while the top-k selection reads them. */
const BLOCK = 4096;

/**
 * Exact top-k by dot product over a row-major float32 matrix `rows × dim`. The matrix lives in WebAssembly memory
 * when the engine has SIMD and dim is a multiple of 16 (one f32x4 kernel scores a block of rows, then the block is
 * scanned for the top k); otherwise in a Float32Array scored by a JavaScript loop. Results: best first, ties broken by
 * the lower row index, so the same query always returns the same list.
 *
 * Fill `matrix` (e.g. by reading a .npy straight into it) before searching; it is not copied.
 */
export class DotProductIndex {
  readonly rows: number;
  readonly dim: number;
  /** rows × dim, row-major; write the embeddings here. */
  readonly matrix: Float32Array;
  /** Whether the WebAssembly SIMD kernel is in use. */
  readonly simd: boolean;
  private readonly query: Float32Array;
  private readonly scores: Float32Array;
  private readonly kernel: ScoresFn | null;
  private readonly qPtr = 0;
  private readonly sPtr: number;
  private readonly mPtr: number;

  constructor(rows: number, dim: number, options: { simd?: boolean } = {}) {
    if (!Number.isSafeInteger(rows) || rows < 0) throw new EmbeddingsError('INVALID_INPUT', `bad row count ${rows}`);
    if (!Number.isSafeInteger(dim) || dim < 1) throw new EmbeddingsError('INVALID_INPUT', `bad dim ${dim}`);
    this.rows = rows;
    this.dim = dim;
    const qBytes = align64(dim * 4);
    const sBytes = align64(BLOCK * 4);
    const mBytes = rows * dim * 4;
    const mem = options.simd !== false && dim % 16 === 0 ? simdMemory(qBytes + sBytes + mBytes) : null;
    if (mem !== null) {
      this.kernel = mem.scores;
      this.sPtr = qBytes;
      this.mPtr = qBytes + sBytes;
      this.query = new Float32Array(mem.buffer, this.qPtr, dim);
      this.scores = new Float32Array(mem.buffer, this.sPtr, BLOCK);
      this.matrix = new Float32Array(mem.buffer, this.mPtr, rows * dim);
    } else {
      this.kernel = null;
      this.sPtr = 0;
      this.mPtr = 0;
      this.query = new Float32Array(dim);
      this.scores = new Float32Array(BLOCK);
      this.matrix = new Float32Array(rows * dim);
    }
    this.simd = this.kernel !== null;
  }

  /** Bytes held by the matrix (what the README's scale limits are about). */
  get bytes(): number {
    return this.rows * this.dim * 4;
  }

  /** The k rows with the largest dot product with `query` (a vector of `dim` values), best first. */
  search(query: ArrayLike<number>, k: number, options: SearchOptions = {}): Neighbour[] {
    if (query.length !== this.dim) {
      throw new EmbeddingsError('INVALID_INPUT', `query has ${query.length} values, the index has dim ${this.dim}`);
    }
    if (!Number.isInteger(k) || k < 0)
      throw new EmbeddingsError('INVALID_INPUT', `k must be a non-negative integer, got ${k}`);
    const { filter, minScore } = options;
    const heap = new TopK(Math.min(k, this.rows));
    if (heap.capacity === 0) return [];
    for (let j = 0; j < this.dim; j++) this.query[j] = query[j] as number;
    const floor = minScore ?? -Infinity;
    const scores = this.scores;
    for (let start = 0; start < this.rows; start += BLOCK) {
      const n = Math.min(BLOCK, this.rows - start);
      this.scoreBlock(start, n);
      for (let i = 0; i < n; i++) {
        const s = scores[i] as number;
        if (s < floor || !heap.admits(s, start + i)) continue;
        if (filter !== undefined && !filter(start + i)) continue;
        heap.push(s, start + i);
      }
    }
    return heap.sorted();
  }

  /** The dot product of `query` with every row (for tests and batch jobs); `out` must hold `rows` values. */
  scoreAll(query: ArrayLike<number>, out = new Float32Array(this.rows)): Float32Array {
    if (query.length !== this.dim) {
      throw new EmbeddingsError('INVALID_INPUT', `query has ${query.length} values, the index has dim ${this.dim}`);
    }
    for (let j = 0; j < this.dim; j++) this.query[j] = query[j] as number;
    for (let start = 0; start < this.rows; start += BLOCK) {
      const n = Math.min(BLOCK, this.rows - start);
      this.scoreBlock(start, n);
      out.set(this.scores.subarray(0, n), start);
    }
    return out;
  }

  private scoreBlock(start: number, n: number): void {
    const dim = this.dim;
    if (this.kernel !== null) {
      this.kernel(this.qPtr, this.mPtr + start * dim * 4, n, dim * 4, this.sPtr);
      return;
    }
    const m = this.matrix;
    const q = this.query;
    const scores = this.scores;
    for (let i = 0; i < n; i++) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let off = (start + i) * dim;
      let j = 0;
      for (; j + 4 <= dim; j += 4, off += 4) {
        a0 += (m[off] as number) * (q[j] as number);
        a1 += (m[off + 1] as number) * (q[j + 1] as number);
        a2 += (m[off + 2] as number) * (q[j + 2] as number);
        a3 += (m[off + 3] as number) * (q[j + 3] as number);
      }
      for (; j < dim; j++, off++) a0 += (m[off] as number) * (q[j] as number);
      scores[i] = a0 + a1 + a2 + a3;
    }
  }
}

function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}

/** A bounded min-heap on (score, −index): its root is the current k-th best, evicted by anything better. */
class TopK {
  readonly capacity: number;
  private readonly s: Float64Array;
  private readonly idx: Int32Array;
  private size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.s = new Float64Array(capacity);
    this.idx = new Int32Array(capacity);
  }

  /** a is worse than b: lower score, or the same score and a later row. */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  admits(score: number, index: number): boolean {
    if (Number.isNaN(score)) return false;
    return this.size < this.capacity || this.worse(this.s[0] as number, this.idx[0] as number, score, index);
  }

  push(score: number, index: number): void {
    const s = this.s;
    const idx = this.idx;
    let i: number;
    if (this.size < this.capacity) {
      i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(score, index, s[p] as number, idx[p] as number)) break;
        s[i] = s[p] as number;
        idx[i] = idx[p] as number;
        i = p;
      }
    } else {
      i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.size) break;
        const r = l + 1;
        const c =
          r < this.size && this.worse(s[r] as number, idx[r] as number, s[l] as number, idx[l] as number) ? r : l;
        if (!this.worse(s[c] as number, idx[c] as number, score, index)) break;
        s[i] = s[c] as number;
        idx[i] = idx[c] as number;
        i = c;
      }
    }
    s[i] = score;
    idx[i] = index;
  }

  sorted(): Neighbour[] {
    const out: Neighbour[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.idx[i] as number, score: this.s[i] as number });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}

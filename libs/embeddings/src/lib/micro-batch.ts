import { checkTexts, type Embedder } from './embedder';
import { EmbeddingsError } from './errors';

export interface MicroBatchOptions {
  /** How long the first waiting call waits for company before its batch goes (default 2 ms). */
  windowMs?: number;
  /** A batch goes as soon as this many texts are waiting (default 64). */
  maxTexts?: number;
}

export interface MicroBatchStats {
  /** embed() calls received. */
  calls: number;
  /** Batches sent to the inner embedder. */
  batches: number;
  /** Texts sent to the inner embedder (after de-duplication within a batch). */
  texts: number;
}

interface Waiting {
  texts: readonly string[];
  resolve: (rows: Float32Array) => void;
  reject: (e: unknown) => void;
}

/**
 * Coalesces concurrent embed() calls into one call of the inner embedder. A batch leaves when `maxTexts` texts are
 * waiting, when the first of them has waited `windowMs`, or — while the inner embedder is busy — as soon as it is
 * free again (calls that arrive during a model run ride together in the next one). Identical texts within a batch
 * are embedded once. Each caller gets exactly its own rows; a failing batch rejects the calls in it and no others.
 */
export class MicroBatchingEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly windowMs: number;
  readonly maxTexts: number;
  readonly stats: MicroBatchStats = { calls: 0, batches: 0, texts: 0 };
  private waiting: Waiting[] = [];
  private waitingTexts = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private closed = false;

  constructor(
    readonly inner: Embedder,
    options: MicroBatchOptions = {},
  ) {
    this.id = inner.id;
    this.dim = inner.dim;
    this.windowMs = options.windowMs ?? 2;
    this.maxTexts = options.maxTexts ?? 64;
    if (!(this.windowMs >= 0 && this.windowMs <= 1000)) {
      throw new EmbeddingsError('INVALID_INPUT', `micro-batch windowMs must be in [0, 1000], got ${this.windowMs}`);
    }
    if (!Number.isInteger(this.maxTexts) || this.maxTexts < 1) {
      throw new EmbeddingsError(
        'INVALID_INPUT',
        `micro-batch maxTexts must be a positive integer, got ${this.maxTexts}`,
      );
    }
  }

  embed(texts: readonly string[]): Promise<Float32Array> {
    try {
      checkTexts(texts);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.closed) return Promise.reject(new EmbeddingsError('MODEL_FAILED', 'embedder is closed'));
    this.stats.calls++;
    if (texts.length === 0) return Promise.resolve(new Float32Array(0));
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.push({ texts, resolve, reject });
      this.waitingTexts += texts.length;
      if (this.busy) return; // goes when the running batch finishes
      if (this.waitingTexts >= this.maxTexts) this.flush();
      else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.busy || this.waiting.length === 0) return;
    // Take whole calls up to maxTexts (at least one call, however large).
    const batch: Waiting[] = [];
    let n = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Waiting;
      if (batch.length > 0 && n + next.texts.length > this.maxTexts) break;
      batch.push(next);
      n += next.texts.length;
      this.waiting.shift();
    }
    this.waitingTexts -= n;
    const unique = new Map<string, number>();
    for (const w of batch) for (const t of w.texts) if (!unique.has(t)) unique.set(t, unique.size);
    const texts = [...unique.keys()];
    this.busy = true;
    this.stats.batches++;
    this.stats.texts += texts.length;
    const dim = this.dim;
    this.inner.embed(texts).then(
      (rows) => {
        for (const w of batch) {
          const out = new Float32Array(w.texts.length * dim);
          w.texts.forEach((t, i) => {
            const r = unique.get(t) as number;
            out.set(rows.subarray(r * dim, (r + 1) * dim), i * dim);
          });
          w.resolve(out);
        }
        this.done();
      },
      (e: unknown) => {
        for (const w of batch) w.reject(e);
        this.done();
      },
    );
  }

  private done(): void {
    this.busy = false;
    if (this.waiting.length > 0) this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) this.flush();
    await this.inner.close?.();
  }
}

import { checkTexts, type Embedder } from './embedder';
import { Lru } from './lru';
import { normalizeText } from './normalize';

export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
  capacity: number;
}

/**
 * Search-term embeddings behind an LRU keyed by the normalised text. A call embeds only its misses (in one call of
 * the inner embedder, which may itself be micro-batched). Rows handed out are copies: callers may keep or change them.
 */
export class QueryEmbeddingCache implements Embedder {
  readonly id: string;
  readonly dim: number;
  private readonly lru: Lru<Float32Array>;

  constructor(
    readonly inner: Embedder,
    capacity = 10_000,
  ) {
    this.id = inner.id;
    this.dim = inner.dim;
    this.lru = new Lru(capacity);
  }

  async embed(texts: readonly string[]): Promise<Float32Array> {
    checkTexts(texts);
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    const keys = texts.map(normalizeText);
    const missing = new Map<string, number[]>();
    keys.forEach((k, i) => {
      const v = this.lru.get(k);
      if (v !== undefined) out.set(v, i * dim);
      else {
        const rows = missing.get(k);
        if (rows) rows.push(i);
        else missing.set(k, [i]);
      }
    });
    if (missing.size > 0) {
      const todo = [...missing.keys()];
      const rows = await this.inner.embed(todo);
      todo.forEach((k, r) => {
        const v = rows.slice(r * dim, (r + 1) * dim);
        this.lru.set(k, v);
        for (const i of missing.get(k) as number[]) out.set(v, i * dim);
      });
    }
    return out;
  }

  /** One text's embedding. */
  async embedOne(text: string): Promise<Float32Array> {
    return this.embed([text]);
  }

  get stats(): CacheStats {
    return { hits: this.lru.hits, misses: this.lru.misses, size: this.lru.size, capacity: this.lru.capacity };
  }

  async close(): Promise<void> {
    this.lru.clear();
    await this.inner.close?.();
  }
}

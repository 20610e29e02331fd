import { existsSync } from 'node:fs';
import { KeywordEmbeddingCache, LexicalEmbedder, loadTransformersEmbedder, type Embedder } from '@adrank/embeddings';
import type { Reporter } from '@adrank/job';
import type { TrainerConfig } from '../config';
import type { ExtractedData } from '../data';

export interface EmbedResult {
  embedder: Embedder;
  /** The keyword universe's embeddings (saved into the bundle). */
  keywords: KeywordEmbeddingCache;
  /** Cosine similarity of a search term and a keyword of the extracted data (NaN for texts it has not seen). */
  similarity: (searchTerm: string, keyword: string) => number;
  stats: { keywords: number; reused: number; embedded: number; searchTerms: number; ms: number };
}

/** `lexical` or `transformers:<local dir | s3://… | hub id>`. */
export async function openEmbedder(spec: string, config: TrainerConfig): Promise<Embedder> {
  if (spec === 'lexical') return new LexicalEmbedder();
  if (spec.startsWith('transformers:')) {
    return loadTransformersEmbedder({ model: spec.slice('transformers:'.length), s3: config.s3, microBatch: false });
  }
  throw new Error(`--embedder must be lexical or transformers:<model>, got "${spec}"`);
}

/**
 * Step 3: embeds the keyword universe (keywords in the data and the account's keywords) and the search terms.
 * Incremental: keywords already in the current bundle's cache, made by the same embedder id, are copied, not
 * re-encoded. Progress (with ETA on a TTY) through the reporter.
 */
export class EmbedStep {
  constructor(private readonly reporter: Reporter) {}

  async run(data: ExtractedData, embedder: Embedder, currentBundleDir: string | null): Promise<EmbedResult> {
    const t0 = performance.now();
    let reuse: KeywordEmbeddingCache | undefined;
    if (currentBundleDir !== null && existsSync(`${currentBundleDir}/keyword_embeddings.npy`)) {
      try {
        reuse = await KeywordEmbeddingCache.load(currentBundleDir, { embedder });
      } catch (e) {
        this.reporter.info('not reusing the current bundle embeddings', { reason: (e as Error).message });
      }
    }
    const universe = [...data.columns.keywords.values, ...data.accountKeywords].filter((k) => k.trim() !== '');
    const keywords = await KeywordEmbeddingCache.build(universe, embedder, {
      batchSize: 2048,
      ...(reuse ? { reuse } : {}),
      onProgress: (p) => this.reporter.progress(p.done, p.total, 'keywords embedded'),
    });
    const reused = reuse ? keywords.keywords.filter((k) => reuse.has(k)).length : 0;
    // Search terms: those that are keywords too are copied from the keyword cache.
    const terms = await KeywordEmbeddingCache.build(
      data.columns.terms.values.filter((t) => t.trim() !== ''),
      embedder,
      {
        batchSize: 2048,
        reuse: keywords,
        onProgress: (p) => this.reporter.progress(p.done, p.total, 'search terms embedded'),
      },
    );
    const dim = embedder.dim;
    const c = data.columns;
    const termRow = Int32Array.from(c.terms.values, (t) => (t.trim() === '' ? -1 : terms.indexOf(t)));
    const kwRow = Int32Array.from(c.keywords.values, (k) => (k.trim() === '' ? -1 : keywords.indexOf(k)));
    const tm = terms.matrix;
    const km = keywords.matrix;
    const nk = c.keywords.size;
    const memo = new Map<number, number>();
    const similarity = (searchTerm: string, keyword: string): number => {
      const t = c.terms.get(searchTerm);
      const k = c.keywords.get(keyword);
      if (t === undefined || k === undefined) return NaN;
      const key = t * nk + k;
      let s = memo.get(key);
      if (s === undefined) {
        const a = termRow[t] as number;
        const b = kwRow[k] as number;
        if (a < 0 || b < 0) s = NaN;
        else {
          s = 0;
          for (let d = 0; d < dim; d++) s += (tm[a * dim + d] as number) * (km[b * dim + d] as number);
        }
        memo.set(key, s);
      }
      return s;
    };
    const stats = {
      keywords: keywords.size,
      reused,
      embedded: keywords.size - reused,
      searchTerms: terms.size,
      ms: Math.round(performance.now() - t0),
    };
    this.reporter.info('embedded', { embedder: embedder.id, ...stats });
    return { embedder, keywords, similarity, stats };
  }
}

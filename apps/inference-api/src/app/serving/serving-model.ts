import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeywordEmbeddingCache, LexicalEmbedder, QueryEmbeddingCache, type Embedder } from '@adrank/embeddings';
import { buildServingRows, KeywordFeatureTable, schemaByHash, type FeatureSchema } from '@adrank/features';
import { PredictInputError, Predictor, type FeatureGroup } from '@adrank/lightgbm';
import { BUNDLE_MODEL_FILES, type BundleManifest, type BundleModelName } from '@adrank/model-store';
import { KeywordStateCache } from './keyword-states';

/** The bundle's model files (`@adrank/model-store`'s layout), by model. */
export const MODEL_FILES = BUNDLE_MODEL_FILES;
export type ModelName = BundleModelName;

/** Per model: decile edges and bin fractions of its scores on the training holdout (`score_distribution.json`). */
export type ScoreDistribution = Partial<Record<ModelName, { edges: number[]; fractions: number[] }>>;

export interface RankQuery {
  givenWord: string;
  /** Candidate keywords; absent → the `retrieveK` nearest keywords of the embeddings cache. */
  candidates?: readonly string[] | undefined;
  topK?: number | undefined;
  /** Adds each returned row's TreeSHAP contributions for the three models. */
  explain?: boolean | undefined;
  hour: number;
  dayOfWeek: number;
  device: 'PC' | 'MOBILE';
}

export interface RankedKeyword {
  keyword: string;
  score: number;
  ctr: number;
  conversion_probability: number;
  similarity: number;
  /** In the bundle's keyword universe (history features known); false = embedded on the fly, no history. */
  known_keyword: boolean;
  /** With `explain`: each model's TreeSHAP contributions for this row. */
  explanation?: Record<ModelName, Explanation>;
}

/**
 * TreeSHAP feature contributions of one row, on the model's raw score scale (log-odds for the binary conversion
 * model, the regression output for CTR, the ranking score for the ranker): `expected_value` plus the contributions
 * sums to the raw score. Features that are missing in the row still get a (usually small) contribution.
 */
export interface Explanation {
  expected_value: number;
  contributions: Record<string, number>;
}

export class ServingLoadError extends Error {
  override readonly name = 'ServingLoadError';
}

/**
 * One loaded bundle, everything a request needs: the three predictors, the keyword embeddings (nearest-keyword
 * retrieval, candidate vectors), the keyword feature table, the feature schema, and the query embedder behind an LRU.
 * Immutable once loaded: a reload builds a new one and the registry swaps the reference.
 */
export class ServingModel {
  /** Split states of the keyword and pair features per keyword (null: disabled, or a model without that layout). */
  readonly keywordStates: KeywordStateCache<ModelName> | null;
  private readonly buffers: Partial<Record<'rows' | 'score' | 'ctr' | 'conversion', Float64Array>> = {};
  /** A ranking's candidates' rows in the keyword table (scratch, like {@link buffers}). */
  private keywordRows = new Int32Array(128);

  private constructor(
    readonly version: string,
    readonly manifest: BundleManifest,
    readonly schema: FeatureSchema,
    readonly predictors: Record<ModelName, Predictor>,
    readonly keywords: KeywordEmbeddingCache,
    readonly table: KeywordFeatureTable,
    readonly queries: QueryEmbeddingCache,
    /** The trainer's holdout score distribution (null for bundles without one). */
    readonly scoreDistribution: ScoreDistribution | null,
    /** The bundle's training report (`report.html`, self-contained), null when it has none. */
    readonly reportHtml: string | null,
    keywordStateBytes: number,
  ) {
    // the keyword's and the pair's features: per keyword, the same values in every request but for the search terms
    // it has history with; what is left per row is the similarity (and the request's context, once per ranking)
    const features = [...schema.indicesOf('keyword'), ...schema.indicesOf('pair')].sort((a, b) => a - b);
    const groups = {} as Record<ModelName, FeatureGroup>;
    let all = keywordStateBytes > 0 && features.length > 0;
    for (const m of Object.keys(MODEL_FILES) as ModelName[]) {
      const g = all ? predictors[m].featureGroup(features) : null;
      if (g === null) all = false;
      else groups[m] = g;
    }
    const capacity = all ? KeywordStateCache.capacityFor(groups, keywordStateBytes) : 0;
    this.keywordStates = capacity > 0 ? new KeywordStateCache(groups, capacity) : null;
  }

  /**
   * Loads a verified bundle directory. The embedder must be the bundle's (`manifest.embedder.id`): the lexical one is
   * built here; another (a sentence-transformer) is passed in by the caller, already loaded.
   */
  static async load(
    dir: string,
    manifest: BundleManifest,
    options: { embedder?: Embedder; queryCacheSize?: number; keywordStateBytes?: number } = {},
  ): Promise<ServingModel> {
    const schema = schemaByHash(manifest.feature_schema.hash);
    if (schema === undefined)
      throw new ServingLoadError(
        `bundle ${manifest.version}: feature schema ${manifest.feature_schema.hash} is unknown to this server`,
      );
    let embedder = options.embedder;
    if (embedder === undefined) {
      const lexical = new LexicalEmbedder();
      if (lexical.id !== manifest.embedder.id)
        throw new ServingLoadError(
          `bundle ${manifest.version} needs embedder ${manifest.embedder.id}; configure it (ADRANK_EMBEDDER)`,
        );
      embedder = lexical;
    }
    if (embedder.id !== manifest.embedder.id || embedder.dim !== manifest.embedder.dim)
      throw new ServingLoadError(
        `bundle ${manifest.version} was built with ${manifest.embedder.id} (dim ${manifest.embedder.dim}), this server runs ${embedder.id} (dim ${embedder.dim})`,
      );
    const stateBytes = options.keywordStateBytes ?? DEFAULT_KEYWORD_STATE_BYTES;
    const predictors = {} as Record<ModelName, Predictor>;
    for (const [name, file] of Object.entries(MODEL_FILES) as [ModelName, string][]) {
      let p: Predictor;
      try {
        p = loadPredictor(readFileSync(join(dir, file), 'utf8'), stateBytes > 0);
      } catch (e) {
        throw new ServingLoadError(`bundle ${manifest.version}: ${file}: ${(e as Error).message}`);
      }
      const names = p.model.featureNames;
      if (names.length !== schema.width || names.some((n, i) => n !== schema.names[i]))
        throw new ServingLoadError(
          `bundle ${manifest.version}: ${file} features do not match schema ${schema.version}`,
        );
      predictors[name] = p;
    }
    const keywords = await KeywordEmbeddingCache.load(dir, { embedder });
    const table = KeywordFeatureTable.load(join(dir, 'keyword_features.bin'));
    if (table.schemaHash !== schema.hash)
      throw new ServingLoadError(`bundle ${manifest.version}: keyword_features.bin is for another feature schema`);
    const m = new ServingModel(
      manifest.version,
      manifest,
      schema,
      predictors,
      keywords,
      table,
      new QueryEmbeddingCache(embedder, options.queryCacheSize ?? 10_000),
      readScoreDistribution(join(dir, 'score_distribution.json')),
      existsSync(join(dir, 'report.html')) ? readFileSync(join(dir, 'report.html'), 'utf8') : null,
      stateBytes,
    );
    return m;
  }

  /** A ranking end to end on the bundle's own keywords: throws unless every output is a finite number. */
  async smokeTest(): Promise<void> {
    const word = this.keywords.keywords[0];
    if (word === undefined) throw new ServingLoadError(`bundle ${this.version} has no keywords`);
    const r = await this.rank({ givenWord: word, topK: 5, hour: 12, dayOfWeek: 2, device: 'MOBILE' });
    for (const x of r)
      if (![x.score, x.ctr, x.conversion_probability, x.similarity].every(Number.isFinite))
        throw new ServingLoadError(`bundle ${this.version}: smoke ranking gave a non-finite output for "${x.keyword}"`);
  }

  /**
   * Ranks keywords for a given word: query embedding (LRU) → candidates (given, or nearest from the cache) →
   * candidate vectors (cache, or embedded on the fly) → similarity → feature rows (the shared builder + the keyword
   * table) → ranker score, CTR, conversion probability; sorted by score, ties by keyword.
   */
  async rank(q: RankQuery, retrieveK = 100): Promise<RankedKeyword[]> {
    const qv = await this.queries.embed([q.givenWord]);
    let keywords: readonly string[];
    let similarity: Float64Array;
    let known: boolean[];
    if (q.candidates === undefined) {
      const near = this.keywords.nearest(qv, retrieveK);
      keywords = near.map((n) => n.keyword);
      similarity = Float64Array.from(near, (n) => n.score);
      known = keywords.map(() => true);
    } else {
      keywords = q.candidates;
      similarity = new Float64Array(keywords.length);
      known = await this.keywords.similarities(qv, keywords, similarity);
    }
    const n = keywords.length;
    if (n === 0) return [];
    // From here to the end nothing awaits: the scratch buffers are this call's alone until it returns.
    const w = this.schema.width;
    // each candidate's row in the keyword table (−1: none), found by the lookup its features need anyway
    if (this.keywordRows.length < n) this.keywordRows = new Int32Array(Math.max(n, 2 * this.keywordRows.length));
    const keywordRows = this.keywordRows;
    const rows = buildServingRows(
      { searchTerm: q.givenWord },
      keywords.map((keyword, i) => ({ keyword, similarity: similarity[i] as number })),
      this.table,
      { hour: q.hour, dayOfWeek: q.dayOfWeek, device: q.device },
      this.scratch('rows', n * w).subarray(0, n * w),
      keywordRows,
    );
    // known: embedded from the bundle's keywords and with a row in its table
    for (let i = 0; i < n; i++) if (known[i] === true) known[i] = (keywordRows[i] as number) >= 0;
    // the ranker scores every candidate; CTR and conversion only the rows returned (all of them without top_k)
    const cache = this.keywordStates;
    const slots = cache !== null ? cache.slotsFor(keywords, rows, this.schema.width, keywordRows) : null;
    const score =
      cache !== null && slots !== null
        ? cache.store('ranker').predict(rows, n, slots, { raw: true, out: this.scratch('score', n) })
        : this.predictors.ranker.predict(rows, n, { raw: true, out: this.scratch('score', n) });
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(
      (a, b) => (score[b] as number) - (score[a] as number) || compare(keywords[a] as string, keywords[b] as string),
    );
    const top = q.topK === undefined || q.topK >= n ? order : order.slice(0, q.topK);
    const k = top.length;
    // the returned rows in their order: the whole matrix when every row is returned (rows of `top[j]` at j otherwise)
    let sel = rows;
    if (k < n) {
      sel = new Float64Array(k * w);
      for (let j = 0; j < k; j++) {
        const i = top[j] as number;
        sel.set(rows.subarray(i * w, (i + 1) * w), j * w);
      }
    }
    const at = (j: number): number => (k < n ? j : (top[j] as number));
    let ctr: Float64Array;
    let conv: Float64Array;
    if (cache !== null && slots !== null) {
      const picked = k < n ? Int32Array.from(top, (i) => slots[i] as number) : slots;
      ctr = cache.store('ctr').predict(sel, k, picked, { out: this.scratch('ctr', k) });
      conv = cache.store('conversion').predict(sel, k, picked, { out: this.scratch('conversion', k) });
    } else {
      ctr = this.predictors.ctr.predict(sel, k, { out: this.scratch('ctr', k) });
      conv = this.predictors.conversion.predict(sel, k, { out: this.scratch('conversion', k) });
    }
    const ranked = new Array<RankedKeyword>(k);
    for (let j = 0; j < k; j++) {
      const i = top[j] as number;
      ranked[j] = {
        keyword: keywords[i] as string,
        score: score[i] as number,
        ctr: clamp01(ctr[at(j)] as number),
        conversion_probability: conv[at(j)] as number,
        similarity: similarity[i] as number,
        known_keyword: known[i] as boolean,
      };
    }
    if (q.explain === true && k > 0) {
      // only the returned rows, in their order
      let ordered = sel;
      if (k === n) {
        ordered = new Float64Array(k * w);
        for (let j = 0; j < k; j++) {
          const i = top[j] as number;
          ordered.set(rows.subarray(i * w, (i + 1) * w), j * w);
        }
      }
      const ex = {} as Record<ModelName, Explanation[]>;
      for (const m of Object.keys(MODEL_FILES) as ModelName[]) ex[m] = this.explain(m, ordered, k);
      ranked.forEach((r, j) => {
        r.explanation = { ranker: ex.ranker[j], ctr: ex.ctr[j], conversion: ex.conversion[j] } as Record<
          ModelName,
          Explanation
        >;
      });
    }
    return ranked;
  }

  /**
   * A reused buffer of at least `length` values for the synchronous part of a ranking (feature rows, model outputs):
   * short-lived ArrayBuffers count as V8 external memory, and at a thousand rankings a second their churn alone
   * brought full collections (3–9 ms pauses) every second or two.
   */
  private scratch(name: 'rows' | 'score' | 'ctr' | 'conversion', length: number): Float64Array {
    const have = this.buffers[name];
    if (have !== undefined && have.length >= length) return have;
    const b = new Float64Array(Math.max(length, 2 * (have?.length ?? 0), 64));
    this.buffers[name] = b;
    return b;
  }

  /** TreeSHAP contributions of `n` rows (row-major, schema order) for one model, keyed by feature name. */
  explain(model: ModelName, rows: Float64Array, n: number): Explanation[] {
    const names = this.schema.names;
    const w = names.length;
    const phi = this.predictors[model].contributions(rows, n);
    const out: Explanation[] = [];
    for (let r = 0; r < n; r++) {
      const base = r * (w + 1);
      const contributions: Record<string, number> = {};
      for (let f = 0; f < w; f++) contributions[names[f] as string] = phi[base + f] as number;
      out.push({ expected_value: phi[base + w] as number, contributions });
    }
    return out;
  }
}

/** Keyword split states per bundle: 64 MiB holds ~11,000 keywords of the seed's model sizes (5.6 KB each). */
export const DEFAULT_KEYWORD_STATE_BYTES = 64 << 20;

/**
 * With keyword states the batches run on the QuickScorer layout whenever the model fits it (trees ≤ 64 leaves): a
 * ranking then evaluates only the splits on request and pair features. Otherwise the engines are chosen by cost.
 */
function loadPredictor(text: string, keywordStates: boolean): Predictor {
  if (keywordStates) {
    try {
      return Predictor.fromText(text, { batch: 'quickscorer' });
    } catch (e) {
      if (!(e instanceof PredictInputError)) throw e; // a model file error: reported by the caller
    }
  }
  return Predictor.fromText(text);
}

function readScoreDistribution(path: string): ScoreDistribution | null {
  if (!existsSync(path)) return null;
  const d = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { edges?: unknown; fractions?: unknown }>;
  const out: ScoreDistribution = {};
  for (const m of Object.keys(MODEL_FILES) as ModelName[]) {
    const x = d[m];
    if (x && Array.isArray(x.edges) && Array.isArray(x.fractions) && x.fractions.length === x.edges.length + 1)
      out[m] = { edges: x.edges.map(Number), fractions: x.fractions.map(Number) };
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A regression tree can stray just outside [0, 1]; a CTR cannot. */
function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

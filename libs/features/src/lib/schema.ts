import { createHash } from 'node:crypto';

export type FeatureType = 'numeric' | 'binary' | 'categorical';

export interface FeatureSpec {
  name: string;
  type: FeatureType;
  /** What a missing value is: NaN (the models' missing value) — never silently 0. */
  missing: 'nan';
  /**
   * What a serving row's value depends on: the request alone (`context`: hour, day, device), the keyword alone
   * (`keyword`: its settings and history — equal in every request for the same bundle), the pair's history in the
   * bundle's tables (`pair`: equal in every request with the same search term and keyword; for a pair without history
   * a function of the keyword alone), or the embeddings of the search term and the keyword (`embedding`: the
   * similarity, computed in every request). Not part of the schema hash (it describes the builder, not the model's
   * input).
   */
  scope: FeatureScope;
  description: string;
}

export type FeatureScope = 'context' | 'keyword' | 'pair' | 'embedding';

/**
 * The ordered features a model sees, with a version and a content hash (SHA-256 of the canonical JSON of version,
 * names, types and missing semantics). The hash goes into every bundle manifest; a service refuses a bundle whose
 * schema hash it does not know.
 */
export class FeatureSchema {
  readonly names: readonly string[];
  readonly hash: string;
  private readonly index: Map<string, number>;

  constructor(
    readonly version: string,
    readonly features: readonly FeatureSpec[],
  ) {
    const names = features.map((f) => f.name);
    if (new Set(names).size !== names.length) throw new Error(`feature schema ${version}: duplicate feature names`);
    this.names = names;
    this.index = new Map(names.map((n, i) => [n, i]));
    const canonical = JSON.stringify({ version, features: features.map((f) => [f.name, f.type, f.missing]) });
    this.hash = createHash('sha256').update(canonical).digest('hex');
  }

  get width(): number {
    return this.features.length;
  }

  indexOf(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`feature schema ${this.version} has no feature "${name}"`);
    return i;
  }

  /** Indices of the features of one scope, in schema order. */
  indicesOf(scope: FeatureScope): number[] {
    const out: number[] = [];
    this.features.forEach((x, i) => {
      if (x.scope === scope) out.push(i);
    });
    return out;
  }

  /** The schema as it goes into a bundle manifest. */
  toJSON(): { version: string; hash: string; features: { name: string; type: FeatureType }[] } {
    return {
      version: this.version,
      hash: this.hash,
      features: this.features.map((f) => ({ name: f.name, type: f.type })),
    };
  }
}

const f = (name: string, type: FeatureType, scope: FeatureScope, description: string): FeatureSpec => ({
  name,
  type,
  missing: 'nan',
  scope,
  description,
});

/** Schema v1 — every feature is documented in the lib README. */
export const SCHEMA_V1 = new FeatureSchema('v1', [
  f('similarity', 'numeric', 'embedding', 'cosine similarity of the search term and keyword embeddings'),
  f('hour', 'numeric', 'context', 'hour of day in KST, 0–23'),
  f('day_of_week', 'categorical', 'context', 'day of week in KST, 0 = Monday … 6 = Sunday'),
  f('device', 'categorical', 'context', '0 = PC, 1 = mobile'),
  f('bid_amt', 'numeric', 'keyword', "the keyword's bid in KRW"),
  f('quality_index', 'numeric', 'keyword', "Naver's quality index grade (ordinal)"),
  f('is_brand', 'binary', 'keyword', 'brand keyword (1/0), NaN when unknown'),
  f('is_season', 'binary', 'keyword', 'seasonal keyword (1/0), NaN when unknown'),
  f('kw_impressions', 'numeric', 'keyword', "the keyword's impressions over the trailing window, all search terms"),
  f('kw_clicks', 'numeric', 'keyword', "the keyword's clicks over the trailing window"),
  f(
    'kw_ctr',
    'numeric',
    'keyword',
    "the keyword's trailing CTR, empirical-Bayes smoothed toward the training window's prior",
  ),
  f('kw_cpc', 'numeric', 'keyword', "the keyword's trailing cost per click (NaN without clicks)"),
  f('kw_cost', 'numeric', 'keyword', "the keyword's trailing cost (VAT-included KRW)"),
  f('kw_conversions', 'numeric', 'keyword', "the keyword's trailing conversions"),
  f('kw_cvr', 'numeric', 'keyword', "the keyword's trailing conversions per click, empirical-Bayes smoothed"),
  f('kw_avg_rank', 'numeric', 'keyword', "the keyword's trailing average ad rank (NaN without impressions)"),
  f('pair_impressions', 'numeric', 'pair', 'impressions of this (search term, keyword) pair over the trailing window'),
  f('pair_clicks', 'numeric', 'pair', "the pair's trailing clicks"),
  f('pair_ctr', 'numeric', 'pair', "the pair's trailing CTR, smoothed toward the keyword's smoothed CTR"),
  f('pair_conversions', 'numeric', 'pair', "the pair's trailing conversions"),
  f('rel_search_volume', 'numeric', 'pair', 'keyword tool: monthly PC + mobile searches of the keyword (5 for "< 10")'),
  f('rel_competition', 'categorical', 'pair', 'keyword tool: competition, 0 low / 1 mid / 2 high'),
  f('rel_ad_depth', 'numeric', 'pair', 'keyword tool: average number of ads shown (plAvgDepth)'),
]);

const KNOWN = new Map<string, FeatureSchema>([[SCHEMA_V1.hash, SCHEMA_V1]]);

/** The schema with this hash, or undefined: a bundle built with an unknown schema must not be served. */
export function schemaByHash(hash: string): FeatureSchema | undefined {
  return KNOWN.get(hash);
}

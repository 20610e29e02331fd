import type { FeatureGroup } from '@adrank/lightgbm';

/** One keyword's precomputed split state per model, with the feature values it was computed from. */
interface Entry<K extends string> {
  values: Float64Array;
  states: Record<K, Int32Array>;
}

/**
 * Per-keyword split states of the keyword-scope features (the keyword's settings and history: half of the seed
 * models' splits), so a ranking evaluates only the splits on the request's and the pair's features. An LRU bounded in
 * bytes. Every entry keeps the feature values its states came from, and a row whose values differ (a keyword whose
 * history changed can only come with a new bundle, but the check costs a dozen comparisons) is recomputed: a state is
 * never applied to a row it does not describe.
 */
export class KeywordStateCache<K extends string> {
  private readonly entries = new Map<string, Entry<K>>();
  private readonly maxEntries: number;
  private readonly names: K[];
  private readonly features: readonly number[];
  hits = 0;
  misses = 0;

  constructor(
    private readonly groups: Record<K, FeatureGroup>,
    maxBytes: number,
  ) {
    this.names = Object.keys(groups) as K[];
    const first = groups[this.names[0] as K];
    this.features = first.features;
    let bytes = 8 * this.features.length + 200; // values + map entry and object overhead
    for (const k of this.names) {
      if (groups[k].features.join() !== this.features.join())
        throw new Error('every model of a keyword state cache must share one feature group');
      bytes += 4 * groups[k].stateLength + 80;
    }
    this.maxEntries = Math.floor(maxBytes / bytes);
  }

  /** Keywords the cache can hold (0 = disabled). */
  get capacity(): number {
    return this.maxEntries;
  }

  /** The feature group of one model. */
  group(model: K): FeatureGroup {
    return this.groups[model];
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The states of every row (`rows`, row-major, `width` values each) for `keywords[r]`, per model; computed and kept
   * for rows not cached or cached with other values.
   */
  statesFor(keywords: readonly string[], rows: Float64Array, width: number): Record<K, Int32Array[]> {
    const out = {} as Record<K, Int32Array[]>;
    for (const k of this.names) out[k] = new Array<Int32Array>(keywords.length);
    const feats = this.features;
    for (let r = 0; r < keywords.length; r++) {
      const key = keywords[r] as string;
      const base = r * width;
      let e = this.entries.get(key);
      if (e !== undefined && matches(e.values, rows, base, feats)) {
        this.hits++;
        // most recently used last
        this.entries.delete(key);
        this.entries.set(key, e);
      } else {
        this.misses++;
        const values = new Float64Array(feats.length);
        for (let i = 0; i < feats.length; i++) values[i] = rows[base + (feats[i] as number)] as number;
        const states = {} as Record<K, Int32Array>;
        for (const k of this.names) states[k] = this.groups[k].state(rows, base);
        e = { values, states };
        if (this.maxEntries > 0) {
          this.entries.delete(key);
          if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
          this.entries.set(key, e);
        }
      }
      for (const k of this.names) (out[k] as Int32Array[])[r] = e.states[k];
    }
    return out;
  }
}

/** Same values, NaN equal to NaN (and 0 to -0: the split decisions cannot tell them apart). */
function matches(values: Float64Array, rows: Float64Array, base: number, feats: readonly number[]): boolean {
  for (let i = 0; i < feats.length; i++) {
    const a = values[i] as number;
    const b = rows[base + (feats[i] as number)] as number;
    if (a !== b && (a === a || b === b)) return false;
  }
  return true;
}

/**
 * Per-feature binning in the manner of LightGBM's BinMapper: distinct values, at most `max_bin` bins of at least
 * `min_data_in_bin` rows (greedy, equal-frequency when there are more distinct values than bins), bin boundaries at
 * midpoints between neighbouring distinct values, and a separate last bin for NaN when the training data has NaN.
 * A feature with a single bin cannot split.
 */
export interface BinMapper {
  /** Upper bounds of the numeric bins, ascending; the last is +Infinity. */
  upper: Float64Array;
  /** Index of the NaN bin, or -1 when the training data has no NaN (NaN then reads as 0, as LightGBM predicts). */
  nanBin: number;
  /** Numeric bins + the NaN bin. */
  numBins: number;
  min: number;
  max: number;
}

export function findBins(values: Float64Array, maxBin: number, minDataInBin: number): BinMapper {
  const finite: number[] = [];
  let hasNaN = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== v) hasNaN = true;
    else finite.push(v);
  }
  const sorted = Float64Array.from(finite).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v)
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const bins = Math.max(1, maxBin - (hasNaN ? 1 : 0));
  const upper: number[] = [];
  if (distinct.length > 0) {
    // Greedy: close a bin when it holds enough rows (its share of the rows left, and min_data_in_bin).
    let left = sorted.length;
    let binsLeft = bins;
    let acc = 0;
    for (let i = 0; i < distinct.length - 1; i++) {
      acc += counts[i] as number;
      const target = Math.max(minDataInBin, left / binsLeft);
      const distinctLeft = distinct.length - 1 - i;
      if ((acc >= target || distinctLeft < binsLeft) && acc >= minDataInBin && binsLeft > 1) {
        upper.push(midpoint(distinct[i] as number, distinct[i + 1] as number));
        left -= acc;
        acc = 0;
        binsLeft--;
      }
    }
  }
  upper.push(Infinity);
  const numeric = upper.length;
  return {
    upper: Float64Array.from(upper),
    nanBin: hasNaN ? numeric : -1,
    numBins: numeric + (hasNaN ? 1 : 0),
    min: distinct.length ? (distinct[0] as number) : 0,
    max: distinct.length ? (distinct[distinct.length - 1] as number) : 0,
  };
}

/** A threshold strictly between a and b that a is `<=` and b is not (the midpoint, nudged when it rounds onto b). */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/** The bin of a value: NaN → NaN bin (or bin of 0 when there is none), else the first bin whose upper bound holds it. */
export function binOf(mapper: BinMapper, v: number): number {
  if (v !== v) {
    if (mapper.nanBin >= 0) return mapper.nanBin;
    v = 0;
  }
  const up = mapper.upper;
  let lo = 0;
  let hi = up.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (up[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Row-major bins (`nRows × nFeatures`), one byte per value when every feature has at most 256 bins. */
export function binRows(
  mappers: readonly BinMapper[],
  rows: Float64Array,
  nRows: number,
  nFeatures: number,
): Uint8Array | Uint16Array {
  const wide = mappers.some((m) => m.numBins > 256);
  const out = wide ? new Uint16Array(nRows * nFeatures) : new Uint8Array(nRows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const m = mappers[f] as BinMapper;
    for (let r = 0; r < nRows; r++) out[r * nFeatures + f] = binOf(m, rows[r * nFeatures + f] as number);
  }
  return out;
}

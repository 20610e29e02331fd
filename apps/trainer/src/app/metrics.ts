import { auc, defaultLabelGain, logloss, rmse } from '@adrank/lightgbm';

/** Weighted mean absolute error (weights default 1). */
export function mae(pred: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = weights ? (weights[i] as number) : 1;
    s += wi * Math.abs((pred[i] as number) - (labels[i] as number));
    w += wi;
  }
  return w > 0 ? s / w : NaN;
}

export interface CalibrationBin {
  /** Weighted mean prediction and observed rate in the bin, and the bin's weight. */
  predicted: number;
  observed: number;
  weight: number;
}

/**
 * Reliability curve: rows sorted by prediction into `bins` bins of equal weight; per bin the weighted mean prediction
 * and the weighted mean label. ECE = Σ weight·|predicted − observed| / Σ weight.
 */
export function calibration(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
  bins = 10,
): { bins: CalibrationBin[]; ece: number } {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (pred[a] as number) - (pred[b] as number));
  let total = 0;
  for (let i = 0; i < n; i++) total += weights ? (weights[i] as number) : 1;
  const out: CalibrationBin[] = [];
  let at = 0;
  for (let b = 0; b < bins && at < n; b++) {
    const target = (total * (b + 1)) / bins;
    let w = 0;
    let p = 0;
    let y = 0;
    let cum = out.reduce((a, x) => a + x.weight, 0);
    while (at < n && (cum < target || w === 0)) {
      const i = order[at++] as number;
      const wi = weights ? (weights[i] as number) : 1;
      w += wi;
      cum += wi;
      p += wi * (pred[i] as number);
      y += wi * (labels[i] as number);
    }
    if (w > 0) out.push({ predicted: p / w, observed: y / w, weight: w });
  }
  const ece = total > 0 ? out.reduce((a, x) => a + x.weight * Math.abs(x.predicted - x.observed), 0) / total : NaN;
  return { bins: out, ece };
}

/**
 * A one-feature baseline: quantile bins of x fitted on training rows, each mapped to the weighted mean label of its
 * bin (the "similarity only" model). Missing x maps to the overall mean.
 */
export function fitBinnedMap(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w?: ArrayLike<number>,
  bins = 20,
): (v: number) => number {
  const idx: number[] = [];
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? (w[i] as number) : 1;
    if (wi <= 0 || Number.isNaN(y[i] as number)) continue;
    sw += wi;
    sy += wi * (y[i] as number);
    if (!Number.isNaN(x[i] as number)) idx.push(i);
  }
  const mean = sw > 0 ? sy / sw : 0;
  idx.sort((a, b) => (x[a] as number) - (x[b] as number));
  const edges: number[] = [];
  const values: number[] = [];
  const per = Math.max(1, Math.ceil(idx.length / bins));
  for (let s = 0; s < idx.length; s += per) {
    let bw = 0;
    let by = 0;
    const e = Math.min(idx.length, s + per);
    for (let k = s; k < e; k++) {
      const i = idx[k] as number;
      const wi = w ? (w[i] as number) : 1;
      bw += wi;
      by += wi * (y[i] as number);
    }
    edges.push(x[idx[e - 1] as number] as number);
    values.push(bw > 0 ? by / bw : mean);
  }
  return (v: number) => {
    if (Number.isNaN(v) || values.length === 0) return mean;
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= (edges[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] as number;
  };
}

/**
 * NDCG@k of each query (groups = sizes of consecutive query blocks): gain 2^label − 1 (LightGBM's default label gain),
 * discount 1/log2(2 + rank), ties kept in input order (stable, as LightGBM); a query without relevant rows scores 1.
 */
export function ndcgPerQuery(
  k: number,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
): Float64Array {
  const gain = defaultLabelGain();
  const out = new Float64Array(groups.length);
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    const size = groups[q] as number;
    const idx = Array.from({ length: size }, (_, i) => start + i);
    const g = (i: number): number => gain[labels[i] as number] as number;
    const ideal = idx.map(g).sort((a, b) => b - a);
    const top = Math.min(k, size);
    let best = 0;
    for (let r = 0; r < top; r++) best += (ideal[r] as number) / Math.log2(2 + r);
    if (best <= 0) out[q] = 1;
    else {
      idx.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
      let dcg = 0;
      for (let r = 0; r < top; r++) dcg += g(idx[r] as number) / Math.log2(2 + r);
      out[q] = dcg / best;
    }
    start += size;
  }
  return out;
}

/**
 * Mean average precision over queries with at least one relevant row (label ≥ 1), ranking by score (stable ties);
 * queries without relevant rows are left out.
 */
export function meanAveragePrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
): number {
  let sum = 0;
  let counted = 0;
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    const size = groups[q] as number;
    const idx = Array.from({ length: size }, (_, i) => start + i);
    idx.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    let hits = 0;
    let ap = 0;
    idx.forEach((i, r) => {
      if ((labels[i] as number) >= 1) {
        hits++;
        ap += hits / (r + 1);
      }
    });
    if (hits > 0) {
      sum += ap / hits;
      counted++;
    }
    start += size;
  }
  return counted > 0 ? sum / counted : NaN;
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return a.length ? s / a.length : NaN;
}

export { auc, logloss, rmse };

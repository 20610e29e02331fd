/**
 * Evaluation metrics with LightGBM's definitions (src/metric/*.hpp), shared by both training engines, early stopping
 * and the trainer app. Predictions are transformed outputs (probabilities for binary/cross_entropy), except NDCG and
 * AUC, which only use the order of the scores.
 */

/** LightGBM's kEpsilon for log-loss clamping. */
const EPS = 1e-15;

function weightOf(weights: ArrayLike<number> | undefined, i: number): number {
  return weights === undefined ? 1 : (weights[i] as number);
}

/** `l2`: weighted mean squared error Σ w (y - p)² / Σ w. */
export function l2(pred: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weightOf(weights, i);
    const d = (labels[i] as number) - (pred[i] as number);
    s += w * d * d;
    sw += w;
  }
  return s / sw;
}

/** `rmse`: √l2. */
export function rmse(pred: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  return Math.sqrt(l2(pred, labels, weights));
}

/**
 * `binary_logloss` / `cross_entropy`: −Σ w [y log p + (1 − y) log(1 − p)] / Σ w with p clamped to [1e-15, 1 − 1e-15].
 * Labels may be probabilities (cross_entropy).
 */
export function logloss(prob: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weightOf(weights, i);
    const p = Math.min(1 - EPS, Math.max(EPS, prob[i] as number));
    const y = labels[i] as number;
    s -= w * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
    sw += w;
  }
  return s / sw;
}

/**
 * `auc`: weighted area under the ROC curve, ties in score counted half (LightGBM's AUCMetric). Labels > 0 are
 * positives. 1 when one class is absent (LightGBM's convention).
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let area = 0;
  let pos = 0; // positives seen with a higher score
  let neg = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i] as number] as number;
    let tp = 0;
    let tn = 0;
    for (; i < n && scores[order[i] as number] === s; i++) {
      const k = order[i] as number;
      const w = weightOf(weights, k);
      if ((labels[k] as number) > 0) tp += w;
      else tn += w;
    }
    area += tn * (pos + tp * 0.5);
    pos += tp;
    neg += tn;
  }
  return pos === 0 || neg === 0 ? 1 : area / (pos * neg);
}

/** LightGBM's default `label_gain`: 2^i − 1 for i = 0…30. */
export function defaultLabelGain(): Float64Array {
  return Float64Array.from({ length: 31 }, (_, i) => 2 ** i - 1);
}

/**
 * `ndcg@k`, averaged over queries (`groups` = sizes of consecutive query blocks), gain `labelGain[label]`, discount
 * 1 / log2(2 + rank). A query whose ideal DCG is 0 (no relevant document) counts as 1, as in LightGBM.
 */
export function ndcgAt(
  k: number,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
  labelGain: ArrayLike<number> = defaultLabelGain(),
): number {
  let total = 0;
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    const size = groups[q] as number;
    const idx = Array.from({ length: size }, (_, i) => start + i);
    const gain = (i: number) => labelGain[labels[i] as number] as number;
    const top = Math.min(k, size);
    const ideal = idx.map(gain).sort((a, b) => b - a);
    let maxDcg = 0;
    for (let r = 0; r < top; r++) maxDcg += (ideal[r] as number) / Math.log2(2 + r);
    if (maxDcg <= 0) total += 1;
    else {
      // stable order by descending score (LightGBM uses std::stable_sort on the scores)
      idx.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
      let dcg = 0;
      for (let r = 0; r < top; r++) dcg += gain(idx[r] as number) / Math.log2(2 + r);
      total += dcg / maxDcg;
    }
    start += size;
  }
  return groups.length === 0 ? 1 : total / groups.length;
}

export type MetricName = 'l2' | 'rmse' | 'auc' | 'binary_logloss' | 'cross_entropy' | `ndcg@${number}`;

/** Whether a larger value is better. */
export function higherIsBetter(metric: MetricName): boolean {
  return metric === 'auc' || metric.startsWith('ndcg@');
}

/** Parses and checks a metric name (`l2`, `rmse`, `auc`, `binary_logloss`, `cross_entropy`, `ndcg@k`). */
export function parseMetric(name: string): MetricName {
  if (['l2', 'rmse', 'auc', 'binary_logloss', 'cross_entropy'].includes(name)) return name as MetricName;
  const m = /^ndcg@([1-9][0-9]*)$/.exec(name);
  if (m) return name as MetricName;
  throw new Error(`unknown metric "${name}": expected l2, rmse, auc, binary_logloss, cross_entropy or ndcg@k (k ≥ 1)`);
}

/** Evaluates a metric on transformed predictions. */
export function evaluate(
  metric: MetricName,
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: {
    weights?: ArrayLike<number> | undefined;
    groups?: ArrayLike<number> | undefined;
    labelGain?: ArrayLike<number>;
  } = {},
): number {
  switch (metric) {
    case 'l2':
      return l2(pred, labels, opts.weights);
    case 'rmse':
      return rmse(pred, labels, opts.weights);
    case 'auc':
      return auc(pred, labels, opts.weights);
    case 'binary_logloss':
    case 'cross_entropy':
      return logloss(pred, labels, opts.weights);
    default: {
      if (!opts.groups) throw new Error(`${metric} needs query groups`);
      return ndcgAt(Number(metric.slice(5)), pred, labels, opts.groups, opts.labelGain);
    }
  }
}

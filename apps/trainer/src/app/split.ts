import type { TrainData } from '@adrank/lightgbm';
import type { FeatureSet, RowRange } from './steps/features.step';
import type { ModelKind } from './params';

/**
 * One model's rows of one part of the split. CTR: rows with impressions, weighted by impressions; conversion: clicked
 * rows; ranker: every row with its query groups. When every row of the range qualifies, the data are views of the
 * feature matrix (no copy); otherwise the qualifying rows are copied.
 */
export function modelData(fs: FeatureSet, kind: ModelKind, range: RowRange): TrainData & { index: Int32Array | null } {
  const { rows } = fs;
  const w = rows.schema.width;
  const { start, end } = range;
  const keep =
    kind === 'ctr'
      ? (i: number) => (rows.labels.weight[i] as number) > 0
      : kind === 'conversion'
        ? (i: number) => !Number.isNaN(rows.labels.converted[i] as number)
        : () => true;
  const label =
    kind === 'ctr' ? rows.labels.ctr : kind === 'conversion' ? rows.labels.converted : rows.labels.relevance;
  let all = true;
  let n = 0;
  for (let i = start; i < end; i++) {
    if (keep(i)) n++;
    else all = false;
  }
  if (all) {
    return {
      rows: rows.matrix.subarray(start * w, end * w),
      nRows: end - start,
      nFeatures: w,
      labels: label.subarray(start, end),
      ...(kind === 'ctr' ? { weights: rows.labels.weight.subarray(start, end) } : {}),
      ...(kind === 'ranker' ? { groups: range.groups } : {}),
      index: null,
    };
  }
  if (kind === 'ranker') throw new Error('ranker rows are never filtered');
  const m = new Float64Array(n * w);
  const labels = new Float64Array(n);
  const weights = kind === 'ctr' ? new Float64Array(n) : undefined;
  const index = new Int32Array(n);
  let k = 0;
  for (let i = start; i < end; i++) {
    if (!keep(i)) continue;
    m.set(rows.matrix.subarray(i * w, (i + 1) * w), k * w);
    labels[k] = label[i] as number;
    if (weights) weights[k] = rows.labels.weight[i] as number;
    index[k++] = i;
  }
  return { rows: m, nRows: n, nFeatures: w, labels, ...(weights ? { weights } : {}), index };
}

/** Column `feature` of a row-major data set. */
export function column(d: TrainData, feature: number): Float64Array {
  const out = new Float64Array(d.nRows);
  for (let i = 0; i < d.nRows; i++) out[i] = d.rows[i * d.nFeatures + feature] as number;
  return out;
}

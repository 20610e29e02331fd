import type { ObjectiveName, TrainData } from '../index';

/** Small deterministic data sets for training tests (no Python needed). */
export interface SyntheticSet {
  rows: Float64Array;
  nRows: number;
  nFeatures: number;
  /** Regression target, binary label, probability label, graded relevance (0–3). */
  y: Float64Array;
  binary: Float64Array;
  prob: Float64Array;
  rel: Float64Array;
  /** Query sizes (20 rows each). */
  groups: Int32Array;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `nRows` rows (a multiple of 20) of 5 features: x0 uniform, x1 with 10% NaN, x2 small integers, x3 noise, x4 0/1. */
export function syntheticSet(nRows: number, seed = 1): SyntheticSet {
  const r = mulberry32(seed);
  const F = 5;
  const rows = new Float64Array(nRows * F);
  const y = new Float64Array(nRows);
  const binary = new Float64Array(nRows);
  const prob = new Float64Array(nRows);
  const rel = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const x0 = r() * 2 - 1;
    const x1 = r() < 0.1 ? NaN : r() * 4;
    const x2 = Math.floor(r() * 5);
    const x3 = r();
    const x4 = r() < 0.3 ? 1 : 0;
    rows.set([x0, x1, x2, x3, x4], i * F);
    const signal = 2 * x0 + (Number.isNaN(x1) ? 1.5 : Math.sin(x1)) + 0.3 * x2 + x4;
    y[i] = signal + (r() - 0.5) * 0.5;
    const p = 1 / (1 + Math.exp(-signal));
    prob[i] = p;
    binary[i] = r() < p ? 1 : 0;
    rel[i] = Math.max(0, Math.min(3, Math.floor(signal + 1 + (r() - 0.5))));
  }
  return { rows, nRows, nFeatures: F, y, binary, prob, rel, groups: new Int32Array(nRows / 20).fill(20) };
}

/** The set's label for an objective: y, binary, prob or rel. */
export function labelsFor(set: SyntheticSet, objective: ObjectiveName): Float64Array {
  const by: Record<ObjectiveName, Float64Array> = {
    regression: set.y,
    binary: set.binary,
    cross_entropy: set.prob,
    lambdarank: set.rel,
  };
  return by[objective];
}

/** Rows [from, to) of the set with `labels`, as training input; with `groups`, queries of 20 rows. */
export function syntheticPart(
  set: SyntheticSet,
  labels: Float64Array,
  from: number,
  to: number,
  groups = false,
): TrainData {
  const nf = set.nFeatures;
  return {
    rows: set.rows.subarray(from * nf, to * nf),
    nRows: to - from,
    nFeatures: nf,
    labels: labels.subarray(from, to),
    groups: groups ? new Int32Array((to - from) / 20).fill(20) : undefined,
  };
}

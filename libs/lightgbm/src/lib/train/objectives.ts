import { BuiltinParams, ObjectiveName } from './params';

/**
 * Gradients and hessians as LightGBM computes them (src/objective/*.hpp), sample weights applied, and the initial
 * score of `boost_from_average`.
 */
export interface Objective {
  readonly name: ObjectiveName;
  /** LightGBM's objective line in model.txt, e.g. `binary sigmoid:1`. */
  readonly modelString: string;
  initScore(labels: Float32Array, weights: Float32Array | null): number;
  gradients(score: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** Raw score → prediction (the transform LightGBM applies). */
  transform(raw: number): number;
}

function weightedMean(labels: Float32Array, weights: Float32Array | null): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? (weights[i] as number) : 1;
    s += w * (labels[i] as number);
    sw += w;
  }
  return s / sw;
}

export function makeObjective(
  name: ObjectiveName,
  params: BuiltinParams,
  labels: Float32Array,
  weights: Float32Array | null,
  groups: Int32Array | null,
): Objective {
  const n = labels.length;
  switch (name) {
    case 'regression':
      return {
        name,
        modelString: 'regression',
        initScore: (l, w) => (params.boost_from_average ? weightedMean(l, w) : 0),
        gradients(score, grad, hess) {
          for (let i = 0; i < n; i++) {
            const w = weights ? (weights[i] as number) : 1;
            grad[i] = ((score[i] as number) - (labels[i] as number)) * w;
            hess[i] = w;
          }
        },
        transform: (x) => x,
      };
    case 'binary': {
      const sigmoid = params.sigmoid;
      return {
        name,
        modelString: `binary sigmoid:${sigmoid}`,
        initScore(l, w) {
          if (!params.boost_from_average) return 0;
          const p = Math.min(1 - 1e-15, Math.max(1e-15, weightedMean(l, w)));
          return Math.log(p / (1 - p)) / sigmoid;
        },
        gradients(score, grad, hess) {
          for (let i = 0; i < n; i++) {
            const y = (labels[i] as number) > 0 ? 1 : -1;
            const response = (-y * sigmoid) / (1 + Math.exp(y * sigmoid * (score[i] as number)));
            const abs = Math.abs(response);
            const w = weights ? (weights[i] as number) : 1;
            grad[i] = response * w;
            hess[i] = abs * (sigmoid - abs) * w;
          }
        },
        transform: (x) => 1 / (1 + Math.exp(-sigmoid * x)),
      };
    }
    case 'cross_entropy':
      return {
        name,
        modelString: 'cross_entropy',
        initScore(l, w) {
          if (!params.boost_from_average) return 0;
          const p = Math.min(1 - 1e-15, Math.max(1e-15, weightedMean(l, w)));
          return Math.log(p / (1 - p));
        },
        gradients(score, grad, hess) {
          for (let i = 0; i < n; i++) {
            const z = 1 / (1 + Math.exp(-(score[i] as number)));
            const w = weights ? (weights[i] as number) : 1;
            grad[i] = (z - (labels[i] as number)) * w;
            hess[i] = z * (1 - z) * w;
          }
        },
        transform: (x) => 1 / (1 + Math.exp(-x)),
      };
    case 'lambdarank':
      if (!groups) throw new Error('lambdarank needs query groups');
      return lambdarank(params, labels, weights, groups);
  }
}

/** LambdaMART with NDCG (LightGBM's LambdarankNDCG): pairs within the truncation level, normalised lambdas. */
function lambdarank(
  params: BuiltinParams,
  labels: Float32Array,
  weights: Float32Array | null,
  groups: Int32Array,
): Objective {
  const gain = params.label_gain;
  const sigmoid = params.sigmoid;
  const trunc = params.lambdarank_truncation_level;
  const starts = new Int32Array(groups.length + 1);
  for (let q = 0; q < groups.length; q++) starts[q + 1] = (starts[q] as number) + (groups[q] as number);
  const discount = (r: number) => 1 / Math.log2(2 + r);
  // 1 / max DCG at the truncation level, per query (0 when the query has no relevant document)
  const inverseMaxDcg = new Float64Array(groups.length);
  for (let q = 0; q < groups.length; q++) {
    const ls: number[] = [];
    for (let i = starts[q] as number; i < (starts[q + 1] as number); i++) ls.push(labels[i] as number);
    ls.sort((a, b) => b - a);
    let dcg = 0;
    for (let r = 0; r < Math.min(trunc, ls.length); r++) dcg += (gain[ls[r] as number] as number) * discount(r);
    inverseMaxDcg[q] = dcg > 0 ? 1 / dcg : 0;
  }
  let order = new Int32Array(0);
  let disc = new Float64Array(0);
  let sl = new Int32Array(0);
  let ss = new Float64Array(0);
  let lam = new Float64Array(0);
  let hs = new Float64Array(0);
  let ex = new Float64Array(0);
  const norm = params.lambdarank_norm;
  return {
    name: 'lambdarank',
    modelString: 'lambdarank',
    initScore: () => 0,
    gradients(score, grad, hess) {
      for (let q = 0; q < groups.length; q++) {
        const s0 = starts[q] as number;
        const cnt = (starts[q + 1] as number) - s0;
        if (cnt > order.length) {
          order = new Int32Array(cnt);
          disc = Float64Array.from({ length: cnt }, (_, r) => discount(r));
          sl = new Int32Array(cnt);
          ss = new Float64Array(cnt);
          lam = new Float64Array(cnt);
          hs = new Float64Array(cnt);
          ex = new Float64Array(cnt);
        }
        const idx = order.subarray(0, cnt);
        for (let i = 0; i < cnt; i++) idx[i] = s0 + i;
        // stable sort by score, descending
        idx.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
        // 1 / (1 + exp(σ (s_i − s_j))) = e_j / (e_i + e_j) with e_k = exp(σ (s_k − s_max)): one exp per document
        const top = score[idx[0] as number] as number;
        for (let k = 0; k < cnt; k++) {
          const r = idx[k] as number;
          sl[k] = labels[r] as number;
          ss[k] = score[r] as number;
          ex[k] = Math.exp(sigmoid * ((score[r] as number) - top));
          lam[k] = 0;
          hs[k] = 0;
        }
        const scaled = norm && (ss[0] as number) !== (ss[cnt - 1] as number);
        const invMax = inverseMaxDcg[q] as number;
        let sumLambdas = 0;
        const last = Math.min(cnt - 1, trunc);
        for (let i = 0; i < last; i++) {
          const li = sl[i] as number;
          const si = ss[i] as number;
          const gi = gain[li] as number;
          const di = disc[i] as number;
          const ei = ex[i] as number;
          for (let j = i + 1; j < cnt; j++) {
            const lj = sl[j] as number;
            if (li === lj) continue;
            const iHigh = li > lj;
            const deltaScore = iHigh ? si - (ss[j] as number) : (ss[j] as number) - si;
            const dcgGap = iHigh ? gi - (gain[lj] as number) : (gain[lj] as number) - gi;
            let deltaNdcg = dcgGap * (di - (disc[j] as number)) * invMax;
            if (scaled) deltaNdcg /= 0.01 + Math.abs(deltaScore);
            const ej = ex[j] as number;
            const sum = ei + ej;
            let pLambda = sum > 0 ? (iHigh ? ej : ei) / sum : 1 / (1 + Math.exp(sigmoid * deltaScore));
            let pHess = pLambda * (1 - pLambda);
            pLambda *= -sigmoid * deltaNdcg;
            pHess *= sigmoid * sigmoid * deltaNdcg;
            if (iHigh) {
              lam[i] = (lam[i] as number) + pLambda;
              lam[j] = (lam[j] as number) - pLambda;
            } else {
              lam[j] = (lam[j] as number) + pLambda;
              lam[i] = (lam[i] as number) - pLambda;
            }
            hs[i] = (hs[i] as number) + pHess;
            hs[j] = (hs[j] as number) + pHess;
            sumLambdas -= 2 * pLambda;
          }
        }
        const f = norm && sumLambdas > 0 ? Math.log2(1 + sumLambdas) / sumLambdas : 1;
        for (let k = 0; k < cnt; k++) {
          const r = idx[k] as number;
          const w = weights ? (weights[r] as number) : 1;
          grad[r] = (lam[k] as number) * f * w;
          hess[r] = (hs[k] as number) * f * w;
        }
      }
    },
    transform: (x) => x,
  };
}

import { UnsupportedModelError } from '../errors';
import { Objective } from './types';

/** How a model's raw scores become predictions (LightGBM's ObjectiveFunction::ConvertOutput). */
export type OutputTransform =
  | { kind: 'identity' }
  | { kind: 'square' } // reg_sqrt: sign(x) * x²
  | { kind: 'sigmoid'; sigmoid: number } // binary; cross_entropy with sigmoid = 1
  | { kind: 'log1pexp' } // cross_entropy_lambda
  | { kind: 'exp' } // poisson, gamma, tweedie
  | { kind: 'softmax' } // multiclass
  | { kind: 'ova'; sigmoid: number }; // multiclassova: independent sigmoids

const IDENTITY = ['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape'];
const RAW = ['lambdarank', 'rank_xendcg', 'custom'];
export const SUPPORTED_OBJECTIVES = [
  ...IDENTITY,
  ...RAW,
  'binary',
  'cross_entropy',
  'cross_entropy_lambda',
  'poisson',
  'gamma',
  'tweedie',
  'multiclass',
  'multiclassova',
];

function numberOption(obj: Objective, key: string, fallback: number): number {
  const v = obj.options[key];
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v === '' || !Number.isFinite(x)) {
    throw new UnsupportedModelError(`objective "${obj.name}": option ${key}:${v} is not a number`);
  }
  return x;
}

export function outputTransform(objective: Objective | null): OutputTransform {
  if (objective === null) return { kind: 'identity' }; // no objective line: LightGBM returns raw scores
  const name = objective.name;
  if (IDENTITY.includes(name)) return 'sqrt' in objective.options ? { kind: 'square' } : { kind: 'identity' };
  if (RAW.includes(name)) return { kind: 'identity' };
  switch (name) {
    case 'binary':
      return { kind: 'sigmoid', sigmoid: numberOption(objective, 'sigmoid', 1) };
    case 'cross_entropy':
      return { kind: 'sigmoid', sigmoid: 1 };
    case 'cross_entropy_lambda':
      return { kind: 'log1pexp' };
    case 'poisson':
    case 'gamma':
    case 'tweedie':
      return { kind: 'exp' };
    case 'multiclass':
      return { kind: 'softmax' };
    case 'multiclassova':
      return { kind: 'ova', sigmoid: numberOption(objective, 'sigmoid', 1) };
    default:
      throw new UnsupportedModelError(
        `objective "${name}" has no known output transform; supported: ${SUPPORTED_OBJECTIVES.join(', ')}`,
      );
  }
}

/** Applies `t` in place to `nRows` rows of `k` raw scores each. */
export function applyTransform(t: OutputTransform, out: Float64Array, nRows: number, k: number): void {
  const len = nRows * k;
  switch (t.kind) {
    case 'identity':
      return;
    case 'square':
      for (let i = 0; i < len; i++) {
        const x = out[i] as number;
        out[i] = Math.sign(x) * x * x;
      }
      return;
    case 'sigmoid':
    case 'ova': {
      const s = t.sigmoid;
      for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-s * (out[i] as number)));
      return;
    }
    case 'log1pexp':
      for (let i = 0; i < len; i++) out[i] = Math.log1p(Math.exp(out[i] as number));
      return;
    case 'exp':
      for (let i = 0; i < len; i++) out[i] = Math.exp(out[i] as number);
      return;
    case 'softmax':
      for (let r = 0; r < len; r += k) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, out[r + c] as number);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp((out[r + c] as number) - max);
          out[r + c] = e;
          sum += e;
        }
        for (let c = 0; c < k; c++) out[r + c] = (out[r + c] as number) / sum;
      }
      return;
  }
}

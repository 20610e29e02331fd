import { MetricName, defaultLabelGain, parseMetric } from './metrics';

export type ObjectiveName = 'regression' | 'binary' | 'cross_entropy' | 'lambdarank';
export const TRAIN_OBJECTIVES: readonly ObjectiveName[] = ['regression', 'binary', 'cross_entropy', 'lambdarank'];

export type ParamValue = string | number | boolean;
export type TrainParams = Record<string, ParamValue | readonly ParamValue[]>;

/** The built-in engine's parameters, with LightGBM's names and defaults. */
export interface BuiltinParams {
  num_iterations: number;
  learning_rate: number;
  num_leaves: number;
  max_depth: number;
  min_data_in_leaf: number;
  min_sum_hessian_in_leaf: number;
  lambda_l1: number;
  lambda_l2: number;
  min_gain_to_split: number;
  feature_fraction: number;
  bagging_fraction: number;
  bagging_freq: number;
  max_bin: number;
  min_data_in_bin: number;
  seed: number;
  early_stopping_round: number;
  metric: MetricName;
  sigmoid: number;
  label_gain: Float64Array;
  lambdarank_truncation_level: number;
  lambdarank_norm: boolean;
  boost_from_average: boolean;
}

export class TrainParamError extends Error {
  override readonly name = 'TrainParamError';
}

type Kind = 'int' | 'num' | 'bool';
const SPEC: Record<string, { kind: Kind; def: number | boolean; min?: number; max?: number; minExclusive?: boolean }> =
  {
    num_iterations: { kind: 'int', def: 100, min: 0 },
    learning_rate: { kind: 'num', def: 0.1, min: 0, minExclusive: true },
    num_leaves: { kind: 'int', def: 31, min: 2, max: 131072 },
    max_depth: { kind: 'int', def: -1 },
    min_data_in_leaf: { kind: 'int', def: 20, min: 0 },
    min_sum_hessian_in_leaf: { kind: 'num', def: 1e-3, min: 0 },
    lambda_l1: { kind: 'num', def: 0, min: 0 },
    lambda_l2: { kind: 'num', def: 0, min: 0 },
    min_gain_to_split: { kind: 'num', def: 0, min: 0 },
    feature_fraction: { kind: 'num', def: 1, min: 0, max: 1, minExclusive: true },
    bagging_fraction: { kind: 'num', def: 1, min: 0, max: 1, minExclusive: true },
    bagging_freq: { kind: 'int', def: 0, min: 0 },
    max_bin: { kind: 'int', def: 255, min: 2, max: 65535 },
    min_data_in_bin: { kind: 'int', def: 3, min: 1 },
    seed: { kind: 'int', def: 0 },
    early_stopping_round: { kind: 'int', def: 0, min: 0 },
    sigmoid: { kind: 'num', def: 1, min: 0, minExclusive: true },
    lambdarank_truncation_level: { kind: 'int', def: 30, min: 1 },
    lambdarank_norm: { kind: 'bool', def: true },
    boost_from_average: { kind: 'bool', def: true },
  };

/** LightGBM aliases accepted for the names above. */
const ALIASES: Record<string, string> = {
  num_iteration: 'num_iterations',
  n_iter: 'num_iterations',
  num_tree: 'num_iterations',
  num_trees: 'num_iterations',
  num_round: 'num_iterations',
  num_rounds: 'num_iterations',
  num_boost_round: 'num_iterations',
  n_estimators: 'num_iterations',
  shrinkage_rate: 'learning_rate',
  eta: 'learning_rate',
  num_leaf: 'num_leaves',
  max_leaves: 'num_leaves',
  max_leaf: 'num_leaves',
  min_data_per_leaf: 'min_data_in_leaf',
  min_data: 'min_data_in_leaf',
  min_child_samples: 'min_data_in_leaf',
  min_sum_hessian_per_leaf: 'min_sum_hessian_in_leaf',
  min_sum_hessian: 'min_sum_hessian_in_leaf',
  min_hessian: 'min_sum_hessian_in_leaf',
  min_child_weight: 'min_sum_hessian_in_leaf',
  reg_alpha: 'lambda_l1',
  l1_regularization: 'lambda_l1',
  reg_lambda: 'lambda_l2',
  lambda: 'lambda_l2',
  l2_regularization: 'lambda_l2',
  min_split_gain: 'min_gain_to_split',
  sub_feature: 'feature_fraction',
  colsample_bytree: 'feature_fraction',
  sub_row: 'bagging_fraction',
  subsample: 'bagging_fraction',
  bagging: 'bagging_fraction',
  subsample_freq: 'bagging_freq',
  random_seed: 'seed',
  random_state: 'seed',
  early_stopping_rounds: 'early_stopping_round',
  early_stopping: 'early_stopping_round',
  n_iter_no_change: 'early_stopping_round',
  metrics: 'metric',
  metric_types: 'metric',
};

/** Accepted by the built-in engine and without effect on its result (it is single-threaded and quiet). */
const NO_EFFECT = new Set([
  'num_threads',
  'num_thread',
  'nthread',
  'nthreads',
  'n_jobs',
  'verbosity',
  'verbose',
  'deterministic',
  'force_row_wise',
  'force_col_wise',
]);

export function canonicalName(key: string): string {
  return ALIASES[key] ?? key;
}

export function defaultMetric(objective: ObjectiveName): MetricName {
  switch (objective) {
    case 'regression':
      return 'l2';
    case 'binary':
      return 'binary_logloss';
    case 'cross_entropy':
      return 'cross_entropy';
    case 'lambdarank':
      return 'ndcg@10';
  }
}

/** Validates parameters for the built-in engine: LightGBM names (and aliases) and defaults; anything unknown is an error. */
export function builtinParams(objective: ObjectiveName, params: TrainParams): BuiltinParams {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(SPEC)) out[k] = spec.def;
  out['metric'] = defaultMetric(objective);
  out['label_gain'] = defaultLabelGain();
  const seen = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(params)) {
    const key = canonicalName(rawKey);
    if (seen.has(key)) throw new TrainParamError(`parameter ${key} given twice (as ${seen.get(key)} and ${rawKey})`);
    seen.set(key, rawKey);
    if (NO_EFFECT.has(key) || key === 'objective') continue;
    if (key === 'metric') {
      const v = String(Array.isArray(value) ? value[0] : value).trim();
      try {
        out['metric'] = parseMetric(v === 'ndcg' ? 'ndcg@10' : v);
      } catch (e) {
        throw new TrainParamError(`metric: ${(e as Error).message}`);
      }
      continue;
    }
    if (key === 'label_gain') {
      const list = Array.isArray(value) ? value : String(value).split(',');
      const gains = list.map((x) => Number(x));
      if (gains.length === 0 || gains.some((g) => !Number.isFinite(g))) {
        throw new TrainParamError(`label_gain must be a comma-separated list of numbers, got "${String(value)}"`);
      }
      out['label_gain'] = Float64Array.from(gains);
      continue;
    }
    const spec = SPEC[key];
    if (!spec) {
      throw new TrainParamError(
        `unknown parameter "${rawKey}" for the built-in engine (known: ${[...Object.keys(SPEC), 'metric', 'label_gain'].join(', ')})`,
      );
    }
    out[key] = parseValue(rawKey, value, spec);
  }
  return out as unknown as BuiltinParams;
}

function parseValue(
  key: string,
  value: ParamValue | readonly ParamValue[],
  spec: { kind: Kind; min?: number; max?: number; minExclusive?: boolean },
): number | boolean {
  if (Array.isArray(value)) throw new TrainParamError(`${key} takes one value, got a list`);
  const s = String(value).trim();
  if (spec.kind === 'bool') {
    if (value === true || s === 'true' || s === '1') return true;
    if (value === false || s === 'false' || s === '0') return false;
    throw new TrainParamError(`${key} must be true or false, got "${s}"`);
  }
  const v = typeof value === 'number' ? value : s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new TrainParamError(`${key} must be a number, got "${s}"`);
  if (spec.kind === 'int' && !Number.isInteger(v)) throw new TrainParamError(`${key} must be an integer, got "${s}"`);
  if (spec.min !== undefined && (spec.minExclusive ? v <= spec.min : v < spec.min)) {
    throw new TrainParamError(`${key} must be ${spec.minExclusive ? '>' : '>='} ${spec.min}, got ${v}`);
  }
  if (spec.max !== undefined && v > spec.max) throw new TrainParamError(`${key} must be <= ${spec.max}, got ${v}`);
  return v;
}

/** LightGBM's `key=value` parameter string for the native engine (lists joined with commas). */
export function nativeParamString(params: TrainParams): string {
  return Object.entries(params)
    .map(([k, v]) => {
      const s = Array.isArray(v) ? v.join(',') : String(v);
      if (/[\s=]/.test(k) || /\s/.test(s))
        throw new TrainParamError(`parameter ${k}=${s}: keys and values cannot contain spaces`);
      return `${k}=${s}`;
    })
    .join(' ');
}

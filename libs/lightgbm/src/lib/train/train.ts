import { serializeModel } from '../model/serialize';
import { findLightGbmLibrary } from '../native/library';
import { NativeDataset, NativeDatasetInput, NativeLightGbm } from '../native/native-lightgbm';
import { EngineData, trainBuiltin } from './builtin';
import { MetricName, evaluate, higherIsBetter } from './metrics';
import {
  ObjectiveName,
  TRAIN_OBJECTIVES,
  TrainParams,
  builtinParams,
  canonicalName,
  nativeParamString,
} from './params';

export type EngineName = 'auto' | 'native' | 'builtin';

/** A training or validation set (the native engine's Dataset input). */
export type TrainData = NativeDatasetInput;

export interface IterationInfo {
  /** 1-based number of iterations trained so far. */
  iteration: number;
  /** The validation metric after this iteration (absent without a validation set). */
  valid?: { metric: MetricName; value: number };
}

export interface TrainOptions {
  engine?: EngineName;
  objective: ObjectiveName;
  /** LightGBM parameters by LightGBM's names (`num_leaves`, `learning_rate`, …). */
  params?: TrainParams;
  train: TrainData;
  valid?: TrainData | undefined;
  featureNames?: string[] | undefined;
  /** Called after every iteration; return false to stop (the model keeps the iterations trained so far). */
  onIteration?: (info: IterationInfo) => boolean | void;
  /** Environment for engine discovery (`LIGHTGBM_LIB`, `ADRANK_PYTHON`). */
  env?: NodeJS.ProcessEnv;
}

export interface TrainResult {
  modelText: string;
  engine: 'native' | 'builtin';
  /** 1-based best iteration (the model's last one without early stopping). */
  bestIteration: number;
  /** Validation metric per iteration (empty without a validation set). */
  evals: { metric: MetricName | null; values: number[] };
}

export class TrainInputError extends Error {
  override readonly name = 'TrainInputError';
}

/**
 * Trains a LightGBM model with the native library (`engine: 'native'`), the built-in TypeScript engine
 * (`'builtin'`), or whichever is available (`'auto'`: native when lib_lightgbm.so is found). Inputs are checked before
 * any work starts. Early stopping (`early_stopping_round` with a validation set) is applied by this function for both
 * engines, on the same metric definitions (LightGBM's own evaluation for native).
 */
export function train(o: TrainOptions): TrainResult {
  if (!TRAIN_OBJECTIVES.includes(o.objective)) {
    throw new TrainInputError(`objective must be one of ${TRAIN_OBJECTIVES.join(', ')}, got "${String(o.objective)}"`);
  }
  const params = o.params ?? {};
  const requested = o.engine ?? 'auto';
  if (!['auto', 'native', 'builtin'].includes(requested)) {
    throw new TrainInputError(`engine must be auto, native or builtin, got "${String(requested)}"`);
  }
  const trainData = checkData('train', o.train, o.objective);
  const validData = o.valid ? checkData('valid', o.valid, o.objective, trainData.nFeatures) : null;
  const featureNames = o.featureNames ?? Array.from({ length: trainData.nFeatures }, (_, i) => `Column_${i}`);
  if (featureNames.length !== trainData.nFeatures) {
    throw new TrainInputError(`featureNames has ${featureNames.length} names for ${trainData.nFeatures} features`);
  }
  const bad = featureNames.find((n) => n === '' || /\s/.test(n));
  if (bad !== undefined) throw new TrainInputError(`feature name "${bad}" is empty or contains whitespace`);
  // the built-in engine's checks double as a typo check for both engines' common parameters
  const bp = builtinParams(o.objective, requested === 'native' ? pickKnown(params) : params);
  const engine = requested === 'auto' ? (findLightGbmLibrary(o.env ?? process.env) ? 'native' : 'builtin') : requested;
  const stopper = new EarlyStopping(bp.metric, validData ? bp.early_stopping_round : 0);
  const notify = (iteration: number, value: number | null): boolean => {
    if (value !== null) stopper.push(value);
    const info: IterationInfo = value === null ? { iteration } : { iteration, valid: { metric: bp.metric, value } };
    const go = o.onIteration?.(info);
    return go !== false && !stopper.shouldStop();
  };

  if (engine === 'builtin') {
    const tf = transformFor(o.objective, bp.sigmoid);
    const result = trainBuiltin(o.objective, bp, trainData, validData, featureNames, ({ iteration, validScores }) => {
      let value: number | null = null;
      if (validData && validScores) {
        const pred = validScores.map(tf);
        value = evaluate(bp.metric, pred, validData.labels, {
          weights: validData.weights ?? undefined,
          groups: validData.groups ?? undefined,
          labelGain: bp.label_gain,
        });
      }
      const go = notify(iteration + 1, value);
      return go ? { stop: false } : { stop: true, keepIterations: stopper.keepIterations(iteration + 1) };
    });
    const text = serializeModel(result.model);
    return {
      modelText: text,
      engine,
      bestIteration: stopper.best(result.model.trees.length),
      evals: stopper.history(),
    };
  }
  return trainNative(o, params, bp.num_iterations, bp.metric, trainData, validData, featureNames, notify, stopper);
}

/**
 * Checks parameters before any data is touched, as train() would: every name known to the built-in engine (aliases
 * included) with a valid value — for `engine: 'native'` only the names the built-in engine knows are checked (LightGBM
 * itself judges the rest). Throws TrainParamError naming the parameter.
 */
export function checkTrainParams(objective: ObjectiveName, params: TrainParams, engine: EngineName = 'auto'): void {
  if (!TRAIN_OBJECTIVES.includes(objective)) {
    throw new TrainInputError(`objective must be one of ${TRAIN_OBJECTIVES.join(', ')}, got "${String(objective)}"`);
  }
  builtinParams(objective, engine === 'native' ? pickKnown(params) : params);
}

/** Raw score → prediction for the metrics (what LightGBM's evaluation sees). */
function transformFor(objective: ObjectiveName, sigmoid: number): (x: number) => number {
  if (objective === 'binary') return (x) => 1 / (1 + Math.exp(-sigmoid * x));
  if (objective === 'cross_entropy') return (x) => 1 / (1 + Math.exp(-x));
  return (x) => x;
}

function trainNative(
  o: TrainOptions,
  params: TrainParams,
  iterations: number,
  metric: MetricName,
  train: EngineData,
  valid: EngineData | null,
  featureNames: string[],
  notify: (iteration: number, value: number | null) => boolean,
  stopper: EarlyStopping,
): TrainResult {
  const lib = NativeLightGbm.load(o.env ?? process.env);
  const nativeParams: TrainParams = { objective: o.objective, verbosity: -1, ...params };
  // iterations and early stopping are driven from here; the metric is LightGBM's own evaluation
  for (const k of Object.keys(nativeParams)) {
    const c = canonicalName(k);
    if (c === 'num_iterations' || c === 'early_stopping_round' || c === 'metric') delete nativeParams[k];
  }
  if (metric.startsWith('ndcg@')) {
    nativeParams['metric'] = 'ndcg';
    nativeParams['eval_at'] = metric.slice(5);
  } else nativeParams['metric'] = metric;
  const paramString = nativeParamString(nativeParams);
  const datasets: NativeDataset[] = [];
  try {
    const trainSet = lib.datasetFromMat(toNative(train), paramString);
    datasets.push(trainSet);
    const validSet = valid ? lib.datasetFromMat(toNative(valid), paramString, trainSet) : null;
    if (validSet) datasets.push(validSet);
    const booster = lib.boosterForTraining(trainSet, paramString, validSet ? [validSet] : []);
    try {
      let trained = 0;
      for (let it = 0; it < iterations; it++) {
        const finished = booster.updateOneIter();
        trained = it + 1;
        const value = validSet ? (booster.getEval(1)[0] as number) : null;
        if (!notify(trained, value) || finished) break;
      }
      const keep = stopper.keepIterations(trained);
      let text = booster.saveModelToString(0, keep);
      text = renameFeatures(text, featureNames);
      return { modelText: text, engine: 'native', bestIteration: stopper.best(keep), evals: stopper.history() };
    } finally {
      booster.free();
    }
  } finally {
    for (const d of datasets) d.free();
  }
}

/** LightGBM names features Column_i without feature names on the Dataset; write the caller's names instead. */
function renameFeatures(text: string, names: string[]): string {
  return text.replace(/^feature_names=.*$/m, `feature_names=${names.join(' ')}`);
}

function toNative(d: EngineData): NativeDatasetInput {
  return {
    rows: d.rows,
    nRows: d.nRows,
    nFeatures: d.nFeatures,
    labels: d.labels,
    weights: d.weights ?? undefined,
    groups: d.groups ?? undefined,
  };
}

/** Keeps only the parameters the built-in engine knows (for checking the common ones when training natively). */
function pickKnown(params: TrainParams): TrainParams {
  const out: TrainParams = {};
  for (const [k, v] of Object.entries(params)) {
    try {
      builtinParams('regression', { [k]: v });
      out[k] = v;
    } catch (e) {
      if ((e as Error).message.startsWith('unknown parameter')) continue;
      throw e;
    }
  }
  return out;
}

class EarlyStopping {
  private readonly values: number[] = [];
  private bestIdx = -1;

  constructor(
    private readonly metric: MetricName,
    private readonly rounds: number,
  ) {}

  push(v: number): void {
    this.values.push(v);
    const bestV = this.bestIdx >= 0 ? (this.values[this.bestIdx] as number) : NaN;
    const better = this.bestIdx < 0 || (higherIsBetter(this.metric) ? v > bestV : v < bestV);
    if (better) this.bestIdx = this.values.length - 1;
  }

  shouldStop(): boolean {
    return this.rounds > 0 && this.bestIdx >= 0 && this.values.length - 1 - this.bestIdx >= this.rounds;
  }

  /** Iterations the saved model keeps: up to the best one when early stopping is on, else all trained. */
  keepIterations(trained: number): number {
    return this.rounds > 0 && this.bestIdx >= 0 ? this.bestIdx + 1 : trained;
  }

  best(kept: number): number {
    return this.rounds > 0 && this.bestIdx >= 0 ? this.bestIdx + 1 : kept;
  }

  history(): { metric: MetricName | null; values: number[] } {
    return { metric: this.values.length ? this.metric : null, values: [...this.values] };
  }
}

function checkData(which: string, d: TrainData, objective: ObjectiveName, nFeatures?: number): EngineData {
  if (!d || typeof d !== 'object') throw new TrainInputError(`${which}: expected { rows, nRows, nFeatures, labels }`);
  const { rows, nRows, nFeatures: nf } = d;
  if (!(rows instanceof Float64Array)) throw new TrainInputError(`${which}.rows must be a Float64Array (row-major)`);
  if (!Number.isInteger(nRows) || nRows <= 0)
    throw new TrainInputError(`${which}: nRows must be a positive integer, got ${nRows}`);
  if (!Number.isInteger(nf) || nf <= 0)
    throw new TrainInputError(`${which}: nFeatures must be a positive integer, got ${nf}`);
  if (nFeatures !== undefined && nf !== nFeatures) {
    throw new TrainInputError(`${which}: ${nf} features, but the training set has ${nFeatures}`);
  }
  if (rows.length !== nRows * nf) {
    throw new TrainInputError(`${which}.rows holds ${rows.length} values, expected nRows × nFeatures = ${nRows * nf}`);
  }
  if (!d.labels || d.labels.length !== nRows) {
    throw new TrainInputError(`${which}.labels has ${d.labels?.length ?? 0} values for ${nRows} rows`);
  }
  const labels = Float32Array.from(d.labels);
  for (let i = 0; i < nRows; i++) {
    const y = d.labels[i] as number;
    if (!Number.isFinite(y)) throw new TrainInputError(`${which}.labels[${i}] is ${y}: labels must be finite numbers`);
    if (objective === 'binary' && y !== 0 && y !== 1) {
      throw new TrainInputError(`${which}.labels[${i}] is ${y}: binary labels must be 0 or 1`);
    }
    if (objective === 'cross_entropy' && (y < 0 || y > 1)) {
      throw new TrainInputError(`${which}.labels[${i}] is ${y}: cross_entropy labels must be in [0, 1]`);
    }
    if (objective === 'lambdarank' && (!Number.isInteger(y) || y < 0 || y > 30)) {
      throw new TrainInputError(`${which}.labels[${i}] is ${y}: lambdarank labels must be integers in [0, 30]`);
    }
  }
  let weights: Float32Array | null = null;
  if (d.weights !== undefined) {
    if (d.weights.length !== nRows)
      throw new TrainInputError(`${which}.weights has ${d.weights.length} values for ${nRows} rows`);
    for (let i = 0; i < nRows; i++) {
      const w = d.weights[i] as number;
      if (!Number.isFinite(w) || w < 0)
        throw new TrainInputError(`${which}.weights[${i}] is ${w}: weights must be finite and >= 0`);
    }
    weights = Float32Array.from(d.weights);
  }
  let groups: Int32Array | null = null;
  if (d.groups !== undefined) {
    let sum = 0;
    for (let q = 0; q < d.groups.length; q++) {
      const g = d.groups[q] as number;
      if (!Number.isInteger(g) || g <= 0)
        throw new TrainInputError(`${which}.groups[${q}] is ${g}: group sizes must be positive integers`);
      sum += g;
    }
    if (sum !== nRows) throw new TrainInputError(`${which}.groups sum to ${sum}, but there are ${nRows} rows`);
    groups = Int32Array.from(d.groups);
  } else if (objective === 'lambdarank') {
    throw new TrainInputError(`${which}: lambdarank needs query groups (sizes of consecutive query blocks)`);
  }
  return { rows, nRows, nFeatures: nf, labels, weights, groups };
}

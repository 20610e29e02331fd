/** decision_type bit layout (LightGBM tree.h). */
export const DecisionBits = {
  categorical: 1,
  defaultLeft: 2,
} as const;

export const enum MissingType {
  None = 0,
  Zero = 1,
  NaN = 2,
}

export function missingTypeOf(decisionType: number): MissingType {
  return ((decisionType >> 2) & 3) as MissingType;
}

/**
 * One regression tree, as stored in a LightGBM text model. Node arrays have `numLeaves - 1` entries,
 * leaf arrays `numLeaves`. A child index `>= 0` is an internal node, `< 0` is leaf `~child`.
 */
export interface Tree {
  numLeaves: number;
  numCat: number;
  splitFeature: Int32Array;
  splitGain: Float64Array;
  threshold: Float64Array;
  decisionType: Uint8Array;
  leftChild: Int32Array;
  rightChild: Int32Array;
  leafValue: Float64Array;
  leafWeight: Float64Array;
  leafCount: Float64Array;
  internalValue: Float64Array;
  internalWeight: Float64Array;
  internalCount: Float64Array;
  /** Word ranges into `catThreshold`, one range per categorical split (`numCat + 1` entries). */
  catBoundaries: Int32Array;
  /** 32-bit words of category bitsets. */
  catThreshold: Uint32Array;
  shrinkage: number;
}

export interface Objective {
  /** e.g. `binary`, `regression`, `multiclass`, `lambdarank`. */
  name: string;
  /** Options after the name: `sigmoid:1.7` → `{ sigmoid: '1.7' }`; a bare word such as `sqrt` → `{ sqrt: '' }`. */
  options: Record<string, string>;
}

/** A parsed LightGBM text model (`version=v3` or `v4`). */
export interface LightGbmModel {
  version: string;
  numClass: number;
  /** Trees per boosting iteration (= numClass for multiclass); tree t belongs to class t % numTreePerIteration. */
  numTreePerIteration: number;
  labelIndex: number;
  /** Number of features - 1. */
  maxFeatureIdx: number;
  objective: Objective | null;
  /** Random-forest mode: the sum of trees is divided by the number of iterations. */
  averageOutput: boolean;
  featureNames: string[];
  /** Per-feature info strings, kept verbatim (`[min:max]`, categories `a:b:c`, or `none`). */
  featureInfos: string[];
  /** Other header lines (`monotone_constraints=…` and the like), kept verbatim for serialisation. */
  extraHeader: Array<[key: string, value: string]>;
  trees: Tree[];
  /** The `parameters:` section lines without brackets, e.g. `boosting: gbdt`; empty when absent. */
  parameters: string[];
  /** The `pandas_categorical:` value, verbatim (`null` or a JSON list); null when absent. */
  pandasCategorical: string | null;
}

export function numFeatures(model: LightGbmModel): number {
  return model.maxFeatureIdx + 1;
}

export function numIterations(model: LightGbmModel): number {
  return model.trees.length / model.numTreePerIteration;
}
